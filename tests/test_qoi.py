"""Simulated quantities of interest (King, Tomz & Wittenberg 2000).

The simulations are checked against what they estimate, computed exactly:

* the quantity at the point estimates equals R's ``predict(fit, newdata, type = "response")``
  (``tests/r/regression.R``, kept in ``tests/data/regression_r.json``);
* the mean of the draws converges to the expectation of the quantity under
  ``b ~ N(b_hat, V)``: for a log link ``exp(m + s^2/2)`` (lognormal mean), for the logit
  the normal-logistic integral (80-point Gauss-Hermite), for OLS ``m`` itself, with
  ``m = x'b_hat`` and ``s^2 = x'Vx``. The seed is fixed, so these checks are deterministic;
  the tolerance is 4 Monte Carlo standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from peacestats.errors import SpecificationError
from peacestats.models import regression as reg
from peacestats.models.qoi import simulate_qoi

import rfixtures  # noqa: E402 - the tests folder's fixture reader

R = rfixtures.load("regression")  # R's predictions: tests/r/regression.R

HKS_FORMULA = (
    "osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum"
    " + incomp + epduration + lntpop"
)
DS_FORMULA = (
    "pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 + treaty"
    " + develop + exp + decade"
)
#: HKS scenarios: a conflict-month with last month's one-sided violence, a government
#: incompatibility, no police or observers, and no UN troops vs 8,000 (troopLag is in thousands).
TROOPS = {
    "no troops": {"troopLag": 0, "policeLag": 0, "militaryobserversLag": 0, "osvAllLagDum": 1, "incomp": 2},
    "8,000 troops": {"troopLag": 8, "policeLag": 0, "militaryobserversLag": 0, "osvAllLagDum": 1, "incomp": 2},
}


@pytest.fixture(scope="module")
def hks(mirror) -> pd.DataFrame:
    from peacestats.sources import hks2013

    return hks2013.load()


@pytest.fixture(scope="module")
def ds(mirror) -> pd.DataFrame:
    from peacestats.sources import doyle_sambanis

    return doyle_sambanis.load()


@pytest.fixture(scope="module")
def nb_fit(hks):
    return reg.negbin(HKS_FORMULA, hks, cluster="conflict_id")


def linear_parts(fit, table) -> dict[str, tuple[float, float]]:
    """m = x'b and s^2 = x'Vx for each scenario profile recorded in the table."""
    out = {}
    for name, profile in table.attrs["profiles"].items():
        X, extra = fit._design_for(pd.DataFrame([profile]))
        x = X[0]
        out[name] = (float(x @ fit.params.to_numpy() + extra[0]), float(x @ fit.vcov.to_numpy() @ x))
    return out


def test_expected_counts_hks_against_R_and_lognormal_mean(nb_fit):
    """Expected civilian deaths with 0 vs 8,000 UN troops (HKS 2013 Model 1, NB2).

    ``at_estimates`` is R's prediction at the estimates: ``predict(nb, nd, type = "response")``
    for the glm.nb fit of Model 1 in ``tests/r/regression.R`` (``res$negbin$pred``).
    """
    t = simulate_qoi(nb_fit, TROOPS, n_sims=200_000, seed=11)
    t = t.set_index("scenario")
    assert list(t.index) == ["no troops", "8,000 troops", "8,000 troops - no troops"]
    pred = R["negbin"]["pred"]
    assert t.loc["no troops", "at_estimates"] == pytest.approx(pred["no_troops"][0], rel=1e-6)
    assert t.loc["8,000 troops", "at_estimates"] == pytest.approx(pred["troops_8000"][0], rel=1e-6)
    assert t.loc["8,000 troops - no troops", "quantity"] == "first difference"
    for name, (m, s2) in linear_parts(nb_fit, t).items():
        exact = np.exp(m + s2 / 2)  # E exp(x'b), b ~ N(b_hat, V)
        mc_se = t.loc[name, "std_error"] / np.sqrt(200_000)
        assert abs(t.loc[name, "estimate"] - exact) < 4 * mc_se, (name, t.loc[name, "estimate"], exact)
        # the median of the draws is exp(m): the interval brackets the point prediction
        assert t.loc[name, "conf_low"] < np.exp(m) < t.loc[name, "conf_high"]
    # with clustered SEs the troop effect is large and its interval excludes zero
    fd = t.loc["8,000 troops - no troops"]
    assert fd["conf_high"] < 0
    diff = t.loc["8,000 troops", "estimate"] - t.loc["no troops", "estimate"]
    assert fd["estimate"] == pytest.approx(diff, rel=1e-12)


def test_simulated_mean_converges(nb_fit):
    """At 400,000 draws the simulated mean is within 4 Monte Carlo errors of the exact lognormal mean (fixed seed)."""
    t_big = simulate_qoi(nb_fit, TROOPS, n_sims=400_000, seed=5, differences=False).set_index("scenario")
    m, s2 = linear_parts(nb_fit, t_big)["no troops"]
    exact = np.exp(m + s2 / 2)
    err_big = abs(t_big.loc["no troops", "estimate"] - exact)
    assert err_big < 4 * t_big.loc["no troops", "std_error"] / np.sqrt(400_000)
    assert err_big / exact < 2e-3


def test_probabilities_doyle_sambanis_against_R_and_logistic_normal(ds):
    """Predicted probability of peacebuilding success without / with a multidimensional UN mission.

    R (``at_estimates``): ``predict(m, nd, type = "response")`` for the logit of
    ``tests/r/regression.R`` (``res$logit$pred``), at the means of the model frame.
    """
    fit = reg.logit(DS_FORMULA, ds)
    common = {"wartype": 1, "factnum": 2, "factnum2": 4, "treaty": 0, "decade": 3}
    scen = pd.DataFrame([{**common, "untype4": 0}, {**common, "untype4": 1}], index=["none", "multidimensional"])
    t = simulate_qoi(fit, scen, n_sims=200_000, seed=7).set_index("scenario")
    pred = R["logit"]["pred"]
    assert t.loc["none", "at_estimates"] == pytest.approx(pred["none"][0], rel=1e-7)
    assert t.loc["multidimensional", "at_estimates"] == pytest.approx(pred["multidimensional"][0], rel=1e-7)
    z, wts = np.polynomial.hermite_e.hermegauss(80)
    wts = wts / wts.sum()
    for name, (m, s2) in linear_parts(fit, t).items():
        exact = float(np.sum(wts * expit(m + np.sqrt(s2) * z)))  # E expit(x'b), b ~ N(b_hat, V)
        mc_se = t.loc[name, "std_error"] / np.sqrt(200_000)
        assert abs(t.loc[name, "estimate"] - exact) < 4 * mc_se, (name, t.loc[name, "estimate"], exact)
        assert 0 < t.loc[name, "conf_low"] < t.loc[name, "conf_high"] < 1
    assert t.loc["multidimensional - none", "estimate"] > 0.3


def test_ols_expected_values_and_intervals(hks):
    """OLS: the draws of x'b are normal, so mean and percentile interval are known exactly."""
    fit = reg.ols("np.log1p(osvAll) ~ troopLag + brv_AllLag + lntpop", hks, cluster="conflict_id")
    t = simulate_qoi(fit, {"a": {"troopLag": 0}, "b": {"troopLag": 8}}, n_sims=200_000, seed=3).set_index("scenario")
    for name, (m, s2) in linear_parts(fit, t).items():
        s = np.sqrt(s2)
        assert abs(t.loc[name, "estimate"] - m) < 4 * s / np.sqrt(200_000)
        assert t.loc[name, "std_error"] == pytest.approx(s, rel=0.01)
        assert t.loc[name, "conf_low"] == pytest.approx(m - 1.959964 * s, abs=0.02 * s)
        assert t.loc[name, "conf_high"] == pytest.approx(m + 1.959964 * s, abs=0.02 * s)
    # the first difference of a linear model is 8 x the troopLag coefficient
    b = fit.params["troopLag"]
    assert t.loc["b - a", "at_estimates"] == pytest.approx(8 * b, rel=1e-10)
    assert abs(t.loc["b - a", "estimate"] - 8 * b) < 4 * 8 * fit.std_errors["troopLag"] / np.sqrt(200_000)


