"""Covariate sources on the real files: Polity5 (csv), Gleditsch GDP (tab), Maddison (xlsx),
CREG, HIEF and ruggedness (rda).

Known values are checked independently of the loaders: csv and tab files are read with the
csv module, the Maddison workbook with openpyxl, and the R data files in R by
``tests/r/sources_covariates.R`` (``Rscript tests/r/sources_covariates.R`` from the repository
root), which writes ``tests/data/sources_covariates_r.json``, read through ``tests/rfixtures.py``:
CREG's counts, non-keys and 1991 rows of the USSR and Russia; HIEF's counts, duplicates and
known country-years; ruggedness's counts and five known countries.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import creg, gleditsch_gdp, hief, maddison, polity5, rugged
from damage import edit_delimited as _edit_delimited  # noqa: E402
from rfixtures import load


def _r(dataset):
    """R's facts about one R data file ("creg", "hief" or "rugged"; tests/r/sources_covariates.R)."""
    return load("sources_covariates")[dataset]


def _set(rows, r, column, value):
    rows[r][rows[0].index(column)] = value


def _rewrite_rda(name, change):
    """A damage function: read the R object ``name``, change the frame, write it back as .rda."""
    import pyreadr

    def damage(path):
        df = pyreadr.read_r(str(path))[name]
        pyreadr.write_rdata(str(path), change(df.copy()), df_name=name)

    return damage


# --- Polity5 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pol():
    return polity5.load()


def test_polity_shape_key_and_dtypes(pol):
    assert pol.shape == (17574, 37)
    assert not pol.duplicated(["ccode", "year"]).any()
    assert pol["ccode"].nunique() == 194
    assert (pol["year"].min(), pol["year"].max()) == (1776, 2020)
    # only the United States runs past 2018
    assert set(pol.loc[pol["year"] > 2018, "ccode"]) == {2}
    for c in ("ccode", "year", "cyear", "polity", "democ", "autoc", "xconst", "fragment"):
        assert pol[c].dtype == "Int64", c
    assert pol["polity2"].dtype == "float64" and pol["durable"].dtype == "float64"


def test_polity_special_codes_are_kept_raw_and_polity2_is_na(pol):
    counts = pol["polity"].value_counts()
    assert (counts[-66], counts[-77], counts[-88]) == (260, 237, 312)
    assert pol["polity2"].isna().sum() == 267
    assert pol.loc[pol["polity"] == -66, "polity2"].isna().all()
    assert (pol.loc[pol["polity"] == -77, "polity2"] == 0).all()
    assert pol["polity2"].dropna().between(-10, 10).all()
    # -88 at the edges of a series is not prorated: India 1947-1951, East Germany 1989-1990
    edge = pol[(pol["polity"] == -88) & pol["polity2"].isna()]
    assert sorted(zip(edge["ccode"], edge["year"])) == [
        (265, 1989), (265, 1990), (750, 1947), (750, 1948), (750, 1949), (750, 1950), (750, 1951)]


@pytest.mark.parametrize(
    "ccode, year, polity, polity2",
    [
        (155, 1972, 6, 6.0),      # Chile before the coup
        (155, 1973, -7, -7.0),    # Chile 1973
        (560, 1994, 9, 9.0),      # South Africa 1994
        (385, 2018, 10, 10.0),    # Norway
        (670, 2018, -10, -10.0),  # Saudi Arabia
        (2, 2018, 8, 8.0),
        (2, 2020, 5, 5.0),        # the CSP update of the United States
        (700, 2001, -66, None),   # Afghanistan 2001: interruption, no polity2
        (2, 1776, -77, 0.0),      # interregnum scores 0 in polity2
    ],
)
def test_polity_known_country_years(pol, ccode, year, polity, polity2):
    row = pol[(pol["ccode"] == ccode) & (pol["year"] == year)]
    assert len(row) == 1
    assert row["polity"].iloc[0] == polity
    if polity2 is None:
        assert pd.isna(row["polity2"].iloc[0])
    else:
        assert row["polity2"].iloc[0] == polity2


