"""Historical Index of Ethnic Fractionalization (HIEF).

Dataset page
------------
Key ``hief``; version ``2020`` (Drazanova's index as packaged in the R package
peacesciencer). Unit: state-year. The file has 8,808 rows for 160 states, 1945-2013;
:func:`load` returns 8,783 (see "Duplicates").

Columns:

- ``ccode`` (Int64): Correlates of War state code
- ``gwcode`` (Int64): Gleditsch-Ward code peacesciencer assigned (see the Vietnam trap below)
- ``year`` (Int64)
- ``efindex`` (float, 0-1): ethnic fractionalization, the probability that two randomly
  drawn citizens belong to different ethnic groups

Primary key: (``ccode``, ``year``), after removing the file's duplicates.

Duplicates (the rule :func:`load` applies; ``load(keep_duplicates=True)`` returns the file as is)
    1. 24 rows repeat an earlier row in every column (Haiti 1978, Honduras 1978 and 1981,
       Paraguay 2000, Jordan 1982 and 2000, ...); they carry no information and are dropped.
    2. One country-year has two different values: ccode 365 in 1991, efindex 0.691 (the
       last year of the Soviet Union's series, 1945-1991) and 0.286 (the first year of the
       Russian Federation's, 1991-2013). :func:`load` keeps **0.691**: the Soviet Union
       existed until 26 December 1991, and Polity too scores 1991 as a Soviet year (USSR
       364 to 1991, Russia 365 from 1992).
    Any other repeated (``ccode``, ``year``) is an error (:class:`DuplicateKeyError`).

Vietnam trap (``gwcode``)
    peacesciencer gives ccode 816 (Vietnam, the Democratic Republic and, from 1976, united
    Vietnam) ``gwcode`` 817 in every year, and ccode 817 (Republic of Vietnam, 1954-1975)
    ``gwcode`` 817 too; in the Gleditsch-Ward list 816 is (North) Vietnam and 817 the
    Republic of Vietnam. The values are returned as in the file; join on ``ccode``, or
    recode ``gwcode`` 817 -> 816 for ccode 816 before joining on GW codes.

Citation: Drazanova, L. (2020). Introducing the Historical Index of Ethnic Fractionalization
(HIEF) Dataset: Accounting for Longitudinal Changes in Ethnic Diversity. Journal of Open
Humanities Data 6(1): 6. Packaged in: Miller, S.V. (2022). peacesciencer. Conflict
Management and Peace Science 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "hief"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("ccode", "year")

#: Country-years with two different values in the file, and the value load() keeps.
RESOLVED_DUPLICATES = {(365, 1991): 0.691}

_code: dict[str, Any] = dict(coerce=True, nullable=False)
# The raw file repeats keys (see the module docstring), so the key is checked after
# the documented duplicates are removed, by KEY_SCHEMA.
SCHEMA = pa.DataFrameSchema(
    {
        "ccode": pa.Column("Int64", pa.Check.in_range(2, 999), **_code),
        "gwcode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=True),
        "year": pa.Column("Int64", pa.Check.in_range(1900, 2100), **_code),
        "efindex": pa.Column(float, pa.Check.in_range(0, 1), coerce=True, nullable=False),
    },
    strict=False,
)
KEY_SCHEMA = pa.DataFrameSchema(unique=list(PRIMARY_KEY))


def load(path: str | Path | None = None, *, keep_duplicates: bool = False) -> pd.DataFrame:
    """HIEF state-years (see the module docstring for the columns and the duplicate rule).

    Parameters
    ----------
    path
        Read this R data file instead of the verified registry copy (no checksum check).
        Default: fetch and verify.
    keep_duplicates
        Return every row of the file (8,808), without removing duplicates or checking the key.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode, gwcode, year, efindex`` in file order; 8,783 rows by default.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A file that is not an R data file holding ``hief``, a missing or renamed column, a
        value that is not a number or outside 0-1, no rows, or a repeated
        (``ccode``, ``year``) other than the documented ones; the message names file,
        column and row (row numbers are the file's).
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    if not keep_duplicates:
        df = drop_documented_duplicates(df)
        validate(df, KEY_SCHEMA, KEY, path)
    return df.reset_index(drop=True)


def drop_documented_duplicates(df: pd.DataFrame) -> pd.DataFrame:
    """Apply the module's duplicate rule; the index (file row) of kept rows is unchanged.

    Rows identical to an earlier row are dropped; for each key in
    :data:`RESOLVED_DUPLICATES`, the rows with another ``efindex`` are dropped.
    Anything else is left for the key check to report.
    """
    out = df[~df.duplicated(keep="first")]
    for (ccode, year), keep in RESOLVED_DUPLICATES.items():
        rows = (out["ccode"] == ccode) & (out["year"] == year)
        if rows.sum() > 1 and (out.loc[rows, "efindex"].round(6) == round(keep, 6)).any():
            out = out[~(rows & (out["efindex"].round(6) != round(keep, 6)))]
    return out
