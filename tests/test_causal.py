"""Selection adjustment: propensity scores, IPW, matching, balance and E-values.

Golden values come from R 4.x (base ``glm``, ``survival::coxph``): ``tests/r/causal.R``
writes ``tests/data/causal_r.json`` (R reads the original files), read through
``tests/rfixtures.py``; or from the published examples of
VanderWeele & Ding (2017) and the R package EValue's vignette. The simulations
are seeded: a known treatment effect with confounding, where the naive
difference is biased and the adjusted estimate recovers the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import ModelError, SpecificationError
from peacestats.models import causal

import rfixtures  # noqa: E402 - the tests folder's fixture reader

PS_FORMULA = "un2int ~ wartype + logcost + wardur + factnum + trnsfcap + treaty + develop + exp + decade"
COVS = ["wartype", "logcost", "wardur", "factnum", "trnsfcap", "treaty", "develop", "exp", "decade"]

# R: tests/r/causal.R (scalars come as one-element lists)
R_DS = rfixtures.load("causal")["doyle_sambanis"]
R_IPW = rfixtures.load("causal")["fortna_ipw"]
R_COEF = dict(zip(R_DS["terms"], R_DS["coef"]))
R_SE = dict(zip(R_DS["terms"], R_DS["se"]))
R_ROWS = R_DS["rows"]  # 0-based rows of peace.csv
R_PS, R_W_ATE, R_W_ATT = R_DS["ps"], R_DS["w_ate"], R_DS["w_att"]
# smd, smd_adj (stabilized ATE weights), var ratio, var ratio adj (NaN: binary covariate)
R_BAL = {
    cov: tuple(np.nan if b[k][0] is None else b[k][0] for k in ("smd", "smd_adj", "var_ratio", "var_ratio_adj"))
    for cov, b in R_DS["balance"].items()
}


@pytest.fixture(scope="module")
def ds():
    from peacestats.sources import doyle_sambanis

    return doyle_sambanis.load()


@pytest.fixture(scope="module")
def ps_ds(ds):
    return causal.propensity_score(PS_FORMULA, ds)


# ============================================================ propensity score, real data
def test_propensity_score_against_R(ds, ps_ds):
    """Doyle & Sambanis: UN intervention (un2int) on war characteristics, logit.

    R: ``glm(un2int ~ ..., family = binomial, control = glm.control(epsilon = 1e-14))`` in
    ``tests/r/causal.R``: coefficients, SEs, logLik, nobs, the rows without a score, scores.
    """
    tidy = ps_ds.fit.tidy().set_index("term")
    for term, v in R_COEF.items():
        assert tidy.loc[term, "estimate"] == pytest.approx(v, rel=1e-6)
        assert tidy.loc[term, "std_error"] == pytest.approx(R_SE[term], rel=1e-6)
    assert ps_ds.fit.loglik == pytest.approx(R_DS["loglik"][0], rel=1e-9)
    assert ps_ds.fit.nobs == R_DS["nobs"][0] == 122
    assert ps_ds.treatment[ps_ds.used].sum() == 45  # treated among the rows used
    # scores aligned to the data's index; the two rows with missing covariates flagged
    assert ps_ds.scores.index.equals(ds.index)
    assert len(ps_ds.scores) == 124
    assert ps_ds.dropped.tolist() == R_DS["dropped"] == [18, 46]
    assert ps_ds.n_dropped == 2
    assert ps_ds.scores.iloc[[18, 46]].isna().all()
    assert ds.loc[18, ["logcost", "trnsfcap"]].isna().any() and ds.loc[46, ["logcost", "trnsfcap"]].isna().any()
    np.testing.assert_allclose(ps_ds.scores.iloc[R_ROWS].to_numpy(), R_PS, rtol=1e-7)
    assert ps_ds.treatment.sum() == 45  # 45 UN interventions in the 124 wars
    ov = ps_ds.overlap()
    assert ov.loc["treated", "n"] == 45 and ov.loc["untreated", "n"] == 77


def test_propensity_scores_follow_the_index_not_the_position(ds, ps_ds):
    """Shuffled rows and text labels: every war keeps its own score."""
    lab = ds.assign(key=ds["ccode"].astype(str) + "-" + ds["yrbeg"].astype(str)).set_index("key")
    shuffled = lab.sample(frac=1.0, random_state=3)
    ps2 = causal.propensity_score(PS_FORMULA, shuffled)
    assert ps2.scores.index.equals(shuffled.index)
    expected = pd.Series(ps_ds.scores.to_numpy(), index=lab.index)
    pd.testing.assert_series_equal(ps2.scores.reindex(lab.index), expected, check_names=False, rtol=1e-9)
    assert set(ps2.dropped) == set(lab.index[[18, 46]])


def test_probit_and_displays(ds):
    ps = causal.propensity_score(PS_FORMULA, ds, method="probit")
    assert ps.fit.model == "Probit"
    assert ps.scores.notna().sum() == 122
    assert ps.scores.dropna().between(0, 1).all()
    text = str(ps)
    assert "Propensity score (probit)" in text and "without a score (missing values): 2" in text
    assert "<table" in ps._repr_html_()
    ax = ps.plot()
    assert ax.get_xlabel() == "Propensity score"


# ============================================================ IPW and balance, real data
def test_ipw_weights_against_R(ps_ds):
    """Stabilized ATE and ATT weights from the R scores above.

    R: ``ifelse(t == 1, p1 / ps, (1 - p1) / (1 - ps))`` and the ATT weights, from R's scores
    (``tests/r/causal.R``).
    """
    w = causal.ipw_weights(ps_ds.treatment, ps_ds)
    assert w.index.equals(ps_ds.scores.index)
    np.testing.assert_allclose(w.iloc[R_ROWS].to_numpy(), R_W_ATE, rtol=1e-7)
    assert w.sum() == pytest.approx(R_DS["w_ate_sum"][0], rel=1e-8)
    assert w.iloc[[18, 46]].isna().all() and w.attrs["n_missing"] == 2
    assert w.attrs["p_treated"] == pytest.approx(45 / 122)
    watt = causal.ipw_weights(ps_ds.treatment, ps_ds.scores, estimand="ATT")
    np.testing.assert_allclose(watt.iloc[R_ROWS].to_numpy(), R_W_ATT, rtol=1e-7)
    # unstabilized ATE weights are 1/e and 1/(1-e)
    wu = causal.ipw_weights(ps_ds.treatment, ps_ds, stabilized=False)
    e, t = ps_ds.scores, ps_ds.treatment
    np.testing.assert_allclose(wu.dropna(), np.where(t == 1, 1 / e, 1 / (1 - e))[e.notna()], rtol=1e-12)


def test_balance_against_R(ds, ps_ds):
    """SMDs and variance ratios before and after stabilized ATE weighting.

    R: ``smd()`` (pooled SD of the unadjusted sample, p(1 - p) for binary covariates) and the
    reliability-weighted variance ratios of ``tests/r/causal.R``, with R's stabilized weights.
    """
    w = causal.ipw_weights(ps_ds.treatment, ps_ds)
    bal = causal.balance_table(ds, treatment="un2int", covariates=COVS, weights=w)
    assert bal.attrs["n_treated"] == 45 and bal.attrs["n_control"] == 77
    assert list(bal.index) == COVS
    assert bal.loc["wartype", "type"] == "binary" and bal.loc["logcost", "type"] == "continuous"
    for cov, (smd, smd_adj, vr, vr_adj) in R_BAL.items():
        assert bal.loc[cov, "smd"] == pytest.approx(smd, rel=1e-9)
        assert bal.loc[cov, "smd_adj"] == pytest.approx(smd_adj, rel=1e-6)
        if np.isnan(vr):
            assert np.isnan(bal.loc[cov, "var_ratio"]) and np.isnan(bal.loc[cov, "var_ratio_adj"])
        else:
            assert bal.loc[cov, "var_ratio"] == pytest.approx(vr, rel=1e-9)
            assert bal.loc[cov, "var_ratio_adj"] == pytest.approx(vr_adj, rel=1e-6)
    # weighting shrinks the big imbalances (treaty 0.81 -> 0.01, logcost 0.43 -> 0.01)
    assert bal["smd_adj"].abs().max() < 0.15 < bal["smd"].abs().max()


def test_balance_by_hand():
    """A five-row example worked by hand (pooled SD of the unadjusted sample)."""
    df = pd.DataFrame({"t": [1, 1, 0, 0, 0], "x": [1.0, 3.0, 0.0, 2.0, 4.0], "b": [1, 0, 1, 0, 0]})
    bal = causal.balance_table(df, treatment="t", covariates=["x", "b"], weights=[1, 1, 1, 0, 1])
    # x: means 2 and 2; variances 2 and 4; pooled SD sqrt(3); adjusted control mean (0+4)/2 = 2
    assert bal.loc["x", "smd"] == pytest.approx(0.0)
    assert bal.loc["x", "var_ratio"] == pytest.approx(0.5)
    assert bal.loc["x", "mean_control_adj"] == pytest.approx(2.0)
    # weighted variance of controls {0, 4} with weights {1, 1}: 8; treated 2 -> ratio 0.25
    assert bal.loc["x", "var_ratio_adj"] == pytest.approx(0.25)
    # b: p1 = 0.5, p0 = 1/3; SD = sqrt((0.25 + 2/9) / 2); adjusted p0 = 1/2
    sd = np.sqrt((0.25 + 2 / 9) / 2)
    assert bal.loc["b", "smd"] == pytest.approx((0.5 - 1 / 3) / sd)
    assert bal.loc["b", "smd_adj"] == pytest.approx(0.0)
    assert bal.loc["b", "type"] == "binary"
    # treated-SD denominator
    bt = causal.balance_table(df, treatment="t", covariates=["x"], sd_denominator="treated")
    assert bt.loc["x", "smd"] == pytest.approx(0.0) and "smd_adj" not in bt
    # a text covariate becomes one 0/1 column per level
    df["region"] = ["af", "as", "af", "eu", "as"]
    br = causal.balance_table(df, treatment="t", covariates=["region"])
    assert list(br.index) == ["region[af]", "region[as]", "region[eu]"]
    assert br.loc["region[eu]", "mean_control"] == pytest.approx(1 / 3)


def test_balance_plot(ds, ps_ds):
    w = causal.ipw_weights(ps_ds.treatment, ps_ds)
    bal = causal.balance_table(ds, treatment="un2int", covariates=COVS, weights=w)
    ax = causal.balance_plot(bal)
    assert [t.get_text() for t in ax.get_yticklabels()] == COVS
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    np.testing.assert_allclose(np.sort(xs), np.sort(np.r_[bal["smd"].abs(), bal["smd_adj"].abs()]))
    assert ax.get_xlabel() == "Absolute standardized mean difference"


def test_trimming(ps_ds):
    t, e = ps_ds.treatment, ps_ds.scores
    w = causal.ipw_weights(t, ps_ds, trim=(0.1, 0.9))
    out = e.notna() & ((e < 0.1) | (e > 0.9))
    assert w.attrs["n_trimmed"] == int(out.sum()) == 10  # ten wars with e < 0.1 (none above 0.9)
    assert not (e > 0.9).any()
    assert (w[out] == 0).all()
    kept = e.notna() & ~out
    p1 = t[kept].mean()  # the marginal probability among the units kept
    np.testing.assert_allclose(w[kept], np.where(t[kept] == 1, p1 / e[kept], (1 - p1) / (1 - e[kept])))
    # truncation at quantiles of the weights
    full = causal.ipw_weights(t, ps_ds)
    wq = causal.ipw_weights(t, ps_ds, trim=(0.05, 0.95), trim_on="quantile")
    lo, hi = np.quantile(full.dropna(), [0.05, 0.95])
    assert wq.max() == pytest.approx(hi) and wq.min() == pytest.approx(lo)
    np.testing.assert_allclose(wq.dropna(), full.dropna().clip(lo, hi))


# ============================================================ simulations with a known effect
def _simulate(n=4000, seed=20240611, effect=2.0):
    """Confounded treatment: x1 and x2 raise both the chance of treatment and the outcome."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n)
    e = 1 / (1 + np.exp(-(-0.7 + 0.9 * x1 + 0.8 * x2)))
    t = rng.binomial(1, e)
    y = 1.0 + effect * t + 1.5 * x1 + 1.0 * x2 + rng.normal(size=n)
    return pd.DataFrame({"t": t, "x1": x1, "x2": x2, "y": y})


