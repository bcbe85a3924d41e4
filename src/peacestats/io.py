"""Atomic, deterministic file writing.

Every file peacestats derives (processed tables, report tables, figures,
HTML) is written through these helpers: the content goes to a temporary file
in the target's folder, is flushed to disk, and only then replaces the target
(``os.replace`` is atomic on POSIX). A step that fails half-way therefore
leaves the previous good output in place, never a truncated file. Files get the
permissions ``open()`` would give them (``0o666`` less the umask), not the
``0600`` of the temporary file.

Temporary files are named ``.<target>.ps<pid>-<random>.tmp``: a run killed
with ``kill -9`` can leave one behind, and :func:`clean_stale_temps` (called by
the next build or report run on its folders) removes those whose process is gone.
:func:`folder_lock` serialises two builds or two report runs on the same folder.

Determinism: parquet files are written by pyarrow without timestamps, with a
fixed row order chosen by the caller, so the same table gives the same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it where possible (``/proc/self/status``).

    Elsewhere it is read by setting and restoring it under a lock (``os.umask`` has no
    read-only form), which is safe among this module's own callers.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        old = os.umask(0o022)
        os.umask(old)
    return old


def default_mode() -> int:
    """The mode ``open()`` would give a new file: ``0o666`` less the umask (``0o644`` for umask 022)."""
    return 0o666 & ~umask()


def output_error(target: str | os.PathLike, exc: OSError, *, folder: bool = False):
    """An :class:`~peacestats.errors.OutputError` saying why ``target`` (a file, or a ``folder``)
    cannot be written and what to do next."""
    import errno

    from .errors import OutputError

    target = Path(target)
    where = target if folder else target.parent
    blocker = next((p for p in [where, *where.parents] if p.exists() and not p.is_dir()), None)
    if blocker is not None or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        what = f"{blocker or where} is a file, not a folder: move it away or choose another output folder"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full (or the quota used up): free some space and run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = (f"{where} is not writable: fix its permissions, or write elsewhere (--out, "
                "PEACESTATS_PROCESSED_DIR or PEACESTATS_REPORTS_DIR)")
    elif exc.errno == errno.EISDIR:
        what = f"{target} is a folder: move it away"
    else:
        what = "check the folder and run again"
    return OutputError(f"cannot write {target} ({exc.strerror or exc}): {what}. "
                       "The previous version of the file, if any, is unchanged.")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = "", durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success move it onto ``target``.

    On an exception the temporary file is removed and ``target`` is untouched; an
    ``OSError`` (full disk, read-only folder, a file where a folder should be) becomes
    an :class:`~peacestats.errors.OutputError` that says so. ``durable=False`` skips the
    ``fsync`` before the move, for files that are checked when read and remade when
    damaged (the multiverse's result partitions: a few dozen per run).
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.ps{os.getpid()}-", suffix=suffix or ".tmp",
                                   dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise output_error(target, exc) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if durable:
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp_path, default_mode())  # mkstemp makes 0600; outputs get what open() would give
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise output_error(target, exc) from exc
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_open(target: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """``open()`` for writing, atomically (text mode writes UTF-8 with ``\\n`` line ends)."""
    with atomic_path(target) as tmp:
        kwargs: dict[str, Any] = {"encoding": encoding, "newline": "\n"} if "b" not in mode else {}
        with open(tmp, mode, **kwargs) as fh:
            yield fh


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``target`` atomically; returns the path."""
    with atomic_open(target, "w") as fh:
        fh.write(text)
    return Path(target)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_open(target, "wb", encoding=None) as fh:
        fh.write(data)
    return Path(target)


