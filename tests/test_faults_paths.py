"""Fault injection: hostile registry entries, report names and mirror settings are refused before any write.

Each case here once wrote outside its folder, crashed with a traceback, or took a bad
address for a folder (issue 10).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from peacestats import fetch, registry
from peacestats.cli import main
from peacestats.errors import MirrorConfigError, UnknownDatasetError, UnsafePathError
from peacestats.report.html import Report

pytestmark = pytest.mark.faults

KEY = "hks2013"

ENTRY = """
[[dataset]]
key = "{key}"
title = "t"
version = "{version}"
publisher = "p"
description = "d"
unit = "u"
format = "tab"
file = "{file}"
sha256 = "{sha}"
size = 1
origin = "o"
mirror_path = "{mirror_path}"
licence = "l"
citation = "c"
"""


def toml(**kw) -> str:
    fields = {"key": "k", "version": "1", "file": "f.tab", "mirror_path": "k/f.tab", "sha": "0" * 64} | kw
    return ENTRY.format(**fields)


def files_under(path: Path) -> set[Path]:
    return {p for p in path.rglob("*")} if path.exists() else set()


@pytest.mark.parametrize("field, value", [
    ("key", "../escape"), ("key", "/tmp/abs"), ("key", "a/b"),
    ("version", ".."), ("version", "../../escape"), ("version", "/etc"),
    ("file", "../f.tab"), ("file", "/etc/passwd"), ("file", ".hidden"),
    ("mirror_path", "../../etc/passwd"), ("mirror_path", "/etc/passwd"), ("mirror_path", "k/../../x"),
    ("mirror_path", "k\\\\..\\\\x"),
])
def test_registry_refuses_entries_that_leave_their_folder(field, value):
    with pytest.raises(UnsafePathError, match=field):
        registry.parse(toml(**{field: value}))


def test_registry_accepts_the_real_entries():
    assert registry.parse(toml()) and len(registry.keys()) >= 19


@pytest.fixture
def hostile(monkeypatch):
    """Replace the registry by one entry: the real hks2013 with some fields changed."""

    def install(**changes) -> registry.Dataset:
        ds = dataclasses.replace(registry.get(KEY), **changes)
        monkeypatch.setattr(registry, "_load", lambda: {ds.key: ds})
        return ds

    return install


@pytest.mark.parametrize("changes", [
    {"version": "../../../escape"},
    {"version": "/tmp/peacestats-escape"},
    {"file": "../../../escape.tab"},
    {"key": "../escape"},
])
def test_fetch_refuses_a_hostile_entry_before_any_write(changes, hostile, tmp_raw, tmp_path):
    ds = hostile(**changes)
    before = files_under(tmp_path)
    with pytest.raises(UnsafePathError):
        fetch.fetch(ds.key)
    assert files_under(tmp_path) == before
    assert not Path("/tmp/peacestats-escape").exists()


def test_mirror_path_outside_the_mirror_is_refused(hostile, tmp_raw, tmp_path, mirror):
    """A mirror_path with '..' would copy any readable file (with a matching checksum) into data/raw."""
    outside = tmp_path / "outside" / "HKS.tab"
    outside.parent.mkdir()
    shutil.copyfile(mirror / registry.get(KEY).mirror_path, outside)
    local_mirror = tmp_path / "mirror"
    local_mirror.mkdir()
    hostile(mirror_path="../outside/HKS.tab")
    with pytest.raises(UnsafePathError, match="mirror"):
        fetch.fetch(KEY, mirror=local_mirror)
    assert not tmp_raw.exists()


def test_mirror_symlink_out_of_the_mirror_is_refused(tmp_raw, tmp_path, mirror):
    local_mirror = tmp_path / "mirror"
    ds = registry.get(KEY)
    (local_mirror / ds.mirror_path).parent.mkdir(parents=True)
    (local_mirror / ds.mirror_path).symlink_to(mirror / ds.mirror_path)
    with pytest.raises(UnsafePathError, match="outside"):
        fetch.fetch(KEY, mirror=local_mirror)


@pytest.mark.parametrize("key", [123, None, ("ucdp_acd",), b"ucdp_acd"])
def test_non_string_dataset_key_is_a_typed_error(key):
    with pytest.raises(UnknownDatasetError, match="dataset keys are strings"):
        registry.get(key)


@pytest.mark.parametrize("name", ["../evil", "/tmp/evil", "a/b", "..", "", ".hidden", "x\\y"])
def test_report_names_that_leave_reports_are_refused(name, tmp_path):
    with pytest.raises(UnsafePathError, match="report name"):
        Report(name, title="t", question="q", out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_table_and_figure_names_that_leave_reports_are_refused(tmp_path):
    import matplotlib.pyplot as plt
    import pandas as pd

    rep = Report("ok", title="t", question="q", out_dir=tmp_path / "reports")
    with pytest.raises(UnsafePathError, match="table name"):
        rep.table("../../evil", pd.DataFrame({"a": [1]}), caption="c")
    fig = plt.figure()
    with pytest.raises(UnsafePathError, match="figure name"):
        rep.figure("../../evil", fig, caption="c")
    plt.close(fig)
    rep.write()
    assert not (tmp_path / "evil.csv").exists() and not list(tmp_path.glob("evil*"))


def test_report_cite_refuses_a_path_name(tmp_path, capsys):
    (tmp_path / "secret.json").write_text('{"provenance": {"datasets": [], "methods": []}}')
    assert main(["report", "cite", "../secret", "--out", str(tmp_path / "reports")]) == 2
    assert "report name '../secret' is not a safe file name" in capsys.readouterr().err


@pytest.mark.parametrize("value, message", [
    ("ftp://mirror.example.org/data", "ftp: addresses are not supported"),
    ("file:///work/shared/data", "file: addresses are not supported"),
    ("http://", "not a valid http"),
    ("https://:8080/data", "not a valid http"),
    ("http://host:port/data", "not a valid http"),
    ("http:/host/data", "not a valid http"),
    ("/no/such/mirror/folder", "no folder"),
])
def test_malformed_mirror_settings_are_clear_errors(value, message, tmp_raw, monkeypatch, capsys):
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", value)
    with pytest.raises(MirrorConfigError, match=message):
        fetch.fetch(KEY)
    assert main(["data", "fetch", KEY, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "PEACESTATS_DATA_MIRROR" in err and "Traceback" not in err
    assert not tmp_raw.exists()


def test_a_cached_file_does_not_need_the_mirror(tmp_raw, monkeypatch):
    fetch.fetch(KEY)
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", "ftp://unused")
    assert fetch.fetch(KEY).source == "cache"
