"""Residuals of a Cox model, as R's ``residuals(coxph fit, type = ...)``.

:func:`cox_residuals` is what :meth:`peacestats.models.cox.CoxResult.residuals` returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from .engines.cox import CoxData, Eval, schoenfeld, score_residuals

__all__ = ["cox_residuals"]


def cox_residuals(result, kind: str = "martingale", weighted: bool = False):
    """R's ``residuals(fit, type = kind)`` of a :class:`~peacestats.models.cox.CoxResult` (see its ``residuals``)."""
    st = result._state
    cd: CoxData = st["cd"]
    ev: Eval = st["ev"]
    idx = st["index"]
    cols = list(result.params.index)
    w = cd.w
    if kind in ("score", "dfbeta"):
        res = st.get("score_resid")
        if res is None:
            res = st["score_resid"] = score_residuals(cd, ev)
        out = res
        if kind == "dfbeta":
            out = (res * w[:, None]) @ result.vcov_model.to_numpy()
        elif weighted:
            out = res * w[:, None]
        return pd.DataFrame(out, index=idx, columns=cols)
    if kind == "martingale":
        m = cd.event.astype(float) - np.exp(ev.eta) * ev.wgt
        if weighted:
            m = m * w
        return pd.Series(m, index=idx, name="martingale")
    if kind in ("schoenfeld", "scaledsch"):
        sch = schoenfeld(cd, ev)
        if kind == "scaledsch":
            nd = len(cd.dr)
            sch = sch @ result.vcov_model.to_numpy() * nd + result.params.to_numpy()
        elif weighted:
            sch = sch * w[cd.dr][:, None]
        out = pd.DataFrame(sch, index=idx[cd.dr], columns=cols)
        out.insert(0, "time", cd.stop[cd.dr])
        return out
    raise SpecificationError(
        f"unknown residual kind {kind!r}; use 'score', 'dfbeta', 'martingale', 'schoenfeld' or 'scaledsch'."
    )
