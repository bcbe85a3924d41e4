"""Run several analysis scripts at once, each in a process forked from one that has imported their libraries.

``make reports`` runs every analysis whose report is out of date. As separate interpreters,
each one spent 1.5-3.5 s importing pandas, matplotlib, seaborn, scipy and peacestats before
computing anything (``python -X importtime``, 2 cores, 2026-12-02). :func:`run_analyses`
imports them once (:data:`PRELOAD`), then forks one child per script, at most ``jobs`` at a
time and in the order given (``make reports`` passes the longest first), and runs the script
in the child as ``python analyses/<name>.py`` would (``runpy``, ``__name__ == "__main__"``,
``sys.argv[0]`` the script). Nothing is drawn, read or computed before the fork, so a child
starts in the state of a fresh interpreter that has imported these modules: the reports are
the same bytes (``tests/test_report_runner.py`` compares them with plain runs).

:func:`run_queued` starts with a command that decides which scripts to run (``make reports``:
the make that builds the tables and queues the out-of-date reports) and imports the libraries
while it runs: the 2-2.5 s of imports then overlap the build, which leaves a core idle much of
the time, instead of following it.

Where ``os.fork`` does not exist (not POSIX), each script runs in its own interpreter, one
after another. A script that fails (non-zero exit or an exception) is reported by name with
its exit status; no further script is started after it (as ``make`` without ``-k``), the
ones running are waited for, and :func:`run_analyses` returns 1.
"""

from __future__ import annotations

import importlib
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import PeacestatsError

#: Imported once before forking: what the analyses import (measured with ``-X importtime``).
#: Importing them draws, reads and seeds nothing.
PRELOAD = (
    "numpy", "pandas", "pyarrow.parquet", "pyarrow.dataset", "scipy.special", "scipy.stats", "scipy.optimize",
    "matplotlib", "matplotlib.pyplot", "matplotlib.dates", "matplotlib.collections", "seaborn",
    "pandera.pandas", "markdown_it", "patsy",
    "peacestats.build", "peacestats.report.html", "peacestats.report.tables", "peacestats.report.figures",
    "peacestats.report.adapters", "peacestats.models.regression", "peacestats.models.cox", "peacestats.models.km",
    "peacestats.models.zph", "peacestats.models.causal", "peacestats.models.parametric",
    "peacestats.models.competing", "peacestats.harmonize.episodes", "peacestats.harmonize.spells",
    "peacestats.harmonize.panels", "peacestats.harmonize.spell_rows", "peacestats.harmonize.mechanisms",
    "peacestats.harmonize.cwm_links", "peacestats.robustness.ucdp_peace",
)


def preload(modules: Sequence[str] = PRELOAD, until: Callable[[], bool] | None = None) -> list[str]:
    """Import ``modules``; the names that could not be imported (a child importing one reports the error).

    ``until``: asked before each module; when it answers True the rest are not imported.
    """
    missing = []
    for name in modules:
        if until is not None and until():
            break
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def run_queued(command: Sequence[str], queue: str | os.PathLike, jobs: int = 1, echo: Callable[[str], None] = print,
               preload_modules: Sequence[str] = PRELOAD) -> int:
    """Run ``command``, which writes the scripts to run into the file ``queue``; then :func:`run_analyses` on them.

    The libraries (``preload_modules``) are imported while ``command`` runs; how many processes
    a build run by ``command`` may use (``PEACESTATS_BUILD_JOBS``, unless set) is decided from
    the idle CPUs before they start, not by the build while they are imported. ``make reports``
    passes the make that builds the tables and adds each out-of-date report's script to
    ``queue`` (whitespace-separated paths, in the order to run them). Should ``command`` end
    with nothing queued before the imports are done (every report up to date), the rest of
    them is not imported.

    Returns
    -------
    int
        ``command``'s exit status when it failed (no script is run), else :func:`run_analyses`'s
        (0 when nothing was queued).

    Raises
    ------
    PeacestatsError
        ``command`` cannot be started, or left no file ``queue``.
    """
    queue = Path(queue)
    env = None
    if "PEACESTATS_BUILD_JOBS" not in os.environ:
        # a build started by the command decides from the idle CPUs whether to use a second process; measured
        # once it runs, it would count the imports below as a busy CPU and stay in one (7 s instead of 4.5 s)
        from .._background import jobs as build_jobs

        env = dict(os.environ, PEACESTATS_BUILD_JOBS=str(build_jobs()))
    try:
        proc = subprocess.Popen(list(command), env=env)
    except OSError as exc:
        raise PeacestatsError(f"peacestats report run: cannot start {shlex.join(command)}: {exc}") from None
    try:
        if hasattr(os, "fork"):  # imported only to fork from
            preload(preload_modules, until=lambda: proc.poll() is not None and not _queued(queue))
        code = proc.wait()
    except BaseException:  # interrupted: stop the command too
        proc.terminate()
        proc.wait()
        raise
    if code != 0:
        echo(f"peacestats report run: {shlex.join(command)} failed (exit {code}); no analysis was run")
        return code
    if not queue.is_file():
        raise PeacestatsError(f"peacestats report run: {shlex.join(command)} left no queue file {queue}")
    scripts = _queued(queue)
    return run_analyses(scripts, jobs, echo, preload_modules) if scripts else 0


