"""Aalen-Johansen curves and their infinitesimal-jackknife variance by sorting and prefix sums.

:func:`peacestats.models.competing._aj.aj_curve_loop` follows R's ``survfitci`` C code step
by step: at each distinct time it updates the influence ``U_i`` of every row, which costs
``O(n T)`` (rows times distinct times). Here the same numbers come in ``O((n + T) S^2)``
after one sort (``S`` states), from three facts:

1. Every row is at risk only in state 0, and every transition matrix ``H(t)`` is the
   identity except its row 0 ``h(t)``; so the product ``M(t) = H(t_1) ... H(t)`` is the
   identity except its row 0, which is the curve ``p(t)`` itself. With ``V_i = U_i M^{-1}``
   the step ``U <- U H`` leaves ``V`` unchanged, and a row at risk at ``t`` only gains
   ``delta(t) = p_0(t-) / Y(t) (e_dest - h(t)) M(t)^{-1}`` (``dest``: 0, or the cause of a
   row that ends in an event at ``t``).
2. So the ``V`` of a row at risk is the prefix sum of ``delta_0`` over the event times in
   ``(entry, t)``, plus what the subject's earlier rows gathered, and
   ``var p(t) = diag(M(t)' G(t) M(t))`` with ``G(t) = sum_i w_i^2 V_i' V_i``.
3. ``G`` changes only at event times, by terms that need the at-risk sums
   ``sum w_i^2`` and ``sum w_i^2 V_i``, themselves differences of prefix sums over the
   rows sorted by entry and by stop, plus one term per row that ends in an event.

``M(t)^{-1}`` divides by ``p_0(t)``: when the event-free curve reaches (or comes near)
zero the loop is used instead (:data:`MIN_P0`). ``tests/test_competing_sums.py`` checks
both against each other, and the R golden values hold for both.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

#: below this event-free probability the prefix-sum form divides by too small a number
MIN_P0 = 1e-6


def _at(sorted_keys: np.ndarray, cum: np.ndarray, t: np.ndarray, side: Literal["left", "right"]) -> np.ndarray:
    """``sum`` of the values of rows whose key is ``< t`` (side "left") or ``<= t`` ("right")."""
    idx = np.searchsorted(sorted_keys, t, side=side)
    zero = np.zeros((1, *cum.shape[1:]))
    return np.concatenate([zero, cum])[idx]


def _prefix(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="mergesort")
    return keys[order], np.cumsum(values[order], axis=0)


def aj_curve_sums(entry, stop, cause, w, n_causes: int, subject=None) -> dict[str, np.ndarray] | None:
    """The numbers of :func:`~peacestats.models.competing._aj.aj_curve_loop` by prefix sums.

    Returns None when the event-free curve falls below :data:`MIN_P0` (the caller then
    uses the loop).
    """
    entry, stop, w = (np.asarray(x, dtype=float) for x in (entry, stop, w))
    cause = np.asarray(cause, dtype=np.int64)
    S = n_causes + 1
    n = len(stop)
    times = np.unique(stop)
    T = len(times)
    ti = np.searchsorted(times, stop)  # each row's stop time, as an index
    ones = np.ones(n)
    # at risk at t: entry < t <= stop, i.e. (entered before t) minus (left before t)
    ek, ecum = _prefix(entry, np.column_stack([ones, w]))
    sk, scum = _prefix(stop, np.column_stack([ones, w]))
    risk = _at(ek, ecum, times, "left") - _at(sk, scum, times, "left")
    n_risk, Y = risk[:, 0], risk[:, 1]
    ev = cause > 0
    n_event = np.zeros((T, S))
    np.add.at(n_event, (ti[ev], cause[ev]), 1.0)
    n_censor = np.bincount(ti[~ev], minlength=T).astype(float)
    d = np.zeros((T, S))
    np.add.at(d, (ti[ev], cause[ev]), w[ev])
    dtot = d[:, 1:].sum(axis=1)
    has = dtot > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(has[:, None], d / Y[:, None], 0.0)
        h[:, 0] = np.where(has, 1.0 - dtot / Y, 1.0)
    # the curve: p0 <- p0 h0, pk <- pk + p0(t-) hk (the loop's order of operations)
    p0 = np.cumprod(h[:, 0])
    p0_before = np.concatenate([[1.0], p0[:-1]])
    pstate = np.empty((T, S))
    pstate[:, 0] = p0
    pstate[:, 1:] = np.cumsum(p0_before[:, None] * h[:, 1:], axis=0)
    low = np.flatnonzero(has & (p0 < MIN_P0))
    J = int(low[0]) if len(low) else T  # from the J-th time on, the loop finishes the work
    # delta vectors in V-space, for staying in state 0 and for each cause (rows: times)
    scale = np.where(has, p0_before / np.where(has, Y, 1.0), 0.0)
    p0 = np.where(np.arange(T) < J, p0, 1.0)  # no division by a vanishing p0 (those rows are redone)

    def v_space(x: np.ndarray) -> np.ndarray:  # x M(t)^{-1}, M(t) row 0 = p(t)
        out = x.copy()
        out[:, 0] = x[:, 0] / p0
        out[:, 1:] = x[:, 1:] - x[:, :1] * pstate[:, 1:] / p0[:, None]
        return out

    base = -h * scale[:, None]
    delta0 = base.copy()
    delta0[:, 0] += scale
    delta0 = v_space(delta0)
    delta_c = np.empty((S, T, S))
    for c in range(1, S):
        x = base.copy()
        x[:, c] += scale
        delta_c[c] = v_space(x)
    D = np.cumsum(delta0, axis=0)  # D[j]: delta0 summed over times <= t_j
    D_before = np.concatenate([np.zeros((1, S)), D[:-1]])  # over times < t_j
    # D(entry): delta0 summed over the times <= entry (a row is at risk only after it)
    D_entry = _at(times, D, entry, "right")
    # what the subject's earlier rows gathered (rows of one subject do not overlap; all but
    # the last end without an event, so their V is D(stop) - D(entry))
    P = np.zeros((n, S))
    if subject is not None:
        subj = np.asarray(subject)
        order = np.lexsort((stop, subj))
        gathered = (D[ti] - D_entry)[order]
        cum = np.cumsum(gathered, axis=0) - gathered  # rows before, over the whole order
        s_sorted = subj[order]
        first = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
        start_cum = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        P[order] = cum - cum[start_cum]
    Q = D_entry - P  # V_i(t) = D(t-) - Q_i while row i is at risk
    w2 = w * w
    wq = w2[:, None] * Q
    # at-risk sums of w^2 and w^2 Q at each time (entered before t, minus left before t)
    ek2, ecum2 = _prefix(entry, np.column_stack([w2, wq]))
    sk2, scum2 = _prefix(stop, np.column_stack([w2, wq]))
    rs = _at(ek2, ecum2, times, "left") - _at(sk2, scum2, times, "left")
    W_R, WQ_R = rs[:, 0], rs[:, 1:]
    S_R = W_R[:, None] * D_before - WQ_R  # sum over the risk set of w^2 V(t-)
    dG = (S_R[:, :, None] * delta0[:, None, :] + delta0[:, :, None] * S_R[:, None, :]
          + W_R[:, None, None] * delta0[:, :, None] * delta0[:, None, :])
    # rows ending in an event of cause c at t move with delta_c instead of delta0
    j, c = ti[ev], cause[ev]
    V_dead = D_before[j] - Q[ev]
    dc = delta_c[c, j]
    d0 = delta0[j]
    diff = dc - d0
    corr = w2[ev][:, None, None] * (V_dead[:, :, None] * diff[:, None, :] + diff[:, :, None] * V_dead[:, None, :]
                                    + dc[:, :, None] * dc[:, None, :] - d0[:, :, None] * d0[:, None, :])
    np.add.at(dG, j, corr)
    dG[~has] = 0.0
    G = np.cumsum(dG, axis=0)
    # var p_l = (M' G M)_ll; column l of M is p_l e_0 (+ e_l for a cause)
    var = np.empty((T, S))
    var[:, 0] = p0 * p0 * G[:, 0, 0]
    for k in range(1, S):
        pk = pstate[:, k]
        var[:, k] = pk * pk * G[:, 0, 0] + 2 * pk * G[:, 0, k] + G[:, k, k]
    std = np.sqrt(np.maximum(var, 0.0))
    out = dict(time=times, n_risk=n_risk, n_event=n_event, n_censor=n_censor, pstate=pstate, std_err=std)
    if J < T:
        _finish_with_loop(out, J, (entry, stop, cause, w, n_causes, subject), (ti, ev, D, D_entry, delta0, delta_c))
    return out


def _finish_with_loop(out: dict, J: int, args: tuple, parts: tuple) -> None:
    """Times ``J`` on by the loop, from the influence of every subject just before ``t_J``."""
    from ._aj import aj_curve_loop

    entry, stop, cause, w, n_causes, subject = args
    ti, ev, D, D_entry, delta0, delta_c = parts
    times, pstate = out["time"], out["pstate"]
    n, S = len(stop), n_causes + 1
    last = J - 1  # V of each row at t_{J-1}: its delta0 over the event times in (entry, min(t, stop)]
    V = np.zeros((n, S))
    if last >= 0:
        upto = np.minimum(ti, last)
        inside = entry < times[last]
        V[inside] = D[upto[inside]] - D_entry[inside]
        dead = ev & (ti <= last)
        V[dead] += delta_c[cause[dead], ti[dead]] - delta0[ti[dead]]
    subj = np.arange(n) if subject is None else np.asarray(subject)
    Vs = np.zeros((int(subj.max()) + 1, S))
    np.add.at(Vs, subj, V)
    p = pstate[last] if last >= 0 else np.eye(S)[0]
    U = np.empty_like(Vs)  # U = V M(t_{J-1}); M row 0 = p, the other rows the identity
    U[:, 1:] = Vs[:, :1] * p[None, 1:] + Vs[:, 1:]
    U[:, 0] = Vs[:, 0] * p[0]
    tail = aj_curve_loop(entry, stop, cause, w, n_causes, subject, start=(J, U, p))
    out["pstate"][J:] = tail["pstate"][J:]
    out["std_err"][J:] = tail["std_err"][J:]
