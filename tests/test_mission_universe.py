"""The mission universe (UN, Kathman-only, non-UN, TPPM) and the cross-check of the UN rows."""

from __future__ import annotations

import pandas as pd
import pytest

from peacestats.harmonize import mission_checks as C
from peacestats.harmonize import mission_universe as U
from peacestats.harmonize.missions import InvalidHostCodeError, MissingSourceError, MissionTableError, MissionValueError


@pytest.fixture(scope="module")
def tppm(mirror):
    from peacestats.sources import load

    return load("mullenbach_tppm")


@pytest.fixture(scope="module")
def universe(mirror):
    return U.create_missions()


def test_every_tppm_row_is_one_operation(tppm, universe):
    x = U.tppm_crosswalk()
    assert sorted(x["obsnum"]) == sorted(tppm["obsnum"]) == list(range(1, 216))
    assert x["relation"].value_counts().to_dict() == {"tppm_only": 138, "same_operation": 77}
    assert universe["mission_id"].is_unique and len(universe) == 267
    # each TPPM row is in exactly one operation's tppm_obsnums
    listed = [int(o) for v in universe["tppm_obsnums"].dropna() for o in str(v).split(";")]
    assert sorted(listed) == list(range(1, 216))
    assert universe["source"].str.strip().ne("").all()


def test_tppm_rows_of_known_operations_are_merged(universe):
    by_id = universe.set_index("mission_id")
    assert by_id.at["ISAF", "tppm_obsnums"] == "11;12"
    assert by_id.at["AMIS", "tppm_obsnums"] == "119;120"
    assert by_id.at["UNPROFOR", "tppm_obsnums"] == "64;76;85"
    for gone in ("TPPM-11", "TPPM-12", "TPPM-25", "TPPM-119", "TPPM-193"):
        assert gone not in by_id.index
    # a date our table lacks comes from TPPM, with its precision and the row cited
    assert by_id.at["AMIS", "start_date"] == pd.Timestamp("2004-06-19")
    assert by_id.at["ECOMOG-LBR", "end_date"] == pd.Timestamp("1999-10-23")
    assert "TPPM 3.1, rows 142" in by_id.at["ECOMOG-LBR", "source"]


def test_un_operations_the_dpo_list_omits(universe):
    un_tppm = universe[(universe["origin"] == "tppm") & (universe["organization"] == "UN")]
    names = " ".join(un_tppm["mission_name"])
    for acr in ("UNGOC", "UNCI", "UNCOK", "UNTAG", "UNOMB", "UNMLT"):
        assert acr in names, acr
    untag = universe.set_index("mission_id").loc["TPPM-127"]
    assert untag["host_gwcodes"] == [560, 565] and untag["strength"] == 6000
    assert untag["strength_source"] == "tppm_personnel1" and untag["kind"] == "peacekeeping"


def test_no_operation_vanishes_at_tppm_2014_boundary(universe):
    t = universe[universe["origin"].eq("tppm")]
    # every TPPM row flagged ongoing at 2014 has an end after 2014 or runs on, from a cited source
    assert t["end_known"].all()
    by_id = universe.set_index("mission_id")
    assert by_id.at["TPPM-93", "end_date"] == pd.Timestamp("2022-03-31")  # OSCE SMM Ukraine
    assert bool(by_id.at["TPPM-71", "ongoing"])  # EUFOR Althea
    assert "after 2014" in by_id.at["TPPM-71", "source"]
    # nor at Kathman's 2019 boundary: the authored course of the missions it still records then
    assert set(universe.loc[~universe["end_known"], "mission_id"]) == {"UNFOR", "UNOHCI"}  # no dates at all
    assert by_id.at["UNSOM", "end_date"] == pd.Timestamp("2024-10-31") and bool(by_id.at["UNAMA", "ongoing"])
    assert by_id.at["UNIOGBIS", "end_date"] == pd.Timestamp("2020-12-31")
    assert "after 2019" in by_id.at["UNAMA", "source"]
    # UNFOR and UNOHCI have no dates at all in any source: kept, and reported by the build
    assert set(universe.loc[universe["start_date"].isna(), "mission_id"]) == {"UNFOR", "UNOHCI"}


def test_kathman_after_coverage_errors(tmp_path):
    p = tmp_path / "k.csv"
    head = "kathman_mission,end_date,end_precision,ongoing,source,note\n"
    p.write_text(head + "UNAMA,2020-01-01,day,true,S/RES/1,why\n")
    with pytest.raises(MissionValueError, match=r"k.csv, column 'end_date', row 1 .*ongoing mission has no end"):
        U.kathman_after_coverage(p)
    p.write_text(head + "UNAMA,NA,NA,true,,why\n")
    with pytest.raises(MissingSourceError, match=r"column 'source', row 1"):
        U.kathman_after_coverage(p)


def test_precision_is_kept(universe):
    for c in ("start", "end"):
        has = universe[f"{c}_date"].notna()
        assert universe.loc[has, f"{c}_precision"].isin(["day", "month", "year"]).all()
        assert universe.loc[~has, f"{c}_precision"].isna().all()
    by_id = universe.set_index("mission_id")
    assert by_id.at["UNAMA", "start_precision"] == "month"  # Kathman's first month
    assert by_id.at["SAMIM", "start_precision"] == "month"


