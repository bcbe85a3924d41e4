"""Gleditsch & Ward: list of independent states since 1816 (the project's country-code system).

Dataset page
------------
Key ``gw_states``; version ``2017`` (the list as packaged in the R package
peacesciencer; states still in the system have ``end_date`` 2017-12-31).
Unit: a spell of system membership. 216 spells of 202 states, 1816-01-01 to 2017-12-31.

Columns:

- ``gwcode`` (Int64): Gleditsch-Ward state code (2 = United States, 260 = German Federal
  Republic and, from 3 October 1990, united Germany; 255 = Germany/Prussia to 1945)
- ``stateabb`` (str): three-letter abbreviation (``"USA"``, ``"GFR"``)
- ``statename`` (str): state name
- ``start_date`` (datetime): first day of the membership spell
- ``end_date`` (datetime): last day of the spell (2017-12-31 for states still in the system)

Primary key: (``gwcode``, ``start_date``). A code can have several spells: 14 states left
the system and came back (Haiti 41, Montenegro 341, Serbia 340, the Baltic states 366-368,
Madagascar 580, Morocco 600, Algeria 615, Tunisia 616, Libya 620, Egypt 651,
Afghanistan 700, Myanmar 775), so ``gwcode`` alone is not unique.

Gleditsch-Ward differs from the Correlates of War list (:mod:`.cow_states`) in codes and
dates: GW keeps 260 for Germany after unification where COW returns to 255; GW has
Serbia 340 where COW continues Yugoslavia 345; GW lists many small 19th-century states.

Citation: Gleditsch, K.S. & Ward, M.D. (1999). A revised list of independent states since
the Congress of Vienna. International Interactions 25(4): 393-413. Packaged in: Miller, S.V.
(2022). peacesciencer. Conflict Management and Peace Science 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, read, to_datetime, validate

KEY = "gw_states"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("gwcode", "start_date")

SCHEMA = pa.DataFrameSchema(
    {
        "gwcode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=False),
        "stateabb": pa.Column(str, nullable=False),
        "statename": pa.Column(str, nullable=False),
        "startdate": pa.Column(nullable=False),
        "enddate": pa.Column(nullable=False),
    },
    unique=["gwcode", "startdate"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """The Gleditsch-Ward state list, one row per membership spell (see the module docstring).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        Columns ``gwcode, stateabb, statename, start_date, end_date``, sorted by
        ``gwcode`` and ``start_date``.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        If the file is not an R data file with the documented columns, has no rows,
        or repeats a (``gwcode``, ``startdate``) pair; the message names file, column and row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    out = pd.DataFrame(
        {
            "gwcode": df["gwcode"],
            "stateabb": df["stateabb"].astype(str),
            "statename": df["statename"].astype(str),
            "start_date": to_datetime(df["startdate"], KEY, path),
            "end_date": to_datetime(df["enddate"], KEY, path),
        }
    )
    _check_spells(out, path)
    return out.sort_values(list(PRIMARY_KEY), kind="stable").reset_index(drop=True)


def _check_spells(df: pd.DataFrame, path: Path) -> None:
    """Each spell ends on or after it starts (a swapped pair is a damaged file)."""
    bad = df["end_date"] < df["start_date"]
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(
            f"{KEY}: {path}, {_row_label(i)}: end date {df.at[i, 'end_date'].date()} is before "
            f"start date {df.at[i, 'start_date'].date()} (gwcode {df.at[i, 'gwcode']})"
        )
