'''Parametric survival models (``survreg``) against R's ``survival::survreg`` on Fortna's ceasefires.

Single-row data: one row per spell (covariates of the first segment, ``pk_dum`` at the
spell's start; duration to the end of the last segment; 156 spells, 2 dropped for
missing ``wardur``/``logdead``, 96 clusters). R's ``survreg`` cannot fit left-truncated
(counting-process) data; those fits are checked against a log-likelihood written
independently in this file from scipy.stats' Weibull, exponential and log-logistic
(``fisk``) laws, maximised by scipy, with numerical derivatives for the SEs.

The golden values come from ``tests/r/parametric.R`` (survival 3.5.3; ``Rscript
tests/r/parametric.R`` from the repository root), which writes ``tests/data/parametric_r.json``,
read through ``tests/rfixtures.py``: ``survreg`` for the three laws with and without
``cluster = cluster`` and, for case weights, R's robust SEs and the sandwich with weighted
scores (``residuals(fit, "dfbeta", weighted = TRUE)``).

Measured agreement with R: coefficients and log(scale) to 6e-10 relative, SEs to 5e-11,
log-likelihoods to 2e-16, robust covariances to 3e-8 (R stops its Newton iterations
at a relative log-likelihood change of 1e-9, which limits the agreement); the tests use
1e-6.
'''

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from peacestats.errors import ConvergenceError, SpecificationError, SurvivalDataError
from peacestats.models.parametric import ParametricResult, survreg
from peacestats.models.results import ModelResult
from peacestats.sources import fortna_ceasefires
from rfixtures import load

