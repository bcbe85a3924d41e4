"""Names and paths that stay inside their folder.

Every path peacestats builds from data it does not control (registry entries,
report, table and figure names, the mirror's layout) goes through
:func:`check_name` or :func:`inside`, so that ``..``, an absolute path or a
symbolic link can never make a write (or a read) land outside ``data/raw``,
the mirror, ``data/processed`` or ``reports/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from .errors import UnsafePathError

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")


def check_name(name, what: str) -> str:
    """``name`` if it is a single safe path component (letters, digits, ``_ . + -``), else raise.

    Raises
    ------
    UnsafePathError
        ``name`` is not a string, is empty, contains ``/``, ``\\``, ``..`` or a NUL byte, or
        starts with a dot.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise UnsafePathError(
            f"{what} {name!r} is not a safe file name: use letters, digits, '_', '.', '+' and '-' "
            "only (no '/', '\\', '..', and no leading dot)."
        )
    return name


def check_relative(path, what: str) -> str:
    """``path`` if it is a relative POSIX path whose parts are all safe names, else raise."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path or "\x00" in path:
        raise UnsafePathError(f"{what} {path!r} must be a relative path such as 'source/file.csv'.")
    for part in PurePosixPath(path).parts:
        check_name(part, what + " part")
    return path


def inside(root: str | os.PathLike, *parts: str, what: str = "path") -> Path:
    """``root / parts``, checked (after resolving ``..`` and symbolic links) to stay under ``root``."""
    root_r = Path(root).resolve()
    target = root_r.joinpath(*parts).resolve()
    if target != root_r and not target.is_relative_to(root_r):
        raise UnsafePathError(
            f"{what} {'/'.join(parts)!r} resolves to {target}, outside {root_r}; refusing to use it. "
            "Fix the entry (no '..', absolute paths or links out of the folder)."
        )
    return target
