"""Figures export cleanly: on a plain ``savefig`` every text lies inside the figure.

The check is the renderer's: after ``fig.savefig(buf)`` (no ``bbox_inches``), the
window extent of every visible text artist (tick labels, axis labels, titles, legend
entries, annotations) must lie inside ``fig.bbox``. Ratio axes (log scale) must read
as plain decimals, and ``labels=`` must rename the terms of every plot of a result.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from peacestats.report._common import ratio_ticks  # noqa: E402
from peacestats.report.figures import coefplot, forest_plot  # noqa: E402

LONG = {"pk_dum": "UN peacekeeping operation present at the start of the peace",
        "victory": "Military victory by either side", "treaty": "Peace treaty signed",
        "logdead": "Battle deaths (log)"}


def _undrawn_tick_labels(fig) -> set[int]:
    """Labels of ticks outside the view: matplotlib keeps them but does not draw them."""
    skip = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-6 * (hi - lo)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not (lo - eps <= loc <= hi + eps):
                    skip.update({id(tick.label1), id(tick.label2)})
    return skip


def texts_outside(fig, tol: float = 1.0) -> list[str]:
    """The texts a plain ``savefig`` would clip: extents (renderer-based) outside the figure bbox."""
    fig.savefig(io.BytesIO(), format="png", dpi=100)
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    skip = _undrawn_tick_labels(fig)
    bad = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in skip:
            continue
        bb = t.get_window_extent(renderer)
        if bb.x0 < -tol or bb.y0 < -tol or bb.x1 > W + tol or bb.y1 > H + tol:
            bad.append(f"{t.get_text()!r} at {bb.bounds}")
    return bad


@pytest.fixture(scope="module")
def spells():
    from peacestats.sources import fortna_ceasefires

    f = fortna_ceasefires.load().sort_values(["id", "st_t0"])
    s = f.groupby("id").first()[["pk_dum", "victory", "treaty", "logdead", "cluster"]].join(
        f.groupby("id").agg(time=("st_t", "max"), event=("st_d", "max")))
    return s.dropna().reset_index(drop=True)


@pytest.fixture(scope="module")
def fits(spells):
    from peacestats.models.cox import coxph
    from peacestats.models.regression import logit

    cox = coxph("pk_dum + victory + treaty + logdead", spells, stop="time", event="event")
    cox1 = coxph("pk_dum", spells, stop="time", event="event")
    lg = logit("event ~ pk_dum + victory + treaty + logdead", spells)
    return {"cox": cox, "cox1": cox1, "logit": lg}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _tick_texts(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]


def test_fit_plot_labels_decimals_and_clean_export(fits):
    ax = fits["cox"].plot(labels=LONG)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(LONG.values())  # top to bottom: term order
    assert ax.get_xscale() == "log"
    ticks = _tick_texts(ax.xaxis)
    assert ticks and all(float(x) > 0 for x in ticks)  # plain decimals: float() fails on "7×10⁻¹"
    assert "1" in ticks
    assert not [t.get_text() for t in ax.xaxis.get_minorticklabels() if t.get_text()]
    assert texts_outside(ax.figure) == []
    # the logit's plot: coefficients (no log axis), relabelled, intercept kept under its own name
    ax = fits["logit"].plot(labels={"pk_dum": "Peacekeeping"}, exponentiate=False)
    assert "Peacekeeping" in [t.get_text() for t in ax.get_yticklabels()]
    assert texts_outside(ax.figure) == []


def test_coefplot_and_forest_plot_export_cleanly(fits):
    ax = coefplot({"Full model": fits["cox"], "Peacekeeping only": fits["cox1"]}, labels=LONG, exponentiate=True)
    leg = ax.get_legend()
    assert leg is not None
    fig = ax.figure
    fig.savefig(io.BytesIO(), format="png")
    r = fig.canvas.get_renderer()
    # the legend sits beside the axes, not on the intervals
    assert leg.get_window_extent(r).x0 >= ax.get_window_extent(r).x1
    assert texts_outside(fig) == []
    assert all(float(x) > 0 for x in _tick_texts(ax.xaxis))
    assert LONG["pk_dum"] in [t.get_text() for t in ax.get_yticklabels()]
    ax = forest_plot(fits["cox"], labels=LONG)
    assert texts_outside(ax.figure) == []
    assert all(float(x) > 0 for x in _tick_texts(ax.xaxis))


def test_plots_of_other_results_export_cleanly(spells, fits):
    """Kaplan-Meier, cox.zph, cumulative incidence, Weibull: a plain savefig clips nothing."""
    from peacestats.models.competing import cumulative_incidence
    from peacestats.models.km import kaplan_meier
    from peacestats.models.parametric import survreg
    from peacestats.models.zph import cox_zph

    km = kaplan_meier(spells, duration="time", event="event", group="pk_dum")
    ax = km.plot(labels={0: "no peacekeepers", 1: "peacekeepers"})
    assert texts_outside(ax.figure) == []
    z = cox_zph(fits["cox"])
    axes = z.plot()
    assert texts_outside(np.atleast_1d(axes)[0].figure) == []
    ci = cumulative_incidence(spells.assign(cause=spells["event"] * (1 + (spells["victory"] > 0))),
                              stop="time", event="cause")
    ax = ci.plot(labels={1: "failure after a negotiated end", 2: "failure after a victory"})
    assert texts_outside(ax.figure) == []
    w = survreg("pk_dum + victory + treaty + logdead", spells, stop="time", event="event")
    ax = w.plot(labels=LONG)
    assert LONG["treaty"] in [t.get_text() for t in ax.get_yticklabels()]
    assert texts_outside(ax.figure) == []


def test_texts_outside_detects_clipping():
    """The check itself: a tick label pushed off the canvas is reported."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_yticks([0, 1], ["a very long label that cannot fit in three inches", "b"])
    assert texts_outside(fig)


