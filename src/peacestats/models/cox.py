"""The Cox proportional hazards model on counting-process data, equal to R's ``survival::coxph``.

:func:`coxph` fits ``coxph(Surv(start, stop, event) ~ x, ties = "efron" | "breslow",
cluster = g, strata(s), weights = w)`` and returns a :class:`CoxResult` with hazard
ratios, model and cluster-robust (Lin-Wei) standard errors, the likelihood-ratio,
Wald and score tests, Harrell's concordance as R computes it, residuals, predicted
survival curves for covariate profiles (R's ``survfit(fit, newdata = ...)``) and the
proportional-hazards test (:meth:`CoxResult.zph`, R's ``cox.zph``).

Conventions (all as R's ``survival`` 3.x):

* Risk set: at an event time *t*, a row is at risk when ``start < t <= stop`` (and it
  is in the event's stratum). A row that *enters* at *t* is not at risk at *t*.
  statsmodels' ``PHReg`` counts such rows as at risk, so its estimates drift from R's
  on split spells (one of the reasons this module exists); lifelines has no
  cluster-robust variance for (start, stop] data and no R-style ``cox.zph``.
* Ties: ``"efron"`` (R's default) or ``"breslow"`` (Stata's default). Without tied
  event times the two agree.
* Case weights multiply each row's contribution; with non-integer weights R switches
  to the robust variance automatically, and so do we (``robust=None``).
* Times are compared exactly: R's ``timefix`` (merging times that differ only by
  floating-point rounding) is not applied, which makes no difference for the integer
  days or months of conflict data.
* ``cluster=`` gives the Lin & Wei (1989) sandwich ``I^-1 (sum_g U_g U_g') I^-1`` with
  no small-sample factor, as ``coxph(..., cluster = g)`` reports;
  ``cluster_df_correction=True`` multiplies it by ``G / (G - 1)`` (Stata's
  ``vce(cluster)``). ``robust=True`` without ``cluster`` clusters on ``id=`` when given,
  else treats each row as its own cluster (right-censored data), as R does.

How it is computed (see ``shared/design/methods.md``): rows are sorted once by
(stratum, entry) and (stratum, exit); every risk-set sum is a difference of two
prefix sums looked up by binary search, the information matrix is one weighted
cross-product ``X' diag(r_i * sum of hazard increments over (start_i, stop_i]) X``,
and score residuals use running sums of hazard and mean-covariate increments. A
Newton-Raphson iteration is therefore a handful of O(n) passes over arrays, with no
loop over risk sets in Python.

References
----------
Cox, D.R. (1972). Regression models and life-tables. JRSS B 34: 187-220.
Breslow, N. (1974). Covariance analysis of censored survival data. Biometrics 30: 89-99.
Efron, B. (1977). The efficiency of Cox's likelihood function for censored data. JASA 72: 557-565.
Lin, D.Y. & Wei, L.J. (1989). The robust inference for the Cox proportional hazards
model. JASA 84: 1074-1078.
Therneau, T.M. & Grambsch, P.M. (2000). *Modeling Survival Data: Extending the Cox
Model*. Springer.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import linalg, stats

from ..errors import ConvergenceError, SpecificationError, SurvivalDataError
from . import frame as _frame
from . import vcov as _vcov
from .results import ModelResult

__all__ = ["coxph", "CoxResult"]


# ============================================================================ data preparation
@dataclass
class _CoxData:
    """Sorted, beta-independent structure of one Cox problem (rows already complete)."""

    X: np.ndarray  # n x p, centred by column means
    xmean: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    event: np.ndarray  # bool
    w: np.ndarray
    strata: np.ndarray  # int codes
    efron: bool
    key_start: np.ndarray
    key_stop: np.ndarray
    etime_key: np.ndarray  # unique (stratum, event time) keys, sorted
    pos_start: np.ndarray  # rows with key_start < event key, per event key
    pos_stop: np.ndarray  # rows with key_stop < event key
    order_start: np.ndarray
    order_stop: np.ndarray
    idx_lo: np.ndarray  # event keys <= key_start (per row)
    idx_hi: np.ndarray  # event keys <= key_stop (per row)
    dr: np.ndarray  # event rows, sorted by (stratum, time), ties by row order
    dg: np.ndarray  # event-time index of each event row
    dc: np.ndarray  # Efron down-weight k/m of each event row (0 for Breslow)
    m: np.ndarray  # number of events at each event time
    gstart: np.ndarray  # first position in dr of each event time
    wsum: np.ndarray  # weighted events at each event time
    time_of_key: np.ndarray  # time value of each key rank (for reporting)
    ntimes: int

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]


def _prepare(X, start, stop, event, w, strata, efron) -> _CoxData:
    n = X.shape[0]
    xmean = X.mean(axis=0)
    Xc = X - xmean
    # integer keys: (stratum, time rank) so that strata never share a risk set
    times = np.unique(np.concatenate([start, stop]))
    T = len(times) + 1
    key_start = strata * T + np.searchsorted(times, start)
    key_stop = strata * T + np.searchsorted(times, stop)
    etime_key = np.unique(key_stop[event])
    order_start = np.argsort(key_start, kind="stable")
    order_stop = np.argsort(key_stop, kind="stable")
    pos_start = np.searchsorted(key_start[order_start], etime_key, side="left")
    pos_stop = np.searchsorted(key_stop[order_stop], etime_key, side="left")
    idx_lo = np.searchsorted(etime_key, key_start, side="right")
    idx_hi = np.searchsorted(etime_key, key_stop, side="right")
    ev_rows = np.flatnonzero(event)
    dr = ev_rows[np.argsort(key_stop[ev_rows], kind="stable")]
    dg = np.searchsorted(etime_key, key_stop[dr])
    m = np.bincount(dg, minlength=len(etime_key))
    gstart = np.concatenate([[0], np.cumsum(m)[:-1]])
    k = np.arange(len(dr)) - gstart[dg]
    dc = k / m[dg] if efron else np.zeros(len(dr))
    wsum = np.bincount(dg, weights=w[dr], minlength=len(etime_key))
    return _CoxData(
        X=Xc, xmean=xmean, start=start, stop=stop, event=event, w=w, strata=strata,
        efron=efron, key_start=key_start, key_stop=key_stop, etime_key=etime_key,
        pos_start=pos_start, pos_stop=pos_stop, order_start=order_start, order_stop=order_stop,
        idx_lo=idx_lo, idx_hi=idx_hi, dr=dr, dg=dg, dc=dc, m=m, gstart=gstart, wsum=wsum,
        time_of_key=times, ntimes=T,
    )


def _prefix(Z: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Prefix sums of the rows of ``Z`` taken in ``order``, with a leading zero row."""
    out = np.empty((Z.shape[0] + 1, Z.shape[1]))
    out[0] = 0.0
    np.cumsum(Z[order], axis=0, out=out[1:])
    return out


