"""Terrain ruggedness (Nunn & Puga) and mountainous terrain (Fearon & Laitin; Gibler & Miller).

Dataset page
------------
Key ``rugged``; version ``2014`` (as packaged in the R package peacesciencer). Unit: a
state, time-invariant (both measures describe geography around 1999-2000). 192 states.

Columns:

- ``ccode`` (Int64): Correlates of War state code
- ``gwcode`` (Int64): Gleditsch-Ward code; NA for the 22 COW states without one in
  the Gleditsch-Ward list (microstates: Andorra 232, Monaco 221, Liechtenstein 223,
  San Marino 331, small island states of the Caribbean, Africa and the Pacific, and the
  Papal States 327)
- ``rugged`` (float): Nunn & Puga's terrain ruggedness index (Riley et al.'s index
  averaged over the country's 30-arc-second grid cells), hundreds of metres
- ``newlmtnest`` (float): mountainous terrain, **logged**: the natural log of the
  estimated percent of mountainous terrain (Fearon & Laitin's ``lmtnest``, extended to
  all states by Gibler & Miller 2014); 0 for (almost) flat states, 4.56 at most.
  NA for the Papal States (327). The name keeps peacesciencer's; it is not a percentage.

Primary key: ``ccode`` (``gwcode`` is unique where present).

Citation: Nunn, N. & Puga, D. (2012). Ruggedness: The Blessing of Bad Geography in Africa.
Review of Economics and Statistics 94(1): 20-36; Gibler, D.M. & Miller, S.V. (2014).
External territorial threat, state capacity, and civil war. Journal of Peace Research
51(5): 634-646; Fearon, J.D. & Laitin, D.D. (2003). Ethnicity, Insurgency, and Civil War.
APSR 97(1): 75-90. Packaged in: Miller, S.V. (2022). peacesciencer. Conflict Management and
Peace Science 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "rugged"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("ccode",)

SCHEMA = pa.DataFrameSchema(
    {
        "ccode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=False),
        "gwcode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=True),
        "rugged": pa.Column(float, pa.Check.ge(0), coerce=True, nullable=False),
        # log of a percentage: at most log(100) = 4.61
        "newlmtnest": pa.Column(float, pa.Check.in_range(0, 4.61), coerce=True, nullable=True),
    },
    unique=["ccode"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Ruggedness and mountainous terrain by state (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this R data file instead of the verified registry copy (no checksum check).
        Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode, gwcode, rugged, newlmtnest``, file order.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A file that is not an R data file holding ``rugged``, a missing or renamed column, a
        value that is not a number or out of range, no rows, or a repeated ``ccode``
        (or a ``gwcode`` given to two states); the message names file, column and row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    validate(df[df["gwcode"].notna()], _GW_SCHEMA, KEY, path)
    return df.reset_index(drop=True)


_GW_SCHEMA = pa.DataFrameSchema(unique=["gwcode"])
