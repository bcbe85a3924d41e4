"""The three replication datasets: Fortna's ceasefires (dta), Doyle & Sambanis (csv), HKS 2013 (tab).

Aggregates and known rows were computed in R from the original files by
``tests/r/sources_replication.R`` (package foreign; ``Rscript tests/r/sources_replication.R``
from the repository root), which writes ``tests/data/sources_replication_r.json``, read
through ``tests/rfixtures.py``: row, spell, cluster and country counts, sums, tables of
segments, ``pkop``, ``untype``, ``untype4`` and ``incomp``, date ranges and Angola's spell 70.
Per-row checks read the csv/tab text with the csv module.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from peacestats.errors import DuplicateKeyError, EmptyFileError, SchemaError
from peacestats.sources import doyle_sambanis, fortna_ceasefires, hks2013
from damage import edit_delimited as _edit_delimited  # noqa: E402
from rfixtures import load


def _r(dataset):
    """R's facts about one dataset ("fortna", "ds" or "hks"; tests/r/sources_replication.R)."""
    return load("sources_replication")[dataset]


def _table(t, numeric=True):
    """An R table of the fixture as {level: count}, levels as numbers when ``numeric``."""
    return {(int(k) if numeric else k): n for k, n in zip(t["level"], t["n"])}


# --- Fortna -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fortna():
    return fortna_ceasefires.load()


def test_fortna_counts(fortna):
    r = _r("fortna")
    assert len(fortna) == r["n_rows"][0]  # 192
    assert fortna["id"].nunique() == r["n_ids"][0]  # 156
    assert fortna["cluster"].nunique() == r["n_clusters"][0]  # 96
    assert fortna["failed"].sum() == r["n_failed"][0]  # 84
    assert fortna["pk_dum"].sum() == r["n_pk"][0]  # 63
    assert fortna["ccode"].nunique() == r["n_ccodes"][0]  # 72
    assert (fortna["st_t"] - fortna["st_t0"]).sum() == r["time_at_risk"][0]  # 715252
    # spells by number of segments {1: 134, 2: 14, 3: 5, 4: 2, 7: 1}
    assert fortna.groupby("id").size().value_counts().to_dict() == _table(r["segments"])
    assert fortna["pkop"].value_counts().to_dict() == _table(r["pkop"])
    assert (fortna["t0"].min(), fortna["t1"].max()) == (pd.Timestamp(r["t0_min"][0]), pd.Timestamp(r["t1_max"][0]))


def test_fortna_key_dtypes_and_spell_structure(fortna):
    assert not fortna.duplicated(["id", "t0"]).any()
    assert fortna["id"].dtype == "Int64" and fortna["ccode"].dtype == "Int64"
    assert fortna["t0"].dtype == "datetime64[ns]" and fortna["t1"].dtype == "datetime64[ns]"
    assert fortna["failed"].dtype == "float64"
    assert {"st_t0", "st_t", "st_d", "st_st", "st_origin"} <= set(fortna.columns)
    assert not {"_t0", "_t", "_d"} & set(fortna.columns)
    assert (fortna["t0"] <= fortna["t1"]).all()
    assert (fortna["st_d"] == fortna["failed"]).all()
    s = fortna.sort_values(["id", "t0"])
    g = s.groupby("id")
    # a spell fails at most once, on its last segment; the next segment starts the day after
    last = g.cumcount(ascending=False) == 0
    assert s.loc[~last, "failed"].sum() == 0 and s.loc[last, "failed"].sum() == _r("fortna")["n_failed"][0]
    gap = (g["t0"].shift(-1) - s["t1"]).dropna()
    assert (gap == pd.Timedelta(days=1)).all() and len(gap) == 36
    # the ceasefire date sits on the first segment only, where analysis time starts at 0
    first = g.cumcount() == 0
    assert s.loc[first, "cfdate"].notna().all() and s.loc[~first, "cfdate"].isna().all()
    assert (s.loc[first, "st_t0"] == 0).all()


