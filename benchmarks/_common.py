"""What the benchmarks share: the project's folders, the data mirror, and writing a result.

The benchmarks run as scripts (``python benchmarks/bench_<name>.py``, by ``make bench``), so
this folder is on ``sys.path`` and they import this module as ``_common``.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path
from typing import Any, MutableMapping

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
MIRROR = ROOT.parent / "shared" / "data"


def use_mirror(env: MutableMapping[str, str] | None = None) -> None:
    """Fetch from the shared data mirror beside the repository, unless ``PEACESTATS_DATA_MIRROR`` says otherwise.

    ``env``: the environment to set it in (default: this process's).
    """
    env = os.environ if env is None else env
    if not env.get("PEACESTATS_DATA_MIRROR") and (MIRROR / "MANIFEST.md").is_file():
        env["PEACESTATS_DATA_MIRROR"] = str(MIRROR)


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of its finished children so far."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def write_results(name: str, md: list[str], data: Any) -> None:
    """``benchmarks/results/<name>.md`` (the lines ``md``) and ``<name>.json`` (``data``); the Markdown is printed."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text("\n".join(md) + "\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print("\n".join(md))
