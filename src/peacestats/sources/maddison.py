"""Maddison Project Database 2018: long-run GDP per capita and population.

Dataset page
------------
Key ``maddison``; version ``2018`` (workbook ``mpd2018.xlsx``, sheet ``"Full data"``).
Unit: country-year. 19,873 rows, 169 countries, years 1 to 2016: every country every
year 1950-2016 (11,323 rows); earlier years for some countries only (8,550 rows: long
annual series for a few, benchmark years such as 1820, 1870 and 1913 for more).

Columns (``countrycode`` is renamed ``iso3``; the rest keep the workbook's names):

- ``iso3`` (str): ISO 3166 alpha-3 code (file: ``countrycode``); three former states carry
  ISO 3166-3 codes and run to 2016 as aggregates of their successors: ``CSK``
  Czechoslovakia, ``SUN`` Former USSR, ``YUG`` Former Yugoslavia. Never join these
  to a state-year panel after the state dissolved.
- ``country`` (str): country name
- ``year`` (Int64)
- ``cgdppc`` (float): real GDP per capita in 2011 US$, multiple benchmarks (for
  cross-country **level** comparisons)
- ``rgdpnapc`` (float): real GDP per capita in 2011 US$, 2011 benchmark (for **growth**
  comparisons over time)
- ``pop`` (float): mid-year population, **thousands**
- ``i_cig`` (category): how the GDP figure was obtained: ``Extrapolated``, ``Benchmark``,
  ``Interpolated``; NA where the row has no GDP figure
- ``i_bm`` (category): for benchmark observations, the kind of benchmark: ``ICP PPP
  estimates``, ``Historical income benchmarks``, ``Real wages and urbanization``,
  ``Multiple of subsistence``, ``Braithwaite (1968) PPPs``; NA otherwise

GDP per capita figures are rounded to the nearest dollar and population to the nearest
thousand (the workbook's legend).

Primary key: (``iso3``, ``year``).

Citation: Bolt, J., Inklaar, R., de Jong, H. & van Zanden, J.L. (2018). Rebasing
"Maddison": new income comparisons and the shape of long-run economic development.
Maddison Project Working Paper 10.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "maddison"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("iso3", "year")

#: Labels of ``i_cig`` and ``i_bm`` (the workbook's legend), in the legend's order.
I_CIG_LABELS = ("Extrapolated", "Benchmark", "Interpolated")
I_BM_LABELS = (
    "ICP PPP estimates",
    "Historical income benchmarks",
    "Real wages and urbanization",
    "Multiple of subsistence",
    "Braithwaite (1968) PPPs",
)

_pos: dict[str, Any] = dict(coerce=True, nullable=True)
SCHEMA = pa.DataFrameSchema(
    {
        "countrycode": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=False),
        "country": pa.Column(str, nullable=False),
        "year": pa.Column("Int64", pa.Check.in_range(1, 2100), coerce=True, nullable=False),
        "cgdppc": pa.Column(float, pa.Check.gt(0), **_pos),
        "rgdpnapc": pa.Column(float, pa.Check.gt(0), **_pos),
        "pop": pa.Column(float, pa.Check.gt(0), **_pos),
        # no dtype: a column with no label at all (a subset of the rows) reads as float NaN
        "i_cig": pa.Column(None, pa.Check.isin(list(I_CIG_LABELS)), nullable=True),
        "i_bm": pa.Column(None, pa.Check.isin(list(I_BM_LABELS)), nullable=True),
    },
    unique=["countrycode", "year"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Maddison Project 2018 country-years (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this workbook instead of the verified registry copy (no checksum check;
        for your own copy). It must have the sheet ``"Full data"``. Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, country, year, cgdppc, rgdpnapc, pop, i_cig, i_bm``, file order.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A workbook without the sheet, a missing or renamed column, a value that is not a
        number, an unknown ``i_cig``/``i_bm`` label, an empty sheet, or a repeated
        (``countrycode``, ``year``); the message names file, column and row
        (row n is spreadsheet row n + 1, below the header).
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    df = df.rename(columns={"countrycode": "iso3"})
    df["i_cig"] = pd.Categorical(df["i_cig"], categories=list(I_CIG_LABELS))
    df["i_bm"] = pd.Categorical(df["i_bm"], categories=list(I_BM_LABELS))
    return df.reset_index(drop=True)
