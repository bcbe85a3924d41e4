"""The data peacestats authors itself, as citable datasets with a checksum.

The mission tables, the mission-conflict links and the TPPM crosswalk are the project's own
data (``peacestats/resources/missions``). They are not in the registry of downloaded sources,
but a report or a fit that uses them names them like a dataset: :func:`describe` gives the
title, the package version and a sha256 over the files, and :mod:`peacestats.citations`
gives their BibTeX.
"""

from __future__ import annotations

import hashlib
from importlib import resources

from . import __version__

#: key -> title, the authored files it consists of (under ``peacestats/resources``), BibTeX keys.
PROJECT_DATA: dict[str, dict] = {
    "peacestats_missions": {
        "title": "peacestats mission universe: UN and non-UN peace operations, 1946-2024 (authored tables)",
        "files": ("missions/un_missions.csv", "missions/non_un_missions.csv", "missions/kathman_unmatched.csv",
                  "missions/kathman_after_coverage.csv", "missions/tppm_crosswalk.csv",
                  "missions/crosscheck_exceptions.csv", "codes/kathman_hosts.csv",
                  "codes/territory_successions.csv"),
        "bibtex": ("peacestats2026missions",),
    },
    "peacestats_mission_links": {
        "title": "peacestats mission-conflict links: which UCDP conflict each operation was sent for (authored)",
        "files": ("missions/mission_conflicts.csv",),
        "bibtex": ("peacestats2026links",),
    },
}


def is_project_data(key) -> bool:
    return isinstance(key, str) and key in PROJECT_DATA


def describe(key: str) -> dict:
    """``key``, ``title``, ``version`` (the package version) and ``sha256`` over the files, in order."""
    entry = PROJECT_DATA[key]
    h = hashlib.sha256()
    root = resources.files("peacestats").joinpath("resources")
    for name in entry["files"]:
        h.update(name.encode() + b"\0")
        h.update(root.joinpath(name).read_bytes())
    return {"key": key, "title": entry["title"], "version": f"peacestats {__version__}", "sha256": h.hexdigest()}
