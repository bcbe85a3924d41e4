"""UCDP loaders on the real files: ACD 25.1, Conflict Termination 3-2021, Peace Agreements 22.1.

Expected numbers are read from the raw files independently (``csv`` module, openpyxl) or are
hand-checked literals (public facts about the conflicts named), never a second loader call.
Damaged copies (``damaged_copy``) check that bad input fails loudly with typed errors.
"""

from __future__ import annotations

import csv
import keyword
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from peacestats import sources
from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import ucdp_acd, ucdp_peace_agreements, ucdp_termination
from damage import edit_delimited as _rewrite_csv, edit_xlsx as _edit_xlsx, raw_path, xlsx_col as _col  # noqa: E402


def every(series: pd.Series, codes: list[int]) -> bool:
    """Every cell of a list-valued column equals ``codes``."""
    return bool(series.map(lambda v: v == codes).all())




def csv_records(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def xlsx_records(path: Path) -> tuple[list[str], list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return [str(h) for h in rows[0]], [r for r in rows[1:] if any(v is not None for v in r)]


# --------------------------------------------------------------------------- ACD 25.1
@pytest.fixture(scope="module")
def acd(mirror) -> pd.DataFrame:
    return ucdp_acd.load()


@pytest.fixture(scope="module")
def acd_raw(mirror) -> pd.DataFrame:
    header, rows = csv_records(raw_path(mirror, "ucdp_acd"))
    return pd.DataFrame(rows, columns=header)


def test_acd_rows_years_and_key(acd, acd_raw):
    # 2,752 records: the embedded newline of conflict 11349 does not split a record
    assert len(acd_raw) == 2752
    assert len(acd) == len(acd_raw)
    assert acd["year"].min() == 1946 and acd["year"].max() == 2024
    assert not acd.duplicated(["conflict_id", "year"]).any()
    assert acd["conflict_id"].nunique() == acd_raw["conflict_id"].nunique() == 303
    assert list(acd["conflict_id"]) == [int(x) for x in acd_raw["conflict_id"]]


def test_acd_column_types(acd):
    for col in ("start_date", "start_date2", "ep_end_date"):
        assert acd[col].dtype == "datetime64[ns]", col
    for col in ("conflict_id", "year", "incompatibility", "intensity_level", "cumulative_intensity",
                "type_of_conflict", "start_prec", "start_prec2", "ep_end"):  # fmt: skip
        assert acd[col].dtype == "int64", col
    assert acd["ep_end_prec"].dtype == "Int64" and acd["ep_end_prec"].isna().all()  # empty in 25.1
    for col in ucdp_acd.CODE_LIST_COLUMNS:
        assert all(isinstance(v, list) and all(type(c) is int for c in v) for v in acd[col]), col
    assert (acd["version"] == "25.1").all()


def test_acd_code_lists_lose_no_code(acd, acd_raw):
    for col in ucdp_acd.CODE_LIST_COLUMNS:
        expected = [[int(x) for x in re.findall(r"\d+", cell)] for cell in acd_raw[col]]
        assert list(acd[col]) == expected, col
    # non-state side B has no GW code: empty list, not NA
    assert (acd["gwno_b"].map(len) == 0).sum() == (acd_raw["gwno_b"] == "").sum() == 2605


def test_acd_multi_code_cells_are_split(acd):
    # Afghanistan 2001: side B is the UK and the USA, written "200,  2"
    row = acd.query("conflict_id == 13692 and year == 2001").iloc[0]
    assert row["gwno_b"] == [200, 2]
    assert row["gwno_loc"] == [2, 200, 700]
    assert row["region"] == [1, 3, 5]
    assert row["side_b_id"] == [28, 3]
    # Iraq 2003: Australia, the UK and the USA on side A
    row = acd.query("conflict_id == 420 and year == 2003").iloc[0]
    assert row["gwno_a"] == [900, 200, 2]
    assert row["gwno_b"] == [645]


def test_acd_india_pakistan(acd):
    ip = acd[acd["conflict_id"] == 218]
    assert ip["year"].min() == 1948
    assert every(ip["gwno_a"], [750])
    assert every(ip["gwno_b"], [770])
    assert every(ip["gwno_loc"], [750, 770])
    assert (ip["type_of_conflict"] == 2).all()  # interstate


def test_acd_cambodia_episodes(acd):
    """Conflict 300: Khmer Rouge 1967-1975, then KNUFNS/KR/KPNLF/FUNCINPEC 1978-1998."""
    k = acd[acd["conflict_id"] == 300].set_index("year")
    assert (k["start_date"] == pd.Timestamp("1967-04-30")).all()
    assert set(k["start_date2"]) == {pd.Timestamp("1967-05-31"), pd.Timestamp("1978-12-30")}
    assert (k.loc[1967:1975, "start_date2"] == pd.Timestamp("1967-05-31")).all()
    assert (k.loc[1978:1998, "start_date2"] == pd.Timestamp("1978-12-30")).all()
    ends = k.loc[k["ep_end"] == 1, "ep_end_date"]
    assert list(ends.index) == [1975, 1998]
    assert list(ends) == [pd.Timestamp("1975-04-17"), pd.Timestamp("1998-10-03")]  # fall of Phnom Penh
    assert k["ep_end_date"].isna().sum() == len(k) - 2
    assert every(k["gwno_loc"], [811])


def test_acd_usa_al_qaida(acd):
    aq = acd[acd["side_b"] == "al-Qaida"]
    assert set(aq["conflict_id"]) == {418}
    assert aq["year"].min() == 2001
    assert every(aq["gwno_a"], [2])
    assert (aq["type_of_conflict"] == 4).any()  # internationalized intrastate in some years


def test_acd_newline_inside_quotes(acd, acd_raw):
    raw = acd_raw.loc[acd_raw["conflict_id"] == "11349", "territory_name"]
    assert list(raw) == ["East Turkestan\n"]  # as in the UCDP original
    assert list(acd.loc[acd["conflict_id"] == 11349, "territory_name"]) == ["East Turkestan"]
    assert acd["territory_name"].isna().sum() == (acd_raw["territory_name"] == "").sum()


def test_acd_through_the_registry_dispatch(acd):
    df = sources.load("ucdp_acd")
    assert df.shape == acd.shape
    assert "UCDP/PRIO Armed Conflict" in sources.loader_doc("ucdp_acd")




def test_acd_missing_column_is_named(damaged_copy):
    def rename_year(rows):
        rows[0] = ["yr" if h == "year" else h for h in rows[0]]
        return rows

    path = damaged_copy("ucdp_acd", lambda p: _rewrite_csv(p, rename_year))
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['year'\]"):
        ucdp_acd.load(path=path)


def test_acd_text_in_year_names_column_and_row(damaged_copy):
    def text_year(rows):
        j = rows[0].index("year")
        rows[5][j] = "19x7"  # data row 5
        return rows

    path = damaged_copy("ucdp_acd", lambda p: _rewrite_csv(p, text_year))
    with pytest.raises(SchemaError, match=r"column 'year', row 5: value '19x7'") as info:
        ucdp_acd.load(path=path)
    assert not isinstance(info.value, DuplicateKeyError)
    assert str(path) in str(info.value)


def test_acd_bad_code_list_is_named(damaged_copy):
    def semicolon(rows):
        j = rows[0].index("gwno_loc")
        rows[3][j] = "750; 770"
        return rows

    path = damaged_copy("ucdp_acd", lambda p: _rewrite_csv(p, semicolon))
    with pytest.raises(SchemaError, match=r"column 'gwno_loc', row 3: value '750; 770'"):
        ucdp_acd.load(path=path)


def test_acd_duplicated_key(damaged_copy):
    path = damaged_copy("ucdp_acd", lambda p: _rewrite_csv(p, lambda rows: rows + [rows[10]]))
    with pytest.raises(DuplicateKeyError, match="multiple_fields_uniqueness"):
        ucdp_acd.load(path=path)


@pytest.mark.parametrize("content", ["", "conflict_id,location,year\n"])
def test_acd_empty_file(damaged_copy, content):
    path = damaged_copy("ucdp_acd", lambda p: p.write_text(content))
    with pytest.raises(EmptyFileError):
        ucdp_acd.load(path=path)


# ------------------------------------------------------------ Conflict Termination 3-2021
@pytest.fixture(scope="module")
def term_conflict(mirror) -> pd.DataFrame:
    return ucdp_termination.load_conflict()


@pytest.fixture(scope="module")
def term_dyad(mirror) -> pd.DataFrame:
    return ucdp_termination.load_dyad()


def test_termination_conflict_rows_and_outcomes(term_conflict, mirror):
    header, rows = xlsx_records(raw_path(mirror, "ucdp_term_conflict"))
    assert len(term_conflict) == len(rows) == 2506
    assert term_conflict["year"].agg(["min", "max"]).tolist() == [1946, 2020]
    assert not term_conflict.duplicated(["conflict_id", "year"]).any()
    j = header.index("outcome")
    raw_counts = pd.Series([r[j] for r in rows if r[j] is not None]).astype(int).value_counts().to_dict()
    assert raw_counts == {5: 208, 3: 110, 2: 69, 1: 68, 4: 48, 6: 22}
    assert term_conflict["outcome"].value_counts().to_dict() == raw_counts
    # every terminal year has an outcome, no other year has one
    assert ((term_conflict["confterm"] == 1) == term_conflict["outcome"].notna()).all()


def test_termination_types_and_labels(term_conflict):
    assert term_conflict["outcome"].dtype == "Int64"
    for col in ("ependdate", "start_date", "start_date2"):
        assert term_conflict[col].dtype == "datetime64[ns]", col
    lab = term_conflict["outcome_label"]
    assert isinstance(lab.dtype, pd.CategoricalDtype) and lab.dtype.ordered
    assert list(lab.cat.categories) == [
        "peace agreement", "ceasefire", "government victory",
        "rebel victory", "low activity", "actor ceases to exist",
    ]  # fmt: skip
    pairs = term_conflict.dropna(subset=["outcome"])[["outcome", "outcome_label"]].drop_duplicates()
    assert dict(zip(pairs["outcome"], pairs["outcome_label"].astype(str))) == ucdp_termination.OUTCOMES
    assert lab.isna().sum() == term_conflict["outcome"].isna().sum() == 1981


def test_termination_cambodia(term_conflict):
    """1975: the Khmer Rouge take Phnom Penh (rebel victory); 1998: the KR collapse."""
    k = term_conflict[(term_conflict["conflict_id"] == 300) & (term_conflict["confterm"] == 1)]
    assert list(k["year"]) == [1975, 1998]
    assert list(k["conflictep_id"]) == [30001, 30002]
    assert list(k["outcome_label"].astype(str)) == ["rebel victory", "government victory"]
    assert list(k["ependdate"]) == [pd.Timestamp("1975-04-17"), pd.Timestamp("1998-10-24")]
    bolivia = term_conflict[term_conflict["conflict_id"] == 200]
    assert every(bolivia["side_a_id"], [23])
    assert every(bolivia["gwno_loc"], [145])


def test_termination_dyad_rows_and_rebuilt_episode_ids(term_dyad, mirror):
    header, rows = xlsx_records(raw_path(mirror, "ucdp_term_dyad"))
    assert len(term_dyad) == len(rows) == 3140
    assert not term_dyad.duplicated(["dyad_id", "year"]).any()
    published = pd.Series([r[header.index("dyadep_id")] for r in rows], dtype="float64")
    # the workbook rounds five-digit dyads' episode ids: dyad 11018, episode 3
    i = term_dyad.index[(term_dyad["dyad_id"] == 11018) & (term_dyad["dyadepisode"] == 3)][0]
    assert published[i] == 1_100_000
    assert term_dyad.at[i, "dyadep_id"] == 1_101_803
    assert (published != term_dyad["dyadep_id"]).sum() == 366
    assert (term_dyad.loc[term_dyad["dyad_id"] < 10_000, "dyadep_id"] == published[term_dyad["dyad_id"] < 10_000]).all()
    # one id per (dyad, episode) and back
    pairs = term_dyad[["dyadep_id", "dyad_id", "dyadepisode"]].drop_duplicates()
    assert pairs["dyadep_id"].is_unique
    assert term_dyad["dyadep_id"].dtype == "int64"


def test_termination_dyad_dates(term_dyad, mirror):
    header, rows = xlsx_records(raw_path(mirror, "ucdp_term_dyad"))
    j = header.index("ependdate")
    dots = sum(1 for r in rows if r[j] == ".")
    assert dots == 18
    for col in ("ependdate", "cfiredate", "peagdate"):
        assert term_dyad[col].dtype == "datetime64[ns]", col
    assert term_dyad["ependdate"].notna().sum() == sum(1 for r in rows if hasattr(r[j], "year")) == 854
    r = term_dyad.query("dyad_id == 469 and year == 1995").iloc[0]
    assert r["cfiredate"] == pd.Timestamp("1995-12-23")
    assert r["cfiredate_text"] == "1995-12-23 (unilateral); 1996-12-04 (bilateral)"
    assert term_dyad["cfiredate_text"].notna().sum() == 3
    assert term_dyad["dyadterm"].isna().sum() == 64
    assert set(term_dyad.loc[term_dyad["dyadterm"].isna(), "year"]) == {2020}


def test_termination_dispatch_by_key(term_conflict, term_dyad):
    assert len(sources.load("ucdp_term_conflict")) == len(term_conflict)
    assert len(sources.load("ucdp_term_dyad")) == len(term_dyad)
    assert len(ucdp_termination.load(level="dyad")) == 3140
    with pytest.raises(ValueError, match="level"):
        ucdp_termination.load(level="episode")
    assert "Conflict Termination" in sources.loader_doc("ucdp_term_dyad")






def test_termination_xlsx_missing_column(damaged_copy):
    def rename(ws):
        ws.cell(1, _col(ws, "outcome")).value = "Outcome"

    path = damaged_copy("ucdp_term_conflict", lambda p: _edit_xlsx(p, rename))
    with pytest.raises(SchemaError, match=r"\['outcome'\]: 'outcome' \(found 'Outcome' instead\?\)"):
        ucdp_termination.load_conflict(path=path)


def test_termination_xlsx_text_in_year(damaged_copy):
    def text(ws):
        ws.cell(8, _col(ws, "year")).value = "nineteen"  # sheet row 8 = data row 7

    path = damaged_copy("ucdp_term_dyad", lambda p: _edit_xlsx(p, text))
    with pytest.raises(SchemaError, match=r"column 'year', row 7: value 'nineteen'"):
        ucdp_termination.load_dyad(path=path)


def test_termination_xlsx_duplicated_key(damaged_copy):
    def dup(ws):
        ws.append([c.value for c in ws[2]])

    path = damaged_copy("ucdp_term_conflict", lambda p: _edit_xlsx(p, dup))
    with pytest.raises(DuplicateKeyError):
        ucdp_termination.load_conflict(path=path)


def test_termination_xlsx_empty(damaged_copy):
    path = damaged_copy("ucdp_term_dyad", lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError):
        ucdp_termination.load_dyad(path=path)


# ------------------------------------------------------------- Peace Agreements 22.1
@pytest.fixture(scope="module")
def pa(mirror) -> pd.DataFrame:
    return ucdp_peace_agreements.load()


@pytest.fixture(scope="module")
def pa_raw(mirror) -> pd.DataFrame:
    return pd.read_excel(raw_path(mirror, "ucdp_peace_agreements"), sheet_name="Dataset")


def test_pa_rows_key_and_years(pa, pa_raw):
    assert len(pa) == len(pa_raw) == 374
    assert pa["paid"].is_unique
    assert pa["year"].agg(["min", "max"]).tolist() == [1975, 2021]
    assert pa["pa_date"].dtype == "datetime64[ns]" and pa["duration"].dtype == "datetime64[ns]"
    assert (pa["pa_date"].dt.year == pa["year"]).all()
    assert list(pa["paid"]) == list(pa_raw["paid"])


def test_pa_names_are_identifiers_and_documented(pa, pa_raw):
    assert len(pa.columns) == len(pa_raw.columns) == 67
    for c in pa.columns:
        assert c.isidentifier() and not keyword.iskeyword(c) and c == c.lower(), c
    assert {"ref", "return_", "proc_id"} <= set(pa.columns)
    assert {"ref ", "return ", "procID"} <= set(pa_raw.columns)
    doc = ucdp_peace_agreements.__doc__
    undocumented = [c for c in pa.columns if f"``{c}``" not in doc]
    assert undocumented == []


def test_pa_provisions_match_the_raw_file(pa, pa_raw):
    renamed = {"ref": "ref ", "return_": "return "}
    for p in ucdp_peace_agreements.PROVISIONS:
        assert pa[p].dtype == "int64", p
        assert pa[p].sum() == pa_raw[renamed.get(p, p)].sum(), p
    assert pa[["pko", "ddr", "intarmy", "withd", "cease"]].sum().to_dict() == {
        "pko": 50, "ddr": 121, "intarmy": 92, "withd": 34, "cease": 176,
    }  # fmt: skip


def test_pa_paris_agreement_cambodia(pa):
    """The 1991 Paris Agreements ended the Cambodian war and created UNTAC."""
    r = pa.set_index("paid").loc[1113]
    assert r["pa_name"] == "The Paris Agreement"
    assert r["pa_date"] == pd.Timestamp("1991-10-23")
    assert r["gwno"] == [811] and r["conflict_id"] == [300]
    assert r["dyad_id"] == [647, 646, 644]
    assert r["incompatibility"] == [2]
    assert (r["pko"], r["ddr"], r["intarmy"], r["withd"], r["cease"]) == (1, 1, 1, 1, 1)
    assert r["pa_type"] == 1  # full agreement
    assert r["pa_3rd"].startswith("UN Secretary-General")


def test_pa_lists_missing_codes_and_booleans(pa, pa_raw):
    assert pa["termdur"].dtype == "Int64"
    assert pa["termdur"].isna().sum() == (pa_raw["termdur"] == -99).sum() == 21
    assert pa["ended"].dtype == "boolean"
    assert pa["ended"].value_counts(dropna=False).to_dict() == {pd.NA: 238, True: 134, False: 2}
    assert (pa["no_dyad"] == pa["dyad_id"].map(len)).all()
    assert (pa["conflict_id"].map(len) > 1).sum() == 6
    assert pa["incompatibility"].map(tuple).isin([(1, 2), (2, 1)]).sum() == 4
    total_codes = pa_raw["actor_id"].astype(str).str.count(r"\d+").sum()
    assert pa["actor_id"].map(len).sum() == total_codes


def test_pa_missing_column_and_duplicate_key(damaged_copy):
    def drop_pko(ws):
        ws.cell(1, _col(ws, "pko")).value = "peacekeeping"

    path = damaged_copy("ucdp_peace_agreements", lambda p: _edit_xlsx(p, drop_pko))
    with pytest.raises(SchemaError, match=r"\['pko'\]"):
        ucdp_peace_agreements.load(path=path)


def test_pa_duplicated_paid(damaged_copy):
    def dup(ws):
        ws.cell(3, _col(ws, "paid")).value = ws.cell(2, _col(ws, "paid")).value

    path = damaged_copy("ucdp_peace_agreements", lambda p: _edit_xlsx(p, dup))
    with pytest.raises(DuplicateKeyError, match="'paid'"):
        ucdp_peace_agreements.load(path=path)


def test_pa_bad_provision_value(damaged_copy):
    def two(ws):
        ws.cell(4, _col(ws, "ddr")).value = 2

    path = damaged_copy("ucdp_peace_agreements", lambda p: _edit_xlsx(p, two))
    with pytest.raises(SchemaError, match=r"column 'ddr', row 3: value 2"):
        ucdp_peace_agreements.load(path=path)

