"""The reports' table of contents: a link to every section, table and figure, deterministic."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd

from peacestats.report.html import TOC_MIN_ENTRIES, Report, toc_html, write_index


def _report(out, toc=None, sections=("Data", "Results", "Results")) -> Report:
    rep = Report("toc_demo", title="Demo", question="Is there a table of contents?", out_dir=out, toc=toc)
    rep.text("A paragraph before any section.")
    for i, head in enumerate(sections):
        rep.text(f"## {head}\nSome text with `code`.\n\n### A *detail* of {head} & more\nMore text.")
        rep.table(f"t{i}", pd.DataFrame({"x": [i]}), caption=f"Counts {i}. A second sentence that the ToC leaves out.")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    rep.figure("line", fig, caption="A line (" + "long " * 30 + ")")
    return rep


def _nav(page: str) -> str:
    found = re.findall(r'<nav class="toc".*?</nav>', page, re.S)
    assert len(found) <= 1
    return found[0] if found else ""


def test_toc_links_every_section_table_and_figure_in_order(tmp_path):
    page = _report(tmp_path).write().read_text()
    nav = _nav(page)
    hrefs = re.findall(r'href="#([^"]+)"', nav)
    assert hrefs == ["data", "a-detail-of-data-more", "table-t0",
                     "results", "a-detail-of-results-more", "table-t1",
                     "results-2", "a-detail-of-results-more-2", "table-t2", "figure-line", "provenance"]
    body = page[page.index("</nav>"):]
    positions = []
    for h in hrefs:  # every link has exactly one target, after the ToC, in the ToC's order
        assert len(re.findall(f'id="{h}"', page)) == 1, h
        positions.append(body.index(f'id="{h}"'))
    assert positions == sorted(positions)
    # sections are the numbered items; their subsections, tables and figures are nested below
    assert nav.count("<ol>") == 1 and nav.count("<ul>") == 3
    assert '<a href="#a-detail-of-data-more">A detail of Data &amp; more</a>' in nav  # tags stripped, escaped
    assert "Table: Counts 0<" in nav and "second sentence" not in nav  # a caption's first sentence
    label = re.search(r'href="#figure-line">([^<]*)<', nav).group(1)
    assert label.startswith("Figure: A line") and label.endswith("…") and len(label) < 100


def test_short_reports_have_no_toc_unless_asked(tmp_path):
    rep = Report("short", title="Short", question="?", out_dir=tmp_path)
    rep.text("## Only section")
    rep.table("t", pd.DataFrame({"x": [1]}), caption="One table")
    assert len(rep._toc) < TOC_MIN_ENTRIES
    assert _nav(rep.write().read_text()) == ""
    rep.toc = True
    assert 'href="#only-section"' in _nav(rep.write().read_text())
    assert _nav(_report(tmp_path / "off", toc=False).write().read_text()) == ""


def test_toc_is_deterministic_and_leaves_the_index_alone(tmp_path):
    first = _report(tmp_path / "a").write().read_bytes()
    assert _report(tmp_path / "b").write().read_bytes() == first
    index = write_index(tmp_path / "a").read_text()
    assert 'class="toc"' not in index and ".toc{" not in index  # the index keeps its bytes: no ToC, no ToC style


def test_toc_entries_before_the_first_section_stay_at_the_top_level():
    nav = toc_html([(3, "table-a", "Table: A"), (3, "table-b", "Table: B"), (2, "s", "S"), (3, "table-c", "Table: C")])
    assert nav.endswith('<ol><li><a href="#table-a">Table: A</a></li><li><a href="#table-b">Table: B</a></li>'
                        '<li><a href="#s">S</a><ul><li><a href="#table-c">Table: C</a></li></ul></li></ol></nav>')
