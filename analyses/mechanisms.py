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
# # Beyond peacekeeping: mediation, security-sector provisions, interventions and coups after war
#
# Peacekeeping is one way outsiders and soldiers shape a peace. This report asks, on the same
# peace spells as the `ucdp_peace` report, whether three other mechanisms go with longer peace:
# mediation of the war that just ended (Civil Wars Mediation, to 2011), agreements that reform the
# security sector, disarm and reintegrate fighters or give the UN a role in implementation (PA-X,
# 1990-2020), and military interventions that are not peacekeeping (IMI, to 2005); and, with
# competing risks, whether peace ends less often in a renewed war *or* in the military removing
# the country's leader (Archigos, to 2015) where UN peacekeepers were sent. Every measure is
# missing outside its source's years, so each model uses only the spell time its source covers.
# Nothing here is random: the script is deterministic.

# %%
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from peacestats.build import read_table  # noqa: E402
from peacestats.models.competing import cumulative_incidence, finegray  # noqa: E402
from peacestats.models.cox import coxph  # noqa: E402
from peacestats.report.html import Report  # noqa: E402

rep = Report(
    "mechanisms",
    title="Beyond peacekeeping: mediation, security-sector provisions, interventions and coups after war",
    question="Do mediation, security-sector and DDR provisions, UN implementation roles and non-peacekeeping "
    "interventions go with longer peace, and is peace less often ended by a military removal of the leader "
    "where UN peacekeepers were sent?",
    datasets=["ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko", "un_dpo_missions",
              "mullenbach_tppm", "pax", "cwm", "imi", "archigos", "gw_states", "cow_states",
              "peacestats_missions", "peacestats_mission_links"],
    methods=["coxph", "efron", "cluster_robust_cox", "aalen_johansen", "finegray"],
)

PAX = {"pax_agreement": "PA-X agreement signed (any)", "pax_ssr_army": "SSR: armed forces",
       "pax_ssr_police": "SSR: police", "pax_ssr_intelligence": "SSR: intelligence services",
       "pax_ssr_paramilitary": "SSR: armed groups and paramilitaries", "pax_ddr": "DDR",
       "pax_un_role": "UN role in implementation", "pax_pk_role": "Peacekeeping role in implementation"}
CWM = {"cwm_mediation": "Mediation during the episode", "cwm_mediation_ending": "Mediation ending the episode"}
IMI = {"imi_intervention": "Non-peacekeeping military intervention ongoing",
       "imi_domestic_dispute": "... taking sides in a domestic dispute", "imi_strategic": "... with strategic motives",
       "imi_humanitarian": "... with humanitarian motives"}
LABELS = {"un_present": "UN peacekeeping operation present (linked)", **PAX, **CWM, **IMI,
          "un_start": "UN peacekeeping at the spell's start", "war": "War (1,000+ deaths in a year)",
          "cold_war": "Spell began before 1990", "non_un_present": "Non-UN peacekeeping operation present (linked)"}


def cox(formula: str, data: pd.DataFrame):
    """Cox model on (start, stop] rows: Efron ties, Lin-Wei SEs clustered by conflict."""
    return coxph(formula, data, start="start", stop="stop", event="event", id="spell_id",
                 cluster="conflict_id", ties="efron")


def hr(fit, term: str) -> dict:
    t = fit.tidy().set_index("term").loc[term]
    return {"hr": t["exp_estimate"], "conf_low": t["exp_conf_low"], "conf_high": t["exp_conf_high"],
            "p_value": t["p_value"]}


def fmt(h: dict) -> str:
    p = "p < 0.001" if h["p_value"] < 0.001 else f"p = {h['p_value']:.3f}"
    return f"{h['hr']:.2f} (95% CI {h['conf_low']:.2f} to {h['conf_high']:.2f}, {p})"


# %%
rows = read_table("spell_rows")
spells = read_table("spells")
exits = read_table("leader_exits")
rows["war"] = rows["ep_war"].astype(int)
rows["cold_war"] = (rows["spell_start_date"] < "1990-01-01").astype(int)

# %% [markdown]
# ## Mechanisms and the hazard of renewed war

