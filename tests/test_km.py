'''Kaplan-Meier curves and log-rank tests against R's ``survival`` (3.5.3) on Fortna's ceasefires.

Data: ``peacestats.sources.fortna_ceasefires.load()`` (192 counting-process rows, 156
spells). Single-row analyses use one row per spell: the covariates of its first
segment (``pk_dum`` at the spell's start), the end of its last segment as the
duration and that segment's failure flag as the event (84 failures, no tied days).
"Months" (``ceiling(days / 30.4375)``) make tied event times, to test tie handling.
The counting-process analyses use the rows as they are: (``st_t0``, ``st_t``] with
delayed entry, ``pk_dum`` varying within spells.

The golden values come from ``tests/r/km.R`` (survival 3.5.3; ``Rscript tests/r/km.R`` from
the repository root), which writes ``tests/data/km_r.json``, read through ``tests/rfixtures.py``:
``survfit`` by group (spells by ``pk_dum``: A; counting-process rows with delayed entry: B;
months, with tied times: C; non-integer case weights with the Greenwood variance: D; integer
case weights: E), medians, curves at 1, 2, 5 and 10 years, and ``survdiff`` log-rank tests
(LR1-LR4, with the trend test by hand and as the exact-ties Cox score test; LR5-LR6: delayed
entry, as the Breslow Cox score test).
'''

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError, SurvivalDataError
from peacestats.models.km import KaplanMeierResult, LogrankResult, kaplan_meier, logrank_test
from peacestats.sources import fortna_ceasefires
from rfixtures import load

NAN = math.nan
RTOL = 1e-8  # the fixture keeps R's 17 digits; estimates agree to ~1e-13



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
def _r_values(part: str) -> dict[str, list[float]]:
    """One part of ``tests/data/km_r.json`` (``tests/r/km.R``), R's NA (JSON null) as NaN."""
    return {k: [NAN if v is None else v for v in vals] for k, vals in load("km")[part].items()}


R_KM = _r_values("km")

R_LR = _r_values("logrank")


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
