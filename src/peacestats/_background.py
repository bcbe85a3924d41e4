"""Work started in a forked child process and collected later: how ``peacestats build`` uses a second core.

:class:`Background` runs a function in a child made by ``os.fork`` (the child shares the
parent's memory as it was at the fork: imported modules, loaded sources, tables built so
far) while the parent goes on with other work; :meth:`Background.result` returns the
function's value, or raises the exception it raised. Where forking is not possible or not
wanted (not Linux, ``PEACESTATS_BUILD_JOBS=1``, a single CPU or none idle: :func:`jobs`) nothing is forked and
:meth:`~Background.result` simply calls the function; so does it when the child died
without an answer or its answer cannot be sent back, so a result is never lost, only late.

The child writes nothing but its answer (a pickle, down a pipe); it never touches files the
parent writes. It is killed when the parent dies (``PR_SET_PDEATHSIG``), and by
:meth:`Background.cancel` when the parent stops waiting for it (e.g. another table failed).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any


def jobs() -> int:
    """How many processes a build may use: ``$PEACESTATS_BUILD_JOBS``, else 2 when a second CPU is idle, else 1.

    A CPU counts as idle when the other processes keep at most the number of CPUs minus one
    busy: on a machine already busy, a forked table only takes time from the main process
    (measured: 2 CPUs with a load of 3, a warm build took 9.0 s in two processes, 7.2 s in one).
    How busy the CPUs are is measured now, over :data:`IDLE_WINDOW` seconds of ``/proc/stat``
    (:func:`idle_cpus`); only where that cannot be read, from the 1-minute load average. The load
    average lags by about a minute: right after another CPU-bound run (a benchmark, an earlier
    build) it still reads 1.5-2 on an idle 2-core machine, and a build of ``make bench`` took 8.9 s
    in one process where two take 4.9 s.
    """
    env = os.environ.get("PEACESTATS_BUILD_JOBS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            return 1
    cpus = os.cpu_count() or 1
    if cpus < 2:
        return 1
    idle = idle_cpus()
    if idle is not None:
        busy = cpus - idle
    else:
        try:
            busy = os.getloadavg()[0]
        except OSError:  # pragma: no cover - no load average on this system
            busy = 0.0
    return 2 if busy <= cpus - 1 else 1


#: How long :func:`idle_cpus` watches the CPUs (seconds; ``/proc/stat`` counts in 1/100 s per CPU).
IDLE_WINDOW = 0.1


def _cpu_times() -> tuple[int, int]:
    """(idle + iowait, total) clock ticks of all CPUs since boot, from the first line of ``/proc/stat``."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = fh.readline().split()
    if not fields or fields[0] != "cpu" or len(fields) < 5:
        raise OSError("/proc/stat: no cpu line")
    ticks = [int(x) for x in fields[1:9]]  # user nice system idle iowait irq softirq steal (not guest: in user)
    return ticks[3] + ticks[4], sum(ticks)


def idle_cpus(window: float = IDLE_WINDOW) -> float | None:
    """How many CPUs were idle over the next ``window`` seconds (this process sleeps meanwhile), or None.

    None where ``/proc/stat`` cannot be read (not Linux) or nothing was counted in the window.
    """
    import time

    try:
        idle0, total0 = _cpu_times()
        time.sleep(window)
        idle1, total1 = _cpu_times()
    except (OSError, ValueError):
        return None
    if total1 <= total0:
        return None
    return (os.cpu_count() or 1) * (idle1 - idle0) / (total1 - total0)


def _die_with_parent() -> None:
    """Ask Linux to kill this (child) process when its parent dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


class Background:
    """``fn()`` computed in a forked child; :meth:`result` collects it (or computes it here).

    Parameters
    ----------
    fn
        A function of no arguments whose value can be pickled.
    fork
        False: run nothing now; :meth:`result` calls ``fn`` in this process.
    """

    def __init__(self, fn: Callable[[], Any], fork: bool = True) -> None:
        self._fn = fn
        self._pid: int | None = None
        self._fd: int | None = None
        if fork and sys.platform.startswith("linux") and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        parent = os.getpid()
        r, w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: compute, send the answer, leave without running any exit handler
            code = 0
            try:
                os.close(r)
                _die_with_parent()
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                try:
                    answer: tuple = ("value", self._fn())
                except BaseException as exc:  # noqa: BLE001 - sent to the parent, raised there
                    answer = ("error", exc)
                try:
                    data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - the parent computes it itself
                    data = pickle.dumps(("lost", None))
                with os.fdopen(w, "wb") as fh:
                    fh.write(data)
            except BaseException:  # noqa: BLE001 - never return into the parent's code
                code = 1
            finally:
                for stream in (sys.stdout, sys.stderr):  # what the child printed (warnings), then leave
                    try:
                        stream.flush()
                    except Exception:  # noqa: BLE001, S110 - a closed stream: nothing to keep
                        pass
                os._exit(code)
        os.close(w)
        self._pid, self._fd = pid, r

    @property
    def forked(self) -> bool:
        """True while a child computes ``fn`` (until :meth:`result` or :meth:`cancel`)."""
        return self._pid is not None

    def done(self) -> bool:
        """True when :meth:`result` would not wait: the child has answered or died (or there is no child)."""
        if self._pid is None or self._fd is None:
            return True
        import select

        return bool(select.select([self._fd], [], [], 0)[0])

    def result(self) -> Any:
        """The value of ``fn()``: the child's, or computed here if there is no child or it gave no answer.

        Raises what ``fn`` raised in the child (the same exception, without the child's traceback).
        """
        if self._pid is None:
            return self._fn()
        data = b""
        try:
            with os.fdopen(self._fd, "rb") as fh:  # type: ignore[arg-type]
                data = fh.read()
        finally:
            self._fd = None
            self._reap()
        try:
            kind, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - killed, crashed or a truncated answer
            kind, value = "lost", None
        if kind == "value":
            return value
        if kind == "error":
            raise value
        return self._fn()

    def cancel(self) -> None:
        """Stop the child (if still running) and release its pipe; :meth:`result` then computes here."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - already gone
                pass
            self._reap()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _reap(self) -> None:
        if self._pid is not None:
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:  # pragma: no cover - reaped elsewhere
                pass
            self._pid = None
