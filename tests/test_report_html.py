"""The report writer: files, provenance footer, BibTeX, index, determinism."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from peacestats import registry
from peacestats.errors import PeacestatsError, UnknownDatasetError
from peacestats.report.html import Report, write_index


def _make(out):
    from peacestats.models.cox import coxph
    from peacestats.sources import load

    d = load("fortna_ceasefires")
    fit = coxph("pk_dum", d, start="st_t0", stop="st_t", event="st_d", cluster="cluster", ties="breslow")
    rep = Report("demo", title="Demo", question="Does it work?", datasets=["fortna_ceasefires"],
                 methods=["coxph"], out_dir=out)
    rep.text("## Data\nFortna's ceasefires, **156** spells.")
    rep.table("cox", [fit], caption="A Cox model", labels={"pk_dum": "Peacekeeping"}, exponentiate=True)
    rep.table("counts", pd.DataFrame({"group": ["a", "b"], "n": [1, 2]}), caption="Counts")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    rep.figure("line", fig, caption="A line")
    return rep.write(), fit


def test_report_files_and_provenance(tmp_path):
    path, fit = _make(tmp_path)
    page = path.read_text()
    assert path == tmp_path / "demo.html"
    for f in ("tables/demo-cox.csv", "tables/demo-counts.csv", "figures/demo-line.png", "figures/demo-line.svg",
              "demo.json"):
        assert (tmp_path / f).is_file(), f
    assert "<strong>156</strong>" in page  # markdown rendered
    assert registry.get("fortna_ceasefires").sha256[:16] in page
    assert "@book{fortna2008does," in page and "@article{cox1972regression," in page
    tidy = pd.read_csv(tmp_path / "tables/demo-cox.csv")
    assert tidy.loc[tidy["term"] == "pk_dum", "estimate"].iloc[0] == pytest.approx(fit.params["pk_dum"], rel=1e-9)
    entry = json.loads((tmp_path / "demo.json").read_text())
    assert entry["figures"] == ["demo-line"] and entry["provenance"]["datasets"][0]["key"] == "fortna_ceasefires"
    index = write_index(tmp_path).read_text()
    assert 'href="demo.html"' in index and "figures/demo-line.png" in index


def test_reports_are_byte_identical(tmp_path):
    _make(tmp_path / "a")
    _make(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 6
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_bad_inputs(tmp_path):
    with pytest.raises(UnknownDatasetError):
        Report("x", title="x", question="x", datasets=["nope"], out_dir=tmp_path)
    with pytest.raises(PeacestatsError, match="no reports"):
        write_index(tmp_path)


def test_cli_report_cite(tmp_path, capsys):
    from pybtex.database import parse_string

    from peacestats.cli import main

    _make(tmp_path)
    assert main(["report", "cite", "demo", "--out", str(tmp_path)]) == 0
    db = parse_string(capsys.readouterr().out, "bibtex")
    assert {"fortna2008does", "fortna2004does", "cox1972regression", "therneau2000modeling"} == set(db.entries)
    assert main(["report", "cite", "nope", "--out", str(tmp_path)]) == 2
    assert "no report 'nope'" in capsys.readouterr().err


def test_the_index_is_written_without_importing_pandas(tmp_path):
    """`peacestats report index` (run by every `make reports`) starts in 0.2 s, not the 1 s pandas takes."""
    import subprocess
    import sys

    _make(tmp_path)
    code = ("import sys; from peacestats.cli import main; rc = main(['report', 'index', '--out', sys.argv[1]]); "
            "print(rc, 'pandas' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.stdout.split()[-3:] == ["0", "False", "False"], out.stderr
    assert 'href="demo.html"' in (tmp_path / "index.html").read_text()
