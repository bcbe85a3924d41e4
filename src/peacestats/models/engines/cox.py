"""Cox engine: the partial likelihood of R's ``coxph`` and its Newton-Raphson fit.

Counting-process data ``(start, stop]``, strata, case weights, Breslow or Efron ties;
one pass over the rows gives the log partial likelihood, score and information
(:func:`evaluate`); :func:`newton` is R's ``coxph.fit`` iteration (step halving,
``toler.inf`` check for infinite coefficients). The score and Schoenfeld residuals
live here too, because the robust variance and ``cox.zph`` need them.

The risk-set sums need no sorting per iteration. :func:`prepare` bins each row once
among the sorted (stratum, event time) groups: ``idx_lo`` counts the groups at or
before its entry, ``idx_hi`` those at or before its exit, so the row is at risk at
exactly the groups ``idx_lo <= g < idx_hi``. The sum of ``v`` over the risk set of
group ``g`` is then the running sum over groups of (rows entering) minus (rows
leaving): one product of a sparse ``E x n`` matrix of +1/-1 entries with all the
columns ``[r, r * X]`` at once, and a running sum over the ``E`` groups
(:func:`risk_sums`); :func:`evaluate` puts ``r`` into the matrix's entries instead
(+r/-r times the columns ``[1, X]``: the same products in the same order, so the same
sums, without forming ``r * X``). Rows at risk at no event time (``idx_lo == idx_hi``) add nothing
to any sum and are left out of the iterations; the linear predictor is still computed
for every row, because residuals and curves need it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import linalg
from scipy import sparse
from scipy.linalg.lapack import dpotrf as _dpotrf, dpotrs as _dpotrs

try:  # the kernel of scipy's sparse-times-dense product (scipy.sparse.csc_matrix @ array)
    from scipy.sparse._sparsetools import csc_matvecs as _csc_matvecs
except ImportError:  # pragma: no cover - a scipy without it: the same product through a sparse matrix
    _csc_matvecs = None

from ...errors import ConvergenceError

__all__ = ["CoxData", "prepare", "prefix", "risk_sums", "Eval", "evaluate", "score_residuals",
           "score_residuals_at_risk", "schoenfeld",
           "chol_solve", "quad_test", "Fit", "newton"]


# ============================================================================ data preparation
@dataclass(eq=False)
class CoxData:
    """The beta-independent structure of one Cox problem (rows already complete, in data order).

    The integer (stratum, time rank) keys and the sort orders that only the survival
    curves, the concordance and ``cox.zph`` need are computed on first use.
    """

    X: np.ndarray  # n x p, centred by column means
    xmean: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    event: np.ndarray  # bool
    w: np.ndarray
    strata: np.ndarray  # int codes
    efron: bool
    idx_lo: np.ndarray  # event groups at or before each row's entry (same stratum, or an earlier one)
    idx_hi: np.ndarray  # event groups at or before each row's exit
    dr: np.ndarray  # event rows, sorted by (stratum, time), ties by row order
    dg: np.ndarray  # event-time index of each event row
    dc: np.ndarray  # Efron down-weight k/m of each event row (0 for Breslow)
    m: np.ndarray  # number of events at each event time
    gstart: np.ndarray  # first position in dr of each event time
    wsum: np.ndarray  # weighted events at each event time
    Xd: np.ndarray  # D x p: X[dr]
    wd: np.ndarray  # D: w[dr]
    mw: np.ndarray  # D: mean weight of the events tied with each event row
    wdXd: np.ndarray  # p: the weighted sum of the event rows' covariates
    unweighted: bool  # every weight is 1 (r = exp(eta) then, bit for bit)
    act: np.ndarray  # rows at risk at some event time (idx_lo < idx_hi), in row order
    Xa: np.ndarray  # X[act] (a view of Xa1's columns)
    XaT: np.ndarray  # p x len(act): X[act] column-major (contiguous rows)
    Xa1: np.ndarray  # [1, X[act]]: r * Xa1 is [r, r * X] on those rows
    lo_a: np.ndarray  # idx_lo[act]
    hi_a: np.ndarray  # idx_hi[act]
    dra: np.ndarray  # position of each event row (dr) among act
    M: sparse.csc_matrix = field(repr=False)  # (E + 1) x len(act): +1 at (idx_lo, row), -1 at (idx_hi, row)

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]

    @property
    def E(self) -> int:
        """Number of (stratum, event time) groups."""
        return len(self.m)

    @cached_property
    def dc1(self) -> np.ndarray:
        """``1 - dc``: the share of its tied group's hazard an event row carries (Efron)."""
        return 1.0 - self.dc

    @cached_property
    def _keys(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        return _stratum_time_keys(self.start, self.stop, self.strata)

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
        return _stable_order(self.key_start)

    @cached_property
    def order_stop(self) -> np.ndarray:
        """Rows sorted by exit key (stable)."""
        return _stable_order(self.key_stop)


def _stratum_time_keys(start, stop, strata) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``(key_start, key_stop, times, T)``: integer ``stratum * T + time rank`` keys of each row's entry and exit."""
    times = np.unique(np.concatenate([start, stop]))
    T = len(times) + 1
    return strata * T + _time_rank(times, start), strata * T + _time_rank(times, stop), times, T


def _event_bins(start, stop, event, strata):
    """``(idx_lo, idx_hi, dr, dg, m)``: each row's bins among the sorted event groups, and the event rows."""
    ev_rows = np.flatnonzero(event)
    if strata.size == 0 or strata.min() == strata.max():
        lo, hi = _count_le_times(np.unique(stop[ev_rows]), start, stop)
    else:  # (stratum, time) keys: a row's bins lie between its stratum's event groups
        ks, ke, _, _ = _stratum_time_keys(start, stop, strata)
        ekeys = np.unique(ke[ev_rows])
        lo = _count_le(ekeys, ks)
        hi = _count_le(ekeys, ke)
    dg_rows = hi.take(ev_rows) - 1  # an event row exits at its own group: the last one at or before its exit
    o = _stable_order(dg_rows)
    dr, dg = ev_rows[o], dg_rows[o]
    m = np.bincount(dg, minlength=int(dg.max()) + 1 if dg.size else 0)
    return lo, hi, dr, dg, m


def _entry_exit_matrix(lo_a: np.ndarray, hi_a: np.ndarray, E: int) -> sparse.csc_matrix:
    """The ``(E + 1) x len(lo_a)`` matrix with +1 at ``(lo_a[i], i)`` and -1 at ``(hi_a[i], i)``.

    Column ``i`` holds row ``i``'s entry and exit (no sorting: compressed by column); a
    product with it adds each row's values to its entry group and subtracts them from its
    exit group, taking the rows in order (so the sums are deterministic). Rows that leave
    after the last event group (``hi_a[i] == E``) leave into the extra last row, which no
    risk set uses: every column has two entries, so the arrays are built without counting.
    """
    na = len(lo_a)
    idx = np.int32 if 2 * na < 2**31 - 1 else np.int64
    indices = np.empty(2 * na, dtype=idx)
    indices[0::2] = lo_a
    indices[1::2] = hi_a
    data = np.empty(2 * na)
    data[0::2] = 1.0
    data[1::2] = -1.0
    indptr = np.arange(0, 2 * na + 1, 2, dtype=idx)
    return sparse.csc_matrix((data, indices, indptr), shape=(E + 1, na))


def prepare(X, start, stop, event, w, strata, efron, *, centred=None) -> CoxData:
    """The :class:`CoxData` of complete rows: centred covariates, event bins, tie groups.

    ``centred``: ``(X.mean(axis=0), X - X.mean(axis=0))`` when the caller has them already.
    """
    xmean, Xc = centred if centred is not None else (X.mean(axis=0), None)
    if Xc is None:
        Xc = X - xmean
    lo, hi, dr, dg, m = _event_bins(start, stop, event, strata)
    gstart = np.concatenate([[0], np.cumsum(m)[:-1]]).astype(np.int64)
    k = np.arange(len(dr)) - gstart[dg]
    dc = k / m[dg] if efron else np.zeros(len(dr))
    wd = w[dr]
    wsum = np.bincount(dg, weights=wd, minlength=len(m))
    Xd = Xc[dr]
    act = np.flatnonzero(lo < hi)  # every event row is among them
    lo_a, hi_a = lo.take(act), hi.take(act)
    if Xc.flags.f_contiguous:  # contiguous columns: one gather along them
        XaT = np.take(Xc.T, act, axis=1)
    else:
        XaT = np.empty((Xc.shape[1], len(act)))  # column by column: contiguous gathers
        for j in range(Xc.shape[1]):
            np.take(Xc[:, j], act, out=XaT[j])
    Xa1 = np.empty((len(act), Xc.shape[1] + 1))
    Xa1[:, 0] = 1.0
    Xa1[:, 1:] = XaT.T
    return CoxData(
        X=Xc, xmean=xmean, start=start, stop=stop, event=event, w=w, strata=strata, efron=efron,
        idx_lo=lo, idx_hi=hi, dr=dr, dg=dg, dc=dc, m=m, gstart=gstart, wsum=wsum, Xd=Xd, wd=wd,
        mw=(wsum / m)[dg], wdXd=wd @ Xd,
        unweighted=bool(np.all(w == 1.0)), act=act, Xa=Xa1[:, 1:], XaT=XaT, Xa1=Xa1, lo_a=lo_a, hi_a=hi_a,
        dra=np.searchsorted(act, dr), M=_entry_exit_matrix(lo_a, hi_a, len(m)),
    )


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


def _count_le_times(etimes: np.ndarray, *ts: np.ndarray) -> list[np.ndarray]:
    """``np.searchsorted(etimes, t, side="right")`` for each array ``t`` (``etimes`` sorted, unique, finite).

    Whole-number times in a range not much wider than the data (days, months) are
    counted by one table of running counts shared by the arrays; anything else (and
    ``-inf``, a right-censored entry) by binary search. Same integers either way.
    """
    whole: dict[int, np.ndarray] = {}
    if len(etimes):
        for k, t in enumerate(ts):
            with np.errstate(invalid="ignore"):  # -inf, inf and huge values do not convert: they fail the test
                ti = t.astype(np.int64)
            if len(t) and (ti == t).all():
                whole[k] = ti
    out: list[np.ndarray | None] = [None] * len(ts)
    if whole:
        t0 = min([int(ti.min()) for ti in whole.values()])
        t1 = max([int(ti.max()) for ti in whole.values()])
        inside = etimes[(etimes >= t0) & (etimes <= t1)]
        if t1 - t0 <= _TABLE_FACTOR * sum(map(len, whole.values())) + 1024 \
                and np.array_equal(inside, np.floor(inside)):
            # table[x - t0]: event times <= x; those below the range count for every x
            base = int(np.searchsorted(etimes, t0, side="left"))
            pos = (inside - t0).astype(np.int64)
            lengths = np.diff(np.concatenate([[0], pos, [t1 - t0 + 1]]))
            table = np.repeat(np.arange(base, base + len(pos) + 1), lengths)
            for k, ti in whole.items():
                out[k] = table.take(ti if t0 == 0 else ti - t0)
    return [np.searchsorted(etimes, t, side="right") if o is None else o for o, t in zip(out, ts)]


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


def risk_sums(cd: CoxData, Za: np.ndarray) -> np.ndarray:
    """``E x k``: the sums of the columns of ``Za`` (rows ``cd.act``) over the risk set of each event group.

    Rows entered before the group's time minus rows left before it, accumulated over the
    groups in order (the risk sets of the general code's prefix sums over sorted rows).
    """
    S = cd.M @ Za
    return np.cumsum(S[:cd.E], axis=0)


def _scaled_risk_sums(cd: CoxData, r: np.ndarray) -> np.ndarray:
    """``risk_sums(cd, cd.Xa1 * r[:, None])`` without forming that product: the sums of ``[r, r * X]``.

    The entry/exit matrix's +1 and -1 of row ``i`` become ``r[i]`` and ``-r[i]``: the product
    then forms each ``r[i] * x`` itself, the same (rounded) numbers as ``x * r[i]``, added in
    the same order, so the sums are the same to the bit; one pass over ``[1, X]`` is saved.
    """
    M = cd.M
    na = len(r)
    data = np.empty(2 * na)  # column i: (entry, exit), as _entry_exit_matrix builds it
    data[0::2] = r
    np.negative(r, out=data[1::2])
    if _csc_matvecs is None:  # pragma: no cover
        S = sparse.csc_matrix((data, M.indices, M.indptr), shape=M.shape) @ cd.Xa1
    else:
        k = cd.Xa1.shape[1]
        S = np.zeros((M.shape[0], k))
        _csc_matvecs(M.shape[0], na, k, M.indptr, M.indices, data, cd.Xa1.reshape(-1), S.reshape(-1))
    return np.cumsum(S[:cd.E], axis=0)


@dataclass
class Eval:
    loglik: float
    U: np.ndarray
    imat: np.ndarray | None  # information matrix (None when not asked for or not finite)
    eta: np.ndarray  # shifted linear predictor (centred X), every row
    shift: float
    # per event row / event time pieces, kept for residuals, zph and survfit
    mean: np.ndarray | None = None  # D x p Efron means
    mw: np.ndarray | None = None  # D: mean weight of the tied events
    h: np.ndarray | None = None  # D: hazard pieces mw / d2
    temp1: np.ndarray | None = None  # E
    temp2: np.ndarray | None = None
    er: np.ndarray | None = None  # exp(eta) on the rows cd.act (unweighted)
    wgt_a: np.ndarray | None = None  # the interval hazard of the rows cd.act (wgt[cd.act])
    _cd: CoxData | None = field(default=None, repr=False)
    _wgt: np.ndarray | None = field(default=None, repr=False)

    @property
    def wgt(self) -> np.ndarray | None:
        """n: the hazard summed over each row's interval (computed on first use)."""
        if self._wgt is None and self._cd is not None and self.temp1 is not None:
            cd = self._cd
            self._wgt = _interval_hazard(cd, self.temp1, self.temp2, cd.idx_lo, cd.idx_hi, cd.dr)
        return self._wgt

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
        wgt = self.wgt
        if self.mean is None or self.h is None or wgt is None:
            raise ConvergenceError("Cox model: no residual pieces at coefficients with an infinite likelihood")
        return self.mean, self.h, wgt


def _interval_hazard(cd: CoxData, temp1: np.ndarray, temp2: np.ndarray | None, lo: np.ndarray, hi: np.ndarray,
                     events: np.ndarray) -> np.ndarray:
    """The hazard summed over the event groups ``lo <= g < hi`` of each row: those in its (entry, exit].

    Efron: less the event rows' own share of their tied group.
    ``events``: the positions of the event rows ``cd.dr`` among the rows of ``lo`` and ``hi``.
    """
    A = np.empty(len(temp1) + 1)
    A[0] = 0.0
    np.cumsum(temp1, out=A[1:])
    wgt = A.take(hi)
    wgt -= A.take(lo)
    if cd.efron:
        wgt[events] -= (temp1 - temp2)[cd.dg]
    return wgt


def evaluate(cd: CoxData, beta: np.ndarray, info: bool = True) -> Eval:
    """Log partial likelihood, score and information at ``beta`` (Breslow or Efron)."""
    start = not beta.any()
    if not start:
        eta = cd.X @ beta
        shift = float(eta.max()) if eta.size else 0.0
        eta -= shift  # exp() never overflows; every ratio is unchanged
        er = eta.take(cd.act)
        np.exp(er, out=er)
    else:  # the usual start: eta = 0 and exp(eta) = 1 exactly
        eta, shift, er = np.zeros(cd.n), 0.0, np.ones(len(cd.act))
    ra = er if cd.unweighted else er * cd.w.take(cd.act)
    # the sums of [r, r * X] (rows at risk somewhere) over each event group's risk set, and over its events
    dr, dg, dc = cd.dr, cd.dg, cd.dc
    if start and cd.unweighted:  # r = 1
        S, Zd = risk_sums(cd, cd.Xa1), cd.Xa1[cd.dra]
    else:
        S, Zd = _scaled_risk_sums(cd, ra), cd.Xa1[cd.dra] * ra[cd.dra][:, None]
    Ed = np.add.reduceat(Zd, cd.gstart, axis=0) if len(dr) else np.zeros((0, cd.p + 1))
    T = S[dg]  # the (Efron-discounted) risk-set sums at each event row: [d2, d2 * mean]
    T -= dc[:, None] * Ed[dg]
    d2 = T[:, 0]
    if not (d2 > 0).all():
        return Eval(-np.inf, np.full(cd.p, np.nan), None, eta, shift)
    mean = T[:, 1:] / d2[:, None]
    mw = cd.mw
    loglik = float(np.dot(cd.wd, eta[dr]) - np.dot(mw, np.log(d2)))
    U = cd.wdXd - mw @ mean
    out = Eval(loglik, U, None, eta, shift, mean=mean, mw=mw, _cd=cd)
    if not info:
        return out
    h = mw / d2
    E = cd.E
    temp1 = np.bincount(dg, weights=h, minlength=E)
    temp2 = np.bincount(dg, weights=cd.dc1 * h, minlength=E) if cd.efron else temp1
    wgt_a = _interval_hazard(cd, temp1, temp2, cd.lo_a, cd.hi_a, cd.dra)
    imat = (cd.XaT * (ra * wgt_a)) @ cd.XaT.T - (mean * mw[:, None]).T @ mean
    out.imat = (imat + imat.T) / 2
    out.h, out.temp1, out.temp2, out.er, out.wgt_a = h, temp1, temp2, er, wgt_a
    return out


def score_residuals(cd: CoxData, ev: Eval) -> np.ndarray:
    """R's ``residuals(fit, type = "score")`` (unweighted), n x p, in row order.

    Rows at risk at no event time have zero residuals; the others are
    :func:`score_residuals_at_risk`'s.
    """
    res = np.zeros((cd.n, cd.p))
    res[cd.act] = score_residuals_at_risk(cd, ev)
    return res


def score_residuals_at_risk(cd: CoxData, ev: Eval) -> np.ndarray:
    """The score residuals of the rows ``cd.act`` (at risk at some event time), ``len(act) x p``.

    ``-exp(eta) * (X * wgt - B) + (X - mean)`` on the event rows, ``wgt`` the hazard and
    ``B`` the mean-covariate increments summed over each row's interval (Efron: less the
    part of a tied event's own time it does not carry). Every column at once, column-major
    (the result is the transpose of a ``p x len(act)`` array): the event rows are sorted
    by event time, so each time's sums are one ``reduceat``.
    """
    mean, h, temp1, temp2 = ev.mean, ev.h, ev.temp1, ev.temp2
    if mean is None or h is None or temp1 is None or temp2 is None:
        raise ConvergenceError("Cox model: no residual pieces at coefficients with an infinite likelihood")
    dg, dra, gstart = cd.dg, cd.dra, cd.gstart
    wgt = ev.wgt_a if ev.wgt_a is not None else _interval_hazard(cd, temp1, temp2, cd.lo_a, cd.hi_a, dra)
    er = ev.er if ev.er is not None else np.exp(ev.eta[cd.act])
    mh = mean * h[:, None]
    mh1 = np.add.reduceat(mh, gstart, axis=0)  # E x p
    BT = np.zeros((cd.p, cd.E + 1))
    np.cumsum(mh1.T, axis=1, out=BT[:, 1:])
    res = np.take(BT, cd.hi_a, axis=1)
    res -= np.take(BT, cd.lo_a, axis=1)  # B summed over each row's interval
    if cd.efron:
        res[:, dra] -= (mh1 - np.add.reduceat(mh * cd.dc1[:, None], gstart, axis=0))[dg].T
    np.subtract(cd.XaT * wgt, res, out=res)
    res *= -er
    res[:, dra] += (cd.Xd - (np.add.reduceat(mean, gstart, axis=0) / cd.m[:, None])[dg]).T
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
    """``A^-1 b`` by the Cholesky factor of ``A``; ``None`` when ``A`` is not positive definite or not finite.

    LAPACK's ``dpotrf``/``dpotrs`` called directly: the same routines and arguments as
    scipy's ``cho_factor(A, lower=True)`` and ``cho_solve`` (so the same bits), without
    their per-call checks. Anything but a non-empty square float64 system goes through
    ``cho_factor``/``cho_solve`` themselves.
    """
    if not (type(A) is np.ndarray and type(b) is np.ndarray and A.dtype == np.float64 and b.dtype == np.float64
            and A.ndim == 2 and 0 < A.shape[0] == A.shape[1] == b.shape[0] and b.ndim in (1, 2)):
        try:
            c = linalg.cho_factor(A, lower=True, check_finite=True)
            return linalg.cho_solve(c, b)
        except (linalg.LinAlgError, ValueError):
            return None
    if not (np.isfinite(A).all() and np.isfinite(b).all()):
        return None  # cho_factor's check_finite: ValueError
    c, info = _dpotrf(A, lower=1, clean=0)
    if info != 0:  # not positive definite (LinAlgError) or a bad argument (ValueError)
        return None
    x, info = _dpotrs(c, b, lower=1)
    return x if info == 0 else None


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
