"""Run one analysis script (``analyses/<name>.py``) as ``make reports`` does, for the report tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_analysis(name: str, reports: Path, *, processed: Path | None = None, timeout: float = 900,
                 **env: str) -> Path:
    """Run ``analyses/<name>.py`` writing into ``reports`` (and reading ``processed`` when given).

    Extra keyword arguments are environment variables. Fails the test with the script's
    stderr when it exits non-zero; returns ``reports``.
    """
    full = {**os.environ, "PEACESTATS_REPORTS_DIR": str(reports), "MPLBACKEND": "Agg", **env}
    if processed is not None:
        full["PEACESTATS_PROCESSED_DIR"] = str(processed)
    proc = subprocess.run([sys.executable, f"analyses/{name}.py"], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return reports
