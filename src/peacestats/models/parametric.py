"""Parametric survival models (Weibull, exponential, log-logistic) with delayed entry.

:func:`survreg` fits R's ``survreg`` models by maximum likelihood and also accepts
left-truncated, counting-process data (several (start, stop] rows per spell), which
R's ``survreg`` cannot fit.

Model (R's parameterisation, the accelerated failure time or AFT metric)::

    log T = x'b + sigma * W,    W ~ extreme value (Weibull, exponential: sigma = 1)
                                W ~ logistic       (log-logistic)

With z = (log t - x'b) / sigma, S(t) = S_W(z), f(t) = f_W(z) / (sigma t). A row with
entry t0, exit t and event indicator d contributes

    loglik_i = d log f(t) + (1 - d) log S(t) - log S(t0)
             = d log h(t) - (H(t) - H(t0))

(the second line is the methods note's formula; log S(t0) is 0 when t0 = 0). The
log-likelihood is on the scale of t, as R's ``survreg`` reports it. A row's
contribution uses its own (t0, t] interval only, which is right for time-varying
covariates on split spells.

Weibull and exponential models are also proportional-hazards models:
h(t) = lambda p t^(p-1) with p = 1/sigma and lambda = exp(x'b_PH), b_PH = -b_AFT/sigma
(the intercept included: Stata's ``_cons``), and ``log(p) = -log(sigma)`` (Stata's
``ln_p``). ``tidy(metric="ph")`` reports these with delta-method standard errors,
which equal the SEs Stata's ``streg`` computes in that parameterisation (the
information matrix transforms by the Jacobian at the maximum). Hazard ratios are
exp(b_PH); time ratios exp(b_AFT).

Standard errors: the inverse of the observed information (R's ``fit$var``), or with
``cluster`` the sandwich V (sum_g U_g U_g') V, U_g the sum over the rows of cluster g
of the per-row scores (R's ``survreg(..., cluster = g)``: ``crossprod(rowsum(
residuals(fit, "dfbeta"), g))``, no small-sample factor). ``cluster_df_correction=True``
multiplies by G/(G-1), as Stata's ``vce(cluster)``.

References
----------
Kalbfleisch, J.D. & Prentice, R.L. (2002). *The Statistical Analysis of Failure Time
Data*, 2nd ed. Wiley. Therneau, T.M. & Grambsch, P.M. (2000). *Modeling Survival Data*.
Springer. Cleves, M. et al. (2010). *An Introduction to Survival Analysis Using Stata*,
3rd ed., ch. 13 (the PH and AFT metrics of ``streg``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ._dist import norm_ppf
from ..errors import SpecificationError, SurvivalDataError
from . import frame as _frame
from . import vcov as _vcov
from .engines.parametric import Data as _Data
from .engines.parametric import fit as _fit
from .engines.parametric import surv_w as _surv_w
from .formula import check_surv_arguments
from .results import ModelResult, formula_outcome
from .survival_data import _row_label, _survival_data, _unique_index

__all__ = ["survreg", "ParametricResult", "DISTRIBUTIONS"]

DISTRIBUTIONS = ("weibull", "exponential", "loglogistic")
_NAMES = {"weibull": "Weibull", "exponential": "Exponential", "loglogistic": "Log-logistic"}
INTERCEPT = "(Intercept)"
LOG_SCALE = "log(scale)"
LOG_P = "log(p)"


# ----------------------------------------------------------------------------- result
@dataclass
class ParametricResult(ModelResult):
    """A fitted parametric survival model (see :func:`survreg`).

    ``params``/``vcov`` are in R's AFT parameterisation: ``(Intercept)``, covariates
    and ``log(scale)`` (no ``log(scale)`` for the exponential). ``tidy(metric="ph")``
    gives the proportional-hazards metric of Stata's ``streg``.
    """

    distribution: str = "weibull"
    metric: str = "ph"
    vcov_naive: pd.DataFrame | None = None
    design: Any = None  # models.frame.Design of the covariates (None: intercept only)
    intercept: bool = True
    n_dropped: int = 0
    n_iter: int = 0
    scores: np.ndarray | None = None

    # -------------------------------------------------------------- parameters in both metrics
    @property
    def scale(self) -> float:
        """sigma (R's ``fit$scale``); 1 for the exponential."""
        return 1.0 if self.distribution == "exponential" else float(np.exp(self.params[LOG_SCALE]))

    @property
    def shape(self) -> float:
        """The Weibull shape p = 1/sigma (Stata's ``p``); 1 for the exponential."""
        return 1.0 / self.scale

    def _check_metric(self, metric: str | None) -> str:
        metric = self.metric if metric is None else metric
        if metric not in ("ph", "aft"):
            raise SpecificationError(f"metric must be 'ph' or 'aft', not {metric!r}")
        if metric == "ph" and self.distribution == "loglogistic":
            raise SpecificationError(
                "the log-logistic model has no proportional-hazards metric; use metric='aft' (time ratios)"
            )
        return metric

    def params_in(self, metric: str | None = None) -> tuple[pd.Series, pd.DataFrame]:
        """Coefficients and covariance in the ``"aft"`` or ``"ph"`` metric.

        PH metric: b_PH = -b_AFT / sigma for the intercept and covariates, and
        ``log(p) = -log(sigma)``; covariance by the delta method, J V J'.
        """
        metric = self._check_metric(metric)
        if metric == "aft":
            return self.params.copy(), self.vcov.copy()
        b = self.params.to_numpy(float)
        names = list(self.params.index)
        if self.distribution == "exponential":
            J = -np.eye(len(b))
            out = -b
            new = names
        else:
            k = len(b) - 1
            sig = np.exp(b[k])
            out = np.concatenate([-b[:k] / sig, [-b[k]]])
            J = np.zeros((k + 1, k + 1))
            J[:k, :k] = -np.eye(k) / sig
            J[:k, k] = b[:k] / sig
            J[k, k] = -1.0
            new = names[:k] + [LOG_P]
        V = J @ self.vcov.to_numpy(float) @ J.T
        return pd.Series(out, index=new), pd.DataFrame(V, index=new, columns=new)

    def tidy(self, conf_level: float = 0.95, exponentiate: bool | None = None,
             metric: str | None = None) -> pd.DataFrame:
        """One row per parameter, in the ``"ph"`` (hazard ratios) or ``"aft"`` (time ratios) metric.

        ``exp_estimate`` is the hazard ratio (PH) or time ratio (AFT) for covariates;
        for ``(Intercept)`` it is lambda (PH) or exp(b0) (AFT), for ``log(p)`` the shape
        p and for ``log(scale)`` sigma.
        """
        metric = self._check_metric(metric)
        p, v = self.params_in(metric)
        view = replace(self, params=p, vcov=v, exp_label="HR" if metric == "ph" else "TR")
        out = ModelResult.tidy(view, conf_level=conf_level, exponentiate=exponentiate)
        out.insert(1, "metric", metric)
        return out

    def _display_table(self, conf_level: float = 0.95) -> pd.DataFrame:
        t = self.tidy(conf_level).drop(columns="metric").set_index("term")
        cols = ["estimate", "exp_estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
        names = ["coef", "HR" if self._check_metric(None) == "ph" else "TR", "se", "z", "p", "lower", "upper"]
        if "exp_estimate" not in t:
            cols.pop(1)
            names.pop(1)
        out = t[cols]
        out.columns = names
        return out

    def _glance_extra(self) -> dict[str, Any]:
        return {
            "dist": self.distribution,
            "shape_p": self.shape,
            "scale": self.scale,
            "metric": self.metric,
            "n_dropped": self.n_dropped,
        }

    def _glance_lines(self) -> list[str]:
        lines = super()._glance_lines()
        if self.distribution == "exponential":
            lines.insert(1, "Exponential: shape p = 1 (sigma fixed at 1)")
        elif self.distribution == "weibull":
            lines.insert(1, f"Weibull shape p = {self.shape:.4f} (R's scale sigma = 1/p = {self.scale:.4f})")
        else:
            lines.insert(1, f"Log-logistic scale sigma = {self.scale:.4f} (shape 1/sigma = {self.shape:.4f})")
        if self.n_dropped:
            lines.append(f"{self.n_dropped} rows with missing values dropped")
        return lines

    def _title(self) -> str:
        metric = "PH" if self._check_metric(None) == "ph" else "AFT"
        return f"{_NAMES[self.distribution]} {metric}: {self.formula}"

    def plot(self, ax=None, exponentiate: bool | None = True, conf_level: float = 0.95, labels=None,
             metric: str | None = None):
        """Hazard ratios (PH) or time ratios (AFT) of the covariates with CIs.

        ``labels``: term -> name; returns the axes.
        """
        metric = self._check_metric(metric)
        t = self.tidy(conf_level, exponentiate=exponentiate, metric=metric)
        t = t[~t["term"].isin([INTERCEPT, LOG_SCALE, LOG_P])]
        lab = ("Hazard ratio" if metric == "ph" else "Time ratio") if "exp_estimate" in t else "Coefficient"
        return self._plot_intervals(t, ax, f"{lab} ({int(round(conf_level * 100))}% CI)", self._title(),
                                    figsize=(6, 0.8 + 0.4 * len(t)), labels=labels)

    # -------------------------------------------------------------- predictions
    def _design_for(self, profiles: pd.DataFrame) -> np.ndarray:
        if not isinstance(profiles, pd.DataFrame):
            raise SpecificationError("profiles must be a DataFrame with one row per covariate profile")
        if self.design is not None:
            _frame.check_columns(profiles, self.data_info.get("rhs_columns", []), "survival_function profiles")
            Xc = self.design.transform(profiles)
        else:
            Xc = np.zeros((len(profiles), 0))
        if self.intercept:
            Xc = np.column_stack([np.ones(len(profiles)), Xc])
        return Xc

    def survival_function(self, profiles: pd.DataFrame, times, conf_level: float = 0.95) -> pd.DataFrame:
        """S(t | x) for covariate profiles, with delta-method confidence intervals.

        The interval is computed for z = (log t - x'b)/sigma (the log cumulative hazard
        for Weibull/exponential, the log odds of failure for the log-logistic) and
        mapped through S_W, so it stays within (0, 1).

        Parameters
        ----------
        profiles
            One row per profile, with the columns the formula uses.
        times
            Times (> 0) since the start of the spell.

        Returns
        -------
        pandas.DataFrame
            ``profile, time, survival, std_error (of z), conf_low, conf_high`` and the
            profile's columns.
        """
        times = np.atleast_1d(np.asarray(times, dtype=float))
        if np.any(~np.isfinite(times)) or np.any(times <= 0):
            raise SpecificationError("survival_function: times must be finite and > 0")
        Xp = self._design_for(profiles)
        b = self.params.to_numpy(float)
        k = Xp.shape[1]
        sig = self.scale
        V = self.vcov.to_numpy(float)
        q = norm_ppf(0.5 + conf_level / 2)
        rows = []
        for i in range(Xp.shape[0]):
            mu = Xp[i] @ b[:k]
            for t in times:
                z = (np.log(t) - mu) / sig
                grad = -Xp[i] / sig if self.distribution == "exponential" else np.concatenate([-Xp[i] / sig, [-z]])
                se = float(np.sqrt(grad @ V @ grad))
                rows.append({
                    "profile": i, "time": t, "survival": float(_surv_w(z, self.distribution)), "std_error": se,
                    "conf_low": float(_surv_w(z + q * se, self.distribution)),
                    "conf_high": float(_surv_w(z - q * se, self.distribution)),
                })
        out = pd.DataFrame(rows)
        prof = profiles.reset_index(drop=True)
        return out.join(prof, on="profile")

    def risk_reduction(self, term: str, conf_level: float = 0.95) -> pd.DataFrame:
        """1 - HR for ``term`` with its CI (the proportional reduction in the hazard).

        Only for PH models (Weibull, exponential). CI: (1 - HR_upper, 1 - HR_lower)
        from the Wald interval of b_PH.
        """
        if self.distribution == "loglogistic":
            raise SpecificationError("risk_reduction needs a PH model (weibull or exponential), not log-logistic")
        t = self.tidy(conf_level, exponentiate=True, metric="ph").set_index("term")
        if term not in t.index or term in (INTERCEPT, LOG_P):
            raise SpecificationError(f"risk_reduction: {term!r} is not a covariate of the model ({list(t.index)})")
        r = t.loc[term]
        return pd.DataFrame([{
            "term": term, "hazard_ratio": r["exp_estimate"], "risk_reduction": 1 - r["exp_estimate"],
            "conf_low": 1 - r["exp_conf_high"], "conf_high": 1 - r["exp_conf_low"],
            "conf_level": conf_level, "vcov_type": self.vcov_type,
        }])


# ----------------------------------------------------------------------------- the estimator
def survreg(
    formula: str,
    data: pd.DataFrame,
    *,
    stop: str | None = None,
    event: str | None = None,
    start: str | None = None,
    dist: str = "weibull",
    cluster: str | None = None,
    metric: str | None = None,
    weights: str | None = None,
    cluster_df_correction: bool = False,
) -> ParametricResult:
    """Fit a Weibull, exponential or log-logistic survival model (R's ``survreg``, with delayed entry).

    Parameters
    ----------
    formula
        Right-hand side, patsy/R syntax: ``"pk_dum + victory + C(wartype)"``
        (``factor(x)`` works like ``C(x)``; an intercept is included unless ``- 1``), or R
        style ``"Surv(start, stop, event) ~ pk_dum + victory + cluster(g)"`` in place of
        ``start``/``stop``/``event``/``cluster``. Formulas are read by
        :mod:`peacestats.models.frame`, as for :func:`~peacestats.models.cox.coxph`.
    data
        One row per spell, or per (start, stop] segment (counting-process form).
    stop
        Time at the end of the row (> 0), counted from the spell's origin.
    event
        1 if the spell failed at ``stop``, else 0.
    start
        Entry time of the row (left truncation / delayed entry); rows are at risk on
        (start, stop]. Default: every row starts at 0.
    dist
        ``"weibull"`` (default), ``"exponential"`` or ``"loglogistic"``.
    cluster
        Column: cluster-robust (sandwich) SEs summing scores within clusters, as
        R's ``survreg(..., cluster = g)``.
    metric
        Default metric of ``tidy()``/``summary()``: ``"ph"`` (hazard ratios, Stata's
        ``streg`` default) or ``"aft"`` (R's coefficients, time ratios). Default:
        ``"ph"``, ``"aft"`` for the log-logistic (which has no PH form).
    weights
        Case weights (R's ``weights =``). With ``cluster``, the sandwich uses the
        weighted scores w_i U_i; R 3.5's ``survreg`` uses unweighted ``dfbeta``
        residuals there, so robust SEs of weighted fits differ from R's.
    cluster_df_correction
        Multiply the clustered variance by G/(G-1) (Stata's ``vce(cluster)``); R does not.

    Returns
    -------
    ParametricResult

    Raises
    ------
    SpecificationError
        Missing columns, an unknown ``dist``/``metric``, collinear covariates, one cluster.
    SurvivalDataError
        ``stop <= 0``, negative or ``start >= stop`` intervals, no events.
    ConvergenceError
        The likelihood has no finite maximum or the search failed.

    Examples
    --------
    >>> fit = survreg("pk_dum + victory", spells, stop="stop", event="event")  # doctest: +SKIP
    >>> fit.tidy(metric="ph")  # hazard ratios  # doctest: +SKIP
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"survreg: data must be a pandas DataFrame, not {type(data).__name__}")
    if not isinstance(formula, str):
        raise SpecificationError("survreg: formula must be a string such as 'pk_dum + victory'")
    metric, start, stop, event, cluster, rhs = _survreg_terms(formula, dist, metric, start, stop, event,
                                                              cluster)
    data = _unique_index(data)
    _frame.check_columns(data, [start, stop, event, cluster, weights], "survreg")
    rhs_cols, unknown = _frame.formula_columns(rhs, data.columns)
    if unknown:
        _frame.check_columns(data, unknown, f"survreg formula {rhs!r}")
    mask, n_drop = _frame.complete_rows(data, [start, stop, event, cluster, weights, *rhs_cols])
    df = data.loc[mask]
    if len(df) == 0:
        raise SpecificationError("survreg: no rows left after dropping rows with missing values")
    other = [cluster] if cluster is not None else []
    surv, _ = _survival_data(df, what="survreg", duration=stop, event=event, entry=start, weights=weights,
                             other=other)
    if np.any(surv["_stop"].to_numpy() <= 0):
        bad = surv.index[surv["_stop"].to_numpy() <= 0][0]
        raise SurvivalDataError(
            f"survreg: column {stop!r} is {surv.loc[bad, '_stop']} at {_row_label(bad)}; "
            f"{_NAMES[dist]} models need times > 0 (log t)"
        )
    if (surv["_event"] * surv["_w"]).sum() <= 0:
        raise SurvivalDataError(
            f"survreg: no events in {event!r} (every row is censored); the likelihood has no maximum"
        )
    X, Xs, to_b, design, intercept = _survreg_design(rhs, df, formula)
    entry = surv["_entry"].to_numpy()
    trunc = np.isfinite(entry) & (entry > 0)
    y0 = np.zeros(len(entry))
    y0[trunc] = np.log(entry[trunc])
    D = _Data(X=Xs, y=np.log(surv["_stop"].to_numpy()), y0=y0, trunc=trunc,
              ev=surv["_event"].to_numpy(), w=surv["_w"].to_numpy(), dist=dist)
    theta0 = _survreg_start(D, X, surv, entry, trunc, to_b)
    theta, ll, U, info, n_iter = _fit(D, theta0)
    names = list(X.columns) + ([] if D.fixed_scale else [LOG_SCALE])
    theta, V, V_naive, U, vcov_type, n_clusters = _survreg_variance(
        theta, info, U, surv, cluster, to_b, cluster_df_correction)
    params = pd.Series(theta, index=names)
    vcov = pd.DataFrame(V, index=names, columns=names)
    model = f"{_NAMES[dist]} {'PH' if metric == 'ph' else 'AFT'}"
    return ParametricResult(
        params=params,
        vcov=vcov,
        vcov_type=vcov_type,
        nobs=int(len(X)),
        loglik=ll,
        df_model=len(names),
        model=model,
        formula=formula,
        exponentiate=True,
        exp_label="HR" if metric == "ph" else "TR",
        n_events=int(round(float(D.ev.sum()))),
        n_clusters=n_clusters,
        converged=True,
        options=dict(stop=stop, event=event, start=start, dist=dist, cluster=cluster, metric=metric,
                     weights=weights, cluster_df_correction=cluster_df_correction),
        data_info={"n_input_rows": int(len(data)), "n_used": int(len(X)), "n_dropped": int(n_drop),
                   "outcome": formula_outcome(formula, {"event": event}), "n_truncated": int(trunc.sum()),
                   "rhs_columns": rhs_cols, "source": data.attrs.get("source"),
                   "columns": list(dict.fromkeys([stop, event] + [c for c in (start, cluster, weights) if c]))},
        citations=("cluster_robust",) if cluster is not None else (),
        distribution=dist,
        metric=metric,
        vcov_naive=pd.DataFrame(V_naive, index=names, columns=names),
        design=design,
        intercept=intercept,
        n_dropped=int(n_drop),
        n_iter=n_iter,
        scores=U,
    )


# ============================================================================ survreg's steps
def _survreg_terms(formula, dist, metric, start, stop, event, cluster):
    """Check the options and read the formula's Surv() and cluster(): ``(metric, start, stop, event, cluster, rhs)``."""
    if dist not in DISTRIBUTIONS:
        raise SpecificationError(f"survreg: dist must be one of {DISTRIBUTIONS}, not {dist!r}")
    if metric is None:
        metric = "aft" if dist == "loglogistic" else "ph"
    if metric not in ("ph", "aft"):
        raise SpecificationError(f"survreg: metric must be 'ph' or 'aft', not {metric!r}")
    if metric == "ph" and dist == "loglogistic":
        raise SpecificationError("survreg: the log-logistic model has no PH metric; use metric='aft'")
    sf = _frame.parse_surv_formula(formula)
    if sf is not None:
        if sf.strata:
            raise SpecificationError(
                "survreg: strata() is not supported (in R's survreg it gives each stratum its own scale)"
            )
        check_surv_arguments(sf, "survreg", start=start, stop=stop, event=event, cluster=cluster)
        start = sf.start if sf.start is not None else start
        stop, event = sf.stop, sf.event
        cluster = sf.cluster if sf.cluster is not None else cluster
        rhs = sf.rhs.strip()
    else:
        rhs = formula.strip()
    if stop is None or event is None:
        raise SpecificationError(
            "survreg: give stop= and event= (and start= for delayed entry), or a formula "
            "'Surv(start, stop, event) ~ covariates'"
        )
    rhs = rhs or "1"
    return metric, start, stop, event, cluster, rhs


def _survreg_design(rhs, df, formula):
    """The design with its intercept, rescaled as R's ``survreg.fit`` does when badly conditioned.

    Returns ``(X, Xs, to_b, design, intercept)``: the design as a DataFrame, the columns fitted
    (``Xs``; the coefficients are ``b = to_b @ g``, ``to_b`` None when not rescaled), the
    covariate design and whether the formula has an intercept.
    """
    import patsy

    terms = patsy.ModelDesc.from_formula(rhs).rhs_termlist
    intercept = any(t == patsy.INTERCEPT for t in terms)
    design = _frame.design_matrix(rhs, df) if any(t != patsy.INTERCEPT for t in terms) else None
    cols = ([INTERCEPT] if intercept else []) + (list(design.columns) if design is not None else [])
    parts = ([np.ones((len(df), 1))] if intercept else []) + ([design.X] if design is not None else [])
    if not parts:
        raise SpecificationError(f"survreg: the formula {formula!r} has neither an intercept nor covariates")
    X = pd.DataFrame(np.column_stack(parts), index=df.index, columns=cols)
    Xa = X.to_numpy(float)
    # R's survreg.fit centres and scales the columns (with an intercept) before fitting, so a
    # covariate of 1e8 plus noise is fitted, not called collinear: check collinearity, and fit, on
    # those columns when the design is badly conditioned (b = to_b @ g).
    Xs, to_b = _frame.rescale_design(Xa, cols.index(INTERCEPT) if intercept else None)
    _frame.check_collinearity(Xs, cols)
    return X, Xs, to_b, design, intercept


def _survreg_start(D, X, surv, entry, trunc, to_b):
    """Starting values: the exponential MLE of the intercept (log exposure per event), other b = 0, log sigma = 0."""
    k = X.shape[1]
    b0 = np.zeros(k)
    exposure = np.sum(D.w * (surv["_stop"].to_numpy() - np.where(trunc, entry, 0.0)))
    if INTERCEPT in X.columns:
        b0[list(X.columns).index(INTERCEPT)] = np.log(exposure / np.sum(D.w * D.ev))
    theta0 = b0 if D.fixed_scale else np.concatenate([b0, [0.0]])
    if to_b is not None:  # the start in the rescaled columns: the same intercept, other g = 0
        theta0[: k] = np.linalg.solve(to_b, b0)
    return theta0


def _survreg_variance(theta, info, U, surv, cluster, to_b, cluster_df_correction):
    """Model or Lin-Wei variance, mapped back from the rescaled columns.

    Returns ``(theta, V, V_naive, U, vcov_type, n_clusters)`` on the scale of the coefficients.
    """
    V = np.linalg.inv(info)
    V = (V + V.T) / 2
    back = None
    if to_b is not None:
        back = np.eye(len(theta))
        back[: to_b.shape[0], : to_b.shape[0]] = to_b
    vcov_type = "model (inverse information)"
    n_clusters = None
    if cluster is not None:
        cl = surv[cluster]
        codes, uniq = pd.factorize(cl, sort=True)
        n_clusters = len(uniq)
        if n_clusters < 2:
            raise SpecificationError(
                f"survreg: cluster {cluster!r} has a single value; robust SEs need 2+ clusters")
        V_naive, V = V, _vcov.lin_wei(V, U, codes, n_clusters, cluster_df_correction)
        if back is not None:
            V_naive = back @ V_naive @ back.T
        vcov_type = (f"robust (clustered on {cluster}, {n_clusters} clusters"
                     + (", times G/(G-1))" if cluster_df_correction else ")"))
    if back is not None:
        theta, V = back @ theta, back @ V @ back.T
        V = (V + V.T) / 2
        U = U @ np.linalg.inv(back)  # scores with respect to b: dl/db = dl/dg @ inv(to_b)
    if cluster is None:
        V_naive = V
    return theta, V, V_naive, U, vcov_type, n_clusters
