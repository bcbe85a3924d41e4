"""Archigos 4.1: political leaders, how they came to power and how they left it, 1840-2015.

Dataset page
------------
Key ``archigos``; version ``4.1`` as packaged in the R package peacesciencer
(``archigos.rda``, R object ``archigos``, read with pyreadr). Unit: a leader's spell in
office (the effective ruler of a state). 3,409 spells, 1840-07-23 to 2015-12-31. Primary key:
``obsid``. Country codes are Gleditsch-Ward. Archigos's numeric exit codes are already
labels in this file; the loader keeps the labels and decodes them into the columns a
competing-risks analysis needs (who removed the leader, with or without foreign support).

Columns

- ``obsid`` (str): the spell id, ``"<country>-<year of entry>[-n]"`` (``"USA-1881-1"``), the key
- ``gwcode`` (Int64): Gleditsch-Ward code of the state
- ``leadid`` (str): the leader's id (a leader with several spells has one ``leadid``)
- ``leader`` (str): the leader's name; ``yrborn`` (Int64): year of birth, NA in 19 spells;
  ``gender`` (str): ``"M"`` or ``"F"``
- ``start_date``, ``end_date`` (datetime) [startdate, enddate]: first and last day in office.
  The end date of a leader still in office is the end of the data, 2015-12-31 (a censoring
  date, not an exit: see ``in_office``)
- ``entry`` (str): how the leader came to power: ``"Regular"`` (by the rules of the state),
  ``"Irregular"`` (in contravention of them: coups, revolts, assassinations), ``"Foreign
  Imposition"``, ``"Unknown"``
- ``exit`` (str): how the leader lost power: ``"Regular"``, ``"Irregular"``, ``"Natural Death"``,
  ``"Retired Due to Ill Health"``, ``"Suicide"``, ``"Foreign"`` (deposed by another state),
  ``"Still in Office"``, ``"Unknown"``
- ``exitcode`` (str): the manner of an irregular or foreign exit, one of :data:`EXIT_CODES`
  (``"Regular"`` for every regular, natural and health-related exit and suicide)
- ``exit_type`` (str): ``exit`` as a short label: ``regular``, ``irregular``,
  ``natural_death``, ``ill_health``, ``suicide``, ``foreign``, ``in_office``, ``unknown``
- ``removed_by`` (str): who removed the leader, decoded from ``exitcode``: ``military``
  (removed by the military: a coup), ``military_power_struggle`` (a military power
  struggle short of a coup), ``rebels``, ``other_government_actors``, ``popular_protest``,
  ``assassin`` (an unsupported individual), ``foreign_threat`` (removed through the threat of
  foreign force), ``other_irregular`` (``"Irregular, Other"``); NA where the exit was not a
  removal (``"Regular"``, ``"Still in Office"``) or its manner is ``"Unknown"``
- ``foreign_support`` (boolean): True for the ``exitcode`` labels "with Foreign Support",
  False for "without Foreign Support", NA otherwise
- ``military_removal`` (bool): removed by the military, with or without foreign support
  (``exitcode`` "Removed by Military, ...": 283 spells). A military power struggle short
  of a coup is not counted (see ``removed_by``)
- ``in_office`` (bool): still in office at the end of the data (``exit`` "Still in Office",
  168 spells)

Known problems (:func:`check` lists them): exit and exitcode that disagree (a "Regular"
exitcode with an irregular exit, or the reverse), spells ending before they start, a leader
still in office whose spell does not end on 2015-12-31, a birth year after the start of the
spell, and spells of one state that overlap by more than a day (Archigos has some
deliberately, e.g. for leaders sharing power; reported, not changed).

Citation: Goemans, H.E., Gleditsch, K.S. & Chiozza, G. (2009). Introducing Archigos: A
Dataset of Political Leaders. Journal of Peace Research 46(2): 269-283. Packaged in: Miller,
S.V. (2022). peacesciencer. Conflict Management and Peace Science 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, read, validate

KEY = "archigos"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
PRIMARY_KEY = ("obsid",)
DATA_END = pd.Timestamp("2015-12-31")

ENTRIES = ("Regular", "Irregular", "Foreign Imposition", "Unknown")
EXIT_TYPES = {
    "Regular": "regular", "Irregular": "irregular", "Natural Death": "natural_death",
    "Retired Due to Ill Health": "ill_health", "Suicide": "suicide", "Foreign": "foreign",
    "Still in Office": "in_office", "Unknown": "unknown",
}  # fmt: skip
#: exitcode label -> (removed_by, foreign_support)
EXIT_CODES: dict[str, tuple[object, object]] = {
    "Regular": (pd.NA, pd.NA),
    "Still in Office": (pd.NA, pd.NA),
    "Unknown": (pd.NA, pd.NA),
    "Removed by Military, without Foreign Support": ("military", False),
    "Removed by Military, with Foreign Support": ("military", True),
    "Removed in Military Power Struggle Short of Coup": ("military_power_struggle", pd.NA),
    "Removed by Rebels, without Foreign Support": ("rebels", False),
    "Removed by Rebels, with Foreign Support": ("rebels", True),
    "Removed by Other Government Actors, without Foreign Support": ("other_government_actors", False),
    "Removed by Other Government Actors, with Foreign Support": ("other_government_actors", True),
    "Popular Protest, without Foreign Support": ("popular_protest", False),
    "Popular Protest, with Foreign Support": ("popular_protest", True),
    "Assassination by Unsupported Individual": ("assassin", False),
    "Removed through Threat of Foreign Force": ("foreign_threat", pd.NA),
    "Irregular, Other": ("other_irregular", pd.NA),
}

ORDER = ["obsid", "gwcode", "leadid", "leader", "yrborn", "gender", "start_date", "end_date", "entry",
         "exit", "exitcode", "exit_type", "removed_by", "foreign_support", "military_removal", "in_office"]  # fmt: skip

SCHEMA = pa.DataFrameSchema(
    {
        "obsid": pa.Column(str, nullable=False),
        "gwcode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=False),
        "leadid": pa.Column(str, nullable=False),
        "leader": pa.Column(str, nullable=False),
        "yrborn": pa.Column("Int64", pa.Check.in_range(1700, 2015), coerce=True, nullable=True),
        "gender": pa.Column(str, pa.Check.isin(["M", "F"]), nullable=False),
        "startdate": pa.Column(object, nullable=False),
        "enddate": pa.Column(object, nullable=False),
        "entry": pa.Column(str, pa.Check.isin(list(ENTRIES)), nullable=False),
        "exit": pa.Column(str, pa.Check.isin(list(EXIT_TYPES)), nullable=False),
        "exitcode": pa.Column(str, pa.Check.isin(list(EXIT_CODES)), nullable=False),
    },
    unique=["obsid"],
    strict=False,
)


def _dates(values: pd.Series, column: str, path) -> pd.Series:
    """R Date values (``datetime.date`` from pyreadr) or ISO text -> datetime64; a bad one names its row."""
    text = values.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(f"{KEY}: {path}, column {column!r}, {_row_label(i)}: {values[i]!r} is not a date")
    return parsed


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Archigos 4.1, one row per leader spell (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        3,409 rows in file order, the columns of :data:`ORDER`.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        An empty, truncated or non-R file, a file without the R object ``archigos``, a missing
        column, an exit or entry label that is not Archigos's, a date that is not a date, a
        duplicate ``obsid``; messages name the file, column and 1-based row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    return tidy(validate(raw, SCHEMA, KEY, path), path)


def tidy(raw: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """The tidy frame from a validated raw frame."""
    df = raw.reset_index(drop=True).copy()
    df["start_date"] = _dates(df["startdate"], "startdate", path)
    df["end_date"] = _dates(df["enddate"], "enddate", path)
    df["gwcode"] = df["gwcode"].astype("Int64")
    df["yrborn"] = df["yrborn"].astype("Int64")
    df["exit_type"] = df["exit"].map(EXIT_TYPES)
    df["removed_by"] = df["exitcode"].map(lambda c: EXIT_CODES[c][0]).astype(object)
    df["foreign_support"] = pd.array([EXIT_CODES[c][1] for c in df["exitcode"]], dtype="boolean")
    df["military_removal"] = df["removed_by"].eq("military").fillna(False).astype(bool)
    df["in_office"] = df["exit"].eq("Still in Office")
    return df[ORDER]


def check(df: pd.DataFrame) -> pd.DataFrame:
    """Coding slips to know about, one row per finding (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Columns ``row, obsid, column, value, problem, suggestion`` (``row`` 1-based, file order).
    """
    rows: list[dict] = []

    def add(i, r, column, value, problem, suggestion):
        rows.append({"row": i + 1, "obsid": r.obsid, "column": column, "value": value, "problem": problem,
                     "suggestion": suggestion})  # fmt: skip

    regular_exits = {"Regular", "Natural Death", "Retired Due to Ill Health", "Suicide"}
    for i, r in enumerate(df.itertuples(index=False)):
        if (r.exitcode == "Regular") != (r.exit in regular_exits):
            add(i, r, "exitcode", r.exitcode, f"exitcode {r.exitcode!r} does not fit exit {r.exit!r}",
                "check the exit in Archigos")
        if r.exitcode == "Still in Office" and r.exit != "Still in Office":
            add(i, r, "exit", r.exit, "exitcode says still in office, exit does not", "check the exit")
        if r.end_date < r.start_date:
            add(i, r, "end_date", r.end_date.date().isoformat(),
                f"the spell ends before it starts ({r.start_date.date()})",
                "check both dates")
        if r.in_office and r.end_date != DATA_END:
            add(i, r, "end_date", r.end_date.date().isoformat(), "still in office but the spell ends before 2015-12-31",
                "check the exit or the end date")
        if pd.notna(r.yrborn) and r.yrborn > r.start_date.year:
            add(i, r, "yrborn", int(r.yrborn), f"born after taking office ({r.start_date.date()})",
                "check the birth year")
    order = df.reset_index().sort_values(["gwcode", "start_date", "end_date"], kind="stable")
    for _, g in order.groupby("gwcode", sort=False):
        prev = None
        for r in g.itertuples(index=False):
            if prev is not None and r.start_date < prev.end_date - pd.Timedelta(days=1):
                add(int(r.index), r, "start_date", r.start_date.date().isoformat(),
                    f"overlaps the spell {prev.obsid} ({prev.start_date.date()} to {prev.end_date.date()})",
                    "shared or disputed rule, or a slip: check both spells")
            if prev is None or r.end_date > prev.end_date:
                prev = r
    out = pd.DataFrame(rows, columns=["row", "obsid", "column", "value", "problem", "suggestion"])
    return out.sort_values("row", kind="stable").reset_index(drop=True)
