# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Peace after armed conflict, 1946-2024 (UCDP)
#
# Does peace last longer after an armed-conflict episode when UN peacekeepers are
# deployed, and does it matter how many are sent, how the fighting ended, and what
# else (mediation, capacity building, non-UN missions) accompanies them?
#
# The unit is the *peace spell*: the time from the end of a UCDP conflict episode to
# the start of the next episode of the same conflict (failure) or to the end of the
# data (31 December 2024, censored). Spells come from the project's harmonized tables
# (`peacestats build`): `spells` / `spell_rows` (conflict-level recurrence) and
# `spells_location` / `spell_rows_location` (location-level recurrence), split into
# (start, stop] rows wherever UN presence, personnel, mission type, non-UN presence or
# a peace agreement changes. "UN present" means a UN peacekeeping operation *sent for that
# conflict* is deployed (the project's mission-conflict link table); the older country-level
# measure (any UN mission anywhere in the country) is kept beside it for comparison.
# Nothing here is random: the script is deterministic.

# %%
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from peacestats import registry  # noqa: E402
from peacestats.build import read_table  # noqa: E402
from peacestats.models import causal  # noqa: E402
from peacestats.models.cox import coxph  # noqa: E402
from peacestats.models.km import kaplan_meier, logrank_test  # noqa: E402
from peacestats.report.figures import forest_plot  # noqa: E402
from peacestats.report.html import Report  # noqa: E402
# the data preparation is shared with the multiverse of this analysis (analyses/multiverse.py)
from peacestats.robustness.ucdp_peace import (  # noqa: E402
    CONFLICT_CONTROLS,
    COUNTRY_CONTROLS,
    MECHANISMS,
    MIN_GAP_DAYS,
    OUTCOME_DUMMIES,
    TYPE_DUMMIES,
    min_gap_spells,
    prepare,
    spell_level,
)

DATASETS = ["ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko", "un_dpo_missions",
            "mullenbach_tppm", "gw_states", "cow_states", "gleditsch_gdp", "polity5", "creg", "rugged",
            "peacestats_missions", "peacestats_mission_links"]
rep = Report(
    "ucdp_peace",
    title="Peace after armed conflict, 1946-2024 (UCDP)",
    question=("Does peace last longer after a conflict episode ends when UN peacekeepers are present, and how do "
              "mission size, the way the fighting ended, mediation, capacity building and non-UN missions matter?"),
    datasets=DATASETS,
    methods=["kaplan_meier", "logrank", "coxph", "efron", "cluster_robust_cox", "cox_zph", "ipw", "e_value"],
)

# %% [markdown]
# ## Data and covariates

# %%
WINDOW = (pd.Timestamp("1989-12-31"), pd.Timestamp("2019-12-31"))  # (lo, hi]: Kathman's personnel months

# OUTCOME_DUMMIES (UCDP Conflict Termination outcome; reference: low activity), TYPE_DUMMIES (type of the
# largest UN mission; reference: none), MECHANISMS and the controls come with prepare() from the package.
# non-UN presence is estimated beside UN presence in its own paragraph ("What 'present' means")
CONTROLS = CONFLICT_CONTROLS + COUNTRY_CONTROLS
PERSONNEL = ["un_troops_k", "un_police_k", "un_observers_k"]

LABELS = {
    "un_present": "UN mission present",
    "un_present_country": "UN mission anywhere in the country (old measure)",
    "un_start": "UN mission present at spell start",
    "un_troops_k": "UN troops (thousands)",
    "un_police_k": "UN police (thousands)",
    "un_observers_k": "UN military observers (thousands)",
    "non_un_present": "Non-UN mission present",
    "any_pk_present": "Any peacekeeping operation (UN or non-UN) present",
    "pa_signed": "Peace agreement signed",
    "pa_third_party": "Agreement with third-party mediation",
    "pa_ddr": "Agreement with DDR provision",
    "pa_army_integration": "Agreement with army integration",
    "war": "War (1,000+ deaths in a year)",
    "log_ep_days": "log(1 + episode length, days)",
    "internal": "Intrastate conflict",
    "territory": "Territorial incompatibility",
    "cold_war": "Spell began before 1990",
    "log_gdppc": "log GDP per capita",
    "log_pop": "log population",
    "polity2": "Polity2",
    "creg_ethfrac": "Ethnic fractionalization",
    "newlmtnest": "log mountainous terrain",
    **{k: f"Ended by {v}" for k, v in OUTCOME_DUMMIES.items()},
    **{k: f"UN mission: {v}" for k, v in TYPE_DUMMIES.items()},
}


def cox(formula: str, data: pd.DataFrame, cluster: str = "conflict_id", **kw):
    """Cox model on (start, stop] rows: Efron ties, Lin-Wei SEs clustered by conflict (or ``cluster``)."""
    return coxph(formula, data, start="start", stop="stop", event="event", id="spell_id",
                 cluster=cluster, ties="efron", **kw)


def cox_spell(formula: str, data: pd.DataFrame, **kw):
    """Cox model on one row per spell (treatment fixed at the spell's start)."""
    return coxph(formula, data, stop="duration_days", event="failed", cluster="conflict_id", ties="efron", **kw)


def strip_prefix(ax, prefix: str) -> None:
    """Drop ``"<group column>="`` from the legend and the number-at-risk labels of a KM plot."""
    for txt in ax.texts:
        txt.set_text(txt.get_text().replace(prefix, ""))
    leg = ax.get_legend()
    if leg is not None:
        for txt in leg.get_texts():
            txt.set_text(txt.get_text().replace(prefix, ""))


def ratio_axis(ax, ticks) -> None:
    """Readable ticks on a log-scaled hazard-ratio axis."""
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter

    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(ScalarFormatter())


def rhs(*groups) -> str:
    return " + ".join(t for g in groups for t in g)


_TIDY: dict[int, tuple[object, pd.DataFrame]] = {}


def tidy_by_term(fit) -> pd.DataFrame:
    """``fit.tidy()`` indexed by term, computed once per fit (the text and tables ask for it again and again)."""
    hit = _TIDY.get(id(fit))
    if hit is None or hit[0] is not fit:
        hit = _TIDY[id(fit)] = (fit, fit.tidy().set_index("term"))
    return hit[1]


