"""``benchmarks/bench_reports.py``: it reads each analysis's time from what ``peacestats report run`` prints."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    """The script as a module; its folder on ``sys.path`` (for ``_common``), as when ``make bench`` runs it."""
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "benchmarks" / "bench_reports.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(ROOT / "benchmarks"))
        spec.loader.exec_module(mod)
    return mod


def test_steal_seconds_reads_proc_stat(bench):
    """The CPU time stolen by the hypervisor, in seconds: a number that never falls, or ``None`` off Linux."""
    first = bench.steal_seconds()
    if not Path("/proc/stat").is_file():
        assert first is None
        return
    assert first is not None and first >= 0 and bench.steal_seconds() >= first


def test_reads_the_times_the_runner_prints(bench, tmp_path):
    (tmp_path / "quick.py").write_text("pass\n")
    (tmp_path / "slow_one.py").write_text("import time\ntime.sleep(0.3)\n")
    (tmp_path / "broken.py").write_text("raise SystemExit(4)\n")
    code = ("from peacestats.report.runner import run_analyses; "
            f"raise SystemExit(run_analyses({[str(tmp_path / n) for n in ('slow_one.py', 'quick.py', 'broken.py')]!r}, "
            "jobs=2, preload_modules=()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1  # broken.py
    times = bench.runner_times(out.stdout)
    assert sorted(times) == ["analysis broken", "analysis quick", "analysis slow_one"]
    # the times read are what the runner printed: the sleep bounds one from below (no timing race asserted)
    assert times["analysis slow_one"] >= 0.3 and times["analysis quick"] >= 0.0


def test_summary_reads_the_cold_and_the_warm_make_reports():
    spec = importlib.util.spec_from_file_location("bench_summary", ROOT / "benchmarks" / "summary.py")
    assert spec is not None and spec.loader is not None
    summary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(summary)
    reports = {"steps": [["fetch (mirror)", 0.5], ["build", 6.0], ["analysis a", 30.0], ["index", 0.1]],
               "cold": {"wall": 21.5, "cpu": 40.0}, "warm": {"wall": 12.0, "cpu": 20.0}}
    assert summary._make_reports(reports) == 21.5
    assert summary._make_reports_warm(reports) == 12.0
    assert summary._make_reports({"steps": []}) is None and summary._make_reports_warm(None) is None
