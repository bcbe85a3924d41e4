"""Mechanisms other than peacekeeping on the Gleditsch-Ward calendar, and as peace-spell covariates.

Interventions and leader exits by country and date
--------------------------------------------------
:func:`intervention_months`
    International Military Intervention (IMI, 1946-2005) as target x month: one row per
    intervention and month it is under way, the target's COW code converted to Gleditsch-Ward
    by date (:func:`peacestats.harmonize.codes.cow_to_gw`).
:func:`leader_exits`
    Archigos 4.1 leader exits (to 2015-12-31): one row per leader spell that ended, with how.

Spell covariates (for :func:`peacestats.harmonize.spells.split_spells`, ``key="spell_id"``)
-----------------------------------------------------------------------------------------
:func:`provision_changes`
    PA-X provisions in the agreements of the spell's conflict signed so far (since the start
    of the episode that preceded the spell), time-varying; NA outside PA-X's coverage
    (1990-01-01 to 2020-12-31).
:func:`mediation_covariates`
    CWM mediation during or ending the episode that preceded the spell, time-constant; NA
    where the episode ended after CWM's coverage (2011) or is not a civil conflict.
:func:`intervention_changes`
    Ongoing non-peacekeeping military interventions (IMI) in the spell's location, monthly;
    NA from 2006 (after IMI's coverage).
:func:`mechanism_rows_for`
    All three on counting-process rows (the ``spell_rows`` table), checked.

Outside a source's coverage a value is missing, never 0.

References
----------
Bell, C. & Badanjak, S. (2019). Introducing PA-X. JPR 56(3): 452-466. DeRouen, K., Bercovitch,
J. & Pospieszna, P. (2011). Introducing the Civil Wars Mediation (CWM) dataset. JPR 48(5):
663-672. Pearson, F.S. & Baumann, R.A. (1993). International Military Intervention, 1946-1988
(ICPSR 6035); Kisangani, E.F. & Pickering, J. (2008). International Military Interventions,
1989-2005 (ICPSR 21282). Goemans, H.E., Gleditsch, K.S. & Chiozza, G. (2009). Introducing
Archigos. JPR 46(2): 269-283.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import HarmonizeError, UnmatchedCodeError

__all__ = [
    "IMI_COVERAGE",
    "PAX_COVERAGE",
    "CWM_COVERAGE",
    "ARCHIGOS_COVERAGE",
    "IMI_MOTIVES",
    "PROVISION_COVARIATES",
    "MEDIATION_COVARIATES",
    "INTERVENTION_COVARIATES",
    "intervention_months",
    "leader_exits",
    "provision_changes",
    "mediation_covariates",
    "intervention_changes",
    "mechanism_rows_for",
]

#: First and last day each source covers
IMI_COVERAGE = (pd.Timestamp("1946-01-01"), pd.Timestamp("2005-12-31"))
PAX_COVERAGE = (pd.Timestamp("1990-01-01"), pd.Timestamp("2020-12-31"))
CWM_COVERAGE = (pd.Timestamp("1946-01-01"), pd.Timestamp("2011-12-31"))
ARCHIGOS_COVERAGE = (pd.Timestamp("1840-01-01"), pd.Timestamp("2015-12-31"))

#: IMI's motive flags (0/1 as coded; ``territorial`` 0/1/2)
IMI_MOTIVES = ("domestic_dispute", "affect_policies", "social_protective", "pursuit_border", "economic",
               "strategic", "humanitarian", "territorial", "military_diplomatic")
_UN_CODES = (1, 1014)
_PEACEKEEPING_TEXT = re.compile(r"peace[- ]?keep|truce monitor", re.IGNORECASE)


# ----------------------------------------------------------------------------- IMI
def _cow_to_gw_pairs(codes: pd.Series, years: pd.Series) -> tuple[pd.Series, list[tuple[int, int]]]:
    """GW codes for COW (code, year) pairs; pairs the crosswalk does not know give NA and are listed."""
    from .codes import cow_to_gw

    pairs = pd.DataFrame({"code": codes.astype("int64").to_numpy(), "year": years.astype("int64").to_numpy()})
    uniq = pairs.drop_duplicates().reset_index(drop=True)
    unknown: list[tuple[int, int]] = []
    todo = uniq
    for _ in range(3):  # unmatched pairs are named by the error; convert the rest
        try:
            gw = cow_to_gw(todo["code"], todo["year"], strict=False)
            break
        except UnmatchedCodeError as err:
            bad = set(err.unmatched)
            unknown.extend(sorted(bad))
            todo = todo[[(c, y) not in bad for c, y in zip(todo["code"], todo["year"])]].reset_index(drop=True)
    else:  # pragma: no cover - one retry always suffices
        raise HarmonizeError("cow_to_gw kept failing on IMI codes")
    found = todo.assign(gwcode=pd.array(gw.to_numpy(), dtype="Int64"))
    out = pairs.merge(found, on=["code", "year"], how="left")["gwcode"].astype("Int64")
    out.index = codes.index
    return out, unknown


def _peacekeeping(imi: pd.DataFrame) -> pd.Series:
    """The peacekeeping-type flag: the UN intervenes, or the row's description names peacekeeping."""
    text = imi["description"].fillna("").astype(str)
    return imi["intervener"].isin(_UN_CODES) | text.str.contains(_PEACEKEEPING_TEXT)


