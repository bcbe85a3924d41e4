"""Publication tables: several fitted models side by side.

:func:`regtable` takes any fitted models that subclass
:class:`peacestats.models.results.ModelResult` (Cox, Weibull, logit, negative
binomial, OLS, a propensity-score model) and lays them out as journals do: one
column per model, a header naming the model and its outcome, a coefficient row
with the standard error (or confidence interval, statistic, p-value) below it, a
block of fit statistics, and a note on the stars and on each model's standard
errors. The same table renders to HTML, LaTeX (booktabs), Markdown, a DataFrame,
or a tidy long CSV that is byte-for-byte reproducible.

::

    from peacestats.report import regtable
    print(regtable([m1, m2], labels={"pk_dum": "Peacekeeping"}, format="markdown"))
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ._common import INTERCEPTS as _INTERCEPTS
from ._common import as_results as _as_results
from ._common import use_exp as _use_exp

__all__ = ["regtable", "tidy_long", "coefplot", "forest_plot"]

#: Labels of the fit statistics (keys of ``ModelResult.glance()``).
STAT_LABELS: dict[str, str] = {
    "n": "Observations",
    "n_groups": "Spells",
    "n_events": "Events",
    "n_clusters": "Clusters",
    "loglik": "Log-likelihood",
    "loglik_null": "Log-likelihood (null)",
    "aic": "AIC",
    "bic": "BIC",
    "r2": "R\u00b2",
    "adj_r2": "Adjusted R\u00b2",
    "pseudo_r2": "Pseudo R\u00b2",
    "alpha": "alpha (NB2)",
    "theta": "theta (NB2)",
    "concordance": "Concordance",
    "shape": "Shape p",
    "shape_p": "Shape p",
    "scale": "Scale",
}
_COUNT_STATS = {"n", "n_groups", "n_events", "n_clusters"}
_INTERCEPT = "Intercept"
_SUB_NOTE = {
    "se": "Standard errors in parentheses.",
    "t": "Test statistics (z or t) in parentheses.",
    "p": "p-values in parentheses.",
}
# CSV floats: 10 significant digits, so files are identical across runs and platforms
# (the last bits of a float can differ between BLAS builds; 1e-10 relative cannot).
_CSV_FLOAT = "{:.10g}"


# ======================================================================= model facts
# ======================================================================= the table
@dataclass
class _Table:
    columns: list[str]  # "(1)", "(2)", ...
    header: list[tuple[str, list[str]]]  # (row label, one cell per model)
    coef: list[tuple[str, list[str], list[str]]]  # (label, estimate cells, sub cells)
    stars: list[list[str]]  # per coef row: star string per model
    stats: list[tuple[str, list[str]]]
    notes: list[str] = field(default_factory=list)
    title: str | None = None


def _fmt(v: float, digits: int) -> str:
    if v is None:
        return ""
    if not math.isfinite(v):  # shown, never hidden: a NaN in a fit is a problem to see
        return "NA" if math.isnan(v) else ("Inf" if v > 0 else "-Inf")
    s = f"{v:.{digits}f}"
    if re.fullmatch(r"-0\.?0*", s):  # no "-0.000"
        s = s[1:]
    return s


def _n_stars(p: float, stars: Sequence[float]) -> int:
    if not stars or p is None or not math.isfinite(p):
        return 0
    return sum(1 for s in stars if p < s)


def _build(
    results,
    *,
    labels,
    model_names,
    stat,
    exponentiate,
    stars,
    digits,
    stats,
    conf_level,
    order,
    drop,
    title,
) -> _Table:
    results, dict_names = _as_results(results)
    k = len(results)
    if model_names is None:
        model_names = dict_names
    if model_names is not None and len(model_names) != k:
        raise SpecificationError(f"regtable: {len(model_names)} model_names for {k} models")
    if stat not in ("se", "ci", "t", "p"):
        raise SpecificationError(f"regtable: stat must be 'se', 'ci', 't' or 'p', not {stat!r}")
    if exponentiate not in (True, False, "auto"):
        raise SpecificationError(f"regtable: exponentiate must be True, False or 'auto', not {exponentiate!r}")
    stars = tuple(sorted(stars or (), reverse=True))
    if any(not (0 < s < 1) for s in stars):
        raise SpecificationError(f"regtable: star levels must lie in (0, 1), got {stars}")
    labels = dict(labels or {})

    tidies = []
    for r in results:
        t = r.tidy(conf_level=conf_level, exponentiate=False)
        # one row for the intercept whatever a model calls it ("(Intercept)", "const", ...)
        t = t.assign(term=[_INTERCEPT if x in _INTERCEPTS else x for x in t["term"]]).set_index("term")
        if _use_exp(r, exponentiate):
            e = np.exp(t["estimate"])
            t = t.assign(
                estimate=e,
                std_error=e * t["std_error"],  # delta method, as Stata's eform
                conf_low=np.exp(t["conf_low"]),
                conf_high=np.exp(t["conf_high"]),
            )
        tidies.append(t)

    # term order: `order` first, then first appearance, intercepts last
    seen: list[str] = []
    for t in tidies:
        for term in t.index:
            if term not in seen:
                seen.append(term)
    if drop:
        pats = [drop] if isinstance(drop, str) else list(drop)
        seen = [
            s for s in seen
            if not any(re.fullmatch(p, a) for p in pats for a in (_INTERCEPTS if s == _INTERCEPT else (s,)))
        ]
    first = [o for o in (order or []) if o in seen]
    rest = [s for s in seen if s not in first]
    terms = first + [s for s in rest if s != _INTERCEPT] + [s for s in rest if s == _INTERCEPT]
    exp_flags = [_use_exp(r, exponentiate) for r in results]

    coef, star_rows = [], []
    for term in terms:
        est_cells, sub_cells, st = [], [], []
        for t in tidies:
            if term not in t.index:
                est_cells.append("")
                sub_cells.append("")
                st.append("")
                continue
            row = t.loc[term]
            est_cells.append(_fmt(row["estimate"], digits))
            st.append("*" * _n_stars(row["p_value"], stars))
            if stat == "se":
                sub = f"({_fmt(row['std_error'], digits)})"
            elif stat == "ci":
                sub = f"[{_fmt(row['conf_low'], digits)}, {_fmt(row['conf_high'], digits)}]"
            elif stat == "t":
                sub = f"({_fmt(row['statistic'], 2 if digits > 2 else digits)})"
            else:
                sub = f"({_fmt(row['p_value'], digits)})"
            sub_cells.append(sub)
        coef.append((_row_label(term, labels, [f for f, t in zip(exp_flags, tidies) if term in t.index]),
                     est_cells, sub_cells))
        star_rows.append(st)

    columns = [f"({i + 1})" for i in range(k)]
    header = [
        ("Model", [str(n) for n in model_names] if model_names is not None else [r.model for r in results]),
        ("Outcome", [r.outcome for r in results]),
    ]
    if model_names is not None:
        header.append(("Estimator", [r.model for r in results]))

    stat_rows = []
    glances = [r.glance().iloc[0] for r in results]
    for key in stats or ():
        cells = []
        for g in glances:
            v = g.get(key) if key in g.index else None
            if v is None or (isinstance(v, (float, np.floating)) and not np.isfinite(v)) or v is pd.NA:
                cells.append("")
            elif key in _COUNT_STATS:
                cells.append(f"{int(v):,}")
            elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                cells.append(_fmt(float(v), digits))
            else:
                cells.append(str(v))
        if any(cells):
            stat_rows.append((STAT_LABELS.get(key, key), cells))

    notes = []
    if stars:
        notes.append("; ".join(f"{'*' * (i + 1)} p < {_g(s)}" for i, s in enumerate(stars)) + ".")
    notes.append(
        f"{int(round(conf_level * 100))}% confidence intervals in brackets." if stat == "ci" else _SUB_NOTE[stat]
    )
    if any(exp_flags):
        which = sorted({r.exp_label for r, f in zip(results, exp_flags) if f})
        note = f"Exponentiated coefficients ({', '.join(which)})"
        if not all(exp_flags):
            note += " in " + ", ".join(c for c, f in zip(columns, exp_flags) if f)
        if stat == "se":
            note += "; standard errors by the delta method"
        notes.append(note + ".")
    vtypes = [r.vcov_type for r in results]
    if len(set(vtypes)) == 1:
        notes.append(f"Standard errors: {vtypes[0]}.")
    else:
        notes.append("Standard errors: " + "; ".join(f"{c} {v}" for c, v in zip(columns, vtypes)) + ".")
    return _Table(columns, header, coef, star_rows, stat_rows, notes, title)


def _row_label(term: str, labels: Mapping[str, str], exp_flags: list[bool]) -> str:
    """The user's label; else the term, with ``log(p)`` shown as ``p`` when exponentiated."""
    if term in labels:
        return labels[term]
    if term == _INTERCEPT:
        for alias in _INTERCEPTS:
            if alias in labels:
                return labels[alias]
    m = re.fullmatch(r"log\((.+)\)", term, flags=re.I)
    if m and exp_flags and all(exp_flags):
        return m.group(1)
    return term


