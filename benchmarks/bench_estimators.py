"""Benchmark: every estimator against its R counterpart, on the same data, in one run.

Issue 15 asks that every estimator be at least as fast as R on the same data. For each
estimator this fits the same model in both languages on seeded synthetic data of two
sizes (2,000 rows, the size of a typical spell data set, 10,000 and 50,000 rows; the
Fine-Gray model up to 10,000, see :data:`FINEGRAY_MAX_ROWS`) and reports the
median wall-clock seconds of a fit, measured inside each language (no start-up, no file
reading), the ratio R / ours (above 1: we are faster), and the largest relative
difference of the coefficients (or curve values), which shows both fitted the same model.

=====================  ==================================================================
ours                   R
=====================  ==================================================================
``kaplan_meier``       ``survfit(Surv(time, event) ~ group)``
``logrank_test``       ``survdiff(Surv(time, event) ~ group)``
``coxph``              ``coxph(Surv(time, event) ~ x1 + x2 + x3, cluster = cluster)``
``cox_zph``            ``cox.zph(fit)`` (the fit not timed)
``survreg``            ``survreg(Surv(time, event) ~ x1 + x2 + x3, dist = "weibull", cluster = cluster)``
``logit``/``probit``   ``glm(y ~ ..., binomial)`` + ``sandwich::vcovCL(type = "HC1")``
``poisson``            ``glm(count ~ ..., poisson)`` + ``vcovCL``
``negbin``             ``MASS::glm.nb(count ~ ...)``
``ols``                ``lm(y ~ ...)`` + ``vcovCL``
``cumulative_incidence`` ``survfit(Surv(time, factor(cause)) ~ group)`` (Aalen-Johansen)
``finegray``           ``finegray()`` + weighted ``coxph`` (cause 1)
=====================  ==================================================================

Writes ``benchmarks/results/estimators.md`` and ``.json``. Without ``Rscript`` on the
PATH only our times are reported. Run by ``make bench``; nothing is asserted.
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
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import peacestats as ps  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SIZES = (2_000, 10_000, 50_000)
RHS = "x1 + x2 + x3"
#: R's finegray() gives every competing-event row one row per later censoring time (memory grows with
#: n^2: at 50,000 rows R needed more than 6 GB), so the Fine-Gray model runs up to this size only.
FINEGRAY_MAX_ROWS = 10_000


def synthetic(n: int, seed: int = 20261202) -> pd.DataFrame:
    """Seeded data: survival times with ties, two competing causes, a 3-level group,
    clusters of about 20 rows, and binary, count and continuous outcomes on the same
    covariates (x1 binary, x2 and x3 normal)."""
    rng = np.random.default_rng(seed + n)
    x1 = rng.binomial(1, 0.4, n).astype(float)
    x2 = rng.normal(size=n)
    x3 = rng.normal(size=n)
    lp = 0.5 * x1 - 0.3 * x2 + 0.2 * x3
    t_event = rng.exponential(1.0 / (0.002 * np.exp(lp)))
    t_cens = rng.uniform(0, 1500, n)
    time_ = np.ceil(np.minimum(t_event, t_cens)).astype(float)  # whole days: tied times
    event = (t_event <= t_cens).astype(int)
    cause = np.where(event == 1, 1 + rng.binomial(1, 0.35, n), 0)
    return pd.DataFrame({
        "time": time_, "event": event, "cause": cause,
        "group": rng.choice(["a", "b", "c"], n),
        "x1": x1, "x2": x2, "x3": x3,
        "cluster": rng.integers(0, max(2, n // 20), n),
        "y": rng.binomial(1, 1 / (1 + np.exp(-(lp - 0.5)))),
        "count": rng.negative_binomial(2.0, 2.0 / (2.0 + np.exp(0.3 + lp))),
        "yc": 1.0 + lp + rng.normal(size=n),
    })


def _coef(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def _cif_values(res: Any) -> np.ndarray:
    """The causes' curves stacked as R's ``pstate[, -1]``: cause, then group, then time."""
    t = res.tidy()
    t = t[t["state"] != "(s0)"].sort_values(["state", "group", "time"], kind="mergesort")
    return _coef(t["estimate"])


def our_fits(d: pd.DataFrame) -> dict[str, tuple[Callable[[], Any], Callable[[Any], np.ndarray]]]:
    """Each estimator: a zero-argument fit and what to compare with R (coefficients or curve values)."""
    cox = ps.coxph(RHS, d, stop="time", event="event", cluster="cluster")
    km_group = d.sort_values("group", kind="mergesort")
    return {
        "kaplan_meier": (lambda: ps.kaplan_meier(km_group, duration="time", event="event", group="group"),
                         lambda r: _coef(r.tidy()["estimate"])),
        "logrank_test": (lambda: ps.logrank_test(d, duration="time", event="event", group="group"),
                         lambda r: _coef([r.chisq])),
        "coxph": (lambda: ps.coxph(RHS, d, stop="time", event="event", cluster="cluster"),
                  lambda r: _coef(r.params)),
        "cox_zph": (lambda: ps.cox_zph(cox), lambda r: _coef(r.table()["chisq"])),
        "survreg": (lambda: ps.survreg(RHS, d, stop="time", event="event", dist="weibull", cluster="cluster"),
                    lambda r: _coef(r.params[~r.params.index.str.contains("scale")])),
        "logit": (lambda: ps.logit(f"y ~ {RHS}", d, cluster="cluster"), lambda r: _coef(r.params)),
        "probit": (lambda: ps.probit(f"y ~ {RHS}", d, cluster="cluster"), lambda r: _coef(r.params)),
        "poisson": (lambda: ps.poisson(f"count ~ {RHS}", d, cluster="cluster"), lambda r: _coef(r.params)),
        "negbin": (lambda: ps.negbin(f"count ~ {RHS}", d), lambda r: _coef(r.params)),
        "ols": (lambda: ps.ols(f"yc ~ {RHS}", d, cluster="cluster"), lambda r: _coef(r.params)),
        "cumulative_incidence": (lambda: ps.cumulative_incidence(km_group, stop="time", event="cause",
                                                                 group="group"), _cif_values),
        "finegray": (lambda: ps.finegray(RHS, d, cause=1, stop="time", event="cause"), lambda r: _coef(r.params)),
    }


R_SCRIPT = r"""
suppressPackageStartupMessages({library(survival); library(MASS); library(sandwich)})
args <- commandArgs(TRUE); d <- read.csv(args[1]); reps <- as.integer(args[3])
d$group <- factor(d$group)
tm <- function(expr) { expr <- substitute(expr)
  ts <- numeric(reps); for (i in seq_len(reps)) { t0 <- proc.time()[["elapsed"]]; v <- eval(expr, globalenv())
  ts[i] <- proc.time()[["elapsed"]] - t0 }; list(t = median(ts), v = v) }
