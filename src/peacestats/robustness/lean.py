"""Lean fits for the multiverse: one fit, every clustering, straight from a :class:`~.frames.Frame`.

Each function fits one model on numpy columns, without building a formula, a patsy
design or a result object, and returns the first term's coefficient with its
cluster-robust standard error **for every clustering asked for, from the same fit**:
the point estimate, the bread (inverse information) and the per-row scores do not
depend on the clusters, only the meat ``sum_g U_g U_g'`` does
(:func:`peacestats.models.vcov.lin_wei`, :func:`~peacestats.models.vcov.sandwich`).

* :func:`cox` calls the engine of :func:`~peacestats.models.cox.coxph`
  (:mod:`peacestats.models.engines.cox`: ``prepare``, ``newton``, ``score_residuals``),
  Efron ties, and the Lin-Wei sandwich as ``coxph(..., cluster = g)``;
* :func:`weibull` the engine of :func:`~peacestats.models.parametric.survreg`
  (:mod:`peacestats.models.engines.parametric`), the PH-metric coefficient
  ``-b / sigma`` with its delta-method variance;
* :func:`logit` Newton-Raphson on the log-likelihood, the ``CR1`` sandwich of
  :func:`~peacestats.models.regression.logit` with ``cluster =`` (R's
  ``sandwich::vcovCL(fit, cluster = ~g, type = "HC1")``).

Whenever the lean path meets something the full estimator handles with a check, a
warning or an error (separation, coefficients running off, a badly conditioned design,
non-positive times), it hands the specification to the full estimator instead, once
per clustering, so errors and warnings are those of the documented functions. The
numbers equal the full estimators' (``tests/test_robustness_fast.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import MultiverseError
from ..models import frame as _frame
from ..models import vcov as _vcov
from .frames import Frame

__all__ = ["cox", "weibull", "logit", "Fallback"]


class Fallback(Exception):
    """The lean path declines a problem (the message says why): the documented estimator fits it."""


def _codes(frame: Frame, mask: np.ndarray, clusters: dict[str, str]) -> dict[str, tuple[np.ndarray, int]]:
    out = {}
    for level, col in clusters.items():
        codes, G = _vcov.cluster_codes(frame[col][mask], col)
        if codes is None or G is None:  # cluster_codes answers None only when given no column
            raise Fallback(f"no clusters in column {col!r}")
        out[level] = (codes, G)
    return out


def _result(est: float, se: dict[str, float], n: int, events: int, G: dict[str, int]) -> dict[str, Any]:
    return {"estimate": float(est), "std_error": se, "n": int(n), "events": int(events), "clusters": G}


# ============================================================================ Cox
def collapse(spell: np.ndarray, start: np.ndarray, stop: np.ndarray, event: np.ndarray,
             X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge adjacent rows of a spell whose covariates ``X`` do not change: ``(first, last)`` row of each run.

    The counting-process rows are split wherever *any* time-varying column changes
    (personnel, mission type, ...); a model that uses few of them sees runs of rows with
    equal covariates. A run ``(a, b], (b, c]`` of one spell with equal covariates and no
    event before its last row is the interval ``(a, c]``: the risk sets, hence the partial
    likelihood, are the same, and the score residuals of the pieces add up to the merged
    row's, so the clustered sandwich is the same too. Rows must be sorted by spell and start
    within each spell and contiguous (as the prepared frames and their bootstrap draws are).
    """
    n = len(spell)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    same = np.zeros(n, dtype=bool)
    same[1:] = ((spell[1:] == spell[:-1]) & (start[1:] == stop[:-1]) & ~event[:-1]
                & np.all(X[1:] == X[:-1], axis=1))
    first = np.flatnonzero(~same)
    last = np.r_[first[1:] - 1, n - 1]
    return first, last


