# ---
# jupytext:
#   text_representation:
#     extension: .py
#     format_name: percent
# kernelspec:
#   display_name: Python 3
#   language: python
#   name: python3
# ---

# %% [markdown]
# # Every specification: UN presence and the duration of peace (a multiverse)
#
# The ucdp_peace report estimates the hazard ratio of UN presence in a few dozen models. Here
# every combination of the defensible choices behind those models is fitted: the presence
# measure, the recurrence rule, the sample, the controls, the estimator and the level of
# clustering (`analyses/multiverse_ucdp_peace.toml`; each option is documented in
# `peacestats.robustness.ucdp_peace`). The specification curve (Simonsohn, Simmons & Nelson
# 2020) shows them all, sorted, with the options of each below; the median estimate and the
# share of significant specifications are compared with their distribution under the null by a
# centred cluster bootstrap (whole conflicts resampled). Nothing here depends on the number of
# workers: the draws are seeded by the resample number and the data, not the worker.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from peacestats import config  # noqa: E402
from peacestats.report.html import Report  # noqa: E402
from peacestats.robustness import (  # noqa: E402
    curve_inference,
    load_config,
    run_multiverse,
    run_null,
    spec_curve_figure,
)
from peacestats.robustness import ucdp_peace  # noqa: E402
from peacestats.robustness.cache import results_folder  # noqa: E402
from peacestats.robustness.run import uses_dask  # noqa: E402

# PEACESTATS_MULTIVERSE_CONFIG runs the report on another declaration (the tests use a small one)
CONFIG = Path(os.environ.get("PEACESTATS_MULTIVERSE_CONFIG")
              or config.project_root() / "analyses" / "multiverse_ucdp_peace.toml")
cfg = load_config(CONFIG)
mv = cfg["multiverse"]
B = int(cfg["report"].get("resamples", cfg["null"].get("resamples", 99)))
B_FULL = int(cfg["null"].get("resamples", 199))
SEED = int(cfg["null"].get("seed", 20201))
UNIT = cfg["null"].get("unit", "conflict_id")
WORKERS = int(cfg["report"].get("workers", 2))
CHUNK = int(cfg["run"].get("chunk_size", 16))

rep = Report(
    "multiverse",
    title="Every specification: UN presence and the duration of peace",
    question=("Across every defensible way to measure presence, define recurrence, choose the sample, the controls, "
              "the estimator and the clustering, does peace last longer with peacekeepers present, and is the "
              "pattern more than chance?"),
    datasets=["ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko", "un_dpo_missions",
              "mullenbach_tppm", "gw_states", "cow_states", "gleditsch_gdp", "polity5", "creg", "rugged",
              "peacestats_missions", "peacestats_mission_links"],
    methods=["multiverse", "specification_curve", "bootstrap_test", "coxph", "efron", "cluster_robust_cox",
             "cluster_robust"],
)

# %% [markdown]
# ## Run every specification and the null curve

# %%
# Fitted in this process and WORKERS processes forked from it (Linux). Where workers would need a Dask
# LocalCluster instead, whose "spawn" start would re-run this script (a module without a __main__ guard) in
# each worker, the fits stay in this process. The fits are kept in a results cache keyed by the code, the
# libraries, the declaration and the data (peacestats.robustness.cache; PEACESTATS_NO_CACHE=1 turns it off):
# a build with nothing changed reads them back instead of refitting. The files below are the same bytes
# either way, and do not depend on the number of workers.
workers = WORKERS if not uses_dask(workers=WORKERS) else 0
cached = results_folder(mv)
res = run_multiverse(mv, workers=workers, chunk_size=CHUNK, output=cached, progress=False)
null = run_null(mv, resamples=B, seed=SEED, unit=UNIT, workers=workers, output=cached, progress=False)
inf = curve_inference(res, null)
dims = list(mv.dimensions)
ok = res[res["error_type"].isna()]
n_fits = len(ok.drop_duplicates([d for d in dims if d not in ucdp_peace.SHARED]))

# %% [markdown]
# ## The choices

