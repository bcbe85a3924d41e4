"""The mission universe: every peace operation, UN and non-UN, 1946-2024, in one table.

Dataset page
------------
:func:`create_missions` stacks four sources into one row per operation (built as the
``missions`` table of ``data/processed``):

1. ``un_missions.csv``: the 81 operations of the UN DPO list (``origin = "dpo_list"``);
2. ``kathman_unmatched.csv``: the 22 UN missions that Kathman's personnel data record and the
   DPO list omits, mostly political missions and offices (``origin = "kathman"``); their dates
   are TPPM's where TPPM lists them, else the first and last months Kathman records them
   (precision ``"month"``); for the ten still recorded in Kathman's last month (December 2019),
   the authored ``kathman_after_coverage.csv`` says, with a source, whether they ran on to the end
   of 2024 or when they ended (UNIOGBIS 2020, UNSOM 2024);
3. ``non_un_missions.csv``: the project's authored non-UN operations (``origin = "non_un_table"``);
4. Mullenbach's TPPM 3.1 (``mullenbach_tppm``), 215 mission-host rows 1947-2014: a row that is
   (a host or phase of) an operation of the tables above adds its row number to that operation
   (``tppm_obsnums``); every other row is an operation of its own, ``TPPM-<obsnum>``
   (``origin = "tppm"``): 9 UN operations the DPO list omits (UNGOC, UNCI, UNCOK, UNCURK,
   UNPOC, UNTAG, CIAV, UNMLT, UNOMB), and the regional and ad hoc operations.

The authored crosswalk ``resources/missions/tppm_crosswalk.csv`` says which TPPM row is which:

- ``obsnum``: TPPM row (each of 1-215 exactly once)
- ``mission_id``: the operation's id; ``TPPM-<obsnum>`` for an operation TPPM alone lists
- ``relation``: ``same_operation`` (the row is an operation of the other tables) or
  ``tppm_only``
- ``organization``: for ``tppm_only`` rows, the deploying organization (``UN``, ``EU``, ``AU``,
  ``OAU``, ``ECOWAS``, ``NATO``, ``OSCE``, ``CIS``, ``LAS``, ... or ``ad hoc`` for a state-led
  coalition), read from the mission's name; empty for ``same_operation``
- ``host_gwcodes``: for ``tppm_only`` rows, the Gleditsch-Ward codes of the hosts
  (``;``-separated): TPPM's COW code converted at the start date, or, where TPPM codes the
  state party of a colonial or occupied territory, the territory's code (said in ``note``)
- ``end_date``, ``end_precision``, ``ongoing``: for a row TPPM flags as ongoing at the end of
  2014, what happened after (from the source named); empty otherwise
- ``source`` (never empty), ``note``

Columns of the universe
-----------------------
``mission_id`` (key), ``organization``, ``organization_type`` (``UN``, ``regional``,
``ad hoc``, ``other``: the MFO, an organization of its own), ``mission_name``, ``lead_nation``,
``kind`` (:data:`MISSION_KINDS`), ``mission_type`` (the four types; NA for TPPM-only operations: TPPM does not code the
typology, and coding 138 operations from their mandates is left open), ``chapter_vii`` (from the
authored tables; NA for Kathman-only and TPPM-only operations), ``host_gwcodes`` (list
of int), ``start_date``, ``start_precision``, ``end_date``, ``end_precision`` (``day``,
``month``, ``year``; NA with the date), ``ongoing`` (deployed at the end of 2024),
``end_known`` (false when the operation is neither ended nor known to be running: its last
known month is its ``end_date`` and ``notes`` say why), ``resolution``, ``strength``
(Int64) and ``strength_source`` (``"tppm_personnel1"``: TPPM's strength figure; ``"peak"``:
the authored peak strength of the non-UN table; monthly UN personnel are in
``mission_months``), ``kathman_mission``, ``in_dpo_list`` (bool), ``tppm_obsnums``
(``;``-separated), ``origin``, ``source``, ``notes``.

Every operation is a row; none is dropped. An operation that cannot be placed in time (no
start date, or no host) is kept here and reported by ``peacestats build``.

Citation
--------
peacestats developers, *peacestats mission universe*, built from the mission tables
(:mod:`peacestats.harmonize.missions`), Kathman (2013) and Mullenbach (2013) TPPM 3.1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidHostCodeError, MissingSourceError, MissionTableError, MissionValueError
from .missions import MISSION_KINDS, _fail, _read_csv, resource_path

__all__ = [
    "TPPM_CROSSWALK_FILE",
    "TPPM_CROSSWALK_COLUMNS",
    "TPPM_RELATIONS",
    "MISSION_COLUMNS",
    "tppm_crosswalk",
    "kathman_after_coverage",
    "create_missions",
]

TPPM_CROSSWALK_FILE = "tppm_crosswalk.csv"
TPPM_CROSSWALK_COLUMNS = ["obsnum", "mission_id", "relation", "organization", "host_gwcodes", "end_date",
                          "end_precision", "ongoing", "source", "note"]
TPPM_RELATIONS = ("same_operation", "tppm_only")
PRECISIONS = ("day", "month", "year")

#: Column order of :func:`create_missions`.
MISSION_COLUMNS = [
    "mission_id", "organization", "organization_type", "mission_name", "lead_nation", "kind", "mission_type",
    "chapter_vii", "host_gwcodes", "start_date", "start_precision", "end_date", "end_precision", "ongoing", "end_known",
    "resolution", "strength", "strength_source", "kathman_mission", "in_dpo_list", "tppm_obsnums", "origin",
    "source", "notes",
]

#: The last month of Kathman's personnel data (12-2019 update).
KATHMAN_LAST = pd.Timestamp("2019-12-01")


def _label_where(mask: pd.Series, label: str) -> np.ndarray:
    """``label`` where ``mask`` holds and ``None`` elsewhere, as ``np.where(mask, label, None)`` (object array)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask.to_numpy(dtype=bool)] = label
    return out


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype(str).str.strip().eq("")