@dataclass
class _Eval:
    loglik: float
    U: np.ndarray
    I: np.ndarray | None
    eta: np.ndarray  # shifted linear predictor (centred X)
    shift: float
    # per event row / event time pieces, kept for residuals, zph and survfit
    mean: np.ndarray | None = None  # D x p Efron means
    mw: np.ndarray | None = None  # D: mean weight of the tied events
    h: np.ndarray | None = None  # D: hazard pieces mw / d2
    temp1: np.ndarray | None = None  # E
    temp2: np.ndarray | None = None
    wgt: np.ndarray | None = None  # n: hazard summed over each row's interval


def _evaluate(cd: _CoxData, beta: np.ndarray, info: bool = True) -> _Eval:
    """Log partial likelihood, score and information at ``beta`` (Breslow or Efron)."""
    eta = cd.X @ beta
    shift = float(eta.max()) if eta.size else 0.0
    eta = eta - shift  # exp() never overflows; every ratio is unchanged
    rr = np.exp(eta)
    r = cd.w * rr
    Z = np.empty((cd.n, cd.p + 1))
    Z[:, 0] = r
    np.multiply(cd.X, r[:, None], out=Z[:, 1:])
    # risk-set sums at each event time: rows entered before t minus rows left before t
    S = _prefix(Z, cd.order_start)[cd.pos_start] - _prefix(Z, cd.order_stop)[cd.pos_stop]
    dr, dg, dc = cd.dr, cd.dg, cd.dc
    Ed = np.add.reduceat(Z[dr], cd.gstart, axis=0) if len(dr) else np.zeros((0, cd.p + 1))
    d2 = S[dg, 0] - dc * Ed[dg, 0]
    if np.any(~(d2 > 0)):
        return _Eval(-np.inf, np.full(cd.p, np.nan), None, eta, shift)
    mean = (S[dg, 1:] - dc[:, None] * Ed[dg, 1:]) / d2[:, None]
    mw = (cd.wsum / cd.m)[dg]
    wd = cd.w[dr]
    loglik = float(np.dot(wd, eta[dr]) - np.dot(mw, np.log(d2)))
    U = wd @ cd.X[dr] - mw @ mean
    out = _Eval(loglik, U, None, eta, shift, mean=mean, mw=mw)
    if not info:
        return out
    h = mw / d2
    E = len(cd.etime_key)
    temp1 = np.bincount(dg, weights=h, minlength=E)
    temp2 = np.bincount(dg, weights=(1.0 - dc) * h, minlength=E) if cd.efron else temp1
    A = np.concatenate([[0.0], np.cumsum(temp1)])
    wgt = A[cd.idx_hi] - A[cd.idx_lo]
    if cd.efron:
        wgt[dr] -= (temp1 - temp2)[dg]
    I = (cd.X * (r * wgt)[:, None]).T @ cd.X - (mean * mw[:, None]).T @ mean
    out.I = (I + I.T) / 2
    out.h, out.temp1, out.temp2, out.wgt = h, temp1, temp2, wgt
    return out


def _score_residuals(cd: _CoxData, ev: _Eval) -> np.ndarray:
    """R's ``residuals(fit, type = "score")`` (unweighted), n x p, in row order."""
    E = len(cd.etime_key)
    dg, dc, dr = cd.dg, cd.dc, cd.dr
    mh1 = np.empty((E, cd.p))
    mh2 = np.empty((E, cd.p))
    mh3 = np.empty((E, cd.p))
    for j in range(cd.p):
        mh1[:, j] = np.bincount(dg, weights=ev.mean[:, j] * ev.h, minlength=E)
        mh2[:, j] = np.bincount(dg, weights=ev.mean[:, j] * ev.h * (1 - dc), minlength=E) if cd.efron else mh1[:, j]
        mh3[:, j] = np.bincount(dg, weights=ev.mean[:, j], minlength=E) / cd.m
    B = np.vstack([np.zeros((1, cd.p)), np.cumsum(mh1, axis=0)])
    Bd = B[cd.idx_hi] - B[cd.idx_lo]
    if cd.efron:
        Bd[dr] -= (mh1 - mh2)[dg]
    rr = np.exp(ev.eta)
    res = -rr[:, None] * (cd.X * ev.wgt[:, None] - Bd)
    res[dr] += cd.X[dr] - mh3[dg]
    return res


def _schoenfeld(cd: _CoxData, ev: _Eval) -> np.ndarray:
    """Schoenfeld residuals of the event rows (in ``cd.dr`` order): x_i minus the (Efron-averaged) mean."""
    E = len(cd.etime_key)
    mh3 = np.empty((E, cd.p))
    for j in range(cd.p):
        mh3[:, j] = np.bincount(cd.dg, weights=ev.mean[:, j], minlength=E) / cd.m
    return cd.X[cd.dr] - mh3[cd.dg]


def _chol_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    try:
        c = linalg.cho_factor(A, lower=True, check_finite=True)
        return linalg.cho_solve(c, b)
    except (linalg.LinAlgError, ValueError):
        return None


def _quad_test(V: np.ndarray, b: np.ndarray) -> float:
    """``b' V^-1 b`` (Wald or score statistic)."""
    x = _chol_solve(V, b)
    if x is None:
        x = np.linalg.lstsq(V, b, rcond=None)[0]
    return float(b @ x)


# ============================================================================ Newton-Raphson
@dataclass
class _Fit:
    beta: np.ndarray
    ev: _Eval
    ev0: _Eval
    iterations: int
    converged: bool
    infinite: list[int]


