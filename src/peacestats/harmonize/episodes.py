"""Armed-conflict episodes from the UCDP/PRIO Armed Conflict Dataset.

An *episode* is a run of a conflict's active years: UCDP starts a new episode
when a conflict becomes active again after at least one calendar year below 25
battle deaths, and gives its start date (``start_date2``) and, in its last
year, its end date (``ep_end_date``, with ``ep_end == 1``). peacestats keeps
UCDP's episodes as they are; the peace spells between them are built in
:mod:`peacestats.harmonize.spells`.

Verbs
-----
``create_episodes(acd)``
    One row per conflict episode.
``add_termination(episodes, term)``
    How each episode ended (UCDP Conflict Termination, through 2020).
``create_dyad_episodes(term_dyad)``
    The same at the dyad level (government vs one rebel group), from the UCDP
    Conflict Termination dyad file (1946-2020), with each episode's outcome.

Every ``add_*`` verb keeps the row count (asserted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import HarmonizeError

#: UCDP Conflict Termination outcome codes (Kreutz 2010).
OUTCOME_LABELS = {
    1: "peace agreement",
    2: "ceasefire",
    3: "government victory",
    4: "rebel victory",
    5: "low activity",
    6: "actor ceases to exist",
}

#: UCDP type_of_conflict codes.
CONFLICT_TYPES = {1: "extrasystemic", 2: "interstate", 3: "internal", 4: "internationalized internal"}
#: UCDP incompatibility codes.
INCOMPATIBILITIES = {1: "territory", 2: "government", 3: "government and territory"}


def _codes(value) -> tuple[int, ...]:
    """A code field as a sorted tuple of ints (accepts lists, tuples, ints, "2, 200" strings)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(sorted({int(v) for v in value}))
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    return tuple(sorted({int(p) for p in str(value).replace(" ", "").split(",") if p}))


def _check_rows_kept(before: pd.DataFrame, after: pd.DataFrame, verb: str) -> None:
    if len(before) != len(after):
        raise HarmonizeError(f"{verb} changed the number of rows from {len(before)} to {len(after)}")


