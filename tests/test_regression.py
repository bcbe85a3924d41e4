"""Regression models against R on the real replication data.

Golden values were computed with R 4.2.2, sandwich 3.0-2, MASS 7.3-58.2 by
``tests/r/regression.R`` (``Rscript tests/r/regression.R`` from the repository root), which
writes ``tests/data/regression_r.json``, read through ``tests/rfixtures.py``; each test's
docstring names the part of the script it checks.

R's fits are run with ``control = glm.control(epsilon = 1e-14, maxit = 100)``: with the
default ``epsilon = 1e-8`` glm stops one IRLS step early and reports standard errors
from the weights of its last-but-one iterate, which differ from the converged ones by
6e-6 (logit), 1e-5 (Poisson) and 2e-4 relative (probit, whose default coefficients
are also 4e-5 from the optimum). Tolerance: 1e-6 relative for coefficients and
standard errors unless a test says otherwise. ``glm.nb`` stops its theta search at
``eps^0.25`` whatever the control, so its theta sits 7e-8 (relative) from the exact
optimum, which we reach.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import ConvergenceError, SpecificationError
from peacestats.models import regression as reg
from peacestats.models.regression import RegressionResult

import rfixtures  # noqa: E402 - the tests folder's fixture reader

R = rfixtures.load("regression")


def rd(model: str, key: str) -> dict[str, float]:
    """R's named values (coefficients, SEs, predictions) of one fit: ``{name: value}``."""
    return {k: v[0] for k, v in R[model][key].items()}


def rv(model: str, key: str) -> float:
    """One number of one fit (the JSON keeps R's scalars as one-element lists)."""
    return R[model][key][0]

DS_FORMULA = (
    "pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 + treaty"
    " + develop + exp + decade"
)
HKS_FORMULA = (
    "osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum"
    " + incomp + epduration + lntpop"
)


@pytest.fixture(scope="module")
def ds(mirror) -> pd.DataFrame:
    from peacestats.sources import doyle_sambanis

    return doyle_sambanis.load()


@pytest.fixture(scope="module")
def hks(mirror) -> pd.DataFrame:
    from peacestats.sources import hks2013

    return hks2013.load()


def r_names(d: dict) -> pd.Series:
    """R's coefficient names -> patsy's (``(Intercept)`` -> ``Intercept``)."""
    return pd.Series({("Intercept" if k == "(Intercept)" else k): v for k, v in d.items()})


def assert_close(got: pd.Series, want: dict, rtol: float = 1e-6, atol: float = 0.0) -> None:
    want_s = r_names(want)
    got = got.loc[want_s.index]
    np.testing.assert_allclose(got.to_numpy(), want_s.to_numpy(), rtol=rtol, atol=atol,
                               err_msg=f"\ngot  {got.to_dict()}\nwant {want_s.to_dict()}")


# ============================================================================ logit
LOGIT_COEF = rd("logit", "coef")
LOGIT_SE = rd("logit", "se")
LOGIT_HC0 = rd("logit", "hc0")
LOGIT_HC1 = rd("logit", "hc1")
LOGIT_PRED = rd("logit", "pred")
LOGIT_LINK = rd("logit", "link")


def ds_scenarios(fit: RegressionResult) -> pd.DataFrame:
    mf = fit.model_frame
    base = dict(wartype=1, logcost=mf["logcost"].mean(), wardur=mf["wardur"].mean(), factnum=2, factnum2=4,
                trnsfcap=mf["trnsfcap"].mean(), treaty=0, develop=mf["develop"].mean(), exp=mf["exp"].mean(), decade=3)
    return pd.DataFrame([{**base, "untype4": 0}, {**base, "untype4": 1}], index=["none", "multidimensional"])


