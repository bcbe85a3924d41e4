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
# # UN peacekeepers and civilian killings: Hultman, Kathman & Shannon (2013)
#
# Do more UN troops, police and observers in a civil war mean fewer civilians killed?
# This notebook replicates Model 1 of Hultman, Kathman & Shannon (2013, AJPS) on their
# replication file: a negative binomial (NB2) regression of the civilians killed in a
# conflict-month on last month's UN personnel, with standard errors clustered by conflict.
# It writes `reports/hks2013.html` (tables in `reports/tables/`, figures in
# `reports/figures/`). Run from the repository root:
# `.venv/bin/python analyses/hks2013.py`.

# %%
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from peacestats import registry
from peacestats.models.qoi import simulate_qoi
from peacestats.models.regression import negbin, poisson
from peacestats.report.html import Report
from peacestats.sources import load

SEED = 2013  # the simulated quantities of interest use this seed: two runs give the same numbers
N_SIMS = 10_000
TROOP_GRID = np.round(np.arange(0, 30.0001, 0.5), 1)  # UN troops in thousands, 0 to 30,000

CONTROLS = "brv_AllLag + osvAllLagDum + incomp + epduration + lntpop"
F_MODEL1 = f"osvAll ~ troopLag + policeLag + militaryobserversLag + {CONTROLS}"
F_TROOPS_ONLY = f"osvAll ~ troopLag + {CONTROLS}"
LABELS = {
    "troopLag": "UN troops (thousands, t-1)",
    "policeLag": "UN police (thousands, t-1)",
    "militaryobserversLag": "UN military observers (thousands, t-1)",
    "brv_AllLag": "Battle deaths (t-1)",
    "osvAllLagDum": "Civilians killed (t-1) > 0",
    "incomp": "Incompatibility (1 territory, 2 government)",
    "epduration": "Episode duration (months)",
    "lntpop": "Log population",
}

# %%
hks = load("hks2013")
ds = registry.get("hks2013")
rep = Report(
    "hks2013",
    title="UN peacekeepers and civilian killings: Hultman, Kathman & Shannon (2013)",
    question="Are fewer civilians killed in civil-war months that follow larger UN troop, police "
    "and observer deployments?",
    datasets=["hks2013"],
    methods=["negative_binomial", "cluster_robust", "simulation_qoi"],
)

# %% [markdown]
# ## Data

# %%
n_rows = len(hks)
n_conflicts = hks["conflict_id"].nunique()
rep.text(
    "## The question\n"
    "Hultman, Kathman & Shannon (2013) ask whether the *size* and *composition* of UN peacekeeping "
    "deployments, not merely their presence, reduce the killing of civilians in civil wars. Their "
    "outcome is the monthly count of civilians killed in one-sided violence by all actors; their key "
    "regressors are the numbers of UN troops, police and military observers deployed in the "
    "previous month.\n\n"
    "## Data used\n"
    f"The authors' replication file (`hks2013`, {ds.title}, version `{ds.version}`, "
    f"doi:10.7910/DVN/6EBCGA): {n_rows:,} conflict-months of {n_conflicts} civil-war conflicts in "
    f"Africa, {int(hks['year'].min())}-{int(hks['year'].max())}. The personnel variables `troopLag`, "
    "`policeLag` and `militaryobserversLag` are **already in thousands** in this file (the largest "
    f"troop figure is {hks['troopLag'].max():.3f}, i.e. {hks['troopLag'].max() * 1000:,.0f} troops), so "
    "they enter the models as they are. The authors' variable names are kept."
)

# %% [markdown]
# ## Models
#
# Model 1: NB2 of `osvAll` on troops, police and observers (t-1) with the authors' controls.
# Comparisons: the same NB2 without police and observers, and a Poisson model with all regressors.
# Standard errors: CR1, i.e. R's `sandwich::vcovCL(fit, cluster = ~conflict_id, type = "HC1")`.

# %%
m1 = negbin(F_MODEL1, hks, cluster="conflict_id", vcov="CR1")
m_troops = negbin(F_TROOPS_ONLY, hks, cluster="conflict_id", vcov="CR1")
m_pois = poisson(F_MODEL1, hks, cluster="conflict_id", vcov="CR1")
assert m1.nobs == m_troops.nobs == m_pois.nobs == 3746, (m1.nobs, m_troops.nobs, m_pois.nobs)
assert m1.n_clusters == 36

