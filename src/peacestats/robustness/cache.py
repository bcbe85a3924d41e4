"""A results cache for the multiverse report: fits kept for the next build with the same code and data.

The report (``analyses/multiverse.py``) refits 576 models, and 576 more on each of its
bootstrap draws, every time ``make reports`` runs it: about 55 CPU seconds, most of a
build. :func:`results_folder` gives it a folder to pass as ``output=`` to
:func:`~peacestats.robustness.run_multiverse` and :func:`~peacestats.robustness.run_null`,
whose resume then fits only what the folder lacks: as a knitr chunk with ``cache=TRUE``,
the results are reused when nothing they depend on has changed, and refitted otherwise.

What they depend on, and what the folder is keyed by:

* the data: each specification's hash includes the sha256 of the built tables
  (:func:`~peacestats.robustness.data_fingerprint`), and the null's partitions are kept
  by seed and resampling unit, so other data or another draw are fitted anew in the folder;
* the code: the sha256 of every file of the installed ``peacestats`` package (any edit
  anywhere in it gives a new folder, which is safer than guessing which modules a fit uses);
* the numerical libraries and the interpreter: the versions of Python, numpy, scipy,
  pandas and pyarrow, and the machine type;
* the declaration: the analysis, its dimensions and exclusions.

The folders live under ``multiverse/`` in the parsed-source cache's folder
(:func:`peacestats.sources._cache.cache_dir`: ``data/interim/cache``, or
``$PEACESTATS_CACHE_DIR``); ``PEACESTATS_NO_CACHE=1`` turns the cache off (``None``: fit
everything). Partitions are written whole or not at all, one that cannot be read is refitted,
and the report's files are the same bytes whether its fits were made now or read back
(``tests/test_report_multiverse.py``). Folders of other code versions are removed once
:data:`KEEP` newer ones exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from .. import io
from .specs import Multiverse, _canonical

__all__ = ["results_folder", "key_info", "cache_key", "code_fingerprint", "KEEP"]

#: folders of other keys kept beside the current one (the newest first)
KEEP = 2
#: a folder used within this many seconds is never removed (another build may be writing to it)
_IN_USE_S = 3600


def code_fingerprint(root: Path | None = None) -> str:
    """sha256 of every file under ``root`` (default: the installed ``peacestats`` package), bytecode left out.

    Paths and bytes enter. Read anew at each call (a few milliseconds): a session that edits
    the package between two runs of a report gets a new key.
    """
    root = Path(__file__).resolve().parents[1] if root is None else root
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    import numpy
    import pandas
    import pyarrow
    import scipy

    return {"python": sys.version, "numpy": numpy.__version__, "scipy": scipy.__version__,
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "machine": platform.machine()}


def key_info(multiverse: Multiverse) -> dict:
    """What ``multiverse``'s cached results depend on besides the data: code, libraries, declaration."""
    return {"code": code_fingerprint(), "versions": _versions(), "analysis": multiverse.analysis,
            "dimensions": multiverse.dimensions, "exclude": multiverse.exclude}


def cache_key(info: dict) -> str:
    """The key (hex sha256) of :func:`key_info`'s description."""
    return hashlib.sha256(_canonical(info).encode()).hexdigest()


def results_folder(multiverse: Multiverse) -> Path | None:
    """The cache folder of ``multiverse``'s results (created), or ``None`` when caching is off.

    Old folders (other keys) beyond the :data:`KEEP` most recently used are removed, unless
    used within the last hour.
    """
    from ..sources import _cache

    if not _cache.enabled():
        return None
    info = key_info(multiverse)
    root = _cache.cache_dir() / "multiverse"
    folder = root / cache_key(info)[:32]
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder)  # most recently used
    if not (folder / "key.json").exists():  # what the folder holds results of, for a person looking
        io.write_text(folder / "key.json", json.dumps(info, indent=2, sort_keys=True) + "\n")
    _prune(root, folder)
    return folder


def _prune(root: Path, current: Path) -> None:
    others = sorted((p for p in root.iterdir() if p.is_dir() and p != current),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    now = time.time()
    for p in others[KEEP:]:
        if now - p.stat().st_mtime > _IN_USE_S:
            shutil.rmtree(p, ignore_errors=True)
