"""Negative binomial (NB2) engine: R's ``MASS::glm.nb``, fitted jointly in (b, log theta).

See :func:`peacestats.models.regression.negbin` for what it reproduces.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...errors import ConvergenceError
from .. import frame as _frame
from .. import vcov as _vcov
from ..regression_result import RegressionResult, make_result
from .glm import (NegBin, Poisson, check_counts, check_finite, irls, nb_loglik_i, raise_separation, safe_inv,
                  separation_lp)

__all__ = ["fit_negbin"]


def _nb_derivatives(y, X, w, off, beta, tau):
    """Log-likelihood, gradient and Hessian of NB2 in (beta, tau = log theta)."""
    from scipy.special import digamma, polygamma

    eta = X @ beta + off
    th = np.exp(tau)
    mu = np.exp(eta)
    ll_i = nb_loglik_i(y, eta, tau)
    ll = float(np.sum(w * ll_i))
    r = mu / (th + mu)  # = 1 / (1 + theta/mu), stable
    d_eta = th * (y - mu) / (th + mu)
    log_th_mu = np.logaddexp(tau, eta)
    d_th = digamma(y + th) - digamma(th) + tau + 1 - log_th_mu - (th + y) / (th + mu)
    d_tau = th * d_th
    h_eta = -th * r * (th + y) / (th + mu)
    h_eta_tau = th * (y - mu) * r / (th + mu)
    h_th = polygamma(1, y + th) - polygamma(1, th) + 1 / th - 1 / (th + mu) - (mu - y) / (th + mu) ** 2
    h_tau = d_tau + th**2 * h_th
    k = X.shape[1]
    g = np.empty(k + 1)
    g[:k] = X.T @ (w * d_eta)
    g[k] = np.sum(w * d_tau)
    H = np.empty((k + 1, k + 1))
    H[:k, :k] = (X * (w * h_eta)[:, None]).T @ X
    H[:k, k] = H[k, :k] = X.T @ (w * h_eta_tau)
    H[k, k] = np.sum(w * h_tau)
    return ll, g, H, dict(eta=eta, mu=mu, d_eta=d_eta, d_tau=d_tau)


def _fit_nb2(y, X, w, off, beta0, tau0, model):
    """Maximise the NB2 log-likelihood in (beta, log theta).

    scipy's trust-region Newton (``trust-exact``, exact Hessian, robust to the
    indefinite Hessians met far from the optimum) on column-scaled regressors,
    then plain Newton steps to polish. Returns beta, tau and the derivatives there.
    """
    from scipy.optimize import minimize

    k = X.shape[1]
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1
    Xs = X / scale

    def unpack(p):
        return p[:k], p[k]

    def f(p):
        b, t = unpack(p)
        eta = Xs @ b + off
        if not np.all(np.isfinite(eta)) or eta.max() > 700 or abs(t) > 50:
            return np.inf
        return -float(np.sum(w * nb_loglik_i(y, eta, t)))

    last: list = [None, None]  # the point and its derivatives: the optimiser asks for jac and hess at one point

    def derivatives(p):
        if last[0] is None or not np.array_equal(last[0], p):
            last[0], last[1] = np.array(p, copy=True), _nb_derivatives(y, Xs, w, off, *unpack(p))
        return last[1]

    def jac(p):
        return -derivatives(p)[1]

    def hess(p):
        return -derivatives(p)[2]

    p = np.concatenate([beta0 * scale, [tau0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = minimize(f, p, jac=jac, hess=hess, method="trust-exact", options={"gtol": 1e-8, "maxiter": 500})
    p = res.x
    # Newton polish: the trust region stops on a gradient norm that depends on scale.
    ll, g, H, parts = _nb_derivatives(y, Xs, w, off, *unpack(p))
    for _ in range(50):
        try:
            step = np.linalg.solve(H, -g)
        except np.linalg.LinAlgError:
            break
        decrement = float(-g @ step)
        t = 1.0
        while t > 1e-8:
            cand = p + t * step
            ll_c = -f(cand)
            if np.isfinite(ll_c) and ll_c >= ll - 1e-12 * abs(ll):
                break
            t /= 2
        else:
            break
        p = cand
        ll, g, H, parts = _nb_derivatives(y, Xs, w, off, *unpack(p))
        if decrement < 1e-20 * max(1.0, abs(ll)) or np.max(np.abs(t * step)) < 1e-13:
            break
    b, tau = unpack(p)
    beta = b / scale
    ll, g, H, parts = _nb_derivatives(y, X, w, off, beta, tau)
    return beta, tau, ll, g, H, parts, res


def _nb_start(y, X, w, off, d, model):
    """Start values ``(beta0, alpha0)``: Poisson estimates and a moment estimate of alpha."""
    k = X.shape[1]
    # Start: Poisson estimates and the Cameron-Trivedi moment estimate of alpha,
    # sum((y - mu)^2 - y) / sum(mu^2). statsmodels' NegativeBinomial fit from its own
    # start can stop "converged" with NaN estimates on heavily overdispersed conflict
    # counts (and R's glm.nb diverges on the HKS data), hence this path.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            beta0, _ = irls(y, X, Poisson(), w, off)
            if not np.all(np.isfinite(beta0)):
                raise ValueError
        except (ValueError, np.linalg.LinAlgError, FloatingPointError, OverflowError):
            beta0 = np.zeros(k)
            if d.has_intercept:
                beta0[d.columns.index("Intercept")] = np.log(np.average(y, weights=w) + 0.5)
    mu0 = np.exp(np.clip(X @ beta0 + off, -700, 700))
    excess = float(np.sum(w * ((y - mu0) ** 2 - y)))
    if excess <= 0:
        # The score of alpha at alpha = 0 (the Poisson fit) is excess / 2: not positive
        # means the NB2 maximum is at the boundary alpha = 0 (Cameron & Trivedi 2013, 3.4).
        raise ConvergenceError(
            f"{model}: the counts show no overdispersion beyond the Poisson (sum of (y - mu)^2 - y at the "
            f"Poisson fit = {excess:.4g} <= 0), so the NB2 maximum is at alpha = 0 (theta = infinity; "
            "R's glm.nb warns 'iteration limit reached'). Use poisson() instead."
        )
    alpha0 = excess / float(np.sum(w * mu0**2))
    alpha0 = alpha0 if np.isfinite(alpha0) and alpha0 > 1e-4 else 0.1
    alpha0 = min(alpha0, 1e4)
    return beta0, alpha0


def _nb_accept(beta, tau, ll, g, H, res, X, y, d, model) -> float:
    """Accept the NB2 maximum (finite, Newton decrement below 1e-6, negative definite Hessian,
    theta finite) or raise naming why (separation first); returns theta."""
    k = X.shape[1]
    theta = float(np.exp(tau))
    if theta > 1e6:
        raise ConvergenceError(
            f"{model}: theta runs to infinity (alpha -> 0, theta = {theta:.3g}): the counts show no "
            "overdispersion beyond the Poisson. Use poisson() instead."
        )
    if not np.isfinite(ll) or not np.all(np.isfinite(beta)):
        b = separation_lp(X, y, "count")
        if b is not None:
            raise_separation(b, X, y, d, "count", model)
        raise ConvergenceError(f"{model}: the log-likelihood is not finite at the end of the fit ({ll}).")
    # Convergence: the Newton decrement in scaled coordinates is what we tested; check
    # again with the unscaled gradient relative to the curvature.
    try:
        step = np.linalg.solve(H, -g)
    except np.linalg.LinAlgError:
        step = np.full(k + 1, np.inf)
    if not np.all(np.isfinite(step)) or float(-g @ step) > 1e-6:
        b = separation_lp(X, y, "count")
        if b is not None:
            raise_separation(b, X, y, d, "count", model)
        raise ConvergenceError(
            f"{model}: no convergence (Newton decrement {float(-g @ step):.3g}; optimiser: {res.message}). "
            "Rescale very large regressors or simplify the model."
        )
    eig = np.linalg.eigvalsh((H + H.T) / 2)
    if not np.all(eig < 0):
        raise ConvergenceError(
            f"{model}: the Hessian of the log-likelihood is not negative definite at the estimates "
            f"(eigenvalues up to {eig.max():.3g}); not a maximum. Check for collinearity or separation."
        )
    return theta


def _nb_null_loglik(y, w, tau0) -> float | None:
    """The log-likelihood of the intercept-only NB2 model without an offset, theta re-estimated.

    Whatever theta, the intercept's score sum_i w_i theta (y_i - mu) / (theta + mu) is 0 at
    mu = the weighted mean of y, so only log theta is left to maximise: Newton-Raphson in
    tau = log theta from ``tau0`` (the full model's), with step halving, to a step below
    1e-12. ``None`` where it does not converge within 100 steps or leaves the range the joint
    fit searches (|tau| <= 50: theta running off to 0 or infinity). With mu the same on every
    row, a row's terms depend on its count only: they are summed once per distinct count,
    weighted by the count's total weight.
    """
    ybar = float(np.average(y, weights=w))
    if not ybar > 0:
        return None
    counts, rows = np.unique(y, return_inverse=True)
    wc = np.bincount(rows.reshape(-1), weights=w, minlength=len(counts))
    ones, b = np.ones((len(counts), 1)), np.array([np.log(ybar)])

    def at(tau):
        ll, g, H, _ = _nb_derivatives(counts, ones, wc, 0.0, b, tau)
        return ll, g[1], H[1, 1]

    tau = float(tau0)
    ll, g, h = at(tau)
    for _ in range(100):
        step = -g / h if h < 0 else np.sign(g)  # a Newton step, or uphill where the curvature is not negative
        t = 1.0
        while t > 1e-10:
            cand = tau + t * step
            if abs(cand) <= 50:
                ll_c, g_c, h_c = at(cand)
                if np.isfinite(ll_c) and ll_c >= ll - 1e-12 * abs(ll):
                    break
            t /= 2
        else:
            return None
        tau, ll, g, h = cand, ll_c, g_c, h_c
        if abs(t * step) < 1e-12 * max(1.0, abs(tau)):
            return float(ll) if np.isfinite(ll) else None
    return None


def _nb_null_and_deviance(y, w, off, d, tau, theta, mu, model):
    """``(loglik_null, deviance, null_deviance)`` at the fitted theta, as R's ``glm.nb`` reports them."""
    n = len(y)
    # Null model: intercept (+ offset), theta re-estimated (as statsmodels' llnull).
    if d.has_intercept and d.offset is None:
        ll0 = _nb_null_loglik(y, w, tau)
    elif d.has_intercept:
        X0 = np.ones((n, 1))
        b0 = np.array([np.log(np.average(y, weights=w) + 1e-10) - np.average(off, weights=w)])
        try:
            _, _, ll0, *_ = _fit_nb2(y, X0, w, off, b0, tau, model)
            ll0 = float(ll0) if np.isfinite(ll0) else None
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):  # pragma: no cover - report no null fit
            ll0 = None
    else:
        ll0 = None
    from scipy.special import xlogy

    # Deviance and null deviance at the fitted theta, as R's glm.nb reports them.
    def nb_deviance(m):
        dev_i = 2 * (xlogy(y, y) - xlogy(y, m) - (y + theta) * (np.log(y + theta) - np.log(m + theta)))
        return float(np.sum(w * dev_i))

    dev = nb_deviance(mu)
    if d.has_intercept:
        # Without an offset the intercept is the log of the weighted mean, for any theta; with one, IRLS
        # from the Poisson intercept (also closed form): from R's start it can overshoot when theta is small.
        b_poisson = np.log(np.sum(w * y) / np.sum(w * np.exp(off)))
        if d.offset is None:
            b_null = np.array([b_poisson])
        else:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                b_null, _ = irls(y, np.ones((n, 1)), NegBin(theta), w, off, rtol=1e-12, atol=1e-14,
                                 start=np.array([b_poisson]))
        dev0 = nb_deviance(np.exp(float(b_null[0]) + off))
    else:
        dev0 = nb_deviance(np.exp(off))
    return ll0, dev, dev0