def _episode_groups(d: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``d`` (sorted by conflict and year) in episode order, and each episode's first/last position.

    An episode is a (``conflict_id``, ``start_date2``) group, as ``groupby(..., sort=True)``
    would make it: groups in key order, rows in their order in ``d``, rows with a missing key left out.
    """
    keep = d["start_date2"].notna().to_numpy() & d["conflict_id"].notna().to_numpy()
    pos = np.flatnonzero(keep)
    cid = d["conflict_id"].to_numpy()[pos]
    start = d["start_date2"].to_numpy()[pos]
    order = pos[np.lexsort((pos, start, cid))]  # stable: rows of a group keep their order
    cid, start = d["conflict_id"].to_numpy()[order], d["start_date2"].to_numpy()[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (cid[1:] != cid[:-1]) | (start[1:] != start[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(order)) - 1
    return order, first, last


def _episode_rows(d: pd.DataFrame) -> list[dict]:
    """One dict per episode of the ACD frame ``d`` (sorted by conflict and year), checked.

    Raises :class:`HarmonizeError` for the first episode (in conflict and start order) whose
    ``ep_end == 1`` is not its last year only, or which ended with no end date.
    """
    order, first, last = _episode_groups(d)
    ep_end = (d["ep_end"].to_numpy()[order] == 1)
    years = d["year"].to_numpy()[order]
    n_ends = np.add.reduceat(ep_end.astype(np.int64), first) if len(order) else np.zeros(0, dtype=np.int64)
    ended = ep_end[last]
    end_dates = d["ep_end_date"].to_numpy()[order][last]
    bad_end = (n_ends > 1) | ((n_ends == 1) & ~ended)
    no_date = ended & np.isnat(end_dates)
    bad = np.flatnonzero(bad_end | no_date)
    if len(bad):
        i = bad[0]
        cid, start = d["conflict_id"].iat[order[first[i]]], d["start_date2"].iat[order[first[i]]]
        if bad_end[i]:
            g_years = years[first[i]:last[i] + 1]
            raise HarmonizeError(
                f"ucdp_acd: conflict {cid}, episode starting {start.date()}: ep_end == 1 in year(s) "
                f"{g_years[ep_end[first[i]:last[i] + 1]].tolist()} but the episode runs to {g_years[-1]}"
            )
        raise HarmonizeError(
            f"ucdp_acd: conflict {cid}, year {years[last[i]]}: ep_end == 1 but ep_end_date is missing; "
            "an ended episode needs an end date"
        )
    codes = [_codes(v) for v in d["gwno_loc"].to_numpy()[order]]
    intensity = d["intensity_level"].to_numpy()[order]
    max_intensity = np.maximum.reduceat(intensity, first) if len(order) else intensity
    lastrow = d.iloc[order[last]]
    col = {c: lastrow[c].tolist() for c in ("type_of_conflict", "incompatibility", "location", "region",
                                             "side_a", "side_b")}
    rows = []
    for i, (a, b) in enumerate(zip(first.tolist(), last.tolist())):
        region = col["region"][i]
        rows.append(
            {
                "conflict_id": int(d["conflict_id"].iat[order[a]]),
                "start_date": d["start_date2"].iat[order[a]],
                "end_date": pd.Timestamp(end_dates[i]) if ended[i] else pd.NaT,
                "ongoing": not bool(ended[i]),
                "first_year": int(years[a]),
                "last_year": int(years[b]),
                "n_active_years": b - a + 1,
                "max_intensity": int(max_intensity[i]),
                "type_of_conflict": int(col["type_of_conflict"][i]),
                "incompatibility": int(col["incompatibility"][i]),
                "location": str(col["location"][i]),
                "gwno_loc": tuple(sorted({c for cs in codes[a:b + 1] for c in cs})),
                "gwno_loc_primary": int(codes[b][0]) if codes[b] else pd.NA,
                "region": (str(region) if not isinstance(region, (list, tuple))
                           else ", ".join(map(str, region))),
                "side_a": str(col["side_a"][i]),
                "side_b": str(col["side_b"][i]),
            }
        )
    return rows


def create_episodes(acd: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per UCDP conflict episode.

    Parameters
    ----------
    acd
        The UCDP/PRIO ACD conflict-year frame (``peacestats.sources.load("ucdp_acd")``,
        loaded when omitted).

    Returns
    -------
    pandas.DataFrame
        Sorted by ``conflict_id`` and ``episode``, with columns

        - ``episode_id`` (int): ``conflict_id * 100 + episode``, as UCDP's ``conflictep_id``
        - ``conflict_id`` (int), ``episode`` (int, 1, 2, ... within the conflict)
        - ``start_date`` (datetime): the episode's start (ACD ``start_date2``)
        - ``end_date`` (datetime): its end (ACD ``ep_end_date``); NaT while ongoing
        - ``ongoing`` (bool): not ended by the last ACD year
        - ``first_year``, ``last_year``, ``n_active_years`` (int)
        - ``max_intensity`` (int, 1 minor / 2 war), ``war`` (bool)
        - ``type_of_conflict``, ``incompatibility`` (int, in the episode's last year)
        - ``location`` (str), ``gwno_loc`` (tuple of int: every GW code of the location
          in any year of the episode), ``gwno_loc_primary`` (int: the first code),
          ``region`` (str), ``side_a``, ``side_b`` (str, last year)
        - ``episode_days`` (int): days from start to end (to the end of the last ACD
          year while ongoing)

    Raises
    ------
    HarmonizeError
        An episode whose last row has ``ep_end == 1`` but no end date, an
        ``ep_end == 1`` row that is not the episode's last year, or an episode
        with several start dates.
    """
    if acd is None:
        from ..data import source as data_source

        acd = data_source("ucdp_acd")
    need = ["conflict_id", "year", "start_date2", "ep_end", "ep_end_date", "intensity_level",
            "type_of_conflict", "incompatibility", "location", "gwno_loc", "region", "side_a", "side_b"]
    missing = [c for c in need if c not in acd.columns]
    if missing:
        raise HarmonizeError(f"create_episodes: the ACD frame lacks columns {missing}")
    d = acd.sort_values(["conflict_id", "year"]).reset_index(drop=True)
    d["start_date2"] = pd.to_datetime(d["start_date2"])
    d["ep_end_date"] = pd.to_datetime(d["ep_end_date"])
    last_acd_year = int(d["year"].max())

    rows = _episode_rows(d)
    ep = pd.DataFrame(rows).sort_values(["conflict_id", "start_date"]).reset_index(drop=True)
    ep.insert(1, "episode", ep.groupby("conflict_id").cumcount() + 1)
    ep.insert(0, "episode_id", ep["conflict_id"] * 100 + ep["episode"])
    ep["war"] = ep["max_intensity"] == 2
    coverage_end = pd.Timestamp(f"{last_acd_year}-12-31")
    ep["episode_days"] = ((ep["end_date"].fillna(coverage_end)) - ep["start_date"]).dt.days.astype("int64")
    ep["gwno_loc_primary"] = ep["gwno_loc_primary"].astype("Int64")
    ep.attrs["coverage_end"] = coverage_end
    return ep


def add_termination(episodes: pd.DataFrame, term: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add how each episode ended, from the UCDP Conflict Termination Dataset (3-2021).

    The two datasets are matched on ``conflict_id`` and the year the episode
    ended (UCDP revises end dates between releases, so exact dates do not
    always agree; the year does). Episodes that ended after 2020, or are
    ongoing, get NA: the termination data do not cover them.

    Adds ``outcome`` (Int64, 1-6), ``outcome_label`` and ``term_end_date`` (the
    termination dataset's own end date).
    """
    if term is None:
        from ..data import source as data_source

        term = data_source("ucdp_term_conflict")
    t = term.copy()
    date_col = "ependdate" if "ependdate" in t.columns else "ep_end_date"
    ended = t[t["outcome"].notna()].copy()
    ended["end_year"] = pd.to_datetime(ended[date_col]).dt.year.fillna(ended["year"]).astype(int)
    ended = ended[["conflict_id", "end_year", "outcome", date_col]].rename(columns={date_col: "term_end_date"})
    dup = ended.duplicated(["conflict_id", "end_year"], keep=False)
    if dup.any():
        raise HarmonizeError(
            "ucdp_term_conflict: several terminations of one conflict in one year: "
            f"{ended.loc[dup, ['conflict_id', 'end_year']].drop_duplicates().to_dict('records')[:10]}"
        )
    out = episodes.copy()
    out["_end_year"] = out["end_date"].dt.year.astype("Int64")
    out = out.merge(ended.astype({"conflict_id": "int64", "end_year": "Int64"}),
                    left_on=["conflict_id", "_end_year"], right_on=["conflict_id", "end_year"],
                    how="left").drop(columns=["_end_year", "end_year"])
    out["outcome"] = out["outcome"].astype("Int64")
    out["outcome_label"] = pd.Categorical(out["outcome"].map(OUTCOME_LABELS), categories=list(OUTCOME_LABELS.values()))
    _check_rows_kept(episodes, out, "add_termination")
    return out


def create_dyad_episodes(term_dyad: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per UCDP *dyad* episode, with how it ended (UCDP Conflict Termination, dyad level).

    The dyad-level option for peace spells: a dyad is one government fighting one
    opposition actor; its episodes are UCDP's (``dyadep_id``), starting at
    ``start_date2`` and ending at ``ependdate`` in the row with ``dyadterm == 1``. The dyad
    file ends in 2020: episodes still active then are ongoing, and dyad-level spells are censored at 2020-12-31
    (``create_spells(..., recurrence="dyad", censor_date="2020-12-31")``).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`create_episodes` (``episode_id`` is UCDP's ``dyadep_id``,
        ``episode`` its ``dyadepisode``) plus ``dyad_id``, ``outcome``,
        ``outcome_label`` and ``end_date_unknown`` (terminated in the source but with no
        end date: no spell starts from such an episode; ``attrs["end_date_unknown"]``
        lists them).
    """
    if term_dyad is None:
        from ..data import source as data_source

        term_dyad = data_source("ucdp_term_dyad")
    d = term_dyad.sort_values(["dyad_id", "year"]).reset_index(drop=True)
    last_year = int(d["year"].max())
    rows = []
    # UCDP's own episode id; in four episodes start_date2 changes within the episode
    # (the first is kept) and in four dyadterm == 1 twice (the last end is kept).
    for epid, g in d.groupby("dyadep_id", sort=True):
        dyad, start = g["dyad_id"].iloc[0], g["start_date2"].iloc[0]
        term = g[g["dyadterm"] == 1]
        ended = len(term) > 0
        last = term.iloc[-1] if ended else g.iloc[-1]
        # Three terminated dyad episodes of 3-2021 have no end date (dyads 609, 657, 861):
        # their end is unknown, so they start no peace spell (listed in attrs, not guessed).
        unknown_end = ended and pd.isna(last["ependdate"])
        codes = sorted({c for v in g["gwno_loc"] for c in _codes(v)})
        rows.append({
            "episode_id": int(epid),
            "episode": int(last["dyadepisode"]),
            "dyad_id": int(dyad),
            "conflict_id": int(last["conflict_id"]),
            "start_date": pd.Timestamp(start),
            "end_date": last["ependdate"] if ended else pd.NaT,
            "ongoing": not ended,
            "end_date_unknown": bool(unknown_end),
            "first_year": int(g["year"].iloc[0]),
            "last_year": int(g["year"].iloc[-1]),
            "n_active_years": int(len(g)),
            "max_intensity": int(g["intensity_level"].max()),
            "type_of_conflict": int(last["type_of_conflict"]),
            "incompatibility": int(last["incompatibility"]),
            "location": str(last["location"]),
            "gwno_loc": tuple(codes),
            "gwno_loc_primary": int(_codes(last["gwno_loc"])[0]) if _codes(last["gwno_loc"]) else pd.NA,
            "side_a": str(last["side_a"]),
            "side_b": str(last["side_b"]),
            "outcome": last["outcome"] if ended else pd.NA,
        })
    ep = pd.DataFrame(rows).sort_values(["dyad_id", "episode"]).reset_index(drop=True)
    ep["war"] = ep["max_intensity"] == 2
    # Four dyad episodes (43202, 44001, 62601, 83101) have a low-precision start date
    # (start_prec2 = 4, a year-end or month placeholder) later than their precise end date;
    # their start is unknown, not the end: start_date becomes NA and is listed in attrs.
    bad_start = ep["end_date"].notna() & (ep["end_date"] < ep["start_date"])
    ep.attrs["start_date_unknown"] = ep.loc[bad_start, "episode_id"].tolist()
    ep.loc[bad_start, "start_date"] = pd.NaT
    coverage_end = pd.Timestamp(f"{last_year}-12-31")
    ep["episode_days"] = (ep["end_date"].fillna(coverage_end) - ep["start_date"]).dt.days.astype("Int64")
    ep.loc[ep["end_date_unknown"], "episode_days"] = pd.NA
    ep["gwno_loc_primary"] = ep["gwno_loc_primary"].astype("Int64")
    ep["outcome"] = ep["outcome"].astype("Int64")
    ep["outcome_label"] = pd.Categorical(ep["outcome"].map(OUTCOME_LABELS), categories=list(OUTCOME_LABELS.values()))
    ep.attrs["coverage_end"] = coverage_end
    ep.attrs["end_date_unknown"] = ep.loc[ep["end_date_unknown"], "episode_id"].tolist()
    return ep
