"""Country-code crosswalks: Gleditsch-Ward (GW) <-> Correlates of War (COW) <-> ISO3 <-> names.

GW codes are the project's code system. Other datasets come in COW codes (Kathman's
peacekeeping data, Polity, Doyle & Sambanis), in Polity's own COW-like codes, or in
ISO 3166 alpha-3 (Maddison). This module converts between them **by date**, because the
systems differ exactly where states merged or split.

How the crosswalk is built (:func:`crosswalk`)
----------------------------------------------
1. Every membership spell of the GW list (:mod:`peacestats.sources.gw_states`) is paired
   with the COW state that has the **same code** (COW list:
   :mod:`peacestats.sources.cow_states`), over the GW spell's dates. GW codes that COW does
   not use (89, 99, 563, 564, 711, 815) get no COW code.
2. Hand-made rows from ``resources/codes/gw_cow_exceptions.csv`` (each with its rule and
   source) replace the automatic pairing over their dates or add rows. They were derived
   by comparing the two lists (codes in one list only; spells of one code that the other
   list gives to another code):

   ========================  ===========================================================
   Germany                   GW 260 from 1990-10-03 = COW 255 (GW keeps 260 after
                             unification; COW returns to 255). GW 255 = COW 255 to 1945,
                             GW 265 = COW 265.
   Yemen                     GW 678 from 1990-05-22 = COW 679 (COW starts a new state;
                             GW continues North Yemen 678). GW 680 = COW 680.
   Serbia / Yugoslavia       GW 345 = COW 345 to 2006-06-04; GW 340 (Serbia) = COW 345
                             from 2006-06-05 and 1878-1918 (COW codes pre-1918 Serbia 345).
   microstates               absent from the GW main list; the GW microstates list codes
                             them as COW does, except Kiribati (GW 970 / COW 946), Nauru
                             (971 / 970), Tonga (972 / 955), Tuvalu (973 / 947). Abkhazia
                             396 and South Ossetia 397 are GW only.
   ========================  ===========================================================

   Where COW dates a state's membership outside GW's dates (Laos from 1953, Morocco to 1912,
   Egypt 1856-1882, Saudi Arabia 1927-1932, Croatia/Slovenia/Bosnia early 1992, ...), the COW
   code is paired on those dates with the GW state of the same code and abbreviation, so
   every COW state-year converts.

   Sudan/South Sudan (625/626), USSR/Russia (365), Ethiopia/Eritrea (530/531),
   Pakistan/Bangladesh (770/771), Czechoslovakia/Czech Republic (315/316) and the two
   Vietnams (816/817) carry the same codes in both lists (the data show it; no rule needed).
3. ISO3 comes from country_converter's name matching on the GW name, overridden by
   ``resources/codes/gw_iso3_exceptions.csv`` where that is wrong or the state changed
   code: former ISO 3166-3 codes for dissolved states (``SUN`` USSR 1922-1991, ``YUG``
   Yugoslavia to 2002 and ``SCG`` 2003-2006, ``CSK``, ``DDR``, ``YMD``, ``VDR`` North Vietnam
   to 1975), ``XKX`` for Kosovo, and no code for states ISO never coded (Hanover, Tibet, ...).
   ``to_iso3(..., former="successor")`` gives the present-day successor instead
   (``SUN -> RUS``, ``YUG/SCG -> SRB``, ``CSK -> CZE``, ``DDR -> DEU``, ``YMD -> YEM``,
   ``VDR -> VNM``), which is what backcast series (World Bank, Maddison's RUS/SRB) use.

   country_converter (1.3.2) has no COW codes, and its ``GWcode`` column is wrong for
   Czechia (gives 315, GW 316), Vietnam (817, GW 816) and Yemen (680, GW 678); its regex
   maps "Czechoslovakia" to CZE, "Yemen, People's Republic of" to YEM, "Great Colombia" to
   COL and "Korea" (1816-1910) to KOR. So it is used for names only, never for GW codes.

Conversion rules
----------------
- A (code, **date**) converts through the row in force on that date.
- A (code, **year**) converts through the row in force for the larger part of the year
  (ties: the later row). Germany 1990: GW 260 -> COW 260 (West Germany until 3 October);
  Yemen 1990: GW 678 -> COW 679 (united from 22 May); COW 345 in 2006 -> GW 340 (Serbia
  from 5 June). Rows of states still in the system at the end of a list (GW 2017-12-31,
  COW 2016-12-31) are open-ended: a code converts in any later year.
- A code with no row in force that year raises :class:`~peacestats.errors.UnmatchedCodeError`
  listing every unmatched (code, year), never a silent NA. A code the crosswalk knows but
  that has no counterpart (GW 711 Tibet has no COW code; GW 240 Hanover has no ISO3) raises
  too, unless ``strict=False``, which gives ``<NA>`` for those (and only those).

Examples
--------
>>> from peacestats.harmonize.codes import gw_to_cow, cow_to_gw, to_iso3
>>> cow_to_gw(345, 2010)
340
>>> gw_to_cow(260, [1980, 1995]).tolist()
[260, 255]
>>> to_iso3(365, [1980, 2000]).tolist()
['SUN', 'RUS']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import HarmonizeError, UnmatchedCodeError
from .code_tables import (
    _OPEN,
    CodeTables,
    _name_iso3,
    _read_resource,
    current,
    exceptions,
    iso3_exceptions,
    make_crosswalk,
    polity_exceptions,
    using,
)

__all__ = [
    "CodeTables",
    "make_crosswalk",
    "using",
    "current",
    "crosswalk",
    "gw_to_cow",
    "cow_to_gw",
    "to_iso3",
    "gw_to_polity",
    "country_name",
    "name_to_gw",
    "exceptions",
    "iso3_exceptions",
    "polity_exceptions",
]

_FORMER_CHOICES = ("iso", "successor")


def crosswalk() -> pd.DataFrame:
    """The GW-COW-ISO3 crosswalk, one row per period in which the codes are constant.

    Returns
    -------
    pandas.DataFrame
        ``gwcode`` (Int64), ``cowcode`` (Int64, NA where COW has no such state),
        ``iso3`` (string: ISO 3166-1 alpha-3, ISO 3166-3 former codes for dissolved states,
        ``XKX`` for Kosovo, NA where ISO never coded the state), ``successor_iso3``
        (the present-day successor's code), ``name`` (GW name), ``start_date``,
        ``end_date`` (NaT = still in the system at the end of the lists: open-ended),
        ``start_year``, ``end_year`` (NA = open-ended), ``source`` (for hand-made rows,
        the rule and its source). Sorted by ``gwcode``, ``start_date``.
    """
    out = current().table.copy()
    out.loc[out["end_date"] >= _OPEN, "end_date"] = pd.NaT
    return out


# --------------------------------------------------------------------------------------
# conversion engine
# --------------------------------------------------------------------------------------
def _is_scalar(v) -> bool:
    return v is None or v is pd.NA or np.isscalar(v) or isinstance(v, pd.Timestamp)


def _as_frame(codes, years=None, dates=None) -> tuple[pd.DataFrame, bool, pd.Index]:
    """Inputs as a frame (code, year, date); scalars broadcast; returns (frame, scalar, index)."""
    if years is None and dates is None:
        raise HarmonizeError(
            "Country codes changed over time (Germany 1990, Yemen 1990, Serbia 2006): give the "
            "years (or dates) to convert, e.g. gw_to_cow(df.gwcode, df.year)."
        )
    inputs = {"codes": codes, "years": years, "dates": dates}
    lengths = {k: len(v) for k, v in inputs.items() if v is not None and not _is_scalar(v)}
    if len(set(lengths.values())) > 1:
        raise HarmonizeError(
            f"codes, years and dates must have the same length (got {lengths}); give one year per code"
        )
    n = next(iter(lengths.values()), 1)
    scalar = not lengths
    index = None
    for v in (codes, years, dates):
        if isinstance(v, pd.Series):
            index = v.index
            break
    index = pd.RangeIndex(n) if index is None else index

    def col(v):
        if v is None:
            return None
        return pd.Series([v] * n, dtype="object") if _is_scalar(v) else pd.Series(list(v), dtype="object")

    c, y, d = col(codes), col(years), col(dates)
    if d is not None:
        d = pd.to_datetime(d)
        if y is None:
            y = d.dt.year
    frame = pd.DataFrame({"code": pd.to_numeric(c, errors="coerce").astype("Int64"),
                          "year": pd.to_numeric(y, errors="coerce").astype("Int64")})
    frame["date"] = d.values if d is not None else pd.NaT
    frame["date"] = pd.to_datetime(frame["date"])
    return frame, scalar, index


def _match(table: pd.DataFrame, key: str, frame: pd.DataFrame) -> np.ndarray:
    """For each input row, the position in ``table`` of the row it converts through (-1: none)."""
    group = frame.groupby(["code", "year", "date"], dropna=False, sort=False).ngroup().to_numpy()
    uq = frame.drop_duplicates().reset_index(drop=True)  # same order as ngroup(sort=False)
    uq["_q"] = np.arange(len(uq))
    t = table[table[key].notna()][[key, "start_date", "end_date"]].copy()
    t["_row"] = np.flatnonzero(table[key].notna().to_numpy())
    m = uq.dropna(subset=["code", "year"]).merge(t, left_on="code", right_on=key, how="inner")
    years = m["year"].astype(int).to_numpy()
    ys = pd.to_datetime(pd.DataFrame({"year": years, "month": 1, "day": 1})).to_numpy()
    ye = pd.to_datetime(pd.DataFrame({"year": years, "month": 12, "day": 31})).to_numpy()
    lo = np.maximum(m["start_date"].to_numpy(), ys)
    hi = np.minimum(m["end_date"].to_numpy(), ye)
    m["overlap"] = (hi - lo) / np.timedelta64(1, "D") + 1
    m["covers"] = m["date"].notna() & (m["start_date"] <= m["date"]) & (m["date"] <= m["end_date"])
    m = m[(m["overlap"] > 0) | m["covers"]]
    # the row covering the date; else the row in force for most of the year; ties: the later row
    m = m.sort_values(["_q", "covers", "overlap", "start_date"], ascending=[True, False, False, False])
    best = m.drop_duplicates("_q").set_index("_q")["_row"]
    per_q = np.full(len(uq), -1, dtype=int)
    per_q[best.index.to_numpy()] = best.to_numpy()
    return per_q[group]


def _fmt_pairs(frame: pd.DataFrame) -> str:
    pairs = frame[["code", "year"]].drop_duplicates().sort_values(["code", "year"])
    return ", ".join(
        f"{'NA' if pd.isna(c) else int(c)} ({'NA' if pd.isna(y) else int(y)})" for c, y in pairs.itertuples(index=False)
    )


def _raise_unmatched(fn: str, system: str, frame: pd.DataFrame, hint: str) -> None:
    pairs = frame[["code", "year"]].drop_duplicates()
    err = UnmatchedCodeError(
        f"{fn}: {len(pairs)} {system} code-year(s) match no row of the crosswalk: "
        f"{_fmt_pairs(frame)}. {hint} peacestats.harmonize.codes.crosswalk() lists every row."
    )
    err.unmatched = [(None if pd.isna(c) else int(c), None if pd.isna(y) else int(y))
                     for c, y in pairs.itertuples(index=False)]
    raise err


def _convert(fn, codes, years, dates, key, target, system, hint, strict, table=None):
    frame, scalar, index = _as_frame(codes, years, dates)
    table = current().table if table is None else table
    rows = _match(table, key, frame)
    miss = rows < 0
    if miss.any():
        _raise_unmatched(fn, system, frame[miss], hint)
    vals = table[target].iloc[rows].reset_index(drop=True)
    none = vals.isna().to_numpy()
    if none.any() and strict:
        sub = frame[none]
        names = table["name"].iloc[rows[none]].to_numpy()
        listing = ", ".join(sorted({f"{int(c)} {n} ({int(y)})" for c, y, n in zip(sub["code"], sub["year"], names)}))
        err = UnmatchedCodeError(
            f"{fn}: {len(sub[['code', 'year']].drop_duplicates())} code-year(s) are known but have no "
            f"{target} counterpart: {listing}. Pass strict=False to get <NA> for these (the row is kept)."
        )
        err.unmatched = sorted({(int(c), int(y)) for c, y in zip(sub["code"], sub["year"])})
        raise err
    if scalar:
        v = vals.iloc[0]
        if pd.isna(v):
            return pd.NA
        return str(v) if target in ("iso3", "successor_iso3", "name") else int(v)
    out = pd.Series(vals.values, index=index, name=target)
    return out


def gw_to_cow(codes, years=None, *, dates=None, strict: bool = True):
    """Convert Gleditsch-Ward codes to Correlates of War codes, by year (or date).

    Parameters
    ----------
    codes
        GW code(s): a scalar, a list, an array or a Series (its index is kept).
    years
        The year of each code (scalar or one per code). See the module docstring for the
        rule in years when a code changed (the row in force for most of the year).
    dates
        Optional dates (one per code, or a scalar): the row in force on that date is used;
        a date in no row's span falls back to its year.
    strict
        If True (default), a known GW state with no COW code (Tibet 711, Abkhazia 396, the
        19th-century GW-only states) raises. If False, those give ``<NA>``.

    Returns
    -------
    int or pandas.Series (Int64)
        A scalar for scalar input, else a Series aligned with ``codes``.

    Raises
    ------
    UnmatchedCodeError
        Listing every (code, year) that matches no crosswalk row (``err.unmatched``).

    Examples
    --------
    >>> gw_to_cow(260, 1995)
    255
    >>> gw_to_cow([345, 340], [2000, 2010]).tolist()
    [345, 345]
    """
    frame_hint = ("Are these COW codes? Use cow_to_gw. Is the year inside the state's "
                  "GW membership?")
    return _convert("gw_to_cow", codes, years, dates, "gwcode", "cowcode", "GW", frame_hint, strict)


def cow_to_gw(codes, years=None, *, dates=None, strict: bool = True):
    """Convert Correlates of War codes to Gleditsch-Ward codes, by year (or date).

    Parameters and return value as :func:`gw_to_cow`. ``strict`` has no effect in this
    direction except for rows without a GW code (there are none in the shipped crosswalk).

    Examples
    --------
    >>> cow_to_gw(345, [1995, 2010]).tolist()
    [345, 340]
    >>> cow_to_gw(255, 1995)
    260
    >>> cow_to_gw(970, 2005)   # COW 970 is Nauru, which GW codes 971
    971
    """
    hint = ("Are these GW codes? Use gw_to_cow. COW codes exist only during COW membership "
            "(COW 255 is Germany to 1945 and from 1990; COW 679 is Yemen from 1990).")
    return _convert("cow_to_gw", codes, years, dates, "cowcode", "gwcode", "COW", hint, strict)


def to_iso3(gwcodes, years=None, *, dates=None, former: str = "iso", strict: bool = True):
    """ISO 3166 alpha-3 codes of GW states, by year.

    Parameters
    ----------
    gwcodes, years, dates
        As :func:`gw_to_cow`.
    former
        ``"iso"`` (default): the code ISO gave the state in that year, with ISO 3166-3 former
        codes for dissolved states (``SUN`` USSR 1922-1991, ``YUG``/``SCG`` Yugoslavia,
        ``CSK``, ``DDR``, ``YMD``, ``VDR``). ``"successor"``: the present-day successor's code
        (``RUS``, ``SRB``, ``CZE``, ``DEU``, ``YEM``, ``VNM``), as backcast series use.
    strict
        If True (default), a state ISO never coded (Hanover, Tibet, Zanzibar, ...) raises;
        if False it gives ``<NA>``.

    Examples
    --------
    >>> to_iso3(260, 2000)
    'DEU'
    >>> to_iso3([315, 365], 1980, former="successor").tolist()
    ['CZE', 'RUS']
    """
    if former not in _FORMER_CHOICES:
        raise HarmonizeError(f"to_iso3: former={former!r}; use one of {_FORMER_CHOICES}")
    target = "iso3" if former == "iso" else "successor_iso3"
    hint = "Are these GW codes (not COW)? Is the year inside the state's GW membership?"
    out = _convert("to_iso3", gwcodes, years, dates, "gwcode", target, "GW", hint, strict)
    if isinstance(out, pd.Series):
        out = out.astype("string").rename("iso3")
    return out


def gw_to_polity(gwcodes, years=None, *, strict: bool = True):
    """Polity5 country codes of GW states, by year.

    Polity's codes are COW-based but not COW (:mod:`peacestats.sources.polity5`): the USSR
    is 364 (1923-1991), Serbia 342, Montenegro 348, Kosovo 341, FRY/Serbia and Montenegro 347
    (1992-2006), Ethiopia 529 from 1993, Sudan 626 from 2012 and South Sudan 525, Pakistan
    769 to 1971, united Vietnam 818 from 1976, united Yemen 679 from 1990, united Germany
    255 from 1991. Elsewhere the Polity code is the GW code. The rules, with sources, are
    in ``resources/codes/gw_polity_exceptions.csv``; in a year when Polity lists both the old
    and the new code, the GW state takes the code in force for most of the year.

    Examples
    --------
    >>> gw_to_polity(365, [1980, 2000]).tolist()
    [364, 365]
    """
    hint = "Are these GW codes? Is the year inside the state's GW membership?"
    return _convert("gw_to_polity", gwcodes, years, None, "gwcode", "polity_code", "GW", hint,
                    strict, table=current().polity)


def country_name(gwcodes, years=None):
    """GW state names (``"Russia (Soviet Union)"``, ``"German Federal Republic"``).

    Parameters
    ----------
    gwcodes
        GW code(s).
    years
        Optional: the name in force that year (names change only for Madagascar). Without
        years, the name of the code's latest spell.

    Raises
    ------
    UnmatchedCodeError
        Listing every code that no crosswalk row has.
    """
    table = current().table
    if years is not None:
        return _convert("country_name", gwcodes, years, None, "gwcode", "name", "GW",
                        "Is the year inside the state's GW membership?", True)
    scalar = np.isscalar(gwcodes)
    index = gwcodes.index if isinstance(gwcodes, pd.Series) else None
    c = pd.to_numeric(pd.Series([gwcodes] if scalar else list(gwcodes), dtype="object"),
                      errors="coerce").astype("Int64")
    latest = table.sort_values("start_date").drop_duplicates("gwcode", keep="last").set_index("gwcode")["name"]
    vals = c.map(latest)
    miss = vals.isna()
    if miss.any():
        bad = sorted({("NA" if pd.isna(v) else str(int(v))) for v in c[miss]})
        err = UnmatchedCodeError(
            f"country_name: {len(bad)} code(s) are not GW codes: {', '.join(bad)}. "
            "peacestats.harmonize.codes.crosswalk() lists every GW code."
        )
        err.unmatched = bad
        raise err
    if scalar:
        return str(vals.iloc[0])
    return pd.Series(vals.values, index=index if index is not None else pd.RangeIndex(len(c)), name="name")


def name_to_gw(names, years=None):
    """GW codes from country names, by year.

    A name matches a GW or COW state name, a part of a GW name (``"Soviet Union"`` in
    ``"Russia (Soviet Union)"``) or an alias in ``resources/codes/name_aliases.csv``
    (``"West Germany"``, ``"USSR"``) exactly (case-insensitive), else
    country_converter's regular expressions give an ISO3 code, which is looked up in the
    crosswalk (by ``iso3`` or ``successor_iso3``) among the states alive that year.

    Parameters
    ----------
    names
        Country name(s).
    years
        The year of each name (scalar or one per name). Without years, the latest state with
        that name or code.

    Raises
    ------
    UnmatchedCodeError
        Listing every name that matches no state (``err.unmatched``).

    Examples
    --------
    >>> name_to_gw(["Germany", "Serbia", "Ivory Coast"], 2010).tolist()
    [260, 340, 437]
    """
    tables = current()
    table = tables.table
    scalar = np.isscalar(names)
    index = names.index if isinstance(names, pd.Series) else None
    s = pd.Series([names] if scalar else list(names), dtype="object")
    n = len(s)
    if years is None:
        y = pd.Series([None] * n)
    elif np.isscalar(years):
        y = pd.Series([years] * n)
    else:
        y = pd.Series(list(years))
    uniq = sorted({str(v) for v in s.dropna()})
    by_iso = _name_iso3(uniq)
    exact = {}
    for r in table.itertuples(index=False):
        # "Russia (Soviet Union)", "Tanzania/Tanganyika": the full name and each alternative
        alts = {r.name} | {a.strip() for a in re.split(r"[()/]", r.name) if a.strip()}
        for a in alts:
            exact.setdefault(a.lower(), set()).add(int(r.gwcode))
    for a in _read_resource("name_aliases.csv").itertuples(index=False):
        exact.setdefault(a.name.lower(), set()).add(int(a.gwcode))
    cow_gw = tables.cow_names

    out = []
    unmatched = []
    for name, year in zip(s, y):
        if name is None or (isinstance(name, float) and np.isnan(name)):
            unmatched.append("NA")
            out.append(pd.NA)
            continue
        key = str(name).strip().lower()
        cands = table
        if year is not None and not pd.isna(year):
            yr = int(year)
            ys, ye = pd.Timestamp(yr, 1, 1), pd.Timestamp(yr, 12, 31)
            cands = table[(table["start_date"] <= ye) & (table["end_date"] >= ys)]
        hit = None
        if key in exact:
            m = cands[cands["gwcode"].isin(exact[key])]
            if len(m):
                hit = int(m.sort_values("start_date")["gwcode"].iloc[-1])
        if hit is None and key in cow_gw:
            m = cands[cands["cowcode"].isin(cow_gw[key])]
            if len(m):
                hit = int(m.sort_values("start_date")["gwcode"].iloc[-1])
        iso = by_iso.get(str(name))
        if hit is None and iso:
            m = cands[(cands["iso3"] == iso) | (cands["successor_iso3"] == iso)]
            if m["gwcode"].nunique() > 1:  # e.g. DEU 1950: GFR 260 (iso) beats nothing else
                m = m[m["iso3"] == iso] if (m["iso3"] == iso).any() else m
            if len(m):
                hit = int(m.sort_values("start_date")["gwcode"].iloc[-1])
        if hit is None:
            unmatched.append(f"{name!r}" + ("" if year is None or pd.isna(year) else f" ({int(year)})"))
            out.append(pd.NA)
        else:
            out.append(hit)
    if unmatched:
        uniq_bad = sorted(set(unmatched))
        err = UnmatchedCodeError(
            f"name_to_gw: {len(uniq_bad)} name(s) match no GW state: {', '.join(uniq_bad)}. "
            "Check the spelling and the year (the state must be in the GW list that year)."
        )
        err.unmatched = uniq_bad
        raise err
    if scalar:
        return out[0]
    return pd.Series(pd.array(out, dtype="Int64"), index=index if index is not None else pd.RangeIndex(n),
                     name="gwcode")
