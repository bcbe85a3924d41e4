"""Grouped reductions that pandas would run as a Python function per group, done in one pass.

``df.groupby(keys)[col].agg(lambda s: "; ".join(sorted(s)))`` builds a Series for each of
tens of thousands of groups; :func:`join_sorted` sorts once and joins plain lists, with the
same result (index, order, name and values). Any input it cannot reproduce exactly (categorical
keys, values that are not text) goes through the per-group function instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def join_sorted(df: pd.DataFrame, keys: Sequence[str], col: str, sep: str = "; ",
                unique: bool = False) -> pd.Series:
    """``df.groupby(keys)[col].agg(lambda s: sep.join(sorted(set(s) if unique else s)))``, fast.

    Parameters
    ----------
    df
        The rows; ``col`` holds text.
    keys
        The group columns (rows with a missing key are left out, as ``groupby`` does).
    col
        The text column to join.
    sep
        The separator.
    unique
        Join each distinct value once.

    Returns
    -------
    pandas.Series
        Indexed by the sorted groups, named ``col``.
    """
    keys = list(keys)
    values = df[col]
    if values.dtype != object or not all(isinstance(v, str) for v in values):
        return _slow(df, keys, col, sep, unique)
    if any(isinstance(df[k].dtype, pd.CategoricalDtype) for k in keys):  # groups without rows
        return _slow(df, keys, col, sep, unique)
    d = df[[*keys, col]].dropna(subset=keys)
    if unique:
        d = d.drop_duplicates([*keys, col])
    sizes = d.groupby(keys, sort=True).size()
    d = d.sort_values([*keys, col], kind="mergesort")
    vals = d[col].tolist()
    ends = np.cumsum(sizes.to_numpy())
    starts = ends - sizes.to_numpy()
    joined = [sep.join(vals[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]
    return pd.Series(joined, index=sizes.index, name=col, dtype=object)


def _slow(df, keys, col, sep, unique) -> pd.Series:
    return df.groupby(keys, observed=False)[col].agg(lambda s: sep.join(sorted(set(s) if unique else s)))
