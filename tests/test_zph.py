"""The proportional-hazards test against R's ``cox.zph`` (survival 3.5-3) on Fortna's ceasefire spells.

The golden tables come from ``tests/data/cox_fortna_r.json``; the R script that writes
it is in the docstring of ``tests/test_cox.py`` (``z <- cox.zph(f)`` for every model,
``z$table``, ``z$x``, ``z$y``, ``z$time``, and ``cox.zph(f, transform = ...)`` /
``cox.zph(f, terms = FALSE)`` for the variants). Tolerance 1e-6 relative.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError
from peacestats.models.cox import coxph
from peacestats.models.zph import CoxZphResult, cox_zph

from cox_r_models import DAYS, FULL, MODELS, MONTHS, R, RTOL, S5, fit_r_model, fortna_data  # noqa: E402

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

    R (models as in tests/test_cox.py)::

        z <- cox.zph(coxph(Surv(st_t0, st_t, st_d) ~ factor(pkop), data = d, ties = "breslow",
                           cluster = cluster))
        z$table     # factor(pkop) is one term with df = 5
        z <- cox.zph(coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead +
                           strata(wartype), data = d, ties = "efron", cluster = cluster))
        z$table
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
    """The table R prints for the full model (literal from the console; no term violates PH at 5%).

    R::

        cox.zph(coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                      data = d, ties = "efron", cluster = cluster))
        #           chisq df    p
        # pk_dum   0.0113  1 0.92
        # victory  2.8281  1 0.09
        # ...
        # GLOBAL   9.7422  6 0.14
    """
    t = fits["full_efron"].zph().table()
    assert round(t.loc["pk_dum", "chisq"], 4) == 0.0113
    assert round(t.loc["victory", "chisq"], 4) == 2.8281
    assert round(t.loc["GLOBAL", "chisq"], 4) == 9.7422
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

    R::

        cox.zph(fits$full_breslow, transform = "identity")$table[, "chisq"]
        cox.zph(fits$full_breslow, transform = "rank")$table[, "chisq"]
        cox.zph(fits$full_breslow, transform = "log")$table[, "chisq"]
        z5 <- cox.zph(fits$pkop_breslow, terms = FALSE); z5$table[, "chisq"]; z5$y
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

    R (plot.cox.zph's own computation)::

        z <- cox.zph(fits$full_breslow); xx <- z$x; yy <- z$y[, "pk_dum"]
        pred.x <- seq(min(xx), max(xx), length = 40)
        lmat <- splines::ns(c(pred.x, xx), df = 4, intercept = TRUE)
        pmat <- lmat[1:40, ]; xmat <- lmat[-(1:40), ]; qmat <- qr(xmat)
        yhat <- pmat %*% qr.coef(qmat, yy)
        bk <- backsolve(qmat$qr[1:4, 1:4], diag(4)); xtx <- bk %*% t(bk)
        seval <- ((pmat %*% xtx) * pmat) %*% rep(1, 4)
        band <- 2 * sqrt(z$var[1, 1] * seval)
        yhat[c(1, 10, 20, 30, 40)]; band[c(1, 10, 20, 30, 40)]
    """
    z = fits["full_breslow"].zph()
    grid, fit, lo, hi = z.smooth("pk_dum")
    i = [0, 9, 19, 29, 39]
    np.testing.assert_allclose(fit[i], [-2.49557358841, -0.422966627975, -0.0150527387445, -0.627490447403,
                                        -0.964112430796], rtol=1e-6)
    np.testing.assert_allclose((hi - fit)[i], [1.90230487629, 0.981866566281, 0.855277303599, 0.981668909406,
                                               2.38697200997], rtol=1e-6)
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