def tppm_crosswalk(path: str | Path | None = None, *, gw_codes=None) -> pd.DataFrame:
    """Read and check the authored TPPM crosswalk (which operation each TPPM row is).

    Parameters
    ----------
    path
        Read this copy instead of the shipped ``resources/missions/tppm_crosswalk.csv``.
    gw_codes
        Valid host codes (default: the Gleditsch-Ward list).

    Returns
    -------
    pandas.DataFrame
        One row per TPPM row, sorted by ``obsnum`` (int); ``host_gwcodes`` a list of int
        (empty for ``same_operation``); ``end_date`` datetime; ``ongoing`` a nullable boolean.

    Raises
    ------
    MissionTableError
        (or :class:`MissingSourceError`, :class:`InvalidHostCodeError`,
        :class:`MissionValueError`) naming the file, column and row.
    """
    from .missions import gw_state_codes

    path = resource_path(TPPM_CROSSWALK_FILE) if path is None else Path(path)
    raw = _read_csv(path, TPPM_CROSSWALK_COLUMNS)
    df = raw.copy()

    def bad(column, mask, what, cls=MissionValueError):
        if mask.any():
            i = int(np.flatnonzero(np.asarray(mask))[0])
            raise _fail(cls, path, column, i, raw, what(i))

    obs = pd.to_numeric(raw["obsnum"], errors="coerce")
    bad("obsnum", obs.isna() | (obs % 1 != 0), lambda i: f"{raw.at[i, 'obsnum']!r} is not a row number")
    df["obsnum"] = obs.astype("int64")
    bad("obsnum", df["obsnum"].duplicated(keep=False), lambda i: f"row {df.at[i, 'obsnum']} appears twice")
    bad("source", _blank(raw["source"]), lambda i: "is empty", MissingSourceError)
    bad("mission_id", _blank(raw["mission_id"]), lambda i: "is empty")
    bad("relation", ~raw["relation"].isin(TPPM_RELATIONS),
        lambda i: f"{raw.at[i, 'relation']!r} is not one of {list(TPPM_RELATIONS)}")
    only = raw["relation"].eq("tppm_only")
    own_id = "TPPM-" + df["obsnum"].astype(str)
    bad("mission_id", only & raw["mission_id"].ne(own_id),
        lambda i: f"a tppm_only row must have the id {own_id[i]!r}, not {raw.at[i, 'mission_id']!r}")
    bad("mission_id", ~only & raw["mission_id"].str.startswith("TPPM-"),
        lambda i: "a same_operation row must name the operation of the other tables it is")
    bad("organization", only & _blank(raw["organization"]), lambda i: "is empty for a tppm_only row")
    bad("host_gwcodes", only & _blank(raw["host_gwcodes"]) & _blank(raw["note"]),
        lambda i: "is empty for a tppm_only row without a note saying why")
    gw = frozenset(gw_codes) if gw_codes is not None else gw_state_codes()
    hosts: list[list[int]] = []
    no_hosts = _blank(raw["host_gwcodes"]).to_numpy()
    for i, v in enumerate(raw["host_gwcodes"]):
        if no_hosts[i]:
            hosts.append([])
            continue
        parts = [p.strip() for p in str(v).split(";")]
        if not all(p.isdigit() for p in parts):
            raise _fail(MissionValueError, path, "host_gwcodes", i, raw, f"{v!r} is not ';'-separated codes")
        codes = [int(p) for p in parts]
        unknown = [c for c in codes if c not in gw]
        if unknown:
            raise _fail(InvalidHostCodeError, path, "host_gwcodes", i, raw,
                        f"{unknown} not in the Gleditsch-Ward state list")
        hosts.append(codes)
    df["host_gwcodes"] = hosts
    end = pd.to_datetime(raw["end_date"], format="%Y-%m-%d", errors="coerce")
    bad("end_date", end.isna() & ~_blank(raw["end_date"]), lambda i: f"{raw.at[i, 'end_date']!r} is not YYYY-MM-DD")
    df["end_date"] = end
    bad("end_precision", ~_blank(raw["end_precision"]) & ~raw["end_precision"].isin(PRECISIONS),
        lambda i: f"{raw.at[i, 'end_precision']!r} is not one of {list(PRECISIONS)}")
    bad("end_precision", end.notna() != ~_blank(raw["end_precision"]),
        lambda i: "an end date needs a precision, and a precision an end date")
    ongoing = raw["ongoing"].map({"true": True, "false": False})
    bad("ongoing", ongoing.isna() & ~_blank(raw["ongoing"]), lambda i: f"{raw.at[i, 'ongoing']!r} is not true or false")
    df["ongoing"] = ongoing.astype("boolean")
    bad("ongoing", df["ongoing"].eq(True).fillna(False) & end.notna(), lambda i: "an ongoing operation has no end date")
    bad("end_date", df["ongoing"].eq(False).fillna(False) & end.isna(),
        lambda i: "an operation that ended needs its end date")
    df["organization"] = df["organization"].where(~_blank(raw["organization"]), None)
    df["note"] = df["note"].where(~_blank(raw["note"]), None)
    return df.sort_values("obsnum").reset_index(drop=True)


