"""The targets of issue 15 beside what the last ``make bench`` measured: ``results/summary.md``.

Reads the JSON files the ``bench_*.py`` scripts wrote into ``benchmarks/results/`` (one
``make bench`` run, so the numbers share a machine and its load) and writes one table:
each target, the measured value, and whether it is met. A missing result is reported
as missing, never guessed. Nothing is asserted; ``make bench`` runs this last.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _cox_row(cox: dict | None, label: str) -> dict | None:
    if cox is None:
        return None
    return next((r for r in cox.get("comparison", []) if r.get("data", "").startswith(label)), None)


def _make_reports(reports: dict | None) -> float | None:
    """``make reports`` from the fetched raw files with nothing else on disk, timed as a whole (``reports.json``)."""
    return ((reports or {}).get("cold") or {}).get("wall")


def _make_reports_warm(reports: dict | None) -> float | None:
    """``make reports`` again after deleting the tables and reports: every cache warm."""
    return ((reports or {}).get("warm") or {}).get("wall")


def rows() -> list[tuple[str, str, float | None, float | None, str]]:
    """(target, unit, measured, limit, source) for every target of the issue (limit None: reported only)."""
    build, cox, reports, mv, est, null = (_load(n) for n in ("build", "cox", "reports", "multiverse", "estimators",
                                                             "null"))
    spell = _cox_row(cox, "spell rows")
    k100, m1 = _cox_row(cox, "synthetic 100k"), _cox_row(cox, "synthetic 1M")
    out: list[tuple[str, str, float | None, float | None, str]] = [
        ("build from fetched raw, warm parsed-source cache", "s", (build or {}).get("warm", {}).get("build_s"), 5.0,
         "build.json"),
        ("build from fetched raw, cold cache (nothing parsed before)", "s",
         (build or {}).get("cold", {}).get("build_s"), 5.0, "build.json"),
        ("one Cox fit on the spell rows, formula handling included", "ms",
         None if spell is None else 1000 * spell["ours_fit_s"], 5.0, "cox.json"),
        ("clustered Cox, 100,000 rows", "s", None if k100 is None else k100["ours_fit_s"], 0.15, "cox.json"),
        ("clustered Cox, 1,000,000 rows", "s", None if m1 is None else m1["ours_fit_s"], 1.5, "cox.json"),
        ("make reports from fetched raw, nothing else on disk (a fresh clone): fetch, build, analyses, index",
         "s", _make_reports(reports), 20.0, "reports.json"),
        ("make reports from fetched raw, every cache warm (parsed sources, multiverse fits)", "s",
         _make_reports_warm(reports), 20.0, "reports.json"),
    ]
    for r in (est or {}).get("rows", []):
        ratio = r.get("ratio_r_over_ours")
        if ratio is not None:
            out.append((f"{r['estimator']} at {r['rows']:,} rows: R's time over ours", "x", ratio, 1.0,
                        "estimators.json"))
    if mv:
        rate = max((r["specs_per_second"] for r in mv.get("dask", [])), default=None)
        out.append(("multiverse specifications per second (best LocalCluster)", "/s", rate, None, "multiverse.json"))
    if null:
        t = null["timing"]
        out.append(("multiverse null, same draws: refit CPU over score CPU", "x",
                    t["refit"]["cpu"] / t["score"]["cpu"], None, "null.json"))
        out.append(("multiverse null, same draws: per-draw null medians, score vs refit (correlation)", "",
                    null["correlation"]["null_median"], None, "null.json"))
    return out


def main() -> int:
    table = rows()
    md = ["# Issue 15 targets and the last `make bench`", "",
          f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average now {[round(x, 2) for x in os.getloadavg()]}. Each source file gives the load it was "
          "measured under.", "", "| target | measured | limit | met | from |", "|---|---:|---:|---|---|"]
    for what, unit, value, limit, src in table:
        higher_is_better = unit in ("x", "/s")
        shown = "not measured" if value is None else f"{value:,.3g} {unit}"
        if limit is None:
            bound, met = "report", "-"
        else:
            bound = (">= " if higher_is_better else "<= ") + f"{limit:g} {unit}"
            met = "?" if value is None else (
                "yes" if (value >= limit if higher_is_better else value <= limit) else "**no**")
        md.append(f"| {what} | {shown} | {bound} | {met} | {src} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
