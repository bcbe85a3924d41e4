"""The R fixtures: every kept ``tests/data/<name>_r.json`` is what ``tests/r/<name>.R`` writes.

Without R (CI) only the layout is checked; with ``Rscript`` on PATH each script is rerun
into a temporary folder and its numbers compared with the kept file (1e-9 relative), so a
fixture cannot drift from the script that documents it.
"""

from __future__ import annotations

import pytest
import rfixtures

NAMES = rfixtures.names()


def test_every_script_has_its_fixture_and_reads_as_json():
    scripts = sorted(p.stem for p in rfixtures.SCRIPTS.glob("*.R") if not p.stem.startswith("_"))
    # scripts that write data rather than golden values (competing_data.R writes competing_sim.csv)
    data_writers = {"competing_data"}
    assert sorted(set(scripts) - data_writers) == NAMES
    for name in NAMES:
        kept = rfixtures.load(name)
        assert isinstance(kept, dict) and set(kept) - rfixtures.VERSION_KEYS, name
        assert f'out_path("{name}")' in (rfixtures.SCRIPTS / f"{name}.R").read_text(), name


def test_assert_same_finds_differences():
    rfixtures.assert_same({"a": [1.0, None, "x"], "versions": 1}, {"a": [1.0 + 1e-12, None, "x"], "versions": 2})
    with pytest.raises(AssertionError, match=r"/a\[0\]"):
        rfixtures.assert_same({"a": [1.001]}, {"a": [1.0]})
    with pytest.raises(AssertionError, match="keys differ"):
        rfixtures.assert_same({"a": 1}, {"b": 1})


@pytest.mark.needs_r
@pytest.mark.skipif(not rfixtures.have_r(), reason="Rscript is not on PATH (the kept JSON fixtures are used)")
@pytest.mark.parametrize("name", NAMES)
def test_live_r_reproduces_the_kept_fixture(name, tmp_path):
    rfixtures.assert_same(rfixtures.regenerate(name, tmp_path), rfixtures.load(name), where=name)
