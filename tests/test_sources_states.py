"""State-system lists: Gleditsch-Ward (rda) and Correlates of War (csv) loaders on the real files.

Known values are checked independently of the loaders: the GW facts were read in R from
the original .rda by ``tests/r/sources_states.R`` (``Rscript tests/r/sources_states.R`` from
the repository root), which writes ``tests/data/sources_states_r.json``, read through
``tests/rfixtures.py``: the row and code counts, the date range, the number of codes with a
second spell and the spells of the USA, Germany (255, 260, 265), Serbia and Montenegro.
The COW facts are read straight from the csv with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import cow_states, gw_states
from damage import edit_delimited as _edit_csv  # noqa: E402
from rfixtures import load


@pytest.fixture(scope="module")
def gw():
    return gw_states.load()


@pytest.fixture(scope="module")
def cow():
    return cow_states.load()


def _r():
    """R's Gleditsch-Ward facts (tests/r/sources_states.R)."""
    return load("sources_states")


def _spell(df, code_col, code, start):
    rows = df[(df[code_col] == code) & (df["start_date"] == pd.Timestamp(start))]
    assert len(rows) == 1, f"{code_col} {code} from {start}: {len(rows)} rows"
    return rows.iloc[0]


# --- Gleditsch-Ward ----------------------------------------------------------------------


def test_gw_shape_key_and_dtypes(gw):
    r = _r()
    assert list(gw.columns) == ["gwcode", "stateabb", "statename", "start_date", "end_date"]
    assert len(gw) == r["n_rows"][0]  # 216
    assert gw["gwcode"].nunique() == r["n_codes"][0]  # 202
    assert not gw.duplicated(list(gw_states.PRIMARY_KEY)).any()
    assert gw["gwcode"].dtype == "Int64"
    assert gw["start_date"].dtype == "datetime64[ns]" and gw["end_date"].dtype == "datetime64[ns]"
    assert gw.notna().all().all()
    assert (gw["end_date"] >= gw["start_date"]).all()
    assert gw["start_date"].min() == pd.Timestamp(r["start_min"][0])  # 1816-01-01
    assert gw["end_date"].max() == pd.Timestamp(r["end_max"][0])  # 2017-12-31
    # sorted by the key
    assert gw.equals(gw.sort_values(["gwcode", "start_date"]).reset_index(drop=True))


def test_gw_known_states(gw):
    """The spells R lists for the USA, Germany, Serbia and Montenegro, and no others for them.

    Germany: 255 to the end of the war (1945-05-07), then 260 (GFR) from 21 September 1949, and
    after 1990, one spell; 265 (GDR) until 1990-10-02; Serbia (340) and Montenegro (341): two spells each.
    """
    known = pd.DataFrame(_r()["known"])
    for row in known.itertuples():
        spell = _spell(gw, "gwcode", row.gwcode, row.start_date)
        assert (spell.stateabb, spell.statename, spell.end_date) == (
            row.stateabb, row.statename, pd.Timestamp(row.end_date))
    for code, spells in known.groupby("gwcode"):
        assert (gw["gwcode"] == code).sum() == len(spells), f"gwcode {code}"
    assert (gw["gwcode"].value_counts() == 2).sum() == _r()["n_codes_two_spells"][0]  # 14


def test_gw_end_before_start_is_an_error(damaged_copy):
    import pyreadr

    def swap(p):
        df = pyreadr.read_r(str(p))["gw_states"]
        df.loc[0, ["startdate", "enddate"]] = [dt.date(2017, 12, 31), dt.date(1816, 1, 1)]
        pyreadr.write_rdata(str(p), df, df_name="gw_states")

    with pytest.raises(SchemaError, match=r"row 1: end date 1816-01-01 is before start date 2017-12-31"):
        gw_states.load(path=damaged_copy("gw_states", swap))


def test_gw_text_in_a_date_names_column_and_row(damaged_copy):
    import pyreadr

    def text(p):
        df = pyreadr.read_r(str(p))["gw_states"]
        df["startdate"] = df["startdate"].astype(str)
        df.loc[9, "startdate"] = "circa 1830"
        pyreadr.write_rdata(str(p), df, df_name="gw_states")

    with pytest.raises(SchemaError, match=r"column 'startdate', row 10: 'circa 1830' is not a date"):
        gw_states.load(path=damaged_copy("gw_states", text))


def test_gw_not_an_r_file_names_the_file(damaged_copy):
    path = damaged_copy("gw_states", lambda p: p.write_bytes(b"gwcode,stateabb\n2,USA\n"))
    with pytest.raises(SchemaError, match=r"cannot read .*gw_states\.rda as rda"):
        gw_states.load(path=path)


