"""peacestats: harmonized peace and conflict data, models equal to R, reproducible reports.

Importing the package is cheap: the names below load their module on first use, so
``import peacestats as ps`` and then ``ps.coxph(...)``, ``ps.load("ucdp_acd")`` or
``ps.read_table("spell_rows")`` work without knowing the module paths, and ``dir(ps)`` lists them.

Data
    ``load`` (a source by registry key), ``read_table`` (a built table; ``dtypes="numpy"`` for
    patsy/statsmodels), ``to_numpy_frame`` (nullable dtypes -> numpy ones), ``spell_rows_for``,
    ``cite`` (BibTeX for dataset keys, a fit or a built table: ``ps.cite(fit)`` names the data the
    fit came from, its methods and peacestats) (``peacestats.build.build`` builds the tables;
    ``peacestats.build`` is its module)
Harmonize
    ``create_stateyears``, ``add_ucdp_acd``, ``add_pko``, ``add_polity``, ``add_gdp``, ``add_creg``,
    ``add_rugged``, ``create_conflict_months``, ``create_episodes``, ``add_termination``,
    ``create_dyad_episodes``, ``create_spells``, ``add_spell_covariates``, ``split_spells``,
    ``create_spell_rows``, ``create_missions``, ``create_mission_months``, ``mission_conflicts``,
    ``add_military_removals``, ``add_interventions``, ``add_agreement_provisions``, ``add_lags``,
    ``add_leads``, ``intervention_months``, ``leader_exits``, ``mechanism_rows_for``,
    ``gw_to_cow``, ``cow_to_gw``, ``to_iso3``, ``country_name``, ``name_to_gw``
Models
    ``kaplan_meier``, ``logrank_test``, ``coxph``, ``cox_zph``, ``survreg``, ``logit``, ``probit``,
    ``poisson``, ``negbin``, ``ols``, ``propensity_score``, ``ipw_weights``, ``match_nearest``,
    ``balance_table``, ``e_value``, ``simulate_qoi``, ``cumulative_incidence``, ``finegray``,
    ``finegray_data``
Report
    ``regtable``, ``coefplot``, ``forest_plot`` (peacestats, statsmodels and lifelines results,
    tidy DataFrames), ``tidy_result`` (a tidy table with a model name and statistics), ``Report``
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> module that defines it (loaded on first use)
_LAZY: dict[str, str] = {
    # data
    "load": "peacestats.sources",
    "read_table": "peacestats.build",
    "spell_rows_for": "peacestats.build",
    "cite": "peacestats.citations",
    "to_numpy_frame": "peacestats.frames",
    # harmonize
    **{n: "peacestats.harmonize.panels" for n in (
        "create_stateyears", "create_conflict_months", "add_ucdp_acd", "add_pko", "add_polity", "add_gdp",
        "add_creg", "add_rugged")},
    **{n: "peacestats.harmonize.episodes" for n in ("create_episodes", "add_termination", "create_dyad_episodes")},
    **{n: "peacestats.harmonize.spells" for n in ("create_spells", "add_spell_covariates", "split_spells")},
    "create_spell_rows": "peacestats.harmonize.spell_rows",
    "create_missions": "peacestats.harmonize.mission_universe",
    "create_mission_months": "peacestats.harmonize.deployment",
    "mission_conflicts": "peacestats.harmonize.linkage",
    **{n: "peacestats.harmonize.panels" for n in (
        "add_military_removals", "add_interventions", "add_agreement_provisions", "add_lags", "add_leads")},
    **{n: "peacestats.harmonize.mechanisms" for n in (
        "intervention_months", "leader_exits", "mechanism_rows_for")},
    **{n: "peacestats.harmonize.codes" for n in ("gw_to_cow", "cow_to_gw", "to_iso3", "country_name", "name_to_gw")},
    # models
    **{n: "peacestats.models.km" for n in ("kaplan_meier", "logrank_test")},
    "coxph": "peacestats.models.cox",
    "cox_zph": "peacestats.models.zph",
    "survreg": "peacestats.models.parametric",
    **{n: "peacestats.models.regression" for n in ("logit", "probit", "poisson", "negbin", "ols")},
    **{n: "peacestats.models.causal" for n in (
        "propensity_score", "ipw_weights", "match_nearest", "balance_table", "e_value")},
    "simulate_qoi": "peacestats.models.qoi",
    **{n: "peacestats.models.competing" for n in ("cumulative_incidence", "finegray", "finegray_data")},
    # report
    **{n: "peacestats.report.tables" for n in ("regtable", "coefplot", "forest_plot")},
    "tidy_result": "peacestats.report.adapters",
    "Report": "peacestats.report.html",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'peacestats' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
