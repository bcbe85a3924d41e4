"""Test of the proportional-hazards assumption, equal to R's ``cox.zph`` (survival >= 3.0).

For each term *j* of a fitted Cox model, ``cox.zph`` asks whether adding
``x_j * g(t)`` (``g`` a transform of time) would improve the fit: a score test at the
fitted coefficients with ``gamma = 0``, using the *full* information matrix of
``(beta, gamma)``. The global test adds all ``x_j * g(t)`` at once. Since survival 3.0
this is what R computes; survival 2.x, Stata's ``estat phtest`` and lifelines'
``proportional_hazard_test`` use Grambsch & Therneau's approximation from the scaled
Schoenfeld residuals (which treats the information as constant over time), so their
p-values differ a little from R's current ones. We follow R 3.x exactly.

``transform="km"`` (R's default) uses ``g(t) = 1 - S(t-)``, with ``S`` the left-continuous
Kaplan-Meier curve of the pooled (unstratified, unweighted) data; also ``"identity"``,
``"rank"``, ``"log"`` or a function of time. ``g`` is centred at its mean over the events.

The result also holds the scaled Schoenfeld residuals (``y``) against transformed
time (``x``), which :meth:`CoxZphResult.plot` shows with a natural-spline smooth and
+/- 2 SE band, as R's ``plot(cox.zph(fit))``.

References
----------
Grambsch, P.M. & Therneau, T.M. (1994). Proportional hazards tests and diagnostics
based on weighted residuals. Biometrika 81: 515-526.
Therneau, T.M. & Grambsch, P.M. (2000). *Modeling Survival Data*. Springer, ch. 6.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._dist import chi2_sf
from ..errors import SpecificationError
from .result_base import ResultBase
from .results import TestResult, provenance_record

__all__ = ["cox_zph", "CoxZphResult"]


@dataclass
class CoxZphResult(ResultBase):
    """The result of :func:`cox_zph`.

    Attributes
    ----------
    table_ : pandas.DataFrame
        ``chisq, df, p`` per term and ``GLOBAL`` (R's ``$table``).
    x : numpy.ndarray
        Transformed event times (R's ``$x``), one per event row, sorted by stratum and time.
    time : numpy.ndarray
        Event times (R's ``$time``).
    y : pandas.DataFrame
        Scaled Schoenfeld residuals plus the coefficient, one column per term (R's ``$y``).
    var : numpy.ndarray
        Variance used for the plot bands (R's ``$var``).
    transform : str
    strata : numpy.ndarray or None
    """

    table_: pd.DataFrame
    x: np.ndarray
    time: np.ndarray
    y: pd.DataFrame
    var: np.ndarray
    transform: str
    strata: np.ndarray | None = None
    model_formula: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Per-term and global chi-square tests: columns ``chisq, df, p``."""
        return self.table_.copy()

    @property
    def tests(self) -> dict[str, TestResult]:
        """Each row of :meth:`table` (terms and ``GLOBAL``) as a :class:`~peacestats.models.results.TestResult`."""
        return {str(term): TestResult(float(r["chisq"]), float(r["df"]), float(r["p"]), str(term))
                for term, r in self.table_.iterrows()}

    @property
    def global_test(self) -> TestResult:
        """The global test of proportional hazards (R's ``GLOBAL`` row)."""
        return self.tests["GLOBAL"]

    def tidy(self) -> pd.DataFrame:
        """One row per term and ``GLOBAL``: ``term, statistic, df, p_value`` (R's ``$table``)."""
        t = self.table_
        return pd.DataFrame({"term": [str(i) for i in t.index], "statistic": t["chisq"].to_numpy(float),
                             "df": t["df"].to_numpy(float), "p_value": t["p"].to_numpy(float)})

    def glance(self) -> pd.DataFrame:
        """One row: ``transform``, ``n_events``, and the global test (``statistic, df, p_value``)."""
        g = self.global_test
        return pd.DataFrame([{"model": "cox.zph", "transform": self.transform, "n_events": len(self.time),
                              "statistic": g.statistic, "df": g.df, "p_value": g.p_value}])

    @property
    def provenance(self) -> dict[str, Any]:
        """What produced this test: the Cox model's formula, the transform, versions, citation."""
        return provenance_record("cox.zph", {"transform": self.transform}, {"n_events": len(self.time)},
                                 ("cox_zph",), formula=self.model_formula)

    def summary(self) -> str:
        t = self.table_.to_string(float_format=lambda v: f"{v:.4g}")
        return (f"Proportional-hazards test (R's cox.zph, transform = {self.transform!r})"
                f"{': ' + self.model_formula if self.model_formula else ''}\n\n{t}")

    def _repr_html_(self) -> str:
        head = html.escape(f"Proportional-hazards test (cox.zph, transform = {self.transform!r})")
        return f"<div><strong>{head}</strong>{self.table_.to_html(float_format=lambda v: f'{v:.4g}', border=0)}</div>"

    def smooth(self, term: str, df: int = 4, nsmo: int = 40):
        """R's ``plot.cox.zph`` smooth: natural spline (``df``) fit of ``y[term]`` on ``x``.

        Returns ``(grid, fit, lower, upper)`` with a +/- 2 SE band.
        """
        if term not in self.y.columns:
            raise SpecificationError(f"no term {term!r}; terms are {list(self.y.columns)}.")
        i = list(self.y.columns).index(term)
        yy = self.y[term].to_numpy()
        ok = np.isfinite(yy)
        xx = self.x[ok]
        yy = yy[ok]
        grid = np.linspace(xx.min(), xx.max(), nsmo)
        allx = np.concatenate([grid, xx])
        # R: ns(c(pred.x, x), df, intercept = TRUE), knots at quantiles of that same vector.
        basis = _natural_spline_basis(allx, df)
        P, Xm = basis[:nsmo], basis[nsmo:]
        coef, *_ = np.linalg.lstsq(Xm, yy, rcond=None)
        fit = P @ coef
        xtx = np.linalg.pinv(Xm.T @ Xm)
        seval = np.einsum("ij,jk,ik->i", P, xtx, P)
        band = 2 * np.sqrt(self.var[i, i] * seval)
        return grid, fit, fit - band, fit + band

    def plot(self, term: str | None = None, ax=None, df: int = 4, resid: bool = True, se: bool = True):
        """Scaled Schoenfeld residuals against transformed time with a smooth, as R's ``plot(cox.zph)``.

        A flat smooth supports proportional hazards for the term. With ``term=None``,
        one panel per term. Returns the axes (or the array of axes).
        """
        import matplotlib.pyplot as plt

        terms = [term] if term is not None else list(self.y.columns)
        if ax is None:
            _, axes = plt.subplots(1, len(terms), figsize=(4.5 * len(terms), 3.6), squeeze=False,
                                   layout="constrained")
            axes = axes[0]
        else:
            axes = np.atleast_1d(ax)
        for a, t in zip(axes, terms):
            grid, fit, lo, hi = self.smooth(t, df=df)
            if resid:
                a.scatter(self.x, self.y[t], s=10, color="grey", alpha=0.7)
            a.plot(grid, fit, color="black")
            if se:
                a.plot(grid, lo, color="black", linestyle="--", linewidth=1)
                a.plot(grid, hi, color="black", linestyle="--", linewidth=1)
            # label the transformed axis with the original times, as R does
            order = np.argsort(self.x)
            xs, ts = self.x[order], self.time[order]
            ticks = np.unique(np.quantile(ts, [0, 0.25, 0.5, 0.75, 1.0]))
            a.set_xticks(np.interp(ticks, ts, xs), [f"{v:.0f}" for v in ticks])
            a.set_xlabel("Time")
            a.set_ylabel(f"Beta(t) for {t}")
            p = self.table_.loc[t, "p"] if t in self.table_.index else np.nan
            a.set_title(f"{t}: PH test p = {p:.3g}", fontsize=10)
        return axes[0] if term is not None else axes


def _natural_spline_basis(x: np.ndarray, df: int) -> np.ndarray:
    """A basis of the natural cubic splines R's ``splines::ns(x, df, intercept = TRUE)`` spans.

    Boundary knots at the range of ``x``, ``df - 2`` interior knots at its quantiles
    (R's type 7, numpy's default). The basis differs from R's B-spline one, but the
    space is the same, so least-squares fits and their standard errors are identical.
    Truncated-power form (Hastie, Tibshirani & Friedman, eq. 5.4-5.5) on x scaled to [0, 1].
    """
    lo, hi = float(x.min()), float(x.max())
    z = (x - lo) / (hi - lo) if hi > lo else x - lo
    inner = np.quantile(z, np.linspace(0, 1, df)[1:-1]) if df > 2 else np.array([])
    knots = np.concatenate([[0.0], inner, [1.0]])
    K = len(knots)
    cols = [np.ones_like(z), z]

    def d(k):
        num = np.clip(z - knots[k], 0, None) ** 3 - np.clip(z - knots[K - 1], 0, None) ** 3
        return num / (knots[K - 1] - knots[k])

    for k in range(K - 2):
        cols.append(d(k) - d(K - 2))
    return np.column_stack(cols)[:, :df]


def _km_transform(cd) -> np.ndarray:
    """1 - S(t-) at every row's stop time, S the pooled, unweighted, left-truncated KM (R's zph 'km')."""
    ev = cd.event
    ut = np.unique(cd.stop[ev])
    n_t = (np.searchsorted(np.sort(cd.start), ut, side="left")
           - np.searchsorted(np.sort(cd.stop), ut, side="left")).astype(float)
    d_t = np.bincount(np.searchsorted(ut, cd.stop[ev]), minlength=len(ut)).astype(float)
    surv = np.cumprod(1 - d_t / n_t)
    k = np.searchsorted(ut, cd.stop, side="left")  # event times strictly before t
    s_minus = np.concatenate([[1.0], surv])[k]
    return 1 - s_minus


def cox_zph(fit, transform: str | Callable = "km", terms: bool = True) -> CoxZphResult:
    """R's ``cox.zph(fit, transform, terms)``: score tests of proportional hazards per term and globally.

    Parameters
    ----------
    fit
        A :class:`~peacestats.models.cox.CoxResult`.
    transform
        ``"km"`` (default), ``"identity"``, ``"rank"``, ``"log"``, or a function of time.
    terms
        ``True`` (R's default): one test per model term (a factor's dummies tested
        jointly, ``df`` = number of dummies); ``False``: one test per coefficient.

    Returns
    -------
    CoxZphResult
        ``table()`` gives ``chisq, df, p`` with a ``GLOBAL`` row.
    """
    st = fit._state
    cd, ev = st["cd"], st["ev"]
    names = list(fit.params.index)
    ttimes, tname = _transform_times(cd, transform)
    term_map: dict[str, list[int]] = st["terms"] if terms else {n: [j] for j, n in enumerate(names)}
    table, I11 = _zph_tests(cd, ev, ttimes, tname, term_map)
    y, dro, strat_d, vmean = _scaled_schoenfeld(cd, ev, I11, fit.params.to_numpy(), names, term_map, terms)
    return CoxZphResult(
        table_=table,
        x=ttimes[dro],
        time=cd.stop[dro],
        y=y,
        var=np.linalg.inv(vmean),
        transform=tname,
        strata=strat_d if fit.strata else None,
        model_formula=fit.formula,
    )


def _transform_times(cd, transform) -> tuple[np.ndarray, str]:
    """The transformed times ``g(t)`` of every row and the transform's name."""
    times = cd.stop
    if callable(transform):
        return np.asarray(transform(times), dtype=float), getattr(transform, "__name__", "user")
    if transform == "km":
        return _km_transform(cd), "km"
    if transform == "identity":
        return times.astype(float), "identity"
    if transform == "rank":
        from scipy.stats import rankdata  # only here: scipy.stats is slow to import

        return rankdata(times), "rank"
    if transform == "log":
        return np.log(times), "log"
    raise SpecificationError(f"transform must be 'km', 'identity', 'rank', 'log' or a function, not {transform!r}.")


def _zph_tests(cd, ev, ttimes, tname, term_map) -> tuple[pd.DataFrame, np.ndarray]:
    """The score tests of ``x * g(t)`` at gamma = 0 per term and globally, and the information block I11."""
    p = cd.p
    dr, dg = cd.dr, cd.dg
    gtime = ttimes - ttimes[dr].mean()
    E = cd.E
    g = np.zeros(E)
    g[dg] = gtime[dr]
    if not np.all(np.isfinite(g)):
        raise SpecificationError(f"transform {tname!r} gives non-finite values at event times (e.g. log of 0).")

    # score for x * g(t) at gamma = 0, and the information blocks I11, I12, I22
    X = cd.X
    r = cd.w * np.exp(ev.eta)
    mean, mw = ev.mean, ev.mw
    w_d = cd.w[dr]
    u2 = (w_d * g[dg]) @ X[dr] - (mw * g[dg]) @ mean

    def info(f: np.ndarray) -> np.ndarray:
        A = np.concatenate([[0.0], np.cumsum(f * ev.temp1)])
        wgt = A[cd.idx_hi] - A[cd.idx_lo]
        if cd.efron:
            wgt[dr] -= (f * (ev.temp1 - ev.temp2))[dg]
        out = (X * (r * wgt)[:, None]).T @ X - (mean * (mw * f[dg])[:, None]).T @ mean
        return (out + out.T) / 2

    I11 = info(np.ones(E))
    I12 = info(g)
    I22 = info(g * g)
    imat = np.block([[I11, I12], [I12.T, I22]])
    rows, chis, dfs = [], [], []
    for tname_i, jj in term_map.items():
        kk = list(range(p)) + [j + p for j in jj]
        u = np.concatenate([np.zeros(p), u2[jj]])
        chis.append(float(u @ np.linalg.solve(imat[np.ix_(kk, kk)], u)))
        dfs.append(len(jj))
        rows.append(tname_i)
    u = np.concatenate([np.zeros(p), u2])
    chis.append(float(u @ np.linalg.solve(imat, u)))
    dfs.append(p)
    rows.append("GLOBAL")
    table = pd.DataFrame({"chisq": chis, "df": dfs}, index=pd.Index(rows, name="term"))
    table["p"] = chi2_sf(table["chisq"], table["df"])
    return table, I11


def _scaled_schoenfeld(cd, ev, I11, beta, names, term_map, terms):
    """R's scaled Schoenfeld residuals plus the coefficient (``$y``), per term when ``terms``.

    Returns ``(y, dro, strat_d, vmean)``: the residuals, the event rows in R's order, their
    strata and the per-stratum mean information (whose inverse is R's ``$var``).
    """
    p, dr, dg, mean = cd.p, cd.dr, cd.dg, ev.mean
    E = cd.E
    # scaled Schoenfeld residuals in R's order: stratum, time, then tied rows in data order
    # for right-censored data (R's zph1) or in reverse data order for (start, stop] data (zph2)
    sch = cd.X[dr] - np.vstack([np.bincount(dg, weights=mean[:, j], minlength=E) / cd.m for j in range(p)]).T[dg]
    right_censored = bool(np.all(np.isneginf(cd.start)))
    o = np.lexsort((dr if right_censored else -dr, cd.key_stop[dr]))
    dro = dr[o]
    sch = sch[o]
    strat_d = cd.strata[dro]
    nstrat = int(cd.strata.max()) + 1
    used = np.zeros((nstrat, p))
    for s in range(nstrat):
        rows_s = cd.strata == s
        nd = int(cd.event[rows_s].sum())
        if nd:
            Xs = cd.X[rows_s]
            used[s] = np.where(np.any(Xs != Xs[0], axis=0), nd, 0)
    wtmat = np.zeros((p, p))
    for s in range(nstrat):
        wtmat += np.minimum.outer(used[s], used[s])
    vmean = I11 / np.where(wtmat == 0, 1, wtmat)
    colnames = names
    multi = terms and any(len(v) > 1 for v in term_map.values())
    add = beta.copy()
    if multi:
        tm = np.zeros((p, len(term_map)))
        add = np.zeros(len(term_map))
        for i, jj in enumerate(term_map.values()):
            if len(jj) == 1:
                tm[jj[0], i] = 1.0
                add[i] = beta[jj[0]]
            else:
                tm[jj, i] = beta[jj]
                add[i] = 1.0
        sch = sch @ tm
        vmean = tm.T @ vmean @ tm
        used = used[:, [jj[0] for jj in term_map.values()]]
        colnames = list(term_map.keys())
    elif terms:
        colnames = list(term_map.keys())
    sres = np.full(sch.shape, np.nan)
    for s in range(nstrat):
        k = np.flatnonzero(used[s] > 0)
        j = np.flatnonzero(strat_d == s)
        if k.size and j.size:
            sres[np.ix_(j, k)] = np.linalg.solve(vmean[np.ix_(k, k)], sch[np.ix_(j, k)].T).T
    sres = sres + add
    y = pd.DataFrame(sres, columns=colnames, index=pd.Index(np.round(cd.stop[dro], 10), name="time"))
    return y, dro, strat_d, vmean
