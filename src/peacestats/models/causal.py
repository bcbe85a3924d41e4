"""Selection adjustment: propensity scores, inverse-probability weights, matching, balance, E-values.

Peacekeepers are not sent at random: the UN goes where wars are harder
(Fortna 2008; Gilligan & Stedman 2003). The tools here make the treated and
untreated cases comparable on what we observe, show how comparable they have
become, and say how strong an unobserved confounder would have to be to
explain an estimate away.

Workflow
--------
::

    from peacestats.models import causal
    ps = causal.propensity_score("un2int ~ wartype + logcost + wardur", data)
    w = causal.ipw_weights(ps.treatment, ps, estimand="ATE")  # a Series aligned to ``data``
    m = causal.match_nearest(data, treatment="un2int", ps=ps, caliper=0.2)
    causal.balance_table(data, treatment="un2int", covariates=["logcost"], weights=w)
    causal.e_value(0.45, 0.25, 0.80, measure="HR", rare=False)

``propensity_score``
    The treatment model (logit or probit, :func:`peacestats.models.regression.logit`), its scores aligned
    to the data's index (rows the model could not use are NaN and flagged).
``ipw_weights``
    ATE or ATT weights, stabilized, optionally trimmed on the score or
    truncated at quantiles of the weights; a Series usable as ``weights=``.
``match_nearest``
    Greedy nearest-neighbour matching on the logit of the score with a caliper
    in standard deviations (Austin 2011), 1:k, with or without replacement.
``balance_table`` / ``balance_plot``
    Standardized mean differences and variance ratios before and after
    adjustment; a Love plot.
``e_value``
    VanderWeele & Ding's (2017) E-value for RR, HR and OR.

References
----------
Austin, P.C. (2009). Balance diagnostics for comparing the distribution of baseline
covariates between treatment groups in propensity-score matched samples. *Statistics in
Medicine* 28: 3083-3107.
Austin, P.C. (2011). Optimal caliper widths for propensity-score matching when estimating
differences in means and differences in proportions in observational studies.
*Pharmaceutical Statistics* 10: 150-161.
Austin, P.C. (2011). An introduction to propensity score methods for reducing the effects
of confounding in observational studies. *Multivariate Behavioral Research* 46(3): 399-424.
Robins, J.M., Hernán, M.A. & Brumback, B. (2000). Marginal structural models and causal
inference in epidemiology. *Epidemiology* 11(5): 550-560.
Crump, R.K., Hotz, V.J., Imbens, G.W. & Mitnik, O.A. (2009). Dealing with limited overlap
in estimation of average treatment effects. *Biometrika* 96(1): 187-199.
Cole, S.R. & Hernán, M.A. (2008). Constructing inverse probability weights for marginal
structural models. *American Journal of Epidemiology* 168(6): 656-664.
Stuart, E.A. (2010). Matching methods for causal inference: a review and a look forward.
*Statistical Science* 25(1): 1-21.
VanderWeele, T.J. & Ding, P. (2017). Sensitivity analysis in observational research:
introducing the E-value. *Annals of Internal Medicine* 167(4): 268-274.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError, SeparationError, SpecificationError
from .frame import check_columns
from .results import ModelResult, provenance_record

__all__ = [
    "PropensityResult",
    "propensity_score",
    "ipw_weights",
    "MatchResult",
    "match_nearest",
    "balance_table",
    "balance_plot",
    "EValueResult",
    "e_value",
]

# Fitted scores closer than this to 0 or 1 mean the covariates (almost) separate
# treated from untreated units: weights explode and matching has no partners.
_SEPARATION_EPS = 1e-8


# ================================================================== helpers
def _check_unique_index(index: pd.Index, what: str) -> None:
    if not index.is_unique:
        dup = index[index.duplicated()].unique()[:5].tolist()
        raise SpecificationError(
            f"{what} has a duplicated index (e.g. {dup}); scores and weights are aligned by index, "
            "so each row needs its own label. Call .reset_index(drop=True) first."
        )


def _as_binary(values: pd.Series, name: str) -> pd.Series:
    """0/1 float Series (NaN kept), or SpecificationError naming the bad values and rows."""
    s = values
    if s.dtype == bool or str(s.dtype) == "boolean":
        s = s.astype("float64")
    try:
        s = pd.to_numeric(s, errors="raise").astype("float64")
    except (TypeError, ValueError):
        bad = s[~s.isna()].iloc[:3].tolist()
        raise SpecificationError(
            f"treatment {name!r} must be coded 0/1 (1 = treated); it holds non-numeric values such as {bad}. "
            f"Recode it, e.g. data[{name!r}] = (data[{name!r}] == 'yes').astype(int)."
        ) from None
    ok = s.isna() | s.isin([0.0, 1.0])
    if not ok.all():
        rows = s.index[~ok][:5].tolist()
        vals = sorted(pd.unique(s[~ok]))[:5]
        raise SpecificationError(
            f"treatment {name!r} must be coded 0/1 (1 = treated); found values {vals} "
            f"at rows {rows}. Recode it to 0/1 before estimating scores or weights."
        )
    return s


def _as_series(x: Any, index: pd.Index | None, name: str) -> pd.Series:
    """A Series from a Series (kept), array (given ``index``) or scalar list."""
    if isinstance(x, pd.Series):
        return x
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise SpecificationError(f"{name} must be one-dimensional (got shape {arr.shape})")
    if index is not None and len(index) != len(arr):
        raise SpecificationError(f"{name} has {len(arr)} values but the data have {len(index)} rows")
    return pd.Series(arr, index=index if index is not None else pd.RangeIndex(len(arr)), name=name)


def _check_scores(ps: pd.Series, name: str = "ps") -> pd.Series:
    ps = pd.to_numeric(ps, errors="coerce").astype("float64")
    bad = ps.notna() & ~((ps > 0) & (ps < 1))
    if bad.any():
        rows = ps.index[bad][:5].tolist()
        raise SpecificationError(
            f"propensity scores must lie strictly between 0 and 1; {int(bad.sum())} do not "
            f"(rows {rows}, values {ps[bad].iloc[:5].round(6).tolist()}). Scores of exactly 0 or 1 mean "
            "the treatment model separates the groups: drop or coarsen the covariate that predicts "
            "treatment perfectly, or trim those units."
        )
    return ps


def _check_overlap(t: pd.Series, ps: pd.Series) -> None:
    """Raise ModelError when the score ranges of the two groups do not overlap at all."""
    ok = t.notna() & ps.notna()
    t, ps = t[ok], ps[ok]
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if n1 == 0 or n0 == 0:
        raise SpecificationError(
            f"need treated and untreated units with scores; found {n1} treated and {n0} untreated."
        )
    p1, p0 = ps[t == 1], ps[t == 0]
    if p1.min() > p0.max() or p0.min() > p1.max():
        raise ModelError(
            "no overlap: the propensity scores of treated units lie in "
            f"[{p1.min():.4g}, {p1.max():.4g}] and those of untreated units in [{p0.min():.4g}, {p0.max():.4g}], "
            "which do not overlap, so no untreated unit resembles a treated one. Weighting or matching "
            "cannot fix this; rethink the comparison (restrict the sample or the covariates)."
        )


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _resolve_column(data: pd.DataFrame, x: Any, name: str) -> pd.Series:
    """A column name, a Series aligned to ``data`` or an array of len(data)."""
    if isinstance(x, str):
        check_columns(data, [x], name)
        return data[x]
    if isinstance(x, PropensityResult):
        x = x.scores
    if isinstance(x, pd.Series):
        if not x.index.equals(data.index):
            if not set(data.index).issubset(set(x.index)):
                missing = [i for i in data.index if i not in set(x.index)][:5]
                raise SpecificationError(
                    f"{name} is a Series whose index does not cover the data's rows (missing e.g. {missing}); "
                    "pass values aligned to the data's index."
                )
            x = x.reindex(data.index)
        return x
    return _as_series(x, data.index, name)


# ================================================================== propensity score
@dataclass
class PropensityResult:
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

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = (
            f"<p><strong>Propensity score ({html.escape(self.method)})</strong>: {html.escape(self.formula)}<br>"
            f"rows used: {int(self.used.sum())}, without a score: {self.n_dropped}</p>"
        )
        ov = self.overlap().to_html(float_format=lambda v: f"{v:.4f}", border=0)
        return f"<div>{head}{self.fit._repr_html_()}<p>Scores by group</p>{ov}</div>"

    def plot(self, ax=None, bins: int = 20):
        """Histograms of the scores by treatment group (overlap); returns the axes."""
        import matplotlib.pyplot as plt
        import seaborn as sns

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
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
    from . import regression

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


# ================================================================== IPW
def ipw_weights(
    treatment: Any,
    ps: Any,
    *,
    estimand: str = "ATE",
    stabilized: bool = True,
    trim: tuple[float, float] | None = None,
    trim_on: str = "ps",
) -> pd.Series:
    """Inverse-probability-of-treatment weights.

    Parameters
    ----------
    treatment
        The 0/1 treatment: a Series (its index is kept) or an array.
    ps
        Propensity scores: a :class:`PropensityResult`, a Series (aligned to
        ``treatment`` by index) or an array of the same length.
    estimand
        ``"ATE"`` (average effect in the whole sample): treated 1/e, untreated 1/(1-e).
        ``"ATT"`` (effect on the treated): treated 1, untreated e/(1-e).
    stabilized
        ATE: multiply by the marginal probability of the group received,
        P(T=1) for treated and P(T=0) for untreated units (Robins, Hernán &
        Brumback 2000), so the weights average about 1 and the weighted sample
        is about the size of the real one. ATT: multiply the untreated weights by
        P(T=0)/P(T=1), so they sum to about the number of untreated units.
        P(T=1) is the share treated among the rows with a (kept) score.
    trim
        ``None`` or ``(lo, hi)``:

        - ``trim_on="ps"`` (default): bounds on the score. Units with a score
          outside ``[lo, hi]`` get weight 0 (they leave the target population;
          Crump et al. 2009 suggest ``(0.1, 0.9)``).
        - ``trim_on="quantile"``: quantiles of the weights. Weights below the
          ``lo`` or above the ``hi`` quantile are set to those quantiles
          (truncation, Cole & Hernán 2008; e.g. ``(0.01, 0.99)``).

    Returns
    -------
    pandas.Series
        Named ``"ipw"``, indexed like ``treatment`` (or like the scores when
        ``treatment`` is an array and ``ps`` a Series/PropensityResult). Rows
        without a score or treatment get NaN: drop them (``w.notna()``) or fit the
        outcome model on the same rows as the treatment model. ``attrs`` records
        the estimand, stabilization, trimming, the number of trimmed units and the
        effective sample sizes by group. Pass it as ``weights=`` to the Cox or
        regression models (case weights; use robust/clustered SEs, as R's
        ``coxph(..., weights = w, robust = TRUE)``).

    Raises
    ------
    SpecificationError
        A treatment that is not 0/1, scores outside (0, 1), misaligned inputs, bad options.
    ModelError
        No overlap: the score ranges of treated and untreated units do not intersect.
    """
    if estimand not in ("ATE", "ATT"):
        raise SpecificationError(f"estimand must be 'ATE' or 'ATT', not {estimand!r}")
    if trim_on not in ("ps", "quantile"):
        raise SpecificationError(f"trim_on must be 'ps' or 'quantile', not {trim_on!r}")

    if isinstance(ps, PropensityResult):
        ps_s = ps.scores
    else:
        ps_s = ps
    if isinstance(treatment, pd.Series):
        t = treatment
        if isinstance(ps_s, pd.Series):
            if not ps_s.index.equals(t.index):
                if not set(t.index).issubset(set(ps_s.index)):
                    raise SpecificationError(
                        "ps is a Series whose index does not cover the treatment's index; align them first"
                    )
                ps_s = ps_s.reindex(t.index)
        else:
            ps_s = _as_series(ps_s, t.index, "ps")
    else:
        if isinstance(ps_s, pd.Series):
            t = _as_series(treatment, ps_s.index, "treatment")
        else:
            t = _as_series(treatment, None, "treatment")
            ps_s = _as_series(ps_s, t.index, "ps")
    _check_unique_index(t.index, "treatment")
    t = _as_binary(t, str(t.name) if t.name is not None else "treatment")
    e = _check_scores(ps_s)
    _check_overlap(t, e)

    ok = t.notna() & e.notna()
    keep = ok.copy()
    n_trimmed = 0
    if trim is not None:
        lo, hi = _check_trim(trim, trim_on)
        if trim_on == "ps":
            out_of_range = ok & ((e < lo) | (e > hi))
            n_trimmed = int(out_of_range.sum())
            keep = ok & ~out_of_range
            tk = t[keep]
            if (tk == 1).sum() == 0 or (tk == 0).sum() == 0:
                raise ModelError(
                    f"trimming the scores to [{lo}, {hi}] leaves {int((tk == 1).sum())} treated and "
                    f"{int((tk == 0).sum())} untreated units; widen the bounds."
                )
    tt, ee = t[keep].to_numpy(), e[keep].to_numpy()
    p1 = float(tt.mean())
    if estimand == "ATE":
        w = np.where(tt == 1, 1.0 / ee, 1.0 / (1.0 - ee))
        if stabilized:
            w = w * np.where(tt == 1, p1, 1.0 - p1)
    else:
        w = np.where(tt == 1, 1.0, ee / (1.0 - ee))
        if stabilized:
            w = np.where(tt == 1, w, w * (1.0 - p1) / p1)
    if trim is not None and trim_on == "quantile":
        qlo, qhi = np.quantile(w, [lo, hi])
        n_trimmed = int(((w < qlo) | (w > qhi)).sum())
        w = np.clip(w, qlo, qhi)

    out = pd.Series(np.nan, index=t.index, name="ipw", dtype="float64")
    out[keep] = w
    out[ok & ~keep] = 0.0
    out.attrs.update(
        {
            "estimand": estimand,
            "stabilized": stabilized,
            "trim": tuple(trim) if trim is not None else None,
            "trim_on": trim_on if trim is not None else None,
            "n_trimmed": n_trimmed,
            "n_missing": int((~ok).sum()),
            "p_treated": p1,
            "ess_treated": _ess(out[(t == 1) & ok]),
            "ess_control": _ess(out[(t == 0) & ok]),
        }
    )
    return out


def _check_trim(trim, trim_on) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in trim)
    except (TypeError, ValueError):
        raise SpecificationError(f"trim must be a pair (lo, hi), not {trim!r}") from None
    if not (0 <= lo < hi <= 1):
        raise SpecificationError(f"trim bounds must satisfy 0 <= lo < hi <= 1 ({trim_on}); got ({lo}, {hi})")
    return lo, hi


def _ess(w: pd.Series) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    w = w.to_numpy(dtype=float)
    w = w[np.isfinite(w)]
    s2 = float((w**2).sum())
    return float(w.sum() ** 2 / s2) if s2 > 0 else 0.0


# ================================================================== matching
@dataclass
class MatchResult:
    """Nearest-neighbour matches.

    Attributes
    ----------
    data : pandas.DataFrame
        The matched units, one row each, in the original row order with the
        original index, plus ``pair_id`` (the pair of a treated unit; a control
        reused under ``replace=True`` carries its first pair, see ``pairs`` for
        all) and ``match_weight`` (1 for treated units; for controls the sum over
        their treated partners of 1/(partners of that treated unit), scaled so the
        control weights sum to the number of matched controls, as MatchIt does).
    pairs : pandas.DataFrame
        One row per treated-control link: ``pair_id``, ``treated`` and ``control``
        (index labels), ``distance`` (|difference of the logits of the scores|),
        ``round`` (1..ratio).
    weights : pandas.Series
        ``match_weight`` for every row of the original data (0 for unmatched rows):
        pass it to :func:`balance_table` or as ``weights=`` to a model.
    n_treated, n_matched, n_unmatched : int
        Treated units with a score; those with at least one match; those without.
    unmatched : pandas.Index
        Index labels of the unmatched treated units.
    caliper_width : float or None
        The caliper on the logit scale (``caliper`` x SD).
    """

    data: pd.DataFrame
    pairs: pd.DataFrame
    weights: pd.Series
    n_treated: int
    n_matched: int
    n_unmatched: int
    n_controls_used: int
    unmatched: pd.Index
    caliper: float | None
    caliper_width: float | None
    options: dict[str, Any] = field(default_factory=dict)

    def glance(self) -> pd.DataFrame:
        """One row: ``n_treated, n_matched, n_unmatched, n_controls_used, n_pairs, caliper, caliper_width``."""
        return pd.DataFrame([{"model": "nearest-neighbour matching", "n_treated": self.n_treated,
                              "n_matched": self.n_matched, "n_unmatched": self.n_unmatched,
                              "n_controls_used": self.n_controls_used, "n_pairs": len(self.pairs),
                              "caliper": self.caliper, "caliper_width": self.caliper_width}])

    @property
    def provenance(self) -> dict[str, Any]:
        """The matching options, the counts, versions and citation."""
        g = self.glance().iloc[0].to_dict()
        g.pop("model")
        return provenance_record("nearest-neighbour matching", self.options, g, ("matching",))

    def summary(self) -> str:
        cal = (
            f"caliper {self.caliper} SD of the logit of the score = {self.caliper_width:.4f}"
            if self.caliper is not None
            else "no caliper"
        )
        o = self.options
        return "\n".join(
            [
                f"Nearest-neighbour matching 1:{o.get('ratio')} on the logit of the score, "
                f"{'with' if o.get('replace') else 'without'} replacement, order {o.get('order')!r}, {cal}",
                f"treated units: {self.n_treated}, matched: {self.n_matched}, unmatched: {self.n_unmatched}",
                f"controls used: {self.n_controls_used}, pairs (links): {len(self.pairs)}",
            ]
        )

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return "<div><pre>" + html.escape(self.summary()) + "</pre></div>"


def match_nearest(
    data: pd.DataFrame,
    *,
    treatment: Any,
    ps: Any,
    caliper: float | None = 0.2,
    ratio: int = 1,
    replace: bool = False,
    seed: int = 0,
    order: str = "largest",
    caliper_sd: str = "pooled",
) -> MatchResult:
    """Greedy nearest-neighbour matching on the logit of the propensity score.

    Parameters
    ----------
    data
        The units (unique index).
    treatment
        Column name, or a 0/1 Series/array aligned to ``data``.
    ps
        Column name, Series/array of scores aligned to ``data``, or a
        :class:`PropensityResult`. Rows without a score are not matched.
    caliper
        Maximum distance, in standard deviations of the logit of the score
        (Austin 2011 recommends 0.2). ``None``: no caliper.
    ratio
        Controls per treated unit (1:k). Matching proceeds in ``ratio`` rounds:
        every treated unit gets its first control before any gets a second (as
        MatchIt does); a treated unit unmatched in a round is not tried again.
    replace
        Whether a control may serve several treated units.
    seed
        Seeds the random permutation that breaks ties (equal scores among treated
        units in the matching order, equal distances among controls) and the order
        when ``order="random"``: the same seed gives the same matches.
    order
        The order treated units pick their controls: ``"largest"`` score first
        (MatchIt's default), ``"smallest"``, ``"random"`` or ``"data"`` (row order).
    caliper_sd
        The SD the caliper is measured in: ``"pooled"`` (default) =
        sqrt((var_treated + var_control)/2) of the logit (Austin 2011); ``"all"`` =
        SD over all units (MatchIt's ``std.caliper = TRUE``).

    Returns
    -------
    MatchResult

    Raises
    ------
    SpecificationError
        Treatment not 0/1, scores outside (0, 1), no treated or no control units, bad options.
    ModelError
        No treated unit finds a control within the caliper.

    Notes
    -----
    Greedy matching costs O(ratio x n_treated x n_control) here (a vectorized
    scan of the controls for each treated unit), fine for the thousands of units of
    conflict data. The distance is |logit(e_i) - logit(e_j)|.
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    _check_unique_index(data.index, "data")
    if int(ratio) != ratio or ratio < 1:
        raise SpecificationError(f"ratio must be a positive integer, not {ratio!r}")
    ratio = int(ratio)
    if order not in ("largest", "smallest", "random", "data"):
        raise SpecificationError(f"order must be 'largest', 'smallest', 'random' or 'data', not {order!r}")
    if caliper_sd not in ("pooled", "all"):
        raise SpecificationError(f"caliper_sd must be 'pooled' or 'all', not {caliper_sd!r}")
    if caliper is not None and not (np.isfinite(caliper) and caliper > 0):
        raise SpecificationError(f"caliper must be a positive number of SDs or None, not {caliper!r}")

    t_name = treatment if isinstance(treatment, str) else "treatment"
    t = _as_binary(_resolve_column(data, treatment, "treatment"), t_name)
    e = _check_scores(_resolve_column(data, ps, "ps"))
    _check_overlap(t, e)
    ok = (t.notna() & e.notna()).to_numpy()
    tv = t.to_numpy()
    lp = np.full(len(data), np.nan)
    lp[ok] = _logit(e.to_numpy()[ok])

    treated_pos = np.flatnonzero(ok & (tv == 1))
    control_pos = np.flatnonzero(ok & (tv == 0))
    lt, lc = lp[treated_pos], lp[control_pos]

    if caliper is not None:
        if caliper_sd == "pooled":
            sd = float(np.sqrt((np.var(lt, ddof=1) + np.var(lc, ddof=1)) / 2))
        else:
            sd = float(np.std(lp[ok], ddof=1))
        width = caliper * sd
    else:
        width = None

    rng = np.random.default_rng(seed)
    # A seeded random rank for every row: breaks ties reproducibly.
    tie_rank = rng.permutation(len(data))
    t_rank, c_rank = tie_rank[treated_pos], tie_rank[control_pos]
    if order == "largest":
        seq = np.lexsort((t_rank, -lt))
    elif order == "smallest":
        seq = np.lexsort((t_rank, lt))
    elif order == "random":
        seq = rng.permutation(len(treated_pos))
    else:
        seq = np.arange(len(treated_pos))

    used = np.zeros(len(control_pos), dtype=bool)
    partners: list[list[int]] = [[] for _ in treated_pos]  # control positions (in control_pos) per treated
    links: list[tuple[int, int, float, int]] = []  # (treated k, control j, distance, round)
    active = np.ones(len(treated_pos), dtype=bool)
    best_seen = np.inf
    for rnd in range(1, ratio + 1):
        for k in seq:
            if not active[k]:
                continue
            d = np.abs(lc - lt[k])
            avail = ~used if not replace else np.ones(len(lc), dtype=bool)
            if partners[k]:
                avail = avail.copy()
                avail[partners[k]] = False
            if not avail.any():
                active[k] = False
                continue
            d = np.where(avail, d, np.inf)
            dmin = d.min()
            best_seen = min(best_seen, dmin)
            if width is not None and dmin > width:
                active[k] = False
                continue
            cand = np.flatnonzero(d == dmin)
            j = int(cand[np.argmin(c_rank[cand])])
            partners[k].append(j)
            links.append((int(k), j, float(dmin), rnd))
            if not replace:
                used[j] = True

    n_matched = sum(1 for p in partners if p)
    if n_matched == 0:
        raise ModelError(
            f"match_nearest: no treated unit has a control within the caliper of {caliper} SD "
            f"(= {width:.4g} on the logit scale); the closest pair is {best_seen:.4g} apart. "
            "Widen the caliper (or use caliper=None) or check the overlap of the scores."
        )

    idx = data.index
    # Pair ids follow the treated units' row order, so they do not depend on the matching order.
    matched_k = sorted((k for k in range(len(treated_pos)) if partners[k]), key=lambda k: treated_pos[k])
    pair_of = {k: i + 1 for i, k in enumerate(matched_k)}
    pairs = pd.DataFrame(
        [
            {
                "pair_id": pair_of[k],
                "treated": idx[treated_pos[k]],
                "control": idx[control_pos[j]],
                "distance": dist,
                "round": rnd,
            }
            for k, j, dist, rnd in links
        ]
    ).sort_values(["pair_id", "round"], kind="mergesort").reset_index(drop=True)

    w = np.zeros(len(data))
    pair_id = np.full(len(data), -1, dtype=np.int64)
    ctrl_w = np.zeros(len(control_pos))
    for k in matched_k:
        w[treated_pos[k]] = 1.0
        pair_id[treated_pos[k]] = pair_of[k]
        for j in partners[k]:
            ctrl_w[j] += 1.0 / len(partners[k])
            if pair_id[control_pos[j]] == -1 or pair_of[k] < pair_id[control_pos[j]]:
                pair_id[control_pos[j]] = pair_of[k]
    n_ctrl_used = int((ctrl_w > 0).sum())
    ctrl_w = ctrl_w * n_ctrl_used / ctrl_w.sum()
    w[control_pos] = ctrl_w

    weights = pd.Series(w, index=idx, name="match_weight")
    in_sample = w > 0
    mdata = data.loc[in_sample].copy()
    mdata["pair_id"] = pair_id[in_sample]
    mdata["match_weight"] = w[in_sample]
    unmatched = idx[[treated_pos[k] for k in range(len(treated_pos)) if not partners[k]]]
    return MatchResult(
        data=mdata,
        pairs=pairs,
        weights=weights,
        n_treated=len(treated_pos),
        n_matched=n_matched,
        n_unmatched=len(treated_pos) - n_matched,
        n_controls_used=n_ctrl_used,
        unmatched=unmatched,
        caliper=caliper,
        caliper_width=width,
        options={
            "ratio": ratio,
            "replace": replace,
            "seed": seed,
            "order": order,
            "caliper_sd": caliper_sd,
            "n_missing": int((~ok).sum()),
        },
    )


# ================================================================== balance
def balance_table(
    data: pd.DataFrame,
    *,
    treatment: Any,
    covariates: list[str],
    weights: Any = None,
    matched: MatchResult | None = None,
    sd_denominator: str = "pooled",
) -> pd.DataFrame:
    """Standardized mean differences and variance ratios, before and after adjustment.

    Parameters
    ----------
    data
        The full (unadjusted) sample.
    treatment
        Column name or 0/1 Series/array aligned to ``data``.
    covariates
        Column names. Numeric and boolean columns are used as they are; text or
        categorical columns are expanded into one 0/1 column per level (``"col[level]"``).
    weights
        IPW (or any) weights: column name, Series or array aligned to ``data``.
    matched
        A :class:`MatchResult`: its weights (0 = not matched) are used.
    sd_denominator
        ``"pooled"`` (default): sqrt((s2_treated + s2_control) / 2) (Austin 2009);
        ``"treated"``: the SD among treated units (for ATT comparisons).

    Returns
    -------
    pandas.DataFrame
        Indexed by covariate: ``type`` ("binary" or "continuous"), ``mean_treated``,
        ``mean_control``, ``smd``, ``var_ratio`` and, with ``weights`` or ``matched``,
        ``mean_treated_adj``, ``mean_control_adj``, ``smd_adj``, ``var_ratio_adj``.
        ``attrs`` holds the group sizes and effective sample sizes.

    Notes
    -----
    SMD = (mean_treated - mean_control) / SD, where SD always comes from the
    *unadjusted* sample, so that before and after differ only through the means
    (Stuart 2010; cobalt's default). For a binary covariate the group variance is
    p(1 - p), for a continuous one the sample variance (n - 1). Weighted means are
    sum(w x)/sum(w); weighted variances (for variance ratios) are
    sum w (x - m)^2 * sum w / ((sum w)^2 - sum w^2), which reduces to the n - 1
    variance with equal weights. Variance ratios (treated / control) are given for
    continuous covariates only (NaN for binary ones, where they carry no information
    beyond the means).

    The sample is the rows with a treatment and every covariate observed (and,
    when adjusting, a non-missing weight).

    The R code below reproduces the unadjusted and weighted SMDs (see
    ``tests/test_causal.py`` for the numbers)::

        smd <- function(x, t, w = rep(1, length(x))) {
          bin <- all(x %in% c(0, 1))
          v <- function(z) if (bin) mean(z) * (1 - mean(z)) else var(z)
          s <- sqrt((v(x[t == 1]) + v(x[t == 0])) / 2)
          (weighted.mean(x[t == 1], w[t == 1]) - weighted.mean(x[t == 0], w[t == 0])) / s
        }
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    _check_unique_index(data.index, "data")
    if sd_denominator not in ("pooled", "treated"):
        raise SpecificationError(f"sd_denominator must be 'pooled' or 'treated', not {sd_denominator!r}")
    if weights is not None and matched is not None:
        raise SpecificationError("give weights or matched, not both")
    if isinstance(covariates, str):
        covariates = [covariates]
    check_columns(data, covariates, "balance_table")
    if not covariates:
        raise SpecificationError("balance_table: no covariates given")

    t_name = treatment if isinstance(treatment, str) else "treatment"
    t = _as_binary(_resolve_column(data, treatment, "treatment"), t_name)
    w = None
    if matched is not None:
        w = matched.weights.reindex(data.index).fillna(0.0)
    elif weights is not None:
        w = pd.to_numeric(_resolve_column(data, weights, "weights"), errors="coerce").astype(float)
        neg = w.notna() & ((w < 0) | ~np.isfinite(w))
        if neg.any():
            raise SpecificationError(
                f"weights must be finite and >= 0; rows {w.index[neg][:5].tolist()} are not"
            )

    X = _covariate_matrix(data, covariates)
    ok = t.notna() & X.notna().all(axis=1)
    if w is not None:
        ok &= w.notna()
    X, t = X[ok], t[ok].to_numpy()
    is1, is0 = t == 1, t == 0
    if is1.sum() < 2 or is0.sum() < 2:
        raise SpecificationError(
            f"balance_table needs at least two treated and two untreated complete rows; found "
            f"{int(is1.sum())} and {int(is0.sum())}"
        )
    wv = w[ok].to_numpy() if w is not None else None
    if wv is not None and (wv[is1].sum() <= 0 or wv[is0].sum() <= 0):
        raise SpecificationError("the weights of the treated or the untreated group sum to zero")

    rows = []
    for col in X.columns:
        x = X[col].to_numpy(dtype=float)
        binary = bool(np.isin(x, (0.0, 1.0)).all())
        x1, x0 = x[is1], x[is0]
        m1, m0 = x1.mean(), x0.mean()
        if binary:
            v1, v0 = m1 * (1 - m1), m0 * (1 - m0)
        else:
            v1, v0 = x1.var(ddof=1), x0.var(ddof=1)
        sd = np.sqrt((v1 + v0) / 2) if sd_denominator == "pooled" else np.sqrt(v1)
        row = {
            "type": "binary" if binary else "continuous",
            "mean_treated": m1,
            "mean_control": m0,
            "smd": _safe_div(m1 - m0, sd),
            "var_ratio": np.nan if binary else _safe_div(v1, v0),
        }
        if wv is not None:
            w1, w0 = wv[is1], wv[is0]
            a1, a0 = np.average(x1, weights=w1), np.average(x0, weights=w0)
            row.update(
                {
                    "mean_treated_adj": a1,
                    "mean_control_adj": a0,
                    "smd_adj": _safe_div(a1 - a0, sd),
                    "var_ratio_adj": np.nan if binary else _safe_div(_wvar(x1, w1), _wvar(x0, w0)),
                }
            )
        rows.append(row)
    out = pd.DataFrame(rows, index=pd.Index(X.columns, name="covariate"))
    out.attrs.update(
        {
            "n_treated": int(is1.sum()),
            "n_control": int(is0.sum()),
            "sd_denominator": sd_denominator,
            "adjusted": "matched" if matched is not None else ("weights" if weights is not None else None),
        }
    )
    if wv is not None:
        out.attrs.update(
            {
                "ess_treated": _ess(pd.Series(wv[is1])),
                "ess_control": _ess(pd.Series(wv[is0])),
                "n_treated_adj": int((wv[is1] > 0).sum()),
                "n_control_adj": int((wv[is0] > 0).sum()),
            }
        )
    return out


def _safe_div(a: float, b: float) -> float:
    return float(a / b) if b > 0 else (0.0 if a == 0 else float(np.inf * np.sign(a)))


def _wvar(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted variance with the reliability-weights correction (cobalt's col_w_sd)."""
    sw, sw2 = w.sum(), (w**2).sum()
    m = np.average(x, weights=w)
    den = sw**2 - sw2
    if den <= 0:
        return np.nan
    return float((w * (x - m) ** 2).sum() * sw / den)


def _covariate_matrix(data: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    parts = {}
    for c in covariates:
        s = data[c]
        if s.dtype == bool or str(s.dtype) == "boolean":
            parts[c] = s.astype("float64")
        elif pd.api.types.is_numeric_dtype(s):
            parts[c] = s.astype("float64")
        else:
            levels = sorted(pd.unique(s.dropna()), key=str)
            for lev in levels:
                col = (s == lev).astype("float64")
                col[s.isna()] = np.nan
                parts[f"{c}[{lev}]"] = col
    return pd.DataFrame(parts, index=data.index)


def balance_plot(table: pd.DataFrame, ax=None, *, threshold: float = 0.1, absolute: bool = True):
    """A Love plot of a :func:`balance_table`: SMD by covariate, before and after.

    Parameters
    ----------
    table
        The output of :func:`balance_table`.
    ax
        Matplotlib axes to draw on (a new figure when None).
    threshold
        Dashed reference line(s) at this SMD (0.1 is the usual rule of thumb).
    absolute
        Plot |SMD| (default) or signed SMDs.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if "smd" not in table.columns:
        raise SpecificationError("balance_plot needs a balance_table() output (no 'smd' column)")
    long = [
        pd.DataFrame({"covariate": table.index.astype(str), "smd": table["smd"].to_numpy(), "sample": "Unadjusted"})
    ]
    if "smd_adj" in table.columns:
        long.append(
            pd.DataFrame(
                {"covariate": table.index.astype(str), "smd": table["smd_adj"].to_numpy(), "sample": "Adjusted"}
            )
        )
    df = pd.concat(long, ignore_index=True)
    if absolute:
        df["smd"] = df["smd"].abs()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.6 + 0.35 * len(table)))
    sns.scatterplot(
        data=df, x="smd", y="covariate", hue="sample", style="sample", s=60, ax=ax,
        palette={"Unadjusted": "#d95f02", "Adjusted": "#1b9e77"},
        markers={"Unadjusted": "o", "Adjusted": "s"},
    )
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=0.8)
    if not absolute:
        ax.axvline(-threshold, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("Absolute standardized mean difference" if absolute else "Standardized mean difference")
    ax.set_ylabel("")
    ax.set_title("Covariate balance")
    return ax


# ================================================================== E-value
@dataclass
class EValueResult:
    """E-values of an estimate and of its confidence limit nearest the null.

    Attributes
    ----------
    measure : str
        ``"RR"``, ``"HR"`` or ``"OR"`` as given.
    estimate, conf_low, conf_high : float
        As given (on the ratio scale).
    rr, rr_low, rr_high : float
        The same on the risk-ratio scale (after the common-outcome conversion when
        ``rare=False``).
    e_point : float
        E-value of the point estimate.
    e_ci : float or None
        E-value of the CI limit nearest the null (1 when the CI includes the null);
        None when no CI was given.
    """

    measure: str
    estimate: float
    conf_low: float | None
    conf_high: float | None
    rare: bool
    true: float
    rr: float
    rr_low: float | None
    rr_high: float | None
    e_point: float
    e_ci: float | None

    def glance(self) -> pd.DataFrame:
        """One row: ``measure, estimate, conf_low, conf_high, rr, e_point, e_ci``."""
        return pd.DataFrame([{"measure": self.measure, "estimate": self.estimate, "conf_low": self.conf_low,
                              "conf_high": self.conf_high, "rr": self.rr, "e_point": self.e_point,
                              "e_ci": self.e_ci}])

    @property
    def provenance(self) -> dict[str, Any]:
        """The inputs (measure, estimate, interval, rare, true), versions and citation."""
        opts = {"measure": self.measure, "estimate": self.estimate, "conf_low": self.conf_low,
                "conf_high": self.conf_high, "rare": self.rare, "true": self.true}
        return provenance_record("E-value", opts, {}, ("e_value",))

    def to_frame(self) -> pd.DataFrame:
        """Rows: the estimate on its own scale, on the RR scale, and the E-values."""
        return pd.DataFrame(
            {
                "point": [self.estimate, self.rr, self.e_point],
                "lower": [self.conf_low, self.rr_low, self.e_ci if self._limit() == "lower" else np.nan],
                "upper": [self.conf_high, self.rr_high, self.e_ci if self._limit() == "upper" else np.nan],
            },
            index=[self.measure, "RR", "E-value"],
        )

    def _limit(self) -> str | None:
        if self.e_ci is None:
            return None
        return "lower" if self.rr >= self.true else "upper"

    def summary(self) -> str:
        ci = ""
        if self.conf_low is not None or self.conf_high is not None:
            ci = f" (CI {_fmt(self.conf_low)} to {_fmt(self.conf_high)})"
        lines = [f"E-value (VanderWeele & Ding 2017) for {self.measure} = {self.estimate:.4g}{ci}"]
        if self.measure != "RR":
            how = "rare outcome: taken as a risk ratio" if self.rare else "common outcome: converted to a risk ratio"
            lines.append(f"  {how}: RR = {self.rr:.4g}")
        lines.append(f"  point estimate: E = {self.e_point:.4g}")
        if self.e_ci is not None:
            lines.append(f"  confidence limit nearest the null ({self._limit()}): E = {self.e_ci:.4g}")
        lines.append(
            f"  An unmeasured confounder associated with both treatment and outcome by a risk ratio of "
            f"{self.e_point:.3g} each, above the measured covariates, could explain away the estimate"
            + (
                f"; one of {self.e_ci:.3g} could move the CI to include {self.true:g}."
                if self.e_ci is not None
                else "."
            )
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        body = self.to_frame().to_html(float_format=lambda v: f"{v:.4f}", na_rep="", border=0)
        return (
            f"<div><strong>E-value (VanderWeele &amp; Ding 2017)</strong>, {html.escape(self.measure)}"
            f"{'' if self.measure == 'RR' else (' (rare outcome)' if self.rare else ' (common outcome)')}"
            f"{body}</div>"
        )


def _fmt(v: float | None) -> str:
    return "NA" if v is None else f"{v:.4g}"


def _to_rr(x: float, measure: str, rare: bool) -> float:
    if measure == "RR" or rare:
        return x
    if measure == "OR":
        return float(np.sqrt(x))
    # HR, common outcome (VanderWeele 2020; EValue::evalues.HR)
    return float((1 - 0.5 ** np.sqrt(x)) / (1 - 0.5 ** np.sqrt(1 / x)))


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def e_value(
    estimate: float,
    conf_low: float | None = None,
    conf_high: float | None = None,
    *,
    measure: str = "RR",
    rare: bool = True,
    true: float = 1.0,
) -> EValueResult:
    """The E-value of VanderWeele & Ding (2017).

    The minimum strength of association, on the risk-ratio scale, that an
    unmeasured confounder would need with both the treatment and the outcome
    (above the measured covariates) to explain away an estimate:
    E = RR + sqrt(RR (RR - 1)) for RR > 1 (for RR < 1 use 1/RR).

    Parameters
    ----------
    estimate, conf_low, conf_high
        A risk, hazard or odds ratio and its confidence limits (ratio scale, not logs).
    measure
        ``"RR"``, ``"HR"`` or ``"OR"``.
    rare
        Whether the outcome is rare (< 15% by the end of follow-up). Then an HR or OR
        is taken as a RR. Otherwise OR -> sqrt(OR) and
        HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)), VanderWeele & Ding's
        approximations, as in the R package EValue (``evalues.OR``, ``evalues.HR``).
        Ceasefire failure is common in Fortna's data (84 of 156 spells), so use
        ``rare=False`` there.
    true
        The null value to explain the estimate away to (1 by default).

    Returns
    -------
    EValueResult
        ``e_point`` and ``e_ci`` (for the limit nearest ``true``; 1 if the interval
        contains it), with a text and an HTML display.

    Examples
    --------
    VanderWeele & Ding (2017): RR = 3.9 (95% CI 1.8 to 8.7) gives E = 7.26 for the
    estimate and 3.00 for the lower limit.

    >>> r = e_value(3.9, 1.8, 8.7)
    >>> round(r.e_point, 2), round(r.e_ci, 2)
    (7.26, 3.0)
    """
    if measure not in ("RR", "HR", "OR"):
        raise SpecificationError(f"measure must be 'RR', 'HR' or 'OR', not {measure!r}")
    vals = {"estimate": estimate, "conf_low": conf_low, "conf_high": conf_high, "true": true}
    for name, v in vals.items():
        if v is None:
            continue
        if not (isinstance(v, (int, float, np.floating, np.integer)) and np.isfinite(v) and v > 0):
            raise SpecificationError(
                f"e_value: {name} must be a positive, finite ratio (not a log ratio or a percentage); got {v!r}"
            )
    if conf_low is not None and conf_low > estimate:
        raise SpecificationError(f"e_value: conf_low ({conf_low}) is above the estimate ({estimate})")
    if conf_high is not None and conf_high < estimate:
        raise SpecificationError(f"e_value: conf_high ({conf_high}) is below the estimate ({estimate})")
    estimate = float(estimate)
    rr = _to_rr(estimate, measure, rare)
    rr_lo = _to_rr(float(conf_low), measure, rare) if conf_low is not None else None
    rr_hi = _to_rr(float(conf_high), measure, rare) if conf_high is not None else None
    true_rr = _to_rr(float(true), measure, rare)
    e_point = _e(rr / true_rr)
    e_ci = None
    if rr >= true_rr and rr_lo is not None:
        e_ci = 1.0 if rr_lo <= true_rr else _e(rr_lo / true_rr)
    elif rr < true_rr and rr_hi is not None:
        e_ci = 1.0 if rr_hi >= true_rr else _e(rr_hi / true_rr)
    return EValueResult(
        measure=measure,
        estimate=estimate,
        conf_low=None if conf_low is None else float(conf_low),
        conf_high=None if conf_high is None else float(conf_high),
        rare=rare,
        true=float(true),
        rr=rr,
        rr_low=rr_lo,
        rr_high=rr_hi,
        e_point=e_point,
        e_ci=e_ci,
    )
