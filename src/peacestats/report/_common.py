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


def as_results(results, what: str = "regtable") -> tuple[list, list[str] | None]:
    """A result, a list or a ``{name: result}`` dict -> (models, names or None).

    Each model is a peacestats result or what :func:`peacestats.report._adapt.adapt`
    makes of a statsmodels result, a lifelines fitter, an object with ``tidy()`` or a
    tidy DataFrame. A single DataFrame is one model (not a list of columns).
    """
    from ._adapt import adapt

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
            out.append(adapt(r, what))
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
    return ax