KATHMAN_AFTER_FILE = "kathman_after_coverage.csv"
KATHMAN_AFTER_COLUMNS = ["kathman_mission", "end_date", "end_precision", "ongoing", "source", "note"]


def kathman_after_coverage(path: str | Path | None = None) -> pd.DataFrame:
    """What became of the UN missions Kathman still records in December 2019 (authored, with sources).

    ``resources/missions/kathman_after_coverage.csv``: ``kathman_mission``, ``end_date`` (NA if running
    at the end of 2024), ``end_precision``, ``ongoing`` (running on 2024-12-31), ``source``, ``note``.

    Raises
    ------
    MissionTableError
        (or a subclass) naming the file, column and row of a malformed value.
    """
    path = resource_path(KATHMAN_AFTER_FILE) if path is None else Path(path)
    raw = _read_csv(path, KATHMAN_AFTER_COLUMNS)
    df = raw.copy()
    for c in ("kathman_mission", "source", "note"):
        blank = _blank(raw[c])
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise _fail(MissingSourceError if c == "source" else MissionValueError, path, c, i, raw, "is empty")
    end = pd.to_datetime(raw["end_date"], format="%Y-%m-%d", errors="coerce")
    ongoing = raw["ongoing"].map({"true": True, "false": False})
    checks = [
        ("end_date", end.isna() & ~_blank(raw["end_date"]), "is not YYYY-MM-DD"),
        ("ongoing", ongoing.isna(), "must be true or false"),
        ("end_date", ongoing.eq(True) & end.notna(), "an ongoing mission has no end date"),
        ("end_date", ongoing.eq(False) & end.isna(), "a mission that ended needs its end date"),
        ("end_precision", end.notna() != raw["end_precision"].isin(PRECISIONS),
         f"must be one of {list(PRECISIONS)} with an end date and NA without one"),
        ("kathman_mission", raw["kathman_mission"].duplicated(keep=False), "appears twice"),
    ]
    for c, mask, what in checks:
        if mask.any():
            i = int(np.flatnonzero(mask.to_numpy())[0])
            raise _fail(MissionValueError, path, c, i, raw, f"{raw.at[i, c]!r}: {what}")
    df["end_date"] = end
    df["end_precision"] = df["end_precision"].where(end.notna(), None)
    df["ongoing"] = ongoing.astype(bool)
    return df


