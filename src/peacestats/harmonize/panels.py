"""Panels and the verbs that fill them (peacesciencer's grammar, in pandas).

``create_*`` builds a panel; ``add_*`` joins one source onto it, keeps every row (checked:
a verb that would change the row count raises), and adds named, prefixed columns.
Verbs chain with :meth:`pandas.DataFrame.pipe`::

    from peacestats.harmonize.panels import create_stateyears, add_ucdp_acd, add_pko, add_polity

    df = (
        create_stateyears(start=1946, end=2019)
        .pipe(add_ucdp_acd, type=("intrastate", "internationalized"))
        .pipe(add_pko)
        .pipe(add_polity)
        .pipe(add_gdp)
    )

Each verb checks it is given the panel it needs (state-years: columns ``gwcode`` and
``year``, one row per pair) and otherwise fails with a message saying how to fix the pipe.

Panels
------
- :func:`create_stateyears`: Gleditsch-Ward (or COW) state-years.
- :func:`create_conflict_months`: UCDP conflict-location-months with UN personnel in the
  location, for violence models (Hultman, Kathman & Shannon 2013 style).

Verbs for state-years
---------------------
:func:`add_ucdp_acd` (UCDP/PRIO ACD 25.1), :func:`add_pko` (UN and non-UN peace operations,
from :mod:`peacestats.harmonize.deployment`), :func:`add_polity` (Polity5), :func:`add_gdp`
(Gleditsch GDP 6.0), :func:`add_creg` (CREG fractionalization), :func:`add_rugged`
(ruggedness, mountains), :func:`add_military_removals` (Archigos leader exits, to 2015),
:func:`add_interventions` (IMI military interventions, 1946-2005),
:func:`add_agreement_provisions` (PA-X peace agreements and their provisions, 1990-2020).

Helpers for any panel
---------------------
:func:`add_lags` and :func:`add_leads`: a column's value k periods earlier (later) in the same
unit, matched on the period, not on the row's position.

References
----------
Miller, S.V. (2022). peacesciencer: An R Package for Quantitative Peace Science Research.
Conflict Management and Peace Science 39(6): 755-779.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import HarmonizeError

__all__ = [
    "create_stateyears",
    "create_conflict_months",
    "add_ucdp_acd",
    "add_pko",
    "add_polity",
    "add_gdp",
    "add_creg",
    "add_rugged",
    "add_military_removals",
    "add_interventions",
    "add_agreement_provisions",
    "add_lags",
    "add_leads",
]

#: UCDP type_of_conflict codes by name (peacesciencer's names; "II" = internationalized intrastate)
CONFLICT_TYPES = {"extrasystemic": 1, "interstate": 2, "intrastate": 3, "internationalized": 4, "II": 4}
#: UCDP incompatibility codes by name
ISSUES = {"territory": 1, "government": 2, "both": 3}

_STATEYEAR = "state-year"
_CONFLICTMONTH = "conflict-month"


# --------------------------------------------------------------------------------------
# checks shared by the verbs
# --------------------------------------------------------------------------------------
def _check_stateyears(df, verb: str) -> None:
    """Fail with a message that says how to fix the pipe unless ``df`` is a GW state-year panel."""
    if not isinstance(df, pd.DataFrame):
        raise HarmonizeError(
            f"{verb}() takes a state-year DataFrame, got {type(df).__name__}. Start the pipe with "
            "create_stateyears(), e.g. create_stateyears().pipe(" + verb + ")."
        )
    cols = set(df.columns)
    if {"conflict_id", "month"} <= cols:
        raise HarmonizeError(
            f"{verb}() works on state-years, but this looks like a conflict-month panel "
            "(columns conflict_id, month). Build state-years with create_stateyears(); "
            "create_conflict_months() already carries UN personnel and ACD activity."
        )
    if "gwcode" not in cols and "ccode" in cols and "year" in cols:
        raise HarmonizeError(
            f"{verb}() merges on Gleditsch-Ward codes (gwcode), but the panel has COW codes (ccode). "
            "Start the pipe with create_stateyears(system='gw'), or add GW codes first: "
            "df.assign(gwcode=peacestats.harmonize.codes.cow_to_gw(df.ccode, df.year))."
        )
    missing = [c for c in ("gwcode", "year") if c not in cols]
    if missing:
        raise HarmonizeError(
            f"{verb}() needs a state-year panel with columns gwcode and year; {missing} "
            f"{'is' if len(missing) == 1 else 'are'} missing (columns: {list(df.columns)}). "
            "Start the pipe with create_stateyears(), or rename your columns to gwcode and year."
        )
    dup = df.duplicated(["gwcode", "year"])
    if dup.any():
        ex = df.loc[dup, ["gwcode", "year"]].head(5).to_records(index=False).tolist()
        raise HarmonizeError(
            f"{verb}() needs one row per state-year, but {int(dup.sum())} (gwcode, year) pairs repeat, "
            f"e.g. {ex}. Aggregate to state-years first (df.groupby(['gwcode', 'year']).agg(...))."
        )
    if df["gwcode"].isna().any() or df["year"].isna().any():
        raise HarmonizeError(f"{verb}(): gwcode and year must not be missing; drop or fill those rows first")


def _check_new_columns(df: pd.DataFrame, new: list[str], verb: str) -> None:
    clash = [c for c in new if c in df.columns]
    if clash:
        raise HarmonizeError(
            f"{verb}(): the panel already has column(s) {clash} (was {verb} applied twice?). "
            f"Drop them first: df.drop(columns={clash}).pipe({verb})."
        )


def _join(df: pd.DataFrame, right: pd.DataFrame, on: list[str], verb: str) -> pd.DataFrame:
    """Left-join keeping the panel's rows and order; raise if the row count would change."""
    if right.duplicated(on).any():  # pragma: no cover - guarded by each verb's construction
        raise HarmonizeError(f"{verb}(): internal error, the joined table repeats keys {on}")
    n = len(df)
    out = df.merge(right, on=on, how="left", sort=False, validate="many_to_one")
    if len(out) != n:  # pragma: no cover - validate= above makes this impossible
        raise HarmonizeError(f"{verb}() changed the row count from {n} to {len(out)}")
    out.index = df.index
    out.attrs = dict(df.attrs)
    return out


