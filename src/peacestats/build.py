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

from . import __version__, config, io, registry
from .errors import HarmonizeError


@dataclass(frozen=True)
class Table:
    name: str
    builder: Callable[[dict], pd.DataFrame]
    primary_key: tuple[str, ...]
    description: str
    sources: tuple[str, ...]
    sort_by: tuple[str, ...] = ()
    needs: tuple[str, ...] = field(default_factory=tuple)  # tables built earlier that this one reads


# ----------------------------------------------------------------------------- builders
def _episodes(ctx: dict) -> pd.DataFrame:
    from .harmonize.episodes import add_termination, create_episodes
    from .sources import load

    return create_episodes(load("ucdp_acd")).pipe(add_termination, load("ucdp_term_conflict"))


def _spells(ctx: dict) -> pd.DataFrame:
    from .harmonize.spells import create_spells

    return create_spells(ctx["episodes"])


def _spell_rows(ctx: dict) -> pd.DataFrame:
    from .harmonize.spells import AGREEMENT_COLUMNS, agreement_changes, check_counting_process, split_spells
    from .sources import load

    sp = ctx["spells"]
    ch = agreement_changes(sp, load("ucdp_peace_agreements"))
    rows = split_spells(sp, ch, key="spell_id", covariates=AGREEMENT_COLUMNS, fill={c: 0 for c in AGREEMENT_COLUMNS})
    for c in AGREEMENT_COLUMNS:
        rows[c] = rows[c].astype("int64")
    check_counting_process(rows)
    return rows


TABLES: list[Table] = [
    Table("episodes", _episodes, ("episode_id",),
          "UCDP conflict episodes with termination outcomes (one row per episode).",
          ("ucdp_acd", "ucdp_term_conflict"), ("conflict_id", "episode")),
    Table("spells", _spells, ("spell_id",),
          "Peace spells after terminated episodes, conflict-level recurrence, censored 2024-12-31.",
          ("ucdp_acd", "ucdp_term_conflict"), ("spell_id",), ("episodes",)),
    Table("spell_rows", _spell_rows, ("spell_id", "start"),
          "Peace spells in counting-process form, split where a time-varying covariate changes.",
          ("ucdp_acd", "ucdp_term_conflict", "ucdp_peace_agreements"), ("spell_id", "start"), ("spells",)),
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
                out[c] = out[c].map(lambda v: list(v) if isinstance(v, tuple) else v)
    return out


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
            {"name": k, "title": registry.get(k).title, "version": registry.get(k).version,
             "sha256": registry.get(k).sha256}
            for k in t.sources
        ],
    }


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
    ctx: dict[str, pd.DataFrame] = {}
    paths: dict[str, Path] = {}
    resources = []
    for t in TABLES:
        if t.name not in wanted:
            continue
        df = t.builder(ctx)
        dup = df.duplicated(list(t.primary_key))
        if dup.any():
            raise HarmonizeError(f"table {t.name}: primary key {t.primary_key} repeats in {int(dup.sum())} rows")
        if t.sort_by:
            df = df.sort_values(list(t.sort_by), kind="mergesort")
        df = df.reset_index(drop=True)
        ctx[t.name] = df
        path = io.write_parquet(_normalize_for_parquet(df), out / f"{t.name}.parquet")
        paths[t.name] = path
        resources.append(_resource(t, df, path))
        echo(f"  {t.name:<16} {len(df):>7,} rows -> {path}")
    package = {
        "name": "peacestats-processed",
        "title": "peacestats harmonized tables",
        "profile": "data-package",
        "peacestats_version": __version__,
        "resources": resources,
    }
    io.write_json(out / "datapackage.json", package)
    return paths
