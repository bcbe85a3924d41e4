"""The flagship multiverse: does peace last longer with UN peacekeepers present (the ucdp_peace report)?

Data are prepared as ``analyses/ucdp_peace.py`` prepares them (its ``prepare()``
columns, rebuilt here so this module does not run the report): counting-process rows
from ``spell_rows`` (conflict-level recurrence), ``spell_rows_location`` (location-level
recurrence) and, for the minimum-gap rule, spells rebuilt with
``create_spells(episodes, min_gap_days=730)`` and split by
:func:`peacestats.build.spell_rows_for`.

Dimensions and options understood by :func:`fit_specification` (a dimension left out of
a multiverse takes the first option listed):

``presence``
    ``un_present`` (a UN operation sent for that conflict), ``un_present_country`` (any
    UN mission in the country, the old measure), ``un_present_incl_uncertain`` (links
    coded uncertain count as sent).
``recurrence``
    ``conflict``, ``location``, ``gap730`` (a recurrence within 730 days is ignored).
``sample``
    ``all``, ``civil`` (UCDP types 3-4), ``post1989`` (spells that began in 1990 or later).
``controls``
    ``none``, ``conflict`` (war, log episode length, intrastate, territory, Cold War),
    ``conflict_country`` (those plus log GDP per capita, log population, Polity2, ethnic
    fractionalization, mountainous terrain). A control constant in the sample (Cold War
    among post-1989 spells) is left out and named in ``dropped``.
``estimator``
    ``cox`` (Efron ties, on the (start, stop] rows, presence time-varying),
    ``weibull`` (``survreg``, one row per spell, presence at the spell's start; the
    PH-metric coefficient, a log hazard ratio), ``logit`` (spell-years: one row per year
    of peace, presence at the start of the year, a cubic in years at peace as Carter &
    Signorino 2010 suggest; a log odds ratio, close to a log hazard ratio when yearly
    recurrence is rare).
``cluster``
    ``conflict`` or ``country`` (the primary location): the level of the robust variance.

The quantity is the coefficient of the presence measure (log hazard ratio, or log odds
ratio for the logit): negative means peace lasts longer with UN peacekeepers present.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MultiverseError

__all__ = ["DIMENSIONS", "prepare_data", "fit_specification", "resample_clusters", "spell_years"]

PRESENCE = ["un_present", "un_present_country", "un_present_incl_uncertain"]
CONFLICT_CONTROLS = ["war", "log_ep_days", "internal", "territory", "cold_war"]
COUNTRY_CONTROLS = ["log_gdppc", "log_pop", "polity2", "creg_ethfrac", "newlmtnest"]
CONTROL_SETS = {"none": [], "conflict": CONFLICT_CONTROLS, "conflict_country": CONFLICT_CONTROLS + COUNTRY_CONTROLS}
MIN_GAP_DAYS = 730

#: every option :func:`fit_specification` understands, first = default
DIMENSIONS: dict[str, list[str]] = {
    "presence": PRESENCE,
    "recurrence": ["conflict", "location", "gap730"],
    "sample": ["all", "civil", "post1989"],
    "controls": list(CONTROL_SETS),
    "estimator": ["cox", "weibull", "logit"],
    "cluster": ["conflict", "country"],
}
CLUSTER_COLUMNS = {"conflict": "conflict_id", "country": "country"}
ID_COLUMNS = ["spell_id", "conflict_id", "country"]
KEEP = [*ID_COLUMNS, "start", "stop", "event", "duration_days", "failed", "civil", "post1989",
        *PRESENCE, *CONFLICT_CONTROLS, *COUNTRY_CONTROLS]


def check_options(dimensions: dict[str, list[Any]]) -> None:
    """Raise :class:`MultiverseError` for a dimension or option this analysis does not know."""
    for name, opts in dimensions.items():
        if name not in DIMENSIONS:
            raise MultiverseError(f"ucdp_peace has no dimension {name!r}; known: {list(DIMENSIONS)}")
        # unknown options are allowed on purpose only for presence (any 0/1 column); others must be known
        bad = [o for o in opts if o not in DIMENSIONS[name]] if name != "presence" else []
        if bad:
            raise MultiverseError(f"ucdp_peace: dimension {name!r} has no option(s) {bad}; known: {DIMENSIONS[name]}")


def _prepare_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The model columns of ``analyses/ucdp_peace.py``'s ``prepare()`` that the multiverse uses."""
    d = rows.copy()
    d["war"] = d["ep_war"].astype(int)
    d["log_ep_days"] = np.log1p(d["ep_episode_days"].astype(float))
    d["internal"] = d["ep_type_of_conflict"].isin([3, 4]).astype(int)
    d["territory"] = d["ep_incompatibility"].isin([1, 3]).astype(int)
    d["cold_war"] = (d["spell_start_date"] < "1990-01-01").astype(int)
    d["country"] = d["gwno_loc_primary"].astype("int64")
    d["civil"] = d["ep_type_of_conflict"].isin([3, 4])
    d["post1989"] = d["spell_start_date"] >= "1990-01-01"
    for c in PRESENCE:
        d[c] = d[c].astype("float64")
    return d[KEEP].sort_values(["spell_id", "start"], kind="mergesort").reset_index(drop=True)


