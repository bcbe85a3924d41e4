"""Hultman, Kathman & Shannon (2013): UN peacekeeping and civilian protection, replication data.

Dataset page
------------
Key ``hks2013``; version ``dataverse-v3`` (Harvard Dataverse doi:10.7910/DVN/6EBCGA, V3).
Unit: conflict-month of civil wars in Africa, 1991-2008 (3,972 rows). The authors'
variable names are kept, so published code runs as is.

Columns:

- ``conflict_id`` (int): UCDP conflict id; ``id_ep`` (int): conflict episode;
  ``gwnoloc`` (int): Gleditsch-Ward code of the location; ``year``, ``mon`` (int)
- ``location``, ``sidea``, ``sidea2nd``, ``sideb``, ``sideb2nd``, ``mission`` (str)
- ``osvAll`` (count): civilians killed in one-sided violence (all actors) this month;
  ``osvreb1``, ``osvgov``: by rebels, by the government; ``*Lag``, ``*LagDum``: lags and lag dummies
- ``troopLag``, ``policeLag``, ``militaryobserversLag``: UN troops, police and military
  observers last month, **in thousands** as the paper's models use them (the largest,
  29.209, is 29,209 troops); NA in 70 rows
- ``brv_AllLag``, ``brv_aLag``, ``brv_bLag``: battle deaths last month
- ``PKOdum`` (0/1): a UN mission is present; ``incomp`` (1 territory, 2 government);
  ``epduration`` (months since the episode began); ``lntpop`` (log population)
- ``PKOatsomept_con``, ``unscres_prearrivalLag``, ``unscresLag``, ``active_year``,
  ``ceasefire``, ``pocmandate``, ``robustmandate``: further controls

Primary key: (``conflict_id``, ``year``, ``mon``).

Citation: Hultman, L., Kathman, J. & Shannon, M. (2013). United Nations Peacekeeping and
Civilian Protection in Civil War. AJPS 57(4): 875-891.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, validate

KEY = "hks2013"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

_num: dict[str, Any] = dict(nullable=True, coerce=True)
_count = pa.Check.ge(0)
SCHEMA = pa.DataFrameSchema(
    {
        "conflict_id": pa.Column(int, coerce=True, nullable=False),
        "id_ep": pa.Column(int, coerce=True, nullable=False),
        "gwnoloc": pa.Column(int, coerce=True, nullable=False),
        "year": pa.Column(int, pa.Check.in_range(1946, 2030), coerce=True, nullable=False),
        "mon": pa.Column(int, pa.Check.in_range(1, 12), coerce=True, nullable=False),
        "osvAll": pa.Column(float, _count, **_num),
        "troopLag": pa.Column(float, _count, **_num),
        "policeLag": pa.Column(float, _count, **_num),
        "militaryobserversLag": pa.Column(float, _count, **_num),
        "brv_AllLag": pa.Column(float, _count, **_num),
        "osvAllLagDum": pa.Column(float, pa.Check.isin([0, 1]), **_num),
        "incomp": pa.Column(int, coerce=True, nullable=False),
        "epduration": pa.Column(float, **_num),
        "lntpop": pa.Column(float, **_num),
        "PKOdum": pa.Column(float, pa.Check.isin([0, 1]), **_num),
    },
    unique=["conflict_id", "year", "mon"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """HKS (2013) conflict-months (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = validate(raw, SCHEMA, KEY, path)
    return df.reset_index(drop=True)
