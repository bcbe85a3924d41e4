"""Regression models against R on the real replication data.

Golden values were computed with R 4.2.2, sandwich 3.0-2, MASS 7.3-58.2, run from the
repository root; each test's docstring holds the R code that printed its fixtures.

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
LOGIT_COEF = {"(Intercept)": 8.60886197537342, "wartype": -1.74200433935398, "logcost": -0.444849938897138, "wardur": 0.00638573224151434, "factnum": -1.25893333222605, "factnum2": 0.0616695924168606, "trnsfcap": 0.00409344558487906, "untype4": 3.13518430701137, "treaty": 2.12436811225763, "develop": 0.000790077605550738, "exp": -6.01617886684798, "decade": -0.298775833769979}
LOGIT_SE = {"(Intercept)": 2.19656165682925, "wartype": 0.596675631107334, "logcost": 0.136648684992577, "wardur": 0.00399455784085924, "factnum": 0.825794466325704, "factnum2": 0.0930088101144031, "trnsfcap": 0.00205847028217507, "untype4": 1.49348121382087, "treaty": 0.778594530726131, "develop": 0.000465541694709958, "exp": 3.5523609990524, "decade": 0.19252202752666}
LOGIT_HC0 = {"(Intercept)": 2.23910975800426, "wartype": 0.637634886821305, "logcost": 0.140716477532534, "wardur": 0.00472691422093099, "factnum": 0.68939947597703, "factnum2": 0.0608222204946624, "trnsfcap": 0.00171014216514735, "untype4": 1.08710972266539, "treaty": 0.853430534574548, "develop": 0.000437726025895348, "exp": 2.95013144022797, "decade": 0.168631075914494}
LOGIT_HC1 = {"(Intercept)": 2.35808228328857, "wartype": 0.671514884183361, "logcost": 0.148193285947718, "wardur": 0.00497807337900996, "factnum": 0.726029925330198, "factnum2": 0.0640539393238943, "trnsfcap": 0.00180100860492573, "untype4": 1.14487204919019, "treaty": 0.898776585830034, "develop": 0.000460984095535434, "exp": 3.10688328596041, "decade": 0.177591094453669}
LOGIT_PRED = {"none": 0.23883400893249, "multidimensional": 0.878264980610831}
LOGIT_LINK = {"none": -1.15908266902935, "multidimensional": 1.97610163798201}


def ds_scenarios(fit: RegressionResult) -> pd.DataFrame:
    mf = fit.model_frame
    base = dict(wartype=1, logcost=mf["logcost"].mean(), wardur=mf["wardur"].mean(), factnum=2, factnum2=4,
                trnsfcap=mf["trnsfcap"].mean(), treaty=0, develop=mf["develop"].mean(), exp=mf["exp"].mean(), decade=3)
    return pd.DataFrame([{**base, "untype4": 0}, {**base, "untype4": 1}], index=["none", "multidimensional"])


def test_logit_doyle_sambanis_against_R(ds):
    """Doyle & Sambanis (2000) peacebuilding success: logit, model and HC standard errors.

    R code::

        library(sandwich)
        d <- read.csv("../shared/data/doyle_sambanis2000/peace.csv")
        f <- pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 +
             treaty + develop + exp + decade
        m <- glm(f, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
        nobs(m); logLik(m); AIC(m); BIC(m); deviance(m); m$null.deviance
        coef(m); sqrt(diag(vcov(m)))
        sqrt(diag(vcovHC(m, type = "HC0"))); sqrt(diag(vcovHC(m, type = "HC1")))
        mf <- model.frame(m)
        nd <- data.frame(wartype = 1, logcost = mean(mf$logcost), wardur = mean(mf$wardur),
                         factnum = 2, factnum2 = 4, trnsfcap = mean(mf$trnsfcap), untype4 = c(0, 1),
                         treaty = 0, develop = mean(mf$develop), exp = mean(mf$exp), decade = 3)
        predict(m, nd, type = "response"); predict(m, nd, type = "link")
    """
    fit = reg.logit(DS_FORMULA, ds)
    assert fit.nobs == 122 and fit.n_dropped == 2
    assert fit.dropped_by == {"logcost": 1, "trnsfcap": 1}
    assert_close(fit.params, LOGIT_COEF)
    assert_close(fit.std_errors, LOGIT_SE)
    assert fit.loglik == pytest.approx(-45.6486717548044, rel=1e-9)
    assert fit.aic == pytest.approx(115.297343509609, rel=1e-9)
    assert fit.bic == pytest.approx(148.945596046408, rel=1e-9)
    assert fit.deviance == pytest.approx(91.2973435096088, rel=1e-9)
    assert fit.null_deviance == pytest.approx(158.345164275479, rel=1e-9)
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
    assert row["exp_estimate"] == pytest.approx(np.exp(3.13518430698917), rel=1e-6)
    assert row["p_value"] == pytest.approx(0.0358, abs=1e-4)  # summary(glm): Pr(>|z|) 0.0358
    g = fit.glance().iloc[0]
    assert g["n"] == 122 and g["n_dropped"] == 2 and g["family"] == "binomial"
    assert g["pseudo_r2"] == pytest.approx(1 - 91.2973435096088 / 158.345164275479, rel=1e-9)
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
PROBIT_COEF = {"(Intercept)": 4.72221769744172, "wartype": -0.938727433668569, "logcost": -0.243208781072893, "wardur": 0.0028651799036183, "factnum": -0.66549429094851, "factnum2": 0.0307508924690552, "trnsfcap": 0.00231239994841657, "untype4": 1.87496258047287, "treaty": 1.17538085097735, "develop": 0.000405358132976162, "exp": -3.6046121667588, "decade": -0.162369628970083}
PROBIT_SE = {"(Intercept)": 1.14448358519293, "wartype": 0.324656818047431, "logcost": 0.0742913210287538, "wardur": 0.00220168024266047, "factnum": 0.44294663212096, "factnum2": 0.0490691506328396, "trnsfcap": 0.00118591047671626, "untype4": 0.82155300905344, "treaty": 0.424038274251196, "develop": 0.000258964629770056, "exp": 1.97131520591817, "decade": 0.108688626900904}
PROBIT_HC0 = {"(Intercept)": 1.14878918971023, "wartype": 0.349975921832223, "logcost": 0.0770864230338979, "wardur": 0.00273178041425297, "factnum": 0.363848830946799, "factnum2": 0.0317042345890904, "trnsfcap": 0.000987612663171212, "untype4": 0.624303698507458, "treaty": 0.467946586779667, "develop": 0.000237818162014086, "exp": 1.6534131329855, "decade": 0.0923831093123227}
PROBIT_HC1 = {"(Intercept)": 1.20982878387512, "wartype": 0.368571490477422, "logcost": 0.0811823215849607, "wardur": 0.00287693042900514, "factnum": 0.383181520684197, "factnum2": 0.0333888026803971, "trnsfcap": 0.00104008832771613, "untype4": 0.657475358489864, "treaty": 0.492810391212817, "develop": 0.000250454356909025, "exp": 1.74126534079552, "decade": 0.0972917797199342}
PROBIT_STATA_ROBUST = {"(Intercept)": 1.0998879985529, "wartype": 0.333235233062253, "logcost": 0.074988329401667, "wardur": 0.00246418511062107, "factnum": 0.364960261346689, "factnum2": 0.0325784552332253, "trnsfcap": 0.00103331747435891, "untype4": 0.647466708023372, "treaty": 0.443738846031671, "develop": 0.000237522667479812, "exp": 1.69836809171862, "decade": 0.0965058681352559}


def test_probit_against_R(ds):
    """Probit of the same model: R's glm (Fisher scoring, expected information).

    R code::

        library(sandwich)
        d <- read.csv("../shared/data/doyle_sambanis2000/peace.csv")
        f <- pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 +
             treaty + develop + exp + decade
        p <- glm(f, family = binomial(link = "probit"), data = d,
                 control = glm.control(epsilon = 1e-14, maxit = 100))
        logLik(p); coef(p); sqrt(diag(vcov(p)))
        sqrt(diag(vcovHC(p, type = "HC0"))); sqrt(diag(vcovHC(p, type = "HC1")))
        # Stata's probit, vce(robust): observed-information sandwich times n/(n-1)
        X <- model.matrix(p); y <- p$y; eta <- p$linear.predictors; q <- 2 * y - 1
        lam <- q * dnorm(q * eta) / pnorm(q * eta)
        H <- crossprod(X * (lam * (lam + eta)), X); S <- X * lam
        n <- nrow(X); Hi <- solve(H)
        sqrt(diag(n / (n - 1) * Hi %*% crossprod(S) %*% Hi))
    """
    fit = reg.probit(DS_FORMULA, ds)
    assert fit.nobs == 122 and not fit.exponentiate
    assert_close(fit.params, PROBIT_COEF)
    assert_close(fit.std_errors, PROBIT_SE)
    assert fit.loglik == pytest.approx(-46.0824776272196, rel=1e-9)
    assert_close(fit.with_vcov("HC0").std_errors, PROBIT_HC0)
    assert_close(fit.with_vcov("HC1").std_errors, PROBIT_HC1)
    assert_close(fit.with_vcov("stata").std_errors, PROBIT_STATA_ROBUST)


# ============================================================================ Poisson
POIS_COEF = {"(Intercept)": -3.57928781183928, "troopLag": -0.169658062580221, "policeLag": -3.27247410967811, "militaryobserversLag": 8.09984898364434, "brv_AllLag": 0.000560565000980884, "osvAllLagDum": 0.291144440608841, "incomp": 3.48620181934156, "epduration": -0.0222302311472584, "lntpop": 0.189391395141103}
POIS_SE = {"(Intercept)": 0.0425911121080698, "troopLag": 0.00175785588378722, "policeLag": 0.0244766970273058, "militaryobserversLag": 0.0120617046775917, "brv_AllLag": 8.47591530129771e-06, "osvAllLagDum": 0.00473999241979375, "incomp": 0.0179990936393986, "epduration": 7.94011295598609e-05, "lntpop": 0.0020757706123273}
POIS_CL_HC0 = {"(Intercept)": 2.47225132904034, "troopLag": 0.113046568621437, "policeLag": 1.24158295349097, "militaryobserversLag": 1.4908593470598, "brv_AllLag": 0.000290843612267599, "osvAllLagDum": 0.714958809454285, "incomp": 0.64191351555468, "epduration": 0.0122940124582948, "lntpop": 0.220604149118263}
POIS_CL_HC1 = {"(Intercept)": 2.47489615603951, "troopLag": 0.113167506413308, "policeLag": 1.24291120522517, "militaryobserversLag": 1.49245427594282, "brv_AllLag": 0.000291154758237579, "osvAllLagDum": 0.715723676011028, "incomp": 0.642600237886568, "epduration": 0.0123071646551111, "lntpop": 0.220840152554739}
POIS_CL_HC0_NOADJ = {"(Intercept)": 2.43767268440764, "troopLag": 0.111465419861677, "policeLag": 1.22421730169817, "militaryobserversLag": 1.47000714043092, "brv_AllLag": 0.000286775669096662, "osvAllLagDum": 0.704958893060225, "incomp": 0.632935261976749, "epduration": 0.0121220597596154, "lntpop": 0.217518624444429}
POIS_OFF_COEF = {"(Intercept)": -5.66597100935311, "troopLag": -0.163799054334248, "policeLag": -3.43396047724083, "militaryobserversLag": 8.51183941973953, "brv_AllLag": 0.000814983683598864, "osvAllLagDum": 0.231594926634874, "incomp": 3.38978214704385, "epduration": -0.0493897737930274, "lntpop": 0.184621138899934}
POIS_OFF_SE = {"(Intercept)": 0.0423372861356195, "troopLag": 0.00160676801297866, "policeLag": 0.0242236105307434, "militaryobserversLag": 0.012784193423773, "brv_AllLag": 8.37220108150163e-06, "osvAllLagDum": 0.00462638795006808, "incomp": 0.0180061030026649, "epduration": 0.000103431744797001, "lntpop": 0.00203152085456827}


def test_poisson_hks_clustered_against_R(hks):
    """Poisson of civilian deaths (HKS 2013 covariates), SEs clustered by conflict.

    ``troopLag``, ``policeLag`` and ``militaryobserversLag`` are already in thousands in
    the replication file (UNOSOM, December 1993: ``troopLag`` = 29.209), so they are
    not divided again.

    R code::

        library(sandwich)
        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab")
        fh <- osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum +
              incomp + epduration + lntpop
        po <- glm(fh, family = poisson, data = h, control = glm.control(epsilon = 1e-14, maxit = 100))
        nobs(po); logLik(po); deviance(po); po$null.deviance; coef(po); sqrt(diag(vcov(po)))
        sqrt(diag(vcovCL(po, cluster = ~conflict_id, type = "HC0")))   # = vcovCL default for glm
        sqrt(diag(vcovCL(po, cluster = ~conflict_id, type = "HC1")))
        sqrt(diag(vcovCL(po, cluster = ~conflict_id, type = "HC0", cadjust = FALSE)))
    """
    fit = reg.poisson(HKS_FORMULA, hks, cluster="conflict_id")
    assert fit.nobs == 3746 and fit.n_clusters == 36
    assert fit.options["vcov"] == "CR1"  # the default with cluster=
    assert_close(fit.params, POIS_COEF)
    assert fit.loglik == pytest.approx(-1069559.61798297, rel=1e-10)
    assert fit.deviance == pytest.approx(2134800.81429186, rel=1e-10)
    assert fit.null_deviance == pytest.approx(2840157.21955158, rel=1e-10)
    assert_close(fit.std_errors, POIS_CL_HC1)  # CR1 = vcovCL(type = "HC1")
    assert_close(fit.with_vcov("CR0").std_errors, POIS_CL_HC0_NOADJ)  # CR0 = HC0, cadjust = FALSE
    assert_close(fit.with_vcov("vcovCL").std_errors, POIS_CL_HC0)  # vcovCL's glm default
    assert_close(fit.with_vcov("stata").std_errors, POIS_CL_HC0)  # Stata ML: G/(G-1), canonical link
    assert_close(reg.poisson(HKS_FORMULA, hks).std_errors, POIS_SE)
    assert fit.exp_label == "IRR" and "exp_estimate" in fit.tidy()


def test_poisson_offset_against_R(hks):
    """Offset (exposure): R's ``glm(..., offset = log(epduration))``.

    R code::

        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab")
        poo <- glm(fh, family = poisson, data = h, offset = log(epduration),   # fh as above
                   control = glm.control(epsilon = 1e-14, maxit = 100))
        logLik(poo); coef(poo); sqrt(diag(vcov(poo)))
    """
    h = hks.assign(log_dur=np.log(hks["epduration"]))
    fit = reg.poisson(HKS_FORMULA, h, offset="log_dur")
    assert_close(fit.params, POIS_OFF_COEF)
    assert_close(fit.std_errors, POIS_OFF_SE)
    assert fit.loglik == pytest.approx(-1039247.26372725, rel=1e-10)
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
NB_COEF = {"(Intercept)": -9.23675356303059, "troopLag": -0.530446620992615, "policeLag": -9.90258128643588, "militaryobserversLag": 21.7618688748003, "brv_AllLag": 0.000706204779393778, "osvAllLagDum": 2.17736135874638, "incomp": 2.37939011151988, "epduration": -0.000559140981686183, "lntpop": 0.703106603602578}
NB_SE = {"(Intercept)": 0.87508366176349, "troopLag": 0.0623705725475554, "policeLag": 1.04213553889786, "militaryobserversLag": 1.30176695384028, "brv_AllLag": 0.000580393285800222, "osvAllLagDum": 0.176237674410706, "incomp": 0.187130816067354, "epduration": 0.00135813129505746, "lntpop": 0.0726653654701071}
NB_CL_HC0 = {"(Intercept)": 2.16977236460844, "troopLag": 0.0699987077520385, "policeLag": 1.99461468458777, "militaryobserversLag": 3.92026052198748, "brv_AllLag": 0.000437059141096324, "osvAllLagDum": 0.320841372823526, "incomp": 0.462454454721908, "epduration": 0.00334110455480435, "lntpop": 0.167730154117384}
NB_CL_HC1 = {"(Intercept)": 2.17209359807737, "troopLag": 0.0700735927242444, "policeLag": 1.99674853348318, "militaryobserversLag": 3.92445443655614, "brv_AllLag": 0.000437526709179855, "osvAllLagDum": 0.321184610549734, "incomp": 0.462949190840629, "epduration": 0.00334467888538498, "lntpop": 0.167909592686077}
NB_CL_HC0_NOADJ = {"(Intercept)": 2.13942440336468, "troopLag": 0.0690196566291555, "policeLag": 1.96671660176055, "militaryobserversLag": 3.86542900310227, "brv_AllLag": 0.000430946124776474, "osvAllLagDum": 0.316353859890531, "incomp": 0.455986241697441, "epduration": 0.00329437351831667, "lntpop": 0.165384162298339}
NB_STATA_CLUSTER = {"(Intercept)": 2.08441461155389, "troopLag": 0.0855313162417985, "policeLag": 1.54927001161149, "militaryobserversLag": 3.95611330319231, "brv_AllLag": 0.000658350702568522, "osvAllLagDum": 0.281010332689273, "incomp": 0.426472107036921, "epduration": 0.00378480283634312, "lntpop": 0.173571922660554}
NB_PRED = {"no_troops": 69.5050807199169, "troops_8000": 0.997829245344675}



def test_negbin_hks_model1_against_R(hks):
    """Hultman, Kathman & Shannon (2013) Table 1 Model 1: NB2, SEs clustered by conflict.

    Which R call each flavour reproduces: ``"CR0"`` = ``vcovCL(type = "HC0", cadjust = FALSE)``,
    ``"CR1"`` = ``vcovCL(type = "HC1")`` (G/(G-1) (n-1)/(n-k)), ``"vcovCL"`` =
    ``vcovCL(type = "HC0")`` = ``vcovCL()``'s default for ``negbin`` objects (G/(G-1)).

    R code::

        library(sandwich); library(MASS)
        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab")
        fh <- osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum +
              incomp + epduration + lntpop
        # glm.nb(fh, data = h) stops with "NA/NaN/Inf in 'x'" (IRLS diverges from its
        # default start), so start it at the NB2 optimum found by optim():
        mf <- model.frame(fh, h); X <- model.matrix(fh, mf); y <- model.response(mf)
        nll <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
          mu <- exp(eta); -sum(lgamma(th + y) - lgamma(th) - lgamma(y + 1) + th * log(th) +
                               y * eta - (th + y) * log(th + mu)) }
        gr <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
          mu <- exp(eta); -c(crossprod(X, (y - mu) * th / (th + mu)),
            th * sum(digamma(th + y) - digamma(th) + log(th) + 1 - log(th + mu) - (th + y) / (th + mu))) }
        o <- optim(c(log(mean(y)), rep(0, ncol(X) - 1), log(0.1)), nll, gr, method = "BFGS",
                   control = list(maxit = 10000, reltol = 1e-14))
        nb <- glm.nb(fh, data = h, start = setNames(o$par[-length(o$par)], colnames(X)),
                     init.theta = exp(o$par[length(o$par)]), control = glm.control(epsilon = 1e-14, maxit = 100))
        nobs(nb); logLik(nb); AIC(nb); BIC(nb); nb$theta; nb$SE.theta; deviance(nb); nb$null.deviance
        coef(nb); sqrt(diag(vcov(nb)))
        sqrt(diag(vcovCL(nb, cluster = ~conflict_id, type = "HC0", cadjust = FALSE)))
        sqrt(diag(vcovCL(nb, cluster = ~conflict_id, type = "HC1")))
        sqrt(diag(vcovCL(nb, cluster = ~conflict_id, type = "HC0")))   # = vcovCL(nb, cluster = ~conflict_id)
        nd <- data.frame(troopLag = c(0, 8), policeLag = 0, militaryobserversLag = 0,
                         brv_AllLag = mean(mf$brv_AllLag), osvAllLagDum = 1, incomp = 2,
                         epduration = mean(mf$epduration), lntpop = mean(mf$lntpop))
        predict(nb, nd, type = "response")
        # SE of theta at the final theta (MASS's info() evaluated at nb$theta)
        th <- nb$theta; mu <- fitted(nb); yy <- nb$y
        1 / sqrt(sum(-trigamma(th + yy) + trigamma(th) - 1/th + 2/(mu + th) - (yy + th)/(mu + th)^2))
    """
    # the personnel counts are already in thousands (UNOSOM, December 1993: 29,209 troops)
    assert hks["troopLag"].max() == pytest.approx(29.209)
    fit = reg.negbin(HKS_FORMULA, hks, cluster="conflict_id", vcov="CR0")
    assert fit.nobs == 3746 and fit.n_dropped == 3972 - 3746 and fit.n_clusters == 36
    assert_close(fit.params, NB_COEF)
    assert fit.theta == pytest.approx(0.0591942601838818, rel=1e-6)
    assert fit.alpha == pytest.approx(1 / 0.0591942601838818, rel=1e-6)
    # glm.nb's SE.theta is 1/sqrt(info) at theta.ml's last-but-one iterate (up to eps^0.25
    # away); at the final theta R gives 0.00228133303558104, which we match.
    assert fit.se_theta == pytest.approx(0.00228133303558104, rel=1e-6)
    assert fit.se_theta == pytest.approx(0.0022806677775114, rel=1e-3)
    assert fit.loglik == pytest.approx(-6260.15412387924, rel=1e-10)
    assert fit.aic == pytest.approx(12540.3082477585, rel=1e-10)  # counts theta: df = 10
    assert fit.bic == pytest.approx(12602.5926865885, rel=1e-10)
    assert fit.deviance == pytest.approx(1834.72542247462, rel=1e-6)  # at R's theta, 7e-8 away
    assert fit.null_deviance == pytest.approx(2862.12928980055, rel=1e-6)
    assert_close(fit.std_errors, NB_CL_HC0_NOADJ)
    assert_close(fit.with_vcov("CR1").std_errors, NB_CL_HC1)
    assert_close(fit.with_vcov("vcovCL").std_errors, NB_CL_HC0)
    assert_close(reg.negbin(HKS_FORMULA, hks).std_errors, NB_SE)
    g = fit.glance().iloc[0]
    assert g["theta"] == pytest.approx(0.0591942601838818, rel=1e-6) and g["n_clusters"] == 36
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

    R code::

        library(sandwich); library(MASS)
        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab")
        fh <- osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum +
              incomp + epduration + lntpop
        # glm.nb(fh, data = h) stops with "NA/NaN/Inf in 'x'" (IRLS diverges from its
        # default start), so start it at the NB2 optimum found by optim():
        mf <- model.frame(fh, h); X <- model.matrix(fh, mf); y <- model.response(mf)
        nll <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
          mu <- exp(eta); -sum(lgamma(th + y) - lgamma(th) - lgamma(y + 1) + th * log(th) +
                               y * eta - (th + y) * log(th + mu)) }
        gr <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
          mu <- exp(eta); -c(crossprod(X, (y - mu) * th / (th + mu)),
            th * sum(digamma(th + y) - digamma(th) + log(th) + 1 - log(th + mu) - (th + y) / (th + mu))) }
        o <- optim(c(log(mean(y)), rep(0, ncol(X) - 1), log(0.1)), nll, gr, method = "BFGS",
                   control = list(maxit = 10000, reltol = 1e-14))
        nb <- glm.nb(fh, data = h, start = setNames(o$par[-length(o$par)], colnames(X)),
                     init.theta = exp(o$par[length(o$par)]), control = glm.control(epsilon = 1e-14, maxit = 100))
        cl <- h$conflict_id[as.integer(rownames(mf))]
        b <- coef(nb); th <- nb$theta; eta <- drop(X %*% b); mu <- exp(eta)
        s_eta <- th * (y - mu) / (th + mu)
        s_tau <- th * (digamma(th + y) - digamma(th) + log(th) + 1 - log(th + mu) - (th + y) / (th + mu))
        h_eta <- -th * mu * (th + y) / (th + mu)^2
        h_et <- th * (y - mu) * mu / (th + mu)^2
        h_th <- trigamma(y + th) - trigamma(th) + 1 / th - 1 / (th + mu) - (mu - y) / (th + mu)^2
        h_tau <- s_tau + th^2 * h_th
        k <- ncol(X)
        H <- rbind(cbind(crossprod(X * h_eta, X), crossprod(X, h_et)), c(crossprod(X, h_et), sum(h_tau)))
        U <- rowsum(cbind(X * s_eta, s_tau), cl); G <- nrow(U)
        Hi <- solve(-H)
        sqrt(diag(G / (G - 1) * Hi %*% crossprod(U) %*% Hi))[1:k]
        # the analytic Hessian agrees with a numerical one (3e-5, finite-difference noise):
        pp <- c(b, log(th))
        Hn <- optimHess(pp, nll, gr, control = list(parscale = abs(pp), ndeps = rep(1e-5, length(pp))))
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
    assert fit.loglik >= -6260.15412387924 - 1e-9


# ============================================================================ OLS
OLS_FE_COEF = {"troopLag": -0.0144993546765689, "policeLag": -0.509434181412992, "militaryobserversLag": -0.458929846145245, "brv_AllLag": 0.00038769265655866, "osvAllLagDum": 1.41637433764499, "epduration": 0.00180593908883699, "lntpop": -1.32044650046755}
OLS_FE_SE = {"troopLag": 0.0107190456352852, "policeLag": 0.231182001474291, "militaryobserversLag": 0.328181503595419, "brv_AllLag": 0.000174018058940376, "osvAllLagDum": 0.0551918370774626, "epduration": 0.000816465124932871, "lntpop": 0.363837245294593}
OLS_FE_CL_HC1 = {"troopLag": 0.0117868305174489, "policeLag": 0.271365492710278, "militaryobserversLag": 0.709595617938746, "brv_AllLag": 0.00037883962180588, "osvAllLagDum": 0.117436182765591, "epduration": 0.00131176204489642, "lntpop": 1.08333226735519}
OLS_FE_CL_HC0 = {"troopLag": 0.0116952011730067, "policeLag": 0.269255931351567, "militaryobserversLag": 0.704079310463675, "brv_AllLag": 0.000375894570025978, "osvAllLagDum": 0.116523248586663, "epduration": 0.0013015645710242, "lntpop": 1.07491057796856}
OLS_FE_HC1 = {"troopLag": 0.00773518104020881, "policeLag": 0.209987404837066, "militaryobserversLag": 0.495062651654973, "brv_AllLag": 0.000287941520735404, "osvAllLagDum": 0.075539796717598, "epduration": 0.000617014001703865, "lntpop": 0.352648084160174}
OLS_FORMULA = "np.log1p(osvAll) ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum + epduration + lntpop"


def test_ols_two_way_fixed_effects_against_R(hks):
    """OLS with conflict and year fixed effects, SEs clustered by conflict.

    R code::

        library(sandwich)
        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab"); h$ly <- log1p(h$osvAll)
        ols <- lm(ly ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum +
                  epduration + lntpop + factor(conflict_id) + factor(year), data = h)
        nobs(ols); ols$rank; ols$df.residual; summary(ols)$r.squared; summary(ols)$adj.r.squared
        summary(ols)$sigma; logLik(ols)
        coef(ols); sqrt(diag(vcov(ols)))
        sqrt(diag(vcovCL(ols, cluster = ~conflict_id, type = "HC1")))  # = vcovCL() default for lm
        sqrt(diag(vcovCL(ols, cluster = ~conflict_id, type = "HC0")))  # G/(G-1) only
        sqrt(diag(vcovHC(ols, type = "HC1")))
    """
    fit = reg.ols(OLS_FORMULA, hks, fe=["conflict_id", "year"], cluster="conflict_id")
    assert fit.nobs == 3746 and fit.df_resid == 3687  # rank 59 = 7 slopes + 52 FE columns
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
    assert fit.r2 == pytest.approx(0.428610351389245, rel=1e-9)
    assert fit.adj_r2 == pytest.approx(0.419621851356855, rel=1e-9)
    assert fit.sigma == pytest.approx(1.19082211253103, rel=1e-9)
    assert fit.loglik == pytest.approx(-5939.82508471627, rel=1e-10)
    assert fit.dist == "t" and fit.glance().iloc[0]["fixed_effects"] == "conflict_id, year"
    # fixest-style formula gives the same fit
    fit2 = reg.ols(OLS_FORMULA + " | conflict_id + year", hks, cluster="conflict_id")
    assert_close(fit2.params, OLS_FE_COEF)
    # predictions include the fixed effects and reproduce the fitted values
    np.testing.assert_allclose(fit.predict().to_numpy(), fit.fitted.to_numpy(), rtol=1e-8, atol=1e-8)


WLS_COEF = {"(Intercept)": -1.33040386612459, "troopLag": -0.0145726584360204, "policeLag": 0.894805982525288, "brv_AllLag": 0.00386472912419605, "lntpop": 0.229835865010409}
WLS_SE = {"(Intercept)": 0.235687124966962, "troopLag": 0.0112288981604258, "policeLag": 0.239424370833121, "brv_AllLag": 0.000270027942634216, "lntpop": 0.0245768903626593}
WLS_HC1 = {"(Intercept)": 0.262762779014612, "troopLag": 0.00804351247966335, "policeLag": 0.294829415664382, "brv_AllLag": 0.000554681816924546, "lntpop": 0.0285786132846584}
WLS_CL_HC1 = {"(Intercept)": 1.27953139021497, "troopLag": 0.0251517466496413, "policeLag": 0.802492472254554, "brv_AllLag": 0.00149801760374036, "lntpop": 0.143579282524734}


def test_weighted_ols_against_R(hks):
    """Weighted least squares, R's ``lm(weights = )``.

    R code::

        library(sandwich)
        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab"); h$ly <- log1p(h$osvAll)
        w <- lm(ly ~ troopLag + policeLag + brv_AllLag + lntpop, data = h, weights = epduration)
        nobs(w); summary(w)$r.squared; coef(w); sqrt(diag(vcov(w)))
        sqrt(diag(vcovHC(w, type = "HC1"))); sqrt(diag(vcovCL(w, cluster = ~conflict_id)))
    """
    f = "np.log1p(osvAll) ~ troopLag + policeLag + brv_AllLag + lntpop"
    fit = reg.ols(f, hks, weights="epduration")
    assert fit.nobs == 3746
    assert_close(fit.params, WLS_COEF)
    assert_close(fit.std_errors, WLS_SE)
    assert_close(fit.with_vcov("HC1").std_errors, WLS_HC1)
    assert fit.r2 == pytest.approx(0.0822397148743741, rel=1e-9)
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
    import statsmodels.genmod.generalized_linear_model as glm_mod

    real_fit = glm_mod.GLM.fit

    def stubborn(self, *args, **kwargs):
        res = real_fit(self, *args, **{**kwargs, "maxiter": 1})
        res.converged = False
        return res

    monkeypatch.setattr(glm_mod.GLM, "fit", stubborn)
    with pytest.raises(ConvergenceError, match="IRLS did not converge"):
        reg.logit(DS_FORMULA, ds)


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


WLOGIT_COEF = {"(Intercept)": 4.24080829540293, "untype4": 3.12250621478319, "treaty": 2.07172783129766, "logcost": -0.435646111885593, "wartype": -0.207280532280744}
WLOGIT_SE = {"(Intercept)": 0.560138715466291, "untype4": 0.609572208915493, "treaty": 0.197557768907781, "logcost": 0.0451255869394189, "wartype": 0.194499920095117}
WLOGIT_HC1 = {"(Intercept)": 2.25882600940867, "untype4": 1.3595695376894, "treaty": 0.740495766643487, "logcost": 0.172930994048352, "wartype": 0.737136387725057}
WLOGIT_CL = {"(Intercept)": 2.05483180546695, "untype4": 1.79730074538133, "treaty": 0.772593444979054, "logcost": 0.162733974143046, "wartype": 0.688749396809593}


def test_weighted_logit_against_R(ds):
    """Prior weights in a logit (R's ``weights =``; non-integer, so R warns about #successes).

    R code::

        library(sandwich)
        d <- read.csv("../shared/data/doyle_sambanis2000/peace.csv")
        m <- glm(pbs2s3 ~ untype4 + treaty + logcost + wartype, family = binomial, data = d,
                 weights = wardur / 12, control = glm.control(epsilon = 1e-14, maxit = 100))
        nobs(m); coef(m); sqrt(diag(vcov(m))); sqrt(diag(vcovHC(m, type = "HC1")))
        sqrt(diag(vcovCL(m, cluster = ~decade, type = "HC1")))
    """
    d = ds.assign(w=ds["wardur"] / 12)
    fit = reg.logit("pbs2s3 ~ untype4 + treaty + logcost + wartype", d, weights="w")
    assert fit.nobs == 123
    assert_close(fit.params, WLOGIT_COEF)
    assert_close(fit.std_errors, WLOGIT_SE)
    assert_close(fit.with_vcov("HC1").std_errors, WLOGIT_HC1)
    clustered = reg.logit("pbs2s3 ~ untype4 + treaty + logcost + wartype", d, weights="w", cluster="decade")
    assert clustered.n_clusters == ds["decade"].nunique()
    assert_close(clustered.std_errors, WLOGIT_CL)


NBW_COEF = {"(Intercept)": -3.29137482112787, "troopLag": 1.18630860787512, "osvAllLagDum": 2.83308760053279, "lntpop": 0.210427199230099}
NBW_SE = {"(Intercept)": 0.492313564001849, "troopLag": 0.0207779967764406, "osvAllLagDum": 0.14668369154199, "lntpop": 0.0534470483630651}
NBW_CL = {"(Intercept)": 2.36752298916755, "troopLag": 0.0742753350776962, "osvAllLagDum": 0.752186589080085, "lntpop": 0.230107588425127}


def test_negbin_weights_and_offset_against_R(hks):
    """NB2 with prior weights and an exposure offset.

    Here glm.nb converges from its default start (its initial Poisson fit warns). Its
    theta is 2e-6 (relative) from the optimum (``theta.ml``'s ``eps^0.25`` stopping rule),
    so standard errors, which depend on theta, are compared at 1e-5.

    R code::

        library(MASS); library(sandwich)
        h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab")
        h$w <- 1 + h$incomp / 2
        nb <- glm.nb(osvAll ~ troopLag + osvAllLagDum + lntpop + offset(log(epduration)), data = h,
                     weights = w, control = glm.control(epsilon = 1e-14, maxit = 100))
        nb$theta; logLik(nb); nobs(nb); coef(nb); sqrt(diag(vcov(nb)))
        sqrt(diag(vcovCL(nb, cluster = ~conflict_id, type = "HC1")))
    """
    h = hks.assign(w=1 + hks["incomp"] / 2, log_dur=np.log(hks["epduration"]))
    fit = reg.negbin("osvAll ~ troopLag + osvAllLagDum + lntpop", h, weights="w", offset="log_dur",
                     cluster="conflict_id")
    assert fit.nobs == 3746
    assert_close(fit.params, NBW_COEF)
    assert fit.theta == pytest.approx(0.0381924005148237, rel=1e-5)
    assert fit.loglik == pytest.approx(-12667.9324552402, rel=1e-10)
    assert_close(fit.std_errors, NBW_CL, rtol=1e-5)
    assert_close(fit.with_vcov("model").std_errors, NBW_SE, rtol=1e-5)
    # clustering by another variable without refitting
    by_country = fit.with_vcov("CR1", cluster=fit.model_frame["conflict_id"].to_numpy() // 100)
    assert by_country.n_clusters < fit.n_clusters
