"""Country-code crosswalks (peacestats.harmonize.codes) on the real GW and COW state lists.

Expected facts are read independently from the raw lists in the data mirror (plain csv
reading, not the package's loaders) or are documented historical facts.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacestats.errors import UnmatchedCodeError
from peacestats.harmonize.codes import (
    country_name,
    cow_to_gw,
    crosswalk,
    exceptions,
    gw_to_cow,
    gw_to_polity,
    iso3_exceptions,
    name_to_gw,
    polity_exceptions,
    to_iso3,
)


# --- independent readings of the raw lists ---------------------------------------------
def _gw_state_years(mirror: Path, first=1946, last=2017) -> set[tuple[int, int]]:
    out = set()
    with open(mirror / "peacesciencer" / "gw_states.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            y0, y1 = int(r["startdate"][:4]), int(r["enddate"][:4])
            for y in range(max(y0, first), min(y1, last) + 1):
                out.add((int(float(r["gwcode"])), y))
    return out


def _cow_state_years(mirror: Path, first=1946, last=2016) -> set[tuple[int, int]]:
    out = set()
    with open(mirror / "cow" / "states2016.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            for y in range(max(int(r["styear"]), first), min(int(r["endyear"]), last) + 1):
                out.add((int(r["ccode"]), y))
    return out


# --- the facts the brief names ----------------------------------------------------------
def test_cow_345_in_2010_is_gw_serbia_340():
    assert cow_to_gw(345, 2010) == 340


def test_gw_260_in_1980_is_cow_260_and_united_germany_is_cow_255():
    assert gw_to_cow(260, 1980) == 260
    assert gw_to_cow(260, [1989, 1991, 2010]).tolist() == [260, 255, 255]
    assert cow_to_gw(255, [1930, 1995]).tolist() == [255, 260]


def test_south_sudan_626_from_2011(mirror):
    gw = _gw_state_years(mirror)
    assert (626, 2011) in gw and (626, 2010) not in gw  # the list itself
    assert gw_to_cow(626, 2011) == 626
    assert cow_to_gw(626, 2015) == 626
    assert to_iso3(626, 2012) == "SSD"
    with pytest.raises(UnmatchedCodeError, match=r"626 \(2010\)"):
        gw_to_cow(626, 2010)


def test_iso3_of_gw_260_in_2000_is_deu():
    assert to_iso3(260, 2000) == "DEU"


def test_unmatched_codes_raise_listing_every_value():
    codes = [2, 999, 12, 999, 2]
    years = [2000, 2000, 1990, 2001, 2000]
    with pytest.raises(UnmatchedCodeError) as info:
        gw_to_cow(codes, years)
    msg = str(info.value)
    for part in ("999 (2000)", "999 (2001)", "12 (1990)", "3 GW code-year(s)"):
        assert part in msg
    assert sorted(info.value.unmatched) == [(12, 1990), (999, 2000), (999, 2001)]
    with pytest.raises(UnmatchedCodeError) as info:
        cow_to_gw([679, 679, 54], [1980, 1985, 1950])  # united Yemen before 1990, Dominica before 1978
    assert sorted(info.value.unmatched) == [(54, 1950), (679, 1980), (679, 1985)]


def test_unmatched_names_raise_listing_every_value():
    with pytest.raises(UnmatchedCodeError) as info:
        name_to_gw(["Narnia", "Germany", "Atlantis"], 2000)
    assert "'Atlantis' (2000)" in str(info.value) and "'Narnia' (2000)" in str(info.value)
    assert len(info.value.unmatched) == 2


# --- states that changed ----------------------------------------------------------------
@pytest.mark.parametrize(
    "fn, code, year, expected",
    [
        (cow_to_gw, 345, 1995, 345),  # Yugoslavia
        (cow_to_gw, 345, 1900, 340),  # COW codes pre-1918 Serbia 345, GW 340
        (gw_to_cow, 340, 1900, 345),
        (gw_to_cow, 340, 2010, 345),
        (gw_to_cow, 678, 1980, 678),  # Yemen Arab Republic
        (gw_to_cow, 678, 1995, 679),  # united Yemen: COW 679, GW keeps 678
        (cow_to_gw, 679, 2000, 678),
        (gw_to_cow, 680, 1985, 680),  # South Yemen
        (gw_to_cow, 816, 1970, 816),  # North Vietnam
        (gw_to_cow, 817, 1970, 817),  # South Vietnam
        (gw_to_cow, 816, 1990, 816),
        (gw_to_cow, 625, 2015, 625),  # Sudan
        (gw_to_cow, 365, 1980, 365),  # USSR
        (gw_to_cow, 365, 2000, 365),  # Russia
        (gw_to_cow, 530, 1980, 530),  # Ethiopia
        (gw_to_cow, 531, 1995, 531),  # Eritrea
        (gw_to_cow, 770, 1960, 770),  # Pakistan
        (gw_to_cow, 771, 1980, 771),  # Bangladesh
        (gw_to_cow, 315, 1980, 315),  # Czechoslovakia
        (cow_to_gw, 316, 2000, 316),  # Czech Republic
        (gw_to_cow, 265, 1980, 265),  # GDR
        (cow_to_gw, 970, 2005, 971),  # COW 970 is Nauru = GW 971
        (gw_to_cow, 970, 2005, 946),  # GW 970 is Kiribati = COW 946
        (cow_to_gw, 955, 2005, 972),  # Tonga
        (cow_to_gw, 947, 2005, 973),  # Tuvalu
        (cow_to_gw, 221, 2000, 221),  # Monaco
        (gw_to_cow, 347, 2010, 347),  # Kosovo
    ],
)
def test_known_conversions(fn, code, year, expected):
    assert fn(code, year) == expected


def test_transition_years_take_the_code_in_force_for_most_of_the_year():
    # Germany united on 3 October 1990: West Germany for most of the year
    assert gw_to_cow(260, 1990) == 260
    # Yemen united on 22 May 1990: united for most of the year
    assert gw_to_cow(678, 1990) == 679
    assert cow_to_gw([678, 679, 680], 1990).tolist() == [678, 678, 680]
    # Montenegro left on 3 June 2006; GW starts Serbia 340 on 5 June: Serbia for most of the year
    assert cow_to_gw(345, 2006) == 340
    assert gw_to_cow([345, 340], 2006).tolist() == [345, 345]


def test_dates_pick_the_row_in_force_that_day():
    assert cow_to_gw(345, dates=["2006-06-04", "2006-06-05"]).tolist() == [345, 340]
    assert gw_to_cow(260, dates=["1990-10-02", "1990-10-03"]).tolist() == [260, 255]
    assert gw_to_cow(678, dates="1990-05-21") == 678


def test_series_input_keeps_its_index():
    s = pd.Series([2, 260], index=["usa", "deu"])
    out = gw_to_cow(s, 1995)
    assert list(out.index) == ["usa", "deu"] and out.tolist() == [2, 255]
    assert str(out.dtype) == "Int64"


def test_years_are_required_and_lengths_must_agree():
    from peacestats.errors import HarmonizeError

    with pytest.raises(HarmonizeError, match="give the years"):
        gw_to_cow([2, 20])
    with pytest.raises(HarmonizeError, match="same length"):
        gw_to_cow([2, 20], [2000, 2001, 2002])


def test_known_state_without_a_cow_code_raises_unless_not_strict():
    with pytest.raises(UnmatchedCodeError, match="711 Tibet"):
        gw_to_cow(711, 1948)
    out = gw_to_cow([711, 2], [1948, 1948], strict=False)
    assert out.isna().tolist() == [True, False]
    with pytest.raises(UnmatchedCodeError):  # unknown codes still raise when not strict
        gw_to_cow([999], [1948], strict=False)


# --- exhaustive checks against the two lists ----------------------------------------------
def test_every_cow_state_year_converts_to_gw(mirror):
    cow = sorted(_cow_state_years(mirror, 1946, 2016))
    codes, years = zip(*cow)
    gw = cow_to_gw(list(codes), list(years))  # raises if any is unmatched
    assert gw.notna().all()
    assert len(gw) == len(cow) == 10518
    assert sum(1 for _, y in cow if y == 2016) == 195  # COW system members in 2016


def test_every_gw_state_year_converts_to_cow_except_tibet(mirror):
    gw = sorted(_gw_state_years(mirror, 1946, 2017))
    codes, years = zip(*gw)
    cow = gw_to_cow(list(codes), list(years), strict=False)
    missing = sorted({(c, y) for c, y, v in zip(codes, years, cow) if pd.isna(v)})
    assert missing == [(711, y) for y in range(1946, 1951)]


def test_round_trip_gw_cow_gw_fails_only_in_the_serbian_transition_year(mirror):
    gw = sorted(k for k in _gw_state_years(mirror, 1946, 2017) if k[0] != 711)
    codes, years = zip(*gw)
    back = cow_to_gw(gw_to_cow(list(codes), list(years)), list(years))
    changed = sorted({(c, y, int(b)) for c, y, b in zip(codes, years, back) if c != b})
    # GW 345 (Yugoslavia to 4 June 2006) shares COW 345 with Serbia, which 2006 belongs to
    assert changed == [(345, 2006, 340)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_any_gw_state_year_has_iso3_and_name(mirror, data):
    pairs = sorted(k for k in _gw_state_years(mirror, 1946, 2017) if k[0] not in (511, 711))
    code, year = data.draw(st.sampled_from(pairs))
    iso = to_iso3(code, year)
    assert isinstance(iso, str) and len(iso) == 3
    assert isinstance(country_name(code), str)


def test_no_two_gw_states_share_an_iso3_code_in_a_year(mirror):
    gw = sorted(k for k in _gw_state_years(mirror, 1946, 2017))
    codes, years = zip(*gw)
    iso = to_iso3(list(codes), list(years), strict=False)
    df = pd.DataFrame({"gw": codes, "year": years, "iso": iso.to_numpy()}).dropna()
    assert not df.duplicated(["iso", "year"]).any()
    # ISO never coded Tibet (GW 711, 1946-1950) nor Zanzibar (GW 511, 1963-1964)
    no_code = sorted(set(gw) - set(zip(df["gw"], df["year"])))
    assert no_code == [(511, 1963), (511, 1964)] + [(711, y) for y in range(1946, 1951)]


# --- ISO3 ---------------------------------------------------------------------------------
def test_iso3_former_codes_by_year():
    assert to_iso3(365, [1921, 1980, 1992]).tolist() == ["RUS", "SUN", "RUS"]
    assert to_iso3(345, [1980, 2004]).tolist() == ["YUG", "SCG"]
    assert to_iso3([315, 316, 265, 680, 816, 816, 817], [1980, 2000, 1980, 1980, 1970, 1980, 1970]).tolist() == [
        "CSK", "CZE", "DDR", "YMD", "VDR", "VNM", "VNM"]
    assert to_iso3([365, 345, 315, 265, 680, 816], 1980, former="successor").tolist() == [
        "RUS", "SRB", "CZE", "DEU", "YEM", "VNM"]
    assert to_iso3(347, 2010) == "XKX"


def test_iso3_of_a_state_iso_never_coded_raises_unless_not_strict():
    with pytest.raises(UnmatchedCodeError, match="240 Hanover"):
        to_iso3(240, 1850)
    assert pd.isna(to_iso3(240, 1850, strict=False))


# --- Polity -------------------------------------------------------------------------------
def test_polity_codes_have_polity_rows(mirror):
    """Each recoded GW state-year lands on a Polity row of that code and year (read with csv)."""
    with open(mirror / "polity5" / "p5v2018.csv", newline="") as fh:
        rows = {(int(r["ccode"]), int(r["year"])) for r in csv.DictReader(fh)}
    cases = [(365, 1980, 364), (365, 2000, 365), (260, 1995, 255), (260, 1990, 260), (340, 2010, 342),
             (345, 1995, 347), (345, 1985, 345), (341, 2010, 348), (347, 2010, 341), (530, 2000, 529),
             (625, 2015, 626), (626, 2015, 525), (678, 1995, 679), (770, 1960, 769), (816, 1990, 818)]
    for gw, year, polity in cases:
        assert gw_to_polity(gw, year) == polity, (gw, year)
        assert (polity, year) in rows, (polity, year)


# --- the tables ---------------------------------------------------------------------------
def test_hand_made_rows_all_have_a_source():
    for table in (exceptions(), iso3_exceptions(), polity_exceptions()):
        assert table["source"].str.strip().str.len().ge(10).all()
    x = crosswalk()
    hand = x[x["source"].str.startswith("hand-made")]
    assert set(hand["gwcode"]) >= {260, 678, 340, 970, 971, 972, 973, 221, 396, 397}


def test_crosswalk_rows_do_not_overlap_and_cover_the_gw_list(mirror):
    x = crosswalk()
    assert list(x.columns[:5]) == ["gwcode", "cowcode", "iso3", "successor_iso3", "name"]
    for _, g in x.groupby("gwcode"):
        ends = g["end_date"].fillna(pd.Timestamp("2262-01-01"))
        assert (g["start_date"].iloc[1:].to_numpy() > ends.iloc[:-1].to_numpy()).all()
    gw_codes = {c for c, _ in _gw_state_years(mirror, 1816, 2017)}
    assert gw_codes <= set(x["gwcode"].astype(int))
    # states alive at the end of the GW list are open-ended
    assert x.loc[x["gwcode"] == 2, "end_date"].isna().all()


def test_names():
    assert country_name(2) == "United States of America"
    assert country_name([365, 260]).tolist() == ["Russia (Soviet Union)", "German Federal Republic"]
    assert country_name(580, [1850, 1990]).tolist() == ["Madagascar (Malagasy)", "Madagascar"]
    assert country_name(580, 1990) == "Madagascar"
    with pytest.raises(UnmatchedCodeError, match="999"):
        country_name([2, 999])
    assert name_to_gw(["Germany", "Serbia", "Ivory Coast", "Kosovo"], 2010).tolist() == [260, 340, 437, 347]
    assert name_to_gw(["Germany", "Yugoslavia", "Soviet Union", "East Germany", "Zaire"], 1980).tolist() == [
        260, 345, 365, 265, 490]
    assert name_to_gw("Germany", 1900) == 255


# --- the crosswalk as an object: built from the frames it is given ------------------------
def test_conversions_use_the_code_tables_made_current(mirror):
    """Inside ``using``, the crosswalk of the given state lists converts; outside, the default again."""
    from peacestats.harmonize.codes import CodeTables, using
    from peacestats.sources import load

    gw, cow = load("gw_states"), load("cow_states")
    assert gw_to_cow(70, 1995) == 70
    without_mexico = CodeTables(gw[gw["gwcode"] != 70], cow[cow["ccode"] != 70])
    with using(without_mexico):
        with pytest.raises(UnmatchedCodeError) as err:
            gw_to_cow(70, 1995)
        assert err.value.unmatched == [(70, 1995)]
        assert 70 not in crosswalk()["gwcode"].tolist()
        assert cow_to_gw(255, 1995) == 260  # the rest of the lists still converts
    assert gw_to_cow(70, 1995) == 70
    # a function returning the tables (what build passes) is asked at each conversion
    asked = []
    with using(lambda: asked.append(1) or without_mexico):
        assert to_iso3(2, 2000) == "USA" and gw_to_polity(2, 2000) == 2
    assert len(asked) == 2


def test_default_code_tables_follow_the_content_of_the_lists(mirror, monkeypatch):
    """The default crosswalk is reused while the lists are the same and rebuilt when they change."""
    from peacestats import data
    from peacestats.sources import load

    first = data.code_tables()
    assert data.code_tables() is first
    assert first.gw_codes == frozenset(int(c) for c in load("gw_states")["gwcode"])
    edited = load("gw_states").query("gwcode != 2")
    monkeypatch.setattr(data, "source", lambda key: edited if key == "gw_states" else load(key))
    other = data.code_tables()
    assert other is not first and 2 not in other.gw_codes
    with pytest.raises(UnmatchedCodeError):
        gw_to_cow(2, 2000)
