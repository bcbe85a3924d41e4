"""Country-year verbs for the mechanism sources (``add_military_removals``, ``add_interventions``,
``add_agreement_provisions``) and the lag/lead helpers, on the real data.

Known cases: Chile 1973 (Allende removed by the military), Ghana 1966 (Nkrumah); Sierra Leone
1999 (Lomé Agreement with DDR, PA-X 478). Every verb keeps the panel's rows and order, and a
value is NA outside its source's years, never 0.
"""

from __future__ import annotations

import pandas as pd
import pytest

from peacestats.errors import HarmonizeError
from peacestats.harmonize import panels as P


@pytest.fixture(scope="module")
def sy(mirror):
    return P.create_stateyears(start=1946, end=2024)


@pytest.fixture(scope="module")
def full(sy):
    return sy.pipe(P.add_military_removals).pipe(P.add_interventions).pipe(P.add_agreement_provisions)


def _at(df, gwcode, year, col):
    return df.loc[df["gwcode"].eq(gwcode) & df["year"].eq(year), col].iloc[0]


def test_verbs_keep_rows_and_order(sy, full):
    assert len(full) == len(sy)
    pd.testing.assert_frame_equal(full[sy.columns], sy)
    assert full.attrs["peacestats_panel"] == "state-year"


def test_military_removals(full):
    assert _at(full, 155, 1973, "archigos_military_removal") == 1   # Allende
    assert _at(full, 452, 1966, "archigos_military_removals") == 1  # Nkrumah
    assert _at(full, 2, 1974, "archigos_military_removal") == 0     # Nixon resigned
    assert full.loc[full["year"] > 2015, "archigos_military_removal"].isna().all()
    assert full.loc[full["year"] <= 2015, "archigos_exits"].notna().all()
    # every military removal of a GW main-list state-year is counted once
    from peacestats.harmonize.mechanisms import leader_exits

    ex = leader_exits()
    ex = ex[ex["military_removal"] & ex["year"].between(1946, 2015)]
    keys = set(zip(full["gwcode"].astype(int), full["year"]))
    expected = sum((int(g), int(y)) in keys for g, y in zip(ex["gwcode"], ex["year"]))
    assert int(full["archigos_military_removals"].sum()) == expected


def test_interventions(full):
    assert _at(full, 42, 1965, "imi_intervention") == 1      # the US in the Dominican Republic
    assert _at(full, 42, 1965, "imi_new_interventions") >= 1
    assert _at(full, 490, 1960, "imi_peacekeeping") == 1     # ONUC
    assert full.loc[full["year"] > 2005, ["imi_intervention", "imi_peacekeeping"]].isna().all().all()
    assert full.loc[full["year"] <= 2005, "imi_intervention"].notna().all()


def test_agreement_provisions(full):
    assert _at(full, 451, 1999, "pax_ddr") == 1 and _at(full, 451, 1999, "pax_un_role") == 1  # Lomé
    assert _at(full, 451, 1999, "pax_agreements") >= 1
    outside = (full["year"] < 1990) | (full["year"] > 2020)
    assert full.loc[outside, "pax_agreements"].isna().all()
    assert full.loc[~outside, "pax_agreements"].notna().all()
    assert (347, 1999) in {(g, y) for _, g, y in full.attrs["pax_unplaced"]}  # Kosovo, not yet a state


def test_verbs_check_the_panel(sy):
    with pytest.raises(HarmonizeError, match="already has"):
        sy.pipe(P.add_military_removals).pipe(P.add_military_removals)
    with pytest.raises(HarmonizeError, match="gwcode and year"):
        P.add_interventions(sy.drop(columns="year"))
    with pytest.raises(HarmonizeError, match="repeat"):
        P.add_agreement_provisions(pd.concat([sy.head(3), sy.head(1)]))


def test_lags_and_leads_match_on_the_period():
    p = pd.DataFrame({"gwcode": [2, 2, 2, 20, 20], "year": [2000, 2001, 2003, 2001, 2000],
                      "x": [1, 2, 3, 4, 5], "y": [0.5, 1.5, 2.5, 3.5, 4.5]})
    out = P.add_lags(p, ["x", "y"])
    assert out["x_lag1"].tolist() == [pd.NA, 1, pd.NA, 5, pd.NA]      # 2003 has no 2002: NA, not 2001's
    assert out["y_lag1"].iloc[3] == 4.5 and pd.isna(out["y_lag1"].iloc[2])
    assert P.add_lags(p, "x", k=2)["x_lag2"].tolist() == [pd.NA, pd.NA, 2, pd.NA, pd.NA]
    assert P.add_leads(p, "x")["x_lead1"].tolist() == [2, pd.NA, pd.NA, pd.NA, 4]
    pd.testing.assert_frame_equal(out[p.columns], p)


def test_lags_refuse_bad_input():
    p = pd.DataFrame({"gwcode": [2, 2], "year": [2000, 2000], "x": [1, 2]})
    with pytest.raises(HarmonizeError, match="one row per"):
        P.add_lags(p, "x")
    with pytest.raises(HarmonizeError, match="no column"):
        P.add_lags(p.drop_duplicates("year"), "z")
    with pytest.raises(HarmonizeError, match="nonzero whole number"):
        P.add_lags(p.drop_duplicates("year"), "x", k=0)
    with pytest.raises(HarmonizeError, match="positive"):
        P.add_leads(p.drop_duplicates("year"), "x", k=-1)
    with pytest.raises(HarmonizeError, match="already has"):
        P.add_lags(P.add_lags(p.drop_duplicates("year"), "x"), "x")
