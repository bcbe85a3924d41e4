"""The log-rank test (R's ``survdiff``), with strata, weights and the test for trend.

Re-exported by :mod:`peacestats.models.km` (``from peacestats.models.km import logrank_test``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._dist import chi2_sf
from ..errors import SpecificationError, SurvivalDataError
from .frame import as_list
from .result_base import ResultBase
from .survival_data import (
    _data_info,
    _group_labels,
    _risk_counts,
    _show,
    _survival_data,
    _unique_index,
)

__all__ = ["logrank_test", "LogrankResult"]


@dataclass
class LogrankResult(ResultBase):
    """Log-rank test (R's ``survdiff``), with the trend test when asked.

    Attributes
    ----------
    table : pandas.DataFrame
        Per group: ``group, n, observed, expected, oe2_e`` ((O-E)^2/E), ``oe2_v`` ((O-E)^2/V),
        as ``print(survdiff(...))``.
    chisq, df, p_value : float, int, float
        The log-rank chi-square test of equal survival across groups.
    var : numpy.ndarray
        The variance matrix of O - E (R's ``survdiff(...)$var``).
    trend_chisq, trend_p_value : float or None
        Test for trend across ordered groups (1 df), when ``trend`` was asked.
    """

    table: pd.DataFrame
    chisq: float
    df: int
    p_value: float
    var: np.ndarray
    scores: np.ndarray | None = None
    trend_chisq: float | None = None
    trend_p_value: float | None = None
    trend_u: float | None = None
    trend_var: float | None = None
    n_strata: int = 1
    options: dict[str, Any] = field(default_factory=dict)
    data_info: dict[str, Any] = field(default_factory=dict)
    citations: tuple[str, ...] = ("logrank",)

    def tidy(self) -> pd.DataFrame:
        """Per-group observed and expected events (as ``broom::tidy(survdiff)``)."""
        return self.table.copy()

    def glance(self) -> pd.DataFrame:
        """The test(s): one row each, ``test, statistic, df, p_value``."""
        rows = [{"test": "log-rank", "statistic": self.chisq, "df": self.df, "p_value": self.p_value}]
        if self.trend_chisq is not None:
            rows.append({"test": "trend", "statistic": self.trend_chisq, "df": 1, "p_value": self.trend_p_value})
        return pd.DataFrame(rows)

    @property
    def test(self):
        """The log-rank test as a :class:`~peacestats.models.results.TestResult`."""
        from .results import TestResult

        return TestResult(self.chisq, self.df, self.p_value, "log-rank")

    @property
    def trend_test(self):
        """The trend test (1 df) as a :class:`~peacestats.models.results.TestResult`, or None."""
        from .results import TestResult

        return None if self.trend_chisq is None else TestResult(self.trend_chisq, 1, self.trend_p_value, "trend")

    @property
    def provenance(self) -> dict[str, Any]:
        from .results import provenance_record

        return provenance_record("log-rank test", self.options, self.data_info, self.citations)

    def _title(self) -> str:
        o = self.options
        s = f"Surv({o['entry'] + ', ' if o.get('entry') else ''}{o['duration']}, {o['event']})"
        rhs = " + ".join(o["group"])
        if o.get("strata"):
            rhs += " + strata(" + ", ".join(o["strata"]) + ")"
        return f"Log-rank test: {s} ~ {rhs}"

    def _lines(self) -> list[str]:
        out = [f"Chisq = {self.chisq:.4f} on {self.df} degrees of freedom, p = {self.p_value:.4g}"]
        if self.trend_chisq is not None and self.scores is not None:
            sc = ", ".join(f"{v:g}" for v in self.scores)
            out.append(f"Test for trend (scores {sc}): chi2(1) = {self.trend_chisq:.4f}, p = {self.trend_p_value:.4g}")
        if self.n_strata > 1:
            out.append(f"Stratified: {self.n_strata} strata")
        if self.data_info.get("n_dropped"):
            out.append(f"{self.data_info['n_dropped']} rows with missing values dropped")
        return out

    def summary(self) -> str:
        tab = _show(self.table).to_string(index=False, float_format=lambda v: f"{v:.4f}")
        return "\n".join([self._title(), "", tab, "", *self._lines()])

    def _repr_html_(self) -> str:
        tab = _show(self.table).to_html(index=False, float_format=lambda v: f"{v:.4f}", border=0)
        foot = "<br>".join(html.escape(s) for s in self._lines())
        return f"<div><strong>{html.escape(self._title())}</strong>{tab}<p>{foot}</p></div>"


def _logrank_stratum(entry, stop, event, w, gidx, k):
    """O, E and V (k x k) over the event times of one stratum."""
    ev_times = np.unique(stop[event > 0])
    if len(ev_times) == 0:
        return np.zeros(k), np.zeros(k), np.zeros((k, k))
    nj = np.column_stack(
        [_risk_counts(entry[gidx == j], stop[gidx == j], w[gidx == j], ev_times) for j in range(k)]
    )  # T x k at risk by group
    pos = np.searchsorted(ev_times, stop)
    is_ev = (event > 0) & (pos < len(ev_times))
    is_ev[is_ev] &= ev_times[pos[is_ev]] == stop[is_ev]
    dj = np.zeros((len(ev_times), k))
    np.add.at(dj, (pos[is_ev], gidx[is_ev]), w[is_ev])
    n = nj.sum(axis=1)
    d = dj.sum(axis=1)
    frac = nj / n[:, None]
    obs = dj.sum(axis=0)
    exp = (d[:, None] * frac).sum(axis=0)
    # hypergeometric variance; the tie factor (n - d)/(n - 1) is 0 when n <= 1
    with np.errstate(divide="ignore", invalid="ignore"):
        tie = np.where(n > 1, (n - d) / (n - 1), 0.0)
    c = d * tie
    var = np.einsum("t,tj,jk->jk", c, frac, np.eye(k)) - np.einsum("t,tj,tk->jk", c, frac, frac)
    return obs, exp, var


def logrank_test(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    group: str | Sequence[str],
    strata: str | Sequence[str] | None = None,
    entry: str | None = None,
    trend: bool | Sequence[float] = False,
    weights: str | None = None,
) -> LogrankResult:
    """Log-rank test of equal survival across groups, as R's ``survdiff``.

    At each event time *t* (within a stratum), with n_jt at risk and d_jt events in
    group j (n_t, d_t in total): E_j = sum_t d_t n_jt / n_t and
    V_jk = sum_t d_t (n_t - d_t)/(n_t - 1) (n_jt/n_t)(1[j=k] - n_kt/n_t). The statistic
    is (O - E)' V^- (O - E) over the groups with E_j > 0 less the first, on
    (number of such groups - 1) df. Strata add their O, E and V (``survdiff(... +
    strata(s))``).

    Parameters
    ----------
    data, duration, event
        As :func:`kaplan_meier`.
    group
        Column(s) whose values define the groups compared.
    strata
        Column(s): compare groups within strata and add up (stratified log-rank).
    entry
        Delayed entry (R's ``survdiff`` allows right-censored data only; here a row is
        at risk on (entry, duration], the risk set of the Cox score test, which equals
        the log-rank test when event times are untied).
    trend
        ``True``: also test for a trend across ordered groups with the group values as
        scores (Stata's ``sts test, trend``); or a sequence of scores, one per group in
        sorted order. The statistic is U^2 / (s' V s) with U = s'(O - E) summed over
        strata, on 1 df; it equals the score test of ``coxph(Surv(t, d) ~ score,
        ties = "exact")``.
    weights
        Case (frequency) weights: all counts are sums of weights, so integer weights
        give the same test as repeating rows. (R's ``survdiff`` takes no weights.)

    Returns
    -------
    LogrankResult

    References
    ----------
    Mantel (1966); Peto & Peto (1972); R ``survival::survdiff``; Stata ``sts test``
    (the trend test: Collett, *Modelling Survival Data in Medical Research*, 3rd ed., 2.7).
    """
    groups = as_list(group)
    if not groups:
        raise SpecificationError("logrank_test: give `group`, the column(s) whose curves are compared")
    strat = as_list(strata)
    data = _unique_index(data)
    df, n_dropped = _survival_data(
        data, what="logrank_test", duration=duration, event=event, entry=entry, weights=weights,
        other=list(dict.fromkeys(groups + strat)),
    )
    labels, levels = _group_labels(df, groups)
    k = len(levels)
    if k < 2:
        raise SpecificationError(
            f"logrank_test: {groups} has a single value ({levels[0]!r}) in the rows used; "
            "a log-rank test needs two or more groups"
        )
    if df["_event"].sum() == 0:
        raise SurvivalDataError("logrank_test: no events in the data (every row is censored); nothing to test")
    gidx = pd.Categorical(labels, categories=levels).codes.astype(int)
    slabels, slevels = _group_labels(df, strat)
    e_, s_, d_, w_ = (df[c].to_numpy() for c in ("_entry", "_stop", "_event", "_w"))
    obs, E, V = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for sl in slevels:
        m = (slabels == sl).to_numpy()
        o, e, v = _logrank_stratum(e_[m], s_[m], d_[m], w_[m], gidx[m], k)
        obs += o
        E += e
        V += v
    chisq, dof, p = _logrank_chisq(obs, E, V)
    n_by = np.bincount(gidx, minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(
            {
                "group": levels,
                "n": n_by,
                "observed": obs,
                "expected": E,
                "oe2_e": (obs - E) ** 2 / E,
                "oe2_v": (obs - E) ** 2 / np.diag(V),
            }
        )
    res = LogrankResult(
        table=table, chisq=chisq, df=dof, p_value=p, var=V, n_strata=len(slevels),
        options=dict(duration=duration, event=event, entry=entry, group=groups, strata=strat,
                     weights=weights, trend=trend if isinstance(trend, bool) else list(trend)),
        data_info=_data_info(df, n_dropped, event, [entry, duration, event, weights, *groups, *strat]),
    )
    if trend is not False and trend is not None:
        scores = _trend_scores(trend, groups, levels)
        u = float(scores @ (obs - E))
        vt = float(scores @ V @ scores)
        if not vt > 0:
            raise SpecificationError("logrank_test: the trend variance is 0 (all scores equal?)")
        res.scores = scores
        res.trend_u, res.trend_var = u, vt
        res.trend_chisq = u * u / vt
        res.trend_p_value = float(chi2_sf(res.trend_chisq, 1))
    return res


def _logrank_chisq(obs: np.ndarray, E: np.ndarray, V: np.ndarray) -> tuple[float, int, float]:
    """The log-rank chi-square over the groups with expected events, its df and p-value (R's ``survdiff``)."""
    use = E > 0
    dof = int(use.sum()) - 1
    if dof < 1:
        chisq = 0.0
    else:
        diff = (obs - E)[use][1:]
        vv = V[np.ix_(use, use)][1:, 1:]
        try:
            chisq = float(diff @ np.linalg.solve(vv, diff))
        except np.linalg.LinAlgError:
            chisq = float(diff @ np.linalg.pinv(vv) @ diff)
    p = float(chi2_sf(chisq, dof)) if dof >= 1 else 1.0
    return chisq, dof, p


def _trend_scores(trend: Any, groups: list[str], levels: list[Any]) -> np.ndarray:
    """The scores of the trend test: the group values (``trend=True``) or the given list, one per group."""
    k = len(levels)
    if trend is True:
        if len(groups) != 1:
            raise SpecificationError("logrank_test: trend=True needs a single numeric group column; pass scores")
        try:
            scores = np.asarray([float(v) for v in levels])
        except (TypeError, ValueError) as exc:
            raise SpecificationError(
                f"logrank_test: trend=True uses the values of {groups[0]!r} as scores, but they are not "
                "numeric; pass trend=[score for each group in sorted order]"
            ) from exc
    else:
        scores = np.asarray(list(trend), dtype=float)
        if scores.shape != (k,):
            raise SpecificationError(
                f"logrank_test: trend needs {k} scores (groups {levels}), got {len(scores)}")
    return scores
