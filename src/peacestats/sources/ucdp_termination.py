"""UCDP Conflict Termination Dataset, conflict level and dyad level.

Dataset page
------------
Keys ``ucdp_term_conflict`` and ``ucdp_term_dyad``; version ``3-2021`` (the official UCDP
workbooks ``ucdp-term-acd-3-2021.xlsx`` and ``ucdp-term-dyad-3-2021.xlsx``, sheet ``dataset``).
Both cover 1946-2020. An *episode* is a run of consecutive active years of a conflict (or
dyad); it ends when an active year is followed by a year below 25 battle deaths, and a later
active year over the same incompatibility (and, for dyads, the same sides) opens a new episode.

Conflict level (:func:`load_conflict`): one row per conflict-year as in the ACD (2,506 rows),
primary key (``conflict_id``, ``year``). Dyad level (:func:`load_dyad`): one row per
dyad-year (3,140 rows), primary key (``dyad_id``, ``year``).

Columns of both levels (UCDP names):

- ``conflictep_id`` (int, conflict level): episode id = ``conflict_id * 100 + conflictepisode``;
  ``conflictepisode`` (int): the episode's number within the conflict (1 = first)
- ``dyadep_id`` (int, dyad level): episode id = ``dyad_id * 100 + dyadepisode``;
  ``dyadepisode`` (int). **Rebuilt by the loader**: in the published workbook the
  ``dyadep_id`` of the 366 rows whose dyad id has five digits is rounded to two significant
  figures (dyad 11018, episode 3: 1,101,803 is stored as 1,100,000), so it no longer
  identifies an episode. The loader checks that every published value is either the
  formula's value or that value so rounded, then uses the formula.
- ``type_of_conflict2`` (int): 1 extrasystemic, 2 interstate, 3 intrastate (internationalized
  intrastate counted as intrastate)
- ``dyadcount`` (int): number of dyads active in the conflict in this year (Cambodia 1979: 3)
- ``confterm`` (int 0/1, conflict level) / ``dyadterm`` (Int64 0/1, dyad level): the episode
  ended in this year. ``dyadterm`` is NA in the 64 dyad-years of 2020 whose end could not yet
  be coded.
- ``ependdate`` (datetime): the date the episode ended (NA in non-terminal years);
  ``ependprec`` (Int64): its precision
- ``outcome`` (Int64 1-6, NA in non-terminal years) and ``outcome_label`` (ordered
  categorical): 1 peace agreement, 2 ceasefire, 3 government victory (victory for side A),
  4 rebel victory (victory for side B), 5 low activity (fighting continued below the
  25-death threshold), 6 actor ceases to exist
- ``cfiredate``, ``peagdate`` (datetime, dyad level only): date of the ceasefire / peace
  agreement that ended the episode. UCDP writes ``"."`` (and once ``0``) for "none" (-> NA);
  three ``cfiredate`` cells list several dates (``"1995-12-23 (unilateral); 1996-12-04
  (bilateral)"``): ``cfiredate`` takes the first date and ``cfiredate_text`` keeps the cell as
  written (NA elsewhere)
- ``recur`` (int 0/1): 1 in the first year of an episode that follows an earlier one (the
  conflict or dyad recurred this year), else 0
- ``version`` (int): 3
- ACD columns, as in :mod:`peacestats.sources.ucdp_acd`: ``conflict_id``, ``dyad_id`` (dyad
  level), ``year``, ``location``, ``side_a``, ``side_a_2nd``, ``side_b``, ``side_b_2nd``,
  ``territory_name`` (str), ``side_a_id``, ``side_b_id``, ``gwno_loc``, ``region`` (list of int),
  ``incompatibility``, ``intensity_level``, ``type_of_conflict``, ``start_prec``, ``start_prec2``
  (int), ``start_date``, ``start_date2`` (datetime)

Citation: Kreutz, J. (2010). How and When Armed Conflicts End: Introducing the UCDP Conflict
Termination Dataset. JPR 47(2): 243-250.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import read, validate
from .ucdp_acd import CODE_LIST_PATTERN, split_code_columns, strip_text

KEY_CONFLICT = "ucdp_term_conflict"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
KEY_DYAD = "ucdp_term_dyad"
KEY = KEY_CONFLICT

#: outcome codes of the termination dataset (Kreutz 2010)
OUTCOMES = {
    1: "peace agreement",
    2: "ceasefire",
    3: "government victory",
    4: "rebel victory",
    5: "low activity",
    6: "actor ceases to exist",
}
OUTCOME_DTYPE = pd.CategoricalDtype(list(OUTCOMES.values()), ordered=True)

CODE_LIST_COLUMNS = ("side_a_id", "side_b_id", "gwno_loc", "region")
TEXT_COLUMNS = ("location", "side_a", "side_a_2nd", "side_b", "side_b_2nd", "territory_name")
_READ_AS_TEXT = {c: str for c in CODE_LIST_COLUMNS}

_int: dict[str, Any] = dict(coerce=True, nullable=False)
_codes: dict[str, Any] = dict(coerce=True, nullable=False)


def _acd_columns() -> dict:
    return {
        "conflict_id": pa.Column(int, pa.Check.gt(0), **_int),
        "year": pa.Column(int, pa.Check.in_range(1946, 2100), **_int),
        "location": pa.Column(str, nullable=False),
        "side_a": pa.Column(str, nullable=False),
        "side_a_id": pa.Column(str, pa.Check.str_matches(CODE_LIST_PATTERN), **_codes),
        "side_b": pa.Column(str, nullable=False),
        "side_b_id": pa.Column(str, pa.Check.str_matches(CODE_LIST_PATTERN), **_codes),
        "incompatibility": pa.Column(int, pa.Check.isin([1, 2, 3]), **_int),
        "intensity_level": pa.Column(int, pa.Check.isin([1, 2]), **_int),
        "type_of_conflict": pa.Column(int, pa.Check.isin([1, 2, 3, 4]), **_int),
        "start_date": pa.Column("datetime64[ns]", coerce=True, nullable=False),
        "start_prec": pa.Column(int, pa.Check.in_range(1, 7), **_int),
        "start_date2": pa.Column("datetime64[ns]", coerce=True, nullable=False),
        "start_prec2": pa.Column(int, pa.Check.in_range(1, 7), **_int),
        "gwno_loc": pa.Column(str, pa.Check.str_matches(CODE_LIST_PATTERN), **_codes),
        "region": pa.Column(str, pa.Check.str_matches(CODE_LIST_PATTERN), **_codes),
    }


_episode = {
    "type_of_conflict2": pa.Column(int, pa.Check.isin([1, 2, 3]), **_int),
    "dyadcount": pa.Column(int, pa.Check.ge(1), **_int),
    "ependprec": pa.Column(float, pa.Check.in_range(1, 7), coerce=True, nullable=True),
    "outcome": pa.Column(float, pa.Check.isin(list(OUTCOMES)), coerce=True, nullable=True),
    "recur": pa.Column(int, pa.Check.isin([0, 1]), **_int),
    "version": pa.Column(int, **_int),
}

SCHEMA_CONFLICT = pa.DataFrameSchema(
    {
        "conflictep_id": pa.Column(int, **_int),
        "conflictepisode": pa.Column(int, pa.Check.ge(1), **_int),
        "confterm": pa.Column(int, pa.Check.isin([0, 1]), **_int),
        # an xlsx date column; text in it fails here with its row
        "ependdate": pa.Column("datetime64[ns]", coerce=True, nullable=True),
        **_episode,
        **_acd_columns(),
    },
    unique=["conflict_id", "year"],
    strict=False,
)

SCHEMA_DYAD = pa.DataFrameSchema(
    {
        "dyadep_id": pa.Column(float, pa.Check.gt(0), coerce=True, nullable=False),
        "dyadepisode": pa.Column(int, pa.Check.ge(1), **_int),
        "dyad_id": pa.Column(int, pa.Check.gt(0), **_int),
        "dyadterm": pa.Column(float, pa.Check.isin([0, 1]), coerce=True, nullable=True),
        # mixed cells in the original ("." for none, annotated dates): parsed by the loader
        "ependdate": pa.Column(object, nullable=True),
        "cfiredate": pa.Column(object, nullable=True),
        "peagdate": pa.Column(object, nullable=True),
        **_episode,
        **_acd_columns(),
    },
    unique=["dyad_id", "year"],
    strict=False,
)
SCHEMA = SCHEMA_CONFLICT

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dyad_date(series: pd.Series, key: str, path) -> tuple[pd.Series, pd.Series]:
    """Parse a dyad-level date column with UCDP's conventions.

    Returns the dates and, for cells that are not a plain date, the cell as written.
    ``"."``, blanks and ``0`` mean "no such date" (NA). A cell listing several dates takes
    the first one.
    """
    values, notes = [], []
    for i, v in series.items():
        note = pd.NA
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            val = pd.NaT
        elif isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"):
            val = pd.Timestamp(v)
        elif isinstance(v, (int, np.integer)) and int(v) == 0:
            val = pd.NaT
        else:
            text = str(v).strip()
            if text in {"", ".", "0"}:
                val = pd.NaT
            else:
                found = _ISO_DATE.findall(text)
                if not found:
                    raise SchemaError(
                        f"{key}: {path}, column {series.name!r}, row {int(i) + 1}: {v!r} is not a date"
                    )
                val = pd.Timestamp(found[0])
                if text != found[0]:
                    note = text
        values.append(val)
        notes.append(note)
    dates = pd.Series(pd.to_datetime(values), index=series.index, name=series.name)
    return dates, pd.Series(notes, index=series.index, dtype="string")


def _tidy_common(df: pd.DataFrame, key: str, path) -> pd.DataFrame:
    for col in ("ependprec", "outcome"):
        df[col] = df[col].astype("Int64")
    df["outcome_label"] = pd.Categorical(df["outcome"].map(OUTCOMES, na_action="ignore"), dtype=OUTCOME_DTYPE)
    strip_text(df, TEXT_COLUMNS)
    split_code_columns(df, CODE_LIST_COLUMNS, key, path)
    return df


def load_conflict(path: str | Path | None = None) -> pd.DataFrame:
    """Termination data at the conflict level: one row per conflict-year, 1946-2020.

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        2,506 rows; see the module docstring for the columns.
    """
    path = fetch.require(KEY_CONFLICT) if path is None else Path(path)
    raw = read(KEY_CONFLICT, path, dtype=_READ_AS_TEXT)
    df = validate(raw, SCHEMA_CONFLICT, KEY_CONFLICT, path).copy()
    bad = df["conflictep_id"] != df["conflict_id"] * 100 + df["conflictepisode"]
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(
            f"{KEY_CONFLICT}: {path}, column 'conflictep_id', row {int(i) + 1}: "
            f"{df.at[i, 'conflictep_id']} is not conflict_id * 100 + conflictepisode"
        )
    _tidy_common(df, KEY_CONFLICT, path)
    return df.reset_index(drop=True)


def _rounded_2sf(x: pd.Series) -> pd.Series:
    """``x`` rounded to two significant figures (how Excel mangled the long dyadep_id values)."""
    x = x.astype("float64")
    mag = 10.0 ** (np.floor(np.log10(x.abs())) - 1)
    return (x / mag).round() * mag


def load_dyad(path: str | Path | None = None) -> pd.DataFrame:
    """Termination data at the dyad level: one row per dyad-year, 1946-2020.

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        3,140 rows; see the module docstring for the columns (``dyadep_id`` is rebuilt).
    """
    path = fetch.require(KEY_DYAD) if path is None else Path(path)
    raw = read(KEY_DYAD, path, dtype=_READ_AS_TEXT)
    df = validate(raw, SCHEMA_DYAD, KEY_DYAD, path).copy()

    expected = df["dyad_id"].astype("int64") * 100 + df["dyadepisode"].astype("int64")
    published = df["dyadep_id"]
    ok = (published == expected) | (published == _rounded_2sf(expected))
    if not ok.all():
        i = (~ok).idxmax()
        raise SchemaError(
            f"{KEY_DYAD}: {path}, column 'dyadep_id', row {int(i) + 1}: {published[i]!r} is neither "
            f"dyad_id * 100 + dyadepisode ({expected[i]}) nor that number rounded by Excel"
        )
    df["dyadep_id"] = expected.astype("int64")
    df["dyadterm"] = df["dyadterm"].astype("Int64")

    df["ependdate"], _ = _dyad_date(df["ependdate"], KEY_DYAD, path)
    df["peagdate"], _ = _dyad_date(df["peagdate"], KEY_DYAD, path)
    cfire, cfire_text = _dyad_date(df["cfiredate"], KEY_DYAD, path)
    df["cfiredate"] = cfire
    df.insert(df.columns.get_loc("cfiredate") + 1, "cfiredate_text", cfire_text)
    _tidy_common(df, KEY_DYAD, path)
    return df.reset_index(drop=True)


def load(level: str = "conflict", path: str | Path | None = None) -> pd.DataFrame:
    """Termination data at ``level`` ``"conflict"`` (default) or ``"dyad"``."""
    if level == "conflict":
        return load_conflict(path)
    if level == "dyad":
        return load_dyad(path)
    raise ValueError(f"level must be 'conflict' or 'dyad', not {level!r}")


#: registry key -> loader function (``peacestats.sources.load(key)`` uses this map)
LOAD_BY_KEY = {KEY_CONFLICT: load_conflict, KEY_DYAD: load_dyad}