def hr_row(fit, term: str = "un_present") -> dict:
    t = tidy_by_term(fit).loc[term]
    return {"hr": t["exp_estimate"], "conf_low": t["exp_conf_low"], "conf_high": t["exp_conf_high"],
            "p_value": t["p_value"]}


def more_less(hr: float) -> str:
    return "*more*" if hr > 1 else "*less*"


def fmt_hr(fit, term: str = "un_present") -> str:
    h = hr_row(fit, term)
    p = "p < 0.001" if h["p_value"] < 0.001 else f"p = {h['p_value']:.3f}"
    return f"HR {h['hr']:.2f} (95% CI {h['conf_low']:.2f} to {h['conf_high']:.2f}, {p})"


spells = read_table("spells")
rows = prepare(read_table("spell_rows"))
spells_loc = read_table("spells_location")
rows_loc = prepare(read_table("spell_rows_location"))
episodes = read_table("episodes")

# the minimum-gap rule: spells rebuilt from the episodes with the build's own steps
spells_gap, rows_gap = min_gap_spells(episodes, MIN_GAP_DAYS)
rows_gap = prepare(rows_gap)

s = spell_level(rows)
n_ep = len(episodes)
n_ep_ongoing = int(episodes["end_date"].isna().sum())
assert len(s) == len(spells) and int(s["failed"].sum()) == int(spells["failed"].sum())


def counts(name: str, sp: pd.DataFrame, r: pd.DataFrame) -> dict:
    first = spell_level(r) if "un_present" in r else None
    return {
        "recurrence rule": name,
        "spells": len(sp),
        "failures (recurrences)": int(sp["failed"].sum()),
        "censored at 2024-12-31": int((sp["failed"] == 0).sum()),
        "conflicts (clusters)": int(sp["conflict_id"].nunique()),
        "counting-process rows": len(r),
        "spells with UN mission at start": int(first["un_start"].sum()) if first is not None else None,
        "median spell length, years": float(np.median(sp["duration_days"]) / 365.25),
    }


data_counts = pd.DataFrame([
    counts("conflict-level (main)", spells, rows),
    counts("location-level", spells_loc, rows_loc),
    counts(f"conflict-level, recurrence within {MIN_GAP_DAYS} days ignored", spells_gap, rows_gap),
])
versions = ", ".join(f"{registry.get(k).title} {registry.get(k).version}" for k in DATASETS[:5])

rep.text(f"""
## Data used

Versions: {versions}; country covariates from Gleditsch's expanded GDP and population data
{registry.get('gleditsch_gdp').version} (to 2011), Polity5 ({registry.get('polity5').version}, to 2018),
CREG ethnic fractionalization ({registry.get('creg').version}, to 2013) and mountainous terrain
(rugged {registry.get('rugged').version}). The provenance table at the end lists every file with its checksum.

**Episodes and the recurrence rule.** UCDP/PRIO ACD gives {n_ep} conflict episodes 1946-2024
(an episode ends when a conflict has a calendar year below 25 battle deaths; UCDP's own rule);
{n_ep_ongoing} were still active at the end of 2024. Each episode that ended before 31 December 2024
starts a peace spell. Under the **conflict-level rule** (the main analysis) the spell *fails* when the
next episode of the *same* conflict (same UCDP `conflict_id`) starts; otherwise it is censored on
31 December 2024. The **location-level rule** ends the peace when any conflict in the same location
(Gleditsch-Ward state) becomes active, and starts no spell while another conflict there is still active.
The **minimum-gap rule** ignores a recurrence less than {MIN_GAP_DAYS} days after the end: the two
episodes count as one period of conflict. Time is measured in days since the spell began.

**Time-varying covariates** (values change within a spell; counting-process rows): a UN mission is
present in the location (`un_present`), its uniformed personnel (Kathman, January 1990 to December
2019 only; missing before and after), the type of the largest UN mission, a non-UN mission
(AU, NATO, ECOWAS, ...) is present, and cumulative peace-agreement indicators from UCDP PA: an agreement
signed, one with a third party named (our measure of **mediation**), with disarmament, demobilization and
reintegration (DDR) or army integration (our measures of **capacity building**). **Time-constant**
covariates are the ended episode's termination type (UCDP Conflict Termination, episodes ending to 2020),
whether it reached war intensity, its length, conflict type and incompatibility, and country covariates of
the year before the spell began.
""")
rep.table("data", data_counts, caption="Peace spells under the three recurrence rules (all spells 1946-2024)")

# covariate coverage (spells, main rule)
cov_cols = {"termination type (ep_outcome)": s["out_agreement"].notna(),
            "log GDP per capita / population": s["log_gdppc"].notna(),
            "Polity2": s["polity2"].notna(),
            "ethnic fractionalization": s["creg_ethfrac"].notna(),
            "mountainous terrain": s["newlmtnest"].notna(),
            "UN personnel at spell start (if UN present)": s["un_troops_k"].notna() | (s["un_start"] == 0)}
all_controls = s[[*OUTCOME_DUMMIES, *CONTROLS]].notna().all(axis=1)
cov_cols["all covariates of the main model"] = all_controls
coverage = pd.DataFrame([
    {"covariate": k, "spells with a value": int(v.sum()), "share of spells": float(v.mean()),
     "spells with a value, UN at start": int(v[s["un_start"] == 1].sum()),
     "last spell start with a value": int(s.loc[v, "start_date"].dt.year.max())}
    for k, v in cov_cols.items()
])
rep.table("coverage", coverage, caption="Covariate coverage: spells (conflict-level rule) with a non-missing value")

# %% [markdown]
# ## Kaplan-Meier curves

# %%
s["un_group"] = np.where(s["un_start"] == 1, "UN mission at start", "no UN mission at start")
km_un = kaplan_meier(s, duration="years", event="failed", group="un_group")
lr_un = logrank_test(s, duration="years", event="failed", group="un_group")
km_type = kaplan_meier(s, duration="years", event="failed", group="mtype")
lr_type = logrank_test(s, duration="years", event="failed", group="mtype")