def cox(frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str]) -> dict[str, Any]:
    """Cox PH on (start, stop] rows, Efron ties, presence = ``terms[0]``; Lin-Wei SE per clustering.

    Rows with unchanged covariates are merged first (:func:`collapse`; exact), so a model
    with few time-varying terms is fitted on far fewer rows. ``n`` is the rows before merging.
    """
    from ..models.engines import cox as engine

    X = frame.matrix(terms, mask)
    event = frame["event"][mask] == 1
    n = len(X)
    if not event.any():
        raise Fallback("Cox: no events in the rows used")
    start, stop = frame["start"][mask].astype(float), frame["stop"][mask].astype(float)
    first, last = collapse(frame["spell_id"][mask], start, stop, event, X)
    mask = np.flatnonzero(mask)[first]  # cluster ids of the merged rows
    X, start, stop, event = X[first], start[first], stop[last], event[last]
    # the merged rows hold every distinct row of X, so a column is a combination of others here
    # exactly when it is on all rows (coxph checks all rows; same answer, for an exact dependence)
    _frame.check_collinearity(X, terms, centre=True)
    cd = engine.prepare(X, start, stop, event, np.ones(len(X)), np.zeros(len(X), dtype=np.int64), True)
    try:
        fit = engine.newton(cd, 1e-12, 50, terms)
    except Exception as exc:  # the full coxph raises it with its own message
        raise Fallback(f"Cox: {exc}") from exc
    if fit.infinite or not np.all(np.isfinite(fit.beta)):
        raise Fallback("Cox: a coefficient runs off to infinity (separation)")
    V = np.linalg.inv(fit.ev.information())
    V = (V + V.T) / 2
    scores = engine.score_residuals(cd, fit.ev)
    codes = _codes(frame, mask, clusters)
    se = {lv: float(np.sqrt(_vcov.lin_wei(V, scores, c, G)[0, 0])) for lv, (c, G) in codes.items()}
    return _result(fit.beta[0], se, n, event.sum(), {lv: G for lv, (_, G) in codes.items()})


# ============================================================================ Weibull
def weibull(frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str]) -> dict[str, Any]:
    """Weibull survreg on one row per spell (``years``, ``failed``); PH-metric coefficient of ``terms[0]``."""
    from ..models.engines import parametric as engine

    t = frame["years"][mask].astype(float)
    ev = frame["failed"][mask].astype(float)
    if np.any(t <= 0) or ev.sum() <= 0:
        raise Fallback("Weibull: non-positive times or no events")
    n = len(t)
    X = np.column_stack([np.ones(n), frame.matrix(terms, mask)])
    names = ["(Intercept)", *terms]
    Xs, to_b = _frame.rescale_design(X, 0)
    _frame.check_collinearity(Xs, names)
    D = engine.Data(X=Xs, y=np.log(t), y0=np.zeros(n), trunc=np.zeros(n, dtype=bool), ev=ev, w=np.ones(n),
                    dist="weibull")
    k = X.shape[1]
    b0 = np.zeros(k)
    b0[0] = np.log(t.sum() / ev.sum())
    theta0 = np.concatenate([b0, [0.0]])
    if to_b is not None:
        theta0[:k] = np.linalg.solve(to_b, b0)
    try:
        theta, _, U, info, _ = engine.fit(D, theta0)
    except Exception as exc:
        raise Fallback(f"Weibull: {exc}") from exc
    V = np.linalg.inv(info)
    V = (V + V.T) / 2
    back = np.eye(k + 1)
    if to_b is not None:
        back[:k, :k] = to_b
    theta = back @ theta
    sig = np.exp(theta[k])
    J = np.zeros(k + 1)  # d(-b_1 / sigma) / d(b, log sigma)
    J[1], J[k] = -1.0 / sig, theta[1] / sig
    codes = _codes(frame, mask, clusters)
    se = {}
    for lv, (c, G) in codes.items():
        Vb = back @ _vcov.lin_wei(V, U, c, G) @ back.T
        se[lv] = float(np.sqrt(J @ ((Vb + Vb.T) / 2) @ J))
    return _result(-theta[1] / sig, se, n, ev.sum(), {lv: G for lv, (_, G) in codes.items()})


