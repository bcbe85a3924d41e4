"""PA-X Peace Agreements Database: every peace agreement 1990-2020 with its provisions.

Dataset page
------------
Key ``pax``; version ``2021-download``: the 2021 download of ``pax_all_agreements_data.csv`` (latest agreement
signed 2020-04-09). UTF-8 with a byte-order mark; some text fields (third parties) hold line
breaks inside quotes, so a "row" in the messages below is a record (an agreement, numbered
1-1,868 in file order under the header), not a physical line. Unit: a peace agreement, broadly
defined (ceasefires, pre-negotiation, partial, comprehensive and implementation agreements,
intra- and interstate). 1,868 agreements signed 1990-02-15 to 2020-04-09; the file has 266
columns, of which the loader keeps those a mechanism analysis needs. Primary key:
``agreement_id``. Country codes are Gleditsch-Ward.

The coding rules are the PA-X codebook's (Bell et al., PA-X codebook; Bell & Badanjak 2019).
Provision variables are 0/1 ("the agreement has a provision on ...") or, where PA-X codes the
depth of a category, 0-3: 0 no provision, 1 a rhetorical or vague mention, 2 a provision with
some detail, 3 a detailed, substantive provision (the codebook's wording is the authority).

Identification (the file's name in brackets)

- ``agreement_id`` (int) [AgtId]: the PA-X agreement id, the key
- ``agreement_name`` (str) [Agt]: the agreement's name as in its text
- ``date_signed`` (datetime) [Dat]: date signed or agreed (the last day where PA-X records a range)
- ``country_entity`` (str) [Con]: the country or entity of the conflict, ``/``-separated when
  several (``"Bosnia and Herzegovina/Yugoslavia (former)"``; a region in parentheses)
- ``region`` (str) [Reg]: ``"Africa (excl MENA)"``, ``"Americas"``, ``"Asia and Pacific"``,
  ``"Europe and Eurasia"``, ``"Middle East and North Africa"``, ``"Cross-regional"``
- ``peace_process_id`` (int) [PP], ``peace_process`` (str) [PPName]: the peace process
- ``conflict_type`` (str) [Contp]: ``"Government"``, ``"Territory"``, ``"Government/territory"``,
  ``"Inter-group"``, ``"Other"`` (the incompatibility as PA-X codes it)
- ``agreement_level`` (str) [Agtp]: ``"Intra"`` intrastate conflict, ``"IntraLocal"`` local
  agreement within an intrastate conflict, ``"InterIntra"`` interstate agreement about
  intrastate conflict(s), ``"Inter"`` interstate conflict
- ``stage`` (str) [Stage]: ``"Pre"``, ``"SubPar"``, ``"SubComp"``, ``"Imp"``, ``"Cea"``,
  ``"Ren"``, ``"Oth"``; ``stage_label`` (str): ``"pre-negotiation/process"``,
  ``"substantive-partial"``, ``"substantive-comprehensive"``, ``"implementation/renegotiation"``,
  ``"ceasefire/related"``, ``"renewal"``, ``"other"``; ``stage_sub`` (str) [StageSub]: PA-X's
  sub-stage code, as published
- ``status`` (str) [Status]: ``"Multiparty signed/agreed"``, ``"Unilateral document"``,
  ``"Status unclear"``, ``"Agreement with subsequent status"``
- ``gwno_loc1``, ``gwno_loc2`` (Int64) [Loc1GWNO, Loc2GWNO]: GW codes of the main location(s);
  NA where PA-X gives none (regional and multi-state agreements: 11 rows without ``gwno_loc1``)
- ``ucdp_conflict_ids`` (list of int) [UcdpCon]: the UCDP conflict id(s) of the agreement;
  ``[]`` where PA-X has none (``"NA"``, blank). Split on commas, semicolons, slashes and
  spaces; a token that is not a whole number is left out of the list and reported by
  :func:`check` (with its row). ``ucdp_conflict_raw`` (str): the cell as published, so no
  value is lost. In this download every cell holds one id or none. :func:`agreement_conflicts`
  gives one row per agreement and conflict id, :func:`pax_conflict_links` checks the ids
  against the UCDP/PRIO ACD.
- ``ucdp_agreement_id`` (Int64) [UcdpAgr]: the UCDP Peace Agreement id (``paid``) where the
  agreement is in that dataset; NA otherwise
- ``third_parties`` (str) [ThrdPart]: third parties and witnesses as written (free text, line
  breaks kept as ``\\n``); NA when blank. PA-X has no coded mediation variable: this text is
  the proxy, as for UCDP's ``pa_3rd``.

Security sector (capacity building)

- ``ssr_police`` (0-3) [SsrPol]: police reform or provisions on the police
- ``ssr_armed_forces`` (0-3) [SsrArm]: armed forces (reform, restructuring, integration,
  composition). PA-X has no separate army-integration variable in this file: integration of
  rebel forces into the army is coded here and under ``ssr_armed_groups``.
- ``ssr_intelligence`` (0-3) [SsrInt]: intelligence services
- ``ssr_armed_groups`` (0/1) [SsrPsf]: parastatal, rebel and opposition group forces (their
  cantonment, integration, transformation)
- ``ddr`` (0-3) [SsrDdr]: disarmament, demobilisation and reintegration;
  ``ddr_demilitarisation`` (0/1) [DdrDemil]: demilitarisation provisions;
  ``ddr_programme`` (0/1) [DdrProg]: a DDR programme
- ``security_guarantees`` (0/1) [SsrGua]: security guarantees
- ``withdrawal_foreign_forces`` (0/1) [SsrFf]: withdrawal of foreign forces
- ``ssr_crime`` (0-3) [SsrCrOcr]: crime and organised crime

Ceasefire

- ``ceasefire`` (0-3) [Ce]: ceasefire (the category, with depth)
- ``ceasefire_provisions`` (0/1) [CeProv]: classic ceasefire provisions

Implementation (third-party roles)

- ``un_signatory`` (0/1) [ImUN]: the United Nations signed the agreement (as signatory or
  witness): the UN implementation-role proxy
- ``international_signatory`` (0/1) [ImOth]: another international actor (state,
  organization) signed or witnessed it
- ``international_mission`` (0/1) [ImPK]: an international mission, force or similar body
  (peacekeeping, observers) is provided for: the peacekeeping-role proxy
- ``enforcement_mechanism`` (0/1) [ImE]: an enforcement mechanism is provided for
- ``referendum`` (0/1) [ImRef]: a referendum on the agreement

Every provision column is ``int64`` with no missing values (checked on load).

Known problems (:func:`check` lists them, one row per finding): UCDP ids that are not numbers
(one cell reads ``"NA "`` with a trailing space, row 1,440, agreement 1961: read as no id),
blank UcdpCon cells next to ``"NA"`` ones (14 rows: not coded, read as no id). Two ids are
not UCDP/PRIO ACD conflicts (:func:`pax_conflict_links` keeps and flags them): ``169170``
(six Philippine agreements, 1995-2005) and ``11745`` (South Sudan, 2017). Location codes
name the state a territory became before it was independent (73 cells: South Sudan 626 from
2004, Croatia 344 in 1991, ...): the PA-X convention, reported as such. A ``stage``
inconsistent with the ceasefire coding is *not* checked (PA-X codes these
independently).

Citation: Bell, C. & Badanjak, S. (2019). Introducing PA-X: A new peace agreement database
and dataset. Journal of Peace Research 56(3): 452-466.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import to_datetime, validate
from ._text import read_csv_text

KEY = "pax"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1
PRIMARY_KEY = ("agreement_id",)
ENCODING = "utf-8-sig"

STAGES = {
    "Pre": "pre-negotiation/process",
    "SubPar": "substantive-partial",
    "SubComp": "substantive-comprehensive",
    "Imp": "implementation/renegotiation",
    "Cea": "ceasefire/related",
    "Ren": "renewal",
    "Oth": "other",
}

#: file column -> tidy name, for the provision codes and whether they are 0-3 (depth) or 0/1
PROVISIONS: dict[str, tuple[str, int]] = {
    "SsrPol": ("ssr_police", 3),
    "SsrArm": ("ssr_armed_forces", 3),
    "SsrInt": ("ssr_intelligence", 3),
    "SsrPsf": ("ssr_armed_groups", 1),
    "SsrDdr": ("ddr", 3),
    "DdrDemil": ("ddr_demilitarisation", 1),
    "DdrProg": ("ddr_programme", 1),
    "SsrGua": ("security_guarantees", 1),
    "SsrFf": ("withdrawal_foreign_forces", 1),
    "SsrCrOcr": ("ssr_crime", 3),
    "Ce": ("ceasefire", 3),
    "CeProv": ("ceasefire_provisions", 1),
    "ImUN": ("un_signatory", 1),
    "ImOth": ("international_signatory", 1),
    "ImPK": ("international_mission", 1),
    "ImE": ("enforcement_mechanism", 1),
    "ImRef": ("referendum", 1),
}

RENAME = {
    "AgtId": "agreement_id", "Agt": "agreement_name", "Dat": "date_signed", "Con": "country_entity",
    "Reg": "region", "PP": "peace_process_id", "PPName": "peace_process", "Contp": "conflict_type",
    "Agtp": "agreement_level", "Stage": "stage", "StageSub": "stage_sub", "Status": "status",
    "Loc1GWNO": "gwno_loc1", "Loc2GWNO": "gwno_loc2", "UcdpCon": "ucdp_conflict_raw",
    "UcdpAgr": "ucdp_agreement_id", "ThrdPart": "third_parties",
    **{k: v for k, (v, _) in PROVISIONS.items()},
}  # fmt: skip

ORDER = [
    "agreement_id", "agreement_name", "date_signed", "country_entity", "region", "peace_process_id",
    "peace_process", "conflict_type", "agreement_level", "stage", "stage_label", "stage_sub", "status",
    "gwno_loc1", "gwno_loc2", "ucdp_conflict_ids", "ucdp_conflict_raw", "ucdp_agreement_id",
    "third_parties", *[v for v, _ in PROVISIONS.values()],
]  # fmt: skip

_req: dict[str, Any] = dict(coerce=True, nullable=False)
_opt: dict[str, Any] = dict(coerce=True, nullable=True)
SCHEMA = pa.DataFrameSchema(
    {
        "AgtId": pa.Column("Int64", pa.Check.gt(0), **_req),
        "Agt": pa.Column(str, nullable=False),
        "Dat": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), nullable=False),
        "Con": pa.Column(str, nullable=False),
        "Reg": pa.Column(str, nullable=False),
        "PP": pa.Column("Int64", pa.Check.gt(0), **_req),
        "PPName": pa.Column(str, nullable=False),
        "Contp": pa.Column(str, pa.Check.isin(["Government", "Territory", "Government/territory",
                                               "Inter-group", "Other"]), nullable=False),
        "Agtp": pa.Column(str, pa.Check.isin(["Inter", "Intra", "InterIntra", "IntraLocal"]), nullable=False),
        "Stage": pa.Column(str, pa.Check.isin(list(STAGES)), nullable=False),
        "StageSub": pa.Column(str, nullable=True),
        "Status": pa.Column(str, nullable=False),
        "Loc1GWNO": pa.Column("Int64", pa.Check.in_range(2, 999), **_opt),
        "Loc2GWNO": pa.Column("Int64", pa.Check.in_range(2, 999), **_opt),
        "UcdpCon": pa.Column(str, nullable=True),
        "UcdpAgr": pa.Column("Int64", pa.Check.gt(0), **_opt),
        "ThrdPart": pa.Column(str, nullable=True),
        **{c: pa.Column("Int64", pa.Check.in_range(0, top), **_req) for c, (_, top) in PROVISIONS.items()},
    },
    unique=["AgtId"],
    strict=False,
)

_NO_ID = {"", "NA"}
_SPLIT = re.compile(r"[,;/\s]+")


def parse_ucdp_ids(value) -> tuple[list[int], list[str]]:
    """Split a UcdpCon cell into conflict ids and the tokens that are not ids.

    ``"NA"``, blank and missing give no id. Separators: commas, semicolons, slashes, spaces.

    >>> parse_ucdp_ids("300")
    ([300], [])
    >>> parse_ucdp_ids("11346, 293")
    ([11346, 293], [])
    >>> parse_ucdp_ids("NA")
    ([], [])
    >>> parse_ucdp_ids("29x; 300")
    ([300], ['29x'])
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return [], []
    text = str(value).strip()
    if text in _NO_ID:
        return [], []
    ids, bad = [], []
    for token in _SPLIT.split(text):
        if not token:
            continue
        (ids.append(int(token)) if token.isdigit() else bad.append(token))
    return ids, bad


