"""Inference for the specification curve (Simonsohn, Simmons & Nelson 2020) and its figure.

Two summaries of the curve are compared with their distribution under the null of no
effect in any specification: the **median estimate** and the **share of specifications
significant (p < 0.05) with the dominant sign** (the sign of the median).

How the null is imposed. Simonsohn et al. force the null in linear models by subtracting
the estimated effect from the outcome (y - b x) and bootstrapping. A survival outcome
cannot be shifted that way, and permuting presence across conflicts would break what it
is tied to (presence changes within spells, at dates tied to each conflict's history).
We impose the null on the statistic instead: a **cluster (pairs) bootstrap, centred**
(Hall & Wilson 1991). Whole conflicts are resampled with replacement, every
specification is refitted on the same draw, and each resampled estimate is centred on
that specification's full-sample estimate: (b*_s - b_s) and z*_s = (b*_s - b_s) / se*_s.
Under the null the centred statistics have (asymptotically) the distribution the
observed ones would have, whatever the true effect, because the bootstrap reproduces the
sampling variability. Resampling conflicts keeps everything within a conflict together
(its spells, its presence history, the dependence between its recurrences), which is the
clustering the models assume; using one draw for every specification keeps the
correlation between specifications, which decides how much the median and the share can
move by chance. With ``unit="country"`` countries are resampled instead, for the
country-clustered specifications' stricter notion of independence.

The draws can also be taken without refitting (``run_null(method="score")``,
:mod:`peacestats.robustness.score`): each specification moves by its rows' influence in the
full-sample fit, the estimating-function bootstrap (Hu & Kalbfleisch 2000), first-order
equivalent to refitting and thousands of times cheaper, so B = 999 takes seconds. Its draws are
less dispersed than the refits' in finite samples (measured in ``benchmarks/bench_null.py``),
so its p-values tend to be too small: the refits remain the default and the report's method.

The p-value of each summary is the share of draws at least as extreme in the observed
direction, (1 + #{draws as extreme}) / (B + 1). Choose B so that alpha (B + 1) is a whole
number (19, 99, 199, 999 for alpha = 0.05; Davidson & MacKinnon 2000): the test that
rejects when p <= alpha then has size exactly alpha (with B = 19 it rejects when the
observed summary is more extreme than every draw), where B = 20 would give 1/21.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..models._dist import norm_sf
from ..errors import MultiverseError

__all__ = ["curve_inference", "spec_curve_figure"]


def _ok(results: pd.DataFrame) -> pd.DataFrame:
    return results[results["error_type"].isna() & results["estimate"].notna() & results["std_error"].notna()]


def curve_inference(results: pd.DataFrame, null: pd.DataFrame | None = None, alpha: float = 0.05) -> dict[str, Any]:
    """Median estimate and share of significant same-sign specifications, with their null distribution.

    Parameters
    ----------
    results
        From :func:`~peacestats.robustness.run_multiverse`.
    null
        From :func:`~peacestats.robustness.run_null` (``None``: observed summaries only).
    alpha
        Significance level of a single specification.

    Returns
    -------
    dict
        ``specifications``, ``fitted``, ``failed``, ``median_estimate``, ``sign``
        (+1/-1 of the median), ``share_significant`` (p < alpha with that sign),
        ``share_significant_any`` (either sign), and with ``null``: ``resamples``,
        ``null_median`` and ``null_share`` (arrays, one value per draw),
        ``p_median``, ``p_share`` and ``null_share_95`` (the 95th percentile of the null share).
    """
    if results.empty:
        raise MultiverseError("no specifications to summarise")
    ok = _ok(results)
    if ok.empty:
        raise MultiverseError("every specification failed; nothing to summarise (see the error column)")
    est, p = ok["estimate"].to_numpy(float), ok["p_value"].to_numpy(float)
    med = float(np.median(est))
    sign = 1.0 if med >= 0 else -1.0
    out: dict[str, Any] = {
        "specifications": len(results), "fitted": len(ok), "failed": int(len(results) - len(ok)),
        "median_estimate": med, "sign": int(sign),
        "share_significant": float(np.mean((p < alpha) & (np.sign(est) == sign))),
        "share_significant_any": float(np.mean(p < alpha)),
    }
    if null is None or null.empty:
        return out
    obs = ok.set_index("spec")["estimate"]
    nl = null[null["error_type"].isna() & null["estimate"].notna() & null["std_error"].notna()]
    nl = nl[nl["spec"].isin(obs.index) & (nl["std_error"] > 0)].copy()
    nl["centred"] = nl["estimate"].to_numpy(float) - obs.loc[nl["spec"]].to_numpy(float)
    nl["p"] = 2 * norm_sf(np.abs(nl["centred"] / nl["std_error"].astype(float)))
    nl["sig"] = (nl["p"] < alpha) & (np.sign(nl["centred"]) == sign)
    g = nl.groupby("resample", sort=True)
    null_median = g["centred"].median().to_numpy(float)
    null_share = g["sig"].mean().to_numpy(float)
    B = len(null_median)
    out.update(
        resamples=B, null_median=null_median, null_share=null_share,
        p_median=float((1 + np.sum(sign * null_median >= abs(med))) / (B + 1)),
        p_share=float((1 + np.sum(null_share >= out["share_significant"])) / (B + 1)),
        null_share_95=float(np.quantile(null_share, 0.95)) if B else float("nan"),
        null_median_95=float(np.quantile(sign * null_median, 0.95)) if B else float("nan"),
    )
    return out


def spec_curve_figure(results: pd.DataFrame, dimensions: list[str] | None = None, *, alpha: float = 0.05,
                      ylabel: str = "Estimate (log hazard ratio)", exponentiate: bool = False,
                      inference: dict[str, Any] | None = None, figsize: tuple[float, float] | None = None):
    """The specification curve: estimates sorted, with 95% CIs, and the options of each below.

    From 300 specifications on, the estimates, intervals and option marks are drawn as a
    bitmap at the figure's resolution inside vector output (``rasterized=True``): the
    report's SVG of 1,152 specifications is then about 0.15 MB instead of 1.4 MB and
    renders in a fifth of the time; axes and text stay vector, and the PNG is unchanged.

    Parameters
    ----------
    results
        From :func:`~peacestats.robustness.run_multiverse`; failed specifications are
        left out (their number is given in the title).
    dimensions
        Dimension columns to show below (default: every column between ``index`` and
        ``estimate``).
    exponentiate
        Plot exp(estimate) (hazard or odds ratios) on a log axis.
    inference
        From :func:`curve_inference`: its median, share and p-values go in the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    cols = list(results.columns)
    if dimensions is None:
        dimensions = cols[cols.index("index") + 1: cols.index("estimate")]
    ok = _ok(results).sort_values(["estimate", "spec"], kind="mergesort").reset_index(drop=True)
    if ok.empty:
        raise MultiverseError("every specification failed; nothing to plot")
    in_order = results.sort_values("index", kind="mergesort") if "index" in results else results
    labels = [(d, o) for d in dimensions for o in pd.unique(in_order[d])]  # options in declaration order
    n = len(ok)
    x = np.arange(n)
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=figsize or (min(16, max(8, 4 + n * 0.03)), 4 + 0.22 * len(labels)),
        gridspec_kw={"height_ratios": [3, max(1.5, 0.22 * len(labels))]})
    est, lo, hi = (ok[c].to_numpy(float) for c in ("estimate", "conf_low", "conf_high"))
    if exponentiate:
        est, lo, hi = np.exp(est), np.exp(lo), np.exp(hi)
        top.set_yscale("log")
        from ..report._common import ratio_axis

        ratio_axis(top.yaxis)  # 0.5, 1, 2: plain decimals
    sig = ok["p_value"].to_numpy(float) < alpha
    colour = np.where(sig, "#b2182b", "#4d4d4d")
    dense = n >= 300  # thousands of marks: drawn as a bitmap inside vector output (SVG, PDF); the PNG is the same
    top.vlines(x, lo, hi, colors=colour, alpha=0.35, linewidth=0.5 if dense else 1, rasterized=dense)
    top.scatter(x, est, c=colour, s=3 if dense else 8, zorder=3, rasterized=dense)
    top.axhline(1.0 if exponentiate else 0.0, color="black", linewidth=0.8)
    top.set_ylabel(ylabel)
    title = f"{n} specifications fitted"
    if len(results) > n:
        title += f" ({len(results) - n} failed)"
    if inference is not None:
        med = inference["median_estimate"]
        title += (f"; median {np.exp(med) if exponentiate else med:.2f}, "
                  f"{100 * inference['share_significant']:.0f}% significant with its sign")
        if "p_median" in inference:
            title += (f"\nnull (B = {inference['resamples']}): p = {inference['p_median']:.2f} for the median, "
                      f"{inference['p_share']:.2f} for the share")
    top.set_title(title, fontsize=9)
    for i, (d, o) in enumerate(labels):
        on = (ok[d] == o).to_numpy()
        bottom.scatter(x[on], np.full(on.sum(), i), marker="|", s=30, c=colour[on], linewidths=1, rasterized=dense)
    bottom.set_yticks(range(len(labels)), [f"{d}: {o}" for d, o in labels], fontsize=7)
    bottom.set_ylim(len(labels) - 0.5, -0.5)
    bottom.set_xlabel("Specification (sorted by estimate)")
    bottom.set_xlim(-1, n)
    fig.tight_layout()
    return fig