def test_logit_doyle_sambanis_against_R(ds):
    """Doyle & Sambanis (2000) peacebuilding success: logit, model and HC standard errors.

    R: ``tests/r/regression.R``, ``res$logit``: glm, vcovHC HC0/HC1, predict at two profiles.
    """
    fit = reg.logit(DS_FORMULA, ds)
    assert fit.nobs == rv("logit", "nobs") == 122 and fit.n_dropped == 2
    assert fit.dropped_by == {"logcost": 1, "trnsfcap": 1}
    assert_close(fit.params, LOGIT_COEF)
    assert_close(fit.std_errors, LOGIT_SE)
    assert fit.loglik == pytest.approx(rv("logit", "loglik"), rel=1e-9)
    assert fit.aic == pytest.approx(rv("logit", "aic"), rel=1e-9)
    assert fit.bic == pytest.approx(rv("logit", "bic"), rel=1e-9)
    assert fit.deviance == pytest.approx(rv("logit", "deviance"), rel=1e-9)
    assert fit.null_deviance == pytest.approx(rv("logit", "null_deviance"), rel=1e-9)
    assert_close(reg.logit(DS_FORMULA, ds, vcov="HC0").std_errors, LOGIT_HC0)
    assert_close(fit.with_vcov("HC1").std_errors, LOGIT_HC1)
    nd = ds_scenarios(fit)
    assert_close(fit.predict(nd), LOGIT_PRED, rtol=1e-7)
    assert_close(fit.predict(nd, type="link"), LOGIT_LINK, rtol=1e-7)


def test_logit_result_surface(ds):
    fit = reg.logit(DS_FORMULA, ds)
    t = fit.tidy()
    assert list(t.columns[:7]) == ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
    assert "exp_estimate" in t  # odds ratios
    row = t.set_index("term").loc["untype4"]
    assert row["exp_estimate"] == pytest.approx(np.exp(LOGIT_COEF["untype4"]), rel=1e-6)
    assert row["p_value"] == pytest.approx(0.0358, abs=1e-4)  # summary(glm): Pr(>|z|) 0.0358
    g = fit.glance().iloc[0]
    assert g["n"] == 122 and g["n_dropped"] == 2 and g["family"] == "binomial"
    assert g["pseudo_r2"] == pytest.approx(1 - rv("logit", "deviance") / rv("logit", "null_deviance"), rel=1e-9)
    text = fit.summary()
    assert "OR" in text and "untype4" in text and "2 row(s) dropped" in text
    assert "<table" in fit._repr_html_()
    prov = fit.provenance
    assert prov["formula"] == DS_FORMULA and prov["options"]["vcov"] == "model"
    assert prov["options"]["vcov_r"] == "vcov(fit)" and "statsmodels" in prov["versions"]
    import matplotlib

    matplotlib.use("Agg")
    ax = fit.plot()
    assert len(ax.get_yticklabels()) == 12
    # fitted values are predict() on the estimation rows
    np.testing.assert_allclose(fit.predict().to_numpy(), fit.fitted.to_numpy(), rtol=1e-12)


# ============================================================================ probit
PROBIT_COEF = rd("probit", "coef")
PROBIT_SE = rd("probit", "se")
PROBIT_HC0 = rd("probit", "hc0")
PROBIT_HC1 = rd("probit", "hc1")
PROBIT_STATA_ROBUST = rd("probit", "stata_robust")


def test_probit_against_R(ds):
    """Probit of the same model: R's glm (Fisher scoring, expected information).

    R: ``tests/r/regression.R``, ``res$probit``: glm probit, vcovHC HC0/HC1, Stata's observed-
    information sandwich times n/(n-1).
    """
    fit = reg.probit(DS_FORMULA, ds)
    assert fit.nobs == 122 and not fit.exponentiate
    assert_close(fit.params, PROBIT_COEF)
    assert_close(fit.std_errors, PROBIT_SE)
    assert fit.loglik == pytest.approx(rv("probit", "loglik"), rel=1e-9)
    assert_close(fit.with_vcov("HC0").std_errors, PROBIT_HC0)
    assert_close(fit.with_vcov("HC1").std_errors, PROBIT_HC1)
    assert_close(fit.with_vcov("stata").std_errors, PROBIT_STATA_ROBUST)


# ============================================================================ Poisson
POIS_COEF = rd("poisson", "coef")
POIS_SE = rd("poisson", "se")
POIS_CL_HC0 = rd("poisson", "cl_hc0")
POIS_CL_HC1 = rd("poisson", "cl_hc1")
POIS_CL_HC0_NOADJ = rd("poisson", "cl_hc0_noadj")
POIS_OFF_COEF = rd("poisson_offset", "coef")
POIS_OFF_SE = rd("poisson_offset", "se")


