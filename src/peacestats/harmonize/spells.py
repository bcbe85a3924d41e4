"""Peace spells after armed-conflict episodes, in counting-process form.

A *peace spell* begins when a conflict episode ends (UCDP's ``ep_end_date``)
and lasts until the conflict becomes active again (failure) or the data end
(censored at the end of ACD coverage, 2024-12-31 for ACD 25.1).

Recurrence rules
----------------
``recurrence="conflict"`` (default)
    Failure is the start of the next episode of the *same* conflict.
``recurrence="dyad"``
    For dyad episodes (:func:`~peacestats.harmonize.episodes.create_dyad_episodes`):
    failure is the next episode of the same dyad. The dyad data end in 2020, so
    pass ``censor_date="2020-12-31"``.
``recurrence="location"``
    Failure is the start of the next episode of *any* conflict in the same
    location (sharing a Gleditsch-Ward code of ``gwno_loc``). An episode that
    ends while another conflict in the location is still active starts no
    location-level peace spell (there is no peace in the location yet). Episodes
    of several conflicts in the location that end on the same day start one
    spell (the lowest episode id's), whose ``also_ended_conflicts`` names the
    other conflicts, so no peace period is counted twice.
``min_gap_days``
    A recurrence sooner than this many days after the end does not count:
    the two episodes are treated as one period of conflict, so that spell is
    dropped and the next spell starts when the later episode ends. UCDP's own
    episode rule already requires a full calendar year below 25 deaths, so the
    default is 0.

Counting-process form
---------------------
:func:`split_spells` splits each spell into ``(start, stop]`` rows wherever a
time-varying covariate changes (an operation linked to the spell's conflict present,
personnel, mission type, peace agreement signed; presence comes from
:func:`peacestats.harmonize.linkage.presence_changes`). Time is measured in days since
the spell began; the event flag is 1 only on a failed spell's last row. In R::

    coxph(Surv(start, stop, event) ~ un_present + cluster(conflict_id), data = rows)

and in Stata::

    stset stop, id(spell_id) time0(start) failure(event)

(``time0()`` marks where each row's interval begins on multi-row data; every
spell enters at time 0, so no ``enter()`` is needed.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import HarmonizeError

#: The end of ACD 25.1 coverage: spells still at peace then are censored.
ACD_COVERAGE_END = pd.Timestamp("2024-12-31")

SPELL_COLUMNS = ["spell_id", "conflict_id", "episode_id", "gwno_loc_primary", "start_date", "stop_date",
                 "duration_days", "failed", "next_episode_id", "next_conflict_id"]


def _label(v):
    """A numpy scalar as the plain Python value, for readable messages."""
    return v.item() if isinstance(v, np.generic) else v


def _need(df: pd.DataFrame, what: str, columns, dates=(), numbers=(), complete=()) -> None:
    """Raise :class:`HarmonizeError` naming missing columns, text in date or number columns, or
    missing values in the ``complete`` columns."""
    import difflib

    if not isinstance(df, pd.DataFrame):
        raise HarmonizeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in dict.fromkeys([*columns, *dates, *numbers]) if c not in df.columns]
    if missing:
        close = {c: difflib.get_close_matches(str(c), [str(x) for x in df.columns], n=2) for c in missing}
        hint = "; ".join(f"{c!r} (did you mean {', '.join(map(repr, m))}?)" if m else repr(c) for c, m in close.items())
        raise HarmonizeError(f"{what}: no column {hint} in the data frame; add it or rename the column.")
    for c in dates:
        if not pd.api.types.is_datetime64_any_dtype(df[c]):
            bad = df[c].dropna()
            row = f"; row {_label(bad.index[0])!r} holds {bad.iloc[0]!r}" if len(bad) else ""
            raise HarmonizeError(
                f"{what}: column {c!r} must hold dates (datetime64), not {df[c].dtype}{row}. "
                f"Convert it first: df[{c!r}] = pd.to_datetime(df[{c!r}])."
            )
    for c in complete:
        if df[c].isna().any():
            row = _label(df.index[df[c].isna().to_numpy()][0])
            raise HarmonizeError(f"{what}: column {c!r} is missing at row {row!r}; every row needs it. "
                                 "Fill or drop those rows first.")
    for c in numbers:
        if not pd.api.types.is_numeric_dtype(df[c]):
            bad = df[c].dropna()
            row = f"; row {_label(bad.index[0])!r} holds {bad.iloc[0]!r}" if len(bad) else ""
            raise HarmonizeError(
                f"{what}: column {c!r} must be numeric, not {df[c].dtype}{row}. "
                f"Convert it first: df[{c!r}] = pd.to_numeric(df[{c!r}])."
            )


def create_spells(
    episodes: pd.DataFrame,
    *,
    recurrence: str = "conflict",
    min_gap_days: int = 0,
    censor_date: str | pd.Timestamp = ACD_COVERAGE_END,
) -> pd.DataFrame:
    """One peace spell per terminated episode.

    Parameters
    ----------
    episodes
        From :func:`peacestats.harmonize.episodes.create_episodes` (with any ``add_*``
        columns, which are carried along as the spell's time-constant covariates).
    recurrence
        ``"conflict"`` or ``"location"`` (see the module docstring).
    min_gap_days
        Minimum days of peace before a recurrence counts (default 0).
    censor_date
        Spells still at peace on this date are censored there.

    Returns
    -------
    pandas.DataFrame
        One row per spell: ``spell_id`` (the ended episode's ``episode_id``),
        ``conflict_id``, ``episode_id``, ``gwno_loc_primary``, ``start_date``,
        ``stop_date``, ``duration_days``, ``failed`` (0/1), ``next_episode_id`` and
        ``next_conflict_id`` (the recurrence, NA when censored), ``recurrence``, then
        the episode's columns prefixed ``ep_`` (``ep_outcome``, ``ep_war``, ...).
    """
    if recurrence not in {"conflict", "dyad", "location"}:
        raise ValueError(f"recurrence must be 'conflict', 'dyad' or 'location', not {recurrence!r}")
    unit = "dyad_id" if recurrence == "dyad" else "conflict_id"
    if isinstance(episodes, pd.DataFrame) and unit not in episodes.columns:
        raise HarmonizeError(
            f"recurrence={recurrence!r} needs a {unit!r} column (dyad episodes come from create_dyad_episodes)"
        )
    _need(episodes, "create_spells", ["episode_id", "conflict_id", unit, "gwno_loc", "gwno_loc_primary"],
          dates=["start_date", "end_date"])
    if min_gap_days < 0:
        raise ValueError("min_gap_days must be >= 0")
    censor_date = pd.Timestamp(censor_date)
    ep = episodes.sort_values([unit, "start_date"]).reset_index(drop=True)
    bad = ep["end_date"].notna() & (ep["end_date"] < ep["start_date"])
    if bad.any():
        r = ep[bad].iloc[0]
        raise HarmonizeError(
            f"episode {r['episode_id']}: ends ({r['end_date'].date()}) before it starts ({r['start_date'].date()})"
        )

    ended = ep[ep["end_date"].notna() & (ep["end_date"] < censor_date)]
    starts = ep[["episode_id", *dict.fromkeys(["conflict_id", unit]), "start_date", "end_date", "gwno_loc"]]

    rows = []
    # the episodes a recurrence can be, as arrays (one scan per ended episode, no frame filtering)
    st_unit = starts[unit].to_numpy()
    st_start = starts["start_date"].to_numpy()
    st_end = starts["end_date"].to_numpy()
    st_eid = starts["episode_id"].to_numpy()
    st_cid = starts["conflict_id"].to_numpy()
    st_codes = [set(c) for c in starts["gwno_loc"]] if recurrence == "location" else []
    # for each GW code, the episodes whose location has it (one OR per code of an ended episode)
    by_code: dict = {}
    for j, cs in enumerate(st_codes):
        for c in cs:
            by_code.setdefault(c, np.zeros(len(st_codes), dtype=bool))[j] = True
    nowhere = np.zeros(len(st_codes), dtype=bool)
    # location rule: episodes of several conflicts in one location that end on the same day
    # start one peace period, not several (one spell, the lowest episode id, names the others)
    same_peace: dict[pd.Timestamp, list[tuple[set, dict]]] = {}
    for _, e in ended.sort_values("episode_id").iterrows():
        end = e["end_date"]
        end64 = np.datetime64(end)
        if recurrence == "location":
            codes = set(e["gwno_loc"])
            twin = next((r for c, r in same_peace.get(end, []) if c & codes), None)
            if twin is not None:
                twin["also_ended_conflicts"] = tuple(sorted({*twin["also_ended_conflicts"], int(e["conflict_id"])}))
                continue
        if recurrence in ("conflict", "dyad"):
            cand = (st_unit == e[unit]) & (st_start > end64)
        else:
            same_loc = nowhere.copy()
            for c in codes:
                same_loc |= by_code.get(c, nowhere)
            # another conflict still active in the location when this episode ends: no peace yet
            active = same_loc & (st_eid != e["episode_id"]) & (st_start <= end64) & (
                np.isnat(st_end) | (st_end > end64)
            )
            if active.any():
                continue
            cand = same_loc & (st_start > end64)
        if cand.any():
            pos = np.flatnonzero(cand)
            i = pos[np.lexsort((st_eid[pos], st_start[pos]))[0]]  # the earliest start, then the lowest id
            stop, failed = pd.Timestamp(st_start[i]), 1
            nxt_ep, nxt_c = int(st_eid[i]), int(st_cid[i])
            if stop > censor_date:
                stop, failed, nxt_ep, nxt_c = censor_date, 0, pd.NA, pd.NA
        else:
            stop, failed, nxt_ep, nxt_c = censor_date, 0, pd.NA, pd.NA
        if failed and (stop - end).days < min_gap_days:
            continue  # too short a peace to count: the two episodes are one period of conflict
        row = {
                "spell_id": int(e["episode_id"]),
                "conflict_id": int(e["conflict_id"]),
                "episode_id": int(e["episode_id"]),
                "gwno_loc_primary": e["gwno_loc_primary"],
                "start_date": end,
                "stop_date": stop,
                "duration_days": int((stop - end).days),
                "failed": int(failed),
                "next_episode_id": nxt_ep,
                "next_conflict_id": nxt_c,
                "also_ended_conflicts": (),
            }
        rows.append(row)
        if recurrence == "location":
            same_peace.setdefault(end, []).append((set(e["gwno_loc"]), row))
    sp = pd.DataFrame(rows, columns=[*SPELL_COLUMNS, "also_ended_conflicts"])
    if recurrence != "location":
        sp = sp.drop(columns="also_ended_conflicts")
    if recurrence == "dyad":
        sp.insert(2, "dyad_id", [int(e) // 100 for e in sp["episode_id"]])
    for c in ("next_episode_id", "next_conflict_id", "gwno_loc_primary"):
        sp[c] = sp[c].astype("Int64")
    sp["recurrence"] = recurrence
    zero = sp["duration_days"] <= 0
    if zero.any():
        raise HarmonizeError(
            f"spells {sp.loc[zero, 'spell_id'].tolist()[:10]} have zero or negative length; "
            "check the episode dates"
        )
    # time-constant covariates: the ended episode's columns
    extra = [c for c in ep.columns if c not in {"conflict_id", "episode", "dyad_id"}]
    epcols = ep[extra].rename(columns={c: f"ep_{c}" for c in extra if c != "episode_id"})
    sp = sp.merge(epcols, on="episode_id", how="left")
    sp.attrs.update({"recurrence": recurrence, "min_gap_days": min_gap_days, "censor_date": censor_date})
    return sp.sort_values("spell_id").reset_index(drop=True)


# ----------------------------------------------------------------------------- splitting
def step_function(
    panel: pd.DataFrame,
    *,
    key: str,
    date: str,
    covariates: Sequence[str],
    fill: Mapping[str, object] | None = None,
    freq: str = "MS",
) -> pd.DataFrame:
    """Turn a regular panel (e.g. host-month) into the change points of a step function.

    Periods absent from ``panel`` take the ``fill`` values (e.g. 0 troops when no
    mission is present), so that a mission's arrival and departure are change
    points. A value that is present but missing (NA: personnel not reported)
    stays NA; it is not filled.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``date`` and the covariates, one row per change: each value holds
        from its date until the next row of the same key.
    """
    fill = dict(fill or {})
    covariates = list(covariates)
    _need(panel, "step_function", [key, *covariates], dates=[date])
    offset = pd.tseries.frequencies.to_offset(freq)
    if _monthly_grid_applies(panel, key, date, offset):
        res = _step_function_monthly(panel, key, date, covariates, fill)
    else:
        res = _step_function_by_key(panel, key, date, covariates, fill, offset)
        if res is None:
            return pd.DataFrame(columns=[key, date, *covariates])
    for c in covariates:  # back to the panel's dtypes where they hold
        try:
            res[c] = res[c].astype(panel[c].dtype)
        except (TypeError, ValueError):
            pass
    return res


def _change_rows(full: pd.DataFrame, first: np.ndarray) -> np.ndarray:
    """Rows of ``full`` where any value differs from the row before (``first``: a key's first row).

    Two missing values count as equal. As in every version of this code, the missing values
    of ``full`` are set to ``None`` in place when ``to_numpy`` returns a view (one block).
    """
    vals = full.to_numpy(dtype=object)
    vals[pd.isna(vals)] = None  # None == None, unlike NaN or pd.NA
    differs = np.ones(len(vals), dtype=bool)
    if len(vals) > 1:
        differs[1:] = (vals[1:] != vals[:-1]).any(axis=1)
    return differs | first


def _step_function_by_key(panel, key, date, covariates, fill, offset) -> pd.DataFrame | None:
    """:func:`step_function` one key at a time, for any frequency (``None`` for an empty panel)."""
    out = []
    for k, g in panel.sort_values([key, date]).groupby(key, sort=True):
        g = g.drop_duplicates(date, keep="last").set_index(date)[covariates]
        # one period past the last observed one, so that the step back to `fill` is recorded
        idx = pd.date_range(g.index.min(), g.index.max() + offset, freq=offset)
        full = g.astype(object).reindex(idx)
        absent = ~idx.isin(g.index)
        for c in covariates:
            if c in fill:
                full.loc[absent, c] = fill[c]
        first = np.zeros(len(full), dtype=bool)
        first[:1] = True
        part = full[_change_rows(full, first)].rename_axis(date).reset_index()
        part.insert(0, key, k)
        out.append(part)
    return pd.concat(out, ignore_index=True) if out else None


def _monthly_grid_applies(panel: pd.DataFrame, key: str, date: str, offset) -> bool:
    """True when :func:`_step_function_monthly` gives exactly what :func:`_step_function_by_key`
    gives: month-start periods, dates that are month starts (nanoseconds, no time zone, none
    missing), int64 or text keys with none missing."""
    d, k = panel[date], panel[key]
    if not len(panel) or offset != pd.offsets.MonthBegin(1) or d.dtype != "datetime64[ns]" or d.isna().any():
        return False
    if k.dtype not in (np.dtype("int64"), np.dtype(object)):
        return False
    if k.isna().any() or (k.dtype == object and not all(isinstance(v, str) for v in k)):
        return False
    return bool(((d.dt.day == 1) & (d == d.dt.normalize())).all())


def _step_function_monthly(panel, key, date, covariates, fill) -> pd.DataFrame:
    """:func:`step_function` for monthly panels, every key at once (one reindex, no loop over keys)."""
    g = panel.sort_values([key, date]).drop_duplicates([key, date], keep="last")
    months = (g[date].dt.year.to_numpy() - 1970) * 12 + g[date].dt.month.to_numpy() - 1  # numpy months
    keys, pos = np.unique(g[key].to_numpy(), return_inverse=True)
    lo = np.full(len(keys), np.iinfo(np.int64).max)
    hi = np.full(len(keys), np.iinfo(np.int64).min)
    np.minimum.at(lo, pos, months)
    np.maximum.at(hi, pos, months)
    n = hi - lo + 2  # one month past the last observed one, so that the step back to `fill` is recorded
    starts = np.repeat(np.cumsum(n) - n, n)
    grid_month = np.repeat(lo, n) + (np.arange(n.sum()) - starts)
    grid = pd.MultiIndex.from_arrays(
        [np.repeat(keys, n), (grid_month.astype("datetime64[M]")).astype("datetime64[ns]")], names=[key, date])
    obj = g.set_index([key, date])[covariates]
    full = obj.astype(object).reindex(grid)
    absent = obj.index.get_indexer(grid) < 0
    for c in covariates:
        if c in fill:
            full.loc[absent, c] = fill[c]
    first = np.zeros(len(full), dtype=bool)
    first[np.cumsum(n) - n] = True
    return full[_change_rows(full, first)].reset_index()


def split_spells(
    rows: pd.DataFrame,
    changes: pd.DataFrame,
    *,
    key: str,
    date: str = "date",
    covariates: Sequence[str],
    fill: Mapping[str, object] | None = None,
    spell_key: str | None = None,
) -> pd.DataFrame:
    """Split spells (or already-split rows) wherever a time-varying covariate changes.

    Parameters
    ----------
    rows
        Spells from :func:`create_spells`, or counting-process rows from an earlier
        call: needs ``spell_id``, ``start_date``, ``stop_date``, ``failed`` (spells)
        or ``event`` (rows), and the ``spell_key`` column.
    changes
        A step function: ``key``, ``date`` and ``covariates``; each value holds
        from its date until the next row of the same key (see :func:`step_function`).
    key
        The key column in ``changes`` (e.g. ``"gwcode"`` or ``"conflict_id"``).
    spell_key
        The column of ``rows`` matched to ``key`` (default: the same name).
    fill
        Values before a key's first change point, or for keys absent from ``changes``.

    Returns
    -------
    pandas.DataFrame
        Counting-process rows: ``spell_id``, ``start_date``, ``stop_date``, ``start``,
        ``stop`` (days since the spell began), ``event`` (1 only on a failed spell's
        last row), the input columns, and the covariates as they were at each row's
        start. Sorted by ``spell_id`` and ``start``.
    """
    spell_key = spell_key or key
    fill = dict(fill or {})
    flag = "event" if "event" in getattr(rows, "columns", ()) else "failed"
    _need(rows, "split_spells: rows", ["spell_id", spell_key], dates=["start_date", "stop_date"],
          numbers=[flag], complete=["start_date", "stop_date", flag])
    _need(changes, "split_spells: changes", [key, date, *covariates], complete=[date])
    r = rows.copy()
    if "event" not in r.columns:
        r["event"] = r["failed"].astype(int)
    if "spell_start_date" not in r.columns:
        r["spell_start_date"] = r["start_date"]
    if (r["stop_date"] <= r["start_date"]).any():
        bad = r[r["stop_date"] <= r["start_date"]].iloc[0]
        raise HarmonizeError(
            f"spell {bad['spell_id']}: stop_date {bad['stop_date']} is not after start_date {bad['start_date']}"
        )
    ch = changes[[key, date, *covariates]].copy()
    try:
        ch[date] = pd.to_datetime(ch[date])
    except (TypeError, ValueError) as exc:
        raise HarmonizeError(f"split_spells: changes column {date!r} does not hold dates ({exc}); "
                             f"fix it or convert it with pd.to_datetime first.") from None
    if ch[date].isna().any():  # values such as inf become NaT, which no merge can match
        row = ch.index[ch[date].isna()][0]
        raise HarmonizeError(f"split_spells: changes column {date!r} at row {row} is not a date "
                             f"({changes.loc[row, date]}); fix or drop that row.")
    if ch[date].dtype != r["start_date"].dtype:  # one resolution (ns, us, s) for the as-of merge
        ch[date] = ch[date].astype(r["start_date"].dtype)
    if len(ch) == 0 or ch[key].dtype != r[spell_key].dtype:
        try:
            if len(ch) and (pd.api.types.is_datetime64_any_dtype(ch[key])
                            != pd.api.types.is_datetime64_any_dtype(r[spell_key])):
                raise TypeError("dates cannot match non-dates")
            ch[key] = ch[key].astype(r[spell_key].dtype)
        except (TypeError, ValueError) as exc:
            raise HarmonizeError(
                f"split_spells: the changes' {key!r} ({ch[key].dtype}) cannot be matched to the rows' "
                f"{spell_key!r} ({r[spell_key].dtype}): {exc}. Give both the same type."
            ) from None
    ch = ch.sort_values([key, date])
    if ch.duplicated([key, date]).any():
        raise HarmonizeError(f"split_spells: the change table repeats ({key}, {date}) pairs")

    # 1. cut points strictly inside each row's interval
    r["_row"] = np.arange(len(r))
    cuts = r[["_row", spell_key, "start_date", "stop_date"]].merge(
        ch[[key, date]].rename(columns={key: spell_key, date: "_cut"}), on=spell_key, how="inner"
    )
    cuts = cuts[(cuts["_cut"] > cuts["start_date"]) & (cuts["_cut"] < cuts["stop_date"])]
    bounds = pd.concat(
        [r[["_row", "start_date"]].rename(columns={"start_date": "_b"}),
         cuts[["_row", "_cut"]].rename(columns={"_cut": "_b"}),
         r[["_row", "stop_date"]].rename(columns={"stop_date": "_b"})]
    ).drop_duplicates().sort_values(["_row", "_b"])
    bounds["_next"] = bounds.groupby("_row")["_b"].shift(-1)
    pieces = bounds.dropna(subset=["_next"])
    out = pieces.merge(r.drop(columns=["start_date", "stop_date"]), on="_row", how="left")
    out = out.rename(columns={"_b": "start_date", "_next": "stop_date"})
    # event only on the last piece of a row
    last = out.groupby("_row")["stop_date"].transform("max") == out["stop_date"]
    out["event"] = np.where(last, out["event"], 0).astype(int)

    # 2. covariate values at each piece's start: the last change on or before it
    out = out.sort_values("start_date")
    ch_sorted = ch.rename(columns={key: spell_key, date: "_chdate"}).sort_values("_chdate")
    drop_old = [c for c in covariates if c in out.columns]
    out = out.drop(columns=drop_old)
    if out[spell_key].isna().any():
        raise HarmonizeError(f"split_spells: rows with no {spell_key!r}")
    out = pd.merge_asof(out, ch_sorted, left_on="start_date", right_on="_chdate", by=spell_key, direction="backward")
    for c in covariates:
        if c in fill:
            v = fill[c]
            out[c] = out[c].where(out[c].notna() | out["_chdate"].notna(), v)
    out = out.drop(columns=["_chdate", "_row"])
    out["start"] = (out["start_date"] - out["spell_start_date"]).dt.days.astype("int64")
    out["stop"] = (out["stop_date"] - out["spell_start_date"]).dt.days.astype("int64")
    lead = ["spell_id", "start", "stop", "event", "start_date", "stop_date"]
    out = out[lead + [c for c in out.columns if c not in lead]]
    return out.sort_values(["spell_id", "start"]).reset_index(drop=True)


def check_counting_process(rows: pd.DataFrame) -> None:
    """Raise :class:`HarmonizeError` unless ``rows`` is valid counting-process data.

    Checks: ``start < stop``; rows of a spell are contiguous and do not overlap;
    at most one event per spell, and only on its last row.
    """
    _need(rows, "check_counting_process", ["spell_id"], numbers=["start", "stop", "event"])
    r = rows.sort_values(["spell_id", "start"])
    if (r["start"] >= r["stop"]).any():
        ids = r.loc[r["start"] >= r["stop"], "spell_id"].unique()[:10].tolist()
        raise HarmonizeError(f"rows with start >= stop in spells {ids}")
    prev_stop = r.groupby("spell_id")["stop"].shift()
    gap = prev_stop.notna() & (prev_stop != r["start"])
    if gap.any():
        ids = r.loc[gap, "spell_id"].unique()[:10].tolist()
        raise HarmonizeError(f"overlapping or non-contiguous rows in spells {ids}")
    last = r.groupby("spell_id")["stop"].transform("max") == r["stop"]
    if (r.loc[~last, "event"] != 0).any():
        raise HarmonizeError("an event on a row that is not its spell's last row")
    if (r.groupby("spell_id")["event"].sum() > 1).any():
        raise HarmonizeError("a spell with more than one event")


#: Peace-agreement provisions carried as time-varying spell covariates (UCDP PA names -> ours).
AGREEMENT_PROVISIONS = {
    "third_party": "pa_third_party",  # a third party (mediator, facilitator or witness) named in pa_3rd
    "pko": "pa_pko",                  # provision for a peacekeeping operation
    "ddr": "pa_ddr",                  # disarmament, demobilisation and reintegration
    "intarmy": "pa_army_integration",  # integration of rebels into the army
    "withd": "pa_withdrawal",          # withdrawal of foreign forces
}
AGREEMENT_COLUMNS = ["pa_signed", *AGREEMENT_PROVISIONS.values()]


def agreement_changes(spells: pd.DataFrame, agreements: pd.DataFrame) -> pd.DataFrame:
    """Peace agreements as a step function per spell, for :func:`split_spells` (``key="spell_id"``).

    An agreement counts for a spell when it was signed for the spell's conflict
    between the start of the episode that preceded the spell and the end of the
    spell. The indicators are cumulative: ``pa_signed`` is 1 from the first such
    agreement on; ``pa_third_party`` (UCDP's ``pa_3rd`` names a third party that
    mediated, facilitated or witnessed the agreement: our measure of mediation), ``pa_pko``,
    ``pa_ddr``, ``pa_army_integration`` and ``pa_withdrawal`` are 1 from the first
    agreement with that provision on. Agreements that name several conflicts
    count for each of them.

    Parameters
    ----------
    spells
        From :func:`create_spells` (needs ``ep_start_date``).
    agreements
        UCDP Peace Agreements (``peacestats.sources.load("ucdp_peace_agreements")``):
        ``conflict_id`` (int or list of int), ``pa_date``, ``pa_3rd`` (text: who
        mediated, NA if nobody), ``pko``, ``ddr``, ``intarmy``, ``withd`` (0/1).
    """
    from .episodes import _codes

    pa = agreements.copy()
    pa["conflict_id"] = pa["conflict_id"].map(_codes)
    pa = pa.explode("conflict_id").dropna(subset=["conflict_id"])
    pa["conflict_id"] = pa["conflict_id"].astype("int64")
    pa["pa_date"] = pd.to_datetime(pa["pa_date"])
    third = (pa["pa_3rd"] if "pa_3rd" in pa else pa["third_party"]).astype("string").str.strip()
    # pa_3rd names the third parties (mediators, facilitators, witnesses); one agreement says "No"
    pa["third_party"] = third.notna() & (third != "") & ~third.str.lower().isin(["no", "none"])
    for src in ("pko", "ddr", "intarmy", "withd"):
        pa[src] = pd.to_numeric(pa[src], errors="coerce").fillna(0).astype(int) == 1
    sp = spells[["spell_id", "conflict_id", "ep_start_date", "start_date", "stop_date"]]
    m = sp.merge(pa[["conflict_id", "pa_date", *AGREEMENT_PROVISIONS]], on="conflict_id", how="inner")
    m = m[(m["pa_date"] >= m["ep_start_date"]) & (m["pa_date"] < m["stop_date"])]
    # an agreement signed before the spell began takes effect at its start
    m["date"] = m[["pa_date", "start_date"]].max(axis=1)
    m = m.sort_values(["spell_id", "date"])
    g = m.groupby("spell_id")
    out = pd.DataFrame({"spell_id": m["spell_id"], "date": m["date"], "pa_signed": 1})
    for src, name in AGREEMENT_PROVISIONS.items():
        out[name] = g[src].cummax().astype(int)
    out = out.groupby(["spell_id", "date"], as_index=False).last()
    return out.reset_index(drop=True)


#: Country covariates attached to each spell (values of the year before the spell began).
COUNTRY_COVARIATES = {
    "gdp_rgdppc": "real GDP per capita, 2005 US$ (Gleditsch 6.0; 1950-2011)",
    "gdp_pop": "population, thousands (Gleditsch 6.0; 1950-2011)",
    "polity2": "Polity5 polity2 score, -10..10 (to 2018)",
    "creg_ethfrac": "ethnic fractionalization (CREG; 1945-2013)",
    "newlmtnest": "log of mountainous terrain (Fearon & Laitin / Gibler & Miller; time-invariant)",
}


def add_spell_covariates(spells: pd.DataFrame, stateyears: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add country covariates measured in the calendar year before each spell began.

    The location is the episode's primary Gleditsch-Ward code (``gwno_loc_primary``).
    Values come from a state-year panel built with :mod:`peacestats.harmonize.panels`
    (``create_stateyears() | add_gdp | add_polity | add_creg | add_rugged``); a spell
    whose year lies outside a source's coverage gets NA (see :data:`COUNTRY_COVARIATES`).
    Adds the columns of :data:`COUNTRY_COVARIATES` plus ``log_gdppc`` and ``log_pop``.
    Keeps the row count.
    """
    if stateyears is None:
        from .panels import add_creg, add_gdp, add_polity, add_rugged, create_stateyears

        stateyears = (create_stateyears(start=1945, end=2024)
                      .pipe(add_gdp).pipe(add_polity).pipe(add_creg).pipe(add_rugged))
    sy = stateyears[["gwcode", "year", *COUNTRY_COVARIATES]].copy()
    sy["gwcode"] = sy["gwcode"].astype("Int64")
    sy["year"] = sy["year"].astype("int64")
    out = spells.copy()
    out["_year"] = (out["start_date"].dt.year - 1).astype("int64")
    out = out.merge(sy.rename(columns={"gwcode": "gwno_loc_primary", "year": "_year"}),
                    on=["gwno_loc_primary", "_year"], how="left").drop(columns="_year")
    out["log_gdppc"] = np.log(out["gdp_rgdppc"].astype(float))
    out["log_pop"] = np.log(out["gdp_pop"].astype(float))
    if len(out) != len(spells):
        raise HarmonizeError(f"add_spell_covariates changed the number of rows ({len(spells)} -> {len(out)})")
    return out
