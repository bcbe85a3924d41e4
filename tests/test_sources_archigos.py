"""Archigos 4.1 on the real R file: rows, key, decoded exits, known leaders, slips, bad input.

Expected values come from the R object read directly with pyreadr or are public facts
(Pinochet took power in the coup of 11 September 1973; Garfield was assassinated in 1881).
Damaged copies are written back to R data files with pyreadr.
"""

from __future__ import annotations

import pandas as pd
import pyreadr
import pytest

from peacestats import sources
from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import archigos as ar
from damage import raw_path  # noqa: E402

KEY = "archigos"


@pytest.fixture(scope="module")
def original(mirror) -> pd.DataFrame:
    return pyreadr.read_r(str(raw_path(mirror, KEY)))["archigos"]


@pytest.fixture(scope="module")
def df(mirror) -> pd.DataFrame:
    return sources.load(KEY)


def _spell(df, obsid):
    return df.loc[df["obsid"] == obsid].iloc[0]


def test_rows_key_columns_and_types(df, original):
    assert len(df) == len(original) == 3409
    assert df["obsid"].is_unique and df["obsid"].tolist() == original["obsid"].tolist()
    assert list(df.columns) == ar.ORDER
    assert df["gwcode"].dtype == "Int64" and df["yrborn"].dtype == "Int64"
    assert df["start_date"].dtype == "datetime64[ns]" and df["end_date"].dtype == "datetime64[ns]"
    assert df["start_date"].min() == pd.Timestamp("1840-07-23") and df["end_date"].max() == pd.Timestamp("2015-12-31")
    assert df["yrborn"].isna().sum() == 19


def test_exits_are_decoded(df, original):
    assert df["exit"].tolist() == original["exit"].tolist()
    assert df["exit_type"].value_counts().to_dict() == {
        "regular": 2293, "irregular": 600, "natural_death": 202, "in_office": 168, "foreign": 72,
        "ill_health": 68, "suicide": 3, "unknown": 3}  # fmt: skip
    assert df["military_removal"].sum() == 277 + 6 == (original["exitcode"].str.startswith("Removed by Military")).sum()
    assert df["removed_by"].value_counts().to_dict() == {
        "military": 283, "rebels": 53, "foreign_threat": 45, "other_government_actors": 44, "popular_protest": 38,
        "military_power_struggle": 29, "assassin": 23, "other_irregular": 13}  # fmt: skip
    assert df["foreign_support"].sum() == 25 and (df["foreign_support"] == False).sum() == 416  # noqa: E712
    assert df["in_office"].sum() == 168
    assert df.loc[df["exitcode"].isin(["Regular", "Unknown", "Still in Office"]), "removed_by"].isna().all()


def test_every_exit_code_has_a_decoding():
    assert set(ar.EXIT_CODES) >= {"Removed by Military, without Foreign Support", "Regular", "Unknown"}
    assert len(ar.EXIT_CODES) == 15


def test_known_leaders(df):
    garfield = _spell(df, "USA-1881-1")
    assert garfield["leader"] == "Garfield" and garfield["removed_by"] == "assassin"
    pinochet = df[df["leader"] == "Pinochet"].iloc[0]
    assert pinochet["start_date"] == pd.Timestamp("1973-09-11") and pinochet["entry"] == "Irregular"
    assert pinochet["gwcode"] == 155 and pinochet["exit_type"] == "regular"


def test_check_reports_in_office_spells_ending_early(df):
    found = ar.check(df)
    assert list(found.columns) == ["row", "obsid", "column", "value", "problem", "suggestion"]
    assert found["obsid"].tolist() == ["HAI-2011", "MAC-2006", "LAT-2014"]
    assert found["row"].tolist() == [125, 1775, 2060]


def test_check_on_a_damaged_frame(df):
    bad = df.copy()
    bad.loc[0, "exitcode"] = "Removed by Military, without Foreign Support"
    bad.loc[1, "end_date"] = pd.Timestamp("1870-01-01")
    bad.loc[3, "start_date"] = pd.Timestamp("1881-06-01")
    found = ar.check(bad).set_index("row")
    assert "does not fit exit 'Regular'" in found.at[1, "problem"]
    assert found.at[2, "problem"].startswith("the spell ends before it starts")
    assert "overlaps the spell USA-1881-1" in found.at[4, "problem"]


def test_dataset_page_documents_every_column():
    doc = sources.loader_doc(KEY)
    for col in ar.ORDER:
        assert f"``{col}``" in doc, col


# ---------------------------------------------------------------- bad input
def _write(tmp_path, frame, name="archigos"):
    path = tmp_path / "archigos.rda"
    pyreadr.write_rdata(str(path), frame, df_name=name)
    return path


def test_a_rewritten_copy_loads_the_same(tmp_path, original, df):
    out = ar.load(path=_write(tmp_path, original))
    pd.testing.assert_frame_equal(out, df)


def test_empty_file(tmp_path):
    path = tmp_path / "archigos.rda"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match="archigos.rda is empty"):
        ar.load(path=path)


def test_truncated_file(mirror, tmp_path):
    path = tmp_path / "archigos.rda"
    path.write_bytes(raw_path(mirror, KEY).read_bytes()[:20000])
    with pytest.raises(SchemaError, match=r"cannot read .*archigos.rda as rda"):
        ar.load(path=path)


def test_wrong_object_name(tmp_path, original):
    with pytest.raises(SchemaError, match=r"has no R object 'archigos'"):
        ar.load(path=_write(tmp_path, original, name="leaders"))


def test_missing_column(tmp_path, original):
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['exitcode'\]"):
        ar.load(path=_write(tmp_path, original.drop(columns="exitcode")))


def test_garbled_date_names_column_and_row(tmp_path, original):
    bad = original.copy()
    bad["startdate"] = bad["startdate"].astype(str)
    bad.loc[41, "startdate"] = "1901-02-30"
    with pytest.raises(SchemaError, match=r"column 'startdate', row 42: '1901-02-30' is not a date"):
        ar.load(path=_write(tmp_path, bad))


def test_unknown_exit_label_names_column_and_row(tmp_path, original):
    bad = original.copy()
    bad.loc[9, "exitcode"] = "Removed by Aliens"
    with pytest.raises(SchemaError, match=r"column 'exitcode', row 10: value 'Removed by Aliens'"):
        ar.load(path=_write(tmp_path, bad))


def test_duplicate_obsid(tmp_path, original):
    bad = original.copy()
    bad.loc[1, "obsid"] = bad.loc[0, "obsid"]
    with pytest.raises(DuplicateKeyError, match="obsid"):
        ar.load(path=_write(tmp_path, bad))
