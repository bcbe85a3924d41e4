"""Which conflict a peace operation was sent for: the mission-conflict link table, and presence by link.

Dataset page
------------
``resources/missions/mission_conflicts.csv`` is **peacestats' own data**, authored by the
project: one row per (operation, UCDP conflict it was sent for), and one row with an empty
``conflict_id`` for an operation sent for no UCDP conflict, so every operation is listed.

- ``mission_id`` (str): the operation's id in the mission tables: a DPO acronym (``UNTAC``),
  a Kathman mission name for UN political missions and offices (``UNAMA``), a non-UN acronym
  (``AMISOM``), or ``TPPM-<obsnum>`` for a row of Mullenbach's Third-Party Peacekeeping
  Missions 3.1 that no other table holds
- ``conflict_id`` (int or empty): UCDP/PRIO ACD 25.1 conflict id
- ``link``: ``sent_for`` (the operation's mandate, the agreement it monitored or its area of
  operations addresses this conflict's parties or territory), ``uncertain`` (a plausible link
  the sources named do not settle; kept but not counted as presence by default), ``none``
  (sent for no UCDP conflict; ``conflict_id`` empty)
- ``basis``: ``mandate`` (the establishing or mandating resolution or agreement),
  ``tppm_dispute`` (Mullenbach's dispute coding matches the UCDP conflict),
  ``secondary_source`` (another published coding: Fortna 2008, Doyle & Sambanis 2000), ``none``
- ``source`` (never empty): what a reader can check (resolution, TPPM row, UCDP conflict)
- ``note`` (never empty): why this conflict, and for a host with several conflicts why the
  others are not linked

Presence
--------
:func:`presence_changes` turns the mission-host-month table
(:func:`peacestats.harmonize.deployment.create_mission_months`) into time-varying covariates
of peace spells, keyed by ``spell_id``, for :func:`peacestats.harmonize.spells.split_spells`:

``un_present``, ``non_un_present`` (0/1)
    A UN (non-UN) *peacekeeping* operation linked (``sent_for``) to the spell's conflict is
    deployed that month. Political missions and support offices never count here.
``un_troops``, ``un_police``, ``un_observers``, ``un_total``
    Personnel of the linked UN operations (Kathman, 1990-2019; NA where a linked operation is
    present but its personnel are not reported), counted in the hosts that belong to the
    spell's location (UCDP ``gwno_loc``, the full set); an operation with no host in the
    location that month counts with all its hosts.
``mission_type``, ``un_missions``, ``non_un_missions``
    Type of the largest linked UN operation (``"none"`` when none is present); the linked
    operations present (``"; "``-separated ids).
``un_present_incl_uncertain``
    As ``un_present``, also counting ``uncertain`` links (a robustness check).
``un_political_present``
    A UN political mission or office linked to the conflict is deployed.
``un_present_country``, ``un_total_country``, ``non_un_present_country``
    The old, country-level measure, kept for comparison: any peacekeeping operation in any
    country of the spell's location, whatever conflict it was sent for.

Citation
--------
peacestats developers, *peacestats mission-conflict links*
(``peacestats/resources/missions/mission_conflicts.csv``), built from the Security Council
resolutions named per row, Mullenbach (2013) TPPM 3.1, and UCDP/PRIO ACD 25.1.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import HarmonizeError, LinkTableError
from ._tables import table_error
from ._grouped import join_sorted
from .missions import resource_path

_fail = functools.partial(table_error, LinkTableError)  # file, column, row and what, as a LinkTableError

__all__ = [
    "LINKS_FILE",
    "LINK_VALUES",
    "LINK_BASES",
    "LINK_COLUMNS",
    "PRESENCE_COVARIATES",
    "mission_conflicts",
    "check_links",
    "presence_changes",
    "linked_missions_table",
]

LINKS_FILE = "mission_conflicts.csv"
LINK_VALUES = ("sent_for", "uncertain", "none")
LINK_BASES = ("mandate", "tppm_dispute", "secondary_source", "none")
LINK_COLUMNS = ["mission_id", "conflict_id", "link", "basis", "source", "note"]

#: Time-varying presence covariates of spell rows, with their values when nothing is present.
PRESENCE_COVARIATES: dict[str, object] = {
    "un_present": 0,
    "un_troops": 0.0,
    "un_police": 0.0,
    "un_observers": 0.0,
    "un_total": 0.0,
    "mission_type": "none",
    "un_missions": "",
    "non_un_present": 0,
    "non_un_missions": "",
    "un_present_incl_uncertain": 0,
    "un_political_present": 0,
    "un_present_country": 0,
    "un_total_country": 0.0,
    "non_un_present_country": 0,
}
_PERSONNEL = ("troops", "police", "observers", "total")


def mission_conflicts(path: str | Path | None = None) -> pd.DataFrame:
    """The authored mission-conflict link table, read and checked row by row.

    Parameters
    ----------
    path
        Read this copy instead of the one shipped in ``peacestats/resources/missions``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINK_COLUMNS`; ``conflict_id`` Int64 (NA exactly where ``link`` is
        ``none``). Sorted by ``mission_id`` and ``conflict_id``.

    Raises
    ------
    LinkTableError
        Naming file, column and row: a missing column, a value outside :data:`LINK_VALUES` or
        :data:`LINK_BASES`, a conflict id that is not a whole number, a ``none`` link with a
        conflict (or a link without one), an empty source or note, a repeated
        (mission, conflict) pair, or an operation listed both as linked and as ``none``.
    """
    path = resource_path(LINKS_FILE) if path is None else Path(path)
    if not path.is_file():
        raise LinkTableError(f"{path.name}: no such file [{path}]")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LinkTableError(f"{path.name}: cannot read as a UTF-8 CSV table ({exc}) [{path}]") from exc
    missing = [c for c in LINK_COLUMNS if c not in df.columns]
    if missing:
        raise LinkTableError(f"{path.name}: lacks column(s) {missing}; columns present: {list(df.columns)} [{path}]")
    df = df[LINK_COLUMNS].reset_index(drop=True)
    if not len(df):
        raise LinkTableError(f"{path.name}: has a header but no rows [{path}]")
    for c in ("mission_id", "link", "basis", "source", "note"):
        blank = df[c].isna() | df[c].str.strip().eq("")
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise _fail(path, c, i, df, "is empty")
    for c, allowed in (("link", LINK_VALUES), ("basis", LINK_BASES)):
        bad = ~df[c].isin(allowed)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise _fail(path, c, i, df, f"{df.at[i, c]!r} is not one of {list(allowed)}")
    ok = df["conflict_id"].isna() | df["conflict_id"].str.fullmatch(r"\d+")
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise _fail(path, "conflict_id", i, df,
                    f"{df.at[i, 'conflict_id']!r} is not a UCDP conflict id (a whole number)")
    none = df["link"].eq("none")
    wrong = none != df["conflict_id"].isna()
    if wrong.any():
        i = int(np.flatnonzero(wrong.to_numpy())[0])
        what = ("a link of 'none' has no conflict_id" if none.iat[i]
                else f"link {df.at[i, 'link']!r} needs a conflict_id "
                "(use link 'none' for an operation sent for no UCDP conflict)")
        raise _fail(path, "conflict_id", i, df, what)
    wrong = none != df["basis"].eq("none")
    if wrong.any():
        i = int(np.flatnonzero(wrong.to_numpy())[0])
        raise _fail(path, "basis", i, df, "basis 'none' goes with link 'none' and only with it")
    dup = df.duplicated(["mission_id", "conflict_id"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise _fail(path, "conflict_id", i, df, "this (mission_id, conflict_id) pair appears in more than one row")
    by_op = df["link"].eq("none").groupby(df["mission_id"])
    mixed = by_op.transform("any") & by_op.transform("size").gt(1)  # 'none' beside another row
    if mixed.any():
        i = int(np.flatnonzero(mixed.to_numpy())[0])
        raise _fail(path, "link", i, df, "an operation with link 'none' cannot also be linked to a conflict")
    df["conflict_id"] = pd.array([int(v) if isinstance(v, str) else pd.NA for v in df["conflict_id"]], dtype="Int64")
    return df.sort_values(["mission_id", "conflict_id"], kind="stable").reset_index(drop=True)


def check_links(links: pd.DataFrame, mission_ids, conflict_ids) -> None:
    """Check the link table against the mission universe and the UCDP conflicts.

    Every operation of ``mission_ids`` (:func:`peacestats.harmonize.mission_universe.create_missions`)
    has at least one row; every ``mission_id`` of the table is an operation of ``mission_ids``;
    every conflict id is a UCDP conflict of ``conflict_ids``.

    Raises
    ------
    LinkTableError
        Listing every problem found (up to 20 of each kind).
    """
    known = set(mission_ids)
    ids = set(links["mission_id"])
    problems = []
    unlisted = sorted(known - ids)
    if unlisted:
        problems.append(f"{len(unlisted)} operation(s) have no row (add a link, or a row with link 'none'): "
                        f"{unlisted[:20]}")
    strangers = sorted(ids - known)
    if strangers:
        problems.append(f"{len(strangers)} mission_id(s) are not operations of the mission universe "
                        f"(a TPPM row another table holds takes that table's id, see tppm_crosswalk.csv): "
                        f"{strangers[:20]}")
    cids = set(int(c) for c in conflict_ids)
    bad = sorted(int(c) for c in links["conflict_id"].dropna().unique() if int(c) not in cids)
    if bad:
        problems.append(f"conflict id(s) not in UCDP/PRIO ACD: {bad[:20]}")
    if problems:
        raise LinkTableError(f"{LINKS_FILE} does not match the mission tables or the ACD:\n  " + "\n  ".join(problems))


def _spell_months(spells: pd.DataFrame) -> pd.DataFrame:
    """(spell_id, month) for every month a spell touches."""
    m0 = spells["start_date"].to_numpy().astype("datetime64[M]")
    m1 = spells["stop_date"].to_numpy().astype("datetime64[M]")
    if np.isnat(m0).any() or np.isnat(m1).any():
        raise HarmonizeError("spells need start_date and stop_date on every row")
    n = (m1 - m0).astype(np.int64) + 1
    sid = np.repeat(spells["spell_id"].to_numpy(), n)
    step = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)  # 0, 1, ... within each spell
    months = np.repeat(m0, n) + step
    return pd.DataFrame({"spell_id": sid, "date": months.astype("datetime64[ns]")})


def _location_codes(spells: pd.DataFrame) -> pd.DataFrame:
    """(spell_id, gwcode) for every code of the spell's location (``ep_gwno_loc``, full set)."""
    col = "ep_gwno_loc" if "ep_gwno_loc" in spells.columns else "gwno_loc"
    if col not in spells.columns:
        raise LinkTableError("presence_changes: spells need the location's codes (ep_gwno_loc from create_spells)")
    loc = spells[["spell_id", col]].rename(columns={col: "gwcode"}).copy()
    loc["gwcode"] = loc["gwcode"].map(lambda v: list(v) if isinstance(v, (list, tuple, np.ndarray)) else [v])
    loc = loc.explode("gwcode").dropna(subset=["gwcode"])
    loc["gwcode"] = loc["gwcode"].astype("int64")
    return loc.drop_duplicates().reset_index(drop=True)


def _linked_rows(spell_months: pd.DataFrame, spells: pd.DataFrame, mm: pd.DataFrame, links: pd.DataFrame,
                 loc: pd.DataFrame, values: tuple[str, ...]) -> pd.DataFrame:
    """Mission-host-month rows of operations linked to each spell's conflict, in the spell's months.

    Personnel count in the location's hosts; an operation with no host in the location that
    month keeps all its hosts.
    """
    lk = links.loc[links["link"].isin(values), ["mission_id", "conflict_id"]].dropna()
    lk = lk.assign(conflict_id=lk["conflict_id"].astype("int64")).rename(columns={"mission_id": "mission"})
    sc = spells[["spell_id", "conflict_id"]].assign(conflict_id=lambda d: d["conflict_id"].astype("int64"))
    pairs = sc.merge(lk, on="conflict_id")[["spell_id", "mission"]].drop_duplicates()
    rows = pairs.merge(spell_months, on="spell_id").merge(mm, on=["mission", "date"])
    in_loc = rows.merge(loc.assign(_in=True), on=["spell_id", "gwcode"], how="left")["_in"].notna().to_numpy()
    by_key = [rows["spell_id"], rows["mission"], rows["date"]]
    any_in = pd.Series(in_loc, index=rows.index).groupby(by_key).transform("any")
    return rows[in_loc | ~any_in.to_numpy()]


def _summaries(rows: pd.DataFrame, present: str, names: str | None = None) -> pd.DataFrame:
    """(spell_id, date) with ``present`` = 1 where ``rows`` has an operation, and their ids in ``names``."""
    keys = ["spell_id", "date"]
    if not len(rows):
        return pd.DataFrame(columns=keys)
    g = rows.groupby(keys)["mission"]
    out = g.size().rename(present).to_frame().assign(**{present: 1})
    if names:
        out[names] = join_sorted(rows, keys, "mission", unique=True)
    return out.reset_index()


def presence_changes(spells: pd.DataFrame, mission_months: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Presence of linked (and, for comparison, country-level) operations as a step function per spell.

    Parameters
    ----------
    spells
        Peace spells (:func:`peacestats.harmonize.spells.create_spells`): ``spell_id``,
        ``conflict_id``, ``start_date``, ``stop_date`` and the location's codes ``ep_gwno_loc``.
    mission_months
        :func:`peacestats.harmonize.deployment.create_mission_months`: one row per operation,
        host and month, with ``organization``, ``kind``, ``mission_type`` and personnel.
    links
        :func:`mission_conflicts`.

    Returns
    -------
    pandas.DataFrame
        ``spell_id``, ``date`` and the columns of :data:`PRESENCE_COVARIATES` (see the module
        docstring), one row per change, for :func:`~peacestats.harmonize.spells.split_spells`
        with ``key="spell_id"``.
    """
    from .spells import step_function

    sm = _spell_months(spells)
    loc = _location_codes(spells)
    mm = mission_months
    pk = mm[mm["kind"].eq("peacekeeping")]
    un_pk, non_un_pk = pk[pk["organization"].eq("UN")], pk[~pk["organization"].eq("UN")]
    un_pol = mm[mm["organization"].eq("UN") & mm["kind"].eq("political")]
    keys = ["spell_id", "date"]

    # linked UN peacekeeping: presence, personnel, the largest operation's type, the names
    un = _linked_rows(sm, spells, un_pk, links, loc, ("sent_for",))
    g = un.groupby(["spell_id", "date", "mission"])
    per_mission = pd.concat([g[list(_PERSONNEL)].sum(min_count=1), g["mission_type"].first()], axis=1).reset_index()
    per_mission["_size"] = per_mission["total"].astype("Float64").fillna(-1.0)
    largest = (per_mission.sort_values(keys + ["_size", "mission"], ascending=[True, True, False, True])
               .drop_duplicates(keys)[keys + ["mission_type"]])
    pers = per_mission.groupby(keys)[list(_PERSONNEL)].sum(min_count=1)
    pers.columns = [f"un_{c}" for c in _PERSONNEL]
    linked = (_summaries(un, "un_present", "un_missions")
              .merge(pers.reset_index(), on=keys, how="left").merge(largest, on=keys, how="left"))
    linked["mission_type"] = linked["mission_type"].astype(object).where(linked["mission_type"].notna(), "unknown")

    parts = [linked]
    nu = _linked_rows(sm, spells, non_un_pk, links, loc, ("sent_for",))
    parts.append(_summaries(nu, "non_un_present", "non_un_missions"))
    unc = _linked_rows(sm, spells, un_pk, links, loc, ("sent_for", "uncertain"))
    parts.append(_summaries(unc, "un_present_incl_uncertain"))
    pol = _linked_rows(sm, spells, un_pol, links, loc, ("sent_for",))
    parts.append(_summaries(pol, "un_political_present"))

    # country level: any peacekeeping operation in any country of the location
    cty = sm.merge(loc, on="spell_id").merge(pk, on=["gwcode", "date"])
    cu = cty[cty["organization"].eq("UN")]
    c_un = _summaries(cu, "un_present_country")
    if len(cu):
        c_un = c_un.merge(cu.groupby(keys)["total"].sum(min_count=1).rename("un_total_country").reset_index(),
                          on=keys, how="left")
    parts.append(c_un)
    parts.append(_summaries(cty[~cty["organization"].eq("UN")], "non_un_present_country"))

    panel = sm[keys].iloc[:0]
    for p in parts:
        if len(p):
            panel = panel.merge(p, on=keys, how="outer")
    for c, v in PRESENCE_COVARIATES.items():
        if c not in panel.columns:
            panel[c] = pd.Series([pd.NA] * len(panel), index=panel.index, dtype=object)
        if "present" in c:
            panel[c] = panel[c].astype("Float64").fillna(0).astype("int64")
        elif isinstance(v, str):
            panel[c] = panel[c].astype(object).where(panel[c].notna(), v)
    for c in ("un_troops", "un_police", "un_observers", "un_total", "un_total_country"):
        present = "un_present_country" if c.endswith("_country") else "un_present"
        v = panel[c].astype("Float64")
        panel[c] = v.where(panel[present].eq(1), 0.0)
    panel = panel[keys + list(PRESENCE_COVARIATES)].sort_values(keys).reset_index(drop=True)
    return step_function(panel, key="spell_id", date="date", covariates=list(PRESENCE_COVARIATES),
                         fill=PRESENCE_COVARIATES)


def linked_missions_table(missions: pd.DataFrame, acd: pd.DataFrame,
                          links: pd.DataFrame | None = None) -> pd.DataFrame:
    """The link table checked against the mission universe and the ACD, with names attached.

    Parameters
    ----------
    missions
        The mission universe, :func:`peacestats.harmonize.mission_universe.create_missions`
        (``mission_id``, ``organization``, ``kind``, ``mission_name``).
    acd
        UCDP/PRIO ACD (``load("ucdp_acd")``), for the conflicts' ids, locations and sides.
    links
        :func:`mission_conflicts` (read when omitted).

    Returns
    -------
    pandas.DataFrame
        One row per link: ``mission_id``, ``link_id`` (1, 2, ... within the operation),
        ``organization``, ``kind``, ``mission_name``, ``conflict_id``, ``location``,
        ``side_a``, ``side_b`` (the conflict's, first ACD year), ``type_of_conflict``,
        ``link``, ``basis``, ``source``, ``note``.

    Raises
    ------
    LinkTableError
        From :func:`check_links`: an operation without a row, an unknown operation or conflict.
    """
    links = mission_conflicts() if links is None else links
    ops = missions[["mission_id", "organization", "kind", "mission_name"]]
    check_links(links, ops["mission_id"], acd["conflict_id"].unique())
    first = acd.sort_values(["conflict_id", "year"]).drop_duplicates("conflict_id")
    conf = first[["conflict_id", "location", "side_a", "side_b", "type_of_conflict"]].copy()
    conf["conflict_id"] = conf["conflict_id"].astype("Int64")
    out = (links.merge(ops.drop_duplicates("mission_id"), on="mission_id", how="left")
           .merge(conf, on="conflict_id", how="left"))
    out["link_id"] = out.groupby("mission_id").cumcount().astype("int64") + 1
    cols = ["mission_id", "link_id", "organization", "kind", "mission_name", "conflict_id", "location", "side_a",
            "side_b", "type_of_conflict", "link", "basis", "source", "note"]
    out["type_of_conflict"] = out["type_of_conflict"].astype("Int64")
    return out[cols]
