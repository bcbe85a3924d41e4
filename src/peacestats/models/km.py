"""Kaplan-Meier survival curves and log-rank tests, equal to R's ``survival`` package.

:func:`kaplan_meier` is R's ``survfit(Surv(entry, stop, event) ~ group, weights = w)``
(product-limit estimate with left truncation and case weights, Greenwood standard
errors, ``conf.type = "log"``, ``"log-log"`` or ``"plain"``); :func:`logrank_test` is
R's ``survdiff(Surv(stop, event) ~ group + strata(s))``, extended to delayed entry and
case weights, with Stata's test for trend across ordered groups (``sts test, trend``).

Conventions (all as R's ``survival`` 3.x):

* A row is at risk at time *t* when ``entry < t <= stop``: a row that enters at *t*
  is not at risk at *t*. Without ``entry`` every row enters at 0 (``-inf``).
* With weights, ``n_risk``, ``n_event`` and ``n_censor`` are sums of weights
  (case/frequency weights: integer weights give the same answer as repeating rows).
* Greenwood's variance of the cumulative hazard, ``sum d / (n (n - d))``, is the
  ``std.err`` of ``survfit`` objects; ``std_err`` in our tables is the standard error
  of the survival itself (``S * sqrt(...)``), as ``summary(survfit(...))`` prints it.
  When every row at risk fails (``S = 0``) the variance is infinite: R reports
  ``NaN``/``NA`` there and so do we (the estimate is exact, there is no interval).
* R's ``timefix`` (merging times that differ by rounding error) is not applied: give
  integer days or months, as conflict data usually are.

Why not lifelines' ``KaplanMeierFitter``? Its survival estimate is right (and a test
checks it against ours), but its default bands use the log(-log) transform, it
reports no per-row standard error of S, and it has no R-style median interval or
``summary(fit, times=)`` semantics; the product-limit estimate itself is a few lines
of cumulative sums, written here so every number can be traced to R's definition.

References
----------
Kaplan, E.L. & Meier, P. (1958). Nonparametric estimation from incomplete observations.
JASA 53: 457-481. Mantel, N. (1966). Evaluation of survival data and two new rank order
statistics arising in its consideration. Cancer Chemotherapy Reports 50: 163-170.
Therneau, T.M. & Grambsch, P.M. (2000). *Modeling Survival Data*. Springer.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._dist import norm_ppf
from ..errors import SpecificationError
from .frame import as_list
from .result_base import ResultBase
from .survival_data import (
    _data_info,
    _fmt_level,
    _group_labels,
    _risk_counts,
    _show,
    _survival_data,
    _unique_index,
)

_SQRT_EPS = np.sqrt(np.finfo(float).eps)  # default tolerance of the median search

__all__ = ["kaplan_meier", "logrank_test", "KaplanMeierResult", "LogrankResult"]

CONF_TYPES = ("log", "log-log", "plain")


# ----------------------------------------------------------------------------- the estimator
def _km_arrays(entry, stop, event, w) -> dict[str, np.ndarray]:
    """The product-limit curve at every distinct stop time (events and censorings), as arrays."""
    times = np.unique(stop)
    idx = np.searchsorted(times, stop)
    d = np.bincount(idx, weights=w * event, minlength=len(times))
    c = np.bincount(idx, weights=w * (1 - event), minlength=len(times))
    n = _risk_counts(entry, stop, w, times)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(d > 0, d / n, 0.0)
        surv = np.cumprod(1.0 - frac)
        # Greenwood increment; infinite when everyone at risk fails (n == d)
        inc = np.where(d > 0, np.where(n > d, d / (n * (n - d)), np.inf), 0.0)
    var_h = np.cumsum(inc)
    return {"time": times, "n_risk": n, "n_event": d, "n_censor": c, "survival": surv, "se_cumhaz": np.sqrt(var_h)}


def _km_curve(entry, stop, event, w) -> pd.DataFrame:
    """The product-limit curve at every distinct stop time (events and censorings)."""
    return pd.DataFrame(_km_arrays(entry, stop, event, w))


def _confint(surv, se_h, conf_type: str, conf_level: float):
    """R's ``survival:::survfit_confint`` with ``logse = TRUE`` (``se_h``: SE of the cumulative hazard)."""
    z = norm_ppf(1 - (1 - conf_level) / 2)
    surv = np.asarray(surv, dtype=float)
    se_h = np.asarray(se_h, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            se2 = se_h * surv * z
            lo, hi = np.maximum(surv - se2, 0.0), np.minimum(surv + se2, 1.0)
            # R: 0 * Inf = NaN at S = 0 and the bounds are NA there
            bad = ~np.isfinite(se2)
            lo, hi = np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
        elif conf_type == "log":
            xx = np.where(surv == 0, np.nan, surv)
            se2 = z * se_h
            lo, hi = np.exp(np.log(xx) - se2), np.minimum(np.exp(np.log(xx) + se2), 1.0)
            hi = np.where(np.isnan(xx), np.nan, hi)
        elif conf_type == "log-log":
            xx = np.where((surv == 0) | (surv == 1), np.nan, surv)
            se2 = z * se_h / np.log(xx)
            lo = np.exp(-np.exp(np.log(-np.log(xx)) - se2))
            hi = np.exp(-np.exp(np.log(-np.log(xx)) + se2))
        else:  # pragma: no cover - checked by the caller
            raise SpecificationError(f"conf_type must be one of {CONF_TYPES}")
    return lo, hi


def _first_below_half(time, y, tol=_SQRT_EPS):
    """R's ``minmin`` in ``survival:::survmean``: where a curve first reaches 0.5.

    If the curve sits exactly at 0.5 over an interval, the midpoint between that time
    and the next time it drops (R's convention for the median).
    """
    y = np.asarray(y, dtype=float)
    time = np.asarray(time, dtype=float)
    keep = ~np.isnan(y) & (y < 0.5 + tol)
    if not keep.any():
        return np.nan
    x, yy = time[keep], y[keep]
    if abs(yy[0] - 0.5) < tol and np.any(yy < yy[0]):
        return (x[0] + x[np.argmax(yy < yy[0])]) / 2
    return float(x[0])


@dataclass
class KaplanMeierResult(ResultBase):
    """Kaplan-Meier curves by group (R's ``survfit``).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group and event time, as R's ``summary(survfit(...))``:
        ``group, time, n_risk, n_event, n_censor, survival, std_err, conf_low, conf_high``.
        ``n_censor`` counts censorings after the previous event time up to this one.
    curve : pandas.DataFrame
        The same at every distinct stop time (censorings too), plus ``se_cumhaz``
        (Greenwood SE of the cumulative hazard, R's ``fit$std.err``).
    conf_type, conf_level : str, float
        The confidence band (R's ``conf.type`` and ``conf.int``).
    """

    table: pd.DataFrame
    curve: pd.DataFrame
    counts: pd.DataFrame
    conf_type: str
    conf_level: float
    groups: list
    group_var: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    data_info: dict[str, Any] = field(default_factory=dict)
    citations: tuple[str, ...] = ("kaplan_meier",)

    # ------------------------------------------------------------------ numbers
    def median(self) -> pd.DataFrame:
        """Median survival time with its confidence interval, as ``print(survfit(...))``.

        Columns ``group, records, n_max, n_start, events, median, conf_low, conf_high``.
        The median is the first time the curve is at or below 0.5 (the midpoint to the
        next event time if it is exactly 0.5 over an interval); the bounds are where the
        lower and upper confidence bands reach 0.5. ``NaN`` means "not reached" (R: NA).
        """
        rows = []
        for g in self.groups:
            cur = self.curve[self.curve["group"] == g]
            cnt = self.counts.loc[self.counts["group"] == g].iloc[0]
            t = cur["time"].to_numpy()
            rows.append(
                {
                    "group": g,
                    "records": int(cnt["records"]),
                    "n_max": float(cur["n_risk"].max()),
                    "n_start": float(cur["n_risk"].iloc[0]),
                    "events": float(cur["n_event"].sum()),
                    "median": _first_below_half(t, cur["survival"]),
                    "conf_low": _first_below_half(t, cur["conf_low"]),
                    "conf_high": _first_below_half(t, cur["conf_high"]),
                }
            )
        return pd.DataFrame(rows)

    def survival_at(self, times) -> pd.DataFrame:
        """Survival at chosen times, as R's ``summary(fit, times = ...)``.

        For each group and time *t*: ``n_risk`` (at risk at the first observed time
        >= *t*, R's rule), ``n_event`` (events after the previous requested time up to
        *t*), ``survival``, ``std_err``, ``conf_low``, ``conf_high``. As in R, times after a
        group's last observed time are left out for that group (the curve is not
        defined there), and times before the first event give survival 1.
        """
        times = np.sort(np.atleast_1d(np.asarray(times, dtype=float)))
        if np.any(times < 0) or np.any(~np.isfinite(times)):
            raise SpecificationError("survival_at: times must be finite and >= 0")
        rows = []
        for g in self.groups:
            cur = self.curve[self.curve["group"] == g]
            t = cur["time"].to_numpy()
            surv = cur["survival"].to_numpy()
            seh = cur["se_cumhaz"].to_numpy()
            nr = cur["n_risk"].to_numpy()
            cumd = np.cumsum(cur["n_event"].to_numpy())
            prev = 0.0
            for tt in times[times <= t[-1]]:
                k = np.searchsorted(t, tt, side="right") - 1  # last time <= tt
                j = np.searchsorted(t, tt, side="left")  # first time >= tt
                s = surv[k] if k >= 0 else 1.0
                se = seh[k] if k >= 0 else 0.0
                lo, hi = _confint([s], [se], self.conf_type, self.conf_level)
                dsum = cumd[k] if k >= 0 else 0.0
                rows.append(
                    {
                        "group": g,
                        "time": tt,
                        "n_risk": float(nr[j]),
                        "n_event": float(dsum - prev),
                        "survival": float(s),
                        "std_err": float(s * se) if np.isfinite(se) else np.nan,
                        "conf_low": float(lo[0]),
                        "conf_high": float(hi[0]),
                    }
                )
                prev = dsum
        return pd.DataFrame(rows)

    def tidy(self) -> pd.DataFrame:
        """The whole curve at every distinct time (as ``broom::tidy(survfit)``).

        Columns ``group, time, n_risk, n_event, n_censor, estimate, std_error, conf_low,
        conf_high``; ``std_error`` is the SE of the survival estimate (broom reports the
        SE of the cumulative hazard instead; ``curve["se_cumhaz"]`` has it).
        """
        c = self.curve
        return pd.DataFrame(
            {
                "group": c["group"],
                "time": c["time"],
                "n_risk": c["n_risk"],
                "n_event": c["n_event"],
                "n_censor": c["n_censor"],
                "estimate": c["survival"],
                "std_error": c["std_err"],
                "conf_low": c["conf_low"],
                "conf_high": c["conf_high"],
            }
        ).reset_index(drop=True)

    def glance(self) -> pd.DataFrame:
        """One row about the curves: ``model, n, n_events, n_curves, conf_type, conf_level``."""
        return pd.DataFrame([{"model": "Kaplan-Meier", "n": self.data_info.get("n_used"),
                              "n_events": float(self.curve["n_event"].sum()), "n_curves": len(self.groups),
                              "conf_type": self.conf_type, "conf_level": self.conf_level}])

    @property
    def provenance(self) -> dict[str, Any]:
        from .results import provenance_record

        return provenance_record("Kaplan-Meier", self.options, self.data_info, self.citations)

    # ------------------------------------------------------------------ display
    def _title(self) -> str:
        o = self.options
        entry = o.get("entry")
        s = f"Surv({entry + ', ' if entry else ''}{o['duration']}, {o['event']})"
        rhs = " + ".join(self.group_var) if self.group_var else "1"
        return f"Kaplan-Meier: {s} ~ {rhs}"

    def _foot(self) -> str:
        lvl = int(round(self.conf_level * 100))
        s = f"{lvl}% confidence bands: conf_type = {self.conf_type!r} (Greenwood variance)"
        if self.data_info.get("n_dropped"):
            s += f"; {self.data_info['n_dropped']} rows with missing values dropped"
        return s

    def summary(self, max_rows: int = 60) -> str:
        """Plain text: the median table (as ``print(survfit)``) and the event-time table."""
        fmt = lambda v: f"{v:.4f}"  # noqa: E731
        tab = _show(self.table)
        body = tab.to_string(index=False, float_format=fmt, max_rows=max_rows)
        med = _show(self.median()).to_string(index=False, float_format=lambda v: f"{v:g}")
        return "\n".join([self._title(), "", med, "", body, "", self._foot()])

    def _repr_html_(self) -> str:
        med = _show(self.median()).to_html(index=False, float_format=lambda v: f"{v:g}", border=0)
        return (
            f"<div><strong>{html.escape(self._title())}</strong>{med}"
            f"<p>{len(self.table)} event times; see <code>.table</code>. {html.escape(self._foot())}</p></div>"
        )

    def plot(self, ax=None, at_risk: bool = True, ci: bool = True, censor_marks: bool = True, at_risk_times=None,
             labels=None):
        """Step plot of the curves by group with confidence bands and a number-at-risk table.

        Parameters
        ----------
        ax
            Matplotlib axes (default: a new figure).
        at_risk
            Print the number at risk by group at the x-axis ticks below the plot.
        ci
            Shade the confidence bands.
        censor_marks
            Mark censoring times with "+".
        at_risk_times
            Times for the at-risk table (default: the x-axis ticks).
        labels
            ``{group value: label}`` for the legend and the at-risk table
            (default ``"<group>=<value>"``).

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt
        import matplotlib.transforms as mtransforms
        import seaborn as sns

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4.5 + (0.25 * len(self.groups) if at_risk else 0)))
        colors = sns.color_palette(n_colors=max(len(self.groups), 1))
        start = 0.0
        for g, col in zip(self.groups, colors):
            cur = self.curve[self.curve["group"] == g]
            t = np.concatenate([[start], cur["time"].to_numpy()])
            s = np.concatenate([[1.0], cur["survival"].to_numpy()])
            label = self._label(g, labels)
            ax.step(t, s, where="post", color=col, label=label if self.group_var else None)
            if ci:
                lo = np.concatenate([[1.0], cur["conf_low"].to_numpy()])
                hi = np.concatenate([[1.0], cur["conf_high"].to_numpy()])
                ax.fill_between(t, lo, hi, step="post", color=col, alpha=0.15, linewidth=0)
            if censor_marks:
                cen = cur[cur["n_censor"] > 0]
                ax.plot(cen["time"], cen["survival"], "+", color=col, markersize=6)
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=start)
        ax.set_ylabel("Survival probability")
        ax.set_xlabel(self.options.get("duration", "time"))
        if self.group_var:
            ax.legend(frameon=False)
        ax.set_title(self._title())
        if at_risk:
            xt = np.asarray(at_risk_times if at_risk_times is not None else ax.get_xticks(), dtype=float)
            lo_x, hi_x = ax.get_xlim()
            xt = xt[(xt >= lo_x) & (xt <= hi_x)]
            trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
            ax.text(0.0, -0.2, "Number at risk", transform=ax.transAxes, ha="left", fontsize=8, weight="bold")
            for k, (g, col) in enumerate(zip(self.groups, colors)):
                y = -0.28 - 0.08 * k
                cur = self.curve[self.curve["group"] == g]
                counts = self._n_at_risk(cur, xt)
                lab = self._label(g, labels)
                ax.text(-0.04, y, lab, transform=ax.transAxes, ha="right", fontsize=8, color=col)
                for x, n in zip(xt, counts):
                    ax.text(x, y, f"{n:g}", transform=trans, ha="center", fontsize=8, color=col, clip_on=False)
            fig = ax.figure
            fig.subplots_adjust(bottom=min(0.5, 0.22 + 0.06 * len(self.groups)),
                                left=max(fig.subplotpars.left, 0.17))
        return ax

    def _label(self, g, labels=None) -> str:
        if labels:
            for key in (g, _fmt_level(g)):
                if key in labels:
                    return str(labels[key])
            try:
                if float(g) in labels:
                    return str(labels[float(g)])
            except (TypeError, ValueError):
                pass
        return f"{self.group_var[0]}={_fmt_level(g)}" if len(self.group_var) == 1 else str(g)

    @staticmethod
    def _n_at_risk(cur: pd.DataFrame, xt) -> list[float]:
        """Number at risk at each of ``xt`` by R's rule (at the first observed time >= t; 0 after the last)."""
        t = cur["time"].to_numpy()
        nr = cur["n_risk"].to_numpy()
        j = np.searchsorted(t, np.asarray(xt, dtype=float), side="left")
        return [float(nr[k]) if k < len(t) else 0.0 for k in j]


def kaplan_meier(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    entry: str | None = None,
    group: str | Sequence[str] | None = None,
    weights: str | None = None,
    conf_level: float = 0.95,
    conf_type: str = "log",
) -> KaplanMeierResult:
    """Kaplan-Meier (product-limit) survival curves, as R's ``survfit``.

    Parameters
    ----------
    data
        One row per spell, or per (entry, duration] segment of a spell.
    duration
        Time at the end of the row (R's ``stop``); >= 0.
    event
        1 if the spell ended in failure at ``duration``, 0 if censored.
    entry
        Time the row enters the risk set (left truncation / delayed entry; R's
        ``Surv(entry, stop, event)``). The row is at risk on (entry, duration].
    group
        Column(s) defining the curves (R's ``~ group``).
    weights
        Case weights (R's ``weights =``), with Greenwood's (model-based) variance. For
        non-integer weights R's ``survfit`` switches to an infinitesimal-jackknife variance
        by default; ours equals ``survfit(..., weights = w, robust = FALSE)``.
    conf_level
        Confidence level of the bands (R's ``conf.int``).
    conf_type
        ``"log"`` (R's default), ``"log-log"`` or ``"plain"``. lifelines and Stata
        use ``"log-log"``.

    Returns
    -------
    KaplanMeierResult

    Examples
    --------
    >>> from peacestats.sources import fortna_ceasefires
    >>> d = fortna_ceasefires.load()
    >>> km = kaplan_meier(d, entry="st_t0", duration="st_t", event="st_d", group="pk_dum")
    >>> km.median()  # doctest: +SKIP

    References
    ----------
    Kaplan & Meier (1958), JASA 53: 457-481; Greenwood (1926); R ``survival::survfit``.
    """
    if conf_type not in CONF_TYPES:
        raise SpecificationError(f"conf_type must be one of {CONF_TYPES}, not {conf_type!r}")
    if not 0 < conf_level < 1:
        raise SpecificationError(f"conf_level must be between 0 and 1, not {conf_level}")
    groups = as_list(group)
    data = _unique_index(data)
    df, n_dropped = _survival_data(
        data, what="kaplan_meier", duration=duration, event=event, entry=entry, weights=weights, other=groups
    )
    labels, levels = _group_labels(df, groups)
    lab = labels.to_numpy()
    cols = {c: df[c].to_numpy() for c in ("_entry", "_stop", "_event", "_w")}
    parts, counts, n_censor_since = [], [], []
    for g in levels:
        m = lab == g
        cur = _km_arrays(*(cols[c][m] for c in ("_entry", "_stop", "_event", "_w")))
        parts.append(cur)
        counts.append({"group": g, "records": int(m.sum())})
        # R's summary(): event times only; n.censor = censored since the previous event time
        ccum = np.cumsum(cur["n_censor"])[cur["n_event"] > 0]
        n_censor_since.append(np.diff(np.concatenate([[0.0], ccum])))
    group_col = np.concatenate([np.full(len(p["time"]), g, dtype=object) for g, p in zip(levels, parts)])
    group_s = pd.Series(group_col).infer_objects()  # as a column made from a list
    arrs = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    with np.errstate(invalid="ignore"):
        arrs["std_err"] = arrs["survival"] * arrs["se_cumhaz"]  # 0 * inf = NaN, as R
    arrs["conf_low"], arrs["conf_high"] = _confint(arrs["survival"], arrs["se_cumhaz"], conf_type, conf_level)
    curve = pd.DataFrame({"group": group_s, **arrs})
    ev = arrs["n_event"] > 0
    table = pd.DataFrame({"group": group_s[ev].reset_index(drop=True),
                          **{k: arrs[k][ev] for k in ("time", "n_risk", "n_event")},
                          "n_censor": np.concatenate(n_censor_since),
                          **{k: arrs[k][ev] for k in ("survival", "std_err", "conf_low", "conf_high")}})
    options = dict(duration=duration, event=event, entry=entry, group=groups, weights=weights,
                   conf_level=conf_level, conf_type=conf_type)
    info = _data_info(df, n_dropped, event, [entry, duration, event, weights, *groups])
    return KaplanMeierResult(
        table=table,
        curve=curve,
        counts=pd.DataFrame({"group": [c["group"] for c in counts], "records": [c["records"] for c in counts]}),
        conf_type=conf_type,
        conf_level=conf_level,
        groups=levels,
        group_var=groups,
        options=options,
        data_info=info,
    )


from .logrank import LogrankResult, logrank_test  # noqa: E402 - re-exported; logrank uses only survival_data
