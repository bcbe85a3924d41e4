"""Gleditsch: Expanded GDP and Population Data, version 6.0.

Dataset page
------------
Key ``gleditsch_gdp``; version ``6.0`` (9 September 2014; core input Penn World Table 8.0).
Unit: Gleditsch-Ward state-year. 9,627 rows, 204 states, 1950-2011. The file is
tab-delimited with Windows (CRLF) line ends.

Columns (``statenum`` is renamed ``gwcode``; the rest keep the file's names):

- ``gwcode`` (Int64): Gleditsch-Ward state code (file: ``statenum``)
- ``stateid`` (str): Gleditsch-Ward three-letter code (``"USA"``)
- ``year`` (Int64)
- ``pop`` (float): population, **thousands**
- ``realgdp`` (float): total real GDP, **millions** of 2005 US dollars (PPP)
- ``rgdppc`` (float): real GDP per capita, 2005 US dollars (PPP)
- ``cgdppc`` (float): GDP per capita, current US dollars
- ``origin`` (Int64): where the GDP figure comes from (the readme's table):
  0 Penn World Table 8.0; -1 PWT 5.6; -2 Maddison Project; 1 lead/tail imputation from
  the first/last available value (current prices deflated with the BEA GDP deflator);
  2 interpolated within a series (not used in this release); 3 estimated from World Bank
  WDI figures using shares of reference countries. See :data:`ORIGIN_CODES`.

Primary key: (``gwcode``, ``year``).

Citation: Gleditsch, K.S. (2002). Expanded Trade and GDP Data. Journal of Conflict
Resolution 46(5): 712-724.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "gleditsch_gdp"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("gwcode", "year")

#: The ``origin`` codes of the GDP estimates (gdpv6 readme, section 2).
ORIGIN_CODES = {
    0: "Penn World Table 8.0",
    -1: "Penn World Table 5.6",
    -2: "Maddison Project Database",
    1: "imputed lead/tail from the first/last available value",
    2: "interpolated within the series",
    3: "estimated from World Bank WDI using shares of reference countries",
}

_pos: dict[str, Any] = dict(coerce=True, nullable=True)
SCHEMA = pa.DataFrameSchema(
    {
        "statenum": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=False),
        "stateid": pa.Column(str, nullable=False),
        "year": pa.Column("Int64", pa.Check.in_range(1800, 2100), coerce=True, nullable=False),
        "pop": pa.Column(float, pa.Check.gt(0), **_pos),
        "realgdp": pa.Column(float, pa.Check.gt(0), **_pos),
        "rgdppc": pa.Column(float, pa.Check.gt(0), **_pos),
        "cgdppc": pa.Column(float, pa.Check.gt(0), **_pos),
        "origin": pa.Column("Int64", pa.Check.isin(list(ORIGIN_CODES)), coerce=True, nullable=False),
    },
    unique=["statenum", "year"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Gleditsch's GDP and population state-years (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        Columns ``gwcode, stateid, year, pop, realgdp, rgdppc, cgdppc, origin``, file order.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A missing or renamed column, a value that is not a number (or not positive), an
        unknown ``origin`` code, an empty file, or a repeated (``statenum``, ``year``);
        the message names file, column and row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    df = df.rename(columns={"statenum": "gwcode"})
    df["stateid"] = df["stateid"].astype(str)
    return df.reset_index(drop=True)
