"""The per-fit shortcuts of ``coxph`` give exactly what the longer way gives.

* :func:`~peacestats.models.engines.cox.chol_solve` calls LAPACK's ``dpotrf``/``dpotrs``
  directly: the same bits as scipy's ``cho_factor``/``cho_solve``, and ``None`` where they
  raise;
* the risk-set sums of ``[r, r * X]`` with ``r`` folded into the entry/exit matrix equal,
  to the bit, the sparse product with ``r * X`` formed first (also through the fallback
  without scipy's kernel), and a fit through that fallback is the same fit;
* the Gram matrix of a few column-major columns (dot products) equals the matrix product
  to rounding, and ``check_collinearity(centred=True)`` on a centred design says what
  ``centre=True`` says;
* ``coxph``'s frame, which checks a plain right-hand side's finiteness once on every row,
  gives the rows, design and errors of the general path: missing values in covariates or in
  other columns, infinite values, nullable columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import linalg

from peacestats.errors import SpecificationError, SurvivalDataError
from peacestats.models import collinearity as coll
from peacestats.models import cox_steps as steps
from peacestats.models import frame as fr
from peacestats.models.cox import coxph
from peacestats.models.engines import cox as engine


def _cho(A, b):
    try:
        return linalg.cho_solve(linalg.cho_factor(A, lower=True, check_finite=True), b)
    except (linalg.LinAlgError, ValueError):
        return None


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_chol_solve_equals_cho_factor_and_cho_solve(k):
    rng = np.random.default_rng(k)
    for i in range(60):
        Z = rng.normal(size=(k + 4, k)) * rng.uniform(0.01, 100.0, k)
        A = Z.T @ Z
        if i % 5 == 1:
            A = np.asfortranarray(A)
        if i % 5 == 2:
            A[k - 1, k - 1] = -1.0  # not positive definite
        if i % 5 == 3:
            A[0, 0] = np.nan
        b = rng.normal(size=k) if i % 2 else rng.normal(size=(k, 2))
        want, got = _cho(A, b), engine.chol_solve(A, b)
        assert (want is None) == (got is None)
        if want is not None:
            np.testing.assert_array_equal(got, want)
    assert engine.chol_solve(np.eye(2, dtype=np.float32), np.ones(2, dtype=np.float32)) is not None  # scipy path


def _problem(seed: int, n: int = 500, strata: int = 1, weighted: bool = False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    start = rng.integers(0, 60, n).astype(float)
    stop = start + rng.integers(1, 30, n)
    event = rng.random(n) < 0.3
    w = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
    return X, start, stop, event, w, rng.integers(0, strata, n).astype(np.int64)


@pytest.mark.parametrize("strata", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_scaled_risk_sums_equal_the_product_to_the_bit(strata, weighted, monkeypatch):
    X, start, stop, event, w, s = _problem(11, strata=strata, weighted=weighted)
    cd = engine.prepare(X, start, stop, event, w, s, True)
    r = np.exp(cd.X[cd.act] @ np.array([0.4, -0.3, 0.2])) * w[cd.act]
    want = engine.risk_sums(cd, cd.Xa1 * r[:, None])
    np.testing.assert_array_equal(engine._scaled_risk_sums(cd, r), want)
    monkeypatch.setattr(engine, "_csc_matvecs", None)
    np.testing.assert_array_equal(engine._scaled_risk_sums(cd, r), want)


def test_a_fit_without_scipys_kernel_is_the_same_fit(monkeypatch):
    X, start, stop, event, w, s = _problem(5, strata=2, weighted=True)
    d = pd.DataFrame(X, columns=["x1", "x2", "x3"]).assign(start=start, stop=stop, event=event.astype(int), s=s,
                                                            w=w, g=np.arange(len(s)) % 40)
    kw = dict(start="start", stop="stop", event="event", strata="s", weights="w", cluster="g")
    fast = coxph("x1 + x2 + x3", d, **kw)
    monkeypatch.setattr(engine, "_csc_matvecs", None)
    slow = coxph("x1 + x2 + x3", d, **kw)
    np.testing.assert_array_equal(fast.params, slow.params)
    np.testing.assert_array_equal(fast.vcov, slow.vcov)
    assert fast.loglik == slow.loglik and fast.iterations == slow.iterations


@pytest.mark.parametrize("k", [1, 3, 6, 7])
def test_gram_of_few_columns_equals_the_matrix_product(k):
    X = np.asfortranarray(np.random.default_rng(k).normal(size=(2000, k)) * np.arange(1, k + 1))
    np.testing.assert_allclose(coll._gram(X), X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(coll._gram(np.ascontiguousarray(X)), X.T @ X, rtol=0)


def _collinearity_message(X, terms, **kw):
    try:
        coll.check_collinearity(X, terms, **kw)
    except SpecificationError as e:
        return str(e)
    return None


def test_check_collinearity_of_a_centred_design_says_what_centring_says():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=300), rng.normal(size=300)
    designs = [np.column_stack([a, b]), np.column_stack([a, np.full(300, 2.0)]), np.column_stack([a, b, a - 2 * b]),
               np.column_stack([a, b, 3 + a])]
    for X in designs:
        X = np.asfortranarray(X)
        terms = [f"x{j}" for j in range(X.shape[1])]
        want = _collinearity_message(X, terms, centre=True)
        assert _collinearity_message(X - X.mean(axis=0), terms, centred=True) == want
    assert "is constant in every row used" in _collinearity_message(np.asfortranarray(designs[1]), ["a", "c"],
                                                                   centre=True)


def _spells(seed: int = 2, n: int = 400) -> pd.DataFrame:
    X, start, stop, event, _, _ = _problem(seed, n=n)
    return pd.DataFrame({"start": start, "stop": stop, "event": event.astype(int), "g": np.arange(n) % 25,
                         "x1": X[:, 0], "x2": X[:, 1], "x3": pd.array(np.round(X[:, 2] * 3), dtype="Int64")})


def _inputs(d, rhs="x1 + x2 + x3"):
    return steps._cox_inputs(d, rhs, "start", "stop", "event", None, "g", None, [])


def _general(d, rhs="x1 + x2 + x3"):
    """The rows and design of the general path: complete_rows on every used column, then plain_design."""
    mask, dropped = fr.complete_rows(d, ["start", "stop", "event", "g", *rhs.split(" + ")])
    return mask, dropped, fr.plain_design(rhs, d, mask if dropped else None, d.index[mask] if dropped else d.index)


@pytest.mark.parametrize("change", ["none", "nan_covariate", "nan_start", "na_nullable", "both"])
def test_frame_rows_and_design_equal_the_general_path(change):
    d = _spells()
    if change in ("nan_covariate", "both"):
        d.loc[[3, 50, 51], "x1"] = np.nan
    if change in ("nan_start", "both"):
        d.loc[[7, 90], "start"] = np.nan
    if change == "na_nullable":
        d.loc[[11], "x3"] = pd.NA
    inp = _inputs(d)
    mask, dropped, design = _general(d)
    assert inp.n_dropped == dropped
    np.testing.assert_array_equal(inp.index, d.index[mask])
    np.testing.assert_array_equal(inp.design.X, design.X)
    assert inp.design.X.flags.f_contiguous and inp.design.columns == design.columns
    assert inp.design.terms == design.terms


def test_frame_errors_come_in_the_same_order():
    d = _spells()
    d.loc[5, "x2"] = np.inf
    with pytest.raises(SpecificationError, match=r"term 'x2' is inf at row 5"):
        _inputs(d)
    d.loc[9, "stop"] = d.loc[9, "start"]  # a survival error is found before the covariate's
    with pytest.raises(SurvivalDataError, match="stop"):
        _inputs(d)
    d = _spells()
    d.loc[[4, 6], "event"] = 2
    with pytest.raises(SurvivalDataError, match="must be 0/1"):
        _inputs(d)
