"""Benchmark: our clustered Cox fit against R's ``survival::coxph``.

Fits ``(start, stop]`` Cox models with cluster-robust (Lin-Wei) standard errors on

* Fortna's ceasefire spells (192 rows, 96 clusters), and
* the project's conflict-level spell rows (``spell_rows``, complete cases; clusters are
  conflicts), the fit the analyses and the multiverse repeat, formula handling included,
* a seeded synthetic data set of 100,000 rows (25,000 spells split into 4 segments,
  500 clusters, 3 covariates, about 16% of rows ending in an event), and the same design
  with 1,000,000 rows,

and times our :func:`peacestats.models.cox.coxph` beside R's ``coxph`` with and without
``cluster =`` on the same data (written to a temporary CSV) when ``Rscript`` is on the
PATH. Both sides use Efron ties (R's default). Times are medians over repeated fits,
measured inside each language (no start-up, no file reading). R's ``coxph`` also
computes the concordance inside the fit; ours does that lazily, so we report our fit
alone and fit + ``glance()`` (concordance with its SE and all tests).

It splits one fit on the spell rows into formula/frame, engine and variance time
(:func:`overhead_split`), shows how our clustered fit grows from 10,000 to 1,000,000 rows, and writes
``benchmarks/results/cox.md`` and ``cox.json``. Run by ``make bench``; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from _common import RESULTS, ROOT, use_mirror

sys.path.insert(0, str(ROOT / "src"))
use_mirror()

from peacestats.models.cox import coxph  # noqa: E402

FORMULA_FORTNA = "pk_dum + victory + treaty + wardur + logdead + wartype"
FORMULA_SPELLS = "un_present + non_un_present + pa_signed + log_gdppc + polity2"


def spell_rows() -> pd.DataFrame:
    """The built ``spell_rows`` (``data/processed``, else built into a temporary folder), complete cases."""
    from peacestats import config
    from peacestats.build import build, read_table

    processed = config.processed_dir()
    if not (processed / "spell_rows.parquet").is_file():
        processed = Path(tempfile.mkdtemp(prefix="bench-cox-"))
        build(processed, tables=["spell_rows"], echo=lambda *a: None)
    d = read_table("spell_rows", processed)
    cols = ["start", "stop", "event", "conflict_id", *FORMULA_SPELLS.split(" + ")]
    d = d[cols].dropna().rename(columns={"conflict_id": "cluster"})
    return d.astype({c: "float64" for c in FORMULA_SPELLS.split(" + ")}).reset_index(drop=True)


def synthetic(n_rows: int = 100_000, seed: int = 20240601, rows_per_spell: int = 4) -> pd.DataFrame:
    """Seeded (start, stop] data: spells split into segments, clusters with a shared frailty.

    ``n_rows / rows_per_spell`` spells in ``n_rows / 200`` clusters (500 for 100,000 rows),
    covariates ``x1`` (binary), ``x2``, ``x3`` (normal), true log hazard ratios 0.5, -0.3,
    0.2, gamma cluster frailty (variance 0.5), uniform censoring; integer days, so there
    are tied event times. About 16% of rows end in an event.
    """
    rng = np.random.default_rng(seed)
    n_spells = n_rows // rows_per_spell
    n_clusters = max(2, n_rows // 200)
    cl = rng.integers(0, n_clusters, n_spells)
    frail = rng.gamma(2.0, 0.5, n_clusters)[cl]
    x1 = rng.binomial(1, 0.4, n_spells).astype(float)
    x2 = rng.normal(size=n_spells)
    x3 = rng.normal(size=n_spells)
    t = rng.exponential(1.0 / (0.0015 * frail * np.exp(0.5 * x1 - 0.3 * x2 + 0.2 * x3)))
    c = rng.uniform(200, 1500, n_spells)
    stop = np.ceil(np.minimum(t, c)) + 1
    ev = (t <= c).astype(float)
    k = rows_per_spell
    # split points strictly inside (0, stop): distinct integers
    frac = np.sort(rng.uniform(0, 1, (n_spells, k - 1)), axis=1)
    inner = np.floor(frac * (stop[:, None] - 1)) + 1
    inner = np.maximum.accumulate(inner, axis=1)
    bounds = np.concatenate([np.zeros((n_spells, 1)), inner, stop[:, None]], axis=1)
    e = np.zeros((n_spells, k))
    e[:, -1] = ev
    sid = np.repeat(np.arange(n_spells), k)
    df = pd.DataFrame({
        "id": sid, "start": bounds[:, :-1].ravel(), "stop": bounds[:, 1:].ravel(), "event": e.ravel(),
        "cluster": cl[sid], "x1": x1[sid], "x2": x2[sid], "x3": x3[sid],
    })
    # drop zero-length middle pieces (repeated split points); first and last pieces are never empty
    keep = df["stop"] > df["start"]
    return df[keep].reset_index(drop=True)


def _median_time(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def time_ours(df, formula, start, stop, event, cluster, reps):
    def fit():
        return coxph(formula, df, start=start, stop=stop, event=event, cluster=cluster, ties="efron")

    fit()  # warm-up (imports, patsy)
    t_fit = _median_time(fit, reps)

    def fit_glance():
        m = fit()
        m.glance()
        return m

    t_all = _median_time(fit_glance, max(1, reps // 2))
    m = fit()
    return t_fit, t_all, m


def overhead_split(df: pd.DataFrame, formula: str, reps: int = 50) -> dict[str, float]:
    """Median seconds of one clustered fit split into its steps: formula and frame, engine, the rest.

    ``frame``: parsing the survival terms, selecting and checking the rows, building and
    centring the design and the cluster codes (``cox_steps._survival_terms``, ``_cox_inputs``,
    ``_robust_clusters``); ``engine``: binning the rows once and the Newton-Raphson iterations
    (``engines.cox.prepare``, ``newton``); ``variance``: the model and Lin-Wei variances
    (``_cox_variance``; the robust score test is computed when a result asks for it);
    ``total``: ``coxph`` itself (the difference is the result object and the score test at
    beta = 0).
    """
    from peacestats.models import cox_steps as steps
    from peacestats.models.engines import cox as engine

    def frame():
        terms = steps._survival_terms(formula, "start", "stop", "event", "cluster", None)
        start, stop, event, rhs, strata, cluster = terms
        inp = steps._cox_inputs(df, rhs, start, stop, event, None, cluster, None, strata)
        rc = steps._robust_clusters(inp, None, cluster, None, start, None, inp.w, inp.event_v)
        return inp, rc

    inp, rc = frame()

    def fit():
        cd = engine.prepare(inp.design.X, inp.start_v, inp.stop_v, inp.event_v, inp.w, inp.strata_codes, True,
                            centred=inp.centred)
        return cd, engine.newton(cd, 1e-12, 50, inp.design.columns)

    cd, f = fit()
    out = {
        "frame_s": _median_time(frame, reps),
        "engine_s": _median_time(fit, reps),
        "variance_s": _median_time(lambda: steps._cox_variance(cd, f, inp.w, True, rc[1], rc[2], rc[3], False),
                                   reps),
        "total_s": _median_time(lambda: coxph(formula, df, start="start", stop="stop", event="event",
                                              cluster="cluster", ties="efron"), reps),
    }
    return out


R_SCRIPT = r"""
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); reps <- as.integer(args[2]); rhs <- args[3]
f <- as.formula(paste("Surv(start, stop, event) ~", rhs))
tm <- function(expr_fun) {
  t <- numeric(reps); for (i in seq_len(reps)) t[i] <- system.time(expr_fun())[["elapsed"]]; median(t)
}
fit_c <- coxph(f, data = d, cluster = cluster)
t_cl <- tm(function() coxph(f, data = d, cluster = cluster))
t_nc <- tm(function() coxph(f, data = d))
cat(sprintf('{"t_cluster": %.6f, "t_nocluster": %.6f, "coef": [%s], "se": [%s], "version": "%s"}\n',
    t_cl, t_nc, paste(sprintf("%.12g", coef(fit_c)), collapse = ", "),
    paste(sprintf("%.12g", sqrt(diag(fit_c$var))), collapse = ", "), packageVersion("survival")))
