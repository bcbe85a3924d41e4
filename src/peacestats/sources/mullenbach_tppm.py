"""Mullenbach's Third-Party Peacekeeping Missions (TPPM), version 3.1.

Dataset page
------------
Key ``mullenbach_tppm``; version ``3.1`` (``Third-Party-PKMs-version-3.1.xls``, an Excel 97
workbook read with python-calamine). Unit: a peacekeeping mission in one host (the "target state" of
an intrastate dispute), 1947-2014: 215 rows, 72 UN, 93 regional-organization and 50 ad hoc
missions. A mission serving two hosts has a row per host (MINURCAT: Chad and the Central
African Republic). Primary key: ``obsnum``. Country codes are Correlates of War (COW).
Codes below follow the author's coding manual (DADM project site).

Columns (the file's upper-case name in brackets):

- ``obsnum`` (int) [OBSNUM]: observation number, 1-215, the key
- ``state`` (str) [STATE]: the target state as written, often "state/territory or group"
  (``"France/Indochina/Cambodia"``, ``"Sri Lanka/Tamils"``, ``"Congo-Kinshasa/Zaire/DRC"``)
- ``ccode`` (Int64) [CCODE1]: COW code of the target state, as published (see the slips below)
- ``dispute_type`` (int) [DISTYPE]: 1 national liberation/independence, 2 secessionist,
  3 civil/political dispute
- ``region`` (int) [REGNUM]: 1 Asia/Pacific, 2 Europe/former Soviet Union, 3 Middle East/North
  Africa, 4 sub-Saharan Africa, 5 Western Hemisphere
- ``dispute_number`` (int) [DISNUM]: the author's intrastate-dispute narrative number
- ``organization_type`` (int) [TPTYPE]: 1 UN, 2 regional organization, 3 state or ad hoc
  coalition; ``organization_kind`` (str): the label ``"UN"``, ``"regional"``, ``"ad hoc"``
- ``un_mandate`` (bool) [UNMANDATE]: authorized or mandated by the UN Security Council,
  General Assembly or Secretary-General (110 rows, including regional and ad hoc missions)
- ``un_resolution`` (str) [UNRESOL (date)]: the authorizing decision and its date as text
  (``"UNSC Res. 745 (February 28, 1992)"``; also EU, OSCE and other decisions); NA where none
- ``mission_name`` (str) [PKMNAME (location)]: the mission's name, often with its host
- ``acronym`` (str): the last parenthesized group of ``mission_name`` that starts with two
  capitals, kept whole (``"UNTAC"``, ``"ISAF - Afghanistan"``, ``"OMIC I"``); NA when the
  parentheses hold only a place (``"(Papua New Guinea)"``) or there are none (26 rows)
- ``purpose1``, ``purpose2``, ``purpose3``, ``purpose4`` (int) [PURPOSE1-4]: primary and further purposes, codes 1-7 of
  the coding manual (1 law and order / protection of civilians, 2 monitoring a ceasefire,
  ...); 8 in ``purpose2``-``purpose4`` means "no further purpose" (kept as published)
- ``lead_state`` (str) [LEADSTATE]: state leading the mission, as written (``"Austraia"`` in
  row 7 is kept); ``lead_ccode`` (Int64) [CCODE2]: its COW code; both NA in 12 rows
- ``start_date``, ``end_date`` (datetime) from STARTDAY/STARTMON/STARTYR and ENDDAY/ENDMON/ENDYR;
  ``start_precision``, ``end_precision`` (str): ``"day"``, ``"month"`` or ``"year"``. A 0 or
  blank day (month) lowers the precision to ``"month"`` (``"year"``) and the date is the first
  day of the month (year) that is known: the precision says what was published, nothing is
  guessed. No date and NA precision when the year is blank (every ``end_date`` of an ongoing
  mission). In version 3.1 every published date is complete (precision ``"day"``).
- ``ongoing`` (bool) [ONGOING]: still deployed at the end of 2014 (29 rows); exactly these rows
  have no end date (checked on load)
- ``personnel1``, ``personnel2`` (Int64) [PKMNUM1, PKMNUM2]: Mullenbach's two strength figures
  (personnel), as published; what the second counts is defined in the coding manual (not
  restated here). NA where blank (6 and 137 rows)
- ``n_states`` (Int64) [STATENUM]: states contributing personnel (NA in 21 rows)
- ``fatalities1``, ``fatalities2`` (Int64) [FATAL1, FATAL2]: peacekeeper fatalities, as coded (NA in 18 and 125 rows)
- ``duration_months`` (int) [DURATION]: months deployed, to December 2014 for ongoing missions
- ``military_host1`` (int), ``military_host2`` (Int64) [MILHOST1, MILHOST2]: 1/0 flags as
  published (defined in the coding manual; not restated here); ``military_host2`` NA in 31 rows
- ``ceasefire``, ``peace_agreement``, ``treaty`` (int) [CEASE, PEACE, TREATY]: 1/0 flags for a
  ceasefire, a peace agreement and a treaty (their exact timing relative to the mission is
  defined in the coding manual)
- ``mediate1``, ``mediate2`` (int) [MEDIATE1, MEDIATE2]: 1/0 flags of mediation by the
  mission's organization (the third party deploying it), as the data manifest describes them;
  1 in 154 and 31 rows
- ``corrections`` (str, only with ``corrected=True``): the corrections applied to the row,
  ``"ccode: 93 -> 41"``, ``"; "``-separated; ``""`` for unchanged rows

Known problems (hand-coded source). :func:`check` lists them, one row per finding:

- host codes that name another state: row 210 (Haiti written 93, Nicaragua), rows 94-97
  (Iraq written 840, the Philippines), rows 28-30 (East Timor written 851, which is no COW
  code; COW East Timor is 860), row 41 (Tonga written 941, no COW code; COW Tonga is 955).
  These are corrected (see below).
- colonial and occupied territories: TPPM codes the state party to the dispute (France for
  ``"France/Indochina/Cambodia"``, the Netherlands for the Dutch East Indies, Indonesia for
  East Timor 1999, South Africa for Namibia, Yugoslavia/Serbia for Croatia, Slovenia and
  Kosovo), not the territory where the mission deployed. This is the coding convention; the
  rows are reported, not changed. Row 50 (OSCE in Albania, dispute Serbia/Kosovo) is coded
  339 Albania, the deployment country: reported, kept. Rows 84-85 (Macedonia, 1992) use 343
  before Macedonia's COW membership (1993): reported, kept. Row 7's lead state ``"Austraia"``
  (code 900, Australia) is a misspelling: reported, kept.
- dates and durations: :func:`check` compares ``duration_months`` with the dates.

Corrections: ``resources/corrections/tppm_corrections.csv`` (``obsnum, column, published,
corrected, source, note``) lists only slips with a citable source: the COW state list for a
code, the mission's name and ``state`` for the host. ``load()`` applies them by default
(``corrected=True``); ``load(corrected=False)`` returns the published values. A correction
whose ``published`` value is not in the file raises :class:`SchemaError` (the file changed).

Citation: Mullenbach, M.J. (2013). Third-Party Peacekeeping Missions Dataset, version 3.1.
DADM Project, University of Central Arkansas; Mullenbach, M.J. (2005). Deciding to Keep
Peace. International Studies Quarterly 49(3): 529-555.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ..errors import SchemaError
from ._base import _row_label, read, validate

KEY = "mullenbach_tppm"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
PRIMARY_KEY = ("obsnum",)
ORGANIZATION_KINDS = {1: "UN", 2: "regional", 3: "ad hoc"}

_flag = pa.Check.isin([0, 1])
_req: dict[str, Any] = dict(coerce=True, nullable=False)
_opt: dict[str, Any] = dict(coerce=True, nullable=True)
SCHEMA = pa.DataFrameSchema(
    {
        "OBSNUM": pa.Column("Int64", pa.Check.gt(0), **_req),
        "STATE": pa.Column(str, nullable=False),
        "CCODE1": pa.Column("Int64", pa.Check.in_range(2, 999), **_req),
        "DISTYPE": pa.Column("Int64", pa.Check.isin([1, 2, 3]), **_req),
        "REGNUM": pa.Column("Int64", pa.Check.in_range(1, 5), **_req),
        "DISNUM": pa.Column("Int64", pa.Check.gt(0), **_req),
        "TPTYPE": pa.Column("Int64", pa.Check.isin(list(ORGANIZATION_KINDS)), **_req),
        "UNMANDATE": pa.Column("Int64", _flag, **_req),
        "UNRESOL (date)": pa.Column(str, nullable=True),
        "PKMNAME (location)": pa.Column(str, nullable=False),
        "PURPOSE1": pa.Column("Int64", pa.Check.in_range(1, 7), **_req),
        **{f"PURPOSE{i}": pa.Column("Int64", pa.Check.in_range(1, 8), **_req) for i in (2, 3, 4)},
        "LEADSTATE": pa.Column(str, nullable=True),
        "CCODE2": pa.Column("Int64", pa.Check.in_range(2, 999), **_opt),
        "STARTDAY": pa.Column("Int64", pa.Check.in_range(0, 31), **_opt),
        "STARTMON": pa.Column("Int64", pa.Check.in_range(0, 12), **_opt),
        "STARTYR": pa.Column("Int64", pa.Check.in_range(1900, 2100), **_req),
        "ENDDAY": pa.Column("Int64", pa.Check.in_range(0, 31), **_opt),
        "ENDMON": pa.Column("Int64", pa.Check.in_range(0, 12), **_opt),
        "ENDYR": pa.Column("Int64", pa.Check.in_range(1900, 2100), **_opt),
        "CEASE": pa.Column("Int64", _flag, **_req),
        "PEACE": pa.Column("Int64", _flag, **_req),
        "PKMNUM1": pa.Column("Int64", pa.Check.ge(0), **_opt),
        "PKMNUM2": pa.Column("Int64", pa.Check.ge(0), **_opt),
        "STATENUM": pa.Column("Int64", pa.Check.ge(1), **_opt),
        "FATAL1": pa.Column("Int64", pa.Check.ge(0), **_opt),
        "FATAL2": pa.Column("Int64", pa.Check.ge(0), **_opt),
        "DURATION": pa.Column("Int64", pa.Check.ge(0), **_req),
        "ONGOING": pa.Column("Int64", _flag, **_req),
        "MILHOST1": pa.Column("Int64", _flag, **_req),
        "MILHOST2": pa.Column("Int64", _flag, **_opt),
        "TREATY": pa.Column("Int64", _flag, **_req),
        "MEDIATE1": pa.Column("Int64", _flag, **_req),
        "MEDIATE2": pa.Column("Int64", _flag, **_req),
    },
    unique=["OBSNUM"],
    strict=False,
)

#: file column -> tidy column (the date parts become dates and precisions)
RENAME = {
    "OBSNUM": "obsnum", "STATE": "state", "CCODE1": "ccode", "DISTYPE": "dispute_type",
    "REGNUM": "region", "DISNUM": "dispute_number", "TPTYPE": "organization_type",
    "UNMANDATE": "un_mandate", "UNRESOL (date)": "un_resolution", "PKMNAME (location)": "mission_name",
    "PURPOSE1": "purpose1", "PURPOSE2": "purpose2", "PURPOSE3": "purpose3", "PURPOSE4": "purpose4",
    "LEADSTATE": "lead_state", "CCODE2": "lead_ccode", "ONGOING": "ongoing",
    "PKMNUM1": "personnel1", "PKMNUM2": "personnel2", "STATENUM": "n_states",
    "FATAL1": "fatalities1", "FATAL2": "fatalities2", "DURATION": "duration_months",
    "MILHOST1": "military_host1", "MILHOST2": "military_host2", "CEASE": "ceasefire",
    "PEACE": "peace_agreement", "TREATY": "treaty", "MEDIATE1": "mediate1", "MEDIATE2": "mediate2",
}  # fmt: skip
_AS_INT = ["obsnum", "dispute_type", "region", "dispute_number", "organization_type", "purpose1",
           "purpose2", "purpose3", "purpose4", "duration_months", "military_host1", "ceasefire",
           "peace_agreement", "treaty", "mediate1", "mediate2"]  # fmt: skip
ORDER = ["obsnum", "state", "ccode", "dispute_type", "region", "dispute_number", "organization_type",
         "organization_kind", "un_mandate", "un_resolution", "mission_name", "acronym", "purpose1",
         "purpose2", "purpose3", "purpose4", "lead_state", "lead_ccode", "start_date", "start_precision",
         "end_date", "end_precision", "ongoing", "personnel1", "personnel2", "n_states", "fatalities1",
         "fatalities2", "duration_months", "military_host1", "military_host2", "ceasefire",
         "peace_agreement", "treaty", "mediate1", "mediate2"]  # fmt: skip
CORRECTIONS = "tppm_corrections.csv"


def load(path: str | Path | None = None, corrected: bool = True) -> pd.DataFrame:
    """TPPM 3.1, one row per mission and host (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).
    corrected
        Apply the sourced corrections of ``resources/corrections/tppm_corrections.csv`` and add
        the ``corrections`` column (default). ``False`` returns the values as published.

    Returns
    -------
    pandas.DataFrame
        215 rows sorted by ``obsnum``, columns as documented.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        An empty, truncated or non-xls file, a missing column, a code that is not a number or
        out of range, an impossible date, an end before the start, an ongoing mission with an
        end date (or an ended one without), a duplicate ``obsnum``, or a correction whose
        published value is not in the file; messages name the file, column and 1-based row.
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path)
    df = tidy(validate(raw, SCHEMA, KEY, path), path)
    return apply_corrections(df, path) if corrected else df