def km_summary(km, label: str) -> pd.DataFrame:
    med = km.median().set_index("group")
    at = km.survival_at([2, 5, 10]).pivot(index="group", columns="time", values="survival")
    out = pd.DataFrame({
        "grouping": label,
        "group": med.index,
        "spells": med["records"].astype(int).to_numpy(),
        "failures": med["events"].astype(int).to_numpy(),
        "median years at peace": med["median"].to_numpy(),
        "at peace after 2 years": at.reindex(med.index)[2.0].to_numpy(),
        "after 5 years": at.reindex(med.index)[5.0].to_numpy(),
        "after 10 years": at.reindex(med.index)[10.0].to_numpy(),
    })
    return out


km_table = pd.concat([km_summary(km_un, "UN at spell start"), km_summary(km_type, "UN mission type at start")],
                     ignore_index=True)
fig, ax = plt.subplots(figsize=(7.5, 5.2))
km_un.plot(ax=ax, at_risk=True, at_risk_times=[0, 5, 10, 20, 30, 40, 50, 60, 70])
strip_prefix(ax, "un_group=")
ax.set_xlabel("Years since the episode ended")
ax.set_ylabel("Share of spells still at peace")
ax.set_title("Peace duration by UN mission present at spell start (conflict-level recurrence)")
lr_tab = lr_un.table.set_index(lr_un.table["group"].astype(str))
med_years = km_table.set_index("group")["median years at peace"]
oe_un = float(lr_tab.loc["UN mission at start", "observed"] / lr_tab.loc["UN mission at start", "expected"])
rep.text(f"""
## Peace duration: Kaplan-Meier curves

Of {len(s)} spells, {int(s['un_start'].sum())} began with a UN mission in the location. Spells that
began with a UN mission failed {more_less(oe_un)} often in the raw data
(median {med_years['UN mission at start']:.1f} against {med_years['no UN mission at start']:.1f} years at
peace): log-rank chi-square {lr_un.chisq:.2f}
(1 df, p = {lr_un.p_value:.3f}). By the type of the largest UN mission at spell start the log-rank test gives
chi-square {lr_type.chisq:.2f} ({lr_type.df} df, p = {lr_type.p_value:.3f}); multidimensional missions
(only {int((s['mission_type'] == 'multidimensional').sum())} spells start with one) are pooled with enforcement
missions. These are descriptive comparisons: UN missions go to harder cases (see the models below).
""")
rep.figure("km_un", fig, caption="Kaplan-Meier estimate of the share of spells still at peace, by UN mission "
           "present at the spell's start, with 95% log confidence bands and the number at risk")
fig, ax = plt.subplots(figsize=(7.5, 5.8))
km_type.plot(ax=ax, at_risk=True, ci=False, at_risk_times=[0, 5, 10, 20, 30, 40, 50, 60, 70])
ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="UN mission at start")
strip_prefix(ax, "mtype=")
ax.set_xlabel("Years since the episode ended")
ax.set_ylabel("Share of spells still at peace")
ax.set_title("Peace duration by type of UN mission at spell start")
rep.figure("km_type", fig, caption="Kaplan-Meier estimates by type of the largest UN mission present at the "
           "spell's start (multidimensional and enforcement pooled; no bands, for legibility)")
rep.table("km", km_table, caption="Kaplan-Meier: median years at peace and share still at peace after 2, 5 "
          "and 10 years (empty: median not reached)")

# %% [markdown]
# ## Cox models with time-varying UN presence

# %%
m_un = cox("un_present", rows)
# a type with no recurrence while present has no finite hazard ratio: it joins the reference group
TYPE_TERMS = [k for k in TYPE_DUMMIES if rows.loc[rows[k] == 1, "event"].sum() > 0]
m_type = cox(rhs(TYPE_TERMS), rows)
m_term = cox(rhs(["un_present"], OUTCOME_DUMMIES), rows)
m_mech = cox(rhs(["un_present"], MECHANISMS), rows)
m_ctrl = cox(rhs(["un_present"], CONTROLS), rows)
MAIN_TERMS = ["un_present", *MECHANISMS, *OUTCOME_DUMMIES, *CONTROLS]
MAIN_RHS = rhs(MAIN_TERMS)
m_main = cox(MAIN_RHS, rows)
main_keep = rows[MAIN_TERMS].notna().all(axis=1)
m_un_ms = cox("un_present", rows[main_keep])  # UN presence alone on the main model's rows
main_first = spell_level(rows[main_keep])
main_models = [m_un, m_type, m_term, m_mech, m_un_ms, m_ctrl, m_main]
main_names = ["UN presence", "Mission type", "Termination type", "Mechanisms", "UN presence, main sample",
              "Controls", "Main (all)"]
# who drops out of the main model: India (CREG codes no ethnic fractionalization for it) hosts UNMOGIP
INDIA = 750
s_india_un = int(((s["gwno_loc_primary"] == INDIA) & (s["un_start"] == 1)).sum())
s_india_cty = int(((s["gwno_loc_primary"] == INDIA) & (s["un_present_country"] == 1)).sum())
no_eth = [c for c in MAIN_TERMS if c != "creg_ethfrac"]
m_noeth = cox(rhs(no_eth), rows)
m_un_noindia = cox("un_present", rows[rows["gwno_loc_primary"] != INDIA])

