"""Harrell's concordance of a Cox model and its infinitesimal-jackknife standard error, as R's
``survival::concordance`` (``summary(coxph)``): pairs tied on the predictor count 1/2,
clustered when the fit is.
"""

from __future__ import annotations

import numpy as np

from .cox import CoxData

__all__ = ["concordance"]


def prefix_rank_sums(pkey, prank, pw, qkey, qrank):
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


def concordance(cd: CoxData, lp: np.ndarray, cluster_codes: np.ndarray | None):
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
    l1, e1, t1 = prefix_rank_sums(ks, rank, w, qk - 1, qr)
    l2, e2, t2 = prefix_rank_sums(ke, rank, w, qk - 1, qr)
    # one pass over the events' tree for four query sets: events at t (<= t minus < t) and,
    # for each row as a partner, events in (start, stop] ((start, stop) for an event row)
    upper = ke - cd.event.astype(np.int64)
    nd, n = len(dr), cd.n
    lq, eq, tq = prefix_rank_sums(ke[dr], rank[dr], w[dr], np.concatenate([qk, qk - 1, upper, ks]),
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
