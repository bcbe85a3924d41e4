"""Formulas and column checks: what the model frame (:mod:`peacestats.models.frame`) reads first.

:func:`parse_surv_formula`, :func:`extract_specials`
    R-style ``Surv(start, stop, event) ~ x + strata(s) + cluster(g)``.
:func:`formula_columns`
    The data columns a patsy side uses (for NA handling and clear "no such column" errors).
:func:`check_columns`, :func:`did_you_mean`, :func:`check_time_columns`, :func:`check_covariate_types`
    Refuse missing columns (with close matches) and columns whose type would be misread.

Everything here is re-exported by :mod:`peacestats.models.frame`.
"""

from __future__ import annotations

import ast
import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SpecificationError

__all__ = [
    "SurvFormula",
    "parse_surv_formula",
    "check_surv_arguments",
    "extract_specials",
    "formula_columns",
    "check_columns",
    "did_you_mean",
    "as_list",
    "as_python",
    "FORMULA_NAMESPACE",
    "check_time_columns",
    "check_covariate_types",
]

# Names that may appear in a patsy formula without being columns of the data.
_FORMULA_FUNCTIONS = {
    "C", "factor", "I", "Q", "np", "log", "log1p", "exp", "sqrt", "abs", "center",
    "standardize", "scale", "bs", "cr", "cc", "te", "Treatment", "Sum", "Poly", "Diff",
    "Helmert", "ContrastMatrix", "True", "False", "None", "pd", "numpy",
}

#: Names every formula can use besides the data's columns (R's log() etc. and numpy).
FORMULA_NAMESPACE = {"np": np, "numpy": np, "log": np.log, "log1p": np.log1p, "exp": np.exp, "sqrt": np.sqrt}


def as_list(x: str | Sequence[str] | None) -> list[str]:
    """``None`` -> ``[]``, ``"a"`` -> ``["a"]``, a sequence -> a list."""
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def as_python(value):
    """A numpy scalar as the plain Python value (for readable messages: ``3``, not ``np.int64(3)``)."""
    return value.item() if isinstance(value, np.generic) else value


# ----------------------------------------------------------------------------- formulas
@dataclass(frozen=True)
class SurvFormula:
    """The parts of an R-style survival formula."""

    start: str | None
    stop: str
    event: str
    rhs: str
    strata: tuple[str, ...] = ()
    cluster: str | None = None


def _split_top_level(s: str, sep: str) -> list[str]:
    """Split ``s`` on ``sep`` outside parentheses/brackets."""
    return list(_split_top_level_cached(s, sep))


@functools.lru_cache(maxsize=256)
def _split_top_level_cached(s: str, sep: str) -> tuple[str, ...]:
    """:func:`_split_top_level`, remembered: a fit splits the same formula several times."""
    out: list[str] = []
    cur: list[str] = []  # the characters of the current part
    depth = 0
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return tuple(p.strip() for p in out)


def parse_surv_formula(formula: str) -> SurvFormula | None:
    """Parse ``"Surv(start, stop, event) ~ rhs"`` or ``"Surv(time, event) ~ rhs"``.

    ``strata(a, b)`` and ``cluster(g)`` terms on the right-hand side are taken out
    (as R's ``coxph`` does). Returns ``None`` when ``formula`` has no ``~`` (a plain
    right-hand side).

    Raises
    ------
    SpecificationError
        A left-hand side that is not ``Surv(...)`` with two or three column names.
    """
    if "~" not in formula:
        return None
    lhs, rhs = formula.split("~", 1)
    lhs = lhs.strip()
    m = re.fullmatch(r"Surv\s*\((.*)\)", lhs)
    if not m:
        raise SpecificationError(
            f"formula {formula!r}: the left-hand side must be Surv(start, stop, event) or "
            "Surv(time, event); or give only the right-hand side and pass stop=, event= "
            "(and start=) as arguments."
        )
    args = [a.strip() for a in _split_top_level(m.group(1), ",")]
    if len(args) not in (2, 3) or not all(args):
        raise SpecificationError(
            f"formula {formula!r}: Surv() needs (time, event) or (start, stop, event) column names."
        )
    start: str | None = None
    if len(args) == 2:
        stop, event = args
    else:
        start, stop, event = args
    rest, strata, cluster = extract_specials(rhs)
    return SurvFormula(start, stop, event, rest, strata, cluster)


