"""Paths and settings, in one place.

Every other module asks this one where things live, so that a user can move
the data or the mirror with environment variables and nothing else:

``PEACESTATS_HOME``
    The project root (default: the repository that contains this package,
    else the current working directory). ``data/raw``, ``data/processed`` and
    ``reports`` live below it.
``PEACESTATS_DATA_MIRROR``
    A folder laid out like ``../shared/data`` (``<source>/<file>``), or an
    ``http(s)://`` address of a web server holding the same layout. When set,
    ``peacestats data fetch`` takes the files from it instead of the
    publishers' addresses (still checking every sha256).
``PEACESTATS_RAW_DIR`` / ``PEACESTATS_PROCESSED_DIR``
    Override the two data folders individually (tests use temporary ones).
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def project_root() -> Path:
    """The project root: ``$PEACESTATS_HOME``, else the source checkout, else the cwd."""
    env = os.environ.get("PEACESTATS_HOME")
    if env:
        return Path(env).expanduser().resolve()
    here = Path(__file__).resolve()
    # src/peacestats/config.py -> repository root two levels above src/
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "peacestats").is_dir():
            return parent
    return Path.cwd()


def raw_dir() -> Path:
    """Where fetched source files live: ``data/raw/<key>/<version>/<file>`` (git-ignored)."""
    env = os.environ.get("PEACESTATS_RAW_DIR")
    return Path(env).expanduser().resolve() if env else project_root() / "data" / "raw"


def processed_dir() -> Path:
    """Where harmonized tables are written (``data/processed``)."""
    env = os.environ.get("PEACESTATS_PROCESSED_DIR")
    return Path(env).expanduser().resolve() if env else project_root() / "data" / "processed"


def reports_dir() -> Path:
    """Where reports, tables and figures are written."""
    env = os.environ.get("PEACESTATS_REPORTS_DIR")
    return Path(env).expanduser().resolve() if env else project_root() / "reports"


def data_mirror() -> Path | str | None:
    """The mirror from ``$PEACESTATS_DATA_MIRROR``: a folder (Path), a URL (str), or ``None``.

    Raises
    ------
    MirrorConfigError
        The value is an address of another kind (``ftp://``, ``file:``), a malformed
        ``http(s)`` address, or a folder that does not exist.
    """
    from urllib.parse import urlsplit

    from .errors import MirrorConfigError

    env = os.environ.get("PEACESTATS_DATA_MIRROR")
    if not env:
        return None
    hint = ("Set PEACESTATS_DATA_MIRROR to a folder laid out like ../shared/data or to an "
            "http(s)://host/path address, or unset it to download from the publishers.")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]+):", env)
    if scheme and scheme.group(1).lower() in ("http", "https"):
        try:
            parts = urlsplit(env)
            ok = env.lower().startswith(("http://", "https://")) and bool(parts.hostname)
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            ok = False
        if not ok:
            raise MirrorConfigError(f"PEACESTATS_DATA_MIRROR={env!r} is not a valid http(s) address. {hint}")
        return env.rstrip("/")
    if scheme:
        raise MirrorConfigError(
            f"PEACESTATS_DATA_MIRROR={env!r}: {scheme.group(1)}: addresses are not supported. {hint}"
        )
    path = Path(env).expanduser().resolve()
    if not path.is_dir():
        raise MirrorConfigError(f"PEACESTATS_DATA_MIRROR={env!r}: no folder {path}. {hint}")
    return path
