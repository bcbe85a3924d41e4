"""``peacestats build``: the harmonized tables in ``data/processed``.

Each table is declared once in :data:`TABLES` (name, builder, primary key,
description, the registry sources it reads). :func:`build` runs the builders,
validates primary keys, writes ``data/processed/<name>.parquet`` atomically and
deterministically, and writes ``datapackage.json`` (Frictionless Data Package)
describing every table: fields, types, primary key, and the sources with
their versions and sha256.

With two or more CPUs the tables marked ``background`` (the spell tables, the state-years,
the location-level spell rows) are built in forked processes beside the others
(:mod:`peacestats._background`; ``fork_with`` names the table they run beside), and a
forked process parses the sources not cached yet into the parsed-source cache from the start,
ahead of the tables that read them (:mod:`peacestats.sources._prefetch`).
The files are the same bytes as a build in one process (``PEACESTATS_BUILD_JOBS=1``), they
are written in declaration order, and a failing table leaves the folder as a build in one
process would (the tables before it written, none after it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__, _background, config, io
from ._background import Background
from .errors import HarmonizeError
from .harmonize.codes import CodeTables, using
from .harmonize._tables import shared_tables
from .sources._prefetch import Prefetch, all_cached
from ._datapackage import _exclusion_lines, _exclusions, _merge_resources, _normalize_for_parquet, _resource


@dataclass(frozen=True)
class Table:
    name: str
    builder: Callable[[_Context], pd.DataFrame]
    primary_key: tuple[str, ...]
    description: str
    sources: tuple[str, ...]
    sort_by: tuple[str, ...] = ()
    needs: tuple[str, ...] = field(default_factory=tuple)  # tables built earlier that this one reads
    #: may be built in a forked process while later tables are built (it reads only ``needs`` and ``reads``)
    background: bool = False
    reads: tuple[str, ...] = ()  # tables it reads when this build makes them (ctx.get), without needing them
    preload: tuple[str, ...] = ()  # sources loaded before forking it, shared with the tables built meanwhile
    fork_with: str = ""  # the table beside which it is forked (default: at its own turn)


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
        self.prefetch: Prefetch | None = None  # the forked process parsing sources ahead (build's _Run)

    def _frame(self, key: str) -> pd.DataFrame:
        from .sources import load

        if key not in self.frames:
            if self.prefetch is None:
                self.frames[key] = load(key)
            else:  # not parsed by this process and the prefetching one at once
                with self.prefetch.loading(key):
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
          ("gwcode", "year"), background=True, reads=("deployment",)),
    Table("spells", _spells, ("spell_id",),
          "Peace spells after terminated episodes, conflict-level recurrence, censored 2024-12-31, "
          "with time-constant covariates at the spell's start.",
          ("ucdp_acd", "ucdp_term_conflict", "gw_states", "cow_states", "gleditsch_gdp", "polity5", "creg", "rugged"),
          ("spell_id",),
          ("episodes",), background=True, fork_with="missions"),
    Table("spells_location", _spells_location, ("spell_id",),
          "Peace spells with location-level recurrence (any conflict in the same location ends the peace).",
          ("ucdp_acd", "ucdp_term_conflict", "gw_states", "cow_states", "gleditsch_gdp", "polity5", "creg", "rugged"),
          ("spell_id",),
          ("episodes",), background=True, fork_with="mission_months"),
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
          background=True, preload=("ucdp_peace_agreements", "pax", "cwm"), fork_with="spell_rows"),
]


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


def _run_forked(ctx: _Context, t: Table) -> tuple[pd.DataFrame, set[str], dict, dict]:
    """:func:`_run_builder` in a forked process, with the shared frames it made (``ctx.derived``) to hand back."""
    before = set(ctx.shared)
    df, reads = _run_builder(ctx, t)
    made = [name for name in ctx.shared if name not in before]
    return df, reads, {n: ctx.shared[n] for n in made}, {n: ctx.derived_reads[n] for n in made}


#: The sources a build of every table parses, in the order it first reads them, but the first
#: (``ucdp_acd``, which the first table reads at once). With two processes and a cache that lacks
#: some of them, a forked process parses them into the cache from the start of the build
#: (:class:`peacestats.sources._prefetch.Prefetch`), ahead of the tables that read them: those of
#: ``missions``, of ``spells`` (forked beside it), then the late ones of the main process.
_PREFETCH = ("ucdp_term_conflict", "mullenbach_tppm", "kathman_pko", "gw_states", "cow_states", "gleditsch_gdp",
             "polity5", "creg", "rugged", "imi", "archigos", "cwm", "ucdp_peace_agreements", "pax")


class _Run:
    """One build's tables on their way to ``out``: built here or in a forked process, written in order.

    A table is *built* (by its builder, here or in a :class:`~peacestats._background.Background`
    child), then *finished* (lineage and primary-key checks, sorting; from then on later
    builders see it in the context) and *written* (parquet, its ``datapackage.json`` entry,
    the echoed lines) strictly in :data:`TABLES` order. A forked table's error is raised at
    its turn (or when a later table needs it); when a table fails, the tables before it are
    written first and an earlier table's error wins: the folder ends up as a build in one
    process would leave it.
    """

    def __init__(self, ctx: _Context, out: Path, order: list[Table], echo) -> None:
        self.ctx, self.out, self.order, self.echo = ctx, out, order, echo
        self.names = [t.name for t in order]
        self.pending: dict[str, Background] = {}
        self.failed: dict[str, BaseException] = {}
        self.notes: dict[str, dict] = {}
        self.written = 0  # how many tables of `order` are written
        self.paths: dict[str, Path] = {}
        self.resources: list[dict] = []
        self.prefetch: Prefetch | None = None
        self.jobs = _background.jobs()  # decided once: the load average rises with the build's own processes

    def run(self) -> dict[str, Path]:
        if self.jobs >= 2:
            keys = [k for k in _PREFETCH if any(k in t.sources for t in self.order)]
            if keys and not all_cached(keys):
                self.prefetch = self.ctx.prefetch = Prefetch(keys)
        for i, t in enumerate(self.order):
            try:
                self._poll()
                self._fork_ready(i)
                for name in (*t.needs, *t.reads):
                    self._ensure(name)
                if t.name in self.failed:
                    raise self.failed[t.name]
                if t.name not in self.pending and t.name not in self.ctx:
                    self._finish(t, *_run_builder(self.ctx, t))
                self._write_ready()
            except BaseException:
                self._write_before(t.name)
                raise
        for t in self.order:
            try:
                self._ensure(t.name)
            except BaseException:
                self._write_before(t.name)
                raise
        self._write_ready()
        if self.prefetch is not None:  # done by now: wait rather than leave a half-written cache entry
            self.prefetch.finish()
            self.prefetch = self.ctx.prefetch = None
        return self.paths

    def cancel(self) -> None:
        """Stop every forked table still running (and the prefetching)."""
        for job in self.pending.values():
            job.cancel()
        self.pending.clear()
        if self.prefetch is not None:
            self.prefetch.cancel()
            self.prefetch = self.ctx.prefetch = None

    def _fork_ready(self, i: int) -> None:
        """Fork the ``background`` tables due at ``order[i]``: those to run beside it (``fork_with``), or itself.

        A table is forked once its inputs are built, at the table named by its ``fork_with``
        (when that is built in this run), else at its own turn if some later table does not
        wait for it (else nothing would run meanwhile); at most ``jobs`` forked tables at once.
        """
        jobs = self.jobs
        if jobs < 2:
            return
        here = self.order[i].name
        for j, u in enumerate(self.order):
            if (not u.background or u.name in self.pending or u.name in self.ctx or u.name in self.failed
                    or not all(n in self.ctx for n in u.needs + u.reads if n in self.names)):
                continue
            if j != i and u.fork_with != here:
                continue
            if j == i and all(u.name in (*v.needs, *v.reads) for v in self.order[j + 1:]):
                continue
            if len(self.pending) >= jobs:
                return
            for key in u.preload:  # loaded once here, shared with the child
                self.ctx._frame(key)
            self.pending[u.name] = Background(functools.partial(_run_forked, self.ctx, u))

    def _poll(self) -> None:
        """Collect the forked tables that are done, without waiting."""
        for name in [n for n, job in self.pending.items() if job.done()]:
            self._collect(name)

    def _collect(self, name: str) -> None:
        """Wait for the forked table ``name`` (if it is one) and finish it; its error is kept for its turn."""
        job = self.pending.pop(name, None)
        if job is None:
            return
        try:
            df, reads, shared, shared_reads = job.result()
            for key, frame in shared.items():  # a table forked later need not make them again
                if key not in self.ctx.shared:
                    self.ctx.shared[key], self.ctx.derived_reads[key] = frame, shared_reads[key]
            self.ctx.lineage.setdefault(name, set()).update(reads)
            self._finish(self.order[self.names.index(name)], df, reads)
        except BaseException as exc:  # noqa: BLE001 - raised at the table's turn (_ensure, run)
            self.failed[name] = exc

    def _ensure(self, name: str) -> None:
        """Table ``name`` finished (waiting for it if forked), or its error raised."""
        self._collect(name)
        if name in self.failed:
            raise self.failed[name]

    def _finish(self, t: Table, df: pd.DataFrame, reads: set[str]) -> None:
        """Check table ``t`` (sources read, primary key), sort it and make it visible to later builders."""
        undeclared = self.ctx.lineage.get(t.name, set()) - set(t.sources)
        if undeclared:
            raise HarmonizeError(f"table {t.name} read source(s) {sorted(undeclared)} that its declaration in "
                                 "build.TABLES does not list: add them (datapackage.json names its sources)")
        self.notes[t.name] = _exclusions(t.name, df)
        dup = df.duplicated(list(t.primary_key))
        if dup.any():
            raise HarmonizeError(f"table {t.name}: primary key {t.primary_key} repeats in {int(dup.sum())} rows")
        if t.sort_by:
            df = df.sort_values(list(t.sort_by), kind="mergesort")
        self.ctx[t.name] = df.reset_index(drop=True)

    def _write_ready(self) -> None:
        """Write the finished tables at the head of ``order`` (stops at one not finished yet)."""
        while self.written < len(self.order) and self.order[self.written].name in self.ctx:
            t = self.order[self.written]
            df = self.ctx[t.name]
            path = io.write_parquet(_normalize_for_parquet(df), self.out / f"{t.name}.parquet")
            self.paths[t.name] = path
            self.resources.append(_resource(t, df, path) | self.notes[t.name])
            self.echo(f"  {t.name:<16} {len(df):>7,} rows -> {path}")
            for line in _exclusion_lines(self.notes[t.name]):
                self.echo(f"      {line}")
            self.written += 1

    def _write_before(self, name: str) -> None:
        """After table ``name`` failed: write the tables before it (raising the first error among them)."""
        for t in self.order[:self.names.index(name)]:
            self._ensure(t.name)
            self._write_ready()


def _build_locked(out: Path, wanted: set[str], echo) -> dict[str, Path]:
    """:func:`build`'s work, run while it holds the lock on ``out``."""
    run = _Run(_Context(), out, [t for t in TABLES if t.name in wanted], echo)
    try:
        paths = run.run()
    finally:
        run.cancel()
    package = {
        "name": "peacestats-processed",
        "title": "peacestats harmonized tables",
        "profile": "data-package",
        "peacestats_version": __version__,
        "resources": _merge_resources(out, run.resources, [t.name for t in TABLES]),
    }
    io.write_json(out / "datapackage.json", package)
    return paths


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
