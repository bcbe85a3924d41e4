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
* :func:`weibull` the likelihood of :func:`~peacestats.models.parametric.survreg`
  (:mod:`peacestats.models.engines.parametric`) maximised by Newton-Raphson on its
  analytic score and Hessian, the PH-metric coefficient ``-b / sigma`` with its
  delta-method variance;
* :func:`logit` Newton-Raphson on the log-likelihood, the ``CR1`` sandwich of
  :func:`~peacestats.models.regression.logit` with ``cluster =`` (R's
  ``sandwich::vcovCL(fit, cluster = ~g, type = "HC1")``).

Whenever the lean path meets something the full estimator handles with a check, a
warning or an error (separation, coefficients running off, a badly conditioned design,
non-positive times), it hands the specification to the full estimator instead, once
per clustering, so errors and warnings are those of the documented functions. The
numbers equal the full estimators' (``tests/test_robustness_fast.py``).

Where a direction of the coefficients separates the rows, the likelihood has no maximum
and every fit could only end declined, after many Newton steps or survreg's search:
:func:`cox_separated`, :func:`weibull_separated` and :func:`logit_separated` recognise
the usual cases (a dummy with no events in the rows used, among others) from the data,
and the lean fit declines at once with a ``final`` :class:`Fallback` (no other start is
tried). The same fits are declined as without them, only sooner.