n_term_longer = sum(hr_row(m_term, k)["hr"] < 1 for k in OUTCOME_DUMMIES)
rep.text(f"""
## Cox models: UN presence, termination type, other mechanisms, controls

All models are Cox proportional-hazards models on the (start, stop] rows with Efron's method for ties and
Lin-Wei standard errors clustered by conflict ({m_un.n_clusters} conflicts); hazard ratios below 1 mean a lower
risk that fighting resumes, i.e. longer peace. Time-varying covariates take their value at each row's start.
Rows with a missing covariate are dropped (listwise), so the number of spells differs between columns:
termination types end with episodes that ended in 2020, GDP and population with 2011, Polity with 2018 and
ethnic fractionalization with 2013.

* **UN presence alone** (all {m_un.n_groups} spells, {m_un.n_events} failures): {fmt_hr(m_un)}. In the
  raw data peace fails {more_less(hr_row(m_un)['hr'])} often while a UN mission is present.
* With the **termination type**: {fmt_hr(m_term)}. Relative to episodes that fizzled out at low activity (the
  reference), {n_term_longer} of {len(OUTCOME_DUMMIES)} termination types are followed by longer peace
  (peace agreements: {fmt_hr(m_term, 'out_agreement')}).
* With **mediation and capacity building**: {fmt_hr(m_mech)}. `pa_third_party` is the added
  hazard ratio of an agreement with a named third party over one without (`pa_signed` is in the model).
* With **conflict and country controls**: {fmt_hr(m_ctrl)} ({m_ctrl.n_groups} spells).
* **Main model** (all of the above, {m_main.n_groups} spells with every covariate, {m_main.n_events} failures,
  spells beginning {int(main_first['start_date'].dt.year.min())}-{int(main_first['start_date'].dt.year.max())}):
  {fmt_hr(m_main)}.

Part of the fall from {hr_row(m_un)['hr']:.2f} to {hr_row(m_main)['hr']:.2f} comes from *which spells* have
every covariate, not from holding the covariates constant: on the main model's own {m_un_ms.n_groups} spells UN
presence alone gives {fmt_hr(m_un_ms)}. India, which CREG leaves without ethnic fractionalization, drops out of
the main model; {s_india_un} of its spells begin with a UN operation sent for that conflict (UNMOGIP, for the
India-Pakistan conflict over Kashmir), against {s_india_cty} that begin with a UN mission somewhere in the
country. Leaving ethnic fractionalization out keeps India ({m_noeth.n_groups} spells): {fmt_hr(m_noeth)}; leaving
India out of the model with UN presence alone: {fmt_hr(m_un_noindia)}.
""")
rep.table("cox_main", main_models, caption="Cox models of the hazard of conflict recurrence (hazard ratios, "
          "robust SEs clustered by conflict in parentheses)", labels=LABELS, model_names=main_names,
          exponentiate=True)
ax = forest_plot(m_main, labels=LABELS)
ratio_axis(ax, [0.1, 0.2, 0.5, 1, 2, 5])
ax.set_title("Main Cox model: hazard of conflict recurrence (clustered 95% CI)")
rep.figure("forest_main", ax.figure, caption="Forest plot of the main Cox model (hazard ratios with 95% "
           "confidence intervals, SEs clustered by conflict; reference categories: no UN mission, low-activity "
           "termination)")

# %% [markdown]
# ## What "present" means: linked and country-level presence, sample and clustering

# %%
PRESENCE = {"linked (main measure)": "un_present", "country-level (old measure)": "un_present_country",
            "linked, incl. uncertain links": "un_present_incl_uncertain"}
SAMPLES = {"all conflicts": rows, "civil conflicts (UCDP types 3-4)": rows[rows["civil"]],
           "without spells starting on 31 December": rows[~rows["dec31_start"]]}
pm_rows, pm_fits = [], {}
for measure, term in PRESENCE.items():
    for sample, data in SAMPLES.items():
        for cl in ("conflict_id", "country"):
            if sample != "all conflicts" and (cl != "conflict_id" or measure.startswith("linked, incl")):
                continue
            main_terms = [term, *MECHANISMS, *OUTCOME_DUMMIES, *CONTROLS]
            for spec, rhs_terms in (("alone", [term]), ("main model", main_terms)):
                if sample.startswith("civil"):  # every spell is intrastate there
                    rhs_terms = [t for t in rhs_terms if t != "internal"]
                if data is rows and cl == "conflict_id" and rhs_terms in (["un_present"], MAIN_TERMS):
                    f = m_un if rhs_terms == ["un_present"] else m_main  # the same model, fitted above
                else:
                    f = cox(rhs(rhs_terms), data, cluster=cl)
                pm_fits[(measure, sample, cl, spec)] = f
                pm_rows.append({"presence measure": measure, "sample": sample,
                                "clustered by": "conflict" if cl == "conflict_id" else "country",
                                "specification": spec, "term": term, **hr_row(f, term), "spells": f.n_groups,
                                "failures": f.n_events, "clusters": f.n_clusters})
presence_tab = pd.DataFrame(pm_rows)


def pm(measure="linked (main measure)", sample="all conflicts", cl="conflict_id", spec="alone"):
    return pm_fits[(measure, sample, cl, spec)]


