"""Files are written with the permissions the umask gives, not mkstemp's 0600 (issue 10)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from peacestats import fetch, io

pytestmark = pytest.mark.faults


@pytest.fixture(params=[0o022, 0o002, 0o077])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_umask_is_read_without_changing_it(umask):
    assert io.umask() == umask and os.umask(umask) == umask


def test_every_writer_gives_the_umask_mode(umask, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from peacestats.report.html import Report
    from peacestats.report.tables import regtable

    want = 0o666 & ~umask
    df = pd.DataFrame({"a": [1, 2]})
    paths = [io.write_text(tmp_path / "a.txt", "x"), io.write_bytes(tmp_path / "b.bin", b"x"),
             io.write_json(tmp_path / "c.json", {}), io.write_parquet(df, tmp_path / "d.parquet"),
             io.write_csv(df, tmp_path / "e.csv")]
    fig, ax = plt.subplots()
    paths.append(io.write_figure(fig, tmp_path / "f.png"))
    rep = Report("demo", title="t", question="q", out_dir=tmp_path / "reports")
    rep.table("t", df, caption="c")
    rep.figure("f", fig, caption="c")
    paths.append(rep.write())
    paths += sorted((tmp_path / "reports").rglob("*.*"))
    from peacestats.models.regression import ols

    regtable([ols("a ~ 1", df.assign(a=[1.0, 2.0]))], format="markdown", path=tmp_path / "g.md")
    paths.append(tmp_path / "g.md")
    assert len(paths) >= 12
    assert {p.name: oct(mode(p)) for p in paths} == {p.name: oct(want) for p in paths}


def test_fetched_files_get_the_umask_mode(umask, tmp_raw):
    p = fetch.fetch("hks2013").path
    assert oct(mode(p)) == oct(0o666 & ~umask)


def test_cli_build_outputs_are_group_readable(tmp_path, mirror):
    env = {**os.environ, "PEACESTATS_PROCESSED_DIR": str(tmp_path)}
    code = "import os; os.umask(0o022); from peacestats.cli import main; raise SystemExit(main(['build', 'episodes']))"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    assert {p.name: oct(mode(p)) for p in tmp_path.iterdir()} == {
        "datapackage.json": "0o644", "episodes.parquet": "0o644"}
