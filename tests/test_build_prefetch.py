"""The forked process that parses a cold build's sources ahead of its tables (peacestats.sources._prefetch)."""

from __future__ import annotations

import functools
import importlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from peacestats._background import Background
from peacestats.sources import LOADERS, _prefetch, load


def _count_parses(monkeypatch, log: Path, keys) -> None:
    """Make each loader of ``keys`` append its key to ``log`` when it parses (in whichever process)."""
    for key in keys:
        mod = importlib.import_module(f"peacestats.sources.{LOADERS.get(key, key)}")
        by_key = getattr(mod, "LOAD_BY_KEY", {})
        original = by_key.get(key, mod.load)

        @functools.wraps(original)  # keeps __module__: the parsed-source cache still takes it as the loader
        def counted(*args, _original=original, _key=key, **kwargs):
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{_key} {os.getpid()}\n")
            return _original(*args, **kwargs)

        if key in by_key:
            monkeypatch.setitem(by_key, key, counted)
        else:
            monkeypatch.setattr(mod, "load", counted)


def _parses(log: Path) -> list[str]:
    return sorted(line.split()[0] for line in log.read_text(encoding="utf-8").splitlines()) if log.exists() else []


def test_the_child_skips_a_source_another_process_holds(tmp_path, mirror, monkeypatch):
    """A source locked by another process (the build parsing it) is left to it; the next one is parsed."""
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / "cache"))
    with tempfile.TemporaryFile() as locks:
        assert _prefetch._try_lock(locks.fileno(), 0)  # this process holds slot 0 (rugged)
        Background(functools.partial(_prefetch._run_child, ("rugged", "gw_states"), locks.fileno())).result()
        _prefetch._unlock(locks.fileno(), 0)
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir() if p.suffix == ".json")
    assert cached == ["gw_states"]


def test_a_lock_held_elsewhere_is_seen_and_released(tmp_path):
    """The record locks are per process: held by a child, another process cannot take them until released."""
    with tempfile.TemporaryFile() as locks:
        fd = locks.fileno()
        r, w = os.pipe()
        go_r, go_w = os.pipe()

        def hold() -> bool:
            _prefetch._try_lock(fd, 3)
            os.write(w, b"x")
            os.read(go_r, 1)  # hold the lock until the parent says so
            return True

        job = Background(hold)
        assert os.read(r, 1) == b"x"
        assert not _prefetch._try_lock(fd, 3)
        assert _prefetch._try_lock(fd, 2)  # another slot is free
        os.write(go_w, b"x")
        assert job.result() is True  # the child has exited: its lock is gone
        assert _prefetch._try_lock(fd, 3)
        for x in (r, w, go_r, go_w):
            os.close(x)


@pytest.mark.parametrize("order", [("rugged", "gw_states"), ("gw_states", "rugged")])
def test_the_build_and_the_child_parse_each_source_once(tmp_path, mirror, monkeypatch, order):
    """Whether the build waits for the child or parses a source itself, each source is parsed once, and the
    frames equal those parsed without the cache."""
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / "cache"))
    log = tmp_path / "parses.log"
    keys = ("gw_states", "rugged")
    _count_parses(monkeypatch, log, keys)
    job = _prefetch.Prefetch(keys)
    frames = {}
    for key in order:
        with job.loading(key):
            frames[key] = load(key)
    job.finish()
    assert _parses(log) == sorted(keys)
    monkeypatch.undo()
    for key in keys:
        pd.testing.assert_frame_equal(frames[key], load(key, cache=False), check_exact=True)


def test_without_a_fork_nothing_is_locked_and_finish_parses_the_rest(tmp_path, mirror, monkeypatch):
    """Where nothing can be forked, loading() is a plain load and finish() fills the cache here."""
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(Background, "_start", lambda self: None)  # as on a system without fork
    job = _prefetch.Prefetch(("gw_states", "rugged"))
    with job.loading("gw_states"):
        load("gw_states")
    job.finish()
    assert _prefetch.all_cached(("gw_states", "rugged"))


def test_a_cold_build_in_two_processes_parses_each_source_once(tmp_path, mirror, monkeypatch):
    """The build, the prefetching child and a forked table never parse one source twice; same bytes as one process."""
    from peacestats.build import build
    from peacestats.fetch import sha256sum

    tables = ["episodes", "intervention_months", "leader_exits"]
    keys = ("ucdp_acd", "ucdp_term_conflict", "imi", "archigos", "gw_states", "cow_states")
    hashes = {}
    for jobs in ("1", "2"):
        log = tmp_path / f"parses{jobs}.log"
        with monkeypatch.context() as m:
            _count_parses(m, log, keys)
            m.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / f"cache{jobs}"))
            m.setenv("PEACESTATS_BUILD_JOBS", jobs)
            build(tmp_path / jobs, tables=tables, echo=lambda *a: None)
        hashes[jobs] = {p.name: sha256sum(p) for p in sorted((tmp_path / jobs).iterdir())}
        assert _parses(log) == sorted(keys)
    assert hashes["1"] == hashes["2"]


def test_only_current_entries_count_as_cached(tmp_path, mirror, monkeypatch):
    """An entry left by an earlier loader version (another key) does not stop the prefetching."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(cache))
    cache.mkdir()
    for suffix in (".json", ".parquet"):
        (cache / f"rugged-{'0' * 32}{suffix}").write_text("stale")
    assert not _prefetch.all_cached(["rugged"])
    load("rugged")
    assert _prefetch.all_cached(["rugged"])
    monkeypatch.setenv("PEACESTATS_NO_CACHE", "1")
    assert _prefetch.all_cached(["gw_states"])  # the cache is off: nothing to prefetch


def test_a_frame_shared_by_tables_made_in_a_forked_table_is_handed_back(tmp_path, mirror, monkeypatch):
    """A ctx.derived frame made by a forked table is made once: a table built after it in the parent reuses it,
    and still records the sources it was made from."""
    from peacestats import build as b

    log = tmp_path / "made.log"

    def shared(ctx):
        def make():
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()}\n")
            return ctx.source("rugged").head(3)

        return ctx.derived("first_rugged_rows", make)

    def one_row(ctx):
        return pd.DataFrame({"k": [len(shared(ctx))]})

    forked = b.Table("forked", one_row, ("k",), "uses the shared frame", ("rugged",), background=True)
    between = b.Table("between", lambda ctx: pd.DataFrame({"k": [0]}), ("k",), "built meanwhile", ())
    after = b.Table("after", one_row, ("k",), "uses it again", ("rugged",), needs=("forked",))
    monkeypatch.setenv("PEACESTATS_BUILD_JOBS", "2")
    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / "cache"))
    run = b._Run(b._Context(), tmp_path / "out", [forked, between, after], echo=lambda *a: None)
    try:
        run.run()
    finally:
        run.cancel()
    made = log.read_text(encoding="utf-8").split()
    assert len(made) == 1 and int(made[0]) != os.getpid()  # made once, in the forked process
    assert run.ctx.lineage["after"] == {"rugged"}
    assert run.ctx["after"]["k"].tolist() == run.ctx["forked"]["k"].tolist() == [3]