# %%
MEANING = {
    ("presence", "un_present"): "a UN operation sent for the spell's conflict is deployed (main measure)",
    ("presence", "un_present_country"): "any UN mission in the country (the older measure)",
    ("presence", "un_present_incl_uncertain"): "links the sources do not settle count as sent",
    ("presence", "any_pk_present"): "any peacekeeping operation sent for the conflict, UN or non-UN",
    ("recurrence", "conflict"): "the next episode of the same conflict ends the peace",
    ("recurrence", "location"): "any conflict in the same location ends the peace",
    ("recurrence", "gap730"): f"conflict-level; a recurrence within {ucdp_peace.MIN_GAP_DAYS} days is ignored",
    ("sample", "all"): "every spell, 1946-2024",
    ("sample", "civil"): "civil conflicts only (UCDP types 3-4)",
    ("sample", "post1989"): "spells that began in 1990 or later",
    ("sample", "no_dec31"): "without spells starting on a 31 December (UCDP's year-level placeholder)",
    ("controls", "none"): "presence alone",
    ("controls", "conflict"): "war, episode length, intrastate, territory, Cold War",
    ("controls", "conflict_country"): "those and GDP, population, Polity2, ethnic fractionalization, mountains",
    ("controls", "main"): "the report's main model: those, termination type and agreement mechanisms",
    ("estimator", "cox"): "Cox, Efron ties, time-varying presence on (start, stop] rows",
    ("estimator", "weibull"): "Weibull (survreg), one row per spell, covariates at its start (PH metric)",
    ("estimator", "logit"): "logit on spell-years with a cubic in time at peace (log odds ratio)",
    ("cluster", "conflict"): "robust variance clustered by conflict",
    ("cluster", "country"): "robust variance clustered by country (from the same fit)",
}
choices = pd.DataFrame([{"dimension": d, "option": str(o), "meaning": MEANING.get((d, o), "")}
                        for d in dims for o in mv.dimensions[d]])
size = " x ".join(str(len(mv.dimensions[d])) for d in dims)
rep.text(f"""
## The choices

{len(dims)} dimensions ({', '.join(dims)}) with {size} options give **{mv.size:,} specifications**. The
clustering does not change the point estimate, so they need {n_fits:,} fits: each model is fitted once and
both clustered variances are computed from its scores. {len(ok):,} specifications were fitted,
{len(res) - len(ok)} could not be (their error is kept in the CSV). The quantity is the coefficient of the
presence measure: a log hazard ratio (Cox, Weibull) or a log odds ratio per year at peace (logit), shown
exponentiated below; below 1 means peace lasts longer with peacekeepers present.
""")
rep.table("choices", choices, caption="Dimensions and options of the multiverse")

# %% [markdown]
# ## The specification curve

# %%
fig = spec_curve_figure(res, dims, exponentiate=True, inference=inf,
                        ylabel="Hazard ratio (odds ratio for the logit), 95% CI")
rep.figure("spec_curve", fig, caption=f"Specification curve: the {len(ok):,} estimates sorted, with 95% confidence "
           "intervals (red: p < 0.05), and the options of each specification below")