@pytest.mark.parametrize("lo,hi,want", [(0.3, 3, [0.3, 0.5, 1, 2, 3]), (0.05, 20, [0.1, 0.3, 1, 3, 10]),
                                        (0.9, 1.1, [0.9, 0.95, 1, 1.05, 1.1]), (0.01, 500, [0.01, 0.1, 1, 10, 100])])
def test_ratio_ticks(lo, hi, want):
    assert ratio_ticks(lo, hi) == pytest.approx(want)


def test_coefplot_takes_other_libraries(fits):
    """coefplot goes through the same adapters as regtable: a statsmodels result and a tidy DataFrame."""
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(13)
    d = pd.DataFrame({"x": rng.normal(size=200), "z": rng.integers(0, 2, 200).astype(float)})
    d["y"] = (d["x"] + rng.logistic(size=200) > 0).astype(float)
    sm = smf.logit("y ~ x + z", d).fit(disp=0)
    tidy = fits["cox"].tidy()[["term", "estimate", "std_error"]]
    ax = coefplot({"statsmodels": sm, "tidy": tidy}, labels={"x": "X"})
    assert {"X", "z", "pk_dum"} <= {t.get_text() for t in ax.get_yticklabels()}
    assert texts_outside(ax.figure) == []


def test_spec_curve_ratio_axis_reads_decimals():
    """The specification curve of hazard ratios: plain-decimal ticks on its log axis, nothing clipped."""
    from peacestats.robustness import spec_curve_figure

    rng = np.random.default_rng(5)
    n = 40
    est = np.sort(rng.normal(-0.3, 0.2, n))
    res = pd.DataFrame({"spec": [f"s{i:02d}" for i in range(n)], "index": range(n),
                        "sample": np.where(np.arange(n) % 2, "all", "post-1989"), "estimate": est,
                        "std_error": 0.15, "conf_low": est - 0.3, "conf_high": est + 0.3, "p_value": 0.04,
                        "error_type": None})
    fig = spec_curve_figure(res, exponentiate=True, ylabel="Hazard ratio")
    top = fig.axes[0]
    assert top.get_yscale() == "log"
    ticks = _tick_texts(top.yaxis)
    assert len(ticks) >= 3 and all(float(t) > 0 for t in ticks)
    assert texts_outside(fig) == []


@pytest.mark.parametrize("n", [40, 400])
def test_spec_curve_marks_are_a_bitmap_in_vector_output_only_when_dense(n):
    """From 300 specifications the marks are rasterized inside the SVG; axes and text stay vector."""
    from peacestats.io import figure_bytes
    from peacestats.robustness import spec_curve_figure

    rng = np.random.default_rng(6)
    est = np.sort(rng.normal(-0.3, 0.2, n))
    res = pd.DataFrame({"spec": [f"s{i:03d}" for i in range(n)], "index": range(n),
                        "sample": np.where(np.arange(n) % 2, "all", "post-1989"), "estimate": est,
                        "std_error": 0.15, "conf_low": est - 0.3, "conf_high": est + 0.3, "p_value": 0.04,
                        "error_type": None})
    fig = spec_curve_figure(res)
    marks = [c for ax in fig.axes for c in ax.collections]
    assert marks and all(c.get_rasterized() == (n >= 300) for c in marks)
    svg = figure_bytes(fig, "svg")
    png = figure_bytes(fig, "png")
    assert (b"<image" in svg) == (n >= 300)  # the marks as one embedded bitmap
    for c in marks:
        c.set_rasterized(False)
    assert figure_bytes(fig, "png") == png  # the PNG does not depend on it
    vector = figure_bytes(fig, "svg")
    if n >= 300:
        assert len(svg) < len(vector) / 2 and b"<image" not in vector
    else:
        assert svg == vector


def test_survival_curves_propensity_and_balance_plots_export_cleanly(spells, fits):
    """Predicted survival (labels= per profile), propensity overlap and the Love plot (labels=)."""
    from peacestats.models import causal

    profiles = pd.DataFrame({"pk_dum": [0, 1], "victory": 0, "treaty": 1, "logdead": 8.0},
                            index=["no_pk", "pk"])
    ax = fits["cox"].plot_survival(profiles, labels={"no_pk": "No peacekeepers", "pk": "Peacekeepers present"})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["No peacekeepers", "Peacekeepers present"]
    fig = ax.figure
    assert texts_outside(fig) == []
    r = fig.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(r).x0 >= ax.get_window_extent(r).x1  # off the curves

    ps = causal.propensity_score("pk_dum ~ victory + treaty + logdead", spells)
    ax = ps.plot()
    assert texts_outside(ax.figure) == []
    bal = causal.balance_table(spells, treatment="pk_dum", covariates=["victory", "treaty", "logdead"],
                               weights=causal.ipw_weights(spells["pk_dum"], ps))
    ax = causal.balance_plot(bal, labels=LONG)
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == [LONG["victory"], LONG["treaty"]]
    assert texts_outside(ax.figure) == []
