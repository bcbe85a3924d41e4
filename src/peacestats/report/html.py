"""HTML reports with provenance: one per analysis, and an index.

An analysis script (``analyses/<name>.py``, a jupytext notebook) builds a
:class:`Report` and calls its methods in reading order::

    from peacestats.report.html import Report

    rep = Report("fortna2008", title="Does peacekeeping keep peace?",
                 question="Do ceasefires last longer when peacekeepers deploy?",
                 datasets=["fortna_ceasefires"], methods=["kaplan_meier", "coxph"])
    rep.text("## Data\\nFortna's 156 ceasefire spells ...")
    rep.table("cox", [m1, m2], caption="Cox models", labels={"pk_dum": "Peacekeeping"})
    rep.figure("km", fig, caption="Kaplan-Meier curves by peacekeeping")
    rep.write()

``write()`` puts ``reports/<name>.html``, ``reports/tables/<name>-<table>.csv``
(tidy), ``reports/figures/<name>-<figure>.png`` and ``.svg`` and
``reports/<name>.json`` (the index entry); :func:`write_index` makes
``reports/index.html`` from the entries. A report with several sections, tables and figures
opens with a table of contents linking each of them. Every file is written atomically and
deterministically: no timestamps; the provenance footer names the datasets
(key, version, sha256), the peacestats version, the git revision and the
BibTeX of every source and method used.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, config, io, registry
from ..citations import cite
from ..project_data import describe as describe_project_data
from ..project_data import is_project_data
from ..safepath import check_name

if TYPE_CHECKING:  # pandas is imported where a table is rendered: the index and `report cite` do without it
    import pandas as pd

_CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.8rem;margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #ddd}
.question{font-size:1.1rem;color:#444;font-style:italic}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem} th,td{padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left} thead th{border-bottom:2px solid #444} tbody tr:nth-child(even){background:#f6f6f6}
figure{margin:1.5rem 0} figure img{max-width:100%} figcaption,caption{font-size:.9rem;color:#444;text-align:left;caption-side:top;margin-bottom:.3rem}
.provenance{margin-top:3rem;border-top:2px solid #444;font-size:.85rem;color:#333} pre{background:#f6f6f6;padding:.8rem;overflow-x:auto;font-size:.8rem}
code{font-size:.9em} .note{font-size:.85rem;color:#555}
"""  # noqa: E501 (CSS: one rule set per line, as written into every page)


#: Report pages only (the index keeps its bytes): the table of contents.
_TOC_CSS = """
.toc{background:#f6f6f6;padding:.6rem 1rem;margin:1.5rem 0;font-size:.9rem}
.toc-title{margin:0 0 .3rem;font-weight:bold}
.toc ol{margin:0;padding-left:1.4rem} .toc ul{margin:0;padding-left:1.2rem;list-style:circle}
"""

#: A report gets a table of contents when it has at least this many sections, tables and figures.
TOC_MIN_ENTRIES = 4

_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)


def _slug(label: str, taken: set[str]) -> str:
    """A page-unique anchor for ``label`` (``"Cox models"`` -> ``"cox-models"``, then ``"cox-models-2"``)."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "section"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _short(caption: str, limit: int = 90) -> str:
    """A caption's first sentence (or clause), cut at a word before ``limit`` characters: a ToC label."""
    first = re.split(r"(?<=[.;:])\s", caption.strip(), maxsplit=1)[0].rstrip(".;:")
    cut = len(first) > limit
    if cut:
        first = first[: first.rfind(" ", 0, limit - 1)]
    if first.count("(") > first.count(")"):  # the cut fell inside a parenthesis: drop it
        first, cut = first[: first.rfind("(")], True
    return first.rstrip(" ,") + ("…" if cut else "")


def _anchor_headings(block: str, taken: set[str]) -> tuple[str, list[tuple[int, str, str]]]:
    """``block`` with an ``id`` on every ``h2``/``h3``, and their (level, anchor, label) entries."""
    entries: list[tuple[int, str, str]] = []

    def add_id(m: re.Match) -> str:
        label = html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip()
        anchor = _slug(label, taken)
        entries.append((int(m.group(1)), anchor, label))
        return f'<h{m.group(1)} id="{anchor}">{m.group(2)}</h{m.group(1)}>'

    return _HEADING.sub(add_id, block), entries


def toc_html(entries: Sequence[tuple[int, str, str]]) -> str:
    """A table of contents: sections (level 2) numbered, their subsections, tables and figures below.

    ``entries`` are ``(level, anchor, label)`` in page order; level-3 entries before the first
    section are listed at the top level.
    """
    items: list[str] = []
    sub: list[str] = []
    in_section = False

    def close() -> None:
        if sub:
            items[-1] = items[-1][:-len("</li>")] + f"<ul>{''.join(sub)}</ul></li>"
            sub.clear()

    for level, anchor, label in entries:
        link = f'<li><a href="#{anchor}">{html.escape(label)}</a></li>'
        if level == 2:
            close()
            items.append(link)
            in_section = True
        elif in_section:
            sub.append(link)
        else:
            items.append(link)
    close()
    return (f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p>'
            f"<ol>{''.join(items)}</ol></nav>")