def test_ipw_recovers_the_effect():
    import statsmodels.api as sm

    df = _simulate()
    X = sm.add_constant(df[["t"]].astype(float))
    naive = sm.OLS(df["y"], X).fit(cov_type="HC1")
    lo, hi = naive.conf_int().loc["t"]
    assert lo > 2.5  # naive estimate about 3.4: badly biased upward, CI far from 2
    ps = causal.propensity_score("t ~ x1 + x2", df)
    for estimand in ("ATE", "ATT"):
        w = causal.ipw_weights(df["t"], ps, estimand=estimand)
        fit = sm.WLS(df["y"], X, weights=w).fit(cov_type="HC1")  # the Series is usable as weights
        lo, hi = fit.conf_int().loc["t"]
        assert lo < 2.0 < hi, estimand
        assert abs(fit.params["t"] - 2.0) < 0.1
    bal = causal.balance_table(df, treatment="t", covariates=["x1", "x2"], weights=causal.ipw_weights(df["t"], ps))
    assert (bal["smd"].abs() > 0.3).all() and (bal["smd_adj"].abs() < 0.05).all()


def test_matching_recovers_the_effect_on_the_treated():
    import statsmodels.api as sm

    df = _simulate()
    ps = causal.propensity_score("t ~ x1 + x2", df)
    m = causal.match_nearest(df, treatment="t", ps=ps, caliper=0.2)
    assert m.n_treated == int(df["t"].sum())
    assert m.n_matched + m.n_unmatched == m.n_treated
    assert m.n_matched > 0.8 * m.n_treated
    assert len(m.pairs) == m.n_matched and m.pairs["distance"].max() <= m.caliper_width
    # paired differences: most of the bias is gone (naive 3.25, matched 2.08)
    yt = df.loc[m.pairs["treated"], "y"].to_numpy()
    yc = df.loc[m.pairs["control"], "y"].to_numpy()
    diff = yt - yc
    naive = df.loc[df.t == 1, "y"].mean() - df.loc[df.t == 0, "y"].mean()
    assert naive > 3.0 and abs(diff.mean() - 2.0) < 0.1
    # regression on the matched data with the covariates (Ho, Imai, King & Stuart 2007),
    # SEs clustered on the pairs: the ATT of 2 lies within the 95% CI
    md = m.data
    X = sm.add_constant(md[["t", "x1", "x2"]].astype(float))
    fit = sm.WLS(md["y"], X, weights=md["match_weight"]).fit(cov_type="cluster",
                                                              cov_kwds={"groups": md["pair_id"]})
    assert abs(fit.params["t"] - 2.0) < 0.1
    bal = causal.balance_table(df, treatment="t", covariates=["x1", "x2"], matched=m)
    assert (bal["smd_adj"].abs() < 0.1).all() and (bal["smd"].abs() > 0.3).all()
    # matched data: one row per matched unit, weights 1 for 1:1 without replacement
    assert len(m.data) == 2 * m.n_matched
    assert (m.data["match_weight"] == 1).all()
    assert m.data.groupby("pair_id")["t"].agg(["sum", "size"]).eq([1, 2]).all().all()


