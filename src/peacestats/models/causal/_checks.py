"""Checks shared by the selection-adjustment tools: 0/1 treatments, scores, overlap, alignment."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelError, SpecificationError
from ..frame import check_columns

# Fitted scores closer than this to 0 or 1 mean the covariates (almost) separate
# treated from untreated units: weights explode and matching has no partners.
_SEPARATION_EPS = 1e-8


# ================================================================== helpers
def _check_unique_index(index: pd.Index, what: str) -> None:
    if not index.is_unique:
        dup = index[index.duplicated()].unique()[:5].tolist()
        raise SpecificationError(
            f"{what} has a duplicated index (e.g. {dup}); scores and weights are aligned by index, "
            "so each row needs its own label. Call .reset_index(drop=True) first."
        )


def _as_binary(values: pd.Series, name: str) -> pd.Series:
    """0/1 float Series (NaN kept), or SpecificationError naming the bad values and rows."""
    s = values
    if s.dtype == bool or str(s.dtype) == "boolean":
        s = s.astype("float64")
    try:
        s = pd.to_numeric(s, errors="raise").astype("float64")
    except (TypeError, ValueError):
        bad = s[~s.isna()].iloc[:3].tolist()
        raise SpecificationError(
            f"treatment {name!r} must be coded 0/1 (1 = treated); it holds non-numeric values such as {bad}. "
            f"Recode it, e.g. data[{name!r}] = (data[{name!r}] == 'yes').astype(int)."
        ) from None
    ok = s.isna() | s.isin([0.0, 1.0])
    if not ok.all():
        rows = s.index[~ok][:5].tolist()
        vals = sorted(pd.unique(s[~ok]))[:5]
        raise SpecificationError(
            f"treatment {name!r} must be coded 0/1 (1 = treated); found values {vals} "
            f"at rows {rows}. Recode it to 0/1 before estimating scores or weights."
        )
    return s


def _as_series(x: Any, index: pd.Index | None, name: str) -> pd.Series:
    """A Series from a Series (kept), array (given ``index``) or scalar list."""
    if isinstance(x, pd.Series):
        return x
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise SpecificationError(f"{name} must be one-dimensional (got shape {arr.shape})")
    if index is not None and len(index) != len(arr):
        raise SpecificationError(f"{name} has {len(arr)} values but the data have {len(index)} rows")
    return pd.Series(arr, index=index if index is not None else pd.RangeIndex(len(arr)), name=name)


def _check_scores(ps: pd.Series, name: str = "ps") -> pd.Series:
    ps = pd.to_numeric(ps, errors="coerce").astype("float64")
    bad = ps.notna() & ~((ps > 0) & (ps < 1))
    if bad.any():
        rows = ps.index[bad][:5].tolist()
        raise SpecificationError(
            f"propensity scores must lie strictly between 0 and 1; {int(bad.sum())} do not "
            f"(rows {rows}, values {ps[bad].iloc[:5].round(6).tolist()}). Scores of exactly 0 or 1 mean "
            "the treatment model separates the groups: drop or coarsen the covariate that predicts "
            "treatment perfectly, or trim those units."
        )
    return ps


def _check_overlap(t: pd.Series, ps: pd.Series) -> None:
    """Raise ModelError when the score ranges of the two groups do not overlap at all."""
    ok = t.notna() & ps.notna()
    t, ps = t[ok], ps[ok]
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if n1 == 0 or n0 == 0:
        raise SpecificationError(
            f"need treated and untreated units with scores; found {n1} treated and {n0} untreated."
        )
    p1, p0 = ps[t == 1], ps[t == 0]
    if p1.min() > p0.max() or p0.min() > p1.max():
        raise ModelError(
            "no overlap: the propensity scores of treated units lie in "
            f"[{p1.min():.4g}, {p1.max():.4g}] and those of untreated units in [{p0.min():.4g}, {p0.max():.4g}], "
            "which do not overlap, so no untreated unit resembles a treated one. Weighting or matching "
            "cannot fix this; rethink the comparison (restrict the sample or the covariates)."
        )


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _resolve_column(data: pd.DataFrame, x: Any, name: str) -> pd.Series:
    """A column name, a Series aligned to ``data`` or an array of len(data)."""
    if isinstance(x, str):
        check_columns(data, [x], name)
        return data[x]
    from .propensity import PropensityResult

    if isinstance(x, PropensityResult):
        x = x.scores
    if isinstance(x, pd.Series):
        if not x.index.equals(data.index):
            if not set(data.index).issubset(set(x.index)):
                missing = [i for i in data.index if i not in set(x.index)][:5]
                raise SpecificationError(
                    f"{name} is a Series whose index does not cover the data's rows (missing e.g. {missing}); "
                    "pass values aligned to the data's index."
                )
            x = x.reindex(data.index)
        return x
    return _as_series(x, data.index, name)




def _ess(w: pd.Series) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    w = w.to_numpy(dtype=float)
    w = w[np.isfinite(w)]
    s2 = float((w**2).sum())
    return float(w.sum() ** 2 / s2) if s2 > 0 else 0.0