# %%
results, fits = [], {}
for family, terms, window in (("PA-X (1990-2020)", PAX, "pax_agreement"), ("CWM (to 2011)", CWM, "cwm_mediation"),
                              ("IMI (to 2005)", IMI, "imi_intervention")):
    covered = rows[rows[window].notna()].copy()
    for term, label in terms.items():
        d = covered[covered[term].notna()].copy()
        d[term] = d[term].astype(int)
        if d[term].nunique() < 2 or d.loc[d[term] == 1, "event"].sum() == 0:
            results.append({"source": family, "term": term, "mechanism": label, "spells": d["spell_id"].nunique(),
                            "note": "no variation or no recurrence while present: not estimable"})
            continue
        for spec, rhs in (("alone", term), ("with linked UN presence", f"{term} + un_present")):
            f = cox(rhs, d)
            fits[(term, spec)] = f
            results.append({"source": family, "term": term, "mechanism": label, "specification": spec,
                            **hr(f, term), "spells": f.n_groups, "failures": f.n_events, "clusters": f.n_clusters,
                            "spells with the mechanism": int(d.loc[d[term] == 1, "spell_id"].nunique())})
mech = pd.DataFrame(results)

covered_pax = rows[rows["pax_agreement"].notna()]
covered_cwm = rows[rows["cwm_mediation"].notna()]
covered_imi = rows[rows["imi_intervention"].notna()]
n_spells = rows["spell_id"].nunique()
rep.text(f"""
## The question and the data

Peace spells after UCDP conflict episodes, conflict-level recurrence, as in the `ucdp_peace` report
(`read_table("spell_rows")`: {n_spells} spells, {len(rows):,} (start, stop] rows). Each mechanism is a
time-varying covariate of the spell, built by `peacestats build` from its source and **missing outside the
source's years**, so each model below uses only the spell time its source covers:

* **PA-X** (Bell & Badanjak 2019; agreements 1990-2020, linked to UCDP conflicts by PA-X's own conflict ids):
  whether an agreement of the spell's conflict signed so far (since the start of the episode that preceded
  the spell) provides for security-sector reform (armed forces, police, intelligence, armed groups), DDR, or a
  UN or peacekeeping role in implementation. {covered_pax['spell_id'].nunique()} spells have covered time.
* **CWM** (DeRouen, Bercovitch & Pospieszna 2011; reduced derivative, civil conflicts to 2011, linked to UCDP
  conflicts by the project's authored table, exact links only): mediation during the episode that preceded
  the spell, or ending it. {covered_cwm['spell_id'].nunique()} spells covered.
* **IMI** (Pearson & Baumann; Kisangani & Pickering; to 2005): an ongoing military intervention in a country
  of the spell's location that is not peacekeeping (IMI's interventions by the UN or described as
  peacekeeping are flagged and excluded), with its motives. {covered_imi['spell_id'].nunique()} spells covered.

Hazard ratios come from Cox models with Efron ties on the counting-process rows inside each window (left
truncation at the window's start is exact in this form), standard errors clustered by conflict; each
mechanism alone and beside linked UN presence.
""")
rep.table("mechanisms", mech, caption="Hazard ratio of renewed war with each mechanism present, within its "
          "source's coverage (Cox, Efron ties, SEs clustered by conflict); HR < 1: peace lasts longer")

est = mech.dropna(subset=["hr"])
est = est[est["specification"] == "with linked UN presence"].reset_index(drop=True)
fig, ax = plt.subplots(figsize=(8, 0.45 * len(est) + 1.5), layout="constrained")
y = np.arange(len(est))[::-1]
colors = {"PA-X (1990-2020)": "#1b9e77", "CWM (to 2011)": "#d95f02", "IMI (to 2005)": "#7570b3"}
for yi, (_, r) in zip(y, est.iterrows()):
    ax.hlines(yi, r["conf_low"], r["conf_high"], color=colors[r["source"]], linewidth=1.8)
    ax.plot(r["hr"], yi, "o", color=colors[r["source"]])
