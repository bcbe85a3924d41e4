"""The Aalen-Johansen estimator of cumulative incidence, equal to R's multi-state ``survfit``."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._dist import norm_ppf
from ...errors import SpecificationError
from .._design import as_list
from ..result_base import ResultBase
from ..survival_data import _fmt_level, _group_labels
from ._aj_sums import aj_curve_sums
from ._data import CENSORED_LABEL, check_spells, competing_data

CONF_TYPES = ("log", "plain", "log-log")


def aj_curve(entry, stop, cause, w, n_causes: int, subject=None) -> dict[str, np.ndarray]:
    """Aalen-Johansen estimate and infinitesimal-jackknife standard errors for one group.

    The numbers of :func:`aj_curve_loop` (R's algorithm), computed by sorting and prefix
    sums (:mod:`._aj_sums`, ``O((n + T) S^2)`` instead of ``O(n T)``); the loop itself
    when the event-free curve comes within 1e-6 of zero.
    """
    out = aj_curve_sums(entry, stop, cause, w, n_causes, subject)
    return aj_curve_loop(entry, stop, cause, w, n_causes, subject) if out is None else out


def aj_curve_loop(entry, stop, cause, w, n_causes: int, subject=None,
                  start: tuple[int, np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Aalen-Johansen estimate and infinitesimal-jackknife standard errors for one group, step by step.

    States are 0 (event-free, R's "(s0)") and 1..K (the causes, absorbing); every row
    is one subject that starts in state 0 and is at risk on (entry, stop]. At each
    distinct stop time t with weighted events d_k out of Y at risk (weights w),
    H(t) has row 0 equal to (1 - sum_k d_k / Y, d_1 / Y, ..., d_K / Y) and
    p(t) = p(t-) H(t). The influence of row i on p (the derivative with respect to
    its weight) follows U_i(t) = U_i(t-) H(t) + p_0(t-) (e_{s_i(t)} - H_0(t)) / Y for
    rows at risk at t (s_i(t) is the state row i is in just after t), and
    var p_j(t) = sum_i w_i^2 U_ij(t)^2: R's ``survfitci`` C code, step for step.
    Counts (``n_risk``, ``n_event``, ``n_censor``) are numbers of rows, unweighted, as R
    reports them for multi-state curves. ``subject`` (codes 0..m-1, R's ``id``) sums the
    influence of the rows of one spell; its rows must not overlap and share one weight.
    ``start = (j, U, p)`` begins the loop at the ``j``-th distinct time with the influence
    ``U`` (subjects x states) and curve ``p`` just before it (the rows before ``j`` are
    then left empty: :mod:`._aj_sums` fills them).
    """
    S = n_causes + 1
    times = np.unique(stop)
    T = len(times)
    subj = np.arange(len(stop)) if subject is None else np.asarray(subject)
    n = int(subj.max()) + 1
    w_subj = np.zeros(n)
    w_subj[subj] = w
    p = np.zeros(S)
    p[0] = 1.0
    U = np.zeros((n, S))
    pstate = np.zeros((T, S))
    std = np.zeros((T, S))
    n_risk = np.zeros(T)
    n_event = np.zeros((T, S))
    n_censor = np.zeros(T)
    w2 = w_subj * w_subj
    j0 = 0
    if start is not None:
        j0, U, p = start[0], start[1].copy(), start[2].copy()
    for j, t in enumerate(times):
        if j < j0:
            continue
        at_risk = (entry < t) & (stop >= t)
        here = stop == t
        ev = here & (cause > 0)
        n_risk[j] = at_risk.sum()
        n_censor[j] = (here & (cause == 0)).sum()
        n_event[j] = np.bincount(cause[ev], minlength=S)
        d = np.bincount(cause[ev], weights=w[ev], minlength=S)
        if d.sum() > 0:
            ws = w[at_risk].sum()
            h = d / ws
            h[0] = 1.0 - d[1:].sum() / ws  # row 0 of H; the other rows are the identity
            # U <- U H: state 0 keeps U_0 h_00, each cause k gains U_0 h_0k
            u0 = U[:, 0].copy()
            U[:, 0] = u0 * h[0]
            U[:, 1:] += u0[:, None] * h[None, 1:]
            # + p_0(t-) dH_i: rows at risk (all in state 0) move to their state after t
            scale = p[0] / ws
            U[subj[at_risk]] -= h[None, :] * scale
            dest = np.where(ev, cause, 0)
            idx = np.flatnonzero(at_risk)
            U[subj[idx], dest[idx]] += scale
            p0 = p[0]
            p = p.copy()
            p[0] = p0 * h[0]
            p[1:] += p0 * h[1:]
        pstate[j] = p
        std[j] = np.sqrt(w2 @ (U * U))
    return dict(time=times, n_risk=n_risk, n_event=n_event, n_censor=n_censor, pstate=pstate, std_err=std)


def confint(p, se, conf_type: str, conf_level: float):
    """R's ``survival:::survfit_confint(p, se, logse = FALSE, ...)`` (``se``: SE of p itself)."""
    z = norm_ppf(1 - (1 - conf_level) / 2)
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(se == 0, 0.0, se / p)  # R: se <- ifelse(se == 0, 0, se / p)
        if conf_type == "plain":
            se2 = rel * p * z
            return np.maximum(p - se2, 0.0), np.minimum(p + se2, 1.0)
        if conf_type == "log":
            xx = np.where(p == 0, np.nan, p)
            return np.exp(np.log(xx) - z * rel), np.minimum(np.exp(np.log(xx) + z * rel), 1.0)
        if conf_type == "log-log":
            xx = np.where((p == 0) | (p == 1), np.nan, p)
            se2 = z * rel / np.log(xx)
            return np.exp(-np.exp(np.log(-np.log(xx)) - se2)), np.exp(-np.exp(np.log(-np.log(xx)) + se2))
    raise SpecificationError(f"conf_type must be one of {CONF_TYPES}, not {conf_type!r}")  # pragma: no cover


@dataclass
class CumulativeIncidenceResult(ResultBase):
    """Cumulative incidence curves of competing causes (Aalen-Johansen), by group.

    Attributes
    ----------
    curve : pandas.DataFrame
        Long format, one row per group, distinct stop time and state, as R's
        ``survfit`` object: ``group, time, state, estimate`` (R's ``pstate``),
        ``std_error`` (R's ``std.err``, infinitesimal jackknife), ``conf_low``,
        ``conf_high``, ``n_risk`` (rows event-free and at risk just before ``time``),
        ``n_event`` (rows entering the state at ``time``; for ``"(s0)"``: rows leaving it,
        all causes) and ``n_censor`` (rows censored at ``time``).
    states : list of str
        ``"(s0)"`` (event-free: the spell has not ended) then the causes, as labelled in R.
    causes : list
        The cause codes in the data, in the order of ``states[1:]``.
    groups : list
        The group labels (``["all"]`` without ``group``).
    conf_type, conf_level : str, float
        How the confidence intervals are built.
    """

    curve: pd.DataFrame
    states: list[str]
    causes: list
    groups: list
    group_var: list[str]
    conf_type: str
    conf_level: float
    counts: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)
    data_info: dict[str, Any] = field(default_factory=dict)
    citations: tuple[str, ...] = ("aalen_johansen",)

    # ------------------------------------------------------------------ numbers
    def tidy(self) -> pd.DataFrame:
        """Every curve at every distinct time, long format.

        Columns ``time, group, state, estimate, std_error, conf_low, conf_high, n_risk,
        n_event``; ``state`` is ``"(s0)"`` (still at peace) or a cause. The estimates
        of one group and time add up to 1 across states.
        """
        cols = ["time", "group", "state", "estimate", "std_error", "conf_low", "conf_high", "n_risk", "n_event"]
        return self.curve[cols].reset_index(drop=True)

    def wide(self, what: str = "estimate") -> pd.DataFrame:
        """One column per state (``what``: ``estimate``, ``std_error``, ``conf_low``, ``conf_high``),
        one row per group and time: R's ``fit$pstate`` (or ``std.err``, ``lower``, ``upper``)."""
        c = self.curve
        n = len(self.states)
        out = c.loc[c["state"] == self.states[0], ["group", "time"]].reset_index(drop=True)
        vals = c[what].to_numpy().reshape(-1, n)  # rows are stored group, time, state in order
        for j, st in enumerate(self.states):
            out[st] = vals[:, j]
        return out

    def at(self, times) -> pd.DataFrame:
        """The curves at chosen times, as R's ``summary(fit, times = ...)``.

        Per group, time *t* and state: the estimate and its standard error and interval
        at the last observed time <= *t* (the starting values before the first one),
        ``n_risk`` at the first observed time >= *t* (R's rule) and ``n_event``, the
        rows entering the state after the previous requested time up to *t* (for
        ``"(s0)"``: leaving it). As R (``extend = FALSE``), times after a group's last
        observed time are left out for that group. Before the first observed time the
        estimate is the starting value (1 for ``"(s0)"``, 0 for a cause) with standard
        error 0 and the interval [estimate, estimate]; R prints 0 for both bounds there,
        which for ``"(s0)"`` is not an interval around its estimate of 1.
        """
        times = np.sort(np.unique(np.atleast_1d(np.asarray(times, dtype=float))))
        if np.any(~np.isfinite(times)):
            raise SpecificationError("at: times must be finite numbers")
        rows = []
        for g in self.groups:
            cur = self.curve[self.curve["group"] == g]
            for st in self.states:
                c = cur[cur["state"] == st]
                t = c["time"].to_numpy()
                cum = np.cumsum(c["n_event"].to_numpy())
                prev = 0.0
                start = 1.0 if st == CENSORED_LABEL else 0.0
                for tt in times[times <= t[-1]]:
                    k = np.searchsorted(t, tt, side="right") - 1
                    j = np.searchsorted(t, tt, side="left")
                    if k >= 0:
                        est, se, lo, hi = (float(c[x].iloc[k])
                                           for x in ("estimate", "std_error", "conf_low", "conf_high"))
                    else:  # before the first observed time nothing can have happened: an exact value
                        est, se, lo, hi = start, 0.0, start, start
                    ncum = float(cum[k]) if k >= 0 else 0.0
                    rows.append({"time": tt, "group": g, "state": st, "estimate": est, "std_error": se,
                                 "conf_low": lo, "conf_high": hi, "n_risk": float(c["n_risk"].iloc[j]),
                                 "n_event": ncum - prev})
                    prev = ncum
        out = pd.DataFrame(rows)
        if len(out):
            order = {s: i for i, s in enumerate(self.states)}
            gorder = {g: i for i, g in enumerate(self.groups)}
            out = out.sort_values(["group", "time", "state"], key=lambda s: s.map(gorder) if s.name == "group"
                                  else (s.map(order) if s.name == "state" else s), kind="mergesort")
        return out.reset_index(drop=True)

    def glance(self) -> pd.DataFrame:
        """One row per group: rows, events by cause, censored rows, last time, and the
        cumulative incidence of each cause at that last time."""
        rows = []
        for g in self.groups:
            cur = self.curve[self.curve["group"] == g]
            last = cur[cur["time"] == cur["time"].max()]
            row: dict[str, Any] = {"model": "Aalen-Johansen", "group": g,
                                   "n": int(self.counts.loc[self.counts["group"] == g, "records"].iloc[0])}
            for st in self.states[1:]:
                row[f"n_events_{st}"] = float(cur.loc[cur["state"] == st, "n_event"].sum())
            row["n_censored"] = float(cur.loc[cur["state"] == CENSORED_LABEL, "n_censor"].sum())
            row["time_max"] = float(cur["time"].max())
            for st in self.states[1:]:
                row[f"cif_{st}"] = float(last.loc[last["state"] == st, "estimate"].iloc[0])
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def provenance(self) -> dict[str, Any]:
        from ..results import package_versions

        return {"model": "Aalen-Johansen cumulative incidence", "options": dict(self.options),
                "data": dict(self.data_info), "versions": package_versions(), "citations": list(self.citations)}

    # ------------------------------------------------------------------ display
    def _title(self) -> str:
        o = self.options
        s = f"Surv({o['entry'] + ', ' if o.get('entry') else ''}{o['stop']}, {o['event']})"
        rhs = " + ".join(self.group_var) if self.group_var else "1"
        return f"Cumulative incidence (Aalen-Johansen): {s} ~ {rhs}"

    def _foot(self) -> str:
        s = (f"{int(round(self.conf_level * 100))}% intervals: conf_type = {self.conf_type!r} on the "
             "infinitesimal-jackknife standard error; states: " + ", ".join(self.states))
        if self.data_info.get("n_dropped"):
            s += f"; {self.data_info['n_dropped']} rows with a missing group dropped"
        return s

    def _summary_times(self) -> np.ndarray:
        tmax = float(self.curve["time"].max())
        ticks = np.quantile(self.curve["time"].unique(), [0.25, 0.5, 0.75, 1.0])
        return np.unique(np.minimum(ticks, tmax))

    def _summary_table(self) -> pd.DataFrame:
        a = self.at(self._summary_times())
        a = a[a["state"] != CENSORED_LABEL]
        a = a.assign(group=[_fmt_level(v) for v in a["group"]], time=[f"{v:g}" for v in a["time"]],
                     n_risk=[f"{v:g}" for v in a["n_risk"]])
        return a[["group", "time", "state", "estimate", "std_error", "conf_low", "conf_high", "n_risk"]]

    def summary(self) -> str:
        """Plain text: counts by group and the cumulative incidence of each cause at four times."""
        fmt = lambda v: f"{v:.4f}"  # noqa: E731
        g = self.glance().drop(columns="model").assign(group=lambda d: [_fmt_level(v) for v in d["group"]])
        return "\n".join([self._title(), "", g.to_string(index=False, float_format=lambda v: f"{v:g}"), "",
                          self._summary_table().to_string(index=False, float_format=fmt), "", self._foot()])

    def _repr_html_(self) -> str:
        tab = self._summary_table().to_html(index=False, float_format=lambda v: f"{v:.4f}", border=0)
        return (f"<div><strong>{html.escape(self._title())}</strong>{tab}"
                f"<p>{html.escape(self._foot())}; every time in <code>.tidy()</code>.</p></div>")

    def plot(self, ax=None, kind: str = "lines", ci: bool = True, labels: dict | None = None,
             group_labels: dict | None = None):
        """Plot the cumulative incidence curves; returns the axes.

        Parameters
        ----------
        ax
            Matplotlib axes (default: a new figure). For ``kind="stacked"`` with several
            groups, a sequence of axes, one per group.
        kind
            ``"lines"``: one step curve per cause (and group), with confidence bands.
            ``"stacked"``: per group, the causes stacked on each other and the event-free
            probability on top, so each vertical slice adds up to 1.
        ci
            Shade the confidence bands (``kind="lines"``).
        labels
            ``{cause: label}`` for the legend (``{1: "same conflict", 2: "other conflict"}``).
        group_labels
            ``{group value: label}`` (default ``"<group>=<value>"``).

        Returns
        -------
        matplotlib.axes.Axes, or a list of axes (``kind="stacked"`` with several groups)
        """
        import matplotlib.pyplot as plt
        import seaborn as sns

        cause_names = {_fmt_level(k): str(v) for k, v in (labels or {}).items()}
        group_names = {_fmt_level(k): str(v) for k, v in (group_labels or {}).items()}
        lab = lambda st: cause_names.get(st, st)  # noqa: E731

        def glab(g) -> str:
            key = _fmt_level(g)
            if key in group_names:
                return group_names[key]
            return f"{self.group_var[0]}={key}" if len(self.group_var) == 1 else str(g)

        causes = self.states[1:]
        if kind == "lines":
            if ax is None:
                _, ax = plt.subplots(figsize=(7, 4.5))
            colors = sns.color_palette(n_colors=len(causes))
            styles = ["-", "--", ":", "-."]
            for gi, g in enumerate(self.groups):
                cur = self.curve[self.curve["group"] == g]
                for st, col in zip(causes, colors):
                    c = cur[cur["state"] == st]
                    t = np.concatenate([[0.0], c["time"].to_numpy()])
                    y = np.concatenate([[0.0], c["estimate"].to_numpy()])
                    name = lab(st) if not self.group_var else f"{lab(st)}, {glab(g)}"
                    ax.step(t, y, where="post", color=col, linestyle=styles[gi % len(styles)], label=name)
                    if ci:
                        lo = np.concatenate([[0.0], c["conf_low"].fillna(0.0).to_numpy()])
                        hi = np.concatenate([[0.0], c["conf_high"].fillna(0.0).to_numpy()])
                        ax.fill_between(t, lo, hi, step="post", color=col, alpha=0.12, linewidth=0)
            ax.set_ylim(0, 1.0)
            ax.set_xlim(left=0)
            ax.set_ylabel("Cumulative incidence")
            ax.set_xlabel(self.options.get("stop", "time"))
            ax.legend(frameon=False)
            ax.set_title(self._title())
            return ax
        if kind != "stacked":
            raise SpecificationError(f"plot: kind must be 'lines' or 'stacked', not {kind!r}")
        k = len(self.groups)
        if ax is None:
            _, grid = plt.subplots(1, k, figsize=(5 * k, 4.5), squeeze=False, sharey=True)
            axes = list(grid[0])
        else:
            axes = list(ax) if isinstance(ax, (Sequence, np.ndarray)) else [ax]
            if len(axes) != k:
                raise SpecificationError(f"plot(kind='stacked'): give {k} axes, one per group")
        colors = sns.color_palette(n_colors=len(causes)) + [(0.85, 0.85, 0.85)]
        for a, g in zip(axes, self.groups):
            w = self.wide().query("group == @g")
            t = np.concatenate([[0.0], w["time"].to_numpy()])
            ys = [np.concatenate([[0.0], w[st].to_numpy()]) for st in causes]
            ys.append(np.concatenate([[1.0], w[CENSORED_LABEL].to_numpy()]))
            a.stackplot(t, *ys, labels=[lab(s) for s in causes] + ["no event yet"], colors=colors, step="post")
            a.set_ylim(0, 1)
            a.set_xlim(left=0)
            a.set_xlabel(self.options.get("stop", "time"))
            a.set_title(glab(g) if self.group_var else "all")
        axes[0].set_ylabel("Probability (stacked)")
        axes[-1].legend(frameon=True, loc="lower right")
        return axes[0] if k == 1 else axes


