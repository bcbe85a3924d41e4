"""The Cox proportional hazards model on counting-process data, equal to R's ``survival::coxph``.

:func:`coxph` fits ``coxph(Surv(start, stop, event) ~ x, ties = "efron" | "breslow",
cluster = g, strata(s), weights = w)`` and returns a :class:`CoxResult` with hazard
ratios, model and cluster-robust (Lin-Wei) standard errors, the likelihood-ratio,
Wald and score tests, Harrell's concordance as R computes it, residuals, predicted
survival curves for covariate profiles (R's ``survfit(fit, newdata = ...)``) and the
proportional-hazards test (:meth:`CoxResult.zph`, R's ``cox.zph``).

Conventions (all as R's ``survival`` 3.x):

* Risk set: at an event time *t*, a row is at risk when ``start < t <= stop`` (and it
  is in the event's stratum). A row that *enters* at *t* is not at risk at *t*.
  statsmodels' ``PHReg`` counts such rows as at risk, so its estimates drift from R's
  on split spells (one of the reasons this module exists); lifelines has no
  cluster-robust variance for (start, stop] data and no R-style ``cox.zph``.
* Ties: ``"efron"`` (R's default) or ``"breslow"`` (Stata's default). Without tied
  event times the two agree.
* Case weights multiply each row's contribution; with non-integer weights R switches
  to the robust variance automatically, and so do we (``robust=None``).
* Times are compared exactly: R's ``timefix`` (merging times that differ only by
  floating-point rounding) is not applied, which makes no difference for the integer
  days or months of conflict data.
* ``cluster=`` gives the Lin & Wei (1989) sandwich ``I^-1 (sum_g U_g U_g') I^-1`` with
  no small-sample factor, as ``coxph(..., cluster = g)`` reports;
  ``cluster_df_correction=True`` multiplies it by ``G / (G - 1)`` (Stata's
  ``vce(cluster)``). ``robust=True`` without ``cluster`` clusters on ``id=`` when given,
  else treats each row as its own cluster (right-censored data), as R does.

How it is computed (see ``shared/design/methods.md``): each row is binned once
between the (stratum, event time) groups at its entry and its exit; every risk-set
sum is a running sum over the groups of the rows entering minus the rows leaving (one
sparse product for all columns, over the rows at risk at some event time), the
information matrix is one weighted cross-product ``X' diag(r_i * sum of hazard
increments over (start_i, stop_i]) X``, and score residuals use running sums of hazard
and mean-covariate increments. A Newton-Raphson iteration is therefore a handful of
O(n) passes over arrays, with no sorting and no loop over risk sets in Python.

References
----------
Cox, D.R. (1972). Regression models and life-tables. JRSS B 34: 187-220.
Breslow, N. (1974). Covariance analysis of censored survival data. Biometrics 30: 89-99.
Efron, B. (1977). The efficiency of Cox's likelihood function for censored data. JASA 72: 557-565.
Lin, D.Y. & Wei, L.J. (1989). The robust inference for the Cox proportional hazards
model. JASA 84: 1074-1078.
Therneau, T.M. & Grambsch, P.M. (2000). *Modeling Survival Data: Extending the Cox
Model*. Springer.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._dist import chi2_sf
from ..errors import ConvergenceError, SpecificationError
from .cox_curves import CoxCurves
from .cox_steps import (
    _cox_inputs,
    _cox_variance,
    _infinite_terms,
    _robust_clusters,
    _robust_score,
    _survival_terms,
)
from .engines.concordance import concordance as _concordance
from .engines.cox import newton as _newton
from .engines.cox import prepare as _prepare
from .engines.cox import quad_test as _quad_test
from .results import ModelResult, TestResult, formula_outcome

__all__ = ["coxph", "CoxResult"]


# ============================================================================ result
@dataclass(repr=False)
class CoxResult(ModelResult, CoxCurves):
    """A fitted Cox model (see :func:`coxph`).

    Beyond :class:`~peacestats.models.results.ModelResult`:

    Attributes
    ----------
    vcov_model : pandas.DataFrame
        Inverse information matrix (R's ``fit$naive.var`` when robust, else ``fit$var``).
    vcov_robust : pandas.DataFrame or None
        The Lin-Wei sandwich (R's ``fit$var`` when robust), times G/(G-1) if asked.
    loglik_null : float
        Log partial likelihood at beta = 0.
    ties, strata, cluster, id : str / list / None
        Options of the fit.
    n_dropped : int
        Rows dropped for missing values (R's ``na.omit``).
    iterations : int
        Newton-Raphson iterations used.
    """

    vcov_model: pd.DataFrame | None = None
    vcov_robust: pd.DataFrame | None = None
    loglik_null: float = float("nan")
    score_test: float = float("nan")
    ties: str = "efron"
    strata: list[str] = field(default_factory=list)
    cluster: str | None = None
    id: str | None = None
    n_dropped: int = 0
    iterations: int = 0
    _state: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"<CoxResult {self.formula!r}: n={self.nobs}, events={self.n_events}, {self.vcov_type}>"

    def tidy(self, conf_level: float = 0.95, exponentiate: bool | None = None) -> pd.DataFrame:
        """One row per term with hazard ratios (``exp_estimate``) and their interval; see the base class."""
        with np.errstate(over="ignore"):  # a separated term's interval may overflow to inf
            return super().tidy(conf_level, exponentiate)

    # ------------------------------------------------------------------ tests
    @property
    def lr_test(self) -> TestResult:
        """Likelihood-ratio test of all coefficients (unpacks as ``(statistic, df, p)``)."""
        s = 2 * (self.loglik - self.loglik_null)
        return TestResult(s, self.df_model, float(chi2_sf(s, self.df_model)), "likelihood ratio")

    @property
    def wald_test(self) -> TestResult:
        """Wald test of all coefficients with ``vcov`` (robust when robust) (unpacks as ``(statistic, df, p)``)."""
        s = _quad_test(self.vcov.to_numpy(), self.params.to_numpy())
        return TestResult(s, self.df_model, float(chi2_sf(s, self.df_model)), "Wald")

    @property
    def logrank_test(self) -> TestResult:
        """Score (log-rank) test at beta = 0 with the model information (unpacks as ``(statistic, df, p)``)."""
        return TestResult(self.score_test, self.df_model, float(chi2_sf(self.score_test, self.df_model)),
                          "score (log-rank)")

    @property
    def robust_score_test(self) -> float | None:
        """The robust (clustered) score test at the start (R's ``fit$rscore``); ``None`` without a robust variance."""
        st = self._state
        if "robust_score" not in st:
            st["robust_score"] = (_robust_score(st["cd"], st["ev0"], st["cd"].w, st["cluster_codes"], self.n_clusters)
                                  if self.vcov_robust is not None else None)
        return st["robust_score"]

    def _bic_n(self) -> int:
        """Cox models count events in BIC (as R's ``BIC(coxph)``)."""
        return self.n_events if self.n_events else self.nobs

    def _concordance(self):
        st = self._state
        if "concordance" not in st:
            lp = st["cd"].X @ self.params.to_numpy()
            st["concordance"] = _concordance(st["cd"], lp, st.get("cluster_codes"))
        return st["concordance"]

    @property
    def concordance(self) -> float:
        """Harrell's C as R's ``summary(coxph)`` prints it (pairs tied on the predictor count 1/2)."""
        return self._concordance()[0]

    @property
    def concordance_se(self) -> float:
        """R's (infinitesimal-jackknife) standard error of the concordance; clustered when the fit is."""
        return self._concordance()[1]

    def _glance_extra(self) -> dict[str, Any]:
        lr, wald, sc = self.lr_test, self.wald_test, self.logrank_test
        out = {
            "loglik_null": self.loglik_null,
            "concordance": self.concordance,
            "concordance_se": self.concordance_se,
            "lr_stat": lr[0], "lr_df": lr[1], "lr_p": lr[2],
            "wald_stat": wald[0], "wald_df": wald[1], "wald_p": wald[2],
            "score_stat": sc[0], "score_df": sc[1], "score_p": sc[2],
            "robust_score_stat": self.robust_score_test,
            "robust_score_p": (float(chi2_sf(self.robust_score_test, self.df_model))
                               if self.robust_score_test is not None else None),
            "ties": self.ties,
            "n_dropped": self.n_dropped,
        }
        return out

    # ------------------------------------------------------------------ display
    def _display_table(self, conf_level: float = 0.95) -> pd.DataFrame:
        t = self.tidy(conf_level).set_index("term")
        out = pd.DataFrame(index=t.index)
        out["coef"] = t["estimate"]
        out["HR"] = t["exp_estimate"]
        model_vcov = self.vcov if self.vcov_model is None else self.vcov_model
        out["se(coef)"] = np.sqrt(np.diag(model_vcov.to_numpy()))
        if self.vcov_robust is not None:
            out["robust se"] = t["std_error"]
        out["z"] = t["statistic"]
        out["p"] = t["p_value"]
        pct = f"{conf_level:.0%}"
        out[f"HR lower {pct}"] = t["exp_conf_low"]
        out[f"HR upper {pct}"] = t["exp_conf_high"]
        return out

    def _glance_lines(self) -> list[str]:
        parts = [f"n = {self.nobs}"]
        if self.n_groups is not None:
            parts.append(f"{self.id}s = {self.n_groups}")
        parts.append(f"events = {self.n_events}")
        if self.n_clusters is not None:
            parts.append(f"clusters = {self.n_clusters}")
        lines = [", ".join(parts) + (f"  ({self.n_dropped} rows dropped for missing values)" if self.n_dropped else "")]
        lines.append(f"Ties: {self.ties}. Standard errors: {self.vcov_type}.")
        if self.strata:
            lines.append(f"Stratified by {', '.join(self.strata)}.")
        lines.append(f"Log partial likelihood = {self.loglik:.4f} (null {self.loglik_null:.4f}), AIC = {self.aic:.2f}")
        lines.append(f"Concordance = {self.concordance:.3f} (se = {self.concordance_se:.3f})")
        lr, wd, sc = self.lr_test, self.wald_test, self.logrank_test
        lines.append(f"Likelihood ratio test = {lr[0]:.2f} on {lr[1]} df, p = {lr[2]:.3g}")
        lines.append(f"Wald test             = {wd[0]:.2f} on {wd[1]} df, p = {wd[2]:.3g}")
        sline = f"Score (logrank) test  = {sc[0]:.2f} on {sc[1]} df, p = {sc[2]:.3g}"
        if self.robust_score_test is not None:
            rp = chi2_sf(self.robust_score_test, self.df_model)
            sline += f";  robust = {self.robust_score_test:.2f}, p = {rp:.3g}"
        lines.append(sline)
        if not self.converged:
            lines.append("WARNING: the partial likelihood is monotone in "
                         + ", ".join(self._state.get("infinite_terms", [])) + "; those estimates are not finite.")
        return lines

    def summary(self, conf_level: float = 0.95) -> str:
        """R-style summary: coefficients with hazard ratios, both SEs, fit statistics and tests."""
        table = self._display_table(conf_level).to_string(float_format=lambda v: f"{v:.4g}")
        return "\n".join([self._title(), "", table, "", *self._glance_lines()])

    def _repr_html_(self) -> str:
        table = self._display_table().to_html(float_format=lambda v: f"{v:.4g}", border=0)
        foot = "<br>".join(html.escape(s) for s in self._glance_lines())
        return f"<div><strong>{html.escape(self._title())}</strong>{table}<p>{foot}</p></div>"

    # ------------------------------------------------------------------ quantities of interest
    def risk_reduction(self, term: str, conf_level: float = 0.95) -> pd.DataFrame:
        """``1 - HR`` with its confidence interval (e.g. "peacekeeping cuts the risk of renewed war by 46%").

        Uses ``vcov`` (robust when the fit is). Returns one row: ``term, risk_reduction,
        conf_low, conf_high`` (proportions; the interval is ``1 - exp(CI of b)``).
        """
        t = self.tidy(conf_level).set_index("term")
        if term not in t.index:
            raise SpecificationError(f"no term {term!r} in the model; terms are {list(t.index)}.")
        row = t.loc[term]
        return pd.DataFrame(
            {
                "term": [term],
                "risk_reduction": [1 - row["exp_estimate"]],
                "conf_low": [1 - row["exp_conf_high"]],
                "conf_high": [1 - row["exp_conf_low"]],
                "conf_level": [conf_level],
            }
        )

    # ------------------------------------------------------------------ residuals
    def residuals(self, kind: Literal["score", "martingale", "schoenfeld", "scaledsch", "dfbeta"] = "martingale",
                  weighted: bool = False):
        """Residuals as R's ``residuals(fit, type = kind)`` (unweighted unless ``weighted``; dfbeta weighted).

        ``score``/``dfbeta``: a DataFrame, one row per used data row (index of the data).
        ``martingale``: a Series. ``schoenfeld``/``scaledsch``: a DataFrame with one row
        per event, sorted by stratum and time (column ``time`` gives the event time).
        """
        from .cox_residuals import cox_residuals

        return cox_residuals(self, kind, weighted)

    # ------------------------------------------------------------------ PH test
    def zph(self, transform: str = "km", terms: bool = True):
        """Test of proportional hazards, R's ``cox.zph(fit, transform, terms)``.

        See :func:`peacestats.models.zph.cox_zph`.
        """
        from .zph import cox_zph

        return cox_zph(self, transform=transform, terms=terms)


# ============================================================================ the estimator
def coxph(
    formula: str,
    data: pd.DataFrame,
    *,
    start: str | None = None,
    stop: str | None = None,
    event: str | None = None,
    id: str | None = None,
    cluster: str | None = None,
    strata: str | list[str] | None = None,
    weights: str | None = None,
    ties: Literal["efron", "breslow"] = "efron",
    robust: bool | None = None,
    cluster_df_correction: bool = False,
    tol: float = 1e-12,
    max_iter: int = 50,
    on_separation: Literal["raise", "warn"] = "raise",
) -> CoxResult:
    """Fit a Cox proportional hazards model on (start, stop] data, as R's ``coxph``.

    Parameters
    ----------
    formula
        Right-hand side as a patsy formula (``"pk_dum + victory + C(pkop)"``; no intercept,
        factors keep their first level as reference; ``factor(x)`` works like ``C(x)``), or
        R style ``"Surv(start, stop, event) ~ x1 + x2 + strata(s) + cluster(g)"``.
    data
        One row per interval (spell segment). Rows with a missing value in any used column
        are dropped (R's ``na.omit``); ``n_dropped`` counts them.
    start, stop, event
        Column names: interval entry and exit times and the 0/1 event indicator at
        ``stop``. ``start=None`` means every row enters at time 0 (right-censored data).
    id
        Spell/subject column. Enables checks (no overlapping intervals, an event only on a
        spell's last row), gives ``n_groups``, and is the cluster for ``robust=True``.
    cluster
        Column defining clusters for the Lin-Wei robust variance (R's ``cluster = g``).
    strata
        Column(s): separate baseline hazards (R's ``strata(s)``).
    weights
        Column of case weights (> 0).
    ties
        ``"efron"`` (R's default) or ``"breslow"`` (Stata's default).
    robust
        ``None`` follows R: robust when ``cluster`` is given, when weights are not whole
        numbers, or when an ``id`` has more than one event. ``True`` without ``cluster``
        clusters on ``id``, else each row is its own cluster (right-censored data only,
        as in R).
    cluster_df_correction
        Multiply the robust variance by G/(G-1) (Stata's ``vce(cluster)``); R does not.
    tol
        Convergence: relative change of the log partial likelihood between iterations.
    max_iter
        Newton-Raphson iterations before :class:`~peacestats.errors.ConvergenceError`.
    on_separation
        When a coefficient runs off to infinity (monotone likelihood, e.g. a dummy whose
        every row never fails): ``"raise"`` a ConvergenceError (default) or ``"warn"``
        and return the result flagged ``converged=False``.

    Returns
    -------
    CoxResult

    Raises
    ------
    SpecificationError
        Missing columns, no covariates, collinear covariates, bad weights, one cluster.
    SurvivalDataError
        ``stop <= start``, events not 0/1, no events, overlapping or misplaced events within ``id``.
    ConvergenceError
        No convergence, or (by default) separation.

    Examples
    --------
    >>> from peacestats.sources import fortna_ceasefires
    >>> from peacestats.models.cox import coxph
    >>> d = fortna_ceasefires.load()
    >>> fit = coxph("pk_dum + victory + treaty + wardur + logdead + wartype", d,
    ...             start="st_t0", stop="st_t", event="st_d", cluster="cluster", ties="breslow")
    >>> round(float(fit.params["pk_dum"]), 4)
    -0.6098
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame.")
    if ties not in ("efron", "breslow"):
        raise SpecificationError(f"ties must be 'efron' or 'breslow', not {ties!r} (R's 'exact' is not implemented).")
    if on_separation not in ("raise", "warn"):
        raise SpecificationError("on_separation must be 'raise' or 'warn'.")
    start, stop, event, rhs, strata_cols, cluster = _survival_terms(formula, start, stop, event, cluster, strata)
    inp = _cox_inputs(data, rhs, start, stop, event, id, cluster, weights, strata_cols)
    w, event_v, design = inp.w, inp.event_v, inp.design
    X, names = design.X, design.columns
    robust, cluster_codes, n_clusters, cluster_desc, n_groups = _robust_clusters(
        inp, robust, cluster, id, start, weights, w, event_v)

    cd = _prepare(X, inp.start_v, inp.stop_v, event_v, w, inp.strata_codes, ties == "efron", centred=inp.centred)
    fit = _newton(cd, tol, max_iter, names)
    beta, ev = fit.beta, fit.ev
    converged, infinite_terms = _infinite_terms(fit, names, on_separation)
    if not np.all(np.isfinite(beta)) or not np.isfinite(ev.loglik):
        raise ConvergenceError("Cox model: non-finite estimates; check the covariates for extreme values.")
    V_model, V_robust, vcov_type = _cox_variance(
        cd, fit, w, robust, cluster_codes, n_clusters, cluster_desc, cluster_df_correction)
    score0 = _quad_test(fit.ev0.information(), fit.ev0.U)
    vcov = V_robust if robust else V_model
    idx = pd.Index(names)
    n, n_dropped, used = inp.n, inp.n_dropped, inp.used
    methods = ["coxph", ties]
    if robust:
        methods.append("cluster_robust_cox")
    res = CoxResult(
        params=pd.Series(beta, index=idx, name="estimate"),
        vcov=pd.DataFrame(vcov, index=idx, columns=idx),
        vcov_type=vcov_type,
        nobs=n,
        loglik=float(ev.loglik),
        df_model=len(names),
        model="Cox PH",
        formula=formula,
        exponentiate=True,
        exp_label="HR",
        n_events=len(cd.dr),  # the event rows
        n_clusters=n_clusters,
        n_groups=n_groups,
        converged=converged,
        options=dict(start=start, stop=stop, event=event, id=id, cluster=cluster, strata=strata_cols,
                     weights=weights, ties=ties, robust=bool(robust), cluster_df_correction=cluster_df_correction,
                     tol=tol, max_iter=max_iter),
        data_info=dict(n_input_rows=len(data), n_used=n, n_dropped=n_dropped,
                       outcome=formula_outcome(formula, {"event": event}),
                       columns=[c for c in dict.fromkeys(c for c in used if c is not None)],
                       source=data.attrs.get("source") if hasattr(data, "attrs") else None,
                       # the names these had before data_info was the same across models
                       rows_in=len(data), rows_used=n, rows_dropped_na=n_dropped),
        citations=tuple(methods),
        vcov_model=pd.DataFrame(V_model, index=idx, columns=idx),
        vcov_robust=pd.DataFrame(V_robust, index=idx, columns=idx) if V_robust is not None else None,
        loglik_null=float(fit.ev0.loglik),
        score_test=score0,
        ties=ties,
        strata=strata_cols,
        cluster=cluster,
        id=id,
        n_dropped=n_dropped,
        iterations=fit.iterations,
    )
    res._state.update(cd=cd, ev=ev, ev0=fit.ev0, design=design, index=inp.index, cluster_codes=cluster_codes,
                      strata_labels=inp.strata_labels, rhs_columns=inp.rhs_cols,
                      terms=design.terms, infinite_terms=infinite_terms)
    return res