def fit_negbin(formula: str, data: pd.DataFrame, env, *, cluster, vcov, weights, offset) -> RegressionResult:
    """:func:`peacestats.models.regression.negbin` (``env``: where the formula's names are looked up)."""
    from scipy.special import polygamma

    model = "Negative binomial (NB2)"
    d = _frame.model_frame(formula, data, env, weights=weights, offset=offset, cluster=cluster)
    y, X = d.response(), d.X
    check_counts(y, d, model)
    _frame.check_collinearity(X, d.columns)
    flavour = _vcov.resolve(vcov, d.cluster is not None)
    codes, G = _vcov.cluster_codes(d.cluster, d.cluster_name)
    n, k = X.shape
    w = np.ones(n) if d.weights is None else d.weights
    off = np.zeros(n) if d.offset is None else d.offset

    beta0, alpha0 = _nb_start(y, X, w, off, d, model)
    beta, tau, ll, g, H, parts, res = _fit_nb2(y, X, w, off, beta0, -np.log(alpha0), model)
    theta = _nb_accept(beta, tau, ll, g, H, res, X, y, d, model)

    eta, mu = parts["eta"], parts["mu"]
    fam = NegBin(theta)
    if np.any(mu < 1e-10) and np.any(y == 0):
        b = separation_lp(X, y, "count")
        if b is not None:
            raise_separation(b, X, y, d, "count", model)

    # R's numbers: vcov(glm.nb) is the inverse expected information of beta with theta
    # fixed; sandwich treats the fit as a glm with dispersion 1 (bread.glm/estfun.glm).
    ww = w * fam.work_weight(mu, eta)
    bread = safe_inv((X * ww[:, None]).T @ X, "information matrix", model, d.columns)
    scores = X * (w * fam.score_weight(y, mu, eta))[:, None]
    # Stata's nbreg: joint observed information of (beta, ln alpha); ln alpha = -tau,
    # a sign flip that leaves the beta block unchanged.
    stata_bread = safe_inv(-H, "observed information", model, d.columns + ["log(theta)"])
    stata_scores = np.column_stack([scores, w * parts["d_tau"]])
    pieces = _vcov.VcovPieces(model=bread, bread=bread, scores=scores, n=n, k=k, linear=False,
                              stata_bread=stata_bread, stata_scores=stata_scores, stata_block=slice(0, k))
    V, c = _vcov.compute(pieces, flavour, codes, lm=False)
    check_finite(beta, V, d.columns, model)
    # MASS::theta.ml: SE(theta) = 1/sqrt(observed information of theta, mu held fixed)
    info = np.sum(w * (-polygamma(1, theta + y) + polygamma(1, theta) - 1 / theta
                       + 2 / (mu + theta) - (y + theta) / (mu + theta) ** 2))
    se_theta = float(1 / np.sqrt(info)) if info > 0 else float("nan")

    ll0, dev, dev0 = _nb_null_and_deviance(y, w, off, d, tau, theta, mu, model)

    return make_result(
        d, beta, V, flavour, codes, G, c, pieces, fam, model, formula,
        loglik=ll, df_model=k + 1, mu=mu,
        extra=dict(alpha=1 / theta, theta=theta, se_theta=se_theta, loglik_null=ll0, deviance=dev,
                   null_deviance=dev0),
        options=dict(family="negative binomial (NB2)", link="log", optimizer="trust-exact + Newton",
                     start="Poisson estimates, moment alpha"),
    )
