'''Kaplan-Meier curves and log-rank tests against R's ``survival`` (3.5.3) on Fortna's ceasefires.

Data: ``peacestats.sources.fortna_ceasefires.load()`` (192 counting-process rows, 156
spells). Single-row analyses use one row per spell: the covariates of its first
segment (``pk_dum`` at the spell's start), the end of its last segment as the
duration and that segment's failure flag as the event (84 failures, no tied days).
"Months" (``ceiling(days / 30.4375)``) make tied event times, to test tie handling.
The counting-process analyses use the rows as they are: (``st_t0``, ``st_t``] with
delayed entry, ``pk_dum`` varying within spells.

The golden values below were printed by this R code (run from the repository root,
beside ``../shared/data``; values rounded to 12 significant digits)::

    library(survival); library(foreign)
    d <- read.dta("../shared/data/fortna2008/pk_and_pkept.dta")
    d <- d[order(d$id, d$"_t0"), ]
    first <- d[!duplicated(d$id), ]; last <- d[!duplicated(d$id, fromLast = TRUE), ]
    sp <- first; sp$stop <- last$"_t"; sp$event <- last$"_d"
    sp$months <- ceiling(sp$stop / 30.4375)
    sp$w <- 1 + (sp$id %% 3) / 2
    P <- function(name, x) cat(sprintf("%s = [%s]\\n", name,
        paste(ifelse(is.na(x), "nan", sprintf("%.17g", x)), collapse = ", ")))
    S <- function(prefix, fit, full = TRUE) {
      s <- summary(fit)
      P(paste0(prefix, "_time"), s$time)
      if (!is.null(s$strata)) P(paste0(prefix, "_group"), as.integer(s$strata) - 1)
      if (full) {
      P(paste0(prefix, "_n_risk"), s$n.risk); P(paste0(prefix, "_n_event"), s$n.event)
      P(paste0(prefix, "_n_censor"), s$n.censor)
      P(paste0(prefix, "_surv"), s$surv); P(paste0(prefix, "_std_err"), s$std.err)}
      P(paste0(prefix, "_lower"), s$lower); P(paste0(prefix, "_upper"), s$upper)
    }
    # A: one row per spell, by pk_dum at the start of the spell
    fa <- survfit(Surv(stop, event) ~ pk_dum, data = sp); S("A", fa)
    S("A_loglog", survfit(Surv(stop, event) ~ pk_dum, data = sp, conf.type = "log-log"), full = FALSE)
    S("A_plain", survfit(Surv(stop, event) ~ pk_dum, data = sp, conf.type = "plain"), full = FALSE)
    tb <- summary(fa)$table; P("A_median", tb[, "median"])
    P("A_median_lcl", tb[, "0.95LCL"]); P("A_median_ucl", tb[, "0.95UCL"])
    st <- summary(fa, times = c(365, 730, 1825, 3650))
    P("A_at_time", st$time); P("A_at_group", as.integer(st$strata) - 1)
    P("A_at_n_risk", st$n.risk); P("A_at_n_event", st$n.event)
    P("A_at_surv", st$surv); P("A_at_std_err", st$std.err); P("A_at_lower", st$lower); P("A_at_upper", st$upper)
    # B: counting-process rows with delayed entry
    fb <- survfit(Surv(`_t0`, `_t`, `_d`) ~ pk_dum, data = d); S("B", fb)
    tb <- summary(fb)$table; P("B_median", tb[, "median"])
    P("B_median_lcl", tb[, "0.95LCL"]); P("B_median_ucl", tb[, "0.95UCL"])
    P("B_n_start", tb[, "n.start"]); P("B_n_max", tb[, "n.max"]); P("B_records", tb[, "records"])
    st <- summary(fb, times = c(365, 730, 1825, 3650))
    P("B_at_time", st$time); P("B_at_group", as.integer(st$strata) - 1)
    P("B_at_n_risk", st$n.risk); P("B_at_n_event", st$n.event)
    P("B_at_surv", st$surv); P("B_at_std_err", st$std.err); P("B_at_lower", st$lower); P("B_at_upper", st$upper)
    # C: months (tied event times)
    fc <- survfit(Surv(months, event) ~ pk_dum, data = sp); S("C", fc)
    tb <- summary(fc)$table; P("C_median", tb[, "median"])
    P("C_median_lcl", tb[, "0.95LCL"]); P("C_median_ucl", tb[, "0.95UCL"])
    S("C_loglog", survfit(Surv(months, event) ~ pk_dum, data = sp, conf.type = "log-log"), full = FALSE)
    # D: non-integer case weights; model-based (Greenwood) variance. R's default for
    #    non-integer weights is the infinitesimal-jackknife variance (robust = TRUE).
    fd <- survfit(Surv(months, event) ~ 1, data = sp, weights = w, robust = FALSE); S("D", fd)
    # E: integer case weights (R's default variance is Greenwood's here)
    sp$wi <- 1 + (sp$id %% 3)
    S("E", survfit(Surv(months, event) ~ pk_dum, data = sp, weights = wi))

    # Log-rank tests (R_LR)
    L <- function(prefix, s) {
      P(paste0(prefix, "_obs"), if (is.matrix(s$obs)) rowSums(s$obs) else s$obs)
      P(paste0(prefix, "_exp"), if (is.matrix(s$exp)) rowSums(s$exp) else s$exp)
      P(paste0(prefix, "_var"), as.vector(s$var)); P(paste0(prefix, "_chisq"), s$chisq)
      P(paste0(prefix, "_p"), s$pvalue); P(paste0(prefix, "_n"), as.vector(s$n)) }
    L("LR1", survdiff(Surv(stop, event) ~ pk_dum, data = sp))
    s2 <- survdiff(Surv(months, event) ~ chapter, data = sp); L("LR2", s2)
    # trend across chapter 0 (none) < 1 (Chapter VI) < 2 (Chapter VII), two ways:
    sc <- c(0, 1, 2); U <- sum(sc * (s2$obs - s2$exp)); V <- drop(t(sc) %*% s2$var %*% sc)
    P("LR2_trend_by_hand", U^2 / V)
    cx <- coxph(Surv(months, event) ~ chapter, data = sp, ties = "exact")
    P("LR2_trend_cox_exact_score", cx$score)
    L("LR3", survdiff(Surv(stop, event) ~ pk_dum + strata(wartype), data = sp))
    s4 <- survdiff(Surv(months, event) ~ chapter + strata(wartype), data = sp); L("LR4", s4)
    o4 <- rowSums(s4$obs); e4 <- rowSums(s4$exp); U <- sum(sc * (o4 - e4))
    V <- drop(t(sc) %*% s4$var %*% sc); P("LR4_trend_by_hand", U^2 / V)
    cx <- coxph(Surv(months, event) ~ chapter + strata(wartype), data = sp, ties = "exact")
    P("LR4_trend_cox_exact_score", cx$score)
    # delayed entry: survdiff takes right-censored data only; with untied event times the
    # log-rank test is the Cox score test (Breslow) on the same risk sets
    cx <- coxph(Surv(`_t0`, `_t`, `_d`) ~ pk_dum, data = d, ties = "breslow")
    P("LR5_entry_cox_breslow_score", cx$score)
    cx <- coxph(Surv(`_t0`, `_t`, `_d`) ~ pk_dum + strata(wartype), data = d, ties = "breslow")
    P("LR6_entry_strata_cox_breslow_score", cx$score)
'''

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError, SurvivalDataError
from peacestats.models.km import KaplanMeierResult, LogrankResult, kaplan_meier, logrank_test
from peacestats.sources import fortna_ceasefires

NAN = math.nan
RTOL = 1e-8  # R prints 17 digits; the fixtures keep 12; estimates agree to ~1e-13



