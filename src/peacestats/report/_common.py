"""What the table and figure modules share (neither imports the other).

:func:`as_results`
    A result, a list or a ``{name: result}`` dict -> a list of fitted models (and names).
:func:`use_exp`
    Whether a model's coefficients are shown exponentiated.
:func:`interval_plot`
    The one routine that draws estimates with confidence intervals: every coefficient
    plot (:func:`~peacestats.report.figures.coefplot`,
    :func:`~peacestats.report.figures.forest_plot`, ``ModelResult.plot``) uses it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import SpecificationError

__all__ = ["INTERCEPTS", "as_results", "use_exp", "interval_plot"]

#: Names the intercept goes by (R, patsy, statsmodels, Stata).
INTERCEPTS = ("Intercept", "(Intercept)", "const", "_cons")


def as_results(results) -> tuple[list, list[str] | None]:
    from ..models.results import ModelResult

    names = None
    if isinstance(results, Mapping):
        names = [str(k) for k in results]
        results = list(results.values())
    elif isinstance(results, ModelResult):
        results = [results]
    else:
        results = list(results)
    if not results:
        raise SpecificationError("regtable: no results given")
    for i, r in enumerate(results):
        if not isinstance(r, ModelResult):
            raise SpecificationError(
                f"regtable: item {i + 1} is a {type(r).__name__}, not a fitted peacestats model "
                "(a subclass of peacestats.models.results.ModelResult)"
            )
    return results, names


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
    return ax