def _kathman_span(kathman: pd.DataFrame) -> pd.DataFrame:
    """First and last month Kathman records each mission, and its hosts (GW codes) over those months."""
    from .codes import cow_to_gw
    from .deployment import _kathman_hosts_override

    g = kathman.groupby("mission")["date"]
    out = pd.DataFrame({"first": g.min(), "last": g.max()})
    pairs = pd.concat([kathman[["mission", "ccode", "date"]],
                       kathman[["mission", "ccode2", "date"]].rename(columns={"ccode2": "ccode"})])
    pairs = pairs[pairs["ccode"].notna()].drop_duplicates()
    pairs["gw"] = cow_to_gw(pairs["ccode"], dates=pairs["date"], strict=False).to_numpy()
    hosts = pairs.dropna(subset=["gw"]).groupby("mission")["gw"].agg(lambda s: sorted({int(v) for v in s}))
    override = _kathman_hosts_override()
    out["hosts"] = [override.get(name, hosts.get(name, [])) for name in out.index]
    return out


def _tppm_ops(tppm: pd.DataFrame, xwalk: pd.DataFrame) -> pd.DataFrame:
    """One universe row per ``tppm_only`` TPPM row."""
    x = xwalk[xwalk["relation"].eq("tppm_only")]
    x = x.rename(columns={c: f"{c}_x" for c in x.columns if c != "obsnum"})
    t = tppm.merge(x, on="obsnum", how="inner")
    after = t["ongoing"] & (t["end_date_x"].notna() | t["ongoing_x"].notna())
    end = t["end_date"].where(~after, t["end_date_x"])
    end_prec = t["end_precision"].where(~after, t["end_precision_x"])
    ongoing = pd.Series(np.where(after, t["ongoing_x"].fillna(False).astype(bool), False), index=t.index)
    unknown_after = t["ongoing"] & ~after
    notes = []
    for r, ua, af in zip(t.itertuples(index=False), unknown_after, after):
        n = [r.note_x] if isinstance(r.note_x, str) else []
        if ua:
            n.append("TPPM flags the operation as ongoing at the end of 2014 (its coverage) and what happened "
                     "after is not coded here: end_date is TPPM's last covered day, end_known false")
        elif af:
            n.append("after 2014: see the crosswalk's source")
        n.append("mission_type NA: TPPM does not code the typology")
        notes.append("; ".join(n))
    end = end.where(~unknown_after, pd.Timestamp("2014-12-31"))
    end_prec = end_prec.where(~unknown_after, "day")
    org = t["organization_x"]
    return pd.DataFrame({
        "mission_id": t["mission_id_x"],
        "organization": org,
        "organization_type": t["organization_kind"],
        "mission_name": t["mission_name"],
        "lead_nation": t["lead_state"].replace({"Austraia": "Australia"}),
        "kind": "peacekeeping",
        "mission_type": pd.Series([pd.NA] * len(t), dtype=object),
        "host_gwcodes": t["host_gwcodes_x"],
        "start_date": t["start_date"],
        "start_precision": t["start_precision"],
        "end_date": end,
        "end_precision": end_prec,
        "ongoing": ongoing.astype(bool),
        "end_known": ~unknown_after.astype(bool),
        "resolution": t["un_resolution"],
        "strength": t["personnel1"].astype("Int64"),
        "strength_source": _label_where(t["personnel1"].notna(), "tppm_personnel1"),
        "kathman_mission": None,
        "in_dpo_list": False,
        "tppm_obsnums": t["obsnum"].astype(str),
        "origin": "tppm",
        "source": t["source_x"],
        "notes": notes,
    })


