"""Mechanisms on the GW calendar and as spell covariates (``peacestats.harmonize.mechanisms``).

Known cases are checked against the sources: the UN's Congo operation (IMI row 160, July 1960)
is peacekeeping-type, Belgium's (row 159) and the US intervention in the Dominican Republic
(April 1965) are not;
Allende (Chile, 11 September 1973) and Nkrumah (Ghana, 24 February 1966) were removed by the
military (Archigos); the Lomé Agreement (PA-X 478, 7 July 1999, DDR, UN signatory) reaches
Sierra Leone's post-2001 spell (conflict 382); Sant'Egidio's mediation reaches Mozambique's 1992
spell (conflict 332). Coverage: values are NA outside each source's window, never 0. The
covariates are then put on the real built spell rows and checked as counting-process data.
"""

from __future__ import annotations

import pandas as pd
import pytest

from peacestats.errors import HarmonizeError
from peacestats.harmonize import mechanisms as M
from peacestats.harmonize.spells import check_counting_process


@pytest.fixture(scope="module")
def months(mirror):
    return M.intervention_months()


@pytest.fixture(scope="module")
def built(built_tables):
    out = built_tables
    rows = pd.read_parquet(out / "spell_rows.parquet")
    # the build adds the mechanisms itself; the tests below add them again to rows without them
    mech = [*M.PROVISION_COVARIATES, "pax_window_complete", *M.MEDIATION_COVARIATES, *M.INTERVENTION_COVARIATES]
    return pd.read_parquet(out / "spells.parquet"), rows.drop(columns=mech)


def test_the_built_spell_rows_carry_the_mechanisms(built, months):
    """Adding the mechanisms to the built rows (stripped of them) gives the built rows back."""
    spells, base = built
    again = M.mechanism_rows_for(spells, base, months=months)
    assert len(again) == len(base)  # the build already split at every change
    assert set(M.PROVISION_COVARIATES) <= set(again.columns)


@pytest.fixture(scope="module")
def rows(built, months):
    spells, spell_rows = built
    return M.mechanism_rows_for(spells, spell_rows, months=months)


def test_intervention_months_places_every_dated_intervention(months):
    from peacestats.sources import load

    imi = load("imi")
    assert months.attrs["undated_rows"] == [1111]  # start 99999999: cannot be placed, and listed
    assert set(months["imi_row"]) == set(imi["row"]) - {1111}
    # an intervention whose end IMI does not give is in its start month only, flagged
    unknown = months[~months["end_known"]]
    assert set(unknown["imi_row"]) == set(months.attrs["end_unknown_rows"])
    assert not unknown.duplicated("imi_row").any()
    # a target that is no GW state that month keeps its row, with gwcode NA, and is listed
    assert 87 in months.attrs["unmatched_targets"]
    assert months.loc[months["imi_row"].eq(87), "gwcode"].isna().all()
    assert months["date"].min() >= pd.Timestamp("1946-01-01")


def test_known_interventions(months):
    congo = months[months["gwcode"].eq(490) & months["date"].eq("1960-07-01")].set_index("intervener_cow")
    assert congo.loc[1, "peacekeeping"] and congo.loc[1, "intervener_name"] == "United Nations"  # ONUC
    assert not congo.loc[211, "peacekeeping"]  # Belgium's intervention for Katanga (IMI row 159)
    dr = months[months["gwcode"].eq(42) & months["intervener_cow"].eq(2) & months["date"].eq("1965-05-01")]
    assert len(dr) == 1 and not dr["peacekeeping"].iloc[0]


def test_leader_exits_known_coups():
    exits = M.leader_exits()
    coup = exits.set_index(["gwcode", "exit_date"])
    assert coup.loc[(155, pd.Timestamp("1973-09-11")), "military_removal"].all()   # Allende
    assert coup.loc[(452, pd.Timestamp("1966-02-24")), "military_removal"].all()   # Nkrumah
    assert exits.attrs["in_office"] == 168 and len(exits) == 3409 - 168
    assert exits["exit_date"].max() <= pd.Timestamp("2015-12-31")
    assert exits["military_removal"].sum() == 283


