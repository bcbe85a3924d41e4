"""Cox engine: the partial likelihood of R's ``coxph`` and its Newton-Raphson fit.

Counting-process data ``(start, stop]``, strata, case weights, Breslow or Efron ties;
one pass over the sorted risk sets gives the log partial likelihood, score and
information (:func:`evaluate`); :func:`newton` is R's ``coxph.fit`` iteration (step
halving, ``toler.inf`` check for infinite coefficients). The score and Schoenfeld
residuals live here too, because the robust variance and ``cox.zph`` need them.

The rows are sorted once (:func:`prepare`), by entry and by exit, and the centred
covariates are kept in both orders (column-major); an iteration then gathers only the
risk weights ``r`` into each order, and every risk-set sum is a difference of two
running sums read at the event times. The running sums are the same sequential sums
as those of :func:`prefix` over the gathered rows, so the results are the same to the
last bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ...errors import ConvergenceError

__all__ = ["CoxData", "prepare", "prefix", "Eval", "evaluate", "score_residuals", "schoenfeld",
           "chol_solve", "quad_test", "Fit", "newton"]


# ============================================================================ data preparation
@dataclass
class CoxData:
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
    XsT: np.ndarray  # p x n: X's columns in order_start (C-contiguous rows)
    XeT: np.ndarray  # p x n: X's columns in order_stop
    Xd: np.ndarray  # D x p: X[dr]
    unweighted: bool  # every weight is 1 (r = exp(eta) then, bit for bit)

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]


def prepare(X, start, stop, event, w, strata, efron) -> CoxData:
    """The :class:`CoxData` of complete rows: centred covariates, sort orders, event groups."""
    xmean = X.mean(axis=0)
    Xc = X - xmean
    # integer keys: (stratum, time rank) so that strata never share a risk set
    times = np.unique(np.concatenate([start, stop]))
    T = len(times) + 1
    key_start = strata * T + _time_rank(times, start)
    key_stop = strata * T + _time_rank(times, stop)
    etime_key = np.unique(key_stop[event])
    order_start = _stable_order(key_start)
    order_stop = _stable_order(key_stop)
    pos_start = np.searchsorted(key_start[order_start], etime_key, side="left")
    pos_stop = np.searchsorted(key_stop[order_stop], etime_key, side="left")
    idx_lo = _count_le(etime_key, key_start)
    idx_hi = _count_le(etime_key, key_stop)
    ev_rows = np.flatnonzero(event)
    dr = ev_rows[np.argsort(key_stop[ev_rows], kind="stable")]
    dg = np.searchsorted(etime_key, key_stop[dr])
    m = np.bincount(dg, minlength=len(etime_key))
    gstart = np.concatenate([[0], np.cumsum(m)[:-1]])
    k = np.arange(len(dr)) - gstart[dg]
    dc = k / m[dg] if efron else np.zeros(len(dr))
    wsum = np.bincount(dg, weights=w[dr], minlength=len(etime_key))
    XT = np.ascontiguousarray(Xc.T)
    return CoxData(
        X=Xc, xmean=xmean, start=start, stop=stop, event=event, w=w, strata=strata,
        efron=efron, key_start=key_start, key_stop=key_stop, etime_key=etime_key,
        pos_start=pos_start, pos_stop=pos_stop, order_start=order_start, order_stop=order_stop,
        idx_lo=idx_lo, idx_hi=idx_hi, dr=dr, dg=dg, dc=dc, m=m, gstart=gstart, wsum=wsum,
        time_of_key=times, ntimes=T,
        XsT=_columns_in_order(XT, order_start), XeT=_columns_in_order(XT, order_stop),
        Xd=Xc[dr], unweighted=bool(np.all(w == 1.0)),
    )


def _columns_in_order(XT: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``XT[:, order]``, one contiguous column at a time (much faster than gathering rows of ``X``)."""
    out = np.empty_like(XT)
    for j in range(XT.shape[0]):
        np.take(XT[j], order, out=out[j])
    return out


#: Lookup tables (O(n + range)) replace binary searches when the range is at most this many times n.
_TABLE_FACTOR = 4


