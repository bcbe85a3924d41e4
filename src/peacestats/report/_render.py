"""Renderers of :func:`peacestats.report.tables.regtable`: the formatted table -> HTML, LaTeX, Markdown, frame.

:class:`Table` holds the cells (already formatted strings); each renderer only lays them out.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Table", "render_html", "render_latex", "render_markdown", "render_frame"]


@dataclass
class Table:
    """The formatted cells of a regression table."""

    columns: list[str]  # "(1)", "(2)", ...
    header: list[tuple[str, list[str]]]  # (row label, one cell per model)
    coef: list[tuple[str, list[str], list[str]]]  # (label, estimate cells, sub cells)
    stars: list[list[str]]  # per coef row: star string per model
    stats: list[tuple[str, list[str]]]
    notes: list[str] = field(default_factory=list)
    title: str | None = None
    numbers: bool = True  # print the "(1)", "(2)" row
    raw_header: dict[str, list[str]] = field(default_factory=dict)  # Model/Outcome cells before relabelling



def render_html(tab: Table) -> str:
    e = html.escape
    n = len(tab.columns)
    out = ['<table class="peacestats-regtable">']
    if tab.title:
        out.append(f"<caption>{e(tab.title)}</caption>")
    out.append("<thead>")
    if tab.numbers:
        out.append("<tr><th></th>" + "".join(f'<th style="text-align:center">{e(c)}</th>' for c in tab.columns)
                   + "</tr>")
    for label, cells in tab.header:
        out.append(
            f"<tr><th style=\"text-align:left\">{e(label)}</th>"
            + "".join(f'<td style="text-align:center">{e(c)}</td>' for c in cells)
            + "</tr>"
        )
    out.append("</thead>")
    out.append("<tbody>")
    for (label, est, sub), st in zip(tab.coef, tab.stars):
        out.append(
            f"<tr><td style=\"text-align:left\">{e(label)}</td>"
            + "".join(
                f'<td style="text-align:center">{e(x)}{f"<sup>{s}</sup>" if s else ""}</td>' for x, s in zip(est, st)
            )
            + "</tr>"
        )
        out.append("<tr><td></td>" + "".join(f'<td style="text-align:center">{e(x)}</td>' for x in sub) + "</tr>")
    out.append("</tbody>")
    if tab.stats:
        out.append('<tbody style="border-top:1px solid">')
        for label, cells in tab.stats:
            out.append(
                f"<tr><td style=\"text-align:left\">{e(label)}</td>"
                + "".join(f'<td style="text-align:center">{e(c)}</td>' for c in cells)
                + "</tr>"
            )
        out.append("</tbody>")
    out.append(
        f'<tfoot><tr><td colspan="{n + 1}" style="text-align:left"><small>'
        + "<br>".join(e(x) for x in tab.notes)
        + "</small></td></tr></tfoot>"
    )
    out.append("</table>")
    return "\n".join(out) + "\n"


_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\u00b2": r"$^2$",
}


def _tex(s: str) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in s)


def render_latex(tab: Table, float: bool | None = None, caption: str | None = None, label: str | None = None) -> str:
    """booktabs ``tabular``.

    Inside a ``table`` float with ``\\caption``/``\\label`` when asked (or when either is given).
    """
    n = len(tab.columns)
    use_float = bool(caption or label) if float is None else bool(float)
    caption = caption if caption is not None else (tab.title if use_float else None)
    lines = []
    if use_float:
        lines += [r"\begin{table}[htbp]", r"\centering"]
        if caption:
            lines.append(rf"\caption{{{_tex(caption)}}}")
        if label:
            lines.append(rf"\label{{{label}}}")
    elif tab.title:
        lines.append(f"% {_tex(tab.title)}")
    lines.append(r"\begin{tabular}{l" + "c" * n + "}")
    lines.append(r"\toprule")
    if tab.numbers:
        lines.append(" & " + " & ".join(tab.columns) + r" \\")
    for row, cells in tab.header:
        lines.append(_tex(row) + " & " + " & ".join(_tex(c) for c in cells) + r" \\")
    lines.append(r"\midrule")
    for (row, est, sub), st in zip(tab.coef, tab.stars):
        cells = [_tex(x) + (f"$^{{{s}}}$" if s else "") for x, s in zip(est, st)]
        lines.append(_tex(row) + " & " + " & ".join(cells) + r" \\")
        lines.append(" & " + " & ".join(_tex(x) for x in sub) + r" \\")
    if tab.stats:
        lines.append(r"\midrule")
        for row, cells in tab.stats:
            lines.append(_tex(row) + " & " + " & ".join(_tex(c) for c in cells) + r" \\")
    lines.append(r"\bottomrule")
    for note in tab.notes:
        lines.append(rf"\multicolumn{{{n + 1}}}{{l}}{{\footnotesize {_tex(note)}}} \\")
    lines.append(r"\end{tabular}")
    if use_float:
        lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def _md_cell(s: str) -> str:
    return s.replace("|", r"\|").replace("*", r"\*")


def render_markdown(tab: Table) -> str:
    n = len(tab.columns)
    lines = []
    if tab.title:
        lines.append(f"**{_md_cell(tab.title)}**")
        lines.append("")
    header = list(tab.header)
    if tab.numbers or not header:  # Markdown needs a first row: the numbers, else the first header row
        first = ("", tab.columns if tab.numbers else [""] * n)
    else:
        first = header.pop(0)
    lead = f"| {_md_cell(first[0])} | " if first[0] else "| | "
    lines.append(lead + " | ".join(_md_cell(c) for c in first[1]) + " |")
    lines.append("|:--|" + ":-:|" * n)
    for label, cells in header:
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(c) for c in cells) + " |")
    for (label, est, sub), st in zip(tab.coef, tab.stars):
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(x + s) for x, s in zip(est, st)) + " |")
        lines.append("| | " + " | ".join(_md_cell(x) for x in sub) + " |")
    for label, cells in tab.stats:
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines.append("")
    lines.extend(_md_cell(x) + "  " for x in tab.notes)
    return "\n".join(lines).rstrip() + "\n"


def render_frame(tab: Table) -> pd.DataFrame:
    cols = pd.MultiIndex.from_arrays(
        [tab.columns, tab.raw_header["Model"], tab.raw_header["Outcome"]], names=["", "model", "outcome"]
    )
    idx, rows = [], []
    for (label, est, sub), st in zip(tab.coef, tab.stars):
        idx.append((label, "estimate"))
        rows.append([x + s for x, s in zip(est, st)])
        idx.append((label, "stat"))
        rows.append(sub)
    for label, cells in tab.stats:
        idx.append((label, ""))
        rows.append(cells)
    out = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(idx, names=["term", "row"]), columns=cols)
    out.attrs["notes"] = list(tab.notes)
    return out
