"""Regression models whose estimates and standard errors equal R's.

Five estimators share one calling convention::

    logit(formula, data, *, cluster=None, vcov=None, weights=None, offset=None)
    probit(...), poisson(...), negbin(...)
    ols(formula, data, *, cluster=None, vcov=None, weights=None, offset=None, fe=None)

``formula`` is an R/patsy formula string (``"y ~ x1 + x2 + C(g)"``; ``log(x)``,
``np.log1p(x)`` and ``I(x / 1000)`` work). Rows with a missing value in any column
the model uses (formula, ``weights``, ``offset`` and ``fe`` columns) are dropped, as
R's ``na.omit`` does, and counted (``glance()["n_dropped"]``). Each returns a
:class:`RegressionResult` (``tidy``, ``glance``, ``summary``, ``predict``, ``plot``,
``provenance``); :func:`peacestats.models.qoi.simulate_qoi` turns it into predicted
probabilities, expected counts and first differences.

What each estimator reproduces
------------------------------
========== ===================================================== ===========================
function   R                                                     Stata
========== ===================================================== ===========================
logit      ``glm(f, family = binomial)``                         ``logit``
probit     ``glm(f, family = binomial(link = "probit"))``        ``probit``
poisson    ``glm(f, family = poisson)``                          ``poisson``
negbin     ``MASS::glm.nb(f)`` (NB2, Var = mu + alpha mu^2,      ``nbreg`` (alpha = 1/theta)
           theta = 1/alpha)
ols        ``lm(f)``; with ``fe = c("a", "b")``: ``lm(f + factor(a)  ``regress``/``areg``
           + factor(b))`` (the fixed effects are absorbed, not
           estimated as dummies, and not shown)
========== ===================================================== ===========================

Covariance flavours (``vcov=``)
-------------------------------
Every flavour is the sandwich ``c * B (sum_g U_g U_g') B`` (or the model matrix
``B``) with the bread ``B`` and per-row scores ``U_i`` of R's ``sandwich`` package;
``n`` rows, ``k`` coefficients (for ``ols`` with ``fe``: including the absorbed
fixed-effect dummies, as in R's ``lm`` with ``factor()`` terms), ``G`` clusters.

``"model"`` (default without ``cluster``)
    ``vcov(fit)`` in R: the inverse expected information of the GLM (``glm``,
    ``glm.nb``, which holds theta fixed), ``sigma^2 (X'WX)^-1`` for ``lm``.
``"HC0"``
    ``sandwich::vcovHC(fit, type = "HC0")``; ``c = 1``.
``"HC1"``
    ``sandwich::vcovHC(fit, type = "HC1")``; ``c = n / (n - k)``. For ``ols`` this is
    also Stata's ``regress, vce(robust)``.
``"CR0"`` (needs ``cluster``)
    ``sandwich::vcovCL(fit, cluster = ~g, type = "HC0", cadjust = FALSE)``; ``c = 1``.
``"CR1"`` (default with ``cluster``)
    ``sandwich::vcovCL(fit, cluster = ~g, type = "HC1")``;
    ``c = G/(G-1) * (n-1)/(n-k)``. This is also Stata's ``regress, vce(cluster g)``
    (and ``areg``) and the default of ``vcovCL`` for ``lm`` objects.
``"vcovCL"`` (needs ``cluster``)
    ``sandwich::vcovCL(fit, cluster = ~g)`` with its *defaults*, which depend on the
    model class (``sandwich`` 3.0, ``meatCL``): ``type = "HC1"`` for ``lm`` (= ``"CR1"``),
    ``type = "HC0"`` with ``cadjust = TRUE`` for ``glm``/``negbin``, i.e. ``c = G/(G-1)``.
``"stata"``
    What Stata's ``vce(cluster g)`` (with ``cluster``) or ``vce(robust)`` (without)
    reports. Stata's ``[P] _robust`` multiplies by ``qc = G/(G-1) * (N-1)/(N-k)``
    with ``k`` set by its ``minus()`` option: ``regress`` uses the number of
    coefficients, maximum-likelihood commands use ``minus(1)``. So ``ols``:
    ``G/(G-1) * (n-1)/(n-k)`` (= ``"CR1"``) or ``n/(n-k)`` (= ``"HC1"``); ML models:
    ``G/(G-1)`` or ``n/(n-1)``. Stata's ML bread is the inverse *observed*
    information (``vce(oim)``) of all parameters: for logit and Poisson (canonical
    links) it equals R's, so ``"stata"`` equals ``vcovCL(type = "HC0")``; for probit it
    is the observed Hessian, and for ``nbreg`` the joint observed Hessian of
    ``(b, ln alpha)`` with the ``ln alpha`` scores in the meat (the ``b`` block is
    reported). Checked here against these formulas computed in R, not against Stata.

statsmodels fits the GLMs (IRLS, so probit uses the expected information as R does)
and the least-squares problems. The covariances are assembled here, because
statsmodels' cluster correction for GLMs is ``G/(G-1)*(n-1)/(n-k)`` (neither R's
``vcovCL`` default nor Stata's ML factor) and its ``k`` ignores absorbed fixed
effects. The negative binomial is fitted here too (see :func:`negbin`).

References
----------
Zeileis, A., Koll, S. & Graham, N. (2020). Various Versatile Variances: An
Object-Oriented Implementation of Clustered Covariances in R. *Journal of
Statistical Software* 95(1). Cameron, A.C. & Trivedi, P.K. (2013). *Regression
Analysis of Count Data*, 2nd ed. Konis, K. (2007). *Linear programming algorithms for
detecting separated data in binary logistic regression models*. DPhil thesis, Oxford.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, SeparationError, SeparationWarning, SpecificationError  # noqa: F401
from . import frame as _frame
from . import vcov as _vcov
from .frame import as_python as _py
from .results import ModelResult
from .vcov import VCOV_R_CALLS, VCOV_TYPES  # noqa: F401 - re-exported

__all__ = [
    "logit",
    "probit",
    "poisson",
    "negbin",
    "ols",
    "RegressionResult",
    "VCOV_TYPES",
    "SeparationWarning",
]

# ====================================================================== result
@dataclass
class RegressionResult(ModelResult):
    """A fitted logit, probit, Poisson, negative binomial or linear regression.

    Besides the :class:`~peacestats.models.results.ModelResult` surface
    (``tidy()``, ``glance()``, ``summary()``, ``plot()``, ``provenance``):

    Attributes
    ----------
    family, link : str
        ``"binomial"``/``"poisson"``/``"negative binomial"``/``"gaussian"`` and the link.
    fitted : pandas.Series
        Fitted means (probabilities, expected counts, fitted values) on the rows used.
    alpha, theta, se_theta : float or None
        Negative binomial: ``alpha`` (Stata's), ``theta = 1/alpha`` and its standard
        error as ``MASS::glm.nb`` reports them (``fit$theta``, ``fit$SE.theta``).
    r2, adj_r2, within_r2, sigma : float or None
        Linear regression: R's ``summary(lm)`` R-squared and adjusted R-squared (of
        the model with the fixed-effect dummies), the within R-squared, residual SE.
    loglik_null, pseudo_r2 : float or None
        Log-likelihood of the intercept-only model and McFadden's pseudo R-squared.
    """

    family: str = ""
    link: str = ""
    fitted: pd.Series | None = None
    alpha: float | None = None
    theta: float | None = None
    se_theta: float | None = None
    r2: float | None = None
    adj_r2: float | None = None
    within_r2: float | None = None
    sigma: float | None = None
    loglik_null: float | None = None
    deviance: float | None = None
    null_deviance: float | None = None
    n_dropped: int = 0
    dropped_by: dict[str, int] = field(default_factory=dict)
    design_info: Any = None
    model_frame: pd.DataFrame | None = None
    variables: list[str] = field(default_factory=list)
    offset_name: str | None = None
    offset_values: np.ndarray | None = None
    fe_names: list[str] = field(default_factory=list)
    fe_effects: dict[str, pd.Series] = field(default_factory=dict)
    cluster_name: str | None = None
    cluster_codes: np.ndarray | None = None
    _pieces: _vcov.VcovPieces | None = None

    @property
    def pseudo_r2(self) -> float | None:
        if self.loglik_null is None or self.family == "gaussian":
            return None
        return float(1 - self.loglik / self.loglik_null)

    def _glance_extra(self) -> dict[str, Any]:
        out: dict[str, Any] = {"family": self.family, "link": self.link, "n_dropped": self.n_dropped}
        if self.family == "gaussian":
            out.update(r2=self.r2, adj_r2=self.adj_r2, sigma=self.sigma, df_resid=self.df_resid)
            if self.fe_names:
                out["within_r2"] = self.within_r2
                out["fixed_effects"] = ", ".join(self.fe_names)
        else:
            out.update(pseudo_r2=self.pseudo_r2, loglik_null=self.loglik_null,
                       deviance=self.deviance, null_deviance=self.null_deviance)
        if self.family == "negative binomial":
            out.update(alpha=self.alpha, theta=self.theta, se_theta=self.se_theta)
        return out

    def _glance_lines(self) -> list[str]:
        lines = super()._glance_lines()
        extra = []
        if self.family == "gaussian":
            extra.append(f"R-squared = {self.r2:.4f}, adjusted = {self.adj_r2:.4f}, residual SE = {self.sigma:.4f}")
            if self.fe_names:
                extra.append(f"Fixed effects absorbed: {', '.join(self.fe_names)} "
                             f"(within R-squared = {self.within_r2:.4f})")
        elif self.pseudo_r2 is not None:
            extra.append(f"McFadden pseudo R-squared = {self.pseudo_r2:.4f}")
        if self.family == "negative binomial":
            extra.append(f"theta = {self.theta:.6g} (SE {self.se_theta:.4g}); alpha = 1/theta = {self.alpha:.6g}")
        if self.n_dropped:
            detail = ", ".join(f"{c}: {n}" for c, n in self.dropped_by.items())
            extra.append(f"{self.n_dropped} row(s) dropped for missing values (missing per column: {detail})")
        return lines + extra

    # ------------------------------------------------------------------ covariance
    def with_vcov(self, vcov: str, cluster=None) -> RegressionResult:
        """The same fit with another covariance flavour (no refit).

        Parameters
        ----------
        vcov
            One of :data:`VCOV_TYPES`.
        cluster
            ``None`` to keep the fit's clusters (``"model"``, ``"HC0"`` and ``"HC1"`` drop
            them), or an array with one cluster id per row used in the fit (aligned
            with ``fitted``).
        """
        import copy

        codes, name, G = _vcov.recluster(vcov, cluster, self.nobs, self.cluster_codes, self.cluster_name)
        flavour = _vcov.resolve(vcov, codes is not None)
        V, c = _vcov.compute(self._pieces, flavour, codes, self.family == "gaussian")
        new = copy.copy(self)
        new.vcov = pd.DataFrame(V, index=self.params.index, columns=self.params.index)
        new.vcov_type = _vcov.label(flavour, name, G, self.family == "gaussian", c)
        new.n_clusters = G
        new.cluster_codes, new.cluster_name = codes, name
        new.options = {**self.options, "vcov": flavour, "cluster": name,
                       "vcov_r": _vcov.r_call(flavour, name, G)}
        cites = [c for c in self.citations if c != "cluster_robust"]
        new.citations = tuple(cites + (["cluster_robust"] if flavour != "model" else []))
        return new

    # ------------------------------------------------------------------ prediction
    def _design_for(self, newdata: pd.DataFrame, offset=None) -> tuple[np.ndarray, np.ndarray]:
        """Design matrix of ``newdata`` and the extra linear-predictor part (offset + FE)."""
        import patsy

        if not isinstance(newdata, pd.DataFrame):
            raise SpecificationError(f"newdata must be a DataFrame, not {type(newdata).__name__}")
        absent = [v for v in self.variables if v not in newdata.columns]
        if absent:
            raise SpecificationError(f"newdata lacks column(s) {absent} that the model uses")
        try:
            (X,) = patsy.build_design_matrices([self.design_info], newdata, NA_action="raise",
                                               return_type="dataframe")
        except patsy.PatsyError as exc:
            raise SpecificationError(f"cannot build the design matrix for newdata: {exc}") from None
        X = X[[c for c in X.columns if c in self.params.index]].to_numpy(dtype=float)
        extra = np.zeros(len(newdata))
        if self.offset_name is not None or self.offset_values is not None:
            if offset is not None:
                extra = extra + np.broadcast_to(np.asarray(offset, dtype=float), (len(newdata),))
            elif self.offset_name is not None and self.offset_name in newdata.columns:
                extra = extra + newdata[self.offset_name].to_numpy(dtype=float)
            else:
                raise SpecificationError(
                    "the model has an offset: give offset= (or an offset column "
                    f"{self.offset_name!r} in newdata)" if self.offset_name else
                    "the model has an offset given as an array: pass offset= to predict"
                )
        for name in self.fe_names:
            if name not in newdata.columns:
                raise SpecificationError(
                    f"newdata lacks the fixed-effect column {name!r}; predictions of a model with "
                    "absorbed fixed effects need the level of each"
                )
            eff = self.fe_effects[name]
            vals = newdata[name].map(eff)
            if vals.isna().any():
                unknown = newdata.loc[vals.isna(), name].unique()[:5].tolist()
                raise SpecificationError(f"fixed-effect {name!r} levels not in the estimation sample: {unknown}")
            extra = extra + vals.to_numpy(dtype=float)
        return X, extra

    def _inverse_link(self, eta: np.ndarray) -> np.ndarray:
        from scipy import special

        if self.link == "logit":
            return special.expit(eta)
        if self.link == "probit":
            return special.ndtr(eta)
        if self.link == "log":
            return np.exp(eta)
        return eta

    def predict(self, newdata: pd.DataFrame | None = None, type: str = "response", offset=None) -> pd.Series:
        """Predictions at the estimates, as R's ``predict(fit, newdata, type = ...)``.

        Parameters
        ----------
        newdata
            Rows to predict for (default: the rows used in the fit). Must hold every
            column the formula uses (and the fixed-effect columns, for ``ols`` with ``fe``).
        type
            ``"response"`` (probabilities, expected counts) or ``"link"`` (linear predictor).
        offset
            The offset for ``newdata`` when the model has one given as an array.
        """
        if type not in ("response", "link"):
            raise SpecificationError(f"type must be 'response' or 'link', not {type!r}")
        if newdata is None:
            newdata = self.model_frame
            if offset is None and self.offset_values is not None and self.offset_name is None:
                offset = self.offset_values
        X, extra = self._design_for(newdata, offset)
        eta = X @ self.params.to_numpy() + extra
        out = eta if type == "link" else self._inverse_link(eta)
        return pd.Series(out, index=newdata.index, name="fit" if type == "link" else "predicted")


# ====================================================================== GLM families
class _Family:
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


class _Logit(_Family):
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


class _Probit(_Family):
    name, link = "binomial", "probit"

    def mu(self, eta):
        from scipy.special import ndtr

        return ndtr(eta)

    def loglik_i(self, y, mu, eta):
        from scipy.special import log_ndtr

        return y * log_ndtr(eta) + (1 - y) * log_ndtr(-eta)

    def _lam(self, y, eta):
        from scipy.special import log_ndtr

        q = 2 * y - 1
        # lambda = q phi(q eta) / Phi(q eta), computed on the log scale for large |eta|
        return q * np.exp(-0.5 * eta**2 - 0.5 * np.log(2 * np.pi) - log_ndtr(q * eta))

    def score_weight(self, y, mu, eta):
        return self._lam(y, eta)

    def work_weight(self, mu, eta):
        from scipy.special import log_ndtr

        # phi^2 / (Phi (1 - Phi)) on the log scale
        return np.exp(-(eta**2) - np.log(2 * np.pi) - log_ndtr(eta) - log_ndtr(-eta))

    def obs_weight(self, y, mu, eta):
        lam = self._lam(y, eta)
        return lam * (lam + eta)


class _Poisson(_Family):
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


class _NegBin(_Family):
    """NB2 with theta held fixed (the GLM part of MASS::glm.nb)."""

    name, link = "negative binomial", "log"

    def __init__(self, theta: float):
        self.theta = theta

    def mu(self, eta):
        return np.exp(eta)

    def loglik_i(self, y, mu, eta):
        return _nb_loglik_i(y, eta, np.log(self.theta))

    def score_weight(self, y, mu, eta):
        th = self.theta
        return th * (y - mu) / (th + mu)

    def work_weight(self, mu, eta):
        th = self.theta
        return th * mu / (th + mu)


def _nb_loglik_i(y, eta, tau):
    from scipy.special import gammaln

    th = np.exp(tau)
    mu = np.exp(eta)
    # th*log(th/(th+mu)) + y*log(mu/(th+mu)), written to stay finite for large mu
    log_th_mu = np.logaddexp(tau, eta)
    return gammaln(y + th) - gammaln(th) - gammaln(y + 1) + th * (tau - log_th_mu) + y * (eta - log_th_mu)


# ====================================================================== checks
def _check_binary(y: np.ndarray, d: _frame.Design, model: str) -> None:
    ok = (y == 0) | (y == 1)
    if not ok.all():
        bad = np.unique(y[~ok])[:5]
        i = int(np.argmax(~ok))
        raise SpecificationError(
            f"{model} needs a 0/1 outcome; {d.y_name!r} has {int((~ok).sum())} other value(s), e.g. "
            f"{bad.tolist()} (first at row {_py(d.frame.index[i])!r}). Recode it to 0/1."
        )
    if ok.all() and (y.min() == y.max()):
        raise SpecificationError(f"{model}: the outcome {d.y_name!r} is {int(y[0])} in every row used")


def _check_counts(y: np.ndarray, d: _frame.Design, model: str) -> None:
    bad = (y < 0) | (y != np.floor(y))
    if bad.any():
        i = int(np.argmax(bad))
        kind = "negative" if y[i] < 0 else "non-integer"
        raise SpecificationError(
            f"{model} needs non-negative integer counts; {d.y_name!r} has {int(bad.sum())} negative or "
            f"non-integer value(s) (first: {kind} {float(y[i])!r} at row {_py(d.frame.index[i])!r})."
        )
    if np.all(y == 0):
        raise SpecificationError(f"{model}: the outcome {d.y_name!r} is 0 in every row used")


def _separation_lp(X: np.ndarray, y: np.ndarray, kind: str) -> np.ndarray | None:
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


def _complete_separation(X: np.ndarray, y: np.ndarray) -> bool:
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


def _raise_separation(b: np.ndarray, X: np.ndarray, y: np.ndarray, d: _frame.Design, kind: str, model: str) -> None:
    involved = [d.columns[j] for j in np.argsort(-np.abs(b * np.abs(X).max(axis=0)))
                if abs(b[j]) * np.abs(X[:, j]).max() > 1e-6]
    xb = X @ b
    tol = 1e-9 * max(1.0, np.abs(xb).max())
    if kind == "binary":
        n_pred = int((np.abs(xb) > tol).sum())
        complete = _complete_separation(X, y)
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


def _check_finite(params, V, terms, model):
    bad = [t for t, b, v in zip(terms, params, np.diag(V)) if not (np.isfinite(b) and np.isfinite(v) and v >= 0)]
    if bad:
        raise ConvergenceError(
            f"{model}: non-finite estimates or variances for {bad}; the fit did not reach a finite optimum. "
            "Check for separation, extreme scales (rescale large regressors) or too few events."
        )


def _safe_inv(A: np.ndarray, what: str, model: str, terms) -> np.ndarray:
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
def _fit_glm(formula, data, fam: _Family, model: str, env, *, cluster, vcov, weights, offset) -> RegressionResult:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    d = _frame.model_frame(formula, data, env, weights=weights, offset=offset, cluster=cluster)
    y, X = d.y, d.X
    binary = fam.name == "binomial"
    (_check_binary if binary else _check_counts)(y, d, model)
    _frame.check_collinearity(X, d.columns, tol=_frame.GLM_TOL)
    X, to_b = _frame.rescale_terms(X, d.columns)  # a 1e8-scale covariate: fit on centred, scaled columns
    flavour = _vcov.resolve(vcov, d.cluster is not None)
    codes, G = _vcov.cluster_codes(d.cluster, d.cluster_name)
    n, k = X.shape
    w = np.ones(n) if d.weights is None else d.weights
    off = np.zeros(n) if d.offset is None else d.offset

    if binary:
        sm_fam = sm.families.Binomial(sm.families.links.Logit() if fam.link == "logit" else sm.families.links.Probit())
    else:
        sm_fam = sm.families.Poisson()
    glm = sm.GLM(y, X, family=sm_fam, offset=d.offset, var_weights=d.weights)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = glm.fit(method="IRLS", maxiter=100, tol=1e-10, tol_criterion="params", rtol=1e-10, atol=1e-12)
            params = np.asarray(res.params, dtype=float)
            converged = bool(getattr(res, "converged", True))
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError):
            params, converged = np.full(k, np.nan), False
    trouble = any(issubclass(c.category, (PerfectSeparationWarning, ConvergenceWarning)) for c in caught)
    eta = X @ params + off if np.all(np.isfinite(params)) else np.full(n, np.nan)
    mu = fam.mu(eta)
    eps = 10 * np.finfo(float).eps
    extreme = (not np.all(np.isfinite(mu))) or (binary and np.any((mu < 1e-8) | (mu > 1 - 1e-8))) or (
        not binary and np.any(mu < 1e-10) and np.any(y == 0))
    if not converged or trouble or extreme:
        b = _separation_lp(X, y, "binary" if binary else "count")
        if b is not None:
            _raise_separation(b, X, y, d, "binary" if binary else "count", model)
    if not converged or not np.all(np.isfinite(params)):
        raise ConvergenceError(
            f"{model}: IRLS did not converge in 100 iterations for {formula!r} "
            "(no separation found). Rescale very large regressors or simplify the model."
        )
    if binary and np.any((mu < eps) | (mu > 1 - eps)):
        warnings.warn(f"{model}: fitted probabilities numerically 0 or 1 occurred", SeparationWarning, stacklevel=3)

    ww = w * fam.work_weight(mu, eta)
    bread = _safe_inv((X * ww[:, None]).T @ X, "information matrix", model, d.columns)
    scores = X * (w * fam.score_weight(y, mu, eta))[:, None]
    obs = w * fam.obs_weight(y, mu, eta)
    # Stata's bread: the observed information; equal to the expected one for canonical links.
    stata_bread = (bread if fam.link in ("logit", "log")
                   else _safe_inv((X * obs[:, None]).T @ X, "observed information", model, d.columns))
    pieces = _vcov.VcovPieces(model=bread, bread=bread, scores=scores, n=n, k=k, linear=False,
                         stata_bread=stata_bread, stata_scores=scores, stata_block=slice(0, k), transform=to_b)
    if to_b is not None:
        params = to_b @ params
    V, c = _vcov.compute(pieces, flavour, codes, lm=False)
    _check_finite(params, V, d.columns, model)
    ll = float(np.sum(w * fam.loglik_i(y, mu, eta)))

    # Null model (intercept and offset only), as R's null.deviance.
    X0 = np.ones((n, 1)) if d.has_intercept else np.zeros((n, 0))
    if X0.shape[1]:
        r0 = sm.GLM(y, X0, family=sm_fam, offset=d.offset, var_weights=d.weights).fit(method="IRLS", tol=1e-10)
        eta0 = X0 @ np.asarray(r0.params) + off
    else:
        eta0 = off
    ll0 = float(np.sum(w * fam.loglik_i(y, fam.mu(eta0), eta0)))
    ll_sat = _saturated_loglik(y, w, fam.name)
    dev = 2 * (ll_sat - ll)
    dev0 = 2 * (ll_sat - ll0)

    return _make_result(
        d, params, V, flavour, codes, G, c, pieces, fam, model, formula,
        loglik=ll, df_model=k, mu=mu, extra=dict(loglik_null=ll0, deviance=dev, null_deviance=dev0),
        options=dict(family=fam.name, link=fam.link),
    )


def _saturated_loglik(y, w, family):
    from scipy.special import gammaln, xlogy

    if family == "binomial":
        return 0.0
    return float(np.sum(w * (xlogy(y, y) - y - gammaln(y + 1))))


def _make_result(d: _frame.Design, params, V, flavour, codes, G, factor, pieces, fam, model, formula, *,
                 loglik, df_model, mu, extra, options, dist="normal", df_resid=None) -> RegressionResult:
    idx = pd.Index(d.columns)
    lm = fam is None
    citations = ["cluster_robust"] if (codes is not None or flavour not in ("model",)) else []
    if fam is not None and fam.name == "negative binomial":
        citations.insert(0, "negative_binomial")
    opts = {
        "vcov": flavour,
        "vcov_r": _vcov.r_call(flavour, d.cluster_name, G),
        "cluster": d.cluster_name,
        "weights": d.weights_name or ("array" if d.weights is not None else None),
        "offset": d.offset_name or ("array" if d.offset is not None else None),
        "fe": list(d.fe.columns) if d.fe is not None else None,
        **options,
    }
    n_dropped = d.n_input - len(d.y)
    return RegressionResult(
        params=pd.Series(params, index=idx, name="estimate"),
        vcov=pd.DataFrame(V, index=idx, columns=idx),
        vcov_type=_vcov.label(flavour, d.cluster_name, G, lm, factor),
        nobs=len(d.y),
        loglik=float(loglik),
        df_model=int(df_model),
        model=model,
        formula=formula,
        exponentiate=model in ("Logit", "Poisson", "Negative binomial (NB2)"),
        exp_label={"Logit": "OR", "Poisson": "IRR", "Negative binomial (NB2)": "IRR"}.get(model, "exp(b)"),
        n_clusters=G,
        dist=dist,
        df_resid=df_resid,
        converged=True,
        options=opts,
        data_info={
            "n_input_rows": d.n_input,
            "n_used": len(d.y),
            "n_dropped": n_dropped,
            "dropped_by_column": dict(d.dropped_by),
            "outcome": d.y_name,
            "columns": list(d.frame.columns),
        },
        citations=tuple(citations),
        family="gaussian" if lm else fam.name,
        link="identity" if lm else fam.link,
        fitted=pd.Series(mu, index=d.frame.index, name="fitted"),
        n_dropped=n_dropped,
        dropped_by=dict(d.dropped_by),
        design_info=d.design_info,
        model_frame=d.frame,
        variables=d.variables,
        offset_name=d.offset_name,
        offset_values=d.offset,
        cluster_name=d.cluster_name,
        cluster_codes=codes,
        _pieces=pieces,
        **extra,
    )


# ====================================================================== public GLMs
_DOC_ARGS = """
    Parameters
    ----------
    formula
        R/patsy formula, e.g. ``"pbs2s3 ~ untype4 + treaty + C(decade)"``.
    data
        A DataFrame. Rows with missing values in any column the model uses are dropped
        and counted (``glance()["n_dropped"]``).
    cluster
        Column name (or array, one value per data row) of the cluster ids for
        cluster-robust standard errors.
    vcov
        Covariance flavour: ``"model"`` (default without ``cluster``), ``"HC0"``, ``"HC1"``,
        ``"CR0"``, ``"CR1"`` (default with ``cluster``), ``"vcovCL"``, ``"stata"``; see the
        module docstring for the exact R call each one reproduces.
    weights
        Column name or array of prior (case) weights, as R's ``weights =``.
    offset
        Column name or array added to the linear predictor, as R's ``offset =``
        (e.g. ``np.log(exposure)``).
