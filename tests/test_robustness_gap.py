"""The minimum-gap spells (``min_gap_spells``): read from the built tables, identical to rebuilding them.

``conflict_spell_ends`` is ``create_spells``' conflict rule in numpy; it is checked against
``create_spells`` on edge cases (ties, ongoing episodes, recurrences after the censoring date,
episodes that start on the day another ends). ``min_gap_spells`` is checked against the
rebuild (``create_spells`` + ``add_spell_covariates`` + ``spell_rows_for``) on the real
episodes, and it must rebuild whenever the episodes are not those the tables were built from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peacestats.harmonize.spells import create_spells
from peacestats.robustness import ucdp_peace

COLS = ["spell_id", "start_date", "stop_date", "duration_days", "failed"]


def _episodes(rows: list[tuple[int, int, str, str | None]]) -> pd.DataFrame:
    """Episodes (id, conflict, start, end) with the columns ``create_spells`` needs."""
    return pd.DataFrame({
        "episode_id": [r[0] for r in rows], "conflict_id": [r[1] for r in rows],
        "start_date": pd.to_datetime([r[2] for r in rows]), "end_date": pd.to_datetime([r[3] for r in rows]),
        "gwno_loc": [[500] for _ in rows], "gwno_loc_primary": pd.array([500] * len(rows), dtype="Int64"),
    })


EDGE = [
    (1, 10, "1990-01-01", "1990-06-30"),
    (2, 10, "1991-03-01", "1991-05-01"),  # recurrence of 1 after 244 days
    (3, 10, "1995-01-01", None),  # ongoing: recurrence of 2, no spell of its own
    (4, 20, "2000-01-01", "2000-12-31"),
    (6, 20, "2003-01-01", "2003-02-01"),  # ties with 5 on the start: the lower id (5) is the recurrence
    (5, 20, "2003-01-01", "2003-03-01"),
    (7, 30, "2010-05-05", "2024-06-01"),
    (8, 30, "2025-02-01", "2025-03-01"),  # recurrence after the censoring date: 7 is censored
    (9, 40, "2001-01-01", "2001-01-31"),
    (10, 40, "2001-01-31", "2001-05-31"),  # starts the day 9 ends: not a recurrence of 9 (start > end)
    (11, 40, "2002-05-31", "2024-12-31"),  # ends on the censoring date: no spell
    (12, 50, "2020-01-01", "2022-12-31"),  # the conflict's last episode: censored
    (13, 60, "2023-01-01", "2023-06-01"),
    (14, 60, "2024-12-31", "2025-01-05"),  # starts on the censoring date: a failure on that day
]


@pytest.mark.parametrize("min_gap", [0, 365, 730])
def test_conflict_spell_ends_equal_create_spells(min_gap):
    ep = _episodes(EDGE)
    ends = ucdp_peace.conflict_spell_ends(ep)
    ref = create_spells(ep, min_gap_days=min_gap)[COLS].reset_index(drop=True)
    keep = ((ends["failed"] == 0) | (ends["duration_days"] >= min_gap)).to_numpy()
    got = ends[keep].reset_index(drop=True)
    assert got["spell_id"].tolist() == ref["spell_id"].tolist()
    for c in COLS:
        assert np.array_equal(got[c].to_numpy(), ref[c].to_numpy(got[c].dtype)), c
    assert 0 < len(got) < len(EDGE)


def test_conflict_spell_ends_random_episodes_equal_create_spells():
    rng = np.random.default_rng(7)
    rows, eid = [], 1
    for conflict in range(40):
        day = pd.Timestamp("1980-01-01") + pd.Timedelta(days=int(rng.integers(0, 3000)))
        for _ in range(int(rng.integers(1, 6))):
            start = day + pd.Timedelta(days=int(rng.integers(0, 900)))
            end = start + pd.Timedelta(days=int(rng.integers(0, 400)))
            rows.append((eid, conflict, str(start.date()), None if rng.random() < 0.05 else str(end.date())))
            eid, day = eid + 1, end
    ep = _episodes(rows)
    ref = create_spells(ep)[COLS].reset_index(drop=True)
    got = ucdp_peace.conflict_spell_ends(ep)
    for c in COLS:
        assert np.array_equal(got[c].to_numpy(), ref[c].to_numpy(got[c].dtype)), c


def test_conflict_spell_ends_declines_what_create_spells_must_judge():
    bad = _episodes([(1, 10, "1990-01-01", "1989-06-30")])
    assert ucdp_peace.conflict_spell_ends(bad) is None  # ends before it starts: create_spells raises
    noon = _episodes([(1, 10, "1990-01-01", "1990-06-30")])
    noon["end_date"] += pd.Timedelta(hours=12)
    assert ucdp_peace.conflict_spell_ends(noon) is None  # not whole days


def test_min_gap_spells_equal_the_rebuild(built_tables: Path):
    from peacestats.build import read_table

    ep = read_table("episodes", built_tables)
    spells, rows = ucdp_peace.min_gap_spells(ep, 730, built_tables)
    ref_spells, ref_rows = ucdp_peace.rebuild_min_gap_spells(ep, 730, built_tables)
    pd.testing.assert_frame_equal(spells, ref_spells, check_exact=True)
    pd.testing.assert_frame_equal(rows, ref_rows, check_exact=True)
    assert spells.attrs == ref_spells.attrs and rows.attrs == ref_rows.attrs
    assert 0 < len(spells) < len(read_table("spells", built_tables))


def test_min_gap_spells_rebuild_from_other_episodes(built_tables: Path, monkeypatch):
    from peacestats.build import read_table

    ep = read_table("episodes", built_tables)
    spells = read_table("spells", built_tables)
    assert ucdp_peace._built_from(spells, ep)
    moved = ep.copy()
    i = int(np.flatnonzero(moved["end_date"].notna())[0])
    moved.loc[i, "end_date"] -= pd.Timedelta(days=1)  # another spell start: the built table is not these spells
    assert not ucdp_peace._built_from(spells, moved)
    recoded = ep.copy()
    recoded["war"] = ~recoded["war"]  # same dates, another episode column
    assert not ucdp_peace._built_from(spells, recoded)
    calls = []
    monkeypatch.setattr(ucdp_peace, "rebuild_min_gap_spells", lambda *a: calls.append(a) or ("s", "r"))
    assert ucdp_peace.min_gap_spells(recoded, 730, built_tables) == ("s", "r") and len(calls) == 1
