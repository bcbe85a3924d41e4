"""The Cox model against R's ``survival::coxph`` (3.5-3, R 4.2.2) on Fortna's ceasefire spells.

Golden values live in ``tests/data/cox_fortna_r.json``, written by ``tests/r/cox_fortna.R``
(run from the repository root: ``Rscript tests/r/cox_fortna.R``; 12 significant digits are
kept, the tolerance is 1e-6 relative) and read through ``tests/rfixtures.py``. Its 13 models
and ours side by side are in ``tests/cox_r_models.py``.

Fortna's data have no tied failure days, so Efron equals Breslow there; the monthly
version (``ceiling(day / 30)``) has 15 tied event times (up to 6 events at once) and
is where the two tie methods are told apart.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import ConvergenceError, SpecificationError, SurvivalDataError
from peacestats.models.cox import CoxResult, coxph

from cox_r_models import DAYS, FULL, MODELS, MONTHS, R, RTOL, S5, fit_r_model, fortna_data  # noqa: E402
from rfixtures import load  # noqa: E402

PRECISE = load("cox_precision")  # R run to full precision: tests/r/cox_precision.R

_fit = fit_r_model


@pytest.fixture(scope="module")
def fortna() -> pd.DataFrame:
    return fortna_data()


@pytest.fixture(scope="module")
def fits(fortna) -> dict[str, CoxResult]:
    return {k: _fit(k, fortna) for k in MODELS}


def _close(actual, expected, rtol=RTOL, scale_atol=True):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    atol = rtol * np.nanmax(np.abs(expected)) if scale_atol else 0.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _matrix(flat, ncol):
    """R's column-major vector -> rows x ncol."""
    return np.asarray(flat, dtype=float).reshape(ncol, -1).T


# ----------------------------------------------------------------------------- estimates vs R
@pytest.mark.parametrize("name", MODELS)
def test_coefficients_and_standard_errors_equal_R(fits, name):
    """coef, se(coef), robust se, loglik, n and events as R's ``coxph`` for each fixture model.

    R (``tests/r/cox_fortna.R`` has the full script), e.g.::

        coxph(Surv(st_t0, st_t, st_d) ~ pk_dum, data = d, ties = "breslow", cluster = cluster)
        coxph(Surv(st_t0, st_t, st_d) ~ factor(pkop), data = d, ties = "breslow", cluster = cluster)
        coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
              data = d, ties = "efron", cluster = cluster)
        coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + strata(wartype),
              data = d, ties = "breslow", cluster = cluster)
        coxph(Surv(m0, m1, st_d) ~ ..., data = d, weights = w, ties = "efron", cluster = cluster)
        coxph(Surv(m0, m1, st_d) ~ ..., data = d, ties = "efron", id = id, robust = TRUE)
        coxph(Surv(m1, st_d) ~ ..., data = d1, ties = "efron", robust = TRUE)
        # coef(f); sqrt(diag(f$naive.var)); sqrt(diag(f$var)); f$loglik; f$n; f$nevent
    """
    m, r = fits[name], R[name]
    _close(m.params, r["coef"], scale_atol=False)
    _close(np.sqrt(np.diag(m.vcov_model)), r["se_model"], scale_atol=False)
    if r["se_robust"][0] is None:
        assert m.vcov_robust is None
        assert m.vcov_type.startswith("model")
        _close(m.std_errors, r["se_model"], scale_atol=False)
    else:
        _close(np.sqrt(np.diag(m.vcov_robust)), r["se_robust"], scale_atol=False)
        _close(m.std_errors, r["se_robust"], scale_atol=False)
        assert m.vcov_type.startswith("robust (Lin-Wei)")
    _close([m.loglik_null, m.loglik], r["loglik"], scale_atol=False)
    assert m.nobs == r["n"][0]
    assert m.n_events == r["nevent"][0]
    assert m.converged