def intervention_months(imi: pd.DataFrame | None = None) -> pd.DataFrame:
    """IMI interventions on the Gleditsch-Ward calendar: one row per intervention and month under way.

    An intervention is under way from its start month to its end month. An intervention whose
    end IMI does not give (codes 88888888 / 99999999, or an unreadable date: 60 rows) is placed
    in its start month only and flagged ``end_known`` False: its later months are not known,
    so they are not invented. The target's COW code is converted to a GW code for each month's
    year (:func:`peacestats.harmonize.codes.cow_to_gw`).

    Parameters
    ----------
    imi
        :func:`peacestats.sources.imi.load` (default: load it).

    Returns
    -------
    pandas.DataFrame
        ``gwcode`` (Int64, the target), ``date`` (first of the month), ``year``, ``month``,
        ``imi_row`` (the IMI row), ``target_cow``, ``intervener_cow`` (the COW or
        organization code as published), ``intervener_name`` (organizations; NA for states),
        ``intervener_kind`` (``state``/``organization``), ``start_date``, ``end_date``,
        ``end_known`` (bool), ``peacekeeping`` (bool, see Notes), ``direction``, ``type``
        (IMI's codes, not decoded) and the motive flags of :data:`IMI_MOTIVES`. Sorted by
        gwcode, date, imi_row. ``attrs``: ``coverage`` (1946-01-01, 2005-12-31),
        ``undated_rows`` (IMI rows without a start, not placed), ``unmatched_targets``
        (IMI rows whose target has no GW state in some month: COW 1, the UN Command in Korea,
        row 87), ``end_unknown_rows``.

    Notes
    -----
    ``peacekeeping`` is peacestats' flag, not an IMI variable: the intervener is the United
    Nations (codes 1, 1014: 86 rows) or the row's own description names peacekeeping or a
    truce monitoring group (47 rows; e.g. ECOMOG in Liberia 1990, Russia in South Ossetia
    1992): 124 of IMI's 1,111 rows in all. IMI's ``direction`` and ``type`` codes are not decoded here (the codebook's
    category lists were not available to check), so they are not used for the flag. A NATO
    air campaign or an ad hoc coalition is not peacekeeping unless its description says so.
    """
    from ..data import source as data_source

    imi = data_source("imi") if imi is None else imi
    df = imi.copy()
    undated = df.loc[df["start_date"].isna(), "row"].astype(int).tolist()
    df = df[df["start_date"].notna()]
    df["end_known"] = df["end_date"].notna()
    end = df["end_date"].where(df["end_known"], df["start_date"])
    end = end.where(end >= df["start_date"], df["start_date"])  # an end before the start: the start month
    m0 = df["start_date"].dt.to_period("M")
    m1 = end.dt.to_period("M")
    n = np.array([(b - a).n + 1 for a, b in zip(m0, m1)], dtype=int)
    rep = df.loc[df.index.repeat(n)].copy()
    step = np.concatenate([np.arange(k) for k in n]) if len(n) else np.array([], dtype=int)
    rep["date"] = (pd.PeriodIndex(np.repeat(m0.to_numpy(), n), freq="M") + step).to_timestamp()
    rep["year"] = rep["date"].dt.year.astype("int64")
    rep["month"] = rep["date"].dt.month.astype("int64")
    rep["peacekeeping"] = _peacekeeping(rep).to_numpy()
    gw, unknown = _cow_to_gw_pairs(rep["target"], rep["year"])
    rep["gwcode"] = gw.to_numpy()
    unmatched = sorted(set(rep.loc[rep["gwcode"].isna(), "row"].astype(int)))
    rep = rep.rename(columns={"row": "imi_row", "target": "target_cow", "intervener": "intervener_cow"})
    cols = ["gwcode", "date", "year", "month", "imi_row", "target_cow", "intervener_cow", "intervener_name",
            "intervener_kind", "start_date", "end_date", "end_known", "peacekeeping", "direction", "type",
            *IMI_MOTIVES]
    out = rep[cols].sort_values(["gwcode", "date", "imi_row"], kind="stable", na_position="last").reset_index(drop=True)
    out["imi_row"] = out["imi_row"].astype("int64")
    out.attrs = {"coverage": tuple(d.date().isoformat() for d in IMI_COVERAGE), "undated_rows": undated,
                 "unmatched_targets": unmatched, "unmatched_pairs": unknown,
                 "end_unknown_rows": sorted(df.loc[~df["end_known"], "row"].astype(int))}
    return out


