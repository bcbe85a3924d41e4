"""The country-code crosswalk as an object: :class:`CodeTables`, built from two state lists.

:mod:`peacestats.harmonize.codes` converts codes through the :class:`CodeTables` made current
by :func:`using` (``peacestats build`` does so with the state lists it loaded for the build),
else through the default, :func:`peacestats.data.code_tables`. This module builds the
tables: the hand-made rules of ``resources/codes/*.csv`` (read once: package files), the
GW-COW-ISO3 crosswalk (:func:`make_crosswalk`, a pure function of the two lists) and the
GW -> Polity rows. How the crosswalk is built is described in :mod:`peacestats.harmonize.codes`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
from collections.abc import Callable
from importlib import resources

import numpy as np
import pandas as pd

from ..errors import HarmonizeError

__all__ = ["CodeTables", "current", "exceptions", "iso3_exceptions", "make_crosswalk", "polity_exceptions",
           "using"]

#: Far-future stand-in for "still in the system" (open-ended rows).
_OPEN = pd.Timestamp("2262-01-01")


# --------------------------------------------------------------------------------------
# hand-made tables
# --------------------------------------------------------------------------------------
def _read_resource(name: str) -> pd.DataFrame:
    ref = resources.files("peacestats").joinpath("resources", "codes", name)
    with ref.open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def _int_or_na(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.replace("", np.nan)).astype("Int64")


@functools.cache
def _exceptions() -> pd.DataFrame:
    df = _read_resource("gw_cow_exceptions.csv")
    out = pd.DataFrame(
        {
            "gwcode": _int_or_na(df["gwcode"]),
            "cowcode": _int_or_na(df["cowcode"]),
            "name": df["name"],
            "start_date": pd.to_datetime(df["start_date"]),
            "end_date": pd.to_datetime(df["end_date"].replace("", None)),
            "rule": df["rule"],
            "source": df["source"],
        }
    )
    if out["source"].str.strip().eq("").any() or out["gwcode"].isna().any():
        raise HarmonizeError("gw_cow_exceptions.csv: every row needs a gwcode and a source")
    return out


@functools.cache
def _iso_exceptions() -> pd.DataFrame:
    df = _read_resource("gw_iso3_exceptions.csv")
    out = pd.DataFrame(
        {
            "gwcode": _int_or_na(df["gwcode"]),
            "start_year": _int_or_na(df["start_year"]),
            "end_year": _int_or_na(df["end_year"]),
            "iso3": df["iso3"].replace("", None),
            "successor_iso3": df["successor_iso3"].replace("", None),
            "rule": df["rule"],
            "source": df["source"],
        }
    )
    if out["source"].str.strip().eq("").any():
        raise HarmonizeError("gw_iso3_exceptions.csv: every row needs a source")
    return out


@functools.cache
def _polity_exceptions() -> pd.DataFrame:
    df = _read_resource("gw_polity_exceptions.csv")
    out = pd.DataFrame(
        {
            "gwcode": _int_or_na(df["gwcode"]),
            "start_year": _int_or_na(df["start_year"]),
            "end_year": _int_or_na(df["end_year"]),
            "polity_code": _int_or_na(df["polity_code"]),
            "rule": df["rule"],
            "source": df["source"],
        }
    )
    if out["source"].str.strip().eq("").any():
        raise HarmonizeError("gw_polity_exceptions.csv: every row needs a source")
    return out


def exceptions() -> pd.DataFrame:
    """The hand-made GW-COW rows (``resources/codes/gw_cow_exceptions.csv``), with rule and source."""
    return _exceptions().copy()


def iso3_exceptions() -> pd.DataFrame:
    """The hand-made GW-ISO3 rows (``resources/codes/gw_iso3_exceptions.csv``), with rule and source."""
    return _iso_exceptions().copy()


def polity_exceptions() -> pd.DataFrame:
    """The hand-made GW-Polity rows (``resources/codes/gw_polity_exceptions.csv``), with rule and source."""
    return _polity_exceptions().copy()


# --------------------------------------------------------------------------------------
# building the crosswalk
# --------------------------------------------------------------------------------------
def _subtract(rows: list[dict], start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    """Remove the interval [start, end] from each row's [start_date, end_date]."""
    out = []
    one = pd.Timedelta(days=1)
    for r in rows:
        if r["end_date"] < start or r["start_date"] > end:
            out.append(r)
            continue
        if r["start_date"] < start:
            out.append({**r, "end_date": start - one})
        if r["end_date"] > end:
            out.append({**r, "start_date": end + one})
    return out


