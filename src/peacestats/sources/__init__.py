"""One loader module per source dataset.

Each module exposes ``KEY`` (its registry key), ``SCHEMA`` (the pandera schema
of the columns it reads) and ``load()``, which returns a tidy, validated
DataFrame. ``peacestats.sources.load(key)`` dispatches by registry key.
"""

from __future__ import annotations

import importlib

import pandas as pd

#: registry key -> module name under peacestats.sources (only where they differ).
#: A module serving several keys maps each key to its function in ``LOAD_BY_KEY``.
LOADERS: dict[str, str] = {
    "ucdp_term_conflict": "ucdp_termination",
    "ucdp_term_dyad": "ucdp_termination",
    "kathman_cmps_totals": "kathman_pko",
}


def load(key: str, *, cache: bool = True, **kwargs) -> pd.DataFrame:
    """Load the registered dataset ``key`` with its loader module.

    Parameters
    ----------
    key
        A registry key (``peacestats data list``).
    cache
        Use the parsed-source cache (:mod:`peacestats.sources._cache`): the frame parsed
        before from the same raw file by the same loader version is read back from parquet.
        ``False`` (or ``PEACESTATS_NO_CACHE=1``) parses the file.
    **kwargs
        The loader's options (e.g. ``corrected=False``); a call with ``path=`` is not cached.

    Returns
    -------
    pandas.DataFrame
        The loader's tidy, validated frame.
    """
    from .. import registry
    from ._cache import cached_load

    registry.get(key)  # unknown key -> UnknownDatasetError
    module = LOADERS.get(key, key)
    mod = importlib.import_module(f"{__name__}.{module}")
    loader = getattr(mod, "LOAD_BY_KEY", {}).get(key, mod.load)
    if not cache:
        return loader(**kwargs)
    return cached_load(key, mod, loader, kwargs)


def prefetch(keys) -> list[str]:
    """Parse into the parsed-source cache the sources of ``keys`` it does not hold yet; the keys parsed.

    ``peacestats build`` runs this in a forked process at the start of a build, one source at a
    time in the order the build reads them (:mod:`peacestats.sources._prefetch`), so that a
    build with an empty cache parses them beside its first tables. Nothing is parsed when the
    cache is off (``PEACESTATS_NO_CACHE``).
    """
    from .. import registry
    from ._cache import enabled, has_entry

    done = []
    for key in keys:
        registry.get(key)
        mod = importlib.import_module(f"{__name__}.{LOADERS.get(key, key)}")
        loader = getattr(mod, "LOAD_BY_KEY", {}).get(key, mod.load)
        if enabled() and not has_entry(key, mod, loader, {}):
            load(key)
            done.append(key)
    return done


def loader_doc(key: str) -> str:
    """The dataset page (module docstring) of ``key``'s loader, or ``""`` if it has none yet."""
    from .. import registry

    registry.get(key)
    module = LOADERS.get(key, key)
    try:
        mod = importlib.import_module(f"{__name__}.{module}")
    except ModuleNotFoundError:
        return ""
    return (mod.__doc__ or "").strip()