def _newton(cd: _CoxData, tol: float, max_iter: int, names: list[str]) -> _Fit:
    beta = np.zeros(cd.p)
    ev0 = _evaluate(cd, beta)
    ev = ev0
    toler_inf = np.sqrt(tol)
    it = 0
    converged = False
    for it in range(1, max_iter + 1):
        step = _chol_solve(ev.I, ev.U)
        if step is None or not np.all(np.isfinite(step)):
            step = np.linalg.lstsq(ev.I, ev.U, rcond=None)[0]
        t = 1.0
        while True:
            nb = beta + t * step
            new = _evaluate(cd, nb)
            if np.isfinite(new.loglik) and new.loglik >= ev.loglik - 1e-12 * max(1.0, abs(ev.loglik)):
                break
            t /= 2.0
            if t < 1e-12:
                raise ConvergenceError(
                    "Cox model: step-halving failed to increase the partial likelihood "
                    f"(iteration {it}); the model is numerically degenerate. Check for "
                    "covariates with extreme values or perfect separation."
                )
        change = abs(new.loglik - ev.loglik)
        beta, ev = nb, new
        if change <= tol * max(1.0, abs(ev.loglik)):
            converged = True
            break
    if not converged:
        raise ConvergenceError(
            f"Cox model did not converge in {max_iter} Newton-Raphson iterations "
            f"(last log-likelihood {ev.loglik:.6f}, coefficients "
            + ", ".join(f"{n} = {b:.4g}" for n, b in zip(names, beta))
            + "). Raise max_iter, or look for a covariate that perfectly predicts the "
            "events (separation)."
        )
    step = _chol_solve(ev.I, ev.U)
    if step is None:
        step = np.linalg.lstsq(ev.I, ev.U, rcond=None)[0]
    infinite = [j for j in range(cd.p) if not np.isfinite(step[j]) or abs(step[j]) > toler_inf * (1 + abs(beta[j]))]
    return _Fit(beta, ev, ev0, it, converged, infinite)


# ============================================================================ concordance
def _prefix_rank_sums(pkey, prank, pw, qkey, qrank):
    """For each query: weighted sums over points with ``pkey <= qkey`` split by rank.

    Returns ``(less, equal, total)``: sums of ``pw`` over points with key <= the
    query key and rank < / == the query rank, and all of them. A static merge-sort
    tree built level by level with numpy (O(n log^2 n)), no Python loop over rows.
    """
    n = len(pkey)
    nq = len(qkey)
    less = np.zeros(nq)
    leq = np.zeros(nq)
    if n == 0 or nq == 0:
        return less, leq, np.zeros(nq)
    o = np.argsort(pkey, kind="stable")
    pk, pr, pwv = pkey[o], prank[o].astype(np.int64), pw[o]
    kq = np.searchsorted(pk, qkey, side="right")
    total = np.concatenate([[0.0], np.cumsum(pwv)])[kq]
    R = int(pr.max()) + 2
    order = np.arange(n)
    qrank = qrank.astype(np.int64)
    s = 0
    while (1 << s) <= n:
        keys = (order >> s) * R + pr[order]
        idx = np.argsort(keys, kind="stable")
        order = order[idx]
        keys = keys[idx]
        cw = np.concatenate([[0.0], np.cumsum(pwv[order])])
        sel = np.flatnonzero((kq >> s) & 1)
        if sel.size:
            b = (kq[sel] >> s) - 1
            base = b << s
            needle = b * R + qrank[sel]
            so = np.argsort(needle)  # sorted needles make searchsorted cache-friendly
            lo = np.empty(sel.size, dtype=np.int64)
            hi = np.empty(sel.size, dtype=np.int64)
            lo[so] = np.searchsorted(keys, needle[so], side="left")
            hi[so] = np.searchsorted(keys, needle[so], side="right")
            less[sel] += cw[lo] - cw[base]
            leq[sel] += cw[hi] - cw[base]
        s += 1
    return less, leq - less, total


def _concordance(cd: _CoxData, lp: np.ndarray, cluster_codes: np.ndarray | None):
    """R's concordance for a Cox fit (``concordancefit(..., reverse = TRUE, timefix = FALSE)``).

    Returns ``(concordance, std_err, counts)`` with counts of concordant, discordant and
    tied-on-predictor pairs (weighted by ``w_i * w_j``). A pair is an event row *i* at
    time *t* and a row *j* at risk at *t* (same stratum) that does not itself fail at
    *t*; it is concordant when the failing row has the larger linear predictor. The
    standard error is R's infinitesimal-jackknife one (clustered when the fit is).
    """
    _, rank = np.unique(lp, return_inverse=True)
    w = cd.w
    dr = cd.dr
    ks, ke = cd.key_start, cd.key_stop
    qk, qr = ke[dr], rank[dr]
    # partners of each event: entered before t, minus left before t, minus events at t
    l1, e1, t1 = _prefix_rank_sums(ks, rank, w, qk - 1, qr)
    l2, e2, t2 = _prefix_rank_sums(ke, rank, w, qk - 1, qr)
    # one pass over the events' tree for four query sets: events at t (<= t minus < t) and,
    # for each row as a partner, events in (start, stop] ((start, stop) for an event row)
    upper = ke - cd.event.astype(np.int64)
    nd, n = len(dr), cd.n
    lq, eq, tq = _prefix_rank_sums(ke[dr], rank[dr], w[dr], np.concatenate([qk, qk - 1, upper, ks]),
                                   np.concatenate([qr, qr, rank, rank]))
    cut = np.cumsum([nd, nd, n])
    l3, l4, a_l, b_l = np.split(lq, cut)
    e3, e4, a_e, b_e = np.split(eq, cut)
    t3, t4, a_t, b_t = np.split(tq, cut)
    p_less = l1 - l2 - (l3 - l4)
    p_eq = e1 - e2 - (e3 - e4)
    p_tot = t1 - t2 - (t3 - t4)
    p_gt = p_tot - p_less - p_eq
    wd = w[dr]
    C = float(wd @ p_less)
    D = float(wd @ p_gt)
    T = float(wd @ p_eq)
    q_less, q_eq, q_tot = a_l - b_l, a_e - b_e, a_t - b_t
    q_gt = q_tot - q_less - q_eq
    infC = q_gt.copy()
    infD = q_less.copy()
    infT = q_eq.copy()
    infC[dr] += p_less
    infD[dr] += p_gt
    infT[dr] += p_eq
    N = C + D + T
    if N <= 0:
        return float("nan"), float("nan"), (C, D, T)
    somer = (C - D) / N
    dfb = w * ((infC - infD) / N - (somer / N) * (infC + infD + infT))
    if cluster_codes is not None:
        dfb = np.bincount(cluster_codes, weights=dfb)
    var = float(np.sum(dfb**2)) / 4.0
    return (somer + 1) / 2, float(np.sqrt(var)), (C, D, T)


# ============================================================================ checks
def _row_list(index, positions, k: int = 5) -> str:
    labs = [str(index[i]) for i in positions[:k]]
    more = f" and {len(positions) - k} more" if len(positions) > k else ""
    return ", ".join(labs) + more