def test_polity_equals_the_raw_csv(pol, mirror):
    """polity, polity2 and durable of every row equal the csv's text (read with the csv module)."""
    with open(mirror / "polity5" / "p5v2018.csv", newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    assert len(raw) == len(pol)
    for row, r in zip(pol.itertuples(index=False), raw):
        assert (row.ccode, row.year, row.polity) == (int(r["ccode"]), int(r["year"]), int(r["polity"]))
        for col in ("polity2", "durable"):
            got = getattr(row, col)
            assert (math.isnan(got) and r[col] == "") or got == float(r[col]), (row.ccode, row.year, col)


def test_polity_transition_years_appear_under_both_codes(pol):
    """The documented overlaps: a harmonizer mapping Polity codes to COW must resolve them."""
    years = lambda c: set(pol.loc[pol["ccode"] == c, "year"])  # noqa: E731
    assert years(345) & years(347) == {1991}
    assert years(529) & years(530) == {1993}
    assert years(625) & years(626) == {2011}
    assert years(816) & years(818) == {1976}
    assert years(347) & years(342) == {2006}
    assert pol.loc[pol["ccode"] == 626, "country"].unique().tolist() == ["Sudan-North"]


def test_polity_text_in_year_names_column_and_row(damaged_copy):
    path = damaged_copy("polity5", lambda p: _edit_delimited(p, lambda rows: _set(rows, 10, "year", "18O9")))
    with pytest.raises(SchemaError, match=r"column 'year', row 10: value '18O9'"):
        polity5.load(path=path)


def test_polity_unknown_score_names_column_and_row(damaged_copy):
    path = damaged_copy("polity5", lambda p: _edit_delimited(p, lambda rows: _set(rows, 3, "polity", "55")))
    with pytest.raises(SchemaError, match=r"column 'polity', row 3: value 55"):
        polity5.load(path=path)


def test_polity_inconsistent_cyear(damaged_copy):
    path = damaged_copy("polity5", lambda p: _edit_delimited(p, lambda rows: _set(rows, 7, "cyear", "7001899")))
    with pytest.raises(SchemaError, match=r"column 'cyear', row 7: 7001899 is not ccode \* 10000 \+ year"):
        polity5.load(path=path)


def test_polity_renamed_column(damaged_copy):
    path = damaged_copy("polity5", lambda p: _edit_delimited(p, lambda rows: _set(rows, 0, "polity2", "Polity2")))
    with pytest.raises(SchemaError, match=r"\['polity2'\]: 'polity2' \(found 'Polity2' instead\?\)"):
        polity5.load(path=path)


def test_polity_duplicated_country_year(damaged_copy):
    path = damaged_copy("polity5", lambda p: _edit_delimited(p, lambda rows: rows.insert(3, list(rows[1]))))
    with pytest.raises(DuplicateKeyError, match=r"row 1.*\n.*row 3"):
        polity5.load(path=path)


def test_polity_empty_file(damaged_copy):
    with pytest.raises(EmptyFileError, match=r"p5v2018\.csv is empty"):
        polity5.load(path=damaged_copy("polity5", lambda p: p.write_bytes(b"")))


# --- Gleditsch GDP ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gdp():
    return gleditsch_gdp.load()


def _gdp_raw(mirror):
    with open(mirror / "gleditsch_gdp" / "gdpv6.txt", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_gdp_shape_key_and_dtypes(gdp):
    assert list(gdp.columns) == ["gwcode", "stateid", "year", "pop", "realgdp", "rgdppc", "cgdppc", "origin"]
    assert len(gdp) == 9627
    assert gdp["gwcode"].nunique() == 204
    assert (gdp["year"].min(), gdp["year"].max()) == (1950, 2011)
    assert not gdp.duplicated(["gwcode", "year"]).any()
    assert gdp["gwcode"].dtype == "Int64" and gdp["year"].dtype == "Int64" and gdp["origin"].dtype == "Int64"
    assert gdp["pop"].dtype == "float64"
    assert gdp["origin"].value_counts().to_dict() == {0: 7687, -2: 742, 3: 622, -1: 415, 1: 161}


def test_gdp_population_read_directly_from_the_file(gdp, mirror):
    raw = _gdp_raw(mirror)
    usa2000 = [r for r in raw if r["statenum"] == "2" and r["year"] == "2000"]
    assert len(usa2000) == 1 and usa2000[0]["pop"] == "282496.31"
    row = gdp[(gdp["gwcode"] == 2) & (gdp["year"] == 2000)].iloc[0]
    assert row["pop"] == 282496.31  # thousands: 282.5 million people
    assert (row["stateid"], row["realgdp"], row["origin"]) == ("USA", 11275426.0, 0)
    # every row, every number
    assert len(raw) == len(gdp)
    for got, r in zip(gdp.itertuples(index=False), raw):
        assert (got.gwcode, got.year, got.stateid) == (int(r["statenum"]), int(r["year"]), r["stateid"])
        assert (got.pop, got.realgdp, got.rgdppc, got.cgdppc) == tuple(
            float(r[c]) for c in ("pop", "realgdp", "rgdppc", "cgdppc"))


def _gdp_damage(edit):
    return lambda p: _edit_delimited(p, edit, delimiter="\t", lineterminator="\r\n")


def test_gdp_renamed_column(damaged_copy):
    path = damaged_copy("gleditsch_gdp", _gdp_damage(lambda rows: _set(rows, 0, "statenum", "gwno")))
    with pytest.raises(SchemaError, match=r"gdpv6\.txt lacks documented column\(s\) \['statenum'\]"):
        gleditsch_gdp.load(path=path)


def test_gdp_text_in_year(damaged_copy):
    path = damaged_copy("gleditsch_gdp", _gdp_damage(lambda rows: _set(rows, 62, "year", "2011a")))
    with pytest.raises(SchemaError, match=r"column 'year', row 62: value '2011a'"):
        gleditsch_gdp.load(path=path)


def test_gdp_unknown_origin_code(damaged_copy):
    path = damaged_copy("gleditsch_gdp", _gdp_damage(lambda rows: _set(rows, 4, "origin", "7")))
    with pytest.raises(SchemaError, match=r"column 'origin', row 4: value 7"):
        gleditsch_gdp.load(path=path)


def test_gdp_duplicated_state_year(damaged_copy):
    path = damaged_copy("gleditsch_gdp", _gdp_damage(lambda rows: rows.append(list(rows[50]))))
    with pytest.raises(DuplicateKeyError, match=r"row 9628"):
        gleditsch_gdp.load(path=path)


def test_gdp_header_only_file(damaged_copy):
    path = damaged_copy("gleditsch_gdp", _gdp_damage(lambda rows: rows.__delitem__(slice(1, None))))
    with pytest.raises(EmptyFileError, match=r"gdpv6\.txt has a header but no data rows"):
        gleditsch_gdp.load(path=path)


# --- Maddison -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mpd():
    return maddison.load()


def test_maddison_shape_key_and_dtypes(mpd):
    assert list(mpd.columns) == ["iso3", "country", "year", "cgdppc", "rgdpnapc", "pop", "i_cig", "i_bm"]
    assert len(mpd) == 19873
    assert mpd["iso3"].nunique() == 169
    assert (mpd["year"].min(), mpd["year"].max()) == (1, 2016)
    assert not mpd.duplicated(["iso3", "year"]).any()
    assert mpd["year"].dtype == "Int64" and mpd["cgdppc"].dtype == "float64"
    assert mpd["i_cig"].value_counts().to_dict() == {"Extrapolated": 10318, "Interpolated": 6032, "Benchmark": 1364}
    assert mpd["i_cig"].isna().sum() == 2159
    # benchmark type only on benchmark observations
    assert (mpd.loc[mpd["i_bm"].notna(), "i_cig"] == "Benchmark").all()
    # every country every year 1950-2016
    assert (mpd[mpd["year"] >= 1950].groupby("iso3").size() == 67).all()
    assert {"CSK", "SUN", "YUG"} <= set(mpd["iso3"])


def test_maddison_equals_the_workbook_read_with_openpyxl(mpd, mirror):
    import openpyxl

    wb = openpyxl.load_workbook(mirror / "maddison" / "mpd2018.xlsx", read_only=True)
    try:
        rows = wb["Full data"].iter_rows(values_only=True)
        header = next(rows)
        assert header[:8] == ("countrycode", "country", "year", "cgdppc", "rgdpnapc", "pop", "i_cig", "i_bm")
        raw = {(r[0], r[2]): r for r in rows if r[0] is not None}
    finally:
        wb.close()
    assert len(raw) == len(mpd)
    usa = raw[("USA", 2016)]
    assert usa[3:6] == (53015, 53015, 324656)
    row = mpd[(mpd["iso3"] == "USA") & (mpd["year"] == 2016)].iloc[0]
    assert (row["cgdppc"], row["rgdpnapc"], row["pop"], row["i_cig"]) == (53015.0, 53015.0, 324656.0, "Extrapolated")
    num = lambda v: float("nan") if v in (None, "") else float(v)  # noqa: E731
    for got in mpd.itertuples(index=False):
        r = raw[(got.iso3, got.year)]
        for value, expected in zip((got.cgdppc, got.rgdpnapc, got.pop), r[3:6]):
            assert (math.isnan(value) and math.isnan(num(expected))) or value == num(expected), (got.iso3, got.year)


def _mpd_workbook(change, nrows=40):
    """A damage function: rewrite the workbook with the first ``nrows`` rows of "Full data", changed."""

    def damage(path):
        df = pd.read_excel(path, sheet_name="Full data", nrows=nrows)
        df = change(df)
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            df.to_excel(xw, sheet_name="Full data", index=False)

    return damage


def test_maddison_loads_a_changed_copy(damaged_copy):
    """The damage helper itself keeps a valid file when nothing is changed."""
    df = maddison.load(path=damaged_copy("maddison", _mpd_workbook(lambda d: d)))
    assert len(df) == 40 and df["iso3"].iloc[0] == "AFG"


def test_maddison_renamed_column(damaged_copy):
    path = damaged_copy("maddison", _mpd_workbook(lambda d: d.rename(columns={"countrycode": "iso"})))
    with pytest.raises(SchemaError, match=r"mpd2018\.xlsx lacks documented column\(s\) \['countrycode'\]"):
        maddison.load(path=path)


def test_maddison_text_in_year(damaged_copy):
    def text(d):
        d["year"] = d["year"].astype(object)
        d.loc[11, "year"] = "c. 1960"
        return d

    with pytest.raises(SchemaError, match=r"column 'year', row 12: value 'c\. 1960'"):
        maddison.load(path=damaged_copy("maddison", _mpd_workbook(text)))


def test_maddison_unknown_label(damaged_copy):
    def label(d):
        d.loc[4, "i_cig"] = "Guessed"
        return d

    with pytest.raises(SchemaError, match=r"column 'i_cig', row 5: value 'Guessed'"):
        maddison.load(path=damaged_copy("maddison", _mpd_workbook(label)))


def test_maddison_duplicated_country_year(damaged_copy):
    path = damaged_copy("maddison", _mpd_workbook(lambda d: pd.concat([d, d.iloc[[3]]], ignore_index=True)))
    with pytest.raises(DuplicateKeyError, match=r"row 4.*\n.*row 41"):
        maddison.load(path=path)


def test_maddison_without_the_sheet_names_the_file(damaged_copy):
    def other_sheet(path):
        pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="Sheet1", index=False)

    with pytest.raises(SchemaError, match=r"cannot read .*mpd2018\.xlsx as xlsx: .*Full data"):
        maddison.load(path=damaged_copy("maddison", other_sheet))


@pytest.mark.parametrize("kind", ["zero bytes", "header only"])
def test_maddison_empty(damaged_copy, kind):
    damage = (lambda p: p.write_bytes(b"")) if kind == "zero bytes" else _mpd_workbook(lambda d: d.head(0))
    with pytest.raises(EmptyFileError, match=r"mpd2018\.xlsx"):
        maddison.load(path=damaged_copy("maddison", damage))


# --- CREG --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cr():
    return creg.load()


def test_creg_shape_key_and_dtypes(cr):
    assert list(cr.columns) == ["ccode", "gwcode", "creg_ccode", "year", "ethfrac", "ethpol", "relfrac", "relpol"]
    r = _r("creg")
    assert len(cr) == r["n_rows"][0]  # 11523
    assert cr["creg_ccode"].nunique() == r["n_creg"][0]  # 167
    assert (cr["year"].min(), cr["year"].max()) == (r["year_min"][0], r["year_max"][0])  # 1945, 2013
    assert not cr.duplicated(["creg_ccode", "year"]).any()
    # the documented non-keys
    assert cr.duplicated(["ccode", "year"]).sum() == r["dup_ccode_year"][0]  # 138
    assert cr.duplicated(["gwcode", "year"]).sum() == r["dup_gwcode_year"][0]  # 71
    for c in ("ccode", "gwcode", "creg_ccode", "year"):
        assert cr[c].dtype == "Int64", c
    assert (cr["ethfrac"].isna().sum(), cr["relfrac"].isna().sum()) == (r["na_ethfrac"][0], r["na_relfrac"][0])


def test_creg_known_values_from_r(cr):
    """creg 2 (ethfrac 0.389138258943373, ...), 365 (the USSR, 0.690721492206118) and 393 (Russia,
    0.286356643761596, also under ccode and gwcode 365) in 1991."""
    y = cr[cr["year"] == 1991].set_index("creg_ccode")
    known = pd.DataFrame(_r("creg")["known_1991"]).set_index("creg_ccode")
    assert known.index.tolist() == [2, 365, 393]
    for code, row in known.iterrows():
        assert y.loc[code, ["ethfrac", "ethpol", "relfrac", "relpol"]].tolist() == pytest.approx(
            row[["ethfrac", "ethpol", "relfrac", "relpol"]].tolist(), rel=1e-12), code
        assert (y.loc[code, "ccode"], y.loc[code, "gwcode"]) == (row["ccode"], row["gwcode"]), code


def test_creg_renamed_column(damaged_copy):
    path = damaged_copy("creg", _rewrite_rda("creg", lambda d: d.rename(columns={"creg_ccode": "cregcode"})))
    with pytest.raises(SchemaError, match=r"lacks documented column\(s\) \['creg_ccode'\]"):
        creg.load(path=path)


def test_creg_text_in_year(damaged_copy):
    def text(d):
        d["year"] = d["year"].astype(int).astype(str)
        d.loc[99, "year"] = "1945?"
        return d

    with pytest.raises(SchemaError, match=r"column 'year', row 100: value '1945\?'"):
        creg.load(path=damaged_copy("creg", _rewrite_rda("creg", text)))


def test_creg_duplicated_key(damaged_copy):
    path = damaged_copy("creg", _rewrite_rda("creg", lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True)))
    with pytest.raises(DuplicateKeyError, match=r"row 1.*\n.*row 11524"):
        creg.load(path=path)


