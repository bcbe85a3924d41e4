"""The multiverse results cache (peacestats.robustness.cache): keys, folders, pruning, damaged partitions."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest

from peacestats.robustness import Multiverse, cache, run_multiverse
from peacestats.robustness import run as run_module


def test_key_changes_with_the_declaration_and_the_code(monkeypatch):
    a = Multiverse({"estimator": ["cox", "weibull"]})
    b = Multiverse({"estimator": ["cox"]})
    assert cache.cache_key(a) == cache.cache_key(Multiverse({"estimator": ["cox", "weibull"]}))
    assert cache.cache_key(a) != cache.cache_key(b)
    before = cache.cache_key(a)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "0" * 64)
    assert cache.cache_key(a) != before
    monkeypatch.setattr(cache, "_versions", lambda: {"numpy": "0"})
    assert cache.cache_key(a) != before


def test_fingerprint_covers_the_package_files():
    fp = cache.code_fingerprint()
    assert len(fp) == 64 and fp == cache.code_fingerprint()


def test_folder_off_and_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PEACESTATS_NO_CACHE", "1")
    assert cache.results_folder(Multiverse({"estimator": ["cox"]})) is None
    monkeypatch.delenv("PEACESTATS_NO_CACHE")
    root = tmp_path / "multiverse"
    old = []
    for i in range(4):  # folders of other code versions, used 2-5 hours ago
        p = root / f"old{i}"
        p.mkdir(parents=True)
        t = time.time() - 3600 * (2 + i)
        os.utime(p, (t, t))
        old.append(p)
    recent = root / "recent"  # another code version used a minute ago: maybe still being written
    recent.mkdir()
    os.utime(recent, (time.time() - 60,) * 2)
    folder = cache.results_folder(Multiverse({"estimator": ["cox"]}))
    assert folder is not None and folder.parent == root and (folder / "key.json").is_file()
    left = {p.name for p in root.iterdir()}
    # the current folder, the KEEP (2) most recent others, and nothing used within the hour removed
    assert left == {folder.name, "recent", "old0"}


def test_damaged_partition_is_refitted(built_tables, tmp_path):
    mv = Multiverse({"presence": ["un_present"], "recurrence": ["conflict"], "estimator": ["cox", "weibull"]})
    first = run_multiverse(mv, workers=0, output=tmp_path, processed=built_tables, chunk_size=1, progress=False)
    parts = sorted((tmp_path / "specs").glob("part-*.parquet"))
    assert len(parts) == 2
    parts[0].write_bytes(b"PAR1 not a parquet file")
    with pytest.warns(RuntimeWarning, match="cannot read"):
        again = run_multiverse(mv, workers=0, output=tmp_path, processed=built_tables, chunk_size=1,
                               progress=False)
    assert again.attrs["fitted_now"] == 1
    pd.testing.assert_frame_equal(again, first)
    assert not list(tmp_path.glob("specs/.*.tmp"))  # no temporary file left behind
    assert run_module._read_parts(tmp_path / "specs") is not None