def test_matching_covers_the_truth_across_replications():
    """20 seeded data sets: the naive CI never covers the true effect of 2; the CI of the
    regression on the matched data (pair-clustered SEs) covers it in at least 17 of 20
    (nominal 19 of 20), and the estimates average 2 within 0.03."""
    import statsmodels.api as sm

    est, cover, naive_cover = [], 0, 0
    for seed in range(20):
        df = _simulate(n=1500, seed=seed)
        X0 = sm.add_constant(df[["t"]].astype(float))
        lo, hi = sm.OLS(df["y"], X0).fit(cov_type="HC1").conf_int().loc["t"]
        naive_cover += lo < 2.0 < hi
        ps = causal.propensity_score("t ~ x1 + x2", df)
        md = causal.match_nearest(df, treatment="t", ps=ps, caliper=0.2, seed=seed).data
        X = sm.add_constant(md[["t", "x1", "x2"]].astype(float))
        fit = sm.WLS(md["y"], X, weights=md["match_weight"]).fit(cov_type="cluster",
                                                                  cov_kwds={"groups": md["pair_id"]})
        lo, hi = fit.conf_int().loc["t"]
        cover += lo < 2.0 < hi
        est.append(fit.params["t"])
    assert naive_cover == 0
    assert cover >= 17
    assert abs(np.mean(est) - 2.0) < 0.03