hr = np.exp(inf["median_estimate"])
null_failed = float(null["error_type"].notna().mean())
share_below = float(np.mean(ok["estimate"] < 0))
rep.text(f"""
## The curve and its null distribution

The median estimate is a ratio of **{hr:.2f}**; {share_below:.0%} of the estimates are below 1.
{inf['share_significant']:.0%} of the specifications are significant at the 5% level with the sign of the
median ({inf['share_significant_any']:.0%} with either sign).

**Is that more than chance?** Under the null of no effect in any specification, the median and the share
would vary only by sampling. Their null distribution is estimated by a centred cluster bootstrap
(`peacestats.robustness.inference`): whole conflicts are drawn with replacement, every specification is
refitted on the same draw (Newton-Raphson started from its full-sample estimate and iterated to
convergence), and each estimate is centred on its full-sample value. With **B = {B}**
resamples the p-value of the median is {inf['p_median']:.3f} and that of the share {inf['p_share']:.3f}
(the 95th percentile of the null share is {inf['null_share_95']:.0%}). {null_failed:.1%} of the refits on the
draws could not be fitted (mostly the main model's rare termination types, separated in a draw) and are
left out of that draw's median and share. With B = {B} the smallest
attainable p-value is 1/(B + 1) = {1 / (B + 1):.3f}: this report is built by `make reports` on two cores, so B
is the smallest number of draws that allows a test at the 5% level, and 0.05 (B + 1) is a whole number, so
that test has size exactly 5%: p = 0.05 means that the observed summary is more extreme than every draw
(Davidson & MacKinnon 2000). The same draws can be taken without refitting (`--null-method score`: each
specification moved by its rows' influence in the full-sample fit), which makes B = 999 a matter of seconds;
but that first-order approximation is less dispersed than the refits, most for the main model with its rare
termination types, so its p-values tend to be too small (`benchmarks/bench_null.py` compares both on the
same draws): this report refits. The full run with B = {B_FULL}
(`peacestats multiverse run analyses/multiverse_ucdp_peace.toml --bootstrap {B_FULL}`, on a cluster with
`--scheduler`) gives p-values resolved to 1/{B_FULL + 1}; the README gives the measured time.
""")
summary = pd.DataFrame([
    {"quantity": "specifications", "value": float(inf["specifications"])},
    {"quantity": "fitted", "value": float(inf["fitted"])},
    {"quantity": "median estimate (log ratio)", "value": inf["median_estimate"]},
    {"quantity": "median ratio", "value": hr},
    {"quantity": "share significant, sign of the median", "value": inf["share_significant"]},
    {"quantity": "share significant, either sign", "value": inf["share_significant_any"]},
    {"quantity": "null resamples B", "value": float(inf["resamples"])},
    {"quantity": "p-value of the median", "value": inf["p_median"]},
    {"quantity": "p-value of the share", "value": inf["p_share"]},
    {"quantity": "95th percentile of the null share", "value": inf["null_share_95"]},
])
rep.table("inference", summary, caption=f"Specification-curve inference (Simonsohn et al. 2020), B = {B} "
          "cluster-bootstrap resamples of conflicts")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].hist(inf["sign"] * inf["null_median"], bins=max(5, B // 2), color="#999999")
axes[0].axvline(abs(inf["median_estimate"]), color="#b2182b", linewidth=2, label="observed")
axes[0].set_xlabel("|median estimate| (null: centred, sign of the observed median)")
axes[0].set_ylabel("resamples")
axes[0].legend(frameon=False)
axes[1].hist(inf["null_share"], bins=max(5, B // 2), color="#999999")
axes[1].axvline(inf["share_significant"], color="#b2182b", linewidth=2, label="observed")
axes[1].set_xlabel("share significant with the sign of the median")
axes[1].legend(frameon=False)
fig.suptitle(f"Null distribution of the curve's summaries, B = {B}", fontsize=10)
fig.tight_layout()
rep.figure("null", fig, caption=f"Null distributions (B = {B} centred cluster-bootstrap resamples of conflicts) of "
           "the median estimate and of the share of significant specifications, with the observed values")

# %% [markdown]
# ## Which choices move the estimate

# %%
by_option = []
for d in dims:
    for o in mv.dimensions[d]:
        g = ok[ok[d] == o]
        by_option.append({"dimension": d, "option": str(o), "specifications": len(g),
                          "median ratio": float(np.exp(np.median(g["estimate"]))) if len(g) else np.nan,
                          "share below 1": float(np.mean(g["estimate"] < 0)) if len(g) else np.nan,
                          "share significant": float(np.mean(g["p_value"] < 0.05)) if len(g) else np.nan,
                          "smallest ratio": float(np.exp(g["estimate"].min())) if len(g) else np.nan,
                          "largest ratio": float(np.exp(g["estimate"].max())) if len(g) else np.nan})
by_option = pd.DataFrame(by_option)
spread = by_option.groupby("dimension", sort=False)["median ratio"].agg(lambda s: s.max() / s.min())
most = spread.idxmax()
rep.text(f"""
## Which choices move the estimate

Holding one option fixed and taking the median over every other choice, the dimension whose options move
the median ratio most is **{most}** (largest over smallest median ratio {spread[most]:.2f}); the
clustering moves only the intervals, never the estimate. The full table of specifications (options,
estimate, standard error, interval, p-value, rows, events, clusters, dropped controls, warnings and
errors) is the CSV of the last table.
""")
full = res.drop(columns=["index"]).sort_values(["estimate", "spec"], kind="mergesort", na_position="last")
rep.table("by_option", by_option, caption="The estimate by option, over all other choices (ratios)")
ends = pd.concat([full.head(5), full[full["estimate"].notna()].tail(5)])
shown = ends[dims].astype(str).assign(**{"ratio": np.exp(ends["estimate"]), "CI low": np.exp(ends["conf_low"]),
                                         "CI high": np.exp(ends["conf_high"]), "p": ends["p_value"]})
rep.table("specifications", shown, csv=full.reset_index(drop=True),
          caption=f"The five smallest and five largest of the {len(res):,} estimates (the CSV has every "
          "specification, sorted by estimate)")

# %%
rep.write()