# ----------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    """The 192 counting-process rows, ordered as in R (by id, then entry)."""
    d = fortna_ceasefires.load()
    return d.sort_values(["id", "st_t0"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def spells(segments) -> pd.DataFrame:
    """One row per spell, built as the R code builds ``sp``."""
    first = segments.drop_duplicates("id", keep="first").reset_index(drop=True)
    last = segments.drop_duplicates("id", keep="last").reset_index(drop=True)
    assert (first["id"].to_numpy() == last["id"].to_numpy()).all()
    sp = first.copy()
    sp["stop"] = last["st_t"].to_numpy()
    sp["event"] = last["st_d"].to_numpy()
    sp["months"] = np.ceil(sp["stop"] / 30.4375)
    sp["w"] = 1 + (sp["id"].astype(int) % 3) / 2
    sp["wi"] = 1 + (sp["id"].astype(int) % 3)
    return sp


def test_data_shape(segments, spells):
    assert len(segments) == 192 and len(spells) == 156
    assert spells["event"].sum() == 84
    assert spells["pk_dum"].value_counts().to_dict() == {0.0: 115, 1.0: 41}
    # the months version has tied event times; days do not
    ev = spells[spells["event"] == 1]
    assert not ev["stop"].duplicated().any()
    assert ev["months"].duplicated().sum() > 10


def _check_table(km: KaplanMeierResult, prefix: str, full: bool = True, groups=(0.0, 1.0)):
    """Compare ``km.table`` with R's ``summary(survfit)`` columns stored under ``prefix``."""
    t = km.table
    r = R_KM
    np.testing.assert_array_equal(t["time"].to_numpy(), r[f"{prefix}_time"])
    if f"{prefix}_group" in r:
        codes = [groups[i] for i in r[f"{prefix}_group"]]
        np.testing.assert_array_equal(t["group"].to_numpy(dtype=float), codes)
    cols = [("lower", "conf_low"), ("upper", "conf_high")]
    if full:
        cols += [("n_risk", "n_risk"), ("n_event", "n_event"), ("n_censor", "n_censor"),
                 ("surv", "survival"), ("std_err", "std_err")]
    for rname, ours in cols:
        np.testing.assert_allclose(
            t[ours].to_numpy(dtype=float), np.asarray(r[f"{prefix}_{rname}"], dtype=float),
            rtol=RTOL, atol=0, equal_nan=True, err_msg=f"{prefix}: {ours}",
        )


# ----------------------------------------------------------------------------- Kaplan-Meier
def test_km_spells_against_R(spells):
    """``summary(survfit(Surv(stop, event) ~ pk_dum, data = sp))``: every column at all 84 event times."""
    km = kaplan_meier(spells, duration="stop", event="event", group="pk_dum")
    assert len(km.table) == 84
    assert km.table.groupby("group").size().to_dict() == {0.0: 64, 1.0: 20}
    _check_table(km, "A")
    # a hand check of the first row: S = 114/115, Greenwood SE of S = S * sqrt(1/(115*114))
    row = km.table.iloc[0]
    assert row["survival"] == pytest.approx(114 / 115, rel=1e-15)
    assert row["std_err"] == pytest.approx(114 / 115 * math.sqrt(1 / (115 * 114)), rel=1e-14)


@pytest.mark.parametrize("conf_type, prefix", [("log-log", "A_loglog"), ("plain", "A_plain"), ("log", "A")])
def test_km_conf_types_against_R(spells, conf_type, prefix):
    """``survfit(..., conf.type = "log-log" | "plain" | "log")``: CI bounds at all event times."""
    km = kaplan_meier(spells, duration="stop", event="event", group="pk_dum", conf_type=conf_type)
    _check_table(km, prefix, full=False)


def test_km_median_against_R(spells, segments):
    """``summary(fit)$table[, c("median", "0.95LCL", "0.95UCL")]`` (what ``print(fit)`` shows)."""
    cases = [
        ("A", kaplan_meier(spells, duration="stop", event="event", group="pk_dum")),
        ("B", kaplan_meier(segments, entry="st_t0", duration="st_t", event="st_d", group="pk_dum")),
        ("C", kaplan_meier(spells, duration="months", event="event", group="pk_dum")),
    ]
    for prefix, km in cases:
        med = km.median()
        np.testing.assert_allclose(med["median"], R_KM[f"{prefix}_median"], rtol=1e-12)
        np.testing.assert_allclose(med["conf_low"], R_KM[f"{prefix}_median_lcl"], rtol=1e-12)
        # the upper limits are NA in R: the lower band never reaches 0.5
        assert med["conf_high"].isna().all() and all(math.isnan(v) for v in R_KM[f"{prefix}_median_ucl"])
    med_b = cases[1][1].median()
    assert med_b["records"].tolist() == R_KM["B_records"] == [129, 63]
    assert med_b["n_start"].tolist() == R_KM["B_n_start"]
    assert med_b["n_max"].tolist() == R_KM["B_n_max"]
    assert med_b["events"].tolist() == [65, 19]


def test_km_median_midpoint_rule():
    """R takes the midpoint when the curve sits exactly at 0.5.

    R: ``survfit(Surv(c(1, 2, 3, 4), c(1, 1, 1, 1)) ~ 1)`` prints median 2.5.
    """
    df = pd.DataFrame({"t": [1, 2, 3, 4], "d": [1, 1, 1, 1]})
    assert kaplan_meier(df, duration="t", event="d").median()["median"].iloc[0] == 2.5


@pytest.mark.parametrize("prefix", ["A", "B"])
def test_km_survival_at_against_R(spells, segments, prefix):
    """``summary(fit, times = c(365, 730, 1825, 3650))`` for the spell (A) and counting-process (B) fits."""
    if prefix == "A":
        km = kaplan_meier(spells, duration="stop", event="event", group="pk_dum")
    else:
        km = kaplan_meier(segments, entry="st_t0", duration="st_t", event="st_d", group="pk_dum")
    at = km.survival_at([365, 730, 1825, 3650])
    assert len(at) == 8
    np.testing.assert_array_equal(at["time"], R_KM[f"{prefix}_at_time"])
    np.testing.assert_array_equal(at["group"].astype(float), [float(g) for g in R_KM[f"{prefix}_at_group"]])
    for rname, ours in [("n_risk", "n_risk"), ("n_event", "n_event"), ("surv", "survival"),
                        ("std_err", "std_err"), ("lower", "conf_low"), ("upper", "conf_high")]:
        np.testing.assert_allclose(at[ours], R_KM[f"{prefix}_at_{rname}"], rtol=RTOL, err_msg=ours)


def test_km_counting_process_against_R(segments):
    """``summary(survfit(Surv(_t0, _t, _d) ~ pk_dum, data = d))``: delayed entry, time-varying groups."""
    km = kaplan_meier(segments, entry="st_t0", duration="st_t", event="st_d", group="pk_dum")
    assert len(km.table) == 84
    _check_table(km, "B")
    # rows entering at t are not at risk at t: the first pk_dum = 1 event is at 50 days with 41 at risk
    first1 = km.table[km.table["group"] == 1.0].iloc[0]
    assert (first1["time"], first1["n_risk"]) == (50.0, 41.0)


def test_km_tied_times_against_R(spells):
    """Months (tied event times): ``survfit(Surv(months, event) ~ pk_dum, data = sp)``, log and log-log."""
    km = kaplan_meier(spells, duration="months", event="event", group="pk_dum")
    assert km.table["n_event"].max() > 1
    _check_table(km, "C")
    _check_table(kaplan_meier(spells, duration="months", event="event", group="pk_dum", conf_type="log-log"),
                 "C_loglog", full=False)


def test_km_weights_against_R(spells):
    """Case weights: ``survfit(..., weights = w, robust = FALSE)`` and integer ``weights = wi``."""
    km = kaplan_meier(spells, duration="months", event="event", weights="w")
    assert km.groups == ["all"]
    _check_table(km, "D")
    km = kaplan_meier(spells, duration="months", event="event", group="pk_dum", weights="wi")
    _check_table(km, "E")
    # integer weights are frequency weights: the same as repeating rows
    rep = spells.loc[spells.index.repeat(spells["wi"].astype(int))]
    km_rep = kaplan_meier(rep, duration="months", event="event", group="pk_dum")
    np.testing.assert_allclose(km_rep.table["std_err"], km.table["std_err"], rtol=1e-12)


def test_km_matches_lifelines(segments):
    """lifelines' product-limit estimate (with ``entry``) equals ours; its default bands differ (log-log)."""
    from lifelines import KaplanMeierFitter

    km = kaplan_meier(segments, entry="st_t0", duration="st_t", event="st_d", group="pk_dum")
    for g in (0.0, 1.0):
        sub = segments[segments["pk_dum"] == g]
        kmf = KaplanMeierFitter().fit(sub["st_t"], sub["st_d"], entry=sub["st_t0"])
        ours = km.table[km.table["group"] == g]
        theirs = kmf.survival_function_at_times(ours["time"]).to_numpy()
        np.testing.assert_allclose(ours["survival"], theirs, rtol=1e-12)


def test_km_everyone_fails_gives_no_interval():
    """When the last subject at risk fails, S = 0 and R reports std.err NaN and NA bounds.

    R: ``summary(survfit(Surv(c(1, 2, 3), c(1, 1, 1)) ~ 1))``: surv 0.667 0.333 0, std.err 0.272 0.272 NaN.
    """
    km = kaplan_meier(pd.DataFrame({"t": [1, 2, 3], "d": [1, 1, 1]}), duration="t", event="d")
    t = km.table
    np.testing.assert_allclose(t["survival"], [2 / 3, 1 / 3, 0.0], rtol=1e-15)
    np.testing.assert_allclose(t["std_err"][:2], [math.sqrt(2) / 3 * math.sqrt(1 / 3)] * 2, rtol=1e-14)
    assert math.isnan(t["std_err"].iloc[2]) and t[["conf_low", "conf_high"]].iloc[2].isna().all()


def test_km_display_and_plot(spells):
    km = kaplan_meier(spells, duration="stop", event="event", group="pk_dum")
    text = km.summary()
    assert "Kaplan-Meier: Surv(stop, event) ~ pk_dum" in text and "4536" in text
    assert "<table" in km._repr_html_()
    tidy = km.tidy()
    assert list(tidy.columns) == ["group", "time", "n_risk", "n_event", "n_censor", "estimate", "std_error",
                                  "conf_low", "conf_high"]
    assert len(tidy) == len(km.curve) > len(km.table)  # censoring times too
    assert km.provenance["citations"] == ["kaplan_meier"]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = km.plot()
    assert len(ax.get_lines()) >= 2  # one step line (and censor marks) per group
    labels = [t.get_text() for t in ax.texts]
    assert "Number at risk" in labels
    assert "115" in labels and "41" in labels  # at risk at time 0
    plt.close("all")


def test_km_bad_input(spells):
    with pytest.raises(SpecificationError, match="no column"):
        kaplan_meier(spells, duration="nope", event="event")
    bad = spells.assign(stop=spells["stop"].where(spells.index != 3, -5.0))
    with pytest.raises(SurvivalDataError, match="negative time.*row 4"):
        kaplan_meier(bad, duration="stop", event="event")
    with pytest.raises(SurvivalDataError, match="0 \\(censored\\) or 1"):
        kaplan_meier(spells.assign(event=2), duration="stop", event="event")
    with pytest.raises(SurvivalDataError, match="start < stop"):
        kaplan_meier(spells.assign(entry=spells["stop"]), entry="entry", duration="stop", event="event")
    with pytest.raises(SpecificationError, match="conf_type"):
        kaplan_meier(spells, duration="stop", event="event", conf_type="arcsin")
    with pytest.raises(SpecificationError, match="weights"):
        kaplan_meier(spells.assign(w=-1.0), duration="stop", event="event", weights="w")
    with pytest.raises(SpecificationError, match="DataFrame"):
        kaplan_meier([1, 2], duration="stop", event="event")


def test_km_drops_missing_rows(spells):
    """Rows with a missing duration, event or group are dropped (R's ``na.omit``) and counted."""
    df = spells.copy()
    df.loc[df.index[:3], "pk_dum"] = np.nan
    km = kaplan_meier(df, duration="stop", event="event", group="pk_dum")
    assert km.data_info["n_dropped"] == 3 and km.data_info["n"] == 153
    assert "3 rows with missing values dropped" in km.summary()


# ----------------------------------------------------------------------------- log-rank
def _check_lr(res: LogrankResult, prefix: str):
    r = R_LR
    np.testing.assert_allclose(res.table["observed"], r[f"{prefix}_obs"], rtol=1e-12)
    np.testing.assert_allclose(res.table["expected"], r[f"{prefix}_exp"], rtol=RTOL)
    np.testing.assert_allclose(res.var.ravel(order="F"), r[f"{prefix}_var"], rtol=RTOL)
    assert res.table["n"].tolist() == r[f"{prefix}_n"]
    assert res.chisq == pytest.approx(r[f"{prefix}_chisq"][0], rel=RTOL)
    assert res.p_value == pytest.approx(r[f"{prefix}_p"][0], rel=RTOL)


def test_logrank_against_R(spells):
    """``survdiff(Surv(stop, event) ~ pk_dum, data = sp)``: chisq 0.0131 on 1 df."""
    res = logrank_test(spells, duration="stop", event="event", group="pk_dum")
    assert res.df == 1
    _check_lr(res, "LR1")
    g = res.glance()
    assert g["test"].tolist() == ["log-rank"] and g["statistic"].iloc[0] == pytest.approx(0.0131117230011, rel=1e-9)


def test_logrank_three_groups_ties_and_trend_against_R(spells):
    """``survdiff(Surv(months, event) ~ chapter)`` (2 df, tied months) and the trend test.

    The trend statistic U^2 / (s'Vs), U = s'(O - E), scores s = (0, 1, 2), is checked
    against two independent computations in R: by hand from ``survdiff``'s O, E and V, and
    as the score test of ``coxph(Surv(months, event) ~ chapter, ties = "exact")`` (the
    exact partial likelihood's score test is the Mantel-Haenszel trend test).
    """
    res = logrank_test(spells, duration="months", event="event", group="chapter", trend=True)
    assert res.df == 2
    _check_lr(res, "LR2")
    assert res.trend_chisq == pytest.approx(R_LR["LR2_trend_cox_exact_score"][0], rel=1e-9)
    assert res.trend_chisq == pytest.approx(R_LR["LR2_trend_by_hand"][0], rel=1e-9)
    assert res.glance()["test"].tolist() == ["log-rank", "trend"]
    assert "Test for trend (scores 0, 1, 2)" in res.summary()
    # explicit scores give the same; reversed scores the same statistic
    assert logrank_test(spells, duration="months", event="event", group="chapter",
                        trend=[2, 1, 0]).trend_chisq == pytest.approx(res.trend_chisq, rel=1e-12)


def test_logrank_stratified_against_R(spells):
    """``survdiff(... + strata(wartype))``; stratified trend: ``coxph(... + strata(wartype), ties="exact")``."""
    res = logrank_test(spells, duration="stop", event="event", group="pk_dum", strata="wartype")
    assert res.n_strata == 2
    _check_lr(res, "LR3")
    res = logrank_test(spells, duration="months", event="event", group="chapter", strata="wartype", trend=True)
    _check_lr(res, "LR4")
    assert res.trend_chisq == pytest.approx(R_LR["LR4_trend_cox_exact_score"][0], rel=1e-9)
    assert res.trend_chisq == pytest.approx(R_LR["LR4_trend_by_hand"][0], rel=1e-9)


def test_logrank_delayed_entry_against_R_cox_score(segments):
    """With delayed entry (R's survdiff refuses it) the log-rank test equals the Cox score test.

    R: ``coxph(Surv(_t0, _t, _d) ~ pk_dum [+ strata(wartype)], data = d, ties = "breslow")$score``
    (no tied event days, so Breslow's information is the hypergeometric variance).
    """
    res = logrank_test(segments, entry="st_t0", duration="st_t", event="st_d", group="pk_dum")
    assert res.chisq == pytest.approx(R_LR["LR5_entry_cox_breslow_score"][0], rel=1e-9)
    res = logrank_test(segments, entry="st_t0", duration="st_t", event="st_d", group="pk_dum", strata="wartype")
    assert res.chisq == pytest.approx(R_LR["LR6_entry_strata_cox_breslow_score"][0], rel=1e-9)


def test_logrank_weights_are_frequency_weights(spells):
    """Integer weights equal repeated rows; lifelines' weighted multivariate log-rank agrees."""
    from lifelines.statistics import multivariate_logrank_test

    res = logrank_test(spells, duration="months", event="event", group="chapter", weights="wi", trend=True)
    rep = spells.loc[spells.index.repeat(spells["wi"].astype(int))]
    res_rep = logrank_test(rep, duration="months", event="event", group="chapter", trend=True)
    assert res.chisq == pytest.approx(res_rep.chisq, rel=1e-12)
    assert res.trend_chisq == pytest.approx(res_rep.trend_chisq, rel=1e-12)
    ll = multivariate_logrank_test(spells["months"], spells["chapter"], spells["event"], weights=spells["wi"])
    assert res.chisq == pytest.approx(ll.test_statistic, rel=1e-10)
    assert res.chisq == pytest.approx(4.3924989872, rel=1e-9)


def test_logrank_display(spells):
    res = logrank_test(spells, duration="stop", event="event", group="pk_dum", strata="wartype")
    text = res.summary()
    assert "Log-rank test: Surv(stop, event) ~ pk_dum + strata(wartype)" in text
    assert "Chisq = 0.0358 on 1 degrees of freedom" in text
    assert "<table" in res._repr_html_()
    assert list(res.tidy().columns) == ["group", "n", "observed", "expected", "oe2_e", "oe2_v"]
    assert res.provenance["citations"] == ["logrank"]


def test_logrank_bad_input(spells):
    with pytest.raises(SpecificationError, match="single value"):
        logrank_test(spells.assign(one=1), duration="stop", event="event", group="one")
    with pytest.raises(SurvivalDataError, match="no events"):
        logrank_test(spells.assign(event=0), duration="stop", event="event", group="pk_dum")
    with pytest.raises(SpecificationError, match="not numeric"):
        logrank_test(spells, duration="stop", event="event", group="cluster", trend=True)
    with pytest.raises(SpecificationError, match="3 scores"):
        logrank_test(spells, duration="stop", event="event", group="chapter", trend=[0, 1])
    with pytest.raises(SpecificationError, match="no column"):
        logrank_test(spells, duration="stop", event="event", group="pk")


# ----------------------------------------------------------------------------- R fixtures
R_KM = {
    "A_time": [
        14, 30, 35, 36, 39, 45, 51, 65, 66, 84, 89, 90, 102, 107, 129, 140, 148, 166, 183, 184, 201, 207, 215,
        221, 233, 304, 381, 442, 533, 610, 611, 693, 732, 746, 807, 860, 862, 863, 914, 947, 985, 1118, 1123,
        1129, 1231, 1242, 1348, 1461, 1521, 1900, 1916, 2572, 2692, 3411, 4115, 4380, 4536, 5033, 5844, 5898,
        5954, 6426, 8740, 9743, 50, 73, 92, 120, 142, 154, 245, 300, 385, 411, 499, 588, 687, 744, 1001, 1173,
        1263, 1475, 3626, 6045,
    ],
    "A_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "A_n_risk": [
        115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95,
        94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70,
        69, 68, 67, 66, 64, 61, 57, 54, 45, 44, 42, 39, 36, 35, 34, 33, 26, 24, 41, 40, 39, 38, 37, 36, 35,
        34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 15, 3,
    ],
    "A_n_event": [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "A_n_censor": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 2, 8, 0, 1, 2, 2, 0, 0, 0, 6, 1, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 11,
    ],
    "A_surv": [
        0.991304347826, 0.982608695652, 0.973913043478, 0.965217391304, 0.95652173913, 0.947826086957,
        0.939130434783, 0.930434782609, 0.921739130435, 0.913043478261, 0.904347826087, 0.895652173913,
        0.886956521739, 0.878260869565, 0.869565217391, 0.860869565217, 0.852173913043, 0.84347826087,
        0.834782608696, 0.826086956522, 0.817391304348, 0.808695652174, 0.8, 0.791304347826, 0.782608695652,
        0.773913043478, 0.765217391304, 0.75652173913, 0.747826086957, 0.739130434783, 0.730434782609,
        0.721739130435, 0.713043478261, 0.704347826087, 0.695652173913, 0.686956521739, 0.678260869565,
        0.669565217391, 0.660869565217, 0.652173913043, 0.64347826087, 0.634782608696, 0.626086956522,
        0.617391304348, 0.608695652174, 0.6, 0.591304347826, 0.582608695652, 0.573913043478, 0.565217391304,
        0.556385869565, 0.547264789736, 0.537663653074, 0.527706918758, 0.515980098341, 0.504253277924,
        0.492247247498, 0.479625523203, 0.466302592003, 0.452979660803, 0.439656729603, 0.426333798402,
        0.409936344618, 0.392855663592, 0.975609756098, 0.951219512195, 0.926829268293, 0.90243902439,
        0.878048780488, 0.853658536585, 0.829268292683, 0.80487804878, 0.780487804878, 0.756097560976,
        0.731707317073, 0.707317073171, 0.682926829268, 0.658536585366, 0.634146341463, 0.609756097561,
        0.585365853659, 0.560975609756, 0.523577235772, 0.349051490515,
    ],
    "A_std_err": [
        0.00865776244172, 0.0121901053535, 0.0148635612858, 0.0170861700565, 0.0190166749943, 0.0207368178854,
        0.0222953419287, 0.0237241205308, 0.0250453685487, 0.0262753124445, 0.0274262387123, 0.0285077193631,
        0.0295273860036, 0.0304914406458, 0.0314050051528, 0.0322723676258, 0.0330971606521, 0.0338824931466,
        0.0346310497669, 0.0353451671607, 0.0360268933274, 0.036678034456, 0.0373001923296, 0.0378947945189,
        0.0384631189969, 0.0390063143843, 0.0395254167373, 0.0400213635725, 0.0404950056635, 0.0409471170255,
        0.0413784034159, 0.0417895096087, 0.0421810256509, 0.042553492267, 0.0429074055474, 0.0432432210299,
        0.0435613572653, 0.0438621989428, 0.0441460996344, 0.0444133842135, 0.0446643509882, 0.044899273587,
        0.045118402627, 0.0453219671916, 0.0455101761385, 0.0456832192576, 0.0458412682945, 0.045984477854,
        0.0461129861935, 0.0462269159192, 0.0463405607017, 0.0464698485529, 0.0466358875802, 0.0468230764103,
        0.0472282276227, 0.0475884848766, 0.0479460042811, 0.0483494120785, 0.0488074688479, 0.0491977514974,
        0.0495218624399, 0.0497810941694, 0.0504948596356, 0.0511983722707, 0.0240909657719, 0.0336412028926,
        0.0406702311366, 0.046339897904, 0.051104655788, 0.0551993371073, 0.0587641817722, 0.061890811677,
        0.0646428445316, 0.0670664103456, 0.0691960310463, 0.0710581402577, 0.0726733042431, 0.0740576820508,
        0.0752240165126, 0.0761823228725, 0.0769403746067, 0.0775040478903, 0.0808582308656, 0.152354713504,
    ],
    "A_lower": [
        0.974479854828, 0.959004657651, 0.945212390869, 0.932303391614, 0.919966573826, 0.908041756038,
        0.896433424223, 0.8850791232, 0.873935324608, 0.862970234569, 0.852159779501, 0.841485204645,
        0.830931557207, 0.820486685401, 0.810140553715, 0.79988476012, 0.789712186802, 0.779616741832,
        0.769593164373, 0.759636875281, 0.7497438608, 0.739910580781, 0.730133895408, 0.720411006024,
        0.710739406914, 0.701116845631, 0.691541290102, 0.68201090115, 0.672524009373, 0.663079095585,
        0.65367477415, 0.644309778728, 0.634982950014, 0.625693225138, 0.616439628476, 0.607221263648,
        0.598037306518, 0.588886999067, 0.579769644004, 0.570684600017, 0.561631277584, 0.552609135262,
        0.543617676408, 0.534656446269, 0.525725029401, 0.516823047387, 0.507950156809, 0.49910604746,
        0.490290440766, 0.481503088398, 0.472585907932, 0.463361027126, 0.453606355746, 0.443472050119,
        0.431242479746, 0.41909964252, 0.406700143117, 0.39363668292, 0.379816071081, 0.366125853319,
        0.35256277668, 0.339124182386, 0.322008770542, 0.304299579302, 0.929516729601, 0.8875172895,
        0.85044872014, 0.816035391348, 0.783387369644, 0.752044821027, 0.721733110184, 0.692272759657,
        0.663539081903, 0.635441586034, 0.607912464061, 0.58089969706, 0.554362703421, 0.528269475463,
        0.502594633156, 0.477318068165, 0.452423982936, 0.427900204028, 0.386835326395, 0.148373142189,
    ],
    "A_upper": [
        1, 1, 1, 0.999293385454, 0.99452943559, 0.989353501798, 0.983861098552, 0.978114681497,
        0.972157779474, 0.966022186861, 0.95973197776, 0.953305907468, 0.94675892934, 0.940103195743,
        0.933348742794, 0.926503973155, 0.919576005295, 0.912570931824, 0.905494014293, 0.898349832586,
        0.891142401234, 0.883875261189, 0.876551553113, 0.869174076538, 0.861745338097, 0.854267591198,
        0.846742868915, 0.839173011475, 0.831559689376, 0.823904422956, 0.816208599052, 0.808473485268,
        0.800700242234, 0.792889934207, 0.785043538272, 0.777161952341, 0.769246002163, 0.761296447452,
        0.753313987284, 0.745299264851, 0.737252871658, 0.729175351239, 0.721067202444, 0.712928882359,
        0.704760808892, 0.69656336307, 0.688336891073, 0.680081706036, 0.671798089639, 0.663486293506,
        0.65504542276, 0.646361546509, 0.637297516172, 0.627941697859, 0.617368358611, 0.606708626065,
        0.59578870765, 0.584398386861, 0.572482640584, 0.560437268334, 0.548265593166, 0.535970352752,
        0.521873383621, 0.507182996343, 1, 1, 1, 0.997991265302, 0.984148699342, 0.9690019487, 0.9528257628,
        0.935799747096, 0.918048733191, 0.899663374695, 0.880711664113, 0.861245830444, 0.841306695519,
        0.820926543002, 0.800131071568, 0.778940759443, 0.75737183605, 0.735436982219, 0.708655862364,
        0.821152273471,
    ],
    "A_loglog_time": [
        14, 30, 35, 36, 39, 45, 51, 65, 66, 84, 89, 90, 102, 107, 129, 140, 148, 166, 183, 184, 201, 207, 215,
        221, 233, 304, 381, 442, 533, 610, 611, 693, 732, 746, 807, 860, 862, 863, 914, 947, 985, 1118, 1123,
        1129, 1231, 1242, 1348, 1461, 1521, 1900, 1916, 2572, 2692, 3411, 4115, 4380, 4536, 5033, 5844, 5898,
        5954, 6426, 8740, 9743, 50, 73, 92, 120, 142, 154, 245, 300, 385, 411, 499, 588, 687, 744, 1001, 1173,
        1263, 1475, 3626, 6045,
    ],
    "A_loglog_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "A_loglog_lower": [
        0.939881567419, 0.932252960714, 0.921308031805, 0.909982405539, 0.898701422818, 0.887556166911,
        0.87656221723, 0.865714521302, 0.855002500097, 0.844414768024, 0.833940643528, 0.823570567822,
        0.813296138433, 0.803110012571, 0.793005776016, 0.782977813227, 0.773021190852, 0.763131557513,
        0.753305059191, 0.743538268337, 0.733828124624, 0.72417188537, 0.714567083975, 0.705011494927,
        0.695503104237, 0.686040084354, 0.676620772775, 0.667243653752, 0.65790734256, 0.648610571929,
        0.639352180287, 0.630131101545, 0.620946356187, 0.61179704347, 0.602682334586, 0.593601466645,
        0.584553737364, 0.575538500377, 0.566555161083, 0.557603172965, 0.54868203432, 0.539791285353,
        0.530930505599, 0.52209931163, 0.513297355015, 0.50452432052, 0.495779924507, 0.48706391353,
        0.478376063097, 0.469716176595, 0.460922087321, 0.451811317727, 0.442155335028, 0.432109264724,
        0.419891347993, 0.407773841069, 0.395398468853, 0.38234122738, 0.368506168718, 0.354823743725,
        0.341289304977, 0.327898958879, 0.310672299325, 0.292857245039, 0.839202411592, 0.81873692905,
        0.79004630554, 0.760613217161, 0.731506103978, 0.702941448935, 0.674946859172, 0.647500654286,
        0.620569681371, 0.594120776674, 0.568124206142, 0.542554449018, 0.517390091129, 0.49261345248,
        0.468210176087, 0.444168858132, 0.420480743771, 0.397139492301, 0.355933442393, 0.0932369917408,
    ],
    "A_loglog_upper": [
        0.998770507433, 0.995621899266, 0.99151122418, 0.986801577773, 0.981669363142, 0.976216404479,
        0.97050795904, 0.964588903868, 0.958491711703, 0.952240802337, 0.945855102605, 0.93934964292,
        0.932736600393, 0.92602600679, 0.919226244485, 0.912344403369, 0.905386543659, 0.898357893344,
        0.891262999135, 0.884105843663, 0.876889937742, 0.8696183939, 0.862293985625, 0.854919195597,
        0.847496255299, 0.840027177832, 0.832513785293, 0.824957731794, 0.81736052292, 0.809723532289,
        0.80204801572, 0.794335123407, 0.786585910436, 0.778801345908, 0.770982320874, 0.76312965528,
        0.755244104043, 0.747326362397, 0.739377070605, 0.731396818119, 0.723386147255, 0.715345556465,
        0.707275503218, 0.699176406576, 0.691048649469, 0.682892580716, 0.674708516818, 0.66649674354,
        0.658257517307, 0.649991066433, 0.641589600602, 0.632931121241, 0.623867183603, 0.614493082307,
        0.603775931531, 0.592984997862, 0.581922486531, 0.570348467059, 0.558198776644, 0.545938875965,
        0.533570877664, 0.521096414227, 0.506490116357, 0.491239588502, 0.996527927138, 0.987572188597,
        0.975797287675, 0.96222077346, 0.947338984141, 0.93143906926, 0.914705108941, 0.897263427364,
        0.879204974924, 0.860597562943, 0.841493070255, 0.821931937707, 0.80194609935, 0.781560962464,
        0.760796782047, 0.739669634133, 0.718192113511, 0.696373835208, 0.666763226389, 0.626926999952,
    ],
    "A_plain_time": [
        14, 30, 35, 36, 39, 45, 51, 65, 66, 84, 89, 90, 102, 107, 129, 140, 148, 166, 183, 184, 201, 207, 215,
        221, 233, 304, 381, 442, 533, 610, 611, 693, 732, 746, 807, 860, 862, 863, 914, 947, 985, 1118, 1123,
        1129, 1231, 1242, 1348, 1461, 1521, 1900, 1916, 2572, 2692, 3411, 4115, 4380, 4536, 5033, 5844, 5898,
        5954, 6426, 8740, 9743, 50, 73, 92, 120, 142, 154, 245, 300, 385, 411, 499, 588, 687, 744, 1001, 1173,
        1263, 1475, 3626, 6045,
    ],
    "A_plain_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "A_plain_lower": [
        0.974335445254, 0.958716528192, 0.944780998676, 0.93172911336, 0.919249741036, 0.907182670747,
        0.895432367579, 0.883936360803, 0.8726511101, 0.861544812187, 0.85059338598, 0.83977807068,
        0.829083908614, 0.818498744063, 0.808012538358, 0.797616886975, 0.787304670175, 0.777069794596,
        0.766906998406, 0.756811701859, 0.746779890951, 0.736808025616, 0.726892966418, 0.717031915367,
        0.707222367685, 0.697462072115, 0.687748998025, 0.678081307916, 0.668457334302, 0.658875560142,
        0.649334602176, 0.63983319667, 0.630370187154, 0.620944513827, 0.61155520437, 0.602201365945,
        0.592882178207, 0.583596887181, 0.574344799876, 0.565125279553, 0.55593774154, 0.546781649533,
        0.537656512333, 0.528561880944, 0.519497346012, 0.510462535557, 0.501457112963, 0.492480775211,
        0.483533251319, 0.474614300986, 0.465560039566, 0.456185560206, 0.44625899303, 0.435935375348,
        0.423414473147, 0.410981561487, 0.398274805904, 0.384862416855, 0.370641710884, 0.356553839747,
        0.342595662773, 0.328764646719, 0.310968238328, 0.292508697874, 0.928392330832, 0.885283966129,
        0.847117080022, 0.811614493451, 0.777885495701, 0.745469823885, 0.714092612828, 0.68357428692,
        0.653790157738, 0.624649812126, 0.596085588349, 0.568045677457, 0.540489770314, 0.513386195768,
        0.486709978326, 0.460441488472, 0.434565490472, 0.409070467235, 0.365098015422, 0.0504417391729,
    ],
    "A_plain_upper": [
        1, 1, 1, 0.998705669249, 0.993793737225, 0.988469503166, 0.982828501986, 0.976933204414,
        0.97082715077, 0.964542144335, 0.958102266194, 0.951526277146, 0.944829134864, 0.938022995068,
        0.931117896425, 0.92412224346, 0.917043155912, 0.909886727143, 0.902658218986, 0.895362211184,
        0.888002717744, 0.880583278731, 0.873107033582, 0.865576780285, 0.857995023619, 0.850364014841,
        0.842685784583, 0.834962170345, 0.827194839611, 0.819385309423, 0.811534963042, 0.8036450642,
        0.795716769368, 0.787751138347, 0.779749143456, 0.771711677533, 0.763639560923, 0.755533547602,
        0.747394330559, 0.739222546533, 0.731018780199, 0.722783567858, 0.714517400711, 0.706220727752,
        0.697893958336, 0.689537464443, 0.681151582689, 0.672736616094, 0.664292835637, 0.655820481622,
        0.647211699564, 0.638344019267, 0.629068313118, 0.619478462168, 0.608545723535, 0.597524994361,
        0.586219689091, 0.57438862955, 0.561963473121, 0.549405481858, 0.536717796432, 0.523902950086,
        0.508904450908, 0.49320262931, 1, 1, 1, 0.993263555329, 0.978212065275, 0.961847249286,
        0.944443972537, 0.926181810641, 0.907185452018, 0.887545309825, 0.867329045797, 0.846588468884,
        0.825363888222, 0.803686974964, 0.781582704601, 0.75907070665, 0.736166216845, 0.712880752277,
        0.682056456123, 0.647661241857,
    ],
    "A_median": [4536, 6045],
    "A_median_lcl": [1461, 1173],
    "A_median_ucl": [NAN, NAN],
    "A_at_time": [365, 730, 1825, 3650, 365, 730, 1825, 3650],
    "A_at_group": [0, 0, 0, 0, 1, 1, 1, 1],
    "A_at_n_risk": [89, 83, 66, 52, 33, 28, 23, 14],
    "A_at_n_event": [26, 6, 17, 5, 8, 5, 5, 1],
    "A_at_surv": [
        0.773913043478, 0.721739130435, 0.573913043478, 0.527706918758, 0.80487804878, 0.682926829268,
        0.560975609756, 0.523577235772,
    ],
    "A_at_std_err": [
        0.0390063143843, 0.0417895096087, 0.0461129861935, 0.0468230764103, 0.061890811677, 0.0726733042431,
        0.0775040478903, 0.0808582308656,
    ],
    "A_at_lower": [
        0.701116845631, 0.644309778728, 0.490290440766, 0.443472050119, 0.692272759657, 0.554362703421,
        0.427900204028, 0.386835326395,
    ],
    "A_at_upper": [
        0.854267591198, 0.808473485268, 0.671798089639, 0.627941697859, 0.935799747096, 0.841306695519,
        0.735436982219, 0.708655862364,
    ],
    "B_time": [
        14, 30, 35, 36, 39, 45, 51, 65, 66, 84, 89, 90, 102, 107, 129, 140, 148, 166, 183, 184, 201, 207, 215,
        221, 233, 304, 381, 442, 533, 610, 611, 693, 732, 746, 807, 860, 862, 863, 914, 947, 985, 1118, 1123,
        1129, 1231, 1242, 1263, 1348, 1461, 1521, 1900, 1916, 2572, 2692, 3411, 4115, 4380, 4536, 5033, 5844,
        5898, 5954, 6426, 8740, 9743, 50, 73, 92, 120, 142, 154, 245, 300, 385, 411, 499, 588, 687, 744, 1001,
        1173, 1475, 3626, 6045,
    ],
    "B_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "B_n_risk": [
        115, 114, 114, 113, 112, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95,
        94, 93, 92, 91, 91, 90, 90, 89, 88, 87, 87, 86, 85, 85, 84, 83, 82, 82, 82, 81, 83, 82, 81, 80, 79,
        78, 77, 76, 75, 74, 72, 69, 65, 60, 50, 49, 45, 41, 36, 35, 34, 33, 26, 24, 41, 40, 39, 38, 37, 36,
        35, 33, 32, 31, 29, 28, 26, 25, 21, 17, 16, 10, 3,
    ],
    "B_n_event": [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "B_n_censor": [
        0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 3, 4, 9, 0, 3, 3, 4, 0, 0, 0, 6, 1, 1, 2, 1,
        2, 0, 1, 2, 1, 2, 1, 2, 0, 2, 1, 5, 5, 0, 8, 6,
    ],
    "B_surv": [
        0.991304347826, 0.982608695652, 0.973989321129, 0.965369946606, 0.956750572082, 0.948052839609,
        0.939355107135, 0.930657374662, 0.921959642188, 0.913261909715, 0.904564177242, 0.895866444768,
        0.887168712295, 0.878470979821, 0.869773247348, 0.861075514874, 0.852377782401, 0.843680049927,
        0.834982317454, 0.82628458498, 0.817586852507, 0.808889120033, 0.80019138756, 0.791493655086,
        0.782795922613, 0.774193769617, 0.765591616621, 0.757085043103, 0.748578469585, 0.740071896067,
        0.731565322549, 0.723156525738, 0.714747728927, 0.706338932117, 0.698029062327, 0.689719192537,
        0.681409322748, 0.673099452958, 0.664890923044, 0.656782497153, 0.648674071262, 0.640858721006,
        0.63304337075, 0.625228020494, 0.617412670238, 0.609597319982, 0.601781969725, 0.593966619469,
        0.586151269213, 0.578335918957, 0.570520568701, 0.562596671913, 0.554443096958, 0.545913203159,
        0.536814649773, 0.526078356777, 0.515342063782, 0.50389001792, 0.491600017483, 0.477944461442,
        0.4642889054, 0.450633349359, 0.436977793318, 0.420170955114, 0.402663831984, 0.975609756098,
        0.951219512195, 0.926829268293, 0.90243902439, 0.878048780488, 0.853658536585, 0.829268292683,
        0.80413895048, 0.779009608278, 0.753880266075, 0.727884394831, 0.701888523587, 0.674892811142,
        0.647897098696, 0.617044855901, 0.580748099672, 0.544451343442, 0.490006209098, 0.326670806065,
    ],
    "B_std_err": [
        0.00865776244172, 0.0121901053535, 0.0148204260163, 0.017012079757, 0.0189181436613, 0.0206490036755,
        0.0222159905886, 0.0236516979245, 0.0249787726567, 0.0262137186221, 0.0273690097812, 0.0284543501183,
        0.0294774672715, 0.030444635072, 0.0313610303472, 0.0322309841, 0.0330581629784, 0.0338457033433,
        0.0345963122592, 0.0353123448798, 0.0359958646476, 0.0366486907596, 0.0372724360472, 0.0378685375376,
        0.0384382813536, 0.0389665396993, 0.0394716542812, 0.0399391929599, 0.0403861787155, 0.0408132868383,
        0.0412211352123, 0.0415961531311, 0.041953801244, 0.0422945201975, 0.0426054636167, 0.0429009906602,
        0.0431814178511, 0.0434470375747, 0.0436857406851, 0.0438990334145, 0.0440995510945, 0.0442553337993,
        0.0444003551146, 0.0445347201696, 0.0446585251495, 0.0447718576579, 0.0448747970404, 0.0449674146728,
        0.0450497742166, 0.0451219318429, 0.0451839364285, 0.0452458532683, 0.0453188234996, 0.0454172640164,
        0.0455625635894, 0.0458988269918, 0.0462007302526, 0.0465717669735, 0.0470295482704, 0.0476644817752,
        0.0482190916049, 0.0486961223036, 0.0490978351817, 0.0500033839681, 0.050892497415, 0.0240909657719,
        0.0336412028926, 0.0406702311366, 0.046339897904, 0.051104655788, 0.0551993371073, 0.0587641817722,
        0.0621245637775, 0.0650673809243, 0.0676471504705, 0.0701317688203, 0.0722846439668, 0.0743747916777,
        0.0761416390182, 0.0785180373987, 0.0818600516853, 0.0844080814083, 0.0918633332515, 0.146752327745,
    ],
    "B_lower": [
        0.974479854828, 0.959004657651, 0.945370690948, 0.932596131023, 0.920380995542, 0.908433211172,
        0.896806329654, 0.885436484667, 0.8742793011, 0.863302441564, 0.852481465152, 0.841797358521,
        0.831234980719, 0.820782039252, 0.81042839092, 0.800165549643, 0.789986330881, 0.779884588936,
        0.769855019075, 0.759893005905, 0.749994505415, 0.74015595198, 0.730374184137, 0.720646384711,
        0.710970032021, 0.701466919651, 0.692008961551, 0.682716596497, 0.673464313423, 0.664250786783,
        0.655074803342, 0.646057203906, 0.63707344793, 0.628122669075, 0.619325386493, 0.610558119747,
        0.601820245337, 0.593111186881, 0.584552310144, 0.576139510784, 0.567751553084, 0.559733715422,
        0.551736793083, 0.54376057647, 0.535804873348, 0.527869508123, 0.519954321198, 0.512059168399,
        0.504183920465, 0.496328462599, 0.48849269407, 0.480552414314, 0.472369498808, 0.463775563893,
        0.45454612739, 0.443389641583, 0.432299621177, 0.420401159356, 0.407549719615, 0.393087053791,
        0.378779177107, 0.364620599426, 0.35060676341, 0.332756758531, 0.314311049518, 0.929516729601,
        0.8875172895, 0.85044872014, 0.816035391348, 0.783387369644, 0.752044821027, 0.721733110184,
        0.691147381579, 0.661371606336, 0.632298856188, 0.602627594611, 0.573596320721, 0.54378893856,
        0.514602409772, 0.480842237687, 0.440560598062, 0.401785723063, 0.339331035828, 0.135431547061,
    ],
    "B_upper": [
        1, 1, 1, 0.999295517972, 0.994557320951, 0.989400404605, 0.983922601931, 0.978187779712,
        0.972240313542, 0.966112541307, 0.959828904436, 0.953408416809, 0.946866219939, 0.940214606903,
        0.933463721505, 0.926622050457, 0.919696778956, 0.912694053381, 0.905619179177, 0.89847677248,
        0.891270878074, 0.88400506239, 0.876682487732, 0.869305972156, 0.861878038259, 0.854460810799,
        0.846998458122, 0.839554458515, 0.832070406639, 0.824547629069, 0.816987340111, 0.80945674401,
        0.801892337008, 0.794294986611, 0.786734376596, 0.779143785281, 0.771523837434, 0.763875110761,
        0.756270964761, 0.748713185769, 0.741130602713, 0.733741579208, 0.726331675312, 0.718901101931,
        0.711450052681, 0.703978704605, 0.696487218824, 0.688975741118, 0.681444402438, 0.673893319364,
        0.666322594508, 0.658648267743, 0.650776878144, 0.642597947337, 0.63397299162, 0.624187873405,
        0.614336514984, 0.603959205413, 0.59298428034, 0.581120405823, 0.569102529142, 0.556936212255,
        0.544626093336, 0.530548597421, 0.515852566546, 1, 1, 1, 0.997991265302, 0.984148699342, 0.9690019487,
        0.9528257628, 0.935602837997, 0.917571852156, 0.898839923584, 0.879175957053, 0.858874929541,
        0.837604949702, 0.815718392544, 0.791828014164, 0.76554362046, 0.737774511041, 0.70758657359,
        0.787953898862,
    ],
    "B_median": [5033, 3626],
    "B_median_lcl": [1521, 1001],
    "B_median_ucl": [NAN, NAN],
    "B_n_start": [115, 41],
    "B_n_max": [115, 41],
    "B_records": [129, 63],
    "B_at_time": [365, 730, 1825, 3650, 365, 730, 1825, 3650],
    "B_at_group": [0, 0, 0, 0, 1, 1, 1, 1],
    "B_at_n_risk": [90, 86, 74, 57, 32, 25, 15, 9],
    "B_at_n_event": [26, 6, 18, 5, 8, 5, 4, 1],
    "B_at_surv": [
        0.774193769617, 0.723156525738, 0.578335918957, 0.536814649773, 0.80413895048, 0.674892811142,
        0.544451343442, 0.490006209098,
    ],
    "B_at_std_err": [
        0.0389665396993, 0.0415961531311, 0.0451219318429, 0.0455625635894, 0.0621245637775, 0.0743747916777,
        0.0844080814083, 0.0918633332515,
    ],
    "B_at_lower": [
        0.701466919651, 0.646057203906, 0.496328462599, 0.45454612739, 0.691147381579, 0.54378893856,
        0.401785723063, 0.339331035828,
    ],
    "B_at_upper": [
        0.854460810799, 0.80945674401, 0.673893319364, 0.63397299162, 0.935602837997, 0.837604949702,
        0.737774511041, 0.70758657359,
    ],
    "C_time": [
        1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 15, 18, 21, 23, 25, 27, 29, 31, 32, 33, 37, 38, 41, 45, 48, 50, 63,
        85, 89, 113, 136, 144, 150, 166, 192, 194, 196, 212, 288, 321, 2, 3, 4, 5, 6, 9, 10, 13, 14, 17, 20,
        23, 25, 33, 39, 42, 49, 120, 199,
    ],
    "C_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "C_n_risk": [
        115, 113, 108, 103, 101, 98, 97, 93, 90, 89, 88, 87, 86, 84, 83, 81, 80, 77, 76, 75, 74, 72, 71, 69,
        68, 67, 66, 61, 57, 54, 45, 44, 42, 39, 36, 35, 34, 33, 26, 24, 41, 40, 39, 37, 36, 35, 34, 33, 32,
        31, 30, 29, 28, 27, 26, 25, 24, 15, 3,
    ],
    "C_n_event": [
        2, 5, 5, 2, 3, 1, 4, 3, 1, 1, 1, 1, 2, 1, 2, 1, 3, 1, 1, 1, 2, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "C_n_censor": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 2, 8, 0, 1, 2,
        2, 0, 0, 0, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 11,
    ],
    "C_surv": [
        0.982608695652, 0.939130434783, 0.895652173913, 0.878260869565, 0.852173913043, 0.84347826087,
        0.808695652174, 0.782608695652, 0.773913043478, 0.765217391304, 0.75652173913, 0.747826086957,
        0.730434782609, 0.721739130435, 0.704347826087, 0.695652173913, 0.669565217391, 0.660869565217,
        0.652173913043, 0.64347826087, 0.626086956522, 0.617391304348, 0.6, 0.591304347826, 0.582608695652,
        0.573913043478, 0.55652173913, 0.547398431932, 0.53779495067, 0.527835784916, 0.516106100807,
        0.504376416698, 0.492367454396, 0.479742647873, 0.46641646321, 0.453090278546, 0.439764093883,
        0.42643790922, 0.410036451173, 0.392951599041, 0.975609756098, 0.951219512195, 0.90243902439,
        0.878048780488, 0.853658536585, 0.829268292683, 0.80487804878, 0.780487804878, 0.756097560976,
        0.731707317073, 0.707317073171, 0.682926829268, 0.658536585366, 0.634146341463, 0.609756097561,
        0.585365853659, 0.560975609756, 0.523577235772, 0.349051490515,
    ],
    "C_std_err": [
        0.0121901053535, 0.0222953419287, 0.0285077193631, 0.0304914406458, 0.0330971606521, 0.0338824931466,
        0.036678034456, 0.0384631189969, 0.0390063143843, 0.0395254167373, 0.0400213635725, 0.0404950056635,
        0.0413784034159, 0.0417895096087, 0.042553492267, 0.0429074055474, 0.0438621989428, 0.0441460996344,
        0.0444133842135, 0.0446643509882, 0.045118402627, 0.0453219671916, 0.0456832192576, 0.0458412682945,
        0.045984477854, 0.0461129861935, 0.0463263745901, 0.0464565922089, 0.0466236123322, 0.0468118065807,
        0.0472182411104, 0.0475797092543, 0.0479384208651, 0.0483430568736, 0.0488023818391, 0.0491938451785,
        0.0495190563188, 0.0497793137654, 0.0504944873125, 0.0511993687544, 0.0240909657719, 0.0336412028926,
        0.046339897904, 0.051104655788, 0.0551993371073, 0.0587641817722, 0.061890811677, 0.0646428445316,
        0.0670664103456, 0.0691960310463, 0.0710581402577, 0.0726733042431, 0.0740576820508, 0.0752240165126,
        0.0761823228725, 0.0769403746067, 0.0775040478903, 0.0808582308656, 0.152354713504,
    ],
    "C_lower": [
        0.959004657651, 0.896433424223, 0.841485204645, 0.820486685401, 0.789712186802, 0.779616741832,
        0.739910580781, 0.710739406914, 0.701116845631, 0.691541290102, 0.68201090115, 0.672524009373,
        0.65367477415, 0.644309778728, 0.625693225138, 0.616439628476, 0.588886999067, 0.579769644004,
        0.570684600017, 0.561631277584, 0.543617676408, 0.534656446269, 0.516823047387, 0.507950156809,
        0.49910604746, 0.490290440766, 0.472743771066, 0.46351501195, 0.453756257328, 0.443617743634,
        0.431383041752, 0.419235214025, 0.40683070072, 0.393762025351, 0.379935972037, 0.366240482749,
        0.35267229078, 0.339228725559, 0.322106963188, 0.304391357999, 0.929516729601, 0.8875172895,
        0.816035391348, 0.783387369644, 0.752044821027, 0.721733110184, 0.692272759657, 0.663539081903,
        0.635441586034, 0.607912464061, 0.58089969706, 0.554362703421, 0.528269475463, 0.502594633156,
        0.477318068165, 0.452423982936, 0.427900204028, 0.386835326395, 0.148373142189,
    ],
    "C_upper": [
        1, 0.983861098552, 0.953305907468, 0.940103195743, 0.919576005295, 0.912570931824, 0.883875261189,
        0.861745338097, 0.854267591198, 0.846742868915, 0.839173011475, 0.831559689376, 0.816208599052,
        0.808473485268, 0.792889934207, 0.785043538272, 0.761296447452, 0.753313987284, 0.745299264851,
        0.737252871658, 0.721067202444, 0.712928882359, 0.69656336307, 0.688336891073, 0.680081706036,
        0.671798089639, 0.655146540433, 0.646462434994, 0.637398172025, 0.628042092177, 0.617468656645,
        0.606808686891, 0.595888436441, 0.584497725454, 0.572581522056, 0.560535522923, 0.548363064876,
        0.536066897402, 0.52196912984, 0.507277736805, 1, 1, 0.997991265302, 0.984148699342, 0.9690019487,
        0.9528257628, 0.935799747096, 0.918048733191, 0.899663374695, 0.880711664113, 0.861245830444,
        0.841306695519, 0.820926543002, 0.800131071568, 0.778940759443, 0.75737183605, 0.735436982219,
        0.708655862364, 0.821152273471,
    ],
    "C_median": [150, 199],
    "C_median_lcl": [48, 39],
    "C_median_ucl": [NAN, NAN],
    "C_loglog_time": [
        1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 15, 18, 21, 23, 25, 27, 29, 31, 32, 33, 37, 38, 41, 45, 48, 50, 63,
        85, 89, 113, 136, 144, 150, 166, 192, 194, 196, 212, 288, 321, 2, 3, 4, 5, 6, 9, 10, 13, 14, 17, 20,
        23, 25, 33, 39, 42, 49, 120, 199,
    ],
    "C_loglog_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "C_loglog_lower": [
        0.932252960714, 0.87656221723, 0.823570567822, 0.803110012571, 0.773021190852, 0.763131557513,
        0.72417188537, 0.695503104237, 0.686040084354, 0.676620772775, 0.667243653752, 0.65790734256,
        0.639352180287, 0.630131101545, 0.61179704347, 0.602682334586, 0.575538500377, 0.566555161083,
        0.557603172965, 0.54868203432, 0.530930505599, 0.52209931163, 0.50452432052, 0.495779924507,
        0.48706391353, 0.478376063097, 0.461084084359, 0.451969057648, 0.442308599206, 0.432257926737,
        0.420034375118, 0.407911416259, 0.395530586809, 0.382467681551, 0.368626725882, 0.354938620089,
        0.341398698902, 0.328003053299, 0.3107695646, 0.292947644543, 0.839202411592, 0.81873692905,
        0.760613217161, 0.731506103978, 0.702941448935, 0.674946859172, 0.647500654286, 0.620569681371,
        0.594120776674, 0.568124206142, 0.542554449018, 0.517390091129, 0.49261345248, 0.468210176087,
        0.444168858132, 0.420480743771, 0.397139492301, 0.355933442393, 0.0932369917408,
    ],
    "C_loglog_upper": [
        0.995621899266, 0.97050795904, 0.93934964292, 0.92602600679, 0.905386543659, 0.898357893344,
        0.8696183939, 0.847496255299, 0.840027177832, 0.832513785293, 0.824957731794, 0.81736052292,
        0.80204801572, 0.794335123407, 0.778801345908, 0.770982320874, 0.747326362397, 0.739377070605,
        0.731396818119, 0.723386147255, 0.707275503218, 0.699176406576, 0.682892580716, 0.674708516818,
        0.66649674354, 0.658257517307, 0.641697592181, 0.633038456199, 0.623973840462, 0.614599025764,
        0.603881208347, 0.593089501284, 0.58202613154, 0.570451179555, 0.558300469811, 0.54603941767,
        0.533670146509, 0.521194297923, 0.506586543646, 0.491334351575, 0.996527927138, 0.987572188597,
        0.96222077346, 0.947338984141, 0.93143906926, 0.914705108941, 0.897263427364, 0.879204974924,
        0.860597562943, 0.841493070255, 0.821931937707, 0.80194609935, 0.781560962464, 0.760796782047,
        0.739669634133, 0.718192113511, 0.696373835208, 0.666763226389, 0.626926999952,
    ],
    "D_time": [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 17, 18, 20, 21, 23, 25, 27, 29, 31, 32, 33, 37, 38, 39, 41,
        42, 45, 48, 49, 50, 63, 85, 89, 113, 120, 136, 144, 150, 166, 192, 194, 196, 199, 212, 288, 321,
    ],
    "D_n_risk": [
        232.5, 229.5, 219, 210, 203.5, 196.5, 193.5, 188, 184.5, 183.5, 181.5, 178.5, 177, 175.5, 174.5, 173,
        172, 169.5, 166.5, 161, 160, 155.5, 154.5, 153, 150, 147.5, 145.5, 143.5, 141, 139, 138, 136.5, 135,
        133.5, 121.5, 115.5, 103, 100, 83.5, 82.5, 77, 69, 58.5, 56.5, 55.5, 54.5, 53.5, 43, 40.5,
    ],
    "D_n_event": [
        3, 10.5, 9, 6.5, 7, 3, 5.5, 3.5, 1, 2, 3, 1.5, 1.5, 1, 1.5, 1, 2.5, 3, 5.5, 1, 4.5, 1, 1.5, 3, 2.5, 2,
        2, 2.5, 2, 1, 1.5, 1.5, 1.5, 3.5, 1.5, 2, 2, 2, 1, 1, 1.5, 1, 2, 1, 1, 1, 1.5, 1.5, 2,
    ],
    "D_n_censor": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
        5.5, 4.5, 10.5, 1, 14.5, 0, 6.5, 4.5, 9.5, 0, 0, 0, 0, 9, 1,
    ],
    "D_surv": [
        0.987096774194, 0.941935483871, 0.903225806452, 0.875268817204, 0.845161290323, 0.832258064516,
        0.808602150538, 0.793548387097, 0.789247311828, 0.78064516129, 0.767741935484, 0.761290322581,
        0.754838709677, 0.750537634409, 0.744086021505, 0.739784946237, 0.729032258065, 0.716129032258,
        0.69247311828, 0.688172043011, 0.668817204301, 0.664516129032, 0.658064516129, 0.645161290323,
        0.634408602151, 0.625806451613, 0.617204301075, 0.606451612903, 0.597849462366, 0.593548387097,
        0.587096774194, 0.58064516129, 0.574193548387, 0.559139784946, 0.552236824638, 0.54267428222,
        0.532136917517, 0.521494179167, 0.515248739895, 0.509003300624, 0.49908765191, 0.491854497535,
        0.475038959158, 0.466631189969, 0.45822342078, 0.449815651592, 0.437203997809, 0.42195269556,
        0.401115525408,
    ],
    "D_std_err": [
        0.00740146238681, 0.0153374975312, 0.0193894937754, 0.0216693941874, 0.0237245559155, 0.0245040772174,
        0.0258002844598, 0.0265451001438, 0.0267474040626, 0.0271386954183, 0.0276937364125, 0.0279575228744,
        0.0282124987211, 0.0283777054507, 0.0286185152569, 0.0287744794005, 0.0291488006552, 0.0295695456102,
        0.0302643620036, 0.0303804749288, 0.0308656994808, 0.0309654294431, 0.0311096298572, 0.031378932717,
        0.031584284078, 0.031736328814, 0.0318776661502, 0.0320394953923, 0.0321572402065, 0.0322122463369,
        0.0322899599513, 0.0323619554921, 0.0324282710442, 0.0325611078671, 0.032643283838, 0.0327708643329,
        0.0329707213653, 0.0331590382406, 0.0333448953315, 0.0335204923586, 0.0338310821457, 0.034105243989,
        0.0349505649812, 0.0353287934777, 0.0356786813155, 0.0360010548174, 0.0364346063009, 0.0372308982513,
        0.0381967348116,
    ],
    "D_lower": [
        0.97269625036, 0.912349161368, 0.866011472635, 0.833811548003, 0.799918029225, 0.785590430009,
        0.759583246673, 0.743189814868, 0.738526516509, 0.72922596407, 0.715337510729, 0.708420138861,
        0.701519992844, 0.69692923474, 0.690056781903, 0.685484090793, 0.67408283179, 0.660456900433,
        0.635625586869, 0.631130760818, 0.610976853986, 0.606514019457, 0.599830299115, 0.586500137276,
        0.57542888216, 0.566595754187, 0.557783515288, 0.546797167516, 0.538030942671, 0.533655368973,
        0.527101357901, 0.520558493428, 0.514026699751, 0.498828522879, 0.491824284585, 0.48209998429,
        0.471285103872, 0.460390221924, 0.453868961242, 0.447367661202, 0.436995940315, 0.4293527412,
        0.411247091302, 0.402280543928, 0.393368989007, 0.384510793664, 0.371320419833, 0.354942656066,
        0.332822535675,
    ],
    "D_upper": [
        1, 0.972481253169, 0.942039318437, 0.918787349737, 0.892963504463, 0.881697968169, 0.860784437674,
        0.847319258238, 0.843451528555, 0.835690030076, 0.823985420392, 0.818106266977, 0.812209892006,
        0.808269638558, 0.802345577813, 0.798387262417, 0.788461014335, 0.776493955179, 0.754404840594,
        0.750368687731, 0.732133222152, 0.728065092608, 0.721952372241, 0.709689672817, 0.699433565051,
        0.691204817519, 0.682955194667, 0.672614235483, 0.664318631706, 0.660163296967, 0.653920952966,
        0.647667471737, 0.641402929399, 0.626743028457, 0.620070053563, 0.610859544036, 0.600845850331,
        0.590707981955, 0.584929322413, 0.579130729632, 0.570001826813, 0.563454762322, 0.548726100416,
        0.541275661323, 0.533770351043, 0.526211809268, 0.51477733378, 0.501613638844, 0.48342178632,
    ],
    "E_time": [
        1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 15, 18, 21, 23, 25, 27, 29, 31, 32, 33, 37, 38, 41, 45, 48, 50, 63,
        85, 89, 113, 136, 144, 150, 166, 192, 194, 196, 212, 288, 321, 2, 3, 4, 5, 6, 9, 10, 13, 14, 17, 20,
        23, 25, 33, 39, 42, 49, 120, 199,
    ],
    "E_group": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ],
    "E_n_risk": [
        220, 216, 204, 194, 191, 184, 182, 175, 171, 170, 169, 167, 165, 162, 159, 154, 153, 147, 146, 144,
        142, 139, 136, 133, 132, 130, 128, 117, 109, 103, 87, 86, 84, 80, 73, 70, 69, 68, 54, 51, 89, 86, 84,
        78, 75, 73, 72, 71, 68, 66, 65, 64, 63, 60, 58, 55, 52, 34, 5,
    ],
    "E_n_event": [
        4, 12, 10, 3, 7, 2, 7, 4, 1, 1, 2, 2, 3, 3, 5, 1, 6, 1, 2, 2, 3, 3, 3, 1, 2, 2, 5, 2, 3, 3, 1, 1, 2,
        1, 3, 1, 1, 2, 2, 3, 3, 2, 6, 3, 2, 1, 1, 3, 2, 1, 1, 1, 3, 2, 3, 3, 2, 3, 1,
    ],
    "E_n_censor": [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 6, 3, 13, 0, 1, 2,
        6, 0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 26,
    ],
    "E_surv": [
        0.981818181818, 0.927272727273, 0.881818181818, 0.868181818182, 0.836363636364, 0.827272727273,
        0.795454545455, 0.777272727273, 0.772727272727, 0.768181818182, 0.759090909091, 0.75, 0.736363636364,
        0.722727272727, 0.7, 0.695454545455, 0.668181818182, 0.663636363636, 0.654545454545, 0.645454545455,
        0.631818181818, 0.618181818182, 0.604545454545, 0.6, 0.590909090909, 0.581818181818, 0.559090909091,
        0.549533799534, 0.53440901606, 0.518843704913, 0.512879984167, 0.506916263421, 0.494846828577,
        0.48866124322, 0.468579274321, 0.461885284688, 0.455191295054, 0.441803315788, 0.425440230018,
        0.400414334135, 0.966292134831, 0.943820224719, 0.876404494382, 0.842696629213, 0.820224719101,
        0.808988764045, 0.797752808989, 0.76404494382, 0.741573033708, 0.730337078652, 0.719101123596,
        0.707865168539, 0.674157303371, 0.651685393258, 0.61797752809, 0.584269662921, 0.561797752809,
        0.512227362855, 0.409781890284,
    ],
    "E_std_err": [
        0.00900788535103, 0.0175081820521, 0.0217647417161, 0.0228077089002, 0.0249417051371, 0.0254855183463,
        0.0271951375642, 0.0280518865603, 0.0282537072958, 0.0284507958346, 0.0288311621834, 0.0291937104061,
        0.0297055421371, 0.0301807104248, 0.0308957190327, 0.0310276651233, 0.0317457854062, 0.0318535812526,
        0.0320592989261, 0.0322520594978, 0.0325174056148, 0.032754809352, 0.0329648744144, 0.0330289129538,
        0.0331481205548, 0.0332556068495, 0.0334737525712, 0.0335767866897, 0.033769071544, 0.0339602244022,
        0.0340894969517, 0.0342107862697, 0.0344443107493, 0.0345647053213, 0.0350349046566, 0.0351680900902,
        0.0352897336816, 0.0354988586864, 0.0360203926874, 0.0366851424539, 0.0191304348947, 0.0244084181763,
        0.0348865990512, 0.0385930977595, 0.0407039364351, 0.0416682920019, 0.042577525424, 0.0450068993017,
        0.0464035146607, 0.0470410805643, 0.0476403541576, 0.048202763652, 0.0496809182371, 0.0505021460743,
        0.0515033873508, 0.0522417268232, 0.0525935269384, 0.0551931692404, 0.101713730027,
    ],
    "E_lower": [
        0.964320841704, 0.893584512304, 0.840175430211, 0.824610879844, 0.788880001953, 0.778800141344,
        0.743899629315, 0.724191530211, 0.719288687009, 0.714395096035, 0.704634914106, 0.694909562989,
        0.680384061979, 0.665930206958, 0.641990760189, 0.637224465074, 0.608770323827, 0.604051180774,
        0.59463216641, 0.585238437712, 0.571194270587, 0.557204608946, 0.543268260428, 0.53863447605,
        0.529384196386, 0.520156760971, 0.497186699901, 0.487512296469, 0.472157316694, 0.456375463808,
        0.450234839936, 0.444109741126, 0.431739766709, 0.425401930919, 0.404706454292, 0.397853675304,
        0.391023289726, 0.377428768207, 0.360388218149, 0.334598717015, 0.929515310014, 0.897172804882,
        0.810627323732, 0.770351013413, 0.744203454086, 0.731307385527, 0.718518839892, 0.680734799274,
        0.655979809001, 0.643720556109, 0.631535804879, 0.619422747214, 0.583489896332, 0.559853505873,
        0.524846101651, 0.490347806056, 0.467620462595, 0.414710177231, 0.25192563153,
    ],
    "E_upper": [
        0.999633006423, 0.962230990919, 0.925524929466, 0.914054965615, 0.886705367736, 0.878762251004,
        0.85058240245, 0.834244626399, 0.830136006309, 0.826018136267, 0.817755403159, 0.809457848846,
        0.796949010507, 0.784368549867, 0.763250860271, 0.759005737072, 0.733391436268, 0.729099184238,
        0.720495419299, 0.711866383686, 0.698876433873, 0.685832016095, 0.672734325255, 0.668356772555,
        0.659584392777, 0.650789189133, 0.628702748264, 0.619445702226, 0.604868306281, 0.589862539676,
        0.584241499828, 0.57860495802, 0.567178200007, 0.561327519388, 0.54253282594, 0.536222308486,
        0.529889447861, 0.51715763684, 0.502234479938, 0.479175892875, 1, 0.99289302099, 0.947519057508,
        0.921836405124, 0.904011646453, 0.894921661265, 0.88572422728, 0.857550806569, 0.838334590146,
        0.828608381993, 0.81880777299, 0.808935576042, 0.778913349734, 0.758580320265, 0.72763468,
        0.696181434472, 0.674942053027, 0.632675264952, 0.666550666501,
    ],
}

