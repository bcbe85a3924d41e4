"""The steps of :func:`peacestats.models.cox.coxph`: input checks, the model's data, R's robust-variance rules.

Each step is a function of what the one before returns, so ``coxph`` reads as the
list of them: parse the survival terms, select and check the rows
(:func:`_cox_inputs`), decide the variance (:func:`_robust_clusters`), fit (the
engine :mod:`peacestats.models.engines.cox`), flag infinite coefficients, and
compute the model and Lin-Wei variances (:func:`_cox_variance`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, SpecificationError, SurvivalDataError
from . import frame as _frame
from . import vcov as _vcov
from .formula import check_surv_arguments
from .engines.cox import quad_test as _quad_test
from .engines.cox import score_residuals_at_risk as _score_residuals_at_risk


# ============================================================================ checks
def _row_list(index, positions, k: int = 5) -> str:
    labs = [str(index[i]) for i in positions[:k]]
    more = f" and {len(positions) - k} more" if len(positions) > k else ""
    return ", ".join(labs) + more


def _check_survival(index: pd.Index, start, stop, event, id_col, id_values: pd.Series | None,
                    arrays: tuple[np.ndarray, np.ndarray, np.ndarray | None]) -> None:
    """Refuse infinite times, events that are not 0/1, empty intervals, no events, bad splits within ``id``.

    ``index``: the rows' labels (for the messages); ``id_values``: the ``id`` column on those
    rows; ``arrays``: the ``(stop, event, start)`` columns as float arrays (``start`` None when
    there is no start column).
    """
    st, ev, s0 = arrays
    if not np.isfinite(st).all():
        bad = np.flatnonzero(~np.isfinite(st))
        raise SurvivalDataError(f"column {stop!r} has infinite values in rows {_row_list(index, bad)}.")
    is01 = (ev == 0.0) | (ev == 1.0)
    if not is01.all():
        badev = np.flatnonzero(~is01)
        raise SurvivalDataError(
            f"column {event!r} must be 0/1 (or True/False); rows {_row_list(index, badev)} hold "
            f"{sorted(set(ev[badev].tolist()))[:5]}. Recode the event indicator."
        )
    if s0 is not None:
        if not np.isfinite(s0).all():
            bad = np.flatnonzero(~np.isfinite(s0))
            raise SurvivalDataError(f"column {start!r} has infinite values in rows {_row_list(index, bad)}.")
        bad = np.flatnonzero(st <= s0)
        if bad.size:
            raise SurvivalDataError(
                f"{bad.size} row(s) have {stop!r} <= {start!r} (zero or negative length intervals): "
                f"rows {_row_list(index, bad)}. Each (start, stop] interval must have stop > start; "
                "drop or fix these rows (a spell that fails on its first day needs stop > start)."
            )
    if not ev.any():
        raise SurvivalDataError(
            f"no events: every row has {event!r} == 0 (all censored); a Cox model needs at least one event."
        )
    if id_col is not None and id_values is not None:
        s0 = s0 if s0 is not None else np.zeros(len(index))
        ids = pd.factorize(id_values)[0]
        o = np.lexsort((st, s0, ids))
        same = ids[o][1:] == ids[o][:-1]
        overlap = np.flatnonzero(same & (s0[o][1:] < st[o][:-1]))
        if overlap.size:
            rows = o[overlap + 1]
            raise SurvivalDataError(
                f"overlapping intervals within {id_col!r}: rows {_row_list(index, rows)} start before the "
                f"previous row of the same {id_col!r} ends (e.g. {id_col} = {id_values.iloc[rows[0]]}). "
                "Each subject may be at risk only once at any time; fix the split."
            )
        ev_o = ev[o]
        notlast = np.flatnonzero(same & (ev_o[:-1] == 1))
        if notlast.size:
            rows = o[notlast]
            raise SurvivalDataError(
                f"an event on a row that is not the last of its {id_col!r}: rows {_row_list(index, rows)} "
                f"(e.g. {id_col} = {id_values.iloc[rows[0]]}). In single-event spells the event belongs "
                "on the last interval; check the split or use one id per spell."
            )




# ============================================================================ coxph's steps
def _survival_terms(formula, start, stop, event, cluster, strata):
    """The survival columns, right-hand side, strata and cluster of ``coxph``'s formula and arguments."""
    sf = _frame.parse_surv_formula(formula)
    strata_cols = _frame.as_list(strata)
    if sf is not None:
        check_surv_arguments(sf, "coxph", start=start, stop=stop, event=event)
        start = start if start is not None else sf.start
        stop, event = sf.stop, sf.event
        rhs, f_strata, f_cluster = sf.rhs, sf.strata, sf.cluster
    else:
        rhs, f_strata, f_cluster = _frame.extract_specials(formula)
    strata_cols = strata_cols + [s for s in f_strata if s not in strata_cols]
    if f_cluster is not None:
        if cluster is not None and cluster != f_cluster:
            raise SpecificationError(f"cluster={cluster!r} conflicts with the formula's cluster({f_cluster}).")
        cluster = f_cluster
    if stop is None or event is None:
        raise SpecificationError(
            "give the survival columns: stop= and event= (and start= for (start, stop] data), "
            "or an R-style formula 'Surv(start, stop, event) ~ x'."
        )
    return start, stop, event, rhs, strata_cols, cluster


