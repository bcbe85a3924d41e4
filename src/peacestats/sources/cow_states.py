"""Correlates of War: State System Membership, v2016.

Dataset page
------------
Key ``cow_states``; version ``2016``. Unit: a spell of membership in the interstate system.
243 spells of 217 states, 1816-01-01 to 2016-12-31 (states still members end 2016-12-31).

Columns (the file's ``styear, stmonth, stday`` and ``endyear, endmonth, endday`` are
combined into dates; ``statenme`` is renamed ``statename``):

- ``ccode`` (Int64): COW country code (2 = United States, 255 = Germany, 260 = German
  Federal Republic 1955-1990, 265 = German Democratic Republic, 345 = Yugoslavia/Serbia)
- ``stateabb`` (str): three-letter abbreviation (``"USA"``)
- ``statename`` (str): state name
- ``start_date`` (datetime): first day of the spell (``styear-stmonth-stday``)
- ``end_date`` (datetime): last day of the spell (``endyear-endmonth-endday``)
- ``version`` (Int64): release year of the list (2016)

Primary key: (``ccode``, ``start_date``). 26 states have two spells (occupation or
loss of independence and return: France 1942-1944, Germany 1945-1990, Poland, the Baltic
states, Egypt, Japan, ...), so ``ccode`` alone is not unique.

Citation: Correlates of War Project (2017). State System Membership List, v2016.
http://correlatesofwar.org
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, read, validate

KEY = "cow_states"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("ccode", "start_date")

_year = pa.Check.in_range(1816, 2100)
SCHEMA = pa.DataFrameSchema(
    {
        "stateabb": pa.Column(str, nullable=False),
        "ccode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=False),
        "statenme": pa.Column(str, nullable=False),
        "styear": pa.Column("Int64", _year, coerce=True, nullable=False),
        "stmonth": pa.Column("Int64", pa.Check.in_range(1, 12), coerce=True, nullable=False),
        "stday": pa.Column("Int64", pa.Check.in_range(1, 31), coerce=True, nullable=False),
        "endyear": pa.Column("Int64", _year, coerce=True, nullable=False),
        "endmonth": pa.Column("Int64", pa.Check.in_range(1, 12), coerce=True, nullable=False),
        "endday": pa.Column("Int64", pa.Check.in_range(1, 31), coerce=True, nullable=False),
        "version": pa.Column("Int64", coerce=True, nullable=False),
    },
    unique=["ccode", "styear", "stmonth", "stday"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """The COW state system membership list, one row per spell (see the module docstring).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode, stateabb, statename, start_date, end_date, version``, sorted by
        ``ccode`` and ``start_date``.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A missing or renamed column, a value that is not a number or not a calendar date
        (30 February), a spell that ends before it starts, an empty file, or two spells
        of one state starting on the same day; the message names file, column and row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    out = pd.DataFrame(
        {
            "ccode": df["ccode"],
            "stateabb": df["stateabb"].astype(str),
            "statename": df["statenme"].astype(str),
            "start_date": _date_from_parts(df, "styear", "stmonth", "stday", path),
            "end_date": _date_from_parts(df, "endyear", "endmonth", "endday", path),
            "version": df["version"],
        }
    )
    bad = out["end_date"] < out["start_date"]
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(
            f"{KEY}: {path}, {_row_label(i)}: the spell of ccode {out.at[i, 'ccode']} ends "
            f"{out.at[i, 'end_date'].date()}, before it starts {out.at[i, 'start_date'].date()}"
        )
    return out.sort_values(list(PRIMARY_KEY), kind="stable").reset_index(drop=True)


def _date_from_parts(df: pd.DataFrame, year: str, month: str, day: str, path: Path) -> pd.Series:
    """Combine year, month and day columns into dates; an impossible date names its row."""
    parts = pd.DataFrame({"year": df[year], "month": df[month], "day": df[day]}).astype("int64")
    dates = pd.to_datetime(parts, errors="coerce")
    if dates.isna().any():
        i = dates.isna().idxmax()
        y, m, d = (int(parts.at[i, c]) for c in ("year", "month", "day"))
        raise SchemaError(
            f"{KEY}: {path}, columns {year!r}/{month!r}/{day!r}, {_row_label(i)}: "
            f"{y}-{m:02d}-{d:02d} is not a calendar date. Correct the row or use the registry copy."
        )
    return dates
