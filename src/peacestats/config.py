"""Paths and settings, in one place.

Every other module asks this one where things live, so that a user can move
the data or the mirror with environment variables and nothing else:

``PEACESTATS_HOME``
    The project root. ``data/raw``, ``data/processed`` and ``reports`` live
    below it. Default: the source checkout this package is imported from
    (``<root>/src/peacestats``); for an installed wheel, the user data folder
    (``platformdirs.user_data_path("peacestats")``, e.g.
    ``~/.local/share/peacestats`` on Linux), never the working directory.
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
    """The project root: ``$PEACESTATS_HOME``, else the source checkout, else the user data folder.

    A checkout is recognised by this file's place, ``<root>/src/peacestats/config.py`` beside
    ``<root>/pyproject.toml`` (an editable install counts); a wheel installed anywhere, even in a
    virtual environment inside a checkout, uses the user data folder of :func:`user_data_root`.
    """
    env = os.environ.get("PEACESTATS_HOME")
    if env:
        return Path(env).expanduser().resolve()
    checkout = source_checkout()
    return checkout if checkout is not None else user_data_root()


def source_checkout() -> Path | None:
    """The repository root when this package is imported from ``<root>/src/peacestats``, else ``None``."""
    package = Path(__file__).resolve().parent
    root = package.parent.parent
    if package.name == "peacestats" and package.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def user_data_root() -> Path:
    """The per-user data folder of an installed peacestats (as pooch keeps its cache per user).

    ``platformdirs.user_data_path("peacestats")``: ``$XDG_DATA_HOME/peacestats`` or
    ``~/.local/share/peacestats`` on Linux, ``~/Library/Application Support/peacestats`` on
    macOS, ``%LOCALAPPDATA%\\peacestats`` on Windows. Created when first written to.
    """
    import platformdirs

    return platformdirs.user_data_path("peacestats", appauthor=False)


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