span = (rows["stop"] - rows["start"]).astype(float)
cty_time = float(span[rows["un_present_country"] == 1].sum())
linked_share = float(span[(rows["un_present_country"] == 1) & (rows["un_present"] == 1)].sum()) / cty_time
unlinked_share = 1.0 - linked_share
s_cty = int(s["un_present_country"].sum())
n_dec31 = int(s["dec31_start"].sum())
links_tab = read_table("mission_conflicts")
n_uncertain = int((links_tab["link"] == "uncertain").sum())
LINKED = "linked (main measure)"
COUNTRY = "country-level (old measure)"
rep.text(f"""
## What "present" means

Until this revision a UN mission counted as present for every conflict in its host country: UNMOGIP, an
observer mission on the Kashmir line since 1949, made the UN "present" in every Indian insurgency, a Western
Sahara mission in a 1963 border war. The main measure now counts only operations **sent for the spell's
conflict** (the project's link table, {links_tab['mission_id'].nunique()} operations, each link with its basis
and source: {int((links_tab['link'] == 'sent_for').sum())} links, {n_uncertain} uncertain,
{int((links_tab['link'] == 'none').sum())} operations sent for no UCDP conflict). Of the spell time with a UN
peacekeeping operation somewhere in the country, {unlinked_share:.0%} had none sent for that conflict;
{s_cty} spells begin with a UN mission in the country, {int(s['un_start'].sum())} with one sent for the conflict.
Political missions and offices (UNAMA, UNAMI, UNSOM, ...) never count as peacekeeping presence.

* UN presence alone: linked {fmt_hr(pm())}; country-level {fmt_hr(pm(COUNTRY), 'un_present_country')}.
* Main model: linked {fmt_hr(pm(spec='main model'))}; country-level
  {fmt_hr(pm(COUNTRY, spec='main model'), 'un_present_country')}.
* Clustered by country ({pm(cl='country').n_clusters} countries) instead of conflict
  ({pm().n_clusters} conflicts), since a country can host several conflicts: alone {fmt_hr(pm(cl='country'))},
  main model {fmt_hr(pm(cl='country', spec='main model'))}.
* **Civil conflicts only** (UCDP types 3-4, the usual population; interstate and extrasystemic spells
  behave differently): alone {fmt_hr(pm(sample='civil conflicts (UCDP types 3-4)'))}, main model
  {fmt_hr(pm(sample='civil conflicts (UCDP types 3-4)', spec='main model'))}.
* **Date precision.** {n_dec31} of {len(s)} spells begin on a 31 December, often UCDP's year-level placeholder
  for an episode's end; without them: alone {fmt_hr(pm(sample='without spells starting on 31 December'))},
  main model {fmt_hr(pm(sample='without spells starting on 31 December', spec='main model'))}.
* Counting the uncertain links too: {fmt_hr(pm('linked, incl. uncertain links'), 'un_present_incl_uncertain')}.
""")
nu = rows[rows["non_un_present"] == 1]
rows["any_pk_present"] = ((rows["un_present"] == 1) | (rows["non_un_present"] == 1)).astype(int)
m_nonun = cox(rhs(["un_present", "non_un_present"]), rows)
m_nonun_main = cox(rhs(["un_present", "non_un_present", *MECHANISMS, *OUTCOME_DUMMIES, *CONTROLS]), rows)
m_anypk = cox(rhs(["any_pk_present"]), rows)
m_anypk_main = cox(rhs(["any_pk_present", *MECHANISMS, *OUTCOME_DUMMIES, *CONTROLS]), rows)
universe = read_table("missions")
n_nonun_ops = int((universe["organization"] != "UN").sum())
rep.text(f"""
**Non-UN operations.** The mission universe holds {n_nonun_ops} non-UN operations (Mullenbach's regional and
ad hoc operations to 2014, the project's table of major operations, and those begun after 2014).
{nu['spell_id'].nunique()} spells have a non-UN operation sent for their conflict, for
{float((nu['stop'] - nu['start']).sum()) / 365.25:.0f} spell-years in all, with {int(nu['event'].sum())} recurrences
while one was deployed. Entered beside UN presence: non-UN {fmt_hr(m_nonun, 'non_un_present')}, UN
{fmt_hr(m_nonun)}; in the main model non-UN {fmt_hr(m_nonun_main, 'non_un_present')}. Any peacekeeping operation
sent for the conflict, UN or not: alone {fmt_hr(m_anypk, 'any_pk_present')}, main model
{fmt_hr(m_anypk_main, 'any_pk_present')}. Non-UN operations range from a few dozen monitors to NATO's
divisions, and their personnel are not coded month by month, so these are contrasts of presence only.
""")
rep.table("presence_measures", presence_tab, caption="Hazard ratio of UN presence by presence measure (linked to "
          "the conflict vs anywhere in the country), sample and level of clustering")

# %% [markdown]
# ## Mission size, 1990-2019

# %%