# ============================================================ matching by hand
@pytest.fixture
def small():
    # treated scores 0.8, 0.5, 0.3; controls 0.75, 0.52, 0.49, 0.1 (index labels are text)
    return pd.DataFrame(
        {"t": [1, 0, 1, 0, 0, 1, 0], "e": [0.8, 0.75, 0.5, 0.52, 0.49, 0.3, 0.1]},
        index=["a", "b", "c", "d", "e", "f", "g"],
    )


def test_match_by_hand(small):
    m = causal.match_nearest(small, treatment="t", ps="e", caliper=None)
    links = dict(zip(m.pairs["treated"], m.pairs["control"]))
    # largest score first: a(0.8)->b(0.75); c(0.5)->e(0.49) (logit distance 0.04 < 0.08); f(0.3)->d(0.52)
    assert links == {"a": "b", "c": "e", "f": "d"}
    assert m.pairs["pair_id"].tolist() == [1, 2, 3]
    lg = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert m.pairs.set_index("treated").loc["f", "distance"] == pytest.approx(abs(lg(0.3) - lg(0.52)))
    assert m.data.index.tolist() == ["a", "b", "c", "d", "e", "f"]
    assert m.weights["g"] == 0 and m.n_controls_used == 3
    # order "smallest": f(0.3) goes first and takes e(0.49); c then takes d(0.52)
    ms = causal.match_nearest(small, treatment="t", ps="e", caliper=None, order="smallest")
    assert dict(zip(ms.pairs["treated"], ms.pairs["control"])) == {"a": "b", "c": "d", "f": "e"}


