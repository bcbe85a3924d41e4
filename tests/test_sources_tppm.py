"""Mullenbach TPPM 3.1 on the real file: rows, codes, dates and precision, corrections, slip checks.

Expected numbers come from the workbook read directly with xlrd (independent of the loader's
pandas reader) or are public facts (UNTAC in Cambodia, 28 February 1992 - 24 September 1993).
xlrd cannot write workbooks and xlwt is not installed, so damaged inputs are a truncated or
non-xls file for the reader, and damaged raw frames for the validation and parsing steps.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import xlrd

from peacestats import registry, sources
from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import mullenbach_tppm as tppm
from peacestats.sources._base import read, validate
from damage import raw_path  # noqa: E402

KEY = "mullenbach_tppm"


@pytest.fixture(scope="module")
def sheet(mirror) -> pd.DataFrame:
    """The first sheet via xlrd, header row as column names."""
    ws = xlrd.open_workbook(str(raw_path(mirror, KEY))).sheet_by_index(0)
    rows = [ws.row_values(i) for i in range(ws.nrows)]
    return pd.DataFrame(rows[1:], columns=rows[0]).replace("", None)


@pytest.fixture(scope="module")
def raw(mirror) -> pd.DataFrame:
    return read(KEY, raw_path(mirror, KEY))


@pytest.fixture(scope="module")
def published(mirror) -> pd.DataFrame:
    return tppm.load(corrected=False)


@pytest.fixture(scope="module")
def tp(mirror) -> pd.DataFrame:
    return sources.load(KEY)


@pytest.fixture(scope="module")
def findings(published) -> pd.DataFrame:
    return tppm.check(published)


def _row(df, obsnum):
    return df.loc[df["obsnum"] == obsnum].iloc[0]


# ---------------------------------------------------------------- shape, key, types
def test_rows_key_and_columns(tp, published, sheet):
    assert len(tp) == len(published) == len(sheet) == 215
    assert tp["obsnum"].is_unique and tp["obsnum"].tolist() == list(range(1, 216))
    assert list(published.columns) == tppm.ORDER
    assert list(tp.columns) == tppm.ORDER + ["corrections"]
    for col in ("ccode", "lead_ccode", "personnel1", "personnel2", "n_states", "fatalities1"):
        assert tp[col].dtype == "Int64", col
    assert tp["un_mandate"].dtype == bool and tp["ongoing"].dtype == bool
    assert tp["start_date"].dtype == "datetime64[ns]"


def test_organization_types(tp, sheet):
    assert tp["organization_type"].value_counts().to_dict() == {2: 93, 1: 72, 3: 50}
    assert tp["organization_kind"].value_counts().to_dict() == {"regional": 93, "UN": 72, "ad hoc": 50}
    assert (tp["organization_type"].tolist() == sheet["TPTYPE"].astype(int).tolist())


def test_values_match_the_workbook(published, sheet):
    assert published["ccode"].tolist() == sheet["CCODE1"].astype(int).tolist()
    assert published["personnel1"].isna().sum() == sheet["PKMNUM1"].isna().sum() == 6
    assert published["personnel2"].isna().sum() == sheet["PKMNUM2"].isna().sum() == 137
    assert published["mediate1"].sum() == (sheet["MEDIATE1"] == 1).sum() == 154
    assert published["mediate2"].sum() == (sheet["MEDIATE2"] == 1).sum() == 31
    assert published["un_mandate"].sum() == 110
    assert published["mission_name"].tolist() == sheet["PKMNAME (location)"].str.strip().tolist()


def test_untac_row(tp):
    r = _row(tp, 23)
    assert (r["state"], r["ccode"], r["acronym"]) == ("Cambodia", 811, "UNTAC")
    assert (r["start_date"], r["end_date"]) == (pd.Timestamp("1992-02-28"), pd.Timestamp("1993-09-24"))
    assert r["start_precision"] == r["end_precision"] == "day"
    assert r["personnel1"] == 19350
    assert r["organization_kind"] == "UN" and r["un_mandate"]
    assert r["un_resolution"] == "UNSC Res. 745 (February 28, 1992)"
    assert r["corrections"] == ""


def test_acronyms(tp):
    acr = tp.set_index("obsnum")["acronym"]
    assert acr[11] == "ISAF - Afghanistan"
    assert acr[184] == "OMIC I"  # the mission's, not the organization's "(OAU)"
    assert pd.isna(acr[20])  # "(Papua New Guinea)" is a place
    assert acr.notna().sum() == 189


# ---------------------------------------------------------------- dates and precision
def test_ongoing_rows_have_no_end_date(tp, sheet):
    assert tp["ongoing"].sum() == (sheet["ONGOING"] == 1).sum() == 29
    assert tp.loc[tp["ongoing"], "end_date"].isna().all()
    assert tp.loc[tp["ongoing"], "end_precision"].isna().all()
    assert tp.loc[~tp["ongoing"], "end_date"].notna().all()
    assert (tp.loc[~tp["ongoing"], "end_date"] >= tp.loc[~tp["ongoing"], "start_date"]).all()


def test_precision_is_lowered_never_guessed():
    frame = pd.DataFrame({"y": [1992, 1992, 1992, None], "m": [2, 2, 0, None], "d": [28, 0, 5, None]})
    dates, prec = tppm.dates_with_precision(frame, "y", "m", "d")
    assert prec.tolist()[:3] == ["day", "month", "year"] and pd.isna(prec[3])
    assert dates.tolist()[:3] == [pd.Timestamp("1992-02-28"), pd.Timestamp("1992-02-01"), pd.Timestamp("1992-01-01")]
    assert pd.isna(dates[3])
    assert tppm.period_end(dates, prec).tolist()[:3] == [
        pd.Timestamp("1992-02-28"), pd.Timestamp("1992-02-29"), pd.Timestamp("1992-12-31")]  # fmt: skip


def test_every_published_date_is_complete(tp):
    assert (tp["start_precision"] == "day").all()
    assert (tp.loc[~tp["ongoing"], "end_precision"] == "day").all()


# ---------------------------------------------------------------- corrections and checks
def test_every_correction_is_applied_and_its_published_value_verified(tp, published, sheet):
    corr = tppm.corrections()
    assert len(corr) == 9 and corr["source"].str.len().gt(0).all()
    by_obs = sheet.set_index(sheet["OBSNUM"].astype(int))
    for c in corr.itertuples():
        obs = int(c.obsnum)
        assert str(int(by_obs.at[obs, "CCODE1"])) == c.published  # the file's own value
        assert _row(published, obs)[c.column] == int(c.published)
        assert _row(tp, obs)[c.column] == int(c.corrected)
        assert f"{c.column}: {c.published} -> {c.corrected}" in _row(tp, obs)["corrections"]
    changed = tp["corrections"] != ""
    assert set(tp.loc[changed, "obsnum"]) == set(corr["obsnum"].astype(int))
    assert tp.loc[~changed].drop(columns="corrections").equals(published.loc[~changed])


def test_correction_of_a_changed_file_raises(published):
    changed = published.copy()
    changed.loc[changed["obsnum"] == 210, "ccode"] = 42
    with pytest.raises(SchemaError, match=r"'ccode', obsnum 210 .*published value '93'.*file changed"):
        tppm.apply_corrections(changed, "changed.xls")


def test_check_finds_the_haiti_slip_before_and_not_after_correction(findings, tp):
    haiti = findings[(findings["obsnum"] == 210) & (findings["column"] == "ccode")]
    assert len(haiti) == 1
    assert haiti.iloc[0]["value"] == 93 and "Nicaragua" in haiti.iloc[0]["problem"]
    assert "41 (Haiti)" in haiti.iloc[0]["suggestion"]
    assert 210 not in set(tppm.check(tp)["obsnum"])


def test_check_finds_every_host_code_slip(findings, tp):
    slips = findings[findings["column"].eq("ccode") & ~findings["problem"].str.startswith("convention")]
    by_obs = dict(zip(slips["obsnum"], slips["value"]))
    assert by_obs == {28: 851, 29: 851, 30: 851, 41: 941, 50: 339, 84: 343, 85: 343,
                      94: 840, 95: 840, 96: 840, 97: 840, 210: 93}  # fmt: skip
    assert "960" not in " ".join(slips["suggestion"]) and "860 (East Timor)" in _row(slips, 28)["suggestion"]
    assert "955 (Tonga)" in _row(slips, 41)["suggestion"]
    assert "645 (Iraq)" in _row(slips, 94)["suggestion"]
    after = tppm.check(tp)
    assert set(after["obsnum"]).isdisjoint({28, 29, 30, 41, 94, 95, 96, 97, 210})
    assert len(after) == len(findings) - 9
    assert list(findings.columns) == ["obsnum", "column", "value", "problem", "suggestion"]


def test_check_reports_colonial_rows_as_the_convention(findings):
    conv = findings[findings["problem"].str.startswith("convention, not a slip")]
    assert set(conv["obsnum"]) == {1, 2, 3, 4, 5, 25, 26, 27, 45, 48, 49, 51, 52, 53, 54, 61, 114, 127}
    cambodia = _row(conv, 4)["problem"]
    assert "220 (France), the state party to the dispute" in cambodia and "Cambodia (COW 811" in cambodia


def test_check_dates_on_a_damaged_frame(tp):
    bad = tp.copy()
    i = bad.index[bad["obsnum"] == 23][0]
    bad.loc[i, "duration_months"] = 40
    bad.loc[i, "ongoing"] = True
    j = bad.index[bad["obsnum"] == 22][0]
    bad.loc[j, "end_date"] = pd.Timestamp("1990-01-01")
    found = tppm.check(bad)
    mine = found[found["obsnum"] == 23].set_index("column")
    assert "span 18.9 months" in mine.at["duration_months", "problem"]
    assert "ongoing does not agree" in mine.at["ongoing", "problem"]
    assert found.loc[found["obsnum"] == 22, "problem"].tolist()[0] == "the mission ends before it starts"
    assert set(found["obsnum"]) - set(tppm.check(tp)["obsnum"]) == {22, 23}


def test_lead_state_spelling_is_reported(findings):
    lead = findings[findings["column"] == "lead_state"]
    assert lead["obsnum"].tolist() == [7] and "Australia" in lead.iloc[0]["suggestion"]


# ---------------------------------------------------------------- bad input
def _copy(mirror, tmp_path, damage):
    dst = tmp_path / registry.get(KEY).file
    shutil.copyfile(raw_path(mirror, KEY), dst)
    damage(dst)
    return dst


def test_empty_file(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(b""))
    with pytest.raises(EmptyFileError, match="Third-Party-PKMs-version-3.1.xls is empty"):
        tppm.load(path=path)


def test_truncated_file(mirror, tmp_path):
    path = _copy(mirror, tmp_path, lambda p: p.write_bytes(p.read_bytes()[: 119808 // 2]))
    with pytest.raises(SchemaError, match=r"cannot read .*Third-Party-PKMs-version-3.1.xls as xls"):
        tppm.load(path=path)


def test_csv_renamed_xls(tmp_path, raw):
    path = tmp_path / "Third-Party-PKMs-version-3.1.xls"
    raw.to_csv(path, index=False)
    with pytest.raises(SchemaError, match=r"cannot read .* as xls"):
        tppm.load(path=path)


def test_missing_column(raw):
    with pytest.raises(SchemaError, match=r"damaged.xls lacks documented column\(s\) \['CCODE1'\]"):
        validate(raw.drop(columns="CCODE1"), tppm.SCHEMA, KEY, "damaged.xls")


def test_non_numeric_code_names_column_and_row(raw):
    bad = raw.astype({"CCODE1": object})
    bad.loc[209, "CCODE1"] = "Haiti"
    with pytest.raises(SchemaError, match=r"column 'CCODE1', row 210: value 'Haiti' is not a number"):
        validate(bad, tppm.SCHEMA, KEY, "damaged.xls")


def test_duplicate_obsnum(raw):
    bad = raw.copy()
    bad.loc[1, "OBSNUM"] = 1
    with pytest.raises(DuplicateKeyError, match="OBSNUM"):
        validate(bad, tppm.SCHEMA, KEY, "damaged.xls")


def test_end_before_start_names_the_row(raw):
    bad = raw.copy()
    bad.loc[22, "ENDYR"] = 1991  # UNTAC ends before it starts
    with pytest.raises(SchemaError, match=r"damaged.xls, columns 'ENDDAY'/'ENDMON'/'ENDYR', row 23 \(OBSNUM 23\)"):
        tppm.tidy(validate(bad, tppm.SCHEMA, KEY, "damaged.xls"), "damaged.xls")


def test_impossible_date_names_the_row(raw):
    bad = raw.copy()
    bad.loc[22, ["STARTDAY", "STARTMON"]] = [31, 4]
    with pytest.raises(SchemaError, match=r"'STARTYR'/'STARTMON'/'STARTDAY', row 23: 1992-04-31 is not a calendar"):
        tppm.tidy(validate(bad, tppm.SCHEMA, KEY, "damaged.xls"), "damaged.xls")


def test_ongoing_with_an_end_date_names_the_row(raw):
    bad = raw.copy()
    bad.loc[22, "ONGOING"] = 1
    msg = r"column 'ONGOING', row 23 \(OBSNUM 23\): ONGOING is 1 but the row has an end"
    with pytest.raises(SchemaError, match=msg):
        tppm.tidy(validate(bad, tppm.SCHEMA, KEY, "damaged.xls"), "damaged.xls")


def test_dataset_page_documents_every_column():
    doc = sources.loader_doc(KEY)
    for col in tppm.ORDER + ["corrections"]:
        assert f"``{col}``" in doc, col
