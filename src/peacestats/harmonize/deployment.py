"""Where peace operations were: a host-country-month panel of UN and non-UN deployments.

Inputs
------
- Kathman's UN personnel by mission and month (:mod:`peacestats.sources.kathman_pko`,
  version 12-2019: January 1990 - December 2019), COW host codes converted to GW codes **by
  date** (:func:`peacestats.harmonize.codes.cow_to_gw`: UNMIK's "Kosovo/Yugoslavia" is GW
  345 to May 2006 and Serbia 340 from June 2006; Kathman switches to Kosovo 347 itself).
- The project's UN and non-UN mission tables (:mod:`peacestats.harmonize.missions`): host
  GW codes, dates, mission type, Chapter VII.

Rules
-----
**Hosts of a Kathman mission-month.** Kathman's own code(s): ``ccode`` and, for two-country
missions, ``ccode2`` (UNMOGIP India-Pakistan, UNIKOM Iraq-Kuwait, UNMEE Ethiopia-Eritrea,
MINURCAT, UNIIMOG, UNPROFOR 1992-1995). Where Kathman gives no code (``-999``: UNTSO,
ONUCA, UNPF, UNOWAS, UNMHA, LBB), the hosts listed in the UN mission table for that
mission, or, for UNMHA (not in the table; Kathman's country "Ethiopia-Eritrea" is an
error), Yemen 678 from ``resources/codes/kathman_hosts.csv``. Hosts are kept only in months
when they are GW states. Personnel that no host can take (UNOWAS, a regional political
office; LBB, the logistics base at Brindisi) stay in the panel with ``gwcode`` NA and
``host_rule = "unallocated"``, so totals still add up to Kathman's.

**Allocation** (``allocation=``) of a multi-host mission's personnel:

- ``"equal"`` (default): split equally among the hosts of that month (UNTSO's observers
  1/5 to each of Egypt, Syria, Lebanon, Jordan and Israel). Shares are fractions of persons.
- ``"primary"``: all to the first host (Kathman's ``ccode``; else the first host in the
  table); the other hosts get rows with presence 1 and zero personnel.

Either way the personnel summed over hosts equal Kathman's figure for the mission-month
(tested); a figure Kathman does not report (``-999``) stays NA on every host.

**Mission labels and attributes.** A Kathman mission is matched to the UN mission table by
``kathman_mission``; where the table splits it into phases (UNAVEM I/II/III, UNOSOM I/II,
UNEF I/II are rows whose acronym extends an umbrella row's), the phase in force for most of
the month labels the row and gives ``mission_type`` and ``chapter_vii`` (UNAVEM II in 1992,
UNAVEM III from February 1995). Kathman missions that the table does not list (political
missions such as UNAMA; see ``kathman_unmatched.csv``) keep Kathman's name, with mission
type and Chapter VII NA.

**Months Kathman does not cover.** Before January 1990 and after December 2019 (and, inside
those years, for table missions that Kathman does not record at all: UNGOMAP, UNASOG,
UNSMA, UNGCI, and UNCPSG, which the DPO list carries beside UNPSG, so Croatia has both in
1998), a UN mission is present in every month its table dates touch, with
``un_present = 1`` and **personnel NA** (``personnel_source = "mission_table"``). Umbrella rows
are skipped there in favour of their phases. Table missions without a start date or without
hosts cannot be placed in time or space and are listed in ``attrs["undated_missions"]``.

**When a mission ends.** The tables' ``ongoing`` flag, not a missing date, says whether a
mission is still running. A mission is present from the month of its ``start_date`` to the
month of its ``end_date``; with no ``end_date``, to the end of the panel **only if**
``ongoing`` is true (11 UN missions: those the DPO list flags active but MINUSMA, which
closed in 2023; KFOR and the MFO). A mission with no ``end_date`` that is not ongoing has an
*unknown end*: a UN mission of that kind is present only in the months Kathman records it
(none at present: the two such UN rows, UNFOR and UNOHCI, also lack a start date), and a
non-UN one is left out altogether (ECOMOG in Liberia: it arrived in August 1990, but ECOWAS
ended the mission in January 1998 while Fortna codes it to May 1999, so no single end date
was established). Such missions are listed in ``attrs["end_unknown_missions"]`` with the
reason; a mission without a start date goes to ``attrs["undated_missions"]`` instead.

**Non-UN operations** come from the non-UN mission table: ``non_un_present`` (0/1) and
``non_un_missions`` (acronyms, ``"; "``-separated) for each host-month its dates touch, under
the rule above. A missing start date (AMIS, ECOMOG in Sierra Leone) leaves the operation out,
listed in ``attrs["undated_missions"]``. The table lists major operations only: a 0 means none
of those.

Sort order: ``gwcode`` (NA last), ``date``, ``mission``.

References
----------
Kathman, J.D. (2013). United Nations Peacekeeping Personnel Commitments, 1990-2011.
Conflict Management and Peace Science 30(5): 532-549.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..errors import HarmonizeError
from ._grouped import join_sorted

__all__ = [
    "create_deployment_panel",
    "aggregate_deployment_panel",
    "allocate",
    "host_years",
    "create_mission_months",
    "non_un_mission_months",
    "ALLOCATIONS",
    "MISSION_MONTH_COLUMNS",
]

#: Allocation rules for multi-host missions.
ALLOCATIONS = ("equal", "primary")
_PERSONNEL = ("troops", "police", "observers", "total")
_DEFAULT_START = "1948-01"  # the first UN operation in the tables (UNSCOB) began in October 1947
_DEFAULT_END = "2024-12"  # the UN DPO list was last updated in February 2024


# --------------------------------------------------------------------------------------
# allocation (a pure function, tested with hypothesis)
# --------------------------------------------------------------------------------------
def allocate(rows: pd.DataFrame, rule: str = "equal", hosts: str = "hosts",
             columns=("troops", "police", "observers", "total")) -> pd.DataFrame:
    """Spread each row's personnel over its hosts.

    Parameters
    ----------
    rows
        One row per mission-month with a list-valued ``hosts`` column (GW codes, first =
        primary host; an empty list means no host is known) and personnel ``columns``.
    rule
        ``"equal"``: each of the n hosts gets 1/n of every column. ``"primary"``: the first
        host gets everything, the others 0.

    Returns
    -------
    pandas.DataFrame
        One row per (input row, host) with ``gwcode`` (NA for rows without hosts),
        ``n_hosts``, ``share`` and the allocated columns (float; NA stays NA). For every
        input row and column, the allocated values sum to the input value.
    """
    if rule not in ALLOCATIONS:
        raise HarmonizeError(f"allocation={rule!r}: use one of {ALLOCATIONS}")
    r = rows.copy()
    r["_hosts"] = [list(h) if len(h) else [None] for h in r[hosts]]
    r["n_hosts"] = [len(h) if h != [None] else 0 for h in r["_hosts"]]
    r["_rank"] = [list(range(len(h))) for h in r["_hosts"]]
    out = r.explode(["_hosts", "_rank"], ignore_index=True)
    out["gwcode"] = pd.array(out["_hosts"].tolist(), dtype="Int64")
    n = out["n_hosts"].clip(lower=1).astype(float)
    if rule == "equal":
        share = 1.0 / n
    else:
        share = (out["_rank"].astype(int) == 0).astype(float)
    out["share"] = share.to_numpy()
    for c in columns:
        out[c] = pd.array(out[c], dtype="Float64") * out["share"].to_numpy()
    return out.drop(columns=["_hosts", "_rank", hosts])


# --------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------
def _month_start(value) -> pd.Timestamp:
    ts = pd.Timestamp(str(value))
    return pd.Timestamp(ts.year, ts.month, 1)


def _gw_spells() -> pd.DataFrame:
    """(gwcode, start_date, end_date) of every GW state (the current crosswalk), for "is a GW state this month"."""
    from .codes import current

    t = current().table[["gwcode", "start_date", "end_date"]]
    return t.assign(gwcode=t["gwcode"].astype("int64"))


def _alive(gwcodes: pd.Series, months: pd.Series) -> np.ndarray:
    """True where the GW state exists on at least one day of the month."""
    q = pd.DataFrame({"gwcode": gwcodes.astype("int64").to_numpy(), "m0": months.to_numpy()})
    q["m1"] = q["m0"] + pd.offsets.MonthEnd(0)
    q["_i"] = np.arange(len(q))
    m = q.merge(_gw_spells(), on="gwcode", how="inner")
    ok = m[(m["start_date"] <= m["m1"]) & (m["end_date"] >= m["m0"])]["_i"].unique()
    out = np.zeros(len(q), dtype=bool)
    out[ok] = True
    return out


def _months(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """The first days of the months from ``start``'s to ``end``'s: ``date_range(freq="MS")`` by month arithmetic."""
    a, b = _month_start(start), _month_start(end)
    first = (a.year - 1970) * 12 + a.month - 1
    last = (b.year - 1970) * 12 + b.month - 1
    return pd.DatetimeIndex(np.arange(first, last + 1).astype("datetime64[M]").astype("datetime64[ns]"))


@functools.cache
def _kathman_hosts_override() -> dict[str, list[int]]:
    from importlib import resources

    ref = resources.files("peacestats").joinpath("resources", "codes", "kathman_hosts.csv")
    with ref.open("rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return {r.kathman_mission: [int(x) for x in r.host_gwcodes.split(";")] for r in df.itertuples()}


def _table() -> pd.DataFrame:
    """The UN mission table with its umbrella/phase structure (UNAVEM and UNAVEM I/II/III)."""
    from . import missions

    u = missions.un_missions().copy()
    acr = u["mission_acronym"].tolist()
    u["umbrella"] = [any(o.startswith(a + " ") for o in acr) for a in acr]
    parent = {a: b for a in acr for b in acr if a != b and a.startswith(b + " ")}
    u["parent"] = u["mission_acronym"].map(parent)
    return u


def _candidates(table: pd.DataFrame) -> pd.DataFrame:
    """(kathman name, table row) pairs: the row mapped to the name, and the phases of that row."""
    rows = []
    for r in table.itertuples(index=False):
        if isinstance(r.kathman_mission, str):
            rows.append((r.kathman_mission, r.mission_acronym))
            if r.umbrella:
                rows += [(r.kathman_mission, c) for c in table.loc[table["parent"] == r.mission_acronym,
                                                                     "mission_acronym"]]
    pairs = pd.DataFrame(rows, columns=["kathman_cover", "mission_acronym"]).drop_duplicates()
    return pairs.merge(table, on="mission_acronym", how="left")


@functools.cache
def _successions() -> tuple[tuple[int, int, pd.Timestamp], ...]:
    from importlib import resources

    ref = resources.files("peacestats").joinpath("resources", "codes", "territory_successions.csv")
    with ref.open("rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return tuple((int(r.old_gwcode), int(r.new_gwcode), pd.Timestamp(r.date)) for r in df.itertuples())


def _hosts_in_month(hosts: pd.Series, months: pd.Series) -> list[list[int]]:
    """Each row's hosts that are GW states in its month, after the territory successions.

    A mission listing a territory's successive codes (Kosovo: 345, 340, 347) is hosted from the
    month the new state appears by the new code only (``resources/codes/territory_successions.csv``).
    """
    frame = pd.DataFrame({"hosts": list(hosts), "date": months.to_numpy()})
    ex = frame.explode("hosts").dropna(subset=["hosts"])
    if not len(ex):
        return [[] for _ in range(len(frame))]
    ex["hosts"] = ex["hosts"].astype("int64")
    ex = ex[_alive(ex["hosts"], ex["date"])]
    listed = [set(int(x) for x in h) for h in frame["hosts"]]
    row = ex.index.to_numpy()  # the frame's row of each (row, host) pair
    month_end = (ex["date"] + pd.offsets.MonthEnd(0)).to_numpy()
    hosts = ex["hosts"].to_numpy()
    drop = np.zeros(len(ex), dtype=bool)
    for old, new, when in _successions():
        has_new = np.fromiter((new in h for h in listed), dtype=bool, count=len(listed))[row]
        drop |= (hosts == old) & has_new & (month_end >= np.datetime64(when))
    kept: list[list[int]] = [[] for _ in range(len(frame))]
    for i, h in zip(row[~drop].tolist(), hosts[~drop].tolist()):  # in the frame's order of hosts
        kept[i].append(h)
    return kept


# --------------------------------------------------------------------------------------
# the panel
# --------------------------------------------------------------------------------------
def _label_kathman(k: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """For each Kathman mission-month, the table row (phase) that labels it, or none."""
    cand = _candidates(table)[
        ["mission_acronym", "kathman_cover", "umbrella", "start_date", "end_date", "mission_type", "chapter_vii",
         "host_gwcodes"]
    ]
    q = k[["mission", "date"]].drop_duplicates().reset_index(drop=True)
    q["_q"] = np.arange(len(q))
    m = q.merge(cand, left_on="mission", right_on="kathman_cover", how="inner")
    m0 = m["date"]
    m1 = m0 + pd.offsets.MonthEnd(0)
    end = m["end_date"].fillna(pd.Timestamp("2262-01-01"))
    lo = np.maximum(m["start_date"].to_numpy(), m0.to_numpy())
    hi = np.minimum(end.to_numpy(), m1.to_numpy())
    m["days"] = np.maximum((hi - lo) / np.timedelta64(1, "D") + 1, 0)
    # distance in days when the month lies outside the row's dates (Kathman a month early/late)
    m["dist"] = np.where(m["days"] > 0, 0,
                         np.minimum(np.abs((m["start_date"] - m1).dt.days), np.abs((end - m0).dt.days)))
    m = m.sort_values(["_q", "dist", "umbrella", "days", "start_date"],
                      ascending=[True, True, True, False, False])
    best = m.drop_duplicates("_q")
    lab = q.merge(best[["_q", "mission_acronym", "mission_type", "chapter_vii", "host_gwcodes"]], on="_q", how="left")
    return lab.drop(columns="_q")


def _kathman_rows(table: pd.DataFrame, k: pd.DataFrame) -> pd.DataFrame:
    """Kathman's mission-months ``k`` labelled by the UN mission ``table``, with their GW hosts."""
    from .codes import cow_to_gw

    lab = _label_kathman(k, table)
    k = k.merge(lab, on=["mission", "date"], how="left", validate="many_to_one")
    g1 = pd.Series(pd.NA, index=k.index, dtype="Int64")
    has1 = k["ccode"].notna()
    g1[has1] = cow_to_gw(k.loc[has1, "ccode"], dates=k.loc[has1, "date"]).to_numpy()
    g2 = pd.Series(pd.NA, index=k.index, dtype="Int64")
    has2 = k["ccode2"].notna()
    g2[has2] = cow_to_gw(k.loc[has2, "ccode2"], dates=k.loc[has2, "date"]).to_numpy()
    override = _kathman_hosts_override()

    hosts, rule = [], []
    has_g1, has_g2 = g1.notna().to_numpy(), g2.notna().to_numpy()
    v1, v2 = g1.to_numpy(dtype="int64", na_value=0).tolist(), g2.to_numpy(dtype="int64", na_value=0).tolist()
    for i, (name, tab) in enumerate(zip(k["mission"].tolist(), k["host_gwcodes"].tolist())):
        if has_g1[i]:
            h = [v1[i]] + ([v2[i]] if has_g2[i] else [])
            rule.append("kathman_pair" if len(h) > 1 else "kathman")
        else:
            if name in override:
                h, how = list(override[name]), "override"
            elif isinstance(tab, list) and len(tab):
                h, how = list(tab), "mission_table"
            else:
                h, how = [], "unallocated"
            rule.append(how)
        hosts.append(h)
    k["hosts"] = hosts
    k["host_rule"] = rule
    # keep table/override hosts only in months when they are GW states
    from_table = k["host_rule"].isin(["mission_table", "override"]).to_numpy()
    if from_table.any():
        kept = _hosts_in_month(k.loc[from_table, "hosts"], k.loc[from_table, "date"])
        it = iter(kept)
        k["hosts"] = [next(it) if ft else h for ft, h in zip(from_table, k["hosts"])]
        gone = from_table & (k["hosts"].map(len) == 0).to_numpy()
        k.loc[gone, "host_rule"] = "unallocated"
    k["mission_label"] = k["mission_acronym"].where(k["mission_acronym"].notna(), k["mission"])
    return k


