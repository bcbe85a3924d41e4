"""Conflict episodes and peace spells on the real ACD 25.1, and property tests of the splitter.

Expected counts were read off the ACD by hand-checked rules: an episode is a
(conflict_id, start_date2) group; it has ended when its last row has ep_end == 1.
The counts below are recomputed independently in `_independent_counts` from the
raw CSV (csv module, no pandas), so a change in the code cannot move both.
"""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacestats.errors import HarmonizeError
from peacestats.harmonize.episodes import add_termination, create_episodes
from peacestats.harmonize.spells import (
    check_counting_process,
    create_spells,
    split_spells,
    step_function,
)


@pytest.fixture(scope="module")
def acd():
    from peacestats.sources import load

    return load("ucdp_acd")


@pytest.fixture(scope="module")
def episodes(acd):
    return create_episodes(acd)


def _independent_counts(mirror):
    """Episodes and conflict-level spells straight from the CSV with the csv module."""
    eps: dict[tuple[str, str], list[dict]] = {}
    with open(mirror / "ucdp_acd" / "UcdpPrioConflict_v25_1.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            eps.setdefault((row["conflict_id"], row["start_date2"]), []).append(row)
    ended = {k: max(v, key=lambda r: int(r["year"])) for k, v in eps.items()}
    ended = {k: r for k, r in ended.items() if r["ep_end"] == "1"}
    failures = 0
    for (cid, _start2), r in ended.items():
        end = r["ep_end_date"]
        later = [s for (c, s) in eps if c == cid and s > end]
        failures += bool(later)
    return len(eps), len(ended), failures


def test_episode_and_spell_counts_match_an_independent_count(episodes, mirror):
    n_eps, n_ended, n_fail = _independent_counts(mirror)
    assert (n_eps, n_ended, n_fail) == (620, 559, 317)
    assert len(episodes) == n_eps
    assert (~episodes["ongoing"]).sum() == n_ended
    sp = create_spells(episodes)
    assert len(sp) == n_ended
    assert sp["failed"].sum() == n_fail


def test_alternative_rules(episodes):
    """The numbers the README quotes for each rule."""
    got = {
        (rec, gap): (len(s), int(s["failed"].sum()))
        for rec in ("conflict", "location")
        for gap in (0, 730)
        for s in [create_spells(episodes, recurrence=rec, min_gap_days=gap)]
    }
    assert got == {
        ("conflict", 0): (559, 317),
        ("conflict", 730): (497, 255),
        ("location", 0): (343, 276),
        ("location", 730): (253, 186),
    }


def test_location_spells_are_unique(episodes):
    """Two conflicts whose episodes end on the same day in one location start one peace period.

    ACD 25.1: Iran's conflicts 205 and 206 both end 1946-12-16 (GW 630); 205 and 338 both end
    1988-12-31; Burma's 222 and 231 both end 1992-12-31 (GW 775); conflicts 256 and 257 (Morocco
    and Mauritania, GW 435 and 600) both end 1958-06-30; Ethiopia's 329 with 363 (1996-12-31) and
    with 413 (2016-12-31). Each pair gives one spell, the lower episode id's, naming the other.
    """
    sp = create_spells(episodes, recurrence="location").set_index("spell_id")
    merged = {k: v for k, v in sp["also_ended_conflicts"].items() if len(v)}
    assert merged == {20501: (206,), 20503: (338,), 22202: (231,), 25601: (257,), 32904: (363,), 32905: (413,)}
    key = sp["ep_gwno_loc"].map(lambda c: tuple(sorted(c))).astype(str) + sp["start_date"].astype(str)
    assert not key.duplicated().any()


def test_cambodia_by_hand(episodes):
    """Conflict 300 (Cambodia): episodes 1967-05-31..1975-04-17 and 1978-12-30..1998-10-03.

    Read off the ACD rows of conflict 300: start_date2 1967-05-31 with ep_end_date
    1975-04-17 (1975 row), then start_date2 1978-12-30 with ep_end_date 1998-10-03.
    Spell 1: 1975-04-17 -> 1978-12-30 (1,353 days, failed); spell 2: 1998-10-03 ->
    censored 2024-12-31 (9,586 days).
    """
    e = episodes[episodes["conflict_id"] == 300]
    assert e["start_date"].dt.date.tolist() == [date(1967, 5, 31), date(1978, 12, 30)]
    assert e["end_date"].dt.date.tolist() == [date(1975, 4, 17), date(1998, 10, 3)]
    assert e["war"].tolist() == [True, True]
    assert e["gwno_loc"].tolist() == [(811,), (811,)]
    sp = create_spells(episodes)
    s = sp[sp["conflict_id"] == 300]
    assert s["start_date"].dt.date.tolist() == [date(1975, 4, 17), date(1998, 10, 3)]
    assert s["stop_date"].dt.date.tolist() == [date(1978, 12, 30), date(2024, 12, 31)]
    assert s["duration_days"].tolist() == [1353, 9586]
    assert s["failed"].tolist() == [1, 0]
    assert s["next_episode_id"].tolist()[0] == 30002


def test_spell_invariants(episodes):
    for rec in ("conflict", "location"):
        sp = create_spells(episodes, recurrence=rec)
        assert (sp["start_date"] < sp["stop_date"]).all()
        assert sp["spell_id"].is_unique
        assert (sp["stop_date"] <= pd.Timestamp("2024-12-31")).all()
        # no overlapping spells within a conflict
        for _, g in sp.sort_values("start_date").groupby("conflict_id"):
            assert (g["start_date"].iloc[1:].to_numpy() >= g["stop_date"].iloc[:-1].to_numpy()).all()


def test_termination_outcomes_join(episodes):
    from peacestats.sources import load

    ep = add_termination(episodes, load("ucdp_term_conflict"))
    assert len(ep) == len(episodes)
    # Cambodia: first episode ended in a rebel victory (Khmer Rouge, 1975), the second in a
    # government victory (1998), per UCDP Termination 3-2021 (outcome 4 and 3)
    assert ep.loc[ep["conflict_id"] == 300, "outcome"].tolist() == [4, 3]
    ended_by_2020 = ep["end_date"].dt.year <= 2020
    assert ep.loc[~ended_by_2020, "outcome"].isna().all()
    assert ep.loc[ended_by_2020, "outcome"].notna().sum() == 517


def test_bad_episode_inputs(acd):
    a = acd.copy()
    i = a.index[(a["conflict_id"] == 300) & (a["year"] == 1975)][0]
    a.loc[i, "ep_end_date"] = pd.NaT
    with pytest.raises(HarmonizeError, match="conflict 300, year 1975: ep_end == 1 but ep_end_date is missing"):
        create_episodes(a)
    b = acd.copy()
    j = b.index[(b["conflict_id"] == 300) & (b["year"] == 1970)][0]
    b.loc[j, "ep_end"] = 1
    with pytest.raises(HarmonizeError, match="conflict 300"):
        create_episodes(b)


def test_episode_ending_before_it_starts(episodes):
    ep = episodes.copy()
    k = ep.index[ep["episode_id"] == 30001][0]
    ep.loc[k, "end_date"] = pd.Timestamp("1960-01-01")
    with pytest.raises(HarmonizeError, match="episode 30001: ends"):
        create_spells(ep)


# ----------------------------------------------------------------------------- splitter
def _toy():
    sp = pd.DataFrame({
        "spell_id": [1, 2], "gwcode": [811, 451],
        "start_date": pd.to_datetime(["1991-10-23", "1999-01-01"]),
        "stop_date": pd.to_datetime(["1995-06-01", "2000-03-15"]), "failed": [1, 0],
    })
    panel = pd.DataFrame({
        "gwcode": [811] * 4 + [451] * 2,
        "date": pd.to_datetime(["1992-03-01", "1992-04-01", "1992-05-01", "1993-09-01", "1999-10-01", "1999-11-01"]),
        "troops": [100, 200, 200, 50, 10, 20],
    })
    return sp, panel


def test_split_by_hand():
    sp, panel = _toy()
    ch = step_function(panel, key="gwcode", date="date", covariates=["troops"], fill={"troops": 0})
    r = split_spells(sp, ch, key="gwcode", covariates=["troops"], fill={"troops": 0})
    s1 = r[r["spell_id"] == 1]
    # 1991-10-23 + 130 days = 1992-03-01; months with no row in the panel are 0 troops
    assert s1["start"].tolist() == [0, 130, 161, 222, 679, 709]
    assert s1["stop"].tolist() == [130, 161, 222, 679, 709, 1317]
    assert s1["troops"].tolist() == [0, 100, 200, 0, 50, 0]
    assert s1["event"].tolist() == [0, 0, 0, 0, 0, 1]
    assert r[r["spell_id"] == 2]["event"].sum() == 0
    check_counting_process(r)


def test_split_rejects_change_dates_that_are_not_dates():
    """A change date such as inf becomes NaT: a typed error naming the column and row, not a merge error."""
    sp, panel = _toy()
    ch = step_function(panel, key="gwcode", date="date", covariates=["troops"], fill={"troops": 0})
    ch["date"] = ch["date"].astype("datetime64[ns]").astype("int64").astype(float)  # as nanoseconds
    ch.loc[ch.index[1], "date"] = float("inf")  # pd.to_datetime reads it as NaT
    with pytest.raises(HarmonizeError, match=rf"'date' at row {ch.index[1]} is not a date \(inf\)"):
        split_spells(sp, ch, key="gwcode", covariates=["troops"], fill={"troops": 0})


def test_check_counting_process_rejects_bad_rows():
    r = pd.DataFrame({"spell_id": [1, 1], "start": [0, 5], "stop": [10, 20], "event": [0, 1]})
    with pytest.raises(HarmonizeError, match="overlapping"):
        check_counting_process(r)
    r = pd.DataFrame({"spell_id": [1, 1], "start": [0, 10], "stop": [10, 20], "event": [1, 0]})
    with pytest.raises(HarmonizeError, match="not its spell's last row"):
        check_counting_process(r)
    r = pd.DataFrame({"spell_id": [1], "start": [3], "stop": [3], "event": [0]})
    with pytest.raises(HarmonizeError, match="start >= stop"):
        check_counting_process(r)


@st.composite
def spells_and_changes(draw):
    n = draw(st.integers(1, 6))
    base = pd.Timestamp("2000-01-01")
    spells, changes = [], []
    for i in range(n):
        start = base + pd.Timedelta(days=draw(st.integers(0, 2000)))
        length = draw(st.integers(1, 3000))
        spells.append({"spell_id": i, "key": i % 3, "start_date": start,
                       "stop_date": start + pd.Timedelta(days=length), "failed": draw(st.integers(0, 1))})
    for k in range(3):
        days = sorted(set(draw(st.lists(st.integers(-500, 6000), max_size=8))))
        for d in days:
            changes.append({"key": k, "date": base + pd.Timedelta(days=d), "x": draw(st.integers(0, 5))})
    ch = pd.DataFrame(changes, columns=["key", "date", "x"])
    return pd.DataFrame(spells), ch


def _value_at(ch: pd.DataFrame, key: int, when: pd.Timestamp, fill: int) -> int:
    c = ch[(ch["key"] == key) & (ch["date"] <= when)]
    return int(c.sort_values("date")["x"].iloc[-1]) if len(c) else fill


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spells_and_changes())
def test_split_properties(data):
    sp, ch = data
    r = split_spells(sp, ch, key="key", covariates=["x"], fill={"x": -1})
    check_counting_process(r)
    # durations and events are preserved
    total = r.assign(d=r["stop"] - r["start"]).groupby("spell_id")["d"].sum()
    by_spell = sp.set_index("spell_id")
    days = (by_spell["stop_date"] - by_spell["start_date"]).dt.days.sort_index().to_numpy()
    assert (total.sort_index().to_numpy() == days).all()
    assert r.groupby("spell_id")["event"].sum().sort_index().tolist() == by_spell["failed"].sort_index().tolist()
    # every row starts at 0 or at a change point, and carries the step function's value there
    for _, row in r.iterrows():
        assert row["x"] == _value_at(ch, row["key"], row["start_date"], -1)
    # rows are split only where the covariate could change: every inner boundary is a change date
    inner = r[r["start"] > 0]
    for _, row in inner.iterrows():
        assert ((ch["key"] == row["key"]) & (ch["date"] == row["start_date"])).any()


