"""Benchmark: ``peacestats build`` against the sum of its loaders and against reading the data as CSV.

In one run on this machine, from the fetched raw files:

* the build with an empty parsed-source cache (cold: every source parsed) and again with the
  cache it filled (warm: the rebuild parses nothing), each in a fresh process so that no
  in-process memo makes the second one look faster, ``--repeat`` times (default 3, each pair
  from its own empty cache; the medians are reported, every time listed); then the cold build in
  two processes (``PEACESTATS_BUILD_JOBS=2``, whatever the load; by default a build forks only
  when a CPU is idle) and the warm build in one process (``PEACESTATS_BUILD_JOBS=1``: no table
  built in a forked second process) and in two, to show what the second core gives; the tables
  of all of them must be identical. Each build also records its CPU seconds, in its own process
  and in the processes it forked (steadier than the wall time on a busy machine), and the
  1-minute load average when it started;
* the sum of the build's loaders parsing their files (``load(key, cache=False)``), the same
  loaders reading the cache, and the same frames read back from CSV (the parse floor the
  issue on speed names);
* the ratios between them.

Writes ``benchmarks/results/build.md`` and ``build.json``. Run by ``make bench``; nothing is
asserted (times depend on the machine and its load, which the result records).
"""

from __future__ import annotations

import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from _common import RESULTS, ROOT, use_mirror

sys.path.insert(0, str(ROOT / "src"))
use_mirror()

_CHILD = r"""
import resource, sys, time
t0 = time.perf_counter()
from peacestats.build import build
t1 = time.perf_counter()
r0 = resource.getrusage(resource.RUSAGE_SELF)
build(sys.argv[1], echo=lambda *a: None)
t2 = time.perf_counter()
r1 = resource.getrusage(resource.RUSAGE_SELF)
rc = resource.getrusage(resource.RUSAGE_CHILDREN)  # the forked tables and the prefetching process
cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
print(f"{t1 - t0:.6f} {t2 - t1:.6f} {cpu:.6f} {rc.ru_utime + rc.ru_stime:.6f}")
"""


def _build_in_fresh_process(out: Path, cache: Path, jobs: int | None = None) -> dict:
    env = dict(os.environ, PEACESTATS_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT / "src"))
    env.pop("PEACESTATS_NO_CACHE", None)
    if jobs is not None:
        env["PEACESTATS_BUILD_JOBS"] = str(jobs)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _CHILD, str(out)], env=env, capture_output=True, text=True,
                         check=True)
    wall = time.perf_counter() - t0
    t_import, t_build, cpu_main, cpu_children = (float(x) for x in res.stdout.split()[-4:])
    return {"process_s": wall, "import_s": t_import, "build_s": t_build, "cpu_main_s": cpu_main,
            "cpu_children_s": cpu_children, "load_average_1min_at_start": round(load, 2)}


def _cpu(run: dict) -> float:
    """CPU seconds of a build, its own process and the processes it forked."""
    return run["cpu_main_s"] + run["cpu_children_s"]


def _times(runs: list[dict]) -> str:
    return ", ".join(f"{r['build_s']:.2f}" for r in runs)