def test_poisson_hks_clustered_against_R(hks):
    """Poisson of civilian deaths (HKS 2013 covariates), SEs clustered by conflict.

    ``troopLag``, ``policeLag`` and ``militaryobserversLag`` are already in thousands in
    the replication file (UNOSOM, December 1993: ``troopLag`` = 29.209), so they are
    not divided again.

    R: ``tests/r/regression.R``, ``res$poisson``: glm, vcovCL HC0 (its glm default), HC1, HC0 with
    cadjust = FALSE.
    """
    fit = reg.poisson(HKS_FORMULA, hks, cluster="conflict_id")
    assert fit.nobs == rv("poisson", "nobs") == 3746 and fit.n_clusters == 36
    assert fit.options["vcov"] == "CR1"  # the default with cluster=
    assert_close(fit.params, POIS_COEF)
    assert fit.loglik == pytest.approx(rv("poisson", "loglik"), rel=1e-10)
    assert fit.deviance == pytest.approx(rv("poisson", "deviance"), rel=1e-10)
    assert fit.null_deviance == pytest.approx(rv("poisson", "null_deviance"), rel=1e-10)
    assert_close(fit.std_errors, POIS_CL_HC1)  # CR1 = vcovCL(type = "HC1")
    assert_close(fit.with_vcov("CR0").std_errors, POIS_CL_HC0_NOADJ)  # CR0 = HC0, cadjust = FALSE
    assert_close(fit.with_vcov("vcovCL").std_errors, POIS_CL_HC0)  # vcovCL's glm default
    assert_close(fit.with_vcov("stata").std_errors, POIS_CL_HC0)  # Stata ML: G/(G-1), canonical link
    assert_close(reg.poisson(HKS_FORMULA, hks).std_errors, POIS_SE)
    assert fit.exp_label == "IRR" and "exp_estimate" in fit.tidy()


def test_poisson_offset_against_R(hks):
    """Offset (exposure): R's ``glm(..., offset = log(epduration))``.

    R: ``tests/r/regression.R``, ``res$poisson_offset``: ``glm(..., offset = log(epduration))``.
    """
    h = hks.assign(log_dur=np.log(hks["epduration"]))
    fit = reg.poisson(HKS_FORMULA, h, offset="log_dur")
    assert_close(fit.params, POIS_OFF_COEF)
    assert_close(fit.std_errors, POIS_OFF_SE)
    assert fit.loglik == pytest.approx(rv("poisson_offset", "loglik"), rel=1e-10)
    # the same offset given as an array (aligned with the data rows)
    fit2 = reg.poisson(HKS_FORMULA, hks, offset=np.log(hks["epduration"].to_numpy()))
    assert_close(fit2.params, POIS_OFF_COEF)
    # predict needs the offset: from the column ...
    nd = h.dropna(subset=["troopLag", "brv_AllLag", "lntpop"]).head(3)
    p = fit.predict(nd)
    assert np.allclose(p, np.exp(fit.predict(nd, type="link")))
    # ... or passed explicitly for an array offset
    with pytest.raises(SpecificationError, match="offset"):
        fit2.predict(nd.drop(columns="log_dur"))
    np.testing.assert_allclose(fit2.predict(nd, offset=nd["log_dur"]).to_numpy(), p.to_numpy(), rtol=1e-12)


# ============================================================================ negative binomial
NB_COEF = rd("negbin", "coef")
NB_SE = rd("negbin", "se")
NB_CL_HC0 = rd("negbin", "cl_hc0")
NB_CL_HC1 = rd("negbin", "cl_hc1")
NB_CL_HC0_NOADJ = rd("negbin", "cl_hc0_noadj")
NB_STATA_CLUSTER = rd("negbin", "stata_cluster")
NB_PRED = rd("negbin", "pred")



