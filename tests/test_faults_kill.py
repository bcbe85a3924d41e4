"""Kill -9 at seeded random moments, and two runs at once (``make test-faults``; marked slow_faults).

After every kill of ``peacestats build`` or of an analysis the invariant is checked:

* every table or report file present is complete (readable parquet; a report sidecar either
  matches every file it lists or is refused by ``report index`` with a ReportFileError);
* ``datapackage.json``, when present, never names a file whose sha256 differs;
* the next run leaves no temporary files and gives outputs byte-identical to a clean run.

Kills come at seeded random times and, deterministically, just before the n-th atomic
rename (the moment a write is about to land). Two builds or two report runs at once must
both succeed and give the clean run's bytes (they take turns on the folder lock).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.faults, pytest.mark.slow_faults]

ROOT = Path(__file__).resolve().parents[1]
TABLES = ["episodes", "missions"]
ANALYSIS = "doyle_sambanis2000"  # the quickest analysis (about 5 s)

# Runs `peacestats build ...` or an analysis script; KILL_AT=n kills the process with SIGKILL
# just before its n-th os.replace (an atomic write about to land); RUN_TAG stands in for the
# git revision so that two runs of a report differ and a torn pair would show.
RUNNER = r"""
import os, runpy, signal, sys
n = int(os.environ.get("KILL_AT", "0"))
if n:
    real, count = os.replace, [0]
    def replace(a, b):
        count[0] += 1
        if count[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(a, b)
    os.replace = replace
import peacestats.report.html as h
h.git_revision = lambda root=None: os.environ.get("RUN_TAG", "tag")
if sys.argv[1] == "build":
    from peacestats.cli import main
    raise SystemExit(main(sys.argv[1:]))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def env(**extra) -> dict:
    src = str(ROOT / "src")
    return {**os.environ, "PYTHONPATH": src, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", **extra}


def start(args: list[str], **extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUNNER, *args], cwd=ROOT, env=env(**extra),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def run(args: list[str], **extra) -> None:
    p = start(args, **extra)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err[-3000:]


def kill_after(p: subprocess.Popen, seconds: float) -> None:
    try:
        p.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
    p.communicate(timeout=60)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def build_args(out: Path) -> list[str]:
    return ["build", *TABLES, "--out", str(out)]


def check_build_invariant(out: Path, clean: dict[str, bytes]) -> None:
    import pyarrow.parquet as pq

    for p in out.glob("[!.]*.parquet"):  # not the temporaries of a killed write
        pq.read_table(p)  # complete, not truncated
        assert p.read_bytes() == clean[p.name], f"{p.name} differs from a clean build's"
    pkg = out / "datapackage.json"
    if pkg.is_file():
        for r in json.loads(pkg.read_text())["resources"]:
            f = out / r["path"]
            assert f.is_file() and sha(f.read_bytes()) == r["sha256"], f"datapackage.json trusts a bad {r['path']}"


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory, mirror) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean_build")
    run(build_args(out))
    return snapshot(out)


def test_kill_build_at_random_moments(clean_build, tmp_path):
    out = tmp_path / "processed"
    rng = random.Random(20261201)
    t0 = time.monotonic()
    run(build_args(out))
    duration = time.monotonic() - t0
    n_writes = len(clean_build)
    kills = [("time", rng.uniform(0.3, duration)) for _ in range(3)]
    kills += [("write", rng.randint(1, n_writes)) for _ in range(3)]
    for how, when in kills:
        if how == "time":
            kill_after(start(build_args(out)), when)
        else:
            p = start(build_args(out), KILL_AT=str(when))
            p.communicate(timeout=300)
            assert p.returncode == -signal.SIGKILL, (how, when)
        check_build_invariant(out, clean_build)
    run(build_args(out))
    assert snapshot(out) == clean_build  # byte-identical, and no temporary file left


def test_two_builds_at_once(clean_build, tmp_path):
    out = tmp_path / "processed"
    procs = [start(build_args(out)) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    assert snapshot(out) == clean_build


# ----------------------------------------------------------------------------- one analysis
def report_args() -> list[str]:
    return [f"analyses/{ANALYSIS}.py"]


@pytest.fixture(scope="module")
def clean_report(tmp_path_factory, mirror) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean_report")
    run(report_args(), PEACESTATS_REPORTS_DIR=str(out), RUN_TAG="new")
    return snapshot(out)


def check_report_invariant(out: Path) -> None:
    from peacestats.errors import ReportFileError
    from peacestats.report.html import read_entry, write_index

    sidecar = out / f"{ANALYSIS}.json"
    html = out / f"{ANALYSIS}.html"
    try:
        entry = read_entry(sidecar)
    except ReportFileError:
        with pytest.raises(ReportFileError):  # the index refuses it: never trusted, never dropped
            write_index(out)
        return
    tag = entry["provenance"]["git_revision"]
    assert f"<code>{tag}</code>" in html.read_text(), "sidecar and HTML from different runs"
    write_index(out)
    (out / "index.html").unlink()


def test_kill_analysis_at_random_moments(clean_report, tmp_path):
    out = tmp_path / "reports"
    run(report_args(), PEACESTATS_REPORTS_DIR=str(out), RUN_TAG="old")  # the previous good report
    rng = random.Random(101)
    n_writes = len(clean_report)
    kills = [("time", rng.uniform(1.0, 6.0)) for _ in range(3)]
    kills += [("write", n) for n in (n_writes - 1, n_writes)]  # between HTML and JSON; before JSON lands
    kills += [("write", rng.randint(1, n_writes - 2))]
    torn_seen = 0
    for i, (how, when) in enumerate(kills):
        # each attempt has its own tag, so a file of a killed run never looks like an earlier run's
        extra = {"PEACESTATS_REPORTS_DIR": str(out), "RUN_TAG": f"attempt{i}"}
        if how == "time":
            kill_after(start(report_args(), **extra), when)
        else:
            p = start(report_args(), KILL_AT=str(when), **extra)
            p.communicate(timeout=300)
            assert p.returncode == -signal.SIGKILL, (how, when)
        from peacestats.errors import ReportFileError
        from peacestats.report.html import read_entry

        try:
            read_entry(out / f"{ANALYSIS}.json")
        except ReportFileError:
            torn_seen += 1
        check_report_invariant(out)
    assert torn_seen >= 1  # the kill between HTML and JSON was caught, not trusted
    run(report_args(), PEACESTATS_REPORTS_DIR=str(out), RUN_TAG="new")
    assert snapshot(out) == clean_report


def test_two_report_runs_at_once(clean_report, tmp_path):
    out = tmp_path / "reports"
    procs = [start(report_args(), PEACESTATS_REPORTS_DIR=str(out), RUN_TAG="new") for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    assert snapshot(out) == clean_report