def test_creg_not_an_r_file(damaged_copy):
    path = damaged_copy("creg", lambda p: p.write_text("ccode,year\n2,1945\n"))
    with pytest.raises(SchemaError, match=r"cannot read .*creg\.rda as rda"):
        creg.load(path=path)


def test_creg_wrong_object(damaged_copy):
    import pyreadr

    def other(p):
        pyreadr.write_rdata(str(p), pyreadr.read_r(str(p))["creg"], df_name="creg2012")

    with pytest.raises(SchemaError, match=r"creg\.rda has no R object 'creg' \(it has \['creg2012'\]\)"):
        creg.load(path=damaged_copy("creg", other))


@pytest.mark.parametrize("kind", ["zero bytes", "no rows"])
def test_creg_empty(damaged_copy, kind):
    damage = (lambda p: p.write_bytes(b"")) if kind == "zero bytes" else _rewrite_rda("creg", lambda d: d.head(0))
    with pytest.raises(EmptyFileError, match=r"creg\.rda"):
        creg.load(path=damaged_copy("creg", damage))


# --- HIEF -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hf():
    return hief.load()


def test_hief_shape_key_and_dtypes(hf):
    assert list(hf.columns) == ["ccode", "gwcode", "year", "efindex"]
    r = _r("hief")
    assert len(hf) == r["n_rows"][0] - r["n_duplicated_rows"][0] - r["n_conflicting"][0] == 8808 - 24 - 1
    assert hf["ccode"].nunique() == r["n_ccodes"][0]  # 160
    assert (hf["year"].min(), hf["year"].max()) == (r["year_min"][0], r["year_max"][0])  # 1945, 2013
    assert not hf.duplicated(["ccode", "year"]).any()
    assert hf["ccode"].dtype == "Int64" and hf["gwcode"].dtype == "Int64" and hf["year"].dtype == "Int64"
    assert hf["efindex"].between(0, 1).all()