def test_provisions_are_missing_outside_pax_and_cumulative(rows):
    cols = list(M.PROVISION_COVARIATES)
    before = rows["start_date"] < pd.Timestamp("1990-01-01")
    after = rows["start_date"] > pd.Timestamp("2020-12-31")
    assert rows.loc[before | after, cols].isna().all().all()
    inside = rows[~before & ~after]
    assert inside[cols].notna().all().all()
    # cumulative within the window: never back from 1 to 0
    for c in cols:
        s = inside.sort_values(["spell_id", "start"]).groupby("spell_id")[c]
        assert (s.diff().fillna(0) >= 0).all(), c


def test_lome_reaches_sierra_leone(rows):
    sl = rows[rows["spell_id"].eq(38201) & rows["start_date"].lt("2021-01-01")]
    assert len(sl) and (sl[["pax_agreement", "pax_ddr", "pax_un_role", "pax_pk_role"]] == 1).all().all()
    assert (rows.loc[rows["spell_id"].eq(38201) & rows["start_date"].ge("2021-01-01"), "pax_ddr"].isna()).all()


def test_mediation_is_time_constant_and_coverage_aware(rows, built):
    spells, _ = built
    moz = rows[rows["spell_id"].eq(33201)]
    assert (moz["cwm_mediation"] == 1).all() and moz["cwm_mediators"].str.contains("Saint Egidio").all()
    per_spell = rows.groupby("spell_id")["cwm_mediation"].nunique(dropna=False)
    assert (per_spell == 1).all()
    med = M.mediation_covariates(spells)
    assert len(med) == len(spells)
    late = spells["start_date"] > pd.Timestamp("2011-12-31")
    not_civil = ~spells["ep_type_of_conflict"].isin([3, 4])
    assert med.loc[(late | not_civil).to_numpy(), "cwm_mediation"].isna().all()
    assert med.loc[(~late & ~not_civil).to_numpy(), "cwm_mediation"].notna().all()


def test_interventions_missing_after_imi(rows):
    cols = list(M.INTERVENTION_COVARIATES)
    assert rows.loc[rows["start_date"] >= pd.Timestamp("2006-01-01"), cols].isna().all().all()
    assert rows.loc[rows["start_date"] < pd.Timestamp("2005-12-01"), cols].notna().all().all()
    assert (rows["imi_intervention"] == 1).any() and (rows["imi_peacekeeping"] == 1).any()


def test_mechanism_rows_keep_the_spells(rows, built):
    spells, spell_rows = built
    check_counting_process(rows)
    assert set(rows["spell_id"]) == set(spell_rows["spell_id"])
    # the split only adds cut points: each spell keeps its span and its event
    a = rows.groupby("spell_id").agg(start=("start", "min"), stop=("stop", "max"), event=("event", "sum"))
    b = spell_rows.groupby("spell_id").agg(start=("start", "min"), stop=("stop", "max"), event=("event", "sum"))
    pd.testing.assert_frame_equal(a, b)
    assert len(rows) >= len(spell_rows)
    # the existing covariates are unchanged at every original cut point
    merged = spell_rows.merge(rows, on=["spell_id", "start"], suffixes=("", "_new"))
    assert len(merged) == len(spell_rows)
    assert (merged["un_present"] == merged["un_present_new"]).all()


def test_mechanism_rows_refuse_bad_input(built, months):
    spells, spell_rows = built
    with pytest.raises(HarmonizeError, match="not in spells"):
        M.mechanism_rows_for(spells.iloc[1:], spell_rows, months=months)
    with pytest.raises(HarmonizeError, match="already have"):
        M.mechanism_rows_for(spells, spell_rows.assign(pax_ddr=0), months=months)


def test_build_tables_of_the_mechanisms(mirror):
    """The three tables peacestats build makes of these sources, with their keys."""
    from peacestats.build import TABLES, _Context

    by_name = {t.name: t for t in TABLES}
    for name, rows in (("intervention_months", None), ("leader_exits", 3241), ("cwm_conflicts", None)):
        t = by_name[name]
        df = t.builder(_Context())  # what build hands a builder: the tables so far and the source loader
        assert len(df) and set(t.primary_key) <= set(df.columns) and t.description
        assert not df.duplicated(list(t.primary_key)).any()
        if rows is not None:
            assert len(df) == rows
        if name == "cwm_conflicts":
            assert set(df["cwm_row"]) == set(range(1, 763))
            assert df.loc[df["match"].ne("none"), "acd_location"].notna().all()
