"""The ``peacestats`` command line.

::

    peacestats data list                 # key, version, coverage, fetched or not
    peacestats data fetch KEY ... | --all   # into data/raw/<key>/<version>/, sha256-verified
    peacestats data verify [KEY ...]     # re-check the sha256 of fetched files
    peacestats data info KEY             # the dataset's page
    peacestats data cite KEY ...         # BibTeX (dataset keys and method names)
    peacestats build [TABLE ...]         # harmonized tables in data/processed
    peacestats report index              # reports/index.html
    peacestats report cite REPORT        # BibTeX of what a report used
    peacestats report run [--jobs N] SCRIPT ...   # analyses N at a time, forked after one import
    peacestats report run [--jobs N] --queue FILE -- COMMAND ...   # the scripts COMMAND queues in FILE
    peacestats multiverse run CONFIG [--workers N | --scheduler ADDR] [--bootstrap B] [--null-method M] [--output DIR]

Also ``python -m peacestats``. Exit status: 0 on success, 1 when a check
fails, 2 on a usage or data error (the message says what to do).
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from . import __version__


def _cmd_list(args) -> int:
    from . import fetch, registry

    rows = [("key", "version", "coverage", "unit", "fetched")]
    for ds in registry.datasets():
        rows.append((ds.key, ds.version, ds.coverage_label, ds.unit, "yes" if fetch.is_fetched(ds.key) else "no"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def _keys(args) -> list[str]:
    from . import registry

    if getattr(args, "all", False) or not args.keys:
        return registry.keys()
    for k in args.keys:
        registry.get(k)  # fail on an unknown key before doing anything
    return list(args.keys)


def _cmd_fetch(args) -> int:
    from . import config, fetch

    if not args.keys and not args.all:
        print("peacestats data fetch: name dataset keys or use --all", file=sys.stderr)
        return 2
    keys = _keys(args)
    mirror = config.data_mirror()
    print(f"Fetching {len(keys)} dataset(s) from {mirror or 'the registry addresses'} into {config.raw_dir()}")
    for k in keys:
        res = fetch.fetch(k, progressbar=not args.quiet and sys.stderr.isatty())
        how = "already present, sha256 ok" if res.source == "cache" else "fetched, sha256 ok"
        print(f"  {k:<24} {how}")
    return 0


def _cmd_verify(args) -> int:
    from . import fetch

    bad = 0
    for k in _keys(args):
        ok, why = fetch.verify(k)
        if not ok and why == "not fetched" and not args.keys:
            print(f"  {k:<24} not fetched")
            continue
        print(f"  {k:<24} {why}")
        bad += not ok
    return 1 if bad else 0


def _cmd_info(args) -> int:
    from . import fetch, registry, sources

    ds = registry.get(args.key)
    wrap = lambda s: textwrap.fill(s, 88, subsequent_indent="    ")  # noqa: E731
    print(f"{ds.title} ({ds.key}), version {ds.version}")
    print("=" * min(88, len(ds.title) + len(ds.key) + len(ds.version) + 14))
    print(wrap(ds.description))
    print()
    for label, value in (
        ("Publisher", ds.publisher),
        ("Unit", ds.unit),
        ("Coverage", ds.coverage_label or "-"),
        ("Country codes", ds.code_system or "-"),
        ("File", f"{ds.file} ({ds.format}, {ds.size:,} bytes)"),
        ("sha256", ds.sha256),
        ("Download", ds.url or "none: mirror only"),
        ("Homepage", ds.homepage or "-"),
        ("Origin", ds.origin),
        ("Licence", ds.licence),
        ("Fetched", str(fetch.local_path(ds.key)) if fetch.is_fetched(ds.key) else "no"),
        ("Citation", ds.citation),
    ):
        print(wrap(f"{label + ':':<15}{value}"))
    doc = sources.loader_doc(ds.key)
    if doc:
        print()
        print(doc)
    return 0


def _cmd_cite(args) -> int:
    from .citations import cite

    sys.stdout.write(cite(args.keys))
    return 0


def _cmd_build(args) -> int:
    from . import config
    from .build import build

    out = args.out or config.processed_dir()
    print(f"Building harmonized tables into {out}")
    build(out, tables=args.tables or None)
    return 0


def _cmd_report_index(args) -> int:
    from .report.html import write_index

    path = write_index(args.out)
    print(f"Wrote {path}")
    return 0


def _cmd_report_run(args) -> int:
    import functools

    from .report.runner import run_analyses, run_queued

    # each analysis's line as it ends, also when make's output goes to a file or a pipe
    echo = functools.partial(print, flush=True)
    if args.queue is not None:
        return run_queued(args.scripts, args.queue, jobs=args.jobs, echo=echo)
    return run_analyses(args.scripts, jobs=args.jobs, echo=echo)


def _cmd_report_cite(args) -> int:
    from pathlib import Path

    from . import config
    from .citations import cite
    from .errors import PeacestatsError
    from .safepath import check_name

    check_name(args.name, "report name")
    out = Path(args.out) if args.out else config.reports_dir()
    entry = out / f"{args.name}.json"
    if not entry.is_file():
        known = sorted(p.stem for p in out.glob("*.json"))
        raise PeacestatsError(
            f"no report {args.name!r} in {out} (built: {', '.join(known) or 'none'}); run make reports"
        )
    from .report.html import read_entry

    prov = read_entry(entry)["provenance"]
    sys.stdout.write(cite([d["key"] for d in prov["datasets"]] + list(prov["methods"])))
    return 0


def _cmd_multiverse_run(args) -> int:
    import contextlib
    import json
    from pathlib import Path

    import matplotlib.pyplot as plt

    from . import config, io
    from .robustness import curve_inference, dask_client, load_config, run_multiverse, run_null, spec_curve_figure
    from .robustness.run import uses_dask

    cfg = load_config(args.config)
    mv, null_cfg = cfg["multiverse"], cfg["null"]
    out = Path(args.output) if args.output else config.reports_dir() / "multiverse" / Path(args.config).stem
    B = int(args.bootstrap if args.bootstrap is not None else null_cfg.get("resamples", 99))
    method = args.null_method or null_cfg.get("method", "refit")
    dask = uses_dask(scheduler=args.scheduler, workers=args.workers)
    n = args.workers if args.workers is not None else "one per core"
    on = args.scheduler or ("this process" if args.workers == 0 else
                            f"{'a LocalCluster' if dask else 'forked processes'} ({n} worker(s))")
    print(f"{mv.size} specifications of {mv.analysis} on {on}; results in {out}")
    # one client for the specifications and the null: the cluster starts once, the data go out once
    with dask_client(scheduler=args.scheduler, workers=args.workers) if dask else contextlib.nullcontext() as cl:
        where = dict(client=cl, workers=args.workers, output=out, progress=False if args.quiet else None)
        res = run_multiverse(mv, chunk_size=int(cfg["run"].get("chunk_size", 8)), **where)
        failed = int(res["error_type"].notna().sum())
        print(f"  {len(res)} specifications ({res.attrs['fitted_now']} fitted now), {failed} could not be fitted")
        null = None
        if B > 0:
            null = run_null(mv, resamples=B, seed=int(null_cfg.get("seed", 20201)),
                            unit=null_cfg.get("unit", "conflict_id"), method=method, **where)
    # each file whole or not at all (a temporary file, then a rename): a killed run leaves the previous ones
    io.write_parquet(res, out / "results.parquet")
    inf = curve_inference(res, null)
    summary = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in inf.items()}
    if null is not None:
        summary["null_method"] = method
    io.write_text(out / "inference.json", json.dumps(summary, indent=2) + "\n")
    fig = spec_curve_figure(res, inference=inf)
    io.write_figure(fig, out / "spec_curve.png")
    plt.close(fig)
    print(f"  median estimate {inf['median_estimate']:.3f}; {100 * inf['share_significant']:.1f}% significant "
          f"(p < 0.05) with its sign")
    if null is not None:
        how = "refitted" if method == "refit" else "estimating-function (score), not refitted"
        print(f"  null (B = {inf['resamples']}, centred cluster bootstrap by {null_cfg.get('unit', 'conflict_id')}, "
              f"{how}): "
              f"p = {inf['p_median']:.3f} for the median, p = {inf['p_share']:.3f} for the share")
    print(f"  wrote {out / 'results.parquet'}, {out / 'inference.json'}, {out / 'spec_curve.png'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peacestats", description="Peace and conflict data, models and reports.")
    p.add_argument("--version", action="version", version=f"peacestats {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="the source datasets: list, fetch, verify, info, cite")
    dsub = data.add_subparsers(dest="data_command", required=True)
    dsub.add_parser("list", help="registered datasets and whether they are fetched").set_defaults(func=_cmd_list)
    f = dsub.add_parser("fetch", help="fetch datasets into data/raw and verify their sha256")
    f.add_argument("keys", nargs="*", metavar="KEY")
    f.add_argument("--all", action="store_true", help="every registered dataset")
    f.add_argument("--quiet", action="store_true", help="no progress bars")
    f.set_defaults(func=_cmd_fetch)
    v = dsub.add_parser("verify", help="re-check the sha256 of fetched files")
    v.add_argument("keys", nargs="*", metavar="KEY")
    v.set_defaults(func=_cmd_verify)
    i = dsub.add_parser("info", help="the dataset's page: description, columns, licence, citation")
    i.add_argument("key", metavar="KEY")
    i.set_defaults(func=_cmd_info)
    c = dsub.add_parser("cite", help="BibTeX for dataset keys (and method names such as coxph)")
    c.add_argument("keys", nargs="+", metavar="KEY")
    c.set_defaults(func=_cmd_cite)

    b = sub.add_parser("build", help="build the harmonized tables in data/processed (and datapackage.json)")
    b.add_argument("tables", nargs="*", metavar="TABLE", help="tables to build (default: all)")
    b.add_argument("--out", help="output folder (default data/processed)")
    b.set_defaults(func=_cmd_build)

    r = sub.add_parser("report", help="reports: `peacestats report index` writes reports/index.html")
    rsub = r.add_subparsers(dest="report_command", required=True)
    ri = rsub.add_parser("index", help="write reports/index.html from the reports written so far")
    ri.add_argument("--out", help="reports folder (default reports/)")
    ri.set_defaults(func=_cmd_report_index)
    rc = rsub.add_parser("cite", help="BibTeX of every dataset and method a built report used")
    rc.add_argument("name", metavar="REPORT", help="e.g. fortna2008")
    rc.add_argument("--out", help="reports folder (default reports/)")
    rc.set_defaults(func=_cmd_report_cite)
    rr = rsub.add_parser("run", help="run analysis scripts N at a time, each forked from one process that has "
                                     "imported their libraries once (what make reports runs)")
    rr.add_argument("scripts", nargs="+", metavar="SCRIPT", help="e.g. analyses/fortna2008.py, longest first; with "
                    "--queue, a command (after --) that writes the scripts to run into FILE")
    rr.add_argument("--jobs", type=int, default=1, help="how many run at once (default 1)")
    rr.add_argument("--queue", metavar="FILE", help="run the command given instead of scripts, importing the "
                    "libraries meanwhile, then the scripts it listed in FILE (make reports: the make that builds "
                    "the tables and queues the out-of-date reports)")
    rr.set_defaults(func=_cmd_report_run)

    m = sub.add_parser("multiverse", help="robustness: run every specification of a multiverse (on Dask)")
    msub = m.add_subparsers(dest="multiverse_command", required=True)
    mr = msub.add_parser("run", help="fit every specification of CONFIG, the null curve, and the spec-curve figure")
    mr.add_argument("config", metavar="CONFIG", help="multiverse TOML file, e.g. analyses/multiverse_ucdp_peace.toml")
    where = mr.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="worker processes, forked on Linux, a Dask LocalCluster elsewhere "
                       "(default: cores; 0: fit in this process)")
    where.add_argument("--scheduler", metavar="ADDR", help="address of a running Dask scheduler, tcp://host:8786")
    mr.add_argument("--bootstrap", type=int, metavar="B", help="null resamples (default: the config's, else 99)")
    mr.add_argument("--null-method", choices=["refit", "score"], help="refit every specification on each draw "
                    "(default: the config's [null] method, else refit), or move each by its influence (score)")
    mr.add_argument("--output", metavar="DIR", help="results folder (default reports/multiverse/<CONFIG name>)")
    mr.add_argument("--quiet", action="store_true", help="no progress bar")
    mr.set_defaults(func=_cmd_multiverse_run)
    return p


#: BLAS thread settings the command line sets (unless the environment already does) before numpy loads:
#: the fits are small, and on a shared 2-core machine two BLAS threads per fit made them 3-4x slower.
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: list[str] | None = None) -> int:
    import os

    if "numpy" not in sys.modules:  # (too late once numpy is loaded, e.g. main() called from Python)
        for var in BLAS_THREADS:
            os.environ.setdefault(var, "1")
    from .errors import PeacestatsError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PeacestatsError as exc:
        print(f"peacestats: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