"""


def logit(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
          offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return _fit_glm(formula, data, _Logit(), "Logit", env, cluster=cluster, vcov=vcov, weights=weights, offset=offset)


def probit(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
           offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return _fit_glm(formula, data, _Probit(), "Probit", env, cluster=cluster, vcov=vcov, weights=weights, offset=offset)


def poisson(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
            offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return _fit_glm(formula, data, _Poisson(), "Poisson", env, cluster=cluster, vcov=vcov, weights=weights,
                    offset=offset)


logit.__doc__ = (
    "Logistic regression of a 0/1 outcome: R's ``glm(formula, family = binomial)``.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
        ``tidy()`` adds odds ratios (``exp_estimate``).

    Raises
    ------
    SpecificationError
        A missing column, an outcome that is not 0/1, collinear regressors, a single
        cluster, or perfect separation (naming the variables involved).
    ConvergenceError
        IRLS did not converge.

    Examples
    --------
    >>> from peacestats.sources import doyle_sambanis            # doctest: +SKIP
    >>> fit = logit("pbs2s3 ~ untype4 + treaty + logcost", doyle_sambanis.load())  # doctest: +SKIP
    >>> fit.tidy()                                                # doctest: +SKIP
    """
)
probit.__doc__ = (
    "Probit regression of a 0/1 outcome: R's ``glm(formula, family = binomial(link = \"probit\"))``.\n\n"
    "The model covariance is the inverse *expected* information, as R's; Stata's ``probit``\n"
    "uses the observed information, which ``vcov=\"stata\"`` reproduces.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
    """
)
poisson.__doc__ = (
    "Poisson regression of a count: R's ``glm(formula, family = poisson)``.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
        ``tidy()`` adds incidence-rate ratios (``exp_estimate``).

    Raises
    ------
    SpecificationError
        Negative or non-integer counts, a missing column, collinear regressors, a
        category with only zero counts (estimates do not exist), a single cluster.
    """
)


