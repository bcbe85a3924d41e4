"""Covariate balance: standardized mean differences, variance ratios and the Love plot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...errors import SpecificationError
from ..frame import check_columns
from ._checks import _as_binary, _check_unique_index, _ess, _resolve_column
from .matching import MatchResult


def balance_table(
    data: pd.DataFrame,
    *,
    treatment: Any,
    covariates: list[str],
    weights: Any = None,
    matched: MatchResult | None = None,
    sd_denominator: str = "pooled",
) -> pd.DataFrame:
    """Standardized mean differences and variance ratios, before and after adjustment.

    Parameters
    ----------
    data
        The full (unadjusted) sample.
    treatment
        Column name or 0/1 Series/array aligned to ``data``.
    covariates
        Column names. Numeric and boolean columns are used as they are; text or
        categorical columns are expanded into one 0/1 column per level (``"col[level]"``).
    weights
        IPW (or any) weights: column name, Series or array aligned to ``data``.
    matched
        A :class:`MatchResult`: its weights (0 = not matched) are used.
    sd_denominator
        ``"pooled"`` (default): sqrt((s2_treated + s2_control) / 2) (Austin 2009);
        ``"treated"``: the SD among treated units (for ATT comparisons).

    Returns
    -------
    pandas.DataFrame
        Indexed by covariate: ``type`` ("binary" or "continuous"), ``mean_treated``,
        ``mean_control``, ``smd``, ``var_ratio`` and, with ``weights`` or ``matched``,
        ``mean_treated_adj``, ``mean_control_adj``, ``smd_adj``, ``var_ratio_adj``.
        ``attrs`` holds the group sizes and effective sample sizes.

    Notes
    -----
    SMD = (mean_treated - mean_control) / SD, where SD always comes from the
    *unadjusted* sample, so that before and after differ only through the means
    (Stuart 2010; cobalt's default). For a binary covariate the group variance is
    p(1 - p), for a continuous one the sample variance (n - 1). Weighted means are
    sum(w x)/sum(w); weighted variances (for variance ratios) are
    sum w (x - m)^2 * sum w / ((sum w)^2 - sum w^2), which reduces to the n - 1
    variance with equal weights. Variance ratios (treated / control) are given for
    continuous covariates only (NaN for binary ones, where they carry no information
    beyond the means).

    The sample is the rows with a treatment and every covariate observed (and,
    when adjusting, a non-missing weight).

    The R code below reproduces the unadjusted and weighted SMDs (see
    ``tests/test_causal.py`` for the numbers)::

        smd <- function(x, t, w = rep(1, length(x))) {
          bin <- all(x %in% c(0, 1))
          v <- function(z) if (bin) mean(z) * (1 - mean(z)) else var(z)
          s <- sqrt((v(x[t == 1]) + v(x[t == 0])) / 2)
          (weighted.mean(x[t == 1], w[t == 1]) - weighted.mean(x[t == 0], w[t == 0])) / s
        }
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    _check_unique_index(data.index, "data")
    if sd_denominator not in ("pooled", "treated"):
        raise SpecificationError(f"sd_denominator must be 'pooled' or 'treated', not {sd_denominator!r}")
    if weights is not None and matched is not None:
        raise SpecificationError("give weights or matched, not both")
    if isinstance(covariates, str):
        covariates = [covariates]
    check_columns(data, covariates, "balance_table")
    if not covariates:
        raise SpecificationError("balance_table: no covariates given")

    t_name = treatment if isinstance(treatment, str) else "treatment"
    t = _as_binary(_resolve_column(data, treatment, "treatment"), t_name)
    w = _adjustment_weights(data, weights, matched)

    X = _covariate_matrix(data, covariates)
    ok = t.notna() & X.notna().all(axis=1)
    if w is not None:
        ok &= w.notna()
    X, t = X[ok], t[ok].to_numpy()
    is1, is0 = t == 1, t == 0
    if is1.sum() < 2 or is0.sum() < 2:
        raise SpecificationError(
            f"balance_table needs at least two treated and two untreated complete rows; found "
            f"{int(is1.sum())} and {int(is0.sum())}"
        )
    wv = w[ok].to_numpy() if w is not None else None
    if wv is not None and (wv[is1].sum() <= 0 or wv[is0].sum() <= 0):
        raise SpecificationError("the weights of the treated or the untreated group sum to zero")

    rows = []
    for col in X.columns:
        rows.append(_balance_row(X[col].to_numpy(dtype=float), is1, is0, sd_denominator, wv))
    out = pd.DataFrame(rows, index=pd.Index(X.columns, name="covariate"))
    out.attrs.update(
        {
            "n_treated": int(is1.sum()),
            "n_control": int(is0.sum()),
            "sd_denominator": sd_denominator,
            "adjusted": "matched" if matched is not None else ("weights" if weights is not None else None),
        }
    )
    if wv is not None:
        out.attrs.update(
            {
                "ess_treated": _ess(pd.Series(wv[is1])),
                "ess_control": _ess(pd.Series(wv[is0])),
                "n_treated_adj": int((wv[is1] > 0).sum()),
                "n_control_adj": int((wv[is0] > 0).sum()),
            }
        )
    return out


def _adjustment_weights(data: pd.DataFrame, weights: Any, matched: MatchResult | None) -> pd.Series | None:
    """The weights of the adjusted sample: the matches' (0 = not matched), the given ones, or None."""
    w = None
    if matched is not None:
        w = matched.weights.reindex(data.index).fillna(0.0)
    elif weights is not None:
        w = pd.to_numeric(_resolve_column(data, weights, "weights"), errors="coerce").astype(float)
        neg = w.notna() & ((w < 0) | ~np.isfinite(w))
        if neg.any():
            raise SpecificationError(
                f"weights must be finite and >= 0; rows {w.index[neg][:5].tolist()} are not"
            )
    return w


def _balance_row(x: np.ndarray, is1: np.ndarray, is0: np.ndarray, sd_denominator: str,
                 wv: np.ndarray | None) -> dict[str, Any]:
    """One covariate's means, SMD and variance ratio, before and (with ``wv``) after adjustment."""
    binary = bool(np.isin(x, (0.0, 1.0)).all())
    x1, x0 = x[is1], x[is0]
    m1, m0 = x1.mean(), x0.mean()
    if binary:
        v1, v0 = m1 * (1 - m1), m0 * (1 - m0)
    else:
        v1, v0 = x1.var(ddof=1), x0.var(ddof=1)
    sd = np.sqrt((v1 + v0) / 2) if sd_denominator == "pooled" else np.sqrt(v1)
    row = {
        "type": "binary" if binary else "continuous",
        "mean_treated": m1,
        "mean_control": m0,
        "smd": _safe_div(m1 - m0, sd),
        "var_ratio": np.nan if binary else _safe_div(v1, v0),
    }
    if wv is not None:
        w1, w0 = wv[is1], wv[is0]
        a1, a0 = np.average(x1, weights=w1), np.average(x0, weights=w0)
        row.update(
            {
                "mean_treated_adj": a1,
                "mean_control_adj": a0,
                "smd_adj": _safe_div(a1 - a0, sd),
                "var_ratio_adj": np.nan if binary else _safe_div(_wvar(x1, w1), _wvar(x0, w0)),
            }
        )
    return row


def _safe_div(a: float, b: float) -> float:
    return float(a / b) if b > 0 else (0.0 if a == 0 else float(np.inf * np.sign(a)))


def _wvar(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted variance with the reliability-weights correction (cobalt's col_w_sd)."""
    sw, sw2 = w.sum(), (w**2).sum()
    m = np.average(x, weights=w)
    den = sw**2 - sw2
    if den <= 0:
        return np.nan
    return float((w * (x - m) ** 2).sum() * sw / den)


def _covariate_matrix(data: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    parts = {}
    for c in covariates:
        s = data[c]
        if s.dtype == bool or str(s.dtype) == "boolean":
            parts[c] = s.astype("float64")
        elif pd.api.types.is_numeric_dtype(s):
            parts[c] = s.astype("float64")
        else:
            levels = sorted(pd.unique(s.dropna()), key=str)
            for lev in levels:
                col = (s == lev).astype("float64")
                col[s.isna()] = np.nan
                parts[f"{c}[{lev}]"] = col
    return pd.DataFrame(parts, index=data.index)


def balance_plot(table: pd.DataFrame, ax=None, *, threshold: float = 0.1, absolute: bool = True,
                 labels: Mapping[str, str] | None = None):
    """A Love plot of a :func:`balance_table`: SMD by covariate, before and after.

    Parameters
    ----------
    table
        The output of :func:`balance_table`.
    ax
        Matplotlib axes to draw on (a new figure when None).
    threshold
        Dashed reference line(s) at this SMD (0.1 is the usual rule of thumb).
    absolute
        Plot |SMD| (default) or signed SMDs.
    labels
        ``{covariate: label}`` for the y axis (covariates not named keep their names).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import seaborn as sns

    from ...report._common import new_axes, relabel

    if "smd" not in table.columns:
        raise SpecificationError("balance_plot needs a balance_table() output (no 'smd' column)")
    names = relabel(table.index.astype(str), labels)
    long = [
        pd.DataFrame({"covariate": names, "smd": table["smd"].to_numpy(), "sample": "Unadjusted"})
    ]
    if "smd_adj" in table.columns:
        long.append(
            pd.DataFrame(
                {"covariate": names, "smd": table["smd_adj"].to_numpy(), "sample": "Adjusted"}
            )
        )
    df = pd.concat(long, ignore_index=True)
    if absolute:
        df["smd"] = df["smd"].abs()
    new = ax is None
    if new:  # constrained layout, widened for long labels: a plain savefig clips nothing
        ax = new_axes((6, 1.2 + 0.35 * len(table)), labels=names, title="Covariate balance")
    sns.scatterplot(
        data=df, x="smd", y="covariate", hue="sample", style="sample", s=60, ax=ax,
        palette={"Unadjusted": "#d95f02", "Adjusted": "#1b9e77"},
        markers={"Unadjusted": "o", "Adjusted": "s"},
    )
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=0.8)
    if not absolute:
        ax.axvline(-threshold, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("Absolute standardized mean difference" if absolute else "Standardized mean difference")
    ax.set_ylabel("")
    ax.set_title("Covariate balance")
    if new:  # the legend beside the axes, off the points (an axes passed in keeps seaborn's placement)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, title="sample")
    return ax
