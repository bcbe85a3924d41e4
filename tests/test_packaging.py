"""Packaging: the wheel holds everything peacestats needs and, installed outside a checkout,
keeps its data in the user data folder (or ``$PEACESTATS_HOME``), never in the working directory.

The wheel is built by ``python -m build`` from a copy of the sources (so the checkout gets no
``build/`` or ``*.egg-info``), installed with ``pip install --no-deps`` into a new virtual
environment created without access to this checkout, and run from an empty temporary folder.
To save minutes, that environment finds the third-party dependencies through a ``.pth`` line
naming this environment's site-packages; a ``.pth`` line only adds a folder to ``sys.path`` and
runs none of the ``.pth`` files inside it, so this checkout's editable install stays invisible, and
the test checks that ``peacestats`` is imported from the new environment. What the test covers is
the wheel itself: its code, registry, resources and citations, its console script, its declared
dependencies (``pip check``), and where it writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on the path and without peacestats' folder settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not (
        k.startswith("PEACESTATS_") and k != "PEACESTATS_DATA_MIRROR")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("sdist_src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(src)],
                          capture_output=True, text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    (whl,) = out.glob("peacestats-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed (dependencies via a .pth line)."""
    env_dir = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, env=_clean_env())
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True, env=_clean_env()).stdout.strip()
    (Path(site) / "_peacestats_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env_dir


def test_wheel_holds_the_registry_resources_and_citations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "src" / "peacestats"
    data = sorted(p.relative_to(package.parent).as_posix() for p in package.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc"))
    assert "peacestats/registry.toml" in data and "peacestats/resources/citations.bib" in data
    assert [f for f in data if f not in names] == []
    modules = sorted(p.relative_to(package.parent).as_posix() for p in package.rglob("*.py"))
    assert [m for m in modules if m not in names] == []


def test_installed_wheel_uses_the_user_data_folder(venv, tmp_path, mirror):
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    xdg = tmp_path / "xdg"
    env = _clean_env(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(xdg), PEACESTATS_DATA_MIRROR=str(mirror))
    run = lambda *args: subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)  # noqa: E731

    listed = run(str(venv / "bin" / "peacestats"), "data", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split()[:5] == ["key", "version", "coverage", "unit", "fetched"]
    assert "doyle_sambanis" in listed.stdout and "ucdp_acd" in listed.stdout

    fetched = run(str(venv / "bin" / "peacestats"), "data", "fetch", "doyle_sambanis", "--quiet")
    assert fetched.returncode == 0, fetched.stderr
    code = ("import peacestats as ps, peacestats.config as c; d = ps.load('doyle_sambanis'); "
            "print(ps.__file__); print(c.project_root()); print(len(d)); print(ps.cite(['doyle_sambanis'])[:9])")
    out = run(str(venv / "bin" / "python"), "-c", code)
    assert out.returncode == 0, out.stderr
    module, root, rows, bib = out.stdout.splitlines()[:4]
    assert Path(module).is_relative_to(venv)  # the wheel, not this checkout
    assert Path(root) == xdg / "peacestats"
    assert int(rows) == 124 and bib.startswith("@")
    assert list((xdg / "peacestats" / "data" / "raw" / "doyle_sambanis").rglob("*.csv"))
    assert list(cwd.iterdir()) == []  # nothing written where it was run

    check = run(str(venv / "bin" / "python"), "-m", "pip", "check")
    assert "peacestats" not in check.stdout, check.stdout  # every declared dependency is there


def test_peacestats_home_overrides_the_user_data_folder(venv, tmp_path, mirror):
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    home = tmp_path / "project"
    env = _clean_env(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"),
                     PEACESTATS_HOME=str(home), PEACESTATS_DATA_MIRROR=str(mirror))
    proc = subprocess.run([str(venv / "bin" / "peacestats"), "data", "fetch", "doyle_sambanis", "--quiet"],
                          cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert list((home / "data" / "raw" / "doyle_sambanis").rglob("*.csv"))
    assert not (tmp_path / "xdg").exists() and list(cwd.iterdir()) == []


def test_checkout_is_the_root_when_not_installed(monkeypatch):
    from peacestats import config

    monkeypatch.delenv("PEACESTATS_HOME", raising=False)
    assert config.source_checkout() == ROOT
    assert config.project_root() == ROOT
    monkeypatch.setenv("PEACESTATS_HOME", "/somewhere/else")
    assert config.project_root() == Path("/somewhere/else").resolve()


def test_command_line_runs_blas_single_threaded_unless_told(tmp_path):
    """`peacestats` sets one BLAS thread before numpy loads; a user's own setting wins."""
    import os
    import subprocess
    import sys

    code = ("import os; from peacestats.cli import main; main(['data', 'list']); "
            "print(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'))")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "1 1"
    env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "2 1"