def test_fortna_angola_spell_70_has_three_segments(fortna):
    ang = fortna[fortna["id"] == 70].sort_values("t0")
    r = _r("fortna")["id70"]
    assert len(ang) == 3
    assert set(ang["cname"]) == {"Angola"} and set(ang["ccode"]) == {540} and set(ang["cluster"]) == {"ANG"}
    assert ang["t0"].tolist() == [pd.Timestamp(d) for d in r["t0"]]  # 1994-11-20, 1995-02-09, 1997-07-01
    assert ang["t1"].tolist() == [pd.Timestamp(d) for d in r["t1"]]  # 1995-02-08, 1997-06-30, 1998-12-04
    assert ang["failed"].tolist() == r["failed"]  # [0, 0, 1]
    assert ang["pkop"].tolist() == r["pkop"]  # [2, 4, 3]
    assert ang["st_t0"].tolist() == r["st_t0"]  # [0, 81, 954]
    assert ang["st_t"].tolist() == r["st_t"]  # [80, 953, 1475]
    assert ang["st_d"].tolist() == r["st_d"]


def test_fortna_not_a_stata_file(damaged_copy):
    path = damaged_copy("fortna_ceasefires", lambda p: p.write_bytes(b"id,ccode\n1,540\n"))
    with pytest.raises(SchemaError, match=r"cannot read .*pk_and_pkept\.dta as dta"):
        fortna_ceasefires.load(path=path)


def test_fortna_duplicated_segment(damaged_copy):
    def dup(p):
        df = pd.read_stata(p, convert_categoricals=False)
        pd.concat([df, df.iloc[[5]]], ignore_index=True).to_stata(p, write_index=False)

    with pytest.raises(DuplicateKeyError, match=r"row 6.*\n.*row 193"):
        fortna_ceasefires.load(path=damaged_copy("fortna_ceasefires", dup))


def test_fortna_empty_file(damaged_copy):
    with pytest.raises(EmptyFileError, match=r"pk_and_pkept\.dta is empty"):
        fortna_ceasefires.load(path=damaged_copy("fortna_ceasefires", lambda p: p.write_bytes(b"")))


# --- Doyle & Sambanis -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ds():
    return doyle_sambanis.load()


def test_doyle_sambanis_counts_and_key(ds):
    r = _r("ds")
    assert len(ds) == r["n_rows"][0]  # 124
    assert "Unnamed: 0" not in ds.columns and ds.shape[1] == 196
    assert not ds.duplicated(["ccode", "yrbeg"]).any()
    assert ds["ccode"].is_unique
    assert ds["pbs2s3"].sum() == r["n_success"][0]  # 43
    assert ds["yrend"].dtype == "Int64" and ds["yrend"].isna().sum() == r["n_yrend_na"][0]  # 8
    assert ds["untype4"].value_counts().to_dict() == _table(r["untype4"])  # {0: 117, 1: 7}


def test_doyle_sambanis_no_un_mission_is_a_category_not_missing(ds):
    """Regression: pandas reads the text "None" as missing by default; the file means "no UN mission"."""
    untype = _table(_r("ds")["untype"], numeric=False)  # None 88, Observer 17, TradPKO 8, MultiPKO 7, Enforcement+ 4
    assert ds["untype"].value_counts().to_dict() == untype
    assert ds["untype"].notna().all()
    assert (ds["UNops"] == "None").sum() == untype["None"]
    # untype4 is the multidimensional-PKO dummy
    assert (ds["untype4"] == 1).equals(ds["untype"] == "MultiPKO")