@pytest.mark.parametrize("name", MODELS)
def test_tests_and_concordance_equal_R(fits, name):
    """Score (log-rank), Wald and robust score tests and the concordance (with its SE) as R prints them.

    R: ``f$score; f$wald.test; f$rscore; f$concordance[c("concordance", "std")]`` for each
    model of ``tests/r/cox_fortna.R`` (``summary(f)`` prints the same numbers, rounded).
    """
    m, r = fits[name], R[name]
    _close([m.score_test], r["score"], scale_atol=False)
    _close([m.wald_test[0]], r["wald"], scale_atol=False)
    if r["rscore"][0] is None:
        assert m.robust_score_test is None
    else:
        _close([m.robust_score_test], r["rscore"], scale_atol=False)
    _close([m.concordance, m.concordance_se], r["concordance"], scale_atol=False)


def test_fortna_full_model_headline_numbers(fits):
    """The numbers R's ``summary()`` prints for the full model, at its printed precision.

    R: ``summary(coxph(Surv(st_t0, st_t, st_d) ~ ..., ties = "efron", cluster = cluster))``, the
    ``full_efron`` model of ``tests/r/cox_fortna.R``: n = 190, 82 events, 2 rows dropped, pk_dum
    -0.60984 (HR 0.54344, se 0.28643, robust se 0.28151), concordance 0.734 (se 0.026),
    likelihood ratio 49.24 and Wald 61.81 on 6 df, score 55.74, robust score 23.83.
    """
    r = R["full_efron"]
    m = fits["full_efron"]
    g = m.glance().iloc[0]
    assert (g["n"], g["n_events"], g["n_clusters"], g["n_dropped"]) == (190, 82, 96, 2)
    assert (g["n"], g["n_events"]) == (r["n"][0], r["nevent"][0])
    assert round(m.params["pk_dum"], 5) == round(r["coef"][0], 5) == -0.60984
    assert round(np.exp(m.params["pk_dum"]), 5) == round(np.exp(r["coef"][0]), 5) == 0.54344
    assert round(np.sqrt(m.vcov_model.loc["pk_dum", "pk_dum"]), 5) == round(r["se_model"][0], 5) == 0.28643
    assert round(m.std_errors["pk_dum"], 5) == round(r["se_robust"][0], 5) == 0.28151
    assert round(g["concordance"], 3) == round(r["concordance"][0], 3) == 0.734
    assert round(g["concordance_se"], 3) == round(r["concordance"][1], 3) == 0.026
    assert round(g["lr_stat"], 2) == round(2 * (r["loglik"][1] - r["loglik"][0]), 2) == 49.24 and g["lr_df"] == 6
    assert round(g["wald_stat"], 2) == round(r["wald"][0], 2) == 61.81
    assert round(g["score_stat"], 2) == round(r["score"][0], 2) == 55.74
    assert round(g["robust_score_stat"], 2) == round(r["rscore"][0], 2) == 23.83
    text = m.summary()
    assert "Concordance = 0.734 (se = 0.026)" in text
    assert "2 rows dropped for missing values" in text


def test_optimum_equals_R_run_to_full_precision(fortna):
    """With R's convergence tightened, coefficients agree to 1e-9 relative (R's default eps is 1e-9 on the loglik).

    R: ``coxph(..., control = coxph.control(eps = 1e-14, iter.max = 100))`` for the monthly Efron
    model with clusters and the first-segment Breslow model (``tests/r/cox_precision.R``).
    """
    r = PRECISE["months_efron"]
    m = coxph(FULL, fortna, **MONTHS, ties="efron", cluster="cluster")
    np.testing.assert_allclose(m.params, r["coef"], rtol=1e-9)
    np.testing.assert_allclose(m.std_errors, r["se"], rtol=1e-9)
    assert m.loglik == pytest.approx(r["loglik"][1], rel=1e-12)
    r = PRECISE["first_breslow"]
    d1 = fortna[fortna["st_t0"] == 0]
    m = coxph(FULL, d1, stop="st_t", event="st_d", ties="breslow")
    np.testing.assert_allclose(m.params, r["coef"], rtol=1e-9)
    assert m.loglik == pytest.approx(r["loglik"][1], rel=1e-12)