def test_negbin_hks_model1_against_R(hks):
    """Hultman, Kathman & Shannon (2013) Table 1 Model 1: NB2, SEs clustered by conflict.

    Which R call each flavour reproduces: ``"CR0"`` = ``vcovCL(type = "HC0", cadjust = FALSE)``,
    ``"CR1"`` = ``vcovCL(type = "HC1")`` (G/(G-1) (n-1)/(n-k)), ``"vcovCL"`` =
    ``vcovCL(type = "HC0")`` = ``vcovCL()``'s default for ``negbin`` objects (G/(G-1)).

    R: ``tests/r/regression.R``, ``res$negbin``: glm.nb started at optim()'s NB2 optimum (its
    default start diverges), vcovCL flavours, predict, and the SE of theta at the final theta.
    """
    # the personnel counts are already in thousands (UNOSOM, December 1993: 29,209 troops)
    assert hks["troopLag"].max() == pytest.approx(29.209)
    fit = reg.negbin(HKS_FORMULA, hks, cluster="conflict_id", vcov="CR0")
    assert fit.nobs == rv("negbin", "nobs") == 3746 and fit.n_dropped == 3972 - 3746 and fit.n_clusters == 36
    assert_close(fit.params, NB_COEF)
    assert fit.theta == pytest.approx(rv("negbin", "theta"), rel=1e-6)
    assert fit.alpha == pytest.approx(1 / rv("negbin", "theta"), rel=1e-6)
    # glm.nb's SE.theta is 1/sqrt(info) at theta.ml's last-but-one iterate (up to eps^0.25
    # away); at the final theta R gives se_theta_final, which we match.
    assert fit.se_theta == pytest.approx(rv("negbin", "se_theta_final"), rel=1e-6)
    assert fit.se_theta == pytest.approx(rv("negbin", "se_theta"), rel=1e-3)
    assert fit.loglik == pytest.approx(rv("negbin", "loglik"), rel=1e-10)
    assert fit.aic == pytest.approx(rv("negbin", "aic"), rel=1e-10)  # counts theta: df = 10
    assert fit.bic == pytest.approx(rv("negbin", "bic"), rel=1e-10)
    assert fit.deviance == pytest.approx(rv("negbin", "deviance"), rel=1e-6)  # at R's theta, 7e-8 away
    assert fit.null_deviance == pytest.approx(rv("negbin", "null_deviance"), rel=1e-6)
    assert_close(fit.std_errors, NB_CL_HC0_NOADJ)
    assert_close(fit.with_vcov("CR1").std_errors, NB_CL_HC1)
    assert_close(fit.with_vcov("vcovCL").std_errors, NB_CL_HC0)
    assert_close(reg.negbin(HKS_FORMULA, hks).std_errors, NB_SE)
    g = fit.glance().iloc[0]
    assert g["theta"] == pytest.approx(rv("negbin", "theta"), rel=1e-6) and g["n_clusters"] == 36
    assert "theta = 0.0591943" in fit.summary()
    mf = fit.model_frame
    nd = pd.DataFrame({"troopLag": [0.0, 8.0], "policeLag": 0.0, "militaryobserversLag": 0.0,
                       "brv_AllLag": mf["brv_AllLag"].mean(), "osvAllLagDum": 1.0, "incomp": 2,
                       "epduration": mf["epduration"].mean(), "lntpop": mf["lntpop"].mean()},
                      index=["no_troops", "troops_8000"])
    assert_close(fit.predict(nd), NB_PRED, rtol=1e-6)


def test_negbin_stata_flavour_against_R_formula(hks):
    """``vcov="stata"``: Stata's ``nbreg, vce(cluster)`` formula, computed in R.

    Stata's bread is the joint observed information of (b, ln alpha) and its meat holds
    the ln alpha scores too; the factor is G/(G-1) (``[P] _robust``, ``minus(1)``).

    R: ``tests/r/regression.R``, ``res$negbin$stata_cluster``: Stata's formula written out in R (the
    analytic Hessian agrees with optimHess to 3e-5, finite-difference noise).
    """
    fit = reg.negbin(HKS_FORMULA, hks, cluster="conflict_id", vcov="stata")
    assert_close(fit.std_errors, NB_STATA_CLUSTER, rtol=1e-5)
    assert "Stata vce(cluster conflict_id)" in fit.vcov_type


def test_negbin_reaches_the_optimum_from_a_poor_start(hks):
    """Where statsmodels' and R's default NB fits fail, ours reaches a maximum.

    The fit is a maximum: the gradient vanishes and the Hessian is negative definite
    (checked inside negbin); the log-likelihood is at least R's.
    """
    fit = reg.negbin(HKS_FORMULA, hks)
    assert np.all(np.isfinite(fit.params)) and fit.converged
    assert fit.loglik >= rv("negbin", "loglik") - 1e-9


# ============================================================================ OLS
OLS_FE_COEF = rd("ols_fe", "coef")
OLS_FE_SE = rd("ols_fe", "se")
OLS_FE_CL_HC1 = rd("ols_fe", "cl_hc1")
OLS_FE_CL_HC0 = rd("ols_fe", "cl_hc0")
OLS_FE_HC1 = rd("ols_fe", "hc1")
OLS_FORMULA = ("np.log1p(osvAll) ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum"
               " + epduration + lntpop")