def load(path: str | Path | None = None) -> pd.DataFrame:
    """PA-X, one row per agreement (see the module docstring for the columns).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        1,868 rows in file order, the columns of :data:`ORDER`.

    Raises
    ------
    SchemaError, EmptyFileError, DuplicateKeyError
        An empty or truncated file, bytes that are not UTF-8 (a re-saved copy), a missing
        column, a provision code outside its levels or missing, a date that is not
        YYYY-MM-DD or not a calendar date, a duplicate ``AgtId``; messages name the file,
        column and 1-based row (record).
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read_csv_text(KEY, path, ENCODING)
    for col in [c for c in raw.columns if c in SCHEMA.columns and raw[c].dtype == object]:
        raw[col] = raw[col].mask(raw[col].str.strip() == "")  # blank is missing (the other ~230 columns unread)
    for col in ("UcdpAgr", "Loc1GWNO", "Loc2GWNO"):  # "NA" is PA-X's missing value there
        if col in raw.columns:
            raw[col] = raw[col].mask(raw[col].str.strip() == "NA")
    return tidy(validate(raw, SCHEMA, KEY, path), path)


def tidy(raw: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """The tidy frame from a validated raw frame (file columns)."""
    df = raw.rename(columns=RENAME)
    df["date_signed"] = to_datetime(df["date_signed"].rename("Dat"), KEY, path, fmt="%Y-%m-%d").rename("date_signed")
    df["agreement_id"] = df["agreement_id"].astype("int64")
    df["peace_process_id"] = df["peace_process_id"].astype("int64")
    for name, _ in PROVISIONS.values():
        df[name] = df[name].astype("int64")
    for col in ("gwno_loc1", "gwno_loc2", "ucdp_agreement_id"):
        df[col] = df[col].astype("Int64")
    df["stage_label"] = df["stage"].map(STAGES)
    df["ucdp_conflict_ids"] = [parse_ucdp_ids(v)[0] for v in df["ucdp_conflict_raw"]]
    df["third_parties"] = df["third_parties"].map(
        lambda t: re.sub(r"\r\n?", "\n", t).strip() if isinstance(t, str) else t
    ).where(df["third_parties"].notna(), pd.NA)
    for col in ("agreement_name", "country_entity", "peace_process"):
        df[col] = df[col].str.strip()
    return df[ORDER].reset_index(drop=True)


def agreement_conflicts(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per agreement and UCDP conflict id (the long form of ``ucdp_conflict_ids``).

    Agreements without an id have no row here (they keep ``[]`` in :func:`load`'s frame).

    Returns
    -------
    pandas.DataFrame
        Columns ``agreement_id, conflict_id, position`` (``position`` 1, 2, ... is the id's
        place in the published cell), sorted by agreement and position.
    """
    df = load() if df is None else df
    rows = [(a, c, i + 1) for a, ids in zip(df["agreement_id"], df["ucdp_conflict_ids"]) for i, c in enumerate(ids)]
    out = pd.DataFrame(rows, columns=["agreement_id", "conflict_id", "position"])
    return out.astype({"agreement_id": "int64", "conflict_id": "int64", "position": "int64"}).sort_values(
        ["agreement_id", "position"], kind="stable").reset_index(drop=True)