def _median_run(runs: list[dict]) -> dict:
    """The run with the median build time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda r: r["build_s"])[(len(runs) - 1) // 2]


def _timed_build(label: str, out: Path, cache: Path, jobs: int | None = None) -> dict:
    print(f"build, {label} ...", flush=True)
    run = _build_in_fresh_process(out, cache, jobs)
    print(f"  {run['build_s']:.2f} s (process {run['process_s']:.2f} s; CPU {run['cpu_main_s']:.2f} s here, "
          f"{run['cpu_children_s']:.2f} s in forked processes; load {run['load_average_1min_at_start']})", flush=True)
    return run


def _hashes(folder: Path) -> dict[str, str]:
    from peacestats.fetch import sha256sum

    return {p.name: sha256sum(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _loaders(keys: list[str], cache: Path) -> list[dict]:
    """Each source: parse, read from the (warm) cache, read the same frame from CSV."""
    from peacestats.sources import load

    os.environ["PEACESTATS_CACHE_DIR"] = str(cache)
    load(keys[0], cache=False)  # imports (pandera, readers) are not the first source's parse time
    rows = []
    for key in keys:
        t_parse, df = _timed(lambda k=key: load(k, cache=False))
        load(key)  # make sure the entry is there
        t_cached, _ = _timed(lambda k=key: load(k))
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        text = buf.getvalue()
        t_csv, _ = _timed(lambda t=text: pd.read_csv(io.StringIO(t), low_memory=False))
        rows.append({"key": key, "rows": len(df), "parse_s": t_parse, "cached_s": t_cached, "csv_s": t_csv})
        print(f"  {key:<24} parse {t_parse:6.3f} s   cached {t_cached:6.3f} s   csv {t_csv:6.3f} s", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Time peacestats build cold and warm (see the module docstring).")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold and warm builds, each pair from its own empty cache; the medians are reported")
    args = parser.parse_args(argv)
    from peacestats import fetch, registry
    from peacestats._background import jobs
    from peacestats.build import TABLES

    keys = sorted({k for t in TABLES for k in t.sources if k in registry.keys()})
    for k in keys:
        fetch.require(k)
    load_avg = os.getloadavg()
    default_jobs = jobs()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        colds, warms = [], []
        for i in range(max(1, args.repeat)):
            colds.append(_timed_build(f"cold cache ({i + 1})", tmp / f"cold{i}", tmp / f"cache{i}"))
            warms.append(_timed_build(f"warm cache ({i + 1})", tmp / f"warm{i}", tmp / f"cache{i}"))
        cold, warm = _median_run(colds), _median_run(warms)
        cold2 = _timed_build("cold cache, two processes (PEACESTATS_BUILD_JOBS=2)", tmp / "cold_two",
                             tmp / "cache_two", jobs=2)
        single = _timed_build("warm cache, one process (PEACESTATS_BUILD_JOBS=1)", tmp / "single", tmp / "cache0",
                              jobs=1)
        double = _timed_build("warm cache, two processes (PEACESTATS_BUILD_JOBS=2)", tmp / "double", tmp / "cache0",
                              jobs=2)
        folders = [tmp / f"{kind}{i}" for kind in ("cold", "warm") for i in range(len(colds))]
        folders += [tmp / "cold_two", tmp / "single", tmp / "double"]
        identical = all(_hashes(f) == _hashes(folders[0]) for f in folders[1:])
        print("loaders ...", flush=True)
        loaders = _loaders(keys, tmp / "cache0")
    parse = sum(r["parse_s"] for r in loaders)
    cached = sum(r["cached_s"] for r in loaders)
    csv = sum(r["csv_s"] for r in loaders)
    ratios = {
        "cold_over_warm_build": cold["build_s"] / warm["build_s"],
        "cold_build_cpu_over_warm_build_cpu": _cpu(cold) / _cpu(warm),
        "warm_build_one_process_over_two": single["build_s"] / double["build_s"],
        "warm_build_over_sum_of_loaders_parsing": warm["build_s"] / parse,
        "sum_of_loaders_parsing_over_csv": parse / csv,
        "sum_of_loaders_cached_over_csv": cached / csv,
        "warm_build_over_csv": warm["build_s"] / csv,
    }
    machine = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "pandas": pd.__version__, "load_average_at_start": [round(x, 2) for x in load_avg],
               "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    result = {"cold": cold, "warm": warm, "cold_runs": colds, "warm_runs": warms, "cold_two_processes": cold2,
              "warm_one_process": single, "warm_two_processes": double,
              "default_build_jobs_at_start": default_jobs,
              "tables_identical": identical, "sources": loaders,
              "sum_parse_s": parse, "sum_cached_s": cached, "sum_csv_s": csv, "ratios": ratios,
              "environment": machine}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "build.json").write_text(json.dumps(result, indent=2) + "\n")
    md = ["# peacestats build", "",
          f"Machine: {machine['machine']}, {machine['cpus']} CPUs, Python {machine['python']}, pandas "
          f"{machine['pandas']}; load average {machine['load_average_at_start']} at the start and "
          f"{machine['load_average_at_end']} at the end (other work on the machine slows every number).", "",
          "| what | seconds |", "|---|---:|",
          f"| build, cold parsed-source cache (fresh process; import {cold['import_s']:.2f} s not included; "
          f"median of {len(colds)}: {_times(colds)}) | {cold['build_s']:.2f} |",
          f"| build, warm cache (fresh process; default: {default_jobs} process(es) at the start; median of "
          f"{len(warms)}: {_times(warms)}) | {warm['build_s']:.2f} |",
          f"| build, cold cache, two processes (PEACESTATS_BUILD_JOBS=2) | {cold2['build_s']:.2f} |",
          f"| build, warm cache, one process (PEACESTATS_BUILD_JOBS=1) | {single['build_s']:.2f} |",
          f"| build, warm cache, two processes (PEACESTATS_BUILD_JOBS=2) | {double['build_s']:.2f} |",
          f"| CPU of the median cold build, all processes (main {cold['cpu_main_s']:.2f}) | {_cpu(cold):.2f} |",
          f"| CPU of the median warm build, all processes (main {warm['cpu_main_s']:.2f}) | {_cpu(warm):.2f} |",
          f"| sum of the build's {len(keys)} loaders, parsing | {parse:.2f} |",
          f"| the same loaders, reading the cache | {cached:.2f} |",
          f"| the same frames read from CSV | {csv:.2f} |", "",
          "| ratio | |", "|---|---:|"]
    md += [f"| {k.replace('_', ' ')} | {v:.2f} |" for k, v in ratios.items()]
    md += ["", f"Every cold and warm build, in one or two processes, wrote identical tables: {identical}.", "",
           "| source | rows | parse (s) | cached (s) | CSV (s) |", "|---|---:|---:|---:|---:|"]
    md += [f"| {r['key']} | {r['rows']:,} | {r['parse_s']:.3f} | {r['cached_s']:.3f} | {r['csv_s']:.3f} |"
           for r in loaders]
    (RESULTS / "build.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