def test_ols_two_way_fixed_effects_against_R(hks):
    """OLS with conflict and year fixed effects, SEs clustered by conflict.

    R: ``tests/r/regression.R``, ``res$ols_fe``: lm with factor(conflict_id) + factor(year), vcovCL
    HC1 (lm's default) and HC0, vcovHC HC1.
    """
    fit = reg.ols(OLS_FORMULA, hks, fe=["conflict_id", "year"], cluster="conflict_id")
    # rank 59 = 7 slopes + 52 FE columns
    assert fit.nobs == rv("ols_fe", "nobs") and fit.df_resid == rv("ols_fe", "df_resid") == 3687
    assert list(fit.params.index) == list(OLS_FE_COEF)  # no intercept, no dummies shown
    assert_close(fit.params, OLS_FE_COEF)
    assert_close(fit.std_errors, OLS_FE_CL_HC1)  # default with cluster: CR1
    assert_close(fit.with_vcov("vcovCL").std_errors, OLS_FE_CL_HC1)
    assert_close(fit.with_vcov("stata").std_errors, OLS_FE_CL_HC1)  # regress/areg vce(cluster)
    G = 36
    assert_close(fit.with_vcov("CR0").std_errors * np.sqrt(G / (G - 1)), OLS_FE_CL_HC0)
    unclustered = reg.ols(OLS_FORMULA, hks, fe=["conflict_id", "year"])
    assert_close(unclustered.std_errors, OLS_FE_SE)
    assert_close(unclustered.with_vcov("HC1").std_errors, OLS_FE_HC1)
    assert fit.r2 == pytest.approx(rv("ols_fe", "r2"), rel=1e-9)
    assert fit.adj_r2 == pytest.approx(rv("ols_fe", "adj_r2"), rel=1e-9)
    assert fit.sigma == pytest.approx(rv("ols_fe", "sigma"), rel=1e-9)
    assert fit.loglik == pytest.approx(rv("ols_fe", "loglik"), rel=1e-10)
    assert fit.dist == "t" and fit.glance().iloc[0]["fixed_effects"] == "conflict_id, year"
    # fixest-style formula gives the same fit
    fit2 = reg.ols(OLS_FORMULA + " | conflict_id + year", hks, cluster="conflict_id")
    assert_close(fit2.params, OLS_FE_COEF)
    # predictions include the fixed effects and reproduce the fitted values
    np.testing.assert_allclose(fit.predict().to_numpy(), fit.fitted.to_numpy(), rtol=1e-8, atol=1e-8)


WLS_COEF = rd("wls", "coef")
WLS_SE = rd("wls", "se")
WLS_HC1 = rd("wls", "hc1")
WLS_CL_HC1 = rd("wls", "cl_hc1")


def test_weighted_ols_against_R(hks):
    """Weighted least squares, R's ``lm(weights = )``.

    R: ``tests/r/regression.R``, ``res$wls``: ``lm(..., weights = epduration)``, vcovHC HC1, vcovCL.
    """
    f = "np.log1p(osvAll) ~ troopLag + policeLag + brv_AllLag + lntpop"
    fit = reg.ols(f, hks, weights="epduration")
    assert fit.nobs == rv("wls", "nobs") == 3746
    assert_close(fit.params, WLS_COEF)
    assert_close(fit.std_errors, WLS_SE)
    assert_close(fit.with_vcov("HC1").std_errors, WLS_HC1)
    assert fit.r2 == pytest.approx(rv("wls", "r2"), rel=1e-9)
    assert_close(reg.ols(f, hks, weights="epduration", cluster="conflict_id").std_errors, WLS_CL_HC1)


# ============================================================================ bad input
def test_missing_column_is_named(ds):
    with pytest.raises(SpecificationError, match=r"'untype44' \(did you mean .*'untype4'"):
        reg.logit("pbs2s3 ~ untype44 + treaty", ds)
    with pytest.raises(SpecificationError, match="'nonesuch'"):
        reg.logit("nonesuch ~ treaty", ds)
    with pytest.raises(SpecificationError, match="cluster column 'conflict'"):
        reg.logit("pbs2s3 ~ treaty", ds, cluster="conflict")
    with pytest.raises(SpecificationError, match="fixed-effect column 'yr'"):
        reg.ols("logcost ~ treaty", ds, fe=["yr"])


