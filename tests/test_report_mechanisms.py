"""The mechanisms report: mediation, PA-X provisions, interventions, and competing risks of peace's end.

Built from raw into a temporary folder; its numbers are checked against direct fits on the
built tables (the estimators themselves are tested against R in test_cox.py and test_competing.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analyses_run import run_analysis

ROOT = Path(__file__).resolve().parents[1]
NAME = "mechanisms"


@pytest.fixture(scope="module")
def run(tmp_path_factory, built_tables):
    tmp = tmp_path_factory.mktemp(NAME)
    processed, reports = built_tables, tmp / "reports"
    run_analysis(NAME, reports, processed=processed)
    return processed, reports


def _csv(reports: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(reports / "tables" / f"{NAME}-{table}.csv")


def test_report_tables_and_figures(run):
    _, reports = run
    page = (reports / f"{NAME}.html").read_text()
    for words in ("What these measures can and cannot show", "missing outside", "Nothing here is causal"):
        assert words in page
    for t in ("mechanisms", "cif_at", "finegray"):
        assert len(_csv(reports, t)) > 0, t
    for f in ("mechanisms_forest", "cif_un"):
        assert (reports / "figures" / f"{NAME}-{f}.png").stat().st_size > 1000


def test_mechanism_hazard_ratio_equals_a_direct_fit_in_its_window(run):
    from peacestats.build import read_table
    from peacestats.models.cox import coxph

    processed, reports = run
    rows = read_table("spell_rows", processed)
    d = rows[rows["pax_agreement"].notna() & rows["pax_ddr"].notna()].copy()
    d["pax_ddr"] = d["pax_ddr"].astype(int)
    fit = coxph("pax_ddr + un_present", d, start="start", stop="stop", event="event", id="spell_id",
                cluster="conflict_id", ties="efron")
    tab = _csv(reports, "mechanisms")
    got = tab[(tab["term"] == "pax_ddr") & (tab["specification"] == "with linked UN presence")].iloc[0]
    assert got["hr"] == pytest.approx(float(np.exp(fit.params["pax_ddr"])), rel=1e-8)
    assert got["spells"] == d["spell_id"].nunique() and got["spells"] < rows["spell_id"].nunique()
    # outside PA-X's years the provisions are missing, never 0
    late = rows[rows["start_date"] >= "2021-01-01"]  # a row's start_date is its calendar start
    assert len(late) and late["pax_ddr"].isna().all()
    assert rows.loc[rows["stop_date"] <= "1990-01-01", "pax_ddr"].isna().all()


def test_competing_risks_counts_and_curves(run):
    _, reports = run
    fg = _csv(reports, "finegray")
    ev = fg.groupby("cause")["events"].first()
    spells = int(fg["spells"].iloc[0])
    assert ev["renewed war"] + ev["military removal of the leader"] < spells
    assert ev["military removal of the leader"] > 20
    at = _csv(reports, "cif_at")
    # at each time and group the state probabilities add up to 1
    sums = at.groupby(["time", "group"])["estimate"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
