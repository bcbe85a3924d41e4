"""Fetch source files into ``data/raw/<key>/<version>/`` and verify their sha256.

Downloads, checksum checks and atomic placement are pooch's job
(:func:`pooch.retrieve` writes to a temporary file beside the target, checks
the hash, then moves it into place, so a failed or truncated download never
leaves a partial file). Two sources feed it:

* a **mirror** (``$PEACESTATS_DATA_MIRROR``): a folder such as ``../shared/data``,
  laid out like the shared data folder (``<source>/<file>``) or like
  ``data/raw`` (``<key>/<version>/<file>``), used offline; or the address of a
  web server with the shared-folder layout (an institutional mirror);
* the **network**: the registry's ``url`` over HTTPS (pooch's HTTPDownloader,
  with a tqdm progress bar).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import config, io, registry
from .errors import ChecksumError, DownloadError, MirrorFileMissingError, NotFetchedError, OutputError
from .safepath import inside

_CHUNK = 1 << 20


def local_path(key: str) -> Path:
    """Where ``key``'s file lives once fetched: ``data/raw/<key>/<version>/<file>``."""
    ds = registry.get(key)
    registry.check_paths(ds)
    root = config.raw_dir()
    inside(root, ds.key, ds.version, ds.file, what=f"{key}: data/raw path")
    return root / ds.key / ds.version / ds.file


def sha256sum(path: str | os.PathLike) -> str:
    """The hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def mirror_file(key: str, mirror: Path) -> Path:
    """The file for ``key`` inside ``mirror``; :class:`MirrorFileMissingError` if absent."""
    ds = registry.get(key)
    candidates = [inside(mirror, ds.mirror_path, what=f"{key}: mirror path"),
                  inside(mirror, ds.key, ds.version, ds.file, what=f"{key}: mirror path")]
    for c in candidates:
        if c.is_file():
            return c
    raise MirrorFileMissingError(
        f"{key}: the mirror {mirror} has no {ds.mirror_path} (nor {ds.key}/{ds.version}/{ds.file}). "
        "Put the file there, or unset PEACESTATS_DATA_MIRROR to download it from "
        f"{ds.url or ds.homepage}."
    )


def _copy_with_progress(src: Path, dst, progressbar: bool) -> None:
    """Copy ``src`` into ``dst`` (a path or an open binary file), with an optional tqdm bar."""
    from ._progress import tqdm_class

    tqdm = tqdm_class()

    total = src.stat().st_size
    own = not hasattr(dst, "write")
    out = open(dst, "wb") if own else dst
    try:
        with open(src, "rb") as fin, tqdm(
            total=total, unit="B", unit_scale=True, desc=src.name, disable=not progressbar, leave=False
        ) as bar:
            for block in iter(lambda: fin.read(_CHUNK), b""):
                out.write(block)
                bar.update(len(block))
    finally:
        if own:
            out.close()


class _MirrorDownloader:
    """A pooch downloader that copies from a local mirror file instead of the network.

    pooch has no downloader for local folders; this is the small adapter it
    documents for custom sources (``downloader(url, output_file, pooch)``).
    """

    def __init__(self, source: Path, progressbar: bool):
        self.source = source
        self.progressbar = progressbar

    def __call__(self, url, output_file, pooch_obj, check_only=False):  # noqa: ARG002
        if check_only:
            return self.source.is_file()
        _copy_with_progress(self.source, output_file, self.progressbar)
        return None


@dataclass(frozen=True)
class FetchResult:
    key: str
    path: Path
    source: str  # "cache", "mirror" or the URL


def fetch(key: str, *, progressbar: bool = False, mirror: Path | None | str = "env") -> FetchResult:
    """Make sure ``key``'s file is in ``data/raw`` with the registered sha256.

    Parameters
    ----------
    key
        A registry key (``peacestats data list``).
    progressbar
        Show a tqdm progress bar while copying or downloading.
    mirror
        A mirror folder or ``http(s)://`` address, ``None`` for the publishers'
        addresses, or ``"env"`` (default) to use ``$PEACESTATS_DATA_MIRROR`` when set.

    Returns
    -------
    FetchResult
        Where the file is and where it came from (``"cache"`` if it was already there).

    Raises
    ------
    UnknownDatasetError, UnsafePathError, MirrorConfigError, MirrorFileMissingError,
    ChecksumError, DownloadError
        As their names say; when a file already in ``data/raw`` fails its checksum, the
        message says so before saying why no good copy could be fetched.
    OutputError
        ``data/raw`` cannot be written (read-only, full, or a file in the way).
    """
    ds = registry.get(key)
    target = local_path(key)
    stale = ""
    if target.is_file():
        digest = sha256sum(target)
        if digest == ds.sha256:
            return FetchResult(key, target, "cache")
        stale = (f"{target} is there but its sha256 {digest[:16]}... differs from the registry's "
                 f"{ds.sha256[:16]}... (altered, truncated or another version), and a good copy could "
                 "not be fetched: ")
    try:
        return _fetch(key, ds, target, progressbar, mirror)
    except (MirrorFileMissingError, DownloadError) as exc:
        if not stale:
            raise
        raise type(exc)(f"{key}: {stale}{exc}") from exc


def _write_error(key: str, folder: Path, exc: OSError) -> OutputError:
    hint = {errno.ENOSPC: "the disk is full: free some space", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the file system is read-only", errno.EACCES: "it is not writable (permissions)",
            errno.EPERM: "it is not writable (permissions)",
            errno.ENOTDIR: "a file stands where a folder should be: move it away",
            errno.EEXIST: "a file stands where a folder should be: move it away"}.get(exc.errno or 0, "")
    return OutputError(
        f"{key}: cannot write into {folder} ({exc.strerror or exc}){': ' + hint if hint else ''}. Fix that, "
        "or set PEACESTATS_RAW_DIR to a writable folder, and fetch again; nothing was written."
    )


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST}
_POOCH_TEMP = re.compile(r"tmp[A-Za-z0-9_]{8}")


def _fetch(key: str, ds, target: Path, progressbar: bool, mirror) -> FetchResult:
    """:func:`fetch` once the cache has been checked: copy or download under the folder's lock."""
    from ._progress import import_pooch

    pooch = import_pooch()

    if mirror == "env":
        mirror = config.data_mirror()

    if isinstance(mirror, str) and mirror.startswith(("http://", "https://")):
        from urllib.parse import quote

        url = f"{mirror.rstrip('/')}/{quote(ds.mirror_path)}"
        origin = url
        downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=60)
    elif mirror is not None:
        src = mirror_file(key, Path(mirror))
        downloader = _MirrorDownloader(src, progressbar)
        url, origin = src.as_uri(), "mirror"
    else:
        if not ds.url:
            raise DownloadError(
                f"{key}: the registry has no download address for this file ({ds.origin}); "
                "set PEACESTATS_DATA_MIRROR to a folder that holds it."
            )
        url, origin = ds.url, ds.url
        downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=60)

    pooch.get_logger().setLevel(logging.WARNING)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(io.folder_lock(target.parent, "fetch"))
        except OutputError as exc:
            _remove_empty_dirs(target.parent)
            if not isinstance(exc.__cause__, OSError):
                raise
            raise _write_error(key, target.parent, exc.__cause__) from exc
        try:
            _retrieve(pooch, url, ds, target, downloader, progressbar)
        except ValueError as exc:  # pooch's hash mismatch; it has already removed the temporary file
            if "hash" not in str(exc).lower():
                raise
            raise ChecksumError(
                f"{key}: {url} does not have the registered sha256 {ds.sha256} "
                "(truncated or altered file); nothing was written to data/raw. "
                "If the publisher released a new version, add it to registry.toml."
            ) from exc
        except MirrorFileMissingError:
            raise
        except OSError as exc:
            cause = _write_cause(exc)
            if cause is None:
                raise _download_error(key, url, exc) from exc
            raise _write_error(key, target.parent, cause) from exc
        except Exception as exc:  # requests' ConnectionError, HTTPError, timeouts
            raise _download_error(key, url, exc) from exc
        finally:
            _remove_empty_dirs(target.parent)
    return FetchResult(key, target, origin)


