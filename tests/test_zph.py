"""The proportional-hazards test against R's ``cox.zph`` (survival 3.5-3) on Fortna's ceasefire spells.

The golden tables come from ``tests/data/cox_fortna_r.json``, written by
``tests/r/cox_fortna.R`` (``z <- cox.zph(f)`` for every model,
``z$table``, ``z$x``, ``z$y``, ``z$time``, and ``cox.zph(f, transform = ...)`` /
``cox.zph(f, terms = FALSE)`` for the variants), and ``tests/data/zph_smooth_r.json``
(``tests/r/zph_smooth.R``: the plot's smooth). Tolerance 1e-6 relative.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError
from peacestats.models.cox import coxph
from peacestats.models.zph import CoxZphResult, cox_zph

from cox_r_models import MODELS, R, RTOL, fit_r_model, fortna_data  # noqa: E402
from rfixtures import load  # noqa: E402

_fit = fit_r_model


@pytest.fixture(scope="module")
def fortna() -> pd.DataFrame:
    return fortna_data()



@pytest.fixture(scope="module")
def fits(fortna):
    return {k: _fit(k, fortna) for k in MODELS}


@pytest.mark.parametrize("name", MODELS)
def test_zph_table_equals_R(fits, name):
    """Per-term and GLOBAL chi-square, df and p of ``cox.zph(f)`` (km transform, terms = TRUE).

    R: ``cox.zph(f)$table`` for every model of ``tests/r/cox_fortna.R`` (``factor(pkop)`` is one
    term with df = 5; ``strata(wartype)`` models test within strata).
    """
    z = fits[name].zph()
    r = R[name]
    t = z.table()
    assert list(t.columns) == ["chisq", "df", "p"]
    assert t.index[-1] == "GLOBAL"
    np.testing.assert_allclose(t["chisq"], r["zph_chisq"], rtol=RTOL)
    np.testing.assert_array_equal(t["df"], r["zph_df"])
    np.testing.assert_allclose(t["p"], r["zph_p"], rtol=RTOL)
    np.testing.assert_array_equal(z.time, r["zph_time"])


def test_full_model_table_literal(fits):
    """The table R prints for the full model, at its printed precision (no term violates PH at 5%).

    R: ``cox.zph(f)`` for ``full_efron`` of ``tests/r/cox_fortna.R`` prints pk_dum 0.0113,
    victory 2.8281, ..., GLOBAL 9.7422 on 6 df (p = 0.14).
    """
    t = fits["full_efron"].zph().table()
    r = dict(zip(t.index, R["full_efron"]["zph_chisq"]))
    for term, printed in (("pk_dum", 0.0113), ("victory", 2.8281), ("GLOBAL", 9.7422)):
        assert round(t.loc[term, "chisq"], 4) == round(r[term], 4) == printed
    assert (t["p"] > 0.05).all()


@pytest.mark.parametrize("name", [k for k in MODELS if "zph_y" in R[k]])
def test_scaled_schoenfeld_residuals_and_transformed_times_equal_R(fits, name):
    """``z$x`` (1 - KM(t-)) and ``z$y`` (scaled Schoenfeld residuals + coefficient), R's row order.

    R: ``z <- cox.zph(f); z$x; z$y`` for full_breslow, pkop_breslow (one column for the
    factor term: residuals combined with the coefficients, plus 1), months_efron,
    strata_months_efron (per-stratum scaling), weights_months_efron, first_efron_robust.
    """
    z = fits[name].zph()
    r = R[name]
    np.testing.assert_allclose(z.x, r["zph_x"], rtol=RTOL, atol=1e-12)
    y = np.asarray(r["zph_y"], dtype=float).reshape(z.y.shape[1], -1).T
    np.testing.assert_allclose(z.y.to_numpy(), y, rtol=RTOL, atol=RTOL * np.nanmax(np.abs(y)))


def test_transforms_and_terms_false_equal_R(fits):
    """``cox.zph(f, transform = "identity" | "rank" | "log")`` and ``cox.zph(f, terms = FALSE)``.

    R: ``cox.zph(f, transform = ...)$table[, "chisq"]`` for ``full_breslow`` and
    ``cox.zph(pkop_breslow, terms = FALSE)`` (``$table``, ``$y``) in ``tests/r/cox_fortna.R``.
    """
    v = R["zph_variants"]
    m = fits["full_breslow"]
    for tr in ("identity", "rank", "log"):
        np.testing.assert_allclose(m.zph(transform=tr).table()["chisq"], v[tr], rtol=RTOL)
    z5 = cox_zph(fits["pkop_breslow"], terms=False)
    t = z5.table()
    assert len(t) == 6 and (t["df"].iloc[:5] == 1).all() and t.loc["GLOBAL", "df"] == 5
    np.testing.assert_allclose(t["chisq"], v["pkop_terms_false"], rtol=RTOL)
    y = np.asarray(v["pkop_terms_false_y"], dtype=float).reshape(5, -1).T
    np.testing.assert_allclose(z5.y.to_numpy(), y, rtol=RTOL, atol=RTOL * np.abs(y).max())
    # a function of time works too (identity written as a lambda)
    np.testing.assert_allclose(m.zph(transform=lambda t: t).table()["chisq"], v["identity"], rtol=RTOL)


def test_plot_smooth_equals_R(fits):
    """The smooth and band of ``plot(cox.zph(f)[1])`` (natural spline, df = 4, +/- 2 SE).

    R: plot.cox.zph's own computation (``splines::ns`` on the grid and ``z$x``, QR fit, band from
    ``z$var``) at grid points 1, 10, 20, 30, 40, in ``tests/r/zph_smooth.R``.
    """
    z = fits["full_breslow"].zph()
    grid, fit, lo, hi = z.smooth("pk_dum")
    rs = load("zph_smooth")
    i = rs["at"]
    np.testing.assert_allclose(grid[i], rs["grid"], rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(fit[i], rs["fit"], rtol=1e-6)
    np.testing.assert_allclose((hi - fit)[i], rs["band"], rtol=1e-6)
    import matplotlib

    matplotlib.use("Agg")
    ax = z.plot("pk_dum")
    assert ax.get_ylabel() == "Beta(t) for pk_dum"
    assert len(ax.get_lines()) == 3  # smooth and two band lines
    axes = z.plot()
    assert len(axes) == 6
    import matplotlib.pyplot as plt

    plt.close("all")


def test_result_surface(fits):
    z = fits["full_breslow"].zph()
    assert isinstance(z, CoxZphResult)
    assert "GLOBAL" in str(z) and "<table" in z._repr_html_()
    assert z.y.shape == (82, 6) and len(z.x) == 82
    with pytest.raises(SpecificationError, match="transform"):
        fits["full_breslow"].zph(transform="loglog")
    with pytest.raises(SpecificationError, match="no term"):
        z.smooth("nope")


def test_violation_is_detected_in_simulated_data():
    """Data whose hazard ratio for x changes sign over time: the test rejects PH for x only."""
    rng = np.random.default_rng(11)
    n = 2000
    x = rng.binomial(1, 0.5, n)
    z = rng.normal(size=n)
    # x doubles the hazard before t = 5 and halves it after (piecewise exponential)
    h1 = 0.1 * np.exp(np.log(2) * x + 0.3 * z)
    h2 = 0.1 * np.exp(-np.log(2) * x + 0.3 * z)
    e1 = rng.exponential(1 / h1)
    t = np.where(e1 < 5, e1, 5 + rng.exponential(1 / h2))
    c = rng.uniform(1, 20, n)
    d = pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c).astype(float), "x": x, "z": z})
    tab = coxph("x + z", d, stop="time", event="event").zph().table()
    assert tab.loc["x", "p"] < 1e-6
    assert tab.loc["z", "p"] > 0.01
