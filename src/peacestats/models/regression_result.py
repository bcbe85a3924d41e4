"""The result of a regression (:func:`~peacestats.models.regression.logit`, ``probit``,
``poisson``, ``negbin``, ``ols``): :class:`RegressionResult`, and :func:`make_result`,
which the engines (:mod:`peacestats.models.engines`) call to build it from a model
frame, the estimates and the covariance pieces (:mod:`peacestats.models.vcov`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from . import frame as _frame
from . import vcov as _vcov
from .results import ModelResult

__all__ = ["RegressionResult", "make_result"]


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
    model_frame: pd.DataFrame | None = None
    variables: list[str] = field(default_factory=list)
    offset_name: str | None = None
    offset_values: np.ndarray | None = None
    fe_names: list[str] = field(default_factory=list)
    fe_effects: dict[str, pd.Series] = field(default_factory=dict)
    cluster_name: str | None = None
    cluster_codes: np.ndarray | None = None
    _pieces: _vcov.VcovPieces | None = None
    _design: Any = field(default=None, repr=False)  # the model frame's Design: builds design_info on first use

    @property
    def design_info(self) -> Any:
        """patsy's ``DesignInfo`` of the formula (for ``predict`` and ``simulate_qoi``), built on first use."""
        return self._design.info() if self._design is not None else None

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
        if self._pieces is None:
            raise SpecificationError("this result keeps no fit pieces to recompute the variance from: fit it again")
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
            if self.model_frame is None:
                raise SpecificationError("predict: give newdata (this result keeps no model frame)")
            newdata = self.model_frame
            if offset is None and self.offset_values is not None and self.offset_name is None:
                offset = self.offset_values
        X, extra = self._design_for(newdata, offset)
        eta = X @ self.params.to_numpy() + extra
        out = eta if type == "link" else self._inverse_link(eta)
        return pd.Series(out, index=newdata.index, name="fit" if type == "link" else "predicted")


def make_result(d: _frame.Design, params, V, flavour, codes, G, factor, pieces, fam, model, formula, *,
                 loglik, df_model, mu, extra, options, dist="normal", df_resid=None) -> RegressionResult:
    idx = pd.Index(d.columns)
    y, rows = d.response(), d.rows()
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
    n_dropped = d.n_input - len(y)
    return RegressionResult(
        params=pd.Series(params, index=idx, name="estimate"),
        vcov=pd.DataFrame(V, index=idx, columns=idx),
        vcov_type=_vcov.label(flavour, d.cluster_name, G, lm, factor),
        nobs=len(y),
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
            "n_used": len(y),
            "n_dropped": n_dropped,
            "dropped_by_column": dict(d.dropped_by),
            "outcome": d.y_name,
            "columns": list(rows.columns),
            "source": rows.attrs.get("source"),  # the lineage read_table recorded (peacestats.lineage)
        },
        citations=tuple(citations),
        family="gaussian" if lm else fam.name,
        link="identity" if lm else fam.link,
        fitted=pd.Series(mu, index=rows.index, name="fitted"),
        n_dropped=n_dropped,
        dropped_by=dict(d.dropped_by),
        _design=d,
        model_frame=d.frame,
        variables=d.variables,
        offset_name=d.offset_name,
        offset_values=d.offset,
        cluster_name=d.cluster_name,
        cluster_codes=codes,
        _pieces=pieces,
        **extra,
    )
