"""``benchmarks/bench_reports.py``: the parallel runner that times ``make -jJOBS reports``-style runs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "benchmarks" / "bench_reports.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _job(folder: Path, i: int) -> list[str]:
    """A command that records how many jobs run beside it (a marker file each) while it runs."""
    return ["sh", "-c", f"touch {folder}/run{i}; ls {folder} | grep -c run >> {folder}/counts-{i}; sleep 0.2; "
                        f"rm {folder}/run{i}; touch {folder}/done{i}"]


def test_runs_every_command_at_most_jobs_at_a_time(bench, tmp_path):
    times = bench.run_parallel([(f"job{i}", _job(tmp_path, i)) for i in range(5)], 2, dict(os.environ))
    assert sorted(times) == [f"job{i}" for i in range(5)] and all(t > 0 for t in times.values())
    assert all((tmp_path / f"done{i}").is_file() for i in range(5))
    seen = [int((tmp_path / f"counts-{i}").read_text()) for i in range(5)]
    assert max(seen) <= 2


def test_a_failing_command_raises_with_its_stderr_and_stops_the_queue(bench, tmp_path):
    cmds = [("bad", ["sh", "-c", "echo boom >&2; exit 3"]), ("slow", ["sleep", "1"]),
            ("never", ["touch", str(tmp_path / "never")])]
    with pytest.raises(subprocess.CalledProcessError) as err:
        bench.run_parallel(cmds, 2, dict(os.environ))
    assert err.value.returncode == 3 and b"boom" in err.value.stderr
    assert not (tmp_path / "never").exists()  # not started once a command had failed