def _robust_clusters(inp, robust, cluster, id, start, weights, w, event_v):
    """R's rules for when the variance is robust, and on what clusters (``inp``: the :class:`_CoxInputs`).

    Returns ``(robust, cluster_codes, n_clusters, cluster_desc, n_groups)``.
    """
    n = inp.n
    has_rwt = weights is not None and np.any(w != np.floor(w))
    n_groups = None
    id_multi = False
    if id is not None:
        ids = pd.factorize(inp.column(id))[0]
        n_groups = int(ids.max()) + 1
        id_multi = bool(pd.Series(ids[event_v]).duplicated().any())
    robust_given = robust is not None
    if robust is None:
        robust = cluster is not None or has_rwt or id_multi
    cluster_codes = None
    n_clusters = None
    cluster_desc = None
    if cluster is not None and not robust:
        warnings.warn("cluster given with robust=False: the cluster is ignored (as R does).", stacklevel=3)
    if robust:
        if cluster is not None:
            cluster_codes, labels = _frame.group_codes(inp.column(cluster))
            cluster_desc = f"clustered on {cluster!r}"
        elif id is not None:
            cluster_codes, labels = _frame.group_codes(inp.column(id))
            cluster_desc = f"clustered on {id!r}"
        elif start is None or not robust_given:
            cluster_codes, labels = np.arange(n), list(range(n))
            cluster_desc = "each row its own cluster"
        else:
            raise SpecificationError(
                "robust=True with (start, stop] data needs cluster= or id= (R: 'one of cluster or id is "
                "needed'): the rows of one spell are not independent, so say which rows belong together."
            )
        n_clusters = len(labels)
        if n_clusters < 2:
            raise SpecificationError(
                f"cluster {cluster or id!r} has a single value among the {n} rows used: a cluster-robust "
                "variance needs at least two clusters. Drop cluster= or check the column."
            )
    return robust, cluster_codes, n_clusters, cluster_desc, n_groups


def _infinite_terms(fit, names, on_separation):
    """Coefficients running off to infinity (R's ``toler.inf`` check): raise or warn. ``(converged, terms)``."""
    converged = True
    infinite_terms = [names[j] for j in fit.infinite]
    if infinite_terms:
        msg = (
            "Cox model: the partial likelihood is monotone in "
            + ", ".join(f"{t} (coefficient {fit.beta[names.index(t)]:.3g})" for t in infinite_terms)
            + ": the coefficient runs off to infinity (separation: e.g. no events, or only events, "
            "in one category among rows at risk). The estimate and its standard error are meaningless; "
            "drop or merge that covariate, or use a penalized (Firth) Cox model."
        )
        if on_separation == "raise":
            raise ConvergenceError(msg)
        warnings.warn(msg, stacklevel=3)
        converged = False
    return converged, infinite_terms