G, n, k = m1.n_clusters, m1.nobs, len(m1.params)
cr1_factor = G / (G - 1) * (n - 1) / (n - k)
b_troops = float(m1.params["troopLag"])
se_troops = float(m1.std_errors["troopLag"])
months_with_troops = int((m1.model_frame["troopLag"] > 0).sum())

rep.text(
    "## Methods\n"
    "**Model 1** is a negative binomial regression (NB2: Var(y) = mu + alpha mu^2, fitted by maximum "
    "likelihood as R's `MASS::glm.nb`) of `osvAll` on `troopLag`, `policeLag`, `militaryobserversLag` "
    "and the controls `brv_AllLag` (battle deaths, t-1), `osvAllLagDum` (any civilians killed, t-1), "
    "`incomp` (incompatibility), `epduration` (months since the episode began) and `lntpop` (log "
    f"population). Rows with a missing value in any model variable are dropped (R's `na.omit`): "
    f"{m1.glance()['n_dropped'].iloc[0]} of {n_rows:,}, leaving **n = {n:,}** conflict-months in "
    f"{G} conflicts ({months_with_troops:,} of them with UN troops deployed in the previous month).\n\n"
    "**Standard errors** are clustered by conflict (`conflict_id`) with the **CR1** flavour: R's "
    '`sandwich::vcovCL(fit, cluster = ~conflict_id, type = "HC1")`, the sandwich with the factor '
    f"G/(G-1) x (n-1)/(n-k) = {G}/{G - 1} x {n - 1}/{n - k} = {cr1_factor:.5f}. The other flavours, "
    "including the one Stata's `nbreg, vce(cluster conflict_id)` reports, are shown in a second table; "
    "they change the standard errors, never the coefficients.\n\n"
    "**Comparisons.** (2) the same NB2 without police and observers, on the same rows; (3) a Poisson "
    "model with all regressors (the same mean model, but Var(y) = mu).\n\n"
    "**Quantities of interest.** Expected civilian deaths per month are simulated from the "
    f"coefficients' sampling distribution (King, Tomz & Wittenberg 2000): {N_SIMS:,} draws from "
    "N(b, V_CR1), numpy seed "
    f"{SEED}, 95% percentile intervals. The covariate profile: no UN police and no observers, "
    "civilians killed in the previous month (`osvAllLagDum` = 1), a conflict over government "
    "(`incomp` = 2), and `brv_AllLag`, `epduration` and `lntpop` at their estimation-sample means; UN "
    "troops vary from 0 to 30,000."
)

# %% [markdown]
# ## Results: the models table

# %%
model_names = ["Model 1 (NB2)", "NB2, troops only", "Poisson"]
rep.text(
    "## Results\n"
    f"In Model 1 the coefficient of UN troops is **{b_troops:.4f}** (CR1 SE {se_troops:.4f}): each "
    f"additional 1,000 troops multiplies the expected number of civilians killed in the next month "
    f"by exp({b_troops:.4f}) = **{np.exp(b_troops):.3f}**, a {100 * (1 - np.exp(b_troops)):.1f}% "
    "reduction, holding police, observers and the controls constant. The estimates equal R's "
    "`MASS::glm.nb` on the same file (checked in `tests/test_regression.py` and "
    "`tests/test_report_hks2013.py`). NB2 dispersion: theta = "
    f"{m1.theta:.5f} (alpha = 1/theta = {m1.alpha:.2f}): the counts are far more dispersed than a "
    "Poisson allows."
)
rep.table(
    "models",
    [m1, m_troops, m_pois],
    caption="Civilians killed per conflict-month: NB2 Model 1 and comparisons (coefficients; "
    "CR1 standard errors clustered by conflict_id, = sandwich::vcovCL(type = \"HC1\"))",
    labels=LABELS,
    model_names=model_names,
    stats=("n", "n_clusters", "loglik", "aic", "theta"),
    digits=4,
)

t_only = float(m_troops.params["troopLag"])
t_pois = float(m_pois.params["troopLag"])
corr = m1.model_frame[["troopLag", "policeLag", "militaryobserversLag"]].corr()
p_pois = float(m_pois.tidy().set_index("term").loc["troopLag", "p_value"])
rep.text(
    "Composition matters for the sign. Without police and observers in the model, the troop "
    f"coefficient is **{t_only:+.4f}** (CR1 SE {m_troops.std_errors['troopLag']:.4f}): on these rows, "
    "troop-heavy months are months of more civilian killing unless the other kinds of personnel are "
    "held constant. The three personnel series are parts of the same missions and move together "
    f"(correlation of troops with police {corr.loc['troopLag', 'policeLag']:.2f}, with observers "
    f"{corr.loc['troopLag', 'militaryobserversLag']:.2f}, in the estimation sample). The Poisson model "
    f"gives a troop coefficient of {t_pois:+.4f} (CR1 SE {m_pois.std_errors['troopLag']:.4f}, "
    f"p = {p_pois:.3f}) and fits far worse (log-likelihood {m_pois.loglik:,.0f} against "
    f"{m1.loglik:,.1f} for the NB2): with a few months of mass killing, the Poisson fit is driven by "
    "those months."
)