def in_window(r: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """Rows restricted to calendar time (lo, hi]: left-truncated at lo, censored at hi.

    Spell time stays time since the spell began, so a spell that began before ``lo`` enters
    the risk set late (delayed entry) instead of being counted from zero.
    """
    d = r.copy()
    lo_d = (lo - d["spell_start_date"]).dt.days.to_numpy()
    hi_d = (hi - d["spell_start_date"]).dt.days.to_numpy()
    start = np.maximum(d["start"].to_numpy(), lo_d)
    stop = np.minimum(d["stop"].to_numpy(), hi_d)
    d["event"] = np.where(stop < d["stop"].to_numpy(), 0, d["event"].to_numpy())
    d["start"], d["stop"] = start, stop
    return d[d["stop"] > d["start"]].reset_index(drop=True)


rows_w_all = in_window(rows, *WINDOW)
na_pers = rows_w_all[PERSONNEL].isna().any(axis=1)
rows_w = rows_w_all[~na_pers].reset_index(drop=True)
w_un = cox("un_present", rows_w)
w_size = cox(rhs(["un_present"], PERSONNEL), rows_w)
w_main = cox(rhs(["un_present"], PERSONNEL, MECHANISMS, OUTCOME_DUMMIES, CONTROLS), rows_w)
size_models = [w_un, w_size, w_main]
size_names = ["UN presence, 1990-2019", "Personnel", "Personnel + all"]
lost_events = int(rows_w_all.loc[na_pers, "event"].sum())
pers = rows_w.loc[rows_w["un_present"] == 1, PERSONNEL]
rep.text(f"""
## Mission size (1990-2019 only)

Kathman's personnel counts exist from January 1990 to December 2019, so the size models use calendar time in
that window only: rows are cut at 1 January 1990 (a spell that began earlier enters the risk set then, at its
elapsed time: delayed entry) and censored on 31 December 2019. Within the window
{int(na_pers.sum())} rows (a UN mission present but with no count in Kathman: missions Kathman does not
record, or months it skips) are dropped, losing {lost_events} failure(s). The sample is {w_un.n_groups} spells
with {w_un.n_events} failures. Personnel enter in thousands, beside `un_present`: the UN-presence hazard ratio
is that of a mission with no personnel of any kind, and each size term the change per additional thousand.
Over the rows with a mission present (mostly months) the median is {pers['un_troops_k'].median() * 1000:,.0f}
troops, {pers['un_police_k'].median() * 1000:,.0f} police and {pers['un_observers_k'].median() * 1000:,.0f}
observers (maxima {pers['un_troops_k'].max() * 1000:,.0f}, {pers['un_police_k'].max() * 1000:,.0f} and
{pers['un_observers_k'].max() * 1000:,.0f}); no host ever had a thousand observers, hence the wide interval
of that term.

* UN presence in the window: {fmt_hr(w_un)}.
* Troops: {fmt_hr(w_size, 'un_troops_k')} per thousand; police: {fmt_hr(w_size, 'un_police_k')};
  observers: {fmt_hr(w_size, 'un_observers_k')}.
* With all mechanisms and controls: troops {fmt_hr(w_main, 'un_troops_k')}.
""")
rep.table("cox_size", size_models, caption="Cox models with UN personnel (thousands), calendar years 1990-2019 "
          "(hazard ratios, robust SEs clustered by conflict)", labels=LABELS, model_names=size_names,
          exponentiate=True)

# %% [markdown]
# ## Selection: inverse-probability weighting

# %%
PS_COVARIATES = [*CONFLICT_CONTROLS, "out_agreement", "out_ceasefire", "out_victory", *COUNTRY_CONTROLS]
s["out_victory"] = s["out_gov_victory"] + s["out_rebel_victory"]
LABELS["out_victory"] = "Ended by a victory"
ipw_data = s.dropna(subset=["un_start", *PS_COVARIATES]).reset_index(drop=True)
ps = causal.propensity_score("un_start ~ " + rhs(PS_COVARIATES), ipw_data)
wts = causal.ipw_weights(ipw_data["un_start"], ps, estimand="ATE", stabilized=True,
                         trim=(0.01, 0.99), trim_on="quantile")
ipw_data["ipw"] = wts
bal = causal.balance_table(ipw_data, treatment="un_start", covariates=PS_COVARIATES, weights="ipw")


i_raw = cox_spell("un_start", ipw_data)
i_ipw = cox_spell("un_start", ipw_data, weights="ipw")
i_reg = cox_spell(rhs(["un_start"], PS_COVARIATES), ipw_data)
ipw_models = [i_raw, i_ipw, i_reg]
ipw_names = ["Unweighted", "IPW (stabilized, truncated)", "Covariate-adjusted"]
w_attrs = wts.attrs
rep.text(f"""
## Selection into hard cases: inverse-probability weighting

The UN does not choose cases at random. A logit of **UN presence at the spell's start** on spell-start
covariates ({', '.join(LABELS.get(c, c) for c in PS_COVARIATES)}) is fitted on the {len(ipw_data)} spells with
every covariate ({int(ipw_data['un_start'].sum())} with a UN mission at the start). Weights are ATE weights,
stabilized by the share treated ({w_attrs['p_treated']:.3f}) and truncated at their 1st and 99th percentiles
({w_attrs['n_trimmed']} weights truncated; Cole & Hernán 2008); they range from {wts.min():.2f} to {wts.max():.2f}
(mean {wts.mean():.2f}); effective sample sizes {w_attrs['ess_treated']:.1f} (UN) and
{w_attrs['ess_control']:.1f} (no UN). The largest absolute standardized mean difference falls from
{bal['smd'].abs().max():.2f} to {bal['smd_adj'].abs().max():.2f}
({LABELS.get(bal['smd_adj'].abs().idxmax(), bal['smd_adj'].abs().idxmax()).lower()} remains the least balanced).

The treatment here is fixed at the spell's start (what happens at the start, whatever comes later: the
analogue of intention to treat), because weights for a treatment that changes during the spell would need a
model of deployment at every change point (a marginal structural model), which the data do not support well.
The outcome model is a Cox model of spell duration, weighted, with SEs clustered by conflict:

* unweighted: {fmt_hr(i_raw, 'un_start')};
* **IPW**: {fmt_hr(i_ipw, 'un_start')};
* covariates in the outcome model instead: {fmt_hr(i_reg, 'un_start')}.
""")
rep.table("ipw_cox", ipw_models, caption="UN presence at spell start: unweighted, inverse-probability-weighted and "
          "covariate-adjusted Cox models of spell duration (hazard ratios, SEs clustered by conflict)",
          labels=LABELS, model_names=ipw_names, exponentiate=True)
rep.table("propensity", [ps.fit], caption="Propensity model: logit of a UN mission present at the spell's start "
          "(log odds, model SEs)", labels=LABELS, model_names=["UN at spell start"])
bal_out = bal.reset_index().rename(columns={"index": "covariate"})
bal_out.insert(1, "label", [LABELS.get(c, c) for c in bal_out["covariate"]])
rep.table("balance", bal_out, caption="Covariate balance before and after weighting (standardized mean "
          "differences, SD of the unweighted sample)")
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
ps.plot(ax=axes[0])
axes[0].set_title("Propensity of a UN mission at spell start")
bal_lab = bal.copy()
bal_lab.index = [LABELS.get(c, c) for c in bal.index]
causal.balance_plot(bal_lab, ax=axes[1])
axes[1].set_title("Balance: |standardized mean difference|")
fig.tight_layout()
rep.figure("ipw", fig, caption="Left: overlap of propensity scores by UN presence at spell start. Right: "
           "absolute standardized mean differences before and after inverse-probability weighting")

# %% [markdown]
# ## Proportional hazards

# %%
zph = m_main.zph()
zph_tab = zph.table().reset_index().rename(columns={"index": "term"})
zph_tab.insert(1, "label", [LABELS.get(t, t) for t in zph_tab["term"]])
zterms = zph.table().drop(index="GLOBAL")
other = zterms.drop(index="un_present")["p"].idxmin()
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
zph.plot("un_present", ax=axes[0])
zph.plot(other, ax=axes[1])
for a, t in zip(axes, ["un_present", other]):
    a.set_title(f"{LABELS.get(t, t)}: PH test p = {float(zterms.loc[t, 'p']):.3f}", fontsize=10)
    a.set_ylabel(f"Beta(t): {LABELS.get(t, t)}")
    a.set_xlabel("Days since the spell began (KM-transformed scale)")
fig.tight_layout()
p_un = float(zterms.loc["un_present", "p"])
p_glob = float(zph.table().loc["GLOBAL", "p"])
rep.text(f"""
## Proportional-hazards diagnostics

The test of R's `cox.zph` (survival 3.x; Kaplan-Meier time transform) on the main model: UN presence
p = {p_un:.3f}; global test chi-square {float(zph.table().loc['GLOBAL', 'chisq']):.1f} on
{int(zph.table().loc['GLOBAL', 'df'])} df, p = {p_glob:.3f}. The term with the strongest evidence of
non-proportional hazards is {LABELS.get(other, other).lower()} (p = {float(zterms.loc[other, 'p']):.3g}).
{len(zterms[zterms['p'] < 0.05])} of {len(zterms)} terms have p < 0.05
({', '.join(LABELS.get(x, x).lower() for x in zterms.index[zterms['p'] < 0.05]) or 'none'}); for such a term the
single hazard ratio is an average over the spell (the figure shows how it moves).
""")
rep.table("zph", zph_tab, caption="Proportional-hazards test of the main model (cox.zph, KM transform)")
rep.figure("zph", fig, caption="Scaled Schoenfeld residuals against time with a spline smooth (+/- 2 SE): "
           "a flat line supports proportional hazards. Left: UN presence; right: the term with the smallest p-value")

# %% [markdown]
# ## Sensitivity: recurrence rule, minimum gap, specifications

# %%
loc_un = cox("un_present", rows_loc)
loc_main = cox(MAIN_RHS, rows_loc)
gap_un = cox("un_present", rows_gap)
gap_main = cox(MAIN_RHS, rows_gap)

sens = []
for rule, r_un, r_main in [("conflict-level (main)", m_un, m_main), ("location-level", loc_un, loc_main),
                           (f"conflict-level, min. gap {MIN_GAP_DAYS} days", gap_un, gap_main)]:
    a, b = hr_row(r_un), hr_row(r_main)
    sens.append({"recurrence rule": rule, "spells": r_un.n_groups, "failures": r_un.n_events,
                 "HR UN present (alone)": a["hr"], "CI low": a["conf_low"], "CI high": a["conf_high"],
                 "p": a["p_value"], "spells (main model)": r_main.n_groups,
                 "HR UN present (main model)": b["hr"], "CI low (main)": b["conf_low"],
                 "CI high (main)": b["conf_high"], "p (main)": b["p_value"]})
sens = pd.DataFrame(sens)

specs = [
    ("UN presence alone", "all years", m_un, "un_present"),
    ("+ termination type", "all years", m_term, "un_present"),
    ("+ mechanisms", "all years", m_mech, "un_present"),
    ("UN presence alone, main-model sample", "all years", m_un_ms, "un_present"),
    ("+ controls", "all years", m_ctrl, "un_present"),
    ("Main model", "all years", m_main, "un_present"),
    ("Main model without ethnic fractionalization", "all years", m_noeth, "un_present"),
    ("UN presence alone, without India", "all years", m_un_noindia, "un_present"),
    ("UN presence, 1990-2019", "1990-2019", w_un, "un_present"),
    ("+ personnel (at zero personnel)", "1990-2019", w_size, "un_present"),
    ("+ personnel + all", "1990-2019", w_main, "un_present"),
    ("At spell start, unweighted", "IPW sample", i_raw, "un_start"),
    ("At spell start, IPW", "IPW sample", i_ipw, "un_start"),
    ("At spell start, covariate-adjusted", "IPW sample", i_reg, "un_start"),
    ("Location-level: alone", "location", loc_un, "un_present"),
    ("Location-level: main model", "location", loc_main, "un_present"),
    (f"Min. gap {MIN_GAP_DAYS} d: alone", "min. gap", gap_un, "un_present"),
    (f"Min. gap {MIN_GAP_DAYS} d: main model", "min. gap", gap_main, "un_present"),
    ("Country-level presence (old measure): alone", "all years", pm(COUNTRY), "un_present_country"),
    ("Country-level presence (old measure): main model", "all years", pm(COUNTRY, spec="main model"),
     "un_present_country"),
    ("Civil conflicts only: alone", "civil", pm(sample="civil conflicts (UCDP types 3-4)"), "un_present"),
    ("Civil conflicts only: main model", "civil",
     pm(sample="civil conflicts (UCDP types 3-4)", spec="main model"), "un_present"),
    ("Main model, clustered by country", "all years", pm(cl="country", spec="main model"), "un_present"),
    ("Without 31 Dec spell starts: main model", "all years",
     pm(sample="without spells starting on 31 December", spec="main model"), "un_present"),
    ("+ non-UN presence: main model", "all years", m_nonun_main, "un_present"),
    ("Any peacekeeping (UN or non-UN): alone", "all years", m_anypk, "any_pk_present"),
    ("Any peacekeeping (UN or non-UN): main model", "all years", m_anypk_main, "any_pk_present"),
]
hr_specs = pd.DataFrame([
    {"specification": name, "sample": samp, "term": term, **hr_row(f, term), "spells": f.n_groups,
     "failures": f.n_events, "rows": f.nobs}
    for name, samp, f, term in specs
])
hr_specs.loc[hr_specs["spells"].isna(), "spells"] = hr_specs.loc[hr_specs["spells"].isna(), "rows"]
hr_specs["spells"] = hr_specs["spells"].astype(int)

fig, ax = plt.subplots(figsize=(8, 9.5))
palette = dict(zip(hr_specs["sample"].unique(), plt.get_cmap("tab10").colors))
y = np.arange(len(hr_specs))[::-1]
for yi, (_, r) in zip(y, hr_specs.iterrows()):
    c = palette[r["sample"]]
    ax.hlines(yi, r["conf_low"], r["conf_high"], color=c, linewidth=1.6)
    ax.plot(r["hr"], yi, "o", color=c)
ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
ax.set_xscale("log")
ratio_axis(ax, [0.5, 0.75, 1, 1.5, 2])
ax.set_yticks(y, [f"{n} (n={k})" for n, k in zip(hr_specs["specification"], hr_specs["spells"])])
ax.set_xlabel("Hazard ratio of conflict recurrence, UN mission present (95% CI, clustered by conflict)")
ax.set_title("UN presence across specifications")
for samp, c in palette.items():
    ax.plot([], [], "o-", color=c, label=samp)
ax.legend(title="sample", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
fig.tight_layout()

rep.text(f"""
## Sensitivity

**Recurrence rule.** With location-level recurrence ({loc_un.n_groups} spells, {loc_un.n_events} failures) UN
presence alone gives {fmt_hr(loc_un)}, and in the main model {fmt_hr(loc_main)}. Ignoring recurrences within
{MIN_GAP_DAYS} days ({gap_un.n_groups} spells, {gap_un.n_events} failures; the spells are rebuilt from the episodes
with `create_spells(episodes, min_gap_days={MIN_GAP_DAYS})` and split by the build's own code,
`peacestats.build.spell_rows_for`) gives {fmt_hr(gap_un)} alone and {fmt_hr(gap_main)} in the main model.
Standard errors are clustered by the ended episode's conflict under every rule.

The figure collects the UN-presence hazard ratio from every specification in this report.
""")
rep.table("sensitivity", sens, caption="UN-presence hazard ratio by recurrence rule: alone and in the main model")
rep.table("hr_specifications", hr_specs, caption="Hazard ratio of UN presence across all specifications")
rep.figure("hr_specifications", fig, caption="Hazard ratio of UN presence (95% CI) across specifications, samples "
           "and recurrence rules; n = spells used")

# %% [markdown]
# ## E-value

# %%
failure_share = float(s["failed"].mean())
ev_rows = []
for name, f, term in [("Main model", m_main, "un_present"), ("IPW, at spell start", i_ipw, "un_start"),
                      ("UN presence alone", m_un, "un_present")]:
    h = hr_row(f, term)
    e = causal.e_value(h["hr"], h["conf_low"], h["conf_high"], measure="HR", rare=False)
    ev_rows.append({"estimate": name, "HR": h["hr"], "CI low": h["conf_low"], "CI high": h["conf_high"],
                    "RR (common-outcome conversion)": e.rr, "E-value (estimate)": e.e_point,
                    "E-value (CI limit nearest 1)": e.e_ci})
ev_tab = pd.DataFrame(ev_rows)
ev_main = ev_tab.iloc[0]
rep.text(f"""
## E-value of the main estimate

Recurrence is common ({failure_share:.0%} of spells fail), so hazard ratios are converted to risk ratios with
VanderWeele's common-outcome approximation before computing E-values (VanderWeele & Ding 2017). For the main
model's HR of {ev_main['HR']:.2f}, an unmeasured confounder associated with both UN presence and recurrence by a
risk ratio of **{ev_main['E-value (estimate)']:.2f}** each, beyond the measured covariates, could move the point
estimate to 1; the E-value of the confidence limit nearest 1 is {ev_main['E-value (CI limit nearest 1)']:.2f}
{"(1 means the interval already includes no effect)" if ev_main['E-value (CI limit nearest 1)'] == 1 else ""}.
""")
rep.table("evalue", ev_tab, caption="E-values (VanderWeele & Ding 2017), hazard ratios converted for a common outcome")

# %% [markdown]
# ## What the data can and cannot show

# %%
n_pre90_un = int(((s["un_start"] == 1) & (s["start_date"] < "1990-01-01")).sum())
covers1 = (hr_specs["conf_low"] <= 1) & (hr_specs["conf_high"] >= 1)
adjusted_null = all(hr_row(f, k)["conf_low"] <= 1 <= hr_row(f, k)["conf_high"]
                    for f, k in [(m_main, "un_present"), (i_ipw, "un_start")])
verdict = ("The data do not show that UN presence, as measured here, makes peace last longer, nor that it "
           "shortens it: the adjusted and weighted intervals include 1." if adjusted_null else
           "The adjusted or weighted interval excludes 1; read it with the E-value.")
war_t, war_c = bal.loc["war", "mean_treated"], bal.loc["war", "mean_control"]
len_t, len_c = (np.expm1(bal.loc["log_ep_days", c]) for c in ("mean_treated", "mean_control"))
rep.text(f"""
## What the data can and cannot show

* **Selection.** Spells that begin with a UN mission follow episodes that more often reached war intensity
  ({war_t:.0%} against {war_c:.0%}) and lasted longer (geometric mean {len_t:,.0f} against {len_c:,.0f} days;
  balance table, spells with every covariate). The unadjusted hazard ratio of UN presence is
  {hr_row(m_un)['hr']:.2f}; on the spells with every covariate it is {hr_row(m_un_ms)['hr']:.2f} alone,
  {hr_row(m_main)['hr']:.2f} adjusted, and {hr_row(i_ipw, 'un_start')['hr']:.2f} weighted.
  {verdict}
  Weighting and regression adjust only for what is
  measured; the E-value says how strong an unmeasured confounder (the parties' intent, spoilers, great-power
  interest) would need to be. None of these estimates is an experiment.
* **Measurement of size.** UN personnel counts exist only for 1990-2019 (Kathman); before 1990
  ({n_pre90_un} spells began with a UN mission then) and after 2019 only presence and mission type are known,
  so the size models cover a shorter period and fewer failures. Within that window some missions have no
  count and their rows are dropped.
* **Termination outcomes** (UCDP Conflict Termination 3-2021) exist only for episodes ending by 2020; spells
  after that enter the presence-only models but not the models with termination type.
* **Covariate coverage.** GDP and population end in 2011, ethnic fractionalization in 2013, Polity in 2018,
  so the main model uses {m_main.n_groups} of {len(s)} spells, those beginning by
  {int(main_first['start_date'].dt.year.max())} in countries with every covariate (not India, see above):
  spells that began later, under today's large multidimensional missions, are outside it.
* **Non-UN missions.** Only their presence is coded (Mullenbach's TPPM 3.1 to 2014, the project's table of
  major and post-2014 operations); their personnel are a single strength figure per operation at most, so UN
  and non-UN effort cannot be compared in size, and TPPM's operations are not typed.
* **Mechanisms from agreements.** Mediation and capacity building are read off signed peace agreements
  (UCDP PA): mediation that did not produce an agreement, and DDR or army integration that was agreed but
  not implemented, are not distinguished.
* **Presence is linked, by mandate, not placed on a map.** An operation counts for the conflicts it was
  sent for (the project's authored link table: the mandate, the agreement it monitored, or Mullenbach's
  dispute coding, with a source on every row); where in a country its peacekeepers were (Geo-PKO) is not
  used. {n_uncertain} links the sources do not settle are left out of `un_present` and tried in the
  "incl. uncertain links" check. Non-UN operations are linked the same way: Mullenbach's 143 regional and ad
  hoc operations to 2014 (with what became of those still running in 2014) and the major operations since.
* **What counts as renewed war.** The recurrence rule changes the sample (see the sensitivity section).
  Across all {len(hr_specs)} specifications in this report the UN-presence hazard ratio lies between
  {hr_specs['hr'].min():.2f} and {hr_specs['hr'].max():.2f}, and {int(covers1.sum())} of the
  {len(hr_specs)} 95% intervals include 1.
""")

# %%
rep.write()