def _year_ints(df: pd.DataFrame) -> pd.DataFrame:
    key = pd.DataFrame({"gwcode": df["gwcode"].astype("int64"), "year": df["year"].astype("int64")})
    key.index = df.index
    return key


# --------------------------------------------------------------------------------------
# panels
# --------------------------------------------------------------------------------------
def create_stateyears(system: str = "gw", start: int = 1946, end: int = 2024, *,
                      states: pd.DataFrame | None = None) -> pd.DataFrame:
    """State-years of the Gleditsch-Ward (or Correlates of War) state system.

    A state is in a year if it was a member on any day of that year (as in peacesciencer).

    Parameters
    ----------
    system
        ``"gw"`` (default): the Gleditsch-Ward list (:mod:`peacestats.sources.gw_states`,
        main list without microstates), columns ``gwcode, year, statename``. ``"cow"``: the
        COW list (:mod:`peacestats.sources.cow_states`), columns ``ccode, year, statename``
        (the ``add_*`` verbs need GW codes; convert with
        :func:`peacestats.harmonize.codes.cow_to_gw`).
    start, end
        First and last year (inclusive).
    states
        The state list of ``system`` (``load("gw_states")`` or ``load("cow_states")``); loaded
        when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per state-year, sorted by code and year. ``attrs["peacestats_panel"]`` is
        ``"state-year"`` and ``attrs["code_system"]`` the system.

    Notes
    -----
    **Extension past the lists.** Our copy of the GW list ends on 2017-12-31 (COW: 2016-12-31).
    States still in the system on that day are assumed to stay in it through ``end``: no state
    is added or removed after the list ends (so no state born after 2017 appears, and none
    that died after 2017 disappears; none did, as of 2024, among GW main-list states).

    Examples
    --------
    >>> sy = create_stateyears(start=1990, end=1990)
    >>> len(sy)
    152
    """
    if system not in ("gw", "cow"):
        raise HarmonizeError(f"create_stateyears(system={system!r}): use 'gw' or 'cow'")
    start, end = int(start), int(end)
    if end < start:
        raise HarmonizeError(f"create_stateyears(): end ({end}) is before start ({start})")
    if start < 1816:
        raise HarmonizeError(f"create_stateyears(): start={start}; both state lists begin in 1816")
    if system == "gw":
        from ..data import source as data_source

        lst = (data_source("gw_states") if states is None else states).rename(columns={"gwcode": "code"})
        code = "gwcode"
    else:
        from ..data import source as data_source

        lst = (data_source("cow_states") if states is None else states).rename(columns={"ccode": "code"})
        code = "ccode"
    list_end = lst["end_date"].max()
    first = lst["start_date"].dt.year.to_numpy()
    last = np.where(lst["end_date"] == list_end, max(end, list_end.year), lst["end_date"].dt.year)
    lo = np.maximum(first, start)
    hi = np.minimum(last, end)
    keep = hi >= lo
    lst, lo, hi = lst[keep], lo[keep], hi[keep]
    reps = (hi - lo + 1).astype(int)
    out = pd.DataFrame(
        {
            code: np.repeat(lst["code"].astype("int64").to_numpy(), reps),
            "year": np.concatenate([np.arange(a, b + 1) for a, b in zip(lo, hi)]) if len(lo) else np.array([], int),
            "statename": np.repeat(lst["statename"].to_numpy(), reps),
        }
    )
    # a code with two spells in one year (none after 1816 in either list, but be safe): keep one row
    out = out.drop_duplicates([code, "year"], keep="last")
    out = out.sort_values([code, "year"], kind="stable").reset_index(drop=True)
    out[code] = out[code].astype("Int64")
    out["year"] = out["year"].astype("int64")
    out.attrs = {"peacestats_panel": _STATEYEAR, "code_system": system}
    return out


