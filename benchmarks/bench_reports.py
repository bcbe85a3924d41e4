"""Benchmark: how long `make reports` takes, step by step, on this machine.

Runs the same steps as ``make reports`` into temporary folders (a fresh
``data/raw`` fetched from the mirror, ``data/processed``, ``reports``), each as
its own process, and times them with a wall clock and in CPU seconds (user +
system, which a busy machine inflates less): fetch, build, then every
analysis script in ``analyses/`` one after another, then the index. Then it runs
the analyses again into a fresh reports folder ``JOBS`` at a time, as
``make -jJOBS reports`` schedules them (in name order, a new one as soon as one
ends), and times that wall clock too. Creating the virtual environment is not
included (it depends on the package index, not on us). ``JOBS`` comes from the
environment (default: the number of cores, as in the Makefile); ``JOBS=1`` skips
the parallel run. Writes ``benchmarks/results/reports.md`` and ``.json``.
Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: less sensitive to load than wall time."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_parallel(cmds: list[tuple[str, list[str]]], jobs: int, env: dict[str, str]) -> dict[str, float]:
    """Run ``cmds`` at most ``jobs`` at a time, in order (as make -j does); each one's wall time.

    Raises
    ------
    subprocess.CalledProcessError
        A command exited non-zero (the others still running are waited for first).
    """
    pending = list(cmds)
    running: dict[str, tuple[subprocess.Popen, float, list[str], IO[bytes]]] = {}
    times: dict[str, float] = {}
    failed: subprocess.CalledProcessError | None = None
    while pending or running:
        while pending and len(running) < jobs and failed is None:
            name, cmd = pending.pop(0)
            err = tempfile.TemporaryFile()  # a file, not a pipe: a chatty process never blocks on it
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
            running[name] = (proc, time.perf_counter(), cmd, err)
        if failed is not None:
            pending.clear()
        for name, (proc, t0, cmd, log) in list(running.items()):
            if proc.poll() is not None:
                times[name] = time.perf_counter() - t0
                log.seek(0)
                if proc.returncode != 0 and failed is None:
                    failed = subprocess.CalledProcessError(proc.returncode, cmd, stderr=log.read())
                log.close()
                del running[name]
        time.sleep(0.02)
    if failed is not None:
        raise failed
    return times


def main() -> int:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    if not env.get("PEACESTATS_DATA_MIRROR") and (ROOT.parent / "shared" / "data" / "MANIFEST.md").is_file():
        env["PEACESTATS_DATA_MIRROR"] = str(ROOT.parent / "shared" / "data")
    jobs = int(env.get("JOBS") or os.cpu_count() or 2)
    index = ("index", [str(BIN / "peacestats"), "report", "index"])
    analyses = [(f"analysis {s.stem}", [sys.executable, str(s)]) for s in sorted((ROOT / "analyses").glob("*.py"))]
    steps: list[tuple[str, list[str]]] = [
        ("fetch (mirror)", [str(BIN / "peacestats"), "data", "fetch", "--all", "--quiet"]),
        ("build", [str(BIN / "peacestats"), "build"]),
        *analyses,
        index,
    ]
    rows = []
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env.update(PEACESTATS_RAW_DIR=f"{tmp}/raw", PEACESTATS_PROCESSED_DIR=f"{tmp}/processed",
                   PEACESTATS_REPORTS_DIR=f"{tmp}/reports")
        for name, cmd in steps:
            t0, c0 = time.perf_counter(), children_cpu()
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
            rows.append((name, time.perf_counter() - t0))
            cpu[name] = children_cpu() - c0
            print(f"  {name:<32} {rows[-1][1]:7.1f} s  (CPU {cpu[name]:6.1f} s)", flush=True)
        total = sum(t for _, t in rows)
        print(f"  {'total':<32} {total:7.1f} s")
        parallel = None
        if jobs > 1:  # the analyses and the index again, into a fresh folder, as make -jJOBS runs them
            env["PEACESTATS_REPORTS_DIR"] = f"{tmp}/reports-j{jobs}"
            t0 = time.perf_counter()
            # longest first, by the serial times above (as the Makefile's SLOW_FIRST), one BLAS thread each
            serial_time = dict(rows)
            ordered = sorted(analyses, key=lambda a: -serial_time[a[0]])
            each = run_parallel(ordered, jobs, dict(env, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                                                    MKL_NUM_THREADS="1"))
            subprocess.run(index[1], cwd=ROOT, env=env, check=True, capture_output=True)
            wall = time.perf_counter() - t0
            serial = sum(t for n, t in rows if n.startswith("analysis ") or n == "index")
            parallel = {"jobs": jobs, "analyses_and_index": wall, "serial_analyses_and_index": serial,
                        "each": each}
            print(f"  {f'analyses + index, {jobs} at a time':<32} {wall:7.1f} s (one at a time: {serial:.1f} s)")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = ["# make reports, step by step", "", f"Machine: {machine}", "",
          "| step | seconds | CPU seconds |", "|---|---:|---:|"]
    md += [f"| {n} | {t:.1f} | {cpu[n]:.1f} |" for n, t in rows]
    md += [f"| **total** | **{total:.1f}** | **{sum(cpu.values()):.1f}** |", ""]
    if parallel is not None:
        md += [f"Analyses and index {jobs} at a time (as `make -j{jobs} reports` after the build): "
               f"{parallel['analyses_and_index']:.1f} s wall, against {parallel['serial_analyses_and_index']:.1f} s "
               "one at a time; fetch and build as above.", ""]
    (RESULTS / "reports.md").write_text("\n".join(md))
    summary = {"machine": machine, "steps": rows, "total": total, "cpu": cpu, "parallel": parallel}
    (RESULTS / "reports.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