Each fit takes ``init``, the coefficients (by name) to start Newton-Raphson from: the
bootstrap draws start from the full-sample estimate and iterate to the same convergence
criteria (``tests/test_robustness_speed.py``). The documented estimators' collinearity check
(``check_collinearity``, which answers well-conditioned designs from ``X'X``) runs on every
fit; ``rescale_design`` only where ``X'X`` cannot already tell that it would leave the design
as it is (:func:`~peacestats.models.scaling.surely_well_conditioned`, given the same ``X'X``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MultiverseError
from ..models import frame as _frame
from ..models import vcov as _vcov
from . import frames as _frames
from .frames import Frame

__all__ = ["cox", "weibull", "logit", "Fallback", "cox_separated", "weibull_separated", "logit_separated"]


class Fallback(Exception):
    """The lean path declines a problem (the message says why): the documented estimator fits it.

    ``final``: no other start is worth trying: the likelihood has no maximum whatever the
    start (separation: :func:`weibull_separated`), or the fit ended where every start ends
    (a logit that rose at every Newton step to fitted probabilities at 0 or 1).
    """

    def __init__(self, message: str, final: bool = False) -> None:
        super().__init__(message)
        self.final = final

    def __reduce__(self):
        return type(self), (str(self), self.final)


def _codes(frame: Frame, mask: np.ndarray, clusters: dict[str, str]) -> dict[str, tuple[np.ndarray, int]]:
    """Cluster codes of the rows ``mask`` for each clustering (:meth:`Frame.codes`, memoised per column)."""
    out = {}
    for level, col in clusters.items():
        codes, G = frame.codes(col, mask)
        if G < 2:  # the documented check and its message
            _vcov.cluster_codes(frame[col][mask], col)
        out[level] = (codes, G)
    return out


def _cluster_se(scores: np.ndarray, a: np.ndarray | None, codes: np.ndarray, G: int) -> float:
    """``sqrt(a' (sum_g U_g U_g') a)``: the clustered standard error of ``a' theta`` whose bread is in ``a``.

    For the sandwich ``V = B M B`` (:func:`peacestats.models.vcov.sandwich`, ``M`` the sum
    over clusters of the outer products of the score sums ``U_g``), ``c' V c = a' M a``
    with ``a = B c`` and ``a' M a = sum_g (U_g' a)^2``; the score sums of ``scores @ a``
    are ``U_g' a``, so one pass over the rows gives the variance of the coefficient.
    ``a=None``: ``scores`` is already ``scores @ a`` (one value per row).
    """
    s = np.bincount(codes, weights=scores if a is None else scores @ a, minlength=G)
    return float(np.sqrt(s @ s))


@dataclass(frozen=True)
class Influence:
    """Each row's influence on the presence coefficient: what its clustered variance is made of.

    ``values[i]`` belongs to row ``rows[i]`` of the frame. The clustered standard error is
    ``sqrt(f * sum_g (sum of values in cluster g)^2)``, with ``f = G / (G - 1) (n - 1) / (n - k)``
    where ``cr1`` (the logit's CR1) and 1 otherwise (Lin-Wei, survreg's robust variance); and a
    sample that takes each row ``w_i`` times moves the coefficient by about
    ``sum_i (w_i - 1) values[i]`` (the one-step, estimating-function approximation:
    :mod:`peacestats.robustness.score`).
    """

    rows: np.ndarray
    values: np.ndarray
    k: int
    cr1: bool


def _result(est: float, se: dict[str, float], n: int, events: int, G: dict[str, int],
            coef: dict[str, float] | None = None, influence: Influence | None = None) -> dict[str, Any]:
    return {"estimate": float(est), "std_error": se, "n": int(n), "events": int(events), "clusters": G,
            "coef": coef, "influence": influence}


def _start(names: list[str], init: dict[str, float] | None, default: np.ndarray) -> np.ndarray:
    """Start values for ``names`` from ``init`` (a fit's coefficients by name), else ``default``."""
    if init is None or any(n not in init for n in names):
        return default
    return np.array([init[n] for n in names], dtype=float)


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


def cox_separated(X: np.ndarray, start: np.ndarray, stop: np.ndarray, event: np.ndarray,
                  directions: np.ndarray | None = None) -> bool:
    """Whether a direction ``d`` of the Cox coefficients separates the events (monotone likelihood).

    True when ``v = X d`` takes its largest value over all rows on every event row, and a
    row with a smaller ``v`` is at risk (``start < t <= stop``) at some event time ``t``:
    at every event time the failing rows then have the largest ``v`` of the risk set, so
    every term of the partial likelihood rises (some strictly) along ``d``, for ever: there
    is no maximum (e.g. a dummy with no events in the rows used, ``d`` minus its unit
    vector). Newton-Raphson would creep along ``d`` until :func:`cox` declines the
    coefficients running off. ``directions``: the candidates ``d`` as columns (default:
    each column of ``X`` and its negative); comparisons of ``X d`` only.
    """
    if not event.any() or X.shape[1] == 0:
        return False
    V = np.hstack([X, -X]) if directions is None else X @ directions
    hi, lo = V.max(axis=0), V.min(axis=0)
    times = np.unique(stop[event])
    for j in np.flatnonzero(np.all(V[event] == hi, axis=0) & (lo < hi)):
        below = V[:, j] < hi[j]
        at_risk = np.searchsorted(times, stop[below], side="right") - np.searchsorted(times, start[below], side="right")
        if np.any(at_risk > 0):
            return True
    return False


def cox(frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str],
        init: dict[str, float] | None = None) -> dict[str, Any]:
    """Cox PH on (start, stop] rows, Efron ties, presence = ``terms[0]``; Lin-Wei SE per clustering.

    Rows with unchanged covariates are merged first (:func:`collapse`; exact), so a model
    with few time-varying terms is fitted on far fewer rows. ``n`` is the rows before merging.
    ``init``: coefficients by name to start Newton-Raphson from (a warm start; default 0).
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
    cd = engine.prepare(X, start, stop, event, np.ones(len(X)), np.zeros(len(X), dtype=np.int64), True)
    # the merged rows hold every distinct row of X, so a column is a combination of others here
    # exactly when it is on all rows (coxph checks all rows; same answer, for an exact dependence)
    _frame.check_collinearity(X, terms, centre=True)
    if cox_separated(X, start, stop, event):
        raise Fallback("Cox: a coefficient runs off to infinity (a covariate separates the events: no maximum)",
                       final=True)
    try:
        fit = engine.newton(cd, 1e-12, 50, terms, init=_start(terms, init, np.zeros(len(terms))))
    except Exception as exc:  # the full coxph raises it with its own message
        raise Fallback(f"Cox: {exc}") from exc
    if fit.infinite or not np.all(np.isfinite(fit.beta)):
        # where the coefficients that run off separate the events, no other start can help
        d = np.zeros((len(terms), 1))
        d[fit.infinite, 0] = np.sign(fit.beta[fit.infinite])
        final = bool(fit.infinite) and bool(np.all(np.isfinite(fit.beta))) and cox_separated(X, start, stop, event, d)
        raise Fallback("Cox: a coefficient runs off to infinity (separation)", final=final)
    V = np.linalg.inv(fit.ev.information())
    V = (V + V.T) / 2
    v = engine.score_residuals(cd, fit.ev) @ V[:, 0]
    codes = _codes(frame, mask, clusters)
    se = {lv: _cluster_se(v, None, c, G) for lv, (c, G) in codes.items()}  # lin_wei(V, scores, c, G)[0, 0]
    return _result(fit.beta[0], se, n, event.sum(), {lv: G for lv, (_, G) in codes.items()},
                   dict(zip(terms, map(float, fit.beta))), Influence(mask, v, len(terms), False))


# ============================================================================ Weibull
def _weibull_parts(theta: np.ndarray, X: np.ndarray, y: np.ndarray, ev: np.ndarray):
    """Weibull log-likelihood, per-row scores and Hessian in ``(b, log sigma)``: no truncation, unit weights.

    :func:`peacestats.models.engines.parametric.loglik_parts` for this case, in fewer
    passes: with ``z = (y - X b) / sigma``, log f_W = z - e^z and log S_W = -e^z, so
    ``G = ev z - e^z``, ``G' = ev - e^z``, ``G'' = -e^z`` on every row.
    """
    from ..models.engines.parametric import ZMAX

    k = X.shape[1]
    s = float(theta[k])
    sig = np.exp(s)
    z = (y - X @ theta[:k]) / sig
    ez = np.exp(np.minimum(z, ZMAX))
    ll = float(np.sum(ev * (z - s - y) - ez))
    g1 = ev - ez
    U = np.empty((len(y), k + 1))
    np.multiply(X, (-g1 / sig)[:, None], out=U[:, :k])
    U[:, k] = -z * g1 - ev
    zez = z * ez
    H = np.empty((k + 1, k + 1))
    H[:k, :k] = (X * (-ez / sig**2)[:, None]).T @ X
    H[:k, k] = H[k, :k] = X.T @ ((g1 - zez) / sig)
    H[k, k] = np.sum(z * g1 - z * zez)
    return ll, U, H


def _weibull_newton(theta: np.ndarray, X: np.ndarray, y: np.ndarray, ev: np.ndarray):
    """Newton-Raphson with step halving (R's ``survreg.fit``), to a Newton decrement below 1e-20.

    Returns ``(theta, U, info)``; raises :class:`Fallback` where Newton cannot go on (the
    Hessian is not negative definite or a step cannot raise the likelihood), where the end
    point fails :func:`~peacestats.models.engines.parametric.fit`'s convergence checks, or
    where its information, scaled to a unit diagonal, has an eigenvalue below 1e-10.
    """
    ll, U, H = _weibull_parts(theta, X, y, ev)
    for _ in range(100):
        g = U.sum(axis=0)
        try:
            step = np.linalg.solve(-H, g)
        except np.linalg.LinAlgError:
            raise Fallback("Weibull: singular Hessian in Newton-Raphson") from None
        dec = float(g @ step)
        if not np.isfinite(dec) or dec < 0:
            raise Fallback("Weibull: the Hessian is not negative definite")
        if dec < 1e-20:
            break
        lam = 1.0
        for _ in range(30):
            cand = theta + lam * step
            ll_c, U_c, H_c = _weibull_parts(cand, X, y, ev)
            if np.isfinite(ll_c) and ll_c >= ll - 1e-12 * max(1.0, abs(ll)):
                break
            lam /= 2
        else:
            break
        theta, ll, U, H = cand, ll_c, U_c, H_c
    else:
        raise Fallback("Weibull: no convergence in 100 Newton steps")
    g = U.sum(axis=0)
    info = -H
    if not (np.isfinite(ll) and np.all(np.isfinite(theta)) and np.all(np.isfinite(H))):
        raise Fallback("Weibull: not finite")
    d = np.sqrt(np.abs(np.diag(info)))
    if not np.all(d > 0) or np.linalg.eigvalsh(info / np.outer(d, d))[0] <= 1e-10:
        # separation: a coefficient far out where its rows' terms underflow, so the likelihood is flat
        # there to rounding (survreg's search fails on these: the lean path must decline them too)
        raise Fallback("Weibull: the information is (nearly) singular (separation?)")
    step = np.linalg.solve(info, g)
    if not (float(g @ step) < 1e-10 and np.all(np.abs(step) <= 1e-6 * (1.0 + np.abs(theta)))):
        raise Fallback("Weibull: no convergence (a coefficient runs off?)")
    return theta, U, info


def weibull_separated(X: np.ndarray, ev: np.ndarray) -> bool:
    """Whether the Weibull likelihood has no maximum because a direction of ``b`` separates the rows.

    True when some ``d`` has ``X d = 0`` on every failure and ``X d >= 0`` on every censored
    row, ``> 0`` on some (e.g. a dummy that is 1 on censored spells only). Along ``b + t d``
    the failures' terms do not change and the censored rows' terms ``-exp((y - X b) / sigma)``
    rise towards a limit they never reach: the likelihood has a supremum and no maximum, so
    survreg's search (:func:`peacestats.models.engines.parametric.fit`) cannot end at a point
    that passes its convergence checks. This is the linear programme the GLMs use for counts
    (:func:`peacestats.models.engines.glm.separation_lp` with the failures as the positive
    outcomes, ``d = -b``); the ``d`` it finds is checked on the rows (1e-9 relative) before
    answering True, since a declined specification must have no maximum.
    """
    from ..models.engines.glm import separation_lp

    if not (ev > 0).any() or (ev > 0).all():
        return False
    if _simply_separated(X, ev):  # the usual cases, without the linear programme
        return True
    b = separation_lp(X, ev, "counts")
    return b is not None and _separates_weibull(X, ev, -b)


def _separates_weibull(X: np.ndarray, ev: np.ndarray, d: np.ndarray) -> bool:
    """Whether ``X d`` is 0 on every failure and >= 0 on every censored row, > 0 on some (1e-9 relative)."""
    scale = float(np.abs(X).max() * np.linalg.norm(d))
    on_failures, on_censored = X[ev > 0] @ d, X[ev == 0] @ d
    return bool(scale > 0 and np.all(np.abs(on_failures) <= 1e-9 * scale) and np.all(on_censored >= -1e-9 * scale)
                and on_censored.max() > 1e-6 * scale)


def _simply_separated(X: np.ndarray, ev: np.ndarray) -> bool:
    """Whether a column, or a difference of two, separates the Weibull's failures (:func:`_simple_directions`)."""
    return any(_separates_weibull(X, ev, d) for d in _simple_directions(X, ev))


def _simple_directions(X: np.ndarray, ev: np.ndarray) -> list[np.ndarray]:
    """Candidate separating directions from a column or a difference of two (``X`` with an intercept first).

    A column, or the difference of two columns, that is constant (``c``) on the failures
    gives ``d`` (that combination minus ``c`` times the intercept), ``X d = 0`` on the
    failures, and ``-d``: a dummy that is 0 on every failure, or two dummies that agree on
    every failure (most separations in the multiverse's bootstrap draws). Candidates only:
    :func:`weibull_separated` checks each on the rows.
    """
    k = X.shape[1]
    if k < 2 or not np.all(X[:, 0] == 1.0):
        return []
    F = X[ev > 0, 1:]
    i, j = np.triu_indices(k - 1, 1)
    combos = np.hstack([F, F[:, i] - F[:, j]])  # each column; each difference of two
    const = np.flatnonzero(combos.max(axis=0) == combos.min(axis=0))
    out = []
    for c in const:
        d = np.zeros(k)
        if c < k - 1:
            d[1 + c] = 1.0
        else:
            d[1 + i[c - (k - 1)]], d[1 + j[c - (k - 1)]] = 1.0, -1.0
        d[0] = -combos[0, c]
        out += [d, -d]
    return out


_NO_WEIBULL_MAXIMUM = ("Weibull: no maximum likelihood (a direction of the coefficients separates the failures from "
                       "censored spells)")


def weibull(frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str],
            init: dict[str, float] | None = None) -> dict[str, Any]:
    """Weibull survreg on one row per spell (``years``, ``failed``); PH-metric coefficient of ``terms[0]``.

    The maximum likelihood of :func:`~peacestats.models.parametric.survreg` (same
    design, rescaling and start), found by Newton-Raphson on the analytic score and
    Hessian (:func:`_weibull_newton`); where Newton cannot go on or ends where it must
    not (a singular information: separation), by survreg's own search
    (:func:`peacestats.models.engines.parametric.fit`) from survreg's start, whose failure
    is a :class:`Fallback`; that search is not run where the likelihood has no maximum
    (:func:`weibull_separated`, a ``final`` :class:`Fallback`: it could only fail). The
    common separations (a column, or a difference of two, that separates: :func:`_simple_directions`)
    are declined before Newton starts, which could only creep after them. ``init``: the
    coefficients ``(Intercept)``, terms and ``Log(scale)`` of a fit to start Newton from.
    """
    t = frame["years"][mask].astype(float)
    ev = frame["failed"][mask].astype(float)
    if np.any(t <= 0) or ev.sum() <= 0:
        raise Fallback("Weibull: non-positive times or no events")
    n = len(t)
    X = np.ascontiguousarray(frame.matrix(terms, mask, intercept=True))  # row-major, as survreg's engine
    names = ["(Intercept)", *terms]
    G = X.T @ X  # for both checks
    Xs, to_b = (X, None) if _frame.surely_well_conditioned(X, G) else _frame.rescale_design(X, 0)
    _frame.check_collinearity(Xs, names, gram=G if to_b is None else None)
    if _simply_separated(Xs, ev):  # before Newton creeps after the separating direction
        raise Fallback(_NO_WEIBULL_MAXIMUM, final=True)
    k = X.shape[1]
    b0 = np.zeros(k)
    b0[0] = np.log(t.sum() / ev.sum())
    default = np.concatenate([b0, [0.0]])
    theta0 = _start([*names, "Log(scale)"], init, default)
    if to_b is not None:
        theta0[:k] = np.linalg.solve(to_b, theta0[:k])
        default[:k] = np.linalg.solve(to_b, b0)
    try:
        theta, U, info = _weibull_newton(theta0, Xs, np.log(t), ev)
    except Fallback:  # Newton stuck (a Hessian not negative definite on the way): survreg's own search
        from ..models.engines import parametric as engine

        if weibull_separated(Xs, ev):  # ... which cannot converge where there is no maximum
            raise Fallback(_NO_WEIBULL_MAXIMUM, final=True) from None

        D = engine.Data(X=Xs, y=np.log(t), y0=np.zeros(n), trunc=np.zeros(n, dtype=bool), ev=ev, w=np.ones(n),
                        dist="weibull")
        try:
            theta, _, U, info, _ = engine.fit(D, default)
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
    v = U @ (V @ (back.T @ J))  # J' back lin_wei(V, U, c, G) back' J
    se = {lv: _cluster_se(v, None, c, G) for lv, (c, G) in codes.items()}
    return _result(-theta[1] / sig, se, n, ev.sum(), {lv: G for lv, (_, G) in codes.items()},
                   dict(zip([*names, "Log(scale)"], map(float, theta))),
                   Influence(np.flatnonzero(mask), v, k + 1, False))


# ============================================================================ logit
def _logit_parts(X: np.ndarray, y: np.ndarray, beta: np.ndarray,
                 m: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, ``mu`` and ``w = m mu (1 - mu)`` at ``beta``, with one ``exp`` and one ``log`` per row.

    ``log(1 + e^eta)`` is ``log(d)`` with ``d = 1 + e^eta``, ``mu = e^eta / d`` and ``w = mu / d``;
    where some ``eta`` exceeds 30 (``e^eta`` would swamp the 1), from ``e^-|eta|`` instead.
    ``m``: frequency weights (copies of each row; ``None``: one each).
    """
    eta = X @ beta
    if eta.size and eta.max() <= 30.0:
        ex = np.exp(eta)
        d = 1.0 + ex
        mu = ex / d
        w, log_d = mu / d, np.log(d)
    else:
        e = np.exp(-np.abs(eta))
        d = 1.0 + e
        mu = np.where(eta >= 0, 1.0, e) / d
        w, log_d = e / (d * d), np.maximum(eta, 0.0) + np.log1p(e)
    if m is None:
        return float(y @ eta - np.sum(log_d)), mu, w
    return float((m * y) @ eta - m @ log_d), mu, m * w


def _logit_newton(X: np.ndarray, y: np.ndarray, beta: np.ndarray,
                  m: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Newton-Raphson on the logit log-likelihood until it changes by at most 1e-13 (relative).

    Returns ``(beta, mu, w, ascended)`` at the last point (``w = m mu (1 - mu)``, ``m`` the
    frequency weights or 1); ``ascended``: the log-likelihood never fell from one step to the
    next (no overshoot), so the path ended where any start would (the log-likelihood is
    concave). After 8 steps without convergence, a separating covariate
    (:func:`logit_separated`) ends it: a ``final`` :class:`Fallback`, as Newton would end
    (fitted probabilities at 0 or 1), only sooner.
    """
    ll_old = -np.inf
    ascended = True
    for it in range(100):
        ll, mu, w = _logit_parts(X, y, beta, m)
        if abs(ll - ll_old) <= 1e-13 * (abs(ll) + 0.1):
            return beta, mu, w, ascended
        ascended = ascended and ll >= ll_old
        if it == 8 and logit_separated(X, y):  # slow going: is there a maximum at all?
            raise Fallback("logit: a covariate separates the events from the other rows (no maximum "
                           "likelihood)", final=True)
        ll_old = ll
        Xw = X * np.sqrt(w)[:, None]
        r = y - mu if m is None else m * (y - mu)
        beta = beta + np.linalg.solve(Xw.T @ Xw, X.T @ r)
    raise Fallback("logit: no convergence in 100 Newton steps")


def logit_separated(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether one column of ``X`` (after the intercept in column 0) separates the events from the other rows.

    True when a column that is not constant takes on every event row a value at least (or
    at most) its largest (smallest) value on the other rows: with ``d`` that column minus
    that value (a direction of the intercept and the column), ``X d >= 0`` on the events and
    ``<= 0`` elsewhere, not 0 everywhere, so the log-likelihood rises along ``d`` for ever
    and has no maximum (quasi-complete separation: e.g. a dummy with no events in the rows
    used). Newton-Raphson could only creep after it until the fitted probabilities of those
    rows reach 0 or 1, which :func:`logit` declines. Comparisons of the data only: exact.
    :func:`_logit_newton` asks when it has not converged after 8 steps (a fit from a warm
    start needs 4 to 6).
    """
    ev = y > 0
    if not ev.any() or ev.all() or X.shape[1] < 2:
        return False
    X1, X0 = X[ev, 1:], X[~ev, 1:]
    lo1, hi1, lo0, hi0 = X1.min(axis=0), X1.max(axis=0), X0.min(axis=0), X0.max(axis=0)
    varies = np.minimum(lo1, lo0) < np.maximum(hi1, hi0)
    return bool(np.any(varies & ((lo1 >= hi0) | (hi1 <= lo0))))


def logit(frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str],
          extra: list[str], init: dict[str, float] | None = None) -> dict[str, Any]:
    """Logit of ``event`` on an intercept, ``terms`` and ``extra`` (time terms); CR1 SE of ``terms[0]``.

    ``init``: coefficients by name to start Newton-Raphson from (a warm start; default 0).
    On a weighted draw (:func:`~peacestats.robustness.frames.draw_clusters` with ``weighted=``:
    each drawn unit's rows once, ``m`` copies of each), the same numbers as on the replicated
    rows, from fewer: the log-likelihood, score and information are the copies' sums (frequency
    weights), the checks see ``sqrt(m) X`` (whose cross-product is the copies'), ``n`` and the
    events count copies, and a clustering whose ids differ per copy counts ``m`` clusters and
    adds ``m`` times each copy's squared score sum, where one that the copies share (the
    country, when conflicts are drawn) adds the square of the summed copies.
    """
    y = frame["event"][mask].astype(float)
    copies = frame.cache.get("copies")
    m, per_copy = (None, frozenset()) if copies is None else (copies[0][mask], copies[1])
    names = ["Intercept", *terms, *extra]
    X = frame.matrix([*terms, *extra], mask, intercept=True)  # column-major
    n, events = (len(y), y.sum()) if m is None else (m.sum(), m @ y)
    if not (0 < events < n):
        raise Fallback("logit: the outcome is constant")
    Xs = X if m is None else X * np.sqrt(m)[:, None]  # Xs' Xs: the cross-product of the copies
    G = Xs.T @ Xs  # for both checks
    _frame.check_collinearity(Xs, names, tol=_frame.GLM_TOL, gram=G)
    if not _frame.surely_well_conditioned(Xs, G) and _frame.rescale_terms(
            X if m is None else np.repeat(X, m.astype("int64"), axis=0), names)[1] is not None:
        raise Fallback("logit: badly conditioned design (rescaling needed)")
    beta, mu, w, ascended = _logit_newton(X, y, _start(names, init, np.zeros(len(names))), m)
    if np.any((mu < 1e-8) | (mu > 1 - 1e-8)) or not np.all(np.isfinite(beta)):
        # final when Newton rose at every step: on the concave log-likelihood it ended where every start ends
        # (the maximum, or creeping along a separating direction); after an overshoot another start may do better
        raise Fallback("logit: fitted probabilities near 0 or 1 (separation?)",
                       final=ascended and bool(np.all(np.isfinite(beta))))
    Xw = X * np.sqrt(w)[:, None]
    bread = np.linalg.inv(Xw.T @ Xw)
    s = (X @ bread[:, 1]) * (y - mu)  # the scores X (y - mu) times the bread's column (one copy of each row)
    k = X.shape[1]
    se, n_clusters = {}, {}
    for lv, col in clusters.items():
        codes, G_rows = frame.codes(col, mask)
        if m is None:
            sw, G_lv = s, G_rows
        elif col in per_copy:  # each copy its own cluster: m clusters, m (U_g' a)^2
            sw, per = s * np.sqrt(m), np.zeros(G_rows)
            per[codes] = m  # the copies of a cluster's unit (the same on all its rows)
            G_lv = int(per.sum())
        else:  # the copies share the cluster: (sum of the copies' U_g' a)^2
            sw, G_lv = s * m, G_rows
        if G_lv < 2:  # the documented check and its message
            _vcov.cluster_codes(frame[col][mask], col)
        se[lv] = float(np.sqrt(G_lv / (G_lv - 1) * (n - 1) / (n - k))) * _cluster_se(sw, None, codes, G_rows)
        n_clusters[lv] = G_lv  # CR1: [G / (G-1) (n-1) / (n-k) sandwich(bread, scores, c, G)][1, 1]
    return _result(beta[1], se, n, events, n_clusters, dict(zip(names, map(float, beta))),
                   Influence(np.flatnonzero(mask), s, k, True) if m is None else None)


# ============================================================================ the full estimators
def full(estimator: str, frame: Frame, mask: np.ndarray, terms: list[str], clusters: dict[str, str],
         extra: list[str]) -> dict[str, Any]:
    """The same numbers from the documented estimators (``coxph``, ``survreg``, ``logit``), one fit per clustering."""
    from ..models.cox import coxph
    from ..models.parametric import survreg
    from ..models.regression import logit as logit_full
    from ..models.results import ModelResult

    copies = frame.cache.get("copies")
    if copies is not None:  # a weighted draw: the documented estimators fit the replicated rows
        mask = np.repeat(mask, copies[0].astype("int64"))
        frame = _frames.expand_copies(frame)
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