# ----------------------------------------------------------------------------- Archigos
def leader_exits(archigos: pd.DataFrame | None = None) -> pd.DataFrame:
    """Archigos leader exits by country and date: one row per leader spell that ended before 2016.

    Spells of leaders still in office at the end of the data (``in_office``, 168) are not exits
    and are not rows here (their end, 2015-12-31, is a censoring date); ``attrs["in_office"]``
    counts them. Archigos 4.1 as packaged in peacesciencer carries Gleditsch-Ward codes
    (:mod:`peacestats.sources.archigos`), so no conversion is needed.

    Returns
    -------
    pandas.DataFrame
        ``gwcode``, ``exit_date`` (the last day in office), ``year``, ``obsid``, ``leader``,
        ``exit`` (Archigos's label), ``exit_type``, ``exitcode``, ``removed_by``,
        ``foreign_support``, ``military_removal`` (bool: removed by the military, a coup),
        ``irregular`` (bool: ``exit_type`` irregular). Sorted by gwcode and exit date.
        ``attrs["coverage"]``: Archigos's days (to 2015-12-31).
    """
    from ..data import source as data_source

    ar = data_source("archigos") if archigos is None else archigos
    done = ar[~ar["in_office"].astype(bool)].copy()
    out = pd.DataFrame({
        "gwcode": done["gwcode"].astype("Int64"),
        "exit_date": done["end_date"],
        "year": done["end_date"].dt.year.astype("int64"),
        "obsid": done["obsid"],
        "leader": done["leader"],
        "exit": done["exit"],
        "exit_type": done["exit_type"],
        "exitcode": done["exitcode"],
        "removed_by": done["removed_by"],
        "foreign_support": done["foreign_support"],
        "military_removal": done["military_removal"].astype(bool),
        "irregular": done["exit_type"].eq("irregular"),
    })
    out = out.sort_values(["gwcode", "exit_date", "obsid"], kind="stable").reset_index(drop=True)
    out.attrs = {"coverage": tuple(d.date().isoformat() for d in ARCHIGOS_COVERAGE),
                 "in_office": int(ar["in_office"].astype(bool).sum())}
    return out


# ----------------------------------------------------------------------------- PA-X provisions
#: Spell covariates from PA-X (0/1 or NA) -> (PA-X column, threshold: the provision is present when >= it)
PROVISION_COVARIATES: dict[str, tuple[str, int]] = {
    "pax_agreement": ("agreement_id", 0),          # any PA-X agreement for the conflict
    "pax_ssr_army": ("ssr_armed_forces", 1),       # armed forces (reform, integration)
    "pax_ssr_police": ("ssr_police", 1),
    "pax_ssr_intelligence": ("ssr_intelligence", 1),
    "pax_ssr_paramilitary": ("ssr_armed_groups", 1),  # parastatal, rebel and opposition forces
    "pax_ddr": ("ddr", 1),
    "pax_un_role": ("un_signatory", 1),            # the UN signed or witnessed
    "pax_pk_role": ("international_mission", 1),   # an international mission or force is provided for
}


