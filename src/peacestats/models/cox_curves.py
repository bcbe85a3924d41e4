"""Baseline hazard and predicted survival curves of a Cox model, as R's ``basehaz`` and
``survfit(fit, newdata)`` (R's ``agsurv``: Breslow or Efron increments, the variance with
the coefficient-uncertainty term). :class:`CoxCurves` is mixed into
:class:`peacestats.models.cox.CoxResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._dist import norm_ppf
from ..errors import SpecificationError
from . import frame as _frame
from .engines.cox import CoxData, Eval, prefix

__all__ = ["CoxCurves"]


class CoxCurves:
    """Survival-curve methods of :class:`~peacestats.models.cox.CoxResult` (uses its fit state)."""

    # the CoxResult fields these methods read (declared for the type checker; not fields here)
    params: pd.Series
    vcov: pd.DataFrame
    model: str
    strata: list[str]
    _state: dict[str, Any]

    def _baseline_pieces(self):
        """Per (stratum, stop time): n_risk, n_event, n_censor, hazard, variance and xbar increments (R's agsurv)."""
        st = self._state
        if "baseline" in st:
            return st["baseline"]
        cd: CoxData = st["cd"]
        ev: Eval = st["ev"]
        rr = np.exp(ev.eta)
        r = cd.w * rr
        p = cd.p
        Z = np.column_stack([r, cd.X * r[:, None], cd.w])
        ukey = np.unique(cd.key_stop)
        ps = np.searchsorted(cd.key_start[cd.order_start], ukey, side="left")
        pe = np.searchsorted(cd.key_stop[cd.order_stop], ukey, side="left")
        S = prefix(Z, cd.order_start)[ps] - prefix(Z, cd.order_stop)[pe]
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
        cd: CoxData = st["cd"]
        beta = self.params.to_numpy()
        # our risk scores are exp((x - xmean) b - shift); R centres at fit$means, where
        # columns holding only -1/0/1 (dummies) are not centred (agreg.fit's nocenter)
        if "r_means" not in st:
            X = st["design"].X
            st["r_means"] = np.where(np.all((X == 0.0) | (X == 1.0) | (X == -1.0), axis=0), 0.0, cd.xmean)
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
        cd: CoxData = st["cd"]
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
        z = norm_ppf(0.5 + conf_level / 2)
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

    def plot_survival(self, profiles: pd.DataFrame, ax=None, conf_level: float = 0.95, ci: bool = True,
                      labels: Mapping | None = None):
        """Step plot of :meth:`survival_function` for each profile, with confidence bands; returns the axes.

        ``labels`` maps a profile (the index value of ``profiles``, or a stratum) to its legend
        label. A new figure (``ax=None``) has constrained layout and its legend beside the axes.
        """
        from ..report._common import new_axes

        sf = self.survival_function(profiles, conf_level=conf_level)
        new = ax is None
        if new:
            ax = new_axes((6, 4), title=f"{self.model}: predicted survival")
        names = dict(labels or {})
        keys = ["profile", "strata"] if "strata" in sf else ["profile"]
        for key, g in sf.groupby(keys, sort=False):
            label = " / ".join(str(names.get(k, k)) for k in (key if isinstance(key, tuple) else (key,)))
            t = np.r_[0.0, g["time"].to_numpy()]
            (line,) = ax.step(t, np.r_[1.0, g["surv"].to_numpy()], where="post", label=label)
            if ci:
                ax.fill_between(t, np.r_[1.0, g["conf_low"].to_numpy()], np.r_[1.0, g["conf_high"].to_numpy()],
                                step="post", alpha=0.15, color=line.get_color())
        ax.set_xlabel("time")
        ax.set_ylabel("survival")
        ax.set_ylim(0, 1.02)
        if new:
            ax.legend(title="profile", frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        else:
            ax.legend(title="profile", frameon=False)
        ax.set_title(f"{self.model}: predicted survival")
        return ax
