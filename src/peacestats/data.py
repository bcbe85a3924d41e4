"""Default loaders for calls made outside ``peacestats build``.

:func:`peacestats.build.build` loads every source once per build (``_Context.source``) and
hands the harmonize functions their inputs as DataFrames. A harmonize function called by
hand with an input omitted gets it here instead: :func:`source` (a registered source,
through :func:`peacestats.sources.load` and its parsed-source cache) and
:func:`code_tables` (the country-code crosswalk of the registered state lists). Harmonize
modules load nothing themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .harmonize.codes import CodeTables

#: Crosswalks made by :func:`code_tables`, keyed by the content of the two state lists.
_CODE_TABLES: dict[tuple[int, int], CodeTables] = {}


def source(key: str) -> pd.DataFrame:
    """The registered source ``key`` (:func:`peacestats.sources.load`, parsed-source cache)."""
    from .sources import load

    return load(key)


def _content_key(df: pd.DataFrame) -> int:
    return int(pd.util.hash_pandas_object(df, index=True).sum()) ^ hash(tuple(df.columns))


def code_tables() -> CodeTables:
    """The crosswalk of the registered GW and COW state lists (the default of :mod:`~peacestats.harmonize.codes`).

    The lists are loaded each call (from the parsed-source cache, a few milliseconds); the
    crosswalk built from them is reused while their content is the same (keyed by a hash of
    both frames, not by the environment), so a different mirror or an edited list gives a
    new one.

    Returns
    -------
    peacestats.harmonize.codes.CodeTables
    """
    from .harmonize.codes import CodeTables

    gw, cow = source("gw_states"), source("cow_states")
    key = (_content_key(gw), _content_key(cow))
    if key not in _CODE_TABLES:
        if len(_CODE_TABLES) >= 4:
            _CODE_TABLES.clear()
        _CODE_TABLES[key] = CodeTables(gw, cow)
    return _CODE_TABLES[key]