def _cox_variance(cd, fit, w, robust, cluster_codes, n_clusters, cluster_desc, cluster_df_correction):
    """Model and Lin-Wei variances.

    Returns ``(V_model, V_robust, vcov_type)``. The clustered sums use the rows at risk
    at some event time only: the others' score residuals are zero.
    """
    ev = fit.ev
    try:
        V_model = np.linalg.inv(ev.information())
    except np.linalg.LinAlgError:
        V_model = np.linalg.pinv(ev.information())
    V_model = (V_model + V_model.T) / 2

    V_robust = None
    vcov_type = "model (inverse information)"
    if robust:
        scores = _score_residuals_at_risk(cd, ev)
        if not cd.unweighted:  # (times 1 changes nothing)
            scores = scores * w[cd.act][:, None]
        V_robust = _vcov.lin_wei(V_model, scores, cluster_codes.take(cd.act), n_clusters, cluster_df_correction)
        vcov_type = f"robust (Lin-Wei), {cluster_desc}, {n_clusters} clusters"
        if cluster_df_correction:
            vcov_type += ", times G/(G-1)"
    return V_model, V_robust, vcov_type


def _robust_score(cd, ev0, w, cluster_codes, n_clusters) -> float:
    """The robust score test at the start (R's ``fit$rscore``): clustered score sums, their sandwich."""
    scores = _score_residuals_at_risk(cd, ev0)
    if not cd.unweighted:  # (times 1 changes nothing)
        scores = scores * w[cd.act][:, None]
    meat0, U0 = _vcov.cluster_meat(scores, cluster_codes.take(cd.act), n_clusters)
    return _quad_test(meat0, U0.sum(axis=0))


@dataclass
class _CoxInputs:
    """The rows and arrays a Cox fit uses, after the complete-case selection and the checks.

    ``mask`` selects the rows used from ``data`` (``None`` when every row is complete);
    :meth:`column` gives a used column on those rows.
    """

    data: pd.DataFrame
    mask: np.ndarray | None
    index: pd.Index
    n_dropped: int
    used: list[Any]
    rhs_cols: list[str]
    design: Any
    start_v: np.ndarray
    stop_v: np.ndarray
    event_v: np.ndarray
    w: np.ndarray
    strata_codes: np.ndarray
    strata_labels: list[Any]
    centred: tuple[np.ndarray, np.ndarray] | None = None  # the design's column means, and the design less them

    @property
    def n(self) -> int:
        return len(self.index)

    def column(self, name: str) -> pd.Series:
        """Column ``name`` of the data on the rows used."""
        s = self.data[name]
        return s if self.mask is None else s[self.mask]

    def values(self, name: str) -> np.ndarray:
        """Column ``name`` on the rows used, as floats (the rows are complete)."""
        s = self.data[name]
        if self.mask is None:
            return s.to_numpy(dtype=float)
        if isinstance(s.dtype, np.dtype):
            return s.to_numpy(dtype=float)[self.mask]
        return s[self.mask].to_numpy(dtype=float)  # extension dtypes: NA only in dropped rows