def test_single_cluster_is_refused(ds):
    one = ds.assign(region=1)
    with pytest.raises(SpecificationError, match="at least 2 clusters.*'region' has a single value"):
        reg.logit("pbs2s3 ~ treaty + logcost", one, cluster="region")


def test_cluster_with_missing_ids_is_refused(ds):
    d = ds.assign(g=np.where(np.arange(len(ds)) == 5, np.nan, np.arange(len(ds)) % 4))
    with pytest.raises(SpecificationError, match="cluster g has 1 missing"):
        reg.logit("pbs2s3 ~ treaty + logcost", d, cluster="g")


def test_collinear_regressors_are_named(ds, hks):
    d = ds.assign(twice_treaty=2 * ds["treaty"], cost2=ds["logcost"] + ds["treaty"])
    with pytest.raises(SpecificationError, match=r"'twice_treaty' is a linear combination of 'treaty'"):
        reg.logit("pbs2s3 ~ treaty + logcost + twice_treaty", d)
    with pytest.raises(SpecificationError, match=r"'cost2' is a linear combination of .*'logcost'"):
        reg.probit("pbs2s3 ~ treaty + logcost + cost2", d)
    # incomp never changes within a conflict: absorbed by the conflict fixed effects
    with pytest.raises(SpecificationError, match=r"'incomp' is constant within the fixed effects \(conflict_id"):
        reg.ols("osvAll ~ troopLag + incomp", hks, fe=["conflict_id", "year"])


def test_binary_outcome_is_checked(ds):
    with pytest.raises(SpecificationError, match=r"Logit needs a 0/1 outcome; 'decade' has"):
        reg.logit("decade ~ treaty", ds)
    with pytest.raises(SpecificationError, match="Probit needs a 0/1 outcome"):
        reg.probit("logcost ~ treaty", ds)
    with pytest.raises(SpecificationError, match="one numeric column"):
        reg.logit("untype ~ treaty", ds)


def test_counts_are_checked(hks):
    neg = hks.assign(osvAll=hks["osvAll"].where(hks.index != 10, -3))
    with pytest.raises(SpecificationError, match=r"non-negative integer counts.*negative -3\.0 at row 10"):
        reg.poisson("osvAll ~ troopLag", neg)
    frac = hks.assign(osvAll=hks["osvAll"] + 0.5)
    with pytest.raises(SpecificationError, match="non-integer"):
        reg.negbin("osvAll ~ troopLag", frac)


def test_perfect_separation_is_reported(ds):
    d = ds.copy()
    # complete separation: a score that is above 0 exactly for the successes
    d["score"] = np.where(d["pbs2s3"] == 1, 1.0, -1.0) * (1 + d["decade"])
    with pytest.raises(SpecificationError, match=r"perfect separation \(complete\).*'score'"):
        reg.logit("pbs2s3 ~ score + logcost", d)
    # quasi-complete: every war with flag = 1 succeeded
    d["flag"] = ((d["pbs2s3"] == 1) & (d["treaty"] == 1)).astype(int)
    with pytest.raises(SpecificationError, match=r"quasi-complete.*'flag'"):
        reg.probit("pbs2s3 ~ flag + logcost", d)
    # a type of its own (callers catch the type, never the message), still a SpecificationError
    from peacestats.errors import ModelError, SeparationError
    from peacestats.models.causal import propensity_score

    with pytest.raises(SeparationError):
        reg.logit("pbs2s3 ~ score + logcost", d)
    with pytest.raises(ModelError, match="no overlap") as err:
        propensity_score("pbs2s3 ~ score + logcost", d)
    assert isinstance(err.value.__cause__, SeparationError)


def test_count_category_with_only_zeros_is_reported(hks):
    h = hks.copy()
    h["quiet"] = 0
    zeros = h.index[(h["osvAll"] == 0)][:40]
    h.loc[zeros, "quiet"] = 1  # 40 conflict-months, all with no deaths
    with pytest.raises(SpecificationError, match=r"do not exist.*'quiet'"):
        reg.poisson("osvAll ~ troopLag + quiet", h)


