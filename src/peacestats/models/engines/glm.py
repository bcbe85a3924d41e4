"""GLM engine: families, outcome checks, separation, and the IRLS fit of R's ``glm``.

:func:`irls` fits the GLMs as R's ``glm.fit`` does (Fisher scoring, so probit uses the expected
information as R does);
the covariances are assembled by :mod:`peacestats.models.vcov`. Separation (a
direction in which the likelihood keeps rising) is found by linear programming
(Konis 2007) and raised as :class:`~peacestats.errors.SeparationError` naming the
variables involved.
"""

from __future__ import annotations

import warnings

import numpy as np

from ...errors import ConvergenceError, SeparationError, SeparationWarning, SpecificationError
from .. import frame as _frame
from .. import vcov as _vcov
from ..frame import as_python as _py
from ..regression_result import RegressionResult, make_result

__all__ = ["Family", "Logit", "Probit", "Poisson", "NegBin", "fit_glm", "check_binary", "check_counts",
           "separation_lp", "raise_separation", "check_finite", "safe_inv", "saturated_loglik"]


# ====================================================================== GLM families
class Family:
    name: str
    link: str

    def loglik_i(self, y, mu, eta):  # pragma: no cover - abstract
        raise NotImplementedError

    def mu(self, eta):  # pragma: no cover
        raise NotImplementedError

    def score_weight(self, y, mu, eta):
        """d loglik_i / d eta."""
        raise NotImplementedError

    def work_weight(self, mu, eta):
        """Expected information weight, (dmu/deta)^2 / V(mu)."""
        raise NotImplementedError

    def obs_weight(self, y, mu, eta):
        """- d^2 loglik_i / d eta^2 (observed information; Stata's bread)."""
        return self.work_weight(mu, eta)


class Logit(Family):
    name, link = "binomial", "logit"

    def mu(self, eta):
        from scipy.special import expit

        return expit(eta)

    def loglik_i(self, y, mu, eta):
        from scipy.special import log_expit

        return y * log_expit(eta) + (1 - y) * log_expit(-eta)

    def score_weight(self, y, mu, eta):
        return y - mu

    def work_weight(self, mu, eta):
        return mu * (1 - mu)


