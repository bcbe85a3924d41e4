"""The UN's list of its peacekeeping operations (DPPA/DPO Peace and Security Data Hub).

Dataset page
------------
Key ``un_dpo_missions``; version ``2024-02-19`` (``DPPADPOSS-PKO.csv``, last updated
2024-02-19). Unit: a UN peacekeeping operation, 1948 onward: 81 rows, including umbrella
entries that span successor missions (``UNOSOM`` for UNOSOM I and II, ``UNAVEM`` for
UNAVEM I and II, ``UNEF`` for UNEF I and II). UN missions only; no host-country code, only the
headquarters' place name. Primary key: ``id`` (``mission`` is unique too).

Columns:

- ``id`` (int): the Data Hub's id
- ``mission`` (str): acronym, e.g. ``"UNTAC"`` (``mission_acronym`` in the original; named
  like the ``mission`` column of :mod:`peacestats.sources.kathman_pko` for joins)
- ``mission_name`` (str); ``lead_department`` (str): ``"DPO"`` throughout
- ``is_active`` (bool): the mission is running (``mission_isactive``: ``Yes``/``No``, any case;
  12 active, MINUSMA still among them although it closed in December 2023)
- ``start_date``, ``end_date`` (datetime): NA where the file leaves them blank (three
  start dates: UNOHCI, UNFOR, UNSCOB; end dates of active missions and a few others)
- ``mission_location`` (str): headquarters (NA for 10 missions)
- ``longitude``, ``latitude`` (float): headquarters coordinates. The file writes them with a
  decimal comma inside quotes (``"15,9833"``); they are parsed to floats.
- ``last_update`` (datetime): 2024-02-19

Known problem in the source: for seven missions longitude and latitude are swapped
(UNOSOM I, UNOSOM II, UNEF, UNAVEM I, UNAVEM II, MINUSMA, UNSCOB: Mogadishu is written
2.03 E, 45.35 N, while the UNOSOM umbrella row has 45.35 E, 2.03 N). They are returned as
published; ``load(fix_swapped_coordinates=True)`` swaps exactly the rows listed in
:data:`SWAPPED_COORDINATES` back. Some other points are only approximate (UNIIMOG's
"Tehran" lies in western Iran, UNMEE's "Asmara" in northern Ethiopia); they are kept.
Longitude and latitude are NA for 11 missions (UNTSO has a location but no coordinates).

Citation: United Nations DPPA/DPO, Peace and Security Data Hub: Peacekeeping Operations
(DPPADPOSS-PKO), https://psdata.un.org/dataset/DPPADPOSS-PKO.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import read, to_datetime, validate

KEY = "un_dpo_missions"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

#: missions whose (longitude, latitude) are swapped in the 2024-02-19 file, checked against
#: the headquarters named in ``mission_location``
SWAPPED_COORDINATES = ("UNOSOM II", "UNOSOM I", "UNEF", "UNAVEM II", "UNAVEM I", "MINUSMA", "UNSCOB")

_DECIMAL_COMMA = r"^\s*-?\d+(,\d+)?\s*$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_YES_NO = pa.Check(lambda s: s.str.strip().str.lower().isin(["yes", "no"]), name="Yes or No")

SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(int, pa.Check.gt(0), coerce=True, nullable=False),
        "mission_acronym": pa.Column(str, nullable=False, unique=True),
        "mission_name": pa.Column(str, nullable=False),
        "lead_department": pa.Column(str, nullable=True),
        "mission_isactive": pa.Column(str, _YES_NO, nullable=False),
        "start_date": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True),
        "end_date": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True),
        "mission_location": pa.Column(str, nullable=True),
        "mission_longitude": pa.Column(str, pa.Check.str_matches(_DECIMAL_COMMA), nullable=True),
        "mission_latitude": pa.Column(str, pa.Check.str_matches(_DECIMAL_COMMA), nullable=True),
        "last_update": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True),
    },
    unique=["id"],
    strict=False,
)

_AS_TEXT = {c: str for c in SCHEMA.columns if c != "id"}


def _decimal_comma(series: pd.Series, lo: float, hi: float, path) -> pd.Series:
    """``"15,9833"`` -> 15.9833 (the file's decimal comma), checked against [lo, hi]."""
    out = pd.to_numeric(series.str.strip().str.replace(",", ".", regex=False), errors="raise")
    bad = out.notna() & ~out.between(lo, hi)
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(
            f"{KEY}: {path}, column {series.name!r}, row {int(i) + 1}: {series[i]!r} is outside [{lo}, {hi}]"
        )
    return out.astype("float64")


def load(path: str | Path | None = None, fix_swapped_coordinates: bool = False) -> pd.DataFrame:
    """The UN's peacekeeping operations (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).
    fix_swapped_coordinates
        Swap longitude and latitude back for the missions in :data:`SWAPPED_COORDINATES`
        (default False: values as published).

    Returns
    -------
    pandas.DataFrame
        81 rows: id, mission, mission_name, lead_department, is_active, start_date,
        end_date, mission_location, longitude, latitude, last_update.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path, dtype=_AS_TEXT, keep_default_na=False, na_values=[""])
    df = validate(raw, SCHEMA, KEY, path).copy()
    df = df.rename(
        columns={
            "mission_acronym": "mission",
            "mission_isactive": "is_active",
            "mission_longitude": "longitude",
            "mission_latitude": "latitude",
        }
    )
    for col in ("mission", "mission_name", "lead_department", "mission_location"):
        df[col] = df[col].str.strip()
    df["is_active"] = df["is_active"].str.strip().str.lower().eq("yes")
    for col in ("start_date", "end_date", "last_update"):
        df[col] = to_datetime(df[col], KEY, path, fmt="%Y-%m-%d")
    df["longitude"] = _decimal_comma(df["longitude"], -180, 180, path)
    df["latitude"] = _decimal_comma(df["latitude"], -90, 90, path)
    if fix_swapped_coordinates:
        rows = df["mission"].isin(SWAPPED_COORDINATES)
        df.loc[rows, ["longitude", "latitude"]] = df.loc[rows, ["latitude", "longitude"]].to_numpy()
    order = ["id", "mission", "mission_name", "lead_department", "is_active", "start_date", "end_date",
             "mission_location", "longitude", "latitude", "last_update"]  # fmt: skip
    return df[order + [c for c in df.columns if c not in order]].reset_index(drop=True)
