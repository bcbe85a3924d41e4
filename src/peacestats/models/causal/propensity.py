"""Propensity scores: the treatment model and its scores, aligned to the data's index."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelError, SeparationError, SpecificationError
from ..result_base import ResultBase
from ..results import ModelResult
from ._checks import _SEPARATION_EPS, _as_binary, _check_unique_index, _logit


@dataclass
class PropensityResult(ResultBase):
    """A fitted treatment model and its scores.

    Attributes
    ----------
    scores : pandas.Series
        P(treated | covariates), indexed like the data passed in; NaN for rows the
        model could not use (a missing treatment or covariate value).
    treatment : pandas.Series
        The 0/1 treatment, indexed like the data (NaN where missing).
    used : pandas.Series
        True for the rows that entered the treatment model.
    fit : ModelResult
        The treatment model's coefficients (log-odds for logit, probit index),
        with ``tidy()``, ``summary()`` and so on; goes into ``regtable``.
    formula, method : str
        What was asked for.
    """

    scores: pd.Series
    treatment: pd.Series
    used: pd.Series
    fit: ModelResult
    formula: str
    method: str

    @property
    def n_dropped(self) -> int:
        """Rows of the data the treatment model could not use (missing values)."""
        return int((~self.used).sum())

    @property
    def dropped(self) -> pd.Index:
        """Index labels of the rows without a score."""
        return self.used.index[~self.used]

    @property
    def logit(self) -> pd.Series:
        """The logit of the scores (the matching distance of Austin 2011)."""
        return pd.Series(_logit(self.scores.to_numpy()), index=self.scores.index, name="ps_logit")

    def tidy(self, conf_level: float = 0.95) -> pd.DataFrame:
        """The treatment model's coefficients (its ``tidy()``: log-odds or probit index)."""
        return self.fit.tidy(conf_level=conf_level)

    def glance(self) -> pd.DataFrame:
        """One row: the treatment model's ``glance()`` with ``method`` and ``n_without_score``."""
        out = self.fit.glance()
        out.insert(0, "method", self.method)
        out["n_without_score"] = self.n_dropped
        return out

    @property
    def provenance(self) -> dict[str, Any]:
        """The treatment model's provenance, named as a propensity score."""
        out = dict(self.fit.provenance)
        out["model"] = f"propensity score ({self.method}): {out.get('model', '')}"
        return out

    def overlap(self) -> pd.DataFrame:
        """Range and quartiles of the scores by treatment group (common support check)."""
        s = self.scores[self.used]
        t = self.treatment[self.used]
        rows = []
        for g, label in ((1.0, "treated"), (0.0, "untreated")):
            x = s[t == g]
            rows.append(
                {
                    "group": label,
                    "n": int(len(x)),
                    "min": x.min(),
                    "q25": x.quantile(0.25),
                    "median": x.median(),
                    "q75": x.quantile(0.75),
                    "max": x.max(),
                }
            )
        return pd.DataFrame(rows).set_index("group")

    def summary(self) -> str:
        lines = [
            f"Propensity score ({self.method}): {self.formula}",
            f"rows used: {int(self.used.sum())}, without a score (missing values): {self.n_dropped}",
            "",
            self.fit.summary(),
            "",
            "Scores by group:",
            self.overlap().to_string(float_format=lambda v: f"{v:.4f}"),
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = (
            f"<p><strong>Propensity score ({html.escape(self.method)})</strong>: {html.escape(self.formula)}<br>"
            f"rows used: {int(self.used.sum())}, without a score: {self.n_dropped}</p>"
        )
        ov = self.overlap().to_html(float_format=lambda v: f"{v:.4f}", border=0)
        return f"<div>{head}{self.fit._repr_html_()}<p>Scores by group</p>{ov}</div>"

    def plot(self, ax=None, bins: int = 20):
        """Histograms of the scores by treatment group (overlap); returns the axes.

        A new figure (``ax=None``) has constrained layout, so a plain ``savefig`` clips nothing.
        """
        import seaborn as sns

        from ...report._common import new_axes

        if ax is None:
            ax = new_axes((6, 3.5), title="Overlap of propensity scores")
        df = pd.DataFrame(
            {
                "score": self.scores[self.used],
                "group": self.treatment[self.used].map({1.0: "treated", 0.0: "untreated"}),
            }
        )
        sns.histplot(df, x="score", hue="group", bins=bins, binrange=(0, 1), element="step", stat="density",
                     common_norm=False, ax=ax)
        ax.set_xlabel("Propensity score")
        ax.set_title("Overlap of propensity scores")
        return ax


def propensity_score(formula: str, data: pd.DataFrame, *, method: str = "logit") -> PropensityResult:
    """Fit the treatment model and return scores aligned to ``data``'s index.

    Parameters
    ----------
    formula
        ``"treatment ~ covariates"`` (patsy/R syntax, e.g.
        ``"un2int ~ wartype + logcost + wardur + C(decade)"``). The treatment must be
        coded 0/1 (``True``/``False`` is accepted).
    data
        One row per unit, with a unique index.
    method
        ``"logit"`` (default) or ``"probit"``: binomial GLM link.

    Returns
    -------
    PropensityResult
        ``scores`` has one value per row of ``data`` (same index); rows with a missing
        treatment or covariate get NaN and ``used == False`` (R's ``na.omit``), so a
        score can never land on the wrong row.

    Raises
    ------
    SpecificationError
        A missing column, a treatment that is not 0/1, a duplicated index, or only one group.
    ModelError
        Separation: the covariates predict treatment (almost) perfectly, so some scores
        are 0 or 1 and treated and untreated units do not overlap.
    ConvergenceError
        The treatment model did not converge.

    Notes
    -----
    Fitted by :func:`peacestats.models.regression.logit` (or ``probit``), which
    reproduces R's ``glm(treat ~ ..., family = binomial)``; ``fit`` is that
    :class:`~peacestats.models.regression.RegressionResult`.
    """
    from .. import regression

    if method not in ("logit", "probit"):
        raise SpecificationError(f"method must be 'logit' or 'probit', not {method!r}")
    if "~" not in formula:
        raise SpecificationError(f"formula {formula!r} needs a treatment on the left: 'treated ~ x1 + x2'")
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    _check_unique_index(data.index, "data")
    lhs = formula.split("~", 1)[0].strip()
    if lhs not in data.columns:
        raise SpecificationError(
            f"the treatment {lhs!r} on the left of {formula!r} must be a 0/1 column of the data "
            f"(no such column); create it first, e.g. data['treated'] = (...).astype(int)."
        )
    treatment = _as_binary(data[lhs], lhs).rename(lhs)
    frame = data
    if not treatment.equals(data[lhs]):
        frame = data.copy()
        frame[lhs] = treatment
    if (treatment == 1).sum() == 0 or (treatment == 0).sum() == 0:
        raise SpecificationError(
            f"treatment {lhs!r} has {int((treatment == 1).sum())} treated and {int((treatment == 0).sum())} "
            "untreated rows; a treatment model needs both."
        )
    fitter = regression.logit if method == "logit" else regression.probit
    try:
        fit = fitter(formula, frame)
    except SeparationError as exc:
        raise ModelError(
            f"propensity_score: no overlap: the covariates of {formula!r} separate treated from untreated "
            f"units, so some scores are 0 or 1. {exc}"
        ) from exc
    if fit.fitted is None:  # pragma: no cover - logit() always keeps its fitted values
        raise ModelError("propensity_score: the treatment model kept no fitted values")
    fitted = fit.fitted.astype(float)
    if not fitted.index.isin(data.index).all() or not fitted.index.is_unique:  # pragma: no cover - guard
        raise ModelError("propensity_score: the treatment model returned fitted values on unknown rows")
    t_used = treatment.loc[fitted.index]
    n1, n0 = int((t_used == 1).sum()), int((t_used == 0).sum())
    if n1 == 0 or n0 == 0:
        raise SpecificationError(
            f"treatment {lhs!r} has {n1} treated and {n0} untreated rows among the {len(t_used)} complete "
            "rows; a treatment model needs both."
        )
    extreme = (fitted < _SEPARATION_EPS) | (fitted > 1 - _SEPARATION_EPS)
    if extreme.any():
        raise ModelError(
            f"propensity_score: scores of 0 or 1 (to 1e-8) at rows {fitted.index[extreme][:5].tolist()}: the "
            f"covariates of {formula!r} (almost) separate treated from untreated units, so there is no overlap. "
            "Drop or coarsen the covariate that predicts treatment perfectly, or restrict the sample."
        )
    scores = pd.Series(np.nan, index=data.index, name="ps", dtype="float64")
    scores.loc[fitted.index] = fitted.to_numpy()
    used = pd.Series(False, index=data.index, name="used")
    used.loc[fitted.index] = True
    return PropensityResult(scores=scores, treatment=treatment, used=used, fit=fit, formula=formula, method=method)