@settings(max_examples=50, deadline=None)
@given(spells_and_changes())
def test_split_twice_is_split_once(data):
    """Splitting already-split rows by the same changes adds no rows (idempotent)."""
    sp, ch = data
    r1 = split_spells(sp, ch, key="key", covariates=["x"], fill={"x": -1})
    r2 = split_spells(r1, ch, key="key", covariates=["x"], fill={"x": -1})
    cols = ["spell_id", "start", "stop", "event", "x"]
    pd.testing.assert_frame_equal(r1[cols], r2[cols])


def test_step_function_keeps_reported_missing_values_missing():
    """Months absent from the panel take the fill value; a month present with NA stays NA."""
    panel = pd.DataFrame({
        "gwcode": [811, 811, 811],
        "date": pd.to_datetime(["1992-03-01", "1992-04-01", "1992-06-01"]),
        "troops": [100.0, float("nan"), 50.0],
    })
    ch = step_function(panel, key="gwcode", date="date", covariates=["troops"], fill={"troops": 0})
    assert ch["date"].dt.strftime("%Y-%m").tolist() == ["1992-03", "1992-04", "1992-05", "1992-06", "1992-07"]
    vals = ch["troops"].tolist()
    assert vals[0] == 100 and pd.isna(vals[1]) and vals[2:] == [0, 50, 0]