# ====================================================================== negative binomial
def _nb_derivatives(y, X, w, off, beta, tau):
    """Log-likelihood, gradient and Hessian of NB2 in (beta, tau = log theta)."""
    from scipy.special import digamma, polygamma

    eta = X @ beta + off
    th = np.exp(tau)
    mu = np.exp(eta)
    ll_i = _nb_loglik_i(y, eta, tau)
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
        return -float(np.sum(w * _nb_loglik_i(y, eta, t)))

    def jac(p):
        b, t = unpack(p)
        return -_nb_derivatives(y, Xs, w, off, b, t)[1]

    def hess(p):
        b, t = unpack(p)
        return -_nb_derivatives(y, Xs, w, off, b, t)[2]

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


def negbin(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
           offset=None) -> RegressionResult:
    import patsy
    import statsmodels.api as sm
    from scipy.special import polygamma

    env = patsy.EvalEnvironment.capture(1)
    model = "Negative binomial (NB2)"
    d = _frame.model_frame(formula, data, env, weights=weights, offset=offset, cluster=cluster)
    y, X = d.y, d.X
    _check_counts(y, d, model)
    _frame.check_collinearity(X, d.columns)
    flavour = _vcov.resolve(vcov, d.cluster is not None)
    codes, G = _vcov.cluster_codes(d.cluster, d.cluster_name)
    n, k = X.shape
    w = np.ones(n) if d.weights is None else d.weights
    off = np.zeros(n) if d.offset is None else d.offset

    # Start: Poisson estimates and the Cameron-Trivedi moment estimate of alpha,
    # sum((y - mu)^2 - y) / sum(mu^2). statsmodels' NegativeBinomial fit from its own
    # start can stop "converged" with NaN estimates on heavily overdispersed conflict
    # counts (and R's glm.nb diverges on the HKS data), hence this path.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pr = sm.GLM(y, X, family=sm.families.Poisson(), offset=d.offset, var_weights=d.weights).fit(
                method="IRLS", maxiter=100, tol=1e-8)
            beta0 = np.asarray(pr.params, dtype=float)
            if not np.all(np.isfinite(beta0)):
                raise ValueError
        except Exception:
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

    beta, tau, ll, g, H, parts, res = _fit_nb2(y, X, w, off, beta0, -np.log(alpha0), model)
    theta = float(np.exp(tau))
    if theta > 1e6:
        raise ConvergenceError(
            f"{model}: theta runs to infinity (alpha -> 0, theta = {theta:.3g}): the counts show no "
            "overdispersion beyond the Poisson. Use poisson() instead."
        )
    if not np.isfinite(ll) or not np.all(np.isfinite(beta)):
        b = _separation_lp(X, y, "count")
        if b is not None:
            _raise_separation(b, X, y, d, "count", model)
        raise ConvergenceError(f"{model}: the log-likelihood is not finite at the end of the fit ({ll}).")
    # Convergence: the Newton decrement in scaled coordinates is what we tested; check
    # again with the unscaled gradient relative to the curvature.
    try:
        step = np.linalg.solve(H, -g)
    except np.linalg.LinAlgError:
        step = np.full(k + 1, np.inf)
    if not np.all(np.isfinite(step)) or float(-g @ step) > 1e-6:
        b = _separation_lp(X, y, "count")
        if b is not None:
            _raise_separation(b, X, y, d, "count", model)
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

    eta, mu = parts["eta"], parts["mu"]
    fam = _NegBin(theta)
    if np.any(mu < 1e-10) and np.any(y == 0):
        b = _separation_lp(X, y, "count")
        if b is not None:
            _raise_separation(b, X, y, d, "count", model)

    # R's numbers: vcov(glm.nb) is the inverse expected information of beta with theta
    # fixed; sandwich treats the fit as a glm with dispersion 1 (bread.glm/estfun.glm).
    ww = w * fam.work_weight(mu, eta)
    bread = _safe_inv((X * ww[:, None]).T @ X, "information matrix", model, d.columns)
    scores = X * (w * fam.score_weight(y, mu, eta))[:, None]
    # Stata's nbreg: joint observed information of (beta, ln alpha); ln alpha = -tau,
    # a sign flip that leaves the beta block unchanged.
    stata_bread = _safe_inv(-H, "observed information", model, d.columns + ["log(theta)"])
    stata_scores = np.column_stack([scores, w * parts["d_tau"]])
    pieces = _vcov.VcovPieces(model=bread, bread=bread, scores=scores, n=n, k=k, linear=False,
                         stata_bread=stata_bread, stata_scores=stata_scores, stata_block=slice(0, k))
    V, c = _vcov.compute(pieces, flavour, codes, lm=False)
    _check_finite(beta, V, d.columns, model)
    # MASS::theta.ml: SE(theta) = 1/sqrt(observed information of theta, mu held fixed)
    info = np.sum(w * (-polygamma(1, theta + y) + polygamma(1, theta) - 1 / theta
                       + 2 / (mu + theta) - (y + theta) / (mu + theta) ** 2))
    se_theta = float(1 / np.sqrt(info)) if info > 0 else float("nan")

    # Null model: intercept (+ offset), theta re-estimated (as statsmodels' llnull).
    if d.has_intercept:
        X0 = np.ones((n, 1))
        mean_off = np.average(off, weights=w) if d.offset is not None else 0.0
        b0 = np.array([np.log(np.average(y, weights=w) + 1e-10) - mean_off])
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r0 = sm.GLM(y, np.ones((n, 1)), family=sm.families.NegativeBinomial(alpha=1 / theta),
                        offset=d.offset, var_weights=d.weights).fit(method="IRLS", tol=1e-12)
        dev0 = nb_deviance(np.exp(float(np.asarray(r0.params)[0]) + off))
    else:
        dev0 = nb_deviance(np.exp(off))

    return _make_result(
        d, beta, V, flavour, codes, G, c, pieces, fam, model, formula,
        loglik=ll, df_model=k + 1, mu=mu,
        extra=dict(alpha=1 / theta, theta=theta, se_theta=se_theta, loglik_null=ll0, deviance=dev,
                   null_deviance=dev0),
        options=dict(family="negative binomial (NB2)", link="log", optimizer="trust-exact + Newton",
                     start="Poisson estimates, moment alpha"),
    )


