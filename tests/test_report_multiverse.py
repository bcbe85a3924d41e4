"""The multiverse report (analyses/multiverse.py) on a small declaration: 16 specifications, B = 3.

The full report (1,152 specifications, B = 20) is built by ``make reports``; here the same
script runs end to end on the built tables, through the command line and a one-worker
LocalCluster, and its numbers are checked against the multiverse run read back in Python.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analyses_run import run_analysis

ROOT = Path(__file__).resolve().parents[1]

SMALL = """
analysis = "ucdp_peace"
title = "small multiverse for the report test"

[dimensions]
presence = ["un_present", "any_pk_present"]
recurrence = ["conflict"]
sample = ["all", "civil"]
controls = ["none"]
estimator = ["cox", "weibull"]
cluster = ["conflict", "country"]

[run]
chunk_size = 4

[null]
resamples = 3
seed = 7
unit = "conflict_id"

[report]
resamples = 3
workers = 1
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory, built_tables) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("multiverse_report")
    cfg = tmp / "small.toml"
    cfg.write_text(SMALL)
    out = tmp / "reports"
    run_analysis("multiverse", out, processed=built_tables, PEACESTATS_MULTIVERSE_CONFIG=str(cfg))
    return out, cfg


def test_report_states_the_specifications_and_b(report):
    out, _ = report
    html = (out / "multiverse.html").read_text("utf-8")
    assert "16 specifications" in html
    assert "B = 3" in html
    entry = json.loads((out / "multiverse.json").read_text("utf-8"))
    names = " ".join(map(str, entry.get("files", entry)))
    assert "spec_curve" in names and "null" in names


def test_report_numbers_equal_the_run_read_back(report, built_tables, monkeypatch):
    out, cfg = report
    from peacestats.robustness import curve_inference, load_config, run_multiverse, run_null

    monkeypatch.setenv("PEACESTATS_PROCESSED_DIR", str(built_tables))
    mv = load_config(cfg)["multiverse"]
    res = run_multiverse(mv, workers=0, progress=False)
    null = run_null(mv, resamples=3, seed=7, unit="conflict_id", workers=0, progress=False)
    inf = curve_inference(res, null)
    table = next(p for p in out.rglob("multiverse*inference*.csv"))
    got = pd.read_csv(table).set_index("quantity")["value"]
    assert got["specifications"] == 16
    np.testing.assert_allclose(got["median estimate (log ratio)"], inf["median_estimate"], rtol=1e-9)
    np.testing.assert_allclose(got["p-value of the median"], inf["p_median"], rtol=1e-12)
