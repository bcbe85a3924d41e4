"""What the table and figure modules share (neither imports the other).

:func:`as_results`
    A result, a list or a ``{name: result}`` dict -> a list of fitted models (and names).
:func:`use_exp`
    Whether a model's coefficients are shown exponentiated.
:func:`interval_plot`
    The one routine that draws estimates with confidence intervals: every coefficient
    plot (:func:`~peacestats.report.figures.coefplot`,
    :func:`~peacestats.report.figures.forest_plot`, ``ModelResult.plot``) uses it.
:func:`new_axes`
    A figure with constrained layout: a plain ``savefig`` keeps every label inside.
:func:`ratio_axis`
    Ticks of a log-scaled ratio axis as plain decimals (0.5, 1, 2), never ``7×10⁻¹``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import SpecificationError

__all__ = ["INTERCEPTS", "as_results", "use_exp", "interval_plot", "new_axes", "ratio_axis", "relabel"]

#: Names the intercept goes by (R, patsy, statsmodels, Stata).
INTERCEPTS = ("Intercept", "(Intercept)", "const", "_cons")


def as_results(results, what: str = "regtable") -> tuple[list, list[str] | None]:
    """A result, a list or a ``{name: result}`` dict -> (models, names or None).

    Each model is a peacestats result or what :func:`peacestats.report.adapters.adapt`
    makes of a statsmodels result, a lifelines fitter, an object with ``tidy()`` or a
    tidy DataFrame. A single DataFrame is one model (not a list of columns).
    """
    from .adapters import adapt

    names = None
    if isinstance(results, Mapping):
        names = [str(k) for k in results]
        results = list(results.values())
    elif isinstance(results, (pd.DataFrame, str)) or not hasattr(results, "__iter__"):
        results = [results]
    else:  # a list, a tuple, a generator of models
        results = list(results)
    if not results:
        raise SpecificationError(f"{what}: no results given")
    out = []
    for i, r in enumerate(results):
        try:
            out.append(adapt(r))
        except SpecificationError as e:
            raise SpecificationError(f"{what}: item {i + 1}: {e}") from None
    return out, names


def use_exp(res, exponentiate) -> bool:
    if exponentiate == "auto":
        return bool(res.exponentiate)
    return bool(exponentiate)


def interval_plot(ax, df: pd.DataFrame, *, exp: bool, line_kw: dict, point_kw: dict):
    """Estimates (points) with their intervals (horizontal lines) at heights ``df["y"]``.

    ``df`` has columns ``y, estimate, conf_low, conf_high`` (on the scale to draw);
    ``line_kw`` goes to ``ax.hlines``, ``point_kw`` to ``seaborn.scatterplot`` (which
    gets ``data=df``). A dashed reference line marks no effect (1 when ``exp``, on a log
    axis; else 0). Returns the axes.
    """
    import seaborn as sns

    ax.hlines(df["y"], df["conf_low"], df["conf_high"], **line_kw)
    sns.scatterplot(data=df, x="estimate", y="y", ax=ax, zorder=3, **point_kw)
    ax.axvline(1.0 if exp else 0.0, color="grey", linestyle="--", linewidth=1)
    if exp:
        ax.set_xscale("log")
        ratio_axis(ax.xaxis)
    return ax


def relabel(terms, labels: Mapping | None) -> list[str]:
    """``labels[term]`` where given, else the term (``labels`` maps term -> label)."""
    labels = dict(labels or {})
    return [str(labels.get(t, t)) for t in terms]


def new_axes(figsize, labels=(), title: str = ""):
    """A new figure and axes with constrained layout, so a plain ``savefig`` clips no tick label or legend.

    The figure widens with the longest of ``labels`` (the y tick labels) and with
    ``title``, so the plot keeps its width beside long labels and the title centred over
    it stays inside the figure (about 0.09 inch a label character, 0.1 a title one).
    """
    import matplotlib.pyplot as plt

    longest = max((len(str(x)) for x in labels), default=0)
    width = min(max(figsize[0], 0.5 + 0.09 * longest + max(3.5, 0.1 * len(title))), 14.0)
    _, ax = plt.subplots(figsize=(width, figsize[1]), layout="constrained")
    return ax


#: Mantissas tried for ratio-axis ticks, from sparse to dense.
_RATIO_STEPS = ((1.0,), (1.0, 3.0), (1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0),
                (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0))


def ratio_ticks(vmin: float, vmax: float, max_ticks: int = 7) -> list[float]:
    """Tick values for a log-scaled ratio axis on ``[vmin, vmax]``: 1-2-5 steps, finer when the range is narrow.

    The densest of the mantissa sets 1; 1-3; 1-2-5; 1-2-3-5; 1-1.5-2-...-9 with at most
    ``max_ticks`` ticks in view; when even the densest gives fewer than three, evenly
    spaced decimals (0.9, 0.95, 1, 1.05).
    """
    import matplotlib.ticker as mticker

    lo, hi = sorted((float(vmin), float(vmax)))
    lo = max(lo, 1e-300)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return [1.0]
    d0, d1 = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    best: list[float] = []
    for steps in _RATIO_STEPS:
        vals = [float(f"{m * 10.0**d:.12g}") for d in range(d0, d1 + 1) for m in steps]
        vals = sorted({v for v in vals if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)})
        if len(vals) > max_ticks and best:
            break
        best = vals
    if len(best) < 3:
        best = [float(f"{v:.12g}") for v in mticker.MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
                if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9) and v > 0]
    return best


def _ratio_label(x: float, pos=None) -> str:
    return f"{x:.6g}" if x >= 1e-4 else f"{x:.1e}"


def ratio_axis(axis) -> None:
    """Plain-decimal ticks (0.25, 0.5, 1, 2) on a log-scaled matplotlib axis (``ax.xaxis``); no minor labels.

    Call after ``set_xscale("log")`` (which resets the tick locators). The ticks follow
    the view: zooming or new limits recompute them (:func:`ratio_ticks`).
    """
    import matplotlib.ticker as mticker

    class RatioLocator(mticker.Locator):
        def __call__(self):
            return self.tick_values(*self.axis.get_view_interval())

        def tick_values(self, vmin, vmax):
            return ratio_ticks(vmin, vmax)

    axis.set_major_locator(RatioLocator())
    axis.set_major_formatter(mticker.FuncFormatter(_ratio_label))
    axis.set_minor_formatter(mticker.NullFormatter())
