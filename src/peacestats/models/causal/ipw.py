"""Inverse-probability-of-treatment weights (ATE, ATT; stabilized, trimmed or truncated)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelError, SpecificationError
from ._checks import (
    _as_binary,
    _as_series,
    _check_overlap,
    _check_scores,
    _check_unique_index,
    _ess,
)
from .propensity import PropensityResult


def ipw_weights(
    treatment: Any,
    ps: Any,
    *,
    estimand: str = "ATE",
    stabilized: bool = True,
    trim: tuple[float, float] | None = None,
    trim_on: str = "ps",
) -> pd.Series:
    """Inverse-probability-of-treatment weights.

    Parameters
    ----------
    treatment
        The 0/1 treatment: a Series (its index is kept) or an array.
    ps
        Propensity scores: a :class:`PropensityResult`, a Series (aligned to
        ``treatment`` by index) or an array of the same length.
    estimand
        ``"ATE"`` (average effect in the whole sample): treated 1/e, untreated 1/(1-e).
        ``"ATT"`` (effect on the treated): treated 1, untreated e/(1-e).
    stabilized
        ATE: multiply by the marginal probability of the group received,
        P(T=1) for treated and P(T=0) for untreated units (Robins, Hernán &
        Brumback 2000), so the weights average about 1 and the weighted sample
        is about the size of the real one. ATT: multiply the untreated weights by
        P(T=0)/P(T=1), so they sum to about the number of untreated units.
        P(T=1) is the share treated among the rows with a (kept) score.
    trim
        ``None`` or ``(lo, hi)``:

        - ``trim_on="ps"`` (default): bounds on the score. Units with a score
          outside ``[lo, hi]`` get weight 0 (they leave the target population;
          Crump et al. 2009 suggest ``(0.1, 0.9)``).
        - ``trim_on="quantile"``: quantiles of the weights. Weights below the
          ``lo`` or above the ``hi`` quantile are set to those quantiles
          (truncation, Cole & Hernán 2008; e.g. ``(0.01, 0.99)``).

    Returns
    -------
    pandas.Series
        Named ``"ipw"``, indexed like ``treatment`` (or like the scores when
        ``treatment`` is an array and ``ps`` a Series/PropensityResult). Rows
        without a score or treatment get NaN: drop them (``w.notna()``) or fit the
        outcome model on the same rows as the treatment model. ``attrs`` records
        the estimand, stabilization, trimming, the number of trimmed units and the
        effective sample sizes by group. Pass it as ``weights=`` to the Cox or
        regression models (case weights; use robust/clustered SEs, as R's
        ``coxph(..., weights = w, robust = TRUE)``).

    Raises
    ------
    SpecificationError
        A treatment that is not 0/1, scores outside (0, 1), misaligned inputs, bad options.
    ModelError
        No overlap: the score ranges of treated and untreated units do not intersect.
    """
    if estimand not in ("ATE", "ATT"):
        raise SpecificationError(f"estimand must be 'ATE' or 'ATT', not {estimand!r}")
    if trim_on not in ("ps", "quantile"):
        raise SpecificationError(f"trim_on must be 'ps' or 'quantile', not {trim_on!r}")

    if isinstance(ps, PropensityResult):
        ps_s = ps.scores
    else:
        ps_s = ps
    if isinstance(treatment, pd.Series):
        t = treatment
        if isinstance(ps_s, pd.Series):
            if not ps_s.index.equals(t.index):
                if not set(t.index).issubset(set(ps_s.index)):
                    raise SpecificationError(
                        "ps is a Series whose index does not cover the treatment's index; align them first"
                    )
                ps_s = ps_s.reindex(t.index)
        else:
            ps_s = _as_series(ps_s, t.index, "ps")
    else:
        if isinstance(ps_s, pd.Series):
            t = _as_series(treatment, ps_s.index, "treatment")
        else:
            t = _as_series(treatment, None, "treatment")
            ps_s = _as_series(ps_s, t.index, "ps")
    _check_unique_index(t.index, "treatment")
    t = _as_binary(t, str(t.name) if t.name is not None else "treatment")
    e = _check_scores(ps_s)
    _check_overlap(t, e)

    ok = t.notna() & e.notna()
    keep = ok.copy()
    n_trimmed = 0
    if trim is not None:
        lo, hi = _check_trim(trim, trim_on)
        if trim_on == "ps":
            out_of_range = ok & ((e < lo) | (e > hi))
            n_trimmed = int(out_of_range.sum())
            keep = ok & ~out_of_range
            tk = t[keep]
            if (tk == 1).sum() == 0 or (tk == 0).sum() == 0:
                raise ModelError(
                    f"trimming the scores to [{lo}, {hi}] leaves {int((tk == 1).sum())} treated and "
                    f"{int((tk == 0).sum())} untreated units; widen the bounds."
                )
    tt, ee = t[keep].to_numpy(), e[keep].to_numpy()
    p1 = float(tt.mean())
    if estimand == "ATE":
        w = np.where(tt == 1, 1.0 / ee, 1.0 / (1.0 - ee))
        if stabilized:
            w = w * np.where(tt == 1, p1, 1.0 - p1)
    else:
        w = np.where(tt == 1, 1.0, ee / (1.0 - ee))
        if stabilized:
            w = np.where(tt == 1, w, w * (1.0 - p1) / p1)
    if trim is not None and trim_on == "quantile":
        qlo, qhi = np.quantile(w, [lo, hi])
        n_trimmed = int(((w < qlo) | (w > qhi)).sum())
        w = np.clip(w, qlo, qhi)

    out = pd.Series(np.nan, index=t.index, name="ipw", dtype="float64")
    out[keep] = w
    out[ok & ~keep] = 0.0
    out.attrs.update(
        {
            "estimand": estimand,
            "stabilized": stabilized,
            "trim": tuple(trim) if trim is not None else None,
            "trim_on": trim_on if trim is not None else None,
            "n_trimmed": n_trimmed,
            "n_missing": int((~ok).sum()),
            "p_treated": p1,
            "ess_treated": _ess(out[(t == 1) & ok]),
            "ess_control": _ess(out[(t == 0) & ok]),
        }
    )
    return out


def _check_trim(trim, trim_on) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in trim)
    except (TypeError, ValueError):
        raise SpecificationError(f"trim must be a pair (lo, hi), not {trim!r}") from None
    if not (0 <= lo < hi <= 1):
        raise SpecificationError(f"trim bounds must satisfy 0 <= lo < hi <= 1 ({trim_on}); got ({lo}, {hi})")
    return lo, hi