def test_entering_row_is_not_at_risk_at_its_entry_time():
    """A row entering at t is not in the risk set at t (R's rule); statsmodels' PHReg counts it.

    R: the seven-row ``tiny`` example of ``tests/r/cox_precision.R`` (Breslow, eps = 1e-14), and
    the same with the second row entering at 4.999 (so at risk at 5), which PHReg's answer matches.
    """
    import statsmodels.api as sm

    tiny = pd.DataFrame(dict(start=[0, 5, 0, 2, 0, 3, 1], stop=[5, 10, 8, 6, 4, 9, 7],
                             event=[1, 1, 0, 1, 1, 0, 1], x=[1, 0, 0, 1, 0, 1, 0]))
    m = coxph("x", tiny, start="start", stop="stop", event="event", ties="breslow")
    r = PRECISE["tiny"]
    assert m.params["x"] == pytest.approx(r["coef"][0], rel=1e-9)
    assert m.std_errors["x"] == pytest.approx(r["se"][0], rel=1e-9)
    assert [m.loglik_null, m.loglik] == pytest.approx(r["loglik"], rel=1e-12)
    smfit = sm.PHReg(tiny["stop"].to_numpy(), tiny[["x"]].to_numpy(), status=tiny["event"].to_numpy(),
                     entry=tiny["start"].to_numpy(), ties="breslow").fit()
    assert smfit.params[0] == pytest.approx(PRECISE["tiny_entry_4999"]["coef"][0], rel=1e-6)  # R's, entry 4.999
    assert abs(smfit.params[0] - m.params["x"]) > 0.05


# ----------------------------------------------------------------------------- residuals vs R
@pytest.mark.parametrize("name", [k for k in MODELS if "resid_score" in R[k]])
def test_score_and_martingale_residuals_equal_R(fits, name):
    """``residuals(f, type = "score")`` (Efron averaging over tied events included) and martingale residuals.

    R: ``residuals(f, type = "score")``, ``residuals(f, type = "martingale")`` for
    full_breslow, pkop_breslow, months_efron, strata_months_efron, weights_months_efron
    and first_efron_robust (module docstring).
    """
    m, r = fits[name], R[name]
    _close(m.residuals("score").to_numpy(), _matrix(r["resid_score"], m.df_model))
    _close(m.residuals("martingale").to_numpy(), r["resid_martingale"])
    # the weighted score residuals sum to the score, which is ~0 at the estimate
    assert np.abs(m.residuals("score", weighted=True).sum()).max() < 1e-6


@pytest.mark.parametrize("name", ["full_breslow", "months_efron"])
def test_schoenfeld_residuals_equal_R(fits, name):
    """``residuals(f, type = "schoenfeld")`` and ``"scaledsch"``, one row per event in time order."""
    m, r = fits[name], R[name]
    sch = m.residuals("schoenfeld")
    np.testing.assert_array_equal(np.diff(sch["time"].to_numpy()) >= 0, True)
    _close(sch.drop(columns="time").to_numpy(), _matrix(r["resid_schoenfeld"], m.df_model))
    _close(m.residuals("scaledsch").drop(columns="time").to_numpy(), _matrix(r["resid_scaledsch"], m.df_model))


def test_robust_variance_is_the_sandwich_of_cluster_score_sums(fits):
    """V_robust = I^-1 (sum_g U_g U_g') I^-1 with U_g the cluster sums of weighted score residuals (methods.md)."""
    m = fits["weights_months_efron"]
    dfb = m.residuals("dfbeta")
    g = m._state["cluster_codes"]
    D = dfb.groupby(g).sum().to_numpy()
    np.testing.assert_allclose(D.T @ D, m.vcov_robust.to_numpy(), rtol=1e-12)