def test_match_caliper_by_hand(small):
    lg = np.log(small["e"] / (1 - small["e"]))
    sd = np.sqrt((lg[small.t == 1].var() + lg[small.t == 0].var()) / 2)  # pooled SD (Austin 2011)
    m = causal.match_nearest(small, treatment="t", ps="e", caliper=0.2)
    assert m.caliper_width == pytest.approx(0.2 * sd)
    # width 0.2 * 1.23 = 0.25: a-b (0.29) and f-d (0.93) are too far; only c-e remains
    assert dict(zip(m.pairs["treated"], m.pairs["control"])) == {"c": "e"}
    assert m.n_matched == 1 and m.n_unmatched == 2 and list(m.unmatched) == ["a", "f"]
    m_all = causal.match_nearest(small, treatment="t", ps="e", caliper=0.2, caliper_sd="all")
    assert m_all.caliper_width == pytest.approx(0.2 * lg.std())
    assert "matched: 1, unmatched: 2" in str(m)


def test_match_replace_and_ratio(small):
    m = causal.match_nearest(small, treatment="t", ps="e", caliper=None, replace=True)
    # with replacement f(0.3) also takes e(0.49), the nearest control overall
    assert dict(zip(m.pairs["treated"], m.pairs["control"])) == {"a": "b", "c": "e", "f": "e"}
    assert m.n_controls_used == 2
    assert m.weights["e"] == pytest.approx(2 * 2 / 3) and m.weights["b"] == pytest.approx(2 / 3)
    assert m.weights[["b", "e"]].sum() == pytest.approx(m.n_controls_used)
    # 1:2 in rounds: round 1 as above, round 2: a->d? no: a(0.8) picks the nearest left: d(0.52)
    m2 = causal.match_nearest(small, treatment="t", ps="e", caliper=None, ratio=2)
    r1 = m2.pairs[m2.pairs["round"] == 1]
    r2 = m2.pairs[m2.pairs["round"] == 2]
    assert dict(zip(r1["treated"], r1["control"])) == {"a": "b", "c": "e", "f": "d"}
    assert dict(zip(r2["treated"], r2["control"])) == {"a": "g"}  # the only control left
    # a has two controls (1/2 each), c and f one each: raw 0.5, 0.5, 1, 1 -> scaled to sum 4
    assert m2.weights[["b", "g"]].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert m2.weights[["d", "e"]].tolist() == pytest.approx([4 / 3, 4 / 3])