# %% [markdown]
# Standard errors of Model 1 under each covariance flavour.

# %%
flavours = [
    ("model", "vcov(fit): inverse information, no clustering"),
    ("CR0", 'vcovCL(type = "HC0", cadjust = FALSE): no small-sample factor'),
    ("vcovCL", "vcovCL(fit, cluster = ~conflict_id) defaults for negbin: G/(G-1)"),
    ("CR1", 'vcovCL(type = "HC1"): G/(G-1) (n-1)/(n-k)  [used in the models table]'),
    ("stata", "Stata nbreg, vce(cluster conflict_id): observed information of (b, ln alpha), G/(G-1)"),
]
se_rows = []
for flavour, what in flavours:
    fit = m1 if flavour == "CR1" else m1.with_vcov(flavour)
    se = fit.std_errors
    se_rows.append({"flavour": flavour, "what it reproduces": what,
                    **{LABELS.get(t, t): float(se[t]) for t in ("troopLag", "policeLag", "militaryobserversLag")}})
se_table = pd.DataFrame(se_rows)
rep.table(
    "se_flavours",
    se_table,
    caption="Model 1: standard errors of the personnel coefficients under five covariance flavours "
    "(the coefficients are the same in every row)",
)
se_stata = float(se_table.loc[se_table["flavour"] == "stata", LABELS["troopLag"]].iloc[0])
rep.text(
    f"The troop coefficient's SE ranges from {se_table[LABELS['troopLag']].min():.4f} to "
    f"{se_table[LABELS['troopLag']].max():.4f} across flavours (Stata's `vce(cluster)`: {se_stata:.4f}); "
    f"with any of them the coefficient is more than {abs(b_troops) / se_table[LABELS['troopLag']].max():.0f} "
    "standard errors from zero."
)

# %% [markdown]
# ## Expected civilian deaths across troop levels

# %%
profile = {"policeLag": 0.0, "militaryobserversLag": 0.0, "osvAllLagDum": 1.0, "incomp": 2}
grid = {f"{t:g}": {**profile, "troopLag": float(t)} for t in TROOP_GRID}
qoi_grid = simulate_qoi(m1, grid, n_sims=N_SIMS, seed=SEED, differences=False)
curve = qoi_grid.assign(troops=TROOP_GRID * 1000)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
observed = m1.model_frame.loc[m1.model_frame["troopLag"] > 0, "troopLag"].to_numpy() * 1000
for ax, logy in zip(axes, (False, True)):
    ax.fill_between(curve["troops"], curve["conf_low"], curve["conf_high"], color="#9ecae1",
                    label="95% simulation interval")
    ax.plot(curve["troops"], curve["estimate"], color="#08519c", lw=2, label="expected value (mean of draws)")
    ax.plot(observed, np.full(observed.shape, 0.02), "|", color="#555555", ms=8, alpha=0.3,
            transform=ax.get_xaxis_transform(), label="observed troop levels (months with troops)")
    ax.axvline(8000, color="#b2182b", ls="--", lw=1, label="8,000 troops (contrast below)")
    ax.set_xlabel("UN troops deployed last month")
    ax.set_xlim(0, 30000)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    if logy:
        ax.set_yscale("log")
        ax.set_title("Log scale")
        ax.set_ylabel("Expected civilians killed per month (log)")
    else:
        ax.set_ylim(bottom=0)
        ax.set_title("Linear scale")
        ax.set_ylabel("Expected civilians killed per month")
        ax.legend(loc="upper right", frameon=False, fontsize=9)
fig.suptitle("Model 1 (NB2): expected civilian deaths by UN troop level "
             "(no police or observers; killings last month; government conflict)", fontsize=10)
fig.tight_layout()
rep.figure(
    "expected_deaths",
    fig,
    caption=f"Expected civilians killed in a conflict-month by the number of UN troops deployed the month "
    f"before (Model 1, NB2), with 95% intervals from {N_SIMS:,} simulated coefficient draws (seed {SEED}, "
    "CR1 covariance). Other covariates: no UN police or observers, osvAllLagDum = 1, incomp = 2, the rest at "
    "sample means. Ticks: troop levels observed in the estimation sample. Beyond about 20,000 troops the "
    "curve extrapolates from a handful of months.",
)

