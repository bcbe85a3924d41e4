"""The multiverse report (analyses/multiverse.py) on a small declaration: 16 specifications, B = 3.

The full report (1,152 specifications, B = 19) is built by ``make reports``; here the same
script runs end to end on the built tables, with one forked worker, and its numbers are checked
against the multiverse run in Python; a second run reads its fits from the results cache.
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
    run_analysis("multiverse", out, processed=built_tables, PEACESTATS_MULTIVERSE_CONFIG=str(cfg),
                 PEACESTATS_CACHE_DIR=str(tmp / "cache"))
    return out, cfg


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_report_from_the_results_cache_is_the_same_bytes(report, built_tables):
    out, cfg = report
    cache = cfg.parent / "cache"
    parts = {p: p.stat().st_mtime_ns for p in cache.rglob("part-*.parquet")}
    assert len(parts) == 4 + 3  # 16 specifications in chunks of 4 (8 fits); one partition per draw
    again = cfg.parent / "reports_again"
    run_analysis("multiverse", again, processed=built_tables, PEACESTATS_MULTIVERSE_CONFIG=str(cfg),
                 PEACESTATS_CACHE_DIR=str(cache))
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("part-*.parquet")} == parts  # nothing refitted
    assert _files(again) == _files(out)
    # without the cache: everything fitted now, the same bytes
    fresh = cfg.parent / "reports_fresh"
    run_analysis("multiverse", fresh, processed=built_tables, PEACESTATS_MULTIVERSE_CONFIG=str(cfg),
                 PEACESTATS_CACHE_DIR=str(cfg.parent / "other_cache"), PEACESTATS_NO_CACHE="1")
    assert not (cfg.parent / "other_cache").exists()
    assert _files(fresh) == _files(out)


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