def create_conflict_months(start: str = "1989-01", end: str = "2019-12",
                           type=("intrastate", "internationalized"), allocation: str = "equal", *,
                           acd: pd.DataFrame | None = None) -> pd.DataFrame:
    """Conflict-location-months of UCDP conflicts, with UN personnel in the location.

    The unit of violence models in the style of Hultman, Kathman & Shannon (2013): every month
    from January of a conflict's first ACD year to December of its last ACD year (within
    ``start``-``end``), for each country the conflict is located in (``gwno_loc``; a
    multi-location conflict has one row per location). Years between episodes are included
    with ``active`` 0.

    Parameters
    ----------
    start, end
        First and last month, ``"YYYY-MM"``.
    type
        UCDP conflict types (names or codes, as in :func:`add_ucdp_acd`); default intrastate
        and internationalized intrastate.
    allocation
        How multi-country missions' personnel are split (see
        :func:`peacestats.harmonize.deployment.create_deployment_panel`).
    acd
        The UCDP/PRIO ACD conflict-years (``load("ucdp_acd")``); the default loader's
        (:func:`peacestats.data.source`) when omitted.

    Returns
    -------
    pandas.DataFrame
        ``conflict_id``, ``gwno_loc`` (GW code of the location), ``date`` (first of month),
        ``year``, ``month``; ``active`` (0/1: the conflict is in the ACD that year, i.e. at
        least 25 battle deaths), ``intensity_level`` (0 inactive, 1 minor, 2 war);
        ``un_troops``, ``un_police``, ``un_observers``, ``un_total`` (UN personnel in the
        location that month over all missions, :func:`aggregate_deployment_panel
        <peacestats.harmonize.deployment.aggregate_deployment_panel>`; 0 when none; NA outside
        Kathman's 1990-2019 or where Kathman reports no figure), ``un_present`` (0/1),
        ``un_missions``, ``non_un_present`` (0/1). Sorted by conflict_id, gwno_loc, date.
        ``attrs["peacestats_panel"]`` is ``"conflict-month"``.

    Notes
    -----
    Personnel are those of the whole location country, not of the conflict zone (Kathman's
    data are by mission and country). A location's code must be a GW state that month to
    carry personnel.

    References
    ----------
    Hultman, L., Kathman, J. & Shannon, M. (2013). United Nations Peacekeeping and Civilian
    Protection in Civil War. AJPS 57(4): 875-891.
    """
    from ..data import source as data_source
    from . import deployment

    m0 = pd.Timestamp(str(start) + "-01") if len(str(start)) == 7 else pd.Timestamp(str(start))
    m1 = pd.Timestamp(str(end) + "-01") if len(str(end)) == 7 else pd.Timestamp(str(end))
    m0, m1 = pd.Timestamp(m0.year, m0.month, 1), pd.Timestamp(m1.year, m1.month, 1)
    if m1 < m0:
        raise HarmonizeError(f"create_conflict_months(): end {end} is before start {start}")
    acd = data_source("ucdp_acd") if acd is None else acd
    acd = acd[acd["type_of_conflict"].isin(_codes_from(type, CONFLICT_TYPES, "conflict type"))]
    cy = acd[["conflict_id", "year", "intensity_level"]].copy()
    locs = acd[["conflict_id", "gwno_loc"]].explode("gwno_loc").dropna().drop_duplicates()
    locs["gwno_loc"] = locs["gwno_loc"].astype("int64")
    span = cy.groupby("conflict_id")["year"].agg(["min", "max"]).reset_index()
    span["d0"] = pd.to_datetime(span["min"].astype(str) + "-01-01").clip(lower=m0)
    span["d1"] = pd.to_datetime(span["max"].astype(str) + "-12-01").clip(upper=m1)
    span = span[span["d1"] >= span["d0"]]
    n = ((span["d1"].dt.year - span["d0"].dt.year) * 12 + span["d1"].dt.month - span["d0"].dt.month + 1).astype(int)
    rows = pd.DataFrame({
        "conflict_id": np.repeat(span["conflict_id"].to_numpy(), n.to_numpy()),
        "date": np.concatenate([pd.date_range(a, b, freq="MS").to_numpy() for a, b in zip(span["d0"], span["d1"])])
        if len(span) else np.array([], dtype="datetime64[ns]"),
    })
    rows = rows.merge(locs, on="conflict_id", how="inner")
    rows["year"] = rows["date"].dt.year.astype("int64")
    rows["month"] = rows["date"].dt.month.astype("int64")
    rows = rows.merge(cy, on=["conflict_id", "year"], how="left")
    rows["active"] = rows["intensity_level"].notna().astype("int64")
    rows["intensity_level"] = rows["intensity_level"].fillna(0).astype("int64")

    hm = deployment.aggregate_deployment_panel(allocation=allocation)
    k0, k1 = (pd.Timestamp(x + "-01") for x in hm.attrs["kathman_coverage"])
    hm = hm.rename(columns={"gwcode": "gwno_loc"})
    hm["gwno_loc"] = hm["gwno_loc"].astype("int64")
    cols = ["un_troops", "un_police", "un_observers", "un_total", "un_present", "un_missions", "non_un_present"]
    n_before = len(rows)
    rows = rows.merge(hm[["gwno_loc", "date", *cols]], on=["gwno_loc", "date"], how="left", validate="many_to_one")
    if len(rows) != n_before:  # pragma: no cover - validate= makes this impossible
        raise HarmonizeError("create_conflict_months(): the personnel join changed the row count")
    inside = (rows["date"] >= k0) & (rows["date"] <= k1)
    no_mission = rows["un_present"].isna()
    for c in ("un_troops", "un_police", "un_observers", "un_total"):
        rows[c] = rows[c].astype("Float64")
        rows.loc[no_mission & inside, c] = 0.0
    rows["un_present"] = rows["un_present"].fillna(0).astype("int64")
    rows["non_un_present"] = rows["non_un_present"].fillna(0).astype("int64")
    rows["un_missions"] = rows["un_missions"].fillna("")
    out = rows[["conflict_id", "gwno_loc", "date", "year", "month", "active", "intensity_level", *cols]]
    out = out.sort_values(["conflict_id", "gwno_loc", "date"], kind="stable").reset_index(drop=True)
    out.attrs = {"peacestats_panel": _CONFLICTMONTH, "code_system": "gw", "allocation": allocation}
    return out


# --------------------------------------------------------------------------------------
# UCDP/PRIO Armed Conflict Dataset
# --------------------------------------------------------------------------------------
def _codes_from(values, table: dict, what: str) -> list[int]:
    if values is None:
        return sorted(set(table.values()))
    if isinstance(values, (str, int, np.integer)):
        values = [values]
    out = []
    for v in values:
        if isinstance(v, (int, np.integer)) and int(v) in table.values():
            out.append(int(v))
        elif isinstance(v, str) and v in table:
            out.append(table[v])
        else:
            raise HarmonizeError(f"unknown {what} {v!r}; use one of {list(table)} (or their codes)")
    return sorted(set(out))


def _acd_state_years(type=None, issue=None, only_wars=False, by="location",
                     acd: pd.DataFrame | None = None) -> tuple[pd.DataFrame, tuple[int, int]]:
    """UCDP ACD conflicts per (gwcode, year): ongoing, onset, new conflict, max intensity, ids."""
    from .. import registry
    from ..data import source as data_source

    if by not in ("location", "side_a"):
        raise HarmonizeError(f"by={by!r}: use 'location' (gwno_loc) or 'side_a' (gwno_a, as peacesciencer)")
    acd = data_source("ucdp_acd") if acd is None else acd
    types = _codes_from(type, CONFLICT_TYPES, "conflict type")
    issues = _codes_from(issue, ISSUES, "issue")
    acd = acd[acd["type_of_conflict"].isin(types) & acd["incompatibility"].isin(issues)]
    if only_wars:
        acd = acd[acd["intensity_level"] == 2]
    col = "gwno_loc" if by == "location" else "gwno_a"
    long = acd[["conflict_id", "year", "intensity_level", col]].explode(col).dropna(subset=[col])
    long = long.rename(columns={col: "gwcode"})
    long["gwcode"] = long["gwcode"].astype("int64")
    cy = long.groupby(["conflict_id", "gwcode", "year"], as_index=False)["intensity_level"].max()
    cy = cy.sort_values(["conflict_id", "gwcode", "year"])
    prev = cy.groupby(["conflict_id", "gwcode"])["year"].shift()
    # onset: the conflict is active in this state this year but was not the year before
    # (its first year here, or a new episode after at least one inactive year, as UCDP defines episodes)
    cy["onset"] = (prev.isna() | (cy["year"] - prev > 1)).astype("int64")
    cy["new"] = prev.isna().astype("int64")
    sy = (
        cy.groupby(["gwcode", "year"])
        .agg(
            ucdp_ongoing=("conflict_id", "size"),
            ucdp_onset=("onset", "max"),
            ucdp_new_conflict=("new", "max"),
            ucdp_max_intensity=("intensity_level", "max"),
            ucdp_conflict_ids=("conflict_id", lambda s: "; ".join(str(i) for i in sorted(s))),
        )
        .reset_index()
    )
    sy["ucdp_ongoing"] = 1
    cov = registry.get("ucdp_acd").years()
    return sy, cov


