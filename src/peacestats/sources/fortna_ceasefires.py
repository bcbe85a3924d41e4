"""Fortna's civil-war ceasefires with peacekeeping (``pk&pkept``).

Dataset page
------------
Key ``fortna_ceasefires``; version ``ROS-2020`` (the copy distributed with
Gelman, Hill & Vehtari, *Regression and Other Stories*, ch. 1). Unit: a
segment of a peace spell after a civil-war ceasefire, split where peacekeeping
changes (counting-process form, already ``stset`` by the author). 192 rows,
156 spells in 96 clusters, 84 failures, 1944-1999.

Columns (the author's Stata names, unchanged so that published code runs as is;
the ones analyses use):

- ``id`` (int): the peace spell (repeated on each of its segments); ``ccode`` (int):
  COW country code; ``cname``: war name. Primary key: (``id``, ``t0``).
- ``t0``, ``t1`` (datetime): segment start and end dates
- ``cluster`` (str): the war (conflict) a spell belongs to; clustering unit
- ``cfdate`` (datetime): ceasefire date, on the spell's first segment only (NA on later
  segments); ``faildate`` (datetime): when peace failed
- ``failed`` (0/1): peace failed at the end of this segment
- ``pk_dum`` (0/1): any peacekeeping; ``pkop`` (0-5): peacekeeping type as Fortna codes
  it (0 none; 1-5 mission types, see the codebook ``pk_pkept_codebook.pdf`` in
  ROS-Examples; in this file every ``pkop == 5`` row has ``chapter == 2``, Chapter VII);
  ``UNpk_dum`` / ``noUNpk_d``: UN / non-UN peacekeeping
- ``victory``, ``treaty``, ``truce`` (0/1): how the war ended; ``wardur`` (months),
  ``logdead`` (log deaths), ``wartype`` (1 = ethnic/identity war)
- ``st_t0``, ``st_t``, ``st_d``, ``st_st``, ``st_origin``: Stata's ``stset`` variables
  ``_t0``, ``_t``, ``_d``, ``_st``, ``_origin`` (days since the ceasefire)

Citation: Fortna, V.P. (2008). *Does Peacekeeping Work?* Princeton UP; Fortna (2004), ISQ 48(2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "fortna_ceasefires"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

_num: dict[str, Any] = dict(nullable=True, coerce=True, required=True)
SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(int, coerce=True, nullable=False),
        "ccode": pa.Column(int, coerce=True, nullable=False),
        "cname": pa.Column(str, nullable=False),
        "t0": pa.Column("datetime64[ns]", nullable=False),
        "t1": pa.Column("datetime64[ns]", nullable=False),
        "cluster": pa.Column(str, nullable=False),
        "cfdate": pa.Column("datetime64[ns]", nullable=True),
        "failed": pa.Column(float, pa.Check.isin([0, 1]), **_num),
        "pk_dum": pa.Column(float, pa.Check.isin([0, 1]), **_num),
        "pkop": pa.Column(float, pa.Check.isin([0, 1, 2, 3, 4, 5]), **_num),
        "victory": pa.Column(float, **_num),
        "treaty": pa.Column(float, **_num),
        "wardur": pa.Column(float, **_num),
        "logdead": pa.Column(float, **_num),
        "wartype": pa.Column(float, **_num),
        "_t0": pa.Column(float, **_num),
        "_t": pa.Column(float, **_num),
        "_d": pa.Column(float, **_num),
    },
    checks=pa.Check(lambda d: (d["t0"] <= d["t1"]), element_wise=False, name="t0 <= t1"),
    unique=["id", "t0"],
    strict=False,
)

_RENAME = {"_t0": "st_t0", "_t": "st_t", "_d": "st_d", "_st": "st_st", "_origin": "st_origin"}


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Fortna's ceasefire spells, one row per spell segment (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        192 rows; the original columns, numeric values as float64
        (Stata stores float32; the widening is exact), ids and codes as Int64.

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    raw = validate(raw, SCHEMA, KEY, path)
    df = raw.rename(columns=_RENAME)
    for c in df.columns:
        if df[c].dtype == "float32" or str(df[c].dtype).startswith(("int8", "int16", "int32")):
            df[c] = df[c].astype("float64")
    for c in ("id", "ccode"):
        df[c] = df[c].astype("Int64")
    return df.reset_index(drop=True)
