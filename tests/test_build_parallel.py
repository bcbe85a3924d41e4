"""The build's second process (peacestats._background) and the mission tables checked once per build."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from peacestats import _background
from peacestats._background import Background
from peacestats.errors import HarmonizeError, MissionDateError


def test_background_returns_the_childs_value():
    parent = os.getpid()
    job = Background(lambda: (os.getpid(), pd.DataFrame({"a": pd.array([1, None], dtype="Int64")})))
    pid, df = job.result()
    assert pid != parent  # computed in the child
    assert df["a"].dtype == "Int64" and df["a"].isna().tolist() == [False, True]


def test_background_raises_the_childs_error():
    def fail():
        raise HarmonizeError("table x: something is wrong at row 3")

    with pytest.raises(HarmonizeError, match="table x: something is wrong at row 3"):
        Background(fail).result()


def test_background_computes_here_when_the_answer_cannot_be_sent():
    parent = os.getpid()
    job = Background(lambda: (os.getpid(), lambda: None))  # a lambda cannot be pickled
    pid, _ = job.result()
    assert pid == parent


def test_background_cancelled_computes_here():
    parent = os.getpid()
    job = Background(lambda: (__import__("time").sleep(30), os.getpid())[1])
    job.cancel()
    assert job.result() == parent


def test_jobs_follows_the_environment(monkeypatch):
    monkeypatch.setenv("PEACESTATS_BUILD_JOBS", "1")
    assert _background.jobs() == 1
    monkeypatch.setenv("PEACESTATS_BUILD_JOBS", "3")
    assert _background.jobs() == 3
    monkeypatch.setenv("PEACESTATS_BUILD_JOBS", "many")
    assert _background.jobs() == 1
    monkeypatch.delenv("PEACESTATS_BUILD_JOBS")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # how busy the CPUs are now (/proc/stat), not the lagging load average, when it can be measured
    monkeypatch.setattr(os, "getloadavg", lambda: (2.0, 2.0, 2.0))  # e.g. just after a benchmark
    monkeypatch.setattr(_background, "idle_cpus", lambda: 1.6)
    assert _background.jobs() == 2  # a second CPU is idle
    monkeypatch.setattr(_background, "idle_cpus", lambda: 0.3)
    assert _background.jobs() == 1  # both busy: forking would only slow the build
    monkeypatch.setattr(_background, "idle_cpus", lambda: None)  # not measurable: the load average
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.5, 0.5))
    assert _background.jobs() == 2
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0, 3.0, 3.0))
    assert _background.jobs() == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert _background.jobs() == 1


def test_idle_cpus_is_measured_from_proc_stat():
    idle = _background.idle_cpus(0.05)
    if not os.path.exists("/proc/stat"):
        assert idle is None
    else:
        assert idle is not None and 0.0 <= idle <= (os.cpu_count() or 1) + 1e-9


def test_a_build_with_one_or_two_processes_writes_the_same_bytes(tmp_path, mirror, monkeypatch):
    """spell_rows_location is built in a forked process with two jobs; the files do not change."""
    from peacestats.build import build
    from peacestats.fetch import sha256sum

    wanted = ["spell_rows_location", "spell_rows"]
    hashes = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("PEACESTATS_BUILD_JOBS", jobs)
        out = tmp_path / jobs
        build(out, tables=wanted, echo=lambda *a: None)
        hashes[jobs] = {p.name: sha256sum(p) for p in sorted(out.iterdir())}
    assert hashes["1"] == hashes["2"]
    assert "spell_rows_location.parquet" in hashes["2"]


def _broken_build(tmp_path, monkeypatch, broken: str, jobs: str, tables: list[str]) -> dict[str, str]:
    """Build ``tables`` (and what they need) with table ``broken`` failing; the files left, by sha256."""
    import dataclasses

    import peacestats.build as b
    from peacestats.fetch import sha256sum

    def fail(ctx):
        raise HarmonizeError(f"{broken}: broken on purpose")

    monkeypatch.setattr(b, "TABLES", [dataclasses.replace(t, builder=fail) if t.name == broken else t
                                      for t in b.TABLES])
    monkeypatch.setenv("PEACESTATS_BUILD_JOBS", jobs)
    out = tmp_path / f"{broken}-{jobs}-{len(tables)}"
    with pytest.raises(HarmonizeError, match=f"{broken}: broken on purpose"):
        b.build(out, tables=tables, echo=lambda *a: None)
    return {p.name: sha256sum(p) for p in sorted(out.iterdir()) if p.is_file()}


@pytest.mark.parametrize("broken", ["stateyears", "spells"])
def test_a_failing_table_leaves_the_folder_as_one_process_would(tmp_path, mirror, monkeypatch, broken):
    """stateyears is forked and spells built meanwhile: whichever fails, the tables before it are written,
    the failing one and those after it are not, exactly as in a build in one process."""
    tables = ["stateyears", "spells"]
    one = _broken_build(tmp_path, monkeypatch, broken, "1", tables)
    two = _broken_build(tmp_path, monkeypatch, broken, "2", tables)
    assert one == two
    assert "episodes.parquet" in two and "spells.parquet" not in two and "datapackage.json" not in two
    assert ("stateyears.parquet" in two) == (broken == "spells")


@pytest.mark.parametrize("broken", ["missions", "spells"])
def test_a_table_forked_early_fails_at_its_turn(tmp_path, mirror, monkeypatch, broken):
    """spells is forked beside missions, long before its turn: its error (or missions') leaves the folder
    as one process would (missions written when spells fails, nothing after episodes when missions fails)."""
    tables = ["missions", "mission_months", "spells"]
    one = _broken_build(tmp_path, monkeypatch, broken, "1", tables)
    two = _broken_build(tmp_path, monkeypatch, broken, "2", tables)
    assert one == two
    assert ("missions.parquet" in two) == ("mission_months.parquet" in two) == (broken == "spells")


def test_mission_tables_are_checked_once_in_a_shared_block(monkeypatch):
    from peacestats.harmonize import missions as m

    calls = []
    checked = m._load_checked
    monkeypatch.setattr(m, "_load_checked", lambda *a: calls.append(a[1]) or checked(*a))
    gw = m.gw_state_codes()
    with m.shared_tables({}):
        first = m.un_missions(gw_codes=gw)
        first.loc[0, "mission_acronym"] = "changed"
        first["host_gwcodes"].iat[1].append(999)
        again = m.un_missions(gw_codes=gw)
        m.non_un_missions(gw_codes=gw)
        m.non_un_missions(gw_codes=gw)
    assert calls == ["un", "non_un"]
    pd.testing.assert_frame_equal(again, m.un_missions(gw_codes=gw))  # copies: edits do not leak
    m.un_missions(gw_codes=gw)
    assert calls == ["un", "non_un", "un", "un"]  # outside the block: read each time


def test_a_failing_mission_table_fails_every_read_in_a_shared_block(tmp_path):
    from peacestats.harmonize import missions as m

    df = pd.read_csv(m.resource_path(m.UN_FILE), dtype=str, keep_default_na=False)
    i = int((df["end_date"] != "").to_numpy().argmax())
    df.loc[i, "start_date"] = "2999-01-01"  # after its end date
    bad = tmp_path / "un_missions.csv"
    df.to_csv(bad, index=False)
    with m.shared_tables({}):
        for _ in range(2):
            with pytest.raises(MissionDateError, match="un_missions.csv"):
                m.un_missions(bad)


def test_prefetch_parses_only_what_the_cache_lacks(tmp_path, mirror, monkeypatch):
    """sources.prefetch (run by the build in a forked process) fills the cache once; nothing with the cache off."""
    from peacestats.sources import load, prefetch

    monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PEACESTATS_NO_CACHE", "1")
    assert prefetch(["rugged"]) == []
    monkeypatch.delenv("PEACESTATS_NO_CACHE")
    assert prefetch(["rugged"]) == ["rugged"]
    assert sorted(p.suffix for p in (tmp_path / "cache").iterdir()) == [".json", ".parquet"]
    assert prefetch(["rugged"]) == []
    pd.testing.assert_frame_equal(load("rugged"), load("rugged", cache=False))


def test_a_cold_build_in_two_processes_fills_the_cache_and_writes_the_same_bytes(tmp_path, mirror, monkeypatch):
    """With an empty cache the forked prefetch parses the late sources; the tables equal a one-process build's."""
    from peacestats.build import build
    from peacestats.fetch import sha256sum

    hashes = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("PEACESTATS_CACHE_DIR", str(tmp_path / f"cache{jobs}"))
        monkeypatch.setenv("PEACESTATS_BUILD_JOBS", jobs)
        build(tmp_path / jobs, tables=["intervention_months", "leader_exits"], echo=lambda *a: None)
        hashes[jobs] = {p.name: sha256sum(p) for p in sorted((tmp_path / jobs).iterdir())}
    assert hashes["1"] == hashes["2"]
    cached = {p.name.split("-")[0] for p in (tmp_path / "cache2").iterdir()}
    assert {"imi", "archigos"} <= cached
    assert not [p for p in (tmp_path / "cache2").iterdir() if p.suffix not in (".json", ".parquet")]