ax.axvline(1, color="grey", linestyle="--", linewidth=0.8)
ax.set_xscale("log")
ax.set_yticks(y, [f"{r['mechanism']} [{r['source']}]" for _, r in est.iterrows()])
ax.set_xlabel("Hazard ratio of renewed war (log scale), with linked UN presence held constant")
from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter  # noqa: E402

ax.xaxis.set_major_locator(FixedLocator([0.1, 0.2, 0.5, 1, 2, 5, 10]))
ax.xaxis.set_minor_locator(NullLocator())
ax.xaxis.set_major_formatter(ScalarFormatter())
rep.figure("mechanisms_forest", fig, caption="Hazard ratios of renewed war by mechanism, each within its source's "
           "coverage and beside linked UN presence (95% CIs, clustered by conflict)")

sig = est[(est["conf_high"] < 1) | (est["conf_low"] > 1)]
rep.text(f"""
Of the {len(est)} mechanisms estimated beside UN presence, {len(sig)} have a 95% interval that excludes 1
{'(' + '; '.join(f"{r['mechanism']} [{r['source']}]: HR {fmt(r)}" for _, r in sig.iterrows()) + ')' if len(sig) else ''}.
With this many comparisons, about one in twenty would exclude 1 by chance alone.
""")  # noqa: E501 (report prose: its line breaks are part of the report)

# %% [markdown]
# ## Competing risks: renewed war or a military removal of the leader

# %%
# one row per spell that began by 2015: the first of renewed war (cause 1) and a military removal of
# a leader of a country in the spell's location (cause 2, Archigos), censored at the spell's end or at
# 2015-12-31, the end of Archigos
ARCHIGOS_END = pd.Timestamp("2015-12-31")
first = rows.sort_values(["spell_id", "start"]).groupby("spell_id", sort=True).head(1).set_index("spell_id")
sp = spells.set_index("spell_id").loc[first.index]
sp = sp[sp["start_date"] <= ARCHIGOS_END]
mil = exits[exits["military_removal"]].copy()
# each spell's first military removal after it began, in any country of its location (one merge for all spells)
loc = sp[["ep_gwno_loc", "start_date"]].explode("ep_gwno_loc").dropna(subset="ep_gwno_loc")
loc = loc.assign(gwcode=loc["ep_gwno_loc"].astype(int)).rename_axis("spell_id").reset_index()
after = loc.merge(mil.assign(gwcode=mil["gwcode"].astype(int))[["gwcode", "exit_date"]], on="gwcode")
first_removal = after[after["exit_date"] > after["start_date"]].groupby("spell_id")["exit_date"].min()
recs = []
for sid, s in sp.iterrows():
    m_date = first_removal.get(sid, pd.NaT)
    end = s["stop_date"]
    failed = bool(s["failed"])
    censor = min(end, ARCHIGOS_END)
    if pd.notna(m_date) and m_date <= censor and (not failed or m_date < end):
        t, cause = m_date, 2
    elif failed and end <= ARCHIGOS_END:
        t, cause = end, 1
    else:
        t, cause = censor, 0
    days = max((t - s["start_date"]).days, 0) + 0.5  # half a day: an exit on the spell's first day is inside it
    recs.append({"spell_id": sid, "conflict_id": int(s["conflict_id"]), "days": days, "years": days / 365.25,
                 "cause": cause, "un_start": int(first.at[sid, "un_present"]), "war": int(s["ep_war"]),
                 "cold_war": int(s["start_date"] < pd.Timestamp("1990-01-01"))})
cr = pd.DataFrame(recs)
ci = cumulative_incidence(cr, stop="years", event="cause", group="un_start")
at10 = ci.at([5, 10])
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
ci.plot(ax=ax, labels={1: "renewed war", 2: "military removal of the leader"},
        group_labels={0: "no UN peacekeeping at start", 1: "UN peacekeeping at start"})
ax.set_xlabel("Years since the episode ended")
ax.set_ylabel("Cumulative incidence")
rep.figure("cif_un", fig, caption="Cumulative incidence of renewed war and of a military removal of the leader, "
           "by linked UN peacekeeping at the spell's start (Aalen-Johansen, 95% CIs; spells beginning by 2015, "
           "censored at 2015-12-31)")