def _md(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(text)


def in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (JupyterLab, nbclient), not a plain script."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _show(*objs) -> None:
    """Display ``objs`` inline (callers check :func:`in_kernel` first: scripts never import IPython)."""
    from IPython.display import display

    display(*objs)


def git_revision(root: Path | None = None) -> str:
    """The git commit of the project (``"<sha>"``, ``"<sha>-dirty"``), or ``"unknown"``."""
    root = root or config.project_root()
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{sha}-dirty" if dirty else sha


@dataclass
class Report:
    """One analysis report (see the module docstring).

    Parameters
    ----------
    name : str
        File name stem: ``reports/<name>.html`` (a plain name, no path).
    title, question : str
        The page's heading and the question the analysis answers.
    datasets : sequence of str
        Registry keys (or the project's authored tables) the analysis uses, for provenance.
    methods : sequence of str
        Method names (``coxph``, ``kaplan_meier``, ...) whose BibTeX the footer lists.
    out_dir : path, optional
        The reports folder (default :func:`peacestats.config.reports_dir`).
    toc : bool, optional
        A table of contents linking every section, table and figure: ``None`` (default) adds it
        to reports with at least ``TOC_MIN_ENTRIES`` of them, ``True``/``False`` always/never.

    Notes
    -----
    Run in a Jupyter kernel (JupyterLab), :meth:`text`, :meth:`table` and :meth:`figure` also
    display their content inline; the files :meth:`write` writes are the same either way.
    """

    name: str
    title: str
    question: str
    datasets: Sequence[str] = ()
    methods: Sequence[str] = ()
    out_dir: Path | None = None
    toc: bool | None = None
    _blocks: list[str] = field(default_factory=list, repr=False)
    _toc: list[tuple[int, str, str]] = field(default_factory=list, repr=False)
    _anchors: set[str] = field(default_factory=lambda: {"provenance"}, repr=False)
    _tables: list[str] = field(default_factory=list, repr=False)
    _figures: list[str] = field(default_factory=list, repr=False)
    _pending: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        check_name(self.name, "report name")
        self.out_dir = Path(self.out_dir) if self.out_dir else config.reports_dir()
        for k in self.datasets:
            if not is_project_data(k):
                registry.get(k)  # fail early on an unknown key
        self.datasets = list(self.datasets)
        self.methods = list(self.methods)

    # ------------------------------------------------------------------ content
    def use(self, datasets: Iterable[str] = (), methods: Iterable[str] = ()) -> None:
        """Record more datasets or methods used (for provenance and BibTeX)."""
        for k in datasets:
            if not is_project_data(k):
                registry.get(k)
            if k not in self.datasets:
                self.datasets = [*self.datasets, k]
        for m in methods:
            if m not in self.methods:
                self.methods = [*self.methods, m]

    def text(self, markdown: str) -> None:
        """A block of Markdown (headings, paragraphs, lists, tables); shown inline in a notebook."""
        block, entries = _anchor_headings(_md(markdown), self._anchors)
        self._blocks.append(block)
        self._toc.extend(entries)
        if in_kernel():
            from IPython.display import Markdown

            _show(Markdown(markdown))

    def table(
        self, name: str, obj, caption: str, *, csv: pd.DataFrame | None = None, **regtable_kwargs
    ) -> pd.DataFrame:
        """A table: a DataFrame, or fitted models (one or a list) rendered with :func:`regtable`.

        The tidy CSV goes to ``tables/<report>-<name>.csv``: the DataFrame itself, the
        long table of the models (``tidy_long``), or ``csv`` when given. Returns it.
        """
        import pandas as pd

        from .tables import regtable

        check_name(name, f"report {self.name}: table name")
        if isinstance(obj, pd.DataFrame):
            tidy = obj if csv is None else csv
            body = obj.to_html(index=False, border=0, na_rep="", float_format=lambda v: f"{v:,.3f}")
        else:
            from .tables import tidy_long

            body = regtable(obj, format="html", **regtable_kwargs)
            keep = ("model_names", "conf_level", "exponentiate", "labels")
            tidy = tidy_long(obj, **{k: v for k, v in regtable_kwargs.items() if k in keep}) if csv is None else csv
        fname = f"{self.name}-{name}.csv"
        self._pending[("table", fname)] = tidy
        self._tables.append(fname)
        caption_html = f'<p class="caption"><strong>Table: {html.escape(caption)}</strong>'
        anchor = _slug(f"table-{name}", self._anchors)
        self._toc.append((3, anchor, f"Table: {_short(caption)}"))
        self._blocks.append(f'<div class="table" id="{anchor}">{caption_html} (<a href="tables/{fname}">CSV</a>)'
                            f"</p>{body}</div>")
        if in_kernel():
            from IPython.display import HTML

            _show(HTML(f"{caption_html}</p>{body}"))
        return tidy

    def figure(self, name: str, fig, caption: str) -> None:
        """A matplotlib figure, saved as PNG and SVG and shown with its caption."""
        import matplotlib.pyplot as plt

        check_name(name, f"report {self.name}: figure name")
        base = f"{self.name}-{name}"
        for ext in ("png", "svg"):  # rendered now, written with the rest by write()
            self._pending[("figure", f"{base}.{ext}")] = io.figure_bytes(fig, ext)
        plt.close(fig)
        self._figures.append(base)
        anchor = _slug(f"figure-{name}", self._anchors)
        self._toc.append((3, anchor, f"Figure: {_short(caption)}"))
        self._blocks.append(
            f'<figure id="{anchor}"><img src="figures/{base}.png" alt="{html.escape(caption)}">'
            f'<figcaption>Figure: {html.escape(caption)} (<a href="figures/{base}.svg">SVG</a>)</figcaption></figure>'
        )
        if in_kernel():  # the PNG the report shows (the figure itself is closed: no second copy)
            from IPython.display import Image, Markdown

            _show(Image(data=self._pending[("figure", f"{base}.png")], format="png"), Markdown(f"*Figure: {caption}*"))

    # ------------------------------------------------------------------ output
    def provenance(self) -> dict:
        """Datasets (key, title, version, sha256), methods, peacestats version, git revision."""
        return {
            "datasets": [
                describe_project_data(k) if is_project_data(k) else
                {"key": k, "title": registry.get(k).title, "version": registry.get(k).version,
                 "sha256": registry.get(k).sha256}
                for k in self.datasets
            ],
            "methods": list(self.methods),
            "peacestats_version": __version__,
            "git_revision": git_revision(),
        }

    def _footer(self, prov: Mapping) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(d['key'])}</code></td><td>{html.escape(d['title'])}</td>"
            f"<td>{html.escape(d['version'])}</td><td><code>{d['sha256'][:16]}…</code></td></tr>"
            for d in prov["datasets"]
        )
        bib = cite([*self.datasets, *self.methods]) if (self.datasets or self.methods) else ""
        return (
            '<section class="provenance" id="provenance"><h2>Provenance</h2>'
            f"<p>peacestats {html.escape(prov['peacestats_version'])}, git revision "
            f"<code>{html.escape(prov['git_revision'])}</code>. Built by <code>make reports</code> from the raw "
            "data (checksums below) through <code>peacestats build</code>.</p>"
            f"<table><thead><tr><th>dataset</th><th>title</th><th>version</th><th>sha256</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<h3>References (BibTeX)</h3><pre>{html.escape(bib)}</pre></section>"
        )

    def _toc_block(self) -> str:
        """The table of contents (``toc=True``, or ``None`` and at least ``TOC_MIN_ENTRIES`` entries)."""
        show = self.toc if self.toc is not None else len(self._toc) >= TOC_MIN_ENTRIES
        return toc_html([*self._toc, (2, "provenance", "Provenance")]) + "\n" if show else ""

    def write(self) -> Path:
        """Write the report, its tables, figures and index entry as one unit; returns the HTML path.

        The files are written (each atomically) while holding the lock on the reports
        folder, in the order tables, figures, HTML, and the JSON sidecar last. The
        sidecar records the sha256 of every other file: a run killed part-way leaves the
        previous sidecar, which no longer matches, so :func:`write_index` refuses the torn
        report and ``make reports`` (whose target is the sidecar) runs the analysis again.
        """
        out = self.out_dir
        assert out is not None  # __post_init__ sets it
        with io.folder_lock(out, "report", echo=None):
            io.clean_stale_temps(out, out / "tables", out / "figures")
            return self._write_locked(out)

    def _write_locked(self, out: Path) -> Path:
        from ..fetch import sha256sum

        written: dict[str, Path] = {}
        for (kind, fname), obj in self._pending.items():
            if kind == "table":
                written[f"tables/{fname}"] = io.write_csv(obj, out / "tables" / fname)
            else:
                written[f"figures/{fname}"] = io.write_bytes(out / "figures" / fname, obj)
        prov = self.provenance()
        page = (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(self.title)}</title><style>{_CSS}{_TOC_CSS}</style></head><body>"
            '<p><a href="index.html">&larr; all reports</a></p>'
            f"<h1>{html.escape(self.title)}</h1><p class=\"question\">{html.escape(self.question)}</p>"
            + self._toc_block()
            + "\n".join(self._blocks)
            + self._footer(prov)
            + "</body></html>\n"
        )
        path = io.write_text(out / f"{self.name}.html", page)
        written[path.name] = path
        io.write_json(out / f"{self.name}.json", {
            "name": self.name, "title": self.title, "question": self.question,
            "tables": self._tables, "figures": self._figures, "provenance": prov,
            "files": {rel: sha256sum(p) for rel, p in sorted(written.items())},
        })
        return path


