"""CWM (reduced derivative) on the real file: encoding, two-digit years, partial dates, slips, bad input.

Expected values are read from the file with the standard library (csv, Mac Roman) or follow
from the documented century rule.
"""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from peacestats import registry, sources
from peacestats.errors import EmptyFileError, SchemaError
from peacestats.sources import cwm
from damage import raw_path  # noqa: E402

KEY = "cwm"


@pytest.fixture(scope="module")
def records(mirror) -> list[dict]:
    with open(raw_path(mirror, KEY), newline="", encoding="mac_roman") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def df(mirror) -> pd.DataFrame:
    return sources.load(KEY)


@pytest.fixture(scope="module")
def findings(df) -> pd.DataFrame:
    return cwm.check(df)


def _row(df, row):
    return df.loc[df["row"] == row].iloc[0]


def test_rows_key_columns_and_types(df, records):
    assert len(df) == len(records) == 762
    assert df["row"].tolist() == list(range(1, 763))
    assert list(df.columns) == cwm.ORDER
    for col in cwm.DATES:
        assert df[col].dtype == "datetime64[ns]", col
    assert df["mediation"].dtype == "boolean"
    assert df["year_terminated"].dtype == "Int64" and df["incompatibility"].dtype == "Int64"
    assert df["mediation"].value_counts(dropna=False).to_dict() == {True: 484, False: 273, pd.NA: 5}
    assert df["year_terminated"].isna().sum() == 44


def test_mac_roman_names_are_decoded(df, records):
    text = " ".join(df["side_b"].dropna()) + " ".join(df["third_parties"].dropna())
    assert "Chimères" in text
    assert df["country"].tolist() == [r["country"].strip() for r in records]


def test_first_row_against_the_file(df):
    r = _row(df, 1)
    assert (r["country"], r["side_b"]) == ("Afghanistan", "Taleban, Hizb-i Islami-yi Afghanistan - Hekmatyar faction")
    assert r["episode_start"] == pd.Timestamp("2003-06-05") and r["episode_start_precision"] == "day"
    assert pd.isna(r["episode_end"]) and pd.isna(r["episode_end_precision"])
    assert r["mediation_start"] == pd.Timestamp("2009-11-23")
    assert bool(r["mediation"]) and r["year_terminated"] == 2009


def test_two_digit_years_follow_the_century_rule(df, records):
    for col, file_col in (("episode_start", "episode.start.date"), ("mediation_start", "med.begins")):
        for value, text in zip(df[col], (r[file_col].strip() for r in records)):
            parts = text.split("/")
            if len(parts) == 3 and len(parts[2]) == 2 and parts[2].isdigit() and pd.notna(value):
                yy = int(parts[2])
                assert value.year == (2000 + yy if yy <= 11 else 1900 + yy), text
    assert _row(df, 2)["episode_start"] == pd.Timestamp("1978-04-27")
    assert _row(df, 2)["episode_end"] == pd.Timestamp("2001-12-07")


@pytest.mark.parametrize(
    "yy, context, year",
    [(0, None, 2000), (11, None, 2011), (46, None, 1946), (99, None, 1999), (12, 2009, 2012),
     (44, 1950, 1944), (30, None, None)],
)  # fmt: skip
def test_resolve_two_digit_year(yy, context, year):
    assert cwm.resolve_two_digit_year(yy, context) == year


@pytest.mark.parametrize(
    "text, date, precision",
    [("6/5/03", "2003-06-05", "day"), ("11//1995", "1995-11-01", "month"), ("2/??/04", "2004-02-01", "month"),
     ("//1997", "1997-01-01", "year"), ("?/?/2009", "2009-01-01", "year"), ("12//67", "1967-12-01", "month")],
)  # fmt: skip
def test_partial_dates_keep_their_precision(text, date, precision):
    d, p, _ = cwm.parse_date(text)
    assert (d, p) == (pd.Timestamp(date), precision)


def test_missing_markers_and_unreadable_values(df):
    for text in ("", " ", "?", "."):
        d, p, note = cwm.parse_date(text)
        assert pd.isna(d) and pd.isna(p) and note == ""
    assert cwm.parse_date("31/31/31") is None and cwm.parse_date("2003-06-05") is None
    assert "three-digit year" in _row(df, 170)["date_notes"] and pd.isna(_row(df, 170)["mediation_start"])
    assert "two alternative dates" in _row(df, 279)["date_notes"]
    assert "2012 by context" in _row(df, 112)["date_notes"]
    assert _row(df, 112)["mediation_end"] == pd.Timestamp("2012-08-25")
    assert "uncertain" in _row(df, 445)["date_notes"] and _row(df, 445)["mediation_end"] == pd.Timestamp("1997-05-08")
    assert (df["date_notes"] != "").sum() == 4


