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

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from . import config, registry
from .safepath import inside
from .errors import ChecksumError, DownloadError, MirrorFileMissingError, NotFetchedError

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
    from tqdm.auto import tqdm

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
    UnknownDatasetError, MirrorFileMissingError, ChecksumError, DownloadError
    """
    import pooch

    ds = registry.get(key)
    target = local_path(key)
    if target.is_file() and sha256sum(target) == ds.sha256:
        return FetchResult(key, target, "cache")
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
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{ds.sha256}",
            fname=target.name,
            path=target.parent,
            downloader=downloader,
            progressbar=progressbar,
        )
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
    except Exception as exc:  # requests' ConnectionError, HTTPError, timeouts
        reason = str(exc).splitlines()[0][:300]
        raise DownloadError(
            f"{key}: could not download {url} ({type(exc).__name__}: {reason}); nothing was written. "
            "Check the network, or set PEACESTATS_DATA_MIRROR to a folder that holds the file."
        ) from exc
    finally:
        _remove_empty_dirs(target.parent)
    return FetchResult(key, target, origin)


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

