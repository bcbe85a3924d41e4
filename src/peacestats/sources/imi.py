"""International Military Intervention (IMI), 1946-2005.

Dataset page
------------
Key ``imi``; version ``1946-2005-merged``: ``MergedIMIData1947-2005.xls`` (Excel 97, read
with python-calamine, sheet ``Pearson.txt``), Pearson & Baumann's 1946-1988 collection (ICPSR 6035)
merged with Kisangani & Pickering's 1989-2005 update (ICPSR 21282), which follows the same
coding rules. An intervention is "the movement of regular troops or forces (airborne,
seaborne, shelling, etc) of one country inside another, in the context of some political
issue or dispute" (Pearson & Baumann 1993); repeated acts within six months are one
intervention. Paramilitaries, government-backed militias and private security forces are
excluded, as are accidental border crossings, exercises, transit and troops staying in foreign
bases; advisers count only in direct combat (Kisangani & Pickering, ICPSR 21282 codebook,
"Background and Definitions", checked against its published text in 2026-12; the codebook's
category lists for the coded variables were not available to check, so they stay undecoded).
Unit: an intervention by one intervener in one target. 1,111 rows, starts 1946-2005. The file
has no id: primary key ``row`` (1-based data row in file order); (``intervener``, ``target``,
``start_date``) is also unique. Country codes are COW.

Codes. The loader keeps the published integer codes; it does not restate the codebook's
category labels for ``direction``, ``type``, ``amount``, ``air``, ``naval``,
``size_naval``, ``source`` and ``territorial`` (see the ICPSR 6035 / 21282 codebooks). What it
does decode is the missing values, per column (:data:`MISSING_CODES`): 9 in the one-digit
columns, 998, 999 and 9999999 in the casualty counts (the codebook's non-number codes and the
merged file's blank), 88888888 and 99999999 in the end date. Each becomes NA; the casualty and
end-date columns keep the code in a ``*_code`` column so that nothing is lost.

Columns (the file's name in brackets)

- ``row`` (int): 1-based data row, the key
- ``intervener`` (Int64) [intervener]: COW code of the intervening state, or an
  organization/coalition code: 1 and 1014 United Nations (1946-1988 and 1989-2005 parts),
  429 OAU, 619 Arab League, 653 the Sinai MFO (codes inside the COW range),
  1060 NATO, 1016 NATO SFOR, 2220 European Union, 2310 CIS, 2400 OAU/AU, 2420 ECOWAS/ECOMOG,
  2431 CEMAC, 2450 SADC, 2460 COMESSA, 3xxx ad hoc multinational forces (names from the rows'
  own descriptions, :data:`ORGANIZATIONS`)
- ``intervener_kind`` (str): ``"organization"`` for the codes above and any code over 999,
  else ``"state"``;
  ``intervener_name`` (str): the organization's name, NA for states
- ``target`` (Int64) [target]: COW code of the target state (once 1, the United Nations
  Command in Korea, row 87: reported by :func:`check`)
- ``start_date``, ``end_date`` (datetime) [start, end: yyyymmdd integers], with
  ``start_precision``, ``end_precision`` (str): ``"day"``, or ``"month"`` when the published
  day does not exist in the month (``19751131``: the date is the first of the month, the
  published day is not guessed); NA when the date is missing
- ``end_code`` (Int64): 88888888 (43 rows, all but 8 starting 2001-2005) or 99999999 (14 rows)
  where the file has one of these instead of an end date, else NA. The merged file does not
  say which means "ongoing at the end of the data" and which "unknown", so both ends are NA.
- ``date_notes`` (str): what the date reader decided for the row (a day that does not exist,
  an unreadable published value left missing); ``""`` when nothing
- ``source`` (Int64) [source]: as coded (values 1-4)
- ``direction`` (Int64) [direction]: the direction of the intervention (in support of or
  against the target government, or against a third party in the target), codes 0-6
- ``type`` (Int64) [type]: type of intervention, codes 0-5
- ``amount`` (Int64) [amount], ``air`` (Int64) [air], ``naval`` (Int64) [naval],
  ``size_naval`` (Int64) [size_naval]: scale of ground, air and naval involvement, ordinal
  codes as published
- ``firing_outside`` (Int64) [firing_outside]: 0/1, as coded
- ``intervener_casualties``, ``target_casualties`` (Int64) [intervener_casualties,
  "target casualties"]: deaths as coded; NA for the codes 998, 999, 9999999, which
  ``intervener_casualties_code`` / ``target_casualties_code`` keep
- motives, 0/1 (1 = the motive is present), as coded: ``domestic_dispute`` (taking sides in
  the target's domestic dispute), ``affect_policies`` (affecting the target's policies),
  ``social_protective`` (protecting a social group), ``pursuit_border`` (pursuit of rebels or
  terrorists across the border), ``economic``, ``strategic``, ``humanitarian``,
  ``territorial`` (0/1/2 as coded), ``military_diplomatic`` [military/diplomatic]
- ``contiguity`` (Int64) [contiguity], ``int_contig`` (Int64) [int_contig]: contiguity codes as
  published (0/1/2); ``int_contig`` is blank in 3 rows
- ``description`` (str) [description]: short description and sources, as written

Published dates that are not dates are listed in :data:`IRREGULAR_DATES` (``10720718``,
``199705170``, ``88888889`` in ``end``, ``99999999`` in ``start``): left missing with a note.
Any other value that is not a yyyymmdd date raises :class:`SchemaError` naming file, column and row.

Known problems (:func:`check` lists them): codes that are not COW states or not members of
the state system in the start year, impossible days (31 November, 29 February 1953), ends
before starts, and dates outside 1946-2005.

Citation: Pearson, F.S. & Baumann, R.A. (1993). International Military Intervention,
1946-1988. ICPSR 6035; Kisangani, E.F. & Pickering, J. (2008). International Military
Interventions, 1989-2005. ICPSR 21282.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, read, validate

KEY = "imi"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
PRIMARY_KEY = ("row",)
COVERAGE = (1946, 2005)

ORGANIZATIONS = {
    1: "United Nations", 1014: "United Nations", 429: "OAU", 619: "Arab League",
    653: "Multinational Force and Observers (Sinai, US-led)", 1016: "NATO SFOR", 1060: "NATO",
    2220: "European Union", 2310: "Commonwealth of Independent States", 2400: "OAU/African Union",
    2420: "ECOWAS/ECOMOG", 2431: "CEMAC", 2450: "SADC", 2460: "COMESSA",
    3040: "Multinational force in Haiti (US-led)", 3300: "Multinational force in Albania",
    3482: "MISAB (Central African Republic)", 3500: "Operation United Shield (US-led)",
    3600: "Operation Provide Comfort (US, UK, France, Turkey)", 3601: "Operation Northern Watch",
    3602: "Operation Southern Watch (UK, US, France)", 3700: "ISAF", 3850: "INTERFET (Australia-led)",
    3900: "South Pacific peacekeeping force", 3901: "Truce Monitoring Group (New Zealand-led)",
    3902: "Peace Monitoring Group (Australia-led)", 3903: "Regional mission to Solomon Islands (Australia-led)",
}  # fmt: skip

#: tidy column -> the published codes that mean "no value" (NA after loading)
_ONE_DIGIT = ["source", "direction", "type", "amount", "air", "naval", "size_naval", "firing_outside",
              "domestic_dispute", "affect_policies", "social_protective", "pursuit_border", "economic",
              "strategic", "humanitarian", "territorial", "military_diplomatic", "contiguity",
              "int_contig"]  # fmt: skip
MISSING_CODES: dict[str, set[int]] = {
    **{c: {9} for c in _ONE_DIGIT},
    "intervener_casualties": {998, 999, 9999999},
    "target_casualties": {998, 999, 9999999},
    "end": {88888888, 99999999},
}
#: published date values that are not one date: left missing with the reason
IRREGULAR_DATES = {
    ("start", 99999999): "the end-date code for unknown, in the start",
    ("end", 10720718): "year 1072 (a slip for 1972?)",
    ("end", 199705170): "nine digits",
    ("end", 88888889): "not a date (the code 88888888 mistyped?)",
}

RENAME = {"target casualties": "target_casualties", "military/diplomatic": "military_diplomatic"}

ORDER = [
    "row", "intervener", "intervener_kind", "intervener_name", "target", "start_date", "start_precision",
    "end_date", "end_precision", "end_code", "date_notes", "source", "direction", "type", "amount", "air",
    "naval", "size_naval", "firing_outside", "intervener_casualties", "intervener_casualties_code",
    "target_casualties", "target_casualties_code", "domestic_dispute", "affect_policies",
    "social_protective", "pursuit_border", "economic", "strategic", "humanitarian", "territorial",
    "military_diplomatic", "contiguity", "int_contig", "description",
]  # fmt: skip

_req: dict[str, Any] = dict(coerce=True, nullable=False)
SCHEMA = pa.DataFrameSchema(
    {
        "intervener": pa.Column("Int64", pa.Check.in_range(1, 9999), **_req),
        "target": pa.Column("Int64", pa.Check.in_range(1, 9999), **_req),
        "start": pa.Column("Int64", pa.Check.gt(0), **_req),
        "end": pa.Column("Int64", pa.Check.gt(0), **_req),
        **{c: pa.Column("Int64", pa.Check.in_range(0, 9), **_req) for c in _ONE_DIGIT
           if c not in ("military_diplomatic", "int_contig")},
        "military/diplomatic": pa.Column("Int64", pa.Check.in_range(0, 9), **_req),
        "int_contig": pa.Column("Int64", pa.Check.in_range(0, 9), coerce=True, nullable=True),
        "intervener_casualties": pa.Column("Int64", pa.Check.ge(0), **_req),
        "target casualties": pa.Column("Int64", pa.Check.ge(0), **_req),
        "description": pa.Column(str, nullable=True),
    },
    strict=False,
)


def parse_yyyymmdd(value: int, column: str = "start"):
    """One IMI date -> ``(date, precision, note)``; ``None`` when it is not a date.

    >>> parse_yyyymmdd(19920112)
    (Timestamp('1992-01-12 00:00:00'), 'day', '')
    >>> parse_yyyymmdd(19751131)[:2]
    (Timestamp('1975-11-01 00:00:00'), 'month')
    >>> parse_yyyymmdd(88888888, "end")
    (NaT, <NA>, '')
    """
    if pd.isna(value):
        return pd.NaT, pd.NA, ""
    v = int(value)
    if v in MISSING_CODES.get(column, ()):
        return pd.NaT, pd.NA, ""
    if (column, v) in IRREGULAR_DATES:
        return pd.NaT, pd.NA, f"{column} {v} left missing ({IRREGULAR_DATES[(column, v)]})"
    if not 10_000_000 <= v <= 99_999_999:
        return None
    y, m, d = v // 10000, v // 100 % 100, v % 100
    if not (1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    try:
        return pd.Timestamp(year=y, month=m, day=d), "day", ""
    except ValueError:
        return pd.Timestamp(year=y, month=m, day=1), "month", f"{column} {v}: day {d} does not exist in {y}-{m:02d}"


def load(path: str | Path | None = None) -> pd.DataFrame:
    """IMI 1946-2005, one row per intervention (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        1,111 rows in file order, the columns of :data:`ORDER`.

    Raises
    ------
    SchemaError, EmptyFileError
        An empty, truncated or non-xls file, a missing column, a code that is not a number or
        out of range, a start or end that is not a yyyymmdd date; messages name the file,
        column and 1-based row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    return tidy(validate(raw, SCHEMA, KEY, path), path)


def tidy(raw: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """The tidy frame from a validated raw frame (file columns)."""
    df = raw.rename(columns=RENAME).reset_index(drop=True)
    df.insert(0, "row", np.arange(1, len(df) + 1))
    for col in ("intervener", "target"):
        df[col] = df[col].astype("Int64")
    org = df["intervener"].isin(list(ORGANIZATIONS)) | (df["intervener"] > 999)
    df["intervener_kind"] = np.where(org, "organization", "state")
    df["intervener_name"] = df["intervener"].map(lambda c: ORGANIZATIONS.get(int(c), pd.NA)).astype(object)
    notes: list[list[str]] = [[] for _ in range(len(df))]
    for col in ("start", "end"):
        dates, precisions = [], []
        for i, v in enumerate(df[col]):
            parsed = parse_yyyymmdd(v, col)
            if parsed is None:
                raise SchemaError(
                    f"{KEY}: {path}, column {col!r}, {_row_label(i)}: {int(v) if pd.notna(v) else v!r} "
                    "is not a yyyymmdd date. Correct the "
                    "cell or use the registry copy."
                )
            dates.append(parsed[0])
            precisions.append(parsed[1])
            if parsed[2]:
                notes[i].append(parsed[2])
        df[f"{col}_date"] = pd.to_datetime(pd.Series(dates, dtype="datetime64[ns]"))
        df[f"{col}_precision"] = pd.Series(precisions, dtype="string")
    end = df["end"].astype("Int64")
    df["end_code"] = end.where(end.isin(list(MISSING_CODES["end"])), pd.NA)
    df["date_notes"] = ["; ".join(n) for n in notes]
    for col in ("intervener_casualties", "target_casualties"):
        v = df[col].astype("Int64")
        special = v.isin(list(MISSING_CODES[col]))
        df[f"{col}_code"] = v.where(special, pd.NA)
        df[col] = v.mask(special)
    for col in _ONE_DIGIT:
        v = df[col].astype("Int64")
        df[col] = v.mask(v.isin(list(MISSING_CODES[col])))
    df["description"] = df["description"].map(lambda t: t.strip() if isinstance(t, str) else t)
    return df[ORDER]


def _period_end(date, precision):
    return date + pd.offsets.MonthEnd(0) if precision == "month" else date


def check(df: pd.DataFrame, cow: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coding slips to know about, one row per finding.

    Checks (a) ``target`` and a state ``intervener`` against the COW state list: a code that
    is no COW state, or a state that is not a member of the system in the start year (the
    message names the COW state); (b) dates: a day that does not exist, an unreadable date,
    an end before the start, a start outside 1946-2005; (c) an intervener that is its own
    target.

    Parameters
    ----------
    df
        :func:`load` output.
    cow
        The COW state list (default ``peacestats.sources.load("cow_states")``).

    Returns
    -------
    pandas.DataFrame
        Columns ``row, column, value, problem, suggestion``, sorted by ``row``.
    """
    if cow is None:
        from . import load as load_source

        cow = load_source("cow_states")
    spells: dict[int, list[tuple[pd.Timestamp, pd.Timestamp, str]]] = {}
    for r in cow.itertuples(index=False):
        spells.setdefault(int(r.ccode), []).append((r.start_date, r.end_date, r.statename))
    rows: list[dict] = []

    def add(r, column, value, problem, suggestion):
        rows.append({"row": int(r.row), "column": column, "value": value, "problem": problem,
                     "suggestion": suggestion})  # fmt: skip

    for r in df.itertuples(index=False):
        year = r.start_date.year if pd.notna(r.start_date) else None
        for column in ("intervener", "target"):
            code = int(getattr(r, column))
            if column == "intervener" and r.intervener_kind == "organization":
                continue
            if code not in spells:
                add(r, column, code, f"{code} is not a COW state code", "look up the state in the description: "
                    f"{r.description!r}")
            elif year is not None and not any(a.year <= year <= b.year for a, b, _ in spells[code]):
                name = spells[code][0][2]
                span = ", ".join(f"{a.year}-{b.year}" for a, b, _ in spells[code])
                add(r, column, code, f"{code} ({name}) is not a COW member in {year} (member {span})",
                    f"check the code against the description {r.description!r}")
        if r.intervener == r.target:
            add(r, "target", int(r.target), "the intervener is its own target", "check both codes")
        if r.date_notes:
            for note in r.date_notes.split("; "):
                column = note.split(" ", 1)[0]
                add(r, f"{column}_date", note.split(" ", 2)[1].rstrip(":"), note,
                    "the date is left at the month or missing; check it in the ICPSR release")
        if pd.notna(r.start_date) and pd.notna(r.end_date) and _period_end(r.end_date, r.end_precision) < r.start_date:
            add(r, "end_date", r.end_date.date().isoformat(), f"the intervention ends before it starts "
                f"({r.start_date.date()})", "check both dates")
        if year is not None and not COVERAGE[0] <= year <= COVERAGE[1]:
            add(r, "start_date", r.start_date.date().isoformat(), f"{year} is outside 1946-2005", "check the year")
        if pd.isna(r.start_date) and not r.date_notes:
            add(r, "start_date", "", "no start date", "check the start in the ICPSR release")
    out = pd.DataFrame(rows, columns=["row", "column", "value", "problem", "suggestion"])
    return out.sort_values("row", kind="stable").reset_index(drop=True)