def _pax_agreements(pax: pd.DataFrame | None, acd: pd.DataFrame | None) -> pd.DataFrame:
    """(conflict_id, date_signed, the provision flags) for PA-X agreements with an ACD conflict id."""
    from ..data import source as data_source
    from ..sources import pax as pax_source

    pax = data_source("pax") if pax is None else pax
    links = pax_source.pax_conflict_links(pax, acd)
    links = links[links["in_acd"]]
    agr = links[["agreement_id", "conflict_id"]].merge(pax, on="agreement_id", how="left")
    out = pd.DataFrame({"conflict_id": agr["conflict_id"].astype("int64"), "date": agr["date_signed"]})
    for name, (col, threshold) in PROVISION_COVARIATES.items():
        out[name] = 1 if col == "agreement_id" else (agr[col] >= threshold).astype(int).to_numpy()
    return out


def _by_conflict(agr: pd.DataFrame, names: list[str]) -> dict:
    """Each conflict's agreements, in their order in ``agr``: (dates as datetime64, as Timestamps, the flags)."""
    agr = agr.sort_values("conflict_id", kind="stable")
    cid = agr["conflict_id"].to_numpy()
    d64, dl, flags = agr["date"].to_numpy(), list(agr["date"]), agr[names].to_numpy()
    cuts = np.flatnonzero(cid[1:] != cid[:-1]) + 1
    starts, ends = np.append(0, cuts).tolist(), np.append(cuts, len(cid)).tolist()
    return {cid[a]: (d64[a:b], dl[a:b], flags[a:b]) for a, b in zip(starts, ends) if b > a}


def provision_changes(spells: pd.DataFrame, pax: pd.DataFrame | None = None,
                      acd: pd.DataFrame | None = None) -> pd.DataFrame:
    """PA-X provisions signed so far for the spell's conflict, as a step function per spell.

    An agreement counts for a spell when PA-X links it to the spell's conflict (``UcdpCon``,
    checked against the ACD: :func:`peacestats.sources.pax.pax_conflict_links`) and it was
    signed between the start of the episode that preceded the spell and the end of the spell;
    one signed before the spell began takes effect at its start. Each indicator is 1 from the
    first such agreement with the provision on (cumulative), 0 before.

    Coverage: every value is NA before 1990-01-01 and after 2020-12-31 (PA-X's window), never
    0. Inside the window a 0 means PA-X records no such agreement since the episode began;
    for an episode that began before 1990, agreements signed before 1990 are not in PA-X
    (``pax_window_complete`` is 0 for those rows, 1 where the whole window since the episode's
    start lies inside PA-X's coverage).

    Returns
    -------
    pandas.DataFrame
        ``spell_id``, ``date`` and the columns of :data:`PROVISION_COVARIATES` plus
        ``pax_window_complete``, one row per change.
    """
    agr = _pax_agreements(pax, acd)
    lo, hi = PAX_COVERAGE
    after = hi + pd.Timedelta(days=1)
    names = list(PROVISION_COVARIATES)
    rows = []
    # per conflict: the agreements' dates (as Timestamps and as an array) and their provision flags
    by_conflict = _by_conflict(agr, names)
    for s in spells.itertuples(index=False):
        g = by_conflict.get(int(s.conflict_id))
        if g is not None:  # signed between the start of the episode before the spell and the spell's end
            d64, dl, flags = g
            keep = (d64 >= np.datetime64(s.ep_start_date)) & (d64 < np.datetime64(s.stop_date))
            d64, flags = d64[keep], flags[keep]
            dl = [d for d, k in zip(dl, keep) if k]
        dates = {s.start_date}
        if g is not None:
            dates |= {d for d in dl if d > s.start_date}
        dates |= {d for d in (lo, after) if s.start_date < d < s.stop_date}
        for d in sorted(dates):
            row = {"spell_id": s.spell_id, "date": d}
            inside = lo <= d <= hi
            signed = flags[d64 <= np.datetime64(d)] if g is not None else None
            so_far = signed.max(axis=0) if signed is not None and len(signed) else None
            for j, name in enumerate(names):
                if not inside:
                    row[name] = pd.NA
                else:
                    row[name] = int(so_far[j]) if so_far is not None else 0
            row["pax_window_complete"] = int(inside and s.ep_start_date >= lo) if inside else pd.NA
            rows.append(row)
    out = pd.DataFrame(rows, columns=["spell_id", "date", *names, "pax_window_complete"])
    for c in [*names, "pax_window_complete"]:
        out[c] = out[c].astype("Int64")
    # keep only the rows where something changes
    vals = out[[*names, "pax_window_complete"]].astype(object).where(out[[*names, "pax_window_complete"]].notna(), None)
    prev = vals.groupby(out["spell_id"]).shift()
    first = out["spell_id"].ne(out["spell_id"].shift())
    changed = first | (vals.to_numpy() != prev.to_numpy()).any(axis=1)
    return out[changed].reset_index(drop=True)


