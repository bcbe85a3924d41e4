"""``io.figure_bytes`` gives the bytes of a plain ``savefig(bbox_inches="tight")``, drawing less.

Each figure is built twice the same way: one copy goes through ``figure_bytes`` (PNG then
SVG, as ``Report.figure`` does), the other through two plain ``savefig`` calls with the
same arguments; every file must be byte-identical. The figures cover what the layout-only
first draw could get wrong: constrained and tight layout, no layout engine, seaborn,
legends placed at draw time (``loc="best"``, outside the axes), annotations, date axes,
fixed-aspect axes, twin axes, subfigures, math text, a rasterized layer, a hidden figure.
"""

from __future__ import annotations

import io as _io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from peacestats import io  # noqa: E402

META = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Creator": None}}


def plain_bytes(fig, fmt: str) -> bytes:
    """What ``figure_bytes`` renders, through matplotlib's own ``savefig`` alone."""
    matplotlib.rcParams["svg.hashsalt"] = "peacestats"
    buf = _io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=META[fmt], bbox_inches="tight", dpi=150)
    return buf.getvalue()


def constrained():
    rng = np.random.default_rng(1)
    fig, axes = plt.subplots(1, 2, figsize=(7, 3), layout="constrained")
    for k, ax in enumerate(axes):
        ax.errorbar(np.arange(8), rng.normal(size=8), yerr=0.3, fmt="o", label=f"model {k}")
        ax.set_xscale("log") if k else ax.axhline(0, color="grey")
        ax.set_title(f"panel {k}: a title long enough to matter")
        ax.set_ylabel("hazard ratio")
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle("A constrained-layout figure")
    return fig


def tight():
    rng = np.random.default_rng(2)
    fig, ax = plt.subplots(figsize=(5, 3), layout="tight")
    for k in range(3):
        ax.plot(rng.normal(size=30).cumsum(), label=f"series {k}")
    ax.legend(loc="best")
    ax.annotate("peak", xy=(10, 2), xytext=(20, 30), textcoords="offset points", arrowprops={"arrowstyle": "->"})
    return fig


def no_engine():
    fig, ax = plt.subplots(figsize=(4, 3))
    days = pd.date_range("1990-01-01", "2019-12-01", freq="MS")
    ax.fill_between(days, np.sin(np.arange(len(days)) / 12) + 1, step="post", alpha=0.5)
    ax.xaxis.set_major_locator(mdates.YearLocator(5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel("personnel (thousands)")
    ax.scatter(days[::24], np.cos(np.arange(0, len(days), 24)) + 1, rasterized=True)  # an image inside the SVG
    ax.twinx().set_ylabel("a second axis on the right")
    fig.text(0.5, 0.02, "a note below", ha="center")
    return fig


def seaborn_grid():
    sns = pytest.importorskip("seaborn")
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"duration": rng.exponential(5, 120), "region": np.repeat(["Africa", "Asia", "Europe"], 40),
                       "un": np.tile(["UN present", "no UN"], 60)})
    with warnings.catch_warnings():  # seaborn 0.13 passes matplotlib 3.11 the deprecated vert= of boxplots
        warnings.simplefilter("ignore", matplotlib.MatplotlibDeprecationWarning)
        g = sns.catplot(data=df, x="region", y="duration", hue="un", kind="box", height=3, aspect=1.4)
    g.set_axis_labels("", "years at peace")
    return g.figure


def seaborn_axes():
    sns = pytest.importorskip("seaborn")
    rng = np.random.default_rng(4)
    fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
    sns.histplot(x=rng.normal(size=300), hue=np.tile(["a", "b", "c"], 100), kde=True, ax=ax)
    return fig


def fixed_aspect():
    fig, axes = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
    axes[0].imshow(np.arange(20.0).reshape(4, 5))
    axes[0].set_aspect("equal")
    axes[1].plot([0, 1], [0, 2])
    axes[1].set_box_aspect(1)
    return fig


def with_subfigures():
    fig = plt.figure(figsize=(6, 3), layout="constrained")
    left, right = fig.subfigures(1, 2)
    left.subplots().plot([1, 3, 2])
    ax = right.subplots()
    ax.bar(["a", "b"], [2, 3])
    ax.set_aspect(0.5)
    right.suptitle("right")
    return fig


def mathtext():
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([1, 2, 3], [1, 4, 9], label=r"$\hat{\beta}_1 x^2$")
    ax.set_xlabel(r"time $t$ (years), $\lambda(t) = \lambda_0 e^{\beta x}$")
    ax.legend(title=r"$\alpha = 0.05$")
    return fig


def hidden():
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([1, 2])
    fig.set_visible(False)
    return fig


BUILDERS = [constrained, tight, no_engine, seaborn_grid, seaborn_axes, fixed_aspect, with_subfigures, mathtext, hidden]


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_figure_bytes_equal_plain_savefig(build):
    fig, ref = build(), build()
    try:
        ours = [io.figure_bytes(fig, fmt) for fmt in ("png", "svg", "png")]  # the PNG again: state after both
        theirs = [plain_bytes(ref, fmt) for fmt in ("png", "svg", "png")]
    finally:
        plt.close(fig)
        plt.close(ref)
    for fmt, a, b in zip(("png", "svg", "png"), ours, theirs):
        assert len(a) > 100 and a == b, fmt


@pytest.mark.parametrize("build", [constrained, mathtext], ids=["constrained", "mathtext"])
def test_pdf_equal_plain_savefig(build):
    fig, ref = build(), build()
    try:
        assert io.figure_bytes(fig, "pdf") == plain_bytes(ref, "pdf")
    finally:
        plt.close(fig)
        plt.close(ref)


def test_first_draw_only_lays_out(monkeypatch):
    """Every text is drawn once per ``figure_bytes`` call (twice per plain ``savefig``)."""
    calls = []
    orig = Text.draw
    monkeypatch.setattr(Text, "draw", lambda self, renderer: (calls.append(1), orig(self, renderer))[1])
    fig = constrained()
    try:
        plain_bytes(fig, "png")
        n_plain = len(calls)
        calls.clear()
        io.figure_bytes(fig, "png")
        n_ours = len(calls)
    finally:
        plt.close(fig)
    assert n_plain > 0 and 2 * n_ours == n_plain
    assert "draw" not in vars(fig)  # the figure's own draw is back


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_text_measured_once(monkeypatch, fmt):
    """The renderer that draws reads the text sizes the renderer that laid out measured."""
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG

    own = mtext._get_text_metrics_function
    measured: list[tuple] = []
    for cls in (RendererAgg, RendererSVG):
        orig = cls.get_text_width_height_descent
        monkeypatch.setattr(cls, "get_text_width_height_descent", lambda self, s, prop, ismath, _orig=orig: (
            measured.append((s, hash(prop), ismath)), _orig(self, s, prop, ismath))[1])
    fig = constrained()
    try:
        plain_bytes(fig, fmt)
        plain = list(measured)
        measured.clear()
        io.figure_bytes(fig, fmt)
    finally:
        plt.close(fig)
    assert len(set(plain)) < len(plain)  # savefig alone measures texts twice
    assert measured and len(set(measured)) == len(measured) and set(measured) == set(plain)
    assert mtext._get_text_metrics_function is own  # matplotlib's own function is back


def test_figure_keeps_its_own_draw_attribute():
    """A figure that already had an instance ``draw`` gets it back after ``figure_bytes``."""
    fig = constrained()
    own = fig.draw
    fig.draw = own
    try:
        io.figure_bytes(fig, "svg")
        assert vars(fig)["draw"] is own
    finally:
        plt.close(fig)