class Probit(Family):
    """Probit link. ``log Phi(eta)`` and ``log Phi(-eta)`` are computed once per linear predictor
    and shared by the weights (the same values as computing each where it is used)."""

    name, link = "binomial", "probit"

    def __init__(self) -> None:
        self._cached: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _log_tails(self, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(log_ndtr(eta), log_ndtr(-eta))`` of this very array (kept for the next call with it)."""
        from scipy.special import log_ndtr

        c = self._cached
        if c is None or c[0] is not eta:
            c = self._cached = (eta, log_ndtr(eta), log_ndtr(-eta))
        return c[1], c[2]

    def mu(self, eta):
        from scipy.special import ndtr

        return ndtr(eta)

    def loglik_i(self, y, mu, eta):
        lp, lq = self._log_tails(eta)
        return y * lp + (1 - y) * lq

    def _lam(self, y, eta):
        lp, lq = self._log_tails(eta)
        q = 2 * y - 1
        # lambda = q phi(q eta) / Phi(q eta), computed on the log scale for large |eta|
        # (log_ndtr(q * eta) is log_ndtr(eta) where y = 1, log_ndtr(-eta) where y = 0)
        return q * np.exp(-0.5 * eta**2 - 0.5 * np.log(2 * np.pi) - np.where(q > 0, lp, lq))

    def score_weight(self, y, mu, eta):
        return self._lam(y, eta)

    def work_weight(self, mu, eta):
        lp, lq = self._log_tails(eta)
        # phi^2 / (Phi (1 - Phi)) on the log scale
        return np.exp(-(eta**2) - np.log(2 * np.pi) - lp - lq)

    def obs_weight(self, y, mu, eta):
        lam = self._lam(y, eta)
        return lam * (lam + eta)


class Poisson(Family):
    name, link = "poisson", "log"

    def mu(self, eta):
        return np.exp(eta)

    def loglik_i(self, y, mu, eta):
        from scipy.special import gammaln

        return y * eta - mu - gammaln(y + 1)

    def score_weight(self, y, mu, eta):
        return y - mu

    def work_weight(self, mu, eta):
        return mu


class NegBin(Family):
    """NB2 with theta held fixed (the GLM part of MASS::glm.nb)."""

    name, link = "negative binomial", "log"

    def __init__(self, theta: float):
        self.theta = theta

    def mu(self, eta):
        return np.exp(eta)

    def loglik_i(self, y, mu, eta):
        return nb_loglik_i(y, eta, np.log(self.theta))

    def score_weight(self, y, mu, eta):
        th = self.theta
        return th * (y - mu) / (th + mu)

    def work_weight(self, mu, eta):
        th = self.theta
        return th * mu / (th + mu)


def nb_loglik_i(y, eta, tau):
    from scipy.special import gammaln

    th = np.exp(tau)
    # th*log(th/(th+mu)) + y*log(mu/(th+mu)), written to stay finite for large mu
    log_th_mu = np.logaddexp(tau, eta)
    return gammaln(y + th) - gammaln(th) - gammaln(y + 1) + th * (tau - log_th_mu) + y * (eta - log_th_mu)


# ====================================================================== checks
def check_binary(y: np.ndarray, d: _frame.Design, model: str) -> None:
    ok = (y == 0) | (y == 1)
    if not ok.all():
        bad = np.unique(y[~ok])[:5]
        i = int(np.argmax(~ok))
        raise SpecificationError(
            f"{model} needs a 0/1 outcome; {d.y_name!r} has {int((~ok).sum())} other value(s), e.g. "
            f"{bad.tolist()} (first at row {_py(d.rows().index[i])!r}). Recode it to 0/1."
        )
    if ok.all() and (y.min() == y.max()):
        raise SpecificationError(f"{model}: the outcome {d.y_name!r} is {int(y[0])} in every row used")


def check_counts(y: np.ndarray, d: _frame.Design, model: str) -> None:
    bad = (y < 0) | (y != np.floor(y))
    if bad.any():
        i = int(np.argmax(bad))
        kind = "negative" if y[i] < 0 else "non-integer"
        raise SpecificationError(
            f"{model} needs non-negative integer counts; {d.y_name!r} has {int(bad.sum())} negative or "
            f"non-integer value(s) (first: {kind} {float(y[i])!r} at row {_py(d.rows().index[i])!r})."
        )
    if np.all(y == 0):
        raise SpecificationError(f"{model}: the outcome {d.y_name!r} is 0 in every row used")


def separation_lp(X: np.ndarray, y: np.ndarray, kind: str) -> np.ndarray | None:
    """A direction b along which the likelihood rises for ever, or None (Konis 2007 LP).

    Binary: maximise sum s_i x_i'b subject to s_i x_i'b >= 0, |b| <= 1, s = 2y - 1.
    Counts (Santos Silva & Tenreyro 2010): x_i'b = 0 where y > 0, x_i'b <= 0 where
    y = 0, maximise -sum_{y=0} x_i'b. A positive optimum means the MLE does not exist.
    """
    from scipy.optimize import linprog

    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1
    Xs = X / scale
    k = X.shape[1]
    if kind == "binary":
        S = Xs * (2 * y - 1)[:, None]
        res = linprog(-S.sum(axis=0), A_ub=-S, b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * k, method="highs")
    else:
        pos, zero = y > 0, y == 0
        if not zero.any():
            return None
        res = linprog(Xs[zero].sum(axis=0), A_ub=Xs[zero], b_ub=np.zeros(int(zero.sum())),
                      A_eq=Xs[pos] if pos.any() else None, b_eq=np.zeros(int(pos.sum())) if pos.any() else None,
                      bounds=[(-1, 1)] * k, method="highs")
    if res.status != 0 or -res.fun <= 1e-7 * max(1.0, len(y) ** 0.5):
        return None
    return res.x / scale


def complete_separation(X: np.ndarray, y: np.ndarray) -> bool:
    """Is there b with s_i x_i'b > 0 for every row (complete separation)? LP: max t, s_i x_i'b >= t."""
    from scipy.optimize import linprog

    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1
    S = (X / scale) * (2 * y - 1)[:, None]
    n, k = S.shape
    c = np.zeros(k + 1)
    c[-1] = -1.0
    A = np.hstack([-S, np.ones((n, 1))])
    res = linprog(c, A_ub=A, b_ub=np.zeros(n), bounds=[(-1, 1)] * k + [(None, 1)], method="highs")
    return res.status == 0 and -res.fun > 1e-9


def raise_separation(b: np.ndarray, X: np.ndarray, y: np.ndarray, d: _frame.Design, kind: str, model: str) -> None:
    involved = [d.columns[j] for j in np.argsort(-np.abs(b * np.abs(X).max(axis=0)))
                if abs(b[j]) * np.abs(X[:, j]).max() > 1e-6]
    xb = X @ b
    tol = 1e-9 * max(1.0, np.abs(xb).max())
    if kind == "binary":
        n_pred = int((np.abs(xb) > tol).sum())
        complete = complete_separation(X, y)
        what = "complete" if complete else "quasi-complete"
        if complete:
            n_pred = len(y)
        raise SeparationError(
            f"{model}: perfect separation ({what}): a combination of {', '.join(map(repr, involved))} predicts "
            f"{d.y_name!r} perfectly for {n_pred} of {len(y)} rows, so the maximum-likelihood estimates do not "
            "exist (coefficients run to +/- infinity; R's glm warns 'fitted probabilities numerically 0 or 1'). "
            "Drop or merge the category or variable, or use a penalised (Firth) logit."
        )
    n_zero = int(((xb < -tol) & (y == 0)).sum())
    raise SeparationError(
        f"{model}: the estimates do not exist: along {', '.join(map(repr, involved))} the outcome {d.y_name!r} is 0 in "
        f"{n_zero} row(s) with no positive count (a category or range with only zeros), so a coefficient runs "
        "to -infinity. Drop or merge that category, or drop those rows."
    )


def check_finite(params, V, terms, model):
    bad = [t for t, b, v in zip(terms, params, np.diag(V)) if not (np.isfinite(b) and np.isfinite(v) and v >= 0)]
    if bad:
        raise ConvergenceError(
            f"{model}: non-finite estimates or variances for {bad}; the fit did not reach a finite optimum. "
            "Check for separation, extreme scales (rescale large regressors) or too few events."
        )


def safe_inv(A: np.ndarray, what: str, model: str, terms) -> np.ndarray:
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        raise ConvergenceError(
            f"{model}: the {what} is not positive definite at the estimates, so no covariance exists. "
            f"Terms: {list(terms)}. Check for collinearity, separation or a boundary solution."
        ) from None
    Linv = np.linalg.inv(L)
    return Linv.T @ Linv


# ====================================================================== GLM fitter
def _start_eta(y: np.ndarray, w: np.ndarray, fam: Family) -> np.ndarray:
    """R's ``mustart`` (``binomial()$initialize``, ``poisson()$initialize``) on the link scale."""
    from scipy.special import logit, ndtri

    if fam.name == "binomial":
        mu = (w * y + 0.5) / (w + 1)
        return logit(mu) if fam.link == "logit" else ndtri(mu)
    return np.log(y + 0.1)


def irls(y: np.ndarray, X: np.ndarray, fam: Family, w: np.ndarray, off: np.ndarray,
         max_iter: int = 100, rtol: float = 1e-10, atol: float = 1e-12,
         start: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
    """Maximum likelihood of a GLM by iteratively reweighted least squares (Fisher scoring), as R's ``glm.fit``.

    Starts from R's ``mustart``; each step solves the weighted normal equations
    ``X' W X b = X' W z``; a step that makes the linear predictor or the mean non-finite
    is halved (as R does). Stops when the coefficients change by no more than ``rtol`` relative plus
    ``atol`` (``numpy.allclose``). ``start`` (coefficients) replaces R's start, as
    ``glm(start = )`` does. Returns the coefficients and whether they converged.
    """
    n, k = X.shape
    params = np.zeros(k) if start is None else np.asarray(start, dtype=float)
    eta = _start_eta(y, w, fam) if start is None else X @ params + off
    first = start is None
    mu = None  # the mean at eta when the step-halving check has already computed it
    for _ in range(max_iter):
        if mu is None:
            mu = fam.mu(eta)
        ww = w * fam.work_weight(mu, eta)
        z = ww * (eta - off) + w * fam.score_weight(y, mu, eta)  # W times the working response
        A = (X * ww[:, None]).T @ X
        new = np.linalg.solve(A, X.T @ z)
        checked = None
        if not first:
            for _half in range(30):  # R's step halving when the deviance is not finite
                eta_new = X @ new + off
                mu_new = fam.mu(eta_new)
                if np.all(np.isfinite(eta_new)) and np.all(np.isfinite(mu_new)):
                    checked = (eta_new, mu_new)  # the next iteration's eta and mu (the same numbers)
                    break
                new = (new + params) / 2
        done = not first and np.allclose(new, params, rtol=rtol, atol=atol)
        params, first = new, False
        eta, mu = checked if checked is not None else (X @ params + off, None)
        if done:
            return params, bool(np.all(np.isfinite(params)))
    return params, False


def fit_glm(formula, data, fam: Family, model: str, env, *, cluster, vcov, weights, offset) -> RegressionResult:
    d = _frame.model_frame(formula, data, env, weights=weights, offset=offset, cluster=cluster)
    y, X = d.response(), d.X
    binary = fam.name == "binomial"
    (check_binary if binary else check_counts)(y, d, model)
    _frame.check_collinearity(X, d.columns, tol=_frame.GLM_TOL)
    X, to_b = _frame.rescale_terms(X, d.columns)  # a 1e8-scale covariate: fit on centred, scaled columns
    flavour = _vcov.resolve(vcov, d.cluster is not None)
    codes, G = _vcov.cluster_codes(d.cluster, d.cluster_name)
    n, k = X.shape
    w = np.ones(n) if d.weights is None else d.weights
    off = np.zeros(n) if d.offset is None else d.offset

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            params, converged = irls(y, X, fam, w, off)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError):
            params, converged = np.full(k, np.nan), False
    eta = X @ params + off if np.all(np.isfinite(params)) else np.full(n, np.nan)
    mu = fam.mu(eta)
    eps = 10 * np.finfo(float).eps
    extreme = (not np.all(np.isfinite(mu))) or (binary and np.any((mu < 1e-8) | (mu > 1 - 1e-8))) or (
        not binary and np.any(mu < 1e-10) and np.any(y == 0))
    if not converged or extreme:
        b = separation_lp(X, y, "binary" if binary else "count")
        if b is not None:
            raise_separation(b, X, y, d, "binary" if binary else "count", model)
    if not converged or not np.all(np.isfinite(params)):
        raise ConvergenceError(
            f"{model}: IRLS did not converge in 100 iterations for {formula!r} "
            "(no separation found). Rescale very large regressors or simplify the model."
        )
    if binary and np.any((mu < eps) | (mu > 1 - eps)):
        warnings.warn(f"{model}: fitted probabilities numerically 0 or 1 occurred", SeparationWarning, stacklevel=3)

    ww = w * fam.work_weight(mu, eta)
    bread = safe_inv((X * ww[:, None]).T @ X, "information matrix", model, d.columns)
    scores = X * (w * fam.score_weight(y, mu, eta))[:, None]
    obs = w * fam.obs_weight(y, mu, eta)
    # Stata's bread: the observed information; equal to the expected one for canonical links.
    stata_bread = (bread if fam.link in ("logit", "log")
                   else safe_inv((X * obs[:, None]).T @ X, "observed information", model, d.columns))
    pieces = _vcov.VcovPieces(model=bread, bread=bread, scores=scores, n=n, k=k, linear=False,
                              stata_bread=stata_bread, stata_scores=scores, stata_block=slice(0, k), transform=to_b)
    if to_b is not None:
        params = to_b @ params
    V, c = _vcov.compute(pieces, flavour, codes, lm=False)
    check_finite(params, V, d.columns, model)
    ll = float(np.sum(w * fam.loglik_i(y, mu, eta)))

    # Null model (intercept and offset only), as R's null.deviance.
    X0 = np.ones((n, 1)) if d.has_intercept else np.zeros((n, 0))
    if X0.shape[1] and d.offset is None and fam.link in ("logit", "log", "probit"):
        # intercept only: the maximum-likelihood mean is the weighted mean of y, whatever the link
        from scipy.special import ndtri

        ybar = float(np.sum(w * y) / np.sum(w))
        eta0 = np.full(n, np.log(ybar / (1 - ybar)) if fam.link == "logit"
                       else float(ndtri(ybar)) if fam.link == "probit" else np.log(ybar))
    elif X0.shape[1]:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            b0, _ = irls(y, X0, fam, w, off)
        eta0 = X0 @ b0 + off
    else:
        eta0 = off
    ll0 = float(np.sum(w * fam.loglik_i(y, fam.mu(eta0), eta0)))
    ll_sat = saturated_loglik(y, w, fam.name)
    dev = 2 * (ll_sat - ll)
    dev0 = 2 * (ll_sat - ll0)

    return make_result(
        d, params, V, flavour, codes, G, c, pieces, fam, model, formula,
        loglik=ll, df_model=k, mu=mu, extra=dict(loglik_null=ll0, deviance=dev, null_deviance=dev0),
        options=dict(family=fam.name, link=fam.link),
    )


def saturated_loglik(y, w, family):
    from scipy.special import gammaln, xlogy

    if family == "binomial":
        return 0.0
    return float(np.sum(w * (xlogy(y, y) - y - gammaln(y + 1))))