def _g(x: float) -> str:
    return f"{x:g}"


# ======================================================================= renderers
def _html(tab: _Table) -> str:
    e = html.escape
    n = len(tab.columns)
    out = ['<table class="peacestats-regtable">']
    if tab.title:
        out.append(f"<caption>{e(tab.title)}</caption>")
    out.append("<thead>")
    out.append("<tr><th></th>" + "".join(f'<th style="text-align:center">{e(c)}</th>' for c in tab.columns) + "</tr>")
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


def _latex(tab: _Table) -> str:
    n = len(tab.columns)
    lines = []
    if tab.title:
        lines.append(f"% {_tex(tab.title)}")
    lines.append(r"\begin{tabular}{l" + "c" * n + "}")
    lines.append(r"\toprule")
    lines.append(" & " + " & ".join(tab.columns) + r" \\")
    for label, cells in tab.header:
        lines.append(_tex(label) + " & " + " & ".join(_tex(c) for c in cells) + r" \\")
    lines.append(r"\midrule")
    for (label, est, sub), st in zip(tab.coef, tab.stars):
        cells = [_tex(x) + (f"$^{{{s}}}$" if s else "") for x, s in zip(est, st)]
        lines.append(_tex(label) + " & " + " & ".join(cells) + r" \\")
        lines.append(" & " + " & ".join(_tex(x) for x in sub) + r" \\")
    if tab.stats:
        lines.append(r"\midrule")
        for label, cells in tab.stats:
            lines.append(_tex(label) + " & " + " & ".join(_tex(c) for c in cells) + r" \\")
    lines.append(r"\bottomrule")
    for note in tab.notes:
        lines.append(rf"\multicolumn{{{n + 1}}}{{l}}{{\footnotesize {_tex(note)}}} \\")
    lines.append(r"\end{tabular}")
    return "\n".join(lines) + "\n"


