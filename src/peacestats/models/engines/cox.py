"""Cox engine: the partial likelihood of R's ``coxph`` and its Newton-Raphson fit.

Counting-process data ``(start, stop]``, strata, case weights, Breslow or Efron ties;
one pass over the rows gives the log partial likelihood, score and information
(:func:`evaluate`); :func:`newton` is R's ``coxph.fit`` iteration (step halving,
``toler.inf`` check for infinite coefficients). The score and Schoenfeld residuals
live here too, because the robust variance and ``cox.zph`` need them.

The risk-set sums need no sorting per iteration: each row is binned once
(:func:`prepare`) by the first event time at which it is at risk (``idx_lo``) and the
first at which it no longer is (``idx_hi``), so the sum over the risk set of event
time ``e`` is ``cumsum(bincount(idx_lo, v) - bincount(idx_hi, v))[e]``: two O(n)
bincounts per column and an O(E) running sum. The covariates are kept column-major
(``XT``, ``p x n``) so that each column is one contiguous pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import linalg

from ...errors import ConvergenceError

__all__ = ["CoxData", "prepare", "prefix", "Eval", "evaluate", "score_residuals", "schoenfeld",
           "chol_solve", "quad_test", "Fit", "newton"]


# ============================================================================ data preparation
@dataclass(eq=False)
class CoxData:
    """The beta-independent structure of one Cox problem (rows already complete, in data order).

    ``idx_lo``/``idx_hi`` bin each row between the sorted (stratum, event time) groups;
    the integer (stratum, time rank) keys and the sort orders that only the survival
    curves and the concordance need are computed on first use.
    """

    XT: np.ndarray  # p x n, centred by column means, C-contiguous (columns of X are rows here)
    xmean: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    event: np.ndarray  # bool
    w: np.ndarray
    strata: np.ndarray  # int codes
    efron: bool
    idx_lo: np.ndarray  # event groups with time <= start (per row; same stratum)
    idx_hi: np.ndarray  # event groups with time <= stop
    dr: np.ndarray  # event rows, sorted by (stratum, time), ties by row order
    dg: np.ndarray  # event-time index of each event row
    dc: np.ndarray  # Efron down-weight k/m of each event row (0 for Breslow)
    m: np.ndarray  # number of events at each event time
    gstart: np.ndarray  # first position in dr of each event time
    wsum: np.ndarray  # weighted events at each event time
    Xd: np.ndarray  # D x p: the centred covariates of the event rows (dr order)
    wd: np.ndarray  # D: their weights
    mw: np.ndarray  # D: mean weight of the events tied with each event row
    unweighted: bool  # every weight is 1

    @property
    def X(self) -> np.ndarray:
        """``n x p`` centred covariates (a column-major view of ``XT``)."""
        return self.XT.T

    @property
    def n(self) -> int:
        return self.XT.shape[1]

    @property
    def p(self) -> int:
        return self.XT.shape[0]

    @property
    def E(self) -> int:
        """Number of (stratum, event time) groups."""
        return len(self.m)

    @cached_property
    def _keys(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        times = np.unique(np.concatenate([self.start, self.stop]))
        T = len(times) + 1
        return (self.strata * T + np.searchsorted(times, self.start),
                self.strata * T + np.searchsorted(times, self.stop), times, T)

    @property
    def key_start(self) -> np.ndarray:
        """Integer ``(stratum, time rank)`` key of each row's entry, so strata never share a risk set."""
        return self._keys[0]

    @property
    def key_stop(self) -> np.ndarray:
        """Integer ``(stratum, time rank)`` key of each row's exit."""
        return self._keys[1]

    @property
    def time_of_key(self) -> np.ndarray:
        """Time value of each key rank (``key % ntimes``)."""
        return self._keys[2]

    @property
    def ntimes(self) -> int:
        """Number of distinct times plus one: ``key // ntimes`` is the stratum."""
        return self._keys[3]

    @cached_property
    def etime_key(self) -> np.ndarray:
        """Key of each event group, sorted (group ``g`` of ``dg``)."""
        return np.unique(self.key_stop[self.event])

    @cached_property
    def order_start(self) -> np.ndarray:
        """Rows sorted by entry key (stable)."""
        return np.argsort(self.key_start, kind="stable")

    @cached_property
    def order_stop(self) -> np.ndarray:
        """Rows sorted by exit key (stable)."""
        return np.argsort(self.key_stop, kind="stable")


def _event_bins(start, stop, event, strata):
    """``(idx_lo, idx_hi, dr, dg, m)``: each row's bins among the sorted event groups, and the event rows."""
    ev_rows = np.flatnonzero(event)
    if strata.size == 0 or strata.min() == strata.max():
        etimes, dg_rows = np.unique(stop[ev_rows], return_inverse=True)
        lo = np.searchsorted(etimes, start, side="right")
        hi = np.searchsorted(etimes, stop, side="right")
    else:  # (stratum, time) keys: a row's bins lie within its stratum's event groups
        times = np.unique(np.concatenate([start, stop]))
        T = len(times) + 1
        ks = strata * T + np.searchsorted(times, start)
        ke = strata * T + np.searchsorted(times, stop)
        ekeys, dg_rows = np.unique(ke[ev_rows], return_inverse=True)
        lo = np.searchsorted(ekeys, ks, side="right")
        hi = np.searchsorted(ekeys, ke, side="right")
    o = np.argsort(dg_rows, kind="stable")
    dr, dg = ev_rows[o], dg_rows.reshape(-1)[o]
    m = np.bincount(dg, minlength=int(dg.max()) + 1 if dg.size else 0)
    return lo, hi, dr, dg, m


