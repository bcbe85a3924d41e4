"""Reading delimited text files whose encoding is part of their documentation.

:func:`peacestats.sources._base.read` hands a csv to pandas with its default encoding. Some
sources are not plain UTF-8 (PA-X starts with a byte-order mark, CWM is Mac Roman), and a copy
saved in another encoding must fail loudly, naming the file and the line, rather than load
with garbled names. :func:`read_csv_text` decodes the bytes strictly first, then parses.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import EmptyFileError, SchemaError

__all__ = ["read_csv_text"]


def _line_of(data: bytes, pos: int) -> int:
    """1-based physical line of byte offset ``pos``."""
    return data.count(b"\n", 0, pos) + 1


def read_csv_text(key: str, path: Path | str, encoding: str, *, reject_utf8: bool = False, **kwargs) -> pd.DataFrame:
    """Decode ``path`` strictly as ``encoding`` and parse it as csv (all cells as text).

    Parameters
    ----------
    key
        Registry key, for messages.
    path
        The file.
    encoding
        Its documented encoding (``"utf-8-sig"``, ``"mac_roman"``, ...).
    reject_utf8
        For single-byte encodings that accept any byte (Mac Roman, Latin-1): a file that is
        valid UTF-8 *and* has non-ASCII characters was re-saved as UTF-8; raise instead of
        reading it as mojibake.
    **kwargs
        Passed to :func:`pandas.read_csv` (``dtype=str`` and ``keep_default_na=False`` are the
        defaults, so every cell arrives as published).

    Raises
    ------
    EmptyFileError
        A 0-byte file, or a header without data rows.
    SchemaError
        Bytes that are not ``encoding`` (the message names the file, the physical line and the
        byte), or a csv that cannot be parsed (an unterminated quoted field in a truncated file).
    """
    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise EmptyFileError(f"{key}: {path} is empty (0 bytes)")
    if reject_utf8:
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        if as_utf8 is not None and not as_utf8.isascii():
            first = next(i for i, ch in enumerate(as_utf8) if ord(ch) > 127)
            line = as_utf8.count("\n", 0, first) + 1
            raise SchemaError(
                f"{key}: {path} is UTF-8 encoded (line {line}: {as_utf8[first]!r}), but the source is "
                f"{encoding}: the file was re-saved in another encoding. Use the registry copy "
                "(`peacestats data fetch`)."
            )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SchemaError(
            f"{key}: {path}, line {_line_of(data, exc.start)}: byte {data[exc.start:exc.start + 1]!r} is not "
            f"{encoding} ({exc.reason}): the file was saved in another encoding or is damaged. Use the "
            "registry copy (`peacestats data fetch`)."
        ) from None
    kwargs.setdefault("dtype", str)
    kwargs.setdefault("keep_default_na", False)
    try:
        df = pd.read_csv(io.StringIO(text), **kwargs)
    except pd.errors.EmptyDataError as exc:
        raise EmptyFileError(f"{key}: {path} has no data ({exc})") from exc
    except pd.errors.ParserError as exc:
        raise SchemaError(f"{key}: cannot read {path} as csv (truncated or damaged?): {exc}") from exc
    if len(df) == 0:
        raise EmptyFileError(f"{key}: {path} has a header but no data rows")
    return df