def pax_conflict_links(df: pd.DataFrame | None = None, acd: pd.DataFrame | None = None) -> pd.DataFrame:
    """The agreement x UCDP conflict table, each id checked against the UCDP/PRIO ACD.

    Unknown ids are kept and flagged (``in_acd`` False), never dropped.

    Parameters
    ----------
    df
        :func:`load` output (default: load it).
    acd
        The UCDP/PRIO ACD conflict-years (default ``sources.load("ucdp_acd")``).

    Returns
    -------
    pandas.DataFrame
        :func:`agreement_conflicts` plus ``date_signed``, ``in_acd`` (bool), ``acd_location``
        (the ACD ``location`` of the conflict, NA when unknown) and ``acd_active_in_year``
        (bool: the conflict has an ACD row in the signing year; NA for unknown ids).
    """
    from . import load as load_source

    df = load() if df is None else df
    acd = load_source("ucdp_acd") if acd is None else acd
    links = agreement_conflicts(df).merge(df[["agreement_id", "date_signed"]], on="agreement_id", how="left")
    known = acd.groupby("conflict_id")["location"].first()
    years = set(zip(acd["conflict_id"].astype(int), acd["year"].astype(int)))
    links["in_acd"] = links["conflict_id"].isin(known.index)
    links["acd_location"] = links["conflict_id"].map(known).astype(object).where(links["in_acd"], pd.NA)
    active = [(c, d.year) in years for c, d in zip(links["conflict_id"], links["date_signed"])]
    links["acd_active_in_year"] = pd.array(active, dtype="boolean")
    links.loc[~links["in_acd"], "acd_active_in_year"] = pd.NA
    return links