def test_dyad_level_option(mirror):
    """Dyad episodes from UCDP Termination 3-2021 (dyad file) and dyad-level spells.

    Independent count: the xlsx read with pandas has 916 distinct (dyad_id, dyadepisode)
    pairs (its dyadep_id column is rounded in 366 rows, so it is not counted directly).
    Dyad 644 (Cambodia: government vs Khmer Rouge) ended in 1975 (rebel victory), fought
    again from 1979-12-31 to 1998-10-24 (government victory): two spells, the first failed.
    """
    from peacestats.harmonize.episodes import create_dyad_episodes

    raw = pd.read_excel(mirror / "ucdp_termination" / "ucdp-term-dyad-3-2021.xlsx")
    ep = create_dyad_episodes()
    assert len(ep) == len(raw[["dyad_id", "dyadepisode"]].drop_duplicates()) == 916
    assert ep["episode_id"].is_unique
    # source gaps are listed, not guessed
    assert ep.attrs["end_date_unknown"] == [60901, 65705, 86102]
    assert ep.attrs["start_date_unknown"] == [43202, 44001, 62601, 83101]
    sp = create_spells(ep, recurrence="dyad", censor_date="2020-12-31")
    assert (len(sp), int(sp["failed"].sum())) == (845, 265)
    s = sp[sp["dyad_id"] == 644]
    assert s["start_date"].dt.date.tolist() == [date(1975, 4, 17), date(1998, 10, 24)]
    assert s["stop_date"].dt.date.tolist() == [date(1979, 12, 31), date(2020, 12, 31)]
    assert s["failed"].tolist() == [1, 0]
    assert s["ep_outcome_label"].astype(str).tolist() == ["rebel victory", "government victory"]
    with pytest.raises(HarmonizeError, match="needs a 'dyad_id' column"):
        create_spells(create_episodes(), recurrence="dyad")