def _check_survival(df: pd.DataFrame, start, stop, event, id_col) -> None:
    st = df[stop].to_numpy(dtype=float)
    if not np.all(np.isfinite(st)):
        bad = np.flatnonzero(~np.isfinite(st))
        raise SurvivalDataError(f"column {stop!r} has infinite values in rows {_row_list(df.index, bad)}.")
    ev = df[event].to_numpy(dtype=float)
    badev = np.flatnonzero(~np.isin(ev, [0.0, 1.0]))
    if badev.size:
        raise SurvivalDataError(
            f"column {event!r} must be 0/1 (or True/False); rows {_row_list(df.index, badev)} hold "
            f"{sorted(set(ev[badev].tolist()))[:5]}. Recode the event indicator."
        )
    if start is not None:
        s0 = df[start].to_numpy(dtype=float)
        if not np.all(np.isfinite(s0)):
            bad = np.flatnonzero(~np.isfinite(s0))
            raise SurvivalDataError(f"column {start!r} has infinite values in rows {_row_list(df.index, bad)}.")
        bad = np.flatnonzero(st <= s0)
        if bad.size:
            raise SurvivalDataError(
                f"{bad.size} row(s) have {stop!r} <= {start!r} (zero or negative length intervals): "
                f"rows {_row_list(df.index, bad)}. Each (start, stop] interval must have stop > start; "
                "drop or fix these rows (a spell that fails on its first day needs stop > start)."
            )
    if ev.sum() == 0:
        raise SurvivalDataError(
            f"no events: every row has {event!r} == 0 (all censored); a Cox model needs at least one event."
        )
    if id_col is not None:
        s0 = df[start].to_numpy(dtype=float) if start is not None else np.zeros(len(df))
        ids = pd.factorize(df[id_col])[0]
        o = np.lexsort((st, s0, ids))
        same = ids[o][1:] == ids[o][:-1]
        overlap = np.flatnonzero(same & (s0[o][1:] < st[o][:-1]))
        if overlap.size:
            rows = o[overlap + 1]
            raise SurvivalDataError(
                f"overlapping intervals within {id_col!r}: rows {_row_list(df.index, rows)} start before the "
                f"previous row of the same {id_col!r} ends (e.g. {id_col} = {df[id_col].iloc[rows[0]]}). "
                "Each subject may be at risk only once at any time; fix the split."
            )
        ev_o = ev[o]
        notlast = np.flatnonzero(same & (ev_o[:-1] == 1))
        if notlast.size:
            rows = o[notlast]
            raise SurvivalDataError(
                f"an event on a row that is not the last of its {id_col!r}: rows {_row_list(df.index, rows)} "
                f"(e.g. {id_col} = {df[id_col].iloc[rows[0]]}). In single-event spells the event belongs "
                "on the last interval; check the split or use one id per spell."
            )