def _complete_plain(data, rhs, used_cols) -> tuple[np.ndarray | None, np.ndarray, int]:
    """R's ``na.omit`` on the used columns, and the plain design (``"x1 + x2"``) when no row is dropped.

    ``(X, mask, n_dropped)``. When the right-hand side is plain numeric columns that are all
    finite, the matrix built on every row also tells that they have no missing value, so
    only the other columns are checked; ``X`` is that matrix when no row is dropped (what
    :func:`~peacestats.models.frame.plain_design` gives then), else ``None`` (the design is
    built on the rows kept, and a non-finite value named, after the survival checks).
    """
    cols = _frame.plain_columns(rhs, data)
    X = _frame.plain_matrix(cols) if cols is not None else None
    if cols is None or X is None or not np.isfinite(X).all():
        mask, n_dropped = _frame.complete_rows(data, used_cols)
        return None, mask, n_dropped
    mask, n_dropped = _frame.complete_rows(data, [c for c in used_cols if c not in cols])
    return (X if not n_dropped else None), mask, n_dropped


def _cox_inputs(data, rhs, start, stop, event, id, cluster, weights, strata_cols) -> _CoxInputs:
    """Select the used columns, drop incomplete rows (R's ``na.omit``), check them, build the design."""
    _frame.check_columns(data, [start, stop, event, id, cluster, weights, *strata_cols], "coxph")
    _frame.check_time_columns(data, [start, stop, event], "coxph")
    try:
        rhs_cols, unknown = _frame.formula_columns(rhs, data.columns)
    except Exception as e:  # patsy parse error
        raise SpecificationError(f"cannot parse the formula {rhs!r}: {e}") from None
    if unknown:
        _frame.check_columns(data, unknown, f"coxph formula {rhs!r}")
    used = [start, stop, event, id, cluster, weights, *strata_cols, *rhs_cols]
    used_cols = list(dict.fromkeys(c for c in used if c is not None))
    X_all, mask, n_dropped = _complete_plain(data, rhs, used_cols)
    if n_dropped == len(data):
        raise SpecificationError("no complete rows: every row has a missing value in a used column.")
    inp = _CoxInputs(data=data, mask=mask if n_dropped else None, index=data.index[mask] if n_dropped else data.index,
                     n_dropped=n_dropped, used=used, rhs_cols=rhs_cols, design=None, start_v=np.empty(0),
                     stop_v=np.empty(0), event_v=np.empty(0, dtype=bool), w=np.empty(0),
                     strata_codes=np.empty(0, dtype=np.int64), strata_labels=[])
    n = inp.n
    stop_v = inp.values(stop)
    event_f = inp.values(event)
    start_v = inp.values(start) if start is not None else None
    _check_survival(inp.index, start, stop, event, id, inp.column(id) if id is not None else None,
                    (stop_v, event_f, start_v))
    design: _frame.Design | None
    if X_all is not None:
        design = _frame.Design(X_all, rhs_cols, {t: [i] for i, t in enumerate(rhs_cols)}, None)
    else:
        design = _frame.plain_design(rhs, data, inp.mask, inp.index)
    if design is None:  # patsy, on the rows used
        sub = data[used_cols]
        design = _frame.design_matrix(rhs, sub.loc[mask] if n_dropped else sub)
    xmean = design.X.mean(axis=0)
    centred = (xmean, design.X - xmean)  # the engine's centred covariates too
    _frame.check_collinearity(centred[1], design.columns, centred=True)
    if weights is not None:
        w = inp.values(weights)
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            badw = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
            raise SpecificationError(
                f"weights {weights!r} must be positive and finite; rows {_row_list(inp.index, badw)} are not."
            )
    else:
        w = np.ones(n)
    if len(strata_cols) == 1:
        strata_codes, strata_labels = _frame.group_codes(inp.column(strata_cols[0]))
    elif strata_cols:
        strata_codes, strata_labels = _frame.group_codes(pd.DataFrame({c: inp.column(c) for c in strata_cols}),
                                                         strata_cols)
    else:
        strata_codes, strata_labels = np.zeros(n, dtype=np.int64), [None]
    inp.design, inp.start_v, inp.stop_v, inp.event_v, inp.w = (
        design, start_v if start_v is not None else np.full(n, -np.inf), stop_v, event_f == 1, w)
    inp.strata_codes, inp.strata_labels, inp.centred = strata_codes, strata_labels, centred
    return inp