# ----------------------------------------------------------------------------- survival curves vs R
@pytest.mark.parametrize("name", ["full_breslow", "months_efron", "weights_months_efron"])
def test_survival_curves_for_two_profiles_equal_R(fits, name):
    """``survfit(f, newdata = profiles)``: surv, cumhaz, std.err (of the cumulative hazard), log CI.

    R: ``survfit(f, newdata = profiles)`` (pk_dum 0 and 1, victory 0, treaty 1, wardur 24, logdead
    10, wartype 1; ``f`` is clustered, so R uses the robust variance) and ``basehaz(f, centered =
    FALSE / TRUE)`` in ``tests/r/cox_fortna.R``.
    """
    m, r = fits[name], R[name]
    prof = pd.DataFrame({"pk_dum": [0, 1], "victory": 0, "treaty": 1, "wardur": 24, "logdead": 10, "wartype": 1},
                        index=["no peacekeeping", "peacekeeping"])
    sf = m.survival_function(prof)
    assert list(sf["profile"].unique()) == ["no peacekeeping", "peacekeeping"]

    def wide(col):
        return sf.pivot(index="time", columns="profile", values=col)[list(prof.index)].to_numpy().T.ravel()

    np.testing.assert_array_equal(sf.loc[sf.profile == "peacekeeping", "time"], r["sf_time"])
    _close(wide("surv"), r["sf_surv"])
    _close(wide("cumhaz"), r["sf_cumhaz"])
    _close(wide("std_err"), r["sf_std_err"])
    _close(wide("conf_low"), r["sf_lower"])
    _close(wide("conf_high"), r["sf_upper"])
    _close(sf.loc[sf.profile == "peacekeeping", "n_risk"], r["sf_n_risk"])
    _close(sf.loc[sf.profile == "peacekeeping", "n_event"], r["sf_n_event"])
    assert np.all(np.diff(sf.loc[sf.profile == "peacekeeping", "surv"]) <= 0)
    _close(m.baseline_hazard(centered=False)["cumhaz"], r["bh_hazard"])
    _close(m.baseline_hazard(centered=True)["cumhaz"], r["bhc_hazard"])


def test_stratified_survival_curves_equal_R(fits):
    """Each profile gets its own stratum's curve (R: ``survfit(f, newdata = p2)`` with ``wartype = c(1, 0)``)."""
    m, r = fits["strata_months_efron"], R["strata_months_efron"]
    prof = pd.DataFrame({"pk_dum": [0, 1], "victory": 0, "treaty": 1, "wardur": 24, "logdead": 10, "wartype": [1, 0]})
    sf = m.survival_function(prof)
    assert sf.groupby("profile").size().tolist() == [int(v) for v in r["sf_strata"]]
    assert sf.groupby("profile")["strata"].first().tolist() == [1.0, 0.0]
    _close(sf["time"], r["sf_time"])
    _close(sf["surv"], r["sf_surv"])
    _close(sf["std_err"], r["sf_std_err"])
    _close(sf["conf_low"], r["sf_lower"])
    # without the strata column every profile gets a curve in every stratum
    both = m.survival_function(prof.drop(columns="wartype"))
    assert sorted(both["strata"].unique().tolist()) == [0.0, 1.0]
    assert len(both) == 2 * len(sf.loc[sf.profile == 0]) + 2 * len(sf.loc[sf.profile == 1])


# ----------------------------------------------------------------------------- other libraries
def test_statsmodels_agrees_on_right_censored_breslow(fortna):
    """statsmodels' PHReg is right for single-row, right-censored data with Breslow ties (a sanity check)."""
    import statsmodels.api as sm

    d1 = fortna[fortna["st_t0"] == 0].dropna(subset=FULL.split(" + "))
    ours = coxph(FULL, d1, stop="st_t", event="st_d", ties="breslow")
    smf = sm.PHReg(d1["st_t"].to_numpy(), d1[FULL.split(" + ")].to_numpy(), status=d1["st_d"].to_numpy(),
                   ties="breslow").fit()
    np.testing.assert_allclose(ours.params, smf.params, rtol=1e-6)
    np.testing.assert_allclose(ours.std_errors, smf.bse, rtol=1e-6)
    assert ours.loglik == pytest.approx(smf.llf, rel=1e-9)
    # ... but not on split spells, where it counts rows entering at t as at risk at t
    dd = fortna.dropna(subset=FULL.split(" + "))
    split = coxph(FULL, dd, **MONTHS, ties="breslow")
    smsplit = sm.PHReg(dd["m1"].to_numpy(), dd[FULL.split(" + ")].to_numpy(), status=dd["st_d"].to_numpy(),
                       entry=dd["m0"].to_numpy(), ties="breslow").fit()
    np.testing.assert_allclose(split.params, R["months_breslow"]["coef"], rtol=RTOL)
    assert np.max(np.abs(smsplit.params - split.params) / np.abs(split.params)) > 0.01