# ============================================================================ result
@dataclass(repr=False)
class CoxResult(ModelResult):
    """A fitted Cox model (see :func:`coxph`).

    Beyond :class:`~peacestats.models.results.ModelResult`:

    Attributes
    ----------
    vcov_model : pandas.DataFrame
        Inverse information matrix (R's ``fit$naive.var`` when robust, else ``fit$var``).
    vcov_robust : pandas.DataFrame or None
        The Lin-Wei sandwich (R's ``fit$var`` when robust), times G/(G-1) if asked.
    loglik_null : float
        Log partial likelihood at beta = 0.
    ties, strata, cluster, id : str / list / None
        Options of the fit.
    n_dropped : int
        Rows dropped for missing values (R's ``na.omit``).
    iterations : int
        Newton-Raphson iterations used.
    """

    vcov_model: pd.DataFrame | None = None
    vcov_robust: pd.DataFrame | None = None
    loglik_null: float = float("nan")
    score_test: float = float("nan")
    robust_score_test: float | None = None
    ties: str = "efron"
    strata: list[str] = field(default_factory=list)
    cluster: str | None = None
    id: str | None = None
    n_dropped: int = 0
    iterations: int = 0
    _state: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"<CoxResult {self.formula!r}: n={self.nobs}, events={self.n_events}, {self.vcov_type}>"

    def tidy(self, conf_level: float = 0.95, exponentiate: bool | None = None) -> pd.DataFrame:
        """One row per term with hazard ratios (``exp_estimate``) and their interval; see the base class."""
        with np.errstate(over="ignore"):  # a separated term's interval may overflow to inf
            return super().tidy(conf_level, exponentiate)

    # ------------------------------------------------------------------ tests
    @property
    def lr_test(self) -> tuple[float, int, float]:
        """Likelihood-ratio test of all coefficients: ``(statistic, df, p)``."""
        s = 2 * (self.loglik - self.loglik_null)
        return s, self.df_model, float(stats.chi2.sf(s, self.df_model))

    @property
    def wald_test(self) -> tuple[float, int, float]:
        """Wald test of all coefficients with ``vcov`` (robust when robust): ``(statistic, df, p)``."""
        s = _quad_test(self.vcov.to_numpy(), self.params.to_numpy())
        return s, self.df_model, float(stats.chi2.sf(s, self.df_model))

    @property
    def logrank_test(self) -> tuple[float, int, float]:
        """Score (log-rank) test at beta = 0 with the model information: ``(statistic, df, p)``."""
        return self.score_test, self.df_model, float(stats.chi2.sf(self.score_test, self.df_model))

    def _concordance(self):
        st = self._state
        if "concordance" not in st:
            lp = st["cd"].X @ self.params.to_numpy()
            st["concordance"] = _concordance(st["cd"], lp, st.get("cluster_codes"))
        return st["concordance"]

    @property
    def concordance(self) -> float:
        """Harrell's C as R's ``summary(coxph)`` prints it (pairs tied on the predictor count 1/2)."""
        return self._concordance()[0]

    @property
    def concordance_se(self) -> float:
        """R's (infinitesimal-jackknife) standard error of the concordance; clustered when the fit is."""
        return self._concordance()[1]

    def _glance_extra(self) -> dict[str, Any]:
        lr, wald, sc = self.lr_test, self.wald_test, self.logrank_test
        out = {
            "loglik_null": self.loglik_null,
            "concordance": self.concordance,
            "concordance_se": self.concordance_se,
            "lr_stat": lr[0], "lr_df": lr[1], "lr_p": lr[2],
            "wald_stat": wald[0], "wald_df": wald[1], "wald_p": wald[2],
            "score_stat": sc[0], "score_df": sc[1], "score_p": sc[2],
            "robust_score_stat": self.robust_score_test,
            "robust_score_p": (float(stats.chi2.sf(self.robust_score_test, self.df_model))
                               if self.robust_score_test is not None else None),
            "ties": self.ties,
            "n_dropped": self.n_dropped,
        }
        return out

    # ------------------------------------------------------------------ display
    def _display_table(self, conf_level: float = 0.95) -> pd.DataFrame:
        t = self.tidy(conf_level).set_index("term")
        out = pd.DataFrame(index=t.index)
        out["coef"] = t["estimate"]
        out["HR"] = t["exp_estimate"]
        out["se(coef)"] = np.sqrt(np.diag(self.vcov_model.to_numpy()))
        if self.vcov_robust is not None:
            out["robust se"] = t["std_error"]
        out["z"] = t["statistic"]
        out["p"] = t["p_value"]
        pct = f"{conf_level:.0%}"
        out[f"HR lower {pct}"] = t["exp_conf_low"]
        out[f"HR upper {pct}"] = t["exp_conf_high"]
        return out

    def _glance_lines(self) -> list[str]:
        parts = [f"n = {self.nobs}"]
        if self.n_groups is not None:
            parts.append(f"{self.id}s = {self.n_groups}")
        parts.append(f"events = {self.n_events}")
        if self.n_clusters is not None:
            parts.append(f"clusters = {self.n_clusters}")
        lines = [", ".join(parts) + (f"  ({self.n_dropped} rows dropped for missing values)" if self.n_dropped else "")]
        lines.append(f"Ties: {self.ties}. Standard errors: {self.vcov_type}.")
        if self.strata:
            lines.append(f"Stratified by {', '.join(self.strata)}.")
        lines.append(f"Log partial likelihood = {self.loglik:.4f} (null {self.loglik_null:.4f}), AIC = {self.aic:.2f}")
        lines.append(f"Concordance = {self.concordance:.3f} (se = {self.concordance_se:.3f})")
        lr, wd, sc = self.lr_test, self.wald_test, self.logrank_test
        lines.append(f"Likelihood ratio test = {lr[0]:.2f} on {lr[1]} df, p = {lr[2]:.3g}")
        lines.append(f"Wald test             = {wd[0]:.2f} on {wd[1]} df, p = {wd[2]:.3g}")
        sline = f"Score (logrank) test  = {sc[0]:.2f} on {sc[1]} df, p = {sc[2]:.3g}"
        if self.robust_score_test is not None:
            rp = stats.chi2.sf(self.robust_score_test, self.df_model)
            sline += f";  robust = {self.robust_score_test:.2f}, p = {rp:.3g}"
        lines.append(sline)
        if not self.converged:
            lines.append("WARNING: the partial likelihood is monotone in "
                         + ", ".join(self._state.get("infinite_terms", [])) + "; those estimates are not finite.")
        return lines

    def summary(self, conf_level: float = 0.95) -> str:
        """R-style summary: coefficients with hazard ratios, both SEs, fit statistics and tests."""
        table = self._display_table(conf_level).to_string(float_format=lambda v: f"{v:.4g}")
        return "\n".join([self._title(), "", table, "", *self._glance_lines()])

    def _repr_html_(self) -> str:
        table = self._display_table().to_html(float_format=lambda v: f"{v:.4g}", border=0)
        foot = "<br>".join(html.escape(s) for s in self._glance_lines())
        return f"<div><strong>{html.escape(self._title())}</strong>{table}<p>{foot}</p></div>"

    # ------------------------------------------------------------------ quantities of interest
    def risk_reduction(self, term: str, conf_level: float = 0.95) -> pd.DataFrame:
        """``1 - HR`` with its confidence interval (e.g. "peacekeeping cuts the risk of renewed war by 46%").

        Uses ``vcov`` (robust when the fit is). Returns one row: ``term, risk_reduction,
        conf_low, conf_high`` (proportions; the interval is ``1 - exp(CI of b)``).
        """
        t = self.tidy(conf_level).set_index("term")
        if term not in t.index:
            raise SpecificationError(f"no term {term!r} in the model; terms are {list(t.index)}.")
        row = t.loc[term]
        return pd.DataFrame(
            {
                "term": [term],
                "risk_reduction": [1 - row["exp_estimate"]],
                "conf_low": [1 - row["exp_conf_high"]],
                "conf_high": [1 - row["exp_conf_low"]],
                "conf_level": [conf_level],
            }
        )

    # ------------------------------------------------------------------ residuals
    def residuals(self, kind: Literal["score", "martingale", "schoenfeld", "scaledsch", "dfbeta"] = "martingale",
                  weighted: bool = False):
        """Residuals as R's ``residuals(fit, type = kind)`` (unweighted unless ``weighted``; dfbeta weighted).

        ``score``/``dfbeta``: a DataFrame, one row per used data row (index of the data).
        ``martingale``: a Series. ``schoenfeld``/``scaledsch``: a DataFrame with one row
        per event, sorted by stratum and time (column ``time`` gives the event time).
        """
        st = self._state
        cd: _CoxData = st["cd"]
        ev: _Eval = st["ev"]
        idx = st["index"]
        cols = list(self.params.index)
        w = cd.w
        if kind in ("score", "dfbeta"):
            res = st.get("score_resid")
            if res is None:
                res = st["score_resid"] = _score_residuals(cd, ev)
            out = res
            if kind == "dfbeta":
                out = (res * w[:, None]) @ self.vcov_model.to_numpy()
            elif weighted:
                out = res * w[:, None]
            return pd.DataFrame(out, index=idx, columns=cols)
        if kind == "martingale":
            m = cd.event.astype(float) - np.exp(ev.eta) * ev.wgt
            if weighted:
                m = m * w
            return pd.Series(m, index=idx, name="martingale")
        if kind in ("schoenfeld", "scaledsch"):
            sch = _schoenfeld(cd, ev)
            if kind == "scaledsch":
                nd = len(cd.dr)
                sch = sch @ self.vcov_model.to_numpy() * nd + self.params.to_numpy()
            elif weighted:
                sch = sch * w[cd.dr][:, None]
            out = pd.DataFrame(sch, index=idx[cd.dr], columns=cols)
            out.insert(0, "time", cd.stop[cd.dr])
            return out
        raise SpecificationError(
            f"unknown residual kind {kind!r}; use 'score', 'dfbeta', 'martingale', 'schoenfeld' or 'scaledsch'."
        )

    # ------------------------------------------------------------------ survival curves
    def _baseline_pieces(self):
        """Per (stratum, stop time): n_risk, n_event, n_censor, hazard, variance and xbar increments (R's agsurv)."""
        st = self._state
        if "baseline" in st:
            return st["baseline"]
        cd: _CoxData = st["cd"]
        ev: _Eval = st["ev"]
        rr = np.exp(ev.eta)
        r = cd.w * rr
        p = cd.p
        Z = np.column_stack([r, cd.X * r[:, None], cd.w])
        ukey = np.unique(cd.key_stop)
        ps = np.searchsorted(cd.key_start[cd.order_start], ukey, side="left")
        pe = np.searchsorted(cd.key_stop[cd.order_stop], ukey, side="left")
        S = _prefix(Z, cd.order_start)[ps] - _prefix(Z, cd.order_stop)[pe]
        nrisk, xsum, irisk = S[:, 0], S[:, 1 : 1 + p], S[:, 1 + p]
        u = np.searchsorted(ukey, cd.key_stop)
        K = len(ukey)
        ev_f = cd.event.astype(float)
        nevent = np.bincount(u, weights=cd.w * ev_f, minlength=K)
        ncens = np.bincount(u, weights=cd.w * (1 - ev_f), minlength=K)
        ndeath = np.bincount(u, weights=ev_f, minlength=K)
        haz = np.zeros(K)
        varhaz = np.zeros(K)
        xbar = np.zeros((K, p))
        has = ndeath > 0
        if cd.efron:
            erisk = np.bincount(u, weights=r * ev_f, minlength=K)
            xsum2 = np.zeros((K, p))
            for j in range(p):
                xsum2[:, j] = np.bincount(u, weights=r * ev_f * cd.X[:, j], minlength=K)
            # expand per event row: k = 0..d-1 at each time (R's agsurv5)
            dr = cd.dr
            ud = u[dr]
            k = np.arange(len(dr)) - np.searchsorted(ud, ud, side="left")
            d = ndeath[ud]
            den = nrisk[ud] - erisk[ud] * k / d
            t1 = 1.0 / den
            haz += np.bincount(ud, weights=t1 / d, minlength=K) * nevent
            varhaz += np.bincount(ud, weights=t1 * t1 / d, minlength=K) * nevent
            for j in range(p):
                wj = (xsum[ud, j] - xsum2[ud, j] * k / d) * t1 * t1 / d
                xbar[:, j] = np.bincount(ud, weights=wj, minlength=K) * nevent
        else:
            haz[has] = nevent[has] / nrisk[has]
            varhaz[has] = nevent[has] / nrisk[has] ** 2
            xbar[has] = xsum[has] / nrisk[has, None] * haz[has, None]
        T = cd.ntimes
        strat = ukey // T
        time = cd.time_of_key[ukey % T]
        out = dict(strat=strat, time=time, n_risk=irisk, n_event=nevent, n_censor=ncens,
                   haz=haz, varhaz=varhaz, xbar=xbar)
        st["baseline"] = out
        return out

    @staticmethod
    def _seg_cumsum(x: np.ndarray, seg: np.ndarray) -> np.ndarray:
        """Cumulative sums restarting where ``seg`` (sorted) changes; works on 1-d or 2-d ``x``."""
        c = np.cumsum(x, axis=0)
        starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
        first = np.repeat(starts, np.diff(np.r_[starts, len(seg)]))
        prev = c[np.maximum(first - 1, 0)]
        has_prev = (first > 0)[:, None] if c.ndim == 2 else first > 0
        before = np.where(has_prev, prev, 0)
        return c - before

    def baseline_hazard(self, centered: bool = True) -> pd.DataFrame:
        """Baseline cumulative hazard, as R's ``basehaz(fit, centered)``.

        ``centered=True`` (R's default) gives the hazard at the mean of the covariates
        (``fit$means``); ``False`` at covariates all zero. Columns: ``strata`` (if
        stratified), ``time``, ``hazard`` (increment), ``cumhaz``.
        """
        b = self._baseline_pieces()
        st = self._state
        cd: _CoxData = st["cd"]
        beta = self.params.to_numpy()
        # our risk scores are exp((x - xmean) b - shift); R centres at fit$means, where
        # columns holding only -1/0/1 (dummies) are not centred (agreg.fit's nocenter)
        at = st["r_means"] if centered else np.zeros(cd.p)
        c = (at - cd.xmean) @ beta - st["ev"].shift
        haz = b["haz"] * np.exp(c)
        out = pd.DataFrame({"time": b["time"], "hazard": haz, "cumhaz": self._seg_cumsum(haz, b["strat"])})
        if self.strata:
            out.insert(0, "strata", [st["strata_labels"][s] for s in b["strat"]])
        return out

    def survival_function(self, profiles: pd.DataFrame, conf_level: float = 0.95,
                          conf_type: Literal["log", "log-log", "plain"] = "log") -> pd.DataFrame:
        """Predicted survival curves for covariate profiles, as R's ``survfit(fit, newdata = profiles)``.

        Breslow or Efron baseline hazard as the fit's ties (R's default ``ctype``),
        ``S = exp(-H)``, the variance of ``H`` with the coefficient-uncertainty term
        (using ``vcov``: the robust one when the fit is robust, as R does), and
        ``conf.type = "log"`` intervals by default.

        Parameters
        ----------
        profiles
            One row per profile with the model's covariates (and the strata columns, for a
            stratified model; without them every profile gets a curve in every stratum).
            The index labels the curves.

        Returns
        -------
        pandas.DataFrame
            Long format: ``profile, [strata,] time, n_risk, n_event, n_censor, cumhaz,
            surv, std_err`` (R's ``$std.err``: the standard error of the cumulative hazard),
            ``std_err_surv`` (``surv * std_err``, what ``summary(survfit)`` prints),
            ``conf_low, conf_high``.
        """
        st = self._state
        cd: _CoxData = st["cd"]
        design: _frame.Design = st["design"]
        if not isinstance(profiles, pd.DataFrame):
            raise SpecificationError("profiles must be a DataFrame with one row per covariate profile.")
        _frame.check_columns(profiles, st["rhs_columns"], "survival_function profiles")
        x2 = design.transform(profiles) - cd.xmean
        beta = self.params.to_numpy()
        risk2 = np.exp(x2 @ beta - st["ev"].shift)
        b = self._baseline_pieces()
        V = self.vcov.to_numpy()
        H = self._seg_cumsum(b["haz"], b["strat"])
        VH = self._seg_cumsum(b["varhaz"], b["strat"])
        XB = self._seg_cumsum(b["xbar"], b["strat"])
        z = stats.norm.ppf(0.5 + conf_level / 2)
        if self.strata:
            have = all(c in profiles.columns for c in self.strata)
            if have:
                lab = st["strata_labels"]
                lookup = {v: i for i, v in enumerate(lab)}
                keyvals = (profiles[self.strata[0]].tolist() if len(self.strata) == 1
                           else list(profiles[self.strata].itertuples(index=False, name=None)))
                pstrat = []
                for v in keyvals:
                    if v not in lookup:
                        raise SpecificationError(f"profile stratum {v!r} is not a stratum of the fitted model ({lab}).")
                    pstrat.append([lookup[v]])
            else:
                pstrat = [list(range(len(st["strata_labels"])))] * len(profiles)
        else:
            pstrat = [[0]] * len(profiles)
        frames = []
        for i, lab_i in enumerate(profiles.index):
            for s in pstrat[i]:
                sel = b["strat"] == s
                h = H[sel] * risk2[i]
                dt = H[sel, None] * x2[i][None, :] - XB[sel]
                varh = (VH[sel] + np.einsum("ij,jk,ik->i", dt, V, dt)) * risk2[i] ** 2
                se = np.sqrt(varh)
                surv = np.exp(-h)
                with np.errstate(divide="ignore", invalid="ignore"):
                    if conf_type == "log":
                        lo, hi = surv * np.exp(-z * se), np.minimum(1.0, surv * np.exp(z * se))
                    elif conf_type == "log-log":
                        xx = np.log(h)
                        wid = z * se / h
                        lo, hi = np.exp(-np.exp(xx + wid)), np.exp(-np.exp(xx - wid))
                    elif conf_type == "plain":
                        lo, hi = np.maximum(0.0, surv - z * se * surv), np.minimum(1.0, surv + z * se * surv)
                    else:
                        raise SpecificationError(f"conf_type must be 'log', 'log-log' or 'plain', not {conf_type!r}.")
                f = pd.DataFrame({
                    "profile": lab_i, "time": b["time"][sel], "n_risk": b["n_risk"][sel],
                    "n_event": b["n_event"][sel], "n_censor": b["n_censor"][sel], "cumhaz": h,
                    "surv": surv, "std_err": se, "std_err_surv": se * surv, "conf_low": lo, "conf_high": hi,
                })
                if self.strata:
                    f.insert(1, "strata", st["strata_labels"][s])
                frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def plot_survival(self, profiles: pd.DataFrame, ax=None, conf_level: float = 0.95, ci: bool = True):
        """Step plot of :meth:`survival_function` for each profile, with confidence bands; returns the axes."""
        import matplotlib.pyplot as plt

        sf = self.survival_function(profiles, conf_level=conf_level)
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        keys = ["profile", "strata"] if "strata" in sf else ["profile"]
        for key, g in sf.groupby(keys, sort=False):
            label = " / ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
            t = np.r_[0.0, g["time"].to_numpy()]
            (line,) = ax.step(t, np.r_[1.0, g["surv"].to_numpy()], where="post", label=label)
            if ci:
                ax.fill_between(t, np.r_[1.0, g["conf_low"].to_numpy()], np.r_[1.0, g["conf_high"].to_numpy()],
                                step="post", alpha=0.15, color=line.get_color())
        ax.set_xlabel("time")
        ax.set_ylabel("survival")
        ax.set_ylim(0, 1.02)
        ax.legend(title="profile", frameon=False)
        ax.set_title(f"{self.model}: predicted survival")
        return ax

    # ------------------------------------------------------------------ PH test
    def zph(self, transform: str = "km", terms: bool = True):
        """Test of proportional hazards, R's ``cox.zph(fit, transform, terms)``.

        See :func:`peacestats.models.zph.cox_zph`.
        """
        from .zph import cox_zph

        return cox_zph(self, transform=transform, terms=terms)


