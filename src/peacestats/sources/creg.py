"""Composition of Religious and Ethnic Groups (CREG): fractionalization and polarization.

Dataset page
------------
Key ``creg``; version ``2012`` (as packaged in the R package peacesciencer). Unit: a CREG
country-year. 11,523 rows: a balanced panel of 167 CREG units by 69 years, 1945-2013;
the four measures are NA in the years a unit did not exist (2,399 rows have none).

Columns:

- ``ccode`` (Int64): Correlates of War code peacesciencer assigned to the CREG unit
- ``gwcode`` (Int64): Gleditsch-Ward code peacesciencer assigned to the CREG unit
- ``creg_ccode`` (Int64): CREG's own country code (the unit of the data)
- ``year`` (Int64)
- ``ethfrac`` (float, 0-1): ethnic fractionalization, the probability that two randomly
  drawn people belong to different ethnic groups
- ``ethpol`` (float, 0-1): ethnic polarization (Reynal-Querol index)
- ``relfrac`` (float, 0-1), ``relpol`` (float, 0-1): the same for religious groups

Primary key: (``creg_ccode``, ``year``). **Not** (``ccode``, ``year``) nor (``gwcode``,
``year``): CREG splits two states into predecessor and successor units that carry the
same COW code in every year:

- CREG 345 (values 1945-1991) and CREG 340 (values 1991-2013) both have ``ccode`` 345
  (Yugoslavia / Serbia); CREG 340 has ``gwcode`` 340 except in 1991 and 2006 (345);
- CREG 365 (values 1945-1991) and CREG 393 (values 1991-2013) both have ``ccode`` and
  ``gwcode`` 365 (Soviet Union / Russia).

So 138 (``ccode``, ``year``) pairs and 71 (``gwcode``, ``year``) pairs occur twice. A state-year
join must first choose one CREG unit per state and year (for 1991 both units have values).

Citation: Nardulli, P.F., Wong, C.L., Singh, A., Petryk, B. & Martin, S. (2012). The
Composition of Religious and Ethnic Groups (CREG) Project. Cline Center for Democracy,
University of Illinois. Packaged in: Miller, S.V. (2022). peacesciencer. Conflict
Management and Peace Science 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "creg"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("creg_ccode", "year")

_code: dict[str, Any] = dict(coerce=True, nullable=False)
_share = pa.Check.in_range(0, 1)
SCHEMA = pa.DataFrameSchema(
    {
        "ccode": pa.Column("Int64", pa.Check.in_range(2, 999), **_code),
        "gwcode": pa.Column("Int64", pa.Check.in_range(2, 999), **_code),
        "creg_ccode": pa.Column("Int64", pa.Check.in_range(2, 999), **_code),
        "year": pa.Column("Int64", pa.Check.in_range(1900, 2100), **_code),
        "ethfrac": pa.Column(float, _share, coerce=True, nullable=True),
        "ethpol": pa.Column(float, _share, coerce=True, nullable=True),
        "relfrac": pa.Column(float, _share, coerce=True, nullable=True),
        "relpol": pa.Column(float, _share, coerce=True, nullable=True),
    },
    unique=["creg_ccode", "year"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """CREG unit-years (see the module docstring for the columns and the key).

    Parameters
    ----------
    path
        Read this R data file instead of the verified registry copy (no checksum check).
        Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode, gwcode, creg_ccode, year, ethfrac, ethpol, relfrac, relpol``,
        file order.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A file that is not an R data file holding ``creg``, a missing or renamed column,
        a value that is not a number or outside 0-1, no rows, or a repeated
        (``creg_ccode``, ``year``); the message names file, column and row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    return df.reset_index(drop=True)
