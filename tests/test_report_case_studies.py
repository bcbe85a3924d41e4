"""End to end: ``analyses/case_studies.py`` (UNTAC, MFO, AMISOM) into a temporary folder.

The processed tables it reads (episodes, missions, deployment, spells) are built into a
temporary folder first, so the test does not depend on ``make build`` having run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from analyses_run import run_analysis

ROOT = Path(__file__).resolve().parents[1]
SLUGS = ("cambodia", "egypt", "somalia")


@pytest.fixture(scope="module")
def report(tmp_path_factory, built_tables) -> Path:
    processed = built_tables
    out = tmp_path_factory.mktemp("reports")
    return run_analysis("case_studies", out, processed=processed)


def test_html_and_three_timelines(report):
    page = (report / "case_studies.html").read_text()
    for word in ("UNTAC", "MFO", "AMISOM", "January 1990 to December 2019", "presence only"):
        assert word in page, word
    for slug in SLUGS:
        for ext in ("png", "svg"):
            assert (report / "figures" / f"case_studies-timeline_{slug}.{ext}").stat().st_size > 1000, (slug, ext)
        assert (report / "tables" / f"case_studies-spells_{slug}.csv").is_file(), slug
    entry = json.loads((report / "case_studies.json").read_text())
    assert entry["figures"] == [f"case_studies-timeline_{s}" for s in SLUGS]
    keys = {d["key"] for d in entry["provenance"]["datasets"]}
    assert {"ucdp_acd", "ucdp_peace_agreements", "kathman_pko"} <= keys


def test_cambodia_spells(report):
    sp = pd.read_csv(report / "tables" / "case_studies-spells_cambodia.csv", dtype={"start": str, "stop": str})
    assert len(sp) == 4 and set(sp["conflict_id"]) == {201, 300, 328}
    assert {"1975-04-17", "1998-10-03"} <= set(sp["start"])
    kr = sp.set_index("start")
    # the Khmer Rouge victory of April 1975 was followed by renewed war on 1978-12-30
    assert kr.loc["1975-04-17", "stop"] == "1978-12-30" and kr.loc["1975-04-17", "failed"] == 1
    assert kr.loc["1975-04-17", "termination_outcome"] == "rebel victory"
    assert kr.loc["1998-10-03", "failed"] == 0 and kr.loc["1998-10-03", "termination_outcome"] == "government victory"
    assert kr.loc["1975-04-17", "duration_days"] == 1353


def test_data_silences_are_reported(report):
    summary = pd.read_csv(report / "tables" / "case_studies-summary.csv").set_index("country")
    # the MFO and AMISOM are non-UN: presence only, no personnel
    assert summary.loc["Egypt", "months_non_un_present"] > 400
    assert summary.loc["Somalia", "months_non_un_present"] > 150
    # the International Commission for Supervision and Control in Cambodia (TPPM row 4), 1954-08 to 1969-12
    assert summary.loc["Cambodia", "months_non_un_present"] == 185
    # UNTAC: Kathman has no figure for May-July 1992
    assert summary.loc["Cambodia", "months_un_present_no_personnel"] == 3
    pa = pd.read_csv(report / "tables" / "case_studies-agreements_cambodia.csv")
    assert pa.loc[0, "signed"] == "1991-10-23" and pa.loc[0, "paid"] == 1113
    assert not (report / "tables" / "case_studies-agreements_egypt.csv").exists()  # UCDP PA has none for Egypt


def test_untac_in_the_timeline_of_the_war_it_was_sent_for(report):
    """UNTAC is linked to conflict 300 and every one of its months lies in that war's active episode."""
    lt = pd.read_csv(report / "tables" / "case_studies-linked_cambodia.csv", dtype={"conflict": str})
    untac = lt[(lt["operation"] == "UNTAC") & (lt["conflict"] == "300")].iloc[0]
    assert untac["link"] == "sent_for" and untac["deployed"] == "1992-02 to 1993-10"
    assert untac["months"] == 21 and untac["months in an active episode"] == 21
    assert untac["months in a peace spell"] == 0
    # the MFO is linked to the Egypt-Israel conflict and sits in its peace spell throughout
    eg = pd.read_csv(report / "tables" / "case_studies-linked_egypt.csv", dtype={"conflict": str})
    mfo = eg[eg["operation"] == "MFO"].iloc[0]
    assert mfo["conflict"] == "11343" and mfo["months in a peace spell"] == mfo["months"]
    page = (report / "case_studies.html").read_text()
    assert "of its 21 months in Cambodia, 21 fall inside" in page