def check_surv_arguments(sf: SurvFormula, what: str, **given: str | None) -> None:
    """Raise :class:`SpecificationError` when a column given as an argument contradicts the formula.

    ``given`` maps ``start`` (or ``entry``), ``stop``, ``event`` and ``cluster`` to the
    column named by the caller's argument (None when not given); each must equal the
    column the formula's ``Surv()`` (or ``cluster()``) names, when both name one.
    """
    written = {"start": sf.start, "entry": sf.start, "stop": sf.stop, "event": sf.event, "cluster": sf.cluster}
    for name, value in given.items():
        if value is not None and written[name] is not None and value != written[name]:
            raise SpecificationError(
                f"{what}: {name}={value!r} contradicts the formula, which names {written[name]!r}; give it once"
            )

@functools.lru_cache(maxsize=256)
def extract_specials(rhs: str) -> tuple[str, tuple[str, ...], str | None]:
    """Take R's ``strata(a, b)`` and ``cluster(g)`` terms out of a right-hand side.

    Returns the remaining right-hand side, the strata columns and the cluster column
    (immutable, so remembered per formula: repeated fits parse it once).
    """
    terms = _split_top_level(rhs, "+")
    keep: list[str] = []
    strata: list[str] = []
    cluster = None
    for t in terms:
        ms = re.fullmatch(r"strata\s*\((.*)\)", t)
        mc = re.fullmatch(r"cluster\s*\((.*)\)", t)
        if ms:
            strata.extend(a.strip() for a in _split_top_level(ms.group(1), ","))
        elif mc:
            cluster = mc.group(1).strip()
        elif t:
            keep.append(t)
    return " + ".join(keep), tuple(strata), cluster


def formula_columns(rhs: str, columns: Iterable[str], *, eval_env=None) -> tuple[list[str], list[str]]:
    """The data columns a patsy right-hand side refers to, and names it uses that are not columns.

    Parameters
    ----------
    rhs
        A patsy right-hand side (``"x1 + C(x2) + np.log(x3)"``); for a two-sided
        formula, call it on each side.
    columns
        The columns of the data.
    eval_env
        A ``patsy.EvalEnvironment`` the formula will be evaluated in (see
        :func:`design_matrix`): names defined there are not reported as unknown.

    Returns
    -------
    used, unknown
        Column names found, in order of first use; names that are neither columns nor
        known formula functions nor defined in ``eval_env`` (probably typos).
    """
    import patsy

    cols = set(columns)
    used: list[str] = []
    unknown: list[str] = []

    def is_known(name: str) -> bool:
        return name in _FORMULA_FUNCTIONS or (eval_env is not None and _in_env(eval_env, name))

    plain = [t.strip() for t in _split_top_level(rhs, "+")]
    if all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", t) for t in plain):  # "x1 + x2": no parsing needed
        for t in plain:
            if t in cols:
                used.append(t) if t not in used else None
            elif not is_known(t) and t not in unknown and t not in ("1", "0"):
                unknown.append(t)
        return used, unknown
    desc = patsy.ModelDesc.from_formula(rhs)
    for term in desc.rhs_termlist:
        for factor in term.factors:
            code = factor.code
            try:
                tree = ast.parse(code, mode="eval")
            except SyntaxError:  # pragma: no cover - patsy already parsed it
                continue
            skip: set[int] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    skip.add(id(node.func))
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    skip.add(id(node.value))
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and id(node) not in skip:
                    name = node.id
                    if name in cols:
                        if name not in used:
                            used.append(name)
                    elif not is_known(name) and name not in unknown:
                        unknown.append(name)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q":
                    if node.args and isinstance(node.args[0], ast.Constant):
                        qname = str(node.args[0].value)  # Q("name"): patsy takes a string
                        if qname in cols and qname not in used:
                            used.append(qname)
                        elif qname not in cols and qname not in unknown:
                            unknown.append(qname)
    return used, unknown


def _in_env(env, name: str) -> bool:
    try:
        env.namespace[name]
        return True
    except KeyError:
        return False