f <- Surv(time, event) ~ x1 + x2 + x3
out <- list()
r <- tm(survfit(Surv(time, event) ~ group, data = d)); out$kaplan_meier <- list(t = r$t, v = r$v$surv)
r <- tm(survdiff(Surv(time, event) ~ group, data = d)); out$logrank_test <- list(t = r$t, v = r$v$chisq)
r <- tm(coxph(f, data = d, cluster = cluster)); out$coxph <- list(t = r$t, v = unname(coef(r$v)))
cx <- r$v
r <- tm(cox.zph(cx)); out$cox_zph <- list(t = r$t, v = unname(r$v$table[, "chisq"]))
r <- tm(survreg(f, data = d, dist = "weibull", cluster = cluster)); out$survreg <- list(t = r$t, v = unname(coef(r$v)))
cl <- function(m) vcovCL(m, cluster = ~cluster, type = "HC1")
r <- tm({m <- glm(y ~ x1 + x2 + x3, binomial, data = d); cl(m); m}); out$logit <- list(t = r$t, v = unname(coef(r$v)))
r <- tm({m <- glm(y ~ x1 + x2 + x3, binomial(link = "probit"), data = d); cl(m); m})
out$probit <- list(t = r$t, v = unname(coef(r$v)))
r <- tm({m <- glm(count ~ x1 + x2 + x3, poisson, data = d); cl(m); m})
out$poisson <- list(t = r$t, v = unname(coef(r$v)))
r <- tm(glm.nb(count ~ x1 + x2 + x3, data = d)); out$negbin <- list(t = r$t, v = unname(coef(r$v)))
r <- tm({m <- lm(yc ~ x1 + x2 + x3, data = d); cl(m); m}); out$ols <- list(t = r$t, v = unname(coef(r$v)))
r <- tm(survfit(Surv(time, factor(cause)) ~ group, data = d))
out$cumulative_incidence <- list(t = r$t, v = as.vector(r$v$pstate[, -1]))
if (nrow(d) <= as.integer(args[4])) {
  r <- tm({fg <- finegray(Surv(time, factor(cause)) ~ x1 + x2 + x3, data = d, etype = "1")
           coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2 + x3, data = fg, weights = fgwt)})
  out$finegray <- list(t = r$t, v = unname(coef(r$v)))
}
out$version <- as.character(packageVersion("survival"))
writeLines(paste0("{", paste(sprintf('"%s": %s', names(out), sapply(out, function(o)
  if (is.list(o)) sprintf('{"t": %.9g, "v": [%s]}', o$t, paste(sprintf("%.15g", o$v), collapse = ","))
  else sprintf('"%s"', o))), collapse = ", "), "}"), args[2])
