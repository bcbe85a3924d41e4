"""The multiverse results cache (peacestats.robustness.cache): keys, folders, pruning, damaged partitions."""

from __future__ import annotations

import json
import os
import time

import pandas as pd
import pytest

from peacestats.robustness import Multiverse, cache, run_multiverse
from peacestats.robustness import run as run_module


def test_key_changes_with_the_declaration_the_code_and_the_libraries(monkeypatch):
    a = Multiverse({"estimator": ["cox", "weibull"]})
    b = Multiverse({"estimator": ["cox"]})
    key = cache.cache_key(cache.key_info(a))
    assert key == cache.cache_key(cache.key_info(Multiverse({"estimator": ["cox", "weibull"]})))
    assert key != cache.cache_key(cache.key_info(b))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "0" * 64)
    assert cache.cache_key(cache.key_info(a)) != key
    code_only = cache.cache_key(cache.key_info(a))
    monkeypatch.setattr(cache, "_versions", lambda: {"numpy": "0"})
    assert cache.cache_key(cache.key_info(a)) not in (key, code_only)


def test_fingerprint_follows_every_file_but_bytecode(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "sub" / "table.csv").write_text("a,b\n1,2\n")
    root = tmp_path / "pkg"
    first = cache.code_fingerprint(root)
    assert len(first) == 64 and cache.code_fingerprint(root) == first
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"bytecode")
    assert cache.code_fingerprint(root) == first  # compiled files do not count
    (root / "sub" / "table.csv").write_text("a,b\n1,3\n")  # a resource changes: a new key
    changed = cache.code_fingerprint(root)
    assert changed != first
    (root / "sub" / "table.csv").rename(root / "table.csv")  # same bytes, another path: a new key
    assert cache.code_fingerprint(root) not in (first, changed)
    assert len(cache.code_fingerprint()) == 64  # the installed package


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
    assert json.loads((folder / "key.json").read_text())["code"] == cache.code_fingerprint()
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
