"""Parametric survival engine: the likelihood of R's ``survreg`` (Weibull, exponential,
log-logistic; right-censored, left-truncated, weighted) and its Newton fit.

The model is ``log T = X b + scale * W`` with ``W`` extreme-value (Weibull, exponential)
or logistic (log-logistic); :func:`loglik_parts` gives the log-likelihood, score and
information in ``(b, log scale)``, :func:`fit` maximises it. See
:func:`peacestats.models.parametric.survreg`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from ...errors import ConvergenceError

__all__ = ["Data", "loglik_parts", "fit", "surv_w"]

ZMAX = 700.0  # exp() overflow guard while the optimiser explores


# ----------------------------------------------------------------------------- W distributions
def ev_terms(z, kind):
    """log f_W or log S_W of the standard (minimum) extreme-value law, with 1st/2nd derivatives."""
    ez = np.exp(np.minimum(z, ZMAX))
    if kind == "f":
        return z - ez, 1.0 - ez, -ez
    return -ez, -ez, -ez


def logis_terms(z, kind):
    """log f_W or log S_W of the standard logistic law, with 1st/2nd derivatives."""
    F = special.expit(z)
    if kind == "f":
        return z - 2.0 * np.logaddexp(0.0, z), 1.0 - 2.0 * F, -2.0 * F * (1.0 - F)
    return -np.logaddexp(0.0, z), -F, -F * (1.0 - F)


def surv_w(z, dist):
    """S_W(z)."""
    if dist == "loglogistic":
        return special.expit(-z)
    return np.exp(-np.exp(np.minimum(z, ZMAX)))


# ----------------------------------------------------------------------------- likelihood
@dataclass
class Data:
    X: np.ndarray
    y: np.ndarray  # log(stop)
    y0: np.ndarray  # log(start) where start > 0 (else 0, masked by trunc)
    trunc: np.ndarray  # bool: start > 0
    ev: np.ndarray  # 0/1
    w: np.ndarray
    dist: str

    @property
    def fixed_scale(self) -> bool:
        return self.dist == "exponential"


def loglik_parts(theta, D: Data, need: int = 2):
    """Log-likelihood, per-row scores (n x k) and the Hessian (k x k) at theta.

    theta = (b, log sigma) (b only for the exponential). Writing each term as c * G(z)
    with z = (y - mu)/sigma: dG/dmu = -G'/sigma, dG/ds = -z G', d2G/dmu2 = G''/sigma^2,
    d2G/dmu ds = (z G'' + G')/sigma, d2G/ds2 = z G' + z^2 G'' (s = log sigma).
    """
    p = D.X.shape[1]
    beta = theta[:p]
    s = 0.0 if D.fixed_scale else float(theta[p])
    sig = np.exp(s)
    mu = D.X @ beta
    z = (D.y - mu) / sig
    terms = logis_terms if D.dist == "loglogistic" else ev_terms
    ev = D.ev.astype(bool)
    g = np.empty_like(z)
    g1 = np.empty_like(z)
    g2 = np.empty_like(z)
    g[ev], g1[ev], g2[ev] = terms(z[ev], "f")
    g[~ev], g1[~ev], g2[~ev] = terms(z[~ev], "S")
    ll_i = g - ev * (s + D.y)
    # truncation: - log S_W(z0)
    z0 = np.zeros_like(z)
    h = np.zeros_like(z)
    h1 = np.zeros_like(z)
    h2 = np.zeros_like(z)
    tr = D.trunc
    if tr.any():
        z0[tr] = (D.y0[tr] - mu[tr]) / sig
        h[tr], h1[tr], h2[tr] = terms(z0[tr], "S")
        ll_i = ll_i - h
    w = D.w
    ll = float(np.sum(w * ll_i))
    if need == 0:
        return ll, None, None
    d_mu = (-g1 + h1) / sig
    d_s = -z * g1 - ev + z0 * h1
    U = D.X * (w * d_mu)[:, None]
    if not D.fixed_scale:
        U = np.column_stack([U, w * d_s])
    if need == 1:
        return ll, U, None
    d_mumu = (g2 - h2) / sig**2
    d_mus = ((z * g2 + g1) - (z0 * h2 + h1)) / sig
    d_ss = (z * g1 + z**2 * g2) - (z0 * h1 + z0**2 * h2)
    Xw = D.X * w[:, None]
    H_bb = Xw.T @ (D.X * d_mumu[:, None])
    if D.fixed_scale:
        return ll, U, H_bb
    H_bs = Xw.T @ d_mus
    H_ss = np.sum(w * d_ss)
    H = np.block([[H_bb, H_bs[:, None]], [H_bs[None, :], np.array([[H_ss]])]])
    return ll, U, H


def fit(D: Data, start: np.ndarray, maxiter: int = 200):
    """Maximise the log-likelihood: scipy's trust-region Newton (exact Hessian), then Newton polish.

    Raises ConvergenceError unless the final point is finite, the Newton decrement
    g' H^-1 g is below 1e-10 and -H is positive definite.
    """

    memo: dict[bytes, tuple] = {}

    def parts(t):
        """loglik_parts at ``t``; the optimizer asks for the value, gradient and Hessian at the same
        point one after another, so the last few points keep all three (the same numbers)."""
        key = np.asarray(t, dtype=float).tobytes()
        if key not in memo:
            if len(memo) >= 4:
                memo.pop(next(iter(memo)))
            memo[key] = loglik_parts(t, D, need=2)
        return memo[key]

    def fun(t):
        ll, _, _ = parts(t)
        return -ll if np.isfinite(ll) else np.inf

    def jac(t):
        _, U, _ = parts(t)
        return -U.sum(axis=0)

    def hess(t):
        return -parts(t)[2]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = optimize.minimize(fun, start, jac=jac, hess=hess, method="trust-exact",
                                options={"gtol": 1e-10, "maxiter": maxiter})
    theta = np.asarray(res.x, dtype=float)
    n_iter = int(res.nit)
    # Newton polish with step halving (as R's survreg.fit does)
    ll, U, H = loglik_parts(theta, D)
    dec = np.inf
    for _ in range(50):
        g = U.sum(axis=0)
        try:
            step = np.linalg.solve(-H, g)
        except np.linalg.LinAlgError:
            break
        dec = float(g @ step)
        if not np.isfinite(dec) or dec < 1e-20:
            break
        lam = 1.0
        for _ in range(30):
            cand = theta + lam * step
            ll_c, U_c, H_c = loglik_parts(cand, D)
            if np.isfinite(ll_c) and ll_c >= ll - 1e-12 * max(1.0, abs(ll)):
                break
            lam /= 2
        else:
            break
        theta, ll, U, H = cand, ll_c, U_c, H_c
        n_iter += 1
    g = U.sum(axis=0)
    ok = np.isfinite(ll) and np.all(np.isfinite(theta)) and np.all(np.isfinite(H))
    info = -H
    step_ok = False
    if ok:
        try:
            np.linalg.cholesky(info)
            step = np.linalg.solve(info, g)
            dec = float(g @ step)
            # A vanishing gradient is not enough: when a covariate separates failures from
            # survivors the likelihood keeps rising as a coefficient runs off to infinity, the
            # gradient fades but the Newton step does not. Require both to be tiny.
            step_ok = bool(np.all(np.abs(step) <= 1e-6 * (1.0 + np.abs(theta))))
        except np.linalg.LinAlgError:
            ok = False
    if not ok or not (dec < 1e-10) or not step_ok:
        raise ConvergenceError(
            "survreg: the maximum likelihood search did not converge "
            f"(log-likelihood {ll:.6g}, Newton decrement {dec:.3g}, largest |coefficient| "
            f"{np.max(np.abs(theta)):.3g}; scipy: {res.message}). Usual causes: a covariate "
            "that separates failures from censored rows (its coefficient runs off to infinity), "
            "very few events, or covariates on wildly different scales; drop or recode the "
            "covariate, or rescale it."
        )
    return theta, ll, U, info, n_iter
