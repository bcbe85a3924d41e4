"""Integer group codes of cluster and strata columns, and per-cluster sums of scores.

:func:`group_codes` and :func:`cluster_sums` are re-exported by
:mod:`peacestats.models.frame`, where the estimators look for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .formula import as_list

__all__ = ["group_codes", "cluster_sums"]


def group_codes(data, columns: str | Sequence[str] | None = None) -> tuple[np.ndarray, list]:
    """Integer codes ``0..G-1`` of one or several grouping columns, in sorted order of the values.

    Parameters
    ----------
    data
        A DataFrame holding ``columns``; or, with ``columns=None``, the grouping values
        themselves (an array or Series, one per row).
    columns
        One or several column names.

    Returns
    -------
    codes, labels
        ``codes[i]`` is the group of row ``i``; ``labels[g]`` the value (a tuple for
        several columns).
    """
    if columns is None:
        values = data if isinstance(data, pd.Series) else pd.Series(data)
    else:
        cols = as_list(columns)
        if len(cols) > 1:
            keys = pd.MultiIndex.from_frame(data[cols])
            codes, uniques = pd.factorize(keys, sort=True)
            return codes.astype(np.int64), list(uniques)
        values = data[cols[0]]
    fast = _integer_codes(values)
    if fast is not None:
        return fast
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), list(uniques)


def _integer_codes(values: pd.Series) -> tuple[np.ndarray, list] | None:
    """:func:`group_codes` of an integer column with a range not much wider than its length, without hashing.

    The codes are ranks in a table of the values present (O(n + range)); the labels are
    the values present, as Python ints (as ``list`` of ``pd.factorize``'s uniques gives them).
    ``None`` for anything else.
    """
    if not isinstance(values.dtype, np.dtype) or values.dtype.kind not in ("i", "u") or len(values) == 0:
        return None
    v = values.to_numpy()
    vmin = v.min()
    width = int(v.max()) - int(vmin)
    if width > 4 * len(v) + 1024:
        return None
    if v.dtype != np.uint64:  # widen: int8/int16 differences can overflow their own type
        v, vmin = v.astype(np.int64, copy=False), np.int64(vmin)
    off = (v - vmin).astype(np.intp, copy=False)  # vmin <= v, and the range is small
    present = np.zeros(width + 1, dtype=bool)
    present[off] = True
    found = np.flatnonzero(present)  # the offsets present, sorted
    rank = np.empty(width + 1, dtype=np.int64)  # read only where present
    rank[found] = np.arange(len(found), dtype=np.int64)
    labels = found.astype(v.dtype) + vmin
    return rank[off], labels.tolist()  # Python ints, as list(pd.Index) gives


def cluster_sums(scores: np.ndarray, codes: np.ndarray, n_groups: int | None = None) -> np.ndarray:
    """Sum the rows of ``scores`` (n x p) within each cluster: a ``G x p`` matrix."""
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        scores = scores[:, None]
    g = int(codes.max()) + 1 if n_groups is None else n_groups
    out = np.empty((g, scores.shape[1]))
    for j in range(scores.shape[1]):
        out[:, j] = np.bincount(codes, weights=scores[:, j], minlength=g)
    return out
