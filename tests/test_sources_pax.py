"""PA-X on the real file: rows, key, provisions, UCDP ids, links to the ACD, and bad input.

Expected numbers are counted from the file with the standard library's csv reader
(independent of the loader's pandas reader) or are public facts (the Paris Agreements on
Cambodia, 23 October 1991, UCDP conflict 300).
"""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from peacestats import registry, sources
from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import pax
from damage import raw_path  # noqa: E402

KEY = "pax"


@pytest.fixture(scope="module")
def records(mirror) -> list[dict]:
    with open(raw_path(mirror, KEY), newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def df(mirror) -> pd.DataFrame:
    return sources.load(KEY)


def _agt(df, agreement_id):
    return df.loc[df["agreement_id"] == agreement_id].iloc[0]


def test_rows_key_columns_and_types(df, records):
    assert len(df) == len(records) == 1868
    assert len(records[0]) == 266
    assert df["agreement_id"].is_unique
    assert df["agreement_id"].tolist() == [int(r["AgtId"]) for r in records]
    assert list(df.columns) == pax.ORDER
    assert df["date_signed"].dtype == "datetime64[ns]"
    assert df["date_signed"].min() == pd.Timestamp("1990-02-15")
    assert df["date_signed"].max() == pd.Timestamp("2020-04-09")
    for col in ("gwno_loc1", "gwno_loc2", "ucdp_agreement_id"):
        assert df[col].dtype == "Int64", col
    for name, _ in pax.PROVISIONS.values():
        assert df[name].dtype == "int64", name


def test_provisions_match_the_file(df, records):
    for column, (name, top) in pax.PROVISIONS.items():
        assert df[name].tolist() == [int(r[column]) for r in records], column
        assert set(df[name]) <= set(range(top + 1)), column
    assert df["international_mission"].sum() == 545
    assert df["un_signatory"].sum() == 362
    assert (df["ddr"] > 0).sum() == 503
    assert df["ssr_armed_forces"].value_counts().to_dict() == {0: 1549, 2: 137, 1: 129, 3: 53}
    assert df["ssr_intelligence"].value_counts().to_dict() == {0: 1813, 1: 28, 2: 16, 3: 11}


def test_paris_agreement_on_cambodia(df):
    r = _agt(df, 252)
    assert r["date_signed"] == pd.Timestamp("1991-10-23")
    assert r["country_entity"] == "Cambodia" and r["gwno_loc1"] == 811
    assert r["ucdp_conflict_ids"] == [300] and r["ucdp_agreement_id"] == 1113
    assert (r["stage"], r["stage_label"]) == ("SubComp", "substantive-comprehensive")
    assert (r["ddr"], r["ceasefire"], r["international_mission"]) == (3, 3, 1)


def test_stage_labels_and_text(df):
    assert df["stage_label"].notna().all()
    assert df["stage"].value_counts().to_dict() == {"Pre": 513, "SubPar": 475, "Cea": 388, "Imp": 335,
                                                   "SubComp": 113, "Ren": 43, "Oth": 1}  # fmt: skip
    multi = df["third_parties"].dropna()
    assert not multi.str.contains("\r").any() and multi.str.contains("\n").any()


def test_ucdp_ids_lose_no_value(df, records):
    assert df["ucdp_conflict_ids"].map(len).value_counts().to_dict() == {1: 1712, 0: 156}
    for ids, r in zip(df["ucdp_conflict_ids"], records):
        digits = [int(t) for t in r["UcdpCon"].replace(",", " ").split() if t.isdigit()]
        assert ids == digits
    long = pax.agreement_conflicts(df)
    assert len(long) == 1712 and list(long.columns) == ["agreement_id", "conflict_id", "position"]


@pytest.mark.parametrize(
    "cell, ids, bad",
    [("300", [300], []), ("NA", [], []), ("", [], []), (None, [], []), ("NA ", [], []),
     ("209, 11345", [209, 11345], []), ("209;300/301", [209, 300, 301], []), ("29x; 300", [300], ["29x"])],
)  # fmt: skip
def test_parse_ucdp_ids(cell, ids, bad):
    assert pax.parse_ucdp_ids(cell) == (ids, bad)


def test_check_reports_blank_and_spaced_ids_by_row(df, records):
    found = pax.check(df)
    blank = found[found["problem"].str.startswith("blank")]
    assert len(blank) == 14
    assert blank["row"].tolist() == [i + 1 for i, r in enumerate(records) if r["UcdpCon"] == ""]
    spaced = found[found["problem"].str.startswith("stray")]
    assert spaced[["row", "agreement_id"]].values.tolist() == [[1440, 1961]]


def test_check_reports_malformed_ids(df):
    bad = df.copy()
    bad.loc[bad.index[10], "ucdp_conflict_raw"] = "3O0"
    found = pax.check(bad)
    assert found.loc[found["row"] == 11, "problem"].tolist() == ["'3O0' is not a UCDP conflict id"]


def test_links_flag_ids_unknown_to_the_acd(df):
    links = pax.pax_conflict_links(df)
    assert len(links) == 1712
    unknown = links[~links["in_acd"]]
    assert sorted(unknown["agreement_id"]) == [640, 1051, 1052, 1241, 1964, 1970, 1971]
    assert set(unknown["conflict_id"]) == {169170, 11745}
    assert unknown["acd_location"].isna().all() and unknown["acd_active_in_year"].isna().all()
    cambodia = links[links["agreement_id"] == 252].iloc[0]
    assert cambodia["in_acd"] and "Cambodia" in cambodia["acd_location"]


def test_dataset_page_documents_every_column():
    doc = sources.loader_doc(KEY)
    for col in pax.ORDER:
        assert f"``{col}``" in doc, col


# ---------------------------------------------------------------- bad input
def _copy(mirror, tmp_path, damage):
    dst = tmp_path / registry.get(KEY).file
    shutil.copyfile(raw_path(mirror, KEY), dst)
    damage(dst)
    return dst


def _rewrite(path, edit):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def test_empty_file(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError, match="pax_all_agreements_data.csv is empty"):
        pax.load(path=path)


def test_header_only(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(p.read_bytes().split(b"\n")[0] + b"\n"))
    with pytest.raises(EmptyFileError, match="header but no data rows"):
        pax.load(path=path)


def test_truncated_file_names_the_last_row(mirror, tmp_path):
    def cut(p):
        data = p.read_bytes()
        p.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 5) + 40])

    path = _copy(mirror, tmp_path, cut)
    msg = r"(?s)pax_all_agreements_data.csv does not match.*column .SsrPol., row 1868: value <NA>"
    with pytest.raises(SchemaError, match=msg):
        pax.load(path=path)


