"""Which datasets a built table, a frame derived from it, or a fit on it came from.

:func:`peacestats.build.read_table` records the table's lineage in ``DataFrame.attrs``
under ``"source"`` (:data:`ATTRS_KEY`): the table, its checksum and the datasets the
build read for it, with their versions, as ``datapackage.json`` lists them. pandas
carries ``attrs`` through row selections, column assignments, ``dropna``, ``copy``
and most methods (not through a ``concat`` or ``merge`` of frames whose ``attrs``
differ). A model fitted on such a frame records the lineage in
``result.data_info["source"]``; ``result.provenance["datasets"]`` lists the keys and
:func:`peacestats.citations.cite` (``ps.cite(fit)``) gives their BibTeX.

The lineage is a small dict of strings and tuples (cheap for pandas to copy)::

    {"table": "spell_rows", "sha256": "...",
     "datasets": ("ucdp_acd", "ucdp_term_conflict", ..., "peacestats_missions"),
     "versions": (("ucdp_acd", "25.1"), ...)}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

__all__ = ["ATTRS_KEY", "Lineage", "table_lineage", "datasets_of", "datasets_in"]

#: The ``DataFrame.attrs`` key of the lineage (the name ``coxph`` has read since it existed).
ATTRS_KEY = "source"


class Lineage(dict):
    """A table's lineage: a read-only dict that ``copy.deepcopy`` returns as itself.

    pandas deep-copies ``attrs`` on almost every operation (``__finalize__``); the lineage
    never changes, so sharing it saves a few hundred deep copies a model fit (about 4 ms of
    a Cox fit on the spell rows). Still a ``dict``: ``to_parquet`` and ``json.dumps`` take it.
    """

    def __deepcopy__(self, memo) -> Lineage:
        return self

    def __copy__(self) -> Lineage:
        return self

    def __reduce__(self):
        return (Lineage, (dict(self),))

    def _read_only(self, *args, **kwargs):
        raise TypeError("a table's lineage is read-only")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _read_only


def table_lineage(name: str, folder: str | Path, declared: tuple[str, ...]) -> Lineage:
    """The lineage of built table ``name`` in ``folder``.

    From ``folder/datapackage.json`` when it lists the table (what was actually built:
    the table's sha256, each source's version); else from ``declared`` (the table's
    sources as :data:`peacestats.build.TABLES` declares them, versions unknown).
    """
    resource = None
    try:
        package = json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))
        resource = next((r for r in package.get("resources", []) if isinstance(r, dict) and r.get("name") == name),
                        None)
    except (OSError, ValueError):
        resource = None
    if resource and isinstance(resource.get("sources"), list):
        srcs = [s for s in resource["sources"] if isinstance(s, dict) and s.get("name")]
        return Lineage(table=name, sha256=str(resource.get("sha256") or ""),
                       datasets=tuple(str(s["name"]) for s in srcs),
                       versions=tuple((str(s["name"]), str(s.get("version") or "")) for s in srcs))
    return Lineage(table=name, sha256="", datasets=tuple(declared), versions=tuple((k, "") for k in declared))


def _from_lineage(value) -> list[str]:
    if isinstance(value, Mapping):
        return [str(k) for k in value.get("datasets", ())]
    if isinstance(value, (list, tuple)):  # several lineages (a fit on frames of several tables)
        return [k for v in value for k in _from_lineage(v)]
    return []


def datasets_of(obj) -> list[str]:
    """Dataset keys behind a frame (its ``attrs``), a fitted result (its ``data_info``) or a lineage dict.

    De-duplicated, in order of first appearance; empty when nothing is recorded (a frame
    not read with ``read_table``, a fit on one).
    """
    if isinstance(obj, Mapping) and "datasets" in obj:
        found = _from_lineage(obj)
    elif hasattr(obj, "attrs") and isinstance(obj.attrs, Mapping):
        found = _from_lineage(obj.attrs.get(ATTRS_KEY))
    elif isinstance(getattr(obj, "data_info", None), Mapping):
        return datasets_in(obj.data_info)
    else:
        found = []
    return list(dict.fromkeys(found))


def datasets_in(data_info: Mapping | None) -> list[str]:
    """Dataset keys recorded in a result's ``data_info`` (under :data:`ATTRS_KEY`), de-duplicated."""
    return list(dict.fromkeys(_from_lineage((data_info or {}).get(ATTRS_KEY))))
