"""Doyle & Sambanis (2000), *International Peacebuilding*: replication data.

Dataset page
------------
Key ``doyle_sambanis``; version ``2000``. Unit: a civil war (124 wars,
1944-1997). The authors' variable names are kept, so published code runs as is.

Columns (the ones analyses use; the file has 196 more):

- ``ccode`` (str): the authors' war label built on a country abbreviation ("AFG2");
  it is **not** a numeric COW code; ``cname`` (str): war name
- ``yrbeg``, ``yrend`` (int, two-digit years as in the source; ``yrend`` NA for ongoing wars)
- ``pbs2s3`` (0/1): strict peacebuilding success two years after the war
- ``untype`` (str): UN mission type, one of ``"None"`` (no UN mission, 88 wars),
  ``"Observer"`` (17), ``"TradPKO"`` (8), ``"MultiPKO"`` (7), ``"Enforcement+"`` (4);
  ``untype1`` ... ``untype5`` (0/1) are its dummies in that order, so ``untype4`` is 1 for
  multidimensional peacekeeping only (the authors' main UN variable)
- ``wartype`` (1 = ethnic/identity war), ``logcost`` (log deaths and displacement),
  ``wardur`` (months), ``factnum``, ``factnum2`` (number of factions and its square),
  ``trnsfcap`` (transformed local capacities), ``treaty`` (0/1), ``develop``
  (electricity consumption per capita), ``exp`` (primary-commodity exports / GDP), ``decade``

Primary key: (``ccode``, ``yrbeg``).

Citation: Doyle, M.W. & Sambanis, N. (2000). International Peacebuilding: A Theoretical
and Quantitative Analysis. APSR 94(4): 779-801.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "doyle_sambanis"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

_num: dict[str, Any] = dict(nullable=True, coerce=True)
SCHEMA = pa.DataFrameSchema(
    {
        "ccode": pa.Column(str, nullable=False),
        "cname": pa.Column(str, nullable=False),
        "yrbeg": pa.Column(int, coerce=True, nullable=False),
        "yrend": pa.Column(float, **_num),
        "pbs2s3": pa.Column(int, pa.Check.isin([0, 1]), coerce=True, nullable=False),
        "untype4": pa.Column(int, pa.Check.isin([0, 1]), coerce=True, nullable=False),
        "untype": pa.Column(
            str, pa.Check.isin(["None", "Observer", "TradPKO", "MultiPKO", "Enforcement+"]), nullable=False
        ),
        "wartype": pa.Column(int, pa.Check.isin([0, 1]), coerce=True),
        "logcost": pa.Column(float, **_num),
        "wardur": pa.Column(float, **_num),
        "factnum": pa.Column(float, **_num),
        "factnum2": pa.Column(float, **_num),
        "trnsfcap": pa.Column(float, **_num),
        "treaty": pa.Column(int, pa.Check.isin([0, 1]), coerce=True),
        "develop": pa.Column(float, **_num),
        "exp": pa.Column(float, **_num),
        "decade": pa.Column(int, coerce=True),
    },
    unique=["ccode", "yrbeg"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Doyle & Sambanis's 124 civil wars (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    # The file writes R's "NA" for missing values. pandas' default would also read the
    # category "None" (no UN involvement) as missing, in `untype`, `UNops`, `uncint` (88
    # wars each) and `un2cint` (79), so only "NA" and empty fields count as missing here.
    raw = read(KEY, path, keep_default_na=False, na_values=["NA", ""])
    raw = raw.drop(columns=[c for c in raw.columns if str(c).startswith("Unnamed: 0")])
    df = validate(raw, SCHEMA, KEY, path)
    df["yrend"] = df["yrend"].astype("Int64")
    return df.reset_index(drop=True)