def test_gw_renamed_column(damaged_copy):
    import pyreadr

    def rename(p):
        df = pyreadr.read_r(str(p))["gw_states"].rename(columns={"startdate": "start"})
        pyreadr.write_rdata(str(p), df, df_name="gw_states")

    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['startdate'\]"):
        gw_states.load(path=damaged_copy("gw_states", rename))


def test_gw_duplicated_spell(damaged_copy):
    import pyreadr

    def dup(p):
        df = pyreadr.read_r(str(p))["gw_states"]
        pyreadr.write_rdata(str(p), pd.concat([df, df.iloc[[43]]], ignore_index=True), df_name="gw_states")

    with pytest.raises(DuplicateKeyError, match=r"row 217"):
        gw_states.load(path=damaged_copy("gw_states", dup))


# --- Correlates of War ---------------------------------------------------------------------


def _cow_rows(mirror):
    with open(mirror / "cow" / "states2016.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_cow_shape_key_and_dtypes(cow):
    assert list(cow.columns) == ["ccode", "stateabb", "statename", "start_date", "end_date", "version"]
    assert len(cow) == 243
    assert cow["ccode"].nunique() == 217
    assert (cow["ccode"].value_counts() == 2).sum() == 26
    assert not cow.duplicated(list(cow_states.PRIMARY_KEY)).any()
    assert cow["ccode"].dtype == "Int64" and cow["version"].dtype == "Int64"
    assert cow["start_date"].dtype == "datetime64[ns]"
    assert cow.notna().all().all()
    assert (cow["version"] == 2016).all()
    assert cow["start_date"].min() == pd.Timestamp("1816-01-01")
    assert cow["end_date"].max() == pd.Timestamp("2016-12-31")


def test_cow_dates_equal_the_raw_parts(cow, mirror):
    """Every spell's dates equal styear-stmonth-stday / endyear-endmonth-endday of the csv."""
    raw = _cow_rows(mirror)
    expected = {
        (int(r["ccode"]), dt.date(int(r["styear"]), int(r["stmonth"]), int(r["stday"]))):
        (r["stateabb"], r["statenme"], dt.date(int(r["endyear"]), int(r["endmonth"]), int(r["endday"])))
        for r in raw
    }
    got = {
        (int(r.ccode), r.start_date.date()): (r.stateabb, r.statename, r.end_date.date())
        for r in cow.itertuples()
    }
    assert got == expected


def test_cow_known_states(cow):
    usa = _spell(cow, "ccode", 2, "1816-01-01")
    assert (usa.stateabb, usa.end_date) == ("USA", pd.Timestamp("2016-12-31"))
    # COW Germany: 255 until 8 May 1945 and again from unification; 260 from 5 May 1955
    assert cow.loc[cow["ccode"] == 255, "start_date"].tolist() == [
        pd.Timestamp("1816-01-01"), pd.Timestamp("1990-10-03")]
    gfr = _spell(cow, "ccode", 260, "1955-05-05")
    assert gfr.end_date == pd.Timestamp("1990-10-02")




def test_cow_renamed_column_is_named(damaged_copy):
    path = damaged_copy("cow_states", lambda p: _edit_csv(p, lambda rows: rows[0].__setitem__(2, "state_name")))
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['statenme'\]") as exc:
        cow_states.load(path=path)
    assert "state_name" in str(exc.value)  # the columns present are listed


def test_cow_text_in_a_year_names_column_and_row(damaged_copy):
    path = damaged_copy("cow_states", lambda p: _edit_csv(p, lambda rows: rows[5].__setitem__(3, "19O2")))
    with pytest.raises(SchemaError, match=r"column 'styear', row 5: value '19O2'"):
        cow_states.load(path=path)


def test_cow_impossible_date_names_the_row(damaged_copy):
    def feb30(rows):
        rows[3][4], rows[3][5] = "2", "30"  # Bahamas, 30 February 1973

    with pytest.raises(SchemaError, match=r"row 3: 1973-02-30 is not a calendar date"):
        cow_states.load(path=damaged_copy("cow_states", lambda p: _edit_csv(p, feb30)))


def test_cow_duplicated_key_rows(damaged_copy):
    path = damaged_copy("cow_states", lambda p: _edit_csv(p, lambda rows: rows.append(list(rows[1]))))
    with pytest.raises(DuplicateKeyError, match=r"row 244"):
        cow_states.load(path=path)


_COW_HEADER = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"


@pytest.mark.parametrize("content", ["", _COW_HEADER], ids=["zero bytes", "header only"])
def test_cow_empty_file(damaged_copy, content):
    path = damaged_copy("cow_states", lambda p: p.write_text(content))
    with pytest.raises(EmptyFileError, match="states2016.csv"):
        cow_states.load(path=path)
