"""The fast paths of the model frame and the Cox engine give what the general code gives.

* :func:`peacestats.models.frame.check_collinearity` decides from the Cholesky factor
  of the cross-product when no column is near its threshold, else by the column-by-column
  Gram-Schmidt check: the same designs are refused, with the same message;
* :func:`~peacestats.models.frame.group_codes` codes integer columns without hashing:
  the same codes and labels as ``pd.factorize(sort=True)``;
* :func:`~peacestats.models.frame.complete_rows` looks at each column on its own: the
  same rows as ``DataFrame.isna().any(axis=1)``;
* the Cox engine's risk-set sums (one sparse product with the rows' entry and exit bins,
  over the rows at risk at some event time) equal the prefix sums over the rows sorted by
  entry and by exit (to rounding), its bins equal binary searches of the sorted (stratum,
  time) keys, and its lookup tables equal binary search; its score residuals, computed on
  the rows at risk at some event time only, equal the general formula on every row;
* plain regression designs (``y ~ x1 + x2``) built without patsy equal patsy's, and the
  fits, predictions and simulated quantities on them equal the patsy path's;
* the probit weights computed from shared normal tails equal their formulas.
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
        if not centre:  # a caller's X'X (the multiverse's lean fits share theirs): the same answer
            assert _message(fr.check_collinearity, X, terms, tol=tol, gram=X.T @ X) == slow
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
@pytest.mark.parametrize("right_censored", [False, True])
def test_risk_set_sums_equal_prefix_sums_over_sorted_rows(strata, right_censored):
    """The sparse entry/exit product gives the prefix sums of Z = [r, X r] over rows sorted by entry and exit."""
    X, start, stop, event, w, s = _problem(7, strata=strata)
    if right_censored:
        start = np.full(len(stop), -np.inf)
    cd = engine.prepare(X, start, stop, event, w, s, True)
    r = w * np.exp(cd.X @ np.array([0.3, -0.2, 0.1]))
    Z = np.column_stack([r, cd.X * r[:, None]])
    pos_start = np.searchsorted(cd.key_start[cd.order_start], cd.etime_key, side="left")
    pos_stop = np.searchsorted(cd.key_stop[cd.order_stop], cd.etime_key, side="left")
    want = engine.prefix(Z, cd.order_start)[pos_start] - engine.prefix(Z, cd.order_stop)[pos_stop]
    got = engine.risk_sums(cd, Z[cd.act])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13 * np.abs(want).max())
    # the bins are binary searches of the event keys; rows left out are at risk at no event time
    np.testing.assert_array_equal(cd.idx_lo, np.searchsorted(cd.etime_key, cd.key_start, side="right"))
    np.testing.assert_array_equal(cd.idx_hi, np.searchsorted(cd.etime_key, cd.key_stop, side="right"))
    np.testing.assert_array_equal(cd.act, np.flatnonzero(cd.idx_lo < cd.idx_hi))
    np.testing.assert_array_equal(cd.dg, np.searchsorted(cd.etime_key, cd.key_stop[cd.dr]))


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


@pytest.mark.parametrize("seed", range(6))
def test_time_counts_equal_searchsorted(seed):
    """Event times at or before each time: the table of running counts equals binary search."""
    rng = np.random.default_rng(seed)
    t = rng.integers(-50, 50, 500).astype(float)
    if seed % 3 == 1:
        t = t + 0.5  # not whole numbers: binary search
    if seed % 3 == 2:
        t[0] = -np.inf  # right-censored entry: binary search
    etimes = np.unique(rng.integers(-80, 80, 40).astype(float))
    t2 = rng.integers(-20, 120, 300).astype(float)  # shares the table with t when both are whole numbers
    got = engine._count_le_times(etimes, t, t2)
    np.testing.assert_array_equal(got[0], np.searchsorted(etimes, t, side="right"))
    np.testing.assert_array_equal(got[1], np.searchsorted(etimes, t2, side="right"))


def _regression_data(seed: int = 3, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "y": rng.binomial(1, 0.4, n), "yc": rng.normal(size=n), "x1": rng.binomial(1, 0.5, n),
        "x2": rng.normal(size=n), "x3": rng.integers(0, 5, n).astype(np.int32), "flag": rng.random(n) < 0.5,
        "g": rng.integers(0, 30, n),
    })


@pytest.mark.parametrize("formula", ["y ~ x1 + x2 + x3", "yc ~ x2", "x2 ~ x3 + x1"])
def test_plain_regression_design_equals_patsy(formula):
    """``y ~ x1 + x2`` without patsy: the same matrix (values and memory order), names, terms and outcome."""
    d = _regression_data()
    fast = fr.design_matrix(formula, d, intercept=True)
    slow = fr.design_matrix(formula, d, intercept=True, plain=False)
    assert fast.design_info is None and slow.design_info is not None
    np.testing.assert_array_equal(fast.X, slow.X)
    assert fast.X.flags["C_CONTIGUOUS"] == slow.X.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(fast.y, slow.y)
    assert (fast.columns, fast.terms, fast.y_name, fast.intercept) == (slow.columns, slow.terms, slow.y_name, True)
    assert fast.info().column_names == slow.design_info.column_names  # built on first use
    new = d.head(7)
    np.testing.assert_array_equal(fast.transform(new), slow.transform(new))


@pytest.mark.parametrize("formula", ["y ~ x1 + flag", "y ~ x1 + C(x3)", "y ~ x1 + x2 - 1", "y ~ x1 + np.log1p(x3)",
                                     "y ~ x1 + x1", "y ~ x1:x2"])
def test_other_regression_formulas_go_through_patsy(formula):
    """bool columns (a factor to patsy), functions, interactions, ``- 1``, repeated terms: patsy decides."""
    d = _regression_data()
    design = fr.design_matrix(formula, d, intercept=True)
    assert design.design_info is not None


@pytest.mark.parametrize("estimator", ["ols", "logit", "probit", "poisson"])
def test_regressions_on_plain_designs_equal_the_patsy_path(estimator, monkeypatch):
    """The fitted numbers, predictions and simulated quantities are the same with and without the fast path."""
    from peacestats.models import regression
    from peacestats.models.qoi import simulate_qoi

    d = _regression_data()
    d.loc[5, "x2"] = np.nan  # a dropped row
    outcome = {"ols": "yc", "poisson": "x3"}.get(estimator, "y")
    fit = getattr(regression, estimator)
    formula = f"{outcome} ~ x1 + x2"
    fast = fit(formula, d, cluster="g")
    monkeypatch.setattr(fr, "_plain_regression", lambda *a, **k: None)
    slow = fit(formula, d, cluster="g")
    pd.testing.assert_series_equal(fast.params, slow.params, check_exact=True)
    pd.testing.assert_frame_equal(fast.vcov, slow.vcov, check_exact=True)
    pd.testing.assert_frame_equal(fast.glance(), slow.glance(), check_exact=True)
    new = d.dropna().head(9)
    pd.testing.assert_series_equal(fast.predict(new), slow.predict(new), check_exact=True)
    assert fast.design_info.column_names == slow.design_info.column_names
    if estimator != "ols":
        a = simulate_qoi(fast, {"x1": {"x1": 1}}, n_sims=50, seed=1)
        b = simulate_qoi(slow, {"x1": {"x1": 1}}, n_sims=50, seed=1)
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def _score_residuals_every_row(cd, ev):
    """The score residuals computed on every row, column by column (the general formula)."""
    E, p, dg, dc, dr = cd.E, cd.p, cd.dg, cd.dc, cd.dr
    mean, h = ev.mean, ev.h
    A = np.concatenate([[0.0], np.cumsum(ev.temp1)])
    wgt = A[cd.idx_hi] - A[cd.idx_lo]
    if cd.efron:
        wgt[dr] -= (ev.temp1 - ev.temp2)[dg]
    res = np.empty((cd.n, p))
    for j in range(p):
        mh1 = np.bincount(dg, weights=mean[:, j] * h, minlength=E)
        mh3 = np.bincount(dg, weights=mean[:, j], minlength=E) / cd.m
        B = np.concatenate([[0.0], np.cumsum(mh1)])
        Bd = B[cd.idx_hi] - B[cd.idx_lo]
        if cd.efron:
            Bd[dr] -= (mh1 - np.bincount(dg, weights=mean[:, j] * h * (1 - dc), minlength=E))[dg]
        res[:, j] = -np.exp(ev.eta) * (cd.X[:, j] * wgt - Bd)
        res[dr, j] += cd.Xd[:, j] - mh3[dg]
    return res, wgt


@pytest.mark.parametrize("strata", [1, 3])
@pytest.mark.parametrize("efron", [True, False])
def test_score_residuals_of_rows_at_risk_equal_every_row(strata, efron):
    """Residuals computed on the rows at risk at some event time only (zero elsewhere) equal the general formula."""
    X, start, stop, event, w, s = _problem(11, strata=strata)
    cd = engine.prepare(X, start, stop, event, w, s, efron)
    assert 0 < len(cd.act) < cd.n  # some rows are at risk at no event time
    ev = engine.evaluate(cd, np.array([0.2, -0.1, 0.3]))
    want, wgt = _score_residuals_every_row(cd, ev)
    np.testing.assert_allclose(engine.score_residuals(cd, ev), want, rtol=1e-12, atol=1e-14)
    assert np.all(want[np.setdiff1d(np.arange(cd.n), cd.act)] == 0)
    np.testing.assert_array_equal(ev.wgt, wgt)  # the lazily computed hazard over each row's interval


def test_probit_weights_share_their_normal_tails():
    """The probit weights from log Phi computed once per linear predictor equal the formulas with their own."""
    from scipy.special import log_ndtr

    from peacestats.models.engines.glm import Probit

    rng = np.random.default_rng(5)
    eta = rng.normal(scale=4, size=500)
    y = (rng.random(500) < 0.5).astype(float)
    fam = Probit()
    q = 2 * y - 1
    lam = q * np.exp(-0.5 * eta**2 - 0.5 * np.log(2 * np.pi) - log_ndtr(q * eta))
    np.testing.assert_array_equal(fam.score_weight(y, None, eta), lam)
    np.testing.assert_array_equal(fam.work_weight(None, eta),
                                  np.exp(-(eta**2) - np.log(2 * np.pi) - log_ndtr(eta) - log_ndtr(-eta)))
    np.testing.assert_array_equal(fam.loglik_i(y, None, eta), y * log_ndtr(eta) + (1 - y) * log_ndtr(-eta))
    eta2 = eta + 1.0  # a new linear predictor: new tails
    np.testing.assert_array_equal(fam.work_weight(None, eta2),
                                  np.exp(-(eta2**2) - np.log(2 * np.pi) - log_ndtr(eta2) - log_ndtr(-eta2)))
