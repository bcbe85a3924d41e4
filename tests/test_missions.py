"""The project's own mission tables (``peacestats.harmonize.missions``) on the real data.

The tables are checked against the data they were built from, read independently:

- the UN DPO list (``un_dpo_missions``): every one of its 81 operations has a row, and every
  date the DPO list gives is the table's date (the two exceptions are documented in notes);
- the Kathman 12-2019 personnel file (``kathman_pko``): each of its 82 mission names is mapped
  to one row (60) or listed with the reason it cannot be (22, ``kathman_unmatched.csv``);
- Fortna's (2008) ``pk&pkept.dta`` and Doyle & Sambanis's (2000) ``peace.csv``: every type the
  table attributes to them is the value in the data (the literal spell and war lists below);
- the Gleditsch-Ward list (``gw_states``): every host code is a GW code.

Damaged copies in a temporary folder check that each broken rule raises its own error class,
naming the file, the column and the row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from peacestats.errors import HarmonizeError, UnmatchedCodeError
from peacestats.harmonize import missions as M

# --- independent references -----------------------------------------------------------------
#: Fortna (2008) spells the table cites: acronym -> (cname, segment start t0, variable, value).
#: ``pkop``: 2 observer, 3 traditional, 4 multidimensional, 5 enforcement; ``pk_other`` is the
#: second mission of a spell (its provider in ``other_who``, 1 = UN).
FORTNA_UN = {
    "DOMREP": ("Dominican Rep.", "1965-05-01", "pkop", 2),
    "MINUGUA": ("Guatemala", "1997-01-20", "pkop", 3),
    "MINURCA": ("Central African Rep.", "1998-03-28", "pkop", 3),
    "MINURSO": ("Morocco/WestSah", "1991-09-06", "pkop", 2),
    "MINUSTAH": ("Haiti", "2004-06-01", "pkop", 5),
    "MIPONUH": ("Haiti", "1997-08-01", "pkop", 2),
    "MONUA": ("Angola", "1997-07-01", "pkop", 3),
    "ONUCA": ("Nicaragua", "1989-04-19", "pkop", 3),
    "ONUMOZ": ("Mozambique", "1992-10-04", "pkop", 4),
    "ONUSAL": ("El Salvador", "1993-05-28", "pkop", 4),
    "UNAMIC": ("Cambodia", "1991-10-23", "pkop", 2),
    "UNAMIR": ("Rwanda", "1993-10-05", "pkop", 3),
    "UNAMSIL": ("Sierra Leone", "1999-10-22", "pkop", 5),
    "UNAVEM II": ("Angola", "1991-05-31", "pkop", 2),
    "UNAVEM III": ("Angola", "1995-02-09", "pkop", 4),
    "UNCPSG": ("Croatia", "1998-01-16", "pkop", 2),
    "UNCRO": ("Croatia", "1995-04-01", "pkop", 4),
    "UNFICYP": ("Cyprus", "1964-08-10", "pkop", 3),
    "UNMIH": ("Haiti", "1995-04-01", "pkop", 5),
    "UNMIK": ("Yugoslavia-Kosovo", "1999-06-09", "pk_other", 4),
    "UNMISET": ("Indonesia-E. Timor", "2000-02-23", "pkop", 4),
    "UNMOT": ("Tajikistan", "1997-06-27", "pk_other", 2),
    "UNOGIL": ("Lebanon", "1958-09-24", "pkop", 3),
    "UNOMIG": ("Georgia-Abkhazia", "1994-05-14", "pk_other", 2),
    "UNOMIL": ("Liberia", "1996-08-17", "pk_other", 2),
    "UNOMSIL": ("Sierra Leone", "1999-07-07", "pk_other", 2),
    "UNPROFOR": ("Yugoslavia-Croatia", "1992-01-03", "pkop", 3),
    "UNPSG": ("Croatia", "1998-01-16", "pkop", 2),
    "UNSMIH": ("Haiti", "1996-07-01", "pkop", 3),
    "UNTAC": ("Cambodia", "1992-03-15", "pkop", 4),
    "UNTAES": ("Croatia", "1996-01-16", "pkop", 5),
    "UNTAET": ("Indonesia-E. Timor", "2000-02-23", "pkop", 4),
}
#: Non-UN operations in Fortna's spells: acronym -> (cname, t0, pkop, pkwho); pkwho 2 regional, 3 state-led.
FORTNA_NON_UN = {
    "ECOMOG-LBR": ("Liberia", "1990-11-28", 5, 2),
    "ECOMOG-SLE": ("Sierra Leone", "1999-07-07", 5, 2),
    "IFOR": ("Bosnia", "1995-12-14", 5, 2),
    "SFOR": ("Bosnia", "2003-01-01", 5, 2),
    "KFOR": ("Yugoslavia-Kosovo", "1999-06-09", 5, 2),
    "INTERFET": ("Indonesia-E. Timor", "1999-10-25", 5, 3),
}
FORTNA_TYPES = {2: "observer", 3: "traditional", 4: "multidimensional", 5: "enforcement"}

#: Doyle & Sambanis (2000) wars the table cites: acronym -> (war label ``ccode``, ``untype``).
DS = {
    "DOMREP": ("DOM", "Observer"),
    "MINUGUA": ("GUA3", "MultiPKO"),
    "MINURCA": ("CAF", "TradPKO"),
    "MINURSO": ("MOR", "Observer"),
    "MONUA": ("ANG2", "TradPKO"),
    "ONUC": ("ZAI1", "Enforcement+"),
    "ONUCA": ("NIC2", "Observer"),
    "ONUMOZ": ("MOZ", "MultiPKO"),
    "ONUSAL": ("SAL", "MultiPKO"),
    "UNAMIR": ("RWA2", "TradPKO"),
    "UNASOG": ("CHD2", "Observer"),
    "UNAVEM": ("ANG1", "Observer"),
    "UNAVEM I": ("ANG1", "Observer"),
    "UNAVEM III": ("ANG2", "TradPKO"),
    "UNFICYP": ("CYP1", "TradPKO"),
    "UNIFIL": ("LEB3", "TradPKO"),
    "UNIPOM": ("IND2", "Observer"),
    "UNMIH": ("HAI2", "MultiPKO"),
    "UNMOGIP": ("IND1", "Observer"),
    "UNMOT": ("TAJ", "Observer"),
    "UNOGIL": ("LEB1", "TradPKO"),
    "UNOMIG": ("GRG1", "Observer"),
    "UNOMIL": ("LBR2", "Observer"),
    "UNOSOM II": ("SOM2", "Enforcement+"),
    "UNPROFOR": ("CRO1", "TradPKO"),
    "UNSCOB": ("GRE", "Observer"),
    "UNTAC": ("CAM2", "MultiPKO"),
    "UNYOM": ("YEM2", "Observer"),
}
DS_TYPES = {"Observer": "observer", "TradPKO": "traditional", "MultiPKO": "multidimensional",
            "Enforcement+": "enforcement"}
#: Where the table follows Fortna and Doyle & Sambanis code the war otherwise (said in notes).
DS_DISAGREE = {"MINUGUA", "ONUCA", "UNAVEM III", "UNMIH"}

#: Missions left without a type, each with its reason in notes.
UNTYPED = {
    "IPTF", "MICAH", "MINUJUSTH", "UNFOR", "UNGCI", "UNIKOM", "UNMIBH", "UNOHCI",
    "UNOSOM", "UNOSOM I", "UNPF", "UNSF", "UNSMA",
}
#: Missions whose type changed: their notes carry "type_changes:".
TYPE_CHANGES = {"MINURCAT", "MONUC", "ONUCA", "ONUSAL", "UNAMSIL", "UNIFIL", "UNIKOM", "UNMIH", "UNOSOM", "UNPROFOR"}


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def un(mirror):
    return M.un_missions()


@pytest.fixture(scope="module")
def non_un(mirror):
    return M.non_un_missions()


@pytest.fixture(scope="module")
def unmatched():
    return M.kathman_unmatched()


@pytest.fixture(scope="module")
def dpo(mirror):
    """The DPO list as (acronym, start_date, end_date): its loader, else the raw csv."""
    try:
        from peacestats.sources import un_dpo_missions

        d = un_dpo_missions.load().rename(columns={"mission": "mission_acronym"})
    except (ImportError, AttributeError):  # pragma: no cover - before the loader existed
        d = pd.read_csv(mirror / "un_dpo_missions" / "DPPADPOSS-PKO.csv")
    d["start_date"] = pd.to_datetime(d["start_date"])
    d["end_date"] = pd.to_datetime(d["end_date"])
    return d[["mission_acronym", "start_date", "end_date"]]


@pytest.fixture(scope="module")
def kathman(mirror):
    """Kathman's 12-2019 mission-months as (mission, month): its loader, else the raw csv."""
    try:
        from peacestats.sources import kathman_pko

        k = kathman_pko.load()
        k["month"] = pd.to_datetime(dict(year=k["year"], month=k["month"], day=1))
    except (ImportError, AttributeError):  # pragma: no cover
        k = pd.read_csv(mirror / "kathman_pko" / "mission-month_12-2019.csv")
        k["month"] = pd.to_datetime(dict(year=k["year"], month=k["month"], day=1))
    return k[["mission", "month"]]


