"""Kathman's UN peacekeeping personnel commitments, mission-month.

Dataset page
------------
Two registry files, one tidy layout:

``kathman_pko`` (:func:`load`), version ``12-2019``: ``mission-month_12-2019.xlsx``, the
author's update of the CMPS data through December 2019. Every UN peacekeeping mission
(82), January 1990 - December 2019: 6,175 mission-months.

``kathman_cmps_totals`` (:func:`load_cmps_totals`), version ``1990-2011``:
``CMPS_Mission_Totals_1990-2011.dta``, the original release that accompanies Kathman (2013),
71 missions, January 1990 - July 2012: 4,414 mission-months, plus the monthly totals over all
missions.

Primary key of both: (``mission``, ``year``, ``month``), unique in both files (checked on load).
Country codes are Correlates of War (COW), not Gleditsch-Ward.

Columns:

- ``mission`` (str): mission acronym, e.g. ``"UNTAC"``, ``"UNAMSIL"``
- ``mission_country`` (str): host country as the author writes it (``"Various"``,
  ``"Unknown"`` or a pair such as ``"India-Pakistan"`` for missions without one host)
- ``ccode`` (Int64): COW code of the host country. The source writes ``-999`` (12-2019 file) or
  leaves it blank (CMPS file) for missions without a single host country; these become NA and
  ``multi_country`` is True. **Rows are never dropped.**
- ``ccode2`` (Int64, 12-2019 file only): COW code of a second host country (``-999`` -> NA)
- ``multi_country`` (bool): the source gives no single host-country code: UNTSO, ONUCA,
  UNOWAS, UNPF, UNMHA, and the logistics base LBB (``"Unknown"``) in the 12-2019 file; UNTSO,
  UNPROFOR, UNPF, UNFOR and LBB in the CMPS file
- ``year``, ``month`` (int); ``date`` (datetime): the first day of the month
- ``troops``, ``police``, ``observers`` (Int64): troops, police and military observers deployed
  (the source's ``troop``, ``police``, ``militaryobservers``); ``total`` (Int64): all uniformed
  personnel. The 12-2019 file writes ``-999`` for "not reported" (319 mission-months for
  troops, e.g. UNTAC February-July 1992) and the CMPS file leaves such cells blank; both
  become NA, never zero. ``total`` may be reported when its parts are not (UNTAC
  February-April 1992).
- ``total2`` (Int64): the author's second total, kept as distributed; it equals ``total``
  except in 33 rows of the 12-2019 file (MINUSCA January 2015 - August 2017, where it is
  larger, and MINURCA and MONUA December 1998, one more) and those two December 1998 rows
  of the CMPS file
- CMPS file only, the same for every mission in a month: ``all_missions_total``,
  ``all_missions_troops``, ``all_missions_police``, ``all_missions_observers`` (Int64):
  personnel over all missions that month (the source's ``monthlytotpers``,
  ``monthlytrooppers``, ``monthlypolicepers``, ``monthlymilobspers``); ``n_missions`` (int):
  missions deployed that month (``numberofmissions``)

The source's ``yearmon`` (year + month/100 as a decimal) is replaced by ``date``; in the
12-2019 file it disagrees with ``year``/``month`` once (UNAMI February 2019 is written 2019.03),
and the loader trusts ``year`` and ``month``.

Known problem in the source, kept as published: the 12-2019 file gives UNMHA (the UN Mission
to support the Hudaydah Agreement in Yemen, 2019) the country ``"Ethiopia-Eritrea"`` with
codes ``-999``/``-999``.

Citation: Kathman, J.D. (2013). United Nations Peacekeeping Personnel Commitments, 1990-2011.
Conflict Management and Peace Science 30(5): 532-549.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import read, validate

KEY = "kathman_pko"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
KEY_CMPS = "kathman_cmps_totals"

MISSING = -999  # the source's code for "no single country" and "not reported"

_int: dict[str, Any] = dict(coerce=True, nullable=False)
_count = pa.Check(lambda s: (s >= 0) | (s == MISSING), name="count >= 0 or -999")
_code = pa.Check(lambda s: (s > 0) | (s == MISSING), name="COW code or -999")

SCHEMA = pa.DataFrameSchema(
    {
        "mission": pa.Column(str, nullable=False),
        "missioncountry": pa.Column(str, nullable=False),
        "missionccode": pa.Column(int, _code, **_int),
        "missionccode2": pa.Column(float, _code, coerce=True, nullable=True),
        "year": pa.Column(int, pa.Check.in_range(1946, 2100), **_int),
        "month": pa.Column(int, pa.Check.in_range(1, 12), **_int),
        "troop": pa.Column(int, _count, **_int),
        "police": pa.Column(int, _count, **_int),
        "militaryobservers": pa.Column(int, _count, **_int),
        "total": pa.Column(int, _count, **_int),
        "total2": pa.Column(int, _count, **_int),
    },
    unique=["mission", "year", "month"],
    strict=False,
)

_num: dict[str, Any] = dict(coerce=True, nullable=True)
SCHEMA_CMPS = pa.DataFrameSchema(
    {
        "mission": pa.Column(str, nullable=False),
        "missioncountry": pa.Column(str, nullable=True),
        "missionccode": pa.Column(float, pa.Check.gt(0), **_num),
        "year": pa.Column(int, pa.Check.in_range(1946, 2100), **_int),
        "month": pa.Column(int, pa.Check.in_range(1, 12), **_int),
        "troop": pa.Column(float, pa.Check.ge(0), **_num),
        "police": pa.Column(float, pa.Check.ge(0), **_num),
        "militaryobservers": pa.Column(float, pa.Check.ge(0), **_num),
        "total": pa.Column(float, pa.Check.ge(0), **_num),
        "total2": pa.Column(float, pa.Check.ge(0), **_num),
        "monthlytotpers": pa.Column(float, pa.Check.ge(0), **_num),
        "monthlytrooppers": pa.Column(float, pa.Check.ge(0), **_num),
        "monthlypolicepers": pa.Column(float, pa.Check.ge(0), **_num),
        "monthlymilobspers": pa.Column(float, pa.Check.ge(0), **_num),
        "numberofmissions": pa.Column(float, pa.Check.ge(1), **_int),
    },
    unique=["mission", "year", "month"],
    strict=False,
)

_RENAME = {
    "missioncountry": "mission_country",
    "missionccode": "ccode",
    "missionccode2": "ccode2",
    "troop": "troops",
    "militaryobservers": "observers",
    "monthlytotpers": "all_missions_total",
    "monthlytrooppers": "all_missions_troops",
    "monthlypolicepers": "all_missions_police",
    "monthlymilobspers": "all_missions_observers",
    "numberofmissions": "n_missions",
}
_COUNTS = ("troops", "police", "observers", "total", "total2")


def _as_whole_numbers(df: pd.DataFrame, columns, key: str, path) -> None:
    """Turn count/code columns into Int64 (-999 -> NA); a fractional value is an error."""
    for col in columns:
        if col not in df.columns:
            continue
        s = pd.to_numeric(df[col]).astype("float64")
        s = s.mask(s == MISSING)
        frac = s.notna() & (s % 1 != 0)
        if frac.any():
            i = frac.idxmax()
            raise SchemaError(
                f"{key}: {path}, column {col!r}, row {int(i) + 1}: {s[i]!r} is not a whole number"
            )
        df[col] = s.astype("Int64")


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    df["multi_country"] = df["ccode"].isna()
    df["date"] = pd.to_datetime(pd.DataFrame({"year": df["year"], "month": df["month"], "day": 1}))
    if "yearmon" in df.columns:
        df = df.drop(columns="yearmon")
    first = ["mission", "mission_country", "ccode", "ccode2", "multi_country", "year", "month", "date"]
    first = [c for c in first if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]].reset_index(drop=True)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Kathman's mission-months through December 2019 (see the module docstring).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        6,175 rows: mission, mission_country, ccode, ccode2, multi_country, year, month,
        date, troops, police, observers, total, total2.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path).copy()
    df = df.rename(columns=_RENAME)
    df["mission"] = df["mission"].str.strip()
    df["mission_country"] = df["mission_country"].str.strip()
    _as_whole_numbers(df, ("ccode", "ccode2", *_COUNTS), KEY, path)
    return _finish(df)


def load_cmps_totals(path: str | Path | None = None) -> pd.DataFrame:
    """The original CMPS mission-month totals, January 1990 - July 2012 (see the module docstring).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        4,414 rows: mission, mission_country, ccode, multi_country, year, month, date,
        troops, police, observers, total, total2, all_missions_total, all_missions_troops,
        all_missions_police, all_missions_observers, n_missions.
    """
    path = fetch.require(KEY_CMPS) if path is None else Path(path)
    raw = read(KEY_CMPS, path)
    df = validate(raw, SCHEMA_CMPS, KEY_CMPS, path).copy()
    df = df.rename(columns=_RENAME)
    df["mission"] = df["mission"].str.strip()
    country = df["mission_country"].astype(str).str.strip()
    df["mission_country"] = country.mask(df["mission_country"].isna() | (country == ""))
    for col in ("year", "month", "n_missions"):
        df[col] = df[col].astype("int64")
    world = ("all_missions_total", "all_missions_troops", "all_missions_police", "all_missions_observers")
    _as_whole_numbers(df, ("ccode", *_COUNTS, *world), KEY_CMPS, path)
    return _finish(df)


#: registry key -> loader function (``peacestats.sources.load(key)`` uses this map)
LOAD_BY_KEY = {KEY: load, KEY_CMPS: load_cmps_totals}