def _name_iso3(names: list[str]) -> dict[str, str | None]:
    """ISO3 by country_converter's regex name matching; ``None`` when it finds none or several.

    What ``CountryConverter().convert(names, src="regex", to="ISO3", not_found=None)`` gives
    (its regexes searched in the text before an exclusion word, its ISO3 entries cleaned the
    same way), without its per-match pandas look-ups.
    """
    import re

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    cc = coco.CountryConverter()
    iso3 = dict(zip(cc.data.index, cc.data["ISO3"]))
    excluder = re.compile("|".join(["excl\\w.*", "without", "w/o"]))  # convert's default exclude_prefix
    out: dict[str, str | None] = {}
    for name in names:
        spec = excluder.split(str(name))[0]
        found = [_clean_iso(iso3[i]) for i, rx in enumerate(cc.regexes) if rx.search(spec)]
        iso = found[0] if len(found) == 1 else (spec if not found else None)  # several: None, as convert's list
        out[name] = iso if isinstance(iso, str) and len(iso) == 3 and iso.isupper() and iso != name else None
    return out


def _clean_iso(entry: str) -> str | int:
    """An ISO entry of country_converter's table as its ``convert`` returns it (regex characters removed)."""
    entry = "".join(c for c in entry.split("|")[0] if c.isalnum()).upper()
    try:
        return int(entry)
    except ValueError:
        return entry


@functools.cache
def _iso_rules() -> dict[int, list[tuple[int, int, str | None, str | None]]]:
    """The ISO3 exceptions as {gwcode: [(first_year, last_year, iso3, successor_iso3), ...]}."""
    rules: dict[int, list] = {}
    for r in _iso_exceptions().itertuples(index=False):
        lo = -(10**6) if pd.isna(r.start_year) else int(r.start_year)
        hi = 10**6 if pd.isna(r.end_year) else int(r.end_year)
        iso = None if pd.isna(r.iso3) else r.iso3
        succ = None if pd.isna(r.successor_iso3) else r.successor_iso3
        rules.setdefault(int(r.gwcode), []).append((lo, hi, iso, succ))
    return rules


def _iso_for(gwcode: int, year: int, by_name: str | None, successor: bool) -> str | None:
    rules = _iso_rules().get(int(gwcode))
    if not rules:
        return by_name
    for lo, hi, iso, succ in rules:
        if lo <= year <= hi:
            return succ if successor else iso
    raise HarmonizeError(
        f"gw_iso3_exceptions.csv: GW {gwcode} has rows that do not cover {year}; "
        "give every year of the state a row"
    )


