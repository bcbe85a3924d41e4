"""``datapackage.json`` for :func:`peacestats.build.build`: each table's entry (fields, key, sources), its notes.

Split from :mod:`peacestats.build` (which declares the tables and runs them); nothing here
builds a table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import registry
from .project_data import describe as describe_project_data
from .project_data import is_project_data

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


def _resource(t, df: pd.DataFrame, path: Path) -> dict:
    """The ``datapackage.json`` entry of table ``t`` (a :class:`peacestats.build.Table`) written to ``path``."""
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


def _merge_resources(out: Path, fresh: list[dict], names: list[str]) -> list[dict]:
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
        if not isinstance(r, dict) or r.get("name") in by_name or r.get("name") not in set(names):
            continue
        path = out / f"{r['name']}.parquet"
        if path.is_file() and r.get("sha256") == _sha(path):
            by_name[r["name"]] = r
    return [by_name[n] for n in names if n in by_name]