def prepare(X, start, stop, event, w, strata, efron) -> CoxData:
    """The :class:`CoxData` of complete rows: centred covariates, event bins, tie groups."""
    X = np.asarray(X, dtype=float)
    xmean = X.mean(axis=0)
    XT = np.ascontiguousarray(X.T) - xmean[:, None]
    lo, hi, dr, dg, m = _event_bins(start, stop, event, strata)
    gstart = np.concatenate([[0], np.cumsum(m)[:-1]]).astype(np.int64)
    k = np.arange(len(dr)) - gstart[dg]
    dc = k / m[dg] if efron else np.zeros(len(dr))
    wd = w[dr]
    wsum = np.bincount(dg, weights=wd, minlength=len(m))
    return CoxData(
        XT=XT, xmean=xmean, start=start, stop=stop, event=event, w=w, strata=strata, efron=efron,
        idx_lo=lo, idx_hi=hi, dr=dr, dg=dg, dc=dc, m=m, gstart=gstart, wsum=wsum,
        Xd=np.ascontiguousarray(XT[:, dr].T), wd=wd, mw=(wsum / m)[dg], unweighted=bool(np.all(w == 1.0)),
    )


def prefix(Z: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Prefix sums of the rows of ``Z`` taken in ``order``, with a leading zero row."""
    out = np.empty((Z.shape[0] + 1, Z.shape[1]))
    out[0] = 0.0
    np.cumsum(Z[order], axis=0, out=out[1:])
    return out


def _risk_sums(cd: CoxData, v: np.ndarray) -> np.ndarray:
    """Sum of ``v`` over the risk set of each event group: rows entered before it minus rows left before it."""
    E = cd.E
    b = np.bincount(cd.idx_lo, weights=v, minlength=E + 1)
    b -= np.bincount(cd.idx_hi, weights=v, minlength=E + 1)
    return np.cumsum(b[:E])


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


def _denominators(cd: CoxData, r: np.ndarray, rX: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(d2, mean)`` per event row: the (Efron-discounted) risk-set sum of ``r`` and the mean of X."""
    dr, dg, E, p = cd.dr, cd.dg, cd.E, cd.p
    S0 = _risk_sums(cd, r)
    num = np.empty((len(dr), p))
    for j in range(p):
        num[:, j] = _risk_sums(cd, rX[j])[dg]
    d2 = S0[dg]
    if cd.efron:
        dc = cd.dc
        d2 = d2 - dc * np.bincount(dg, weights=r[dr], minlength=E)[dg]
        rXd = rX[:, dr]
        for j in range(p):
            num[:, j] -= dc * np.bincount(dg, weights=rXd[j], minlength=E)[dg]
    return d2, num


def evaluate(cd: CoxData, beta: np.ndarray, info: bool = True) -> Eval:
    """Log partial likelihood, score and information at ``beta`` (Breslow or Efron)."""
    eta = beta @ cd.XT
    shift = float(eta.max()) if eta.size else 0.0
    eta -= shift  # exp() never overflows; every ratio is unchanged
    rr = np.exp(eta)
    r = rr if cd.unweighted else cd.w * rr
    rX = cd.XT * r
    d2, num = _denominators(cd, r, rX)
    if np.any(~(d2 > 0)):
        return Eval(-np.inf, np.full(cd.p, np.nan), None, eta, shift)
    mean = num / d2[:, None]
    mw, wd, dg = cd.mw, cd.wd, cd.dg
    loglik = float(np.dot(wd, eta[cd.dr]) - np.dot(mw, np.log(d2)))
    U = wd @ cd.Xd - mw @ mean
    out = Eval(loglik, U, None, eta, shift, mean=mean, mw=mw)
    if not info:
        return out
    h = mw / d2
    E = cd.E
    temp1 = np.bincount(dg, weights=h, minlength=E)
    temp2 = np.bincount(dg, weights=(1.0 - cd.dc) * h, minlength=E) if cd.efron else temp1
    A = np.concatenate([[0.0], np.cumsum(temp1)])
    wgt = A[cd.idx_hi] - A[cd.idx_lo]
    if cd.efron:
        wgt[cd.dr] -= (temp1 - temp2)[dg]
    imat = (cd.XT * (r * wgt)) @ cd.XT.T - (mean * mw[:, None]).T @ mean
    out.imat = (imat + imat.T) / 2
    out.h, out.temp1, out.temp2, out.wgt = h, temp1, temp2, wgt
    return out


def score_residuals(cd: CoxData, ev: Eval) -> np.ndarray:
    """R's ``residuals(fit, type = "score")`` (unweighted), n x p, in row order (column-major)."""
    E, p = cd.E, cd.p
    dg, dc, dr = cd.dg, cd.dc, cd.dr
    mean, h, wgt = ev.event_pieces()
    rr = np.exp(ev.eta)
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
        np.multiply(cd.XT[j], wgt, out=rj)
        rj -= Bd
        rj *= -rr
        rj[dr] += cd.Xd[:, j] - mh3[dg]
    return res.T


def schoenfeld(cd: CoxData, ev: Eval) -> np.ndarray:
    """Schoenfeld residuals of the event rows (in ``cd.dr`` order): x_i minus the (Efron-averaged) mean."""
    E = cd.E
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


def newton(cd: CoxData, tol: float, max_iter: int, names: list[str]) -> Fit:
    beta = np.zeros(cd.p)
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
