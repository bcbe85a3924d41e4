"""Benchmark: the multiverse's null without refitting against the refits, on the same draws.

The report's null (``analyses/multiverse.py``) can be taken two ways on the same seeded
cluster-bootstrap draws of conflicts (:func:`peacestats.robustness.run_null`):

* ``method="refit"``: every specification refitted on every draw (Newton from the
  full-sample estimate, iterated to convergence);
* ``method="score"``: every specification moved by its rows' influence in the full-sample
  fit (the estimating-function bootstrap, Hu & Kalbfleisch 2000), its clustered SE on the
  draw from the same influences.

This runs both on the report's multiverse (1,152 specifications) with B = 199 draws, the
same draws for both, and the score null with B = 999 (its first 199 draws are those), and
measures:

* agreement draw by draw: the correlation of the curve's null median and null share,
  and of each specification's centred estimate and SE;
* the curve's p-values and null 95th percentiles under each, with the Monte Carlo
  standard error of each p-value, sqrt(p (1 - p) / B);
* CPU and wall seconds of each (2 forked workers for the refits, as the report runs them;
  the score null in this process).

Writes ``benchmarks/results/null.md`` and ``.json``. Run by ``make bench``; nothing is asserted.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # as the report runs
    os.environ.setdefault(_v, "1")

import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from _common import ROOT, cpu_seconds, use_mirror, write_results  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))

B_REFIT = 199  # the full run's B; the same draws for both methods
B_SCORE = 999


def _timed(fn):
    t, c = time.perf_counter(), cpu_seconds()
    out = fn()
    return out, time.perf_counter() - t, cpu_seconds() - c


def _mc_se(p: float, B: int) -> float:
    return float((p * (1 - p) / B) ** 0.5)


def main() -> None:
    import numpy as np

    from peacestats.robustness import curve_inference, load_config, run_multiverse, run_null
    from peacestats.robustness import ucdp_peace

    cfg = load_config(ROOT / "analyses" / "multiverse_ucdp_peace.toml")
    mv = cfg["multiverse"]
    seed, unit = int(cfg["null"].get("seed", 20201)), cfg["null"].get("unit", "conflict_id")
    data = ucdp_peace.prepare_data(mv.dimensions["recurrence"])
    with tempfile.TemporaryDirectory() as tmp:
        res = run_multiverse(mv, workers=2, data=data, output=tmp, progress=False)
        refit, refit_wall, refit_cpu = _timed(lambda: run_null(mv, resamples=B_REFIT, seed=seed, unit=unit,
                                                               workers=2, data=data, output=tmp, progress=False))
    score, score_wall, score_cpu = _timed(lambda: run_null(mv, resamples=B_REFIT, seed=seed, unit=unit,
                                                           method="score", data=data, progress=False))
    score_big, big_wall, big_cpu = _timed(lambda: run_null(mv, resamples=B_SCORE, seed=seed, unit=unit,
                                                           method="score", data=data, progress=False))
    inf = {"refit": curve_inference(res, refit), "score": curve_inference(res, score),
           "score_999": curve_inference(res, score_big)}
    ok = res[res["error_type"].isna()].set_index("spec")["estimate"]
    pairs = refit.merge(score, on=["spec", "resample"], suffixes=("_refit", "_score"))
    pairs = pairs[pairs["error_type_refit"].isna() & pairs["error_type_score"].isna() & pairs["spec"].isin(ok.index)]
    centre = ok.loc[pairs["spec"]].to_numpy(float)
    corr = {
        "null_median": float(np.corrcoef(inf["refit"]["null_median"], inf["score"]["null_median"])[0, 1]),
        "null_share": float(np.corrcoef(inf["refit"]["null_share"], inf["score"]["null_share"])[0, 1]),
        "centred_estimate": float(np.corrcoef(pairs["estimate_refit"] - centre,
                                              pairs["estimate_score"] - centre)[0, 1]),
        "std_error": float(np.corrcoef(pairs["std_error_refit"], pairs["std_error_score"])[0, 1]),
        "std_error_median_ratio": float(np.median(pairs["std_error_score"] / pairs["std_error_refit"])),
    }
    failed = {"refit": float(refit["error_type"].notna().mean()), "score": float(score["error_type"].notna().mean())}
    rows = {}
    for k, i in inf.items():
        B = i["resamples"]
        rows[k] = {"B": B, "p_median": i["p_median"], "p_median_mc_se": _mc_se(i["p_median"], B),
                   "p_share": i["p_share"], "p_share_mc_se": _mc_se(i["p_share"], B),
                   "null_median_95": i["null_median_95"], "null_share_95": i["null_share_95"]}
    timing = {"refit": {"wall": refit_wall, "cpu": refit_cpu}, "score": {"wall": score_wall, "cpu": score_cpu},
              "score_999": {"wall": big_wall, "cpu": big_cpu}}
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    observed = {k: inf["refit"][k] for k in ("median_estimate", "share_significant")}
    out = {"machine": machine, "specifications": len(res), "observed": observed,
           "inference": rows, "correlation": corr, "failed_share": failed, "timing": timing,
           "pairs": len(pairs), "load_average": os.getloadavg()[0]}
    names = {"refit": f"refit, B = {B_REFIT}", "score": f"score, B = {B_REFIT} (same draws)",
             "score_999": f"score, B = {B_SCORE}"}
    md = [
        "# The multiverse's null: score draws against refits, on the same draws", "",
        f"Machine: {machine}; load average {out['load_average']:.1f} at the end. The report's multiverse "
        f"({len(res):,} specifications), cluster-bootstrap draws of conflicts (seed {seed}). Observed: median "
        f"estimate {out['observed']['median_estimate']:.4f} (log ratio), share significant with its sign "
        f"{out['observed']['share_significant']:.3f}.", "",
        "| null | p median (MC SE) | p share (MC SE) | null 95th pct, median | null 95th pct, share | CPU s | wall s |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *[f"| {names[k]} | {r['p_median']:.3f} ({r['p_median_mc_se']:.3f}) | {r['p_share']:.3f} "
          f"({r['p_share_mc_se']:.3f}) | {r['null_median_95']:.4f} | {r['null_share_95']:.3f} "
          f"| {timing[k]['cpu']:.1f} | {timing[k]['wall']:.1f} |" for k, r in rows.items()], "",
        f"Draw by draw (B = {B_REFIT}, the same draws): the curve's null medians correlate "
        f"**{corr['null_median']:.3f}** and its null shares **{corr['null_share']:.3f}**; over the "
        f"{len(pairs):,} specification-draws both fitted, the centred estimates correlate "
        f"{corr['centred_estimate']:.3f} and the SEs {corr['std_error']:.3f} (median ratio score/refit "
        f"{corr['std_error_median_ratio']:.3f}). Failed on a draw: refits {100 * failed['refit']:.1f}%, score "
        f"{100 * failed['score']:.1f}% (specifications the lean path declines on the full sample).", "",
        f"CPU: the score null takes {timing['score']['cpu']:.1f} s for the B = {B_REFIT} draws the refits take "
        f"{timing['refit']['cpu']:.1f} s for ({timing['refit']['cpu'] / timing['score']['cpu']:.0f}x), and "
        f"{timing['score_999']['cpu']:.1f} s for B = {B_SCORE}.",
    ]
    write_results("null", md, out)


if __name__ == "__main__":
    use_mirror()
    main()