# ----------------------------------------------------------------------------- CWM mediation
#: Time-constant spell covariates from CWM
MEDIATION_COVARIATES = ("cwm_mediation", "cwm_mediation_ending", "cwm_mediations", "cwm_mediators")


def _cwm_cases(cwm: pd.DataFrame | None, links: pd.DataFrame | None) -> pd.DataFrame:
    """Mediated CWM rows with their exactly matched conflict and a mediation period."""
    from ..data import source as data_source
    from .cwm_links import cwm_conflicts

    cwm = data_source("cwm") if cwm is None else cwm
    links = cwm_conflicts() if links is None else links
    ok = links[links["match"].eq("exact")][["cwm_row", "conflict_id"]]
    m = cwm[cwm["mediation"].fillna(False).astype(bool)].merge(ok, left_on="row", right_on="cwm_row")
    # the mediation's period: its own dates, else the CWM episode's, at the published precision
    start = m["mediation_start"].fillna(m["episode_start"])
    end = m["mediation_end"].fillna(m["mediation_start"]).fillna(m["episode_end"])
    year_end = pd.to_datetime(m["year_terminated"].astype("Float64").astype("float").map(
        lambda y: f"{int(y)}-12-31" if pd.notna(y) else None))
    end = end.fillna(year_end)
    start = start.fillna(end)
    prec = m["mediation_end_precision"].fillna("day")
    end_last = [e if pd.isna(e) else (e + pd.offsets.YearEnd(0) if p == "year" else
                                      e + pd.offsets.MonthEnd(0) if p == "month" else e)
                for e, p in zip(end, prec)]
    return pd.DataFrame({"conflict_id": m["conflict_id"].astype("int64"), "cwm_row": m["row"],
                         "med_start": start, "med_end": pd.to_datetime(pd.Series(end_last, index=m.index)),
                         "third_parties": m["third_parties"]})


def mediation_covariates(spells: pd.DataFrame, cwm: pd.DataFrame | None = None,
                         links: pd.DataFrame | None = None) -> pd.DataFrame:
    """CWM mediation during, or ending, the episode that preceded each spell (time-constant).

    A CWM mediation case counts for a spell when its row is linked ``exact`` to the spell's
    conflict (:func:`peacestats.harmonize.cwm_links.cwm_conflicts`) and its period (the
    mediation's dates, else the CWM episode's) overlaps the episode: it began on or before
    the episode's end (the spell's start) and ended on or after the episode's start.

    Returns
    -------
    pandas.DataFrame
        One row per spell: ``spell_id``, ``cwm_mediation`` (0/1: mediated during the episode),
        ``cwm_mediation_ending`` (0/1: a mediation that ended in the calendar year the episode
        ended, or later), ``cwm_mediations`` (number of CWM mediation cases), ``cwm_mediators``
        (their third parties, ``"; "``-separated). NA (all four) where the episode ended
        after 2011-12-31 or the conflict is not intrastate (ACD types 3-4): CWM covers civil
        wars 1946-2011 only. Uncertain links are not counted.
    """
    cases = _cwm_cases(cwm, links)
    sp = spells[["spell_id", "conflict_id", "ep_start_date", "start_date", "ep_type_of_conflict"]]
    m = sp.merge(cases, on="conflict_id", how="inner")
    m = m[(m["med_start"] <= m["start_date"]) & (m["med_end"].isna() | (m["med_end"] >= m["ep_start_date"]))]
    ending = m["med_end"].notna() & (m["med_end"].dt.year >= m["start_date"].dt.year)
    g = m.assign(ending=ending.astype(int)).groupby("spell_id")
    agg = pd.DataFrame({
        "cwm_mediation": g.size().clip(upper=1),
        "cwm_mediation_ending": g["ending"].max(),
        "cwm_mediations": g.size(),
        "cwm_mediators": g["third_parties"].agg(lambda s: "; ".join(dict.fromkeys(str(x) for x in s.dropna()))),
    }).reset_index()
    out = sp[["spell_id"]].merge(agg, on="spell_id", how="left")
    covered = (sp["start_date"] <= CWM_COVERAGE[1]).to_numpy() & sp["ep_type_of_conflict"].isin([3, 4]).to_numpy()
    for c in ("cwm_mediation", "cwm_mediation_ending", "cwm_mediations"):
        out[c] = out[c].fillna(0).astype("Int64").where(covered, pd.NA)
    out["cwm_mediators"] = out["cwm_mediators"].fillna("").astype("string").where(covered, pd.NA)
    return out


