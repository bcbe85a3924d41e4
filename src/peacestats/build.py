"""``peacestats build``: the harmonized tables in ``data/processed``.

Each table is declared once in :data:`TABLES` (name, builder, primary key,
description, the registry sources it reads). :func:`build` runs the builders,
validates primary keys, writes ``data/processed/<name>.parquet`` atomically and
deterministically, and writes ``datapackage.json`` (Frictionless Data Package)
describing every table: fields, types, primary key, and the sources with
their versions and sha256.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__, _background, config, io, registry
from ._background import Background
from .errors import HarmonizeError
from .harmonize.codes import CodeTables, using
from .harmonize.missions import shared_tables
from .project_data import describe as describe_project_data
from .project_data import is_project_data


@dataclass(frozen=True)
class Table:
    name: str
    builder: Callable[[_Context], pd.DataFrame]
    primary_key: tuple[str, ...]
    description: str
    sources: tuple[str, ...]
    sort_by: tuple[str, ...] = ()
    needs: tuple[str, ...] = field(default_factory=tuple)  # tables built earlier that this one reads
    #: may be built in a forked process while the tables before it are built (it reads only ``needs``)
    background: bool = False


# ----------------------------------------------------------------------------- builders
class _Context(dict):
    """What a build has made so far: the tables by name, and the sources it loaded.

    :meth:`source` is where the builders load a registered source: through
    :func:`peacestats.sources.load` (and so the parsed-source cache), once per build, each
    builder getting its own copy. It records which table asked for which source
    (:attr:`lineage`); :func:`build` checks that against the sources each table declares.
    :meth:`code_tables` is the country-code crosswalk of the build's own state lists, made
    once per build; :func:`build` makes it current (:func:`peacestats.harmonize.codes.using`)
    while each builder runs, so a table that converts a code is recorded as reading
    ``gw_states`` and ``cow_states``. :attr:`authored` holds the project's mission tables
    read and checked once per build (:func:`peacestats.harmonize.missions.shared_tables`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.frames: dict[str, pd.DataFrame] = {}
        self.shared: dict[str, pd.DataFrame] = {}
        self.lineage: dict[str, set[str]] = {}
        self.derived_reads: dict[str, set[str]] = {}
        self.table: str | None = None
        self._codes: CodeTables | None = None
        self.authored: dict = {}

    def _frame(self, key: str) -> pd.DataFrame:
        from .sources import load

        if key not in self.frames:
            self.frames[key] = load(key)
        return self.frames[key]

    def source(self, key: str) -> pd.DataFrame:
        """A copy of the registered source ``key``, loaded once per build."""
        self.lineage.setdefault(self.table or "", set()).add(key)
        return self._frame(key).copy()

    def code_tables(self) -> CodeTables:
        """The :class:`~peacestats.harmonize.codes.CodeTables` of this build's ``gw_states`` and ``cow_states``."""
        self.lineage.setdefault(self.table or "", set()).update(("gw_states", "cow_states"))
        if self._codes is None:
            self._codes = CodeTables(self._frame("gw_states").copy(), self._frame("cow_states").copy())
        return self._codes

    def derived(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A copy of an intermediate frame that several tables use (not written), made once per build.

        The sources ``make`` reads are recorded for every table that uses the frame, not only
        for the one that happened to make it.
        """
        if name not in self.shared:
            table, self.table = self.table, f"<{name}>"
            try:
                self.shared[name] = make()
            finally:
                self.table = table
            self.derived_reads[name] = self.lineage.pop(f"<{name}>", set())
        self.lineage.setdefault(self.table or "", set()).update(self.derived_reads[name])
        return self.shared[name].copy()


def _episodes(ctx: _Context) -> pd.DataFrame:
    from .harmonize.episodes import add_termination, create_episodes

    return create_episodes(ctx.source("ucdp_acd")).pipe(add_termination, ctx.source("ucdp_term_conflict"))


def _stateyears(ctx: _Context) -> pd.DataFrame:
    from .harmonize.panels import add_pko, add_ucdp_acd, create_stateyears

    return (create_stateyears(start=1946, end=2024, states=ctx.source("gw_states"))
            .pipe(add_ucdp_acd, acd=ctx.source("ucdp_acd"))
            .pipe(add_pko, host_months=ctx.get("deployment"))  # the deployment table, when built just before
            .pipe(_country_covariates, ctx))


def _country_covariates(df: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """GDP, Polity, CREG and ruggedness added to a state-year panel, from build's sources."""
    from .harmonize.panels import add_creg, add_gdp, add_polity, add_rugged

    return (df.pipe(add_gdp, gdp=ctx.source("gleditsch_gdp")).pipe(add_polity, polity=ctx.source("polity5"))
            .pipe(add_creg, creg=ctx.source("creg")).pipe(add_rugged, rugged=ctx.source("rugged")))


def _missions(ctx: _Context) -> pd.DataFrame:
    from .harmonize.mission_universe import create_missions

    return create_missions(tppm=ctx.source("mullenbach_tppm"), kathman=ctx.source("kathman_pko"))


def _non_un(ctx: _Context) -> pd.DataFrame:
    """The non-UN mission-months of the missions table, made once for the panel and both tables."""
    from .harmonize.deployment import non_un_mission_months

    return ctx.derived("non_un_mission_months", lambda: non_un_mission_months(ctx.get("missions")))


def _deployment_panel(ctx: _Context) -> pd.DataFrame:
    """The host-mission-month panel behind ``mission_months`` and ``deployment``, made once."""
    from .harmonize.deployment import create_deployment_panel

    return ctx.derived("deployment_panel", lambda: create_deployment_panel(
        missions=ctx.get("missions"), kathman=ctx.source("kathman_pko"), non_un=_non_un(ctx)))


def _deployment(ctx: _Context) -> pd.DataFrame:
    from .harmonize.deployment import aggregate_deployment_panel

    return aggregate_deployment_panel(_deployment_panel(ctx), missions=ctx.get("missions"), non_un=_non_un(ctx))


def _spells_for(ctx: _Context, recurrence: str) -> pd.DataFrame:
    from .harmonize.panels import create_stateyears
    from .harmonize.spells import add_spell_covariates, create_spells

    # covariates of the year before the spell began (from 1945: a spell may begin in 1946), the
    # panel add_spell_covariates would build itself, made once for both spell tables
    years = ctx.derived("spell_covariate_years", lambda: create_stateyears(
        start=1945, end=2024, states=ctx.source("gw_states")).pipe(_country_covariates, ctx))
    return create_spells(ctx["episodes"], recurrence=recurrence).pipe(add_spell_covariates, years)


def _spells(ctx: _Context) -> pd.DataFrame:
    return _spells_for(ctx, "conflict")


def _spells_location(ctx: _Context) -> pd.DataFrame:
    return _spells_for(ctx, "location")


def _mission_months(ctx: _Context) -> pd.DataFrame:
    from .harmonize.deployment import create_mission_months

    return create_mission_months(_deployment_panel(ctx), missions=ctx.get("missions"), non_un=_non_un(ctx))


def _mission_conflicts(ctx: _Context) -> pd.DataFrame:
    from .harmonize.linkage import linked_missions_table

    return linked_missions_table(ctx["missions"], ctx.source("ucdp_acd"))


def _intervention_months(ctx: _Context) -> pd.DataFrame:
    from .harmonize.mechanisms import intervention_months

    return intervention_months(ctx.source("imi"))


def _leader_exits(ctx: _Context) -> pd.DataFrame:
    from .harmonize.mechanisms import leader_exits

    return leader_exits(ctx.source("archigos"))


def _cwm_conflicts(ctx: _Context) -> pd.DataFrame:
    from .harmonize.cwm_links import linked_cwm_table

    return linked_cwm_table(ctx.source("cwm"), ctx.source("ucdp_acd"))


def _rows_for(ctx: _Context, spells: pd.DataFrame) -> pd.DataFrame:
    from .harmonize.mechanisms import mechanism_rows_for
    from .harmonize.spell_rows import create_spell_rows

    rows = create_spell_rows(spells, ctx.source("ucdp_peace_agreements"), ctx["mission_months"],
                             ctx["mission_conflicts"])
    return mechanism_rows_for(spells, rows, pax=ctx.source("pax"), acd=ctx.source("ucdp_acd"),
                              cwm=ctx.source("cwm"), months=ctx["intervention_months"])


def spell_rows_for(spells: pd.DataFrame, mission_months: pd.DataFrame | None = None,
                   mission_conflicts: pd.DataFrame | None = None,
                   intervention_months: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counting-process rows for any set of peace spells, split exactly as the ``spell_rows`` table.

    For sensitivity analyses that build spells under another rule, e.g.::

        from peacestats.harmonize.spells import add_spell_covariates, create_spells
        spells = create_spells(read_table("episodes"), min_gap_days=730).pipe(add_spell_covariates)
        rows = spell_rows_for(spells)

    Peace agreements (UCDP PA), the presence of the operations linked to each spell's
    conflict (:func:`peacestats.harmonize.linkage.presence_changes`) and the other mechanisms
    (PA-X provisions, CWM mediation, IMI interventions:
    :func:`peacestats.harmonize.mechanisms.mechanism_rows_for`) are joined and the spells
    split where they change, by the same code :func:`build` runs for ``spell_rows``
    (:func:`peacestats.harmonize.spell_rows.create_spell_rows`, the pure function; this wrapper
    loads the agreements and reads the built tables); the result passes
    :func:`peacestats.harmonize.spells.check_counting_process`.

    Parameters
    ----------
    spells
        From :func:`peacestats.harmonize.spells.create_spells` (with any ``add_*`` columns).
    mission_months, mission_conflicts, intervention_months
        The built tables of those names (``read_table(...)`` when omitted). Pass an edited
        link table to see how a different linkage changes the rows.

    Returns
    -------
    pandas.DataFrame
        One row per (spell, interval): the columns of ``spell_rows``.
    """
    if mission_months is None:
        mission_months = read_table("mission_months")
    if mission_conflicts is None:
        mission_conflicts = read_table("mission_conflicts")
    if intervention_months is None:
        intervention_months = read_table("intervention_months")
    ctx = _Context()
    ctx.update({"mission_months": mission_months, "mission_conflicts": mission_conflicts,
                "intervention_months": intervention_months})
    return _rows_for(ctx, spells)


def _spell_rows(ctx: _Context) -> pd.DataFrame:
    return _rows_for(ctx, ctx["spells"])


def _spell_rows_location(ctx: _Context) -> pd.DataFrame:
    return _rows_for(ctx, ctx["spells_location"])


TABLES: list[Table] = [
    Table("episodes", _episodes, ("episode_id",),
          "UCDP conflict episodes with termination outcomes (one row per episode).",
          ("ucdp_acd", "ucdp_term_conflict"), ("conflict_id", "episode")),
    Table("missions", _missions, ("mission_id",),
          "Every peace operation, UN and non-UN, 1946-2024: the project's mission tables, Kathman's UN "
          "missions the DPO list omits and Mullenbach's TPPM 3.1 (one row per operation; a source on every row).",
          ("un_dpo_missions", "kathman_pko", "gw_states", "cow_states", "mullenbach_tppm", "peacestats_missions"),
          ("mission_id",)),
    Table("mission_months", _mission_months, ("mission", "gwcode", "date"),
          "Every peace operation (UN and non-UN) by host country and month, with its kind (peacekeeping, "
          "political, support), type and UN personnel (Kathman 1990-2019).",
          ("kathman_pko", "un_dpo_missions", "gw_states", "cow_states", "mullenbach_tppm", "peacestats_missions"),
          ("mission", "gwcode", "date")),
    Table("mission_conflicts", _mission_conflicts, ("mission_id", "link_id"),
          "Which UCDP conflict each peace operation was sent for (the project's authored links; a source "
          "on every row; operations sent for no UCDP conflict listed with link 'none').",
          ("ucdp_acd", "un_dpo_missions", "kathman_pko", "gw_states", "mullenbach_tppm", "peacestats_missions",
           "peacestats_mission_links"), ("mission_id", "link_id"),
          ("missions",)),
    Table("intervention_months", _intervention_months, ("imi_row", "date"),
          "International military interventions (IMI 1946-2005) by target (GW code) and month, with intervener, "
          "motives and a peacekeeping-type flag; interventions without an end in their start month only.",
          ("imi", "cow_states", "gw_states"), ("imi_row", "date")),
    Table("leader_exits", _leader_exits, ("obsid",),
          "Leaders' exits from office (Archigos 4.1, to 2015), with how they left and removals by the military.",
          ("archigos",), ("obsid",)),
    Table("cwm_conflicts", _cwm_conflicts, ("cwm_row", "link_id"),
          "Which UCDP conflict each Civil Wars Mediation row belongs to (the project's authored links: exact, "
          "uncertain, none with why; every CWM row listed).",
          ("cwm", "ucdp_acd"), ("cwm_row", "link_id")),
    Table("deployment", _deployment, ("gwcode", "date"),
          "Host-country-month presence of peace operations: UN personnel (Kathman 1990-2019), mission type, "
          "non-UN presence.",
          ("kathman_pko", "un_dpo_missions", "gw_states", "cow_states"), ("gwcode", "date")),
    Table("stateyears", _stateyears, ("gwcode", "year"),
          "Gleditsch-Ward state-years 1946-2024 with conflict, peacekeeping and country covariates.",
          ("gw_states", "cow_states", "ucdp_acd", "kathman_pko", "gleditsch_gdp", "polity5", "creg", "rugged"),
          ("gwcode", "year")),
    Table("spells", _spells, ("spell_id",),
          "Peace spells after terminated episodes, conflict-level recurrence, censored 2024-12-31, "
          "with time-constant covariates at the spell's start.",
          ("ucdp_acd", "ucdp_term_conflict", "gw_states", "cow_states", "gleditsch_gdp", "polity5", "creg", "rugged"),
          ("spell_id",),
          ("episodes",)),
    Table("spells_location", _spells_location, ("spell_id",),
          "Peace spells with location-level recurrence (any conflict in the same location ends the peace).",
          ("ucdp_acd", "ucdp_term_conflict", "gw_states", "cow_states", "gleditsch_gdp", "polity5", "creg", "rugged"),
          ("spell_id",),
          ("episodes",)),
    Table("spell_rows", _spell_rows, ("spell_id", "start"),
          "Conflict-level peace spells in counting-process form, split where the presence of operations "
          "linked to the spell's conflict (UN, non-UN, personnel, type), country-level presence, a peace "
          "agreement (UCDP PA), a PA-X provision or a military intervention (IMI) changes; CWM mediation of the "
          "episode; NA outside each source's coverage. Time in days since the spell began.",
          ("ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko", "un_dpo_missions",
           "mullenbach_tppm", "peacestats_missions", "peacestats_mission_links", "pax", "cwm", "imi"),
          ("spell_id", "start"), ("spells", "mission_months", "mission_conflicts", "intervention_months")),
    Table("spell_rows_location", _spell_rows_location, ("spell_id", "start"),
          "Location-level peace spells in counting-process form (as spell_rows).",
          ("ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements", "kathman_pko", "un_dpo_missions",
           "mullenbach_tppm", "peacestats_missions", "peacestats_mission_links", "pax", "cwm", "imi"),
          ("spell_id", "start"), ("spells_location", "mission_months", "mission_conflicts", "intervention_months"),
          background=True),
]


# ----------------------------------------------------------------------------- datapackage
_FRICTIONLESS_TYPES = {"i": "integer", "u": "integer", "f": "number", "b": "boolean", "M": "datetime", "O": "string"}


def _field_type(s: pd.Series) -> str:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return "string"
    kind = getattr(s.dtype, "kind", "O")
    if str(s.dtype) in ("Int64", "Int32", "Int16", "Int8"):
        return "integer"
    if str(s.dtype) == "boolean":
        return "boolean"
    if kind == "O":
        first = s.dropna().head(1)
        if len(first) and isinstance(first.iloc[0], (list, tuple)):
            return "array"
    return _FRICTIONLESS_TYPES.get(kind, "string")


def _normalize_for_parquet(df: pd.DataFrame) -> pd.DataFrame:
    """Tuples become lists (parquet lists); categories keep their order."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            first = out[c].dropna().head(1)
            if len(first) and isinstance(first.iloc[0], tuple):
                out[c] = pd.Series([list(v) if isinstance(v, tuple) else v for v in out[c]], index=out.index,
                                   dtype=object)
    return out


def _project_source(key: str) -> dict:
    d = describe_project_data(key)
    return {"name": key, "title": d["title"], "version": d["version"], "sha256": d["sha256"]}


def _resource(t: Table, df: pd.DataFrame, path: Path) -> dict:
    return {
        "name": t.name,
        "path": path.name,
        "format": "parquet",
        "description": t.description,
        "schema": {
            "fields": [{"name": c, "type": _field_type(df[c])} for c in df.columns],
            "primaryKey": list(t.primary_key),
        },
        "rows": int(len(df)),
        "sha256": _sha(path),
        "sources": [
            _project_source(k) if is_project_data(k) else
            {"name": k, "title": registry.get(k).title, "version": registry.get(k).version,
             "sha256": registry.get(k).sha256}
            for k in t.sources
        ],
    }


def _exclusions(name: str, df: pd.DataFrame) -> dict:
    """What a table leaves out or flags, and why, for ``datapackage.json`` and the build's summary."""
    out: dict = {}
    if name == "mission_months":
        out["excluded"] = {
            "missions_without_start_or_hosts": list(df.attrs.get("undated_missions", [])),
            "missions_with_unknown_end": list(df.attrs.get("end_unknown_missions", [])),
        }
    if name == "missions":
        counts = df["origin"].value_counts()
        out["origins"] = {k: int(counts.get(k, 0)) for k in ("dpo_list", "kathman", "non_un_table", "tppm")}
        out["flagged"] = {
            "end_not_known_after_last_source_month": sorted(df.loc[~df["end_known"] & df["end_date"].notna(),
                                                                   "mission_id"]),
        }
    if name == "intervention_months":
        a = df.attrs
        out["coverage"] = list(a.get("coverage", ()))
        out["flagged"] = {
            "interventions_without_a_date_no_rows": [str(r) for r in a.get("undated_rows", [])],
            "interventions_without_an_end_start_month_only": [str(r) for r in a.get("end_unknown_rows", [])],
            "targets_without_a_gw_state_kept_with_gwcode_missing": [str(r) for r in a.get("unmatched_targets", [])],
        }
    if name == "leader_exits":
        out["coverage"] = list(df.attrs.get("coverage", ()))
        out["leaders_in_office_at_the_end_not_exits"] = int(df.attrs.get("in_office", 0))
    if name == "mission_conflicts":
        counts = df["link"].value_counts()
        out["links"] = {k: int(counts.get(k, 0)) for k in ("sent_for", "uncertain", "none")}
        out["operations"] = int(df["mission_id"].nunique())
    return out


def _exclusion_lines(notes: dict) -> list[str]:
    lines = []
    for why, items in notes.get("excluded", {}).items():
        if items:
            lines.append(f"{why.replace('_', ' ')} ({len(items)}): " + "; ".join(items))
    for why, items in notes.get("flagged", {}).items():
        if items:
            lines.append(f"flagged, {why.replace('_', ' ')} ({len(items)}): " + "; ".join(items))
    if "origins" in notes:
        lines.append("operations by source: " + ", ".join(f"{k} {v}" for k, v in notes["origins"].items()))
    if "links" in notes:
        lines.append(f"{notes['operations']} operations; links: "
                     + ", ".join(f"{k} {v}" for k, v in notes["links"].items()))
    return lines


def _sha(path: Path) -> str:
    from .fetch import sha256sum

    return sha256sum(path)


def build(out_dir: str | Path | None = None, tables: Sequence[str] | None = None, echo=print) -> dict[str, Path]:
    """Build the harmonized tables and ``datapackage.json``.

    Parameters
    ----------
    out_dir
        Where to write (default ``data/processed``).
    tables
        Names of tables to build (default: all); the tables they need are built too.

    Returns
    -------
    dict
        Table name -> parquet path.
    """
    out = Path(out_dir) if out_dir else config.processed_dir()
    wanted = set(tables or [t.name for t in TABLES])
    unknown = wanted - {t.name for t in TABLES}
    if unknown:
        raise HarmonizeError(f"unknown table(s) {sorted(unknown)}; known: {[t.name for t in TABLES]}")
    # the tables the requested ones need, in declaration order
    for t in reversed(TABLES):
        if t.name in wanted:
            wanted.update(t.needs)
    with io.folder_lock(out, "build", echo=echo):
        io.clean_stale_temps(out)
        return _build_locked(out, wanted, echo)


def _run_builder(ctx: _Context, t: Table) -> tuple[pd.DataFrame, set[str]]:
    """Table ``t`` built in ``ctx``, and the sources it read."""
    ctx.table = t.name
    # conversions use the build's state lists (and record them); mission tables are checked once
    with using(ctx.code_tables), shared_tables(ctx.authored):
        df = t.builder(ctx)
    return df, ctx.lineage.get(t.name, set())


def _start_background(ctx: _Context, wanted: set[str], pending: dict[str, Background], nxt: str) -> None:
    """Fork the ``background`` tables whose ``needs`` are built (up to :func:`~peacestats._background.jobs` - 1).

    ``nxt`` is the table about to be built here: a table is forked only if there is other work
    to do meanwhile. Its result is collected when the loop reaches it, in declaration order.
    """
    free = _background.jobs() - 1 - len(pending)
    for u in TABLES:
        if free <= 0:
            return
        if (u.background and u.name in wanted and u.name != nxt and u.name not in pending and u.name not in ctx
                and all(n in ctx for n in u.needs)):
            pending[u.name] = Background(lambda u=u: _run_builder(ctx, u))
            free -= 1


def _build_locked(out: Path, wanted: set[str], echo) -> dict[str, Path]:
    """:func:`build`'s work, run while it holds the lock on ``out``."""
    ctx = _Context()
    pending: dict[str, Background] = {}
    try:
        return _build_tables(ctx, out, wanted, pending, echo)
    finally:
        for job in pending.values():
            job.cancel()


def _build_tables(ctx: _Context, out: Path, wanted: set[str], pending: dict[str, Background], echo
                  ) -> dict[str, Path]:
    """Build, check and write the ``wanted`` tables in :data:`TABLES` order, then ``datapackage.json``."""
    paths: dict[str, Path] = {}
    resources = []
    for t in TABLES:
        if t.name not in wanted:
            continue
        _start_background(ctx, wanted, pending, t.name)
        if t.name in pending:
            df, reads = pending.pop(t.name).result()
            ctx.lineage.setdefault(t.name, set()).update(reads)
        else:
            df, _ = _run_builder(ctx, t)
        undeclared = ctx.lineage.get(t.name, set()) - set(t.sources)
        if undeclared:
            raise HarmonizeError(f"table {t.name} read source(s) {sorted(undeclared)} that its declaration in "
                                 "build.TABLES does not list: add them (datapackage.json names its sources)")
        notes = _exclusions(t.name, df)
        dup = df.duplicated(list(t.primary_key))
        if dup.any():
            raise HarmonizeError(f"table {t.name}: primary key {t.primary_key} repeats in {int(dup.sum())} rows")
        if t.sort_by:
            df = df.sort_values(list(t.sort_by), kind="mergesort")
        df = df.reset_index(drop=True)
        ctx[t.name] = df
        path = io.write_parquet(_normalize_for_parquet(df), out / f"{t.name}.parquet")
        paths[t.name] = path
        resources.append(_resource(t, df, path) | notes)
        echo(f"  {t.name:<16} {len(df):>7,} rows -> {path}")
        for line in _exclusion_lines(notes):
            echo(f"      {line}")
    package = {
        "name": "peacestats-processed",
        "title": "peacestats harmonized tables",
        "profile": "data-package",
        "peacestats_version": __version__,
        "resources": _merge_resources(out, resources),
    }
    io.write_json(out / "datapackage.json", package)
    return paths


def _merge_resources(out: Path, fresh: list[dict]) -> list[dict]:
    """The entries just built, plus those of ``datapackage.json`` for tables not rebuilt this time.

    ``peacestats build spells`` thus updates its own entries and keeps the others. An old
    entry is kept only if its parquet file is still there with the recorded sha256; the
    result is in :data:`TABLES` order.
    """
    import json

    by_name = {r["name"]: r for r in fresh}
    try:
        old = json.loads((out / "datapackage.json").read_text(encoding="utf-8")).get("resources", [])
    except (OSError, ValueError, AttributeError):  # no package yet, or an unreadable one: rebuild it
        old = []
    for r in old if isinstance(old, list) else []:
        if not isinstance(r, dict) or r.get("name") in by_name or r.get("name") not in {t.name for t in TABLES}:
            continue
        path = out / f"{r['name']}.parquet"
        if path.is_file() and r.get("sha256") == _sha(path):
            by_name[r["name"]] = r
    return [by_name[t.name] for t in TABLES if t.name in by_name]


def read_table(name: str, processed: str | Path | None = None, dtypes: str = "pandas") -> pd.DataFrame:
    """Read a harmonized table from ``data/processed`` (built by ``peacestats build`` / ``make build``).

    List-valued columns come back as Python lists; everything else as written, unless
    ``dtypes="numpy"``: then nullable columns become numpy ones
    (:func:`peacestats.frames.to_numpy_frame`; what patsy/statsmodels formulas such as
    ``C(gwcode)`` need). ``attrs["source"]`` records the table's lineage (the datasets it
    was built from, from ``datapackage.json``: :mod:`peacestats.lineage`); a model fitted
    on the frame cites them (``ps.cite(fit)``).
    """
    if name not in {t.name for t in TABLES}:
        raise HarmonizeError(f"unknown table {name!r}; known: {[t.name for t in TABLES]}")
    if dtypes not in ("pandas", "numpy"):
        raise HarmonizeError(f"read_table: dtypes must be 'pandas' or 'numpy', not {dtypes!r}")
    folder = Path(processed) if processed else config.processed_dir()
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise HarmonizeError(f"{path} does not exist: run `make build` (or `peacestats build`) first")
    from .lineage import ATTRS_KEY, table_lineage

    df = pd.read_parquet(path)
    if dtypes == "numpy":
        from .frames import to_numpy_frame

        df = to_numpy_frame(df)
    df.attrs[ATTRS_KEY] = table_lineage(name, folder, next(t.sources for t in TABLES if t.name == name))
    return df
