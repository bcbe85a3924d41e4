"""Shared machinery of the source loaders: read a registered file, validate it, report errors well.

Every loader in :mod:`peacestats.sources` follows the same three steps::

    path = fetch.require(KEY)                 # verified local file
    raw = read(KEY, path)                     # the original format (csv, xlsx, xls, dta, rda, tab)
    raw = validate(raw, SCHEMA, KEY, path)    # pandera: documented columns, types, keys
    ... tidy: snake_case names, dates, integer codes, split code lists ...

Errors name the file, the column and the row (1-based data row, as a
spreadsheet would number it below the header), and are typed
(:class:`~peacestats.errors.SchemaError`, :class:`~peacestats.errors.EmptyFileError`,
:class:`~peacestats.errors.DuplicateKeyError`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import registry
from ..errors import DuplicateKeyError, EmptyFileError, SchemaError

__all__ = ["read", "validate", "split_codes", "to_datetime", "explode_codes"]


#: The Excel reader. python-calamine (Rust) parses the project's workbooks about eight times faster
#: than openpyxl/xlrd and gives identical frames (tests/test_sources_excel.py compares them; the
#: benchmark ``bench_loaders`` measures both).
EXCEL_ENGINE = "calamine"
#: The pure-Python readers calamine replaced, kept for the comparison.
REFERENCE_EXCEL_ENGINES = {"xlsx": "openpyxl", "xls": "xlrd"}


def read(key: str, path: Path, **kwargs) -> pd.DataFrame:
    """Read ``path`` in the registered format of ``key``.

    Keyword arguments go to the pandas/pyreadr reader. Reader failures
    (an empty or unreadable file) become :class:`EmptyFileError` or
    :class:`SchemaError` naming the file.
    """
    ds = registry.get(key)
    path = Path(path)
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{key}: {path} is empty (0 bytes)")
    try:
        if ds.format == "csv":
            df = pd.read_csv(path, **kwargs)
        elif ds.format == "tab":
            df = pd.read_csv(path, sep="\t", **kwargs)
        elif ds.format in ("xlsx", "xls"):  # Excel 2007+ and Excel 97-2003 workbooks
            df = pd.read_excel(path, sheet_name=ds.sheet or 0, engine=EXCEL_ENGINE, **kwargs)
        elif ds.format == "dta":
            df = pd.read_stata(path, convert_categoricals=False, **kwargs)
        elif ds.format == "rda":
            import pyreadr

            objs = pyreadr.read_r(str(path))
            name = ds.rda_object or next(iter(objs))
            if name not in objs:
                raise SchemaError(f"{key}: {path} has no R object {name!r} (it has {sorted(objs)})")
            # R row names (pyreadr's "rownames" index on files written from data.frames)
            # are labels, not data; a plain 0..n-1 index keeps error rows numbered 1..n.
            df = objs[name].reset_index(drop=True)
        else:  # pragma: no cover - registry formats are fixed
            raise SchemaError(f"{key}: unknown format {ds.format!r} in registry.toml")
    except pd.errors.EmptyDataError as exc:
        raise EmptyFileError(f"{key}: {path} has no data ({exc})") from exc
    except SchemaError:
        raise
    except Exception as exc:  # a damaged xlsx/xls/dta/rda: name the file, keep the cause
        raise SchemaError(f"{key}: cannot read {path} as {ds.format}: {exc}") from exc
    if len(df) == 0:
        raise EmptyFileError(f"{key}: {path} has a header but no data rows")
    return df


def warm_up(formats=()) -> None:
    """Import what the first read and validation import: the readers of ``formats``, pandera's backends.

    ``peacestats build`` calls this before it forks a process that parses sources
    (:mod:`peacestats.sources._prefetch`), so that the processes do not each do it.

    Parameters
    ----------
    formats
        Registered formats (``"rda"``: pyreadr; ``"xlsx"``/``"xls"``: python-calamine); the
        others need nothing beyond pandas. Pandera registers its pandas backends at its first
        validation (about 0.2 s); a tiny schema is validated here to do it now.
    """
    import importlib

    import pandera.pandas as pa

    readers = {"rda": ("pyreadr",), "xlsx": ("python_calamine", "pandas.io.excel._calamine"),
               "xls": ("python_calamine", "pandas.io.excel._calamine")}
    for module in sorted({m for f in formats for m in readers.get(f, ())}):
        try:
            importlib.import_module(module)
        except ImportError:  # only a speed-up: the reader reports a missing engine when it reads
            pass
    pa.DataFrameSchema({"x": pa.Column("Int64", pa.Check.ge(0), coerce=True)}).validate(pd.DataFrame({"x": [0]}))


def _row_label(index_value) -> str:
    if isinstance(index_value, (int, np.integer)):
        return f"row {int(index_value) + 1}"
    return f"row {index_value!r}"


def validate(df: pd.DataFrame, schema, key: str, path: Path | str) -> pd.DataFrame:
    """Validate ``df`` against a pandera ``schema``; raise a :class:`SchemaError` naming file, column and row.

    The schema's ``unique`` (primary key) becomes :class:`DuplicateKeyError`.
    Columns are coerced to the schema's types; a value that cannot be coerced
    (text in ``year``) is reported with its row.
    """
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    missing = [c for c in schema.columns if c not in df.columns and schema.columns[c].required]
    if missing:
        near = {
            m: [c for c in df.columns
                if re.sub(r"[^a-z0-9]", "", str(c).lower()) == re.sub(r"[^a-z0-9]", "", m.lower())]
            for m in missing
        }
        hints = "; ".join(f"{m!r} (found {near[m][0]!r} instead?)" for m in missing if near[m])
        raise SchemaError(
            f"{key}: {path} lacks documented column(s) {missing}"
            + (f": {hints}" if hints else "")
            + f". Columns present: {list(df.columns)}"
        )
    df = _numbers_from_text(df, schema, key, path)
    try:
        return schema.validate(df, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        lines = []
        dup = fc[fc["check"].astype(str).str.contains("unique|duplicat", case=False, regex=True)]
        for _, r in fc.head(10).iterrows():
            col = r.get("column")
            idx = r.get("index")
            where = _row_label(idx) if idx is not None and not pd.isna(idx) else "column as a whole"
            lines.append(f"  column {col!r}, {where}: value {r.get('failure_case')!r} fails {r.get('check')}")
        more = f"\n  ... and {len(fc) - 10} more" if len(fc) > 10 else ""
        msg = f"{key}: {path} does not match its documented schema:\n" + "\n".join(lines) + more
        if len(dup) and len(dup) == len(fc):
            raise DuplicateKeyError(msg) from None
        raise SchemaError(msg) from None
    except pa.errors.SchemaError as err:  # pragma: no cover - lazy=True collects instead
        raise SchemaError(f"{key}: {path}: {err}") from None


def _numbers_from_text(df: pd.DataFrame, schema, key: str, path: Path | str) -> pd.DataFrame:
    """Turn numeric schema columns that were read as text into numbers, or name the bad cells.

    One stray word in a numeric column ("Apr" in ``mon``) makes the reader keep the whole
    column as text, and the file's other values ("1.0") then fail an integer coercion too,
    so pandera would report every row. Parsing the text as numbers first reports just the
    cells that are not numbers, with their rows. Blank cells become missing values.
    """
    out = df
    for name, column in schema.columns.items():
        dtype = getattr(column.dtype, "type", None)
        if name not in df.columns or dtype is None or df[name].dtype != object:
            continue
        try:
            numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        except TypeError:  # pragma: no cover - exotic pandera types
            numeric = False
        if not numeric:
            continue
        text = df[name]
        blank = text.isna() | (text.astype(str).str.strip() == "")
        parsed = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = ~blank & parsed.isna()
        if bad.any():
            cells = [f"  column {name!r}, {_row_label(i)}: value {text[i]!r} is not a number"
                     for i in bad[bad].index[:10]]
            more = f"\n  ... and {int(bad.sum()) - 10} more" if bad.sum() > 10 else ""
            raise SchemaError(
                f"{key}: {path} does not match its documented schema:\n" + "\n".join(cells) + more
                + "\nCorrect these cells (or use the registry copy: `peacestats data fetch`)."
            )
        if out is df:
            out = df.copy()
        out[name] = parsed
    return out


def split_codes(value) -> list[int]:
    """Split a UCDP multi-code field (``"2, 200"``) into integers; NA gives ``[]``.

    >>> split_codes("2, 200")
    [2, 200]
    >>> split_codes(625)
    [625]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    if isinstance(value, float):
        return [int(value)]
    parts = [p.strip() for p in str(value).split(",")]
    out = []
    for p in parts:
        if not p:
            continue
        if not re.fullmatch(r"-?\d+(\.0)?", p):
            raise ValueError(f"not an integer code: {p!r} in {value!r}")
        out.append(int(float(p)))
    return out


def to_datetime(series: pd.Series, key: str, path: Path | str, fmt: str | None = None) -> pd.Series:
    """Parse dates; a value that is not a date raises :class:`SchemaError` naming column and row."""
    parsed = pd.to_datetime(series, format=fmt, errors="coerce")
    bad = series.notna() & (series.astype(str).str.strip() != "") & parsed.isna()
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(
            f"{key}: {path}, column {series.name!r}, {_row_label(i)}: {series[i]!r} is not a date"
        )
    return parsed


def explode_codes(df: pd.DataFrame, column: str, name: str | None = None) -> pd.DataFrame:
    """One row per code of a list-valued code column (for joins); ``name`` renames the result."""
    out = df.explode(column, ignore_index=True)
    out[column] = out[column].astype("Int64")
    if name:
        out = out.rename(columns={column: name})
    return out
