"""Reports: publication tables (``regtable``) and figures (``coefplot``, ``forest_plot``).

Importing this package is cheap; the table and figure modules load on first use.
"""

from __future__ import annotations

__all__ = ["regtable", "tidy_long", "tidy_result", "coefplot", "forest_plot"]


def __getattr__(name: str):
    if name in ("regtable", "tidy_long"):
        from . import tables

        return getattr(tables, name)
    if name == "tidy_result":
        from . import adapters

        return adapters.tidy_result
    if name in ("coefplot", "forest_plot"):
        from . import figures

        return getattr(figures, name)
    raise AttributeError(f"module 'peacestats.report' has no attribute {name!r}")