def test_precision_counts(df):
    assert df["episode_start_precision"].value_counts().to_dict() == {"day": 713}
    assert df["mediation_start_precision"].value_counts().to_dict() == {"day": 442, "month": 35, "year": 2}
    assert df["mediation_end_precision"].value_counts().to_dict() == {"day": 430, "month": 30, "year": 6}


def test_check_reports_slips_by_row(findings):
    assert list(findings.columns) == ["row", "column", "value", "problem", "suggestion"]
    by = findings.set_index(["row", "column"])["problem"].sort_index()
    assert "the mediation ends before it starts (1991-02-04)" in by[(103, "mediation_end")].tolist()
    assert by[(124, "mediation_start")].str.contains("1882 is outside").any()
    assert by[(630, "country")].str.contains("Soviet Unon").any()
    assert by[(8, "side_b")].str.contains("'FLEC-FAC' in 3 other Angola rows").any()
    assert findings.loc[findings["problem"] == "no rebel side named", "row"].tolist() == list(range(225, 231))
    assert (findings["column"] == "year_terminated").sum() == 15
    assert findings["problem"].str.contains("starts before the episode").sum() == 33
    med = findings[findings["column"] == "mediation"]
    assert med["row"].tolist() == [4, 86, 188, 230, 256, 264, 419, 420, 421, 489, 599, 655]
    assert len(findings) == 80


def test_check_on_a_damaged_frame(df):
    bad = df.copy()
    i = bad.index[bad["row"] == 2][0]
    bad.loc[i, "episode_end"] = pd.Timestamp("1970-01-01")
    bad.loc[i, "mediation"] = False
    found = cwm.check(bad)
    mine = found[found["row"] == 2].set_index("column")["problem"]
    assert mine["episode_end"] == "the episode ends before it starts (1978-04-27)"
    assert mine["mediation"].startswith("not mediated, but a third party is named")


def test_dataset_page_documents_every_column():
    doc = sources.loader_doc(KEY)
    for col in cwm.ORDER:
        assert f"``{col}``" in doc or col.endswith("_precision"), col
    assert "``*_precision``" in doc


# ---------------------------------------------------------------- bad input
def _copy(mirror, tmp_path, damage):
    dst = tmp_path / registry.get(KEY).file
    shutil.copyfile(raw_path(mirror, KEY), dst)
    damage(dst)
    return dst


def _rewrite(path, edit):
    with open(path, newline="", encoding="mac_roman") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", newline="", encoding="mac_roman") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def test_empty_file(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError, match="CWM.csv is empty"):
        cwm.load(path=path)


def test_utf8_copy_is_refused_naming_the_line(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(p.read_bytes().decode("mac_roman").encode("utf-8")))
    with pytest.raises(SchemaError, match=r"CWM.csv is UTF-8 encoded \(line \d+: .*\), but the source is mac_roman"):
        cwm.load(path=path)


def test_truncated_file_names_the_column_and_row(mirror, tmp_path):
    def cut(p):
        data = p.read_bytes()
        p.write_bytes(data[: data.index(b"\r\n", 5000) + 5])

    path = _copy(mirror, tmp_path, cut)
    with pytest.raises(SchemaError, match=r"column 'sidea', row \d+: value nan fails not_nullable"):
        cwm.load(path=path)


def test_missing_column(mirror, tmp_path):
    def drop(rows):
        i = rows[0].index("med.begins")
        for r in rows:
            del r[i]

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, drop))
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['med.begins'\]"):
        cwm.load(path=path)


def test_garbled_date_names_column_and_row(mirror, tmp_path):
    def garble(rows):
        rows[3][rows[0].index("episode.start.date")] = "1996-01-01"

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, garble))
    with pytest.raises(SchemaError, match=r"CWM.csv, column 'episode.start.date', row 3: '1996-01-01' is not a date"):
        cwm.load(path=path)


def test_impossible_date_names_column_and_row(mirror, tmp_path):
    def garble(rows):
        rows[10][rows[0].index("med.ends")] = "2/30/95"

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, garble))
    with pytest.raises(SchemaError, match=r"column 'med.ends', row 10: '2/30/95' is not a date"):
        cwm.load(path=path)


def test_flag_that_is_not_a_number(mirror, tmp_path):
    def garble(rows):
        rows[4][rows[0].index("Med_yes.no")] = "yes"

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, garble))
    with pytest.raises(SchemaError, match=r"column 'Med_yes.no', row 4: value 'yes' is not a number"):
        cwm.load(path=path)
