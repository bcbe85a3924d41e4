"""Geo-PKO v2.3: where UN peacekeepers were deployed, location-year summary.

Dataset page
------------
Key ``geo_pko``; version ``2.3`` (``FrontMap_v.2.3.csv``, the Geo-PKO team's own summary of
Geo-PKO v2.3, written by ``data_wrangling_v.2.3.R`` in geopko/Geo-PKO-Shiny-Dashboard).
Geo-PKO codes every deployment location shown on the UN's deployment maps of each mission,
1994-2024 (52 missions). Coordinates are WGS84 degrees.

How the file was made, and why :func:`load` aggregates it. The R script groups the
map-level data by (mission, year, location, country), replaces the unit columns by their
yearly mean (troop counts) or maximum (presence flags), keeps the map-level troop count
``NoTroops``, HQ level ``hq`` and coordinates, and then keeps *distinct* rows. A location-year
therefore appears once per distinct (``NoTroops``, ``hq``, coordinates) combination: 8,783 rows
for 7,366 location-years (1,151 location-years have 2-5 rows). :func:`load` returns one row
per location-year, primary key (``mission``, ``year``, ``country``, ``location``), by this
documented rule:

- the yearly summaries (``infantry``, ``reserve``, ``ave_no_troops``, ``unpol``, ``med``,
  ``av``, ``unmo``) are the same on every row of a location-year (checked; a file where they
  differ raises :class:`~peacestats.errors.SchemaError`) and are kept as they are;
- ``no_troops_max`` is the largest map-level troop count of the year (the file's ``NoTroops``);
- ``hq`` is the highest HQ level of the year;
- ``latitude``/``longitude`` come from the location-year's first row in the file (they differ
  within 10 location-years, by less than 0.3 degrees);
- ``n_rows`` counts the file rows merged.

``load(aggregate=False)`` returns the 8,783 rows as published (snake_case names, the
map-level ``no_troops`` instead of ``no_troops_max``, no ``n_rows``), with all columns
together as the key (the file holds distinct rows).

Columns (location-year):

- ``mission`` (str): mission acronym; ``year`` (int); ``country`` (str): host country;
  ``location`` (str): place name
- ``latitude``, ``longitude`` (float)
- ``infantry`` (Int64): mean number of infantry troops at the location over the year's maps
  (``Infantry``; the R script truncates means to integers)
- ``reserve`` (Int64): mean number of reserve troops (``Reserve``)
- ``ave_no_troops`` (Int64): mean number of troops over the year's maps (``ave.no.troops``;
  NA where no map gave a number)
- ``no_troops_max`` (Int64): largest troop count on any of the year's maps (from ``NoTroops``)
- ``hq`` (int): 0 no headquarters, 1 HQ of a troop-contributing country's contingent,
  2 sector HQ, 3 mission HQ
- ``unpol`` (int 0/1): UN police present (``UNPOL``); ``unmo`` (int 0/1): UN military
  observers present (``UNMO``); ``med`` (int 0/1): medical unit present (``Med``)
- ``av`` (int 0-2): aviation and helicopter support units present (``Av`` = aviation +
  helicopter-support flags)
- ``n_rows`` (int): rows of the file merged into this location-year

Citation: Cil, D., Fjelde, H., Hultman, L. & Nilsson, D. (2020). Mapping blue helmets:
Introducing the Geocoded Peacekeeping Operations (Geo-PKO) dataset. JPR 57(2): 360-370.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import read, validate

KEY = "geo_pko"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

RENAME = {
    "Infantry": "infantry",
    "NoTroops": "no_troops",
    "Reserve": "reserve",
    "UNPOL": "unpol",
    "Med": "med",
    "Av": "av",
    "UNMO": "unmo",
    "ave.no.troops": "ave_no_troops",
}
RENAME_BACK = {v: k for k, v in RENAME.items()}
#: the location-year key of :func:`load`
KEY_COLUMNS = ["mission", "year", "country", "location"]
#: columns the R script made constant within a location-year
YEARLY_COLUMNS = ["infantry", "reserve", "ave_no_troops", "unpol", "med", "av", "unmo"]
_COUNTS = ["infantry", "no_troops", "reserve", "ave_no_troops"]

_count: dict[str, Any] = dict(checks=pa.Check.ge(0), coerce=True, nullable=True)
_flag: dict[str, Any] = dict(checks=pa.Check.isin([0, 1]), coerce=True, nullable=False)
_COLUMNS = {
    "mission": pa.Column(str, nullable=False),
    "year": pa.Column(int, pa.Check.in_range(1946, 2100), coerce=True, nullable=False),
    "country": pa.Column(str, nullable=False),
    "location": pa.Column(str, nullable=False),
    "latitude": pa.Column(float, pa.Check.in_range(-90, 90), coerce=True, nullable=False),
    "longitude": pa.Column(float, pa.Check.in_range(-180, 180), coerce=True, nullable=False),
    "Infantry": pa.Column(float, **_count),
    "NoTroops": pa.Column(float, **_count),
    "Reserve": pa.Column(float, **_count),
    "hq": pa.Column(int, pa.Check.isin([0, 1, 2, 3]), coerce=True, nullable=False),
    "UNPOL": pa.Column(int, **_flag),
    "Med": pa.Column(int, **_flag),
    "Av": pa.Column(int, pa.Check.isin([0, 1, 2]), coerce=True, nullable=False),
    "UNMO": pa.Column(int, **_flag),
    "ave.no.troops": pa.Column(float, **_count),
}
SCHEMA = pa.DataFrameSchema(_COLUMNS, unique=list(_COLUMNS), strict=False)


def _whole(df: pd.DataFrame, columns) -> None:
    for col in columns:
        s = df[col]
        frac = s.notna() & (s % 1 != 0)
        if frac.any():
            i = frac.idxmax()
            raise SchemaError(f"{KEY}: column {col!r}, row {int(i) + 1}: {s[i]!r} is not a whole number")
        df[col] = s.astype("Int64")


def load(path: str | Path | None = None, aggregate: bool = True) -> pd.DataFrame:
    """Geo-PKO v2.3 deployments, one row per mission-location-year (see the module docstring).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).
    aggregate
        True (default): one row per (mission, year, country, location), 7,366 rows.
        False: the file's 8,783 rows as published, renamed to snake_case.

    Returns
    -------
    pandas.DataFrame
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path).copy()
    df = df.rename(columns=RENAME)
    for col in ("mission", "country", "location"):
        df[col] = df[col].str.strip()
    _whole(df, _COUNTS)
    if not aggregate:
        return df.reset_index(drop=True)

    g = df.groupby(KEY_COLUMNS, sort=False, dropna=False)
    varying = [c for c in YEARLY_COLUMNS if (g[c].nunique(dropna=False) > 1).any()]
    if varying:
        col = varying[0]
        bad = g[col].transform("nunique", dropna=False) > 1
        i = bad.idxmax()
        raise SchemaError(
            f"{KEY}: {path}, column {RENAME_BACK.get(col, col)!r}, row {int(i) + 1}: the yearly summary "
            f"differs between rows of the same location-year {tuple(df.loc[i, KEY_COLUMNS])}; "
            "this is not the Geo-PKO FrontMap layout the loader aggregates."
        )
    out = g.agg(
        latitude=("latitude", "first"),
        longitude=("longitude", "first"),
        **{c: (c, "first") for c in YEARLY_COLUMNS},
        no_troops_max=("no_troops", "max"),
        hq=("hq", "max"),
        n_rows=("hq", "size"),
    ).reset_index()
    order = KEY_COLUMNS + ["latitude", "longitude", "infantry", "reserve", "ave_no_troops",
                           "no_troops_max", "hq", "unpol", "med", "av", "unmo", "n_rows"]  # fmt: skip
    out = out[order]
    out["no_troops_max"] = out["no_troops_max"].astype("Int64")
    for col in ("hq", "unpol", "med", "av", "unmo", "n_rows"):
        out[col] = out[col].astype("int64")
    return out.sort_values(["mission", "year", "country", "location"], ignore_index=True)