rep.table("cif_at", at10, caption="Cumulative incidence at 5 and 10 years, by linked UN peacekeeping at the spell's "
          "start (Aalen-Johansen; R's summary(survfit(...), times = c(5, 10)))")

fg_rows, fg_fits = [], {}
for cause, label in ((1, "renewed war"), (2, "military removal of the leader")):
    f = finegray("un_start + war + cold_war", cr, stop="years", event="cause", cause=cause, cluster="conflict_id")
    fg_fits[cause] = f
    t = f.tidy().set_index("term")
    for term in t.index:
        fg_rows.append({"cause": label, "term": term, "label": LABELS.get(term, term),
                        "shr": t.at[term, "exp_estimate"], "conf_low": t.at[term, "exp_conf_low"],
                        "conf_high": t.at[term, "exp_conf_high"], "p_value": t.at[term, "p_value"],
                        "spells": len(cr), "events": int((cr["cause"] == cause).sum())})
fg_tab = pd.DataFrame(fg_rows)
rep.table("finegray", fg_tab, caption="Fine-Gray models of the cumulative incidence of each ending (subdistribution "
          "hazard ratios; SEs clustered by conflict): SHR < 1, that ending is less likely by any given time")
n_mil = int((cr["cause"] == 2).sum())
n_war = int((cr["cause"] == 1).sum())
g = {r["term"]: r for r in fg_rows if r["cause"] == "military removal of the leader"}
w = {r["term"]: r for r in fg_rows if r["cause"] == "renewed war"}
rep.text(f"""
Peace can end in more than one way. Among the {len(cr)} spells that began by 2015, {n_war} ended in renewed war
and {n_mil} in a military removal of the leader of a country in the conflict's location (Archigos: removed by
the military, with or without foreign support) before 2016; the rest are censored. A Kaplan-Meier curve that
treats the other ending as censoring would overstate each; the cumulative incidence (Aalen-Johansen) does not.
With linked UN peacekeeping at the spell's start, the subdistribution hazard ratio of renewed war is
{fmt({'hr': w['un_start']['shr'], 'conf_low': w['un_start']['conf_low'], 'conf_high': w['un_start']['conf_high'], 'p_value': w['un_start']['p_value']})}
and that of a military removal
{fmt({'hr': g['un_start']['shr'], 'conf_low': g['un_start']['conf_low'], 'conf_high': g['un_start']['conf_high'], 'p_value': g['un_start']['p_value']})}
(adjusted for war intensity and the Cold War). Both estimators equal R's `survival` (tested against R 4.2 /
survival 3.5 on these spells).
""")  # noqa: E501 (report prose: its line breaks are part of the report)

# %% [markdown]
# ## What these measures can and cannot show

# %%
rep.text("""
## What these measures can and cannot show

* **Windows.** PA-X covers agreements signed 1990-2020, CWM civil-war mediation to 2011, IMI interventions to
  2005, Archigos leaders to 2015: each model uses only the spell time its source covers, and the samples differ
  (stated per row of the tables). For an episode that began before 1990, "no PA-X provision" cannot rule out an
  earlier agreement (`pax_window_complete` marks the rows where it can).
* **Provisions are words.** PA-X codes what an agreement provides for, not whether armies were reformed or
  fighters disarmed; an agreement that was never implemented counts the same.
* **Mediation is the reduced CWM derivative**, one row per mediation case, linked to UCDP conflicts by the
  project's authored table (exact links only; 21 uncertain and 6 unmatched rows are left out and listed in
  `cwm_conflicts`).
* **Interventions.** IMI's peacekeeping-type interventions are set apart by a rule the project wrote (intervener
  the UN, or described as peacekeeping), not by an IMI variable; interventions without an end date count for
  their first month only.
* **Military removals** are Archigos exits coded as removed by the military, in any country of the conflict's
  location; a coup unrelated to the conflict counts the same, and civil-military relations short of a removal
  are not measured.
* **Nothing here is causal.** Mechanisms come with the wars that attract them: mediation and UN roles go to hard
  cases. These are associations within each source's window, clustered by conflict, with linked UN presence held
  constant where noted.
""")

# %%
rep.write()
