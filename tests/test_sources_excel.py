"""The Excel engine (python-calamine) gives the same frames as the pure-Python readers it replaced.

The two small Excel 97 workbooks (TPPM, IMI) and one Excel 2007 workbook (UCDP peace agreements)
are compared here; ``benchmarks/bench_loaders.py`` (``make bench``) compares and times all seven.
"""

from __future__ import annotations

import pandas as pd
import pytest

from peacestats import fetch, registry
from peacestats.sources import _base, load


@pytest.mark.parametrize("key", ["mullenbach_tppm", "imi", "ucdp_peace_agreements"])
def test_calamine_equals_the_reference_reader(mirror, key):
    ds = registry.get(key)
    path = fetch.require(key)
    fast = _base.read(key, path)
    ref = pd.read_excel(path, sheet_name=ds.sheet or 0, engine=_base.REFERENCE_EXCEL_ENGINES[ds.format])
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)


def test_loaders_read_with_calamine(mirror, monkeypatch):
    """The loaders go through the engine named in _base (so the comparison above covers them)."""
    seen = []
    real = pd.read_excel

    def spy(*args, **kwargs):
        seen.append(kwargs.get("engine"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pd, "read_excel", spy)
    load("mullenbach_tppm", cache=False)  # parsed, not read back from the parsed-source cache
    assert seen == ["calamine"]
