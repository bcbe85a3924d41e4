"""Which UCDP conflict a Civil Wars Mediation (CWM) row belongs to: the CWM-conflict link table.

Dataset page
------------
``resources/mechanisms/cwm_conflicts.csv`` is **peacestats' own data**, authored by the
project. The unit is a **CWM row** (a mediation case, or an episode without mediation;
:mod:`peacestats.sources.cwm`), not a CWM episode: CWM's rows are its key, an episode has no
id, and rows of one episode can name different rebel groups. Every CWM row 1-762 has at least
one row here; a row that belongs to several UCDP conflicts (a mediation naming rebels of two
conflicts) has one row per conflict. Columns:

- ``cwm_row`` (int): the CWM row (``row`` of :func:`peacestats.sources.cwm.load`)
- ``country``, ``side_b``, ``episode_start`` (str): the CWM row's country, rebels and episode
  start as published, so that a reader can review a row without opening CWM
- ``conflict_id`` (int or empty): UCDP/PRIO ACD 25.1 conflict id; empty where ``match`` is
  ``none``
- ``match``: ``exact`` (the country's ACD conflict whose side B names one of the row's rebel
  groups and that is active in the episode's years: the only such conflict), ``uncertain``
  (a plausible conflict that the names or the dates do not settle: kept, not used by default),
  ``none`` (no ACD conflict; the note says why)
- ``basis``: what the match rests on: ``country+sides+dates``, ``country+sides`` (names agree,
  years do not), ``country+territory+dates`` (the contested territory and years agree, the
  names do not), ``country+dates``, ``review`` (decided by hand, the note says how), ``none``
- ``source`` (never empty): the ACD conflict and what of it agrees (side B names, years)
- ``note`` (never empty): why this conflict, or why none

How it was made
---------------
:func:`draft_cwm_links` matches each CWM row transparently: the country's name to a
Gleditsch-Ward code in the episode's start year (:func:`peacestats.harmonize.codes.name_to_gw`,
with the aliases of :data:`COUNTRY_ALIASES`), the candidate ACD conflicts located there (types
1, 3 and 4: civil wars, and colonial wars for territories that became states), the CWM
``side_b`` names against every side B name the conflict has in any ACD year (letters and
digits compared, one name contained in the other), and the episode's years (start to end, or
to ``year_terminated``, one year of tolerance either side) against the conflict's active years.
Rows are then reviewed by hand: the decisions are in ``resources/mechanisms/cwm_review.csv``
(``cwm_row, conflict_id, match, note``; ``conflict_id`` empty and ``match`` ``none`` to reject
every candidate) and :func:`draft_cwm_links` applies them. ``python -m
peacestats.harmonize.cwm_links`` rewrites ``cwm_conflicts.csv`` from the data and the review
file; the shipped CSV is the authored truth, and a test checks that the two agree.

Citation
--------
peacestats developers, *peacestats CWM-conflict links*
(``peacestats/resources/mechanisms/cwm_conflicts.csv``), built from DeRouen, Bercovitch &
Pospieszna (2011) CWM and UCDP/PRIO ACD 25.1.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LinkTableError, UnmatchedCodeError
from ._tables import table_error

_fail = functools.partial(table_error, LinkTableError)  # file, column, row and what, as a LinkTableError

__all__ = [
    "LINKS_FILE",
    "REVIEW_FILE",
    "MATCH_VALUES",
    "MATCH_BASES",
    "LINK_COLUMNS",
    "COUNTRY_ALIASES",
    "resource_path",
    "cwm_conflicts",
    "check_cwm_links",
    "draft_cwm_links",
    "write_cwm_links",
    "linked_cwm_table",
]

LINKS_FILE = "cwm_conflicts.csv"
REVIEW_FILE = "cwm_review.csv"
MATCH_VALUES = ("exact", "uncertain", "none")
MATCH_BASES = ("country+sides+dates", "country+sides", "country+territory+dates", "country+dates", "review", "none")
LINK_COLUMNS = ["cwm_row", "country", "side_b", "episode_start", "conflict_id", "match", "basis", "source", "note"]
REVIEW_COLUMNS = ["cwm_row", "conflict_id", "match", "note"]

#: CWM country names that :func:`~peacestats.harmonize.codes.name_to_gw` does not resolve, with their GW code
COUNTRY_ALIASES = {
    "UK": 200,
    "USA": 2,
    "Congo/Zaire": 490,
    "Democratic Republic of Congo (Zaire)": 490,
    "Congo-Brazzaville": 484,
    "Yemen North (Arab Repub)": 678,
    "Yemen South (people repub)": 680,
    "Rhodesia": 552,
    "Surinam": 115,
    "South Vietnam": 817,
    "Soviet Union": 365,
    "Russia (Soviet Union)": 365,
    "Sri Lanka (Ceylon)": 780,
}
_TOLERANCE_YEARS = 1


def resource_path(name: str) -> Path:
    """The shipped copy of a file in ``peacestats/resources/mechanisms``."""
    from importlib import resources

    return Path(str(resources.files("peacestats").joinpath("resources", "mechanisms", name)))


# ----------------------------------------------------------------------------- reading
def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise LinkTableError(f"{path.name}: no such file [{path}]")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LinkTableError(f"{path.name}: cannot read as a UTF-8 CSV table ({exc}) [{path}]") from exc
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise LinkTableError(f"{path.name}: lacks column(s) {missing}; columns present: {list(df.columns)} [{path}]")
    if not len(df):
        raise LinkTableError(f"{path.name}: has a header but no rows [{path}]")
    return df[columns].reset_index(drop=True)


def _check_ids(df: pd.DataFrame, path: Path, allowed_basis: tuple[str, ...] | None) -> None:
    for c in ("cwm_row", "match", "note") + (("basis", "source") if allowed_basis else ()):
        blank = df[c].isna() | df[c].str.strip().eq("")
        if blank.any():
            raise _fail(path, c, _first(blank), None, "is empty")
    bad = ~df["cwm_row"].str.fullmatch(r"\d+")
    if bad.any():
        i = _first(bad)
        raise _fail(path, "cwm_row", i, None, f"{df.at[i, 'cwm_row']!r} is not a CWM row number (a whole number)")
    bad = ~df["match"].isin(MATCH_VALUES)
    if bad.any():
        i = _first(bad)
        raise _fail(path, "match", i, None, f"{df.at[i, 'match']!r} is not one of {list(MATCH_VALUES)}")
    if allowed_basis:
        bad = ~df["basis"].isin(allowed_basis)
        if bad.any():
            i = _first(bad)
            raise _fail(path, "basis", i, None, f"{df.at[i, 'basis']!r} is not one of {list(allowed_basis)}")
    ok = df["conflict_id"].isna() | df["conflict_id"].str.fullmatch(r"\d+")
    if not ok.all():
        i = _first(~ok)
        raise _fail(path, "conflict_id", i, None,
                    f"{df.at[i, 'conflict_id']!r} is not a UCDP conflict id (a whole number)")
    none = df["match"].eq("none")
    wrong = none != df["conflict_id"].isna()
    if wrong.any():
        i = _first(wrong)
        raise _fail(path, "conflict_id", i, None, "match 'none' has no conflict_id" if none.iat[i]
                    else f"match {df.at[i, 'match']!r} needs a conflict_id (use match 'none' for no conflict)")
    dup = df.duplicated(["cwm_row", "conflict_id"], keep=False)
    if dup.any():
        raise _fail(path, "conflict_id", _first(dup), None,
                    "this (cwm_row, conflict_id) pair appears in more than one row")
    by_row = df["match"].eq("none").groupby(df["cwm_row"])
    mixed = by_row.transform("any") & by_row.transform("size").gt(1)  # 'none' beside another row
    if mixed.any():
        raise _fail(path, "match", _first(mixed), None,
                    "a CWM row with match 'none' cannot also be linked to a conflict")


def cwm_conflicts(path: str | Path | None = None) -> pd.DataFrame:
    """The authored CWM-conflict link table, read and checked row by row.

    Parameters
    ----------
    path
        Read this copy instead of the one shipped in ``peacestats/resources/mechanisms``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINK_COLUMNS`; ``cwm_row`` int64, ``conflict_id`` Int64 (NA exactly
        where ``match`` is ``none``). Sorted by ``cwm_row`` and ``conflict_id``.

    Raises
    ------
    LinkTableError
        Naming file, column and row: a missing column, an empty cell (other than
        ``conflict_id``, ``side_b`` and ``episode_start``), a value outside
        :data:`MATCH_VALUES` or :data:`MATCH_BASES`, an id that is not a whole number, a
        ``none`` match with a conflict (or a match without one), basis ``none`` with a match
        other than ``none``, a repeated (row, conflict) pair, a row both linked and ``none``.
    """
    path = resource_path(LINKS_FILE) if path is None else Path(path)
    df = _read_csv(path, LINK_COLUMNS)
    _check_ids(df, path, MATCH_BASES)
    wrong = df["match"].eq("none") != df["basis"].eq("none")
    if wrong.any():
        raise _fail(path, "basis", _first(wrong), None, "basis 'none' goes with match 'none' and only with it")
    df["cwm_row"] = df["cwm_row"].astype("int64")
    df["conflict_id"] = pd.array([int(v) if isinstance(v, str) else pd.NA for v in df["conflict_id"]], dtype="Int64")
    return df.sort_values(["cwm_row", "conflict_id"], kind="stable").reset_index(drop=True)


def _review(path: str | Path | None = None) -> pd.DataFrame:
    """The hand decisions (``cwm_review.csv``), checked like the link table."""
    path = resource_path(REVIEW_FILE) if path is None else Path(path)
    df = _read_csv(path, REVIEW_COLUMNS)
    _check_ids(df, path, None)
    df["cwm_row"] = df["cwm_row"].astype("int64")
    df["conflict_id"] = pd.array([int(v) if isinstance(v, str) else pd.NA for v in df["conflict_id"]], dtype="Int64")
    return df


def check_cwm_links(links: pd.DataFrame, cwm: pd.DataFrame, acd: pd.DataFrame) -> None:
    """Check the link table against CWM and the ACD: every CWM row listed, every conflict in the ACD.

    Raises
    ------
    LinkTableError
        Listing every problem found (up to 20 of each kind): CWM rows without a row here,
        rows here that are not CWM rows, conflict ids not in the ACD, and ``country`` or
        ``side_b`` that differ from the CWM row (a table made from another CWM copy).
    """
    problems = []
    rows, known = set(links["cwm_row"]), set(cwm["row"])
    if known - rows:
        problems.append(f"{len(known - rows)} CWM row(s) have no link row (add one, with match 'none' if "
                        f"no conflict fits): {sorted(known - rows)[:20]}")
    if rows - known:
        problems.append(f"{len(rows - known)} cwm_row value(s) are not CWM rows: {sorted(rows - known)[:20]}")
    bad = sorted({int(c) for c in links["conflict_id"].dropna()} - set(acd["conflict_id"].astype(int)))
    if bad:
        problems.append(f"conflict id(s) not in UCDP/PRIO ACD: {bad[:20]}")
    m = links.merge(cwm[["row", "country", "side_b"]], left_on="cwm_row", right_on="row", suffixes=("", "_cwm"))
    differ = m[(m["country"] != m["country_cwm"]) | (m["side_b"].fillna("") != m["side_b_cwm"].fillna(""))]
    if len(differ):
        problems.append(f"{len(differ)} row(s) name another country or side B than CWM: "
                        f"{differ['cwm_row'].drop_duplicates().tolist()[:20]}")
    if problems:
        raise LinkTableError(f"{LINKS_FILE} does not match CWM or the ACD:\n  " + "\n  ".join(problems))


def linked_cwm_table(cwm: pd.DataFrame | None = None, acd: pd.DataFrame | None = None,
                     links: pd.DataFrame | None = None) -> pd.DataFrame:
    """The link table as a build table: checked against CWM and the ACD, with a row key and names.

    Returns
    -------
    pandas.DataFrame
        :data:`LINK_COLUMNS` plus ``link_id`` (1, 2, ... within a CWM row; the primary key is
        ``cwm_row, link_id``), ``mediation`` (CWM's flag for the row) and ``acd_location`` (the
        conflict's ACD location; NA where ``match`` is ``none``).
    """
    from ..data import source as data_source

    cwm = data_source("cwm") if cwm is None else cwm
    acd = data_source("ucdp_acd") if acd is None else acd
    links = cwm_conflicts() if links is None else links
    check_cwm_links(links, cwm, acd)
    out = links.copy()
    out.insert(1, "link_id", out.groupby("cwm_row").cumcount().add(1).astype("int64"))
    out = out.merge(cwm[["row", "mediation"]].rename(columns={"row": "cwm_row"}), on="cwm_row", how="left")
    where = acd.groupby("conflict_id")["location"].first()
    out["acd_location"] = out["conflict_id"].map(where).astype("string")
    return out


# ----------------------------------------------------------------------------- drafting
def _norm(name) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _names(text) -> list[str]:
    """The rebel names of a CWM or ACD side B cell, normalised (commas, slashes, semicolons, 'and')."""
    if not isinstance(text, str):
        return []
    parts = re.split(r",|;|/|\band\b|\(|\)", text)
    return [n for n in (_norm(p) for p in parts) if len(n) >= 2]


def _names_agree(a: list[str], b: set[str]) -> list[str]:
    """Names of ``a`` that equal, or (4+ characters) contain or are contained in, a name of ``b``."""
    hits = []
    for x in a:
        for y in b:
            if x == y or (min(len(x), len(y)) >= 4 and (x in y or y in x)):
                hits.append(x)
                break
    return hits


def _country_codes(cwm: pd.DataFrame) -> dict[int, int | None]:
    """CWM row -> GW code of its country in the episode's start year (None: no GW state).

    One :func:`~peacestats.harmonize.codes.name_to_gw` call per country (all its years at
    once); a country whose batch fails is looked up year by year, then without a year.
    """
    from .codes import name_to_gw

    out: dict[int, int | None] = {}
    years = {int(r.row): _episode_years(r)[0] for r in cwm.itertuples(index=False)}
    for name, group in cwm.groupby("country", sort=False):
        rows = [int(r) for r in group["row"]]
        if name in COUNTRY_ALIASES:
            out.update({r: COUNTRY_ALIASES[name] for r in rows})
            continue
        ys = [years[r] for r in rows]
        try:
            codes = name_to_gw([name] * len(rows), ys)  # an undated row (None) takes the latest state
            out.update({r: int(c) for r, c in zip(rows, codes)})
            continue
        except UnmatchedCodeError:
            pass
        for r, y in zip(rows, ys):
            code = None
            for year in ((y, None) if y is not None else (None,)):
                try:
                    code = int(name_to_gw(name, year))
                    break
                except UnmatchedCodeError:
                    continue
            out[r] = code
    return out


def _episode_years(r) -> tuple[int | None, int | None]:
    start = r.episode_start.year if pd.notna(r.episode_start) else None
    if pd.notna(r.episode_end):
        end = r.episode_end.year
    elif pd.notna(r.year_terminated):
        end = int(r.year_terminated)
    else:
        end = None
    if start is None:  # a mediation dates the episode when its start is not known
        known = [d.year for d in (r.mediation_start, r.mediation_end) if pd.notna(d)] + ([end] if end else [])
        start = min(known) if known else None
    if end is None and start is not None:
        known = [d.year for d in (r.mediation_start, r.mediation_end) if pd.notna(d)]
        end = max([start, *known])
    return start, end


def _conflicts(acd: pd.DataFrame) -> pd.DataFrame:
    """One row per ACD conflict: locations, every side B name, active years, territory."""
    a = acd[acd["type_of_conflict"].isin([1, 3, 4])]
    out = a.groupby("conflict_id").agg(
        location=("location", "first"),
        gwno_loc=("gwno_loc", lambda s: sorted({int(c) for v in s
                                                for c in (v if isinstance(v, (list, tuple, np.ndarray)) else [v])})),
        side_b_text=("side_b", lambda s: "; ".join(sorted(set(s)))),
        years=("year", lambda s: sorted(set(int(y) for y in s))),
        territory=("territory_name", lambda s: "; ".join(sorted(set(s.dropna())))),
        incompatibility=("incompatibility", "first"),
        type_of_conflict=("type_of_conflict", "last"),
    ).reset_index()
    out["names"] = out["side_b_text"].map(lambda t: set(_names(t.replace("; ", ", "))))
    return out


def _span(years: list[int]) -> str:
    """1975-1995, 1998-2002 from a list of years."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    prev = 0
    for y in years:
        if start is None:
            start = prev = y
        elif y == prev + 1:
            prev = y
        else:
            runs.append((start, prev))
            start = prev = y
    if start is not None:
        runs.append((start, prev))
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def _draft_row(r, conflicts: pd.DataFrame, gw: int | None) -> list[dict]:
    base = {"cwm_row": int(r.row), "country": r.country, "side_b": r.side_b if isinstance(r.side_b, str) else "",
            "episode_start": r.episode_start.date().isoformat() if pd.notna(r.episode_start) else ""}
    y0, y1 = _episode_years(r)

    def none(why):
        return [{**base, "conflict_id": pd.NA, "match": "none", "basis": "none",
                 "source": f"CWM row {int(r.row)}; UCDP/PRIO ACD 25.1", "note": why}]

    if gw is None:
        return none(f"the country {r.country!r} matches no Gleditsch-Ward state")
    cands = conflicts[conflicts["gwno_loc"].map(lambda c: gw in c)]
    if not len(cands):
        return none(f"no UCDP/PRIO ACD civil or colonial conflict is located in GW {gw} ({r.country})")
    names = _names(r.side_b)
    terr = _norm(r.territory) if isinstance(r.territory, str) else ""
    found = []
    for c in cands.itertuples(index=False):
        hits = _names_agree(names, c.names)
        dated = (y0 is not None and y1 is not None  # _episode_years gives an end whenever it gives a start
                 and any(y0 - _TOLERANCE_YEARS <= y <= y1 + _TOLERANCE_YEARS for y in c.years))
        terr_hit = bool(terr) and bool(c.territory) and any(
            terr == _norm(t) or (min(len(terr), len(_norm(t))) >= 4 and (terr in _norm(t) or _norm(t) in terr))
            for t in c.territory.split("; "))
        gov_hit = c.incompatibility in (2, 3) and terr == _norm(r.country)
        found.append((c, hits, dated, terr_hit or gov_hit))

    def src(c) -> str:
        return (f"CWM row {int(r.row)}; UCDP/PRIO ACD 25.1 conflict {int(c.conflict_id)} ({c.location}; side B "
                f"{c.side_b_text}; active {_span(c.years)})")

    years = f"{y0}-{y1}" if y0 is not None else "no dates"
    full = [f for f in found if f[1] and f[2]]
    if len(full) == 1:
        c, hits, _, _ = full[0]
        return [{**base, "conflict_id": int(c.conflict_id), "match": "exact", "basis": "country+sides+dates",
                 "source": src(c), "note": f"side B {', '.join(hits)} is a side B of the conflict, active in the "
                 f"episode's years {years}; the only such conflict in {r.country}"}]
    if len(full) > 1:
        return [{**base, "conflict_id": int(c.conflict_id), "match": "uncertain", "basis": "country+sides+dates",
                 "source": src(c),
                 "note": f"side B {', '.join(hits)} named in {len(full)} conflicts active in {years}: "
                 "review which one the mediation addresses"} for c, hits, _, _ in full]
    named = [f for f in found if f[1]]
    if named:
        return [{**base, "conflict_id": int(c.conflict_id), "match": "uncertain", "basis": "country+sides",
                 "source": src(c), "note": f"side B {', '.join(hits)} is a side B of the conflict, but it is not "
                 f"active within a year of the episode's years {years}"} for c, hits, _, _ in named]
    placed = [f for f in found if f[2] and f[3]]
    if placed:
        return [{**base, "conflict_id": int(c.conflict_id), "match": "uncertain", "basis": "country+territory+dates",
                 "source": src(c),
                 "note": f"no side B name agrees; the contested {r.territory} and the years {years} do"}
                for c, _, _, _ in placed]
    in_years = [f for f in found if f[2]]
    if len(in_years):
        return [{**base, "conflict_id": int(c.conflict_id), "match": "uncertain", "basis": "country+dates",
                 "source": src(c), "note": f"only the country and the years {years} agree (no side B name, "
                 "not the contested territory)"} for c, _, _, _ in in_years]
    return none(f"none of the {len(cands)} ACD conflicts in {r.country} names side B {r.side_b!r} or is active "
                f"in the episode's years {years}")


def draft_cwm_links(cwm: pd.DataFrame | None = None, acd: pd.DataFrame | None = None,
                    review: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Match every CWM row to UCDP conflicts (see the module docstring), then apply the hand review.

    Parameters
    ----------
    cwm, acd
        :func:`peacestats.sources.cwm.load` and the UCDP/PRIO ACD (default: load them).
    review
        The hand decisions (default ``resources/mechanisms/cwm_review.csv``); ``False`` for the
        unreviewed draft. A reviewed CWM row takes exactly the review's rows: ``match`` as
        reviewed, ``basis`` ``review``, the draft's ``source`` for a conflict it proposed (else
        the conflict's ACD description) and the reviewer's ``note``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINK_COLUMNS`, every CWM row at least once.
    """
    from ..data import source as data_source

    cwm = data_source("cwm") if cwm is None else cwm
    acd = data_source("ucdp_acd") if acd is None else acd
    conflicts = _conflicts(acd)
    codes = _country_codes(cwm)
    rows = [row for r in cwm.itertuples(index=False) for row in _draft_row(r, conflicts, codes[int(r.row)])]
    out = pd.DataFrame(rows, columns=LINK_COLUMNS)
    if review is not False:
        rv = _review(review) if not isinstance(review, pd.DataFrame) else review
        unknown = sorted(set(rv["cwm_row"]) - set(cwm["row"]))
        if unknown:
            raise LinkTableError(f"{REVIEW_FILE}: cwm_row(s) {unknown[:20]} are not CWM rows")
        by_id = conflicts.set_index("conflict_id")
        keep = out[~out["cwm_row"].isin(set(rv["cwm_row"]))]
        new = []
        for d in rv.itertuples(index=False):
            r = cwm[cwm["row"] == d.cwm_row].iloc[0]
            base = {"cwm_row": int(d.cwm_row), "country": r.country,
                    "side_b": r.side_b if isinstance(r.side_b, str) else "",
                    "episode_start": r.episode_start.date().isoformat() if pd.notna(r.episode_start) else ""}
            if pd.isna(d.conflict_id):
                new.append({**base, "conflict_id": pd.NA, "match": "none", "basis": "none",
                            "source": f"CWM row {int(d.cwm_row)}; UCDP/PRIO ACD 25.1", "note": d.note})
                continue
            cid = int(d.conflict_id)
            if cid not in by_id.index:
                raise LinkTableError(f"{REVIEW_FILE}: conflict {cid} (CWM row {int(d.cwm_row)}) is not a civil or "
                                     "colonial ACD conflict")
            c = by_id.loc[cid]
            source = (f"CWM row {int(d.cwm_row)}; UCDP/PRIO ACD 25.1 conflict {cid} ({c.location}; side B "
                      f"{c.side_b_text}; active {_span(c.years)})")
            new.append({**base, "conflict_id": cid, "match": d.match, "basis": "review", "source": source,
                        "note": d.note})
        out = pd.concat([keep, pd.DataFrame(new, columns=LINK_COLUMNS)], ignore_index=True)
    out["conflict_id"] = out["conflict_id"].astype("Int64")
    return out.sort_values(["cwm_row", "conflict_id"], kind="stable").reset_index(drop=True)


def write_cwm_links(path: str | Path | None = None, **kwargs) -> Path:
    """Write :func:`draft_cwm_links` (reviewed) to ``cwm_conflicts.csv`` (default: the shipped copy)."""
    path = resource_path(LINKS_FILE) if path is None else Path(path)
    df = draft_cwm_links(**kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


if __name__ == "__main__":  # pragma: no cover - the maintainer's regeneration step
    print(write_cwm_links())
