"""JupyterLab: the analyses open as notebooks and, run in a kernel, show their output inline.

The quickest analysis (``analyses/doyle_sambanis2000.py``) is converted with jupytext and run
by nbclient in a Python kernel, as JupyterLab would run it; its tables and figures must come
back as display outputs, no cell may print a warning, and the report files it writes must be
the bytes the same script writes when run as ``make reports`` runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAME = "doyle_sambanis2000"

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")


def _env(**settings: str) -> dict[str, str]:
    """This environment with ``settings``, importing peacestats from this checkout."""
    env = dict(os.environ, **settings)
    paths = [str(ROOT / "src"), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _kernel_env(reports: Path, processed: Path, raw: Path) -> dict[str, str]:
    # an empty data/raw: the notebook fetches its source (from the mirror), as on a first run,
    # which imports pooch and tqdm in the kernel (where tqdm used to warn)
    env = _env(PEACESTATS_REPORTS_DIR=str(reports), PEACESTATS_PROCESSED_DIR=str(processed),
               PEACESTATS_RAW_DIR=str(raw))
    env.pop("MPLBACKEND", None)  # as in `make lab`: the kernel chooses its own (inline) backend
    return env


@pytest.fixture(scope="module")
def executed(built_tables, tmp_path_factory):
    """The analysis run as a notebook in a kernel: (notebook, reports folder)."""
    reports = tmp_path_factory.mktemp("lab_reports")
    nb = jupytext.read(ROOT / "analyses" / f"{NAME}.py")
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute(env=_kernel_env(reports, built_tables, tmp_path_factory.mktemp("lab_raw")))
    return nb, reports


def _outputs(nb) -> list[dict]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def test_notebook_displays_tables_and_figures_inline(executed):
    nb, _ = executed
    shown = [o for o in _outputs(nb) if o["output_type"] == "display_data"]
    images = [o for o in shown if "image/png" in o["data"]]
    tables = [o for o in shown if "<table" in o["data"].get("text/html", "")]
    entry_figures, entry_tables = 1, 3  # what the report lists (tests/test_report_doyle_sambanis2000.py)
    assert len(images) == entry_figures
    assert len(tables) == entry_tables
    assert any("text/markdown" in o["data"] for o in shown)  # the report's prose
    assert any("Table: " in o["data"]["text/html"] for o in tables)  # captions come with the tables


def test_notebook_prints_no_warning(executed):
    nb, _ = executed
    streams = [o["text"] for o in _outputs(nb) if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not [s for s in streams if "Warning" in s], streams


def test_notebook_writes_the_script_s_report_files(executed, built_tables, tmp_path):
    """Inline display changes nothing on disk: the kernel run writes the bytes `make reports` writes."""
    _, lab = executed
    env = _env(PEACESTATS_REPORTS_DIR=str(tmp_path), PEACESTATS_PROCESSED_DIR=str(built_tables), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, f"analyses/{NAME}.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = json.loads((tmp_path / f"{NAME}.json").read_text())["files"]
    assert len(files) == 1 + 3 + 2
    for rel in files:
        assert (lab / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel
    assert (lab / f"{NAME}.json").read_bytes() == (tmp_path / f"{NAME}.json").read_bytes()


def test_lab_opens_python_files_as_notebooks(tmp_path):
    """The project's Lab settings make jupytext's notebook the default viewer of ``.py`` files.

    JupyterLab's settings service reads ``<app dir>/settings/overrides.json`` as the defaults;
    ``make lab`` puts ``jupyter/overrides.json`` there (next test).
    """
    settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
    from jupyterlab.commands import get_app_dir

    app_settings = tmp_path / "settings"
    app_settings.mkdir()
    (app_settings / "overrides.json").write_bytes((ROOT / "jupyter" / "overrides.json").read_bytes())
    plugin = "@jupyterlab/docmanager-extension:plugin"
    found, _ = settings_utils.get_settings(str(app_settings), str(Path(get_app_dir()) / "schemas"),
                                           str(tmp_path / "user"), schema_name=plugin)
    assert found["schema"]["properties"]["defaultViewers"]["default"]["python"] == "Jupytext Notebook"


def test_make_lab_installs_the_settings_and_runs_as_root(tmp_path):
    """`make lab` installs the settings into the venv, unsets MPLBACKEND, adds --allow-root as root."""
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # a venv that `make` takes as installed
    fake = tmp_path / "fake-lab"
    fake.write_text('#!/bin/sh\necho "lab args: $*; MPLBACKEND=${MPLBACKEND-unset}"\n')
    fake.chmod(0o755)
    proc = subprocess.run(["make", "--no-print-directory", f"VENV={venv}", f"JUPYTER_LAB={fake}", "lab"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    installed = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.read_bytes() == (ROOT / "jupyter" / "overrides.json").read_bytes()
    assert "MPLBACKEND=unset" in proc.stdout
    root = os.geteuid() == 0
    assert ("lab args: --allow-root analyses/" in proc.stdout) == root, proc.stdout
    assert ("started with --allow-root" in proc.stdout) == root
    if not root:
        assert "lab args: analyses/" in proc.stdout