_ENTRY_KEYS = {"name": str, "title": str, "question": str, "tables": list, "figures": list,
               "provenance": dict, "files": dict}


def read_entry(path: str | Path, *, check_files: bool = True) -> dict:
    """A report's JSON sidecar, checked: complete, and (``check_files``) matching the files it lists.

    Raises
    ------
    ReportFileError
        The file is not JSON (truncated), is not a peacestats report sidecar (foreign, or
        written before sidecars listed their files), or a file it lists is missing or
        differs (a run killed while writing). The message says how to rebuild it.
    """
    from ..errors import ReportFileError
    from ..fetch import sha256sum

    path = Path(path)
    redo = (f"Rebuild it: `make reports` (or `python analyses/{path.stem}.py`); if it is not a report, "
            f"move it out of {path.parent}.")
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReportFileError(
            f"{path}: not valid JSON ({exc}); the report's sidecar is truncated or damaged. {redo}"
        ) from None
    missing = [k for k, t in _ENTRY_KEYS.items() if not isinstance(entry, dict) or not isinstance(entry.get(k), t)]
    prov = entry.get("provenance") if isinstance(entry, dict) else None
    if not missing and not (isinstance(prov, dict) and isinstance(prov.get("datasets"), list)
                            and isinstance(prov.get("methods"), list)):
        missing = ["provenance.datasets/methods"]
    if missing:
        raise ReportFileError(
            f"{path}: not a peacestats report sidecar (missing or wrong {', '.join(missing)}). {redo}"
        )
    if check_files:
        for rel, sha in sorted(entry["files"].items()):
            f = path.parent / rel
            if not f.is_file() or sha256sum(f) != sha:
                state = "is missing" if not f.is_file() else "differs from the one the sidecar records"
                raise ReportFileError(
                    f"{path}: report {entry['name']!r} is incomplete: {rel} {state} (a run killed or "
                    f"interrupted while writing?). {redo}"
                )
    return entry


