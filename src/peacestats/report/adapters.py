"""One adapter layer: any fitted model -> tidy rows plus glance statistics.

:func:`regtable`, :func:`coefplot` and :func:`forest_plot` read a model through a
small surface: ``tidy(conf_level, exponentiate)``, ``glance()``, ``model``,
``outcome``, ``exponentiate``, ``exp_label``, ``vcov_type``, ``nobs``, ``n_events``,
``n_clusters``. peacestats results (:class:`~peacestats.models.results.ModelResult`)
have it; :func:`adapt` wraps everything else in a :class:`TidyResult` that has it too:

statsmodels results
    OLS/WLS, GLM, Logit, Probit, Poisson, NegativeBinomial, PHReg (anything with
    ``params``, ``bse`` and ``model``): estimates, SEs, statistics and p-values as
    statsmodels reports them, the t distribution where statsmodels uses it.
lifelines fitters
    ``CoxPHFitter`` and the other regression fitters with a ``summary`` table.
objects with a ``tidy()`` method returning a DataFrame
    e.g. pyfixest's ``Feols`` (duck typed: pyfixest is not a dependency); its column
    names (``Estimate``, ``Std. Error``, ``t value``, ``Pr(>|t|)``, ``2.5%``, ``97.5%``)
    are understood.
a tidy DataFrame
    Columns ``term``, ``estimate``, ``std_error`` (optionally ``statistic``,
    ``p_value``, ``conf_low``, ``conf_high``); :func:`tidy_result` adds a model name,
    an outcome and fit statistics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..models._dist import reference
from ..errors import SpecificationError

__all__ = ["TidyResult", "tidy_result", "adapt"]

#: Column names other libraries use -> the tidy names.
_ALIASES = {
    "Coefficient": "term", "covariate": "term", "variable": "term", "name": "term",
    "Estimate": "estimate", "coef": "estimate", "Coef.": "estimate",
    "Std. Error": "std_error", "std.error": "std_error", "se(coef)": "std_error", "Std.Err.": "std_error",
    "se": "std_error",
    "t value": "statistic", "z value": "statistic", "z": "statistic", "t": "statistic",
    "Pr(>|t|)": "p_value", "Pr(>|z|)": "p_value", "p.value": "p_value", "p": "p_value", "P>|z|": "p_value",
    "P>|t|": "p_value",
    "2.5%": "conf_low", "97.5%": "conf_high", "conf.low": "conf_low", "conf.high": "conf_high",
}
_REQUIRED = ("term", "estimate", "std_error")


@dataclass
class TidyResult:
    """A fitted model given as tidy rows and fit statistics (what :func:`adapt` returns).

    Attributes
    ----------
    table : pandas.DataFrame
        ``term``, ``estimate``, ``std_error`` and optionally ``statistic``, ``p_value``,
        ``conf_low``, ``conf_high`` (the limits at ``table_conf_level``).
    model : str
        The estimator's name shown in tables ("OLS", "Cox PH (lifelines)").
    outcome : str
        The dependent variable.
    stats : dict
        Fit statistics under the keys of ``ModelResult.glance()`` (``n``, ``n_events``,
        ``n_clusters``, ``loglik``, ``aic``, ``bic``, ``r2``, ...).
    exponentiate, exp_label
        Whether the coefficients are usually shown exponentiated, and as what ("OR").
    vcov_type : str
        What the standard errors are.
    df_resid : float or None
        Residual degrees of freedom: intervals and missing p-values use the t
        distribution when given, else the normal.
    table_conf_level : float
        Level of the given ``conf_low``/``conf_high``; another level is computed from the SEs.
    """

    table: pd.DataFrame
    model: str = ""
    outcome: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    exponentiate: bool = False
    exp_label: str = "exp(b)"
    vcov_type: str = "as reported"
    df_resid: float | None = None
    table_conf_level: float = 0.95

    @property
    def nobs(self):
        return self.stats.get("n")

    @property
    def n_events(self):
        return self.stats.get("n_events")

    @property
    def n_clusters(self):
        return self.stats.get("n_clusters")

    def _ref(self):
        return reference(self.df_resid)

    def tidy(self, conf_level: float = 0.95, exponentiate: bool | None = None) -> pd.DataFrame:
        """``term, estimate, std_error, statistic, p_value, conf_low, conf_high`` (+ ``exp_*``)."""
        t = self.table
        est = t["estimate"].astype(float).to_numpy()
        se = t["std_error"].astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            z = t["statistic"].astype(float).to_numpy() if "statistic" in t else est / se
        ref = self._ref()
        p = t["p_value"].astype(float).to_numpy() if "p_value" in t else 2 * ref.sf(np.abs(z))
        if {"conf_low", "conf_high"} <= set(t) and math.isclose(conf_level, self.table_conf_level):
            lo, hi = t["conf_low"].astype(float).to_numpy(), t["conf_high"].astype(float).to_numpy()
        else:
            q = ref.ppf(0.5 + conf_level / 2)
            lo, hi = est - q * se, est + q * se
        out = pd.DataFrame({"term": t["term"].astype(str).to_numpy(), "estimate": est, "std_error": se,
                            "statistic": z, "p_value": p, "conf_low": lo, "conf_high": hi})
        if self.exponentiate if exponentiate is None else exponentiate:
            for c in ("estimate", "conf_low", "conf_high"):
                out[f"exp_{c}"] = np.exp(out[c])
        return out

    def glance(self) -> pd.DataFrame:
        """One row: ``model`` and the fit statistics."""
        return pd.DataFrame([{"model": self.model, **self.stats, "vcov_type": self.vcov_type}])


def tidy_result(table: pd.DataFrame, *, model: str = "", outcome: str = "",
                stats: Mapping[str, Any] | None = None, exponentiate: bool = False, exp_label: str = "exp(b)",
                vcov_type: str = "as reported", df_resid: float | None = None,
                conf_level: float = 0.95) -> TidyResult:
    """A tidy coefficient table as a model :func:`~peacestats.report.regtable` and ``coefplot`` accept.

    Parameters
    ----------
    table
        Columns ``term``, ``estimate``, ``std_error`` (or the index as the terms);
        optionally ``statistic``, ``p_value``, ``conf_low``, ``conf_high``. R's broom
        names (``std.error``, ``p.value``, ``conf.low``) and R's/statsmodels' printed
        names (``Std. Error``, ``Pr(>|z|)``, ``2.5%``) are understood.
    model, outcome
        Shown in the table's header rows.
    stats
        Fit statistics by ``glance()`` key: ``{"n": 155, "n_events": 83, "loglik": -362.3}``.
    exponentiate, exp_label
        The model's convention for ``exponentiate="auto"`` and the name of exp(b).
    vcov_type
        What the standard errors are (goes into the table's note).
    df_resid
        Residual degrees of freedom for t-based intervals and p-values (normal when None).
    conf_level
        Level of the given ``conf_low``/``conf_high``.

    Returns
    -------
    TidyResult

    Raises
    ------
    SpecificationError
        When ``term``, ``estimate`` or ``std_error`` is missing.
    """
    t = table.copy()
    if "term" not in t.columns and not any(_ALIASES.get(c) == "term" for c in t.columns):
        t = t.rename_axis("term").reset_index()
    t = t.rename(columns={c: _ALIASES[c] for c in t.columns if c in _ALIASES and _ALIASES[c] not in t.columns})
    missing = [c for c in _REQUIRED if c not in t.columns]
    if missing:
        raise SpecificationError(
            f"a tidy coefficient table needs columns {list(_REQUIRED)}; {missing} missing "
            f"(columns: {list(table.columns)})")
    return TidyResult(t.reset_index(drop=True), model=model, outcome=outcome, stats=dict(stats or {}),
                      exponentiate=exponentiate, exp_label=exp_label, vcov_type=vcov_type, df_resid=df_resid,
                      table_conf_level=conf_level)


# ======================================================================= statsmodels
_SM_EXP = {"Logit": "OR", "Poisson": "IRR", "NegativeBinomial": "IRR", "PHReg": "HR", "GeneralizedPoisson": "IRR"}


def _sm_name_and_exp(res) -> tuple[str, str | None]:
    mod = res.model
    cls = type(mod).__name__
    if cls == "GLM":
        fam, link = type(mod.family).__name__, type(mod.family.link).__name__
        exp = ("OR" if fam == "Binomial" and link == "Logit" else
               "IRR" if fam in ("Poisson", "NegativeBinomial") and link == "Log" else None)
        return f"GLM ({fam}, {link.lower()} link)", exp
    if cls == "PHReg":
        return "Cox PH (statsmodels)", "HR"
    return cls, _SM_EXP.get(cls)


def _sm_vcov(res) -> tuple[str, int | None]:
    cov = getattr(res, "cov_type", "nonrobust")
    if cov == "nonrobust":
        return "model", None
    groups = (getattr(res, "cov_kwds", None) or {}).get("groups")
    n = int(pd.Series(np.asarray(groups).ravel()).nunique()) if groups is not None and np.ndim(groups) == 1 else None
    return (f"{cov} (statsmodels)", n)


def _statsmodels(res) -> TidyResult:
    names = list(getattr(res.model, "exog_names", None) or range(len(np.atleast_1d(res.params))))
    table = pd.DataFrame({"term": [str(n) for n in names], "estimate": np.asarray(res.params, dtype=float),
                          "std_error": np.asarray(res.bse, dtype=float)})
    for col, attr in (("statistic", "tvalues"), ("p_value", "pvalues")):
        v = getattr(res, attr, None)
        if v is not None:
            table[col] = np.asarray(v, dtype=float)
    name, exp = _sm_name_and_exp(res)
    vcov, n_clusters = _sm_vcov(res)
    st: dict[str, Any] = {"n": int(res.nobs) if hasattr(res, "nobs") else int(res.model.exog.shape[0])}
    if type(res.model).__name__ == "PHReg":
        st["n_events"] = int(np.asarray(res.model.status).sum())
    st["n_clusters"] = n_clusters
    st["loglik"] = float(res.llf)
    k = len(names) + (type(res.model).__name__ in ("OLS", "WLS", "GLS"))  # R's AIC(lm) counts sigma
    st["aic"] = -2 * st["loglik"] + 2 * k
    st["bic"] = -2 * st["loglik"] + np.log(st.get("n_events") or st["n"]) * k
    for key, attr in (("r2", "rsquared"), ("adj_r2", "rsquared_adj"), ("pseudo_r2", "prsquared")):
        if hasattr(res, attr):
            st[key] = float(getattr(res, attr))
    use_t = bool(getattr(res, "use_t", False))
    return TidyResult(table, model=name, outcome=str(getattr(res.model, "endog_names", "") or ""), stats=st,
                      exponentiate=exp is not None, exp_label=exp or "exp(b)", vcov_type=vcov,
                      df_resid=float(res.df_resid) if use_t else None)


# ======================================================================= lifelines
def _attr(obj, name: str) -> Any:
    """``getattr(obj, name, None)``: an attribute a fitter may lack."""
    return getattr(obj, name, None)


def _lifelines(fitter) -> TidyResult:
    s = fitter.summary
    if isinstance(s.index, pd.MultiIndex):  # parametric fitters: (parameter, covariate)
        terms = [f"{a}: {b}" for a, b in s.index]
    else:
        terms = [str(x) for x in s.index]
    table = pd.DataFrame({"term": terms, "estimate": s["coef"].to_numpy(float),
                          "std_error": s["se(coef)"].to_numpy(float), "statistic": s["z"].to_numpy(float),
                          "p_value": s["p"].to_numpy(float)})
    cls = type(fitter).__name__
    is_cox = cls.startswith("CoxPH") or cls == "CoxTimeVaryingFitter"
    name = "Cox PH (lifelines)" if is_cox else f"{cls.removesuffix('Fitter')} (lifelines)"
    events = getattr(fitter, "event_observed", None)
    st = {"n": int(getattr(fitter, "_n_examples", len(events) if events is not None else 0)),
          "n_events": int(np.asarray(events).sum()) if events is not None else None,
          "loglik": float(fitter.log_likelihood_),
          "aic": float(_attr(fitter, "AIC_partial_") or getattr(fitter, "AIC_", np.nan)),
          "concordance": float(getattr(fitter, "concordance_index_", np.nan))}
    robust = bool(getattr(fitter, "robust", False)) or getattr(fitter, "cluster_col", None) is not None
    cluster = getattr(fitter, "cluster_col", None)
    vcov = ("robust (lifelines)" + (f", clustered on {cluster}" if cluster else "")) if robust else "model"
    return TidyResult(table, model=name, outcome=str(getattr(fitter, "event_col", "") or ""), stats=st,
                      exponentiate=is_cox, exp_label="HR" if is_cox else "exp(b)", vcov_type=vcov)


# ======================================================================= duck typing
def _duck(obj) -> TidyResult:
    t = obj.tidy()
    if not isinstance(t, pd.DataFrame):
        raise SpecificationError(f"{type(obj).__name__}.tidy() returned a {type(t).__name__}, not a DataFrame")
    st = {"n": getattr(obj, "_N", None) or getattr(obj, "nobs", None), "r2": getattr(obj, "_r2", None)}
    st = {k: v for k, v in st.items() if v is not None}
    return tidy_result(t, model=type(obj).__name__, outcome=str(getattr(obj, "_depvar", "") or ""), stats=st,
                       vcov_type=str(getattr(obj, "_vcov_type_detail", None) or getattr(obj, "_vcov_type", None)
                                     or "as reported"))


def adapt(obj):
    """A peacestats result as is; anything else supported as a :class:`TidyResult`.

    Raises
    ------
    SpecificationError
        For an object none of the adapters understands.
    """
    from ..models.results import ModelResult

    if isinstance(obj, (ModelResult, TidyResult)):
        return obj
    if isinstance(obj, pd.DataFrame):
        return tidy_result(obj, **{k: v for k, v in obj.attrs.items()
                                   if k in ("model", "outcome", "stats", "exponentiate", "exp_label", "vcov_type")})
    module = type(obj).__module__ or ""
    if module.startswith("statsmodels") and hasattr(obj, "params") and hasattr(obj, "bse"):
        return _statsmodels(obj)
    if module.startswith("lifelines") and hasattr(obj, "summary"):
        return _lifelines(obj)
    if callable(getattr(obj, "tidy", None)):
        return _duck(obj)
    raise SpecificationError(
        f"a {type(obj).__name__} is not a fitted peacestats model (a subclass of "
        "peacestats.models.results.ModelResult) nor a supported result: statsmodels and lifelines results, "
        "objects with a tidy() method (pyfixest) and tidy DataFrames (term, estimate, std_error) are")