def test_match_is_deterministic_and_breaks_ties_by_seed():
    # four treated and six controls with identical scores: every choice is a tie
    df = pd.DataFrame({"t": [1] * 4 + [0] * 6, "e": [0.4] * 10})
    runs = [causal.match_nearest(df, treatment="t", ps="e", caliper=None, seed=s).pairs for s in (1, 1, 2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert set(runs[0]["control"]) <= set(range(4, 10)) and runs[0]["control"].is_unique
    seeds = {tuple(causal.match_nearest(df, treatment="t", ps="e", caliper=None, seed=s).pairs["control"])
             for s in range(6)}
    assert len(seeds) > 1  # the seed really decides the ties
    r = causal.match_nearest(df, treatment="t", ps="e", caliper=None, order="random", seed=7)
    assert r.pairs.equals(causal.match_nearest(df, treatment="t", ps="e", caliper=None, order="random", seed=7).pairs)


def test_match_on_real_data(ds, ps_ds):
    m = causal.match_nearest(ds, treatment="un2int", ps=ps_ds, caliper=0.2)
    assert m.n_treated == 45 and m.options["n_missing"] == 2
    assert m.n_matched + m.n_unmatched == 45
    assert m.n_matched == len(m.pairs) == m.n_controls_used
    assert m.n_matched == 33  # with the seed-0 tie order; none of these scores tie
    assert (m.data.groupby("pair_id")["un2int"].sum() == 1).all()
    assert not m.data.index.isin([18, 46]).any()


# ============================================================ E-values
def test_e_value_published_examples():
    """VanderWeele & Ding (2017): RR 3.9 (1.8 to 8.7) -> 7.26 and 3.00.

    EValue vignette (Mathur et al. 2018), smoking and lung cancer:
    ``evalues.RR(est = 10.73, lo = 8.02, hi = 14.36)`` -> 20.94777, 15.52336; and
    ``evalues.RR(est = 2.5, true = 1.5)`` (a non-null E-value) -> 2.720759.
    """
    r = causal.e_value(3.9, 1.8, 8.7)
    assert round(r.e_point, 2) == 7.26 and round(r.e_ci, 2) == 3.00
    r = causal.e_value(10.73, 8.02, 14.36)
    assert r.e_point == pytest.approx(20.94777, abs=5e-6)
    assert r.e_ci == pytest.approx(15.52336, abs=5e-6)
    assert causal.e_value(2.5, true=1.5).e_point == pytest.approx(2.720759, abs=5e-7)


def test_e_value_formula_protective_and_conversions():
    e = lambda rr: rr + np.sqrt(rr * (rr - 1))  # noqa: E731
    # protective RR: use 1/RR; the CI limit nearest the null is the upper one
    r = causal.e_value(0.80, 0.71, 0.91)
    assert r.e_point == pytest.approx(e(1 / 0.80)) and r.e_ci == pytest.approx(e(1 / 0.91))
    assert r._limit() == "upper"
    # a CI that includes the null: E for the CI is 1
    assert causal.e_value(1.3, 0.9, 1.8).e_ci == 1.0
    # rare outcome: HR and OR are taken as RR
    assert causal.e_value(0.61, measure="HR").e_point == pytest.approx(e(1 / 0.61))
    # common outcome: OR -> sqrt(OR); HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))
    assert causal.e_value(2.5, measure="OR", rare=False).e_point == pytest.approx(e(np.sqrt(2.5)))
    hr, lo, hi = 0.61, 0.36, 1.04
    conv = lambda h: (1 - 0.5 ** np.sqrt(h)) / (1 - 0.5 ** np.sqrt(1 / h))  # noqa: E731
    r = causal.e_value(hr, lo, hi, measure="HR", rare=False)
    assert r.rr == pytest.approx(conv(hr)) and r.rr == pytest.approx(0.7106, abs=1e-4)
    assert r.e_point == pytest.approx(e(1 / conv(hr)))
    assert r.e_ci == 1.0  # hi = 1.04 crosses the null
    r = causal.e_value(hr, lo, 0.9, measure="HR", rare=False)
    assert r.e_ci == pytest.approx(e(1 / conv(0.9)))
    text = str(r)
    assert "common outcome" in text and f"{r.e_point:.4g}" in text
    html = r._repr_html_()
    assert "<table" in html and "E-value" in html
    assert r.to_frame().loc["E-value", "upper"] == pytest.approx(r.e_ci)


# ============================================================ bad input
def test_bad_treatment(ds):
    df = ds.assign(bad=ds["un2int"] * 2)
    with pytest.raises(SpecificationError, match="0/1"):
        causal.propensity_score("bad ~ logcost", df)
    with pytest.raises(SpecificationError, match="0/1"):
        causal.ipw_weights(df["bad"], np.full(len(df), 0.5))
    with pytest.raises(SpecificationError, match="0/1"):
        causal.match_nearest(df, treatment="bad", ps=np.full(len(df), 0.5))
    with pytest.raises(SpecificationError, match="non-numeric"):
        causal.ipw_weights(pd.Series(["yes", "no"]), [0.5, 0.5])
    with pytest.raises(SpecificationError, match="not_a_column"):
        causal.propensity_score("un2int ~ not_a_column", ds)
    with pytest.raises(SpecificationError, match="must be a 0/1 column"):
        causal.propensity_score("missing_treatment ~ logcost", ds)
    with pytest.raises(SpecificationError, match="needs a treatment"):
        causal.propensity_score("logcost + treaty", ds)
    with pytest.raises(SpecificationError, match="duplicated index"):
        causal.propensity_score("un2int ~ logcost", pd.concat([ds, ds]))
    with pytest.raises(SpecificationError, match="1 treated and 0|0 treated"):
        causal.propensity_score("un2int ~ logcost", ds[ds.un2int == 0])


def test_bad_scores_and_no_overlap():
    t = pd.Series([1, 1, 0, 0])
    with pytest.raises(SpecificationError, match=r"strictly between 0 and 1"):
        causal.ipw_weights(t, [0.5, 1.0, 0.2, 0.3])
    with pytest.raises(SpecificationError, match=r"strictly between 0 and 1"):
        causal.ipw_weights(t, [0.5, 0.4, -0.1, 0.3])
    with pytest.raises(ModelError, match="no overlap"):
        causal.ipw_weights(t, [0.8, 0.9, 0.2, 0.3])
    df = pd.DataFrame({"t": t, "e": [0.8, 0.9, 0.2, 0.3]})
    with pytest.raises(ModelError, match="no overlap"):
        causal.match_nearest(df, treatment="t", ps="e")
    with pytest.raises(SpecificationError, match="index does not cover"):
        causal.ipw_weights(t, pd.Series([0.5, 0.5], index=[7, 8]))
    with pytest.raises(SpecificationError, match="estimand"):
        causal.ipw_weights(t, [0.5] * 4, estimand="ATC")
    with pytest.raises(SpecificationError, match="trim bounds"):
        causal.ipw_weights(t, [0.5] * 4, trim=(0.9, 0.1))
    with pytest.raises(ModelError, match="widen the bounds"):
        causal.ipw_weights(t, [0.5, 0.6, 0.55, 0.4], trim=(0.56, 0.9))


def test_infinite_covariate_is_named():
    df = pd.DataFrame({"t": [1, 0, 1, 0, 1, 0, 1, 0], "x": [1, 2, 3, 4, 5, 6, np.inf, 3.0]})
    with pytest.raises(SpecificationError, match=r"'x' is inf at row .*6"):
        causal.propensity_score("t ~ x", df)


def test_boolean_treatment_with_missing_values():
    df = pd.DataFrame({"t": pd.array([True, False, True, False, None, False, True, False], dtype="boolean"),
                       "x": [1.0, 2, 3, 4, 5, 6, 2, 3]})
    ps = causal.propensity_score("t ~ x", df)
    assert ps.dropped.tolist() == [4] and ps.treatment.iloc[:4].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert ps.fit.nobs == 7


def test_separation_is_an_error():
    df = pd.DataFrame({"t": [0, 0, 0, 0, 1, 1, 1, 1], "x": [1, 2, 3, 4, 5, 6, 7, 8.0]})
    with pytest.raises(ModelError, match="separate"):
        causal.propensity_score("t ~ x", df)


def test_caliper_that_matches_nobody(small):
    with pytest.raises(ModelError, match="no treated unit has a control within the caliper"):
        causal.match_nearest(small, treatment="t", ps="e", caliper=0.001)
    with pytest.raises(SpecificationError, match="caliper"):
        causal.match_nearest(small, treatment="t", ps="e", caliper=-1)
    with pytest.raises(SpecificationError, match="ratio"):
        causal.match_nearest(small, treatment="t", ps="e", ratio=0)
    with pytest.raises(SpecificationError, match="no column"):
        causal.match_nearest(small, treatment="treated", ps="e")


def test_bad_balance_and_e_value_input(small):
    with pytest.raises(SpecificationError, match="no column"):
        causal.balance_table(small, treatment="t", covariates=["nope"])
    with pytest.raises(SpecificationError, match="not both"):
        causal.balance_table(small, treatment="t", covariates=["e"], weights=np.ones(7),
                             matched=causal.match_nearest(small, treatment="t", ps="e", caliper=None))
    with pytest.raises(SpecificationError, match=">= 0"):
        causal.balance_table(small, treatment="t", covariates=["e"], weights=[1, 1, 1, -1, 1, 1, 1])
    with pytest.raises(SpecificationError, match="positive, finite ratio"):
        causal.e_value(-0.5)
    with pytest.raises(SpecificationError, match="positive, finite ratio"):
        causal.e_value(float("nan"))
    with pytest.raises(SpecificationError, match="above the estimate"):
        causal.e_value(1.5, 1.8, 2.0)
    with pytest.raises(SpecificationError, match="measure"):
        causal.e_value(1.5, measure="RD")


def test_ipw_weights_in_the_cox_model_against_R():
    """Fortna's spells: peacekeeping at the ceasefire, IPW-weighted Cox model with clustered SEs.

    Peacekeepers go to the harder cases, so the naive hazard ratio (0.98) hides the
    effect that weighting reveals (0.585). The weights are passed to
    :func:`peacestats.models.cox.coxph` as a column (``weights="w"``).

    R: the spells, the logit scores, the stabilized weights and ``coxph(Surv(time, event) ~ pk_dum,
    weights = w, cluster = cluster)`` in ``tests/r/causal.R``.
    """
    cox = pytest.importorskip("peacestats.models.cox")
    from peacestats.sources import fortna_ceasefires

    f = fortna_ceasefires.load().sort_values(["id", "st_t0"])
    first = f.groupby("id").first()
    s = (
        first[["cluster", "pk_dum", "victory", "treaty", "logdead", "wardur", "wartype"]]
        .join(f.groupby("id").agg(time=("st_t", "max"), event=("st_d", "max")))
        .dropna()
        .reset_index()
    )
    assert len(s) == R_IPW["n"][0] == 154 and s["event"].sum() == R_IPW["events"][0] == 82
    ps = causal.propensity_score("pk_dum ~ victory + treaty + logdead + wardur + wartype", s)
    s["w"] = causal.ipw_weights(s["pk_dum"], ps)
    assert s["w"].sum() == pytest.approx(R_IPW["w_sum"][0], rel=1e-8)
    np.testing.assert_allclose(s["w"].iloc[:3], R_IPW["w_first3"], rtol=1e-8)
    naive = cox.coxph("pk_dum", s, stop="time", event="event", cluster="cluster")
    fit = cox.coxph("pk_dum", s, stop="time", event="event", weights="w", cluster="cluster")
    assert naive.params["pk_dum"] == pytest.approx(R_IPW["naive_coef"][0], rel=1e-6)
    assert fit.params["pk_dum"] == pytest.approx(R_IPW["ipw_coef"][0], rel=1e-6)
    assert fit.std_errors["pk_dum"] == pytest.approx(R_IPW["ipw_se"][0], rel=1e-6)
    assert fit.loglik == pytest.approx(R_IPW["ipw_loglik"][0], rel=1e-9)
    # how strong would unmeasured confounding have to be? Failure is common (82 of 154).
    t = fit.tidy().set_index("term").loc["pk_dum"]
    ev = causal.e_value(np.exp(t["estimate"]), np.exp(t["conf_low"]), np.exp(t["conf_high"]),
                        measure="HR", rare=False)
    assert ev.e_ci == 1.0  # the robust CI includes 1
    assert ev.e_point == pytest.approx(2.254, abs=1e-3)  # HR 0.585 -> RR 0.690 -> E = 2.25
