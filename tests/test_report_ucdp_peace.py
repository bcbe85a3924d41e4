"""The "Peace after armed conflict, 1946-2024 (UCDP)" report, end to end.

Builds the harmonized tables into a temporary folder, runs ``analyses/ucdp_peace.py``
as ``make reports`` does (a plain script from the repository root) with the reports
written to another temporary folder, and checks the HTML, the tidy CSV tables and the
PNG/SVG figures. Key numbers are recomputed here from the processed tables:

* the UN-presence hazard ratio of the first Cox model equals a direct
  :func:`peacestats.models.cox.coxph` fit on ``spell_rows``;
* the spell counts equal the tables' (559 conflict-level spells from ACD 25.1);
* ``peacestats.build.spell_rows_for`` (the public wrapper the minimum-gap sensitivity
  uses) reproduces the ``spell_rows`` table exactly;
* the E-value equals :func:`peacestats.models.causal.e_value` of the main estimate.

The direct fit itself is the Cox engine tested against R in ``test_cox.py``; on the spell rows
of an earlier revision (country-level presence) R gave the same numbers to nine digits::

    library(survival)
    d <- read.csv("spell_rows.csv")  # spell_rows with the report's columns
    coxph(Surv(start, stop, event) ~ un_present, data = d, cluster = conflict_id, ties = "efron")

Since presence became linked to the conflict (issue 9) that comparison has not been rerun
(no R on the build machines); the value moves whenever the harmonized data are revised.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analyses_run import run_analysis

ROOT = Path(__file__).resolve().parents[1]
NAME = "ucdp_peace"
TABLES = ["data", "coverage", "km", "cox_main", "presence_measures", "cox_size", "ipw_cox", "propensity", "balance",
          "zph", "sensitivity", "hr_specifications", "evalue"]
FIGURES = ["km_un", "km_type", "forest_main", "ipw", "zph", "hr_specifications"]


@pytest.fixture(scope="module")
def run(tmp_path_factory, built_tables):
    tmp = tmp_path_factory.mktemp("ucdp_peace")
    processed, reports = built_tables, tmp / "reports"
    run_analysis(NAME, reports, processed=processed)
    return processed, reports


def _csv(reports: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(reports / "tables" / f"{NAME}-{table}.csv")


def test_html_tables_and_figures_are_written(run):
    _, reports = run
    page = (reports / f"{NAME}.html").read_text()
    assert "Peace after armed conflict, 1946-2024 (UCDP)" in page
    for heading in ("Data used", "Kaplan-Meier", "What &quot;present&quot; means", "Mission size (1990-2019 only)",
                    "inverse-probability weighting",
                    "Proportional-hazards diagnostics", "Sensitivity", "E-value of the main estimate",
                    "What the data can and cannot show", "Provenance"):
        assert heading in page, heading
    entry = json.loads((reports / f"{NAME}.json").read_text())
    assert entry["tables"] == [f"{NAME}-{t}.csv" for t in TABLES]
    assert entry["figures"] == [f"{NAME}-{f}" for f in FIGURES]
    for t in TABLES:
        assert (reports / "tables" / f"{NAME}-{t}.csv").stat().st_size > 0, t
    for f in FIGURES:
        for ext in ("png", "svg"):
            assert (reports / "figures" / f"{NAME}-{f}.{ext}").stat().st_size > 1000, (f, ext)
    keys = [d["key"] for d in entry["provenance"]["datasets"]]
    assert {"ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko"} <= set(keys)
    assert "@article{cox1972regression," in page


def test_un_present_hazard_ratio_equals_a_direct_fit(run):
    from peacestats.build import read_table
    from peacestats.models.cox import coxph

    processed, reports = run
    rows = read_table("spell_rows", processed)
    fit = coxph("un_present", rows, start="start", stop="stop", event="event", cluster="conflict_id",
                ties="efron")
    tidy = _csv(reports, "cox_main")
    row = tidy[(tidy["model"] == "UN presence") & (tidy["term"] == "un_present")].iloc[0]
    assert row["estimate"] == pytest.approx(float(fit.params["un_present"]), rel=1e-8)
    assert row["exp_estimate"] == pytest.approx(float(np.exp(fit.params["un_present"])), rel=1e-8)
    assert row["std_error"] == pytest.approx(float(fit.std_errors["un_present"]), rel=1e-8)
    assert int(row["n_events"]) == int(rows.groupby("spell_id")["event"].max().sum()) == 317
    assert int(row["n_clusters"]) == rows["conflict_id"].nunique()
    # the same number in the specification table and the figure's source
    spec = _csv(reports, "hr_specifications").set_index("specification")
    assert spec.loc["UN presence alone", "hr"] == pytest.approx(row["exp_estimate"], rel=1e-8)
    # every model with a UN term in the main table
    assert set(tidy["model"]) == {"UN presence", "Mission type", "Termination type", "Mechanisms",
                                  "UN presence, main sample", "Controls", "Main (all)"}


def test_counts_follow_the_tables(run):
    from peacestats.build import read_table
    from peacestats.harmonize.spells import create_spells

    processed, reports = run
    data = _csv(reports, "data").set_index("recurrence rule")
    spells, loc = read_table("spells", processed), read_table("spells_location", processed)
    main = data.loc["conflict-level (main)"]
    assert int(main["spells"]) == len(spells) == 559
    assert int(main["failures (recurrences)"]) == int(spells["failed"].sum())
    assert int(main["counting-process rows"]) == len(read_table("spell_rows", processed))
    assert int(data.loc["location-level", "spells"]) == len(loc)
    gap = create_spells(read_table("episodes", processed), min_gap_days=730)
    gap_row = data.iloc[2]
    assert "730" in gap_row.name
    assert int(gap_row["spells"]) == len(gap) < len(spells)
    assert int(gap_row["failures (recurrences)"]) == int(gap["failed"].sum())


def test_spell_rows_for_reproduces_the_built_table(run):
    from peacestats.build import read_table, spell_rows_for

    processed, _ = run
    built = read_table("spell_rows", processed)
    again = spell_rows_for(read_table("spells", processed), read_table("mission_months", processed),
                           read_table("mission_conflicts", processed), read_table("intervention_months", processed))
    pd.testing.assert_frame_equal(again[built.columns].reset_index(drop=True), built,
                                  check_dtype=False, check_categorical=False)


def test_evalue_and_ipw_are_consistent(run):
    from peacestats.models.causal import e_value

    _, reports = run
    tidy = _csv(reports, "cox_main")
    main = tidy[(tidy["model"] == "Main (all)") & (tidy["term"] == "un_present")].iloc[0]
    ev = _csv(reports, "evalue").set_index("estimate").loc["Main model"]
    assert ev["HR"] == pytest.approx(main["exp_estimate"], rel=1e-8)
    ref = e_value(main["exp_estimate"], main["exp_conf_low"], main["exp_conf_high"], measure="HR", rare=False)
    assert ev["E-value (estimate)"] == pytest.approx(ref.e_point, rel=1e-8)
    # IPW: the weighted model is on the same spells as the unweighted one, weights recorded in the balance table
    ipw = _csv(reports, "ipw_cox")
    n = ipw[ipw["term"] == "un_start"].set_index("model")["n"]
    assert n["Unweighted"] == n["IPW (stabilized, truncated)"] == n["Covariate-adjusted"]
    bal = _csv(reports, "balance").set_index("covariate")
    assert bal["smd_adj"].abs().max() < bal["smd"].abs().max()
    # the size models are restricted to 1990-2019 and use fewer failures than the full sample
    size = _csv(reports, "cox_size")
    assert {"un_troops_k", "un_police_k", "un_observers_k"} <= set(size["term"])
    assert size["n_events"].max() < main_events(tidy)


def main_events(tidy: pd.DataFrame) -> int:
    return int(tidy.loc[tidy["model"] == "UN presence", "n_events"].iloc[0])


def test_linked_and_country_level_presence_side_by_side(run):
    """The presence-measure table fits both measures on the same spells; linked presence is the main one."""
    from peacestats.build import read_table
    from peacestats.models.cox import coxph

    processed, reports = run
    tab = _csv(reports, "presence_measures")
    assert {"linked (main measure)", "country-level (old measure)"} <= set(tab["presence measure"])
    assert {"conflict", "country"} == set(tab["clustered by"])
    assert "civil conflicts (UCDP types 3-4)" in set(tab["sample"])
    rows = read_table("spell_rows", processed)
    rows = rows.assign(country=rows["gwno_loc_primary"].astype("int64"))
    fit = coxph("un_present_country", rows, start="start", stop="stop", event="event", cluster="country",
                ties="efron")
    got = tab[(tab["presence measure"] == "country-level (old measure)") & (tab["sample"] == "all conflicts")
              & (tab["clustered by"] == "country") & (tab["specification"] == "alone")].iloc[0]
    assert got["hr"] == pytest.approx(float(np.exp(fit.params["un_present_country"])), rel=1e-8)
    assert int(got["clusters"]) == rows["country"].nunique()
    # linked presence always names the operations that make it
    assert (rows.loc[rows["un_present"] == 1, "un_missions"] != "").all()
    assert (rows.loc[rows["un_present"] == 0, "un_missions"] == "").all()


def test_non_un_presence_is_estimated_from_the_mission_universe(run):
    """Non-UN operations (TPPM and the authored table) now enter the models; the numbers equal a direct fit."""
    from peacestats.build import read_table
    from peacestats.models.cox import coxph

    processed, reports = run
    rows = read_table("spell_rows", processed)
    assert rows.groupby("spell_id")["non_un_present"].max().sum() > 40
    rows = rows.assign(any_pk_present=((rows["un_present"] == 1) | (rows["non_un_present"] == 1)).astype(int))
    fit = coxph("any_pk_present", rows, start="start", stop="stop", event="event", cluster="conflict_id",
                ties="efron")
    spec = _csv(reports, "hr_specifications").set_index("specification")
    got = spec.loc["Any peacekeeping (UN or non-UN): alone"]
    assert got["term"] == "any_pk_present"
    assert got["hr"] == pytest.approx(float(np.exp(fit.params["any_pk_present"])), rel=1e-8)
    page = (reports / "ucdp_peace.html").read_text()
    assert "spells have a non-UN operation sent for their conflict" in page