def test_lifelines_agrees_on_right_censored_efron(fortna):
    """lifelines' CoxPHFitter (Efron ties) on right-censored monthly data: equal to its own tolerance (1e-4)."""
    from lifelines import CoxPHFitter

    cols = FULL.split(" + ")
    d1 = fortna.loc[fortna["st_t0"] == 0, cols + ["m1", "st_d"]].dropna()
    ours = coxph(FULL, d1, stop="m1", event="st_d", ties="efron")
    ll = CoxPHFitter().fit(d1, "m1", "st_d")
    np.testing.assert_allclose(ours.params.to_numpy(), ll.params_[cols].to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(ours.std_errors.to_numpy(), ll.standard_errors_[cols].to_numpy(), rtol=1e-4)
    assert ours.concordance == pytest.approx(ll.concordance_index_, abs=1e-9)


# ----------------------------------------------------------------------------- simulation
def _simulate(n_clusters, per_cluster, beta, rho, seed):
    """Spells whose marginal hazard is exactly Cox with coefficients ``beta``, correlated within clusters.

    A Gaussian copula carries the cluster effect (latent normal with intra-cluster
    correlation ``rho``), so every spell's marginal hazard is ``h0 exp(x beta)``; a gamma
    frailty would attenuate the marginal hazard ratio and the "true" value would not be
    ``beta``. ``x1`` varies between clusters only (where clustering matters most),
    ``x2`` within them. Spells are split at a random time into two (start, stop] rows.
    """
    from scipy import stats

    rng = np.random.default_rng(seed)
    n = n_clusters * per_cluster
    g = np.repeat(np.arange(n_clusters), per_cluster)
    x1 = rng.binomial(1, 0.5, n_clusters)[g].astype(float)
    x2 = rng.normal(size=n)
    z = np.sqrt(rho) * rng.normal(size=n_clusters)[g] + np.sqrt(1 - rho) * rng.normal(size=n)
    u = stats.norm.sf(z)
    t = -np.log(u) / (0.01 * np.exp(beta[0] * x1 + beta[1] * x2))
    c = rng.uniform(20, 200, n)
    stop = np.minimum(t, c)
    ev = (t <= c).astype(float)
    cut = rng.uniform(0.2, 0.8, n) * stop
    return pd.DataFrame({
        "cluster": np.r_[g, g], "x1": np.r_[x1, x1], "x2": np.r_[x2, x2],
        "start": np.r_[np.zeros(n), cut], "stop": np.r_[cut, stop], "event": np.r_[np.zeros(n), ev],
        "id": np.r_[np.arange(n), np.arange(n)],
    })


def test_simulation_recovers_hazard_ratio_with_clustered_ses():
    """Seeded data with known HRs and within-cluster dependence: the robust CIs cover the truth.

    One large data set (400 clusters x 25 spells, split into 20,000 rows): both true
    coefficients lie in the robust 95% CI and the robust SE of the cluster-level covariate
    is well above its model SE. Then 200 small replications (40 x 10): the robust CI
    covers ``log(2)`` in about 95% of them, the model-based CI far less often.
    """
    beta = (np.log(2.0), -0.5)
    d = _simulate(400, 25, beta, rho=0.5, seed=20240601)
    m = coxph("x1 + x2", d, start="start", stop="stop", event="event", cluster="cluster", id="id", ties="breslow")
    t = m.tidy()
    assert np.all((t["conf_low"] < np.array(beta)) & (np.array(beta) < t["conf_high"]))
    assert m.std_errors["x1"] > 1.5 * np.sqrt(m.vcov_model.loc["x1", "x1"])
    assert m.n_groups == 10_000 and m.n_clusters == 400

    rng = np.random.default_rng(7)
    cover_rob = cover_mod = 0
    reps = 200
    for _ in range(reps):
        d = _simulate(40, 10, beta, rho=0.5, seed=int(rng.integers(1 << 31)))
        m = coxph("x1 + x2", d, start="start", stop="stop", event="event", cluster="cluster", ties="breslow")
        b, se_r, se_m = m.params["x1"], m.std_errors["x1"], np.sqrt(m.vcov_model.loc["x1", "x1"])
        cover_rob += abs(b - beta[0]) < 1.96 * se_r
        cover_mod += abs(b - beta[0]) < 1.96 * se_m
    assert 0.88 <= cover_rob / reps <= 0.99
    assert cover_mod / reps < cover_rob / reps - 0.1


# ----------------------------------------------------------------------------- the result surface
def test_tidy_glance_summary_and_provenance(fits):
    """tidy() has hazard ratios; glance() the fit statistics; summary/HTML/plot/provenance work."""
    m = fits["full_breslow"]
    t = m.tidy()
    assert list(t.columns[:7]) == ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
    np.testing.assert_allclose(t["exp_estimate"], np.exp(R["full_breslow"]["coef"]), rtol=RTOL)
    g = m.glance().iloc[0]
    for col in ("n", "n_events", "n_clusters", "loglik", "loglik_null", "aic", "concordance", "lr_stat",
                "wald_stat", "score_stat", "robust_score_stat"):
        assert col in g.index and g[col] is not None
    assert g["aic"] == pytest.approx(-2 * R["full_breslow"]["loglik"][1] + 2 * 6, rel=1e-9)
    assert g["n_groups"] is None  # no id given
    html = m._repr_html_()
    assert "<table" in html and "robust se" in html
    assert "robust se" in m.summary() and "HR" in m.summary()
    prov = m.provenance
    assert prov["options"]["ties"] == "breslow" and prov["options"]["cluster"] == "cluster"
    assert prov["data"]["rows_dropped_na"] == 2
    citations = __import__("peacestats.citations", fromlist=["bibtex_keys_for"])
    assert "lin1989robust" in citations.bibtex_keys_for(prov["citations"])
    import matplotlib

    matplotlib.use("Agg")
    ax = m.plot()
    assert len(ax.get_yticklabels()) == 6
    ax2 = m.plot_survival(pd.DataFrame({"pk_dum": [0, 1], "victory": 0, "treaty": 1, "wardur": 24,
                                        "logdead": 10, "wartype": 1}))
    assert len(ax2.get_lines()) == 2
    import matplotlib.pyplot as plt

    plt.close("all")


def test_risk_reduction_is_one_minus_hr(fits):
    """risk_reduction('pk_dum') = 1 - HR with the interval 1 - exp(CI), robust SEs (R: 1 - summary(f)$conf.int)."""
    m = fits["full_efron"]
    rr = m.risk_reduction("pk_dum").iloc[0]
    hr = np.exp(R["full_efron"]["coef"][0])
    se = R["full_efron"]["se_robust"][0]
    assert rr["risk_reduction"] == pytest.approx(1 - hr, rel=1e-6)
    assert rr["conf_low"] == pytest.approx(1 - hr * np.exp(1.959963984540054 * se), rel=1e-6)
    assert rr["conf_high"] == pytest.approx(1 - hr * np.exp(-1.959963984540054 * se), rel=1e-6)
    assert round(rr["risk_reduction"], 3) == 0.457  # "peacekeeping cuts the hazard of renewed war by 46%"
    with pytest.raises(SpecificationError, match="no term"):
        m.risk_reduction("pk")


def test_r_style_formula_and_factor_alias(fortna, fits):
    """``Surv(...) ~ x + strata(s) + cluster(g)`` and ``factor(x)`` give the same fit as the keyword form."""
    a = coxph(f"Surv(st_t0, st_t, st_d) ~ {S5} + strata(wartype) + cluster(cluster)", fortna, ties="breslow")
    np.testing.assert_allclose(a.params, R["strata_breslow"]["coef"], rtol=RTOL)
    np.testing.assert_allclose(a.std_errors, R["strata_breslow"]["se_robust"], rtol=RTOL)
    a2 = coxph(f"{S5} + strata(wartype)", fortna, **DAYS, cluster="cluster", ties="breslow")  # RHS only
    np.testing.assert_allclose(a2.params, R["strata_breslow"]["coef"], rtol=RTOL)
    assert a2.strata == ["wartype"]
    b = coxph("factor(pkop)", fortna, **DAYS, ties="breslow", cluster="cluster")
    np.testing.assert_allclose(b.params, fits["pkop_breslow"].params, rtol=1e-12)
    assert b.params.index.tolist() == ["C(pkop)[T.1.0]", "C(pkop)[T.2.0]", "C(pkop)[T.3.0]", "C(pkop)[T.4.0]",
                                       "C(pkop)[T.5.0]"]


def test_cluster_df_correction_and_vcov_type(fortna, fits):
    """Stata's vce(cluster) = R's robust variance times G/(G-1); vcov_type names it."""
    m = coxph(FULL, fortna, **DAYS, ties="breslow", cluster="cluster", cluster_df_correction=True)
    G = 96
    np.testing.assert_allclose(m.vcov.to_numpy(), fits["full_breslow"].vcov.to_numpy() * G / (G - 1), rtol=1e-12)
    assert "G/(G-1)" in m.vcov_type and "96 clusters" in m.vcov_type


def test_robust_rules_follow_R(fortna):
    """robust=None is robust with cluster=, robust=False ignores cluster (with a warning).

    Non-integer weights -> robust.
    """
    with pytest.warns(UserWarning, match="cluster is ignored"):
        m = coxph(FULL, fortna, **DAYS, cluster="cluster", robust=False, ties="breslow")
    assert m.vcov_robust is None and m.n_clusters is None
    d = fortna.assign(wf=1 + (fortna["id"].astype(float) % 3) / 2)
    m = coxph(FULL, d, stop="st_t", event="st_d", weights="wf")  # right-censored, non-integer weights
    assert m.vcov_robust is not None and "each row its own cluster" in m.vcov_type


# ----------------------------------------------------------------------------- bad input
def test_missing_columns_are_named(fortna):
    with pytest.raises(SpecificationError, match=r"no column 'st_tt'.*did you mean 'st_t'"):
        coxph("pk_dum", fortna, start="st_t0", stop="st_tt", event="st_d")
    with pytest.raises(SpecificationError, match="pk_dumm"):
        coxph("pk_dumm + victory", fortna, **DAYS)
    with pytest.raises(SpecificationError, match="clustr"):
        coxph("pk_dum", fortna, **DAYS, cluster="clustr")
    with pytest.raises(SpecificationError, match="stop= and event="):
        coxph("pk_dum", fortna)


def test_zero_and_negative_length_intervals(fortna):
    bad = fortna.copy()
    bad.loc[5, "st_t"] = bad.loc[5, "st_t0"]
    bad.loc[7, "st_t"] = bad.loc[7, "st_t0"] - 3
    with pytest.raises(SurvivalDataError, match=r"2 row\(s\) have 'st_t' <= 'st_t0'.*rows 5, 7"):
        coxph("pk_dum", bad, **DAYS)


def test_event_must_be_zero_one(fortna):
    bad = fortna.copy()
    bad.loc[3, "st_d"] = 2
    with pytest.raises(SurvivalDataError, match="must be 0/1"):
        coxph("pk_dum", bad, **DAYS)


def test_event_not_on_last_row_of_id(fortna):
    bad = fortna.copy()
    i = bad.index[(bad["id"] == 70) & (bad["st_t0"] == 0)][0]  # first of three segments of spell 70
    bad.loc[i, "st_d"] = 1
    with pytest.raises(SurvivalDataError, match="not the last of its 'id'.*70"):
        coxph("pk_dum", bad, **DAYS, id="id")
    coxph("pk_dum", bad, **DAYS)  # without id= nothing can be checked (as R)


def test_overlapping_rows_within_id(fortna):
    bad = fortna.copy()
    i = bad.index[(bad["id"] == 70) & (bad["st_t0"] == 81)][0]
    bad.loc[i, "st_t0"] = 50  # overlaps (0, 80]
    with pytest.raises(SurvivalDataError, match="overlapping intervals within 'id'"):
        coxph("pk_dum", bad, **DAYS, id="id")


def test_all_censored(fortna):
    with pytest.raises(SurvivalDataError, match="no events"):
        coxph("pk_dum", fortna.assign(st_d=0.0), **DAYS)


def test_single_cluster(fortna):
    with pytest.raises(SpecificationError, match="single value.*two clusters"):
        coxph("pk_dum", fortna.assign(one="a"), **DAYS, cluster="one")


def test_robust_without_cluster_on_counting_process_data(fortna):
    with pytest.raises(SpecificationError, match="needs cluster= or id="):
        coxph("pk_dum", fortna, **DAYS, robust=True)


def test_bad_weights_ties_and_formula(fortna):
    with pytest.raises(SpecificationError, match="positive"):
        coxph("pk_dum", fortna.assign(w0=0.0), **DAYS, weights="w0")
    with pytest.raises(SpecificationError, match="ties"):
        coxph("pk_dum", fortna, **DAYS, ties="exact")
    with pytest.raises(SpecificationError, match="no covariates"):
        coxph("1", fortna, **DAYS)
    with pytest.raises(SpecificationError, match="collinear"):
        coxph("pk_dum + victory + I(2 * pk_dum)", fortna, **DAYS)
    with pytest.raises(SpecificationError, match="constant"):
        coxph("pk_dum + one", fortna.assign(one=1.0), **DAYS)


def test_separation_raises_or_warns(fortna):
    """A dummy equal to 1 only on rows that never fail: the likelihood is monotone, beta -> -infinity."""
    d1 = fortna[fortna["st_t0"] == 0].assign(sep=lambda x: ((x["st_d"] == 0) & (x["st_t"] > 1000)).astype(float))
    with pytest.raises(ConvergenceError, match="monotone in sep"):
        coxph("pk_dum + sep", d1, stop="st_t", event="st_d")
    with pytest.warns(UserWarning, match="monotone in sep"):
        m = coxph("pk_dum + sep", d1, stop="st_t", event="st_d", on_separation="warn")
    assert not m.converged and m.params["sep"] < -10
    assert "WARNING" in m.summary()


def test_non_convergence_raises(fortna):
    with pytest.raises(ConvergenceError, match="did not converge in 1"):
        coxph(FULL, fortna, **DAYS, max_iter=1)


def test_missing_values_are_dropped_and_counted(fortna):
    d = fortna.copy()
    d.loc[[0, 1, 2], "pk_dum"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = coxph(FULL, d, **DAYS, cluster="cluster")
    assert m.n_dropped == 5 and m.nobs == 187


def test_concordance_equals_brute_force_pair_count():
    """Concordance on random (start, stop] data with strata, weights and ties in time and predictor.

    Checked against the definition R's ``concordancefit`` uses: every event row *i* at
    time *t* against every row *j* of its stratum at risk at *t* (``start < t <= stop``)
    that does not itself fail at *t*; weight ``w_i w_j``; concordant when
    ``lp_i > lp_j``, tied on the predictor counts 1/2.
    """
    rng = np.random.default_rng(3)
    n = 300
    start = rng.integers(0, 10, n).astype(float)
    stop = start + rng.integers(1, 15, n)
    d = pd.DataFrame({"start": start, "stop": stop, "event": rng.binomial(1, 0.4, n).astype(float),
                      "x": rng.integers(0, 3, n).astype(float), "z": rng.normal(size=n).round(1),
                      "s": rng.integers(0, 3, n), "w": rng.integers(1, 4, n).astype(float)})
    m = coxph("x + z", d, start="start", stop="stop", event="event", strata="s", weights="w")
    lp = d[["x", "z"]].to_numpy() @ m.params.to_numpy()
    C = D = T = 0.0
    for i in np.flatnonzero(d["event"] == 1):
        t = d["stop"][i]
        at = ((d["start"] < t) & (d["stop"] >= t) & (d["s"] == d["s"][i])
              & ~((d["event"] == 1) & (d["stop"] == t))).to_numpy()
        wj = d["w"].to_numpy()[at] * d["w"][i]
        dl = lp[i] - lp[at]
        C += wj[dl > 1e-12].sum()
        D += wj[dl < -1e-12].sum()
        T += wj[np.abs(dl) <= 1e-12].sum()
    assert m.concordance == pytest.approx((C + T / 2) / (C + D + T), rel=1e-12)
    assert 0 < m.concordance_se < 0.1


def test_spell_ids_give_n_groups(fortna):
    m = coxph(FULL, fortna, **DAYS, id="id", cluster="cluster", ties="breslow")
    assert m.n_groups == 154 and m.glance().iloc[0]["n_groups"] == 154  # 156 spells, 2 lost to missing values
    np.testing.assert_allclose(m.params, R["full_breslow"]["coef"], rtol=RTOL)
