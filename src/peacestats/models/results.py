"""The shared result surface of every fitted model.

Every estimator in :mod:`peacestats.models` returns a subclass of
:class:`ModelResult`, so that Cox, Weibull, logit and negative binomial fits
are read the same way:

``tidy()``
    One row per term: ``term, estimate, std_error, statistic, p_value,
    conf_low, conf_high`` (and ``exp_estimate, exp_conf_low, exp_conf_high``
    for models whose coefficients are usually exponentiated).
``glance()``
    One row about the fit: ``n`` (rows), ``n_events``, ``n_clusters``,
    ``loglik``, ``aic``, ``bic`` and model-specific statistics.
``summary()``
    A plain-text table (what ``print(result)`` shows).
``_repr_html_()``
    The same as an HTML table in JupyterLab.
``plot(ax=None)``
    A coefficient plot with confidence intervals; returns the axes.
``provenance``
    A dict: the model, formula, options, data description and package versions.

Subclasses set the fitted attributes in their constructor and may override
``_glance_extra``, ``_title`` and ``_bic_n`` (the n of BIC: events for Cox models).

``data_info`` holds the same keys for every model (:data:`DATA_INFO_KEYS`):
``n_input_rows`` (rows given), ``n_used`` (rows in the fit), ``n_dropped`` (rows
dropped for missing values), ``outcome`` (what :attr:`ModelResult.outcome` and the
tables show: the formula's left-hand side or the event column) and ``columns`` (data
columns the model uses); a model adds its own (``dropped_by_column``, ``n_truncated``).

Tests (the likelihood-ratio, Wald and score tests of a Cox model, the terms and
global test of ``cox.zph``, the log-rank test) are :class:`TestResult`: ``statistic``,
``df``, ``p_value`` with ``tidy()``/``glance()``/``summary()``; they still unpack and
index as the ``(statistic, df, p)`` tuples they used to be.
"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._dist import reference

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]

#: Keys of ``data_info`` that every model records.
DATA_INFO_KEYS = ("n_input_rows", "n_used", "n_dropped", "outcome", "columns")


def provenance_record(model: str, options: dict, data_info: dict, citations, **extra) -> dict[str, Any]:
    """The ``provenance`` dict of any result: model, options, data description, versions, citations.

    ``datasets`` lists the datasets behind the data when it came from
    :func:`peacestats.build.read_table` (``data_info["source"]``, :mod:`peacestats.lineage`).
    """
    from ..lineage import datasets_in

    out: dict[str, Any] = {"model": model, **extra}
    out.update({"options": dict(options), "data": dict(data_info), "versions": package_versions(),
                "citations": list(citations), "datasets": datasets_in(data_info)})
    return out


@dataclass(frozen=True)
class TestResult:
    """A test statistic with its degrees of freedom and p-value (chi-square unless said otherwise).

    Unpacks and indexes as ``(statistic, df, p_value)``, the tuples that tests used to be.
    """

    __test__ = False  # not a pytest test class

    statistic: float
    df: float
    p_value: float
    test: str = ""
    distribution: str = "chi-square"

    def __iter__(self):
        return iter((self.statistic, self.df, self.p_value))

    def __getitem__(self, i):
        return (self.statistic, self.df, self.p_value)[i]

    def __len__(self) -> int:
        return 3

    def tidy(self) -> pd.DataFrame:
        """One row: ``test, statistic, df, p_value``."""
        return pd.DataFrame([{"test": self.test, "statistic": self.statistic, "df": self.df,
                              "p_value": self.p_value}])

    def glance(self) -> pd.DataFrame:
        """The same row as :meth:`tidy` (a test is its own summary), plus the reference distribution."""
        out = self.tidy()
        out["distribution"] = self.distribution
        return out

    def summary(self) -> str:
        name = f"{self.test}: " if self.test else ""
        return f"{name}{self.distribution} = {self.statistic:.4g} on {self.df:g} df, p = {self.p_value:.4g}"

    def __str__(self) -> str:
        return self.summary()


def package_versions() -> dict[str, str]:
    """Versions of peacestats and the numerical libraries, for provenance records."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("peacestats", "numpy", "scipy", "pandas", "statsmodels", "lifelines"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover
            out[pkg] = "not installed"
    return out


