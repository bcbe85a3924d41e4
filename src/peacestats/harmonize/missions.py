"""Peace operations: the project's own mission tables, UN and non-UN, with a source on every row.

Dataset page
------------
These tables are **peacestats' own data**, authored by the project from public facts (Security
Council and General Assembly resolutions, the UN's list of its operations, the organizations'
own pages and press releases, and two published codings); they are not a third-party dataset.
They ship with the package in ``peacestats/resources/missions/`` as UTF-8 CSV files (one row
per mission, sorted by acronym, ``NA`` for missing) and are read and validated here.

``un_missions.csv`` (81 rows; :func:`un_missions`)
    Every operation in the UN DPPA/DPO list of peacekeeping operations (registry key
    ``un_dpo_missions``, last update 2024-02-19), keyed by its DPO acronym. The list is kept
    as the UN gives it, including its umbrella rows (UNAVEM, UNEF, UNOSOM, each also listed
    by phase), non-military entries (UNGCI, UNOHCI, UNSMA, MICAH) and an apparent duplicate
    (UNCPSG of UNPSG); the notes say so.

    - ``mission_acronym`` (str, key), ``mission_name`` (str, as in the DPO list; DOMREP's
      truncated name is completed)
    - ``host_gwcodes`` (list of int): Gleditsch-Ward codes of every host country; a territory
      that changed state lists each code it had (Kosovo: 345, 340, 347; East Timor: 850, 860)
    - ``start_date``, ``end_date`` (datetime): from the DPO list where it has them; otherwise
      from the establishing or terminating resolution (said in ``notes``); ``end_date`` NaT
      when the mission is ongoing or its end is not known
    - ``ongoing`` (bool, never missing): the mission is known to be running at the end of the
      data, i.e. the DPO list's ``is_active`` flag (11 missions: all it flags but MINUSMA,
      whose mandate res 2690 (2023) ended on 2023-06-30, withdrawal by 2023-12-31). An ongoing
      mission has no ``end_date``; a row with no ``end_date`` that is not ongoing has an
      **unknown end** (UNFOR, UNOHCI: no dates at all) and its ``notes`` say why. A missing
      ``end_date`` is never read as "ongoing" by itself.
    - ``kind`` (str, never missing): ``peacekeeping`` (peacekeeping and observer operations,
      police missions included), ``political`` (special political missions and offices: UNSMA,
      MICAH) or ``support`` (UNGCI's guards, the humanitarian office UNOHCI); see
      :data:`MISSION_KINDS`. Only ``peacekeeping`` counts as peacekeeping presence by default.
    - ``mission_type`` (str): ``observer``, ``traditional``, ``multidimensional`` or
      ``enforcement`` (see *Typology*); NA where it cannot be coded without guessing
    - ``chapter_vii`` (boolean): a mandate of the mission was adopted under Chapter VII
      (the establishing resolution or a later one named in ``notes``); NA where uncertain
    - ``establishing_resolution`` (str): ``"S/RES/745 (1992)"``; General Assembly
      resolutions as ``"A/RES/1000 (ES-I) (1956)"``; NA where none established the mission
    - ``kathman_mission`` (str): the mission's name in the Kathman personnel data
      (``kathman_pko``, 12-2019 update, column ``mission``); NA if the mission predates or
      is absent from it. Each Kathman name maps to at most one row.
    - ``source`` (str, never empty): what the row relies on, ``;``-separated
    - ``notes`` (str): caveats, ``type_changes: ...`` where a mission changed type, and the
      reason for every NA in a coded column

``non_un_missions.csv`` (14 rows; :func:`non_un_missions`)
    Major non-UN peace operations: AMIS, AMISOM, ATMIS, MISCA (AU); ECOMOG in Liberia and
    in Sierra Leone (``ECOMOG-LBR``, ``ECOMOG-SLE``; ECOWAS); IFOR, SFOR, KFOR, ISAF (NATO);
    Operation Artemis (``ARTEMIS``, EU); INTERFET (Australian-led coalition); RAMSI
    (Pacific Islands Forum); MFO (Sinai). Columns as above, plus ``organization``,
    ``lead_nation`` (NA if none), ``authorizing_resolution`` (UN authorization; NA if none,
    e.g. MFO), ``peak_strength`` (troops; Int64, NA if no reliable figure) and
    ``peak_strength_year`` (Int64); ``chapter_vii`` means UN-authorized under Chapter VII.
    ``ongoing`` is true for KFOR and the MFO only; ECOMOG in Liberia and in Sierra Leone have
    no end date and an unknown end (``ongoing`` false, reason in ``notes``).

``kathman_unmatched.csv`` (22 rows; :func:`kathman_unmatched`)
    The Kathman mission names that no row of ``un_missions.csv`` maps to, each with its
    ``kind`` (``political`` for the 19 political missions and offices, ``support`` for the
    Brindisi base LBB and the support office UNSOS, ``peacekeeping`` for UNTMIH), the
    reason (political missions and offices, support bases, and UNTMIH, a peacekeeping
    operation the DPO list omits) and its source. With ``kathman_mission`` it accounts for
    all 82 names of the 12-2019 file (60 mapped, 22 not).

Typology
--------
Doyle & Sambanis (2000) and Fortna (2008): *observer*, unarmed military observers monitoring
a ceasefire; *traditional*, lightly armed troops interposed with the parties' consent;
*multidimensional*, consent-based with civilian peacebuilding tasks (elections, police,
human rights, DDR); *enforcement*, a Chapter VII mandate to use force beyond self-defence.
A mission is coded, in this order of precedence, from

1. Fortna's (2008) spell coding (``pkop`` of ``pk&pkept.dta``, registry key
   ``fortna_ceasefires``), where a spell's peacekeeping is that mission's;
2. Doyle & Sambanis's (2000) ``untype`` (registry key ``doyle_sambanis``), a war-level
   coding, where the war had that one UN mission;
3. its mandate read against the definitions, said as "coded from the mandate" in ``notes``
   (post-2004 Chapter VII missions whose mandate authorizes force to protect civilians are
   enforcement, as Fortna codes UNAMSIL and MINUSTAH).

Where the two codings disagree the notes say so; where a mission's type changed, its
``mission_type`` is the coded principal phase and ``notes`` carries ``type_changes: ...``;
police-only, civilian and headquarters entries, and missions the definitions do not settle
(UNIKOM after 1993, UNOSOM I, UNSF), are NA with the reason.

Citation
--------
peacestats developers, *peacestats mission tables* (``peacestats/resources/missions``), built
from: United Nations DPPA/DPO, Peace and Security Data Hub, Peacekeeping Operations
(DPPADPOSS-PKO, 2024-02-19); the Security Council and General Assembly resolutions named per
row; Doyle, M.W. & Sambanis, N. (2000), International Peacebuilding, APSR 94(4): 779-801;
Fortna, V.P. (2008), *Does Peacekeeping Work?*, Princeton UP; Kathman, J.D. (2013), United
Nations Peacekeeping Personnel Commitments, 1990-2011, CMPS 30(5): 532-549; and the
organizations' pages and press reports cited in ``source``.

Errors
------
Every check names the file, the column and the row (1-based data row, and the acronym):
an end before the start (:class:`MissionDateError`), an ``ongoing`` mission with an end date
(:class:`MissionStatusError`), a type outside the four (:class:`MissionTypeError`), an empty
source (:class:`MissingSourceError`), a host code that is not a Gleditsch-Ward state code
(:class:`InvalidHostCodeError`), a repeated acronym or Kathman name
(:class:`DuplicateMissionError`), and other malformed values (``ongoing`` not true or false)
or an NA without a note, including a missing end date of a mission that is not ongoing
(:class:`MissionValueError`). All derive from :class:`~peacestats.errors.HarmonizeError`.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import (  # noqa: F401 - the mission errors are part of this module's API
    DuplicateMissionError,
    HarmonizeError,
    InvalidHostCodeError,
    MissingSourceError,
    MissionDateError,
    MissionStatusError,
    MissionTableError,
    MissionTypeError,
    MissionValueError,
    UnmatchedCodeError,
)
from ._tables import row_label as _row
from ._tables import shared, shared_tables, sharing  # noqa: F401 - shared_tables: the scope of reuse
from ._tables import table_error as _fail

__all__ = [
    "MISSION_TYPES",
    "MISSION_KINDS",
    "UN_FILE",
    "NON_UN_FILE",
    "KATHMAN_UNMATCHED_FILE",
    "un_missions",
    "non_un_missions",
    "missions",
    "kathman_unmatched",
    "gw_state_codes",
    "resource_path",
    "MissionTableError",
    "MissionDateError",
    "MissionStatusError",
    "MissionTypeError",
    "MissingSourceError",
    "InvalidHostCodeError",
    "DuplicateMissionError",
    "MissionValueError",
]

#: The four mission types of Doyle & Sambanis (2000) and Fortna (2008), weakest first.
MISSION_TYPES = ("observer", "traditional", "multidimensional", "enforcement")

#: What kind of operation a row is. Only ``peacekeeping`` (peacekeeping and observer operations,
#: including their police components) counts as peacekeeping presence by default; ``political``
#: are special political missions and offices (UNAMA, UNSMA, BINUB, ...); ``support`` are
#: logistics bases, support offices and guard units (LBB, UNSOS, UNGCI, UNOHCI).
MISSION_KINDS = ("peacekeeping", "political", "support")

UN_FILE = "un_missions.csv"
NON_UN_FILE = "non_un_missions.csv"
KATHMAN_UNMATCHED_FILE = "kathman_unmatched.csv"

#: "S/RES/745 (1992)", "A/RES/1000 (ES-I) (1956)", "A/RES/54/193 (1999)", "A/RES/109 (II) (1947)".
RESOLUTION_PATTERN = r"^(S/RES/\d+ \(\d{4}\)|A/RES/[0-9A-Z/\-]+( \([A-Z0-9\-]+\))? \(\d{4}\))$"

_COMMON = [
    "mission_acronym",
    "mission_name",
    "host_gwcodes",
    "start_date",
    "end_date",
    "ongoing",
    "kind",
    "mission_type",
    "chapter_vii",
]
UN_COLUMNS = _COMMON + ["establishing_resolution", "kathman_mission", "source", "notes"]
NON_UN_COLUMNS = (
    ["mission_acronym", "mission_name", "organization", "lead_nation", "host_gwcodes", "start_date",
     "start_precision", "end_date", "end_precision"]
    + _COMMON[5:]
    + ["authorizing_resolution", "peak_strength", "peak_strength_year", "source", "notes"]
)
#: How precisely a date is known: the day, or only its month or year (the date is then the first day of it).
DATE_PRECISIONS = ("day", "month", "year")
KATHMAN_UNMATCHED_COLUMNS = ["kathman_mission", "kind", "reason", "source"]

#: Column order of :func:`missions`.
STACKED_COLUMNS = [
    "organization",
    "mission_acronym",
    "mission_name",
    "lead_nation",
    "host_gwcodes",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "kind",
    "mission_type",
    "chapter_vii",
    "resolution",
    "kathman_mission",
    "peak_strength",
    "peak_strength_year",
    "source",
    "notes",
]


# --- reading ---------------------------------------------------------------------------
def resource_path(name: str) -> Path:
    """The shipped copy of one of the mission tables (``UN_FILE``, ``NON_UN_FILE``, ...)."""
    return Path(str(resources.files("peacestats").joinpath("resources", "missions", name)))


def gw_state_codes() -> frozenset[int]:
    """Every code in the Gleditsch-Ward list of independent states (registry key ``gw_states``).

    Kosovo (347) and South Sudan (626) are in it; Western Sahara has no code. The list is
    the current code tables' (:func:`peacestats.harmonize.codes.using`: the build's own
    ``gw_states``; else :func:`peacestats.data.code_tables`).
    """
    from .codes import current

    return current().gw_codes


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise MissionTableError(f"{path.name}: no such file [{path}]")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["NA", ""], encoding="utf-8")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise MissionTableError(f"{path.name}: cannot read as a UTF-8 CSV table ({exc}) [{path}]") from exc
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MissionTableError(
            f"{path.name}: lacks column(s) {missing}; columns present: {list(df.columns)} [{path}]"
        )
    if len(df) == 0:
        raise MissionTableError(f"{path.name}: has a header but no rows [{path}]")
    return df[columns].reset_index(drop=True)


def _parse_codes(df: pd.DataFrame, path: Path) -> pd.Series:
    out: list[list[int]] = []
    for i, value in enumerate(df["host_gwcodes"]):
        if not isinstance(value, str):
            out.append([])
            continue
        codes = []
        for part in value.split(";"):
            part = part.strip()
            if not re.fullmatch(r"\d+", part):
                raise _fail(
                    InvalidHostCodeError, path, "host_gwcodes", i, df,
                    f"{value!r} is not a ';'-separated list of integer Gleditsch-Ward codes "
                    f"(bad part {part!r}); write e.g. '530;531'",
                )
            codes.append(int(part))
        out.append(codes)
    return pd.Series(out, index=df.index, dtype=object)


def _parse_dates(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    parsed = pd.to_datetime(df[column], format="%Y-%m-%d", errors="coerce")
    bad = df[column].notna() & parsed.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(MissionDateError, path, column, i, df, f"{df.at[i, column]!r} is not a date (YYYY-MM-DD)")
    return parsed.astype("datetime64[ns]")


def _parse_bool(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    mapping = {"true": True, "false": False}
    values = []
    for i, v in enumerate(df[column]):
        if not isinstance(v, str):
            values.append(pd.NA)
        elif v.strip().lower() in mapping:
            values.append(mapping[v.strip().lower()])
        else:
            raise _fail(MissionValueError, path, column, i, df, f"{v!r} is not true, false or NA")
    return pd.Series(pd.array(values, dtype="boolean"), index=df.index)


def _parse_int(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = []
    for i, v in enumerate(df[column]):
        if not isinstance(v, str):
            values.append(pd.NA)
        elif re.fullmatch(r"\d+", v.strip()):
            values.append(int(v))
        else:
            raise _fail(MissionValueError, path, column, i, df, f"{v!r} is not a whole number or NA")
    return pd.Series(pd.array(values, dtype="Int64"), index=df.index)


def _parse_ongoing(df: pd.DataFrame, path: Path) -> pd.Series:
    """``ongoing`` as plain bool: true or false on every row (NA would hide "end unknown")."""
    parsed = _parse_bool(df, "ongoing", path)
    if parsed.isna().any():
        i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise _fail(
            MissionValueError, path, "ongoing", i, df,
            "is NA; write true if the mission is known to be running at the end of the data, else "
            "false (with no end_date, false means the end is unknown and needs a note)",
        )
    return parsed.astype(bool)


# --- schema -------------------------------------------------------------------------------
def _schema(kind: str, gw: frozenset[int]):
    """The pandera schema of a parsed table (``kind`` = "un", "non_un")."""
    import pandera.pandas as pa

    def _codes_ok(s: pd.Series) -> pd.Series:
        return s.map(lambda v: isinstance(v, list) and all(c in gw for c in v))

    def _unique_non_missing(s: pd.Series) -> pd.Series:
        return s.isna() | ~s.duplicated(keep=False)

    def _dates_ordered(df: pd.DataFrame) -> pd.Series:
        return df["start_date"].isna() | df["end_date"].isna() | (df["end_date"] >= df["start_date"])

    def _ongoing_open(df: pd.DataFrame) -> pd.Series:
        return ~df["ongoing"] | df["end_date"].isna()

    def _precision_with_date(df: pd.DataFrame) -> pd.Series:
        if "start_precision" not in df.columns:
            return pd.Series(True, index=df.index)
        return ((df["start_date"].isna() == df["start_precision"].isna())
                & (df["end_date"].isna() == df["end_precision"].isna()))

    def _na_explained(df: pd.DataFrame) -> pd.Series:
        gaps = (
            df["start_date"].isna()
            | (df["end_date"].isna() & ~df["ongoing"])  # end unknown, not "ongoing"
            | df["mission_type"].isna()
            | df["chapter_vii"].isna()
            | (df["host_gwcodes"].map(len) == 0)
        )
        return ~gaps | df["notes"].fillna("").str.strip().ne("")

    text: dict = dict(nullable=True)  # dict[Any, Any]: pandera's Column takes mixed keyword types
    columns = {
        "mission_acronym": pa.Column(str, pa.Check.str_matches(r"^\S(.*\S)?$"), unique=True, nullable=False),
        "mission_name": pa.Column(str, nullable=False),
        "host_gwcodes": pa.Column(object, pa.Check(_codes_ok, name="gleditsch_ward_codes")),
        "start_date": pa.Column("datetime64[ns]", nullable=True),
        "end_date": pa.Column("datetime64[ns]", nullable=True),
        "ongoing": pa.Column(bool, nullable=False),
        "kind": pa.Column(str, pa.Check.isin(MISSION_KINDS), nullable=False),
        "mission_type": pa.Column(str, pa.Check.isin(MISSION_TYPES), nullable=True),
        "chapter_vii": pa.Column("boolean", nullable=True),
        "source": pa.Column(str, pa.Check(lambda s: s.str.strip().str.len() > 0, name="non_empty"), nullable=False),
        "notes": pa.Column(str, **text),
    }
    res = pa.Column(str, pa.Check.str_matches(RESOLUTION_PATTERN), nullable=True)
    if kind == "un":
        columns["establishing_resolution"] = res
        columns["kathman_mission"] = pa.Column(str, pa.Check(_unique_non_missing, name="unique_kathman_name"), **text)
    else:
        columns["organization"] = pa.Column(str, nullable=False)
        columns["lead_nation"] = pa.Column(str, **text)
        columns["authorizing_resolution"] = res
        columns["peak_strength"] = pa.Column("Int64", pa.Check.ge(0), nullable=True)
        columns["peak_strength_year"] = pa.Column("Int64", pa.Check.in_range(1900, 2100), nullable=True)
        for c in ("start_precision", "end_precision"):
            columns[c] = pa.Column(str, pa.Check.isin(DATE_PRECISIONS), nullable=True)
    return pa.DataFrameSchema(
        columns,
        checks=[
            pa.Check(_dates_ordered, name="end_not_before_start"),
            pa.Check(_ongoing_open, name="ongoing_has_no_end_date"),
            pa.Check(_na_explained, name="missing_value_has_note"),
            pa.Check(_precision_with_date, name="precision_with_date"),
        ],
        strict=True,
        coerce=False,
    )


_FRAME_CHECKS = ("end_not_before_start", "ongoing_has_no_end_date", "missing_value_has_note", "precision_with_date")
#: The column a failed frame-level check is reported under.
_FRAME_CHECK_COLUMN = {
    "end_not_before_start": "end_date",
    "ongoing_has_no_end_date": "ongoing",
    "missing_value_has_note": "notes",
    "precision_with_date": "start_precision",
}


def _error_class(column, check: str):
    check = str(check)
    if check == "end_not_before_start":
        return MissionDateError
    if check == "ongoing_has_no_end_date":
        return MissionStatusError
    if check == "precision_with_date":
        return MissionDateError
    if "unique" in check or "duplicat" in check:
        return DuplicateMissionError
    return {
        "source": MissingSourceError,
        "mission_type": MissionTypeError,
        "host_gwcodes": InvalidHostCodeError,
        "start_date": MissionDateError,
        "end_date": MissionDateError,
    }.get(column, MissionValueError)


def _explain(column, check: str, value, gw, df, i) -> str:
    check = str(check)
    if check == "end_not_before_start":
        return (
            f"end_date {df.at[i, 'end_date'].date()} is before start_date {df.at[i, 'start_date'].date()}; "
            "check both against the source"
        )
    if check == "ongoing_has_no_end_date":
        return (
            f"ongoing is true but end_date is {df.at[i, 'end_date'].date()}; a mission that is still "
            "running has no end date: set ongoing to false, or remove the end date if the source "
            "shows the mission running at the end of the data"
        )
    if check == "missing_value_has_note":
        return (
            "a missing start_date, mission_type, chapter_vii or host list, or a missing end_date of a "
            "mission that is not ongoing (end unknown), needs a note saying why"
        )
    if check == "precision_with_date":
        return ("start_precision (end_precision) must be given with start_date (end_date), and be NA "
                f"without it: one of {list(DATE_PRECISIONS)}")
    if column == "ongoing":
        return f"value {value!r}: ongoing must be true or false, never NA"
    if column == "host_gwcodes":
        bad = [c for c in (value if isinstance(value, list) else []) if c not in gw]
        return f"code(s) {bad} are not Gleditsch-Ward state codes (peacestats.sources.gw_states)"
    if column == "kind":
        return f"{value!r} is not one of {list(MISSION_KINDS)}"
    if column == "mission_type":
        return f"{value!r} is not one of {list(MISSION_TYPES)} (or NA with a note)"
    if column == "source":
        return "the source is empty: every row needs the public source it relies on"
    if "unique" in check or "duplicat" in check:
        return f"{value!r} appears in more than one row"
    if column in ("establishing_resolution", "authorizing_resolution"):
        return f"{value!r} is not a resolution like 'S/RES/745 (1992)' or 'A/RES/1000 (ES-I) (1956)'"
    return f"value {value!r} fails {check}"


def _validate(df: pd.DataFrame, kind: str, path: Path, gw: frozenset[int]) -> pd.DataFrame:
    from pandera.errors import SchemaError as PaSchemaError
    from pandera.errors import SchemaErrors

    try:
        return _schema(kind, gw).validate(df, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases.copy()
        fc["_i"] = pd.to_numeric(fc["index"], errors="coerce")
        # pandera reports a failed dataframe-level check once per column: keep one line per row
        frame_level = fc["check"].astype(str).isin(_FRAME_CHECKS)
        fc.loc[frame_level, "column"] = None
        fc = fc.drop_duplicates(subset=["check", "_i", "column"])
        fc = fc.sort_values("_i", kind="stable", na_position="last")
        lines, first_cls = [], None
        for _, r in fc.head(10).iterrows():
            col = r.get("column")
            col = None if col is None or (isinstance(col, float) and np.isnan(col)) else col
            check = r.get("check")
            i = None if pd.isna(r["_i"]) else int(r["_i"])
            cls = _error_class(col, check)
            first_cls = first_cls or cls
            shown = col or _FRAME_CHECK_COLUMN.get(str(check), "notes")
            what = _explain(col, check, r.get("failure_case"), gw, df, i) if i is not None else f"fails {check}"
            where = f"column {shown!r}, {_row(i, df)}" if i is not None else f"column {shown!r}"
            lines.append(f"  {where}: {what}")
        more = f"\n  ... and {len(fc) - 10} more" if len(fc) > 10 else ""
        raise (first_cls or MissionTableError)(
            f"{path.name} breaks its documented rules [{path}]:\n" + "\n".join(lines) + more
        ) from None
    except PaSchemaError as err:  # pragma: no cover - lazy=True collects instead
        raise MissionTableError(f"{path.name}: {err} [{path}]") from None


def _load(path, kind: str, gw_codes) -> pd.DataFrame:
    default = UN_FILE if kind == "un" else NON_UN_FILE
    path = resource_path(default) if path is None else Path(path)
    if not sharing() or not path.is_file():
        return _load_checked(path, kind, gw_codes)
    gw = frozenset(gw_codes) if gw_codes is not None else gw_state_codes()
    key = (kind, hashlib.sha256(path.read_bytes()).hexdigest(), gw)
    out = shared(key, lambda: _load_checked(path, kind, gw)).copy()
    out["host_gwcodes"] = [list(v) if isinstance(v, list) else v for v in out["host_gwcodes"]]
    return out


def _load_checked(path: Path, kind: str, gw_codes) -> pd.DataFrame:
    """``path`` read, parsed and validated against its schema (:func:`_validate`), sorted by acronym."""
    columns = UN_COLUMNS if kind == "un" else NON_UN_COLUMNS
    raw = _read_csv(path, columns)
    df = raw.copy()
    df["host_gwcodes"] = _parse_codes(raw, path)
    for c in ("start_date", "end_date"):
        df[c] = _parse_dates(raw, c, path)
    df["chapter_vii"] = _parse_bool(raw, "chapter_vii", path)
    df["ongoing"] = _parse_ongoing(raw, path)
    if kind == "non_un":
        for c in ("peak_strength", "peak_strength_year"):
            df[c] = _parse_int(raw, c, path)
    gw = frozenset(gw_codes) if gw_codes is not None else gw_state_codes()
    out = _validate(df, kind, path, gw)
    return out.sort_values("mission_acronym", kind="stable").reset_index(drop=True)


# --- public API -------------------------------------------------------------------------
def un_missions(path: str | Path | None = None, *, gw_codes=None) -> pd.DataFrame:
    """The UN peacekeeping operations of the DPO list, with hosts, dates, type and sources.

    Parameters
    ----------
    path
        Read this copy of ``un_missions.csv`` instead of the one shipped with the package.
    gw_codes
        The set of valid host codes; default: every code of the Gleditsch-Ward list
        (:func:`gw_state_codes`).

    Returns
    -------
    pandas.DataFrame
        81 rows sorted by ``mission_acronym``; columns as in the module docstring, with
        ``host_gwcodes`` a list of int, dates as ``datetime64[ns]``, ``ongoing`` a bool
        (never missing; true only with no ``end_date``) and ``chapter_vii`` a nullable boolean.

    Raises
    ------
    MissionTableError
        Or a subclass (:class:`MissionDateError`, :class:`MissionStatusError`,
        :class:`MissionTypeError`, :class:`MissingSourceError`, :class:`InvalidHostCodeError`,
        :class:`DuplicateMissionError`, :class:`MissionValueError`), naming file, column, row.
    """
    return _load(path, "un", gw_codes)


def non_un_missions(path: str | Path | None = None, *, gw_codes=None) -> pd.DataFrame:
    """Major non-UN peace operations (AU, ECOWAS, NATO, EU, coalitions, MFO), with sources.

    Parameters and errors as for :func:`un_missions`. 14 rows; ``peak_strength`` and
    ``peak_strength_year`` are Int64.
    """
    return _load(path, "non_un", gw_codes)


def kathman_unmatched(path: str | Path | None = None) -> pd.DataFrame:
    """Kathman mission names with no row in ``un_missions.csv``, with their kind, the reason and source."""
    path = resource_path(KATHMAN_UNMATCHED_FILE) if path is None else Path(path)
    df = _read_csv(path, KATHMAN_UNMATCHED_COLUMNS)
    for c in KATHMAN_UNMATCHED_COLUMNS:
        blank = df[c].isna() | df[c].astype(str).str.strip().eq("")
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            cls = MissingSourceError if c == "source" else MissionValueError
            raise _fail(cls, path, c, i, df, "is empty")
    bad_kind = ~df["kind"].isin(MISSION_KINDS)
    if bad_kind.any():
        i = int(np.flatnonzero(bad_kind.to_numpy())[0])
        raise _fail(MissionValueError, path, "kind", i, df, f"{df.at[i, 'kind']!r} is not one of {list(MISSION_KINDS)}")
    dup = df["kathman_mission"].duplicated(keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise _fail(DuplicateMissionError, path, "kathman_mission", i, df, "appears in more than one row")
    return df.sort_values("kathman_mission", kind="stable").reset_index(drop=True)


def missions(*, gw_codes=None) -> pd.DataFrame:
    """UN and non-UN missions in one frame (``organization`` is ``"UN"`` for UN missions).

    ``establishing_resolution`` (UN) and ``authorizing_resolution`` (non-UN) become
    ``resolution``; columns a table lacks are NA. Columns: :data:`STACKED_COLUMNS`
    (``ongoing`` is a bool in both tables, so never NA here either).
    Acronyms are unique across both tables (else :class:`DuplicateMissionError`).
    """
    un = un_missions(gw_codes=gw_codes).rename(columns={"establishing_resolution": "resolution"})
    un["organization"] = "UN"
    un["lead_nation"] = pd.Series([pd.NA] * len(un), dtype=object)
    for c in ("peak_strength", "peak_strength_year"):
        un[c] = pd.array([pd.NA] * len(un), dtype="Int64")
    for c in ("start", "end"):  # the UN table's dates are to the day
        un[f"{c}_precision"] = np.where(un[f"{c}_date"].notna(), "day", None)  # type: ignore[call-overload]
    other = non_un_missions(gw_codes=gw_codes).rename(columns={"authorizing_resolution": "resolution"})
    other["kathman_mission"] = pd.Series([pd.NA] * len(other), dtype=object)
    out = pd.concat([un[STACKED_COLUMNS], other[STACKED_COLUMNS]], ignore_index=True)
    dup = out["mission_acronym"].duplicated(keep=False)
    if dup.any():
        names = sorted(set(out.loc[dup, "mission_acronym"]))
        raise DuplicateMissionError(
            f"{UN_FILE} and {NON_UN_FILE}, column 'mission_acronym': {names} appear in both tables"
        )
    out["chapter_vii"] = out["chapter_vii"].astype("boolean")
    return out
