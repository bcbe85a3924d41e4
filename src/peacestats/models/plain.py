"""Designs of plain ``"x1 + x2"`` formulas, built without patsy.

:func:`plain_columns` finds the columns when every term is a distinct numeric column,
:func:`plain_matrix` stacks them column-major as floats. :func:`peacestats.models.frame.plain_design`
and ``coxph``'s frame (:mod:`peacestats.models.cox_steps`) build on them; both are
re-exported by :mod:`peacestats.models.frame`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .formula import _split_top_level

__all__ = ["plain_columns", "plain_matrix"]

#: A term that is a plain name (a column, when the data has it).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def plain_columns(rhs: str, data: pd.DataFrame) -> dict[str, pd.Series] | None:
    """The columns of ``"x1 + x2"`` by name when every term is a distinct numeric column, else ``None``.

    What :func:`plain_design` (and ``coxph``'s frame) builds the design from without patsy.
    """
    plain = [t.strip() for t in _split_top_level(rhs, "+")]
    if len(set(plain)) != len(plain) or not all(_NAME.fullmatch(t) for t in plain):
        return None
    cols = {}
    for t in plain:
        if t not in data.columns:
            return None
        col = data[t]
        if not isinstance(col, pd.Series) or isinstance(col.dtype, pd.CategoricalDtype) \
                or not pd.api.types.is_numeric_dtype(col.dtype):
            return None
        cols[t] = col
    return cols


def plain_matrix(cols: dict[str, pd.Series], mask: np.ndarray | None = None) -> np.ndarray:
    """The column-major float matrix of :func:`plain_columns`' columns on the rows ``mask`` (all by default).

    Missing values of nullable columns are NaN (rows that ``mask`` drops, in a fit).
    """
    n = len(next(iter(cols.values()))) if mask is None else int(np.count_nonzero(mask))
    X = np.empty((n, len(cols)), order="F")
    for j, col in enumerate(cols.values()):
        v = col.to_numpy(dtype=float) if isinstance(col.dtype, np.dtype) else col.to_numpy(dtype=float, na_value=np.nan)
        X[:, j] = v if mask is None else v[mask]
    return X