def write_json(target: str | os.PathLike, obj: Any) -> Path:
    """Write JSON with sorted keys and a trailing newline (byte-stable)."""
    return write_text(target, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def write_parquet(df, target: str | os.PathLike) -> Path:
    """Write a DataFrame to parquet atomically and deterministically (no index, snappy)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    with atomic_path(target, suffix=".parquet") as tmp:
        pq.write_table(table, tmp, compression="snappy")
    return Path(target)


def write_csv(df, target: str | os.PathLike, float_format: str = "%.10g") -> Path:
    """Write a DataFrame to CSV atomically with fixed float formatting and ``\\n`` line ends."""
    with atomic_open(target, "w") as fh:
        df.to_csv(fh, index=False, float_format=float_format, lineterminator="\n")
    return Path(target)


def _draw_disabled(renderer) -> bool:
    """Whether ``renderer``'s draw methods are the no-ops of matplotlib's ``_draw_disabled``.

    That context sets them as instance attributes, on the renderer itself or, for the
    vector formats' ``MixedModeRenderer`` (which delegates), on the renderer it wraps.
    """
    return any("draw_path" in getattr(r, "__dict__", {}) for r in (renderer, getattr(renderer, "_renderer", None)))


@contextlib.contextmanager
def _layout_only_predraw(fig) -> Iterator[None]:
    """During ``fig.savefig``, the draw with disabled drawing only lays the figure out.

    ``savefig(bbox_inches="tight")`` draws the figure twice: once with every ``draw_*``
    method of the renderer a no-op (to run the layout engine and place the artists
    before measuring the tight box), then for real. The first draw outputs nothing;
    of its work the tight box needs the layout (and the aspect of the axes, which
    ``Figure.draw`` applies first), not the walk over every artist:
    ``get_tightbbox`` places what it measures (ticks, labels, titles, legends) itself.
    That walk is skipped here; the real draw is untouched. A figure with subfigures
    (whose own draw applies their axes' aspect) is drawn as usual.
    """
    if fig.subfigs:
        yield
        return

    def draw(renderer):
        if not _draw_disabled(renderer):
            return type(fig).draw(fig, renderer)
        if not fig.get_visible():
            return None
        fig._get_draw_artists(renderer)  # what Figure.draw does first: apply the axes' aspect
        engine = fig.get_layout_engine()
        if fig.axes and engine is not None:
            with contextlib.suppress(ValueError):  # as Figure.draw: a too small figure keeps its layout
                engine.execute(fig)
        fig.stale = False
        return None

    had = "draw" in vars(fig)
    old = vars(fig).get("draw")
    fig.draw = draw
    try:
        yield
    finally:
        if had:
            fig.draw = old
        else:
            del fig.draw


@contextlib.contextmanager
def _shared_text_metrics() -> Iterator[None]:
    """Renderers of one class and dpi share their text sizes (matplotlib keeps them per renderer).

    ``savefig(bbox_inches="tight")`` measures every text with the renderer it lays the
    figure out with, then draws with a new renderer (of the tight size) that measures
    them all again: the same font, size and dpi give the same sizes, so the second
    renderer reads the first one's. Scoped to one ``savefig``, with everything matplotlib
    keys its own cache on (text, font properties, math mode, figure dpi) plus the
    renderer's class and the class and dpi of the renderer that measures (for the vector
    formats, the one a ``MixedModeRenderer`` wraps: its own dpi is that of raster images).
    """
    import functools

    import matplotlib.text as mtext
    from matplotlib.backend_bases import RendererBase

    own = getattr(mtext, "_get_text_metrics_function", None)
    if own is None:  # another matplotlib: its own caching only
        yield
        return
    shared: dict = {}

    def metrics_function(renderer, *args):
        inner = getattr(renderer, "_renderer", None)  # what a MixedModeRenderer measures with (vector or raster)
        measuring = inner if isinstance(inner, RendererBase) else renderer
        key = (type(renderer), type(measuring), getattr(measuring, "dpi", None))
        if key not in shared:
            @functools.lru_cache(4096)
            def metrics(text, fontprop, ismath, dpi, _renderer=renderer):
                return _renderer.get_text_width_height_descent(text, fontprop, ismath)
            shared[key] = metrics
        return shared[key]

    setattr(mtext, "_get_text_metrics_function", metrics_function)  # noqa: B010 (private: mypy does not know it)
    try:
        yield
    finally:
        setattr(mtext, "_get_text_metrics_function", own)  # noqa: B010


_FIGURE_LOCK = threading.Lock()  # the text-size sharing replaces a matplotlib module function while it saves


def figure_bytes(fig, fmt: str) -> bytes:
    """A matplotlib figure rendered as ``fmt`` (png, svg, pdf) without timestamps.

    The bytes are those of ``fig.savefig(buf, format=fmt, bbox_inches="tight", dpi=150)``
    (tests compare), drawn with less work: the layout-only first draw of
    :func:`_layout_only_predraw` and the text sizes measured once of :func:`_shared_text_metrics`.
    """
    import io as _io

    import matplotlib as mpl

    fmt = fmt.lower()
    mpl.rcParams["svg.hashsalt"] = "peacestats"  # fixed SVG element ids instead of random ones
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "Creator": None}}.get(fmt)
    buf = _io.BytesIO()
    with _FIGURE_LOCK, _layout_only_predraw(fig), _shared_text_metrics():
        fig.savefig(buf, format=fmt, metadata=metadata, bbox_inches="tight", dpi=150)
    return buf.getvalue()


def write_figure(fig, target: str | os.PathLike) -> Path:
    """Save a matplotlib figure atomically; PNG and SVG are written without timestamps."""
    target = Path(target)
    return write_bytes(target, figure_bytes(fig, target.suffix.lstrip(".")))


# ----------------------------------------------------------------------------- kills and concurrency
_TEMP = re.compile(r"\..+\.ps(\d+)-[^/]*$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def clean_stale_temps(*folders: str | os.PathLike) -> list[Path]:
    """Remove the temporary files of :func:`atomic_path` left in ``folders`` by killed processes.

    A file is removed only when the process named in it no longer runs, so a write
    in progress elsewhere is never disturbed. Returns the paths removed.
    """
    removed = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            m = _TEMP.match(p.name)
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))) and p.is_file():
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
                    removed.append(p)
    return removed


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike, what: str = "peacestats", echo=None) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` (``flock`` on the folder itself) while the block runs.

    A second process asking for the same folder waits until the first is done, so two
    builds (or two report runs) never interleave their writes. The lock is released
    when the block ends or the process dies (even by ``kill -9``); no lock file is left.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise output_error(folder, exc, folder=True) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if echo is not None:
                echo(f"  waiting for another {what} run on {folder} to finish ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder
    finally:
        os.close(fd)  # releases the lock