def _retrieve(pooch, url: str, ds, target: Path, downloader, progressbar: bool) -> None:
    """``pooch.retrieve`` into ``target``, after removing pooch temporaries of killed fetches.

    The caller holds the lock on ``target.parent``, so no other fetch is writing there.
    """
    for p in target.parent.iterdir():
        if _POOCH_TEMP.fullmatch(p.name) and p.is_file():
            p.unlink()
    pooch.retrieve(url, known_hash=f"sha256:{ds.sha256}", fname=target.name, path=target.parent,
                   downloader=downloader, progressbar=progressbar)
    os.chmod(target, io.default_mode())  # pooch's temporary file was 0600


def _write_cause(exc: BaseException | None) -> OSError | None:
    """The OSError about writing ``data/raw`` behind ``exc`` (pooch re-raises some), or ``None``.

    Network errors (requests' exceptions are OSErrors too) and errors about other files
    (the mirror's) are not write errors.
    """
    import requests

    raw = str(config.raw_dir())
    while isinstance(exc, OSError) and not isinstance(exc, requests.RequestException):
        names = [str(n) for n in (exc.filename, exc.filename2) if n]
        if exc.errno in _WRITE_ERRNOS and (not names or any(n.startswith(raw) for n in names)
                                           or exc.errno in (errno.ENOSPC, errno.EDQUOT)):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _download_error(key: str, url: str, exc: Exception) -> DownloadError:
    reason = (str(exc).splitlines() or [""])[0][:300]
    return DownloadError(
        f"{key}: could not download {url} ({type(exc).__name__}: {reason}); nothing was written. "
        "Check the network, or set PEACESTATS_DATA_MIRROR to a folder that holds the file."
    )


def _remove_empty_dirs(folder: Path) -> None:
    """After a failed fetch, drop the ``<key>/<version>`` folders we created, if empty."""
    for d in (folder, folder.parent):
        try:
            d.rmdir()
        except OSError:
            break


def verify(key: str) -> tuple[bool, str]:
    """Check the fetched file of ``key``: ``(True, "ok")`` or ``(False, reason)``."""
    ds = registry.get(key)
    p = local_path(key)
    if not p.is_file():
        return False, "not fetched"
    digest = sha256sum(p)
    if digest != ds.sha256:
        return False, f"sha256 {digest} differs from the registry's {ds.sha256}"
    return True, "ok"


def is_fetched(key: str) -> bool:
    """Whether ``key``'s file is present in ``data/raw`` (not verified)."""
    return local_path(key).is_file()


def require(key: str) -> Path:
    """The verified local file of ``key``, fetching it first if needed.

    Loaders call this. With neither a fetched copy nor a way to fetch one it
    raises :class:`NotFetchedError` saying how to get the file.
    """
    try:
        return fetch(key).path
    except (MirrorFileMissingError, DownloadError) as exc:
        raise NotFetchedError(
            f"{exc}\nRun `peacestats data fetch {key}` (with PEACESTATS_DATA_MIRROR set when offline)."
        ) from exc