def cumulative_incidence(
    data: pd.DataFrame,
    *,
    stop: str,
    event: str,
    entry: str | None = None,
    group: str | Sequence[str] | None = None,
    weights: str | None = None,
    id: str | None = None,
    causes: Sequence | None = None,
    conf_level: float = 0.95,
    conf_type: str = "log",
) -> CumulativeIncidenceResult:
    """Cumulative incidence of competing causes: the Aalen-Johansen estimator, as R's ``survfit``.

    Peace can end in more than one way: the same conflict recurs, or a different
    conflict starts in the location. The cumulative incidence of a cause at *t* is the
    probability that a spell has ended by *t* in that way; one minus a Kaplan-Meier
    curve that treats the other causes as censored overstates it. This equals R's
    ``survfit(Surv(entry, stop, factor(event)) ~ group, data, weights = w, id = row)``:
    ``pstate`` for every state (the event-free state ``"(s0)"`` and each cause),
    ``std.err`` (R's default infinitesimal-jackknife variance), ``n.risk``,
    ``n.event`` and ``n.censor``.

    Parameters
    ----------
    data
        One row per spell.
    stop
        Time at the end of the row (>= 0).
    event
        0 = censored; any other value is a cause (numbers or text). Causes are ordered
        as R orders the levels of ``factor(event)``: numbers numerically, text
        alphabetically (R in the C locale); ``causes=`` sets the order.
    entry
        Delayed entry: the row is at risk on (entry, stop]. A row entering at *t* is not
        at risk at *t*.
    group
        Column(s) defining the curves (R's ``~ group``). Rows with a missing group are
        dropped and counted in ``data_info["n_dropped"]``.
    weights
        Case weights (>= 0), R's ``weights =``. Estimates and variances use them; the
        counts ``n_risk``, ``n_event``, ``n_censor`` are numbers of rows, as R reports.
    id
        The spell of each row when spells are split into (entry, stop] segments (R's
        ``id =``): the standard errors sum the influence of a spell's rows. As R requires,
        the segments must follow each other without gaps or overlaps and only the last may
        end in an event; here they must also share one weight. The group may change
        between segments (each segment counts in its group's curve, as in R). Without
        ``id`` each row is a spell.
    causes
        The causes in the order wanted (every non-zero code in the data must be listed).
    conf_level
        Confidence level of the intervals.
    conf_type
        ``"log"`` (R's default for ``survfit``, also for multi-state curves: the interval
        of log p, from ``se / p``, capped at 1), ``"plain"`` (p +- z se, cut to [0, 1]) or
        ``"log-log"``.

    Returns
    -------
    CumulativeIncidenceResult
        ``tidy()``, ``wide()``, ``at(times)``, ``glance()``, ``summary()``, ``plot()``.

    Raises
    ------
    SurvivalDataError
        A negative or missing time, ``entry >= stop``, a missing event code, a code not in
        ``causes``; the message names the column and the row.

    Notes
    -----
    Without ``id`` each row is one spell (R's ``id`` = row). Times are compared exactly
    (R's ``timefix`` is not applied): use integer days.

    Cause-specific hazards need no new code: fit :func:`peacestats.models.cox.coxph` with
    the other causes as censored, e.g. ``coxph("war", d.assign(recur=(d.cause == 1) * 1),
    stop="duration", event="recur")``. For covariate effects on the cumulative incidence
    itself, see :func:`finegray`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"days": [5, 8, 8, 12, 20, 25], "end": [1, 2, 0, 1, 0, 2]})
    >>> ci = cumulative_incidence(d, stop="days", event="end")
    >>> ci.at([10]).query("state != '(s0)'")[["state", "estimate"]].round(4).to_string(index=False)
    'state  estimate\\n    1    0.1667\\n    2    0.1667'

    References
    ----------
    Aalen, O.O. & Johansen, S. (1978). An empirical transition matrix for non-homogeneous
    Markov chains based on censored observations. *Scandinavian Journal of Statistics*
    5: 141-150. Therneau, T., Crowson, C. & Atkinson, E., "Multi-state models and
    competing risks", vignette of the R package ``survival``.
    """
    if conf_type not in CONF_TYPES:
        raise SpecificationError(f"conf_type must be one of {CONF_TYPES}, not {conf_type!r}")
    if not 0 < conf_level < 1:
        raise SpecificationError(f"conf_level must be between 0 and 1, not {conf_level}")
    groups = as_list(group)
    df, levels, n_dropped = competing_data(
        data, what="cumulative_incidence", stop=stop, event=event, entry=entry, weights=weights,
        causes=causes, other=groups + as_list(id), drop_missing=groups,
    )
    if id is not None:
        check_spells(df, id, "cumulative_incidence")
    states = [CENSORED_LABEL] + [_fmt_level(c) for c in levels]
    labels, glevels = _group_labels(df, groups)
    K = len(levels)
    parts, counts = [], []
    for g in glevels:
        m = (labels == g).to_numpy()
        e, s, c, w = (df[x].to_numpy()[m] for x in ("_entry", "_stop", "_cause", "_w"))
        subject = pd.factorize(df[id].to_numpy()[m])[0] if id is not None else None
        r = aj_curve(e, s, c, w, K, subject)
        T = len(r["time"])
        nev = r["n_event"].copy()
        nev[:, 0] = nev[:, 1:].sum(axis=1)  # rows leaving the event-free state
        lo, hi = confint(r["pstate"], r["std_err"], conf_type, conf_level)
        parts.append(pd.DataFrame({
            "group": [g] * (T * (K + 1)),
            "time": np.repeat(r["time"], K + 1),
            "state": np.tile(states, T),
            "estimate": r["pstate"].ravel(),
            "std_error": r["std_err"].ravel(),
            "conf_low": lo.ravel(),
            "conf_high": hi.ravel(),
            "n_risk": np.repeat(r["n_risk"], K + 1),
            "n_event": nev.ravel(),
            "n_censor": np.repeat(r["n_censor"], K + 1),
        }))
        counts.append({"group": g, "records": int(m.sum())})
    options = dict(stop=stop, event=event, entry=entry, group=groups, weights=weights, id=id, causes=levels,
                   conf_level=conf_level, conf_type=conf_type)
    return CumulativeIncidenceResult(
        curve=pd.concat(parts, ignore_index=True), states=states, causes=levels, groups=glevels,
        group_var=groups, conf_type=conf_type, conf_level=conf_level, counts=pd.DataFrame(counts),
        options=options, data_info={"n": int(len(df)), "n_spells": int(df[id].nunique()) if id else int(len(df)),
                                         "n_dropped": n_dropped},
    )