def tidy(raw: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """The tidy frame from a validated raw frame (file columns); dates checked, rows by ``obsnum``."""
    df = raw.rename(columns=RENAME)
    for col in _AS_INT:
        df[col] = df[col].astype("int64")
    for col in ("un_mandate", "ongoing"):
        df[col] = df[col].astype(bool)
    for col in ("state", "un_resolution", "mission_name", "lead_state"):
        df[col] = df[col].astype("string").str.strip().astype(object).where(df[col].notna(), pd.NA)
    df["organization_kind"] = df["organization_type"].map(ORGANIZATION_KINDS)
    df["acronym"] = df["mission_name"].map(acronym)
    for side, cols in (("start", ("STARTYR", "STARTMON", "STARTDAY")), ("end", ("ENDYR", "ENDMON", "ENDDAY"))):
        df[f"{side}_date"], df[f"{side}_precision"] = dates_with_precision(df, *cols, path=path)
    _check_order(df, path)
    return df[ORDER].sort_values("obsnum", kind="stable").reset_index(drop=True)


def acronym(name) -> object:
    """The mission acronym: the last parenthesized group starting with two capitals, else NA.

    >>> acronym("United Nations Transitional Authority in Cambodia (UNTAC)")
    'UNTAC'
    >>> acronym("Organization of African Unity (OAU) Observer Mission in Comoros (OMIC I)")
    'OMIC I'
    >>> acronym("Australia-New Zealand police assistance mission in Bougainville (Papua New Guinea)") is pd.NA
    True
    """
    if not isinstance(name, str):
        return pd.NA
    groups = [g.strip() for g in re.findall(r"\(([^()]*)\)", name) if re.match(r"\s*[A-Z]{2}", g)]
    return re.sub(r"\s+", " ", groups[-1]) if groups else pd.NA


def dates_with_precision(df: pd.DataFrame, year: str, month: str, day: str, path: Path | str = "<frame>"):
    """Dates and their precision from year, month and day columns (0 or blank lowers precision).

    Returns ``(dates, precision)``: the first day of the known day, month or year, and
    ``"day"``, ``"month"``, ``"year"`` or NA (no year). An impossible date (31 April, month 13)
    raises :class:`SchemaError` naming the columns and the row.
    """
    y = pd.array(df[year], dtype="Int64")
    m = pd.array(df[month], dtype="Int64")
    d = pd.array(df[day], dtype="Int64")
    has_y = ~pd.isna(y)
    has_m = has_y & ~pd.isna(m) & (m.fillna(0) > 0)
    has_d = has_m & ~pd.isna(d) & (d.fillna(0) > 0)
    precision = np.select([has_d, has_m, has_y], ["day", "month", "year"], default="")
    parts = pd.DataFrame({
        "year": np.where(has_y, y.fillna(1), 2000),
        "month": np.where(has_m, m.fillna(1), 1),
        "day": np.where(has_d, d.fillna(1), 1),
    }, index=df.index)  # fmt: skip
    dates = pd.to_datetime(parts, errors="coerce").where(has_y)
    bad = has_y & dates.isna().to_numpy()
    if bad.any():
        i = df.index[np.argmax(bad)]
        raise SchemaError(
            f"{KEY}: {path}, columns {year!r}/{month!r}/{day!r}, {_row_label(i)}: "
            f"{parts.at[i, 'year']}-{parts.at[i, 'month']:02d}-{parts.at[i, 'day']:02d} is not a "
            "calendar date. Correct the row or use the registry copy."
        )
    prec = pd.Series(precision, index=df.index, dtype="string").replace("", pd.NA)
    return dates, prec


def period_end(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day a date of the given precision may stand for (the end of its month or year)."""
    out = dates.copy()
    month = precision.eq("month").fillna(False).to_numpy()
    year = precision.eq("year").fillna(False).to_numpy()
    out[month] = dates[month] + pd.offsets.MonthEnd(0)
    out[year] = dates[year] + pd.offsets.YearEnd(0)
    return out


def _check_order(df: pd.DataFrame, path) -> None:
    """End not before start (at the published precision); an end date exactly when not ongoing."""
    before = (period_end(df["end_date"], df["end_precision"]) < df["start_date"]).to_numpy()
    if before.any():
        i = df.index[np.argmax(before)]
        raise SchemaError(
            f"{KEY}: {path}, columns 'ENDDAY'/'ENDMON'/'ENDYR', {_row_label(i)} (OBSNUM "
            f"{df.at[i, 'obsnum']}): the mission ends {df.at[i, 'end_date'].date()}, before it starts "
            f"{df.at[i, 'start_date'].date()}"
        )
    mismatch = (df["ongoing"] == df["end_date"].notna()).to_numpy()
    if mismatch.any():
        i = df.index[np.argmax(mismatch)]
        what = "has an end date" if df.at[i, "ongoing"] else "has no end date"
        raise SchemaError(
            f"{KEY}: {path}, column 'ONGOING', {_row_label(i)} (OBSNUM {df.at[i, 'obsnum']}): "
            f"ONGOING is {int(df.at[i, 'ongoing'])} but the row {what}"
        )


def corrections() -> pd.DataFrame:
    """The sourced corrections (``resources/corrections/tppm_corrections.csv``), as text."""
    ref = resources.files("peacestats").joinpath("resources", "corrections", CORRECTIONS)
    with resources.as_file(ref) as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False)


def _same(value, text: str) -> bool:
    if pd.isna(value):
        return text == ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") == text
    try:
        return float(value) == float(text)
    except (TypeError, ValueError):
        return str(value) == text


def apply_corrections(df: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """Apply :func:`corrections` to a published frame; add the ``corrections`` column."""
    out = df.copy()
    notes: dict[Any, list[str]] = {i: [] for i in out.index}
    row_of = pd.Series(out.index, index=out["obsnum"])
    for c in corrections().itertuples(index=False):
        obsnum = int(c.obsnum)
        if obsnum not in row_of.index or c.column not in out.columns:
            raise SchemaError(f"{KEY}: correction for obsnum {obsnum}, column {c.column!r}: no such row or column")
        i = row_of[obsnum]
        if not _same(out.at[i, c.column], c.published):
            raise SchemaError(
                f"{KEY}: {path}, column {c.column!r}, obsnum {obsnum} ({_row_label(i)}): the file has "
                f"{out.at[i, c.column]!r}, the correction expects the published value {c.published!r}. "
                "The file changed: review resources/corrections/tppm_corrections.csv."
            )
        column = out[c.column]
        if pd.api.types.is_datetime64_any_dtype(column):
            new = pd.Timestamp(c.corrected)
        elif pd.api.types.is_integer_dtype(column):
            new = int(c.corrected)
        else:
            new = c.corrected
        out.at[i, c.column] = new
        notes[i].append(f"{c.column}: {c.published} -> {c.corrected}")
    out["corrections"] = pd.Series({i: "; ".join(v) for i, v in notes.items()}, dtype=object)
    return out


# ----------------------------------------------------------------------------- slip checks
def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _cow_members(cow: pd.DataFrame) -> dict[int, list[tuple[int, int, str]]]:
    """COW code -> [(first year, last year, name), ...] of its membership spells."""
    out: dict[int, list] = {}
    for r in cow.itertuples(index=False):
        out.setdefault(int(r.ccode), []).append((r.start_date.year, r.end_date.year, r.statename))
    return out


def _name_resolver(cow: pd.DataFrame):
    """A function: a TPPM name part -> (kind, COW codes); authored aliases first, then COW names,
    then country_converter (ISO3, matched to the ISO3 of the COW names)."""
    import logging

    import country_converter as coco

    ref = resources.files("peacestats").joinpath("resources", "codes", "tppm_state_names.csv")
    with resources.as_file(ref) as p:
        aliases = pd.read_csv(p, dtype=str, keep_default_na=False)
    alias = {_norm(r.name): (r.kind, [int(r.ccode)] if r.ccode else []) for r in aliases.itertuples()}
    by_name: dict[str, set[int]] = {}
    for r in cow.itertuples(index=False):
        by_name.setdefault(_norm(r.statename), set()).add(int(r.ccode))
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    cc = coco.CountryConverter()
    names = sorted(set(cow["statename"]))
    by_iso: dict[str, set[int]] = {}
    for name, iso in zip(names, cc.convert(names, to="ISO3", not_found=None)):
        if isinstance(iso, str):
            by_iso.setdefault(iso, set()).update(by_name[_norm(name)])

    def resolve(part: str) -> tuple[str, list[int]]:
        key = _norm(part)
        if key in alias:
            return alias[key]
        if key in by_name:
            return "state", sorted(by_name[key])
        iso = cc.convert(part, to="ISO3", not_found=None)
        return ("state", sorted(by_iso.get(iso, ()))) if isinstance(iso, str) else ("unknown", [])

    return resolve


def check(df: pd.DataFrame, cow: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coding slips and conventions to know about, one row per finding.

    Checks (a) each host ``ccode`` against the ``state`` name (each ``/``-separated part, by the
    COW state list, the authored names of ``resources/codes/tppm_state_names.csv`` and
    country_converter) and ``lead_ccode`` against ``lead_state``; (b) dates: end before start,
    ``ongoing`` against a missing end, ``duration_months`` against the dates (more than two
    months apart; ongoing missions run to 2014-12-31); (c) each code is a COW member in the
    start year.

    Parameters
    ----------
    df
        :func:`load` output, corrected or not.
    cow
        The COW state list (default ``peacestats.sources.load("cow_states")``).

    Returns
    -------
    pandas.DataFrame
        Columns ``obsnum, column, value, problem, suggestion``, sorted by ``obsnum``.
    """
    if cow is None:
        from . import load as load_source

        cow = load_source("cow_states")
    members = _cow_members(cow)
    resolve = _name_resolver(cow)
    rows: list[dict] = []

    def add(r, column, value, problem, suggestion):
        rows.append({"obsnum": int(r.obsnum), "column": column, "value": value, "problem": problem,
                     "suggestion": suggestion})  # fmt: skip

    def cow_name(code: int, year: int | None = None) -> str | None:
        spells = members.get(int(code), [])
        inside = [n for a, b, n in spells if year is None or a <= year <= b]
        names = inside or [n for _, _, n in spells]
        return names[0] if names else None

    for r in df.itertuples(index=False):
        year = r.start_date.year
        code = int(r.ccode)
        parts = [(p.strip(), *resolve(p.strip())) for p in str(r.state).split("/")]
        codes = {c for _, _, cs in parts for c in cs}
        if code not in members:
            hint = sorted(codes)
            add(r, "ccode", code, f"{code} is not a COW country code (state {r.state!r})",
                f"COW code of {parts[-1][0]!r}: {hint[0]} ({cow_name(hint[0])})" if hint else "look up the COW code")
        elif not any(a <= year <= b for a, b, _ in members[code]):
            first = min(a for a, _, _ in members[code])
            add(r, "ccode", code, f"{code} ({cow_name(code)}) is not a COW member in {year} (member from {first})",
                "the code anticipates the host's COW membership; kept (no other code applies)")
        if code in members and codes and code not in codes:
            in_name = _norm(cow_name(code) or "") in _norm(r.mission_name)
            if in_name:
                add(r, "ccode", code, f"{code} is {cow_name(code)}, the mission's location by its name, not "
                    f"the dispute state {r.state!r}", "none: the code follows where the mission deployed; kept")
            else:
                hosts = ", ".join(f"{c} ({cow_name(c, year) or cow_name(c)})" for c in sorted(codes))
                add(r, "ccode", code, f"{code} is {cow_name(code)}, not the state {r.state!r}",
                    f"the host by its name: {hosts}")
        elif code in codes and any(kind == "territory" and code not in cs for _, kind, cs in parts):
            elsewhere = [(p, c) for p, _, cs in parts if code not in cs for c in cs]
            if elsewhere:
                part, c = elsewhere[-1]
                spell = members.get(c, [(None, None, None)])[0]
                where = f"{part} (COW {c} {cow_name(c)}, a member from {spell[0]})"
            else:
                where = next(p for p, kind, cs in parts if kind == "territory" and not cs) + " (no COW code)"
            add(r, "ccode", code, f"convention, not a slip: coded {code} ({cow_name(code, year)}), the state "
                f"party to the dispute; the mission deployed in {where}",
                "keep for dispute-level analysis; use the territory for host-country analysis")
        _check_lead(r, resolve, members, cow_name, add)
    _check_dates(df, add)
    out = pd.DataFrame(rows, columns=["obsnum", "column", "value", "problem", "suggestion"])
    return out.sort_values("obsnum", kind="stable").reset_index(drop=True)


def _check_lead(r, resolve, members, cow_name, add) -> None:
    if pd.isna(r.lead_ccode) or pd.isna(r.lead_state):
        return
    code = int(r.lead_ccode)
    kind, codes = resolve(r.lead_state)
    if code not in members:
        add(r, "lead_ccode", code, f"{code} is not a COW country code", "look up the lead state's COW code")
    elif codes and code not in codes:
        add(r, "lead_ccode", code, f"{code} is {cow_name(code)}, not the lead state {r.lead_state!r}",
            f"COW code of {r.lead_state}: {', '.join(map(str, codes))}")
    elif not codes:
        add(r, "lead_state", r.lead_state, f"{r.lead_state!r} matches no COW state name (lead_ccode {code} is "
            f"{cow_name(code)})", f"read as {cow_name(code)} if it is a misspelling")


def _check_dates(df: pd.DataFrame, add) -> None:
    stop = df["end_date"].where(df["end_date"].notna() | ~df["ongoing"], pd.Timestamp("2014-12-31"))
    months = (stop - df["start_date"]).dt.days / (365.25 / 12)
    for r, m, s in zip(df.itertuples(index=False), months, stop):
        if pd.notna(r.end_date) and r.end_date < r.start_date:
            add(r, "end_date", r.end_date.date().isoformat(), "the mission ends before it starts",
                "check the dates against the authorizing resolution")
        if r.ongoing == pd.notna(r.end_date):
            add(r, "ongoing", r.ongoing, "ongoing does not agree with the end date", "check ONGOING and the end date")
        if pd.notna(m) and abs(r.duration_months - m) > 2:
            add(r, "duration_months", r.duration_months,
                f"the dates {r.start_date.date()} to {s.date()} span {m:.1f} months",
                f"about {round(m)} months by the dates; check which of the dates or the duration is right")