"""


def run_r(d: pd.DataFrame, reps: int) -> dict | None:
    """R's times and values for every estimator on ``d`` (None without Rscript)."""
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv, out, script = Path(tmp, "d.csv"), Path(tmp, "out.json"), Path(tmp, "bench.R")
        d.to_csv(csv, index=False)
        script.write_text(R_SCRIPT)
        subprocess.run(["Rscript", str(script), str(csv), str(out), str(reps), str(FINEGRAY_MAX_ROWS)], check=True)
        return json.loads(out.read_text())


def time_ours(fit: Callable[[], Any], reps: int) -> tuple[float, Any]:
    times, res = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        res = fit()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), res


def _rel_diff(ours: np.ndarray, theirs: list[float]) -> float | None:
    theirs_a = np.asarray(theirs, dtype=float)
    if ours.shape != theirs_a.shape:
        return None
    return float(np.max(np.abs(ours - theirs_a) / np.maximum(np.abs(theirs_a), 1e-12)))


def main() -> int:
    load = os.getloadavg()
    rows = []
    r_version = None
    for n in SIZES:
        d = synthetic(n)
        reps = 7 if n <= 2_000 else 3
        r = run_r(d, reps)
        r_version = (r or {}).get("version", r_version)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. R-flavour notes; the numbers are compared below
            for name, (fit, values) in our_fits(d).items():
                if name == "finegray" and n > FINEGRAY_MAX_ROWS:
                    continue
                t, res = time_ours(fit, reps)
                row: dict[str, Any] = {"estimator": name, "rows": n, "ours_s": t}
                if r is not None:
                    row.update(r_s=r[name]["t"], ratio_r_over_ours=r[name]["t"] / t if t > 0 else None,
                               max_rel_diff=_rel_diff(values(res), r[name]["v"]))
                rows.append(row)
                print(f"{name:<22} {n:>7,d} rows: ours {t:.4f}s"
                      + (f", R {row['r_s']:.4f}s, R/ours {row['ratio_r_over_ours']:.1f}x, "
                         f"max rel diff {row['max_rel_diff']}" if r is not None else ""), flush=True)
    env = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
           "numpy": np.__version__, "pandas": pd.__version__, "r_survival": r_version,
           "load_average_at_start": [round(x, 2) for x in load],
           "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "estimators.json").write_text(json.dumps({"rows": rows, "environment": env}, indent=2) + "\n")
    md = ["# Every estimator against R", "",
          f"Median wall-clock seconds per fit inside each language; {env['cpus']} CPUs ({env['machine']}), "
          f"Python {env['python']}, R survival {r_version or 'not run'}; load average {env['load_average_at_start']}"
          f" at the start, {env['load_average_at_end']} at the end. R / ours above 1: ours is faster. The last "
          "column is the largest relative difference of the coefficients or curve values (n/a where the two "
          "report different shapes).", "",
          "| estimator | rows | ours (s) | R (s) | R / ours | max rel. diff |", "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        rs, ratio, diff = row.get("r_s"), row.get("ratio_r_over_ours"), row.get("max_rel_diff")
        md.append(f"| {row['estimator']} | {row['rows']:,} | {row['ours_s']:.4f} | "
                  f"{'n/a' if rs is None else f'{rs:.4f}'} | {'n/a' if ratio is None else f'{ratio:.1f}x'} | "
                  f"{'n/a' if diff is None else f'{diff:.1e}'} |")
    (RESULTS / "estimators.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
