"""Benchmark: ``peacestats build`` against the sum of its loaders and against reading the data as CSV.

In one run on this machine, from the fetched raw files:

* the build with an empty parsed-source cache (cold: every source parsed) and again with the
  cache it filled (warm: the rebuild parses nothing), each in a fresh process so that no
  in-process memo makes the second one look faster; then the warm build again in one process
  (``PEACESTATS_BUILD_JOBS=1``: no table built in a forked second process) and in two
  (``PEACESTATS_BUILD_JOBS=2``, whatever the load; by default a build forks only when a CPU is
  idle), to show what the second core gives; the tables of all four must be identical;
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

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "src"))
if not os.environ.get("PEACESTATS_DATA_MIRROR") and (ROOT.parent / "shared" / "data" / "MANIFEST.md").is_file():
    os.environ["PEACESTATS_DATA_MIRROR"] = str(ROOT.parent / "shared" / "data")

_CHILD = r"""
import sys, time
t0 = time.perf_counter()
from peacestats.build import build
t1 = time.perf_counter()
build(sys.argv[1], echo=lambda *a: None)
t2 = time.perf_counter()
print(f"{t1 - t0:.6f} {t2 - t1:.6f}")
"""


def _build_in_fresh_process(out: Path, cache: Path, jobs: int | None = None) -> dict:
    env = dict(os.environ, PEACESTATS_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT / "src"))
    env.pop("PEACESTATS_NO_CACHE", None)
    if jobs is not None:
        env["PEACESTATS_BUILD_JOBS"] = str(jobs)
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _CHILD, str(out)], env=env, capture_output=True, text=True,
                         check=True)
    wall = time.perf_counter() - t0
    t_import, t_build = (float(x) for x in res.stdout.split()[-2:])
    return {"process_s": wall, "import_s": t_import, "build_s": t_build}


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


def main() -> int:
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
        cache = tmp / "cache"
        print("build, cold cache ...", flush=True)
        cold = _build_in_fresh_process(tmp / "cold", cache)
        print(f"  {cold['build_s']:.2f} s (process {cold['process_s']:.2f} s)")
        print("build, warm cache ...", flush=True)
        warm = _build_in_fresh_process(tmp / "warm", cache)
        print(f"  {warm['build_s']:.2f} s (process {warm['process_s']:.2f} s)")
        print("build, warm cache, one process ...", flush=True)
        single = _build_in_fresh_process(tmp / "single", cache, jobs=1)
        print(f"  {single['build_s']:.2f} s (process {single['process_s']:.2f} s)")
        print("build, warm cache, two processes ...", flush=True)
        double = _build_in_fresh_process(tmp / "double", cache, jobs=2)
        print(f"  {double['build_s']:.2f} s (process {double['process_s']:.2f} s)")
        identical = (_hashes(tmp / "cold") == _hashes(tmp / "warm") == _hashes(tmp / "single")
                     == _hashes(tmp / "double"))
        print("loaders ...", flush=True)
        loaders = _loaders(keys, cache)
    parse = sum(r["parse_s"] for r in loaders)
    cached = sum(r["cached_s"] for r in loaders)
    csv = sum(r["csv_s"] for r in loaders)
    ratios = {
        "cold_over_warm_build": cold["build_s"] / warm["build_s"],
        "warm_build_one_process_over_two": single["build_s"] / double["build_s"],
        "warm_build_over_sum_of_loaders_parsing": warm["build_s"] / parse,
        "sum_of_loaders_parsing_over_csv": parse / csv,
        "sum_of_loaders_cached_over_csv": cached / csv,
        "warm_build_over_csv": warm["build_s"] / csv,
    }
    machine = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "pandas": pd.__version__, "load_average_at_start": [round(x, 2) for x in load_avg],
               "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    result = {"cold": cold, "warm": warm, "warm_one_process": single, "warm_two_processes": double,
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
          f"| build, cold parsed-source cache (fresh process; import {cold['import_s']:.2f} s not included) | "
          f"{cold['build_s']:.2f} |",
          f"| build, warm cache (fresh process; default: {default_jobs} process(es) at the start) | "
          f"{warm['build_s']:.2f} |",
          f"| build, warm cache, one process (PEACESTATS_BUILD_JOBS=1) | {single['build_s']:.2f} |",
          f"| build, warm cache, two processes (PEACESTATS_BUILD_JOBS=2) | {double['build_s']:.2f} |",
          f"| sum of the build's {len(keys)} loaders, parsing | {parse:.2f} |",
          f"| the same loaders, reading the cache | {cached:.2f} |",
          f"| the same frames read from CSV | {csv:.2f} |", "",
          "| ratio | |", "|---|---:|"]
    md += [f"| {k.replace('_', ' ')} | {v:.2f} |" for k, v in ratios.items()]
    md += ["", f"Cold, warm, one- and two-process builds wrote identical tables: {identical}.", "",
           "| source | rows | parse (s) | cached (s) | CSV (s) |", "|---|---:|---:|---:|---:|"]
    md += [f"| {r['key']} | {r['rows']:,} | {r['parse_s']:.3f} | {r['cached_s']:.3f} | {r['csv_s']:.3f} |"
           for r in loaders]
    (RESULTS / "build.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