def _spell_level(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per spell, values at the spell's start (``head(1)``, as the report)."""
    first = rows.groupby("spell_id", sort=True).head(1).reset_index(drop=True)
    first["years"] = first["duration_days"] / 365.25
    return first


def spell_years(rows: pd.DataFrame) -> pd.DataFrame:
    """Spell-years: one row per year of peace, the presence measures as at the start of that year.

    Year k (1, 2, ...) covers days (365.25(k-1), 365.25k] since the spell began, the last
    one ending at the spell's end; ``event`` is 1 in the last year of a spell that failed.
    Presence is read at the year's first day (a lag that keeps a deployment that follows a
    relapse within the year out of that year).
    """
    first = _spell_level(rows)
    n_years = np.maximum(np.ceil(first["duration_days"].to_numpy() / 365.25).astype(int), 1)
    idx = np.repeat(np.arange(len(first)), n_years)
    years = first.iloc[idx].drop(columns=["start", "stop", "event", *PRESENCE]).reset_index(drop=True)
    k = years.groupby("spell_id", sort=False).cumcount().to_numpy()
    years["year"] = k + 1
    years["t0"] = k * 365.25
    years["event"] = ((years["failed"] == 1) & (years["year"] == np.repeat(n_years, n_years))).astype(int)
    right = rows[["spell_id", "start", *PRESENCE]].assign(t0=rows["start"].astype(float)).drop(columns="start")
    years = pd.merge_asof(years.sort_values("t0", kind="mergesort"), right.sort_values("t0", kind="mergesort"),
                          on="t0", by="spell_id", direction="backward")
    years = years.sort_values(["spell_id", "year"], kind="mergesort").reset_index(drop=True)
    t = years["year"] / 10.0
    years["t1"], years["t2"], years["t3"] = t, t**2, t**3
    return years


def _bundle(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"rows": rows, "spells": _spell_level(rows), "years": spell_years(rows)}


def prepare_data(recurrence: list[str] | None = None, processed: str | Path | None = None,
                 cache_dir: str | Path | None = None, fingerprint: str | None = None) -> dict[str, dict]:
    """The data every specification reads: for each recurrence rule, rows, spells and spell-years.

    Parameters
    ----------
    recurrence
        Rules to prepare (default all three). ``gap730`` rebuilds spells from the episodes
        (about half a minute); with ``cache_dir`` and ``fingerprint`` its rows are kept as
        parquet and reused while the data fingerprint is unchanged.
    processed
        Folder of the built tables (default ``data/processed``).
    """
    from ..build import read_table

    rules = list(recurrence or DIMENSIONS["recurrence"])
    bad = [r for r in rules if r not in DIMENSIONS["recurrence"]]
    if bad:
        raise MultiverseError(f"unknown recurrence rule(s) {bad}; known: {DIMENSIONS['recurrence']}")
    out: dict[str, dict] = {}
    for rule in rules:
        if rule == "conflict":
            rows = _prepare_rows(read_table("spell_rows", processed))
        elif rule == "location":
            rows = _prepare_rows(read_table("spell_rows_location", processed))
        else:
            cache = Path(cache_dir) / f"rows_{rule}_{fingerprint[:16]}.parquet" if cache_dir and fingerprint else None
            if cache is not None and cache.is_file():
                rows = pd.read_parquet(cache)
            else:
                from ..build import spell_rows_for
                from ..harmonize.spells import add_spell_covariates, create_spells

                spells = create_spells(read_table("episodes", processed), min_gap_days=MIN_GAP_DAYS)
                rows = _prepare_rows(spell_rows_for(
                    add_spell_covariates(spells), read_table("mission_months", processed),
                    read_table("mission_conflicts", processed), read_table("intervention_months", processed)))
                if cache is not None:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    tmp = cache.with_suffix(".tmp")
                    rows.to_parquet(tmp, index=False)
                    tmp.replace(cache)
        out[rule] = _bundle(rows)
    return out


def _options(options: dict[str, Any]) -> dict[str, Any]:
    return {name: options.get(name, opts[0]) for name, opts in DIMENSIONS.items()}


def fit_specification(options: dict[str, Any], data: dict[str, dict]) -> dict[str, Any]:
    """Fit one specification; return the presence coefficient and its inference.

    Returns
    -------
    dict
        ``estimate``, ``std_error``, ``conf_low``, ``conf_high`` (95%), ``p_value``,
        ``n`` (rows used), ``events``, ``clusters``, ``dropped`` (controls left out as
        constant in the sample, comma-separated), ``warning`` (what the model warned, if
        anything). Errors propagate (the runner records them).
    """
    from ..models.cox import coxph
    from ..models.parametric import survreg
    from ..models.regression import logit

    o = _options(options)
    if o["recurrence"] not in data:
        raise MultiverseError(f"recurrence rule {o['recurrence']!r} was not prepared")
    level = {"cox": "rows", "weibull": "spells", "logit": "years"}.get(o["estimator"])
    if level is None:
        raise MultiverseError(f"unknown estimator {o['estimator']!r}")
    d = data[o["recurrence"]][level]
    if o["sample"] == "civil":
        d = d[d["civil"]]
    elif o["sample"] == "post1989":
        d = d[d["post1989"]]
    elif o["sample"] != "all":
        raise MultiverseError(f"unknown sample {o['sample']!r}")
    if o["controls"] not in CONTROL_SETS:
        raise MultiverseError(f"unknown control set {o['controls']!r}")
    presence = o["presence"]
    if presence not in d.columns:
        raise MultiverseError(f"no presence column {presence!r} in the prepared data")
    cluster = CLUSTER_COLUMNS.get(o["cluster"])
    if cluster is None:
        raise MultiverseError(f"unknown cluster level {o['cluster']!r}")
    controls = CONTROL_SETS[o["controls"]]
    complete = d[[presence, *controls]].notna().all(axis=1)
    dropped = [c for c in controls if d.loc[complete, c].nunique() < 2]
    terms = [presence, *(c for c in controls if c not in dropped)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if o["estimator"] == "cox":
            fit = coxph(" + ".join(terms), d, start="start", stop="stop", event="event", id="spell_id",
                        cluster=cluster, ties="efron")
            row = fit.tidy().set_index("term").loc[presence]
        elif o["estimator"] == "weibull":
            fit = survreg(" + ".join(terms), d, stop="years", event="failed", dist="weibull", cluster=cluster)
            row = fit.tidy(metric="ph").set_index("term").loc[presence]
        else:
            fit = logit("event ~ " + " + ".join([*terms, "t1", "t2", "t3"]), d, cluster=cluster)
            row = fit.tidy().set_index("term").loc[presence]
    return {
        "estimate": float(row["estimate"]), "std_error": float(row["std_error"]),
        "conf_low": float(row["conf_low"]), "conf_high": float(row["conf_high"]),
        "p_value": float(row["p_value"]), "n": int(fit.nobs),
        "events": int(fit.n_events) if fit.n_events is not None else int(d.loc[fit_rows(d, terms), "event"].sum()),
        "clusters": int(fit.n_clusters) if fit.n_clusters is not None else None,
        "dropped": ",".join(dropped),
        "warning": "; ".join(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))[:1000] or None,
    }


def fit_rows(d: pd.DataFrame, terms: list[str]) -> pd.Series:
    """Rows a model uses: complete on its terms (listwise deletion, as the models do)."""
    return d[terms].notna().all(axis=1)


def resample_clusters(data: dict[str, dict], seed: int, unit: str = "conflict_id") -> dict[str, dict]:
    """A cluster bootstrap draw: the same units (drawn with replacement) in every prepared frame.

    Units are drawn from the sorted union of ``unit`` values across the prepared data with
    :class:`numpy.random.Generator` seeded by ``seed``, so a draw is the same on any worker.
    A unit drawn m times appears m times; each copy gets new ids (``id * 1000 + copy``)
    for the unit and every finer id (spell, conflict), so copies are distinct spells and
    distinct clusters. Resampling conflicts keeps the country of each copy (copies of a
    conflict stay in one country cluster); resampling countries renames conflicts too.
    """
    if unit not in ID_COLUMNS:
        raise MultiverseError(f"resampling unit must be one of {ID_COLUMNS}, not {unit!r}")
    units = np.unique(np.concatenate([b["spells"][unit].to_numpy() for b in data.values()]))
    rng = np.random.default_rng(seed)
    drawn = pd.Series(rng.choice(units, size=len(units), replace=True))
    draws = pd.DataFrame({unit: drawn, "_copy": drawn.groupby(drawn).cumcount()})
    rename = ID_COLUMNS[: ID_COLUMNS.index(unit) + 1] if unit != "country" else ID_COLUMNS
    out: dict[str, dict] = {}
    for rule, bundle in data.items():
        nb = {}
        for level, frame in bundle.items():
            f = frame.merge(draws, on=unit, how="inner", sort=False)
            for c in rename:
                f[c] = f[c].astype("int64") * 1000 + f["_copy"]
            sort = {"rows": ["spell_id", "start"], "years": ["spell_id", "year"]}.get(level, ["spell_id"])
            nb[level] = f.drop(columns="_copy").sort_values(sort, kind="mergesort").reset_index(drop=True)
        out[rule] = nb
    return out