def did_you_mean(name, columns: Iterable) -> str:
    """``" (did you mean 'a', 'b'?)"`` naming up to three close matches of ``name``, or ``""``."""
    close = difflib.get_close_matches(str(name), [str(c) for c in columns], n=3)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def check_columns(data: pd.DataFrame, names: Iterable[str | None], what: str = "data") -> None:
    """Raise :class:`SpecificationError` if a column is missing, suggesting close matches."""
    missing = [n for n in names if n is not None and n not in data.columns]
    if not missing:
        return
    parts = [f"{n!r}{did_you_mean(n, data.columns)}" for n in missing]
    raise SpecificationError(
        f"{what}: no column {', '.join(parts)} in the data frame "
        f"({data.shape[1]} columns). Check the spelling or add the column."
    )


def _first_text(s: pd.Series):
    """The index label and value of the first non-missing entry of ``s`` that is not a number."""
    vals = s.dropna()
    is_num = vals.map(lambda v: isinstance(v, (int, float, np.number, bool, np.bool_)))
    bad = vals[~is_num.astype(bool)]
    return (bad.index[0], bad.iloc[0]) if len(bad) else None


def _present(data: pd.DataFrame, columns: Iterable[str | None]):
    """``(name, column, dtype kind)`` for each distinct named column that ``data`` has."""
    for c in dict.fromkeys(c for c in columns if c is not None):
        if c in data.columns:
            s = data[c]
            yield c, s, getattr(s.dtype, "kind", "O")


def _temporal(s: pd.Series) -> str | None:
    """``"dates"`` or ``"durations"`` for a datetime or timedelta column, else None."""
    kind = getattr(s.dtype, "kind", "O")
    if kind == "m":
        return "durations"
    if kind == "M" or isinstance(s.dtype, pd.DatetimeTZDtype):
        return "dates"
    return None

def check_time_columns(data: pd.DataFrame, columns: Iterable[str | None], what: str) -> None:
    """Raise :class:`~peacestats.errors.SurvivalDataError` unless every time/event column is numeric.

    Dates (``datetime64``), durations (``timedelta64``) and text would otherwise be
    converted silently (dates to nanoseconds since 1970) or fail deep inside the fit.
    """
    from ..errors import SurvivalDataError

    for c, s, kind in _present(data, columns):
        if kind in "biuf" and isinstance(s.dtype, np.dtype):
            continue  # plain numbers: neither dates nor text
        if _temporal(s) is not None:
            raise SurvivalDataError(
                f"{what}: column {c!r} holds {_temporal(s)} ({s.dtype}); survival "
                f"times must be numbers in one unit, e.g. days since the spell began: "
                f"(df[{c!r}] - df['start_date']).dt.days. Convert it (and the other time columns) first."
            )
        if isinstance(s.dtype, pd.CategoricalDtype) or kind in "OSU" or pd.api.types.is_string_dtype(s.dtype):
            found = _first_text(s.astype(object))
            if found is not None:
                row, value = found
                raise SurvivalDataError(
                    f"{what}: column {c!r} must be numeric; row {as_python(row)!r} holds {value!r} "
                    f"({type(value).__name__}). Fix or convert it (pd.to_numeric(df[{c!r}])) first."
                )


def check_covariate_types(data: pd.DataFrame, columns: Iterable[str], what: str = "formula") -> None:
    """Raise :class:`SpecificationError` for covariates patsy would misread silently.

    A text column whose entries mix numbers and strings (``[1.5, "2", 3]``, a typical
    spreadsheet import) would become a factor with one level per distinct value; a
    date column would enter as nanoseconds since 1970.
    """
    for c, s, kind in _present(data, columns):
        if _temporal(s) is not None:
            raise SpecificationError(
                f"{what}: covariate {c!r} holds {_temporal(s)} ({s.dtype}); use a "
                f"number (e.g. df[{c!r}].dt.year, or days since a reference date) instead."
            )
        if kind != "O":
            continue
        vals = s.dropna()
        if not len(vals):
            continue
        is_num = vals.map(lambda v: isinstance(v, (int, float, np.number, np.bool_))).astype(bool)
        if is_num.any() and not is_num.all():
            row, value = vals.index[~is_num][0], vals[~is_num].iloc[0]
            num_row = vals.index[is_num][0]
            raise SpecificationError(
                f"{what}: covariate {c!r} mixes numbers (e.g. row {as_python(num_row)!r}) and text (row "
                f"{as_python(row)!r} holds {value!r}); it would be read as a factor with one level per value. "
                f"Convert it with pd.to_numeric(df[{c!r}]) (or to text with .astype(str) for a factor)."
            )