# ============================================================================ the estimator
def coxph(
    formula: str,
    data: pd.DataFrame,
    *,
    start: str | None = None,
    stop: str | None = None,
    event: str | None = None,
    id: str | None = None,
    cluster: str | None = None,
    strata: str | list[str] | None = None,
    weights: str | None = None,
    ties: Literal["efron", "breslow"] = "efron",
    robust: bool | None = None,
    cluster_df_correction: bool = False,
    tol: float = 1e-12,
    max_iter: int = 50,
    on_separation: Literal["raise", "warn"] = "raise",
) -> CoxResult:
    """Fit a Cox proportional hazards model on (start, stop] data, as R's ``coxph``.

    Parameters
    ----------
    formula
        Right-hand side as a patsy formula (``"pk_dum + victory + C(pkop)"``; no intercept,
        factors keep their first level as reference; ``factor(x)`` works like ``C(x)``), or
        R style ``"Surv(start, stop, event) ~ x1 + x2 + strata(s) + cluster(g)"``.
    data
        One row per interval (spell segment). Rows with a missing value in any used column
        are dropped (R's ``na.omit``); ``n_dropped`` counts them.
    start, stop, event
        Column names: interval entry and exit times and the 0/1 event indicator at
        ``stop``. ``start=None`` means every row enters at time 0 (right-censored data).
    id
        Spell/subject column. Enables checks (no overlapping intervals, an event only on a
        spell's last row), gives ``n_groups``, and is the cluster for ``robust=True``.
    cluster
        Column defining clusters for the Lin-Wei robust variance (R's ``cluster = g``).
    strata
        Column(s): separate baseline hazards (R's ``strata(s)``).
    weights
        Column of case weights (> 0).
    ties
        ``"efron"`` (R's default) or ``"breslow"`` (Stata's default).
    robust
        ``None`` follows R: robust when ``cluster`` is given, when weights are not whole
        numbers, or when an ``id`` has more than one event. ``True`` without ``cluster``
        clusters on ``id``, else each row is its own cluster (right-censored data only,
        as in R).
    cluster_df_correction
        Multiply the robust variance by G/(G-1) (Stata's ``vce(cluster)``); R does not.
    tol
        Convergence: relative change of the log partial likelihood between iterations.
    max_iter
        Newton-Raphson iterations before :class:`~peacestats.errors.ConvergenceError`.
    on_separation
        When a coefficient runs off to infinity (monotone likelihood, e.g. a dummy whose
        every row never fails): ``"raise"`` a ConvergenceError (default) or ``"warn"``
        and return the result flagged ``converged=False``.

    Returns
    -------
    CoxResult

    Raises
    ------
    SpecificationError
        Missing columns, no covariates, collinear covariates, bad weights, one cluster.
    SurvivalDataError
        ``stop <= start``, events not 0/1, no events, overlapping or misplaced events within ``id``.
    ConvergenceError
        No convergence, or (by default) separation.

    Examples
    --------
    >>> from peacestats.sources import fortna_ceasefires
    >>> from peacestats.models.cox import coxph
    >>> d = fortna_ceasefires.load()
    >>> fit = coxph("pk_dum + victory + treaty + wardur + logdead + wartype", d,
    ...             start="st_t0", stop="st_t", event="st_d", cluster="cluster", ties="breslow")
    >>> round(float(fit.params["pk_dum"]), 4)
    -0.6098
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame.")
    if ties not in ("efron", "breslow"):
        raise SpecificationError(f"ties must be 'efron' or 'breslow', not {ties!r} (R's 'exact' is not implemented).")
    if on_separation not in ("raise", "warn"):
        raise SpecificationError("on_separation must be 'raise' or 'warn'.")
    sf = _frame.parse_surv_formula(formula)
    strata_cols = _frame.as_list(strata)
    if sf is not None:
        for name, given, parsed in (("start", start, sf.start), ("stop", stop, sf.stop), ("event", event, sf.event)):
            if given is not None and parsed is not None and given != parsed:
                raise SpecificationError(f"{name}={given!r} conflicts with the formula's Surv() ({parsed!r}).")
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
    sub = data[used_cols]  # only the columns the model uses (no copy of wide frames)
    mask, n_dropped = _frame.complete_rows(sub, used_cols)
    df = sub.loc[mask] if n_dropped else sub
    if len(df) == 0:
        raise SpecificationError("no complete rows: every row has a missing value in a used column.")
    _check_survival(df, start, stop, event, id)
    design = _frame.design_matrix(rhs, df)
    X, names = design.X, design.columns
    _frame.check_collinearity(X, names, centre=True)
    n = len(df)
    stop_v = df[stop].to_numpy(dtype=float)
    start_v = df[start].to_numpy(dtype=float) if start is not None else np.full(n, -np.inf)
    event_v = df[event].to_numpy(dtype=float) == 1
    if weights is not None:
        w = df[weights].to_numpy(dtype=float)
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            badw = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
            raise SpecificationError(
                f"weights {weights!r} must be positive and finite; rows {_row_list(df.index, badw)} are not."
            )
    else:
        w = np.ones(n)
    if strata_cols:
        strata_codes, strata_labels = _frame.group_codes(df, strata_cols)
    else:
        strata_codes, strata_labels = np.zeros(n, dtype=np.int64), [None]

    # ---- R's rules for when the variance is robust, and on what clusters
    has_rwt = weights is not None and np.any(w != np.floor(w))
    n_groups = None
    id_multi = False
    if id is not None:
        ids = pd.factorize(df[id])[0]
        n_groups = int(ids.max()) + 1
        id_multi = bool(pd.Series(ids[event_v]).duplicated().any())
    robust_given = robust is not None
    if robust is None:
        robust = cluster is not None or has_rwt or id_multi
    cluster_codes = None
    n_clusters = None
    cluster_desc = None
    if cluster is not None and not robust:
        warnings.warn("cluster given with robust=False: the cluster is ignored (as R does).", stacklevel=2)
    if robust:
        if cluster is not None:
            cluster_codes, labels = _frame.group_codes(df, cluster)
            cluster_desc = f"clustered on {cluster!r}"
        elif id is not None:
            cluster_codes, labels = _frame.group_codes(df, id)
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

    cd = _prepare(X, start_v, stop_v, event_v, w, strata_codes, ties == "efron")
    fit = _newton(cd, tol, max_iter, names)
    beta, ev = fit.beta, fit.ev
    converged = True
    infinite_terms = [names[j] for j in fit.infinite]
    if infinite_terms:
        msg = (
            "Cox model: the partial likelihood is monotone in "
            + ", ".join(f"{t} (coefficient {beta[names.index(t)]:.3g})" for t in infinite_terms)
            + ": the coefficient runs off to infinity (separation: e.g. no events, or only events, "
            "in one category among rows at risk). The estimate and its standard error are meaningless; "
            "drop or merge that covariate, or use a penalized (Firth) Cox model."
        )
        if on_separation == "raise":
            raise ConvergenceError(msg)
        warnings.warn(msg, stacklevel=2)
        converged = False
    if not np.all(np.isfinite(beta)) or not np.isfinite(ev.loglik):
        raise ConvergenceError("Cox model: non-finite estimates; check the covariates for extreme values.")
    try:
        V_model = np.linalg.inv(ev.I)
    except np.linalg.LinAlgError:
        V_model = np.linalg.pinv(ev.I)
    V_model = (V_model + V_model.T) / 2

    V_robust = None
    rscore = None
    score_resid = None
    vcov_type = "model (inverse information)"
    if robust:
        score_resid = _score_residuals(cd, ev)
        V_robust = _vcov.lin_wei(V_model, score_resid * w[:, None], cluster_codes, n_clusters,
                                 cluster_df_correction)
        # robust score test at beta = 0 (R's fit$rscore)
        r0 = _score_residuals(cd, fit.ev0)
        meat0, U0 = _vcov.cluster_meat(r0 * w[:, None], cluster_codes, n_clusters)
        rscore = _quad_test(meat0, U0.sum(axis=0))
        vcov_type = f"robust (Lin-Wei), {cluster_desc}, {n_clusters} clusters"
        if cluster_df_correction:
            vcov_type += ", times G/(G-1)"
    score0 = _quad_test(fit.ev0.I, fit.ev0.U)
    vcov = V_robust if robust else V_model
    idx = pd.Index(names)
    methods = ["coxph", ties]
    if robust:
        methods.append("cluster_robust_cox")
    res = CoxResult(
        params=pd.Series(beta, index=idx, name="estimate"),
        vcov=pd.DataFrame(vcov, index=idx, columns=idx),
        vcov_type=vcov_type,
        nobs=n,
        loglik=float(ev.loglik),
        df_model=len(names),
        model="Cox PH",
        formula=formula,
        exponentiate=True,
        exp_label="HR",
        n_events=int(event_v.sum()),
        n_clusters=n_clusters,
        n_groups=n_groups,
        converged=converged,
        options=dict(start=start, stop=stop, event=event, id=id, cluster=cluster, strata=strata_cols,
                     weights=weights, ties=ties, robust=bool(robust), cluster_df_correction=cluster_df_correction,
                     tol=tol, max_iter=max_iter),
        data_info=dict(rows_in=len(data), rows_used=n, rows_dropped_na=n_dropped,
                       columns=[c for c in dict.fromkeys(c for c in used if c is not None)],
                       source=data.attrs.get("source") if hasattr(data, "attrs") else None),
        citations=tuple(methods),
        vcov_model=pd.DataFrame(V_model, index=idx, columns=idx),
        vcov_robust=pd.DataFrame(V_robust, index=idx, columns=idx) if V_robust is not None else None,
        loglik_null=float(fit.ev0.loglik),
        score_test=score0,
        robust_score_test=rscore,
        ties=ties,
        strata=strata_cols,
        cluster=cluster,
        id=id,
        n_dropped=n_dropped,
        iterations=fit.iterations,
    )
    r_means = np.where(np.all(np.isin(X, [-1.0, 0.0, 1.0]), axis=0), 0.0, X.mean(axis=0))
    res._state.update(cd=cd, ev=ev, design=design, r_means=r_means, index=df.index, cluster_codes=cluster_codes,
                      strata_labels=strata_labels, rhs_columns=rhs_cols, score_resid=score_resid,
                      terms=design.terms, infinite_terms=infinite_terms)
    return res