@pytest.fixture(scope="module")
def gw(mirror):
    return M.gw_state_codes()


def _row(df, acronym):
    rows = df[df["mission_acronym"] == acronym]
    assert len(rows) == 1, acronym
    return rows.iloc[0]


# --- the shipped files --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, columns, n",
    [
        (M.UN_FILE, M.UN_COLUMNS, 81),
        (M.NON_UN_FILE, M.NON_UN_COLUMNS, 26),
        (M.KATHMAN_UNMATCHED_FILE, M.KATHMAN_UNMATCHED_COLUMNS, 22),
    ],
)
def test_files_are_utf8_lf_sorted_without_trailing_spaces(name, columns, n):
    raw = M.resource_path(name).read_bytes()
    text = raw.decode("utf-8")
    assert b"\r" not in raw
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in text.split("\n"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == columns
    body = rows[1:]
    assert len(body) == n
    keys = [r[0] for r in body]
    assert keys == sorted(keys)
    assert all(len(r) == len(columns) for r in body)
    assert all(cell == cell.strip() for r in body for cell in r)


def test_un_table_types(un):
    assert len(un) == 81
    assert str(un["start_date"].dtype) == "datetime64[ns]"
    assert str(un["chapter_vii"].dtype) == "boolean"
    assert all(isinstance(v, list) and all(isinstance(c, int) for c in v) for v in un["host_gwcodes"])
    assert set(un["mission_type"].dropna()) <= set(M.MISSION_TYPES)
    assert un["mission_type"].value_counts().to_dict() == {
        "observer": 25, "enforcement": 18, "traditional": 16, "multidimensional": 9,
    }
    assert un["chapter_vii"].value_counts(dropna=False).to_dict() == {False: 50, True: 24, pd.NA: 7}


def test_every_row_has_a_source(un, non_un, unmatched):
    for df in (un, non_un, unmatched):
        assert df["source"].str.strip().str.len().gt(10).all()
    assert un["source"].str.contains("UN DPO list").all()


def test_dates_ordered(un, non_un):
    for df in (un, non_un):
        both = df.dropna(subset=["start_date", "end_date"])
        assert (both["end_date"] >= both["start_date"]).all()
    assert un["start_date"].isna().sum() == 2  # UNFOR, UNOHCI: the DPO list has no dates
    assert non_un["start_date"].isna().sum() == 2  # AMIS, ECOMOG-SLE (see notes)


def test_host_codes_are_gw_codes(un, non_un, gw):
    assert {347, 626, 860} <= gw
    for df in (un, non_un):
        for acr, codes in zip(df["mission_acronym"], df["host_gwcodes"]):
            assert set(codes) <= gw, acr
    assert [a for a, c in zip(un["mission_acronym"], un["host_gwcodes"]) if not c] == ["UNFOR"]


def test_one_row_per_acronym(un, non_un):
    assert un["mission_acronym"].is_unique
    assert non_un["mission_acronym"].is_unique
    stacked = M.missions()
    assert len(stacked) == 107 and stacked["mission_acronym"].is_unique


def test_every_dpo_mission_present_with_its_dates(un, dpo):
    assert len(dpo) == 81
    assert set(un["mission_acronym"]) == set(dpo["mission_acronym"])
    m = un.merge(dpo, on="mission_acronym", suffixes=("", "_dpo"))
    for col in ("start_date", "end_date"):
        given = m[m[f"{col}_dpo"].notna()]
        differ = given.loc[given[col] != given[f"{col}_dpo"], "mission_acronym"].tolist()
        # UNSCOB's DPO end date (1951-07-12) swaps day and month of A/RES/508 (VI) (7 December 1951)
        assert differ == ([] if col == "start_date" else ["UNSCOB"]), differ
    # where the DPO list has no date, one comes from a resolution (said in notes) or stays NA
    filled = m[m["start_date_dpo"].isna() & m["start_date"].notna()]
    assert list(filled["mission_acronym"]) == ["UNSCOB"]
    assert _row(un, "UNSCOB")["start_date"] == pd.Timestamp("1947-10-21")
    filled = m[m["end_date_dpo"].isna() & m["end_date"].notna()]
    assert list(filled["mission_acronym"]) == ["MINUSMA"]
    assert "2690" in _row(un, "MINUSMA")["notes"]


def test_every_kathman_mission_is_mapped_or_explained(un, unmatched, kathman):
    names = set(kathman["mission"])
    mapped = set(un["kathman_mission"].dropna())
    explained = set(unmatched["kathman_mission"])
    assert len(names) == 82
    assert len(mapped) == 60 and un["kathman_mission"].dropna().is_unique
    assert len(explained) == 22
    assert mapped | explained == names
    assert not mapped & explained
    assert {"UNTMIH", "UNAMET", "UNAMA", "UNSOS", "LBB"} <= explained
    assert unmatched.set_index("kathman_mission").loc["UNTMIH", "reason"].count("omits") == 1


def test_kathman_series_overlap_their_mission(un, kathman):
    span = kathman.groupby("mission")["month"].agg(["min", "max"])
    rows = un.dropna(subset=["kathman_mission"])
    for _, r in rows.iterrows():
        first, last = span.loc[r["kathman_mission"]]
        end = r["end_date"] if pd.notna(r["end_date"]) else pd.Timestamp("2100-01-01")
        assert first <= end and last >= r["start_date"] - pd.DateOffset(months=1), r["mission_acronym"]
    # the documented splits: Kathman's UNOSOM runs into UNOSOM II, its UNAVEM into UNAVEM III
    assert span.loc["UNOSOM", "max"] == pd.Timestamp("1994-05-01")
    assert span.loc["UNAVEM", "max"] == pd.Timestamp("1997-06-01")


def test_types_agree_with_fortna_2008(un, non_un, mirror):
    from peacestats.sources import fortna_ceasefires

    f = fortna_ceasefires.load()

    def segment(acr, cname, t0):
        seg = f[(f["cname"] == cname) & (f["t0"] == pd.Timestamp(t0))]
        assert len(seg) == 1, (acr, cname, t0)
        return seg.iloc[0]

    for acr, (cname, t0, var, value) in FORTNA_UN.items():
        seg = segment(acr, cname, t0)
        assert seg[var] == value, acr
        if var == "pk_other":
            assert seg["other_who"] == 1, acr
        elif pd.notna(seg["pkwho"]):
            assert seg["pkwho"] == 1, acr
        r = _row(un, acr)
        assert "Fortna (2008)" in r["source"], acr
        assert r["mission_type"] == FORTNA_TYPES[value], acr
    # ONUSAL's first spell is observer: its type change is in the notes
    assert segment("ONUSAL", "El Salvador", "1992-12-16")["pkop"] == 2
    for acr, (cname, t0, pkop, pkwho) in FORTNA_NON_UN.items():
        seg = segment(acr, cname, t0)
        assert (seg["pkop"], seg["pkwho"]) == (pkop, pkwho), acr
        r = _row(non_un, acr)
        assert "Fortna (2008)" in r["source"] and r["mission_type"] == FORTNA_TYPES[pkop], acr


def test_types_agree_with_doyle_sambanis_2000(un, mirror):
    from peacestats.sources import doyle_sambanis

    ds = doyle_sambanis.load().set_index("ccode")["untype"]
    for acr, (war, untype) in DS.items():
        assert ds.loc[war] == untype, (acr, war)
        r = _row(un, acr)
        assert f"war {war}" in r["source"] or war in r["source"], acr
        if acr in DS_DISAGREE:
            assert r["mission_type"] != DS_TYPES[untype] and "Doyle & Sambanis" in r["notes"], acr
        else:
            assert r["mission_type"] == DS_TYPES[untype], acr


def test_missing_types_and_type_changes_are_explained(un):
    assert set(un.loc[un["mission_type"].isna(), "mission_acronym"]) == UNTYPED
    for acr in UNTYPED:
        assert len(_row(un, acr)["notes"]) > 40, acr
    changed = set(un.loc[un["notes"].fillna("").str.contains("type_changes:"), "mission_acronym"])
    assert changed == TYPE_CHANGES


def test_ongoing_column(un, non_un, mirror):
    for name, columns in ((M.UN_FILE, M.UN_COLUMNS), (M.NON_UN_FILE, M.NON_UN_COLUMNS)):
        after = "end_precision" if "end_precision" in columns else "end_date"
        assert columns.index("ongoing") == columns.index(after) + 1
        rows = list(csv.reader(io.StringIO(M.resource_path(name).read_text(encoding="utf-8"))))
        j = rows[0].index("ongoing")
        assert {r[j] for r in rows[1:]} == {"true", "false"}, name  # never NA
    for df in (un, non_un):
        assert str(df["ongoing"].dtype) == "bool"
        assert df.loc[df["ongoing"], "end_date"].isna().all()  # ongoing implies no end date
    # UN: the DPO list's is_active flag, except MINUSMA (flagged active, closed 2023)
    from peacestats import sources

    d = sources.load("un_dpo_missions")
    active = set(d.loc[d["is_active"].astype(bool), "mission"])
    assert len(active) == 12 and "MINUSMA" in active
    assert set(un.loc[un["ongoing"], "mission_acronym"]) == active - {"MINUSMA"}
    assert int(un["ongoing"].sum()) == 11
    minusma = _row(un, "MINUSMA")
    assert not minusma["ongoing"] and minusma["end_date"] == pd.Timestamp("2023-06-30")
    # non-UN: KFOR, the MFO and six post-2014 operations are running; ECOMOG's end is unknown, not "ongoing"
    assert set(non_un.loc[non_un["ongoing"], "mission_acronym"]) == {
        "KFOR", "MFO", "ECOMIG", "RSF-MOZ", "SSMGB", "EUMA", "SAMIDRC", "MSS"}
    assert bool(_row(non_un, "KFOR")["ongoing"]) is True and bool(_row(non_un, "MFO")["ongoing"]) is True
    lbr = _row(non_un, "ECOMOG-LBR")
    assert bool(lbr["ongoing"]) is False and pd.isna(lbr["end_date"]) and "end_date NA" in lbr["notes"]
    assert not _row(non_un, "ATMIS")["ongoing"] and _row(non_un, "ATMIS")["end_date"] == pd.Timestamp("2024-12-31")
    # every end-unknown row (no end date, not ongoing) says why in its notes
    unknown = {}
    for df in (un, non_un):
        rows = df[df["end_date"].isna() & ~df["ongoing"]]
        unknown.update(zip(rows["mission_acronym"], rows["notes"]))
    assert set(unknown) == {"UNFOR", "UNOHCI", "ECOMOG-LBR", "ECOMOG-SLE"}
    assert all(isinstance(n, str) and len(n) > 40 for n in unknown.values())


# --- known facts ----------------------------------------------------------------------------------
def test_known_facts(un, non_un):
    untac = _row(un, "UNTAC")
    assert untac["host_gwcodes"] == [811]
    assert (untac["start_date"].year, untac["end_date"].year) == (1992, 1993)
    assert untac["mission_type"] == "multidimensional"
    assert untac["establishing_resolution"] == "S/RES/745 (1992)"

    unamsil = _row(un, "UNAMSIL")
    assert unamsil["host_gwcodes"] == [451]
    assert (unamsil["start_date"].year, unamsil["end_date"].year) == (1999, 2005)
    assert bool(unamsil["chapter_vii"]) is True
    assert unamsil["establishing_resolution"] == "S/RES/1270 (1999)"

    mfo = _row(non_un, "MFO")
    assert 651 in mfo["host_gwcodes"]
    assert mfo["start_date"] == pd.Timestamp("1982-04-25")
    assert pd.isna(mfo["authorizing_resolution"]) and bool(mfo["chapter_vii"]) is False

    amisom = _row(non_un, "AMISOM")
    assert amisom["host_gwcodes"] == [520]
    assert amisom["start_date"].year == 2007 and amisom["organization"] == "AU"
    assert amisom["authorizing_resolution"] == "S/RES/1744 (2007)"

    kfor = _row(non_un, "KFOR")
    assert kfor["host_gwcodes"] == [340, 345, 347] and "347" in kfor["notes"]
    assert set(non_un["mission_acronym"]) >= {
        "AMIS", "AMISOM", "ARTEMIS", "ATMIS", "ECOMOG-LBR", "ECOMOG-SLE", "IFOR", "INTERFET",
        "ISAF", "KFOR", "MFO", "MISCA", "RAMSI", "SFOR",
    }
    assert list(non_un.loc[non_un["mission_acronym"].str.startswith("ECOMOG"), "host_gwcodes"]) == [[450], [451]]
    assert _row(un, "MONUC")["end_date"] < _row(un, "MONUSCO")["start_date"]


def test_stacked_missions(un, non_un):
    s = M.missions()
    assert list(s.columns) == M.STACKED_COLUMNS
    assert M.STACKED_COLUMNS.index("ongoing") == M.STACKED_COLUMNS.index("end_precision") + 1
    # 11 UN, KFOR, the MFO and six operations that began after 2014
    assert str(s["ongoing"].dtype) == "bool" and int(s["ongoing"].sum()) == 19
    assert set(s.loc[s["ongoing"] & s["start_date"].ge("2015-01-01"), "mission_acronym"]) == {
        "ECOMIG", "RSF-MOZ", "SSMGB", "EUMA", "SAMIDRC", "MSS"}
    assert s.loc[s["start_date"].notna(), "start_precision"].isin(M.DATE_PRECISIONS).all()
    assert s.loc[s["start_date"].isna(), "start_precision"].isna().all()
    assert (s["organization"] == "UN").sum() == 81
    assert s.loc[s["organization"] == "NATO", "mission_acronym"].tolist() == ["IFOR", "ISAF", "KFOR", "SFOR"]
    assert s.loc[s["mission_acronym"] == "UNTAC", "resolution"].item() == "S/RES/745 (1992)"
    assert str(s["peak_strength"].dtype) == "Int64"
    assert s.loc[s["mission_acronym"] == "IFOR", "peak_strength"].item() == 60000


# --- bad input ------------------------------------------------------------------------------------
def _damaged(tmp_path, name, acronym, column, value) -> tuple[Path, int]:
    """Copy a shipped table into tmp_path with one cell changed; return the path and the data row."""
    rows = list(csv.reader(io.StringIO(M.resource_path(name).read_text(encoding="utf-8"))))
    header = rows[0]
    i = next(k for k, r in enumerate(rows) if k and r[0] == acronym)
    rows[i][header.index(column)] = value
    out = tmp_path / name
    with open(out, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return out, i


@pytest.mark.parametrize(
    "column, value, error",
    [
        ("end_date", "1991-09-01", M.MissionDateError),
        ("end_date", "Sept 1993", M.MissionDateError),
        ("mission_type", "peacebuilding", M.MissionTypeError),
        ("source", "", M.MissingSourceError),
        ("source", "   ", M.MissingSourceError),
        ("host_gwcodes", "999", M.InvalidHostCodeError),
        ("host_gwcodes", "811;Cambodia", M.InvalidHostCodeError),
        ("chapter_vii", "yes", M.MissionValueError),
        ("establishing_resolution", "745", M.MissionValueError),
        ("ongoing", "yes", M.MissionValueError),
        ("ongoing", "NA", M.MissionValueError),
        ("ongoing", "true", M.MissionStatusError),  # UNTAC ended in 1993
    ],
)
def test_bad_input_names_file_column_row(tmp_path, mirror, column, value, error):
    path, i = _damaged(tmp_path, M.UN_FILE, "UNTAC", column, value)
    with pytest.raises(error) as exc:
        M.un_missions(path)
    msg = str(exc.value)
    assert "un_missions.csv" in msg and repr(column) in msg and f"row {i} (UNTAC)" in msg
    assert isinstance(exc.value, HarmonizeError)


def test_ongoing_mission_with_an_end_date_is_refused(tmp_path, mirror):
    path, i = _damaged(tmp_path, M.UN_FILE, "UNTAC", "ongoing", "true")
    with pytest.raises(M.MissionStatusError) as exc:
        M.un_missions(path)
    msg = str(exc.value)
    assert f"un_missions.csv breaks its documented rules [{path}]" in msg
    assert f"column 'ongoing', row {i} (UNTAC): ongoing is true but end_date is 1993-09-01" in msg
    assert isinstance(exc.value, M.MissionTableError) and isinstance(exc.value, HarmonizeError)
    path, i = _damaged(tmp_path, M.NON_UN_FILE, "SFOR", "ongoing", "true")
    expected = rf"non_un_missions.csv[\s\S]*'ongoing', row {i} \(SFOR\): ongoing is true but end_date is 2004-12-02"
    with pytest.raises(M.MissionStatusError, match=expected):
        M.non_un_missions(path)


def test_unknown_end_needs_a_note(tmp_path, mirror):
    # UNTAC has no notes: without its end date (and not ongoing) its end is unknown, unexplained
    path, i = _damaged(tmp_path, M.UN_FILE, "UNTAC", "end_date", "NA")
    with pytest.raises(M.MissionValueError, match=rf"'notes', row {i} \(UNTAC\): a missing [\s\S]*end unknown"):
        M.un_missions(path)
    # the same row read as ongoing needs no note
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[i][rows[0].index("ongoing")] = "true"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert bool(_row(M.un_missions(path), "UNTAC")["ongoing"]) is True


def test_missing_type_needs_a_note(tmp_path, mirror):
    path, i = _damaged(tmp_path, M.UN_FILE, "UNTAC", "mission_type", "NA")  # UNTAC has no notes
    with pytest.raises(M.MissionValueError, match=rf"'notes', row {i} \(UNTAC\): a missing"):
        M.un_missions(path)


def test_host_code_error_is_an_unmatched_code_error(tmp_path, mirror):
    path, _ = _damaged(tmp_path, M.UN_FILE, "UNTSO", "host_gwcodes", "651;652;999")
    with pytest.raises(UnmatchedCodeError, match=r"\[999\] are not Gleditsch-Ward"):
        M.un_missions(path)


def test_duplicated_acronym(tmp_path, mirror):
    path, i = _damaged(tmp_path, M.UN_FILE, "UNTAET", "mission_acronym", "UNTAC")
    with pytest.raises(M.DuplicateMissionError, match=r"'mission_acronym', row \d+ \(UNTAC\): 'UNTAC' appears"):
        M.un_missions(path)
    path, _ = _damaged(tmp_path, M.UN_FILE, "UNAMIC", "kathman_mission", "UNTAC")
    with pytest.raises(M.DuplicateMissionError, match="kathman_mission"):
        M.un_missions(path)


def test_bad_non_un_input(tmp_path, mirror):
    path, i = _damaged(tmp_path, M.NON_UN_FILE, "MFO", "mission_type", "monitoring")
    with pytest.raises(M.MissionTypeError, match=rf"non_un_missions.csv[\s\S]*'mission_type', row {i} \(MFO\)"):
        M.non_un_missions(path)
    path, i = _damaged(tmp_path, M.NON_UN_FILE, "IFOR", "peak_strength", "60,000")
    with pytest.raises(M.MissionValueError, match=rf"'peak_strength', row {i} \(IFOR\)"):
        M.non_un_missions(path)
    path, i = _damaged(tmp_path, M.NON_UN_FILE, "SFOR", "start_date", "2005-01-01")
    with pytest.raises(M.MissionDateError, match=rf"'end_date', row {i} \(SFOR\): end_date 2004-12-02 is before"):
        M.non_un_missions(path)


def test_duplicate_across_tables(tmp_path, monkeypatch, mirror):
    path, _ = _damaged(tmp_path, M.NON_UN_FILE, "MFO", "mission_acronym", "UNTSO")
    shipped = M.resource_path
    monkeypatch.setattr(M, "resource_path", lambda name: path if name == M.NON_UN_FILE else shipped(name))
    with pytest.raises(M.DuplicateMissionError, match=r"\['UNTSO'\] appear in both tables"):
        M.missions()


def test_bad_kathman_unmatched(tmp_path):
    path, i = _damaged(tmp_path, M.KATHMAN_UNMATCHED_FILE, "LBB", "source", "")
    with pytest.raises(M.MissingSourceError, match=rf"kathman_unmatched.csv, column 'source', row {i} \(LBB\)"):
        M.kathman_unmatched(path)


def test_missing_column_and_file(tmp_path, mirror):
    bad = tmp_path / M.UN_FILE
    bad.write_text("mission_acronym,mission_name\nX,Y\n", encoding="utf-8")
    with pytest.raises(M.MissionTableError, match="lacks column"):
        M.un_missions(bad)
    with pytest.raises(M.MissionTableError, match="no such file"):
        M.un_missions(tmp_path / "absent.csv")