def test_truncated_inside_a_quoted_field(mirror, tmp_path):
    def cut(p):
        data = p.read_bytes()
        p.write_bytes(data[: data.index(b"Qatar\r\nGerman") + 8])

    path = _copy(mirror, tmp_path, cut)
    with pytest.raises(SchemaError, match=r"cannot read .*pax_all_agreements_data.csv as csv"):
        pax.load(path=path)


def test_wrong_encoding_names_the_line(mirror, tmp_path):
    def latin1(p):
        p.write_bytes(p.read_bytes().decode("utf-8-sig").encode("latin-1", errors="replace"))

    path = _copy(mirror, tmp_path, latin1)
    with pytest.raises(SchemaError, match=r"pax_all_agreements_data.csv, line \d+: byte .* is not utf-8-sig"):
        pax.load(path=path)


def test_missing_column(mirror, tmp_path):
    def drop(rows):
        i = rows[0].index("SsrDdr")
        for r in rows:
            del r[i]

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, drop))
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['SsrDdr'\]"):
        pax.load(path=path)


def test_garbled_date_names_column_and_row(mirror, tmp_path):
    def garble(rows):
        rows[5][rows[0].index("Dat")] = "2012-02-30"

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, garble))
    with pytest.raises(SchemaError, match=r"column 'Dat', row 5: '2012-02-30' is not a date"):
        pax.load(path=path)


def test_us_style_date_names_column_and_row(mirror, tmp_path):
    def garble(rows):
        rows[7][rows[0].index("Dat")] = "9/27/12"

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, garble))
    with pytest.raises(SchemaError, match=r"column 'Dat', row 7: value '9/27/12' fails"):
        pax.load(path=path)


def test_provision_out_of_range_names_column_and_row(mirror, tmp_path):
    def garble(rows):
        rows[3][rows[0].index("ImPK")] = "2"

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, garble))
    with pytest.raises(SchemaError, match=r"column 'ImPK', row 3: value 2"):
        pax.load(path=path)


def test_duplicate_agreement_id(mirror, tmp_path):
    def dup(rows):
        i = rows[0].index("AgtId")
        rows[2][i] = rows[1][i]

    path = _copy(mirror, tmp_path, lambda p: _rewrite(p, dup))
    with pytest.raises(DuplicateKeyError, match="AgtId"):
        pax.load(path=path)


def test_check_reports_future_state_codes_as_the_convention(df):
    found = pax.check(df)
    gw = found[found["column"].isin(["gwno_loc1", "gwno_loc2"])]
    assert len(gw) == 73 and gw["problem"].str.startswith("convention, not a slip").all()
    assert gw.groupby("value").size().to_dict() == {344: 23, 346: 4, 347: 6, 349: 1, 371: 1, 373: 1, 626: 37}
    assert "626 (South Sudan) is not an independent state" in gw[gw["value"] == 626].iloc[0]["problem"]


def test_check_reports_a_code_that_is_no_gw_state(df):
    bad = df.copy()
    bad["gwno_loc1"] = bad["gwno_loc1"].astype("Int64")
    bad.loc[bad.index[241], "gwno_loc1"] = 812 + 1  # Cambodia's agreement, a code no state has
    found = pax.check(bad)
    mine = found[(found["row"] == 242) & (found["column"] == "gwno_loc1")]
    assert mine["problem"].tolist() == ["813 is not a Gleditsch-Ward state code (Cambodia)"]
