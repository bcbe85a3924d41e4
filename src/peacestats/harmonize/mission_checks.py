"""Cross-checks of the UN operations against every source that also lists them.

Each UN operation of the mission universe (:func:`peacestats.harmonize.mission_universe.create_missions`)
is compared, where they overlap, with four independent listings, and every disagreement in
dates or hosts is returned as a row:

``dpo_list`` (UN DPO list, registry key ``un_dpo_missions``), exact
    Our table is keyed on the DPO list, so its start and end dates must equal the list's to the
    day where the list gives them. A missing date on either side, where the other has one, is
    a disagreement too.
``tppm`` (Mullenbach's TPPM 3.1, the rows the crosswalk assigns to the operation)
    The earliest start and the latest end over the operation's TPPM rows (skipped when TPPM
    flags a row as ongoing at 2014), compared with a tolerance of 31 days: TPPM dates often
    mark deployment or authorization where the DPO list marks establishment, a difference of
    days that is not a disagreement about *when* the operation ran. Hosts: each TPPM row's
    COW code, converted to Gleditsch-Ward at the row's start date, must be a host of ours,
    except where TPPM codes the state party of a colonial or occupied territory (its
    ``check()`` reports these as a convention).
``kathman`` (Kathman's monthly personnel, 1990-2019)
    A month with personnel more than one month before our start or after our end is a
    disagreement; so is a host country Kathman records that is not ours.
``geo_pko`` (Geo-PKO 2.1, deployment sites by year)
    A year with deployments outside our start and end years, or a country (its name
    converted to GW for that year) that is not one of our hosts.

:func:`explained` joins the result to the authored exceptions in
``resources/missions/crosscheck_exceptions.csv`` (``mission_id``, ``source``, ``field``,
``explanation``, ``reference``: every disagreement that is right on our side, or that we leave
as it is, is explained with a reference a reader can check). The test suite fails on any
disagreement without an exception, and on any exception that no longer matches a
disagreement.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MissingSourceError, MissionValueError
from .missions import _fail, _read_csv, resource_path

__all__ = ["CROSSCHECK_SOURCES", "EXCEPTIONS_FILE", "EXCEPTION_COLUMNS", "crosscheck_un_missions",
           "crosscheck_exceptions", "explained"]

CROSSCHECK_SOURCES = ("dpo_list", "tppm", "kathman", "geo_pko")
FIELDS = ("start_date", "end_date", "hosts")
EXCEPTIONS_FILE = "crosscheck_exceptions.csv"
EXCEPTION_COLUMNS = ["mission_id", "source", "field", "explanation", "reference"]
TPPM_TOLERANCE_DAYS = 31
_COLUMNS = ["mission_id", "source", "field", "ours", "theirs", "detail"]


def _d(v) -> str:
    return "NA" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _dpo(un: pd.DataFrame, dpo: pd.DataFrame) -> list[tuple]:
    out = []
    d = dpo.drop_duplicates("mission").set_index("mission")
    for r in un[un["in_dpo_list"]].itertuples(index=False):
        if r.mission_id not in d.index:
            out.append((r.mission_id, "dpo_list", "start_date", _d(r.start_date), "absent", "not in the DPO list"))
            continue
        row = d.loc[r.mission_id]
        for f in ("start_date", "end_date"):
            ours, theirs = getattr(r, f), row[f]
            if pd.isna(ours) and pd.isna(theirs):
                continue
            if pd.isna(ours) or pd.isna(theirs) or pd.Timestamp(ours) != pd.Timestamp(theirs):
                out.append((r.mission_id, "dpo_list", f, _d(ours), _d(theirs), "dates differ"))
    return out


def _tppm(un: pd.DataFrame, tppm: pd.DataFrame, xwalk: pd.DataFrame) -> list[tuple]:
    from ..sources.mullenbach_tppm import check as tppm_check
    from .codes import cow_to_gw

    out = []
    same = xwalk[xwalk["relation"].eq("same_operation")][["obsnum", "mission_id"]]
    t = tppm.merge(same, on="obsnum")
    t = t[t["mission_id"].isin(set(un["mission_id"]))]
    conventions = set(tppm_check(tppm).query("column == 'ccode'")["obsnum"]) if len(t) else set()
    gw = cow_to_gw(t["ccode"], dates=t["start_date"], strict=False)
    t = t.assign(gw=gw.to_numpy())
    ours = un.set_index("mission_id")
    tol = pd.Timedelta(days=TPPM_TOLERANCE_DAYS)
    for mid, g in t.groupby("mission_id", sort=True):
        r = ours.loc[mid]
        rows = "; ".join(str(o) for o in sorted(g["obsnum"]))
        start = g["start_date"].min()
        if pd.isna(r["start_date"]) or abs(pd.Timestamp(r["start_date"]) - start) > tol:
            out.append((mid, "tppm", "start_date", _d(r["start_date"]), _d(start), f"TPPM rows {rows}"))
        if not g["ongoing"].any():
            end = g["end_date"].max()
            if pd.isna(r["end_date"]) or abs(pd.Timestamp(r["end_date"]) - end) > tol:
                out.append((mid, "tppm", "end_date", _d(r["end_date"]), _d(end), f"TPPM rows {rows}"))
        elif pd.notna(r["end_date"]) and pd.Timestamp(r["end_date"]) < pd.Timestamp("2014-12-01"):
            out.append((mid, "tppm", "end_date", _d(r["end_date"]), "ongoing at 2014", f"TPPM rows {rows}"))
        hosts = set(r["host_gwcodes"]) if isinstance(r["host_gwcodes"], list) else set()
        for o, code in zip(g["obsnum"], g["gw"]):
            if o in conventions or pd.isna(code):
                continue
            if int(code) not in hosts:
                out.append((mid, "tppm", "hosts", ";".join(map(str, sorted(hosts))), str(int(code)), f"TPPM row {o}"))
    return out


def _kathman(un: pd.DataFrame, kathman: pd.DataFrame) -> list[tuple]:
    from .codes import cow_to_gw

    out = []
    k = kathman[kathman["total"].fillna(0) > 0]
    for r in un[un["kathman_mission"].notna()].itertuples(index=False):
        g = k[k["mission"].eq(r.kathman_mission)]
        if not len(g):
            continue
        first, last = g["date"].min(), g["date"].max()
        one_month = pd.DateOffset(months=1)
        if pd.notna(r.start_date) and first < pd.Timestamp(r.start_date).to_period("M").to_timestamp() - one_month:
            out.append((r.mission_id, "kathman", "start_date", _d(r.start_date), first.strftime("%Y-%m"),
                        "personnel recorded before the start"))
        if pd.notna(r.end_date) and last > pd.Timestamp(r.end_date).to_period("M").to_timestamp() + one_month:
            out.append((r.mission_id, "kathman", "end_date", _d(r.end_date), last.strftime("%Y-%m"),
                        "personnel recorded after the end"))
        codes = pd.concat([g[["ccode", "date"]], g[["ccode2", "date"]].rename(columns={"ccode2": "ccode"})])
        codes = codes[codes["ccode"].notna() & (codes["ccode"] > 0)].drop_duplicates("ccode")
        hosts = set(r.host_gwcodes) if isinstance(r.host_gwcodes, list) else set()
        if len(codes):
            conv = cow_to_gw(codes["ccode"], dates=codes["date"], strict=False)
            extra = sorted({int(c) for c in conv.dropna()} - hosts)
            if extra:
                out.append((r.mission_id, "kathman", "hosts", ";".join(map(str, sorted(hosts))),
                            ";".join(map(str, extra)), "countries with personnel that are not hosts"))
    return out


def _geo_pko(un: pd.DataFrame, geo: pd.DataFrame) -> list[tuple]:
    out = []
    ours = un.drop_duplicates("mission_id").set_index("mission_id")
    pairs = geo[["mission", "year", "country"]].drop_duplicates()
    pairs = pairs[pairs["mission"].isin(ours.index)]
    pairs = pairs.assign(gw=_geo_countries(pairs["country"], pairs["year"]))
    for mid, g in pairs.groupby("mission", sort=True):
        r = ours.loc[mid]
        y0 = pd.Timestamp(r["start_date"]).year if pd.notna(r["start_date"]) else None
        y1 = pd.Timestamp(r["end_date"]).year if pd.notna(r["end_date"]) else 9999
        years = sorted(g["year"].unique())
        outside = [y for y in years if (y0 is not None and y < y0) or y > y1]
        if outside:
            f = "start_date" if y0 is not None and min(outside) < y0 else "end_date"
            out.append((mid, "geo_pko", f, _d(r[f]), ",".join(map(str, outside)), "deployment years outside the dates"))
        hosts = set(r["host_gwcodes"]) if isinstance(r["host_gwcodes"], list) else set()
        extra = sorted({(c, n) for c, n in zip(g["gw"], g["country"]) if pd.isna(c) or int(c) not in hosts},
                       key=lambda x: x[1])
        if extra:
            out.append((mid, "geo_pko", "hosts", ";".join(map(str, sorted(hosts))),
                        "; ".join(f"{n} ({'NA' if pd.isna(c) else int(c)})" for c, n in extra),
                        "deployment sites in countries that are not hosts"))
    return out


#: Geo-PKO country names that the name matcher does not resolve, by year (Western Sahara has no GW code).
_GEO_NAMES = {
    "DRC": lambda y: 490,
    "Ethiopia/Eritrea": lambda y: 530,
    "Kosovo": lambda y: 347 if y >= 2008 else (345 if y <= 2006 else 340),
    "North Macedonia": lambda y: 343,
    "Montenegro": lambda y: 341 if y >= 2006 else 345,
    "Timor-Leste": lambda y: 860 if y >= 2002 else 850,
    "Western Sahara": lambda y: pd.NA,
}


def _geo_countries(names: pd.Series, years: pd.Series) -> list:
    """GW codes of Geo-PKO country names by year (NA where there is none), in one matcher call."""
    from .codes import name_to_gw

    special = names.isin(list(_GEO_NAMES))
    out = [None] * len(names)
    rest = pd.DataFrame({"name": names[~special], "year": years[~special].astype(int)}).drop_duplicates()
    codes = {}
    if len(rest):
        codes = dict(zip(zip(rest["name"], rest["year"]), name_to_gw(rest["name"].tolist(), rest["year"].tolist())))
    for i, (n, y) in enumerate(zip(names, years)):
        out[i] = _GEO_NAMES[n](int(y)) if n in _GEO_NAMES else codes[(n, int(y))]
    return out


def crosscheck_un_missions(missions: pd.DataFrame | None = None, *, dpo=None, tppm=None, kathman=None, geo=None,
                           xwalk=None) -> pd.DataFrame:
    """Every disagreement in dates or hosts between our UN operations and the other sources.

    Parameters
    ----------
    missions
        The mission universe (:func:`~peacestats.harmonize.mission_universe.create_missions`).
    dpo, tppm, kathman, geo, xwalk
        The sources (``load("un_dpo_missions")``, ``load("mullenbach_tppm")``,
        ``load("kathman_pko")``, ``load("geo_pko")``) and the TPPM crosswalk; loaded when omitted.

    Returns
    -------
    pandas.DataFrame
        ``mission_id``, ``source`` (:data:`CROSSCHECK_SOURCES`), ``field`` (``start_date``,
        ``end_date``, ``hosts``), ``ours``, ``theirs``, ``detail``; sorted.
    """
    from ..data import source as data_source
    from .mission_universe import create_missions, tppm_crosswalk

    missions = create_missions() if missions is None else missions
    un = missions[missions["organization"].eq("UN")]
    xwalk = tppm_crosswalk() if xwalk is None else xwalk
    rows = (_dpo(un, data_source("un_dpo_missions") if dpo is None else dpo)
            + _tppm(un, data_source("mullenbach_tppm") if tppm is None else tppm, xwalk)
            + _kathman(un, data_source("kathman_pko") if kathman is None else kathman)
            + _geo_pko(un, data_source("geo_pko") if geo is None else geo))
    out = pd.DataFrame(rows, columns=_COLUMNS)
    return out.sort_values(["mission_id", "source", "field"], kind="stable").reset_index(drop=True)


def crosscheck_exceptions(path: str | Path | None = None) -> pd.DataFrame:
    """Read the authored explanations of the cross-check's disagreements (every column required)."""
    path = resource_path(EXCEPTIONS_FILE) if path is None else Path(path)
    df = _read_csv(path, EXCEPTION_COLUMNS)
    for c in EXCEPTION_COLUMNS:
        blank = df[c].isna() | df[c].astype(str).str.strip().eq("")
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise _fail(MissingSourceError if c == "reference" else MissionValueError, path, c, i, df, "is empty")
    for c, allowed in (("source", CROSSCHECK_SOURCES), ("field", FIELDS)):
        bad = ~df[c].isin(allowed)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise _fail(MissionValueError, path, c, i, df, f"{df.at[i, c]!r} is not one of {list(allowed)}")
    dup = df.duplicated(["mission_id", "source", "field"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise _fail(MissionValueError, path, "mission_id", i, df,
                    "the same (mission, source, field) is explained twice")
    return df


def explained(disagreements: pd.DataFrame, exceptions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The disagreements with their explanation (NA where none is authored), and stale exceptions.

    Returns
    -------
    pandas.DataFrame
        The disagreements with ``explanation`` and ``reference`` joined; exceptions that match no
        disagreement are appended with ``ours``/``theirs`` NA and ``detail`` ``"stale exception"``.
    """
    exceptions = crosscheck_exceptions() if exceptions is None else exceptions
    key = ["mission_id", "source", "field"]
    m = disagreements.merge(exceptions, on=key, how="outer", indicator=True)
    m.loc[m["_merge"].eq("right_only"), "detail"] = "stale exception"
    return m.drop(columns="_merge").sort_values(key, kind="stable").reset_index(drop=True)
