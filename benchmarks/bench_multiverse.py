"""Benchmark: the ucdp_peace multiverse (1,152 specifications) on 1 and 2 local workers.

Measures, on the real built tables (``data/processed``):

* the cost of one fit, by estimator, **before and after the fast path**: before, the
  documented estimators (``coxph``, ``survreg``, ``logit`` with a formula, patsy and a
  result object) fitted once per clustering, as the multiverse did; after, the lean fits
  of :mod:`peacestats.robustness.lean` on the model frames built once, one fit for both
  clusterings (Cox on merged unchanged rows). Costs are per specification (a group of two
  clusterings counts as two), in this process with one BLAS thread, as a Dask worker runs;
* the cost of one bootstrap resample of one specification (the cluster draw shared by a
  task, plus the refit from the full-sample estimate), and the same refits from the
  default start (no warm start) on the same draws;
* specifications per second on a LocalCluster of 1 and of 2 single-threaded worker
  processes (cluster start-up timed apart), and the speed-up ratio;
* the report's run as the report and ``peacestats multiverse run`` do it (every
  specification and B resamples on 2 processes forked from this one, data prepared
  here), and the same on a 2-worker LocalCluster, beside the time measured before the
  fast path (:data:`BEFORE_REPORT`);
* from those, the time a 1,000-specification x 200-resample null would take on N
  workers, assuming the 2-worker efficiency holds (an optimistic bound for many
  machines: network and scheduler overhead grow with N).

Writes ``benchmarks/results/multiverse.md`` and ``.json``. Run by ``make bench``;
nothing is asserted. The machine may be shared: times are what they were, and CPU
times (``time.process_time``) are given beside wall-clock ones.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # as on a Dask worker
    os.environ.setdefault(_v, "1")

import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from _common import ROOT, cpu_seconds, use_mirror, write_results  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))

B_SAMPLE = 2  # resamples timed for the cost per resample
#: analyses/multiverse.py (B = 20, 2 workers) before the warm starts and the lean Weibull Newton:
#: measured by the session lead on 2 quiet cores, 2026-12-02 (its multiverse run alone)
BEFORE_REPORT = {"seconds": 92.0, "measured": "2026-12-02, 2 quiet cores, analyses/multiverse.py"}
BEFORE_EVERY = 5  # the documented estimators are timed on every 5th group (slow; 5 is prime to the 3 estimators)


def _warm() -> None:
    import peacestats.models.cox  # noqa: F401
    import peacestats.models.parametric  # noqa: F401
    import peacestats.models.regression  # noqa: F401
    import peacestats.robustness.ucdp_peace  # noqa: F401
    import statsmodels.api  # noqa: F401


def _per_fit(data, groups, every: int, full: bool) -> dict[str, list[float]]:
    """CPU seconds per specification, by estimator: lean (one fit per group) or documented (one per clustering)."""
    from peacestats.robustness import lean, ucdp_peace

    out: dict[str, list[float]] = {}
    for g in groups[::every]:
        o = ucdp_peace._options(g[0][2])
        clusters = [ucdp_peace._options(x[2])["cluster"] for x in g]
        t = time.process_time()
        if full:
            frame = data[o["recurrence"]][ucdp_peace.LEVELS[o["estimator"]]]
            mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
            extra = ucdp_peace.TIME_TERMS if o["estimator"] == "logit" else []
            lean.full(o["estimator"], frame, mask, terms, {c: ucdp_peace.CLUSTER_COLUMNS[c] for c in clusters}, extra)
        else:
            ucdp_peace.fit_many([x[2] for x in g], data)
        out.setdefault(o["estimator"], []).append((time.process_time() - t) / len(g))
    return out


def _dask_rows(mv, data) -> list[dict]:
    from dask.distributed import get_task_stream

    from peacestats.robustness import run_multiverse
    from peacestats.robustness.run import dask_client

    rows: list[dict] = []
    for n in (1, 2, 1, 2):  # twice each, alternating: the machine may be shared; the faster run counts
        t = time.perf_counter()
        with dask_client(workers=n) as client:
            start = time.perf_counter() - t
            client.run(_warm)  # imports (statsmodels, patsy, the models) as a warm worker has them
            with get_task_stream(client) as stream:
                t = time.perf_counter()
                res = run_multiverse(mv, client=client, data=data, chunk_size=16, progress=False)
                wall = time.perf_counter() - t
            busy = sum(s["stop"] - s["start"] for r in stream.data for s in r["startstops"] if s["action"] == "compute")
        row = {"workers": n, "specifications": len(res), "seconds": wall, "specs_per_second": len(res) / wall,
               "cluster_start_seconds": start, "failed": int(res["error_type"].notna().sum()),
               "worker_busy_share": busy / (n * wall), "seconds_per_spec_on_workers": busy / len(res)}
        if len(rows) < 2:
            rows.append(row)
        elif row["seconds"] < rows[n - 1]["seconds"]:
            rows[n - 1] = row
    return rows


def _cold_resample(mv, data, fp, groups) -> float:
    """CPU seconds per specification of the refits on the first draws from the default start (no warm start)."""
    from peacestats.robustness import ucdp_peace
    from peacestats.robustness.run import resample_seed

    c = time.process_time()
    n = 0
    for b in range(B_SAMPLE):
        drawn = ucdp_peace.resample_clusters(data, resample_seed(20201, fp, b))
        for g in groups:
            try:
                ucdp_peace.fit_many([x[2] for x in g], drawn, fallback=False)
            except Exception:  # noqa: BLE001 - a declined fit costs what it costs, as in the null
                pass
            n += len(g)
    return (time.process_time() - c) / n


def _report_run(mv, B: int, dask: bool, chunk: int) -> dict:
    """Every specification and B resamples on 2 workers (wall and CPU clock, this process and its children).

    ``dask``: on one 2-worker LocalCluster (as ``--scheduler`` runs would, locally); else on 2
    processes forked from this one, as the report and ``peacestats multiverse run`` run them on Linux.
    Each run prepares its own data (a fresh process's cost), in an empty output folder.
    """
    import contextlib
    import tempfile

    from peacestats.robustness import run as run_module
    from peacestats.robustness import run_multiverse, run_null
    from peacestats.robustness.run import dask_client

    run_module._PREPARED.clear()
    t0, c0 = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryDirectory() as tmp, (dask_client(workers=2) if dask else contextlib.nullcontext()) as cl:
        t1 = time.perf_counter()
        res = run_multiverse(mv, client=cl, workers=2, output=tmp, chunk_size=chunk, progress=False)
        t2 = time.perf_counter()
        null = run_null(mv, resamples=B, client=cl, workers=2, output=tmp, progress=False)
        t3 = time.perf_counter()
    return {"cluster_start_seconds": t1 - t0, "specifications_seconds": t2 - t1, "null_seconds": t3 - t2,
            "total_seconds": time.perf_counter() - t0, "cpu_seconds": cpu_seconds() - c0, "fits": len(res) + len(null),
            "workers": "2 Dask LocalCluster workers" if dask else "2 forked processes"}


def main() -> None:
    from peacestats.robustness import Multiverse, data_fingerprint, load_config
    from peacestats.robustness import ucdp_peace
    from peacestats.robustness.run import _groups, null_chunk, resample_seed

    cfg = load_config(ROOT / "analyses" / "multiverse_ucdp_peace.toml")
    mv: Multiverse = cfg["multiverse"]
    fp = data_fingerprint()
    specs = mv.expand(fp)
    groups = _groups(specs, ucdp_peace.SHARED)
    t0, c0 = time.perf_counter(), time.process_time()
    data = ucdp_peace.prepare_data(mv.dimensions["recurrence"])
    prep, prep_cpu = time.perf_counter() - t0, time.process_time() - c0

    before = _per_fit(data, groups, BEFORE_EVERY, full=True)
    after = _per_fit(data, groups, 1, full=False)
    cost = {e: {"before": statistics.mean(before[e]), "after": statistics.mean(after[e])} for e in after}
    mean_before = statistics.mean([x for v in before.values() for x in v])
    mean_after = statistics.mean([x for v in after.values() for x in v])

    # cost per bootstrap resample of one specification (draw shared by the task + refit), CPU
    for g in groups:  # the warm starts, fitted once per process (in a run: once per worker)
        ucdp_peace.warm_start(g[0][2], data)
    c = time.process_time()
    for b in range(B_SAMPLE):
        null_chunk(mv.analysis, data, resample_seed(20201, fp, b), "conflict_id", b, groups)
    per_resample = (time.process_time() - c) / (B_SAMPLE * len(specs))
    per_resample_cold = _cold_resample(mv, data, fp, groups)
    c = time.process_time()
    ucdp_peace.resample_clusters(data, 1)
    draw = time.process_time() - c

    # the null without refitting (method="score"): one lean fit per group, then each draw from its influence
    from peacestats.robustness import run_null

    score_cpu = {}
    for B in (19, 199, 999):
        c = time.process_time()
        run_null(mv, resamples=B, method="score", workers=0, data=data, progress=False)
        score_cpu[B] = time.process_time() - c

    dask_rows = _dask_rows(mv, data)
    ratio = dask_rows[1]["specs_per_second"] / dask_rows[0]["specs_per_second"]
    efficiency = min(1.0, ratio / 2)
    projection = []
    for n in (1, 2, 8, 32, 128):
        seconds = 1000 * 200 * per_resample / (n * (efficiency if n > 1 else 1.0))
        projection.append({"workers": n, "minutes": seconds / 60})
    report_B = int(cfg["report"].get("resamples", 20))
    report_cpu = prep_cpu + (1 + report_B) * per_resample * len(specs)
    load_before = os.getloadavg()[0]
    chunk = int(cfg["run"].get("chunk_size", 16))
    report = _report_run(mv, report_B, dask=False, chunk=chunk)
    report.update(load_before=load_before, load_after=os.getloadavg()[0], before=BEFORE_REPORT)
    report_dask = _report_run(mv, report_B, dask=True, chunk=chunk)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    out = {"machine": machine, "specifications": len(specs), "fits": len(groups),
           "data_preparation_seconds": prep, "data_preparation_cpu_seconds": prep_cpu,
           "cpu_seconds_per_spec": cost, "cpu_seconds_per_spec_mean": {"before": mean_before, "after": mean_after},
           "bootstrap_cpu_seconds_per_spec_resample": per_resample,
           "bootstrap_cpu_seconds_per_draw": per_resample * len(specs),
           "bootstrap_cpu_seconds_per_spec_resample_default_start": per_resample_cold,
           "cluster_draw_cpu_seconds": draw, "report_run": report, "report_run_dask": report_dask,
           "dask": dask_rows, "speedup_2_vs_1": ratio, "projection_1000x200": projection,
           "report_resamples": report_B, "report_cpu_seconds_estimate": report_cpu,
           "score_null_cpu_seconds": score_cpu}
    md = [
        "# Multiverse on Dask (ucdp_peace)", "",
        f"Machine: {machine}. {len(specs):,} specifications ({' x '.join(str(len(v)) for v in mv.dimensions.values())}"
        f": {', '.join(mv.dimensions)}), {len(groups)} fits (both clusterings from one fit); data prepared in "
        f"{prep:.1f} s ({prep_cpu:.1f} s CPU; the 730-day rule's spells are read from the built tables, "
        "checked against the episodes).", "",
        "CPU seconds per specification, before (documented estimators, one fit per clustering; every "
        f"{BEFORE_EVERY}th group) and after (lean fits on the shared model frames, one fit for both clusterings):", "",
        "| estimator | before | after | speed-up |", "|---|---|---|---|",
        *[f"| {e} | {v['before']:.4f} | {v['after']:.4f} | {v['before'] / v['after']:.1f}x |" for e, v in cost.items()],
        f"| all | {mean_before:.4f} | {mean_after:.4f} | {mean_before / mean_after:.1f}x |", "",
        f"Per bootstrap draw (every specification refitted on one cluster-bootstrap draw): "
        f"{per_resample * len(specs):.2f} s CPU. "
        f"Per bootstrap resample of one specification: {per_resample:.4f} s CPU, {1 / per_resample:.0f} "
        f"specifications per CPU second, starting from the full-sample estimate ({per_resample_cold:.4f} s, "
        f"{1 / per_resample_cold:.0f} per second, from the default start; the cluster draw itself, one per "
        f"draw: {draw:.3f} s).", "",
        f"The null without refitting (`run_null(method=\"score\")`: one lean fit per group of specifications, "
        f"then each draw from the fits' influence): {score_cpu[19]:.2f} s CPU for B = 19, {score_cpu[199]:.2f} s "
        f"for B = 199, {score_cpu[999]:.2f} s for B = 999, in this process; refitting B = 19 draws takes about "
        f"{19 * per_resample * len(specs):.1f} s CPU ({19 * per_resample * len(specs) / score_cpu[19]:.0f}x).", "",
        f"The report's run (every specification and B = {report_B} resamples, {report['fits']:,} specification "
        f"fits, on 2 processes forked from the one that prepared the data, as the report and `peacestats "
        f"multiverse run` do on Linux): {report['total_seconds']:.1f} s wall and {report['cpu_seconds']:.1f} CPU "
        f"seconds ({report['specifications_seconds']:.1f} s specifications with data preparation, "
        f"{report['null_seconds']:.1f} s null), {report['fits'] / report['total_seconds']:.0f} specifications per "
        f"second; load average {report['load_before']:.1f} before, {report['load_after']:.1f} after. The same on "
        f"a 2-worker Dask LocalCluster: {report_dask['total_seconds']:.1f} s wall and "
        f"{report_dask['cpu_seconds']:.1f} CPU seconds ({report_dask['cluster_start_seconds']:.1f} s cluster "
        f"start). Before the fast path: {BEFORE_REPORT['seconds']:.0f} s ({BEFORE_REPORT['measured']}).", "",
        "| LocalCluster workers | seconds | specifications / second | workers busy | seconds per spec on a worker "
        "| cluster start, s |", "|---|---|---|---|---|---|",
        *[f"| {r['workers']} | {r['seconds']:.1f} | {r['specs_per_second']:.1f} | {100 * r['worker_busy_share']:.0f}% "
          f"| {r['seconds_per_spec_on_workers']:.4f} | {r['cluster_start_seconds']:.1f} |" for r in dask_rows], "",
        f"Speed-up 2 vs 1 worker: {ratio:.2f}x. Workers busy close to 100% of the time means Dask's overhead is "
        "small; a cost per fit that grows with the number of workers means the cores are shared (other "
        "processes on the machine), not that the work does not divide.", "",
        "1,000 specifications x 200 resamples (200,000 specification fits), at the measured CPU cost per "
        "resample and the 2-worker efficiency:", "",
        "| workers | minutes |", "|---|---|", *[f"| {p['workers']} | {p['minutes']:.1f} |" for p in projection], "",
        f"The report (`analyses/multiverse.py`, B = {report_B}) needs about {report_cpu:.0f} s of CPU "
        f"(data preparation, {len(specs):,} specifications and {report_B} resamples): about "
        f"{report_cpu / 2:.0f} s on 2 free cores, plus Dask start-up.",
    ]
    write_results("multiverse", md, out)


if __name__ == "__main__":
    use_mirror()
    main()