def formula_outcome(formula: str | None, options: dict | None = None) -> str:
    """The outcome named by a formula (its left-hand side) or, without one, the ``event`` option."""
    formula = formula or ""
    if "~" in formula:
        lhs = formula.split("~", 1)[0].strip()
        if lhs:
            return lhs
    opts = options or {}
    return str(opts["event"]) if opts.get("event") else ""


@dataclass
class ModelResult:
    """Base class of fitted models.

    Attributes
    ----------
    params : pandas.Series
        Coefficients, indexed by term.
    vcov : pandas.DataFrame
        The covariance matrix used for inference (``vcov_type`` says which).
    vcov_type : str
        E.g. ``"model"``, ``"robust (Lin-Wei, clustered on cluster)"``, ``"CR1"``, ``"HC0"``.
    nobs : int
        Rows used in the fit.
    loglik : float
        Log-likelihood (partial log-likelihood for Cox models).
    df_model : int
        Number of estimated parameters counted by AIC.
    model : str
        A short name ("Cox PH", "Weibull PH", "Logit", "Negative binomial (NB2)").
    formula : str
        The formula (or term list) the user gave.
    exponentiate : bool
        Whether ``tidy()`` adds exponentiated columns (hazard, odds, incidence-rate ratios).
    exp_label : str
        What an exponentiated coefficient is called ("HR", "OR", "IRR", "TR").
    citations : tuple of str
        Method names for :func:`peacestats.citations.cite`.
    """

    params: pd.Series
    vcov: pd.DataFrame
    vcov_type: str
    nobs: int
    loglik: float
    df_model: int
    model: str
    formula: str = ""
    exponentiate: bool = False
    exp_label: str = "exp(b)"
    n_events: int | None = None
    n_clusters: int | None = None
    n_groups: int | None = None  # spells, subjects
    dist: str = "normal"  # reference distribution for tests: "normal" or "t"
    df_resid: float | None = None
    converged: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    data_info: dict[str, Any] = field(default_factory=dict)
    citations: tuple[str, ...] = ()

    # ------------------------------------------------------------------ core numbers
    @property
    def std_errors(self) -> pd.Series:
        """Standard errors from the diagonal of ``vcov``."""
        return pd.Series(np.sqrt(np.diag(self.vcov.to_numpy())), index=self.params.index)

    @property
    def aic(self) -> float:
        return float(-2 * self.loglik + 2 * self.df_model)

    def _bic_n(self) -> int:
        """The n of BIC: rows (Cox models count events)."""
        return self.nobs

    @property
    def bic(self) -> float:
        return float(-2 * self.loglik + np.log(self._bic_n()) * self.df_model)

    @property
    def outcome(self) -> str:
        """The outcome: ``data_info["outcome"]``, else the formula's left-hand side, else the event column."""
        v = (self.data_info or {}).get("outcome")
        if isinstance(v, str) and v:
            return v
        return formula_outcome(self.formula, self.options)

    def _ref(self):
        return reference(self.df_resid if self.dist == "t" else None)

    def tidy(self, conf_level: float = 0.95, exponentiate: bool | None = None) -> pd.DataFrame:
        """One row per term.

        Parameters
        ----------
        conf_level
            Confidence level of ``conf_low``/``conf_high``.
        exponentiate
            Add ``exp_estimate``, ``exp_conf_low``, ``exp_conf_high`` (hazard, odds or
            rate ratios). Defaults to the model's convention.
        """
        est = self.params.astype(float)
        se = self.std_errors
        z = est / se
        ref = self._ref()
        p = 2 * ref.sf(np.abs(z))
        q = ref.ppf(0.5 + conf_level / 2)
        out = pd.DataFrame(
            {
                "term": est.index.astype(str),
                "estimate": est.to_numpy(),
                "std_error": se.to_numpy(),
                "statistic": z.to_numpy(),
                "p_value": p,
                "conf_low": (est - q * se).to_numpy(),
                "conf_high": (est + q * se).to_numpy(),
            }
        )
        if self.exponentiate if exponentiate is None else exponentiate:
            out["exp_estimate"] = np.exp(out["estimate"])
            out["exp_conf_low"] = np.exp(out["conf_low"])
            out["exp_conf_high"] = np.exp(out["conf_high"])
        return out

    def _glance_extra(self) -> dict[str, Any]:
        return {}

    def glance(self) -> pd.DataFrame:
        """One row about the whole fit."""
        row: dict[str, Any] = {
            "model": self.model,
            "n": self.nobs,
            "n_groups": self.n_groups,
            "n_events": self.n_events,
            "n_clusters": self.n_clusters,
            "loglik": self.loglik,
            "aic": self.aic,
            "bic": self.bic,
            "vcov_type": self.vcov_type,
            "converged": self.converged,
        }
        row.update(self._glance_extra())
        return pd.DataFrame([row])

    @property
    def datasets(self) -> list[str]:
        """Keys of the datasets behind the data, when it came from :func:`peacestats.build.read_table`."""
        from ..lineage import datasets_in

        return datasets_in(self.data_info)

    @property
    def provenance(self) -> dict[str, Any]:
        """What produced this result: model, formula, options, data (``datasets``) and package versions."""
        return provenance_record(self.model, self.options, self.data_info, self.citations,
                                 formula=self.formula, vcov_type=self.vcov_type)

    # ------------------------------------------------------------------ display
    def _title(self) -> str:
        return f"{self.model}: {self.formula}" if self.formula else self.model

    def _display_table(self, conf_level: float = 0.95) -> pd.DataFrame:
        t = self.tidy(conf_level).set_index("term")
        cols = ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
        names = ["coef", "se", "z" if self.dist == "normal" else "t", "p", "lower", "upper"]
        if "exp_estimate" in t:
            cols.insert(1, "exp_estimate")
            names.insert(1, self.exp_label)
        out = t[cols]
        out.columns = names
        return out

    def _glance_lines(self) -> list[str]:
        g = self.glance().iloc[0]
        parts = [f"n = {g['n']}"]
        for key, label in (("n_groups", "spells"), ("n_events", "events"), ("n_clusters", "clusters")):
            if g.get(key) is not None and not pd.isna(g.get(key)):
                parts.append(f"{label} = {int(g[key])}")
        parts.append(f"log-likelihood = {g['loglik']:.4f}")
        parts.append(f"AIC = {g['aic']:.2f}")
        return [", ".join(parts), f"Standard errors: {self.vcov_type}"]

    def summary(self, conf_level: float = 0.95) -> str:
        """A plain-text summary: title, coefficient table, fit statistics."""
        table = self._display_table(conf_level).to_string(float_format=lambda v: f"{v:.4f}")
        return "\n".join([self._title(), "", table, "", *self._glance_lines()])

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self._display_table().to_html(float_format=lambda v: f"{v:.4f}", border=0)
        foot = "<br>".join(html.escape(s) for s in self._glance_lines())
        return f"<div><strong>{html.escape(self._title())}</strong>{table}<p>{foot}</p></div>"

    def plot(self, ax=None, exponentiate: bool | None = None, conf_level: float = 0.95, labels=None):
        """Coefficient plot with confidence intervals; returns the matplotlib axes.

        ``labels`` maps terms to the names shown (``{"pk_dum": "Peacekeeping"}``). A new
        figure has constrained layout (a plain ``savefig`` clips nothing); an
        exponentiated plot has a log axis with plain-decimal ticks (0.5, 1, 2).
        """
        t = self.tidy(conf_level, exponentiate=exponentiate)
        use_exp = "exp_estimate" in t
        pct = int(conf_level * 100)
        return self._plot_intervals(t, ax, f"{self.exp_label} ({pct}% CI)" if use_exp else f"Coefficient ({pct}% CI)",
                                    self.model, figsize=(6, 0.5 + 0.4 * len(t)), labels=labels)

    @staticmethod
    def _plot_intervals(t: pd.DataFrame, ax, xlabel: str, title: str, figsize, labels=None):
        """Draw a ``tidy()`` table (exponentiated when it has ``exp_estimate``) with the report's interval routine."""
        from ..report._common import interval_plot, new_axes, relabel

        use_exp = "exp_estimate" in t
        pre = "exp_" if use_exp else ""
        y = np.arange(len(t))[::-1]
        df = pd.DataFrame({"y": y, "estimate": t[pre + "estimate"].to_numpy(),
                           "conf_low": t[pre + "conf_low"].to_numpy(), "conf_high": t[pre + "conf_high"].to_numpy()})
        names = relabel(t["term"], labels)
        if ax is None:
            ax = new_axes(figsize, names, title)
        interval_plot(ax, df, exp=use_exp, line_kw=dict(color="black", linewidth=1.3),
                      point_kw=dict(color="black", s=40, legend=False))
        ax.set_yticks(y, names)
        ax.set_ylabel("")
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        return ax
