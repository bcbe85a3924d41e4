"""Least squares with absorbed fixed effects: R's ``lm`` with ``factor()`` dummies, swept out.

See :func:`peacestats.models.regression.ols`. The fixed effects are removed by
alternating projections (:func:`_demean`), their rank counted for the small-sample
factors (:func:`_fe_rank`) and recovered for predictions (:func:`_recover_fe`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ...errors import ConvergenceError, SpecificationError
from .. import frame as _frame
from .. import vcov as _vcov
from ..regression_result import RegressionResult, make_result
from .glm import check_finite, safe_inv

__all__ = ["fit_ols"]


def _demean(M: np.ndarray, groups: list[np.ndarray], sizes: list[int], w: np.ndarray,
            tol: float = 1e-12, maxiter: int = 100_000) -> np.ndarray:
    """Sweep out fixed effects by alternating weighted projections (Gaure 2013).

    Hand-written: statsmodels has no fixed-effect absorption and pyfixest is not a
    dependency. One factor is exact in one pass; several iterate to ``tol``.
    """
    out = M.astype(float, copy=True)
    sums_w = [np.bincount(g, weights=w, minlength=s) for g, s in zip(groups, sizes)]
    scale = np.abs(M).max(axis=0)
    scale[scale == 0] = 1.0
    for _ in range(maxiter):
        before = out.copy() if len(groups) > 1 else None
        for g, s, sw in zip(groups, sizes, sums_w):
            means = np.vstack([np.bincount(g, weights=w * out[:, j], minlength=s) for j in range(out.shape[1])]).T
            out -= (means / sw[:, None])[g]
        if before is None:
            return out
        # converged when no column moves by more than tol of its own scale
        if np.max(np.abs(out - before).max(axis=0) / scale) <= tol:
            return out
    raise ConvergenceError(f"absorbing the fixed effects did not converge in {maxiter} sweeps")


def _fe_rank(groups: list[np.ndarray], sizes: list[int]) -> int:
    """Rank of the fixed-effect dummies together with an intercept (R's lm rank count)."""
    if len(groups) == 1:
        return sizes[0]
    if len(groups) == 2:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        a, b = groups
        n1, n2 = sizes
        m = coo_matrix((np.ones(len(a)), (a, b + n1)), shape=(n1 + n2, n1 + n2))
        ncomp, _ = connected_components(m, directed=False)
        return n1 + n2 - ncomp
    D = np.hstack([np.eye(s)[g] for g, s in zip(groups, sizes)])
    return int(np.linalg.matrix_rank(D))


def _split_fe(formula: str, fe) -> tuple[str, list[str] | None]:
    """The formula without its ``| fe1 + fe2`` part, and the fixed-effect columns (``fe=`` first), or None."""
    if isinstance(formula, str) and "|" in formula:
        formula, fe_part = formula.split("|", 1)
        formula = formula.strip()
        extra_fe = [t.strip() for t in fe_part.split("+") if t.strip()]
        fe = list(dict.fromkeys(([fe] if isinstance(fe, str) else list(fe or [])) + extra_fe))
    fe_cols = None if fe is None else ([fe] if isinstance(fe, str) else list(fe))
    if fe_cols is not None and not fe_cols:
        fe_cols = None
    return formula, fe_cols


def fit_ols(formula: str, data: pd.DataFrame, env, *, cluster, vcov, weights, offset, fe) -> RegressionResult:
    """:func:`peacestats.models.regression.ols` (``env``: where the formula's names are looked up)."""
    model = "OLS"
    formula, fe_cols = _split_fe(formula, fe)
    d = _frame.model_frame(formula, data, env, weights=weights, offset=offset, cluster=cluster, fe=fe_cols)
    flavour = _vcov.resolve(vcov, d.cluster is not None)
    codes, G = _vcov.cluster_codes(d.cluster, d.cluster_name)
    y = d.response() - (d.offset if d.offset is not None else 0)
    X, terms = d.X, list(d.columns)
    n = len(y)
    w = np.ones(n) if d.weights is None else d.weights
    fe_effects: dict[str, pd.Series] = {}
    if fe_cols:
        if "Intercept" in terms:
            j = terms.index("Intercept")
            X = np.delete(X, j, axis=1)
            terms.pop(j)
        if not terms:
            raise SpecificationError("ols with fixed effects needs at least one regressor besides them")
        assert d.fe is not None  # model_frame keeps the fixed-effect columns when fe_cols is given
        groups, sizes, levels = [], [], []
        for c in fe_cols:
            g, lv = _frame.group_codes(d.fe[c].to_numpy())
            groups.append(g)
            sizes.append(len(lv))
            levels.append(lv)
        Z = _demean(np.column_stack([y, X]), groups, sizes, w)
        yd, Xd = Z[:, 0], Z[:, 1:]
        _frame.check_collinearity(Xd, terms, reference=X, absorbed_by=" + ".join(fe_cols))
        k_fe = _fe_rank(groups, sizes)
    else:
        _frame.check_collinearity(X, terms)
        yd, Xd, k_fe = y, X, 0
    Xd, to_b = (Xd, None) if fe_cols else _frame.rescale_terms(Xd, terms)  # a 1e8-scale covariate: fit rescaled
    k = Xd.shape[1]
    k_total = k + k_fe
    if n - k_total <= 0:
        raise SpecificationError(f"{n} rows cannot identify {k_total} coefficients (including fixed effects)")
    sw = np.sqrt(w)  # weighted least squares as least squares on rows scaled by sqrt(w) (SVD, as lm's QR is exact)
    params = np.linalg.lstsq(Xd * sw[:, None], yd * sw, rcond=None)[0]
    resid = yd - Xd @ params
    rss = float(np.sum(w * resid**2))
    df_resid = n - k_total
    sigma2 = rss / df_resid
    XtWX_inv = safe_inv((Xd * w[:, None]).T @ Xd, "cross-product matrix X'WX", model, terms)
    scores = Xd * (w * resid)[:, None]
    pieces = _vcov.VcovPieces(model=sigma2 * XtWX_inv, bread=XtWX_inv, scores=scores, n=n, k=k_total, linear=True,
                              transform=to_b)
    if to_b is not None:
        params = to_b @ params
    V, factor = _vcov.compute(pieces, flavour, codes, lm=True)
    check_finite(params, V, terms, model)

    fitted_vals = y - resid  # includes the fixed effects
    if fe_cols:
        # The fixed effects themselves (for predict): sweep the fitted FE component.
        fe_part = y - X @ params - resid
        fe_effects = _recover_fe(fe_part, groups, sizes, w, fe_cols, levels)
    ybar = np.average(y, weights=w)
    tss = float(np.sum(w * (y - ybar) ** 2)) if (d.has_intercept or fe_cols) else float(np.sum(w * y**2))
    r2 = 1 - rss / tss
    df_int = 1 if (d.has_intercept or fe_cols) else 0
    adj = 1 - (1 - r2) * (n - df_int) / df_resid
    within = 1 - rss / float(np.sum(w * yd**2)) if fe_cols else None
    # R's logLik.lm: 0.5 * (sum(log w) - n (log(2 pi) + 1 - log(n) + log(sum(w e^2))))
    ll = 0.5 * (np.sum(np.log(w)) - n * (np.log(2 * np.pi) + 1 - np.log(n) + np.log(rss)))
    d = dataclasses.replace(d, columns=terms)
    res = make_result(
        d, params, V, flavour, codes, G, factor, pieces, None, model, formula,
        loglik=ll, df_model=k_total + 1, mu=fitted_vals + (d.offset if d.offset is not None else 0),
        extra=dict(r2=r2, adj_r2=adj, within_r2=within, sigma=float(np.sqrt(sigma2)),
                   fe_names=list(fe_cols or []), fe_effects=fe_effects),
        options=dict(family="gaussian", link="identity", k_fixed_effects=k_fe),
        dist="t", df_resid=df_resid,
    )
    return res


def _recover_fe(fe_part, groups, sizes, w, names, levels) -> dict[str, pd.Series]:
    """Split the fitted fixed-effect component into one effect per level (normalised so the
    later factors have weighted mean zero; predictions do not depend on the normalisation)."""
    effects = [np.zeros(s) for s in sizes]
    sums_w = [np.bincount(g, weights=w, minlength=s) for g, s in zip(groups, sizes)]
    for _ in range(100_000):
        delta = 0.0
        for j, (g, s, sw) in enumerate(zip(groups, sizes, sums_w)):
            other = sum(effects[i][groups[i]] for i in range(len(groups)) if i != j) if len(groups) > 1 else 0
            new = np.bincount(g, weights=w * (fe_part - other), minlength=s) / sw
            delta = max(delta, float(np.max(np.abs(new - effects[j]))))
            effects[j] = new
        if len(groups) == 1 or delta < 1e-12 * max(1.0, float(np.max(np.abs(fe_part)))):
            break
    out = {}
    for name, lv, eff in zip(names, levels, effects):
        out[name] = pd.Series(eff, index=lv, name=name)
    return out