def make_crosswalk(gw: pd.DataFrame, cow: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk table built from the two state lists (open-ended rows end at ``_OPEN``).

    A pure function of ``gw`` (:mod:`peacestats.sources.gw_states`) and ``cow``
    (:mod:`peacestats.sources.cow_states`) and the package's exception tables;
    :class:`CodeTables` holds its result, :func:`peacestats.harmonize.codes.crosswalk` shows it.
    """
    gw_end = gw["end_date"].max()
    cow_end = cow["end_date"].max()
    cow_codes = set(cow["ccode"].astype(int))

    rows_by_gw: dict[int, list[dict]] = {}
    for r in gw.itertuples(index=False):
        code = int(r.gwcode)
        same = code in cow_codes
        rows_by_gw.setdefault(code, []).append(
            {
                "gwcode": code,
                "cowcode": code if same else pd.NA,
                "name": r.statename,
                "start_date": r.start_date,
                "end_date": _OPEN if r.end_date == gw_end else r.end_date,
                "source": (
                    "same code in the GW list (gw_states 2017) and the COW list (cow_states 2016)"
                    if same
                    else "GW list only (gw_states 2017): COW has no state with this code"
                ),
            }
        )
    names = {int(r.gwcode): r.statename for r in gw.itertuples(index=False)}

    for e in _exceptions().itertuples(index=False):
        code = int(e.gwcode)
        start = e.start_date
        end = _OPEN if pd.isna(e.end_date) else e.end_date
        rows_by_gw[code] = _subtract(rows_by_gw.get(code, []), start, end)
        rows_by_gw[code].append(
            {
                "gwcode": code,
                "cowcode": e.cowcode,
                "name": names.get(code, e.name),
                "start_date": start,
                "end_date": end,
                "source": f"hand-made (gw_cow_exceptions.csv): {e.rule}. Source: {e.source}",
            }
        )
    # COW dates a few states' independence differently (Laos from 1953-10-23, GW 1954-05-01;
    # Morocco to 1912, GW to 1904; Saudi Arabia from 1927, GW 1932; ...). On COW dates that no
    # row covers, the COW code is paired with the GW state of the same code and abbreviation.
    gw_abb = {int(r.gwcode): r.stateabb for r in gw.itertuples(index=False)}
    one = pd.Timedelta(days=1)
    # the dates each COW code's rows cover, kept up to date as the loop adds rows (one pass over the
    # rows, not one per COW state)
    covered_by: dict[int, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for rs in rows_by_gw.values():
        for r in rs:
            if pd.notna(r["cowcode"]):
                covered_by.setdefault(int(r["cowcode"]), []).append((r["start_date"], r["end_date"]))
    for c in cow.itertuples(index=False):
        code = int(c.ccode)
        if gw_abb.get(code) != c.stateabb:
            continue
        covered = sorted(covered_by.get(code, []))
        start, end = c.start_date, (_OPEN if c.end_date == cow_end else c.end_date)
        cur, gaps = start, []
        for s0, s1 in covered:
            if s1 < cur or s0 > end:
                continue
            if s0 > cur:
                gaps.append((cur, s0 - one))
            cur = max(cur, s1 + one)
        if cur <= end:
            gaps.append((cur, end))
        for g0, g1 in gaps:
            covered_by.setdefault(code, []).append((g0, g1))
            rows_by_gw.setdefault(code, []).append(
                {
                    "gwcode": code,
                    "cowcode": code,
                    "name": names.get(code, c.statename),
                    "start_date": g0,
                    "end_date": g1,
                    "source": "COW list only on these dates (cow_states 2016; the GW list dates the state "
                              "differently): same code and abbreviation in both lists",
                }
            )
    rows = pd.DataFrame([r for code in sorted(rows_by_gw) for r in rows_by_gw[code]])

    # ISO3: split rows where the ISO code changes at a year boundary (USSR 1922/1992, ...).
    by_name = _name_iso3(sorted(rows["name"].unique()))
    last_year = max(gw_end.year, cow_end.year) + 1
    pieces = []
    for r in rows.to_dict("records"):
        y0 = r["start_date"].year
        y1 = r["end_date"].year if r["end_date"] < _OPEN else max(y0, last_year)
        guess = by_name.get(r["name"])
        codes_by_year = [
            (y, _iso_for(r["gwcode"], y, guess, successor=False), _iso_for(r["gwcode"], y, guess, successor=True))
            for y in range(y0, y1 + 1)
        ]
        seg_start = r["start_date"]
        for (y, iso, succ), nxt in zip(codes_by_year, codes_by_year[1:] + [None]):
            if nxt is not None and (nxt[1], nxt[2]) == (iso, succ):
                continue
            seg_end = r["end_date"] if nxt is None else pd.Timestamp(y, 12, 31)
            pieces.append({**r, "start_date": seg_start, "end_date": seg_end, "iso3": iso, "successor_iso3": succ})
            seg_start = pd.Timestamp(y + 1, 1, 1)
    out = pd.DataFrame(pieces)
    out["gwcode"] = out["gwcode"].astype("Int64")
    out["cowcode"] = out["cowcode"].astype("Int64")
    out["iso3"] = out["iso3"].astype("string")
    out["successor_iso3"] = out["successor_iso3"].astype("string")
    out["start_year"] = out["start_date"].dt.year.astype("Int64")
    out["end_year"] = out["end_date"].dt.year.astype("Int64")
    open_ = out["end_date"] >= _OPEN
    out.loc[open_, "end_year"] = pd.NA
    out = out.sort_values(["gwcode", "start_date"], kind="stable").reset_index(drop=True)
    _check_no_overlap(out, "gwcode")
    _check_no_overlap(out[out["cowcode"].notna()], "cowcode")
    return out[
        ["gwcode", "cowcode", "iso3", "successor_iso3", "name", "start_date", "end_date",
         "start_year", "end_year", "source"]
    ]


def _check_no_overlap(df: pd.DataFrame, col: str) -> None:
    """Rows of one code never overlap in time (else a date would convert two ways)."""
    d = df[df[col].notna()].sort_values([col, "start_date"], kind="stable")
    bad = d["start_date"] <= d.groupby(col, sort=False)["end_date"].shift()
    if not bad.any() and not d.duplicated([col, "start_date"]).any():
        return  # no overlap (with ties in start_date, the check below names the rows as it always did)
    for code, g in df.groupby(col, sort=False):
        g = g.sort_values("start_date")
        prev_end = g["end_date"].shift()
        bad = g["start_date"] <= prev_end
        if bad.any():
            raise HarmonizeError(
                f"crosswalk: rows for {col} {code} overlap in time; fix gw_cow_exceptions.csv\n"
                f"{g[['gwcode', 'cowcode', 'start_date', 'end_date']]}"
            )


class CodeTables:
    """The code crosswalk of one pair of state lists, built once and used by every conversion.

    Parameters
    ----------
    gw_states, cow_states
        The GW and COW state lists (``peacestats.sources.load("gw_states")``,
        ``load("cow_states")``).

    Attributes
    ----------
    table
        The crosswalk (:func:`make_crosswalk`; open-ended rows end at a far-future date).
    polity
        The GW -> Polity rows (made on first use).
    cow_names
        COW state names (lower case) -> COW codes, for :func:`name_to_gw`.
    gw_codes
        Every code of the GW list (:func:`peacestats.harmonize.missions.gw_state_codes`).

    Notes
    -----
    The conversion functions of :mod:`peacestats.harmonize.codes` use the tables made current by :func:`using`
    (``peacestats build`` does so, with the state lists it loaded for the build); outside
    it, the default, :func:`peacestats.data.code_tables`, built from the registered lists.
    """

    def __init__(self, gw_states: pd.DataFrame, cow_states: pd.DataFrame) -> None:
        self.table = make_crosswalk(gw_states, cow_states)
        self.gw_codes = frozenset(int(c) for c in pd.Series(gw_states["gwcode"]).dropna())
        self.cow_names: dict[str, set[int]] = {}
        for r in cow_states.itertuples(index=False):
            self.cow_names.setdefault(r.statename.lower(), set()).add(int(r.ccode))
        self._polity: pd.DataFrame | None = None

    @property
    def polity(self) -> pd.DataFrame:
        """The GW -> Polity rows of this crosswalk."""
        if self._polity is None:
            self._polity = _polity_rows(self.table)
        return self._polity


#: What :func:`using` made current: a :class:`CodeTables` or a function returning one.
_CURRENT: contextvars.ContextVar = contextvars.ContextVar("peacestats_code_tables", default=None)


@contextlib.contextmanager
def using(tables: CodeTables | Callable[[], CodeTables]):
    """Make ``tables`` (or what a function returns, asked at each conversion) current in a ``with`` block.

    ``peacestats build`` runs each builder inside ``using(...)`` with the crosswalk of the
    build's own state lists, recording that the table read them.
    """
    token = _CURRENT.set(tables)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> CodeTables:
    """The current :class:`CodeTables`: the one :func:`using` set, else the default loader's."""
    cur = _CURRENT.get()
    if cur is None:
        from ..data import code_tables

        return code_tables()
    return cur if isinstance(cur, CodeTables) else cur()


def _polity_rows(table: pd.DataFrame) -> pd.DataFrame:
    """GW -> Polity rows: the GW spells of the crosswalk ``table``, recoded by the Polity exceptions."""
    base = table[["gwcode", "name", "start_date", "end_date"]].copy()
    base = base.groupby(["gwcode", "name"], as_index=False, sort=False).agg(
        start_date=("start_date", "min"), end_date=("end_date", "max"))
    rows = []
    exc = _polity_exceptions()
    # each code's rows, in file order
    by_code = {code: list(g.itertuples()) for code, g in exc.groupby("gwcode", sort=False)}
    for r in base.to_dict("records"):
        cuts = [r]
        for x in by_code.get(r["gwcode"], []):
            lo, hi = r["start_date"], r["end_date"]
            if pd.notna(x.start_year):
                lo = max(lo, pd.Timestamp(int(x.start_year), 1, 1))
            if pd.notna(x.end_year):
                hi = min(hi, pd.Timestamp(int(x.end_year), 12, 31))
            if lo > hi:
                continue
            cuts = _subtract(cuts, lo, hi)
            cuts.append({**r, "start_date": lo, "end_date": hi, "polity_code": int(x.polity_code)})
        for c in cuts:
            c.setdefault("polity_code", int(r["gwcode"]))
            rows.append(c)
    out = pd.DataFrame(rows).sort_values(["gwcode", "start_date"]).reset_index(drop=True)
    out["polity_code"] = out["polity_code"].astype("Int64")
    return out