def check(df: pd.DataFrame, gw: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coding slips to know about, one row per finding.

    Checks (a) the UcdpCon cells as published: tokens that are not conflict ids (reported, left
    out of ``ucdp_conflict_ids``), cells with stray spaces, and blank cells where PA-X
    otherwise writes ``"NA"``; (b) ``gwno_loc1`` and ``gwno_loc2`` against the Gleditsch-Ward
    state list on the signing date: a code that is no GW state, or a state that is not
    independent yet (PA-X codes the future state of a territory, e.g. South Sudan 626 in
    2004: a convention, reported as such). Agreements signed after the GW list ends
    (2017-12-31) are not checked against it.

    Parameters
    ----------
    df
        :func:`load` output.
    gw
        The Gleditsch-Ward state list (default ``peacestats.sources.load("gw_states")``).

    Returns
    -------
    pandas.DataFrame
        Columns ``row, agreement_id, column, value, problem, suggestion`` (``row`` is the 1-based
        record number in the file).
    """
    rows = []
    for i, (agt, cell) in enumerate(zip(df["agreement_id"], df["ucdp_conflict_raw"])):
        where = dict(row=i + 1, agreement_id=int(agt), column="UcdpCon")
        if cell is None or cell is pd.NA or (isinstance(cell, float) and pd.isna(cell)):
            rows.append({**where, "value": "", "problem": "blank UCDP conflict id (elsewhere PA-X writes 'NA')",
                         "suggestion": "read as no UCDP conflict; look the agreement up in UCDP if it matters"})
            continue
        ids, bad = parse_ucdp_ids(cell)
        for token in bad:
            rows.append({**where, "value": cell, "problem": f"{token!r} is not a UCDP conflict id",
                         "suggestion": "left out of ucdp_conflict_ids; check the agreement in PA-X"})
        if cell != cell.strip():
            rows.append({**where, "value": cell, "problem": "stray spaces around the cell",
                         "suggestion": f"read as {ids if ids else 'no id'}"})
    if gw is None:
        from . import load as load_source

        gw = load_source("gw_states")
    spells: dict[int, list] = {}
    for g in gw.itertuples(index=False):
        spells.setdefault(int(g.gwcode), []).append((g.start_date, g.end_date, g.statename))
    list_end = gw["end_date"].max()
    for i, r in enumerate(df.itertuples(index=False)):
        for column in ("gwno_loc1", "gwno_loc2"):
            code = getattr(r, column)
            if pd.isna(code):
                continue
            code = int(code)
            where = dict(row=i + 1, agreement_id=int(r.agreement_id), column=column, value=code)
            if code not in spells:
                rows.append({**where, "problem": f"{code} is not a Gleditsch-Ward state code ({r.country_entity})",
                             "suggestion": "look up the GW code of the location"})
            elif r.date_signed <= list_end and not any(a <= r.date_signed <= b for a, b, _ in spells[code]):
                name = spells[code][0][2]
                first = min(a for a, _, _ in spells[code])
                kind = "convention, not a slip: " if r.date_signed < first else ""
                rows.append({**where, "problem": f"{kind}{code} ({name}) is not an independent state on "
                             f"{r.date_signed.date()} (GW member from {first.date()}); location {r.country_entity!r}",
                             "suggestion": "the code names the state the territory became; use the "
                             "then-sovereign state for state-year analysis"})
    return pd.DataFrame(rows, columns=["row", "agreement_id", "column", "value", "problem", "suggestion"])

