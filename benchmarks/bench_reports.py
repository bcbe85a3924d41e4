"""Benchmark: how long `make reports` takes, step by step, on this machine.

Runs the same steps as ``make reports`` into temporary folders (a fresh
``data/raw`` fetched from the mirror, ``data/processed``, ``reports``), each as
its own process, and times them with a wall clock: fetch, build, then every
analysis script in ``analyses/``, then the index. Creating the virtual
environment is not included (it depends on the package index, not on us).
Writes ``benchmarks/results/reports.md`` and ``.json``. Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def main() -> int:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    if not env.get("PEACESTATS_DATA_MIRROR") and (ROOT.parent / "shared" / "data" / "MANIFEST.md").is_file():
        env["PEACESTATS_DATA_MIRROR"] = str(ROOT.parent / "shared" / "data")
    steps: list[tuple[str, list[str]]] = [
        ("fetch (mirror)", [str(BIN / "peacestats"), "data", "fetch", "--all", "--quiet"]),
        ("build", [str(BIN / "peacestats"), "build"]),
    ]
    for script in sorted((ROOT / "analyses").glob("*.py")):
        steps.append((f"analysis {script.stem}", [sys.executable, str(script)]))
    steps.append(("index", [str(BIN / "peacestats"), "report", "index"]))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env.update(PEACESTATS_RAW_DIR=f"{tmp}/raw", PEACESTATS_PROCESSED_DIR=f"{tmp}/processed",
                   PEACESTATS_REPORTS_DIR=f"{tmp}/reports")
        for name, cmd in steps:
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
            rows.append((name, time.perf_counter() - t0))
            print(f"  {name:<32} {rows[-1][1]:7.1f} s", flush=True)
    total = sum(t for _, t in rows)
    print(f"  {'total':<32} {total:7.1f} s")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = ["# make reports, step by step", "", f"Machine: {machine}", "", "| step | seconds |", "|---|---:|"]
    md += [f"| {n} | {t:.1f} |" for n, t in rows] + [f"| **total** | **{total:.1f}** |", ""]
    (RESULTS / "reports.md").write_text("\n".join(md))
    summary = {"machine": machine, "steps": rows, "total": total}
    (RESULTS / "reports.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