def create_missions(*, tppm: pd.DataFrame | None = None, kathman: pd.DataFrame | None = None,
                    xwalk: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every peace operation, UN and non-UN, in one table (see the module docstring).

    Parameters
    ----------
    tppm
        Mullenbach's TPPM (``load("mullenbach_tppm")``, corrected); loaded when omitted
        (:func:`peacestats.data.source`).
    kathman
        Kathman's personnel data (``load("kathman_pko")``); loaded when omitted (:func:`peacestats.data.source`).
    xwalk
        :func:`tppm_crosswalk`; read when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per operation, sorted by ``organization`` then ``mission_id``; columns
        :data:`MISSION_COLUMNS`.

    Raises
    ------
    MissionTableError
        A TPPM row missing from the crosswalk or listed with an unknown operation, or a
        ``mission_id`` that two sources use for different operations.
    """
    from ..data import source as data_source
    from .missions import kathman_unmatched, missions

    tppm = data_source("mullenbach_tppm") if tppm is None else tppm
    kathman = data_source("kathman_pko") if kathman is None else kathman
    xwalk = tppm_crosswalk() if xwalk is None else xwalk
    path = resource_path(TPPM_CROSSWALK_FILE)

    m = missions()
    missing = sorted(set(tppm["obsnum"]) - set(xwalk["obsnum"]))
    if missing:
        raise MissionTableError(f"{path.name}, column 'obsnum': TPPM rows {missing} are not in the crosswalk "
                                f"(every row must say which operation it is) [{path}]")
    extra = sorted(set(xwalk["obsnum"]) - set(tppm["obsnum"]))
    if extra:
        raise MissionTableError(f"{path.name}, column 'obsnum': {extra} are not TPPM rows [{path}]")

    span = _kathman_span(kathman)
    ku = kathman_unmatched()
    known = set(m["mission_acronym"]) | set(ku["kathman_mission"])
    same = xwalk[xwalk["relation"].eq("same_operation")]
    unknown = sorted(set(same["mission_id"]) - known)
    if unknown:
        i = int(np.flatnonzero(same["mission_id"].isin(unknown).to_numpy())[0])
        raise MissionTableError(f"{path.name}, column 'mission_id', TPPM row {same['obsnum'].iat[i]}: "
                                f"{unknown} are not operations of the mission tables [{path}]")
    obs = same.groupby("mission_id")["obsnum"].agg(lambda s: ";".join(str(v) for v in sorted(s)))

    # 1 and 3: the authored tables
    a = m.rename(columns={"mission_acronym": "mission_id"}).copy()
    is_un = a["organization"].eq("UN")
    a["organization_type"] = np.where(is_un, "UN", "regional")
    a.loc[a["organization"].str.contains("coalition|ad hoc", case=False, na=False), "organization_type"] = "ad hoc"
    a.loc[a["organization"].eq("MFO"), "organization_type"] = "other"
    a["end_known"] = a["end_date"].notna() | a["ongoing"]
    a["strength"] = a["peak_strength"].astype("Int64")
    a["strength_source"] = _label_where(a["strength"].notna(), "peak")
    a["in_dpo_list"] = is_un
    a["origin"] = np.where(is_un, "dpo_list", "non_un_table")
    a["tppm_obsnums"] = a["mission_id"].map(obs)

    # an authored row whose date is missing takes TPPM's, where TPPM lists the operation
    tp = tppm.merge(same[["obsnum", "mission_id"]], on="obsnum").groupby("mission_id").agg(
        t_start=("start_date", "min"), t_end=("end_date", "max"), t_ongoing=("ongoing", "any"))
    a = a.join(tp, on="mission_id")
    fill_start = a["start_date"].isna() & a["t_start"].notna()
    fill_end = (a["end_date"].isna() & ~a["ongoing"] & a["t_end"].notna()
                & ~a["t_ongoing"].astype("boolean").fillna(False).astype(bool))
    for mask, col, what in ((fill_start, "start", "start_date"), (fill_end, "end", "end_date")):
        a.loc[mask, what] = a.loc[mask, f"t_{col}"]
        a.loc[mask, f"{col}_precision"] = "day"
        a.loc[mask, "notes"] = (a.loc[mask, "notes"].fillna("") + f" {what} from Mullenbach TPPM 3.1 (rows "
                                + a.loc[mask, "tppm_obsnums"] + "), the table having none.").str.strip()
    filled = fill_start | fill_end
    a.loc[filled, "source"] = a.loc[filled, "source"] + "; Mullenbach TPPM 3.1, rows " + a.loc[filled, "tppm_obsnums"]
    a["end_known"] = a["end_date"].notna() | a["ongoing"]

    # 2: Kathman-only UN missions, dated by Kathman's months
    k = ku.rename(columns={"kathman_mission": "mission_id", "reason": "notes"}).copy()
    k = k.join(span, on="mission_id")
    open_end = k["last"].eq(KATHMAN_LAST)
    k = k.assign(
        organization="UN", organization_type="UN", mission_name=k["mission_id"], lead_nation=None,
        mission_type=None, start_date=k["first"],
        start_precision=_label_where(k["first"].notna(), "month"),
        end_date=k["last"] + pd.offsets.MonthEnd(0), end_precision=_label_where(k["last"].notna(), "month"),
        ongoing=False, end_known=~open_end, resolution=None, strength=pd.array([pd.NA] * len(k), dtype="Int64"),
        strength_source=None, kathman_mission=k["mission_id"], in_dpo_list=False,
        tppm_obsnums=k["mission_id"].map(obs), origin="kathman",
    )
    # where TPPM also lists the mission, its day-precise dates replace Kathman's months
    k = k.join(tp, on="mission_id")
    has_t = k["t_start"].notna()
    k.loc[has_t, "start_date"] = k.loc[has_t, "t_start"]
    k.loc[has_t, "start_precision"] = "day"
    t_end = has_t & ~k["t_ongoing"].astype("boolean").fillna(False).astype(bool) & k["t_end"].notna()
    k.loc[t_end, "end_date"] = k.loc[t_end, "t_end"]
    k.loc[t_end, "end_precision"] = "day"
    k.loc[t_end, "end_known"] = True
    k["notes"] = k["notes"] + np.where(
        has_t, " Start (and end where TPPM has it) from TPPM 3.1 (rows " + k["tppm_obsnums"].fillna("") + ").", "")
    # after Kathman's coverage: the authored course of the missions it still records in December 2019
    after = kathman_after_coverage().set_index("kathman_mission")
    at_edge = ~k["end_known"].astype(bool) & k["mission_id"].isin(after.index)
    for i in k.index[at_edge]:
        r = after.loc[k.at[i, "mission_id"]]
        k.at[i, "ongoing"] = bool(r["ongoing"])
        k.at[i, "end_date"] = r["end_date"]
        k.at[i, "end_precision"] = r["end_precision"]
        k.at[i, "end_known"] = True
        k.at[i, "source"] = f"{k.at[i, 'source']}; after 2019: {r['source']}"
        k.at[i, "notes"] = f"{k.at[i, 'notes']} After Kathman's coverage (December 2019): {r['note']}"
    open_end = ~k["end_known"].astype(bool)
    k["notes"] = k["notes"] + np.where(
        open_end, " Still recorded by Kathman in December 2019, the end of its coverage, so its later course "
        "is not coded here: end_date is Kathman's last month (end_known false).",
        np.where(has_t, "", " Dates are Kathman's first and last months (precision month)."))
    k["host_gwcodes"] = [h if isinstance(h, list) else [] for h in k["hosts"]]

    # 4: TPPM-only operations
    t = _tppm_ops(tppm, xwalk)
    clash = sorted(set(t["mission_id"]) & known)
    if clash:
        raise MissionTableError(
            f"{path.name}: ids {clash} are used by the mission tables and by TPPM-only rows [{path}]"
        )

    # stacked as objects, then typed column by column (no dtype guessing across the parts)
    out = pd.concat([part.reindex(columns=MISSION_COLUMNS).astype(object) for part in (a, k, t)], ignore_index=True)
    bad_kind = ~out["kind"].isin(MISSION_KINDS)
    if bad_kind.any():  # pragma: no cover - each table checks its kinds
        kinds = sorted(set(out.loc[bad_kind, "kind"]))
        raise MissionValueError(f"create_missions: kinds outside {MISSION_KINDS}: {kinds}")
    for c in ("ongoing", "end_known", "in_dpo_list"):
        out[c] = out[c].astype(bool)
    out["strength"] = out["strength"].astype("Int64")
    out["chapter_vii"] = out["chapter_vii"].astype("boolean")
    for c in ("start_date", "end_date"):
        out[c] = pd.to_datetime(out[c])
    obj = [c for c in MISSION_COLUMNS if out[c].dtype == object and c != "host_gwcodes"]
    for c in obj:
        out[c] = out[c].where(out[c].notna(), None)
    return out.sort_values(["organization", "mission_id"], kind="stable").reset_index(drop=True)[MISSION_COLUMNS]