def test_hief_known_values_and_the_duplicate_rule(hf):
    r = _r("hief")
    v = hf.set_index(["ccode", "year"])["efindex"]
    known = pd.DataFrame(r["known"])
    single = known[~known.duplicated(["ccode", "year"], keep=False)]  # 2, 490 and 816 in 1991 and 2013; 365 in 2013
    assert len(single) == 7
    for row in single.itertuples():
        assert v[(row.ccode, row.year)] == row.efindex, (row.ccode, row.year)
    # 365 in 1991: the Soviet value (first in the file, closing the 1945-1991 series) is kept,
    # the Russian one (opening the 1991-2013 series) dropped
    soviet, russian = known.loc[(known["ccode"] == 365) & (known["year"] == 1991), "efindex"]
    assert (soviet, russian) == (0.691, 0.286)
    assert v[(365, 1991)] == soviet
    raw = hief.load(keep_duplicates=True)
    assert len(raw) == r["n_rows"][0]  # 8808
    assert sorted(raw.loc[(raw["ccode"] == 365) & (raw["year"] == 1991), "efindex"]) == sorted([soviet, russian])
    assert raw.duplicated().sum() == r["n_duplicated_rows"][0]  # 24
    # the Vietnam trap is returned as in the file
    assert set(hf.loc[hf["ccode"] == 816, "gwcode"]) == set(known.loc[known["ccode"] == 816, "gwcode"]) == {817}


