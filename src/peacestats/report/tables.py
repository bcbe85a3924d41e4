"""Publication tables: several fitted models side by side.

:func:`regtable` takes fitted models (peacestats results, statsmodels results,
lifelines fitters, objects with ``tidy()`` such as pyfixest's, tidy DataFrames: one
adapter layer, :mod:`peacestats.report.adapters`) and lays them out as journals do: one
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
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ._common import INTERCEPTS as _INTERCEPTS
from ._common import as_results as _as_results
from ._common import use_exp as _use_exp
from ._render import Table, render_frame, render_html, render_latex, render_markdown

# coefplot and forest_plot are served by the module __getattr__ below
__all__ = ["regtable", "tidy_long", "coefplot", "forest_plot"]  # noqa: F822

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
def _fmt(v: float, digits: int) -> str:
    """``digits`` decimals; a non-zero value that would round to zero keeps ``digits`` significant digits."""
    if v is None:
        return ""
    if not math.isfinite(v):  # shown, never hidden: a NaN in a fit is a problem to see
        return "NA" if math.isnan(v) else ("Inf" if v > 0 else "-Inf")
    if v != 0 and abs(v) < 0.5 * 10.0**-digits:  # 0.00042, not 0.000
        decimals = digits - 1 - math.floor(math.log10(abs(v)))
        return f"{v:.{decimals}f}" if decimals <= 12 else f"{v:.{max(digits, 1)}g}"
    s = f"{v:.{digits}f}"
    if re.fullmatch(r"-0\.?0*", s):  # no "-0.000"
        s = s[1:]
    return s


def _fmt_p(p: float, digits: int) -> str:
    """A p-value: ``digits`` decimals, ``<0.001`` below the smallest one shown."""
    if p is not None and math.isfinite(p) and digits > 0 and p < 10.0**-digits:
        return f"<{10.0**-digits:.{digits}f}"
    return _fmt(p, digits)


def _fmt_stat(key: str, v, digits: int) -> str:
    """A fit statistic: counts and integers as integers (``64``, not ``64.000``), the rest as :func:`_fmt`."""
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and not np.isfinite(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if key in _COUNT_STATS or isinstance(v, (int, np.integer)):
        return f"{int(round(float(v))):,}"
    if isinstance(v, (float, np.floating)):
        return _fmt(float(v), digits)
    return str(v)


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
    header=None,
) -> Table:
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
                sub = f"({_fmt_p(row['p_value'], digits)})"
            sub_cells.append(sub)
        coef.append((_row_label(term, labels, [f for f, t in zip(exp_flags, tidies) if term in t.index]),
                     est_cells, sub_cells))
        star_rows.append(st)

    columns = [f"({i + 1})" for i in range(k)]
    raw = {"Model": [str(n) for n in model_names] if model_names is not None else [r.model for r in results],
           "Outcome": [r.outcome for r in results]}
    header_rows, numbers = _header_rows(raw, columns, [r.model for r in results] if model_names is not None else None,
                                        header)

    stat_rows = []
    glances = [r.glance().iloc[0] for r in results]
    for key in stats or ():
        cells = [_fmt_stat(key, g.get(key) if key in g.index else None, digits) for g in glances]
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
    return Table(columns, header_rows, coef, star_rows, stat_rows, notes, title, numbers, raw)


_HEADER_KEYS = ("numbers", "Model", "Outcome", "Estimator")


def _header_rows(raw: dict[str, list[str]], columns: list[str], estimators: list[str] | None,
                 header: Mapping[str, str | None] | None) -> tuple[list[tuple[str, list[str]]], bool]:
    """The header rows after ``header=`` relabels or hides them; whether the model numbers show.

    A model row that only repeats the numbers (``model_names=["(1)", "(2)"]``) is left out,
    so the numbers never print twice.
    """
    header = dict(header or {})
    bad = [k for k in header if k not in _HEADER_KEYS]
    if bad:
        raise SpecificationError(f"regtable: header keys must be among {_HEADER_KEYS}, not {bad}")
    rows = [("Model", raw["Model"]), ("Outcome", raw["Outcome"])]
    if estimators is not None:
        rows.append(("Estimator", estimators))
    out = []
    for name, cells in rows:
        if name == "Model" and [c.strip() for c in cells] == columns:
            continue
        if name in ("Model", "Outcome") and not any(cells):
            continue
        if name in header and header[name] is None:
            continue
        out.append((str(header.get(name) or name), cells))
    return out, header.get("numbers", True) not in (None, False)


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
    header: Mapping[str, str | None] | None = None,
    float: bool | None = None,
    caption: str | None = None,
    label: str | None = None,
):
    """Several fitted models side by side, as in a journal table.

    Parameters
    ----------
    results
        A fitted model, a list of them, or a dict ``{name: result}`` (names become
        ``model_names``). A model is a peacestats result (a subclass of
        :class:`~peacestats.models.results.ModelResult`), a statsmodels result (OLS,
        GLM, Logit, Probit, Poisson, NegativeBinomial, PHReg), a lifelines fitter
        (``CoxPHFitter``, ...), an object with a ``tidy()`` method such as pyfixest's
        ``Feols``, or a tidy DataFrame (``term``, ``estimate``, ``std_error``; optionally
        ``statistic``, ``p_value``, ``conf_low``, ``conf_high``): see
        :func:`peacestats.report.tidy_result` to give it a name, an outcome and statistics.
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
        Decimals of coefficients, SEs, CIs, p-values and fit statistics. A non-zero
        value that would show as ``0.000`` keeps ``digits`` significant digits
        (``0.000423``); a p-value below ``10**-digits`` shows as ``<0.001``; counts and
        integer statistics print as integers (``1,234``).
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
        Caption (HTML, Markdown) or a comment line (LaTeX; the caption of a LaTeX float).
    path
        Also write the output there (UTF-8; ``"frame"`` is written as CSV).
    header
        Relabel or hide header rows: ``{"Model": "Specification", "Outcome": None}``.
        Keys: ``"numbers"`` (the "(1)", "(2)" row; ``None`` or ``False`` hides it),
        ``"Model"``, ``"Outcome"``, ``"Estimator"`` (shown when ``model_names`` are
        given); a string relabels the row, ``None`` hides it. A model row that repeats
        the numbers (``model_names=["(1)", "(2)"]``) is left out; an outcome row empty
        for every model too.
    float
        LaTeX: wrap the tabular in a ``table`` float (``[htbp]``, ``\\centering``).
        Default: when ``caption`` or ``label`` is given.
    caption, label
        LaTeX: ``\\caption`` (default ``title``) and ``\\label`` of the float.

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
            header=header,
        )
        if format == "latex":
            out = render_latex(tab, float=float, caption=caption, label=label)
        else:
            out = {"html": render_html, "markdown": render_markdown, "frame": render_frame}[format](tab)
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