# %% [markdown]
# ## No troops vs 8,000 troops

# %%
contrast, draws = simulate_qoi(
    m1,
    {"0 troops": {**profile, "troopLag": 0.0}, "8,000 troops": {**profile, "troopLag": 8.0}},
    n_sims=N_SIMS, seed=SEED, return_draws=True,
)
ratio = draws["8,000 troops"] / draws["0 troops"]
pct = 100 * (ratio - 1)
lo, hi = np.quantile(pct, [0.025, 0.975])
contrast_table = pd.concat(
    [
        contrast,
        pd.DataFrame([{
            "scenario": "8,000 troops vs 0 troops (% change)",
            "quantity": "percent change",
            "estimate": float(np.mean(pct)),
            "std_error": float(np.std(pct, ddof=1)),
            "conf_low": float(lo),
            "conf_high": float(hi),
            "at_estimates": float(100 * (np.exp(8 * b_troops) - 1)),
        }]),
    ],
    ignore_index=True,
)
rep.table(
    "contrast_0_8000",
    contrast_table,
    caption=f"Expected civilians killed per month with 0 and 8,000 UN troops, their difference and the "
    f"percent change (Model 1; {N_SIMS:,} simulations, seed {SEED}; 95% percentile intervals; "
    "at_estimates = the quantity at the point estimates)",
)
e0 = contrast_table.set_index("scenario").loc["0 troops"]
e8 = contrast_table.set_index("scenario").loc["8,000 troops"]
fd = contrast_table.set_index("scenario").loc["8,000 troops - 0 troops"]
rep.text(
    f"With no UN troops, the model expects **{e0['at_estimates']:.1f}** civilians killed in a month "
    f"(simulated mean {e0['estimate']:.1f}, 95% interval {e0['conf_low']:.1f} to {e0['conf_high']:.1f}); "
    f"with 8,000 troops, **{e8['at_estimates']:.2f}** ({e8['conf_low']:.2f} to {e8['conf_high']:.2f}). "
    f"The first difference is {fd['estimate']:.1f} ({fd['conf_low']:.1f} to {fd['conf_high']:.1f}), "
    f"a change of {100 * (np.exp(8 * b_troops) - 1):.1f}% at the point estimates. The intervals for "
    "the no-troops scenario are wide because the intercept and the population term are imprecise and "
    "the outcome is so overdispersed; the proportional change depends on the troop coefficient alone."
)

# %% [markdown]
# ## What the data can and cannot show

# %%
mf = m1.model_frame
over20 = hks.loc[mf.index[mf["troopLag"] > 20]]
over20_where = ", ".join(sorted(over20["location"].unique()))
y_sorted = mf["osvAll"].sort_values(ascending=False)
top = int(np.ceil(0.01 * len(y_sorted)))
top_share = float(y_sorted.head(top).sum() / y_sorted.sum())
rep.text(
    "## What the data can and cannot show\n"
    "- **Association, not a controlled experiment.** The UN chooses where to deploy and how many "
    "troops to send; the troops-only model, whose troop coefficient is positive, shows how much the "
    "estimate depends on what else is held constant. The lag (personnel in month t-1, killings in "
    "month t) orders the two in time but does not remove selection.\n"
    "- **Scope.** Civil wars in Africa, 1991-2008, and only the months the file records. Above "
    f"20,000 troops the sample has {len(over20)} conflict-months, all in {over20_where} "
    f"({int(over20['year'].min())}-{int(over20['year'].max())}; the largest deployment is "
    f"{mf['troopLag'].max() * 1000:,.0f} troops), so that part of the expected-value curve is an "
    "extrapolation of the log-linear model rather than something the data show.\n"
    f"- **A few months carry the counts.** {(mf['osvAll'] == 0).mean():.0%} of the conflict-months have "
    f"no civilians killed, and the top 1% ({top} months) hold {top_share:.0%} of all "
    f"{mf['osvAll'].sum():,.0f} killings in the sample (the largest month: {y_sorted.iloc[0]:,.0f}). "
    f"Hence the NB2 dispersion (alpha = {m1.alpha:.1f}), the poor Poisson fit, and wide intervals for "
    "the expected counts. The killing counts are the authors' coding, taken as given.\n"
    "- **Standard errors** rest on 36 clusters; the table of covariance flavours shows how much "
    "the small-sample factor and the choice of bread move them."
)

# %%
rep.write()