def test_hief_other_conflicting_duplicate_is_an_error(damaged_copy):
    def conflict(d):
        extra = d.iloc[[0]].copy()
        extra["efindex"] = 0.5
        return pd.concat([d, extra], ignore_index=True)

    with pytest.raises(DuplicateKeyError, match=r"row 1.*\n.*row 8809"):
        hief.load(path=damaged_copy("hief", _rewrite_rda("hief", conflict)))


def test_hief_renamed_column(damaged_copy):
    path = damaged_copy("hief", _rewrite_rda("hief", lambda d: d.rename(columns={"efindex": "EFindex"})))
    with pytest.raises(SchemaError, match=r"\['efindex'\]: 'efindex' \(found 'EFindex' instead\?\)"):
        hief.load(path=path)


def test_hief_not_an_r_file(damaged_copy):
    path = damaged_copy("hief", lambda p: p.write_bytes(b"\x1f\x8b\x08 truncated gzip"))
    with pytest.raises(SchemaError, match=r"hief\.rda"):
        hief.load(path=path)


# --- Ruggedness -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rg():
    return rugged.load()


def test_rugged_shape_key_and_known_values(rg):
    assert list(rg.columns) == ["ccode", "gwcode", "rugged", "newlmtnest"]
    r = _r("rugged")
    assert len(rg) == r["n_rows"][0]  # 192
    assert not rg["ccode"].duplicated().any()
    assert not rg["gwcode"].dropna().duplicated().any()
    assert rg["ccode"].dtype == "Int64" and rg["gwcode"].dtype == "Int64"
    assert (rg["gwcode"].isna().sum(), rg["newlmtnest"].isna().sum()) == (r["na_gwcode"][0], r["na_newlmtnest"][0])
    v = rg.set_index("ccode")
    known = pd.DataFrame(r["known"]).set_index("ccode")
    for code in (700, 2, 365):
        assert v.loc[code, ["rugged", "newlmtnest"]].tolist() == pytest.approx(
            known.loc[code, ["rugged", "newlmtnest"]].tolist(), rel=1e-12), code
    # the Netherlands: 0.037 and 0
    assert (v.loc[210, "rugged"], v.loc[210, "newlmtnest"]) == tuple(known.loc[210, ["rugged", "newlmtnest"]])
    # the Papal States: no gwcode, no newlmtnest
    assert pd.isna(known.loc[327, "gwcode"]) and pd.isna(known.loc[327, "newlmtnest"])
    assert pd.isna(v.loc[327, "gwcode"]) and pd.isna(v.loc[327, "newlmtnest"])


def test_rugged_gwcode_given_to_two_states(damaged_copy):
    def twice(d):
        d.loc[1, "gwcode"] = d.loc[0, "gwcode"]
        return d

    with pytest.raises(DuplicateKeyError, match=r"'gwcode', row 1.*\n.*row 2"):
        rugged.load(path=damaged_copy("rugged", _rewrite_rda("rugged", twice)))


def test_rugged_percent_instead_of_log(damaged_copy):
    def percent(d):
        d.loc[0, "newlmtnest"] = 66.6
        return d

    with pytest.raises(SchemaError, match=r"column 'newlmtnest', row 1: value 66\.6"):
        rugged.load(path=damaged_copy("rugged", _rewrite_rda("rugged", percent)))
