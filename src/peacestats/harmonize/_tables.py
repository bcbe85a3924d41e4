"""The one error message of the authored tables: file, column, row (with its key) and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["row_label", "table_error"]


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
