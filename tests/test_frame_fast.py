"""The fast paths of the model frame and the Cox engine give what the general code gives.

* :func:`peacestats.models.frame.check_collinearity` decides from the Cholesky factor
  of the cross-product when no column is near its threshold, else by the column-by-column
  Gram-Schmidt check: the same designs are refused, with the same message;
* :func:`~peacestats.models.frame.group_codes` codes integer columns without hashing:
  the same codes and labels as ``pd.factorize(sort=True)``;
* :func:`~peacestats.models.frame.complete_rows` looks at each column on its own: the
  same rows as ``DataFrame.isna().any(axis=1)``;
* the Cox engine's risk-set sums from covariates sorted once equal the running sums over
  rows gathered every iteration, bit for bit, and its lookup tables equal binary search.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError
from peacestats.models import frame as fr
from peacestats.models.engines import cox as engine


def _message(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except SpecificationError as e:
        return str(e)
    return None


def _designs(seed: int, count: int):
    """Random designs: some independent, some with a nearly or exactly dependent column, constants, dummies."""
    rng = np.random.default_rng(seed)
    for trial in range(count):
        n, k = int(rng.integers(3, 60)), int(rng.integers(1, 6))
        X = rng.normal(size=(n, k)) * 10.0 ** rng.integers(-6, 8, k)
        if rng.random() < 0.5 and k > 1:
            j = int(rng.integers(1, k))
            X[:, j] = X[:, :j] @ rng.normal(size=j) + rng.normal(size=n) * 10.0 ** rng.integers(-14, -3)
        if rng.random() < 0.2:
            X[:, rng.integers(k)] = rng.integers(0, 2, n)
        if rng.random() < 0.1:
            X[:, rng.integers(k)] = 3.0
        yield X, [f"x{i}" for i in range(k)], (1e-7, fr.GLM_TOL)[trial % 2], trial % 3 == 0


def test_collinearity_fast_path_refuses_what_the_column_check_refuses():
    refused = accepted_fast = 0
    for X, terms, tol, centre in _designs(5, 1500):
        Xc = X - X.mean(axis=0) if centre else X
        zero = "is constant in every row used" if centre else "is zero in every row used"
        slow = _message(fr._collinearity_problems, Xc, terms, Xc, None, tol, zero)
        fast_ok = fr._clearly_independent(Xc, None, tol)
        assert not (fast_ok and slow is not None), slow
        assert _message(fr.check_collinearity, X, terms, tol=tol, centre=centre) == slow
        refused += slow is not None
        accepted_fast += fast_ok
    assert refused > 100 and accepted_fast > 500  # both branches are exercised


def test_collinearity_fast_path_with_reference_columns():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3))
    ref = X + rng.normal(size=(200, 3))  # the columns before fixed effects were swept out
    assert fr._clearly_independent(X, ref, 1e-7)
    X[:, 2] = 1e-12 * rng.normal(size=200)  # absorbed by the fixed effects
    assert not fr._clearly_independent(X, ref, 1e-7)
    msg = _message(fr.check_collinearity, X, ["a", "b", "c"], reference=ref, absorbed_by="country")
    assert msg is not None and "'c' is constant within the fixed effects (country)" in msg


@pytest.mark.parametrize("values", [
    np.array([5, 3, 3, 9, -2, 5]),
    np.array([3, 3, 1], dtype=np.int32),
    np.array([-128, 127, 0, 127], dtype=np.int8),
    np.array([2**63 + 5, 2**63 + 1], dtype=np.uint64),
    np.array([2**62, -(2**62), 0]),  # too wide a range: pandas' hashing
    np.random.default_rng(0).integers(-30000, 30000, 20000).astype(np.int16),
    np.array([1.5, np.nan, 1.5, -3.0]),
    np.array(["b", "a", "b"], dtype=object),
])
def test_group_codes_equal_factorize(values):
    codes, uniques = pd.factorize(pd.Series(values), sort=True)
    for args in [(pd.Series(values),), (pd.DataFrame({"g": values}), "g"), (values,)]:
        got_codes, got_labels = fr.group_codes(*args)
        assert got_codes.dtype == np.int64
        np.testing.assert_array_equal(got_codes, codes)
        assert got_labels == list(uniques)
        assert [type(v) for v in got_labels] == [type(v) for v in list(uniques)]


def test_complete_rows_equal_isna():
    d = pd.DataFrame({
        "f": [1.0, np.nan, 3.0, 4.0, np.inf],
        "i": [1, 2, 3, 4, 5],
        "b": [True, False, True, True, False],
        "o": ["a", None, "c", "d", "e"],
        "n": pd.array([1, 2, None, 4, 5], dtype="Int64"),
        "c": pd.Categorical(["x", "y", "x", None, "y"]),
        "t": pd.to_datetime(["2000-01-01", "2000-01-02", None, "2000-01-04", "2000-01-05"]),
    })
    for cols in [list(d.columns), ["f", "i"], ["i", "b"], ["o"], ["n", "c"], ["t"], [], ["f", None, "f"]]:
        keep = [c for c in dict.fromkeys(cols) if c is not None]
        want = ~d[keep].isna().any(axis=1).to_numpy() if keep else np.ones(len(d), dtype=bool)
        mask, dropped = fr.complete_rows(d, cols)
        np.testing.assert_array_equal(mask, want)
        assert dropped == int((~want).sum())


def _problem(seed: int, n: int = 400, strata: int = 1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    start = rng.integers(0, 50, n).astype(float)
    stop = start + rng.integers(1, 30, n)
    event = rng.random(n) < 0.3
    w = rng.uniform(0.5, 2.0, n) if strata > 1 else np.ones(n)
    return X, start, stop, event, w, rng.integers(0, strata, n).astype(np.int64)


@pytest.mark.parametrize("strata", [1, 3])
def test_risk_set_sums_equal_prefix_sums_bit_for_bit(strata):
    """The sorted copies of X give the same running sums as gathering the rows of Z = [r, X r]."""
    X, start, stop, event, w, s = _problem(7, strata=strata)
    cd = engine.prepare(X, start, stop, event, w, s, True)
    r = w * np.exp(cd.X @ np.array([0.3, -0.2, 0.1]))
    Z = np.column_stack([r, cd.X * r[:, None]])
    want = engine.prefix(Z, cd.order_start)[cd.pos_start] - engine.prefix(Z, cd.order_stop)[cd.pos_stop]
    got = (engine._sorted_prefix(r, cd.XsT, cd.order_start, cd.pos_start)
           - engine._sorted_prefix(r, cd.XeT, cd.order_stop, cd.pos_stop))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("t", [
    np.random.default_rng(0).integers(0, 50, 1000).astype(float),  # days: lookup table
    np.r_[-np.inf, np.random.default_rng(1).integers(0, 50, 100)],  # right-censored entry: binary search
    np.random.default_rng(2).normal(size=100),
    np.random.default_rng(3).integers(0, 10**9, 100).astype(float),  # too wide for a table
    np.array([1e15, 1e15 + 3, 1e15 + 1]),
])
def test_time_ranks_equal_searchsorted(t):
    times = np.unique(t)
    np.testing.assert_array_equal(engine._time_rank(times, t), np.searchsorted(times, t))


@pytest.mark.parametrize("top", [10, 10**6, 10**9])
def test_counts_and_orders_equal_searchsorted_and_argsort(top):
    rng = np.random.default_rng(top)
    keys = rng.integers(0, top, 5000)
    sorted_keys = np.unique(rng.integers(0, top, 300))
    np.testing.assert_array_equal(engine._count_le(sorted_keys, keys),
                                  np.searchsorted(sorted_keys, keys, side="right"))
    np.testing.assert_array_equal(engine._stable_order(keys), np.argsort(keys, kind="stable"))