def test_negbin_without_overdispersion_raises(hks):
    """Underdispersed counts: the NB2 maximum is at alpha = 0 (R's glm.nb only warns)."""
    rng = np.random.default_rng(3)
    h = hks.assign(fake=rng.binomial(6, 0.5, len(hks)) + hks["incomp"])
    with pytest.raises(ConvergenceError, match="no overdispersion"):
        reg.negbin("fake ~ incomp", h)


def test_nonconvergence_raises(ds, monkeypatch):
    """IRLS that stops unconverged (no separation present) raises ConvergenceError."""
    from peacestats.models.engines import glm as glm_mod

    real_irls = glm_mod.irls
    monkeypatch.setattr(glm_mod, "irls", lambda *a, **k: real_irls(*a, **{**k, "max_iter": 1}))
    with pytest.raises(ConvergenceError, match="IRLS did not converge"):
        reg.logit(DS_FORMULA, ds)


def test_irls_equals_r_glm_on_its_own(ds):
    """The IRLS engine alone reaches R's estimates from R's start.

    Expected values: ``LOGIT_COEF``, R's ``glm(..., binomial)`` run to ``epsilon = 1e-14``
    (``tests/r/regression.R``, ``res$logit``); the engine stops when the coefficients change
    by less than 1e-10 relative, so it agrees with R to better than 1e-8.
    """
    from peacestats.models import frame as _frame
    from peacestats.models.engines import glm as glm_mod

    fit = reg.logit(DS_FORMULA, ds)
    d = _frame.model_frame(DS_FORMULA, ds, None)
    y, X = d.response(), d.X
    w, off = np.ones(len(y)), np.zeros(len(y))
    b, ok = glm_mod.irls(y, X, glm_mod.Logit(), w, off)
    assert ok
    assert_close(pd.Series(b, index=d.columns), LOGIT_COEF, rtol=1e-8)
    np.testing.assert_allclose(b, fit.params.to_numpy(), rtol=1e-10)  # what logit() reports is this fit
    b1, ok1 = glm_mod.irls(y, X, glm_mod.Logit(), w, off, max_iter=2)
    assert not ok1  # two steps are not enough from R's start


def test_vcov_arguments_are_checked(ds):
    with pytest.raises(SpecificationError, match="give cluster="):
        reg.logit("pbs2s3 ~ treaty", ds, vcov="CR1")
    with pytest.raises(SpecificationError, match="ignores clustering"):
        reg.logit("pbs2s3 ~ treaty", ds, vcov="HC1", cluster="decade")
    with pytest.raises(SpecificationError, match="Did you mean 'HC1'"):
        reg.logit("pbs2s3 ~ treaty", ds, vcov="hc1")


def test_bad_weights_and_predict_inputs(ds):
    with pytest.raises(SpecificationError, match="weights must be finite and positive"):
        reg.logit("pbs2s3 ~ treaty", ds, weights=np.where(np.arange(len(ds)) == 0, -1.0, 1.0))
    fit = reg.logit("pbs2s3 ~ treaty + logcost", ds)
    with pytest.raises(SpecificationError, match=r"lacks column\(s\) \['logcost'\]"):
        fit.predict(pd.DataFrame({"treaty": [1]}))
    with pytest.raises(SpecificationError, match="type must be"):
        fit.predict(type="probability")


def test_categorical_terms_and_transformations(ds):
    """``C()`` and ``np.log`` in formulas, and predictions for them."""
    fit = reg.logit("pbs2s3 ~ C(untype) + np.log(wardur) + treaty", ds)
    assert any(t.startswith("C(untype)") for t in fit.params.index)
    nd = pd.DataFrame({"untype": ["None", "MultiPKO"], "wardur": [12.0, 12.0], "treaty": [0, 0]})
    p = fit.predict(nd)
    assert p.between(0, 1).all() and p.iloc[1] > p.iloc[0]
    # R's factor() is accepted as patsy's C()
    fr = reg.logit("pbs2s3 ~ factor(decade) + treaty", ds)
    assert "C(decade)[T.3]" in fr.params.index and fr.formula == "pbs2s3 ~ factor(decade) + treaty"


WLOGIT_COEF = rd("weighted_logit", "coef")
WLOGIT_SE = rd("weighted_logit", "se")
WLOGIT_HC1 = rd("weighted_logit", "hc1")
WLOGIT_CL = rd("weighted_logit", "cl")


