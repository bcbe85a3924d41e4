"""Fault injection on outputs: torn reports, temporary litter, partial rebuilds, locks.

The kill -9 and concurrency cases that need real processes are in ``test_faults_kill.py``
(``make test-faults``); these simulate the same moments in-process, fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from peacestats import io
from peacestats.build import build
from peacestats.cli import main
from peacestats.errors import ReportFileError
from peacestats.report.html import Report, read_entry, write_index

pytestmark = pytest.mark.faults


def dead_pid() -> int:
    """The id of a process that has exited (its temporary files are litter)."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def make_report(out: Path, n: int = 1) -> Report:
    rep = Report("demo", title="Demo", question="Q?", out_dir=out)
    rep.text(f"Version {n}.")
    rep.table("counts", pd.DataFrame({"n": [n]}), caption="Counts")
    fig, ax = plt.subplots()
    ax.plot([0, n], [1, 0])
    rep.figure("line", fig, caption="A line")
    return rep


def test_report_sidecar_lists_every_file_with_its_sha256(tmp_path):
    make_report(tmp_path).write()
    entry = read_entry(tmp_path / "demo.json")
    assert sorted(entry["files"]) == ["demo.html", "figures/demo-line.png", "figures/demo-line.svg",
                                      "tables/demo-counts.csv"]
    assert 'href="demo.html"' in write_index(tmp_path).read_text()


def test_kill_between_html_and_json_is_not_trusted(tmp_path, monkeypatch):
    """A run killed after the new HTML but before the JSON: the index refuses the torn pair."""
    make_report(tmp_path, 1).write()

    def killed(*a, **k):
        raise KeyboardInterrupt  # the moment a kill would stop the run

    monkeypatch.setattr(io, "write_json", killed)
    with pytest.raises(KeyboardInterrupt):
        make_report(tmp_path, 2).write()
    monkeypatch.undo()
    with pytest.raises(ReportFileError, match=r"report 'demo' is incomplete: .* differs"):
        write_index(tmp_path)
    assert main(["report", "index", "--out", str(tmp_path)]) == 2
    make_report(tmp_path, 2).write()  # what make does next: the sidecar is older than its prerequisites
    assert "demo.html" in write_index(tmp_path).read_text()


def test_html_without_its_sidecar_is_not_silently_dropped(tmp_path, monkeypatch):
    make_report(tmp_path).write()
    (tmp_path / "other.html").write_text("<html></html>")  # a first run killed before its JSON
    with pytest.raises(ReportFileError, match="other.html without the JSON sidecar"):
        write_index(tmp_path)


@pytest.mark.parametrize("content, message", [
    ('{"name": "demo", "tit', "not valid JSON"),
    ("", "not valid JSON"),
    (b"\xff\xfe\x00", "not valid JSON"),
    ('{"type": "FeatureCollection", "features": []}', "not a peacestats report sidecar"),
    ("[1, 2, 3]", "not a peacestats report sidecar"),
    ('{"name": "demo", "title": "t", "question": "q", "tables": [], "figures": [], "provenance": {}}',
     "not a peacestats report sidecar"),
])
def test_truncated_or_foreign_json_is_a_typed_error(content, message, tmp_path, capsys):
    p = tmp_path / "demo.json"
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ReportFileError, match=message):
        write_index(tmp_path)
    for argv in (["report", "index", "--out", str(tmp_path)], ["report", "cite", "demo", "--out", str(tmp_path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert message in err and "make reports" in err


def test_stale_temporaries_are_cleaned_by_the_next_report_run(tmp_path):
    pid = dead_pid()
    litter = [tmp_path / f".demo.html.ps{pid}-abc123.tmp", tmp_path / "tables" / f".demo-counts.csv.ps{pid}-x.tmp",
              tmp_path / "figures" / f".demo-line.png.ps{pid}-y.png"]
    for p in litter:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x" * 1000)
    mine = tmp_path / f".keep.ps{__import__('os').getpid()}-z.tmp"  # a live process's write in progress
    mine.write_text("in progress")
    make_report(tmp_path).write()
    assert not any(p.exists() for p in litter)
    assert mine.exists()


@pytest.fixture(scope="module")
def episodes_only(tmp_path_factory, mirror):
    out = tmp_path_factory.mktemp("processed")
    build(out, tables=["episodes"], echo=lambda *a: None)
    return out


def test_build_table_keeps_the_other_entries_of_datapackage(episodes_only, tmp_path):
    import shutil

    out = tmp_path / "processed"
    shutil.copytree(episodes_only, out)
    # a previous full build: missions built too, with an entry in the package
    io.write_parquet(pd.DataFrame({"organization": ["UN"], "mission_acronym": ["X"]}), out / "missions.parquet")
    pkg = json.loads((out / "datapackage.json").read_text())
    entry = {"name": "missions", "path": "missions.parquet", "sha256": io_sha(out / "missions.parquet"), "rows": 1}
    gone = {"name": "deployment", "path": "deployment.parquet", "sha256": "0" * 64, "rows": 1}  # file deleted
    pkg["resources"] = [gone, *pkg["resources"], entry]
    io.write_json(out / "datapackage.json", pkg)
    pid = dead_pid()
    (out / f".episodes.parquet.ps{pid}-abc.parquet").write_bytes(b"x" * 10_000)  # a killed build's temporary
    build(out, tables=["episodes"], echo=lambda *a: None)
    names = [r["name"] for r in json.loads((out / "datapackage.json").read_text())["resources"]]
    assert names == ["episodes", "missions"]  # TABLES order; the entry without its file is dropped
    assert sorted(p.name for p in out.iterdir()) == ["datapackage.json", "episodes.parquet", "missions.parquet"]


def io_sha(p: Path) -> str:
    from peacestats.fetch import sha256sum

    return sha256sum(p)


def test_folder_lock_excludes_a_second_process(tmp_path):
    probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY)\n"
             "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('got')\n"
             "except BlockingIOError:\n    print('busy')")
    with io.folder_lock(tmp_path):
        held = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True).stdout
    free = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True).stdout
    assert (held.strip(), free.strip()) == ("busy", "got")
    assert list(tmp_path.iterdir()) == []  # no lock file left behind
