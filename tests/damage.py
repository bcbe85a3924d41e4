"""Helpers that damage copies of the real files for the loaders' bad-input tests."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from peacestats import registry


def raw_path(mirror: Path, key: str) -> Path:
    """The mirror's copy of a registered file."""
    return mirror / registry.get(key).mirror_path


def edit_delimited(path, edit, delimiter: str = ",", lineterminator: str = "\n") -> None:
    """Rewrite a csv/tab file after ``edit(rows)`` (rows[0] is the header; edit may return new rows)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter))
    out = edit(rows)
    rows = rows if out is None else out
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)


def edit_xlsx(path: Path, edit) -> None:
    """Apply ``edit(worksheet)`` to the first sheet of a workbook and save it."""
    wb = openpyxl.load_workbook(path)
    edit(wb.worksheets[0])
    wb.save(path)


def xlsx_col(ws, name: str) -> int:
    """The 1-based column number of header ``name``."""
    return next(c.column for c in ws[1] if c.value == name)
