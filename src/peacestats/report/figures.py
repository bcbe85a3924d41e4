"""Figures of fitted models: coefficient plots across models and forest plots.

Both functions take the models :func:`peacestats.report.regtable` takes (peacestats
results, statsmodels and lifelines results, tidy DataFrames), draw with
seaborn/matplotlib (imported on first use) and return the matplotlib axes, so a
caller can add to them or save them. A figure they create has constrained layout: a
plain ``ax.figure.savefig(...)`` keeps every label inside; ratio axes (log scale)
read 0.5, 1, 2; the legend sits to the right of the axes, off the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ._common import INTERCEPTS as _INTERCEPTS
from ._common import as_results as _as_results
from ._common import interval_plot, new_axes
from ._common import use_exp as _use_exp

__all__ = ["coefplot", "forest_plot", "interval_plot"]


def _long(results, model_names, labels, exponentiate, conf_level, drop_intercept) -> pd.DataFrame:
    results, dict_names = _as_results(results, "coefplot")
    names = list(model_names) if model_names is not None else dict_names
    if names is None:
        names = [f"({i + 1}) {r.model}" for i, r in enumerate(results)]
    if len(names) != len(results):
        raise SpecificationError(f"{len(names)} model_names for {len(results)} models")
    labels = dict(labels or {})
    rows = []
    for name, r in zip(names, results):
        t = r.tidy(conf_level=conf_level, exponentiate=False)
        use_exp = _use_exp(r, exponentiate)
        for _, row in t.iterrows():
            if drop_intercept and row["term"] in _INTERCEPTS:
                continue
            f = np.exp if use_exp else (lambda v: v)
            rows.append(
                {
                    "model": name,
                    "term": row["term"],
                    "label": labels.get(row["term"], row["term"]),
                    "estimate": float(f(row["estimate"])),
                    "conf_low": float(f(row["conf_low"])),
                    "conf_high": float(f(row["conf_high"])),
                    "exp": use_exp,
                    "exp_label": r.exp_label,
                }
            )
    if not rows:
        raise SpecificationError("nothing to plot: the models have no terms besides the intercept")
    return pd.DataFrame(rows)


def coefplot(
    results,
    *,
    model_names: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    exponentiate: bool | str = False,
    conf_level: float = 0.95,
    drop_intercept: bool = True,
    ax=None,
):
    """Coefficients of one or several models with confidence intervals, dodged by model.

    Parameters
    ----------
    results
        A result, a list of results or a dict ``{name: result}``.
    model_names, labels
        As in :func:`peacestats.report.tables.regtable`.
    exponentiate
        ``True`` (plot exp(b) on a log axis with a reference line at 1), ``False``
        (b, reference at 0) or ``"auto"`` (the models' convention; they must agree).
    conf_level
        Level of the intervals.
    drop_intercept
        Leave the intercept out (its scale dwarfs the rest).
    ax
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import seaborn as sns

    df = _long(results, model_names, labels, exponentiate, conf_level, drop_intercept)
    if df["exp"].nunique() > 1:
        raise SpecificationError(
            "coefplot: some models are exponentiated and some are not; pass exponentiate=True or False"
        )
    use_exp = bool(df["exp"].iloc[0])
    terms = list(dict.fromkeys(df["label"]))
    models = list(dict.fromkeys(df["model"]))
    if ax is None:
        ax = new_axes((6.5 + (1.5 if len(models) > 1 else 0), 0.8 + 0.45 * len(terms) * max(1, len(models) ** 0.5)),
                      terms)
    palette = dict(zip(models, sns.color_palette("colorblind", len(models))))
    step = 0.7 / max(len(models), 1)
    ypos = {t: len(terms) - 1 - i for i, t in enumerate(terms)}
    offset = {m: (len(models) - 1) / 2 * step - i * step for i, m in enumerate(models)}
    df["y"] = [ypos[t] + offset[m] for t, m in zip(df["label"], df["model"])]
    interval_plot(ax, df, exp=use_exp,
                  line_kw=dict(colors=[palette[m] for m in df["model"]], linewidth=1.5),
                  point_kw=dict(hue="model", style="model", palette=palette, s=45, legend=len(models) > 1))
    ax.set_yticks([ypos[t] for t in terms], terms)
    ax.set_ylabel("")
    pct = int(round(conf_level * 100))
    lab = "/".join(sorted(set(df["exp_label"]))) if use_exp else "Coefficient"
    ax.set_xlabel(f"{lab} ({pct}% CI)")
    if len(models) > 1 and ax.get_legend() is not None:  # beside the axes, off the data
        sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=None)
    return ax


def forest_plot(
    result,
    *,
    labels: Mapping[str, str] | None = None,
    exponentiate: bool | None = None,
    conf_level: float = 0.95,
    drop_intercept: bool = True,
    annotate: bool = True,
    digits: int = 2,
    ax=None,
):
    """A forest plot of one model: estimate and CI per term, with the numbers printed at the right.

    Parameters
    ----------
    result
        One fitted model (anything :func:`coefplot` takes).
    labels
        ``{term: label}``.
    exponentiate
        Default: the model's convention (hazard/odds ratios for Cox and logit).
    conf_level, drop_intercept
        As in :func:`coefplot`.
    annotate
        Print "HR 0.61 [0.36, 1.04]" beside each row.
    digits
        Decimals of the printed numbers.
    ax
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import seaborn as sns

    if isinstance(result, (list, tuple, dict)):
        raise SpecificationError(f"forest_plot takes one fitted model, not a {type(result).__name__}")
    (result,), _ = _as_results([result], "forest_plot")
    exp = result.exponentiate if exponentiate is None else bool(exponentiate)
    df = _long([result], ["model"], labels, exp, conf_level, drop_intercept)
    n = len(df)
    if ax is None:
        ax = new_axes((7, 0.8 + 0.4 * n), df["label"], result.model)
    df["y"] = np.arange(n)[::-1]
    interval_plot(ax, df, exp=exp, line_kw=dict(color="black", linewidth=1.3),
                  point_kw=dict(marker="s", color="black", s=40, legend=False))
    ax.set_yticks(df["y"], df["label"])
    ax.set_ylabel("")
    pct = int(round(conf_level * 100))
    name = result.exp_label if exp else "Coefficient"
    ax.set_xlabel(f"{name} ({pct}% CI)")
    ax.set_title(result.model)
    if annotate:
        for _, r in df.iterrows():
            ax.annotate(
                f"{r['estimate']:.{digits}f} [{r['conf_low']:.{digits}f}, {r['conf_high']:.{digits}f}]",
                xy=(1.02, r["y"]),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=9,
            )
    sns.despine(ax=ax, left=True)
    return ax
