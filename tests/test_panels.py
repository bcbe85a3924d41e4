"""State-year and conflict-month panels and the add_* verbs (peacestats.harmonize.panels).

Expected values are read independently from the raw files in the data mirror with the
``csv`` module (GW list, UCDP ACD, Kathman, Polity5, Gleditsch GDP, CREG, rugged), not
through the package's loaders.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pandas as pd
import pytest

from peacestats.errors import HarmonizeError
from peacestats.harmonize.panels import (
    add_creg,
    add_gdp,
    add_pko,
    add_polity,
    add_rugged,
    add_ucdp_acd,
    create_conflict_months,
    create_stateyears,
)

VERBS = [add_ucdp_acd, add_pko, add_polity, add_gdp, add_creg, add_rugged]


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def sy():
    return create_stateyears()


@pytest.fixture(scope="module")
def full(sy):
    return sy.pipe(add_ucdp_acd).pipe(add_pko).pipe(add_polity).pipe(add_gdp).pipe(add_creg).pipe(add_rugged)


@pytest.fixture(scope="module")
def acd_rows(mirror):
    return _rows(mirror / "ucdp_acd" / "UcdpPrioConflict_v25_1.csv")


@pytest.fixture(scope="module")
def kathman_rows(mirror):
    return _rows(mirror / "kathman_pko" / "mission-month_12-2019.csv")


# --- create_stateyears --------------------------------------------------------------------
def _gw_count(mirror, year):
    codes = set()
    for r in _rows(mirror / "peacesciencer" / "gw_states.csv"):
        if int(r["startdate"][:4]) <= year <= int(r["enddate"][:4]):
            codes.add(int(float(r["gwcode"])))
    return len(codes)


def test_number_of_gw_states_in_known_years(sy, mirror):
    assert (sy["year"] == 1990).sum() == _gw_count(mirror, 1990) == 152
    assert (sy["year"] == 1946).sum() == _gw_count(mirror, 1946)
    assert (sy["year"] == 2017).sum() == _gw_count(mirror, 2017) == 174
    # extended past the list's end (2017-12-31): the states of 2017 stay through 2024
    s2017 = set(sy.loc[sy["year"] == 2017, "gwcode"])
    assert set(sy.loc[sy["year"] == 2024, "gwcode"]) == s2017
    assert sy["year"].min() == 1946 and sy["year"].max() == 2024
    assert not sy.duplicated(["gwcode", "year"]).any()
    assert list(sy.columns) == ["gwcode", "year", "statename"]
    assert sy.attrs["peacestats_panel"] == "state-year"


def test_create_stateyears_cow_and_arguments(mirror):
    cow = create_stateyears(system="cow", start=2016, end=2016)
    assert list(cow.columns) == ["ccode", "year", "statename"] and len(cow) == 195
    with pytest.raises(HarmonizeError, match="'gw' or 'cow'"):
        create_stateyears(system="iso")
    with pytest.raises(HarmonizeError, match="before start"):
        create_stateyears(start=2000, end=1990)


# --- every verb keeps the rows ------------------------------------------------------------
def test_every_verb_keeps_row_count_and_order(sy, full):
    assert len(full) == len(sy) == 11360
    assert full.index.equals(sy.index)
    assert (full[["gwcode", "year"]].to_numpy() == sy[["gwcode", "year"]].to_numpy()).all()
    sub = sy[sy["year"].isin([1975, 1995, 2015])].sample(frac=1.0, random_state=3)  # any order, any subset
    for verb in VERBS:
        out = verb(sub)
        assert len(out) == len(sub) and out.index.equals(sub.index), verb.__name__


def test_verbs_check_the_panel_they_are_given(sy):
    cm = pd.DataFrame({"conflict_id": [1], "gwno_loc": [2], "year": [2000], "month": [1]})
    cow = create_stateyears(system="cow", start=2000, end=2000)
    for verb in VERBS:
        with pytest.raises(HarmonizeError, match="conflict-month"):
            verb(cm)
        with pytest.raises(HarmonizeError, match="cow_to_gw"):
            verb(cow)
        with pytest.raises(HarmonizeError, match="create_stateyears"):
            verb(pd.DataFrame({"country": ["x"], "year": [2000]}))
        with pytest.raises(HarmonizeError, match="one row per state-year"):
            verb(pd.concat([sy.head(2), sy.head(2)]))
        with pytest.raises(HarmonizeError, match="create_stateyears"):
            verb([1, 2, 3])
    once = sy.head(50).pipe(add_gdp)
    with pytest.raises(HarmonizeError, match="applied twice"):
        once.pipe(add_gdp)


# --- add_ucdp_acd -------------------------------------------------------------------------
def _acd_years(acd_rows, gwcode, col="gwno_loc", types=None):
    years = defaultdict(set)
    for r in acd_rows:
        if types and int(r["type_of_conflict"]) not in types:
            continue
        codes = {int(c) for c in r[col].split(",") if c.strip()}
        if gwcode in codes:
            years[int(r["year"])].add(int(r["conflict_id"]))
    return years


@pytest.mark.parametrize("gwcode", [451, 811, 2, 530, 625, 365])
def test_ucdp_ongoing_and_peace_years_match_the_acd(full, acd_rows, gwcode):
    years = _acd_years(acd_rows, gwcode)
    st = full[full["gwcode"] == gwcode].set_index("year")
    for y in st.index:
        assert st.at[y, "ucdp_ongoing"] == int(y in years), (gwcode, y)
        ids = "; ".join(str(i) for i in sorted(years.get(y, ())))
        assert st.at[y, "ucdp_conflict_ids"] == ids
    # peace years: years since the last conflict year; 0 in a conflict year; from the first year otherwise
    last, first = None, st.index.min()
    for y in st.index:
        if y in years:
            last = y
        expected = 0 if y in years else (y - last if last is not None else y - first)
        assert st.at[y, "ucdp_peace_years"] == expected, (gwcode, y)
        assert st.at[y, "ucdp_prior_conflict"] == int(last is not None)


def test_ucdp_onsets_new_conflicts_and_episodes(full):
    sl = full[full["gwcode"] == 451].set_index("year")
    assert sl.at[1991, "ucdp_onset"] == 1 and sl.at[1991, "ucdp_new_conflict"] == 1  # RUF war, conflict 382
    assert sl.at[1992, "ucdp_onset"] == 0
    assert sl.loc[1991:2000, "ucdp_ongoing"].eq(1).all()
    assert sl.at[1999, "ucdp_max_intensity"] == 2
    # a recurrence is an onset but not a new conflict: Cambodia's conflict 300 (Khmer Rouge) ...
    cam = full[full["gwcode"] == 811].set_index("year")
    assert cam.at[1967, "ucdp_onset"] == 1
    assert cam.at[1967, "ucdp_new_conflict"] == 1
    assert ((full["ucdp_onset"] == 1) & (full["ucdp_new_conflict"] == 0)).sum() > 0
    assert (full["ucdp_new_conflict"] <= full["ucdp_onset"]).all()


def test_ucdp_filters_and_coverage(sy, acd_rows):
    intra = sy[sy["gwcode"] == 2].pipe(add_ucdp_acd, type="intrastate")
    assert intra["ucdp_ongoing"].sum() == 0  # no intrastate conflict located in the USA
    inter = sy[sy["gwcode"] == 2].pipe(add_ucdp_acd, by="side_a")
    assert inter["ucdp_ongoing"].sum() == len(_acd_years(acd_rows, 2, col="gwno_a"))
    late = create_stateyears(start=2024, end=2026).head(6).pipe(add_ucdp_acd)
    assert late.loc[late["year"] > 2024, "ucdp_ongoing"].isna().all()
    assert late.loc[late["year"] == 2024, "ucdp_ongoing"].notna().all()
    with pytest.raises(HarmonizeError, match="conflict type"):
        add_ucdp_acd(sy.head(3), type="civil")


# --- add_pko ------------------------------------------------------------------------------
def _kathman_host_months(kathman_rows, ccode, year, field):
    by_month = defaultdict(list)
    for r in kathman_rows:
        if int(r["missionccode"]) == ccode and int(r["year"]) == year:
            by_month[int(r["month"])].append(int(r[field]))
    return by_month


def test_add_pko_yearly_means_of_monthly_personnel(full, kathman_rows):
    # Sierra Leone 2000: UNAMSIL every month; the mean of the 12 monthly totals
    months = _kathman_host_months(kathman_rows, 451, 2000, "total")
    assert len(months) == 12
    expected = sum(sum(v) for v in months.values()) / 12
    row = full[(full["gwcode"] == 451) & (full["year"] == 2000)].iloc[0]
    assert row["pko_total"] == pytest.approx(expected)
    assert row["pko_un_present"] == 1 and row["pko_un_months"] == 12
    # Cambodia 1992: UNAMIC in January, UNTAC from February; May-July totals not reported (-999)
    months = _kathman_host_months(kathman_rows, 811, 1992, "total")
    known = [v for vals in months.values() for v in vals if v != -999]
    n_unknown = sum(1 for vals in months.values() if all(v == -999 for v in vals))
    assert n_unknown == 3
    row = full[(full["gwcode"] == 811) & (full["year"] == 1992)].iloc[0]
    assert row["pko_total"] == pytest.approx(sum(known) / (12 - n_unknown))
    # no mission: zero inside Kathman's years, NA outside them; presence from the tables' dates
    usa = full[full["gwcode"] == 2].set_index("year")
    assert usa.at[2000, "pko_total"] == 0 and pd.isna(usa.at[1980, "pko_total"]) and pd.isna(usa.at[2021, "pko_total"])
    cyp = full[full["gwcode"] == 352].set_index("year")
    assert cyp.at[1970, "pko_un_present"] == 1 and pd.isna(cyp.at[1970, "pko_troops"])  # UNFICYP since 1964
    assert cyp.at[1963, "pko_un_present"] == 0
    som = full[full["gwcode"] == 520].set_index("year")
    assert som.at[2010, "pko_non_un_present"] == 1 and som.at[2010, "pko_non_un_months"] == 12  # AMISOM
    assert pd.isna(som.at[1960, "pko_non_un_present"])  # before the non-UN table's coverage


# --- covariates ---------------------------------------------------------------------------
def test_add_polity_uses_polity_codes(full, mirror):
    polity = {(int(r["ccode"]), int(r["year"])): r for r in _rows(mirror / "polity5" / "p5v2018.csv")}
    cases = [((365, 1980), (364, 1980)), ((260, 1995), (255, 1995)), ((340, 2010), (342, 2010)),
             ((2, 2000), (2, 2000)), ((626, 2015), (525, 2015)), ((625, 2015), (626, 2015))]
    for (gw, year), key in cases:
        row = full[(full["gwcode"] == gw) & (full["year"] == year)].iloc[0]
        assert row["polity2"] == pytest.approx(float(polity[key]["polity2"])), (gw, year)
        assert row["polity_democ"] == int(polity[key]["democ"])
    # Polity ends in 2018, except the United States, extended to 2019 and 2020
    late = full[(full["year"] > 2018) & full["polity2"].notna()]
    assert sorted(zip(late["gwcode"], late["year"])) == [(2, 2019), (2, 2020)]


def test_add_gdp(full, mirror):
    with open(mirror / "gleditsch_gdp" / "gdpv6.txt", newline="") as fh:
        gdp = {(int(r["statenum"]), int(r["year"])): r for r in csv.DictReader(fh, delimiter="\t")}
    for gw, year in [(2, 2000), (811, 1992), (260, 1995), (678, 1995)]:
        row = full[(full["gwcode"] == gw) & (full["year"] == year)].iloc[0]
        assert row["gdp_rgdppc"] == pytest.approx(float(gdp[(gw, year)]["rgdppc"]))
        assert row["gdp_pop"] == pytest.approx(float(gdp[(gw, year)]["pop"]))
    assert full.loc[full["year"] > 2011, "gdp_pop"].isna().all()


def test_add_creg_picks_one_unit_per_state_year(full, mirror):
    rows = _rows(mirror / "peacesciencer" / "creg.csv")
    creg = {(int(float(r["creg_ccode"])), int(float(r["year"]))): r for r in rows}
    cases = [((345, 1995), (340, 1995)), ((345, 1991), (345, 1991)), ((365, 1991), (365, 1991)),
             ((365, 1995), (393, 1995)), ((340, 2010), (340, 2010)), ((260, 2000), (260, 2000))]
    for (gw, year), key in cases:
        row = full[(full["gwcode"] == gw) & (full["year"] == year)].iloc[0]
        assert row["creg_relfrac"] == pytest.approx(float(creg[key]["relfrac"])), (gw, year)


def test_add_rugged(full, mirror):
    rugged = {int(float(r["gwcode"])): r for r in _rows(mirror / "peacesciencer" / "rugged.csv") if r["gwcode"]}
    cam = full[full["gwcode"] == 811]
    assert cam["rugged"].eq(float(rugged[811]["rugged"])).all()
    assert full.loc[full["gwcode"] == 345, "rugged"].isna().all()  # the file has no Yugoslavia


# --- create_conflict_months ---------------------------------------------------------------
def test_conflict_months(kathman_rows, acd_rows):
    cm = create_conflict_months()
    assert cm.attrs["peacestats_panel"] == "conflict-month"
    assert not cm.duplicated(["conflict_id", "gwno_loc", "date"]).any()
    sl = cm[(cm["conflict_id"] == 382)]
    active = sorted({int(r["year"]) for r in acd_rows if r["conflict_id"] == "382"})
    assert sl["year"].min() == max(active[0], 1989) and sl["year"].max() == active[-1]
    assert len(sl) == 12 * (active[-1] - active[0] + 1)
    assert sl.groupby("year")["active"].first().to_dict() == {
        y: int(y in active) for y in range(active[0], active[-1] + 1)}
    jan = sl[sl["date"] == "2000-01-01"].iloc[0]
    expected = sum(int(r["total"]) for r in kathman_rows
                   if r["missionccode"] == "451" and r["year"] == "2000" and r["month"] == "1")
    assert jan["un_total"] == expected and jan["un_present"] == 1 and jan["un_missions"] == "UNAMSIL"
    early = sl[sl["date"] == "1991-06-01"].iloc[0]
    assert early["un_total"] == 0 and early["un_present"] == 0
    with pytest.raises(HarmonizeError, match="before start"):
        create_conflict_months(start="2000-01", end="1999-12")
