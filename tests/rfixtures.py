"""The one reader of R's golden values: ``tests/data/<name>_r.json``, written by ``tests/r/<name>.R``.

Every fixture script runs from the repository root as ``Rscript tests/r/<name>.R [out.json]``
(``tests/r/_common.R`` holds the data path and the JSON writer they share) and writes
``tests/data/<name>_r.json``, or the path given. The tests read the kept JSON through
:func:`load` and never need R (CI has none); ``tests/test_r_fixtures.py`` (marker
``needs_r``) reruns every script into a temporary folder when ``Rscript`` is installed and
compares the result with the kept file (:func:`assert_same`).
"""

from __future__ import annotations

import functools
import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "r"
DATA = ROOT / "tests" / "data"

#: Keys that record the R and package versions: reported, not compared between runs.
VERSION_KEYS = frozenset({"versions", "meta", "r_version", "survival_version"})


def names() -> list[str]:
    """Every fixture: a script ``tests/r/<name>.R`` whose ``tests/data/<name>_r.json`` is kept."""
    return sorted(p.stem for p in SCRIPTS.glob("*.R")
                  if not p.stem.startswith("_") and (DATA / f"{p.stem}_r.json").is_file())


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The kept golden values of fixture ``name`` (parsed once per session; do not mutate)."""
    path = DATA / f"{name}_r.json"
    if not path.is_file():
        raise FileNotFoundError(f"no R fixture {path}; write it with: Rscript tests/r/{name}.R")
    return json.loads(path.read_text())


def have_r() -> bool:
    """Whether ``Rscript`` is on PATH (the live regeneration runs only then)."""
    return shutil.which("Rscript") is not None


def regenerate(name: str, out_dir: Path, timeout: float = 900) -> dict[str, Any]:
    """Run ``tests/r/<name>.R`` now, writing into ``out_dir``, and return what it wrote."""
    out = Path(out_dir) / f"{name}_r.json"
    proc = subprocess.run(["Rscript", str(SCRIPTS / f"{name}.R"), str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"Rscript tests/r/{name}.R failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text())


def assert_same(live: Any, kept: Any, rtol: float = 1e-9, atol: float = 1e-12, where: str = "") -> None:
    """Raise AssertionError naming the first place where two fixtures differ.

    Numbers agree within ``rtol`` (relative) or ``atol`` (absolute, for values that are
    zero up to rounding); text, nulls and structure agree exactly; version keys are skipped.
    """
    if isinstance(kept, dict):
        assert isinstance(live, dict), f"{where}: an object in the kept fixture, {type(live).__name__} now"
        keys = set(kept) - VERSION_KEYS
        assert keys == set(live) - VERSION_KEYS, f"{where}: keys differ: {sorted(keys ^ (set(live) - VERSION_KEYS))}"
        for k in sorted(keys):
            assert_same(live[k], kept[k], rtol, atol, f"{where}/{k}")
    elif isinstance(kept, list):
        assert isinstance(live, list) and len(live) == len(kept), (
            f"{where}: {len(kept)} values kept, {len(live) if isinstance(live, list) else live!r} now")
        for i, (a, b) in enumerate(zip(live, kept)):
            assert_same(a, b, rtol, atol, f"{where}[{i}]")
    elif isinstance(kept, (int, float)) and not isinstance(kept, bool) and isinstance(live, (int, float)):
        assert math.isclose(live, kept, rel_tol=rtol, abs_tol=atol), f"{where}: kept {kept!r}, R gives {live!r} now"
    else:
        assert live == kept, f"{where}: kept {kept!r}, R gives {live!r} now"