# ============================================================================ logit
def logit(frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str],
          extra: list[str]) -> dict[str, Any]:
    """Logit of ``event`` on an intercept, ``terms`` and ``extra`` (time terms); CR1 SE of ``terms[0]``."""
    y = frame["event"][mask].astype(float)
    n = len(y)
    names = ["Intercept", *terms, *extra]
    X = np.column_stack([np.ones(n), frame.matrix([*terms, *extra], mask)])
    if not (0 < y.sum() < n):
        raise Fallback("logit: the outcome is constant")
    _frame.check_collinearity(X, names, tol=_frame.GLM_TOL)
    if _frame.rescale_terms(X, names)[1] is not None:
        raise Fallback("logit: badly conditioned design (rescaling needed)")
    beta = np.zeros(X.shape[1])
    ll_old = -np.inf
    for _ in range(100):
        eta = X @ beta
        mu = 1.0 / (1.0 + np.exp(-eta))
        ll = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
        if abs(ll - ll_old) <= 1e-13 * (abs(ll) + 0.1):
            break
        ll_old = ll
        H = (X * (mu * (1 - mu))[:, None]).T @ X
        beta = beta + np.linalg.solve(H, X.T @ (y - mu))
    else:
        raise Fallback("logit: no convergence in 100 Newton steps")
    if np.any((mu < 1e-8) | (mu > 1 - 1e-8)) or not np.all(np.isfinite(beta)):
        raise Fallback("logit: fitted probabilities near 0 or 1 (separation?)")
    bread = np.linalg.inv((X * (mu * (1 - mu))[:, None]).T @ X)
    scores = X * (y - mu)[:, None]
    codes = _codes(frame, mask, clusters)
    k = X.shape[1]
    se = {}
    for lv, (c, G) in codes.items():
        V = G / (G - 1) * (n - 1) / (n - k) * _vcov.sandwich(bread, scores, c, G)
        se[lv] = float(np.sqrt(V[1, 1]))
    return _result(beta[1], se, n, y.sum(), {lv: G for lv, (_, G) in codes.items()})


# ============================================================================ the full estimators
def full(estimator: str, frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str],
         extra: list[str]) -> dict[str, Any]:
    """The same numbers from the documented estimators (``coxph``, ``survreg``, ``logit``), one fit per clustering."""
    from ..models.cox import coxph
    from ..models.parametric import survreg
    from ..models.regression import logit as logit_full
    from ..models.results import ModelResult

    cols = dict.fromkeys([*terms, *extra, *clusters.values(), "spell_id", "start", "stop", "event", "years",
                          "failed"])
    d = pd.DataFrame({c: frame[c][mask] for c in cols if c in frame})
    se, G = {}, {}
    for lv, col in clusters.items():
        fit: ModelResult
        if estimator == "cox":
            fit = coxph(" + ".join(terms), d, start="start", stop="stop", event="event", id="spell_id",
                        cluster=col, ties="efron")
            row = fit.tidy().set_index("term").loc[terms[0]]
            events = fit.n_events
        elif estimator == "weibull":
            wfit = survreg(" + ".join(terms), d, stop="years", event="failed", dist="weibull", cluster=col)
            fit, row = wfit, wfit.tidy(metric="ph").set_index("term").loc[terms[0]]
            events = fit.n_events
        else:
            fit = logit_full("event ~ " + " + ".join([*terms, *extra]), d, cluster=col)
            row = fit.tidy().set_index("term").loc[terms[0]]
            events = int(d["event"].sum())
        if events is None or fit.n_clusters is None or fit.nobs is None:  # clustered fits count all three
            raise MultiverseError(f"{estimator}: the fit reports no event or cluster count")
        se[lv], G[lv] = float(row["std_error"]), int(fit.n_clusters)
        n_used, n_events = fit.nobs, events
    return _result(float(row["estimate"]), se, n_used, n_events, G)