def test_deterministic_for_a_seed(nb_fit):
    a, da = simulate_qoi(nb_fit, TROOPS, n_sims=500, seed=2024, return_draws=True)
    b, db = simulate_qoi(nb_fit, TROOPS, n_sims=500, seed=2024, return_draws=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(da, db)
    c = simulate_qoi(nb_fit, TROOPS, n_sims=500, seed=2025)
    assert not np.allclose(a["estimate"], c["estimate"])
    # the default seed is fixed too
    pd.testing.assert_frame_equal(simulate_qoi(nb_fit, TROOPS, n_sims=300), simulate_qoi(nb_fit, TROOPS, n_sims=300))
    assert a.attrs["seed"] == 2024 and a.attrs["n_sims"] == 500
    assert "clustered on conflict_id" in a.attrs["vcov_type"]
    # draws: one column per scenario and difference; the difference is taken draw by draw
    assert list(da.columns) == ["no troops", "8,000 troops", "8,000 troops - no troops"]
    np.testing.assert_allclose(da["8,000 troops - no troops"], da["8,000 troops"] - da["no troops"], rtol=1e-12)


def test_predicted_values_and_observed_value_approach(ds):
    fit = reg.logit("pbs2s3 ~ untype4 + treaty + logcost", ds)
    scen = {"none": {"untype4": 0}, "un": {"untype4": 1}}
    ev = simulate_qoi(fit, scen, n_sims=50_000, seed=9, differences=False).set_index("scenario")
    pv = simulate_qoi(fit, scen, n_sims=50_000, seed=9, quantity="predicted", differences=False).set_index("scenario")
    assert set(pv["quantity"]) == {"predicted value"}
    for name in scen:
        # a Bernoulli draw per simulation: same mean, more spread
        bound = 4 * np.sqrt(0.25 / 50_000) + 4 * ev.loc[name, "std_error"] / np.sqrt(50_000)
        assert abs(pv.loc[name, "estimate"] - ev.loc[name, "estimate"]) < bound
        assert pv.loc[name, "std_error"] > ev.loc[name, "std_error"]
    obs = simulate_qoi(fit, scen, n_sims=2_000, seed=9, at="observed").set_index("scenario")
    # at the estimates: the sample average of predicted probabilities with untype4 set
    for name, setting in scen.items():
        frame = fit.model_frame.assign(**setting)
        assert obs.loc[name, "at_estimates"] == pytest.approx(fit.predict(frame).mean(), rel=1e-12)
    assert obs.attrs["at"] == "observed"


def test_chosen_differences_and_fixed_effects(hks):
    fit = reg.ols("np.log1p(osvAll) ~ troopLag + brv_AllLag", hks, fe=["conflict_id", "year"], cluster="conflict_id")
    scen = {"0": {"troopLag": 0}, "4": {"troopLag": 4}, "8": {"troopLag": 8}}
    t = simulate_qoi(fit, scen, n_sims=1_000, seed=1, at="observed", differences=[("8", "4")])
    assert list(t["scenario"]) == ["0", "4", "8", "8 - 4"]
    assert t.iloc[3]["at_estimates"] == pytest.approx(4 * fit.params["troopLag"], rel=1e-9)
    with pytest.raises(SpecificationError, match=r"fixed effect\(s\) \['conflict_id', 'year'\]"):
        simulate_qoi(fit, scen)  # at="means" needs the levels
    ok = simulate_qoi(fit, {"a": {"troopLag": 0, "conflict_id": 70, "year": 1995}}, n_sims=100)
    assert np.isfinite(ok["estimate"]).all()


def test_bad_inputs_are_refused(nb_fit):
    with pytest.raises(SpecificationError, match=r"sets \['troops'\], which the model does not use"):
        simulate_qoi(nb_fit, {"a": {"troops": 8}})
    with pytest.raises(SpecificationError, match="quantity must be"):
        simulate_qoi(nb_fit, TROOPS, quantity="probability")
    with pytest.raises(SpecificationError, match="at least one named scenario"):
        simulate_qoi(nb_fit, {})
    with pytest.raises(SpecificationError, match="n_sims"):
        simulate_qoi(nb_fit, TROOPS, n_sims=0)
    with pytest.raises(SpecificationError, match="unknown scenario"):
        simulate_qoi(nb_fit, TROOPS, differences=[("8,000 troops", "none")])
    with pytest.raises(SpecificationError, match="unique"):
        simulate_qoi(nb_fit, pd.DataFrame({"scenario": ["x", "x"], "troopLag": [0, 8]}))
    with pytest.raises(SpecificationError, match="conf_level"):
        simulate_qoi(nb_fit, TROOPS, conf_level=95)