def test_mission_months_place_tppm_operations(mirror):
    from peacestats.harmonize.deployment import create_mission_months

    mm = create_mission_months()
    untag = mm[mm["mission"] == "TPPM-127"]
    assert set(untag["organization"]) == {"UN"}
    # hosted by South Africa until Namibia enters the GW list on 1990-03-21, then by Namibia only
    assert set(untag.loc[untag["date"] < "1990-03-01", "gwcode"]) == {560}
    assert set(untag.loc[untag["date"] == "1990-03-01", "gwcode"]) == {565}
    eulex = mm[mm["mission"] == "TPPM-54"]
    assert set(eulex["gwcode"]) == {347} and eulex["date"].max() == pd.Timestamp("2024-12-01")


# --- the crosswalk's errors ---------------------------------------------------------------------
def _copy(tmp_path, edit):
    df = pd.read_csv(U.resource_path(U.TPPM_CROSSWALK_FILE), dtype=str, keep_default_na=False)
    edit(df)
    p = tmp_path / "tppm_crosswalk.csv"
    df.to_csv(p, index=False)
    return p


@pytest.mark.parametrize("edit, error, text", [
    (lambda d: d.__setitem__("relation", d["relation"].where(d.index != 4, "phase")), MissionValueError,
     r"column 'relation', row 5 .*'phase' is not one of"),
    (lambda d: d.__setitem__("source", d["source"].where(d.index != 9, "")), MissingSourceError,
     r"column 'source', row 10 .*is empty"),
    (lambda d: d.__setitem__("mission_id", d["mission_id"].where(d.index != 0, "TPPM-2")), MissionValueError,
     r"column 'mission_id', row 1 .*must have the id 'TPPM-1'"),
    (lambda d: d.__setitem__("host_gwcodes", d["host_gwcodes"].where(d.index != 0, "850;999")), InvalidHostCodeError,
     r"column 'host_gwcodes', row 1 .*\[999\] not in the Gleditsch-Ward"),
    (lambda d: d.__setitem__("obsnum", d["obsnum"].where(d.index != 3, "3")), MissionValueError,
     r"column 'obsnum'.*appears twice"),
    (lambda d: d.__setitem__("end_date", d["end_date"].where(d.index != 0, "1999-13-01")), MissionValueError,
     r"column 'end_date', row 1 .*not YYYY-MM-DD"),
])
def test_crosswalk_errors_name_file_column_row(tmp_path, mirror, edit, error, text):
    with pytest.raises(error, match=text) as err:
        U.tppm_crosswalk(_copy(tmp_path, edit))
    assert "tppm_crosswalk.csv" in str(err.value)


def test_universe_refuses_a_crosswalk_that_misses_a_row(mirror, tppm):
    x = U.tppm_crosswalk()
    with pytest.raises(MissionTableError, match=r"TPPM rows \[7\] are not in the crosswalk"):
        U.create_missions(tppm=tppm, xwalk=x[x["obsnum"] != 7])
    bad = x.copy()
    bad.loc[bad["obsnum"] == 23, "mission_id"] = "UNTACX"
    with pytest.raises(MissionTableError, match=r"TPPM row 23: \['UNTACX'\] are not operations"):
        U.create_missions(tppm=tppm, xwalk=bad)


# --- the cross-check ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def disagreements(universe):
    return C.crosscheck_un_missions(universe)


def test_every_disagreement_is_explained_and_no_exception_is_stale(disagreements):
    e = C.explained(disagreements)
    unexplained = e[e["explanation"].isna()]
    assert unexplained.empty, unexplained[["mission_id", "source", "field", "ours", "theirs"]].to_string()
    stale = e[e["detail"].eq("stale exception")]
    assert stale.empty, stale[["mission_id", "source", "field"]].to_string()
    assert len(disagreements) == 34 and set(disagreements["source"]) == set(C.CROSSCHECK_SOURCES)


def test_the_cross_check_finds_the_known_disagreements(disagreements):
    d = disagreements.set_index(["mission_id", "source", "field"])
    # the DPO list's day-month swap for UNSCOB, corrected in our table from A/RES/508 (VI)
    assert d.loc[("UNSCOB", "dpo_list", "end_date"), "theirs"] == "1951-07-12"
    assert ("UNSCOB", "tppm", "end_date") not in d.index
    assert d.loc[("UNPROFOR", "tppm", "end_date"), "theirs"] == "1995-12-20"
    assert d.loc[("UNOMUR", "tppm", "hosts"), "theirs"] == "517"


def test_a_new_slip_is_caught(universe):
    """Shift UNTAC's start by a year and move UNMOGIP to Nepal: the check reports both."""
    u = universe.copy()
    i = u.index[u["mission_id"] == "UNTAC"][0]
    u.at[i, "start_date"] = u.at[i, "start_date"] - pd.Timedelta(days=365)
    j = u.index[u["mission_id"] == "UNMOGIP"][0]
    u.at[j, "host_gwcodes"] = [790]
    d = C.crosscheck_un_missions(u)
    got = set(zip(d["mission_id"], d["source"], d["field"]))
    assert {("UNTAC", "dpo_list", "start_date"), ("UNTAC", "tppm", "start_date"),
            ("UNMOGIP", "geo_pko", "hosts")} <= got
    e = C.explained(d)
    assert e["explanation"].isna().sum() >= 3


def test_exceptions_file_errors(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("mission_id,source,field,explanation,reference\nUNTAC,tppm,dates,why,S/RES/745 (1992)\n")
    with pytest.raises(MissionValueError, match=r"x.csv, column 'field', row 1 .*'dates' is not one of"):
        C.crosscheck_exceptions(p)
    p.write_text("mission_id,source,field,explanation,reference\nUNTAC,tppm,hosts,why,\n")
    with pytest.raises(MissingSourceError, match=r"column 'reference', row 1"):
        C.crosscheck_exceptions(p)