def test_doyle_sambanis_rows_equal_the_csv(ds, mirror):
    with open(mirror / "doyle_sambanis2000" / "peace.csv", newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    assert len(raw) == len(ds)
    for got, r in zip(ds.itertuples(index=False), raw):
        assert (got.ccode, got.cname, got.untype, got.pbs2s3) == (r["ccode"], r["cname"], r["untype"], int(r["pbs2s3"]))
        for col in ("logcost", "trnsfcap", "develop", "exp"):
            v = getattr(got, col)
            assert (pd.isna(v) and r[col] == "NA") or v == float(r[col]), (r["ccode"], col)
    afg = ds[ds["ccode"] == "AFG1"].iloc[0]
    assert (afg["cname"], afg["yrbeg"], afg["yrend"], afg["wardur"], afg["factnum"]) == ("Afghanistan", 78, 92, 168, 6)
    assert afg["logcost"] == pytest.approx(15.6718082427979, rel=1e-13)


def test_doyle_sambanis_text_in_outcome(damaged_copy):
    def text(rows):
        rows[9][rows[0].index("pbs2s3")] = "yes"

    with pytest.raises(SchemaError, match=r"column 'pbs2s3', row 9: value 'yes'"):
        doyle_sambanis.load(path=damaged_copy("doyle_sambanis", lambda p: _edit_delimited(p, text)))


def test_doyle_sambanis_duplicated_war(damaged_copy):
    path = damaged_copy("doyle_sambanis", lambda p: _edit_delimited(p, lambda rows: rows.append(list(rows[2]))))
    with pytest.raises(DuplicateKeyError, match=r"row 2.*\n.*row 125"):
        doyle_sambanis.load(path=path)


# --- Hultman, Kathman & Shannon ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hks():
    return hks2013.load()


def test_hks_counts_key_and_dtypes(hks):
    r = _r("hks")
    assert hks.shape == (r["n_rows"][0], 36)  # 3972 rows
    assert (hks["year"].min(), hks["year"].max()) == (r["year_min"][0], r["year_max"][0])  # 1991, 2008
    assert hks["conflict_id"].nunique() == r["n_conflicts"][0]  # 36
    assert not hks.duplicated(["conflict_id", "year", "mon"]).any()
    for c in ("conflict_id", "year", "mon", "gwnoloc", "incomp"):
        assert hks[c].dtype == "int64", c
    assert hks["osvAll"].sum() == r["osv_sum"][0]  # 262317
    assert hks["troopLag"].sum() == pytest.approx(r["troop_sum"][0], rel=1e-12)  # 3049.327
    assert hks["troopLag"].isna().sum() == r["troop_na"][0]  # 70
    assert hks["troopLag"].max() == pytest.approx(r["troop_max"][0])  # 29.209 thousands of troops
    assert hks["brv_AllLag"].sum() == r["brv_sum"][0]  # 78903
    assert hks["PKOdum"].sum() == r["pko_sum"][0]  # 588
    assert hks["incomp"].value_counts().to_dict() == _table(r["incomp"])  # {2: 2712, 1: 1260}
    assert hks["lntpop"].sum() == pytest.approx(r["lntpop_sum"][0], rel=1e-12)  # 35611.9015944


def test_hks_rows_equal_the_tab_file(hks, mirror):
    with open(mirror / "hks2013" / "HKS_AJPS_2013.tab", newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t"))
    assert len(raw) == len(hks)
    for got, r in zip(hks.itertuples(index=False), raw):
        # the file writes some whole numbers as "70.0"
        assert (got.conflict_id, got.year, got.mon, got.gwnoloc, got.osvAll) == tuple(
            float(r[c]) for c in ("conflict_id", "year", "mon", "gwnoloc", "osvAll"))
        assert (pd.isna(got.troopLag) and r["troopLag"] == "") or got.troopLag == float(r["troopLag"])
    first = hks.iloc[0]
    assert (first["conflict_id"], first["location"], first["osvAll"]) == (70, "Ethiopia", 29)
    assert pd.isna(first["troopLag"]) and first["lntpop"] == pytest.approx(10.885247, rel=1e-7)


def test_hks_renamed_column(damaged_copy):
    def rename(rows):
        rows[0][rows[0].index("troopLag")] = "troop_lag"

    path = damaged_copy("hks2013", lambda p: _edit_delimited(p, rename, delimiter="\t"))
    with pytest.raises(SchemaError, match=r"\['troopLag'\]: 'troopLag' \(found 'troop_lag' instead\?\)"):
        hks2013.load(path=path)


def test_hks_text_in_month(damaged_copy):
    def text(rows):
        rows[100][rows[0].index("mon")] = "Apr"

    path = damaged_copy("hks2013", lambda p: _edit_delimited(p, text, delimiter="\t"))
    with pytest.raises(SchemaError, match=r"column 'mon', row 100: value 'Apr' is not a number") as exc:
        hks2013.load(path=path)
    # only the bad cell, not every "1.0" of the column that the stray word turned into text
    assert str(exc.value).count("column 'mon'") == 1


def test_hks_header_only(damaged_copy):
    path = damaged_copy("hks2013", lambda p: _edit_delimited(p, lambda rows: rows.__delitem__(slice(1, None)), "\t"))
    with pytest.raises(EmptyFileError, match=r"HKS_AJPS_2013\.tab has a header but no data rows"):
        hks2013.load(path=path)
