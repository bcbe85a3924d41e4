"""IMI 1946-2005 on the real workbook: rows, missing codes per column, dates, COW checks, bad input.

Expected values come from the workbook read directly with xlrd (independent of the loader's
pandas reader). xlrd cannot write workbooks, so damaged inputs are an empty, truncated or
non-xls file for the reader, and damaged raw frames for the validation and date steps.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import xlrd

from peacestats import registry, sources
from peacestats.errors import EmptyFileError, SchemaError
from peacestats.sources import imi
from peacestats.sources._base import read, validate
from damage import raw_path  # noqa: E402

KEY = "imi"


@pytest.fixture(scope="module")
def sheet(mirror) -> pd.DataFrame:
    ws = xlrd.open_workbook(str(raw_path(mirror, KEY))).sheet_by_index(0)
    rows = [ws.row_values(i) for i in range(ws.nrows)]
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def raw(mirror) -> pd.DataFrame:
    return read(KEY, raw_path(mirror, KEY))


@pytest.fixture(scope="module")
def df(mirror) -> pd.DataFrame:
    return sources.load(KEY)


@pytest.fixture(scope="module")
def findings(df) -> pd.DataFrame:
    return imi.check(df)


def _row(df, row):
    return df.loc[df["row"] == row].iloc[0]


def test_rows_key_columns_and_types(df, sheet):
    assert len(df) == len(sheet) == 1111
    assert df["row"].tolist() == list(range(1, 1112))
    assert not df.duplicated(["intervener", "target", "start_date"]).any()
    assert list(df.columns) == imi.ORDER
    for col in ("intervener", "target", "direction", "type", "intervener_casualties", "end_code", "int_contig"):
        assert df[col].dtype == "Int64", col
    assert df["start_date"].dtype == "datetime64[ns]" and df["end_date"].dtype == "datetime64[ns]"
    assert df["intervener"].tolist() == sheet["intervener"].astype(int).tolist()


@pytest.mark.parametrize("column", ["direction", "type", "amount", "air", "naval", "humanitarian", "strategic"])
def test_nine_is_missing_and_nothing_else(df, sheet, column):
    published = sheet[column.replace("military_diplomatic", "military/diplomatic")].astype(int)
    assert df[column].isna().sum() == (published == 9).sum()
    kept = published != 9
    assert df.loc[kept.to_numpy(), column].astype(int).tolist() == published[kept].tolist()


def test_missing_counts_per_column(df):
    assert df["type"].isna().sum() == 98
    assert df["air"].isna().sum() == 305
    assert df["size_naval"].isna().sum() == 908
    assert df["int_contig"].isna().sum() == 33  # 30 coded 9 and 3 blank


def test_casualty_codes_are_kept_beside_the_counts(df, sheet):
    published = sheet["intervener_casualties"].astype(int)
    special = published.isin([998, 999, 9999999])
    assert special.sum() == 313 + 141 + 50
    assert df["intervener_casualties"].isna().sum() == special.sum()
    assert df["intervener_casualties_code"].dropna().astype(int).tolist() == published[special].tolist()
    assert df.loc[~special.to_numpy(), "intervener_casualties"].astype(int).tolist() == published[~special].tolist()
    assert df["target_casualties_code"].value_counts().to_dict() == {999: 289, 9999999: 189, 998: 97}


def test_end_codes_and_dates(df):
    assert df["end_code"].value_counts().to_dict() == {88888888: 43, 99999999: 14}
    assert df.loc[df["end_code"].notna(), "end_date"].isna().all()
    r = _row(df, 1)
    assert (r["intervener"], r["target"]) == (200, 210)
    assert (r["start_date"], r["end_date"]) == (pd.Timestamp("1946-01-01"), pd.Timestamp("1946-11-29"))
    assert r["intervener_kind"] == "state" and pd.isna(r["intervener_name"])


def test_impossible_days_keep_the_month(df):
    r = _row(df, 437)
    assert r["start_date"] == pd.Timestamp("1975-11-01") and r["start_precision"] == "month"
    assert "day 31 does not exist in 1975-11" in r["date_notes"]
    assert (df["start_precision"] == "month").sum() == 5
    assert (df["end_precision"] == "month").sum() == 8


def test_unreadable_published_dates_are_missing_with_a_note(df):
    assert "year 1072" in _row(df, 340)["date_notes"] and pd.isna(_row(df, 340)["end_date"])
    assert "nine digits" in _row(df, 883)["date_notes"]
    assert pd.isna(_row(df, 1111)["start_date"])


def test_organizations(df):
    org = df[df["intervener_kind"] == "organization"]
    assert (org["intervener"] == 1014).sum() == 53
    assert _row(df, 17)["intervener_name"] == "United Nations"
    assert set(org.loc[org["intervener"] == 1060, "intervener_name"]) == {"NATO"}


def test_check_cow_codes(findings):
    by = findings[findings["column"].isin(["intervener", "target"])].set_index("row")
    assert "812 (Laos) is not a COW member in 1946" in by.at[5, "problem"]
    assert by.at[87, "problem"] == "1 is not a COW state code"
    assert "316 (Czech Republic) is not a COW member in 1990" in by.at[721, "problem"]
    assert len(by) == 41


def test_check_dates(findings):
    dates = findings[findings["column"].str.endswith("_date")]
    before = dates[dates["problem"].str.startswith("the intervention ends before")]
    assert before["row"].tolist() == [697, 754, 809, 1080]
    assert len(dates) == 21
    assert list(findings.columns) == ["row", "column", "value", "problem", "suggestion"]


def test_dataset_page_documents_every_column():
    doc = sources.loader_doc(KEY)
    for col in imi.ORDER:
        assert f"``{col}``" in doc, col


# ---------------------------------------------------------------- bad input
def _copy(mirror, tmp_path, damage):
    dst = tmp_path / registry.get(KEY).file
    shutil.copyfile(raw_path(mirror, KEY), dst)
    damage(dst)
    return dst


def test_empty_file(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError, match="MergedIMIData1947-2005.xls is empty"):
        imi.load(path=path)


def test_truncated_file(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(p.read_bytes()[: 333824 // 2]))
    with pytest.raises(SchemaError, match=r"cannot read .*MergedIMIData1947-2005.xls as xls"):
        imi.load(path=path)


def test_csv_renamed_xls(tmp_path, raw):
    path = tmp_path / "MergedIMIData1947-2005.xls"
    raw.to_csv(path, index=False)
    with pytest.raises(SchemaError, match=r"cannot read .* as xls"):
        imi.load(path=path)


def test_missing_column(raw):
    with pytest.raises(SchemaError, match=r"damaged.xls lacks documented column\(s\) \['target'\]"):
        validate(raw.drop(columns="target"), imi.SCHEMA, KEY, "damaged.xls")


def test_non_numeric_code_names_column_and_row(raw):
    bad = raw.astype({"direction": object})
    bad.loc[41, "direction"] = "support"
    with pytest.raises(SchemaError, match=r"column 'direction', row 42: value 'support' is not a number"):
        validate(bad, imi.SCHEMA, KEY, "damaged.xls")


def test_out_of_range_code_names_column_and_row(raw):
    bad = raw.copy()
    bad.loc[9, "air"] = 12
    with pytest.raises(SchemaError, match=r"column 'air', row 10: value 12"):
        validate(bad, imi.SCHEMA, KEY, "damaged.xls")


def test_garbled_date_names_column_and_row(raw):
    bad = raw.copy()
    bad.loc[99, "start"] = 1999013
    with pytest.raises(SchemaError, match=r"damaged.xls, column 'start', row 100: 1999013 is not a yyyymmdd date"):
        imi.tidy(validate(bad, imi.SCHEMA, KEY, "damaged.xls"), "damaged.xls")


def test_month_thirteen_names_column_and_row(raw):
    bad = raw.copy()
    bad.loc[4, "end"] = 19461301
    with pytest.raises(SchemaError, match=r"column 'end', row 5: 19461301 is not a yyyymmdd date"):
        imi.tidy(validate(bad, imi.SCHEMA, KEY, "damaged.xls"), "damaged.xls")