def _time_rank(times: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``np.searchsorted(times, t)`` for values ``t`` that are all in ``times`` (sorted, unique).

    Whole-number times in a range not much wider than the data (days, months) are
    ranked by a lookup table; anything else by binary search. Same integers either way.
    """
    n = len(t)
    if n and np.isfinite(times[0]) and np.isfinite(times[-1]) \
            and times[-1] - times[0] <= _TABLE_FACTOR * n + 1024 and np.all(times == np.floor(times)):
        t0 = times[0]
        table = np.zeros(int(times[-1] - t0) + 1, dtype=np.int64)
        table[(times - t0).astype(np.int64)] = np.arange(len(times))
        return table[(t - t0).astype(np.int64)]
    return np.searchsorted(times, t)


def _count_le(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.searchsorted(sorted_keys, keys, side="right")`` for non-negative integer keys.

    A table of running counts when the largest key is not much larger than ``len(keys)``.
    """
    top = int(keys.max()) if len(keys) else 0
    if top <= _TABLE_FACTOR * len(keys) + 1024:
        counts = np.cumsum(np.bincount(sorted_keys[sorted_keys <= top], minlength=top + 1))
        return counts[keys]
    return np.searchsorted(sorted_keys, keys, side="right")


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative integer keys; numpy's radix sort when they fit 16 bits."""
    if len(keys) and int(keys.max()) < 2**16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    return np.argsort(keys, kind="stable")


def prefix(Z: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Prefix sums of the rows of ``Z`` taken in ``order``, with a leading zero row."""
    out = np.empty((Z.shape[0] + 1, Z.shape[1]))
    out[0] = 0.0
    np.cumsum(Z[order], axis=0, out=out[1:])
    return out


@dataclass
class Eval:
    loglik: float
    U: np.ndarray
    imat: np.ndarray | None  # information matrix (None when not asked for or not finite)
    eta: np.ndarray  # shifted linear predictor (centred X)
    shift: float
    # per event row / event time pieces, kept for residuals, zph and survfit
    mean: np.ndarray | None = None  # D x p Efron means
    mw: np.ndarray | None = None  # D: mean weight of the tied events
    h: np.ndarray | None = None  # D: hazard pieces mw / d2
    temp1: np.ndarray | None = None  # E
    temp2: np.ndarray | None = None
    wgt: np.ndarray | None = None  # n: hazard summed over each row's interval

    def information(self) -> np.ndarray:
        """The information matrix; raises :class:`ConvergenceError` where it was not finite."""
        if self.imat is None:
            raise ConvergenceError(
                "Cox model: the information matrix is not finite at these coefficients (an empty risk "
                "set at an event time); check for covariates with extreme values or perfect separation."
            )
        return self.imat

    def event_pieces(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(mean, h, wgt)``, set by :func:`evaluate` with ``info=True`` on a finite likelihood."""
        if self.mean is None or self.h is None or self.wgt is None:
            raise ConvergenceError("Cox model: no residual pieces at coefficients with an infinite likelihood")
        return self.mean, self.h, self.wgt


def _sorted_prefix(r: np.ndarray, XT: np.ndarray, order: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """``prefix(Z, order)[pos]`` for ``Z = [r, X * r]``, from X's columns already in ``order`` (``XT``).

    One gather of ``r`` instead of the rows of ``Z``; each column's running sum is the
    same sequential sum (one ``cumsum`` along the rows of a ``(p + 1) x n`` array), so
    the values are identical to :func:`prefix`'s.
    """
    p, n = XT.shape
    rs = r[order]
    Zs = np.empty((p + 1, n))
    Zs[0] = rs
    np.multiply(XT, rs, out=Zs[1:])
    P = np.empty((p + 1, n + 1))
    P[:, 0] = 0.0
    np.cumsum(Zs, axis=1, out=P[:, 1:])
    return P[:, pos].T


def evaluate(cd: CoxData, beta: np.ndarray, info: bool = True) -> Eval:
    """Log partial likelihood, score and information at ``beta`` (Breslow or Efron)."""
    eta = cd.X @ beta
    shift = float(eta.max()) if eta.size else 0.0
    eta = eta - shift  # exp() never overflows; every ratio is unchanged
    rr = np.exp(eta)
    r = rr if cd.unweighted else cd.w * rr
    # risk-set sums at each event time: rows entered before t minus rows left before t
    S = (_sorted_prefix(r, cd.XsT, cd.order_start, cd.pos_start)
         - _sorted_prefix(r, cd.XeT, cd.order_stop, cd.pos_stop))
    dr, dg, dc = cd.dr, cd.dg, cd.dc
    if len(dr):
        rd = r[dr]
        Zd = np.empty((len(dr), cd.p + 1))
        Zd[:, 0] = rd
        np.multiply(cd.Xd, rd[:, None], out=Zd[:, 1:])
        Ed = np.add.reduceat(Zd, cd.gstart, axis=0)
    else:
        Ed = np.zeros((0, cd.p + 1))
    d2 = S[dg, 0] - dc * Ed[dg, 0]
    if np.any(~(d2 > 0)):
        return Eval(-np.inf, np.full(cd.p, np.nan), None, eta, shift)
    mean = (S[dg, 1:] - dc[:, None] * Ed[dg, 1:]) / d2[:, None]
    mw = (cd.wsum / cd.m)[dg]
    wd = cd.w[dr]
    loglik = float(np.dot(wd, eta[dr]) - np.dot(mw, np.log(d2)))
    U = wd @ cd.Xd - mw @ mean
    out = Eval(loglik, U, None, eta, shift, mean=mean, mw=mw)
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
    imat = (cd.X * (r * wgt)[:, None]).T @ cd.X - (mean * mw[:, None]).T @ mean
    out.imat = (imat + imat.T) / 2
    out.h, out.temp1, out.temp2, out.wgt = h, temp1, temp2, wgt
    return out


def score_residuals(cd: CoxData, ev: Eval) -> np.ndarray:
    """R's ``residuals(fit, type = "score")`` (unweighted), n x p, in row order.

    Column by column (the result is column-major), with the same arithmetic per element
    as the row-wise ``-exp(eta) * (X * wgt - B) + (X - mean) [event rows]``.
    """
    E, p = len(cd.etime_key), cd.p
    dg, dc, dr = cd.dg, cd.dc, cd.dr
    mean, h, wgt = ev.event_pieces()
    neg_rr = -np.exp(ev.eta)
    res = np.empty((p, cd.n))
    for j in range(p):
        mh1 = np.bincount(dg, weights=mean[:, j] * h, minlength=E)
        mh3 = np.bincount(dg, weights=mean[:, j], minlength=E) / cd.m
        B = np.concatenate([[0.0], np.cumsum(mh1)])
        Bd = B[cd.idx_hi] - B[cd.idx_lo]
        if cd.efron:
            mh2 = np.bincount(dg, weights=mean[:, j] * h * (1 - dc), minlength=E)
            Bd[dr] -= (mh1 - mh2)[dg]
        rj = res[j]
        np.multiply(cd.X[:, j], wgt, out=rj)
        rj -= Bd
        rj *= neg_rr
        rj[dr] += cd.Xd[:, j] - mh3[dg]
    return res.T


def schoenfeld(cd: CoxData, ev: Eval) -> np.ndarray:
    """Schoenfeld residuals of the event rows (in ``cd.dr`` order): x_i minus the (Efron-averaged) mean."""
    E = len(cd.etime_key)
    mh3 = np.empty((E, cd.p))
    mean = ev.event_pieces()[0]
    for j in range(cd.p):
        mh3[:, j] = np.bincount(cd.dg, weights=mean[:, j], minlength=E) / cd.m
    return cd.Xd - mh3[cd.dg]


def chol_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    try:
        c = linalg.cho_factor(A, lower=True, check_finite=True)
        return linalg.cho_solve(c, b)
    except (linalg.LinAlgError, ValueError):
        return None


def quad_test(V: np.ndarray, b: np.ndarray) -> float:
    """``b' V^-1 b`` (Wald or score statistic)."""
    x = chol_solve(V, b)
    if x is None:
        x = np.linalg.lstsq(V, b, rcond=None)[0]
    return float(b @ x)


# ============================================================================ Newton-Raphson
@dataclass
class Fit:
    beta: np.ndarray
    ev: Eval
    ev0: Eval
    iterations: int
    converged: bool
    infinite: list[int]


def newton(cd: CoxData, tol: float, max_iter: int, names: list[str], init: np.ndarray | None = None) -> Fit:
    """Newton-Raphson from ``init`` (default 0; R's ``coxph(init = )``), to a relative log-likelihood change <= ``tol``.

    ``Fit.ev0`` is evaluated at the start (R's ``loglik[1]`` is at ``init`` too).
    """
    beta = np.zeros(cd.p) if init is None else np.array(init, dtype=float)
    ev0 = evaluate(cd, beta)
    ev = ev0
    toler_inf = np.sqrt(tol)
    it = 0
    converged = False
    for it in range(1, max_iter + 1):
        step = chol_solve(ev.information(), ev.U)
        if step is None or not np.all(np.isfinite(step)):
            step = np.linalg.lstsq(ev.information(), ev.U, rcond=None)[0]
        t = 1.0
        while True:
            nb = beta + t * step
            new = evaluate(cd, nb)
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
    step = chol_solve(ev.information(), ev.U)
    if step is None:
        step = np.linalg.lstsq(ev.information(), ev.U, rcond=None)[0]
    infinite = [j for j in range(cd.p) if not np.isfinite(step[j]) or abs(step[j]) > toler_inf * (1 + abs(beta[j]))]
    return Fit(beta, ev, ev0, it, converged, infinite)
