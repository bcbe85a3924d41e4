"""The README's Python quick start runs as written, on the real built tables."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    quick = [b for b in blocks if b.startswith("import peacestats as ps")]
    assert quick, "README.md has no Python quick start beginning 'import peacestats as ps'"
    return quick[0]


def test_readme_quick_start_runs(built_tables, tmp_path):
    code = _quick_start()
    env = {**os.environ, "PEACESTATS_PROCESSED_DIR": str(built_tables), "MPLBACKEND": "Agg",
           "PYTHONWARNINGS": "error::RuntimeWarning"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    # the printed LaTeX table and the BibTeX the snippet promises
    assert "\\begin{table}" in out and "\\label{tab:un}" in out
    for key in ("gleditsch2002armed", "peacestats2026missions", "cox1972regression", "peacestats2026software"):
        assert key in out, key
    assert "SingularMatrixWarning" not in proc.stderr
