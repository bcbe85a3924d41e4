"""One loader module per source dataset.

Each module exposes ``KEY`` (its registry key), ``SCHEMA`` (the pandera schema
of the columns it reads) and ``load()``, which returns a tidy, validated
DataFrame. ``peacestats.sources.load(key)`` dispatches by registry key.
"""

from __future__ import annotations

import importlib

import pandas as pd

#: registry key -> module name under peacestats.sources
LOADERS: dict[str, str] = {}


def load(key: str, **kwargs) -> pd.DataFrame:
    """Load the registered dataset ``key`` with its loader module."""
    from .. import registry

    registry.get(key)  # unknown key -> UnknownDatasetError
    module = LOADERS.get(key, key)
    mod = importlib.import_module(f"{__name__}.{module}")
    return mod.load(**kwargs)


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
