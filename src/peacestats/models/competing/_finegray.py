"""The Fine-Gray subdistribution hazard model, equal to ``survival::finegray`` + weighted ``coxph`` in R."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
import pandas as pd

from ...errors import SpecificationError, SurvivalDataError
from .. import frame as _design
from ..formula import check_surv_arguments
from ..cox import CoxResult, coxph
from ..km import _km_curve
from ..survival_data import _fmt_level, _row_label
from ._data import competing_data


def _km_drops(entry, stop, event) -> tuple[np.ndarray, np.ndarray]:
    """Times where an unweighted product-limit curve on (entry, stop] drops, and its value there
    (R's ``fit$time[fit$n.event > 0]`` and ``fit$surv[fit$n.event > 0]``)."""
    cur = _km_curve(entry, stop, event.astype(float), np.ones(len(stop)))
    jump = cur["n_event"].to_numpy() > 0
    return cur["time"].to_numpy()[jump], cur["survival"].to_numpy()[jump]


def _censoring_weights(start_idx, stop_idx, status, first, last, delay):
    """The censoring (and, with delayed entry, truncation) distribution R's ``finegray`` uses.

    Times are ranks in the sorted distinct start and stop times, with events moved 0.2
    earlier so that at a tie events come before censorings. G is the Kaplan-Meier curve
    of censoring (the last row of a spell ending with status 0); with delayed entry it is
    multiplied by the reverse-time Kaplan-Meier curve of the entry times (first rows).
    Returns the ranks where the product changes and its value after each.
    """
    st = stop_idx - np.where(status != 0, 0.2, 0.0)
    ctime, csurv = _km_drops(start_idx, st, last & (status == 0))
    if not delay:
        return ctime, csurv
    htime, hsurv = _km_drops(-st, -start_idx, first)
    dtime = -htime[::-1]
    dprob = np.concatenate([hsurv[::-1][1:], [1.0]])
    cprob = np.concatenate([[1.0], csurv])
    temp = np.unique(np.concatenate([dtime, ctime]))
    i1 = np.searchsorted(dtime, temp, side="right")  # R's findInterval, 1-based
    i2 = np.searchsorted(ctime, temp, side="right")
    return temp, dprob[i1 - 1] * cprob[i2]


def _expand(start, stop, ct2, cp2, extend, keep):
    """R's C routine ``finegray``: rows of competing events continue with decreasing weights.

    Returns, per output row, the input row, start, end and weight.
    """
    rows, s_out, e_out, w_out = [], [], [], []
    ncut = len(cp2)
    for i in range(len(start)):
        rows.append(i)
        s_out.append(start[i])
        e_out.append(stop[i])
        w_out.append(1.0)
        if extend[i]:
            j = int(np.searchsorted(ct2, stop[i], side="left"))  # first cut >= stop
            e_out[-1] = ct2[j]
            base = cp2[j]
            for jj in range(j + 1, ncut):
                if keep[jj]:
                    rows.append(i)
                    s_out.append(ct2[jj - 1])
                    e_out.append(ct2[jj])
                    w_out.append(cp2[jj] / base)
    return np.asarray(rows), np.asarray(s_out, float), np.asarray(e_out, float), np.asarray(w_out, float)


def finegray_data(
    data: pd.DataFrame,
    *,
    stop: str,
    event: str,
    cause,
    entry: str | None = None,
    id: str | None = None,
    weights: str | None = None,
    columns: list[str] | None = None,
    prefix: str = "fg",
) -> pd.DataFrame:
    """The expanded data of the Fine-Gray model, equal to R's ``survival::finegray``.

    A spell that ends in a competing cause stays in the risk set of ``cause`` after it
    ends, with a weight that falls as the censoring distribution G does: from its end to
    the next cut it keeps weight 1, then one row per interval between censoring times that
    holds an event of ``cause``, with weight G(start of the interval) / G(its end). With
    delayed entry G is multiplied by the distribution of entry times (R's reverse-time
    Kaplan-Meier curve), as R does.

    Parameters
    ----------
    data
        One row per spell, or per (entry, stop] segment of a spell with ``id``.
    stop, event, entry
        As :func:`cumulative_incidence` (0 = censored, other values are causes).
    cause
        The cause of interest (R's ``etype``): a value of ``event``.
    id
        The spell of each row when spells are split into segments (R requires ``id`` for
        (start, stop] data; without it each row is its own spell).
    weights
        Case weights; they multiply ``fgwt`` (R's ``weights =``). G itself is unweighted, as in R.
    columns
        Columns of ``data`` to carry into the expanded rows (default: all).
    prefix
        Names of the new columns: ``fgstart, fgstop, fgstatus, fgwt``.

    Returns
    -------
    pandas.DataFrame
        One row per (start, stop] piece, the input columns first, then ``fgstart``,
        ``fgstop``, ``fgstatus`` (1 for an event of ``cause``) and ``fgwt``; the index
        is the input row each piece comes from. Fit the model with
        ``coxph(x, fg, start="fgstart", stop="fgstop", event="fgstatus", weights="fgwt")``.

    Raises
    ------
    SurvivalDataError
        Bad times or codes (see :func:`cumulative_incidence`), a ``cause`` not in the data,
        or split spells with gaps or with an event before their last row.

    Notes
    -----
    Rows with missing covariates are kept, as R's ``finegray`` keeps them (``na.pass``):
    they count in G; the Cox fit then drops them. Times are compared exactly (no ``timefix``).
    R decides that entry is delayed by looking at the rows in the wrong order when spells
    have several rows (``Y[first, 1]`` on unsorted data); here the first row of each spell
    is used. With one row per spell the two agree.

    References
    ----------
    Fine, J.P. & Gray, R.J. (1999). JASA 94: 496-509; Geskus, R.B. (2011). Cause-specific
    cumulative incidence estimation and the Fine and Gray model under both left truncation
    and right censoring. Biometrics 67: 39-49; R ``survival::finegray``.
    """
    what = "finegray"
    df, levels, _ = competing_data(data, what=what, stop=stop, event=event, entry=entry, weights=weights,
                                   other=[id] if id else [])
    data = data.loc[df.index]
    matches = [k for k, c in enumerate(levels, start=1) if _fmt_level(c) == _fmt_level(cause)]
    if not matches:
        raise SurvivalDataError(
            f"{what}: cause={cause!r} is not a value of column {event!r}; its causes are {levels} (0 = censored)"
        )
    enum = matches[0]
    y1 = df["_entry"].to_numpy()
    y2 = df["_stop"].to_numpy()
    status = df["_cause"].to_numpy()
    n = len(df)
    first = np.ones(n, bool)
    last = np.ones(n, bool)
    delay = False
    if entry is None:
        lo = y2.min()
        y1 = np.full(n, 0.0 if lo > 0 else 2 * lo - 1)
    elif id is not None:
        ids = pd.factorize(df[id])[0]
        order = np.lexsort((y2, ids))
        so = ids[order]
        is_first = np.r_[True, so[1:] != so[:-1]]
        is_last = np.r_[so[1:] != so[:-1], True]
        bad = np.flatnonzero(~is_last & (status[order] != 0))
        if bad.size:
            raise SurvivalDataError(
                f"{what}: the spell {id!r} = {df[id].iloc[order[bad[0]]]!r} ends ({event!r} != 0) at "
                f"{_row_label(df.index[order[bad[0]]])}, which is not its last row"
            )
        gap = np.flatnonzero(~is_last & (y1[order][np.r_[1:n, 0]] != y2[order]))
        if gap.size:
            raise SurvivalDataError(
                f"{what}: the spell {id!r} = {df[id].iloc[order[gap[0]]]!r} has a gap or overlap after "
                f"{_row_label(df.index[order[gap[0]]])}: its next row must start where this one stops"
            )
        first[:] = False
        last[:] = False
        first[order[is_first]] = True
        last[order[is_last]] = True
    if entry is not None:
        delay = bool(np.any(y1[first] > y2.min()))
    utime = np.unique(np.concatenate([y1, y2]))
    i1 = np.searchsorted(utime, y1, side="right").astype(float)  # findInterval: 1-based ranks
    i2 = np.searchsorted(utime, y2, side="right").astype(float)
    ctime_idx, cprob = _censoring_weights(i1, i2, status, first, last, delay)
    ctime = utime[ctime_idx.astype(int) - 1]
    ev_times = np.unique(y2[status == enum])
    if ev_times.size == 0:  # pragma: no cover - enum comes from the data
        raise SurvivalDataError(f"{what}: no events of cause {cause!r}")
    ct2 = np.concatenate([ctime, [y2.max()]])
    cp2 = np.concatenate([[1.0], cprob])
    idx = np.unique(np.searchsorted(ct2, ev_times, side="left"))  # findInterval(left.open = TRUE)
    keep = np.zeros(len(ct2) + 1, bool)
    keep[0] = True
    keep[idx[idx > 0]] = True  # R: c(TRUE, ckeep) with ckeep[index] <- TRUE (1-based)
    extend = (status != 0) & (status != enum) & last
    rows, s_out, e_out, w_out = _expand(y1, y2, ct2, cp2, extend, keep)
    cols = list(data.columns) if columns is None else list(columns)
    _design.check_columns(data, cols, what)
    out = data.iloc[rows][cols].copy()
    out[f"{prefix}start"] = s_out
    out[f"{prefix}stop"] = e_out
    out[f"{prefix}status"] = (status[rows] == enum).astype(int)
    out[f"{prefix}wt"] = w_out * df["_w"].to_numpy()[rows]
    out.attrs["cause"] = levels[enum - 1]
    return out


@dataclass(repr=False)
class FineGrayResult(CoxResult):
    """A Fine-Gray model: a :class:`~peacestats.models.cox.CoxResult` on the expanded data.

    ``exp(coef)`` is a subdistribution hazard ratio (``"SHR"``): a covariate's effect on
    the cumulative incidence of ``cause``, not on its cause-specific hazard.
    ``fg_data`` holds the expanded rows (see :func:`finegray_data`), with the index label
    of the input row each piece comes from in column ``_row``.
    """

    cause: Any = None
    fg_data: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return f"<FineGrayResult cause={self.cause!r} {self.formula!r}: n={self.nobs}, events={self.n_events}>"

    @property
    def bic(self) -> float:
        assert self.n_events is not None  # finegray() counts the events of the cause
        return float(-2 * self.loglik + np.log(self.n_events) * self.df_model)

    def _display_table(self, conf_level: float = 0.95) -> pd.DataFrame:
        t = super()._display_table(conf_level)
        t.columns = [c.replace("HR", "SHR", 1) if c.startswith("HR") else c for c in t.columns]
        return t

    def _glance_lines(self) -> list[str]:
        rows = self.data_info.get("rows_in")
        head = (f"Subdistribution hazard of cause {self.cause!r}: {rows} input rows expanded to {self.nobs} "
                "(spells ending in another cause stay at risk with weights from the censoring distribution).")
        return [head, *super()._glance_lines()]


def finegray(
    formula: str,
    data: pd.DataFrame,
    *,
    cause,
    stop: str | None = None,
    event: str | None = None,
    entry: str | None = None,
    id: str | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    ties: Literal["efron", "breslow"] = "efron",
    robust: bool | None = None,
) -> FineGrayResult:
    """The Fine-Gray subdistribution hazard model for one cause, equal to R.

    R: ``fg <- finegray(Surv(entry, stop, factor(event)) ~ ., data, etype = cause,
    id = id, weights = w)`` then ``coxph(Surv(fgstart, fgstop, fgstatus) ~ x, data = fg,
    weights = fgwt)``. The data are expanded by :func:`finegray_data`, the model is fitted
    by :func:`peacestats.models.cox.coxph`.

    Parameters
    ----------
    formula
        ``"Surv(stop, event) ~ x1 + x2"``, ``"Surv(entry, stop, event) ~ x1 + x2"``, or a
        right-hand side with ``stop=``, ``event=`` (and ``entry=``).
    data
        One row per spell (or per segment, with ``id``).
    cause
        The cause whose cumulative incidence is modelled (a value of ``event``).
    entry, id, weights
        Delayed entry, the spell of split rows, case weights (see :func:`finegray_data`).
    cluster
        Cluster for the robust variance of the Cox fit (e.g. the spell, or the country).
    ties, robust
        Passed to :func:`~peacestats.models.cox.coxph`. With the default ``robust=None``
        the variance is R's default for this call: the expanded weights are not whole
        numbers, so it is the robust (sandwich) variance, each expanded row its own
        cluster unless ``cluster`` is given.

    Returns
    -------
    FineGrayResult
        A Cox result named "Fine-Gray", with subdistribution hazard ratios (``SHR``) and the
        expanded data in ``fg_data``.

    Examples
    --------
    Does war go with a different conflict in the location rather than the same conflict
    coming back? The Fine-Gray model for "a different conflict" (cause 2) against the
    cause-specific Cox model, which needs no new code: the other cause counts as censored.

    >>> import pandas as pd
    >>> from peacestats.models.cox import coxph
    >>> d = pd.read_csv("tests/data/competing_spells.csv")  # doctest: +SKIP
    >>> fg = finegray("Surv(duration, cause) ~ war + territory", d, cause=2)  # doctest: +SKIP
    >>> cs = coxph("war + territory", d.assign(other=(d.cause == 2).astype(int)),
    ...            stop="duration", event="other")  # doctest: +SKIP

    References
    ----------
    Fine, J.P. & Gray, R.J. (1999). A proportional hazards model for the subdistribution of
    a competing risk. JASA 94: 496-509. Therneau, Crowson & Atkinson, "Multi-state models
    and competing risks", vignette of the R package ``survival``.
    """
    sf = _design.parse_surv_formula(formula)
    if sf is not None:
        check_surv_arguments(sf, "finegray", entry=entry, stop=stop, event=event)
        entry = entry if entry is not None else sf.start
        stop, event, rhs = sf.stop, sf.event, sf.rhs
        if sf.strata or sf.cluster:
            raise SpecificationError("finegray: strata() and cluster() are not supported in the formula; use cluster=")
        cluster = cluster
    else:
        rhs = formula
    if stop is None or event is None:
        raise SpecificationError("finegray: give the survival columns in the formula (Surv(stop, event) ~ x) "
                                 "or as stop= and event=")
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"finegray: `data` must be a pandas DataFrame, not {type(data).__name__}")
    rhs_cols, unknown = _design.formula_columns(rhs, data.columns)
    if unknown:
        _design.check_columns(data, unknown, f"finegray formula {rhs!r}")
    carry = list(dict.fromkeys(c for c in [*rhs_cols, cluster, id] if c is not None))
    fg = finegray_data(data, stop=stop, event=event, cause=cause, entry=entry, id=id, weights=weights,
                       columns=carry)
    fg = fg.reset_index(names="_row") if "_row" not in fg.columns else fg.reset_index(drop=True)
    res = coxph(rhs, fg, start="fgstart", stop="fgstop", event="fgstatus", weights="fgwt", cluster=cluster,
                ties=ties, robust=robust)
    values = {f.name: getattr(res, f.name) for f in fields(res)}
    out = FineGrayResult(**values, cause=fg.attrs.get("cause", cause), fg_data=fg)
    out.model = "Fine-Gray"
    out.exp_label = "SHR"
    out.formula = formula
    out.citations = tuple(res.citations) + ("finegray",)
    out.options = dict(res.options, cause=out.cause, entry=entry, stop_column=stop, event_column=event,
                       fg_id=id, fg_weights=weights)
    out.data_info = dict(res.data_info, rows_in=len(data), expanded_rows=len(fg))
    return out
