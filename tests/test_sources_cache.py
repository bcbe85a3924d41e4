"""The parsed-source cache (peacestats.sources._cache): exact round trips, damage, bypass, keys."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pandas as pd
import pytest

from peacestats import registry
from peacestats.sources import LOADERS, _cache, load


@pytest.fixture
def cache(tmp_path, monkeypatch, mirror):
    """A private, empty cache folder; the spy records which loads were cache hits."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(folder))
    monkeypatch.delenv("PEACESTATS_NO_CACHE", raising=False)
    hits = []
    real = _cache.read_entry

    def spy(parquet, sidecar):
        out = real(parquet, sidecar)
        hits.append(out is not None)
        return out

    monkeypatch.setattr(_cache, "read_entry", spy)
    return folder, hits


def _entries(folder, key):
    return sorted(folder.glob(f"{key}-*.parquet"))


@pytest.mark.parametrize("key", registry.keys())
def test_cached_frame_equals_the_parsed_frame(key, cache):
    folder, hits = cache
    fresh = load(key, cache=False)
    first = load(key)  # parsed, then written
    again = load(key)  # read back from parquet
    assert hits == [False, True]
    assert len(_entries(folder, key)) == 1
    for df in (first, again):
        pd.testing.assert_frame_equal(df, fresh, check_dtype=True, check_exact=True)
        assert df.attrs == fresh.attrs
    for c in fresh.columns[fresh.dtypes == np.dtype(object)]:  # NaN, None and pd.NA stay what they were
        assert [type(v) for v in again[c]] == [type(v) for v in fresh[c]], c


def test_every_loader_module_has_a_version():
    for key in registry.keys():
        mod = importlib.import_module(f"peacestats.sources.{LOADERS.get(key, key)}")
        assert isinstance(getattr(mod, "LOADER_VERSION", None), int), mod.__name__


@pytest.mark.parametrize("damage", [
    lambda p, s: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),           # truncated
    lambda p, s: p.write_bytes(p.read_bytes()[:100] + b"X" + p.read_bytes()[101:]),  # one byte changed
    lambda p, s: s.write_text("{not json"),                                          # sidecar garbled
    lambda p, s: s.unlink(),                                                          # sidecar lost
    lambda p, s: p.write_bytes(b""),                                                  # emptied
], ids=["truncated", "byte", "sidecar", "no-sidecar", "empty"])
def test_a_damaged_entry_is_parsed_again_and_rewritten(damage, cache):
    folder, hits = cache
    fresh = load("cwm", cache=False)
    load("cwm")
    (parquet,) = _entries(folder, "cwm")
    sidecar = parquet.with_suffix(".json")
    damage(parquet, sidecar)
    got = load("cwm")
    assert hits == [False, False]
    pd.testing.assert_frame_equal(got, fresh, check_dtype=True, check_exact=True)
    meta = json.loads(sidecar.read_text())
    assert meta["key"] == "cwm" and meta["raw_sha256"] == registry.get("cwm").sha256
    assert load("cwm") is not None and hits[-1] is True


def test_bypass_by_option_and_environment(cache, monkeypatch):
    folder, hits = cache
    load("gw_states", cache=False)
    monkeypatch.setenv("PEACESTATS_NO_CACHE", "1")
    load("gw_states")
    assert hits == [] and not folder.exists()


def test_the_key_holds_the_loader_version_and_the_options(cache, monkeypatch):
    folder, hits = cache
    from peacestats.sources import mullenbach_tppm

    load("mullenbach_tppm")
    load("mullenbach_tppm", corrected=False)  # another entry, not the corrected frame
    pd.testing.assert_frame_equal(load("mullenbach_tppm", corrected=False),
                                  mullenbach_tppm.load(corrected=False))
    monkeypatch.setattr(mullenbach_tppm, "LOADER_VERSION", mullenbach_tppm.LOADER_VERSION + 1)
    load("mullenbach_tppm")
    assert hits == [False, False, True, False]
    assert len(_entries(folder, "mullenbach_tppm")) == 3


def test_calls_with_a_path_or_a_patched_loader_are_not_cached(cache, monkeypatch):
    folder, hits = cache
    from peacestats import fetch
    from peacestats.sources import creg

    load("creg", path=fetch.require("creg"))
    monkeypatch.setattr(creg, "load", lambda: pd.DataFrame({"x": [1]}))
    assert load("creg").equals(pd.DataFrame({"x": [1]}))
    assert hits == [] and not _entries(folder, "creg")


def test_an_unwritable_cache_folder_costs_only_the_speed(tmp_path, monkeypatch, mirror):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(blocker / "cache"))
    pd.testing.assert_frame_equal(load("rugged"), load("rugged", cache=False))


def test_a_frame_that_does_not_round_trip_is_not_cached(tmp_path):
    parquet, sidecar = tmp_path / "x.parquet", tmp_path / "x.json"
    mixed = pd.DataFrame({"a": ["text", 3, None]})  # text and a number in one object column
    assert _cache.write_entry(mixed, parquet, sidecar, {"key": "x"}) is False
    assert not parquet.exists() and not sidecar.exists()
    fine = pd.DataFrame({"a": ["text", None], "b": [[1, 2], []], "c": pd.array([1, None], dtype="Int64")})
    assert _cache.write_entry(fine, parquet, sidecar, {"key": "x"}) is True
    back = _cache.read_entry(parquet, sidecar)
    pd.testing.assert_frame_equal(back, fine, check_dtype=True, check_exact=True)
    assert back["a"].iloc[1] is None and back["b"].iloc[1] == []


@pytest.mark.parametrize(("cells", "expected"), [
    (["a", None, "b"], {"kind": "text", "na": "None"}),
    (["a", pd.NA], {"kind": "text", "na": "NA"}),
    (["a", float("nan")], {"kind": "text", "na": "nan"}),
    (["a", np.float64("nan")], {"kind": "text", "na": "nan"}),  # a float subclass's NaN is missing too
    ([float("nan")], {"kind": "text", "na": "nan"}),
    (["a", "b"], {"kind": "text", "na": None}),
    ([[1, 2], []], {"kind": "list"}),
    ([], {"kind": "list"}),
    (["a", None, pd.NA], None),  # two kinds of missing value
    (["a", 1.5], None),  # a float that is a value
    (["a", 3], None),
    ([[1, 2], None], None),
    ([[1.0]], None),
    ([[True]], None),  # bool is not int here
    ([np.str_("a")], None),
])
def test_object_columns_are_stored_by_kind(cells, expected):
    assert _cache._column_codec(pd.Series(cells, dtype=object)) == expected


def test_object_cells_are_compared_with_their_types():
    codec = {"columns": {"t": {"kind": "text", "na": "None"}, "l": {"kind": "list"}}}
    a = pd.DataFrame({"t": pd.Series(["a", None, "b"], dtype=object), "l": pd.Series([[1], [2], []], dtype=object)})
    assert _cache._same_objects(a, a.copy(), codec)
    assert not _cache._same_objects(a, a.assign(t=pd.Series(["a", float("nan"), "b"], dtype=object)), codec)
    assert not _cache._same_objects(a, a.assign(t=pd.Series(["a", None, "c"], dtype=object)), codec)
    assert not _cache._same_objects(a, a.assign(l=pd.Series([[1], [2], [3]], dtype=object)), codec)
