"""The shared result surface (issue 11): TestResult, glance/provenance on every result,
the same data_info keys across models, and the one interval-plot routine.

Synthetic data only: the numbers are checked against the models' own fields, which
the R-tied tests (test_cox, test_km, test_zph, test_regression) check against R.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from peacestats.models.causal import e_value
from peacestats.models.cox import coxph
from peacestats.models.km import kaplan_meier, logrank_test
from peacestats.models.parametric import survreg
from peacestats.models.regression import logit
from peacestats.models.results import DATA_INFO_KEYS, TestResult


@pytest.fixture(scope="module")
def d() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 300
    x = rng.normal(size=n)
    g = rng.integers(0, 2, n)
    t = rng.exponential(np.exp(-0.4 * x - 0.3 * g)) * 10 + 0.1
    c = rng.exponential(15, n)
    return pd.DataFrame({"t": np.minimum(t, c), "e": (t <= c).astype(int), "x": x, "g": g,
                         "y": (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)})


def test_testresult_is_a_tuple_with_a_surface():
    r = TestResult(3.84, 1, 0.05, "Wald")
    s, df, p = r
    assert (s, df, p) == (3.84, 1, 0.05) and r[0] == 3.84 and r[2] == 0.05 and len(r) == 3
    assert list(r.tidy().columns) == ["test", "statistic", "df", "p_value"]
    assert r.glance()["distribution"].iloc[0] == "chi-square"
    assert r.summary().startswith("Wald: chi-square = 3.84 on 1 df")


def test_cox_tests_are_testresults(d):
    m = coxph("x + g", d, stop="t", event="e")
    for test, name in ((m.lr_test, "likelihood ratio"), (m.wald_test, "Wald"), (m.logrank_test, "score (log-rank)")):
        assert isinstance(test, TestResult) and test.test == name and test.df == 2
        assert test.p_value == pytest.approx(stats.chi2.sf(test.statistic, 2))
    g = m.glance().iloc[0]
    assert (g["lr_stat"], g["lr_df"], g["lr_p"]) == tuple(m.lr_test)
    # BIC counts events for Cox models (R's BIC(coxph)), asked of the subclass, not by name
    assert m.bic == pytest.approx(-2 * m.loglik + np.log(m.n_events) * m.df_model)


def test_zph_tests_and_glance(d):
    z = coxph("x + g", d, stop="t", event="e").zph()
    table = z.table()
    assert set(z.tests) == set(table.index.astype(str))
    assert z.global_test.statistic == pytest.approx(table.loc["GLOBAL", "chisq"])
    assert z.glance()["p_value"].iloc[0] == pytest.approx(table.loc["GLOBAL", "p"])
    assert z.provenance["model"] == "cox.zph" and z.provenance["citations"] == ["cox_zph"]


def test_km_logrank_and_causal_have_glance_and_provenance(d):
    km = kaplan_meier(d, duration="t", event="e", group="g")
    assert km.glance()["n_curves"].iloc[0] == 2 and km.glance()["n"].iloc[0] == len(d)
    assert km.provenance["model"] == "Kaplan-Meier"
    lr = logrank_test(d, duration="t", event="e", group="g")
    assert tuple(lr.test) == (lr.chisq, lr.df, lr.p_value) and lr.trend_test is None
    ev = e_value(1.5, conf_low=1.1, conf_high=2.0, measure="HR")
    assert ev.glance()["e_point"].iloc[0] == ev.e_point and ev.provenance["citations"] == ["e_value"]


def test_non_model_results_share_the_result_base(d):
    """KM, log-rank, zph, cumulative incidence and the causal results answer tidy/glance/summary alike."""
    from peacestats.models.causal import ipw_weights, match_nearest, propensity_score
    from peacestats.models.competing import cumulative_incidence
    from peacestats.models.result_base import ResultBase

    ps = propensity_score("g ~ x", d)
    results = {
        "km": kaplan_meier(d, duration="t", event="e", group="g"),
        "logrank": logrank_test(d, duration="t", event="e", group="g"),
        "zph": coxph("x + g", d, stop="t", event="e").zph(),
        "cif": cumulative_incidence(d, stop="t", event="e"),
        "ps": ps,
        "match": match_nearest(d, treatment="g", ps=ps, caliper=None),
        "evalue": e_value(1.5, conf_low=1.1, conf_high=2.0, measure="HR"),
    }
    for name, r in results.items():
        assert isinstance(r, ResultBase), name
        assert isinstance(r.tidy(), pd.DataFrame) and len(r.tidy()) > 0, name
        assert len(r.glance()) == 1, name
        assert str(r) == r.summary() and r.summary(), name
        assert r._repr_html_().startswith("<div>"), name
    z = results["zph"]
    assert z.tidy().set_index("term")["statistic"].to_dict() == pytest.approx(z.table()["chisq"].to_dict())
    assert results["ps"].tidy().equals(ps.fit.tidy())
    m = results["match"]
    assert m.tidy().equals(m.pairs) and len(m.tidy()) == m.n_matched
    ev = results["evalue"].tidy().set_index("scale")
    assert ev.loc["E-value", "point"] == results["evalue"].e_point
    assert ipw_weights(ps.treatment, ps).notna().all()


def test_data_info_keys_are_the_same_across_models(d):
    dd = d.assign(x=d["x"].mask(d.index < 3))
    fits = {
        "cox": coxph("Surv(t, e) ~ x + g", dd),
        "survreg": survreg("Surv(t, e) ~ x + g", dd),
        "logit": logit("y ~ x + g", dd),
    }
    for name, m in fits.items():
        assert set(DATA_INFO_KEYS) <= set(m.data_info), name
        assert m.data_info["n_input_rows"] == len(dd) and m.data_info["n_dropped"] == 3, name
        assert m.data_info["n_used"] == m.nobs == len(dd) - 3, name
    assert fits["cox"].outcome == "Surv(t, e)" and fits["logit"].outcome == "y"
    km = kaplan_meier(dd, duration="t", event="e")
    assert set(DATA_INFO_KEYS) <= set(km.data_info) and km.data_info["outcome"] == "e"


def test_every_coefficient_plot_draws_through_interval_plot(d, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from peacestats.report import _common, figures

    calls = []
    real = _common.interval_plot

    def spy(ax, df, **kw):
        calls.append(len(df))
        return real(ax, df, **kw)

    monkeypatch.setattr(_common, "interval_plot", spy)
    monkeypatch.setattr(figures, "interval_plot", spy)
    m = coxph("x + g", d, stop="t", event="e")
    m.plot()
    survreg("Surv(t, e) ~ x + g", d).plot()
    figures.coefplot([m])
    figures.forest_plot(m)
    plt.close("all")
    assert calls == [2, 2, 2, 2]