def _table_rows(table: pd.DataFrame, k_first: pd.Timestamp, k_last: pd.Timestamp,
                start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Presence rows from the table's dates where Kathman has no personnel figures.

    Returns the rows, the missions that cannot be placed (no start date or no hosts) and the
    missions with an unknown end (no end date, not ongoing), which get no table rows at all.
    """
    undated, end_unknown = [], []
    rows = []
    covered = set(_candidates(table)["mission_acronym"])
    for r in table.itertuples(index=False):
        if r.umbrella:
            continue
        hosts = r.host_gwcodes if isinstance(r.host_gwcodes, list) else []
        if pd.isna(r.start_date) or not hosts:
            undated.append(f"UN {r.mission_acronym} ({'no start date' if pd.isna(r.start_date) else 'no hosts'})")
            continue
        if pd.isna(r.end_date) and not r.ongoing:
            end_unknown.append(f"UN {r.mission_acronym} (end date unknown, not ongoing: present only in "
                               "months Kathman records it)")
            continue
        m0 = max(_month_start(r.start_date), start)
        m1 = min(_month_start(r.end_date) if pd.notna(r.end_date) else end, end)
        if m1 < m0:
            continue
        months = _months(m0, m1)
        if r.mission_acronym in covered:  # Kathman is authoritative inside its coverage
            months = months[(months < k_first) | (months > k_last)]
        for m in months:
            rows.append((r.mission_acronym, m, hosts, r.mission_type, r.chapter_vii))
    df = pd.DataFrame(rows, columns=["mission_label", "date", "hosts", "mission_type", "chapter_vii"])
    if len(df):
        df["hosts"] = _hosts_in_month(df["hosts"], df["date"])
        df = df[df["hosts"].map(len) > 0].reset_index(drop=True)
    return df, undated, end_unknown


def _non_un_mission_months_of(u: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
                              ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """:func:`_non_un_mission_months` of the missions table ``u`` (:func:`create_missions`, any row order)."""
    from .mission_universe import KATHMAN_LAST

    u = u.sort_values(["organization", "mission_id"], kind="stable")  # create_missions' order
    n = u[u["origin"].isin(["non_un_table", "tppm"])].copy()
    # UN missions known only from Kathman run on after its coverage where the authored course says so
    k = u[u["origin"].eq("kathman") & (u["ongoing"] | (u["end_date"] > KATHMAN_LAST + pd.offsets.MonthEnd(0)))]
    k = k.assign(start_date=KATHMAN_LAST + pd.offsets.MonthBegin(1))
    rows, undated, end_unknown = [], [], []
    for r in pd.concat([n, k], ignore_index=True).itertuples(index=False):
        hosts = r.host_gwcodes if isinstance(r.host_gwcodes, list) else []
        if pd.isna(r.start_date) or not hosts:
            why = "no start date" if pd.isna(r.start_date) else "no hosts"
            undated.append(f"{r.organization} {r.mission_id} ({why})")
            continue
        if pd.isna(r.end_date) and not r.ongoing:
            # a missing end date is not "ongoing": without a documented last month the
            # operation cannot be placed, so it is left out rather than run to the panel's end
            end_unknown.append(f"{r.organization} {r.mission_id} (end date unknown, not ongoing: "
                               "left out of presence)")
            continue
        m0 = max(_month_start(r.start_date), start)
        m1 = min(_month_start(r.end_date) if pd.notna(r.end_date) else end, end)
        for m in (_months(m0, m1) if m1 >= m0 else []):
            rows.append((r.mission_id, r.organization, r.kind, r.mission_type, m, list(hosts)))
    df = pd.DataFrame(rows, columns=["acronym", "organization", "kind", "mission_type", "date", "hosts"])
    if len(df):
        df["gwcode"] = _hosts_in_month(df["hosts"], df["date"])
        df = df.explode("gwcode").dropna(subset=["gwcode"])
        df["gwcode"] = df["gwcode"].astype("int64")
    else:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in ["acronym", "organization", "kind", "mission_type"]}
                          | {"gwcode": pd.Series(dtype="int64"), "date": pd.Series(dtype="datetime64[ns]")})
    df = df.drop(columns="hosts", errors="ignore").sort_values(["acronym", "gwcode", "date"], kind="stable")
    return df.reset_index(drop=True), undated, end_unknown


def non_un_mission_months(missions: pd.DataFrame | None = None, start: str = _DEFAULT_START,
                          end: str = _DEFAULT_END) -> pd.DataFrame:
    """Mission-host-months of the non-UN operations (and UN ones known only from Kathman after its end).

    Parameters
    ----------
    missions
        The ``missions`` table (:func:`peacestats.harmonize.mission_universe.create_missions`);
        built from the default loader's sources when omitted.
    start, end
        First and last month (``"YYYY-MM"``).

    Returns
    -------
    pandas.DataFrame
        ``acronym``, ``organization``, ``kind``, ``mission_type``, ``gwcode``, ``date``;
        ``attrs`` records ``start`` and ``end`` and the operations left out
        (``undated_missions``: no start date or hosts; ``end_unknown_missions``). Pass it as
        ``non_un=`` to :func:`create_deployment_panel`, :func:`aggregate_deployment_panel`
        and :func:`create_mission_months` to compute it once for all three.
    """
    start_m, end_m = _month_start(start), _month_start(end)
    if missions is None:
        from .mission_universe import create_missions

        missions = create_missions()
    df, undated, end_unknown = _non_un_mission_months_of(missions, start_m, end_m)
    df.attrs = {"start": start_m.strftime("%Y-%m"), "end": end_m.strftime("%Y-%m"),
                "undated_missions": undated, "end_unknown_missions": end_unknown}
    return df


def _non_un_mission_months(start: pd.Timestamp, end: pd.Timestamp, missions: pd.DataFrame | None = None,
                           non_un: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Mission-host-months of the non-UN operations: (acronym, organization, kind, mission_type, gwcode, date).

    Also the operations left out: without a start date or hosts, and with an unknown end.
    ``non_un`` is :func:`non_un_mission_months` for these months (else made from ``missions``).
    """
    if non_un is None:
        non_un = non_un_mission_months(missions, str(start), str(end))
    a = non_un.attrs
    want = (start.strftime("%Y-%m"), end.strftime("%Y-%m"))
    if (a.get("start"), a.get("end")) != want:
        raise HarmonizeError(f"non_un covers {a.get('start')} to {a.get('end')}, not {want[0]} to {want[1]}: "
                             "make it with non_un_mission_months(missions, start, end) of the same months")
    df = non_un.copy()
    df.attrs = {}
    return df, list(a.get("undated_missions", [])), list(a.get("end_unknown_missions", []))


def _non_un_host_months_of(df: pd.DataFrame, undated: list[str], end_unknown: list[str]
                           ) -> tuple[pd.DataFrame, list[str], list[str]]:
    # UN operations that only TPPM lists (UNTAG, UNGOC, ...) are UN presence, not non-UN
    df = df[~df["organization"].eq("UN")]
    agg = join_sorted(df, ["gwcode", "date"], "acronym", unique=True).rename("non_un_missions").reset_index()
    agg["non_un_present"] = 1
    return agg, undated, end_unknown


def _non_un_host_months(start: pd.Timestamp, end: pd.Timestamp, missions: pd.DataFrame | None = None,
                        non_un: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Host-months of the non-UN operations: (gwcode, date, non_un_missions, non_un_present).

    Also the operations left out: without a start date or hosts, and with an unknown end.
    ``missions``, ``non_un``: as :func:`_non_un_mission_months`.
    """
    return _non_un_host_months_of(*_non_un_mission_months(start, end, missions, non_un))


def _panel(allocation: str, start: str, end: str, missions: pd.DataFrame | None, kathman: pd.DataFrame,
           non_un: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`create_deployment_panel`'s work (``missions``, ``non_un``: as :func:`_non_un_mission_months`)."""
    start_m, end_m = _month_start(start), _month_start(end)
    if end_m < start_m:
        raise HarmonizeError(f"create_deployment_panel(): end {end} is before start {start}")
    table = _table()
    k = _kathman_rows(table, kathman)
    k_first, k_last = k["date"].min(), k["date"].max()
    k = k[(k["date"] >= start_m) & (k["date"] <= end_m)]

    ka = allocate(
        k[["mission_label", "mission", "date", "hosts", "host_rule", "mission_type", "chapter_vii", *_PERSONNEL]],
        rule=allocation,
    ).rename(columns={"mission": "kathman_mission"})
    ka["personnel_source"] = "kathman"

    t, undated, end_unknown = _table_rows(table, k_first, k_last, start_m, end_m)
    if len(t):
        for c in _PERSONNEL:
            t[c] = pd.NA
        t["host_rule"] = "mission_table"
        t["kathman_mission"] = pd.NA
        ta = allocate(t, rule=allocation)
        ta["personnel_source"] = "mission_table"
        panel = pd.concat([ka, ta], ignore_index=True)
    else:
        panel = ka

    panel = panel.rename(columns={"mission_label": "mission", "troops": "un_troops", "police": "un_police",
                                  "observers": "un_observers", "total": "un_total"})
    panel["un_present"] = 1
    panel["year"] = panel["date"].dt.year.astype("int64")
    panel["month"] = panel["date"].dt.month.astype("int64")
    nonun, undated_n, end_unknown_n = _non_un_host_months(start_m, end_m, missions, non_un)
    panel = panel.merge(nonun, on=["gwcode", "date"], how="left")
    panel["non_un_present"] = panel["non_un_present"].fillna(0).astype("int64")
    panel.loc[panel["gwcode"].isna(), "non_un_present"] = 0
    panel["non_un_missions"] = panel["non_un_missions"].fillna("")
    cols = ["gwcode", "date", "year", "month", "mission", "un_troops", "un_police", "un_observers", "un_total",
            "un_present", "mission_type", "chapter_vii", "non_un_present", "non_un_missions",
            "kathman_mission", "host_rule", "n_hosts", "share", "personnel_source"]
    panel = panel[cols]
    panel["chapter_vii"] = panel["chapter_vii"].astype("boolean")
    panel["mission_type"] = panel["mission_type"].astype("string")
    panel["kathman_mission"] = panel["kathman_mission"].astype("string")
    panel["n_hosts"] = panel["n_hosts"].astype("int64")
    panel = panel.sort_values(["gwcode", "date", "mission"], na_position="last", kind="stable").reset_index(drop=True)
    dup = panel[panel["gwcode"].notna()].duplicated(["gwcode", "date", "mission"])
    if dup.any():  # pragma: no cover - would be a labelling bug
        bad = panel[dup.reindex(panel.index, fill_value=False)]
        raise HarmonizeError(f"deployment panel repeats (gwcode, date, mission):\n{bad.head()}")
    panel.attrs = {
        "peacestats_panel": "host-mission-month",
        "allocation": allocation,
        "kathman_coverage": (k_first.strftime("%Y-%m"), k_last.strftime("%Y-%m")),
        "undated_missions": undated + undated_n,
        "end_unknown_missions": end_unknown + end_unknown_n,
        "start": start_m.strftime("%Y-%m"),
        "end": end_m.strftime("%Y-%m"),
    }
    return panel


def create_deployment_panel(allocation: str = "equal", start: str = _DEFAULT_START,
                            end: str = _DEFAULT_END, *, missions: pd.DataFrame | None = None,
                            kathman: pd.DataFrame | None = None, non_un: pd.DataFrame | None = None
                            ) -> pd.DataFrame:
    """UN peace operations by host country, mission and month (see the module docstring).

    Parameters
    ----------
    allocation
        ``"equal"`` (default) or ``"primary"``: how a multi-host mission's personnel are
        divided among its hosts.
    start, end
        First and last month (``"YYYY-MM"``). Kathman's personnel cover 1990-01 to 2019-12;
        outside, rows carry presence only.
    missions
        The ``missions`` table (:func:`peacestats.harmonize.mission_universe.create_missions`),
        for the non-UN operations; built from the sources when omitted.
    kathman
        Kathman's personnel data (``load("kathman_pko")``); the default loader's
        (:func:`peacestats.data.source`) when omitted.
    non_un
        :func:`non_un_mission_months` of ``missions`` for ``start``-``end`` (made when omitted).

    Returns
    -------
    pandas.DataFrame
        One row per (``gwcode``, ``date``, ``mission``), sorted by them (rows with ``gwcode``
        NA, personnel no host can take, come last). Columns:

        - ``gwcode`` (Int64): host; ``date`` (first of the month), ``year``, ``month``
        - ``mission`` (str): DPO acronym of the mission (or phase) from the UN mission table,
          else Kathman's name
        - ``un_troops``, ``un_police``, ``un_observers``, ``un_total`` (Float64): personnel
          allocated to this host (NA where Kathman does not report a figure and in months
          outside Kathman's data)
        - ``un_present`` (int): 1
        - ``mission_type`` (``observer``/``traditional``/``multidimensional``/``enforcement``),
          ``chapter_vii`` (boolean): from the UN mission table (NA if it has no row)
        - ``non_un_present`` (0/1), ``non_un_missions`` (str): non-UN operations in the host
          that month
        - ``kathman_mission`` (str): Kathman's name (NA for table-only rows); ``host_rule``
          (``kathman``, ``kathman_pair``, ``mission_table``, ``override``, ``unallocated``);
          ``n_hosts``, ``share`` (this host's share of the mission's personnel);
          ``personnel_source`` (``kathman`` or ``mission_table``)

        ``attrs`` records the allocation, Kathman's coverage, the missions that could not
        be placed (``undated_missions``) and those with an unknown end, present only where
        Kathman records them (UN) or left out (non-UN) (``end_unknown_missions``).

    Examples
    --------
    >>> p = create_deployment_panel()
    >>> row = p[(p.gwcode == 811) & (p.date == "1993-01-01") & (p.mission == "UNTAC")]
    >>> int(row.un_troops.iloc[0])
    15174
    """
    if allocation not in ALLOCATIONS:
        raise HarmonizeError(f"allocation={allocation!r}: use one of {ALLOCATIONS}")
    if kathman is None:
        from ..data import source as data_source

        kathman = data_source("kathman_pko")
    return _panel(allocation, str(start), str(end), missions, kathman, non_un)


def aggregate_deployment_panel(panel: pd.DataFrame | None = None, allocation: str = "equal",
                               start: str = _DEFAULT_START, end: str = _DEFAULT_END, *,
                               missions: pd.DataFrame | None = None,
                               non_un: pd.DataFrame | None = None) -> pd.DataFrame:
    """Host-month totals over missions: one row per (gwcode, date) with any UN or non-UN operation.

    Parameters
    ----------
    panel
        A panel from :func:`create_deployment_panel` (default: build one with ``allocation``,
        ``start``, ``end``).
    missions
        The ``missions`` table, for the non-UN operations (built from the sources when omitted).
    non_un
        :func:`non_un_mission_months` for the panel's months (made from ``missions`` when omitted).

    Returns
    -------
    pandas.DataFrame
        ``gwcode``, ``date``, ``year``, ``month``; ``un_troops``, ``un_police``,
        ``un_observers``, ``un_total`` (sums over the host's missions; NA only if no mission
        that month has a figure); ``un_present`` (0/1); ``n_un_missions``; ``un_missions``
        (acronyms, ``"; "``-separated); ``mission_type`` and ``chapter_vii`` of the largest
        mission (by ``un_total``; ties and missing figures: the first acronym); and
        ``non_un_present`` (0/1), ``non_un_missions``. Host-months with only non-UN
        operations have ``un_present`` 0 and zero personnel within Kathman's coverage.
        Personnel no host can take (``gwcode`` NA) are left out. Sorted by gwcode, date.
        ``attrs`` carries the panel's ``undated_missions`` and ``end_unknown_missions``.
    """
    if panel is None:
        panel = create_deployment_panel(allocation=allocation, start=start, end=end, missions=missions,
                                        non_un=non_un)
    need = {"gwcode", "date", "mission", "un_troops", "un_police", "un_observers", "un_total", "mission_type",
            "chapter_vii"}
    if not need <= set(panel.columns):
        raise HarmonizeError(
            "aggregate_deployment_panel() needs the panel of create_deployment_panel(); missing columns "
            f"{sorted(need - set(panel.columns))}"
        )
    p = panel[panel["gwcode"].notna()].copy()
    p["_size"] = p["un_total"].astype("Float64").fillna(-1.0)
    p = p.sort_values(["gwcode", "date", "_size", "mission"], ascending=[True, True, False, True])
    largest = p.drop_duplicates(["gwcode", "date"])[["gwcode", "date", "mission_type", "chapter_vii"]]
    sums = p.groupby(["gwcode", "date"])[["un_troops", "un_police", "un_observers", "un_total"]].sum(min_count=1)
    names = join_sorted(p, ["gwcode", "date"], "mission").rename("un_missions")
    counts = p.groupby(["gwcode", "date"]).size().rename("n_un_missions")
    agg = pd.concat([sums, names, counts], axis=1).reset_index().merge(largest, on=["gwcode", "date"])
    agg["un_present"] = 1

    p_start, p_end = panel.attrs.get("start", start), panel.attrs.get("end", end)
    nonun = _non_un_host_months(_month_start(p_start), _month_start(p_end), missions, non_un)[0]
    nonun = nonun.assign(gwcode=nonun["gwcode"].astype("Int64"))
    out = agg.merge(nonun, on=["gwcode", "date"], how="outer")
    out["un_present"] = out["un_present"].fillna(0).astype("int64")
    out["n_un_missions"] = out["n_un_missions"].fillna(0).astype("int64")
    out["un_missions"] = out["un_missions"].fillna("")
    out["non_un_present"] = out["non_un_present"].fillna(0).astype("int64")
    out["non_un_missions"] = out["non_un_missions"].fillna("")
    k0, k1 = (pd.Timestamp(x + "-01") for x in panel.attrs.get("kathman_coverage", ("1990-01", "2019-12")))
    inside = (out["date"] >= k0) & (out["date"] <= k1) & (out["un_present"] == 0)
    for c in ("un_troops", "un_police", "un_observers", "un_total"):
        out[c] = out[c].astype("Float64")
        out.loc[inside, c] = 0.0
    out["year"] = out["date"].dt.year.astype("int64")
    out["month"] = out["date"].dt.month.astype("int64")
    out["mission_type"] = out["mission_type"].astype("string")
    out["chapter_vii"] = out["chapter_vii"].astype("boolean")
    cols = ["gwcode", "date", "year", "month", "un_troops", "un_police", "un_observers", "un_total", "un_present",
            "n_un_missions", "un_missions", "mission_type", "chapter_vii", "non_un_present", "non_un_missions"]
    out = out[cols].sort_values(["gwcode", "date"], kind="stable").reset_index(drop=True)
    out.attrs = {"peacestats_panel": "host-month", "allocation": panel.attrs.get("allocation"),
                 "kathman_coverage": panel.attrs.get("kathman_coverage"),
                 "undated_missions": list(panel.attrs.get("undated_missions", [])),
                 "end_unknown_missions": list(panel.attrs.get("end_unknown_missions", []))}
    return out


def host_years(allocation: str = "equal", *, host_months: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Host-year summaries for :func:`peacestats.harmonize.panels.add_pko` (see :func:`_host_years_of`).

    ``host_months`` is :func:`aggregate_deployment_panel` (built with ``allocation`` when omitted).
    """
    if host_months is None:
        host_months = aggregate_deployment_panel(allocation=allocation)
    return _host_years_of(host_months)


def _host_years_of(hm: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Host-year summaries for :func:`peacestats.harmonize.panels.add_pko` of the host-months ``hm``.

    Returns
    -------
    (pandas.DataFrame, dict)
        Rows (gwcode, year) with ``pko_un_present``, ``pko_un_months``, ``pko_troops``,
        ``pko_police``, ``pko_observers``, ``pko_total`` (mean over the 12 months; months
        without a mission count 0, months with a mission but no reported figure are left
        out), ``pko_non_un_present``, ``pko_non_un_months``; and the
        coverage (first, last year) of UN presence, personnel and non-UN presence.
    """
    from . import missions

    k0, k1 = hm.attrs["kathman_coverage"]
    g = hm.groupby(["gwcode", "year"])
    out = pd.DataFrame(
        {
            "pko_un_months": g["un_present"].sum(),
            "pko_non_un_months": g["non_un_present"].sum(),
        }
    )
    for src, dst in (("un_troops", "pko_troops"), ("un_police", "pko_police"), ("un_observers", "pko_observers"),
                     ("un_total", "pko_total")):
        # mean over the 12 months: months without a mission count 0; months with a mission
        # but no reported figure are left out of the mean (not counted as 0)
        unknown = (hm["un_present"].eq(1) & hm[src].isna()).groupby([hm["gwcode"], hm["year"]]).sum()
        known_months = (12 - unknown).astype(float)
        mean = g[src].sum(min_count=0).astype("Float64") / known_months
        out[dst] = mean.where(known_months > 0, pd.NA)
    out["pko_un_present"] = (out["pko_un_months"] > 0).astype("int64")
    out["pko_non_un_present"] = (out["pko_non_un_months"] > 0).astype("int64")
    out = out.reset_index()
    out["gwcode"] = out["gwcode"].astype("int64")
    out["year"] = out["year"].astype("int64")
    n = missions.non_un_missions()
    cov = {
        "un_presence": (1946, int(_DEFAULT_END[:4])),
        "personnel": (int(k0[:4]), int(k1[:4])),
        "non_un_presence": (int(n["start_date"].min().year), int(_DEFAULT_END[:4])),
    }
    return out, cov


#: Columns of :func:`create_mission_months`.
MISSION_MONTH_COLUMNS = ["mission", "organization", "kind", "gwcode", "date", "mission_type", "troops", "police",
                         "observers", "total", "personnel_source"]


def create_mission_months(panel: pd.DataFrame | None = None, allocation: str = "equal",
                          start: str = _DEFAULT_START, end: str = _DEFAULT_END, *,
                          missions: pd.DataFrame | None = None,
                          non_un: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every peace operation by host and month, UN and non-UN, with its kind: what presence is built from.

    Parameters
    ----------
    panel
        :func:`create_deployment_panel` (built with ``allocation``, ``start``, ``end`` when omitted).
    missions
        The ``missions`` table, for the non-UN operations (built from the sources when omitted).
    non_un
        :func:`non_un_mission_months` for the panel's months (made from ``missions`` when omitted).

    Returns
    -------
    pandas.DataFrame
        One row per (``mission``, ``gwcode``, ``date``), sorted by them; columns
        :data:`MISSION_MONTH_COLUMNS`:

        - ``mission`` (str): the operation's id: a DPO acronym or phase (``UNAVEM III``), a
          Kathman name for UN missions the DPO list omits (``UNAMA``), a non-UN acronym
        - ``organization``: ``"UN"`` or the non-UN organization (``AU``, ``NATO``, ...)
        - ``kind``: ``peacekeeping``, ``political`` or ``support``
          (:data:`peacestats.harmonize.missions.MISSION_KINDS`)
        - ``gwcode`` (int), ``date`` (first of the month), ``mission_type``
        - ``troops``, ``police``, ``observers``, ``total`` (Float64): UN personnel allocated
          to this host (Kathman, 1990-2019); NA outside Kathman and for non-UN operations
        - ``personnel_source``: ``kathman``, ``mission_table`` (UN, presence only) or ``none``

        Personnel no host can take (UNOWAS, LBB) are left out, as in the host-month table.
        ``attrs`` carries the panel's ``undated_missions`` and ``end_unknown_missions``.

    Raises
    ------
    HarmonizeError
        If a UN operation of the panel has no kind (a Kathman name neither mapped in
        ``un_missions.csv`` nor listed in ``kathman_unmatched.csv``).
    """
    from . import missions as mission_tables

    if panel is None:
        panel = create_deployment_panel(allocation=allocation, start=start, end=end, missions=missions,
                                        non_un=non_un)
    un = panel[panel["gwcode"].notna()]
    table = mission_tables.un_missions()
    kinds = dict(zip(table["mission_acronym"], table["kind"]))
    ku = mission_tables.kathman_unmatched()
    kinds.update(zip(ku["kathman_mission"], ku["kind"]))
    unknown = sorted(set(un["mission"]) - set(kinds))
    if unknown:
        raise HarmonizeError(f"create_mission_months: UN operations without a kind (add them to the mission "
                             f"tables): {unknown}")
    u = pd.DataFrame({
        "mission": un["mission"].astype(str).to_numpy(),
        "organization": "UN",
        "kind": un["mission"].map(kinds).to_numpy(),
        "gwcode": un["gwcode"].astype("int64").to_numpy(),
        "date": un["date"].to_numpy(),
        "mission_type": un["mission_type"].astype(object).to_numpy(),
        **{c: un[f"un_{c}"].astype("Float64").to_numpy() for c in _PERSONNEL},
        "personnel_source": un["personnel_source"].to_numpy(),
    })
    p_start, p_end = panel.attrs.get("start", start), panel.attrs.get("end", end)
    n, _, _ = _non_un_mission_months(_month_start(p_start), _month_start(p_end), missions, non_un)
    n = n.rename(columns={"acronym": "mission"}).assign(personnel_source="none")
    out = pd.concat([u, n[[c for c in MISSION_MONTH_COLUMNS if c not in _PERSONNEL]]], ignore_index=True)
    for c in _PERSONNEL:  # non-UN operations: no personnel figures (NA)
        out[c] = out[c].astype("Float64")
    out = out[MISSION_MONTH_COLUMNS]
    out["mission_type"] = out["mission_type"].astype("string")
    out = out.sort_values(["mission", "gwcode", "date"], kind="stable").reset_index(drop=True)
    out.attrs = {"undated_missions": list(panel.attrs.get("undated_missions", [])),
                 "end_unknown_missions": list(panel.attrs.get("end_unknown_missions", []))}
    return out
