"""Benchmark: how long `make reports` takes, step by step, on this machine.

First the steps one at a time, each its own process, into temporary folders (a fresh
``data/raw`` fetched from the mirror, ``data/processed``, ``reports``), timed with a wall
clock and in CPU seconds (user + system, which a busy machine inflates less): fetch,
build, then every analysis script in ``analyses/`` one after another (each its own
interpreter with one BLAS thread, as ``make reports/<name>.json`` runs one), then the index.

Then ``make reports`` as the Makefile runs it, timed as a whole: one
``peacestats report run --jobs JOBS --queue FILE -- COMMAND``, whose command fetches,
builds and queues every analysis (longest first, by the times above) while the runner
imports the libraries; then the analyses forked from it, JOBS at a time; then the index.
**Cold** three times, each from the fetched raw files with nothing else on disk (no
parsed-source cache, no tables, an empty multiverse results cache: a fresh clone), the
median counting, and **warm** once, after
deleting the tables and reports only (the build reads the parsed-source cache, the
multiverse reads its fits back). Creating the virtual environment is not included (it
depends on the package index, not on us). ``JOBS`` comes from the environment (default:
the number of cores, as in the Makefile). Writes ``benchmarks/results/reports.md`` and
``.json``. Nothing is asserted.

The machine is a virtual one whose speed drifts (the same cold run has taken from 25 to 33
s within an hour): each ``make reports`` run also reports the CPU time the hypervisor gave
to others while it ran (``steal`` in ``/proc/stat``), and the CPU seconds, which drift
less than the wall clock.
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

from _common import RESULTS, ROOT, use_mirror
BIN = Path(sys.executable).parent


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: less sensitive to load than wall time."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def steal_seconds() -> float | None:
    """CPU seconds stolen from this virtual machine so far, over all cores (``/proc/stat``; ``None`` elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def runner_times(stdout: str) -> dict[str, float]:
    """Each analysis's wall time from what ``peacestats report run`` prints (``  <name>  <seconds> s``)."""
    lines = re.finditer(r"^\s+(\S+)\s+([0-9.]+) s(?:  FAILED.*)?$", stdout, re.M)
    return {f"analysis {m[1]}": float(m[2]) for m in lines}


COLD_RUNS = 3  # cold make reports runs, each into fresh folders: the median counts

ONE_BLAS_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _as_make(env: dict[str, str], ordered: list[str], jobs: int, index: list[str], folder: Path) -> dict:
    """``make reports`` into ``folder`` (raw files from ``env``): fetch, build, analyses in one runner; the index."""
    env = dict(env, **ONE_BLAS_THREAD, PEACESTATS_PROCESSED_DIR=str(folder / "processed"),
               PEACESTATS_REPORTS_DIR=str(folder / "reports"), PEACESTATS_CACHE_DIR=str(folder / "interim" / "cache"))
    queue = folder / "queue"
    queue.write_text("")
    ps = str(BIN / "peacestats")
    command = (f"{ps} data fetch --all --quiet >/dev/null && {ps} build >/dev/null && "
               f"printf '%s\\n' {' '.join(ordered)} > {queue}")  # what the inner make does on a fresh clone
    t0, c0, s0 = time.perf_counter(), children_cpu(), steal_seconds()
    run = subprocess.run([ps, "report", "run", "--jobs", str(jobs), "--queue", str(queue), "--", "bash", "-c", command],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    subprocess.run(index, cwd=ROOT, env=env, check=True, capture_output=True)
    s1 = steal_seconds()
    return {"jobs": jobs, "wall": time.perf_counter() - t0, "cpu": children_cpu() - c0,
            "steal": None if s0 is None or s1 is None else s1 - s0, "each": runner_times(run.stdout)}


def main() -> int:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    use_mirror(env)
    jobs = int(env.get("JOBS") or os.cpu_count() or 2)
    index = [str(BIN / "peacestats"), "report", "index"]
    analyses = [(f"analysis {s.stem}", [sys.executable, str(s)]) for s in sorted((ROOT / "analyses").glob("*.py"))]
    steps: list[tuple[str, list[str]]] = [
        ("fetch (mirror)", [str(BIN / "peacestats"), "data", "fetch", "--all", "--quiet"]),
        ("build", [str(BIN / "peacestats"), "build"]),
        *analyses,
        ("index", index),
    ]
    rows = []
    cpu: dict[str, float] = {}
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        serial = Path(tmp) / "serial"
        env.update(PEACESTATS_RAW_DIR=f"{tmp}/raw", PEACESTATS_PROCESSED_DIR=f"{serial}/processed",
                   PEACESTATS_REPORTS_DIR=f"{serial}/reports", PEACESTATS_CACHE_DIR=f"{serial}/interim/cache")
        for name, cmd in steps:
            t0, c0 = time.perf_counter(), children_cpu()
            step_env = dict(env, **ONE_BLAS_THREAD) if name.startswith("analysis ") else env
            subprocess.run(cmd, cwd=ROOT, env=step_env, check=True, capture_output=True)
            rows.append((name, time.perf_counter() - t0))
            cpu[name] = children_cpu() - c0
            print(f"  {name:<32} {rows[-1][1]:7.1f} s  (CPU {cpu[name]:6.1f} s)", flush=True)
        total = sum(t for _, t in rows)
        print(f"  {'total':<32} {total:7.1f} s")
        # make reports as the Makefile runs it: cold into fresh folders (only data/raw kept, as fetched), then
        # warm: the same folders again after deleting the tables and the reports
        serial_time = dict(rows)
        ordered = [cmd[-1] for _, cmd in sorted(analyses, key=lambda a: -serial_time[a[0]])]
        runs = []
        for k in range(COLD_RUNS):
            made = Path(tmp) / f"made{k}"
            made.mkdir()
            runs.append(_as_make(env, ordered, jobs, index, made))
            print(f"  {f'make reports, cold, --jobs {jobs}':<32} {runs[-1]['wall']:7.1f} s  "
                  f"(CPU {runs[-1]['cpu']:6.1f} s, stolen {runs[-1]['steal'] or 0:4.1f} s)")
        cold = dict(sorted(runs, key=lambda r: r["wall"])[len(runs) // 2], runs=runs)
        shutil.rmtree(made / "processed")
        shutil.rmtree(made / "reports")
        warm = _as_make(env, ordered, jobs, index, made)
        print(f"  {'make reports, warm caches':<32} {warm['wall']:7.1f} s  (CPU {warm['cpu']:6.1f} s)")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
               f"{load_start[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = ["# make reports, step by step", "", f"Machine: {machine}", "",
          "| step | seconds | CPU seconds |", "|---|---:|---:|"]
    md += [f"| {n} | {t:.1f} | {cpu[n]:.1f} |" for n, t in rows]
    md += [f"| **total** | **{total:.1f}** | **{sum(cpu.values()):.1f}** |", ""]
    md += [f"`make reports` as the Makefile runs it (`peacestats report run --jobs {jobs} --queue` with a command "
           "that fetches, builds and queues the analyses while the runner imports the libraries, then the index), "
           f"from the fetched raw files with nothing else on disk: **{cold['wall']:.1f} s** wall and "
           f"{cold['cpu']:.1f} CPU seconds (the median of {COLD_RUNS} runs: "
           + ", ".join(f"{r['wall']:.1f} s with {r['cpu']:.1f} CPU s and {r['steal'] or 0:.1f} s stolen by the "
                       "hypervisor" for r in cold["runs"])
           + f"); with every cache warm (the tables rebuilt from the parsed-source cache, "
           f"the multiverse's fits read back): {warm['wall']:.1f} s wall and {warm['cpu']:.1f} CPU seconds.", "",
           "| analysis (cold run) | seconds |", "|---|---:|"]
    md += [f"| {n.removeprefix('analysis ')} | {t:.1f} |" for n, t in cold["each"].items()]
    md += [""]
    (RESULTS / "reports.md").write_text("\n".join(md))
    summary = {"machine": machine, "steps": rows, "total": total, "cpu": cpu, "cold": cold, "warm": warm}
    (RESULTS / "reports.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