def add_ucdp_acd(df: pd.DataFrame, type=None, issue=None, only_wars: bool = False,
                 by: str = "location", *, acd: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add UCDP/PRIO armed conflict (ACD 25.1) to a state-year panel.

    Parameters
    ----------
    df
        A GW state-year panel (:func:`create_stateyears`).
    type
        Conflict types to count: names ``"extrasystemic"``, ``"interstate"``, ``"intrastate"``,
        ``"internationalized"`` (or ``"II"``), or UCDP codes 1-4; one or several. Default: all.
    issue
        Incompatibilities: ``"territory"``, ``"government"``, ``"both"`` (codes 1-3). Default: all.
    only_wars
        Count only conflict-years with intensity 2 (1,000 or more battle deaths).
    by
        ``"location"`` (default): a conflict belongs to the states in ``gwno_loc`` (whose
        territory or government is contested). ``"side_a"``: to the states in ``gwno_a``
        (side A, as peacesciencer's ``add_ucdp_acd()``).
    acd
        The ACD conflict-years (``load("ucdp_acd")``); loaded when omitted.

    Returns
    -------
    pandas.DataFrame
        The panel (same rows, same order) with

        - ``ucdp_ongoing`` (0/1): at least one such conflict is active in the state this year
        - ``ucdp_onset`` (0/1): a conflict starts in the state this year: its first year
          there, or a new episode (the conflict was not active in the state the year before)
        - ``ucdp_new_conflict`` (0/1): the conflict's first year in the state (onsets that
          are not recurrences)
        - ``ucdp_max_intensity`` (0/1/2): the highest intensity this year (0 no conflict,
          1 minor: 25-999 battle deaths, 2 war)
        - ``ucdp_conflict_ids`` (str): the active conflicts' ids, ``"; "``-separated (``""`` if none)
        - ``ucdp_peace_years`` (int): years since the state's last conflict year (0 in a
          conflict year). Counted on the state's full GW history from 1946, not only the
          panel's rows. Before a state's first conflict the count starts at 0 in 1946 or
          the state's first year (left-censored; see ``ucdp_prior_conflict``).
        - ``ucdp_prior_conflict`` (0/1): the state has had a conflict since 1946 (up to and
          including this year); 0 marks left-censored peace years

        All are NA outside the ACD's coverage (1946-2024).

    Notes
    -----
    Conflict locations that are not GW states in that year (colonial territories in
    extrasystemic conflicts 1946-1974, Hyderabad 751 in 1947-1948, Grenada 55 in 1983, a GW
    microstate) join no state-year; the panel's rows are never dropped.

    References
    ----------
    Gleditsch, N.P. et al. (2002). Armed Conflict 1946-2001: A New Dataset. JPR 39(5): 615-637.
    Davies, S. et al. (2025). Organized violence 1989-2024. JPR 62(4).
    """
    verb = "add_ucdp_acd"
    _check_stateyears(df, verb)
    new = ["ucdp_ongoing", "ucdp_onset", "ucdp_new_conflict", "ucdp_max_intensity",
           "ucdp_conflict_ids", "ucdp_peace_years", "ucdp_prior_conflict"]
    _check_new_columns(df, new, verb)
    sy, (c0, c1) = _acd_state_years(type, issue, only_wars, by, acd)

    # peace years on the full GW history 1946 -> the panel's last year (at most the coverage end)
    last = int(min(c1, max(int(df["year"].max()), c0)))
    full = create_stateyears("gw", start=c0, end=last)[["gwcode", "year"]]
    full["gwcode"] = full["gwcode"].astype("int64")
    full = full.merge(sy[["gwcode", "year", "ucdp_ongoing"]], on=["gwcode", "year"], how="left")
    conflict = full["ucdp_ongoing"].fillna(0).astype(int)
    block = conflict.groupby(full["gwcode"]).cumsum()
    full["ucdp_peace_years"] = full.groupby([full["gwcode"], block]).cumcount().astype("int64")
    full["ucdp_prior_conflict"] = (block > 0).astype("int64")
    full = full.drop(columns="ucdp_ongoing")

    key = _year_ints(df)
    # outer: keeps conflict state-years outside the GW main list (microstates such as Grenada 1983)
    right = full.merge(sy, on=["gwcode", "year"], how="outer")
    out = _join(key, right, ["gwcode", "year"], verb)
    inside = (out["year"] >= c0) & (out["year"] <= c1)
    for c in ("ucdp_ongoing", "ucdp_onset", "ucdp_new_conflict", "ucdp_max_intensity"):
        out[c] = out[c].fillna(0).astype("Int64").where(inside, pd.NA)
    for c in ("ucdp_peace_years", "ucdp_prior_conflict"):
        out[c] = out[c].astype("Int64").where(inside, pd.NA)
    out["ucdp_conflict_ids"] = out["ucdp_conflict_ids"].fillna("").astype("string").where(inside, pd.NA)
    result = df.copy()
    for c in new:
        result[c] = out[c].to_numpy()
    return result


# --------------------------------------------------------------------------------------
# peace operations
# --------------------------------------------------------------------------------------
def add_pko(df: pd.DataFrame, allocation: str = "equal", *, host_months: pd.DataFrame | None = None
            ) -> pd.DataFrame:
    """Add UN and non-UN peace operations to a state-year panel.

    Built from the monthly host-country panel of :mod:`peacestats.harmonize.deployment`
    (Kathman's personnel, the mission tables' dates).

    Parameters
    ----------
    df
        A GW state-year panel.
    allocation
        How multi-country missions' personnel are split among their hosts (see
        :func:`peacestats.harmonize.deployment.create_deployment_panel`): ``"equal"`` or
        ``"primary"``.
    host_months
        The host-month table (:func:`peacestats.harmonize.deployment.aggregate_deployment_panel`,
        the ``deployment`` table) to summarise; built with ``allocation`` when omitted.

    Returns
    -------
    pandas.DataFrame
        The panel with

        - ``pko_un_present`` (0/1): a UN peacekeeping mission was in the state in at least
          one month of the year (mission tables' dates and Kathman's months)
        - ``pko_un_months`` (0-12): months with a UN mission
        - ``pko_troops``, ``pko_police``, ``pko_observers``, ``pko_total`` (float): UN
          personnel, the **mean over the 12 months** of the year (months without a mission
          count as 0; a month whose figure Kathman does not report is left out of the mean).
          Only for 1990-2019 (Kathman's coverage); NA in other years.
        - ``pko_non_un_present`` (0/1), ``pko_non_un_months`` (0-12): the same for the non-UN
          operations of the non-UN mission table (AU, NATO, EU, ECOWAS, MFO, ...)

        Presence columns are NA outside the mission tables' coverage.
    """
    from . import deployment

    verb = "add_pko"
    _check_stateyears(df, verb)
    new = ["pko_un_present", "pko_un_months", "pko_troops", "pko_police", "pko_observers", "pko_total",
           "pko_non_un_present", "pko_non_un_months"]
    _check_new_columns(df, new, verb)
    yearly, cov = deployment.host_years(allocation=allocation, host_months=host_months)
    key = _year_ints(df)
    out = _join(key, yearly, ["gwcode", "year"], verb)
    (u0, u1), (k0, k1), (n0, n1) = cov["un_presence"], cov["personnel"], cov["non_un_presence"]
    y = out["year"]
    for c in ("pko_un_present", "pko_un_months"):
        out[c] = out[c].fillna(0).astype("Int64").where((y >= u0) & (y <= u1), pd.NA)
    for c in ("pko_troops", "pko_police", "pko_observers", "pko_total"):
        out[c] = out[c].fillna(0.0).astype("Float64").where((y >= k0) & (y <= k1), pd.NA)
    for c in ("pko_non_un_present", "pko_non_un_months"):
        out[c] = out[c].fillna(0).astype("Int64").where((y >= n0) & (y <= n1), pd.NA)
    result = df.copy()
    for c in new:
        result[c] = out[c].to_numpy()
    return result


# --------------------------------------------------------------------------------------
# covariates
# --------------------------------------------------------------------------------------
def add_polity(df: pd.DataFrame, *, polity: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add Polity5 (p5v2018) regime scores to a state-year panel.

    GW codes are converted to Polity's own codes by year
    (:func:`peacestats.harmonize.codes.gw_to_polity`: USSR 364, Serbia 342, united Germany
    255, Ethiopia 529 from 1993, ...).

    Returns
    -------
    pandas.DataFrame
        The panel with ``polity2`` (-10..10, Polity's series for analysis: interregna 0,
        transitions prorated, occupations NA), ``polity_democ``, ``polity_autoc`` (0-10, with
        Polity's special codes -66/-77/-88 kept), ``polity_durable`` (years since the last
        regime change). NA where Polity has no row (after 2018; states Polity does not code,
        such as those under 500,000 inhabitants).

    References
    ----------
    Marshall, M.G. & Gurr, T.R. (2020). Polity5: Political Regime Characteristics and
    Transitions, 1800-2018. Center for Systemic Peace.
    """
    from ..data import source as data_source
    from .codes import gw_to_polity

    verb = "add_polity"
    _check_stateyears(df, verb)
    new = ["polity2", "polity_democ", "polity_autoc", "polity_durable"]
    _check_new_columns(df, new, verb)
    p = data_source("polity5") if polity is None else polity  # the source, loaded when not given
    right = pd.DataFrame(
        {
            "polity_code": p["ccode"].astype("int64"),
            "year": p["year"].astype("int64"),
            "polity2": p["polity2"].astype("Float64"),
            "polity_democ": p["democ"].astype("Int64"),
            "polity_autoc": p["autoc"].astype("Int64"),
            "polity_durable": p["durable"].astype("Float64"),
        }
    )
    key = _year_ints(df)
    key["polity_code"] = gw_to_polity(key["gwcode"], key["year"], strict=False).astype("Int64").to_numpy()
    key["polity_code"] = key["polity_code"].fillna(-1).astype("int64")
    out = _join(key, right, ["polity_code", "year"], verb)
    result = df.copy()
    for c in new:
        result[c] = out[c].to_numpy()
    return result


def add_gdp(df: pd.DataFrame, *, gdp: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add Gleditsch's expanded GDP and population (version 6.0, 1950-2011).

    The file uses GW codes, so the join is direct on (gwcode, year).

    Returns
    -------
    pandas.DataFrame
        The panel with ``gdp_pop`` (population, thousands), ``gdp_realgdp`` (real GDP,
        millions of 2005 US dollars, PPP), ``gdp_rgdppc`` (real GDP per capita, 2005 US$),
        ``gdp_cgdppc`` (GDP per capita, current US$), ``gdp_origin`` (where the figure comes
        from; see :data:`peacestats.sources.gleditsch_gdp.ORIGIN_CODES`). NA outside 1950-2011.

    References
    ----------
    Gleditsch, K.S. (2002). Expanded Trade and GDP Data. JCR 46(5): 712-724.
    """
    from ..data import source as data_source

    verb = "add_gdp"
    _check_stateyears(df, verb)
    new = ["gdp_pop", "gdp_realgdp", "gdp_rgdppc", "gdp_cgdppc", "gdp_origin"]
    _check_new_columns(df, new, verb)
    g = data_source("gleditsch_gdp") if gdp is None else gdp  # the source, loaded when not given
    right = pd.DataFrame(
        {
            "gwcode": g["gwcode"].astype("int64"),
            "year": g["year"].astype("int64"),
            "gdp_pop": g["pop"].astype("Float64"),
            "gdp_realgdp": g["realgdp"].astype("Float64"),
            "gdp_rgdppc": g["rgdppc"].astype("Float64"),
            "gdp_cgdppc": g["cgdppc"].astype("Float64"),
            "gdp_origin": g["origin"].astype("Int64"),
        }
    )
    out = _join(_year_ints(df), right, ["gwcode", "year"], verb)
    result = df.copy()
    for c in new:
        result[c] = out[c].to_numpy()
    return result


def add_creg(df: pd.DataFrame, *, creg: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add CREG ethnic and religious fractionalization and polarization (1945-2013).

    CREG splits Yugoslavia/Serbia and the USSR/Russia into predecessor and successor units
    that carry the same COW code (:mod:`peacestats.sources.creg`), and peacesciencer's GW
    codes for those units do not follow the GW list (it codes CREG's Serbia 340 in 1992-2005,
    when GW has Yugoslavia 345). So the join goes through the **COW code**
    (:func:`peacestats.harmonize.codes.gw_to_cow`): of the CREG units with that COW code in
    that year, the one with values is taken; where both have values (1991), the unit whose
    CREG code equals the COW code (the predecessor: Yugoslavia 345, USSR 365), since the
    predecessor existed for most of 1991.

    Returns
    -------
    pandas.DataFrame
        The panel with ``creg_ethfrac``, ``creg_ethpol``, ``creg_relfrac``, ``creg_relpol``
        (0-1). NA outside 1945-2013 and for states without a COW code (Tibet 1946-1950).

    References
    ----------
    Nardulli, P.F. et al. (2012). The Composition of Religious and Ethnic Groups (CREG)
    Project. Cline Center, University of Illinois.
    """
    from ..data import source as data_source
    from .codes import gw_to_cow

    verb = "add_creg"
    _check_stateyears(df, verb)
    new = ["creg_ethfrac", "creg_ethpol", "creg_relfrac", "creg_relpol"]
    _check_new_columns(df, new, verb)
    c = data_source("creg") if creg is None else creg  # the source, loaded when not given
    measures = ["ethfrac", "ethpol", "relfrac", "relpol"]
    c = c[c[measures].notna().any(axis=1)].copy()
    c["own"] = (c["creg_ccode"] == c["ccode"]).astype(int)
    c = c.sort_values(["ccode", "year", "own"], ascending=[True, True, False])
    c = c.drop_duplicates(["ccode", "year"], keep="first")
    right = pd.DataFrame({"cowcode": c["ccode"].astype("int64"), "year": c["year"].astype("int64")})
    for m in measures:
        right[f"creg_{m}"] = c[m].astype("Float64").to_numpy()
    key = _year_ints(df)
    cow = gw_to_cow(key["gwcode"], key["year"], strict=False).astype("Int64")
    key["cowcode"] = cow.fillna(-1).astype("int64").to_numpy()
    out = _join(key, right, ["cowcode", "year"], verb)
    result = df.copy()
    for c_ in new:
        result[c_] = out[c_].to_numpy()
    return result


def add_rugged(df: pd.DataFrame, *, rugged: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add terrain ruggedness and mountainous terrain (time-invariant, by GW code).

    Returns
    -------
    pandas.DataFrame
        The panel with ``rugged`` (Nunn & Puga's terrain ruggedness index, hundreds of
        metres) and ``newlmtnest`` (log of the percent of mountainous terrain, Fearon &
        Laitin's ``lmtnest`` extended by Gibler & Miller). The same value in every year; NA
        for states the file does not cover (among them Yugoslavia/Serbia 345/340, Montenegro,
        Kosovo, South Sudan, the GDR, Czechoslovakia, South Yemen, South Vietnam).

    References
    ----------
    Nunn, N. & Puga, D. (2012). Ruggedness: The Blessing of Bad Geography in Africa.
    REStat 94(1): 20-36. Gibler, D.M. & Miller, S.V. (2014). External territorial threat,
    state capacity, and civil war. JPR 51(5): 634-646.
    """
    from ..data import source as data_source

    verb = "add_rugged"
    _check_stateyears(df, verb)
    new = ["rugged", "newlmtnest"]
    _check_new_columns(df, new, verb)
    r = data_source("rugged") if rugged is None else rugged  # the source, loaded when not given
    r = r[r["gwcode"].notna()]
    right = pd.DataFrame(
        {
            "gwcode": r["gwcode"].astype("int64"),
            "rugged": r["rugged"].astype("Float64"),
            "newlmtnest": r["newlmtnest"].astype("Float64"),
        }
    )
    out = _join(_year_ints(df), right, ["gwcode"], verb)
    result = df.copy()
    for c in new:
        result[c] = out[c].to_numpy()
    return result


# --------------------------------------------------------------------------------------
# mechanisms: leaders' exits, military interventions, peace agreements
# --------------------------------------------------------------------------------------
def _counts_by_year(events: pd.DataFrame, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """(gwcode, year) sums of the given 0/1 or count series."""
    frame = pd.DataFrame({"gwcode": events["gwcode"].astype("int64").to_numpy(),
                          "year": events["year"].astype("int64").to_numpy()})
    for name, values in columns.items():
        frame[name] = np.asarray(values, dtype=float)
    return frame.groupby(["gwcode", "year"], as_index=False).sum()


def _fill_inside(out: pd.DataFrame, columns: list[str], first: int, last: int, dtype: str = "Int64") -> None:
    """0 where the source covers the year and has no event; NA outside its years (in place)."""
    inside = (out["year"] >= first) & (out["year"] <= last)
    for c in columns:
        out[c] = out[c].fillna(0).astype(dtype).where(inside, pd.NA)


def add_military_removals(df: pd.DataFrame) -> pd.DataFrame:
    """Add leaders' exits, and removals by the military, from Archigos 4.1 (to 2015).

    Built from :func:`peacestats.harmonize.mechanisms.leader_exits` (Archigos carries GW
    codes, so the join is direct on gwcode and the year of the exit).

    Returns
    -------
    pandas.DataFrame
        The panel (same rows, same order) with

        - ``archigos_exits`` (count): leaders who left office this year, in any way
        - ``archigos_irregular_exits`` (count): exits in contravention of the state's rules
          (coups, revolts, assassinations: Archigos ``exit`` "Irregular")
        - ``archigos_military_removals`` (count): leaders removed by the military, with or
          without foreign support (``military_removal``); a military power struggle short of
          a coup is not counted
        - ``archigos_military_removal`` (0/1): at least one this year

        NA after 2015 (Archigos ends 2015-12-31).

    References
    ----------
    Goemans, H.E., Gleditsch, K.S. & Chiozza, G. (2009). Introducing Archigos: A Dataset of
    Political Leaders. JPR 46(2): 269-283.
    """
    from .mechanisms import ARCHIGOS_COVERAGE, leader_exits

    verb = "add_military_removals"
    _check_stateyears(df, verb)
    new = ["archigos_exits", "archigos_irregular_exits", "archigos_military_removals", "archigos_military_removal"]
    _check_new_columns(df, new, verb)
    ex = leader_exits()
    right = _counts_by_year(ex, {"archigos_exits": np.ones(len(ex)),
                                 "archigos_irregular_exits": ex["irregular"].astype(int),
                                 "archigos_military_removals": ex["military_removal"].astype(int)})
    right["archigos_military_removal"] = (right["archigos_military_removals"] > 0).astype(int)
    out = _join(_year_ints(df), right, ["gwcode", "year"], verb)
    _fill_inside(out, new, ARCHIGOS_COVERAGE[0].year, ARCHIGOS_COVERAGE[1].year)
    result = df.copy()
    for c in new:
        result[c] = out[c].array  # keeps Int64 (NA outside coverage)
    return result


def add_interventions(df: pd.DataFrame) -> pd.DataFrame:
    """Add international military interventions in the state (IMI, 1946-2005), as the target.

    Built from :func:`peacestats.harmonize.mechanisms.intervention_months` (COW target codes
    converted to GW by date). An intervention whose end IMI does not give counts in its start
    year only.

    Returns
    -------
    pandas.DataFrame
        The panel with

        - ``imi_intervention`` (0/1): a non-peacekeeping intervention was under way in the
          state in at least one month of the year
        - ``imi_interventions`` (count): how many distinct ones
        - ``imi_new_interventions`` (count): non-peacekeeping interventions that began this year
        - ``imi_domestic_dispute`` (0/1): one of them took sides in a domestic dispute (IMI's
          motive flag)
        - ``imi_peacekeeping`` (0/1): a peacekeeping-type intervention was under way (the UN,
          or a description naming peacekeeping; see
          :func:`~peacestats.harmonize.mechanisms.intervention_months`)

        NA outside 1946-2005.

    References
    ----------
    Pearson, F.S. & Baumann, R.A. (1993). International Military Intervention, 1946-1988.
    ICPSR 6035. Kisangani, E.F. & Pickering, J. (2008). International Military
    Interventions, 1989-2005. ICPSR 21282.
    """
    from .mechanisms import IMI_COVERAGE, intervention_months

    verb = "add_interventions"
    _check_stateyears(df, verb)
    new = ["imi_intervention", "imi_interventions", "imi_new_interventions", "imi_domestic_dispute",
           "imi_peacekeeping"]
    _check_new_columns(df, new, verb)
    m = intervention_months().dropna(subset=["gwcode"])
    per = m.groupby(["gwcode", "year", "imi_row"], as_index=False).agg(
        peacekeeping=("peacekeeping", "first"), start_year=("start_date", lambda s: s.iloc[0].year),
        domestic_dispute=("domestic_dispute", "first"))
    other, pk = per[~per["peacekeeping"]], per[per["peacekeeping"]]
    right = _counts_by_year(other, {"imi_interventions": np.ones(len(other)),
                                    "imi_new_interventions": (other["start_year"] == other["year"]).astype(int),
                                    "imi_domestic_dispute": other["domestic_dispute"].fillna(0).gt(0).astype(int)})
    right["imi_intervention"] = (right["imi_interventions"] > 0).astype(int)
    right["imi_domestic_dispute"] = (right["imi_domestic_dispute"] > 0).astype(int)
    pk_years = pk[["gwcode", "year"]].drop_duplicates().astype("int64").assign(imi_peacekeeping=1)
    right = right.merge(pk_years, on=["gwcode", "year"], how="outer")
    out = _join(_year_ints(df), right, ["gwcode", "year"], verb)
    _fill_inside(out, new, IMI_COVERAGE[0].year, IMI_COVERAGE[1].year)
    result = df.copy()
    for c in new:
        result[c] = out[c].array  # keeps Int64 (NA outside coverage)
    return result


def add_agreement_provisions(df: pd.DataFrame, pax: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add peace agreements signed for the state and their provisions (PA-X, 1990-2020).

    An agreement belongs to the states PA-X names as its locations (``gwno_loc1``,
    ``gwno_loc2``) in the year it was signed. PA-X codes some territories with the code of the
    state they later became (South Sudan 626 from 2004, Croatia 344 in 1991: see
    :func:`peacestats.sources.pax.check`); those agreements join no state-year before the
    state exists (no row is changed or dropped; ``attrs["pax_unplaced"]`` lists those
    (agreement_id, gwcode, year) triples: Kosovo 347 in 1999, South Sudan 626 in 2003, ...).

    Parameters
    ----------
    df
        A state-year panel (:func:`create_stateyears`).
    pax
        PA-X (``load("pax")``); the default loader's (:func:`peacestats.data.source`) when omitted.

    Returns
    -------
    pandas.DataFrame
        The panel with

        - ``pax_agreements`` (count): PA-X agreements signed this year for the state
        - ``pax_ssr`` (0/1): one of them has a security-sector provision (armed forces,
          police, intelligence or paramilitary/rebel forces)
        - ``pax_ddr`` (0/1): a DDR provision
        - ``pax_un_role`` (0/1): the UN signed or witnessed one
        - ``pax_pk_role`` (0/1): one provides for an international mission or force

        NA outside 1990-2020.

    References
    ----------
    Bell, C. & Badanjak, S. (2019). Introducing PA-X: A new peace agreement database and
    dataset. JPR 56(3): 452-466.
    """
    from ..data import source as data_source
    from .mechanisms import PAX_COVERAGE

    verb = "add_agreement_provisions"
    _check_stateyears(df, verb)
    new = ["pax_agreements", "pax_ssr", "pax_ddr", "pax_un_role", "pax_pk_role"]
    _check_new_columns(df, new, verb)
    pax = data_source("pax") if pax is None else pax
    loc = pd.concat([pax.assign(gwcode=pax["gwno_loc1"]), pax.assign(gwcode=pax["gwno_loc2"])])
    loc = loc.dropna(subset=["gwcode"]).drop_duplicates(["agreement_id", "gwcode"])
    loc["year"] = loc["date_signed"].dt.year
    ssr = (loc[["ssr_armed_forces", "ssr_police", "ssr_intelligence", "ssr_armed_groups"]] > 0).any(axis=1)
    right = _counts_by_year(loc, {"pax_agreements": np.ones(len(loc)), "pax_ssr": ssr.astype(int),
                                  "pax_ddr": (loc["ddr"] > 0).astype(int),
                                  "pax_un_role": (loc["un_signatory"] > 0).astype(int),
                                  "pax_pk_role": (loc["international_mission"] > 0).astype(int)})
    for c in ("pax_ssr", "pax_ddr", "pax_un_role", "pax_pk_role"):
        right[c] = (right[c] > 0).astype(int)
    key = _year_ints(df)
    out = _join(key, right, ["gwcode", "year"], verb)
    _fill_inside(out, new, PAX_COVERAGE[0].year, PAX_COVERAGE[1].year)
    gw = create_stateyears(start=PAX_COVERAGE[0].year, end=PAX_COVERAGE[1].year)
    alive = set(zip(gw["gwcode"].astype(int), gw["year"].astype(int)))
    placed = [(int(g), int(y)) in alive for g, y in zip(loc["gwcode"], loc["year"])]
    result = df.copy()
    for c in new:
        result[c] = out[c].array  # keeps Int64 (NA outside coverage)
    lost = loc.loc[~np.array(placed, dtype=bool), ["agreement_id", "gwcode", "year"]]
    result.attrs = {**df.attrs,
                    "pax_unplaced": sorted({(int(a), int(g), int(y)) for a, g, y in lost.itertuples(index=False)})}
    return result


# --------------------------------------------------------------------------------------
# lags and leads
# --------------------------------------------------------------------------------------
def add_lags(df: pd.DataFrame, columns, by: str = "gwcode", k: int = 1, time: str = "year") -> pd.DataFrame:
    """Add each column's value ``k`` periods earlier in the same unit (``k`` < 0: later, a lead).

    The value is taken from the row whose ``time`` is ``time - k`` in the same ``by`` unit,
    not from the previous row: a gap in the panel (a state absent for some years) gives NA,
    never the value of a more distant year.

    Parameters
    ----------
    df
        Any panel with one row per (``by``, ``time``).
    columns
        A column name or a list of them.
    by, time
        The unit and period columns (default ``gwcode`` and ``year``).
    k
        The lag (positive) or lead (negative), a nonzero whole number.

    Returns
    -------
    pandas.DataFrame
        The panel (same rows, same order) with ``<column>_lag<k>`` (or ``<column>_lead<|k|>``).

    Examples
    --------
    >>> p = pd.DataFrame({"gwcode": [2, 2, 2, 20], "year": [2000, 2001, 2003, 2000], "x": [1, 2, 3, 4]})
    >>> add_lags(p, "x")["x_lag1"].tolist()
    [<NA>, 1, <NA>, <NA>]
    >>> add_leads(p, "x")["x_lead1"].tolist()
    [2, <NA>, <NA>, <NA>]
    """
    verb = "add_lags" if k > 0 else "add_leads"
    if not isinstance(df, pd.DataFrame):
        raise HarmonizeError(f"{verb}() takes a DataFrame, got {type(df).__name__}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k == 0:
        raise HarmonizeError(f"{verb}(): k must be a nonzero whole number (1 for last year's value), not {k!r}")
    cols = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in [by, time, *cols] if c not in df.columns]
    if missing:
        raise HarmonizeError(f"{verb}(): the panel has no column(s) {missing} (columns: {list(df.columns)})")
    dup = df.duplicated([by, time])
    if dup.any():
        raise HarmonizeError(f"{verb}() needs one row per ({by}, {time}); {int(dup.sum())} pairs repeat. "
                             "Aggregate first, or pass the right by= and time=.")
    names = {c: f"{c}_lag{k}" if k > 0 else f"{c}_lead{-k}" for c in cols}
    _check_new_columns(df, list(names.values()), verb)
    right = df[[by, time, *cols]].rename(columns=names)
    right[time] = right[time] + k
    out = _join(df[[by, time]], right, [by, time], verb)
    result = df.copy()
    for c in cols:
        values = out[names[c]]
        if pd.api.types.is_integer_dtype(df[c].dtype) and not isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype):
            values = values.astype("Int64")
        result[names[c]] = values.array
    return result


def add_leads(df: pd.DataFrame, columns, by: str = "gwcode", k: int = 1, time: str = "year") -> pd.DataFrame:
    """Add each column's value ``k`` periods later in the same unit (see :func:`add_lags`)."""
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k <= 0:
        raise HarmonizeError(f"add_leads(): k must be a positive whole number, not {k!r}")
    return add_lags(df, columns, by=by, k=-k, time=time)
