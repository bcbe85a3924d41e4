"""Resume after kill -9: ``peacestats multiverse run`` killed mid-run, rerun, same table as an uninterrupted run.

The run is a real subprocess on a LocalCluster (one worker process, in its own process
group, so the SIGKILL takes the workers with it), one specification per task so that
partitions appear one by one. It is killed as soon as a few partitions exist; the rerun
must fit only the specifications without a partition (a half-written ``.tmp`` file is
ignored) and write the same results as a run that was never interrupted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from peacestats.robustness import load_config, run_multiverse

pytestmark = pytest.mark.faults  # about 15 s: runs in make test (slow_faults is for runs over ~30 s)

CONFIG = """analysis = "ucdp_peace"
[dimensions]
presence = ["un_present", "un_present_country", "un_present_incl_uncertain", "any_pk_present"]
recurrence = ["conflict"]
sample = ["all", "civil", "post1989", "no_dec31"]
controls = ["none", "conflict", "conflict_country", "main"]
estimator = ["cox", "weibull", "logit"]
[run]
chunk_size = 1
"""


def _env(processed: Path) -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return {**os.environ, "PEACESTATS_PROCESSED_DIR": str(processed), "MPLBACKEND": "Agg",
            "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_kill_9_mid_run_then_resume(built_tables, tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "mv.toml"
    cfg.write_text(CONFIG)
    mv = load_config(cfg)["multiverse"]
    out = tmp_path / "out"
    parts = out / "specs"
    cmd = [sys.executable, "-m", "peacestats", "multiverse", "run", str(cfg), "--workers", "1", "--bootstrap", "0",
           "--output", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, env=_env(built_tables), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list(parts.glob("part-*.parquet"))) >= 5:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its Dask scheduler and worker, at once
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    written = len(list(parts.glob("part-*.parquet")))
    assert 5 <= written < mv.size  # one specification per partition: killed part way
    (parts / ".part-half.parquet.tmp").write_bytes(b"PAR1 truncated")  # as a kill during a write leaves

    from peacestats.cli import main

    monkeypatch.setenv("PEACESTATS_PROCESSED_DIR", str(built_tables))
    assert main(["multiverse", "run", str(cfg), "--workers", "0", "--bootstrap", "0", "--output", str(out),
                 "--quiet"]) == 0
    text = capsys.readouterr().out
    assert f"{mv.size} specifications ({mv.size - written} fitted now)" in text  # finished ones skipped
    resumed = pd.read_parquet(out / "results.parquet")
    fresh = run_multiverse(mv, workers=0, processed=built_tables, progress=False)
    pd.testing.assert_frame_equal(resumed, fresh, check_dtype=False)
    assert resumed["error_type"].isna().all() and len(resumed) == mv.size == 192
