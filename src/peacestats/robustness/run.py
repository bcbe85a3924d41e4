"""Running a multiverse on Dask: chunked tasks, data shipped once, parquet partitions, resume.

Specifications are fitted in tasks of ``chunk_size`` each, on a
:class:`dask.distributed.LocalCluster` (one single-threaded worker process per core) by
default, on an existing cluster given its scheduler address, or on a ``client`` you pass.
The prepared data go to every worker once (``client.scatter(..., broadcast=True)``).
Each finished task is written by the client as one parquet partition under
``OUTPUT/specs/`` (or ``OUTPUT/null/``), so the workers need no shared disk, and a rerun
reads the partitions, skips the specifications already there (keyed by their hash, which
includes the data's sha256) and fits only the rest: an interrupted run resumes.

Fits are deterministic and the resampling seeds derive from the base seed, the data and
the resample number, never from the worker, so the tables are identical whatever the
number of workers; they are returned sorted by specification hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from .. import io
from ..errors import MultiverseError
from . import forked
from .specs import Multiverse, Specification, _canonical, data_fingerprint

__all__ = ["run_multiverse", "run_null", "resample_seed", "uses_dask", "RESULT_COLUMNS", "NULL_COLUMNS"]

RESULT_COLUMNS = ["estimate", "std_error", "conf_low", "conf_high", "p_value", "n", "events", "clusters",
                  "dropped", "warning", "error_type", "error"]
NULL_COLUMNS = ["spec", "resample", "estimate", "std_error", "error_type"]


def _analysis(name: str):
    """The module of an analysis.

    It provides ``check_options``, ``prepare_data``, ``fit_many``, ``resample_clusters``, ``SHARED``.
    """
    if name == "ucdp_peace":
        from . import ucdp_peace as a

        return a
    raise MultiverseError(f"unknown analysis {name!r}; known: ['ucdp_peace']")


def _failed(exc: Exception) -> dict[str, Any]:
    out: dict[str, Any] = {c: None for c in RESULT_COLUMNS}
    out.update(error_type=type(exc).__name__, error=str(exc)[:1000] or repr(exc))
    return out


def _fit_group(fit_many, group: list[tuple[str, int, dict]], data, **kw) -> list[dict[str, Any]]:
    """Fit the specifications of one group (they differ only in shared dimensions): one fit, one row each."""
    try:
        rows = fit_many([options for _, _, options in group], data, **kw)
        return [{**r, "error_type": None, "error": None} for r in rows]
    except Exception as exc:  # a specification that cannot be fitted is a result, not a crash
        return [_failed(exc) for _ in group]


def fit_chunk(analysis: str, data, chunk: list[list[tuple[str, int, dict]]]) -> pd.DataFrame:
    """Fit a chunk of groups of specifications ``(hash, index, options)``; one row each (a Dask task)."""
    fit_many = _analysis(analysis).fit_many
    rows = []
    for group in chunk:
        for (h, index, options), r in zip(group, _fit_group(fit_many, group, data)):
            rows.append({"spec": h, "index": index, **options, **r})
    return _typed(pd.DataFrame(rows))


def resample_seed(seed: int, fingerprint: str, resample: int) -> int:
    """Seed of resample ``b``: from the base seed, the data fingerprint and ``b`` only.

    Every specification in resample ``b`` sees the same draw of clusters, so the null
    distribution of the whole curve (its median, its share of significant results) keeps
    the dependence between specifications, and no seed depends on the worker.
    """
    digest = hashlib.sha256(f"{int(seed)}:{fingerprint}:{int(resample)}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


#: the last cluster-bootstrap draw of this process: ``(data, seed, unit, draw)``
_LAST_DRAW: list[tuple[Any, int, str, Any]] = []


def _draw(a, data, seed: int, unit: str):
    """``a.resample_clusters(data, seed, unit)``, drawn once for the consecutive chunks of one draw in a process."""
    if _LAST_DRAW and _LAST_DRAW[0][0] is data and _LAST_DRAW[0][1:3] == (seed, unit):
        return _LAST_DRAW[0][3]
    _LAST_DRAW.clear()  # one draw at a time: free the last before drawing the next
    drawn = a.resample_clusters(data, seed, unit)
    _LAST_DRAW.append((data, seed, unit, drawn))
    return drawn


def null_chunk(analysis: str, data, seed: int, unit: str, resample: int,
               chunk: list[list[tuple[str, int, dict]]]) -> pd.DataFrame:
    """Fit a chunk of groups of specifications on one cluster-bootstrap draw (a Dask task).

    Each fit starts from the same model's estimate on ``data`` (a warm start, fitted
    once per process: :func:`~peacestats.robustness.ucdp_peace.warm_start`) and iterates
    to full convergence. The draw is taken once per process for consecutive chunks of
    the same draw (it depends on ``seed`` only, so on no worker).
    """
    a = _analysis(analysis)
    drawn = _draw(a, data, seed, unit)
    rows = []
    for group in chunk:
        for (h, _index, _options), r in zip(group, _fit_group(a.fit_many, group, drawn, fallback=False,
                                                                 start_from=data)):
            rows.append({"spec": h, "resample": resample, "estimate": r["estimate"], "std_error": r["std_error"],
                         "error_type": r["error_type"]})
    return _typed(pd.DataFrame(rows, columns=NULL_COLUMNS))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("estimate", "std_error", "conf_low", "conf_high", "p_value"):
        if c in df:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    for c in ("n", "events", "clusters", "index", "resample"):
        if c in df:
            df[c] = pd.array(df[c], dtype="Int64")
    for c in ("dropped", "warning", "error_type", "error"):
        if c in df:
            df[c] = df[c].astype("string")
    return df


@contextmanager
def dask_client(client=None, scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """The client to use: ``client`` as given, one connected to ``scheduler``, or a new LocalCluster.

    The LocalCluster has ``workers`` single-threaded worker processes (default: the number
    of cores), its dashboard on a free port; it is closed on exit. A given client is left open.
    """
    if client is not None:
        yield client
        return
    from dask.distributed import Client, LocalCluster

    if scheduler:
        c = Client(scheduler)
        try:
            yield c
        finally:
            c.close()
        return
    n = int(workers or os.cpu_count() or 1)
    if n < 1:
        raise MultiverseError(f"workers must be at least 1, not {n}")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
    c = Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _read_parts(folder: Path) -> pd.DataFrame | None:
    """The partitions in ``folder``, concatenated; one that cannot be read is left out (its fits are redone)."""
    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    frames = []
    for p in parts:
        try:
            frames.append(pd.read_parquet(p))
        except Exception as exc:  # noqa: BLE001 - a damaged partition is refitted, not trusted
            warnings.warn(f"multiverse: cannot read {p} ({type(exc).__name__}: {exc}); its fits are redone",
                          RuntimeWarning, stacklevel=2)
    return pd.concat(frames, ignore_index=True) if frames else None


def _write_part(folder: Path, name: str, df: pd.DataFrame) -> Path:
    """``folder/part-<name>.parquet``, whole or not at all (a temporary file of this process, then a rename).

    Not synced to disk: a partition damaged by a crash cannot be read and is refitted (:func:`_read_parts`).
    """
    path = folder / f"part-{name}.parquet"
    with io.atomic_path(path, suffix=".tmp", durable=False) as tmp:
        df.to_parquet(tmp, index=False)
    return path


def _groups(specs: list[Specification], shared: tuple[str, ...]) -> list[list[tuple[str, int, dict]]]:
    """Specifications that differ only in ``shared`` dimensions (one fit serves them all), in expansion order."""
    groups: dict[str, list] = {}
    for s in specs:
        key = _canonical({k: v for k, v in s.options.items() if k not in shared})
        groups.setdefault(key, []).append((s.hash, s.index, s.options))
    return list(groups.values())


def _chunks(groups: list[list], size: int) -> list[list[list]]:
    """Whole groups packed into chunks of at least ``size`` specifications (the last may be smaller)."""
    if size < 1:
        raise MultiverseError(f"chunk_size must be at least 1, not {size}")
    out: list[list[list]] = [[]]
    n = 0
    for g in groups:
        if n >= size:
            out.append([])
            n = 0
        out[-1].append(g)
        n += len(g)
    return out if out[0] else []


def _chunk_name(prefix: str, chunk: list[list[tuple[str, int, dict]]]) -> str:
    keys = [h for g in chunk for h, _, _ in g]
    return prefix + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


def _progress(total: int, desc: str, progress: bool | None):
    from .._progress import tqdm_class

    tqdm = tqdm_class()
    disable = (not sys.stderr.isatty()) if progress is None else not progress
    return tqdm(total=total, desc=desc, unit="spec", disable=disable)


def _plan(multiverse: Multiverse, processed) -> tuple[Any, str, list[Specification]]:
    """Check the options (before any data is read), fingerprint the data, expand: ``(analysis, fingerprint, specs)``."""
    a = _analysis(multiverse.analysis)
    a.check_options(multiverse.dimensions)
    fingerprint = data_fingerprint(processed)
    return a, fingerprint, multiverse.expand(fingerprint)


def uses_dask(client=None, scheduler: str | None = None, workers: int | None = None) -> bool:
    """Whether a run with these settings goes to Dask.

    A client or a scheduler address always does. Otherwise ``workers=0`` fits in this
    process, and ``workers`` >= 1 (default: the number of cores) in processes forked from
    this one (:mod:`peacestats.robustness.forked`) on Linux, on a Dask LocalCluster elsewhere.
    """
    if client is not None or scheduler:
        return True
    return workers != 0 and not forked.available()


def _local_workers(workers: int | None) -> int:
    n = int(workers if workers is not None else (os.cpu_count() or 1))
    if n < 0:
        raise MultiverseError(f"workers must be at least 0, not {n}")
    return n


def _execute(tasks: list[tuple[str, tuple]], fn, data, *, prepare, folder: Path | None, desc: str,
             progress: bool | None, client, scheduler: str | None, workers: int | None,
             prime: bool = False) -> list[pd.DataFrame]:
    """Run ``fn(args[0], data, *args[1:])`` for every ``(name, args)`` task: in this process, forked, or on Dask.

    ``data`` (or ``prepare()`` when it is ``None``) goes to every worker once (:func:`uses_dask`
    says where the tasks run). Each result is written as ``folder/part-<name>.parquet`` as soon
    as it arrives (``folder=None``: not written). ``prime``: forked workers first fit, between
    them, the warm starts this process does not have yet (the null curve's refits start there).
    """
    if not tasks:
        return []
    if data is None:
        data = prepare()
    total = sum(len(g) for _, args in tasks for g in args[-1])
    out: list[pd.DataFrame] = []
    with _progress(total, desc, progress) as bar:
        if uses_dask(client, scheduler, workers):
            with dask_client(client, scheduler, workers) as cl:
                out += _submit_all(cl, tasks, fn, data, folder, bar)
            return out
        n = _local_workers(workers)
        if n == 0:
            done: Iterator[tuple[str, pd.DataFrame]] = ((name, fn(args[0], data, *args[1:])) for name, args in tasks)
        else:
            if prime:
                _prime_warm_starts(tasks, data, n)
            done = forked.run_forked(tasks, fn, data, n)
        for name, df in done:
            if folder is not None:
                _write_part(folder, name, df)
            out.append(df)
            bar.update(len(df))
    return out


def _no_fit(analysis: str, data, chunk) -> None:
    """A task that fits nothing itself: its forked worker computes the chunk's warm starts."""


def _prime_warm_starts(tasks: list[tuple[str, tuple]], data, workers: int) -> None:
    """Fit the warm starts of the tasks' groups that this process lacks, on ``workers`` forked processes."""
    analysis = tasks[0][1][0]
    a = _analysis(analysis)
    seen: dict[str, list] = {}  # each group once (a group recurs in every draw), by its first spec's hash
    for _, args in tasks:
        for group in args[-1]:
            seen.setdefault(group[0][0], group)
    groups = [g for g in seen.values() if not a.has_warm_start(g[0][2], data)]
    if not groups:
        return
    size = -(-len(groups) // (4 * workers))  # a few tasks per worker, to balance
    chunks = [groups[i:i + size] for i in range(0, len(groups), size)]
    for _ in forked.run_forked([(f"w{i}", (analysis, c)) for i, c in enumerate(chunks)], _no_fit, data, workers):
        pass


#: the data last sent to the workers of a client: ``(client, data, future)``
_SCATTERED: list[tuple[Any, Any, Any]] = []


def _scattered(client, data):
    """``data`` on every worker of ``client``, sent once for consecutive runs on the same client and data.

    A run and its null curve on one client then share the workers' copy, and what the
    workers derive from it (:class:`~peacestats.robustness.frames.Frame` caches: warm starts).
    """
    if _SCATTERED:
        cl, d, fut = _SCATTERED[0]
        if cl is client and d is data and fut.status == "finished" and client.status == "running":
            return fut
    _SCATTERED.clear()
    [remote] = client.scatter([data], broadcast=True)
    _SCATTERED.append((client, data, remote))
    return remote


def _submit_all(client, tasks: list[tuple[str, tuple]], fn, data, folder: Path | None, bar) -> list[pd.DataFrame]:
    """Submit ``(name, args)`` tasks, write each result as it arrives, return them all."""
    from dask.distributed import as_completed

    remote = _scattered(client, data)
    futures = {}
    for name, args in tasks:
        fut = client.submit(fn, *args[:1], remote, *args[1:], key=f"multiverse-{name}", pure=False)
        futures[fut] = name
    out = []
    try:
        for fut in as_completed(futures):
            df = fut.result()
            if folder is not None:
                _write_part(folder, futures[fut], df)
            out.append(df)
            bar.update(len(df))
    finally:
        for fut in futures:
            fut.cancel()
    return out


def run_multiverse(
    multiverse: Multiverse,
    *,
    output: str | Path | None = None,
    client=None,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int = 8,
    processed: str | Path | None = None,
    data=None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Fit every specification of a multiverse; one row per specification.

    Specifications that differ only in a dimension the analysis computes from one fit
    (its ``SHARED`` dimensions: the clustering of ucdp_peace) are fitted once, in the
    same task.

    Parameters
    ----------
    multiverse
        The dimensions and options (:class:`~peacestats.robustness.Multiverse`).
    output
        Folder for the results (``specs/part-*.parquet``, ``multiverse.json``). A rerun
        fits only the specifications not yet there. ``None``: nothing is written.
    client, scheduler, workers
        A ``dask.distributed.Client``; or the address of a running scheduler
        (``"tcp://host:8786"``); or the number of LocalCluster workers (default: cores).
        ``workers=0`` fits in this process without Dask (for debugging and timing).
    chunk_size
        Specifications per task (at least; groups are not split): enough work to amortize
        the scheduling overhead.
    processed
        Folder of the built tables (default ``data/processed``).
    data
        Prepared data (from the analysis's ``prepare_data``) to reuse instead of preparing.
    progress
        Show a tqdm bar; default: only when stderr is a terminal.

    Returns
    -------
    pandas.DataFrame
        ``spec`` (hash), ``index``, one column per dimension, then ``estimate``,
        ``std_error``, ``conf_low``, ``conf_high``, ``p_value``, ``n``, ``events``,
        ``clusters``, ``dropped``, ``warning``, ``error_type``, ``error`` (both empty when the fit
        worked), sorted by ``spec``. ``attrs["fitted_now"]`` counts the specifications
        fitted by this call (the others were read from ``output``).
    """
    a, fingerprint, specs = _plan(multiverse, processed)
    out_dir = Path(output) if output is not None else None
    folder = out_dir / "specs" if out_dir is not None else None
    done = _read_parts(folder) if folder is not None else None
    done_keys = set(done["spec"]) if done is not None else set()
    todo = [s for s in specs if s.hash not in done_keys]
    if out_dir is not None:
        _write_manifest(out_dir, multiverse, fingerprint, specs)
    chunks = _chunks(_groups(todo, a.SHARED), chunk_size) if todo else []
    tasks = [(_chunk_name("s", c), (multiverse.analysis, c)) for c in chunks]
    frames = [done] if done is not None else []
    frames += _execute(tasks, fit_chunk, data, folder=folder, desc="specifications", progress=progress,
                       prepare=lambda: _prepare(a, multiverse, processed, out_dir, fingerprint),
                       client=client, scheduler=scheduler, workers=workers)
    res = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    keep = {s.hash for s in specs}
    res = res[res["spec"].isin(keep)].drop_duplicates("spec")
    res = _typed(res.sort_values("spec", kind="mergesort").reset_index(drop=True))
    res.attrs["fitted_now"] = len(todo)  # fitted in this call; the rest were read back
    return res


def run_null(
    multiverse: Multiverse,
    *,
    resamples: int = 99,
    seed: int = 20201,
    unit: str = "conflict_id",
    output: str | Path | None = None,
    client=None,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    processed: str | Path | None = None,
    data=None,
    progress: bool | None = None,
    method: str = "refit",
) -> pd.DataFrame:
    """Refit every specification on ``resamples`` cluster-bootstrap draws (for the null curve).

    Draw ``b`` resamples whole clusters (``unit``: conflicts by default) with replacement,
    seeded by :func:`resample_seed`, and refits every specification on it (once per
    group of specifications that share a fit, as :func:`run_multiverse`). A fit that the
    fast path declines on a draw (separation or no convergence in the resampled data) is
    recorded as failed (``error_type`` ``"Fallback"``) without calling the documented
    estimator; :func:`~peacestats.robustness.curve_inference` leaves failed fits out. Results are
    stored under ``OUTPUT/null/<seed>-<unit>/`` and resumed like :func:`run_multiverse`'s,
    keyed by (specification hash, resample). :func:`~peacestats.robustness.curve_inference`
    turns them into the null distribution of the curve. Each refit starts from the
    specification's full-sample estimate and is iterated to full convergence. Parameters as
    :func:`run_multiverse`, except ``chunk_size``: by default (``None``) one task fits a whole draw.

    ``method="score"``: the same draws, without refitting: each specification is fitted once
    and moved on each draw by its rows' influence (the estimating-function bootstrap of
    :mod:`peacestats.robustness.score`; first-order equivalent, milliseconds per draw, in
    this process; less dispersed than the refits in finite samples, so for exploring, not for
    reported p-values). Specifications the lean path declines on the full sample get
    ``error_type`` ``"NoInfluence"``. Stored under ``OUTPUT/null/<seed>-<unit>-score/``.

    Returns
    -------
    pandas.DataFrame
        ``spec``, ``resample``, ``estimate``, ``std_error``, ``error_type``, sorted by
        (``spec``, ``resample``).
    """
    if int(resamples) < 0:
        raise MultiverseError(f"resamples must be >= 0, not {resamples}")
    if method not in ("refit", "score"):
        raise MultiverseError(f"null method must be 'refit' or 'score', not {method!r}")
    a, fingerprint, specs = _plan(multiverse, processed)
    if method == "score":
        return _score_null(a, multiverse, specs, fingerprint, int(resamples), int(seed), unit, output, processed, data)
    folder = Path(output) / "null" / f"{int(seed)}-{unit}" if output is not None else None
    done = _read_parts(folder) if folder is not None else None
    done_keys = set(zip(done["spec"], done["resample"].astype(int))) if done is not None else set()
    tasks = []
    for b in range(int(resamples)):
        todo = [s for s in specs if (s.hash, b) not in done_keys]
        groups = _groups(todo, a.SHARED) if todo else []
        for c in _chunks(groups, chunk_size or max(1, len(todo))) if todo else []:
            tasks.append((_chunk_name(f"b{b:04d}-", c), (multiverse.analysis, resample_seed(seed, fingerprint, b),
                                                         unit, b, c)))
    frames = [done] if done is not None else []
    frames += _execute(tasks, null_chunk, data, folder=folder, desc="null resamples x specifications",
                       progress=progress, client=client, scheduler=scheduler, workers=workers,
                       prime=True, prepare=lambda: _prepare(a, multiverse, processed,
                                                            Path(output) if output else None, fingerprint))
    if not frames:
        return _typed(pd.DataFrame(columns=NULL_COLUMNS))
    res = pd.concat(frames, ignore_index=True)
    keep = {s.hash for s in specs}
    res = res[res["spec"].isin(keep) & (res["resample"] < int(resamples))].drop_duplicates(["spec", "resample"])
    res = _typed(res.sort_values(["spec", "resample"], kind="mergesort").reset_index(drop=True))
    res.attrs["fitted_now"] = sum(len(g) for _, args in tasks for g in args[-1])
    return res


def _score_null(a, multiverse: Multiverse, specs: list[Specification], fingerprint: str, resamples: int, seed: int,
                unit: str, output: str | Path | None, processed, data) -> pd.DataFrame:
    """:func:`run_null` with ``method="score"``: one fit per group of specifications, in this process."""
    if not hasattr(a, "score_null"):
        raise MultiverseError(f"analysis {multiverse.analysis!r} has no score null (method='refit' only)")
    if data is None:
        data = _prepare(a, multiverse, processed, Path(output) if output else None, fingerprint)
    seeds = [resample_seed(seed, fingerprint, b) for b in range(resamples)]
    res = a.score_null(_groups(specs, a.SHARED), data, seeds, unit)[NULL_COLUMNS]
    res = _typed(res.sort_values(["spec", "resample"], kind="mergesort").reset_index(drop=True))
    if output is not None and resamples:
        _write_part(Path(output) / "null" / f"{seed}-{unit}-score", f"b{resamples:04d}", res)
    res.attrs["fitted_now"] = 0
    return res


#: the data last prepared in this process: ``(key, data)``
_PREPARED: list[tuple[tuple, Any]] = []


def _prepare(a, multiverse: Multiverse, processed, output: Path | None, fingerprint: str):
    """The analysis's prepared data; kept for the next run in this process on the same tables and rules.

    Keyed by the analysis, the recurrence rules, the tables' folder and their fingerprint
    (:func:`~peacestats.robustness.specs.data_fingerprint`, which changes with any rebuilt table).
    """
    from .. import config

    rules = multiverse.dimensions.get("recurrence")
    folder = Path(processed) if processed is not None else config.processed_dir()
    key = (multiverse.analysis, tuple(rules or ()), str(folder.resolve()), fingerprint)
    if _PREPARED and _PREPARED[0][0] == key:
        return _PREPARED[0][1]
    _PREPARED.clear()
    cache = output / "cache" if output is not None else None
    data = a.prepare_data(rules, processed=processed, cache_dir=cache, fingerprint=fingerprint)
    _PREPARED.append((key, data))
    return data


def _write_manifest(out_dir: Path, multiverse: Multiverse, fingerprint: str, specs: list[Specification]) -> None:
    info = {"analysis": multiverse.analysis, "dimensions": multiverse.dimensions, "exclude": multiverse.exclude,
            "data_sha256": fingerprint, "specifications": len(specs)}
    io.write_text(out_dir / "multiverse.json", json.dumps(info, indent=2, sort_keys=True) + "\n")