# ----------------------------------------------------------------------------- IMI in the location
#: Time-varying spell covariates from IMI (non-peacekeeping interventions in the spell's location)
INTERVENTION_COVARIATES = ("imi_intervention", "imi_interventions", "imi_domestic_dispute", "imi_strategic",
                           "imi_humanitarian", "imi_pursuit_border", "imi_peacekeeping")


def intervention_changes(spells: pd.DataFrame, months: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ongoing military interventions (IMI) in the spell's location, as a monthly step function per spell.

    Parameters
    ----------
    spells
        Peace spells with ``ep_gwno_loc`` (the location's GW codes).
    months
        :func:`intervention_months` (default: build it).

    Returns
    -------
    pandas.DataFrame
        ``spell_id``, ``date`` and the columns of :data:`INTERVENTION_COVARIATES`, one row per
        change: ``imi_intervention`` (0/1: a non-peacekeeping intervention targets a country
        of the location that month), ``imi_interventions`` (how many), ``imi_domestic_dispute``,
        ``imi_strategic``, ``imi_humanitarian``, ``imi_pursuit_border`` (0/1: one of them has
        that motive), ``imi_peacekeeping`` (0/1: a peacekeeping-type intervention is under
        way, for comparison). NA from 2006-01 on (after IMI's coverage), and in months before
        1946.
    """
    from .linkage import _location_codes, _spell_months
    from .spells import step_function

    months = intervention_months() if months is None else months
    sm = _spell_months(spells)
    loc = _location_codes(spells)
    motives = ("domestic_dispute", "strategic", "humanitarian", "pursuit_border")
    mm = months.loc[months["gwcode"].notna(), ["gwcode", "date", "imi_row", "peacekeeping", *motives]]
    mm = mm.assign(gwcode=mm["gwcode"].astype("int64"))
    where = _month_positions(sm)
    # the interventions targeting a country of the location, in the spell's months
    hits = loc.merge(mm, on="gwcode")
    pos = where(hits["spell_id"].to_numpy(), hits["date"].to_numpy())
    hits = hits.assign(_pos=pos)[pos >= 0].drop_duplicates(["spell_id", "date", "imi_row"])
    pk = hits["peacekeeping"].astype(bool).to_numpy()
    other = hits[~pk]
    n = len(sm)
    cols = {"imi_interventions": np.bincount(other["_pos"].to_numpy(), minlength=n).astype("int64")}
    for motive in motives:  # 1 if any intervention that month has the motive
        flag = np.zeros(n, dtype="int64")
        flag[other["_pos"].to_numpy()[(other[motive].fillna(0) > 0).to_numpy()]] = 1
        cols[f"imi_{motive}"] = flag
    peacekeeping = np.zeros(n, dtype="int64")
    peacekeeping[hits["_pos"].to_numpy()[pk]] = 1
    cols["imi_intervention"] = (cols["imi_interventions"] > 0).astype("int64")
    cols["imi_peacekeeping"] = peacekeeping
    date = sm["date"].to_numpy()
    outside = (date < np.datetime64(IMI_COVERAGE[0])) | (date > np.datetime64(IMI_COVERAGE[1]))
    panel = sm.assign(**{c: pd.arrays.IntegerArray(cols[c], outside.copy()) for c in INTERVENTION_COVARIATES})
    return step_function(panel, key="spell_id", date="date", covariates=list(INTERVENTION_COVARIATES))


def _month_positions(sm: pd.DataFrame):
    """For :func:`~peacestats.harmonize.linkage._spell_months` rows: a function giving the row of
    (spell_id, month-start date) pairs, -1 where the spell does not have that month."""
    sid = sm["spell_id"].to_numpy()
    first = np.ones(len(sm), dtype=bool)
    first[1:] = sid[1:] != sid[:-1]
    starts = np.flatnonzero(first)
    lengths = np.diff(np.append(starts, len(sm)))
    m0 = sm["date"].to_numpy()[starts].astype("datetime64[M]").astype("int64")
    order = np.argsort(sid[starts], kind="stable")
    keys = sid[starts][order]

    def where(spell_id: np.ndarray, date: np.ndarray) -> np.ndarray:
        i = np.clip(np.searchsorted(keys, spell_id), 0, max(len(keys) - 1, 0))
        if not len(keys):
            return np.full(len(spell_id), -1, dtype=np.int64)
        k = order[i]
        month = date.astype("datetime64[M]").astype("int64") - m0[k]
        ok = (keys[i] == spell_id) & (month >= 0) & (month < lengths[k])
        ok &= date == date.astype("datetime64[M]").astype(date.dtype)  # month starts only
        return np.where(ok, starts[k] + month, -1)

    return where


# ----------------------------------------------------------------------------- all together
def mechanism_rows_for(spells: pd.DataFrame, spell_rows: pd.DataFrame, *, pax: pd.DataFrame | None = None,
                       acd: pd.DataFrame | None = None, cwm: pd.DataFrame | None = None,
                       cwm_links: pd.DataFrame | None = None, months: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the PA-X, CWM and IMI covariates to counting-process spell rows, splitting where they change.

    Parameters
    ----------
    spells
        The spells the rows come from (``spells`` or ``spells_location`` table): needs
        ``spell_id``, ``conflict_id``, ``ep_start_date``, ``start_date``, ``stop_date``,
        ``ep_gwno_loc`` and ``ep_type_of_conflict``.
    spell_rows
        Their counting-process rows (the ``spell_rows`` table, or
        :func:`peacestats.build.spell_rows_for`).
    pax, acd, cwm, cwm_links, months
        Sources (default: load them; ``months`` is :func:`intervention_months`).

    Returns
    -------
    pandas.DataFrame
        ``spell_rows`` split where a PA-X provision or an IMI intervention changes, with the
        columns of :data:`PROVISION_COVARIATES`, ``pax_window_complete``,
        :data:`MEDIATION_COVARIATES` and :data:`INTERVENTION_COVARIATES` (Int64; NA outside
        each source's coverage). Passes
        :func:`peacestats.harmonize.spells.check_counting_process`.

    Raises
    ------
    HarmonizeError
        If the rows name spells that ``spells`` does not have, or the result is not valid
        counting-process data.
    """
    from .spells import check_counting_process, split_spells

    missing = set(spell_rows["spell_id"]) - set(spells["spell_id"])
    if missing:
        raise HarmonizeError(f"mechanism_rows_for: spell rows of {len(missing)} spell(s) not in spells, "
                             f"e.g. {sorted(missing)[:5]}; pass the spells the rows were made from")
    clash = [c for c in (*PROVISION_COVARIATES, *MEDIATION_COVARIATES, *INTERVENTION_COVARIATES) if c in spell_rows]
    if clash:
        raise HarmonizeError(f"mechanism_rows_for: the rows already have {clash}; drop them first")
    sp = spells[spells["spell_id"].isin(set(spell_rows["spell_id"]))]
    pax_cols = [*PROVISION_COVARIATES, "pax_window_complete"]
    rows = split_spells(spell_rows, provision_changes(sp, pax, acd), key="spell_id", covariates=pax_cols)
    imi = intervention_changes(sp, months)
    rows = split_spells(rows, imi, key="spell_id", covariates=list(INTERVENTION_COVARIATES))
    n = len(rows)
    rows = rows.merge(mediation_covariates(sp, cwm, cwm_links), on="spell_id", how="left", validate="many_to_one")
    if len(rows) != n:  # pragma: no cover - validate= makes this impossible
        raise HarmonizeError("mechanism_rows_for: the mediation join changed the row count")
    for c in (*pax_cols, *INTERVENTION_COVARIATES):
        rows[c] = rows[c].astype("Int64")
    check_counting_process(rows)
    return rows