def test_weighted_logit_against_R(ds):
    """Prior weights in a logit (R's ``weights =``; non-integer, so R warns about #successes).

    R: ``tests/r/regression.R``, ``res$weighted_logit``: ``glm(..., weights = wardur / 12)``, vcovHC
    HC1, vcovCL by decade.
    """
    d = ds.assign(w=ds["wardur"] / 12)
    fit = reg.logit("pbs2s3 ~ untype4 + treaty + logcost + wartype", d, weights="w")
    assert fit.nobs == rv("weighted_logit", "nobs") == 123
    assert_close(fit.params, WLOGIT_COEF)
    assert_close(fit.std_errors, WLOGIT_SE)
    assert_close(fit.with_vcov("HC1").std_errors, WLOGIT_HC1)
    clustered = reg.logit("pbs2s3 ~ untype4 + treaty + logcost + wartype", d, weights="w", cluster="decade")
    assert clustered.n_clusters == ds["decade"].nunique()
    assert_close(clustered.std_errors, WLOGIT_CL)


NBW_COEF = rd("negbin_weights", "coef")
NBW_SE = rd("negbin_weights", "se")
NBW_CL = rd("negbin_weights", "cl")


def test_negbin_weights_and_offset_against_R(hks):
    """NB2 with prior weights and an exposure offset.

    Here glm.nb converges from its default start (its initial Poisson fit warns). Its
    theta is 2e-6 (relative) from the optimum (``theta.ml``'s ``eps^0.25`` stopping rule),
    so standard errors, which depend on theta, are compared at 1e-5.

    R: ``tests/r/regression.R``, ``res$negbin_weights``: ``glm.nb(... + offset(log(epduration)),
    weights = 1 + incomp / 2)``, vcovCL HC1.
    """
    h = hks.assign(w=1 + hks["incomp"] / 2, log_dur=np.log(hks["epduration"]))
    fit = reg.negbin("osvAll ~ troopLag + osvAllLagDum + lntpop", h, weights="w", offset="log_dur",
                     cluster="conflict_id")
    assert fit.nobs == rv("negbin_weights", "nobs") == 3746
    assert_close(fit.params, NBW_COEF)
    assert fit.theta == pytest.approx(rv("negbin_weights", "theta"), rel=1e-5)
    assert fit.loglik == pytest.approx(rv("negbin_weights", "loglik"), rel=1e-10)
    assert_close(fit.std_errors, NBW_CL, rtol=1e-5)
    assert_close(fit.with_vcov("model").std_errors, NBW_SE, rtol=1e-5)
    # clustering by another variable without refitting
    by_country = fit.with_vcov("CR1", cluster=fit.model_frame["conflict_id"].to_numpy() // 100)
    assert by_country.n_clusters < fit.n_clusters


def test_negbin_null_loglik_equals_the_joint_fit_of_the_null_model(hks):
    """Without an offset, the intercept-only model's log-likelihood comes from a 1-D search in log theta.

    The intercept's MLE is log(mean y) for any theta (``engines.negbin._nb_null_loglik``), so
    maximising over log theta alone must reach the joint (intercept, log theta) maximum that
    ``_fit_nb2`` finds: on the HKS counts (theta 0.06, heavy overdispersion) and on mildly
    overdispersed synthetic counts (drawn with theta 8), to 1e-12.
    """
    from peacestats.models.engines import negbin as nbm

    rng = np.random.default_rng(7)
    synthetic = pd.DataFrame({"x": rng.normal(size=2000)})
    synthetic["y"] = rng.negative_binomial(8.0, 8.0 / (8.0 + np.exp(0.5 + 0.3 * synthetic["x"])))
    cols = [c.strip() for c in HKS_FORMULA.replace("~", "+").split("+")]
    for formula, data, y in ((HKS_FORMULA, hks, hks[cols].dropna()["osvAll"]),
                             ("y ~ x", synthetic, synthetic["y"])):
        fit = reg.negbin(formula, data)
        y = y.to_numpy(float)
        assert len(y) == fit.nobs
        ones = np.ones(len(y))
        _, _, joint, *_ = nbm._fit_nb2(y, ones[:, None], ones, np.zeros(len(y)), np.array([np.log(y.mean())]),
                                       np.log(fit.theta), "null")
        assert fit.loglik_null == pytest.approx(joint, rel=1e-12)
        assert fit.pseudo_r2 == pytest.approx(1 - fit.loglik / joint, rel=1e-10)
