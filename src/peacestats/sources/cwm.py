"""Civil Wars Mediation (CWM), reduced derivative: civil-war episodes and their mediation, 1946-2011.

Dataset page
------------
Key ``cwm``; version ``2011-reduced``: ``CWM.csv``, a reduced derivative of the Civil Wars
Mediation data (DeRouen, Bercovitch & Pospieszna 2011; 1946-2004, extended to 2011) made by
the source repository's author, not the original release. Mac Roman encoded (``"Chim\\x8fres"``
is ``"Chimères"``), CRLF line ends. 762 rows. Unit: a mediation case within a civil-war
episode, or an episode without mediation (``mediation`` False): the manifest calls a row an
episode, but rows repeat their episode (36 rows share Sudan's episode starting 1983-05-17).
The file has no id and no UCDP codes: conflicts are named. Primary key: ``row`` (the 1-based
data row in file order).

Columns (the file's name in brackets)

- ``row`` (int): 1-based data row, the key
- ``country`` (str) [country]: the country of the civil war
- ``side_a`` (str) [sidea]: the government side (with its allies, comma-separated)
- ``side_b`` (str) [sideb]: the rebel side(s), as written; NA when blank (6 rows, reported)
- ``mediation`` (boolean) [Med_yes.no]: 1 mediated / 0 not; NA where the file has ``NA`` (5 rows)
- ``year_terminated`` (Int64) [year_term]: the year the episode ended; NA where ``NA`` (44 rows)
- ``incompatibility`` (Int64) [Incompatibility]: codes 1 (608 rows) and 2 (37), NA (117), as
  published. The derivative does not define them and they do not follow UCDP's 1 territory /
  2 government (Rwanda/FPR is 1, Angola/UNITA is 2): kept, not decoded.
- ``territory`` (str) [territory]: the contested territory or the country; NA when blank
- ``episode_start``, ``episode_end``, ``mediation_start``, ``mediation_end`` (datetime)
  [episode.start.date, episode.end.date, med.begins, med.ends], each with its
  ``*_precision`` (str): ``"day"``, ``"month"`` or ``"year"``; the date is the first day of
  the known month or year. NA when blank, ``"?"`` or ``"."``.
- ``third_parties`` (str) [name.of.third.party]: the mediators as written; NA when blank
- ``date_notes`` (str): what the date reader had to decide for the row (a two-digit year
  resolved by context, a value marked uncertain with ``??``, an unreadable published value
  left missing), ``"; "``-separated; ``""`` when nothing

Dates. The file writes US month/day/year dates, mostly with two-digit years (``6/5/03``),
sometimes with four (``11//1995``), a missing day (``9//2004``, ``2/??/04``) or month and
day (``//1997``, ``?/?/2009``). Two-digit years are resolved by this rule
(:func:`resolve_two_digit_year`): ``00``-``11`` are 2000-2011 and ``46``-``99`` are
1946-1999, the only readings inside the data's 1946-2011 coverage; ``12``-``45`` fit neither
century's part of the coverage, so the year nearest the row's context (its episode start,
else ``year_terminated``) is taken and the row noted (one value, ``8/25/12``, a mediation
ending 2012 in an episode started 2009). Without context such a year stays missing. Four-
digit years are read as written (``3/2/1882``, row 124, is kept and reported by :func:`check`).

Two published values cannot be read as one date and are left missing with a note (listed in
:data:`UNREADABLE`): ``"10/1/993"`` (a three-digit year, row 170) and ``"7//98? 8/1/98"``
(two alternative dates, row 279). Any other value that is not a date raises
:class:`SchemaError` naming file, column and row.

Known problems (:func:`check` lists them, one row per finding): dates out of order (an
episode or a mediation ending before it starts, a mediation starting before its episode), dates
outside 1946-2011, ``year_terminated`` not the year of ``episode_end``, mediation flags that
disagree with the third parties named, and names: a ``country`` that is not among its ``side_a``
names (``"Soviet Unon"``, row 630) and rebel names spelled two ways in one country
(``"FLEC_FAC"`` next to ``"FLEC-FAC"``).

Citation: DeRouen, K., Bercovitch, J. & Pospieszna, P. (2011). Introducing the Civil Wars
Mediation (CWM) dataset. Journal of Peace Research 48(5): 663-672.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, validate
from ._text import read_csv_text

KEY = "cwm"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
PRIMARY_KEY = ("row",)
ENCODING = "mac_roman"
COVERAGE = (1946, 2011)

#: file column -> tidy column
RENAME = {
    "country": "country", "sidea": "side_a", "sideb": "side_b", "Med_yes.no": "mediation",
    "year_term": "year_terminated", "Incompatibility": "incompatibility", "territory": "territory",
    "episode.start.date": "episode_start", "episode.end.date": "episode_end",
    "med.begins": "mediation_start", "med.ends": "mediation_end", "name.of.third.party": "third_parties",
}  # fmt: skip
DATES = ("episode_start", "episode_end", "mediation_start", "mediation_end")
ORDER = [
    "row", "country", "side_a", "side_b", "mediation", "year_terminated", "incompatibility", "territory",
    "episode_start", "episode_start_precision", "episode_end", "episode_end_precision",
    "mediation_start", "mediation_start_precision", "mediation_end", "mediation_end_precision",
    "third_parties", "date_notes",
]  # fmt: skip

#: published values that are not one date: left missing, with the reason in ``date_notes``
UNREADABLE = {
    "10/1/993": "three-digit year",
    "7//98? 8/1/98": "two alternative dates",
}

_na_text = ("NA",)
SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, nullable=False),
        "sidea": pa.Column(str, nullable=False),
        "sideb": pa.Column(str, nullable=True),
        "Med_yes.no": pa.Column("Int64", pa.Check.isin([0, 1]), coerce=True, nullable=True),
        "year_term": pa.Column("Int64", pa.Check.in_range(1900, 2100), coerce=True, nullable=True),
        "Incompatibility": pa.Column("Int64", pa.Check.isin([1, 2, 3]), coerce=True, nullable=True),
        "territory": pa.Column(str, nullable=True),
        "episode.start.date": pa.Column(str, nullable=True),
        "episode.end.date": pa.Column(str, nullable=True),
        "med.begins": pa.Column(str, nullable=True),
        "med.ends": pa.Column(str, nullable=True),
        "name.of.third.party": pa.Column(str, nullable=True),
    },
    strict=False,
)

_MISSING = {"", "?", "."}
_FORMS = [  # (pattern, precision)
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$"), "day"),
    (re.compile(r"^(\d{1,2})/(?:\?\?)?/(\d{4}|\d{2})$"), "month"),
    (re.compile(r"^\??/\??/(\d{4}|\d{2})$"), "year"),
]


def resolve_two_digit_year(yy: int, context_year: int | None = None) -> int | None:
    """The four-digit year of a two-digit year in CWM (coverage 1946-2011).

    ``00``-``11`` -> 2000-2011, ``46``-``99`` -> 1946-1999. ``12``-``45`` fall outside the
    coverage in both centuries: the reading nearest ``context_year`` is taken, or ``None``
    without context.

    >>> resolve_two_digit_year(3), resolve_two_digit_year(46), resolve_two_digit_year(99)
    (2003, 1946, 1999)
    >>> resolve_two_digit_year(12, context_year=2009)
    2012
    >>> resolve_two_digit_year(30) is None
    True
    """
    lo, hi = COVERAGE
    inside = [y for y in (1900 + yy, 2000 + yy) if lo <= y <= hi]
    if len(inside) == 1:
        return inside[0]
    if context_year is None:
        return None
    return min((1900 + yy, 2000 + yy), key=lambda y: abs(y - context_year))


def parse_date(text, context_year: int | None = None):
    """One CWM date cell -> ``(date, precision, note)``; ``None`` if the form is unknown.

    >>> parse_date("6/5/03")
    (Timestamp('2003-06-05 00:00:00'), 'day', '')
    >>> parse_date("9//2004")
    (Timestamp('2004-09-01 00:00:00'), 'month', '')
    >>> parse_date("?/?/2009")
    (Timestamp('2009-01-01 00:00:00'), 'year', '')
    >>> parse_date("?")
    (NaT, <NA>, '')
    """
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return pd.NaT, pd.NA, ""
    value = str(text).strip()
    if value in _MISSING:
        return pd.NaT, pd.NA, ""
    if value in UNREADABLE:
        return pd.NaT, pd.NA, f"{value!r} left missing ({UNREADABLE[value]})"
    notes = []
    if value.endswith("??"):
        value = value[:-2].strip()
        notes.append(f"{text.strip()!r} is marked uncertain ('??') in the source")
    for pattern, precision in _FORMS:
        m = pattern.match(value)
        if not m:
            continue
        parts = m.groups()
        ytext = parts[-1]
        month = int(parts[0]) if precision in ("day", "month") else 1
        day = int(parts[1]) if precision == "day" else 1
        try:
            pd.Timestamp(year=2000, month=month, day=day)  # a leap year: only month and day are tested
        except ValueError:
            return None
        if len(ytext) == 2:
            year = resolve_two_digit_year(int(ytext), context_year)
            if year is None:
                return pd.NaT, pd.NA, f"{text.strip()!r}: two-digit year without context, left missing"
            if not COVERAGE[0] <= year <= COVERAGE[1]:
                notes.append(f"{text.strip()!r}: two-digit year read as {year} by context")
        else:
            year = int(ytext)
        try:
            return pd.Timestamp(year=year, month=month, day=day), precision, "; ".join(notes)
        except ValueError:  # 29 February of a common year
            return None
    return None


def load(path: str | Path | None = None) -> pd.DataFrame:
    """CWM (reduced derivative), one row per file row (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        762 rows in file order, the columns of :data:`ORDER`.

    Raises
    ------
    SchemaError, EmptyFileError
        An empty or truncated file, a copy re-saved as UTF-8 (the source is Mac Roman), a
        missing column, a flag or year that is not a number, or a date cell that is not a
        date in any of the documented forms; messages name the file, column and 1-based row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read_csv_text(KEY, path, ENCODING, reject_utf8=True)
    for col in ("Med_yes.no", "year_term", "Incompatibility"):
        if col in raw.columns:
            raw[col] = raw[col].mask(raw[col].str.strip().isin(_na_text))
    raw = raw.apply(lambda s: s.mask(s.str.strip() == "") if s.dtype == object else s)
    return tidy(validate(raw, SCHEMA, KEY, path), path)


def tidy(raw: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """The tidy frame from a validated raw frame (file columns)."""
    original = {v: k for k, v in RENAME.items()}
    df = raw.rename(columns=RENAME).reset_index(drop=True)
    df.insert(0, "row", np.arange(1, len(df) + 1))
    df["mediation"] = df["mediation"].astype("boolean")
    for col in ("year_terminated", "incompatibility"):
        df[col] = df[col].astype("Int64")
    for col in ("country", "side_a", "side_b", "territory", "third_parties"):
        df[col] = df[col].map(lambda t: re.sub(r"\s+", " ", t).strip() if isinstance(t, str) else t)
        df[col] = df[col].astype(object).where(df[col].notna(), pd.NA)
    notes: list[list[str]] = [[] for _ in range(len(df))]
    terminated = df["year_terminated"].tolist()
    for col in DATES:  # episode_start first: it is the context of the others
        values, precisions = [], []
        starts = df["episode_start"].tolist()  # parsed dates once its turn is over
        for i, text in enumerate(df[col]):
            context = None
            if col != "episode_start" and pd.notna(starts[i]):
                context = starts[i].year
            elif pd.notna(terminated[i]):
                context = int(terminated[i])
            parsed = parse_date(text, context)
            if parsed is None:
                raise SchemaError(
                    f"{KEY}: {path}, column {original[col]!r}, {_row_label(i)}: {text!r} is not a date "
                    "(expected month/day/year, e.g. 6/5/03, 9//2004 or //1997). Correct the cell or use "
                    "the registry copy."
                )
            date, precision, note = parsed
            values.append(date)
            precisions.append(precision)
            if note:
                notes[i].append(f"{original[col]}: {note}")
        df[col] = pd.to_datetime(pd.Series(values, dtype="datetime64[ns]"))
        df[f"{col}_precision"] = pd.Series(precisions, dtype="string")
    df["date_notes"] = ["; ".join(n) for n in notes]
    return df[ORDER]


def _period_end(date, precision):
    if pd.isna(date):
        return date
    if precision == "month":
        return date + pd.offsets.MonthEnd(0)
    if precision == "year":
        return date + pd.offsets.YearEnd(0)
    return date


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def check(df: pd.DataFrame) -> pd.DataFrame:
    """Coding slips to know about, one row per finding.

    Checks (a) dates: an episode or a mediation that ends before it starts (at the published
    precision), a date outside 1946-2011, ``year_terminated`` other than the year of
    ``episode_end``; (b) the mediation flag against ``third_parties`` (mediated without a third
    party named, or a third party named on a row coded not mediated); (c) names: a ``country``
    that is not one of its ``side_a`` names, and ``side_b`` names spelled two ways within one
    country (the same letters and digits, different punctuation or case).

    Returns
    -------
    pandas.DataFrame
        Columns ``row, column, value, problem, suggestion``, sorted by ``row``.
    """
    rows: list[dict] = []

    def add(r, column, value, problem, suggestion):
        rows.append({"row": int(r.row), "column": column, "value": value, "problem": problem,
                     "suggestion": suggestion})  # fmt: skip

    for r in df.itertuples(index=False):
        for start, end, what in (("episode_start", "episode_end", "episode"),
                                 ("mediation_start", "mediation_end", "mediation")):  # fmt: skip
            s, e = getattr(r, start), getattr(r, end)
            if pd.notna(s) and pd.notna(e) and _period_end(e, getattr(r, f"{end}_precision")) < s:
                add(r, end, e.date().isoformat(), f"the {what} ends before it starts ({s.date()})",
                    "check both dates against the CWM release")
        if pd.notna(r.mediation_start) and pd.notna(r.episode_start) and (
                _period_end(r.mediation_start, r.mediation_start_precision) < r.episode_start):
            add(r, "mediation_start", r.mediation_start.date().isoformat(),
                f"the mediation starts before the episode ({r.episode_start.date()})",
                "check both dates (a year slip?) or whether the mediation belongs to an earlier episode")
        for col in DATES:
            d = getattr(r, col)
            if pd.notna(d) and not COVERAGE[0] <= d.year <= COVERAGE[1]:
                add(r, col, d.date().isoformat(), f"{d.year} is outside the data's coverage 1946-2011",
                    "probably a typing slip in the year; kept as published")
        if pd.notna(r.year_terminated) and pd.notna(r.episode_end) and r.episode_end.year != r.year_terminated:
            add(r, "year_terminated", int(r.year_terminated),
                f"the episode ends {r.episode_end.date()}, not in {int(r.year_terminated)}",
                "check which of the end date and the termination year is right")
        named = isinstance(r.third_parties, str) and r.third_parties != ""
        mediated = None if pd.isna(r.mediation) else bool(r.mediation)
        if mediated is True and not named:
            add(r, "mediation", True, "mediated, but no third party is named", "look up the mediator in CWM")
        if mediated is False and named:
            add(r, "mediation", False, f"not mediated, but a third party is named ({r.third_parties!r})",
                "check the mediation flag")
        if pd.isna(r.side_b):
            add(r, "side_b", "", "no rebel side named", "identify the episode by its dates and third parties")
        if _norm(r.country) not in _norm(r.side_a):
            add(r, "country", r.country, f"the country is not among the government side {r.side_a!r}",
                "a spelling slip or another name for the state; check both")
    for country, group in df.groupby("country", sort=False):
        spellings: dict[str, dict[str, int]] = {}
        for name in group["side_b"].dropna():
            spellings.setdefault(_norm(name), {}).setdefault(name, 0)
            spellings[_norm(name)][name] += 1
        for variants in spellings.values():
            if len(variants) < 2:
                continue
            common = max(variants, key=lambda v: (variants[v], v))
            for name in variants:
                if name == common:
                    continue
                for r in group[group["side_b"] == name].itertuples(index=False):
                    add(r, "side_b", name, f"spelled {common!r} in {variants[common]} other {country} rows",
                        f"read as {common!r}")
    out = pd.DataFrame(rows, columns=["row", "column", "value", "problem", "suggestion"])
    return out.sort_values("row", kind="stable").reset_index(drop=True)
