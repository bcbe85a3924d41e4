"""Fetching: mirror and HTTP paths, checksum verification, atomic writes, clear errors.

The HTTP tests serve the real mirror files from a server on 127.0.0.1 (and one that
serves a corrupted copy) - no outside network is touched.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from peacestats import fetch, registry
from peacestats.cli import main
from peacestats.errors import (
    ChecksumError,
    DownloadError,
    MirrorFileMissingError,
    NotFetchedError,
    UnknownDatasetError,
)

KEY = "hks2013"  # a small tab-delimited file
KEY2 = "gw_states"


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_fetch_from_mirror_verifies_and_places_the_file(tmp_raw, mirror):
    res = fetch.fetch(KEY)
    ds = registry.get(KEY)
    assert res.source == "mirror"
    assert res.path == tmp_raw / KEY / ds.version / ds.file
    assert fetch.sha256sum(res.path) == ds.sha256
    assert res.path.read_bytes() == (mirror / ds.mirror_path).read_bytes()
    # second call finds it in place
    assert fetch.fetch(KEY).source == "cache"
    assert fetch.verify(KEY) == (True, "ok")


def test_mirror_in_data_raw_layout_is_accepted(tmp_raw, tmp_path, mirror, monkeypatch):
    ds = registry.get(KEY2)
    other = tmp_path / "other_raw" / ds.key / ds.version
    other.mkdir(parents=True)
    (other / ds.file).write_bytes((mirror / ds.mirror_path).read_bytes())
    res = fetch.fetch(KEY2, mirror=tmp_path / "other_raw")
    assert res.source == "mirror" and fetch.verify(KEY2)[0]


def test_truncated_mirror_file_is_rejected_and_nothing_written(tmp_raw, damaged_copy, monkeypatch):
    def truncate(p: Path):
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])

    damaged = damaged_copy(KEY, truncate)
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", str(damaged.parents[1]))
    with pytest.raises(ChecksumError, match=r"hks2013: .*does not have the registered sha256"):
        fetch.fetch(KEY)
    assert files_under(tmp_raw) == []


def test_bad_file_in_data_raw_is_replaced_by_a_good_one(tmp_raw):
    target = fetch.local_path(KEY)
    target.parent.mkdir(parents=True)
    target.write_text("garbage")
    assert fetch.verify(KEY)[0] is False
    assert "differs from the registry" in fetch.verify(KEY)[1]
    res = fetch.fetch(KEY)
    assert res.source == "mirror" and fetch.verify(KEY) == (True, "ok")


def test_failed_refetch_keeps_the_previous_file(tmp_raw, damaged_copy, monkeypatch):
    """A damaged file already in data/raw is left as it was when the new copy is bad too."""
    target = fetch.local_path(KEY)
    target.parent.mkdir(parents=True)
    target.write_text("previous")
    damaged = damaged_copy(KEY, lambda p: p.write_text("corrupted"))
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", str(damaged.parents[1]))
    with pytest.raises(ChecksumError):
        fetch.fetch(KEY)
    assert target.read_text() == "previous"
    assert files_under(tmp_raw) == [target]  # no temporary file left behind


def test_file_missing_from_mirror(tmp_raw, tmp_path, monkeypatch):
    (tmp_path / "empty_mirror").mkdir()
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", str(tmp_path / "empty_mirror"))
    with pytest.raises(MirrorFileMissingError, match=r"hks2013/HKS_AJPS_2013\.tab"):
        fetch.fetch(KEY)
    with pytest.raises(NotFetchedError, match="peacestats data fetch hks2013"):
        fetch.require(KEY)
    assert files_under(tmp_raw) == []


def test_unknown_key():
    with pytest.raises(UnknownDatasetError):
        fetch.fetch("no_such_dataset")


# --------------------------------------------------------------------------- HTTP
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def http_mirror():
    """Serve a folder over HTTP on 127.0.0.1 (an ephemeral port); yields a function folder -> URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield serve
    for s in servers:
        s.shutdown()
        s.server_close()


def test_http_download_of_real_file(tmp_raw, mirror, http_mirror, monkeypatch):
    url = http_mirror(mirror)
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", url)
    res = fetch.fetch(KEY)
    assert res.source.startswith("http://127.0.0.1:")
    assert fetch.verify(KEY) == (True, "ok")


def test_http_download_of_corrupted_file(tmp_raw, damaged_copy, http_mirror, monkeypatch):
    damaged = damaged_copy(KEY, lambda p: p.write_bytes(p.read_bytes().replace(b"Ethiopia", b"Ethiopie", 1)))
    url = http_mirror(damaged.parents[1])
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", url)
    with pytest.raises(ChecksumError):
        fetch.fetch(KEY)
    assert files_under(tmp_raw) == []


def test_http_404_and_refused_connection(tmp_raw, tmp_path, http_mirror, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", http_mirror(tmp_path / "empty"))
    with pytest.raises(DownloadError, match="HTTPError"):
        fetch.fetch(KEY)
    # a port with nothing listening: the connection is refused at once
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", f"http://127.0.0.1:{port}")
    with pytest.raises(DownloadError, match="nothing was written"):
        fetch.fetch(KEY)
    assert files_under(tmp_raw) == []


# --------------------------------------------------------------------------- CLI
def test_cli_fetch_list_verify_info_cite(tmp_raw, capsys):
    assert main(["data", "fetch", KEY, "--quiet"]) == 0
    assert "hks2013" in capsys.readouterr().out
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("hks2013"))
    assert line.split()[-1] == "yes" and "1991-2008" in line
    assert main(["data", "verify", KEY]) == 0
    assert main(["data", "info", "ucdp_acd"]) == 0
    info = capsys.readouterr().out
    assert "version 25.1" in info and "a7a2ff6caf6c854f" in info and "CC BY 4.0" in info
    assert main(["data", "cite", "ucdp_acd", "coxph"]) == 0
    assert "@article{cox1972regression," in capsys.readouterr().out


def test_cli_errors_exit_nonzero_and_write_nothing(tmp_raw, tmp_path, monkeypatch, capsys):
    assert main(["data", "fetch", "nope"]) == 2
    assert "Unknown dataset key 'nope'" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PEACESTATS_DATA_MIRROR", str(tmp_path / "empty"))
    assert main(["data", "fetch", KEY, "--quiet"]) == 2
    assert "mirror" in capsys.readouterr().err
    assert files_under(tmp_raw) == []
    # verify on a damaged file exits 1
    p = fetch.local_path(KEY)
    p.parent.mkdir(parents=True)
    p.write_text("x")
    assert main(["data", "verify", KEY]) == 1


def test_python_dash_m(tmp_raw):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "peacestats", "data", "cite", "hks2013"],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert out.startswith("@article{hultman2013united,")