def _queued(queue: Path) -> list[str]:
    """The script paths listed in ``queue`` so far (none when it does not exist)."""
    try:
        return queue.read_text().split()
    except FileNotFoundError:
        return []


def _child(script: Path) -> int:
    """Run ``script`` as ``__main__`` in this (forked) process; its exit status."""
    import runpy
    import traceback

    from .._background import _die_with_parent

    _die_with_parent()
    sys.argv = [str(script)]
    sys.path[0] = str(script.resolve().parent)  # as `python analyses/x.py` puts the script's folder first
    try:
        runpy.run_path(str(script), run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - reported as the interpreter would, then the exit status
        traceback.print_exc()
        code = 1
    return code


def _finish_child(code: int) -> None:
    """Leave the forked child as an interpreter would: exit handlers, flushed streams, status ``code``."""
    import atexit

    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001, S110 - a closed stream: nothing to keep
                pass
        os._exit(code)


def _fork(script: Path) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns (coverage does not follow forks)
        code = 1
        try:
            code = _child(script)
        finally:
            _finish_child(code)
    return pid


def _status(wait_status: int) -> int:
    """An exit status from ``os.waitpid``'s: the exit code, or 128 + the signal that killed the child."""
    if os.WIFSIGNALED(wait_status):
        return 128 + os.WTERMSIG(wait_status)
    return os.WEXITSTATUS(wait_status)


def run_analyses(scripts: Sequence[str | os.PathLike], jobs: int = 1, echo: Callable[[str], None] = print,
                 preload_modules: Sequence[str] = PRELOAD) -> int:
    """Run the analysis ``scripts`` at most ``jobs`` at a time, in the order given; 0, or 1 if any failed.

    Parameters
    ----------
    scripts
        Paths of analysis scripts (``analyses/<name>.py``), run from the current folder.
    jobs
        How many run at once (at least 1).
    echo
        Where the one-line notes go (each script's start and end, with its wall time).
    preload_modules
        Imported before forking (default :data:`PRELOAD`).

    Returns
    -------
    int
        0 when every script exited 0, else 1 (the scripts not started after a failure are named).

    Raises
    ------
    PeacestatsError
        A script does not exist (nothing is run).
    """
    paths = [Path(s) for s in scripts]
    absent = [str(p) for p in paths if not p.is_file()]
    if absent:
        raise PeacestatsError(f"peacestats report run: no such analysis script(s): {', '.join(absent)}")
    jobs = max(1, int(jobs))
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX: plain interpreters, one after another
        return _run_plain(paths, echo)
    preload(preload_modules)
    pending = list(paths)
    running: dict[int, tuple[Path, float]] = {}
    failed: list[Path] = []
    try:
        while pending or running:
            while pending and len(running) < jobs and not failed:
                script = pending.pop(0)
                running[_fork(script)] = (script, time.perf_counter())
            if failed:
                pending.clear()
            if not running:
                break
            pid, wait_status = os.waitpid(-1, 0)
            if pid not in running:  # pragma: no cover - not one of ours
                continue
            script, t0 = running.pop(pid)
            code = _status(wait_status)
            note = "" if code == 0 else f"  FAILED (exit {code})"
            echo(f"  {script.stem:<20} {time.perf_counter() - t0:6.1f} s{note}")
            if code != 0:
                failed.append(script)
    except BaseException:  # interrupted: stop the children we started, then pass the interrupt on
        _stop(running)
        raise
    return _summary(failed, echo)


def _stop(running: dict) -> None:
    import signal

    for pid in list(running):
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):  # pragma: no cover - already gone
            pass
    running.clear()


def _summary(failed: list[Path], echo: Callable[[str], None]) -> int:
    if not failed:
        return 0
    echo(f"peacestats report run: {', '.join(p.stem for p in failed)} failed (the message is above); "
         "fix it and run make reports again")
    return 1


def _run_plain(paths: list[Path], echo: Callable[[str], None]) -> int:  # pragma: no cover - not POSIX
    failed = []
    for script in paths:
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script)
            break
    return _summary(failed, echo)