COVS = ["pk_dum", "victory", "treaty", "wardur", "logdead", "wartype"]
FORMULA = " + ".join(COVS)
TERMS = ["(Intercept)", *COVS]


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    d = fortna_ceasefires.load()
    return d.sort_values(["id", "st_t0"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def spells(segments) -> pd.DataFrame:
    """One row per spell, built as the R code builds ``sp``."""
    first = segments.drop_duplicates("id", keep="first").reset_index(drop=True)
    last = segments.drop_duplicates("id", keep="last").reset_index(drop=True)
    sp = first.copy()
    sp["stop"] = last["st_t"].to_numpy()
    sp["event"] = last["st_d"].to_numpy()
    sp["wi"] = 1 + (sp["id"].astype(int) % 3)
    return sp


# ----------------------------------------------------------------------------- against R
@pytest.mark.parametrize("dist", ["weibull", "exponential", "loglogistic"])
def test_survreg_against_R(spells, dist):
    """``survreg(Surv(stop, event) ~ pk_dum + victory + treaty + wardur + logdead + wartype, sp, dist = dist)``."""
    r = R_SURVREG
    m = survreg(FORMULA, spells, stop="stop", event="event", dist=dist, metric="aft")
    assert isinstance(m, ParametricResult) and isinstance(m, ModelResult)
    names = TERMS + ([] if dist == "exponential" else ["log(scale)"])
    assert list(m.params.index) == names
    assert m.nobs == r[f"{dist}_n"][0] == 154 and m.n_dropped == 2 and m.n_events == 82
    np.testing.assert_allclose(m.params, r[f"{dist}_coef"], rtol=1e-6)
    np.testing.assert_allclose(m.std_errors, r[f"{dist}_se"], rtol=1e-6)
    assert m.loglik == pytest.approx(r[f"{dist}_loglik"][0], rel=1e-9)
    assert m.aic == pytest.approx(-2 * r[f"{dist}_loglik"][0] + 2 * len(names), rel=1e-9)
    # cluster-robust: survreg(..., cluster = cluster)
    mr = survreg(FORMULA, spells, stop="stop", event="event", dist=dist, cluster="cluster", metric="aft")
    assert mr.n_clusters == 96
    np.testing.assert_allclose(mr.params, m.params, rtol=1e-10)
    k = len(names)
    np.testing.assert_allclose(mr.vcov.to_numpy(), np.reshape(r[f"{dist}_robust_vcov"], (k, k), order="F"),
                               rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(mr.vcov_naive, m.vcov, rtol=1e-9)
    assert mr.vcov_type == "robust (clustered on cluster, 96 clusters)"
    # Stata's small-sample factor G/(G-1), on request
    ms = survreg(FORMULA, spells, stop="stop", event="event", dist=dist, cluster="cluster", cluster_df_correction=True)
    np.testing.assert_allclose(ms.vcov, mr.vcov * 96 / 95, rtol=1e-10)


def test_survreg_weights_against_R(spells):
    """``survreg(Surv(stop, event) ~ pk_dum + victory + treaty, sp, weights = wi)`` (Weibull).

    Robust SEs with weights use the weighted scores w_i U_i (R's
    ``residuals(fit, "dfbeta", weighted = TRUE)``); R's own ``cluster =`` variance drops
    the weights from the scores, so it differs, which the test records.
    """
    r = R_SURVREG
    m = survreg("pk_dum + victory + treaty", spells, stop="stop", event="event", weights="wi", cluster="cluster")
    np.testing.assert_allclose(m.params, r["wt_coef"], rtol=1e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(m.vcov_naive)), r["wt_se"], rtol=1e-6)
    assert m.loglik == pytest.approx(r["wt_loglik"][0], rel=1e-9)
    np.testing.assert_allclose(m.std_errors, r["wt_robust_se_weighted_scores"], rtol=1e-6)
    assert not np.allclose(m.std_errors, r["wt_robust_se_R_default"], rtol=0.1)
    # integer case weights equal repeated rows (naive SEs, estimates, log-likelihood)
    rep = spells.loc[spells.index.repeat(spells["wi"].astype(int))]
    mrep = survreg("pk_dum + victory + treaty", rep, stop="stop", event="event")
    np.testing.assert_allclose(mrep.params, m.params, rtol=1e-8)
    np.testing.assert_allclose(mrep.std_errors, np.sqrt(np.diag(m.vcov_naive)), rtol=1e-8)


# ----------------------------------------------------------------------------- left truncation
def _indep_loglik_rows(theta, X, t0, t, ev, dist):
    """Per-row log-likelihood from scipy.stats laws: d log f(t) + (1 - d) log S(t) - log S(t0)."""
    k = X.shape[1]
    scale = np.exp(X @ theta[:k])
    if dist == "weibull":
        law = stats.weibull_min(c=np.exp(-theta[k]), scale=scale)
    elif dist == "exponential":
        law = stats.expon(scale=scale)
    else:
        law = stats.fisk(c=np.exp(-theta[k]), scale=scale)
    out = np.where(ev == 1, law.logpdf(t), law.logsf(t))
    trunc = t0 > 0
    return out - np.where(trunc, law.logsf(np.where(trunc, t0, 1.0)), 0.0)


def _num_scores(f, theta, h=1e-5):
    """Per-row central-difference gradients of the per-row log-likelihood ``f``."""
    cols = []
    for j in range(len(theta)):
        e = np.zeros(len(theta))
        e[j] = h
        cols.append((f(theta + e) - f(theta - e)) / (2 * h))
    return np.column_stack(cols)


def _num_hessian(f, theta, h=1e-4):
    k = len(theta)
    H = np.zeros((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        H[:, j] = (_num_scores(f, theta + e).sum(0) - _num_scores(f, theta - e).sum(0)) / (2 * h)
    return (H + H.T) / 2


@pytest.mark.parametrize("dist", ["weibull", "exponential", "loglogistic"])
def test_left_truncated_against_independent_likelihood(segments, dist):
    """Counting-process rows (st_t0, st_t] with time-varying ``pk_dum``, where R's survreg cannot go.

    The reference maximises the log-likelihood of the methods note,
    sum_i [d_i log f(t_i) + (1 - d_i) log S(t_i) - log S(t0_i)], built from scipy.stats'
    laws (BFGS then Nelder-Mead), and takes SEs from a numerical Hessian and clustered
    SEs from numerical per-row scores. Tolerances: estimates 1e-5 (the derivative-free
    reference optimum), SEs 1e-3 (finite differences); the log-likelihood at our
    estimate must equal the reference function to 1e-12 and beat its optimum.
    """
    cp = segments.dropna(subset=COVS)
    assert len(cp) == 190
    X = np.column_stack([np.ones(len(cp))] + [cp[c].to_numpy(float) for c in COVS])
    t0, t, ev = (cp[c].to_numpy(float) for c in ("st_t0", "st_t", "st_d"))
    assert (t0 > 0).sum() == 36  # later segments enter late

    m = survreg(FORMULA, segments, start="st_t0", stop="st_t", event="st_d", dist=dist, cluster="cluster")
    assert m.nobs == 190 and m.n_events == 82 and m.data_info["n_truncated"] == 36
    theta = m.params.to_numpy()
    rows = lambda p: _indep_loglik_rows(p, X, t0, t, ev, dist)  # noqa: E731
    assert m.loglik == pytest.approx(rows(theta).sum(), rel=1e-12)

    f = lambda p: -rows(p).sum()  # noqa: E731
    x0 = np.r_[8.0, np.zeros(len(theta) - 1)]
    ref = optimize.minimize(f, x0, method="BFGS", options={"gtol": 1e-8, "maxiter": 10000})
    ref = optimize.minimize(f, ref.x, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
    assert m.loglik >= -ref.fun - 1e-9
    np.testing.assert_allclose(theta, ref.x, rtol=1e-5, atol=1e-6)

    V = np.linalg.inv(-_num_hessian(rows, theta))
    np.testing.assert_allclose(np.sqrt(np.diag(m.vcov_naive)), np.sqrt(np.diag(V)), rtol=1e-3)
    S = _num_scores(rows, theta)
    g = pd.factorize(cp["cluster"])[0]
    Ug = np.zeros((g.max() + 1, len(theta)))
    np.add.at(Ug, g, S)
    np.testing.assert_allclose(m.std_errors, np.sqrt(np.diag(V @ Ug.T @ Ug @ V)), rtol=1e-3)


def test_ph_metric_against_direct_hazard_likelihood(segments):
    """The PH/AFT link on left-truncated data: fit h(t) = lambda p t^(p-1) directly.

    loglik = sum d (x'b + log p + (p - 1) log t) - exp(x'b) (t^p - t0^p), maximised over
    (b, log p) with an analytic gradient; then b_PH = -b_AFT/sigma and log p = -log sigma,
    and the delta-method SEs equal the inverse-Hessian SEs in this parameterisation.
    """
    cp = segments.dropna(subset=COVS)
    X = np.column_stack([np.ones(len(cp))] + [cp[c].to_numpy(float) for c in COVS])
    t0, t, ev = (cp[c].to_numpy(float) for c in ("st_t0", "st_t", "st_d"))
    lt = np.log(t)
    lt0 = np.log(np.where(t0 > 0, t0, 1.0))
    k = X.shape[1]

    def negll(par):
        b, p = par[:k], np.exp(par[k])
        lam = np.exp(X @ b)
        H = lam * (t**p - np.where(t0 > 0, t0**p, 0.0))
        return -np.sum(ev * (X @ b + np.log(p) + (p - 1) * lt) - H)

    def grad(par):
        b, p = par[:k], np.exp(par[k])
        lam = np.exp(X @ b)
        tp, t0p = t**p, np.where(t0 > 0, t0**p, 0.0)
        gb = X.T @ (ev - lam * (tp - t0p))
        gp = np.sum(ev * (1 + p * lt) - lam * p * (tp * lt - t0p * lt0))
        return -np.r_[gb, gp]

    ref = optimize.minimize(negll, np.r_[-8.0, np.zeros(k)], jac=grad, method="BFGS",
                            options={"gtol": 1e-9, "maxiter": 20000})
    m = survreg(FORMULA, segments, start="st_t0", stop="st_t", event="st_d", dist="weibull")
    ph, vph = m.params_in("ph")
    assert list(ph.index) == [*TERMS, "log(p)"]
    np.testing.assert_allclose(ph, ref.x, rtol=1e-5, atol=1e-7)
    assert -ref.fun == pytest.approx(m.loglik, rel=1e-10)
    # SEs: numerical Hessian of the direct likelihood (central differences of the gradient)
    H = np.zeros((k + 1, k + 1))
    for j in range(k + 1):
        e = np.zeros(k + 1)
        e[j] = 1e-5
        H[:, j] = (grad(ref.x + e) - grad(ref.x - e)) / 2e-5
    se_direct = np.sqrt(np.diag(np.linalg.inv((H + H.T) / 2)))
    np.testing.assert_allclose(np.sqrt(np.diag(vph)), se_direct, rtol=1e-4)
    # hazard ratios in tidy() are exp(b_PH), with shape p = 1/sigma
    td = m.tidy(metric="ph").set_index("term")
    assert td.loc["pk_dum", "exp_estimate"] == pytest.approx(math.exp(ph["pk_dum"]), rel=1e-12)
    assert td.loc["log(p)", "exp_estimate"] == pytest.approx(m.shape, rel=1e-12)
    assert m.shape == pytest.approx(1 / m.scale, rel=1e-15)


def test_split_spells_give_the_same_fit(spells):
    """Cutting every spell at 365 days into (0, 365] and (365, stop] rows changes nothing.

    With constant covariates the split likelihood telescopes: H(stop) - H(365) + H(365) - H(0).
    Clustering on the spell makes the robust SEs equal too.
    """
    df = spells.dropna(subset=COVS).assign(start=0.0)
    long = df[df["stop"] > 365]
    a = long.assign(stop=365.0, event=0.0)
    b = long.assign(start=365.0)
    split = pd.concat([df[df["stop"] <= 365], a, b], ignore_index=True)
    assert len(split) == len(df) + len(long)
    for dist in ("weibull", "loglogistic"):
        m1 = survreg(FORMULA, df, stop="stop", event="event", dist=dist, cluster="id")
        m2 = survreg(FORMULA, split, start="start", stop="stop", event="event", dist=dist, cluster="id")
        np.testing.assert_allclose(m2.params, m1.params, rtol=1e-8)
        assert m2.loglik == pytest.approx(m1.loglik, rel=1e-12)
        np.testing.assert_allclose(m2.vcov_naive, m1.vcov_naive, rtol=1e-6)
        np.testing.assert_allclose(m2.std_errors, m1.std_errors, rtol=1e-6)


def test_simulation_recovers_truth():
    """Seeded Weibull data with delayed entry: shape p = 1.5, HR = 0.5 lie in their 95% CIs.

    h(t) = lambda p t^(p-1), lambda = exp(log(0.01) + log(0.5) x + 0.3 z); entry
    t0 ~ U(0, 3) with spells ending before entry unobserved; censoring at U(0, 40).
    """
    rng = np.random.default_rng(20240611)
    n = 4000
    x = rng.binomial(1, 0.5, n)
    z = rng.normal(size=n)
    p = 1.5
    lam = np.exp(np.log(0.01) + np.log(0.5) * x + 0.3 * z)
    T = (rng.exponential(size=n) / lam) ** (1 / p)
    t0 = rng.uniform(0, 3, n)
    C = rng.uniform(0, 40, n)
    keep = T > t0
    df = pd.DataFrame({"x": x, "z": z, "t0": t0, "stop": np.minimum(T, C), "event": (T <= C).astype(float)})[keep]
    df = df[df["stop"] > df["t0"]]
    m = survreg("x + z", df, start="t0", stop="stop", event="event")
    assert 0.2 < 1 - df["event"].mean() < 0.8
    t = m.tidy(metric="ph").set_index("term")
    assert t.loc["x", "exp_conf_low"] < 0.5 < t.loc["x", "exp_conf_high"]
    assert t.loc["z", "conf_low"] < 0.3 < t.loc["z", "conf_high"]
    assert t.loc["log(p)", "exp_conf_low"] < p < t.loc["log(p)", "exp_conf_high"]
    assert t.loc["(Intercept)", "conf_low"] < math.log(0.01) < t.loc["(Intercept)", "conf_high"]
    rr = m.risk_reduction("x")
    assert rr["conf_low"].iloc[0] < 0.5 < rr["conf_high"].iloc[0]


# ----------------------------------------------------------------------------- result surface
def test_tidy_metrics_and_glance(spells):
    w = survreg(FORMULA, spells, stop="stop", event="event", cluster="cluster")
    assert w.model == "Weibull PH" and w.exp_label == "HR"
    aft = w.tidy(metric="aft")
    np.testing.assert_allclose(aft["estimate"], w.params, rtol=0)
    np.testing.assert_allclose(aft["exp_estimate"], np.exp(w.params), rtol=1e-15)  # time ratios
    ph = w.tidy().set_index("term")  # default metric: PH
    assert (ph["metric"] == "ph").all()
    sigma = w.scale
    for term in TERMS:
        assert ph.loc[term, "estimate"] == pytest.approx(-w.params[term] / sigma, rel=1e-14)
    assert ph.loc["log(p)", "estimate"] == pytest.approx(-w.params["log(scale)"], rel=1e-14)
    # z statistics of the covariates differ between metrics (the delta method uses Var(log sigma))
    assert ph.loc["pk_dum", "std_error"] != pytest.approx(w.std_errors["pk_dum"] / sigma, rel=1e-6)
    assert list(ph.columns[:7]) == ["metric", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
    g = w.glance().iloc[0]
    assert (g["n"], g["n_events"], g["n_clusters"], g["dist"]) == (154, 82, 96, "weibull")
    assert g["shape_p"] == pytest.approx(1 / math.exp(R_SURVREG["weibull_coef"][-1]), rel=1e-6)
    assert g["scale"] == pytest.approx(math.exp(R_SURVREG["weibull_coef"][-1]), rel=1e-6)
    assert g["aic"] == pytest.approx(-2 * R_SURVREG["weibull_loglik"][0] + 16, rel=1e-9)
    # exponential: b_PH = -b_AFT, same SEs
    e = survreg(FORMULA, spells, stop="stop", event="event", dist="exponential")
    pe, ve = e.params_in("ph")
    np.testing.assert_allclose(pe, -e.params, rtol=0)
    np.testing.assert_allclose(ve, e.vcov, rtol=1e-15)
    assert e.shape == 1.0
    # log-logistic: AFT only
    ll = survreg(FORMULA, spells, stop="stop", event="event", dist="loglogistic")
    assert ll.metric == "aft" and ll.exp_label == "TR" and ll.model == "Log-logistic AFT"
    with pytest.raises(SpecificationError, match="no proportional-hazards metric"):
        ll.tidy(metric="ph")
    with pytest.raises(SpecificationError, match="needs a PH model"):
        ll.risk_reduction("pk_dum")


def test_risk_reduction(spells):
    m = survreg(FORMULA, spells, stop="stop", event="event", cluster="cluster")
    rr = m.risk_reduction("pk_dum").iloc[0]
    t = m.tidy(metric="ph").set_index("term").loc["pk_dum"]
    assert rr["hazard_ratio"] == pytest.approx(math.exp(t["estimate"]), rel=1e-14)
    assert rr["risk_reduction"] == pytest.approx(1 - math.exp(t["estimate"]), rel=1e-14)
    assert rr["conf_low"] == pytest.approx(1 - math.exp(t["conf_high"]), rel=1e-14)
    assert rr["conf_high"] == pytest.approx(1 - math.exp(t["conf_low"]), rel=1e-14)
    # peacekeeping at the start of a spell: about half the hazard of renewed war
    assert 0.4 < rr["risk_reduction"] < 0.6 and rr["conf_low"] > 0
    with pytest.raises(SpecificationError, match="not a covariate"):
        m.risk_reduction("log(p)")


@pytest.mark.parametrize("dist", ["weibull", "loglogistic"])
def test_survival_function(spells, dist):
    """S(t|x) equals the closed form; the CI is the delta method on z = (log t - x'b)/sigma."""
    m = survreg(FORMULA, spells, stop="stop", event="event", dist=dist, cluster="cluster")
    prof = pd.DataFrame({"pk_dum": [0, 1], "victory": 0, "treaty": 1, "wardur": 5.0, "logdead": 10.0, "wartype": 1})
    out = m.survival_function(prof, [365, 1825, 3650])
    assert len(out) == 6 and {"pk_dum", "victory"} <= set(out.columns)
    b = m.params
    sigma = m.scale
    V = m.vcov.to_numpy()
    for _, row in out.iterrows():
        x = np.r_[1.0, [prof.loc[row["profile"], c] for c in COVS]]
        mu = x @ b[TERMS].to_numpy()
        if dist == "weibull":  # S = exp(-lambda t^p), lambda = exp(-mu/sigma), p = 1/sigma
            s = math.exp(-math.exp(-mu / sigma) * row["time"] ** (1 / sigma))
        else:  # S = 1 / (1 + (t / exp(mu))^(1/sigma))
            s = 1 / (1 + (row["time"] / math.exp(mu)) ** (1 / sigma))
        assert row["survival"] == pytest.approx(s, rel=1e-12)
        zfun = lambda th, t=row["time"], x=x: (math.log(t) - x @ th[:-1]) / math.exp(th[-1])  # noqa: E731
        gnum = np.array([(zfun(b.to_numpy() + h) - zfun(b.to_numpy() - h)) / 2e-6
                         for h in np.eye(len(b)) * 1e-6])
        se = math.sqrt(gnum @ V @ gnum)
        assert row["std_error"] == pytest.approx(se, rel=1e-6)
        assert row["conf_low"] < row["survival"] < row["conf_high"]
    # peacekeeping raises survival in this model
    s = out.set_index(["profile", "time"])["survival"]
    assert s[(1, 1825)] > s[(0, 1825)]
    with pytest.raises(SpecificationError):
        m.survival_function(prof, [0, 10])
    with pytest.raises(SpecificationError):
        m.survival_function(prof.drop(columns="treaty"), [10])


def test_display_plot_provenance(spells):
    m = survreg(FORMULA, spells, stop="stop", event="event", cluster="cluster")
    text = m.summary()
    assert text.startswith("Weibull PH: pk_dum + victory")
    assert "HR" in text and "Weibull shape p = 0.5481" in text and "2 rows with missing values dropped" in text
    assert "clustered on cluster" in text
    assert "<table" in m._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = m.plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == COVS
    assert ax.get_xscale() == "log"
    plt.close("all")
    prov = m.provenance
    assert prov["options"]["dist"] == "weibull" and prov["options"]["cluster"] == "cluster"
    assert "numpy" in prov["versions"] and prov["data"]["n_dropped"] == 2
    aft = survreg(FORMULA, spells, stop="stop", event="event", metric="aft")
    assert aft.model == "Weibull AFT" and "TR" in aft.summary()


def test_formula_forms(spells, segments):
    """R-style ``Surv(start, stop, event) ~ x + cluster(g)`` equals the keyword form; factors; intercept only."""
    a = survreg(FORMULA, segments, start="st_t0", stop="st_t", event="st_d", cluster="cluster")
    b = survreg(f"Surv(st_t0, st_t, st_d) ~ {FORMULA} + cluster(cluster)", segments)
    np.testing.assert_allclose(b.params, a.params, rtol=1e-12)
    np.testing.assert_allclose(b.vcov, a.vcov, rtol=1e-12)
    assert b.n_clusters == a.n_clusters == 96
    # C(wartype) codes the same 0/1 column as wartype (R's factor(wartype))
    c = survreg("pk_dum + C(wartype)", spells, stop="stop", event="event")
    d = survreg("pk_dum + wartype", spells, stop="stop", event="event")
    # (patsy puts factor columns before numeric ones; R keeps the formula's order)
    assert sorted(c.params.index) == sorted(["(Intercept)", "pk_dum", "C(wartype)[T.1.0]", "log(scale)"])
    assert c.params["C(wartype)[T.1.0]"] == pytest.approx(d.params["wartype"], rel=1e-10)
    assert c.params["pk_dum"] == pytest.approx(d.params["pk_dum"], rel=1e-10)
    assert c.loglik == pytest.approx(d.loglik, rel=1e-14)
    # intercept-only exponential: exp(b0) = total time at risk / events, SE 1/sqrt(events)
    e = survreg("1", spells, stop="stop", event="event", dist="exponential")
    assert list(e.params.index) == ["(Intercept)"]
    assert e.params.iloc[0] == pytest.approx(math.log(spells["stop"].sum() / 84), rel=1e-10)
    assert e.std_errors.iloc[0] == pytest.approx(1 / math.sqrt(84), rel=1e-8)
    sf = e.survival_function(pd.DataFrame(index=[0]), [365.0])
    assert sf["survival"].iloc[0] == pytest.approx(math.exp(-365 * 84 / spells["stop"].sum()), rel=1e-10)
    # no intercept
    f = survreg("pk_dum + victory - 1", spells, stop="stop", event="event")
    assert list(f.params.index) == ["pk_dum", "victory", "log(scale)"]


# ----------------------------------------------------------------------------- bad input
def test_bad_input(spells, segments):
    sp = spells.dropna(subset=COVS)
    with pytest.raises(SurvivalDataError, match="start < stop"):
        survreg("pk_dum", segments.assign(st_t0=segments["st_t"]), start="st_t0", stop="st_t", event="st_d")
    with pytest.raises(SurvivalDataError, match="negative time"):
        survreg("pk_dum", sp.assign(stop=-sp["stop"]), stop="stop", event="event")
    with pytest.raises(SurvivalDataError, match="negative entry"):
        survreg("pk_dum", sp.assign(start=-1.0), start="start", stop="stop", event="event")
    with pytest.raises(SurvivalDataError, match="times > 0"):
        survreg("pk_dum", sp.assign(stop=0.0), stop="stop", event="event")
    with pytest.raises(SurvivalDataError, match="no events"):
        survreg("pk_dum", sp.assign(event=0.0), stop="stop", event="event")
    with pytest.raises(SpecificationError, match="no column 'peacekeeping'"):
        survreg("peacekeeping + victory", sp, stop="stop", event="event")
    with pytest.raises(SpecificationError, match="no column 'duration'"):
        survreg("pk_dum", sp, stop="duration", event="event")
    with pytest.raises(SpecificationError, match="give stop= and event="):
        survreg("pk_dum", sp)
    with pytest.raises(SpecificationError, match="contradicts"):
        survreg("Surv(stop, event) ~ pk_dum", sp, stop="months")
    with pytest.raises(SpecificationError, match="strata"):
        survreg("Surv(stop, event) ~ pk_dum + strata(wartype)", sp)
    with pytest.raises(SpecificationError, match="dist must be one of"):
        survreg("pk_dum", sp, stop="stop", event="event", dist="gompertz")
    with pytest.raises(SpecificationError, match="no PH metric"):
        survreg("pk_dum", sp, stop="stop", event="event", dist="loglogistic", metric="ph")
    with pytest.raises(SpecificationError, match="collinear"):
        survreg("pk_dum + I(2 * pk_dum)", sp, stop="stop", event="event")
    with pytest.raises(SpecificationError, match="single value"):
        survreg("pk_dum", sp.assign(one="a"), stop="stop", event="event", cluster="one")
    with pytest.raises(SpecificationError, match="left-hand side must be Surv"):
        survreg("stop ~ pk_dum", sp, stop="stop", event="event")


def test_separation_raises_convergence_error(spells):
    """A covariate that perfectly separates failures from survivors has no finite MLE.

    R's survreg returns a huge coefficient here; we refuse (the Newton step never shrinks).
    """
    sp = spells.dropna(subset=COVS).copy()
    sp["sep"] = 1.0 - sp["event"]
    for dist in ("weibull", "exponential", "loglogistic"):
        with pytest.raises(ConvergenceError, match="did not converge"):
            survreg("sep", sp, stop="stop", event="event", dist=dist)


# ----------------------------------------------------------------------------- R fixtures
R_SURVREG = load("parametric")  # tests/r/parametric.R
