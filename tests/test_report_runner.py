"""``peacestats report run`` (``peacestats.report.runner``): analyses forked from one process that imported once.

``make reports`` runs the out-of-date analyses through it. The reports must be the same bytes
as a plain ``python analyses/<name>.py`` run (checked on doyle_sambanis2000, the cheapest
analysis, run beside hks2013 with two jobs); a failing script is named, stops the queue and
gives exit status 1; each script runs as ``__main__`` with its own ``sys.argv``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analyses_run import run_analysis

ROOT = Path(__file__).resolve().parents[1]


def _files(folder: Path, name: str) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob(f"{name}*")) if p.is_file()}


def _cli(args: list[str], reports: Path, processed: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PEACESTATS_REPORTS_DIR": str(reports), "PEACESTATS_PROCESSED_DIR": str(processed),
           "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "peacestats", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)


def test_forked_reports_are_the_bytes_of_plain_runs(built_tables, tmp_path):
    plain = run_analysis("doyle_sambanis2000", tmp_path / "plain", processed=built_tables)
    forked = tmp_path / "forked"
    proc = _cli(["report", "run", "--jobs", "2", "analyses/hks2013.py", "analyses/doyle_sambanis2000.py"],
                forked, built_tables)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "doyle_sambanis2000" in proc.stdout and "hks2013" in proc.stdout
    want = _files(plain, "doyle_sambanis2000")
    assert len(want) == 7  # page, sidecar, 3 tables, the figure as PNG and SVG
    assert _files(forked, "doyle_sambanis2000") == want
    assert (forked / "hks2013.json").is_file() and (forked / "figures" / "hks2013-expected_deaths.png").is_file()


def _run_api(scripts: list[Path], jobs: int, cwd: Path) -> subprocess.CompletedProcess:
    """The runner from Python, with nothing preloaded (fast), in a fresh interpreter (never forking pytest)."""
    code = ("import sys; from peacestats.report.runner import run_analyses; "
            f"raise SystemExit(run_analyses({[str(s) for s in scripts]!r}, jobs={jobs}, preload_modules=()))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_scripts_run_as_main_with_their_argv(tmp_path):
    for i in range(3):
        (tmp_path / f"s{i}.py").write_text(
            "import sys, pathlib\n"
            f"assert __name__ == '__main__' and sys.argv == [{str(tmp_path / f's{i}.py')!r}]\n"
            f"pathlib.Path({str(tmp_path / f'out{i}')!r}).write_text(str(sys.path[0]))\n")
    proc = _run_api([tmp_path / f"s{i}.py" for i in range(3)], 2, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [(tmp_path / f"out{i}").read_text() for i in range(3)] == [str(tmp_path)] * 3
    assert sorted(line.split()[0] for line in proc.stdout.splitlines()) == ["s0", "s1", "s2"]


def test_a_failing_script_is_named_and_stops_the_queue(tmp_path):
    (tmp_path / "boom.py").write_text("raise ValueError('boom in the analysis')\n")
    (tmp_path / "exit3.py").write_text("import sys\nsys.exit(3)\n")
    (tmp_path / "later.py").write_text(f"open({str(tmp_path / 'later-ran')!r}, 'w').close()\n")
    proc = _run_api([tmp_path / "boom.py", tmp_path / "later.py"], 1, tmp_path)
    assert proc.returncode == 1
    assert "ValueError: boom in the analysis" in proc.stderr
    assert "boom" in proc.stdout and "FAILED (exit 1)" in proc.stdout and "failed" in proc.stdout
    assert not (tmp_path / "later-ran").exists()
    proc = _run_api([tmp_path / "exit3.py"], 1, tmp_path)
    assert proc.returncode == 1 and "FAILED (exit 3)" in proc.stdout


def test_a_missing_script_is_a_usage_error(tmp_path):
    proc = _cli(["report", "run", "analyses/no_such_analysis.py"], tmp_path / "r", tmp_path / "p")
    assert proc.returncode == 2
    assert "no such analysis script(s): analyses/no_such_analysis.py" in proc.stderr


def _run_queued(command: list[str], queue: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``run_queued`` from Python in a fresh interpreter, importing only a small module while ``command`` runs."""
    code = ("import sys; from peacestats.report.runner import run_queued; "
            f"raise SystemExit(run_queued({command!r}, {str(queue)!r}, jobs=2, preload_modules=('json',)))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_queued_scripts_run_after_the_command_that_lists_them(tmp_path):
    # make reports: the command (make) builds the tables, then lists the out-of-date reports' scripts
    for name in ("a", "b"):
        (tmp_path / f"{name}.py").write_text(
            f"import pathlib\npathlib.Path({str(tmp_path / f'{name}-ran')!r}).write_text("
            f"pathlib.Path({str(tmp_path / 'built')!r}).read_text())\n")
    queue = tmp_path / "queue"
    queue.write_text("")
    lister = (f"import pathlib; pathlib.Path({str(tmp_path / 'built')!r}).write_text('tables'); "
              f"pathlib.Path({str(queue)!r}).write_text('{tmp_path / 'a.py'}\\n{tmp_path / 'b.py'}\\n')")
    proc = _run_queued([sys.executable, "-c", lister], queue, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "a-ran").read_text() == (tmp_path / "b-ran").read_text() == "tables"
    assert sorted(line.split()[0] for line in proc.stdout.splitlines()) == ["a", "b"]


def test_nothing_queued_runs_nothing_and_a_failed_command_stops_everything(tmp_path):
    queue = tmp_path / "queue"
    queue.write_text("")
    proc = _run_queued([sys.executable, "-c", "pass"], queue, tmp_path)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    (tmp_path / "a.py").write_text(f"open({str(tmp_path / 'a-ran')!r}, 'w').close()\n")
    queue.write_text(f"{tmp_path / 'a.py'}\n")  # queued before the command failed (make stopping half-way)
    proc = _run_queued([sys.executable, "-c", "import sys; sys.exit(2)"], queue, tmp_path)
    assert proc.returncode == 2
    assert "failed (exit 2); no analysis was run" in proc.stdout
    assert not (tmp_path / "a-ran").exists()


def test_a_queue_the_command_did_not_leave_is_an_error(tmp_path):
    proc = _cli(["report", "run", "--queue", str(tmp_path / "absent"), "--", sys.executable, "-c", "pass"],
                tmp_path / "r", tmp_path / "p")
    assert proc.returncode == 2
    assert "left no queue file" in proc.stderr and "absent" in proc.stderr
    proc = _cli(["report", "run", "--queue", str(tmp_path / "q"), "--", str(tmp_path / "no-such-command")],
                tmp_path / "r", tmp_path / "p")
    assert proc.returncode == 2 and "cannot start" in proc.stderr


def test_the_command_gets_the_build_jobs_decided_before_the_imports(tmp_path):
    # measured while the runner imports, the build would see a busy CPU and stay in one process
    queue = tmp_path / "queue"
    queue.write_text("")
    probe = (f"import os, pathlib; pathlib.Path({str(tmp_path / 'jobs')!r}).write_text("
             "os.environ.get('PEACESTATS_BUILD_JOBS', 'unset'))")
    env = {k: v for k, v in os.environ.items() if k != "PEACESTATS_BUILD_JOBS"}
    code = ("import sys; from peacestats.report.runner import run_queued; "
            f"raise SystemExit(run_queued({[sys.executable, '-c', probe]!r}, {str(queue)!r}, preload_modules=()))")
    assert subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, timeout=120).returncode == 0
    assert (tmp_path / "jobs").read_text() in ("1", "2")
    env["PEACESTATS_BUILD_JOBS"] = "1"  # the user's setting is kept
    assert subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, timeout=120).returncode == 0
    assert (tmp_path / "jobs").read_text() == "1"