"""


def time_r(df, rhs, reps):
    """Median R timings (clustered, unclustered) and R's estimates, or None without Rscript."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "data.csv"
        script = Path(tmp) / "bench.R"
        df.to_csv(csv, index=False)
        script.write_text(R_SCRIPT)
        try:
            out = subprocess.run([rscript, str(script), str(csv), str(reps), rhs], capture_output=True,
                                 text=True, timeout=3600, check=True)
        except (subprocess.SubprocessError, OSError) as e:  # R present but survival missing, etc.
            print(f"R benchmark skipped: {e}", file=sys.stderr)
            return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from peacestats.sources import fortna_ceasefires

    if shutil.which("Rscript") is None:
        print("Rscript not found: the comparisons with R's coxph are skipped (ours are still timed).")
    rows = []
    fortna = fortna_ceasefires.load()
    cols = ["st_t0", "st_t", "st_d", "cluster", *FORMULA_FORTNA.split(" + ")]
    f = fortna[cols].dropna().rename(columns={"st_t0": "start", "st_t": "stop", "st_d": "event"})
    synth = synthetic(100_000)
    cases = [
        ("Fortna ceasefires", f, FORMULA_FORTNA, 50, 50),
        ("spell rows (conflict level)", spell_rows(), FORMULA_SPELLS, 50, 20),
        ("synthetic 100k rows", synth, "x1 + x2 + x3", 7, 5),
        ("synthetic 1M rows", synthetic(1_000_000), "x1 + x2 + x3", 3, 1),
    ]
    for label, df, rhs, reps_py, reps_r in cases:
        t_fit, t_all, m = time_ours(df, rhs, "start", "stop", "event", "cluster", reps_py)
        r = time_r(df, rhs, reps_r)
        row = {
            "data": label, "rows": len(df), "spells": int(df["id"].nunique()) if "id" in df else None,
            "clusters": int(df["cluster"].nunique()), "events": int(df["event"].sum()),
            "ours_fit_s": t_fit, "ours_fit_glance_s": t_all,
            "r_cluster_s": r["t_cluster"] if r else None, "r_nocluster_s": r["t_nocluster"] if r else None,
        }
        if r:
            row["ratio_r_nocluster_over_ours"] = r["t_nocluster"] / t_fit
            row["ratio_r_cluster_over_ours"] = r["t_cluster"] / t_fit
            row["max_rel_diff_coef"] = float(np.max(np.abs(m.params.to_numpy() - r["coef"]) / np.abs(r["coef"])))
            row["max_rel_diff_robust_se"] = float(np.max(np.abs(m.std_errors.to_numpy() - r["se"]) / np.abs(r["se"])))
            row["r_survival"] = r["version"]
        rows.append(row)
        print(f"{label}: ours {t_fit:.4f}s (with glance {t_all:.4f}s)"
              + (f", R cluster {r['t_cluster']:.4f}s, R no cluster {r['t_nocluster']:.4f}s" if r else ", R not run"))

    split = overhead_split(cases[1][1], FORMULA_SPELLS)
    print("spell rows, one clustered fit: " + ", ".join(f"{k[:-2]} {1e3 * v:.2f} ms" for k, v in split.items()))

    scaling = []
    for n in (10_000, 30_000, 100_000, 300_000, 1_000_000):
        d = synthetic(n)
        reps = 5 if n <= 100_000 else 3
        t_fit, _, m = time_ours(d, "x1 + x2 + x3", "start", "stop", "event", "cluster", reps)
        scaling.append({"rows": len(d), "events": int(d["event"].sum()), "clusters": int(d["cluster"].nunique()),
                        "ours_fit_s": t_fit, "us_per_row": 1e6 * t_fit / len(d)})
        print(f"scaling {len(d):>9,d} rows: {t_fit:.3f}s")

    env = {
        "python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
        "machine": platform.machine(), "cpus": os.cpu_count(),
        "r_survival": next((r.get("r_survival") for r in rows if r.get("r_survival")), None),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cox.json").write_text(json.dumps({"comparison": rows, "spell_rows_split": split, "scaling": scaling,
                                                  "environment": env}, indent=2) + "\n")

    def fmt(v, p=4):
        return "n/a" if v is None else (f"{v:.{p}f}" if isinstance(v, float) else str(v))

    lines = [
        "# Cox model benchmark (peacestats vs R survival::coxph)",
        "",
        "Efron ties, (start, stop] data, cluster-robust (Lin-Wei) SEs. Median wall-clock seconds "
        "per fit, measured inside each language. R's coxph also computes the concordance in the fit; "
        "'ours + glance' adds our (lazy) concordance, its SE and all tests.",
        "",
        "| data | rows | clusters | events | ours (robust SE) | ours + glance | R with cluster= | R without cluster | "
        "R no-cluster / ours | R cluster / ours | max rel. diff coef / robust SE |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        diff = (f"{r['max_rel_diff_coef']:.1e} / {r['max_rel_diff_robust_se']:.1e}"
                if r.get("max_rel_diff_coef") is not None else "n/a")
        lines.append(
            f"| {r['data']} | {r['rows']:,} | {r['clusters']} | {r['events']:,} | {fmt(r['ours_fit_s'])} | "
            f"{fmt(r['ours_fit_glance_s'])} | {fmt(r['r_cluster_s'])} | {fmt(r['r_nocluster_s'])} | "
            f"{fmt(r.get('ratio_r_nocluster_over_ours'), 1)}x | "
            f"{fmt(r.get('ratio_r_cluster_over_ours'), 1)}x | {diff} |"
        )
    lines += ["", "## Where one fit on the spell rows spends its time", "",
              "Median milliseconds: formula and model frame (survival terms, complete rows, checks, "
              "design, cluster codes); engine (bin the rows once, Newton-Raphson); variances (model, Lin-Wei; "
              "the robust score test on first use); the whole `coxph` call (the rest is the result object and "
              "the score test).",
              "", "| frame | engine | variances | coxph |", "|---:|---:|---:|---:|",
              f"| {1e3 * split['frame_s']:.2f} | {1e3 * split['engine_s']:.2f} | {1e3 * split['variance_s']:.2f} | "
              f"{1e3 * split['total_s']:.2f} |"]
    lines += ["", "## How our clustered fit grows", "", "| rows | events | clusters | seconds | microseconds per row |",
              "|---:|---:|---:|---:|---:|"]
    for s in scaling:
        lines.append(f"| {s['rows']:,} | {s['events']:,} | {s['clusters']:,} | {s['ours_fit_s']:.3f} | "
                     f"{s['us_per_row']:.2f} |")
    lines += ["", f"Environment: Python {env['python']}, numpy {env['numpy']}, pandas {env['pandas']}, "
              f"{env['cpus']} CPUs ({env['machine']}), R survival {env['r_survival'] or 'not run'}. "
              "Shared machine: timings vary by a few tens of percent between runs.", ""]
    (RESULTS / "cox.md").write_text("\n".join(lines))
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
