"""UCDP/PRIO Armed Conflict Dataset (ACD), conflict-year.

Dataset page
------------
Key ``ucdp_acd``; version ``25.1`` (the official UCDP CSV ``UcdpPrioConflict_v25_1.csv``).
Unit: conflict-year, every armed conflict with at least 25 battle-related deaths in a
calendar year, 1946-2024. 2,752 rows, 303 conflicts. Country codes are Gleditsch-Ward (GW).
Column names are the codebook's (already snake_case).

Columns:

- ``conflict_id`` (int): UCDP conflict id; ``year`` (int). Primary key: (``conflict_id``, ``year``).
- ``location`` (str): the government(s) whose territory or government is contested
- ``side_a``, ``side_a_2nd``, ``side_b``, ``side_b_2nd`` (str): the primary parties and the
  states that supported them with troops (names as UCDP writes them, comma-separated)
- ``side_a_id``, ``side_b_id`` (list of int): UCDP actor ids of side A / side B
  (several for multi-party sides, e.g. conflict 420 (Iraq 2003): side A ``[156, 28, 3]``)
- ``incompatibility`` (int): 1 territory, 2 government, 3 both
- ``territory_name`` (str): the contested territory (territorial conflicts only)
- ``intensity_level`` (int): 1 minor (25-999 battle deaths in the year), 2 war (1,000 or more)
- ``cumulative_intensity`` (int): 1 once the conflict has passed 1,000 deaths in total, else 0
- ``type_of_conflict`` (int): 1 extrasystemic, 2 interstate, 3 intrastate, 4 internationalized intrastate
- ``start_date`` (datetime): first battle death of the conflict; ``start_prec`` (int 1-7): its precision
- ``start_date2`` (datetime): start of the current episode: the first battle death in the
  year the conflict (re)reached 25 battle deaths after inactivity; ``start_prec2`` (int 1-7)
- ``ep_end`` (int 0/1): the episode ended in this year; ``ep_end_date`` (datetime, NA while
  ongoing); ``ep_end_prec`` (Int64): its precision (empty throughout in 25.1)
- ``gwno_a``, ``gwno_a_2nd``, ``gwno_b``, ``gwno_b_2nd``, ``gwno_loc`` (list of int): GW codes of
  side A, its troop-supporting states, side B (empty list for non-state side B), side B's
  supporters, and the location. UCDP writes several codes in one cell (``"200,  2"``); they are
  split into lists without losing a code (use :func:`peacestats.sources._base.explode_codes`
  for one row per code).
- ``region`` (list of int): 1 Europe, 2 Middle East, 3 Asia, 4 Africa, 5 Americas (several for
  conflicts spanning regions, e.g. ``[1, 3, 5]`` for Afghanistan 2001)
- ``version`` (str): ``"25.1"``

Tidying: dates parsed to ``datetime64``; leading/trailing whitespace stripped from text
(conflict 11349's ``territory_name`` is ``"East Turkestan\\n"`` in the original, a newline inside
quotes that the CSV reader keeps within the field); empty strings are NA.

Citation: Gleditsch, N.P., Wallensteen, P., Eriksson, M., Sollenberg, M. & Strand, H. (2002).
Armed Conflict 1946-2001: A New Dataset. JPR 39(5): 615-637; Davies, S., Engstrom, G.,
Pettersson, T. & Oberg, M. (2025). Organized violence 1989-2024, and the challenges of
identifying civilian victims. JPR 62(4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import read, split_codes, to_datetime, validate

KEY = "ucdp_acd"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

#: UCDP fields that may hold several integer codes in one cell ("2, 200").
CODE_LIST_COLUMNS = (
    "side_a_id",
    "side_b_id",
    "gwno_a",
    "gwno_a_2nd",
    "gwno_b",
    "gwno_b_2nd",
    "gwno_loc",
    "region",
)
DATE_COLUMNS = ("start_date", "start_date2", "ep_end_date")
TEXT_COLUMNS = ("location", "side_a", "side_a_2nd", "side_b", "side_b_2nd", "territory_name")

#: a cell of integer codes: "750", "2, 200", "200,  2" (UCDP's spacing varies)
CODE_LIST_PATTERN = r"^\s*-?\d+(\s*,\s*-?\d+)*\s*$"
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _codes(required: bool = True, nullable: bool = True) -> pa.Column:
    return pa.Column(
        str, pa.Check.str_matches(CODE_LIST_PATTERN), coerce=True, nullable=nullable, required=required
    )


def _date(nullable: bool) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(_DATE_PATTERN), coerce=True, nullable=nullable)


_int: dict[str, Any] = dict(coerce=True, nullable=False)
SCHEMA = pa.DataFrameSchema(
    {
        "conflict_id": pa.Column(int, pa.Check.gt(0), **_int),
        "location": pa.Column(str, nullable=False),
        "side_a": pa.Column(str, nullable=False),
        "side_a_id": _codes(nullable=False),
        "side_a_2nd": pa.Column(str, nullable=True),
        "side_b": pa.Column(str, nullable=False),
        "side_b_id": _codes(nullable=False),
        "side_b_2nd": pa.Column(str, nullable=True),
        "incompatibility": pa.Column(int, pa.Check.isin([1, 2, 3]), **_int),
        "territory_name": pa.Column(str, nullable=True),
        "year": pa.Column(int, pa.Check.in_range(1946, 2100), **_int),
        "intensity_level": pa.Column(int, pa.Check.isin([1, 2]), **_int),
        "cumulative_intensity": pa.Column(int, pa.Check.isin([0, 1]), **_int),
        "type_of_conflict": pa.Column(int, pa.Check.isin([1, 2, 3, 4]), **_int),
        "start_date": _date(nullable=False),
        "start_prec": pa.Column(int, pa.Check.in_range(1, 7), **_int),
        "start_date2": _date(nullable=False),
        "start_prec2": pa.Column(int, pa.Check.in_range(1, 7), **_int),
        "ep_end": pa.Column(int, pa.Check.isin([0, 1]), **_int),
        "ep_end_date": _date(nullable=True),
        "ep_end_prec": pa.Column(float, pa.Check.in_range(1, 7), coerce=True, nullable=True),
        "gwno_a": _codes(nullable=False),
        "gwno_a_2nd": _codes(),
        "gwno_b": _codes(),
        "gwno_b_2nd": _codes(),
        "gwno_loc": _codes(nullable=False),
        "region": _codes(nullable=False),
        "version": pa.Column(str, coerce=True, nullable=False),
    },
    unique=["conflict_id", "year"],
    strict=False,
)

# Read code lists and dates as text: a column of single codes would otherwise become
# float (625.0) wherever it has blanks, and multi-code cells must stay intact.
_READ_AS_TEXT = {c: str for c in (*CODE_LIST_COLUMNS, *DATE_COLUMNS, "version")}


def split_code_columns(df: pd.DataFrame, columns, key: str, path) -> pd.DataFrame:
    """Replace each multi-code column by a column of ``list[int]`` (NA -> ``[]``), in place.

    A cell that is not a list of integers raises :class:`SchemaError` naming column and row.
    """
    for col in columns:
        if col not in df.columns:
            continue
        out = []
        parsed: dict = {}  # each distinct cell parsed once (most repeat); every row gets its own list
        for i, v in df[col].items():
            try:
                codes = parsed[v]
            except KeyError:
                try:
                    codes = parsed[v] = split_codes(v)
                except ValueError as exc:
                    raise SchemaError(
                        f"{key}: {path}, column {col!r}, row {int(i) + 1}: {exc}. "
                        "UCDP code fields hold integers separated by commas."
                    ) from None
            out.append(list(codes))
        df[col] = pd.Series(out, index=df.index, dtype=object)
    return df


def strip_text(df: pd.DataFrame, columns) -> pd.DataFrame:
    """Strip surrounding whitespace from text columns; empty strings become NA."""
    for col in columns:
        if col in df.columns:
            s = df[col]
            s = s.where(s.isna(), s.astype(str).str.strip())
            df[col] = s.mask(s == "")
    return df


def load(path: str | Path | None = None) -> pd.DataFrame:
    """UCDP/PRIO ACD 25.1 conflict-years (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        2,752 rows, one per conflict-year, sorted as in the original file.

    Raises
    ------
    SchemaError, DuplicateKeyError, EmptyFileError
        When the file does not have the documented columns, types or key.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path, dtype=_READ_AS_TEXT)
    df = validate(raw, SCHEMA, KEY, path).copy()
    for col in DATE_COLUMNS:
        df[col] = to_datetime(df[col], KEY, path, fmt="%Y-%m-%d")
    df["ep_end_prec"] = df["ep_end_prec"].astype("Int64")
    strip_text(df, TEXT_COLUMNS)
    split_code_columns(df, CODE_LIST_COLUMNS, KEY, path)
    return df.reset_index(drop=True)