def write_index(out_dir: str | Path | None = None, title: str = "peacestats reports") -> Path:
    """``reports/index.html``: a link, the question and a thumbnail for every report written."""
    out = Path(out_dir) if out_dir else config.reports_dir()
    with io.folder_lock(out, "report"):
        io.clean_stale_temps(out)
        return _write_index_locked(out, title)


def _write_index_locked(out: Path, title: str) -> Path:
    """:func:`write_index`'s work, run while it holds the lock on ``out``."""
    from ..errors import ReportFileError

    entries = [read_entry(p) for p in sorted(out.glob("*.json"))]
    orphans = sorted(p.name for p in out.glob("*.html")
                     if p.name != "index.html" and not p.with_suffix(".json").is_file())
    if orphans:
        raise ReportFileError(
            f"{out}: {', '.join(orphans)} without the JSON sidecar that lists it in the index (a run killed "
            "while writing?). Rebuild with `make reports` (or run the analysis again)."
        )
    if not entries:
        from ..errors import PeacestatsError

        raise PeacestatsError(f"no reports in {out}: run the analyses first (make reports)")
    items = []
    for e in entries:
        thumb = (f'<img src="figures/{e["figures"][0]}.png" alt="" '
                 'style="max-width:14rem;float:right;margin-left:1rem">' if e["figures"] else "")
        items.append(
            f'<li style="clear:both;margin-bottom:1.5rem">{thumb}<a href="{html.escape(e["name"])}.html">'
            f'<strong>{html.escape(e["title"])}</strong></a><br>'
            f'<span class="question">{html.escape(e["question"])}</span>'
            f'<br><span class="note">{len(e["tables"])} tables, {len(e["figures"])} figures; data: '
            f'{", ".join(d["key"] + " " + d["version"] for d in e["provenance"]["datasets"])}</span></li>'
        )
    rev = entries[0]["provenance"]["git_revision"]
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>Does military involvement in peace processes make peace last longer "
        "and violence smaller? Each report below is rebuilt from the raw data by <code>make reports</code>.</p>"
        f"<ul style=\"list-style:none;padding:0\">{''.join(items)}</ul>"
        f"<p class=\"provenance\">peacestats {__version__}, git revision <code>{html.escape(rev)}</code>.</p>"
        "</body></html>\n"
    )
    return io.write_text(out / "index.html", page)
