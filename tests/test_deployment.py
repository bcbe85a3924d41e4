"""The host-country-month deployment panel (peacestats.harmonize.deployment) on the real data.

Expected personnel are read independently from the derived CSV copy of Kathman's file in the
data mirror (``kathman_pko/mission-month_12-2019.csv``, plain ``csv`` module; -999 = not
reported), not through the package's loader.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacestats.errors import HarmonizeError
from peacestats.harmonize.deployment import (
    aggregate_deployment_panel,
    allocate,
    create_deployment_panel,
)

FIELDS = {"troop": "un_troops", "police": "un_police", "militaryobservers": "un_observers", "total": "un_total"}


@pytest.fixture(scope="module")
def kathman_csv(mirror):
    with open(mirror / "kathman_pko" / "mission-month_12-2019.csv", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def panel():
    return create_deployment_panel()


def _expected(rows, mission):
    out = {}
    for r in rows:
        if r["mission"] == mission:
            date = pd.Timestamp(int(r["year"]), int(r["month"]), 1)
            out[date] = {k: (None if int(r[k]) == -999 else int(r[k])) for k in FIELDS}
    return out


def _check_single_host(panel, rows, mission, gwcode, label=None):
    exp = _expected(rows, mission)
    got = panel[(panel["kathman_mission"] == mission)]
    assert set(got["gwcode"].dropna().astype(int)) == {gwcode}
    got = got.set_index("date")
    assert set(got.index) == set(exp)
    for date, vals in exp.items():
        for k, col in FIELDS.items():
            v = got.at[date, col]
            if vals[k] is None:
                assert pd.isna(v), (mission, date, col)
            else:
                assert float(v) == vals[k], (mission, date, col)
    if label:
        assert set(got["mission"]) == {label}
    return got


def test_untac_in_cambodia_has_kathmans_monthly_personnel(panel, kathman_csv):
    got = _check_single_host(panel, kathman_csv, "UNTAC", 811, label="UNTAC")
    months = sorted(got.index)
    assert months[0] == pd.Timestamp("1992-02-01") and months[-1] == pd.Timestamp("1993-10-01")
    assert len(months) == 21
    # all 1992-1993 months from February 1992 to October 1993 are present
    assert got.loc["1993-01-01", "un_troops"] == 15174 and got.loc["1993-01-01", "un_total"] == 19253
    assert got["mission_type"].unique().tolist() == ["multidimensional"]
    assert (got["un_present"] == 1).all() and (got["share"] == 1.0).all()


def test_unamsil_in_sierra_leone(panel, kathman_csv):
    got = _check_single_host(panel, kathman_csv, "UNAMSIL", 451, label="UNAMSIL")
    assert len(got) == 74
    assert got["mission_type"].unique().tolist() == ["enforcement"]
    assert got["chapter_vii"].all()


def test_keys_are_unique_and_sorted(panel):
    hosted = panel[panel["gwcode"].notna()]
    assert not hosted.duplicated(["gwcode", "date", "mission"]).any()
    order = panel.sort_values(["gwcode", "date", "mission"], na_position="last", kind="stable")
    assert order.index.equals(panel.index)
    again = create_deployment_panel()
    pd.testing.assert_frame_equal(panel, again)


@pytest.mark.parametrize("rule", ["equal", "primary"])
def test_allocated_personnel_add_up_to_kathmans_totals(rule, kathman_csv):
    p = create_deployment_panel(allocation=rule)
    kp = p[p["personnel_source"] == "kathman"]
    by_mm = kp.groupby(["kathman_mission", "date"])[list(FIELDS.values())].sum(min_count=1)
    assert len(by_mm) == len(kathman_csv) == 6175
    totals = defaultdict(float)
    for r in kathman_csv:
        key = (r["mission"], pd.Timestamp(int(r["year"]), int(r["month"]), 1))
        for k, col in FIELDS.items():
            v = int(r[k])
            got = by_mm.at[key, col]
            if v == -999:
                assert pd.isna(got), (key, col)
            else:
                assert got == pytest.approx(v, abs=1e-9), (key, col)
                totals[col] += v
    for col, total in totals.items():
        assert float(kp[col].sum()) == pytest.approx(total, rel=1e-12)
    assert totals["un_total"] == 22762134


def test_multi_country_missions_are_split_by_rule(panel):
    untso = panel[(panel["kathman_mission"] == "UNTSO") & (panel["date"] == "2000-01-01")]
    assert sorted(untso["gwcode"].astype(int)) == [651, 652, 660, 663, 666]
    assert (untso["share"] == 0.2).all() and untso["host_rule"].eq("mission_table").all()
    assert untso["un_observers"].sum() == pytest.approx(152)  # Kathman: 152 observers in January 2000
    unmee = create_deployment_panel(allocation="primary")
    unmee = unmee[(unmee["kathman_mission"] == "UNMEE") & (unmee["date"] == "2002-01-01")].set_index("gwcode")
    assert unmee.at[530, "share"] == 1.0 and unmee.at[531, "share"] == 0.0
    assert unmee.at[531, "un_present"] == 1 and unmee.at[531, "un_total"] == 0


def test_hosts_follow_the_state_in_force(panel):
    unmik = panel[panel["kathman_mission"] == "UNMIK"].set_index("date")["gwcode"]
    assert unmik["2006-06-01"] == 345  # Yugoslavia until 4 June 2006
    assert unmik["2006-07-01"] == 340  # Serbia
    assert unmik["2008-02-01"] == 347  # Kosovo (Kathman's own code from February 2008)
    assert panel.loc[panel["kathman_mission"] == "UNMHA", "gwcode"].eq(678).all()  # Yemen, not Ethiopia-Eritrea
    unalloc = panel[panel["gwcode"].isna()]
    assert unalloc.groupby("kathman_mission").size().to_dict() == {"LBB": 2, "UNOWAS": 32}
    assert unalloc["host_rule"].eq("unallocated").all()


def test_phases_label_kathmans_umbrella_missions(panel):
    unavem = panel[panel["kathman_mission"] == "UNAVEM"].set_index("date")
    assert unavem.at[pd.Timestamp("1990-06-01"), "mission"] == "UNAVEM I"
    assert unavem.at[pd.Timestamp("1992-06-01"), "mission"] == "UNAVEM II"
    assert unavem.at[pd.Timestamp("1996-06-01"), "mission"] == "UNAVEM III"
    assert unavem.at[pd.Timestamp("1996-06-01"), "mission_type"] == "multidimensional"


def test_months_outside_kathman_have_presence_without_personnel(panel):
    t = panel[(panel["mission"] == "UNTSO") & (panel["year"] == 1950)]
    assert len(t) == 12 * 5 and t["un_present"].eq(1).all()
    assert t[["un_troops", "un_police", "un_observers", "un_total"]].isna().all().all()
    assert t["personnel_source"].eq("mission_table").all()
    unef = panel[(panel["mission"] == "UNEF I") & (panel["gwcode"] == 651)]
    assert unef["date"].min() == pd.Timestamp("1956-11-01") and unef["date"].max() == pd.Timestamp("1967-06-01")
    # a mission Kathman records is never duplicated by table rows inside Kathman's coverage
    inside = panel[(panel["date"] >= "1990-01-01") & (panel["date"] <= "2019-12-01")]
    assert not inside[(inside["mission"] == "UNTAC") & (inside["personnel_source"] == "mission_table")].shape[0]


def test_non_un_presence(panel):
    agg = aggregate_deployment_panel(panel)
    sl = agg[(agg["gwcode"] == 520) & (agg["date"] == "2010-06-01")].iloc[0]
    assert sl["non_un_present"] == 1 and "AMISOM" in sl["non_un_missions"]
    kos = agg[(agg["gwcode"] == 340) & (agg["year"] == 2010)]
    assert kos["non_un_present"].eq(0).all()  # KFOR is in Kosovo 347 from 2008, not Serbia
    assert agg[(agg["gwcode"] == 347) & (agg["year"] == 2010)]["non_un_present"].eq(1).all()
    # AMIS and ECOMOG in Sierra Leone take their missing dates from TPPM; Grenada and Tonga are GW microstates
    assert set(panel.attrs["undated_missions"]) == {"OECS TPPM-206 (no hosts)", "ad hoc TPPM-41 (no hosts)",
                                                    "UN UNFOR (no start date)", "UN UNOHCI (no start date)",
                                                    "UN UNOWAS (no hosts)"}
    assert agg[(agg["gwcode"] == 625) & (agg["date"] == "2005-06-01")]["non_un_missions"].str.contains("AMIS").all()


def test_missing_end_date_is_not_read_as_ongoing(panel):
    """ECOMOG in Liberia ends on TPPM's date (1999-10-23), not at the panel's end."""
    agg = aggregate_deployment_panel(panel)
    lbr = agg[agg["gwcode"] == 450]
    ecomog = lbr[lbr["non_un_missions"].fillna("").str.contains("ECOMOG-LBR")]
    assert ecomog["date"].min() == pd.Timestamp("1990-08-01") and ecomog["date"].max() == pd.Timestamp("1999-10-01")
    assert agg[(agg["gwcode"] == 450) & (agg["year"] == 2010)]["non_un_present"].eq(0).all()
    assert panel.attrs["end_unknown_missions"] == []
    assert agg.attrs["end_unknown_missions"] == panel.attrs["end_unknown_missions"]
    # ongoing operations run to the panel's end
    kos = agg[(agg["gwcode"] == 347) & (agg["year"] == 2020)]
    assert len(kos) == 12 and kos["non_un_present"].eq(1).all()
    assert kos["non_un_missions"].eq("KFOR; TPPM-54").all()  # KFOR and EULEX (TPPM row 54)
    for gw in (651, 666):  # the MFO in Sinai (Egypt) and Zone D (Israel)
        row = agg[(agg["gwcode"] == gw) & (agg["date"] == "2024-12-01")].iloc[0]
        assert row["non_un_present"] == 1 and row["non_un_missions"] == "MFO"
    # an operation with an end date stops there: ATMIS in Somalia to December 2024, AMISOM to March 2022
    som = agg[agg["gwcode"] == 520].set_index("date")["non_un_missions"]
    assert som["2022-03-01"] == "AMISOM" and som["2022-04-01"] == "ATMIS" and som["2024-12-01"] == "ATMIS"
    # UN missions the DPO list flags active run to 2024-12 (UNFICYP); MINUSMA stops in June 2023
    un = panel[panel["gwcode"].notna()]
    assert un.loc[un["mission"] == "UNFICYP", "date"].max() == pd.Timestamp("2024-12-01")
    assert un.loc[un["mission"] == "MINUSMA", "date"].max() == pd.Timestamp("2023-06-01")


def test_un_mission_with_unknown_end_only_where_kathman_records_it(monkeypatch):
    """A UN mission with no end date that is not ongoing gets no table months (UNIFIL, made so)."""
    from peacestats.harmonize import missions as M

    shipped = M.un_missions

    def altered(*args, **kwargs):
        u = shipped(*args, **kwargs)
        u.loc[u["mission_acronym"] == "UNIFIL", "ongoing"] = False
        return u

    monkeypatch.setattr(M, "un_missions", altered)
    try:
        p = create_deployment_panel()  # no module cache: the altered table is read
    finally:
        monkeypatch.undo()
    unifil = p[p["mission"] == "UNIFIL"]
    assert unifil["personnel_source"].eq("kathman").all()
    assert unifil["date"].min() == pd.Timestamp("1990-01-01") and unifil["date"].max() == pd.Timestamp("2019-12-01")
    assert len(unifil) == 360  # Kathman's 30 years, Lebanon only
    assert "UN UNIFIL (end date unknown, not ongoing: present only in months Kathman records it)" in (
        p.attrs["end_unknown_missions"])
    # as shipped (ongoing), UNIFIL runs from March 1978 to the end of the panel
    full = create_deployment_panel()
    unifil = full[full["mission"] == "UNIFIL"]
    assert unifil["date"].min() == pd.Timestamp("1978-03-01") and unifil["date"].max() == pd.Timestamp("2024-12-01")
    assert not any(m.startswith("UN ") for m in full.attrs["end_unknown_missions"])


def test_aggregate_sums_missions(panel):
    agg = aggregate_deployment_panel(panel)
    assert not agg.duplicated(["gwcode", "date"]).any()
    hosted = panel[panel["gwcode"].notna()]
    assert float(agg["un_total"].sum()) == pytest.approx(float(hosted["un_total"].sum()), rel=1e-12)
    # Liberia, September 1993: UNOMIL's first month, 31 observers
    row = agg[(agg["gwcode"] == 450) & (agg["date"] == "1993-09-01")].iloc[0]
    assert row["un_total"] == 31 and row["un_missions"] == "UNOMIL" and row["n_un_missions"] == 1
    # Sudan 2010: UNAMID and UNMIS; the type is that of the larger mission (UNAMID)
    row = agg[(agg["gwcode"] == 625) & (agg["date"] == "2010-06-01")].iloc[0]
    assert row["un_missions"] == "UNAMID; UNMIS" and row["n_un_missions"] == 2
    both = hosted[(hosted["gwcode"] == 625) & (hosted["date"] == "2010-06-01")].set_index("mission")
    assert row["un_total"] == both["un_total"].sum()
    assert row["mission_type"] == both.loc[both["un_total"].idxmax(), "mission_type"]
    with pytest.raises(HarmonizeError, match="needs the panel"):
        aggregate_deployment_panel(pd.DataFrame({"gwcode": [2]}))


def test_bad_allocation_is_refused():
    with pytest.raises(HarmonizeError, match="allocation"):
        create_deployment_panel(allocation="proportional")


# --- allocation preserves totals (property test) --------------------------------------------
_hosts = st.lists(st.integers(min_value=2, max_value=990), min_size=0, max_size=6, unique=True)
_count = st.one_of(st.none(), st.integers(min_value=0, max_value=50_000))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(_hosts, _count, _count, _count, _count), min_size=1, max_size=20),
    rule=st.sampled_from(["equal", "primary"]),
)
def test_property_allocation_preserves_totals(rows, rule):
    df = pd.DataFrame(
        {
            "row": np.arange(len(rows)),
            "hosts": [r[0] for r in rows],
            "troops": pd.array([r[1] for r in rows], dtype="Int64"),
            "police": pd.array([r[2] for r in rows], dtype="Int64"),
            "observers": pd.array([r[3] for r in rows], dtype="Int64"),
            "total": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )
    out = allocate(df, rule=rule)
    assert len(out) == sum(max(len(r[0]), 1) for r in rows)
    for c in ("troops", "police", "observers", "total"):
        got = out.groupby("row")[c].sum(min_count=1)
        for i, r in enumerate(rows):
            orig = r[("troops", "police", "observers", "total").index(c) + 1]
            if orig is None:
                assert pd.isna(got.iloc[i])
            else:
                assert float(got.iloc[i]) == pytest.approx(orig, abs=1e-6)
    assert (out.groupby("row")["share"].sum().round(12) == 1.0).all()
    no_host = out["n_hosts"] == 0
    assert out.loc[no_host, "gwcode"].isna().all()


def test_non_un_months_made_once_give_the_same_tables(mirror):
    """Passing non_un_mission_months to the panel and both tables changes nothing; other months are refused."""
    from peacestats.harmonize.deployment import (
        aggregate_deployment_panel,
        create_mission_months,
        non_un_mission_months,
    )
    from peacestats.harmonize.mission_universe import create_missions

    missions = create_missions()
    non_un = non_un_mission_months(missions)
    assert non_un.attrs["start"] == "1948-01" and "AMISOM" in set(non_un["acronym"])
    given_ = create_deployment_panel(missions=missions, non_un=non_un)
    made = create_deployment_panel(missions=missions)
    pd.testing.assert_frame_equal(given_, made)
    assert given_.attrs == made.attrs
    pd.testing.assert_frame_equal(aggregate_deployment_panel(given_, non_un=non_un),
                                  aggregate_deployment_panel(made, missions=missions))
    pd.testing.assert_frame_equal(create_mission_months(given_, non_un=non_un),
                                  create_mission_months(made, missions=missions))
    with pytest.raises(HarmonizeError, match="non_un covers 1990-01 to 2024-12, not 1948-01"):
        create_mission_months(made, non_un=non_un_mission_months(missions, start="1990-01"))