def _md_cell(s: str) -> str:
    return s.replace("|", r"\|").replace("*", r"\*")


def _markdown(tab: _Table) -> str:
    n = len(tab.columns)
    lines = []
    if tab.title:
        lines.append(f"**{_md_cell(tab.title)}**")
        lines.append("")
    lines.append("| | " + " | ".join(tab.columns) + " |")
    lines.append("|:--|" + ":-:|" * n)
    for label, cells in tab.header:
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(c) for c in cells) + " |")
    for (label, est, sub), st in zip(tab.coef, tab.stars):
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(x + s) for x, s in zip(est, st)) + " |")
        lines.append("| | " + " | ".join(_md_cell(x) for x in sub) + " |")
    for label, cells in tab.stats:
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines.append("")
    lines.extend(_md_cell(x) + "  " for x in tab.notes)
    return "\n".join(lines).rstrip() + "\n"


def _frame(tab: _Table) -> pd.DataFrame:
    model_row = dict(tab.header).get("Model", tab.columns)
    cols = pd.MultiIndex.from_arrays(
        [tab.columns, model_row, dict(tab.header)["Outcome"]], names=["", "model", "outcome"]
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


# ======================================================================= tidy long / CSV
def tidy_long(
    results,
    *,
    labels: Mapping[str, str] | None = None,
    model_names: Sequence[str] | None = None,
    exponentiate: bool | str = False,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """All models' ``tidy()`` tables stacked: one row per model and term.

    Columns: ``model`` (name), ``model_number``, ``estimator``, ``outcome``, ``term``,
    ``label``, ``estimate``, ``std_error``, ``statistic``, ``p_value``, ``conf_low``,
    ``conf_high``, (``exp_estimate``, ``exp_conf_low``, ``exp_conf_high`` when
    ``exponentiate``), ``vcov_type``, ``n``, ``n_events``, ``n_clusters``.
    """
    results, dict_names = _as_results(results)
    names = list(model_names) if model_names is not None else dict_names
    if names is not None and len(names) != len(results):
        raise SpecificationError(f"{len(names)} model_names for {len(results)} models")
    labels = dict(labels or {})
    frames = []
    for i, r in enumerate(results):
        t = r.tidy(conf_level=conf_level, exponentiate=False)
        use_exp = _use_exp(r, exponentiate)
        out = pd.DataFrame(
            {
                "model": names[i] if names is not None else f"({i + 1})",
                "model_number": i + 1,
                "estimator": r.model,
                "outcome": r.outcome,
                "term": t["term"],
                "label": [labels.get(x, x) for x in t["term"]],
                "estimate": t["estimate"],
                "std_error": t["std_error"],
                "statistic": t["statistic"],
                "p_value": t["p_value"],
                "conf_low": t["conf_low"],
                "conf_high": t["conf_high"],
            }
        )
        if exponentiate is not False:
            out["exp_estimate"] = np.exp(t["estimate"]) if use_exp else np.nan
            out["exp_conf_low"] = np.exp(t["conf_low"]) if use_exp else np.nan
            out["exp_conf_high"] = np.exp(t["conf_high"]) if use_exp else np.nan
        out["vcov_type"] = r.vcov_type
        out["n"] = r.nobs
        out["n_events"] = r.n_events
        out["n_clusters"] = r.n_clusters
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def _csv(long: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(long.columns)
    for row in long.itertuples(index=False, name=None):
        w.writerow([_csv_cell(v) for v in row])
    return buf.getvalue()


def _csv_cell(v: Any) -> str:
    if v is None or v is pd.NA:
        return "NA"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if not math.isfinite(v):
            return "NA" if math.isnan(v) else ("Inf" if v > 0 else "-Inf")
        s = _CSV_FLOAT.format(v)
        return "0" if s in ("-0", "0") else s
    return str(v)


# ======================================================================= public entry
def regtable(
    results,
    *,
    labels: Mapping[str, str] | None = None,
    model_names: Sequence[str] | None = None,
    stat: str = "se",
    exponentiate: bool | str = False,
    stars: Sequence[float] | None = (0.1, 0.05, 0.01),
    digits: int = 3,
    stats: Iterable[str] | None = ("n", "n_events", "n_clusters", "loglik", "aic"),
    format: str = "html",
    conf_level: float = 0.95,
    order: Sequence[str] | None = None,
    drop: str | Sequence[str] | None = None,
    title: str | None = None,
    path: str | Path | None = None,
):
    """Several fitted models side by side, as in a journal table.

    Parameters
    ----------
    results
        A fitted model, a list of them, or a dict ``{name: result}`` (names become
        ``model_names``). Anything subclassing
        :class:`~peacestats.models.results.ModelResult`.
    labels
        ``{term: label}`` for the row names (``{"pk_dum": "Peacekeeping"}``).
    model_names
        One name per model (default: the estimator, e.g. "Cox PH").
    stat
        What goes under each coefficient: ``"se"`` (standard error), ``"ci"``
        (confidence interval at ``conf_level``), ``"t"`` (z or t statistic) or
        ``"p"`` (p-value).
    exponentiate
        ``True``: show exp(b) (hazard, odds, rate ratios) with exponentiated CI limits
        and delta-method SEs exp(b) x se(b) (Stata's ``eform``); statistics and p-values
        stay those of b. ``"auto"``: each model's own convention (``result.exponentiate``).
        An exponentiated ancillary ``log(p)`` / ``log(scale)`` row is labelled ``p`` /
        ``scale`` (it then shows the parameter itself).
    stars
        Significance levels; p < the smallest level gets the most stars. ``None`` or
        ``()``: no stars.
    digits
        Decimals of coefficients, SEs, CIs, p-values and fit statistics.
    stats
        Keys of ``glance()`` for the bottom block (rows empty for every model are left
        out). Known labels: n, n_groups, n_events, n_clusters, loglik, aic, bic, r2,
        pseudo_r2, alpha, theta, concordance.
    format
        ``"html"``, ``"latex"`` (booktabs rules: ``\\usepackage{booktabs}``),
        ``"markdown"``, ``"frame"`` (a DataFrame of the formatted cells) or ``"csv"``
        (the tidy long table of :func:`tidy_long`, floats with 10 significant digits,
        ``\\n`` line ends, no timestamp: byte-identical across runs).
    conf_level
        Level of the confidence intervals.
    order
        Terms to put first (the rest follow in order of first appearance; the intercept
        last, on one row whatever each model calls it: ``Intercept``, ``(Intercept)``,
        ``const``).
    drop
        Terms to leave out: names or regular expressions (full match).
    title
        Caption (HTML, Markdown) or a comment line (LaTeX).
    path
        Also write the output there (UTF-8; ``"frame"`` is written as CSV).

    Returns
    -------
    str or pandas.DataFrame
    """
    fmts = ("html", "latex", "markdown", "csv", "frame")
    if format not in fmts:
        raise SpecificationError(f"regtable: format must be one of {fmts}, not {format!r}")
    if not isinstance(digits, (int, np.integer)) or digits < 0:
        raise SpecificationError(f"regtable: digits must be a non-negative integer, not {digits!r}")
    if format == "csv":
        if stat not in ("se", "ci", "t", "p"):
            raise SpecificationError(f"regtable: stat must be 'se', 'ci', 't' or 'p', not {stat!r}")
        long = tidy_long(results, labels=labels, model_names=model_names, exponentiate=exponentiate,
                         conf_level=conf_level)
        if drop:
            pats = [drop] if isinstance(drop, str) else list(drop)
            long = long[~long["term"].map(lambda s: any(re.fullmatch(p, s) for p in pats))]
        out: Any = _csv(long)
    else:
        tab = _build(
            results,
            labels=labels,
            model_names=model_names,
            stat=stat,
            exponentiate=exponentiate,
            stars=stars,
            digits=int(digits),
            stats=stats,
            conf_level=conf_level,
            order=order,
            drop=drop,
            title=title,
        )
        out = {"html": _html, "latex": _latex, "markdown": _markdown, "frame": _frame}[format](tab)
    if path is not None:
        from .. import io as atomic_io

        text = out.to_csv(lineterminator="\n") if isinstance(out, pd.DataFrame) else out
        atomic_io.write_bytes(Path(path), text.encode("utf-8"))
    return out


def __getattr__(name: str):
    """``coefplot`` and ``forest_plot`` used to live here: kept importable (one way, no cycle)."""
    if name in ("coefplot", "forest_plot"):
        from . import figures

        return getattr(figures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
