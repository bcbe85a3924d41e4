"""The authored tables' helpers: the one error message (file, column, row with its key, what is wrong),
and the scope in which a table read and checked once is shared (:func:`shared_tables`)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable
from pathlib import Path

import pandas as pd

__all__ = ["row_label", "shared", "shared_tables", "sharing", "table_error"]


def table_error(cls: type[Exception], path: str | Path, column: str, i: int | None, df: pd.DataFrame | None,
                what: str) -> Exception:
    """The exception ``cls`` naming the file, the column and (when ``i`` is given) the row.

    Parameters
    ----------
    cls
        The error class to build (a :class:`~peacestats.errors.HarmonizeError` subclass).
    path
        The table's file; its name leads the message and the full path ends it.
    column
        The column holding the bad value.
    i
        The 0-based row position, or None when the problem is not one row's.
    df
        The table as read; when given, the row is labelled with its first column's value
        (the row's key: mission id, acronym) if that is a non-empty text.
    what
        What is wrong with the value.

    Returns
    -------
    Exception
        ``cls("<file>, column '<column>', row <n> (<key>): <what> [<path>]")``, to be raised.
    """
    where = f"{Path(path).name}, column {column!r}"
    if i is not None:
        where += f", {row_label(i, df)}"
    return cls(f"{where}: {what} [{path}]")


def row_label(i: int, df: pd.DataFrame | None) -> str:
    """``"row <i + 1>"``, with the row's key in brackets when ``df``'s first column holds a non-empty text."""
    key = df.at[i, df.columns[0]] if df is not None and len(df.columns) else None
    label = f"row {i + 1}"
    if isinstance(key, str) and key:
        label += f" ({key})"
    return label


#: The tables read and checked in the current :func:`shared_tables` block (``None``: no block).
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("peacestats_authored_tables", default=None)


@contextlib.contextmanager
def shared_tables(store: dict):
    """Within the block, read and check each authored table once: later reads get a copy of the first.

    ``peacestats build`` runs its builders inside one such block, so the tables that read
    ``un_missions.csv`` or ``non_un_missions.csv`` (the mission universe, the deployment
    panel, the mission-months, the host-years) share one validation
    (:func:`peacestats.harmonize.missions.un_missions`). A read is reused only for the same
    file bytes and the same set of valid GW codes; a table that fails its checks is never
    stored, so every read of it raises the same error. ``store`` (a dict, owned by the
    caller) holds the tables.
    """
    token = _SHARED.set(store)
    try:
        yield
    finally:
        _SHARED.reset(token)


def sharing() -> bool:
    """True inside a :func:`shared_tables` block."""
    return _SHARED.get() is not None


def shared(key, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The frame stored under ``key`` in the current block, made by ``make`` the first time (not a copy)."""
    store = _SHARED.get()
    if store is None:
        return make()
    if key not in store:
        store[key] = make()
    return store[key]
