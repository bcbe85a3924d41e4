"""Local worker processes forked from this one: the multiverse on one machine without Dask.

The prepared data are set aside in this process (:data:`_INHERITED`) before the workers
are forked, so every worker has them at no cost (copy-on-write), together with what this
process has already derived from them: the warm starts of the bootstrap refits above all.
Only the tasks' small arguments and their result tables cross between processes. A task
returns, beside its table, the warm starts it computed (the analysis's ``warm_starts``),
which this process adopts (``adopt_warm_starts``): the null curve's workers, forked after
the specifications are fitted, then start with every warm start already there, as an
in-process run would, instead of each worker fitting all the models on the full data again.
The modules the fits import when first needed (the analysis's ``WORKER_IMPORTS``) are
imported here before the fork, once rather than in every worker.

Measured on 2 cores (2026-12-02, the report's 1,152 specifications and 20 draws): a
2-process Dask LocalCluster took 53 s of wall time and 95 s of CPU (two spawned
interpreters, each importing everything and fitting its own warm starts), one process
53 s, two forked workers 31 s and 55 s of CPU. Results do not depend on the number of
workers: tasks are seeded by their arguments, and the runner sorts what they return.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Iterator

__all__ = ["available", "run_forked"]

#: the prepared data of the running call, inherited by its forked workers (empty between calls)
_INHERITED: list[Any] = []


def available() -> bool:
    """Whether local workers are forked: on Linux (elsewhere ``fork`` is unsafe or missing; Dask is used)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _task(fn: Callable, args: tuple) -> tuple[Any, list]:
    """In a worker: ``fn(args[0], data, *args[1:])`` and the warm starts of the task's groups on ``data``."""
    from .run import _analysis

    data = _INHERITED[0]
    out = fn(args[0], data, *args[1:])
    options = [group[0][2] for group in args[-1]]
    return out, _analysis(args[0]).warm_starts(options, data)


def run_forked(tasks: list[tuple[str, tuple]], fn: Callable, data: Any, workers: int) -> Iterator[tuple[str, Any]]:
    """Run ``fn(args[0], data, *args[1:])`` for every ``(name, args)`` task on ``workers`` forked processes.

    ``args[0]`` names the analysis (:func:`peacestats.robustness.run._analysis`), and the last
    element of ``args`` is the task's chunk of specification groups, whose warm starts the
    worker hands back. Yields ``(name, result)`` as tasks finish (in no fixed order: the
    caller sorts). A task that raises stops the run: the error is raised here, the tasks not
    started are cancelled, and the workers are shut down.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if _INHERITED:
        raise RuntimeError("run_forked is not reentrant")
    from .run import _analysis

    a = _analysis(tasks[0][1][0])
    for name in getattr(a, "WORKER_IMPORTS", ()):  # once here, not in every worker
        importlib.import_module(name)
    _INHERITED.append(data)
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=ctx) as pool:
            names = {pool.submit(_task, fn, args): name for name, args in tasks}
            pending = set(names)
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in sorted(done, key=lambda f: names[f]):
                        out, starts = fut.result()
                        a.adopt_warm_starts(data, starts)
                        yield names[fut], out
            finally:
                for fut in pending:
                    fut.cancel()
    finally:
        _INHERITED.clear()
