"""Shared test setup.

Tests run on the real data. When ``PEACESTATS_DATA_MIRROR`` is not set and the
shared data folder sits beside the repository (as on the developers' machines
and in CI), it is used as the mirror, so loaders fetch from it offline.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared" / "data").resolve()

if not os.environ.get("PEACESTATS_DATA_MIRROR") and (SHARED / "MANIFEST.md").is_file():
    os.environ["PEACESTATS_DATA_MIRROR"] = str(SHARED)

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The data mirror folder (skips nothing: the real data are required)."""
    m = os.environ.get("PEACESTATS_DATA_MIRROR")
    assert m and Path(m).is_dir(), (
        "The tests use the real data: set PEACESTATS_DATA_MIRROR to a folder laid out like "
        "../shared/data, or place the shared data folder beside the repository."
    )
    return Path(m)


@pytest.fixture
def tmp_raw(tmp_path, monkeypatch) -> Path:
    """A private, empty data/raw (and data/processed) for tests that write or damage files."""
    raw = tmp_path / "raw"
    monkeypatch.setenv("PEACESTATS_RAW_DIR", str(raw))
    monkeypatch.setenv("PEACESTATS_PROCESSED_DIR", str(tmp_path / "processed"))
    return raw


@pytest.fixture
def damaged_copy(tmp_path, mirror):
    """Copy a dataset's real file into ``tmp_path / "mirror"`` (same layout) and damage it.

    Usage: ``path = damaged_copy("hks2013", lambda p: p.write_text(""))``. Pass the path
    to the loader (``load(path=...)``) to test schema errors, or set
    ``PEACESTATS_DATA_MIRROR`` to ``tmp_path / "mirror"`` to test fetching.
    """
    from peacestats import registry

    def make(key: str, damage) -> Path:
        ds = registry.get(key)
        dst = tmp_path / "mirror" / ds.mirror_path
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / ds.mirror_path, dst)
        damage(dst)
        return dst

    return make


@pytest.fixture(scope="session")
def built_tables(tmp_path_factory, mirror) -> Path:
    """Every table of ``peacestats build``, built once per test session into a private folder.

    Tests read it and never write into it (the reports they run write into their own folders).
    """
    from peacestats.build import build

    out = tmp_path_factory.mktemp("processed_all")
    build(out, echo=lambda *a: None)
    return out
