"""The minimum-gap spells (``min_gap_spells``): read from the built tables, identical to rebuilding them.

``min_gap_spells`` makes the spells with ``create_spells`` and takes their covariates and rows
from the built tables when every spell is one of the built table's; it is checked against the
rebuild (``create_spells`` + ``add_spell_covariates`` + ``spell_rows_for``) on the real
episodes, and it must rebuild whenever the episodes are not those the tables were built from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from peacestats.robustness import ucdp_peace


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
    calls = []
    monkeypatch.setattr(ucdp_peace, "rebuild_min_gap_spells", lambda *a: calls.append(a) or ("s", "r"))
    spells, _ = ucdp_peace.min_gap_spells(ep, 730, built_tables)  # the episodes the tables were built from
    assert len(calls) == 0 and len(spells) > 0
    moved = ep.copy()
    i = int(np.flatnonzero((moved["end_date"] - moved["start_date"]) > pd.Timedelta(days=1))[0])
    moved.loc[i, "end_date"] -= pd.Timedelta(days=1)  # another spell start: the built table is not these spells
    assert ucdp_peace.min_gap_spells(moved, 730, built_tables) == ("s", "r") and len(calls) == 1
    recoded = ep.copy()
    recoded["war"] = ~recoded["war"]  # same dates, another episode column
    assert ucdp_peace.min_gap_spells(recoded, 730, built_tables) == ("s", "r") and len(calls) == 2
