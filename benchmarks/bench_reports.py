"""Benchmark: how long `make reports` takes, step by step, on this machine.

Runs the same steps as ``make reports`` into temporary folders (a fresh
``data/raw`` fetched from the mirror, ``data/processed``, ``reports``), each as
its own process, and times them with a wall clock and in CPU seconds (user +
system, which a busy machine inflates less): fetch, build, then every
analysis script in ``analyses/`` one after another (each its own interpreter, as
``make reports/<name>.json`` runs one), then the index. Then it runs the analyses
again into a fresh reports folder as ``make reports`` runs them: one
``peacestats report run --jobs JOBS`` (longest first, by the times above; each
analysis forked from one process that has imported the libraries once), then the
index, and times that too (wall and CPU), with the multiverse's results cache emptied first
(as on a fresh clone; the serial run filled it); then rebuilds from the parsed-source cache and
runs the analyses once more with every cache warm. Creating the virtual environment is not
included (it depends on the package index, not on us). ``JOBS`` comes from the
environment (default: the number of cores, as in the Makefile). Writes
``benchmarks/results/reports.md`` and ``.json``. Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import re
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: less sensitive to load than wall time."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def runner_times(stdout: str) -> dict[str, float]:
    """Each analysis's wall time from what ``peacestats report run`` prints (``  <name>  <seconds> s``)."""
    lines = re.finditer(r"^\s+(\S+)\s+([0-9.]+) s(?:  FAILED.*)?$", stdout, re.M)
    return {f"analysis {m[1]}": float(m[2]) for m in lines}


def _parallel(env: dict[str, str], ordered: list[str], jobs: int, index: tuple[str, list[str]],
              reports: str) -> dict:
    """The analyses (``ordered``, longest first) and the index into ``reports`` as ``make reports`` runs them."""
    env = dict(env, PEACESTATS_REPORTS_DIR=reports)
    t0, c0 = time.perf_counter(), children_cpu()
    run = subprocess.run([str(BIN / "peacestats"), "report", "run", "--jobs", str(jobs), *ordered], cwd=ROOT,
                         env=dict(env, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1"),
                         check=True, capture_output=True, text=True)
    subprocess.run(index[1], cwd=ROOT, env=env, check=True, capture_output=True)
    return {"jobs": jobs, "analyses_and_index": time.perf_counter() - t0, "analyses_and_index_cpu":
            children_cpu() - c0, "each": runner_times(run.stdout)}


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
    load_start = os.getloadavg()
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
        # the analyses and the index again, into a fresh folder, as make reports runs them: first with the
        # multiverse's results cache emptied (the serial run above filled it), as on a fresh clone, then
        # again after a rebuild from the parsed-source cache, with every cache warm
        serial_time = dict(rows)
        ordered = [cmd[-1] for _, cmd in sorted(analyses, key=lambda a: -serial_time[a[0]])]
        shutil.rmtree(Path(tmp) / "interim" / "cache" / "multiverse", ignore_errors=True)
        parallel = _parallel(env, ordered, jobs, index, f"{tmp}/reports-run")
        serial = sum(t for n, t in rows if n.startswith("analysis ") or n == "index")
        serial_cpu = sum(c for n, c in cpu.items() if n.startswith("analysis ") or n == "index")
        parallel.update(serial_analyses_and_index=serial, serial_analyses_and_index_cpu=serial_cpu)
        print(f"  {f'analyses + index, report run --jobs {jobs}':<32} {parallel['analyses_and_index']:7.1f} s  "
              f"(CPU {parallel['analyses_and_index_cpu']:6.1f} s; one interpreter each, one at a time: {serial:.1f} s, "
              f"CPU {serial_cpu:.1f} s)")
        shutil.rmtree(f"{tmp}/processed")
        t0, c0 = time.perf_counter(), children_cpu()
        subprocess.run([str(BIN / "peacestats"), "build"], cwd=ROOT, env=env, check=True, capture_output=True)
        warm = {"build": time.perf_counter() - t0, "build_cpu": children_cpu() - c0}
        warm.update(_parallel(env, ordered, jobs, index, f"{tmp}/reports-warm"))
        print(f"  {'warm caches: build':<32} {warm['build']:7.1f} s  (CPU {warm['build_cpu']:6.1f} s)")
        print(f"  {'warm caches: analyses + index':<32} {warm['analyses_and_index']:7.1f} s  "
              f"(CPU {warm['analyses_and_index_cpu']:6.1f} s)")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
               f"{load_start[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = ["# make reports, step by step", "", f"Machine: {machine}", "",
          "| step | seconds | CPU seconds |", "|---|---:|---:|"]
    md += [f"| {n} | {t:.1f} | {cpu[n]:.1f} |" for n, t in rows]
    md += [f"| **total** | **{total:.1f}** | **{sum(cpu.values()):.1f}** |", ""]
    md += [f"Analyses and index as `make reports` runs them (`peacestats report run --jobs {jobs}`, then the index), "
           "the multiverse's results cache empty: "
           f"{parallel['analyses_and_index']:.1f} s wall and {parallel['analyses_and_index_cpu']:.1f} CPU seconds, "
           f"against {parallel['serial_analyses_and_index']:.1f} s and {parallel['serial_analyses_and_index_cpu']:.1f} "
           "CPU seconds one interpreter at a time; fetch and build as above.", "",
           f"With every cache warm (a rebuild from the parsed-source cache: {warm['build']:.1f} s; the multiverse's "
           f"fits read back from its results cache): the analyses and index took {warm['analyses_and_index']:.1f} s "
           f"wall and {warm['analyses_and_index_cpu']:.1f} CPU seconds.", ""]
    (RESULTS / "reports.md").write_text("\n".join(md))
    summary = {"machine": machine, "steps": rows, "total": total, "cpu": cpu, "parallel": parallel, "warm": warm}
    (RESULTS / "reports.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
