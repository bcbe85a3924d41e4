"""Polity5: Political Regime Characteristics and Transitions, annual time series (p5v2018).

Dataset page
------------
Key ``polity5``; version ``p5v2018``. Unit: polity-year. 17,574 rows, 194 polities,
1776-2020 (every polity ends in 2018 or earlier except the United States, which the
Center for Systemic Peace extended to 2019 and 2020).

Columns (all 37 of the file, Polity's own names; integer codes as Int64, the two
continuous series ``polity2`` and ``durable`` as float64 with NaN for missing):

- ``ccode`` (Int64): Polity country code, COW-based **but not COW**: see "Codes" below
- ``scode`` (str): Polity letter code; ``country`` (str): name; ``year`` (Int64)
- ``cyear`` (Int64): ``ccode * 10000 + year`` (checked on load)
- ``p5`` (0/1): the polity-year was coded or revised for Polity5
- ``flag`` (0-2): tentative coding; ``fragment`` (0-3): territorial fragmentation
  (0 none, 1 slight, 2 moderate, 3 serious; NA in 14,128 rows)
- ``democ``, ``autoc`` (0-10): institutionalized democracy and autocracy
- ``polity`` (-10..10): ``democ - autoc``, **raw**, with the special codes kept:
  -66 interruption (foreign occupation), -77 interregnum (collapse of central authority),
  -88 transition. Never average or regress on ``polity``; use ``polity2``.
- ``polity2`` (float, -10..10): Polity's series for time-series analysis: -66 years are
  NA (260 rows), -77 years are 0, -88 years are prorated between the scores before and
  after the transition; -88 years at the edge of a series have no score to prorate and
  stay NA (India 1947-1951, East Germany 1989-1990). 267 NA in all
- ``durable`` (float): years since the last regime change (3-point change in ``polity``)
  or the end of a transition; NA where Polity gives none (1,264 rows)
- ``xrreg``, ``xrcomp``, ``xropen``, ``xconst``, ``parreg``, ``parcomp``: regulation,
  competitiveness and openness of executive recruitment, executive constraints,
  regulation and competitiveness of participation (special codes -66/-77/-88 kept)
- ``exrec``, ``exconst``, ``polcomp``: the concept variables (executive recruitment,
  executive constraints, political competition), special codes kept
- ``prior``, ``emonth``, ``eday``, ``eyear``, ``eprec``, ``interim``, ``bmonth``, ``bday``,
  ``byear``, ``bprec``, ``post``, ``change``, ``d5``, ``sf``, ``regtrans``: the regime
  change record on the year a polity ends (end and begin dates, their precision, prior
  and post scores, size of change, state failure ``sf``, transition type ``regtrans``);
  NA in other years. Source typo kept: Djibouti 2013 has ``eyear`` 3013.

Primary key: (``ccode``, ``year``), unique in this file: Polity gives a successor state
its own code in the year of the change, so there are no duplicated country-years.

Codes (read before joining to COW or GW data)
    The transition year appears under **both** codes: Yugoslavia 345 and 347 in 1991,
    Serbia and Montenegro 347 and Serbia 342 in 2006, Ethiopia 530 and 529 in 1993,
    Sudan 625 and Sudan-North 626 in 2011, Yemen 678/680 and 679 in 1990, Germany
    260/265 and 255 in 1945 and 1990, Vietnam 816 and 818 in 1976, Russia 365 and
    USSR 364 in 1922. Recoding Polity codes to COW codes (``529 -> 530``, ``818 -> 816``,
    ...) therefore creates duplicated country-years that a harmonizer must resolve.
    Polity-only codes: 89, 99, 324, 342, 348, 364, 525, 529, 564, 769, 818. Beware
    **626**: in Polity it is Sudan-North (after 2011); in COW, 626 is South Sudan
    (Polity's 525).

Citation: Marshall, M.G. & Gurr, T.R. (2020). Polity5: Political Regime Characteristics
and Transitions, 1800-2018. Dataset Users' Manual. Center for Systemic Peace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, read, validate

KEY = "polity5"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
#: Columns that identify a row of the tidy frame.
PRIMARY_KEY = ("ccode", "year")

#: Polity's special codes in ``polity``, ``democ``, ``autoc`` and the components.
SPECIAL_CODES = {
    -66: "interruption: foreign occupation or interruption of the polity",
    -77: "interregnum: collapse of central political authority",
    -88: "transition: the polity is in transition between regimes",
}

_SPECIAL = list(SPECIAL_CODES)
_score = pa.Check.isin(list(range(-10, 11)) + _SPECIAL)
_scale = pa.Check.isin(list(range(0, 11)) + _SPECIAL)
_int: dict[str, Any] = dict(coerce=True, nullable=True)

#: Continuous series returned as float64 (NaN = missing); every other number is Int64.
FLOAT_COLUMNS = ("polity2", "durable")

SCHEMA = pa.DataFrameSchema(
    {
        "p5": pa.Column("Int64", pa.Check.isin([0, 1]), **_int),
        "cyear": pa.Column("Int64", coerce=True, nullable=False),
        "ccode": pa.Column("Int64", pa.Check.in_range(2, 999), coerce=True, nullable=False),
        "scode": pa.Column(str, nullable=False),
        "country": pa.Column(str, nullable=False),
        "year": pa.Column("Int64", pa.Check.in_range(1700, 2100), coerce=True, nullable=False),
        "flag": pa.Column("Int64", pa.Check.isin([0, 1, 2]), **_int),
        "fragment": pa.Column("Int64", pa.Check.isin([0, 1, 2, 3]), **_int),
        "democ": pa.Column("Int64", _scale, coerce=True, nullable=False),
        "autoc": pa.Column("Int64", _scale, coerce=True, nullable=False),
        "polity": pa.Column("Int64", _score, coerce=True, nullable=False),
        "polity2": pa.Column(float, pa.Check.in_range(-10, 10), **_int),
        "durable": pa.Column(float, pa.Check.ge(0), **_int),
        "xrreg": pa.Column("Int64", **_int),
        "xrcomp": pa.Column("Int64", **_int),
        "xropen": pa.Column("Int64", **_int),
        "xconst": pa.Column("Int64", pa.Check.isin(list(range(1, 8)) + _SPECIAL), **_int),
        "parreg": pa.Column("Int64", **_int),
        "parcomp": pa.Column("Int64", **_int),
        "exrec": pa.Column("Int64", **_int),
        "exconst": pa.Column("Int64", **_int),
        "polcomp": pa.Column("Int64", **_int),
        **{
            c: pa.Column("Int64", **_int)
            for c in ("prior", "emonth", "eday", "eyear", "eprec", "interim", "bmonth", "bday",
                      "byear", "bprec", "post", "change", "d5", "sf", "regtrans")
        },
    },
    unique=["ccode", "year"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Polity5 polity-years (see the module docstring for the columns and the code traps).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check;
        for your own copy or a newer release). Default: fetch and verify.

    Returns
    -------
    pandas.DataFrame
        The file's 37 columns in its order, rows in file order. ``polity`` keeps the
        special codes -66/-77/-88 (see :data:`SPECIAL_CODES`); ``polity2`` is the
        analysis series, float64 with NaN where Polity has no score.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        A missing or renamed column, a value that is not a number or outside its
        documented codes, ``cyear`` that does not equal ``ccode * 10000 + year``, an empty
        file, or a repeated (``ccode``, ``year``); the message names file, column and row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path, low_memory=False)  # one pass: no mixed-type chunks on damaged files
    df = validate(raw, SCHEMA, KEY, path)
    bad = df["cyear"] != df["ccode"] * 10000 + df["year"]
    if bad.any():
        i = bad.idxmax()
        raise SchemaError(
            f"{KEY}: {path}, column 'cyear', {_row_label(i)}: {df.at[i, 'cyear']} is not "
            f"ccode * 10000 + year ({df.at[i, 'ccode']}, {df.at[i, 'year']}); the row is damaged."
        )
    for c in FLOAT_COLUMNS:
        df[c] = df[c].astype("float64")
    for c in ("scode", "country"):
        df[c] = df[c].astype(str)
    return df.reset_index(drop=True)
