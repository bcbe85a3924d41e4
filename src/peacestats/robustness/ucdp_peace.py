"""The flagship multiverse: does peace last longer with UN peacekeepers present (the ucdp_peace report)?

This module also holds the **data preparation shared with** ``analyses/ucdp_peace.py``:
:func:`prepare` (the model columns on counting-process rows), :func:`spell_level` (one
row per spell, values at its start) and :func:`min_gap_spells` (the spells and rows under the
minimum-gap rule: those of rebuilding the spells and splitting them by
:func:`peacestats.build.spell_rows_for`). The report and the multiverse call the same
functions, so a specification here is the report's model.

Dimensions and options understood by :func:`fit_group` (a dimension left out of a
multiverse takes the first option listed):

``presence``
    ``un_present`` (a UN operation sent for that conflict is deployed), ``un_present_country``
    (any UN mission in the country, the old measure), ``un_present_incl_uncertain`` (links
    coded uncertain count as sent), ``any_pk_present`` (any peacekeeping operation sent
    for the conflict, UN or non-UN: the report's "any peacekeeping" check). Any other 0/1
    column of the prepared data may be named too.
``recurrence``
    ``conflict`` (the next episode of the same conflict ends the peace), ``location``
    (any conflict in the same location does), ``gap730`` (conflict-level, a recurrence
    within 730 days of the end is ignored: the two episodes are one period of conflict).
``sample``
    ``all``; ``civil`` (UCDP types 3-4, the usual population of civil-war studies);
    ``post1989`` (spells that began in 1990 or later: the post-Cold War era of
    multidimensional missions); ``no_dec31`` (without spells starting on a 31 December,
    often UCDP's year-level placeholder for an episode's end: date precision).
``controls``
    ``none``; ``conflict`` (war intensity, log episode length, intrastate, territorial
    incompatibility, Cold War start); ``conflict_country`` (those plus log GDP per capita,
    log population, Polity2, ethnic fractionalization, mountainous terrain); ``main``
    (the report's main model: those plus the termination type of the ended episode and
    the peace-agreement mechanisms: signed, third-party mediation, DDR, army integration).
    A control constant in the sample (Cold War among post-1989 spells, intrastate among
    civil-war spells) is left out and named in ``dropped``.
``estimator``
    ``cox`` (Efron ties, on the (start, stop] rows, presence and mechanisms
    time-varying); ``weibull`` (``survreg``, one row per spell, covariates at the spell's
    start; the PH-metric coefficient, a log hazard ratio); ``logit`` (spell-years: one row
    per year of peace, presence and mechanisms at the start of the year, a cubic in years
    at peace as Carter & Signorino 2010 suggest; a log odds ratio, close to a log hazard
    ratio when yearly recurrence is rare).
``cluster``
    ``conflict`` or ``country`` (the primary location): the level of the robust variance.
    Not a refit: both come from one fit (:data:`SHARED`, :mod:`peacestats.robustness.lean`).

The quantity is the coefficient of the presence measure (log hazard ratio, or log odds
ratio for the logit): negative means peace lasts longer with peacekeepers present.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ..errors import MultiverseError
from . import lean, score
from .frames import Frame, draw_clusters, draw_units

__all__ = ["DIMENSIONS", "SHARED", "prepare", "spell_level", "min_gap_spells", "rebuild_min_gap_spells",
           "prepare_data", "fit_group",
           "fit_specification", "fit_many", "resample_clusters", "score_null", "spell_years", "check_options",
           "warm_start"]

MIN_GAP_DAYS = 730
OUTCOME_DUMMIES = {  # UCDP Conflict Termination outcome (reference: low activity)
    "out_agreement": "peace agreement",
    "out_ceasefire": "ceasefire",
    "out_gov_victory": "government victory",
    "out_rebel_victory": "rebel victory",
    "out_actor_ceases": "actor ceases to exist",
}
TYPE_DUMMIES = {  # type of the largest UN mission (reference: no UN mission)
    "mt_observer": "observer",
    "mt_traditional": "traditional",
    "mt_multi_enf": "multidimensional or enforcement",
    "mt_unknown": "type unknown",
}
MECHANISMS = ["pa_signed", "pa_third_party", "pa_ddr", "pa_army_integration"]
CONFLICT_CONTROLS = ["war", "log_ep_days", "internal", "territory", "cold_war"]
COUNTRY_CONTROLS = ["log_gdppc", "log_pop", "polity2", "creg_ethfrac", "newlmtnest"]
PRESENCE = ["un_present", "un_present_country", "un_present_incl_uncertain", "any_pk_present"]
CONTROL_SETS = {"none": [], "conflict": CONFLICT_CONTROLS, "conflict_country": CONFLICT_CONTROLS + COUNTRY_CONTROLS,
                "main": [*MECHANISMS, *OUTCOME_DUMMIES, *CONFLICT_CONTROLS, *COUNTRY_CONTROLS]}
SAMPLES = {"all": None, "civil": "civil", "post1989": "post1989", "no_dec31": "no_dec31"}

#: every option :func:`fit_group` understands, first = default
DIMENSIONS: dict[str, list[str]] = {
    "presence": PRESENCE,
    "recurrence": ["conflict", "location", "gap730"],
    "sample": list(SAMPLES),
    "controls": list(CONTROL_SETS),
    "estimator": ["cox", "weibull", "logit"],
    "cluster": ["conflict", "country"],
}
#: dimensions that need no refit: every option comes from the same fit
SHARED = ("cluster",)
#: what the fits import when first needed: imported before local workers are forked, so each does not again
WORKER_IMPORTS = ("scipy.optimize", "scipy.linalg", "peacestats.models.engines.cox",
                  "peacestats.models.engines.parametric", "peacestats.models.engines.glm", "peacestats.models.cox",
                  "peacestats.models.parametric", "peacestats.models.regression")
CLUSTER_COLUMNS = {"conflict": "conflict_id", "country": "country"}
ID_COLUMNS = ["spell_id", "conflict_id", "country"]
LEVELS = {"cox": "rows", "weibull": "spells", "logit": "years"}
TIME_TERMS = ["t1", "t2", "t3"]
TIME_VARYING = [*PRESENCE, *MECHANISMS]
KEEP = [*ID_COLUMNS, "start", "stop", "event", "duration_days", "failed", "civil", "post1989", "no_dec31",
        *TIME_VARYING, *OUTCOME_DUMMIES, *CONFLICT_CONTROLS, *COUNTRY_CONTROLS]


# ============================================================================ shared preparation
def prepare(rows: pd.DataFrame) -> pd.DataFrame:
    """Model columns on counting-process rows (the names of the ucdp_peace report's ``LABELS``)."""
    d = rows.copy()
    d["war"] = d["ep_war"].astype(int)
    d["log_ep_days"] = np.log1p(d["ep_episode_days"].astype(float))
    d["internal"] = d["ep_type_of_conflict"].isin([3, 4]).astype(int)
    d["territory"] = d["ep_incompatibility"].isin([1, 3]).astype(int)
    d["cold_war"] = (d["spell_start_date"] < "1990-01-01").astype(int)
    outcome = d["ep_outcome_label"].astype(object)
    for col, lab in OUTCOME_DUMMIES.items():  # NA outcome (after 2020) stays NA
        d[col] = np.where(outcome.isna(), np.nan, (outcome == lab).astype(float))
    mt = d["mission_type"].astype(object)
    d["mtype"] = mt.replace({"multidimensional": "multidimensional or enforcement",
                             "enforcement": "multidimensional or enforcement", "unknown": "type unknown"})
    for col, lab in TYPE_DUMMIES.items():
        d[col] = (d["mtype"] == lab).astype(int)
    for c in ("un_troops", "un_police", "un_observers"):
        d[f"{c}_k"] = d[c].astype("float64") / 1000.0
    d["country"] = d["gwno_loc_primary"].astype("int64")  # cluster: presence varies by country too
    d["civil"] = d["ep_type_of_conflict"].isin([3, 4])
    d["dec31_start"] = (d["spell_start_date"].dt.month == 12) & (d["spell_start_date"].dt.day == 31)
    return d


def spell_level(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per spell: time-constant covariates and the values at the spell's start."""
    # head(1), not first(): first() would skip missing values and take a later row's
    first = rows.sort_values(["spell_id", "start"]).groupby("spell_id", sort=True).head(1).reset_index(drop=True)
    first["un_start"] = first["un_present"].astype(int)
    first["years"] = first["duration_days"] / 365.25
    return first


def min_gap_spells(episodes: pd.DataFrame, min_gap_days: int = MIN_GAP_DAYS,
                   processed: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spells under the minimum-gap rule and their counting-process rows (before :func:`prepare`).

    The same frames as rebuilding the spells from the episodes with the build's own steps
    (``create_spells(episodes, min_gap_days=...)``, ``add_spell_covariates``) and splitting
    them with :func:`peacestats.build.spell_rows_for` (:func:`rebuild_min_gap_spells`), found
    without the costly two steps when they can be: the spells are made by ``create_spells``
    (a tenth of a second), and where each of them is, in every column ``create_spells``
    gives, a spell of the built ``spells`` table of ``processed`` (under the conflict rule a
    minimum gap only drops spells), its covariates and rows are the built ones, which both
    steps make spell by spell: the answer is the built ``spells`` and ``spell_rows``
    restricted to these spells. Otherwise (other episodes, tables built otherwise) the
    spells are rebuilt.
    """
    from ..build import read_table
    from ..harmonize.spells import create_spells

    gap = create_spells(episodes, min_gap_days=min_gap_days)
    spells = read_table("spells", processed)
    spells = spells[spells["spell_id"].isin(gap["spell_id"]).to_numpy()].reset_index(drop=True)
    if not _same_spells(gap, spells):
        return rebuild_min_gap_spells(episodes, min_gap_days, processed)
    rows = read_table("spell_rows", processed)
    rows = rows[rows["spell_id"].isin(spells["spell_id"]).to_numpy()].reset_index(drop=True)
    spells.attrs, rows.attrs = {}, {}  # as rebuilt frames: no table lineage
    return spells, rows


def _same_spells(made: pd.DataFrame, built: pd.DataFrame) -> bool:
    """Whether ``built`` holds exactly the spells of ``made`` (``create_spells``' output) in each of its columns."""
    if len(made) != len(built) or not set(made.columns) <= set(built.columns):
        return False
    a = made.sort_values("spell_id", kind="mergesort").reset_index(drop=True)
    b = built.sort_values("spell_id", kind="mergesort").reset_index(drop=True)[list(made.columns)]
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=False)
    except (AssertionError, TypeError, ValueError):
        return False
    return True


def rebuild_min_gap_spells(episodes: pd.DataFrame, min_gap_days: int = MIN_GAP_DAYS,
                           processed: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`min_gap_spells` by rebuilding: ``create_spells``, ``add_spell_covariates``, ``spell_rows_for``."""
    from ..build import read_table, spell_rows_for
    from ..harmonize.spells import add_spell_covariates, create_spells

    spells = create_spells(episodes, min_gap_days=min_gap_days).pipe(add_spell_covariates)
    rows = spell_rows_for(spells, read_table("mission_months", processed), read_table("mission_conflicts", processed),
                          read_table("intervention_months", processed))
    return spells, rows


# ============================================================================ the multiverse's data
def check_options(dimensions: dict[str, list[Any]]) -> None:
    """Raise :class:`MultiverseError` for a dimension or option this analysis does not know."""
    for name, opts in dimensions.items():
        if name not in DIMENSIONS:
            raise MultiverseError(f"ucdp_peace has no dimension {name!r}; known: {list(DIMENSIONS)}")
        # unknown options are allowed on purpose only for presence (any 0/1 column); others must be known
        bad = [o for o in opts if o not in DIMENSIONS[name]] if name != "presence" else []
        if bad:
            raise MultiverseError(f"ucdp_peace: dimension {name!r} has no option(s) {bad}; known: {DIMENSIONS[name]}")


def _model_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`prepare`'s columns that the multiverse uses, sorted by spell and start."""
    d = prepare(rows)
    d["post1989"] = d["spell_start_date"] >= "1990-01-01"
    d["no_dec31"] = ~d["dec31_start"]
    d["any_pk_present"] = ((d["un_present"] == 1) | (d["non_un_present"] == 1)).astype(int)
    for c in TIME_VARYING:
        d[c] = d[c].astype("float64")
    return d[KEEP].sort_values(["spell_id", "start"], kind="mergesort").reset_index(drop=True)


def spell_years(rows: pd.DataFrame) -> pd.DataFrame:
    """Spell-years: one row per year of peace, presence and mechanisms as at the start of that year.

    Year k (1, 2, ...) covers days (365.25(k-1), 365.25k] since the spell began, the last
    one ending at the spell's end; ``event`` is 1 in the last year of a spell that failed.
    Time-varying columns are read at the year's first day (a lag that keeps a deployment
    that follows a relapse within the year out of that year).
    """
    first = spell_level(rows)
    n_years = np.maximum(np.ceil(first["duration_days"].to_numpy() / 365.25).astype(int), 1)
    idx = np.repeat(np.arange(len(first)), n_years)
    years = first.iloc[idx].drop(columns=["start", "stop", "event", *TIME_VARYING]).reset_index(drop=True)
    k = years.groupby("spell_id", sort=False).cumcount().to_numpy()
    years["year"] = k + 1
    years["t0"] = k * 365.25
    years["event"] = ((years["failed"] == 1) & (years["year"] == np.repeat(n_years, n_years))).astype(int)
    right = rows[["spell_id", "start", *TIME_VARYING]].assign(t0=rows["start"].astype(float)).drop(columns="start")
    years = pd.merge_asof(years.sort_values("t0", kind="mergesort"), right.sort_values("t0", kind="mergesort"),
                          on="t0", by="spell_id", direction="backward")
    years = years.sort_values(["spell_id", "year"], kind="mergesort").reset_index(drop=True)
    t = years["year"] / 10.0
    years["t1"], years["t2"], years["t3"] = t, t**2, t**3
    return years


def _bundle(rows: pd.DataFrame) -> dict[str, Frame]:
    return {"rows": Frame.from_pandas(rows), "spells": Frame.from_pandas(spell_level(rows)),
            "years": Frame.from_pandas(spell_years(rows))}


def _gap_rows(processed, cache_dir, fingerprint) -> pd.DataFrame:
    from ..build import read_table

    cache = Path(cache_dir) / f"rows_gap730_{fingerprint[:16]}.parquet" if cache_dir and fingerprint else None
    if cache is not None and cache.is_file():
        return pd.read_parquet(cache)
    rows = _model_rows(min_gap_spells(read_table("episodes", processed), MIN_GAP_DAYS, processed)[1])
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        rows.to_parquet(tmp, index=False)
        tmp.replace(cache)
    return rows


def prepare_data(recurrence: list[str] | None = None, processed: str | Path | None = None,
                 cache_dir: str | Path | None = None, fingerprint: str | None = None) -> dict[str, dict[str, Frame]]:
    """The model frames every specification reads: per recurrence rule, rows, spells and spell-years.

    Parameters
    ----------
    recurrence
        Rules to prepare (default all three). ``gap730`` takes its spells from the episodes
        (:func:`min_gap_spells`); with ``cache_dir`` and ``fingerprint`` its rows are kept as
        parquet and reused while the data fingerprint is unchanged.
    processed
        Folder of the built tables (default ``data/processed``).

    Returns
    -------
    dict
        rule -> ``{"rows", "spells", "years"}`` -> :class:`~peacestats.robustness.frames.Frame`
        (``.to_pandas()`` to look at one).
    """
    from ..build import read_table

    rules = list(recurrence or DIMENSIONS["recurrence"])
    bad = [r for r in rules if r not in DIMENSIONS["recurrence"]]
    if bad:
        raise MultiverseError(f"unknown recurrence rule(s) {bad}; known: {DIMENSIONS['recurrence']}")
    out: dict[str, dict[str, Frame]] = {}
    for rule in rules:
        if rule == "conflict":
            rows = _model_rows(read_table("spell_rows", processed))
        elif rule == "location":
            rows = _model_rows(read_table("spell_rows_location", processed))
        else:
            rows = _gap_rows(processed, cache_dir, fingerprint)
        out[rule] = _bundle(rows)
    return out


# ============================================================================ fitting
def _options(options: dict[str, Any]) -> dict[str, Any]:
    return {name: options.get(name, opts[0]) for name, opts in DIMENSIONS.items()}


def _constant(v: np.ndarray) -> bool:
    """Fewer than two distinct values (the values are complete: no NaN)."""
    return len(v) == 0 or bool(v.min() == v.max())


def _sample_and_terms(o: dict[str, Any], frame: Frame) -> tuple[np.ndarray, list[str], list[str]]:
    """Rows used, model terms (presence first) and the controls dropped as constant.

    Memoised per frame; on a bootstrap draw (a :meth:`Frame.take` of prepared data) the
    rows are those of the original frame's answer, taken at the drawn rows, with the
    constant controls checked again on the draw.
    """
    key = ("sample", o["sample"], o["presence"], o["controls"])
    if key not in frame.cache:
        origin = frame.origin
        if origin is not None and not (set(origin[0].columns) ^ set(frame.columns)):
            mask, terms, dropped, complete = _sample_and_terms_drawn(o, frame, *origin)
        else:
            mask, terms, dropped, complete = _sample_and_terms_direct(o, frame)
        frame.cache[key] = (mask, terms, dropped, complete)
    mask, terms, dropped, _ = frame.cache[key]
    return mask, list(terms), list(dropped)


def _sample_and_terms_drawn(o: dict[str, Any], frame: Frame, base: Frame, idx: np.ndarray):
    """:func:`_sample_and_terms` on ``frame = base.take(idx)`` from the answer on ``base``."""
    _sample_and_terms(o, base)
    mask_b, terms_b, dropped_b, complete_b = base.cache[("sample", o["sample"], o["presence"], o["controls"])]
    complete = complete_b[idx]
    controls = CONTROL_SETS[o["controls"]]
    dropped = [c for c, k in zip(controls, _constant_drawn(o, frame, base, idx, complete_b)) if k] if controls else []
    if dropped != dropped_b:  # another control constant in the draw: other terms, other rows
        return _sample_and_terms_direct(o, frame)
    return mask_b[idx], terms_b, dropped, complete


def _constant_drawn(o: dict[str, Any], frame: Frame, base: Frame, idx: np.ndarray,
                    complete_b: np.ndarray) -> np.ndarray:
    """Which controls are constant on the complete rows of ``frame = base.take(idx)``, from per-spell ranges.

    A draw takes whole spells, so the values of a control on its complete rows are those
    of the drawn spells' complete rows in ``base``: the smallest is the smallest of those
    spells' minima, the largest the largest of their maxima. The minima and maxima per spell
    are found once per specification on ``base``, the spells present once per draw: the
    same answer as the minimum and maximum over the drawn rows, without gathering them.
    """
    controls = CONTROL_SETS[o["controls"]]
    key = ("ranges", o["sample"], o["presence"], o["controls"])
    if key not in base.cache:
        spell, S = base.codes("spell_id", np.ones(len(base), dtype=bool))
        sub, V = spell[complete_b], base.matrix(controls, complete_b)
        if np.any(sub[1:] < sub[:-1]):  # the prepared frames are sorted by spell; anything else is sorted here
            order = np.argsort(sub, kind="stable")
            sub, V = sub[order], V[order]
        lo, hi = np.full((S, len(controls)), np.inf), np.full((S, len(controls)), -np.inf)
        has = np.zeros(S, dtype=bool)
        if len(sub):
            first = np.flatnonzero(np.r_[True, sub[1:] != sub[:-1]])  # each spell's rows, one segment
            lo[sub[first]] = np.minimum.reduceat(V, first, axis=0)
            hi[sub[first]] = np.maximum.reduceat(V, first, axis=0)
            has[sub[first]] = True
        base.cache[key] = (spell, lo, hi, has)
    spell, lo, hi, has = base.cache[key]
    present = frame.cache.get("spells_drawn")
    if present is None:
        present = frame.cache["spells_drawn"] = np.bincount(spell[idx], minlength=len(has)) > 0
    sel = present & has
    if not sel.any():  # no complete rows: every control is constant
        return np.ones(len(controls), dtype=bool)
    return lo[sel].min(axis=0) == hi[sel].max(axis=0)


def _sample_and_terms_direct(o: dict[str, Any], frame: Frame):
    if o["sample"] not in SAMPLES:
        raise MultiverseError(f"unknown sample {o['sample']!r}")
    if o["controls"] not in CONTROL_SETS:
        raise MultiverseError(f"unknown control set {o['controls']!r}")
    presence = o["presence"]
    if presence not in frame:
        raise MultiverseError(f"no presence column {presence!r} in the prepared data")
    sample_col = SAMPLES[o["sample"]]
    base = np.ones(len(frame), dtype=bool) if sample_col is None else frame[sample_col].astype(bool)
    controls = CONTROL_SETS[o["controls"]]
    complete = base.copy()
    for c in [presence, *controls]:
        complete &= ~np.isnan(frame[c])
    dropped = [c for c in controls if _constant(frame[c][complete])]
    terms = [presence, *(c for c in controls if c not in dropped)]
    mask = base.copy()
    for c in terms:
        mask &= ~np.isnan(frame[c])
    return mask, terms, dropped, complete


def fit_group(options: dict[str, Any], clusters: list[str], data: dict[str, dict[str, Frame]],
              fallback: bool = True, start_from: dict[str, dict[str, Frame]] | None = None) -> dict[str, dict]:
    """Fit one model and report its presence coefficient under every clustering in ``clusters``.

    ``options`` are the specification's options (``cluster`` ignored); the point estimate
    is fitted once, and each clustering's robust variance comes from the same fit's
    scores (:mod:`peacestats.robustness.lean`). When the lean path declines (separation,
    no convergence, fitted probabilities at 0 or 1), ``fallback=True`` hands the model to
    the documented estimator, whose error or warning is then recorded; ``fallback=False``
    (the bootstrap draws, where only estimates are needed and the documented estimators'
    separation checks would dominate the time) raises :class:`~peacestats.robustness.lean.Fallback`.
    ``start_from``: the data a bootstrap draw ``data`` was taken from; the fit then starts
    from this model's estimate on those data (a warm start, :func:`warm_start`) and is
    iterated to the same convergence criteria as from the default start.

    Returns
    -------
    dict
        cluster option -> ``estimate``, ``std_error``, ``conf_low``, ``conf_high`` (95%),
        ``p_value``, ``n`` (rows used), ``events``, ``clusters``, ``dropped`` (controls
        left out as constant in the sample, comma-separated), ``warning`` (what the model
        warned, if anything). Errors propagate (the runner records them).
    """
    o = _options(options)
    frame = _model_frame(o, clusters, data)
    mask, terms, dropped = _sample_and_terms(o, frame)
    cols = {c: CLUSTER_COLUMNS[c] for c in clusters}
    extra = _extra(o)
    init = warm_start(o, start_from) if start_from is not None else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                r = _lean(o["estimator"], frame, mask, terms, cols, extra, init)
            except (lean.Fallback, np.linalg.LinAlgError) as exc:
                if init is None or getattr(exc, "final", False):  # no start can help (lean.Fallback.final)
                    raise
                # Newton from the warm start can fail where it succeeds from the default start (a
                # full-sample coefficient far out, probabilities that round to 0 or 1 on the draw):
                # then the fit is the one from the default start, as without a warm start
                r = _lean(o["estimator"], frame, mask, terms, cols, extra, None)
            frame.cache[_start_key(o)] = r["coef"]
        except lean.Fallback:
            if not fallback:
                raise
            r = lean.full(o["estimator"], frame, mask, terms, cols, extra)
    warn = "; ".join(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))[:1000] or None
    out = {}
    for c in clusters:
        est, se = r["estimate"], r["std_error"][c]
        out[c] = {"estimate": est, "std_error": se, "conf_low": est - _Q975 * se, "conf_high": est + _Q975 * se,
                  "p_value": float(2 * special.ndtr(-abs(est / se))), "n": r["n"], "events": r["events"],
                  "clusters": r["clusters"][c], "dropped": ",".join(dropped), "warning": warn}
    return out


def _model_frame(o: dict[str, Any], clusters: list[str], data: dict[str, dict[str, Frame]]) -> Frame:
    """The prepared frame a specification's model is fitted on, its options and clusterings checked."""
    if o["recurrence"] not in data:
        raise MultiverseError(f"recurrence rule {o['recurrence']!r} was not prepared")
    level = LEVELS.get(o["estimator"])
    if level is None:
        raise MultiverseError(f"unknown estimator {o['estimator']!r}")
    bad = [c for c in clusters if c not in CLUSTER_COLUMNS]
    if bad:
        raise MultiverseError(f"unknown cluster level(s) {bad}; known: {list(CLUSTER_COLUMNS)}")
    return data[o["recurrence"]][level]


_Q975 = float(special.ndtri(0.975))  # scipy.stats.norm.ppf(0.975), which computes the same ndtri


def _lean(estimator: str, frame: Frame, mask: np.ndarray, terms: list[str], cols: dict[str, str],
          extra: list[str], init: dict[str, float] | None) -> dict[str, Any]:
    if estimator == "cox":
        return lean.cox(frame, mask, terms, cols, init)
    if estimator == "weibull":
        return lean.weibull(frame, mask, terms, cols, init)
    return lean.logit(frame, mask, terms, cols, extra, init)


def _extra(o: dict[str, Any]) -> list[str]:
    """Terms the estimator adds to every model: the logit's cubic in time at peace."""
    return TIME_TERMS if o["estimator"] == "logit" else []


def _full_sample_fit(o: dict[str, Any], frame: Frame) -> dict[str, Any]:
    """The lean fit of the model ``o`` on ``frame`` from the default start, without clustered variances or warnings.

    What a warm start (:func:`warm_start`) and the score draws (:func:`score_null`) start from;
    a :class:`~peacestats.robustness.lean.Fallback` where the lean path declines.
    """
    mask, terms, _ = _sample_and_terms(o, frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _lean(o["estimator"], frame, mask, terms, {}, _extra(o), None)


def _start_key(o: dict[str, Any]) -> tuple:
    return ("start", o["estimator"], o["sample"], o["presence"], o["controls"])


def warm_start(options: dict[str, Any], data: dict[str, dict[str, Frame]]) -> dict[str, float] | None:
    """The lean fit's coefficients (by name) of the model ``options`` on ``data``, from the default start.

    Memoised in the frame's cache (a fit on ``data`` by :func:`fit_group` leaves them
    there too), so each process fits a model on the full data at most once whatever the
    number of draws; always the same numbers, so draws do not depend on which worker
    fits them. ``None`` where the lean fit declines or fails (the draws then start from
    the default start).
    """
    o = _options(options)
    frame = data[o["recurrence"]][LEVELS[o["estimator"]]]
    key = _start_key(o)
    if key not in frame.cache:
        _sample_and_terms(o, frame)  # unknown options raise (memoised: the fit reads it back)
        try:
            coef = _full_sample_fit(o, frame)["coef"]
        except Exception:  # noqa: BLE001 - no start from a model that cannot be fitted: the default start
            coef = None
        frame.cache[key] = coef
    return frame.cache[key]


def warm_starts(options_list: list[dict[str, Any]],
                data: dict[str, dict[str, Frame]]) -> list[tuple[dict[str, Any], dict[str, float] | None]]:
    """``(options, warm_start(options, data))`` for each model, to hand to another process.

    :func:`adopt_warm_starts` takes them there. Options that cannot be fitted (their error
    is recorded by the fit) give no entry.
    """
    out: list[tuple[dict[str, Any], dict[str, float] | None]] = []
    for options in options_list:
        if _fittable(options, data):
            try:
                out.append((options, warm_start(options, data)))
            except MultiverseError:  # unknown options: the fit records the error, and there is no start
                continue
    return out


def has_warm_start(options: dict[str, Any], data: dict[str, dict[str, Frame]]) -> bool:
    """Whether the warm start of ``options`` on ``data`` is known here (or none can exist); nothing is fitted."""
    if not _fittable(options, data):
        return True
    o = _options(options)
    return _start_key(o) in data[o["recurrence"]][LEVELS[o["estimator"]]].cache


def _fittable(options: dict[str, Any], data: dict[str, dict[str, Frame]]) -> bool:
    o = _options(options)
    return o["recurrence"] in data and o["estimator"] in LEVELS


def adopt_warm_starts(data: dict[str, dict[str, Frame]],
                      starts: list[tuple[dict[str, Any], dict[str, float] | None]]) -> None:
    """Keep warm starts computed in another process on the same ``data`` (from :func:`warm_starts`)."""
    for options, coef in starts:
        o = _options(options)
        data[o["recurrence"]][LEVELS[o["estimator"]]].cache.setdefault(_start_key(o), coef)


def fit_specification(options: dict[str, Any], data: dict[str, dict[str, Frame]]) -> dict[str, Any]:
    """Fit one specification (its ``cluster`` option included): :func:`fit_group` for one clustering."""
    cluster = _options(options)["cluster"]
    return fit_group(options, [cluster], data)[cluster]


def fit_many(options_list: list[dict[str, Any]], data: dict[str, dict[str, Frame]],
             fallback: bool = True, start_from: dict[str, dict[str, Frame]] | None = None) -> list[dict[str, Any]]:
    """Specifications that differ only in ``cluster``: one :func:`fit_group`, one result each, in order."""
    opts = [_options(o) for o in options_list]
    base = {k: v for k, v in opts[0].items() if k not in SHARED}
    if any({k: v for k, v in o.items() if k not in SHARED} != base for o in opts):
        raise MultiverseError("fit_many: the specifications differ in more than the shared dimensions "
                              f"{list(SHARED)}")
    res = fit_group(opts[0], list(dict.fromkeys(o["cluster"] for o in opts)), data, fallback, start_from)
    return [dict(res[o["cluster"]]) for o in opts]


def resample_clusters(data: dict[str, dict[str, Frame]], seed: int, unit: str = "conflict_id",
                      weighted: bool = True) -> dict[str, dict]:
    """A cluster bootstrap draw: the same units (drawn with replacement) in every prepared frame.

    Units are drawn from the sorted union of ``unit`` values across the prepared spells
    with :class:`numpy.random.Generator` seeded by ``seed``, so a draw is the same on any
    worker. A unit drawn m times appears m times (rows replicated, not weighted: see
    :mod:`peacestats.robustness.frames`); each copy gets new ids (``id * 1000 + copy``)
    for the unit and every finer id (spell, conflict), so copies are distinct spells and
    distinct clusters. Resampling conflicts keeps the country of each copy (copies of a
    conflict stay in one country cluster); resampling countries renames conflicts too.
    ``weighted=True``: the logit's spell-years are drawn weighted instead (each drawn
    unit's rows once with their number of copies, which :func:`~peacestats.robustness.lean.logit`
    reads: the same estimates and clustered variances as the replicated rows, from about
    two thirds of the rows); ``False``: every level replicated.
    """
    return draw_clusters(data, seed, unit, _renamed(unit), weighted=(LEVELS["logit"],) if weighted else ())


def _renamed(unit: str) -> list[str]:
    """The id columns a draw of ``unit`` renames per copy (the unit and every finer id)."""
    if unit not in ID_COLUMNS:
        raise MultiverseError(f"resampling unit must be one of {ID_COLUMNS}, not {unit!r}")
    return ID_COLUMNS[: ID_COLUMNS.index(unit) + 1] if unit != "country" else ID_COLUMNS


def score_null(groups: list[list[tuple[str, int, dict[str, Any]]]], data: dict[str, dict[str, Frame]],
               seeds: list[int], unit: str = "conflict_id") -> pd.DataFrame:
    """The null draws of every specification without refitting (:mod:`peacestats.robustness.score`).

    ``groups``: specifications ``(hash, index, options)`` that share a fit (they differ in
    ``cluster`` only); ``seeds``: one per draw, the draws of :func:`resample_clusters` with those
    seeds. Each group is fitted once on ``data`` by the lean path; a group the lean path
    declines there (the main run fitted it with the documented estimator) gets
    ``error_type`` ``"NoInfluence"`` in every draw. Returns the columns of
    :func:`~peacestats.robustness.run_null` (``spec``, ``resample``, ``estimate``,
    ``std_error``, ``error_type``).
    """
    rename = _renamed(unit)
    drawn = [draw_units(data, seed, unit) for seed in seeds]
    units = drawn[0][0] if drawn else np.zeros(0)
    W = score.draw_counts(units, [d for _, d in drawn])
    B = len(seeds)
    out: dict[str, list] = {"spec": [], "resample": [], "estimate": [], "std_error": [], "error_type": []}
    for group in groups:
        clusters = list(dict.fromkeys(_options(opts)["cluster"] for _, _, opts in group))
        error: str | None = None
        try:
            est, se = _score_group(group[0][2], clusters, data, units, unit, rename, W)
        except (lean.Fallback, np.linalg.LinAlgError):  # the main run fitted it with the documented estimator
            error = "NoInfluence"
        except Exception as exc:  # noqa: BLE001 - recorded, as the runner records a failed fit
            error = type(exc).__name__
        if error is not None:
            est, se = np.full(B, np.nan), {c: np.full(B, np.nan) for c in clusters}
        for h, _index, opts in group:
            c = _options(opts)["cluster"]
            out["spec"] += [h] * B
            out["resample"] += list(range(B))
            out["estimate"] += est.tolist()
            out["std_error"] += se[c].tolist()
            out["error_type"] += [error] * B
    return pd.DataFrame(out)


def _score_group(options: dict[str, Any], clusters: list[str], data: dict[str, dict[str, Frame]], units: np.ndarray,
                 unit: str, rename: list[str], W: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One group's score draws (:func:`score_null`): the lean fit on ``data``, then its influence on each draw."""
    o = _options(options)
    frame = _model_frame(o, clusters, data)
    r = _full_sample_fit(o, frame)
    infl = r["influence"]
    if infl is None:
        raise lean.Fallback("no influence")
    levels = {c: (np.unique(frame[CLUSTER_COLUMNS[c]][infl.rows], return_inverse=True)[1].reshape(-1),
                  CLUSTER_COLUMNS[c] in rename) for c in clusters}
    return score.score_draws(infl, r["estimate"], np.searchsorted(units, frame[unit][infl.rows]), levels, W)
