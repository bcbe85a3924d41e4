"""The sources a build reads, parsed into the parsed-source cache by a forked process ahead of the tables.

``peacestats build`` with a second CPU and a cache that lacks some of its sources starts a
:class:`Prefetch` at its beginning: a child forked with :class:`peacestats._background.Background`
parses the sources (:func:`peacestats.sources.prefetch`) in the order the build first reads them,
while the build goes on. No source is parsed by two processes at once: each process that parses
a source holds a lock on it meanwhile (a POSIX record lock on one byte of a temporary file, one
byte per source; the kernel releases it if the process dies), and

* the child skips a source that another process holds (the build is parsing it) or that is
  cached already;
* the build, and a table it forked, before loading a source (:meth:`Prefetch.loading`), takes
  its lock without waiting and parses it as usual; if the child holds it, the build waits for
  the child to release it and then reads the entry the child wrote.

The loader modules, the file readers (pyreadr, python-calamine) and pandera's backends are
imported before the fork, once for all processes.
The tables are the same bytes whatever the child does: it only fills the cache, and a source it
fails on is parsed (and its error raised) by the table that reads it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO

from .._background import Background


def all_cached(keys) -> bool:
    """True when the cache is off or holds the current entry of every source of ``keys`` (nothing to prefetch).

    The entry of this raw file, loader version and code (:func:`peacestats.sources._cache.has_entry`):
    entries left by an earlier version of a loader do not count.
    """
    from . import LOADERS, _cache

    if not _cache.enabled():
        return True
    for key in keys:
        mod = importlib.import_module(f"{__package__}.{LOADERS.get(key, key)}")
        if not _cache.has_entry(key, mod, getattr(mod, "LOAD_BY_KEY", {}).get(key, mod.load), {}):
            return False
    return True


def _try_lock(fd: int, slot: int) -> bool:
    """Lock byte ``slot`` of ``fd`` for this process if no other process holds it; True when locked."""
    import fcntl  # POSIX only: used only where the build forks (Linux)

    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
    except OSError:  # EACCES/EAGAIN: another process holds it
        return False
    return True


def _unlock(fd: int, slot: int) -> None:
    import fcntl

    fcntl.lockf(fd, fcntl.LOCK_UN, 1, slot)


def _run_child(keys: tuple[str, ...], fd: int | None) -> None:
    """In the child: each source of ``keys`` not cached and not held by another process, parsed into the cache."""
    from . import prefetch

    for slot, key in enumerate(keys):
        if fd is not None and not _try_lock(fd, slot):
            continue  # the build is parsing it
        try:
            prefetch([key])  # nothing when it is cached by now
        except Exception:  # noqa: BLE001, S110 - only a speed-up: the table that reads the source reports it
            pass
        finally:
            if fd is not None:
                _unlock(fd, slot)


class Prefetch:
    """A forked child parsing ``keys`` into the parsed-source cache, in this order (see the module docstring).

    Parameters
    ----------
    keys
        Registry keys of sources with a loader, in the order the build first reads them.
    """

    def __init__(self, keys) -> None:
        from .. import registry
        from . import LOADERS, _base

        self.keys = tuple(keys)
        self._slots = {key: i for i, key in enumerate(self.keys)}
        for key in self.keys:  # pandera and the readers imported once, before the fork
            importlib.import_module(f"{__package__}.{LOADERS.get(key, key)}")
        _base.warm_up({registry.get(key).format for key in self.keys})
        self._owner = os.getpid()
        self._locks: IO[bytes] | None = tempfile.TemporaryFile()
        self._job = Background(functools.partial(_run_child, self.keys, self._locks.fileno()))
        if not self._job.forked:  # nothing runs beside the build: result() would parse here
            self._locks.close()
            self._locks = None
            self._job = Background(functools.partial(_run_child, self.keys, None), fork=False)

    @contextlib.contextmanager
    def loading(self, key: str) -> Iterator[None]:
        """Around loading ``key``: hold its lock while parsing it, or wait for the child parsing it just now."""
        slot = self._slots.get(key)
        if self._locks is None or slot is None:
            yield
            return
        import fcntl

        fd = self._locks.fileno()
        if not _try_lock(fd, slot):  # the child is parsing it: wait until it is done (its entry is written)
            try:
                fcntl.lockf(fd, fcntl.LOCK_SH, 1, slot)
                _unlock(fd, slot)
            except OSError:  # pragma: no cover - e.g. EDEADLK: load it anyway (at worst parsed twice)
                pass
            yield
            return
        try:
            yield
        finally:
            _unlock(fd, slot)

    def finish(self) -> None:
        """Wait for the child (done by the end of a build): no half-written cache entry is left behind."""
        if os.getpid() == self._owner:
            self._job.result()
            self._close()

    def cancel(self) -> None:
        """Stop the child and release the lock file."""
        if os.getpid() == self._owner:
            self._job.cancel()
            self._close()

    def _close(self) -> None:
        if self._locks is not None:
            self._locks.close()
            self._locks = None