negbin.__doc__ = (
    "Negative binomial (NB2) regression of an overdispersed count: R's ``MASS::glm.nb(formula)``.\n\n"
    "Var(y) = mu + alpha mu^2, theta = 1/alpha (R reports theta, Stata's ``nbreg`` alpha).\n"
    "The log-likelihood is maximised jointly in (b, log theta) from the Poisson estimates and\n"
    "a moment estimate of alpha, by scipy's trust-region Newton then Newton steps; the fit\n"
    "is accepted only when the log-likelihood is finite, the Newton decrement is below\n"
    "1e-6 and the Hessian is negative definite. The model covariance is R's (inverse\n"
    "expected information of b, theta fixed); ``se_theta`` is ``glm.nb``'s ``SE.theta``.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
        With ``alpha``, ``theta``, ``se_theta``; ``tidy()`` adds incidence-rate ratios.

    Raises
    ------
    SpecificationError
        Negative or non-integer counts and the other input errors of :func:`poisson`.
    ConvergenceError
        No finite maximum, a Hessian that is not negative definite, or theta -> infinity
        (no overdispersion: use :func:`poisson`).

    Examples
    --------
    Hultman, Kathman & Shannon (2013), Table 1 Model 1 (``troopLag`` etc. are already in
    thousands in the replication file):

    >>> from peacestats.sources import hks2013                    # doctest: +SKIP
    >>> fit = negbin("osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag"
    ...              " + osvAllLagDum + incomp + epduration + lntpop",
    ...              hks2013.load(), cluster="conflict_id")       # doctest: +SKIP
    """
)


# ====================================================================== OLS with fixed effects
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


def ols(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
        offset=None, fe=None) -> RegressionResult:
    """Linear regression (least squares), optionally with absorbed fixed effects.

    R: ``lm(formula, weights = w)``; with ``fe = ["conflict_id", "year"]``:
    ``lm(update(formula, . ~ . + factor(conflict_id) + factor(year)))``. The fixed
    effects are swept out (alternating projections) instead of estimated as dummies;
    the slopes, residuals and every covariance flavour equal the dummy regression's,
    and small-sample factors count the dummies in ``k`` as R does (Stata's ``areg``
    does the same; ``xtreg, fe`` and ``fixest`` count fewer when the effects are nested
    in the clusters). ``fe`` can also be written fixest-style: ``"y ~ x | conflict_id + year"``.
    Inference uses the t distribution with ``n - k`` degrees of freedom, as
    ``summary(lm)`` and ``lmtest::coeftest`` do.
    """
    import patsy
    import statsmodels.api as sm

    env = patsy.EvalEnvironment.capture(1)
    model = "OLS"
    if isinstance(formula, str) and "|" in formula:
        formula, fe_part = formula.split("|", 1)
        formula = formula.strip()
        extra_fe = [t.strip() for t in fe_part.split("+") if t.strip()]
        fe = list(dict.fromkeys(([fe] if isinstance(fe, str) else list(fe or [])) + extra_fe))
    fe_cols = None if fe is None else ([fe] if isinstance(fe, str) else list(fe))
    if fe_cols is not None and not fe_cols:
        fe_cols = None
    d = _frame.model_frame(formula, data, env, weights=weights, offset=offset, cluster=cluster, fe=fe_cols)
    flavour = _vcov.resolve(vcov, d.cluster is not None)
    codes, G = _vcov.cluster_codes(d.cluster, d.cluster_name)
    y = d.y - (d.offset if d.offset is not None else 0)
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
    fit = sm.WLS(yd, Xd, weights=w).fit()
    params = np.asarray(fit.params, dtype=float)
    resid = yd - Xd @ params
    rss = float(np.sum(w * resid**2))
    df_resid = n - k_total
    sigma2 = rss / df_resid
    XtWX_inv = _safe_inv((Xd * w[:, None]).T @ Xd, "cross-product matrix X'WX", model, terms)
    scores = Xd * (w * resid)[:, None]
    pieces = _vcov.VcovPieces(model=sigma2 * XtWX_inv, bread=XtWX_inv, scores=scores, n=n, k=k_total, linear=True,
                         transform=to_b)
    if to_b is not None:
        params = to_b @ params
    V, c = _vcov.compute(pieces, flavour, codes, lm=True)
    _check_finite(params, V, terms, model)

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
    res = _make_result(
        d, params, V, flavour, codes, G, c, pieces, None, model, formula,
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
