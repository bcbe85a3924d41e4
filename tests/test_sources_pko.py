"""Peacekeeping loaders on the real files: Kathman mission-months (12-2019 and CMPS),
the UN DPO mission list and Geo-PKO v2.3.

Expected numbers come from the raw files read independently (openpyxl, the ``csv`` module,
a direct ``pandas.read_stata``) or are hand-checked public facts (UNTAC in Cambodia 1992-93,
UNAMSIL in Sierra Leone 1999-2005); damaged copies check the typed errors.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from peacestats import sources
from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import geo_pko, kathman_pko, un_dpo_missions
from damage import edit_delimited as _rewrite_csv, edit_xlsx as _edit_xlsx, raw_path, xlsx_col as _col  # noqa: E402




def xlsx_frame(path: Path) -> pd.DataFrame:
    """The first sheet via openpyxl (independent of the loader's pandas reader)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return pd.DataFrame(rows[1:], columns=rows[0])


def csv_frame(path: Path) -> pd.DataFrame:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return pd.DataFrame(rows[1:], columns=rows[0])








# ------------------------------------------------------------- Kathman 12-2019
@pytest.fixture(scope="module")
def kmm(mirror) -> pd.DataFrame:
    return kathman_pko.load()


@pytest.fixture(scope="module")
def kmm_raw(mirror) -> pd.DataFrame:
    return xlsx_frame(raw_path(mirror, "kathman_pko"))


def test_kathman_rows_key_and_types(kmm, kmm_raw):
    assert len(kmm) == len(kmm_raw) == 6175
    assert kmm["mission"].nunique() == kmm_raw["mission"].nunique() == 82
    assert kmm["year"].agg(["min", "max"]).tolist() == [1990, 2019]
    assert not kmm.duplicated(["mission", "year", "month"]).any()
    assert list(kmm.columns) == ["mission", "mission_country", "ccode", "ccode2", "multi_country", "year",
                                 "month", "date", "troops", "police", "observers", "total", "total2"]  # fmt: skip
    assert kmm["date"].dtype == "datetime64[ns]"
    assert (kmm["date"].dt.day == 1).all()
    assert (kmm["date"].dt.year == kmm["year"]).all() and (kmm["date"].dt.month == kmm["month"]).all()
    for col in ("ccode", "ccode2", "troops", "police", "observers", "total", "total2"):
        assert kmm[col].dtype == "Int64", col
    assert kmm["multi_country"].dtype == bool


def test_kathman_minus_999_becomes_na_never_zero(kmm, kmm_raw):
    pairs = {"troops": "troop", "police": "police", "observers": "militaryobservers", "total": "total"}
    for tidy, raw in pairs.items():
        assert kmm[tidy].isna().sum() == (kmm_raw[raw] == -999).sum(), tidy
        zero_raw = (kmm_raw[raw] == 0).sum()
        assert (kmm[tidy] == 0).sum() == zero_raw, tidy
    assert (kmm["troops"].dropna() >= 0).all()


def test_kathman_multi_country_rows_kept(kmm, kmm_raw):
    assert kmm["multi_country"].sum() == (kmm_raw["missionccode"] == -999).sum() == 453
    assert kmm.loc[kmm["multi_country"], "ccode"].isna().all()
    assert kmm.loc[~kmm["multi_country"], "ccode"].notna().all()
    assert set(kmm.loc[kmm["multi_country"], "mission"]) == {"UNTSO", "ONUCA", "UNOWAS", "UNPF", "UNMHA", "LBB"}
    untso = kmm[kmm["mission"] == "UNTSO"]
    assert len(untso) == 360 and untso["multi_country"].all()  # every month 1990-2019
    unmogip = kmm[kmm["mission"] == "UNMOGIP"]
    assert (unmogip["ccode"] == 750).all() and (unmogip["ccode2"] == 770).all()


def test_kathman_untac_cambodia(kmm):
    """UNTAC: Cambodia (COW 811), 1992-1993, peak about 15,600 troops and 19,600 personnel."""
    u = kmm[kmm["mission"] == "UNTAC"]
    assert set(u["year"]) == {1992, 1993}
    assert (u["ccode"] == 811).all() and (u["mission_country"] == "Cambodia").all()
    peak = u.loc[u["troops"].idxmax()]
    assert (peak["troops"], peak["year"], peak["month"]) == (15618, 1993, 5)
    assert u["total"].max() == 19630
    early = u[(u["year"] == 1992) & u["month"].between(2, 7)]
    assert early["troops"].isna().all()  # -999 "not reported" in the source
    assert u.loc[(u["year"] == 1992) & (u["month"] == 2), "total"].item() == 1090


def test_kathman_unamsil_sierra_leone(kmm):
    s = kmm[kmm["mission"] == "UNAMSIL"]
    assert (s["ccode"] == 451).all() and (s["mission_country"] == "Sierra Leone").all()
    assert (s["date"].min(), s["date"].max()) == (pd.Timestamp("1999-10-01"), pd.Timestamp("2005-11-01"))
    peak = s.loc[s["troops"].idxmax()]
    assert (peak["troops"], peak["year"], peak["month"]) == (17129, 2002, 4)


def test_kathman_dispatch(kmm):
    assert sources.load("kathman_pko").shape == kmm.shape
    assert sources.load("kathman_cmps_totals").shape == (4414, 17)


def test_kathman_missing_column(damaged_copy):
    path = damaged_copy(
        "kathman_pko",
        lambda p: _edit_xlsx(p, lambda ws: setattr(ws.cell(1, _col(ws, "missionccode")), "value", "ccode")),
    )
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['missionccode'\]"):
        kathman_pko.load(path=path)


def test_kathman_text_in_year(damaged_copy):
    def text(ws):
        ws.cell(11, _col(ws, "year")).value = "2OO7"  # data row 10

    path = damaged_copy("kathman_pko", lambda p: _edit_xlsx(p, text))
    with pytest.raises(SchemaError, match=r"column 'year', row 10: value '2OO7'"):
        kathman_pko.load(path=path)


def test_kathman_duplicated_mission_month(damaged_copy):
    def dup(ws):
        ws.append([c.value for c in ws[100]])

    path = damaged_copy("kathman_pko", lambda p: _edit_xlsx(p, dup))
    with pytest.raises(DuplicateKeyError):
        kathman_pko.load(path=path)


def test_kathman_empty(damaged_copy):
    path = damaged_copy("kathman_pko", lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError):
        kathman_pko.load(path=path)


# ------------------------------------------------------------- Kathman CMPS (.dta)
@pytest.fixture(scope="module")
def cmps(mirror) -> pd.DataFrame:
    return kathman_pko.load_cmps_totals()


def test_cmps_rows_coverage_and_types(cmps, mirror):
    raw = pd.read_stata(raw_path(mirror, "kathman_cmps_totals"), convert_categoricals=False)
    assert len(cmps) == len(raw) == 4414
    assert cmps["mission"].nunique() == 71
    assert (cmps["date"].min(), cmps["date"].max()) == (pd.Timestamp("1990-01-01"), pd.Timestamp("2012-07-01"))
    assert not cmps.duplicated(["mission", "year", "month"]).any()
    for col in ("ccode", "troops", "police", "observers", "total", "all_missions_total"):
        assert cmps[col].dtype == "Int64", col
    assert cmps["troops"].isna().sum() == raw["troop"].isna().sum() == 278
    assert cmps["multi_country"].sum() == raw["missionccode"].isna().sum() == 343
    assert set(cmps.loc[cmps["multi_country"], "mission"]) == {"UNTSO", "UNPROFOR", "UNPF", "UNFOR", "LBB"}
    # n_missions is the number of missions deployed that month
    per_month = cmps.groupby("date").agg(rows=("mission", "size"), n=("n_missions", "first"))
    assert (per_month["rows"] == per_month["n"]).all()


def test_cmps_agrees_with_the_2019_update(cmps, kmm):
    both = kmm.merge(cmps, on=["mission", "year", "month"], suffixes=("", "_cmps"))
    assert len(both) == 4358
    differ = both["troops"].fillna(-1) != both["troops_cmps"].fillna(-1)
    # one revision: UNIKOM November 1999, 900 troops in the update vs 904 in CMPS
    assert both.loc[differ, ["mission", "year", "month"]].values.tolist() == [["UNIKOM", 1999, 11]]
    u = cmps[cmps["mission"] == "UNTAC"]
    assert u["troops"].max() == 15618 and (u["ccode"] == 811).all()


def test_cmps_empty(damaged_copy):
    path = damaged_copy("kathman_cmps_totals", lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError):
        kathman_pko.load_cmps_totals(path=path)


# ------------------------------------------------------------- UN DPO mission list
@pytest.fixture(scope="module")
def dpo(mirror) -> pd.DataFrame:
    return un_dpo_missions.load()


def test_dpo_rows_types_and_key(dpo, mirror):
    raw = csv_frame(raw_path(mirror, "un_dpo_missions"))
    assert len(dpo) == len(raw) == 81
    assert dpo["id"].is_unique and dpo["mission"].is_unique
    for col in ("start_date", "end_date", "last_update"):
        assert dpo[col].dtype == "datetime64[ns]", col
    assert dpo["longitude"].dtype == "float64" and dpo["latitude"].dtype == "float64"
    assert dpo["is_active"].dtype == bool
    # every coordinate is the decimal-comma text read with a decimal point
    for tidy, col in (("longitude", "mission_longitude"), ("latitude", "mission_latitude")):
        expected = [float(v.replace(",", ".")) if v else None for v in raw[col]]
        got = [None if pd.isna(v) else v for v in dpo[tidy]]
        assert got == expected, tidy
    assert dpo["longitude"].isna().sum() == 11


def test_dpo_known_missions(dpo):
    m = dpo.set_index("mission")
    assert (m.at["UNPROFOR", "longitude"], m.at["UNPROFOR", "latitude"]) == (15.9833, 45.8167)  # Zagreb
    assert (m.at["UNTAC", "start_date"], m.at["UNTAC", "end_date"]) == (
        pd.Timestamp("1992-03-01"), pd.Timestamp("1993-09-01"))  # fmt: skip
    assert m.at["UNTAC", "mission_location"] == "Phnom Penh"
    assert m.at["UNAMSIL", "mission_location"] == "Freetown"
    assert set(dpo.loc[dpo["start_date"].isna(), "mission"]) == {"UNOHCI", "UNFOR", "UNSCOB"}
    assert not m.at["MINUSTAH", "is_active"]  # written "NO" in the file
    assert dpo["is_active"].sum() == 12
    assert m.at["UNTSO", "is_active"] and m.at["UNTSO", "start_date"] == pd.Timestamp("1948-05-29")
    assert dpo.loc[dpo["is_active"], "end_date"].isna().all()


def test_dpo_swapped_coordinates(dpo):
    fixed = un_dpo_missions.load(fix_swapped_coordinates=True)
    swapped = dpo["mission"].isin(un_dpo_missions.SWAPPED_COORDINATES)
    assert swapped.sum() == 7
    # Mogadishu is 2.0 N, 45.3 E; Bamako 12.65 N, 8.0 W
    m = fixed.set_index("mission")
    assert (m.at["UNOSOM I", "longitude"], m.at["UNOSOM I", "latitude"]) == (45.35, 2.0333)
    assert (m.at["MINUSMA", "longitude"], m.at["MINUSMA", "latitude"]) == (-8.0, 12.65)
    assert (m.at["UNOSOM", "longitude"], m.at["UNOSOM", "latitude"]) == (45.35, 2.0333)  # right already
    pd.testing.assert_frame_equal(fixed[~swapped], dpo[~swapped])
    # after the fix, missions sharing a headquarters share its coordinates
    spread = fixed.dropna(subset=["longitude"]).groupby("mission_location")[["longitude", "latitude"]].nunique()
    assert (spread <= 1).all().all()


def test_dpo_bad_coordinate_and_flag(damaged_copy):
    def bad(rows):
        j = rows[0].index("mission_longitude")
        rows[2][j] = "15.98.33"
        return rows

    path = damaged_copy("un_dpo_missions", lambda p: _rewrite_csv(p, bad))
    with pytest.raises(SchemaError, match=r"column 'mission_longitude', row 2"):
        un_dpo_missions.load(path=path)

    def flag(rows):
        j = rows[0].index("mission_isactive")
        rows[4][j] = "Maybe"
        return rows

    path = damaged_copy("un_dpo_missions", lambda p: _rewrite_csv(p, flag))
    with pytest.raises(SchemaError, match=r"column 'mission_isactive', row 4: value 'Maybe'"):
        un_dpo_missions.load(path=path)


def test_dpo_duplicated_id_and_empty(damaged_copy):
    path = damaged_copy("un_dpo_missions", lambda p: _rewrite_csv(p, lambda rows: rows + [rows[1]]))
    with pytest.raises(DuplicateKeyError):
        un_dpo_missions.load(path=path)
    path = damaged_copy("un_dpo_missions", lambda p: p.write_text(""))
    with pytest.raises(EmptyFileError):
        un_dpo_missions.load(path=path)


# ------------------------------------------------------------- Geo-PKO v2.3
@pytest.fixture(scope="module")
def geo(mirror) -> pd.DataFrame:
    return geo_pko.load()


@pytest.fixture(scope="module")
def geo_raw(mirror) -> pd.DataFrame:
    return csv_frame(raw_path(mirror, "geo_pko"))


def test_geo_location_years(geo, geo_raw):
    assert len(geo_raw) == 8783
    groups = geo_raw.groupby(["mission", "year", "country", "location"]).size()
    assert len(geo) == len(groups) == 7366
    assert geo["n_rows"].sum() == 8783
    assert sorted(geo["n_rows"].value_counts().items()) == sorted(groups.value_counts().items())
    assert not geo.duplicated(geo_pko.KEY_COLUMNS).any()
    assert geo["year"].agg(["min", "max"]).tolist() == [1994, 2024]
    assert geo["mission"].nunique() == 52
    for col in ("infantry", "reserve", "ave_no_troops", "no_troops_max"):
        assert geo[col].dtype == "Int64", col
    assert geo["hq"].isin([0, 1, 2, 3]).all() and geo["hq"].dtype == "int64"


def test_geo_aggregation_rule(geo, geo_raw):
    """MINURCA in Bangui, 1999: three rows (maps with 1,685, 1,535, 1,235 troops)."""
    rows = geo_raw.query("mission == 'MINURCA' and year == '1999' and location == 'Bangui'")
    assert sorted(rows["NoTroops"].astype(int)) == [1235, 1535, 1685]
    r = geo.query("mission == 'MINURCA' and year == 1999 and location == 'Bangui'").iloc[0]
    assert (r["infantry"], r["ave_no_troops"], r["no_troops_max"], r["hq"], r["n_rows"]) == (1150, 1485, 1685, 3, 3)
    # the HQ level is the year's highest: UNISFA's Diffra in 2011 was a sector HQ on one map
    d = geo.query("mission == 'UNISFA' and year == 2011 and location == 'Diffra'").iloc[0]
    assert d["hq"] == 2 and d["no_troops_max"] == 650
    # UNAMSIL's Bo, 2002: two coordinate pairs; the first row's is kept
    bo = geo.query("mission == 'UNAMSIL' and year == 2002 and location == 'Bo'").iloc[0]
    first = geo_raw.query("mission == 'UNAMSIL' and year == '2002' and location == 'Bo'").iloc[0]
    assert (bo["latitude"], bo["longitude"]) == (float(first["latitude"]), float(first["longitude"]))


def test_geo_unaggregated(geo_raw):
    flat = geo_pko.load(aggregate=False)
    assert len(flat) == len(geo_raw)
    assert list(flat.columns) == ["mission", "year", "country", "location", "latitude", "longitude", "infantry",
                                  "no_troops", "reserve", "hq", "unpol", "med", "av", "unmo",
                                  "ave_no_troops"]  # fmt: skip
    assert flat["no_troops"].isna().sum() == (geo_raw["NoTroops"] == "NA").sum() == 250


def test_geo_bad_input(damaged_copy):
    path = damaged_copy("geo_pko", lambda p: _rewrite_csv(p, lambda rows: rows + [rows[7]]))
    with pytest.raises(DuplicateKeyError):
        geo_pko.load(path=path)

    def text_year(rows):
        rows[12][rows[0].index("year")] = "year 2001"
        return rows

    path = damaged_copy("geo_pko", lambda p: _rewrite_csv(p, text_year))
    with pytest.raises(SchemaError, match=r"column 'year', row 12"):
        geo_pko.load(path=path)

    def rename(rows):
        rows[0] = ["HQ" if h == "hq" else h for h in rows[0]]
        return rows

    path = damaged_copy("geo_pko", lambda p: _rewrite_csv(p, rename))
    with pytest.raises(SchemaError, match=r"\['hq'\]: 'hq' \(found 'HQ' instead\?\)"):
        geo_pko.load(path=path)


def test_geo_inconsistent_yearly_summary(damaged_copy):
    """A file whose yearly summaries differ within a location-year is not aggregated silently."""

    def change(rows):
        j = rows[0].index("Infantry")
        key = [rows[0].index(c) for c in ("mission", "year", "location")]
        seen = {}
        for i, r in enumerate(rows[1:], start=1):
            k = tuple(r[c] for c in key)
            if k in seen:
                r[j] = str(int(float(r[j])) + 1)
                return rows
            seen[k] = i
        raise AssertionError("no repeated location-year")

    path = damaged_copy("geo_pko", lambda p: _rewrite_csv(p, change))
    with pytest.raises(SchemaError, match="'Infantry'.*differs between rows"):
        geo_pko.load(path=path)
