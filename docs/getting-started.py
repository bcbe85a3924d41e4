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
# # Getting started
#
# This page is a notebook, executed each time the documentation is built (`make docs`), so
# every number below is what the current code computes. It runs as is in JupyterLab too.
#
# `import peacestats as ps` gives every public function (see the [top-level API](api.md)).
# Datasets are loaded by their registry key (see [Datasets](datasets/index.md)); the first
# `ps.load` of a dataset fetches its file, checks its sha256 and keeps it in `data/raw/`
# (in a checkout) or in your user data folder (an installed wheel).

# %%
from IPython.display import HTML

import peacestats as ps

d = ps.load("fortna_ceasefires")
print(f"{len(d)} spell segments, {d['id'].nunique()} peace spells after civil-war ceasefires")
d[["id", "cname", "st_t0", "st_t", "st_d", "pk_dum", "cluster"]].head()

# %% [markdown]
# ## A Cox model equal to R
#
# Does peace last longer when peacekeepers are deployed? Fortna's data are in counting-process
# form (time-varying peacekeeping), with days since the ceasefire; the standard errors are
# clustered on the war, and the ties handled as Stata does (Breslow). The estimates equal R's
# `coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + cluster(cluster), ties = "breslow")`.

# %%
fit = ps.coxph("pk_dum", d, start="st_t0", stop="st_t", event="st_d", cluster="cluster", ties="breslow")
fit.tidy(exponentiate=True)

# %% [markdown]
# ## A table for the paper
#
# `ps.regtable` puts several models side by side (HTML here; `format="latex"` or `"markdown"`
# for a paper), with labels for the terms.

# %%
controls = ps.coxph("pk_dum + victory + treaty + wardur + logdead + wartype", d, start="st_t0", stop="st_t",
                    event="st_d", cluster="cluster", ties="breslow")
HTML(ps.regtable([fit, controls], model_names=["Peacekeeping", "With controls"], exponentiate=True,
                 labels={"pk_dum": "Peacekeeping", "victory": "Decisive victory", "treaty": "Peace treaty"}))

# %% [markdown]
# ## A figure
#
# The hazard ratios with their 95% intervals: below 1, peace fails less often.

# %%
ax = ps.coefplot([fit, controls], model_names=["Peacekeeping", "With controls"], exponentiate=True,
                 labels={"pk_dum": "Peacekeeping", "victory": "Decisive victory", "treaty": "Peace treaty"})

# %% [markdown]
# ## Citing what you used
#
# `ps.cite` gives the BibTeX of datasets (registry keys) and methods.

# %%
print(ps.cite(["fortna_ceasefires", "coxph", "cluster_robust_cox"]))

# %% [markdown]
# ## Next
#
# - `peacestats build` (or `make build`) harmonizes every source into the tables of
#   `data/processed`, read with `ps.read_table("spell_rows")`.
# - The analyses in `analyses/` are notebooks like this one; `make reports` turns each into
#   an HTML report with its tables, figures and provenance
#   ([JupyterLab and reports](lab.md)).