R_LR = {
    "LR1_obs": [64, 20],
    "LR1_exp": [63.5533728605, 20.4466271395],
    "LR1_var": [15.2135460529, -15.2135460529, -15.2135460529, 15.2135460529],
    "LR1_chisq": [0.0131117230011],
    "LR1_p": [0.908836347829],
    "LR1_n": [115, 41],
    "LR2_obs": [64, 15, 5],
    "LR2_exp": [63.5840561532, 13.7396218307, 6.67632201605],
    "LR2_var": [
        15.0039200382, -10.1429011283, -4.86101890987, -10.1429011283, 11.2768408485, -1.13393972022,
        -4.86101890987, -1.13393972022, 5.99495863008,
    ],
    "LR2_chisq": [0.549173347149],
    "LR2_p": [0.759886139347],
    "LR2_n": [115, 28, 13],
    "LR2_trend_by_hand": [0.14249498196],
    "LR2_trend_cox_exact_score": [0.14249498196],
    "LR3_obs": [64, 20],
    "LR3_exp": [63.2602608874, 20.7397391126],
    "LR3_var": [15.2964080442, -15.2964080442, -15.2964080442, 15.2964080442],
    "LR3_chisq": [0.0357740165656],
    "LR3_p": [0.849982932318],
    "LR3_n": [115, 41],
    "LR4_obs": [64, 15, 5],
    "LR4_exp": [63.3056206039, 13.60957539, 7.08480400616],
    "LR4_var": [
        15.0511754459, -9.9628800426, -5.08829540332, -9.9628800426, 11.1511144211, -1.18823437846,
        -5.08829540332, -1.18823437846, 6.27652978178,
    ],
    "LR4_chisq": [0.78323150504],
    "LR4_p": [0.675963801453],
    "LR4_n": [115, 28, 13],
    "LR4_trend_by_hand": [0.24516848036],
    "LR4_trend_cox_exact_score": [0.24516848036],
    "LR5_entry_cox_breslow_score": [0.0837155074635],
    "LR6_entry_strata_cox_breslow_score": [0.000629345746234],
}


def test_plot_labels_name_the_groups():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from peacestats.sources import load

    d = load("fortna_ceasefires")
    km = kaplan_meier(d, duration="st_t", event="st_d", entry="st_t0", group="pk_dum")
    ax = km.plot(labels={0: "No peacekeepers", 1: "Peacekeepers"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["No peacekeepers", "Peacekeepers"]
    texts = {t.get_text() for t in ax.texts}
    assert {"No peacekeepers", "Peacekeepers", "Number at risk"} <= texts
    plt.close(ax.figure)
