"""Benchmark: the source loaders, and the Excel engine against the readers it replaced.

For every registered source, in one run on this machine: the time of its loader
(``peacestats.sources.load``, parsing and validation) and, for the Excel workbooks, the time
of the raw parse with python-calamine (the engine the loaders use) against openpyxl/xlrd,
with a check that both give identical frames. Also the time of reading the same data back
from CSV, the parse floor the issue on speed names. Ratios are printed within the run; no
timing is asserted anywhere. Writes ``benchmarks/results/loaders.md`` and ``.json``.
"""

from __future__ import annotations

import io
import json
import os
import platform
import time

import pandas as pd

from _common import RESULTS, use_mirror


def _time(fn, repeat: int = 1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    use_mirror()
    from peacestats import fetch, registry
    from peacestats.sources import _base, load

    rows = []
    for key in registry.keys():
        ds = registry.get(key)
        path = fetch.require(key)
        t_load, df = _time(lambda k=key: load(k, cache=False))  # parsing, not the parsed-source cache
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        text = buf.getvalue()
        t_csv, _ = _time(lambda t=text: pd.read_csv(io.StringIO(t), low_memory=False))
        row = {"key": key, "format": ds.format, "rows": len(df), "load_s": t_load, "csv_floor_s": t_csv}
        if ds.format in _base.REFERENCE_EXCEL_ENGINES:
            sheet = ds.sheet or 0
            t_fast, fast = _time(lambda p=path, s=sheet: pd.read_excel(p, sheet_name=s, engine=_base.EXCEL_ENGINE))
            ref_engine = _base.REFERENCE_EXCEL_ENGINES[ds.format]
            t_ref, ref = _time(lambda p=path, s=sheet, e=ref_engine: pd.read_excel(p, sheet_name=s, engine=e))
            try:
                pd.testing.assert_frame_equal(fast, ref, check_exact=True)
                same = True
            except AssertionError:
                same = False
            row.update({"calamine_s": t_fast, "reference_engine": ref_engine, "reference_s": t_ref,
                        "speedup": t_ref / t_fast, "identical": same})
        rows.append(row)
        print(f"  {key:<24} load {t_load:6.2f} s   csv floor {t_csv:5.2f} s"
              + (f"   calamine {row['calamine_s']:5.2f} s vs {row['reference_engine']} {row['reference_s']:5.2f} s "
                 f"(x{row['speedup']:.1f}, identical: {row['identical']})" if "calamine_s" in row else ""), flush=True)
    total = sum(r["load_s"] for r in rows)
    floor = sum(r["csv_floor_s"] for r in rows)
    print(f"  all loaders {total:.1f} s; the same frames from CSV {floor:.1f} s (ratio {total / floor:.1f})")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = ["# Source loaders", "", f"Machine: {machine}", "",
          "| source | format | rows | load (s) | CSV floor (s) | calamine (s) | reference (s) | speed-up | identical |",
          "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        md.append(f"| {r['key']} | {r['format']} | {r['rows']:,} | {r['load_s']:.2f} | {r['csv_floor_s']:.2f} | "
                  + (f"{r['calamine_s']:.2f} | {r['reference_s']:.2f} ({r['reference_engine']}) | "
                     f"x{r['speedup']:.1f} | {r['identical']} |" if "calamine_s" in r else "| | | |"))
    md += ["", f"All loaders: {total:.1f} s; the same frames read from CSV: {floor:.1f} s.", ""]
    (RESULTS / "loaders.md").write_text("\n".join(md))
    (RESULTS / "loaders.json").write_text(json.dumps({"machine": machine, "loaders": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
