"""The model frame: formulas to design matrices, missing rows, weights, offsets, clusters.

One frame for every estimator in :mod:`peacestats.models` (``models/_design.py`` is
a shim re-exporting this module).

Any estimator in :mod:`peacestats.models` can use these; they follow R's
``model.frame`` / ``model.matrix`` conventions so that our coefficients line up
with R's term by term:

:func:`parse_surv_formula`
    Split ``"Surv(start, stop, event) ~ x1 + x2 + strata(s) + cluster(g)"`` (R style)
    into its survival columns, right-hand side and special terms.
:func:`formula_columns`
    The data columns a patsy right-hand side uses (for NA handling and clear
    "no such column" errors before patsy's own, harder to read, message).
:func:`check_columns`
    Raise :class:`~peacestats.errors.SpecificationError` naming missing columns, with
    close matches ("did you mean ...", :func:`did_you_mean`).
:func:`check_time_columns`, :func:`check_covariate_types`
    Refuse columns whose type would be silently misread: dates or text as survival
    times, text mixed with numbers in a covariate (which patsy would take for a factor).
:func:`rescale_design`
    Center and scale the columns of a badly conditioned design (a covariate of 1e8 plus
    noise), as R's ``survreg`` always does, so the fit is done on well-scaled columns and
    mapped back exactly.
:func:`complete_rows`
    R's ``na.omit``: the rows with no missing value in any used column, and how many
    were dropped.
:func:`design_matrix`
    A patsy design matrix *without* the intercept column but with treatment coding as
    if the intercept were there (R's ``model.matrix`` for Cox models: factors keep
    their reference level), plus the term -> columns assignment R calls ``assign``.
    ``factor(x)`` is accepted as a synonym of patsy's ``C(x)``. With
    ``intercept=True`` the formula's own intercept is kept (R's ``lm``/``glm``), and a
    left-hand side (``"y ~ x"``) gives the outcome too.
:func:`group_codes`
    Integer codes ``0..G-1`` for a cluster or strata column (one or several columns,
    or an array of values), in sorted order of the values, as R's
    ``match(x, sort(unique(x)))``.
:func:`cluster_sums`
    Per-cluster sums of per-row scores (the meat of a cluster-robust sandwich).
:func:`model_frame`
    The regressions' frame: :func:`design_matrix` with the intercept, plus weights,
    offset, clusters and fixed-effect columns, on the complete rows (R's ``na.omit``).
:func:`check_collinearity`
    The one collinearity check (regressions, ``coxph``, ``survreg``): columns that R's QR
    would alias, named with what they are a combination of (in
    :mod:`peacestats.models.collinearity`, re-exported here).

Everything here is deterministic and vectorised; nothing depends on the model. The
formula parsing and column checks live in :mod:`peacestats.models.formula` and are
re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from .collinearity import (  # noqa: F401 - re-exported: the frame is where estimators look
    GLM_TOL,
    _clearly_independent,
    _collinearity_problems,
    check_collinearity,
)
from .groups import cluster_sums, group_codes  # noqa: F401 - re-exported: the frame is where estimators look
from .plain import _NAME, plain_columns, plain_matrix  # noqa: F401 - re-exported: the frame is where estimators look
from .scaling import (  # noqa: F401 - re-exported
    RESCALE_CONDITION,
    rescale_design,
    rescale_terms,
    surely_well_conditioned,
)
from .formula import (  # noqa: F401 - re-exported: the frame is where estimators look
    FORMULA_NAMESPACE,
    SurvFormula,
    _split_top_level,
    as_list,
    as_python,
    check_columns,
    check_covariate_types,
    check_time_columns,
    did_you_mean,
    extract_specials,
    formula_columns,
    parse_surv_formula,
)

__all__ = [
    "SurvFormula",
    "parse_surv_formula",
    "extract_specials",
    "formula_columns",
    "check_columns",
    "did_you_mean",
    "complete_rows",
    "design_matrix",
    "plain_design",
    "plain_columns",
    "plain_matrix",
    "Design",
    "group_codes",
    "cluster_sums",
    "as_list",
    "as_python",
    "FORMULA_NAMESPACE",
    "check_time_columns",
    "check_covariate_types",
    "rescale_design",
    "rescale_terms",
    "as_column",
    "model_frame",
    "check_collinearity",
    "GLM_TOL",
]

def complete_rows(data: pd.DataFrame, columns: Sequence[str | None]) -> tuple[np.ndarray, int]:
    """R's ``na.omit``: a boolean mask of rows with no missing value in ``columns``.

    Returns
    -------
    mask, n_dropped
    """
    cols = list(dict.fromkeys(c for c in columns if c is not None))
    missing = np.zeros(len(data), dtype=bool)
    for c in cols:  # column by column: no copy of the frame, no isna() on columns that cannot hold NA
        s = data[c]
        if isinstance(s, pd.DataFrame):  # a duplicated column name: pandas' own rule
            missing |= s.isna().any(axis=1).to_numpy()
            continue
        kind = s.dtype.kind if isinstance(s.dtype, np.dtype) else None
        if kind in ("i", "u", "b"):
            continue
        if kind == "f":
            missing |= np.isnan(s.to_numpy())
        else:
            missing |= s.isna().to_numpy()
    return ~missing, int(missing.sum())


@dataclass
class Design:
    """A design matrix with R's term bookkeeping.

    Attributes
    ----------
    X : numpy.ndarray
        ``n x p`` float matrix (with an ``"Intercept"`` column only if built with
        ``intercept=True`` and the formula has one).
    columns : list of str
        Column (coefficient) names, as patsy names them (``C(pkop)[T.2.0]``).
    terms : dict
        Term label -> list of column positions (R's ``assign``).
    design_info : patsy.DesignInfo or None
        To build the same columns for new data (:meth:`transform`); ``None`` when every
        term is a plain numeric column (built without patsy, which is faster). A
        regression's plain design (``y ~ x1 + x2``) builds it on first use: read it with
        :meth:`info`.
    y : numpy.ndarray or None
        The outcome, when the formula has a left-hand side.
    y_name : str or None
        Its name as written (``"np.log1p(osvAll)"``).
    intercept : bool
        Whether the formula's intercept column was kept.

    The model frame (:func:`model_frame`, for the regressions) fills in the rest:

    frame : pandas.DataFrame
        The rows used (original index) and the columns the model uses.
    variables : list of str
        Data columns named on the right-hand side.
    n_input : int
        Rows of the data before missing values were dropped;
    dropped_by : dict
        Column -> number of missing values.
    weights, offset, cluster : numpy.ndarray or None
        On the rows used, with ``weights_name``, ``offset_name`` (the column name, or
        ``None`` for an array) and ``cluster_name``.
    fe : pandas.DataFrame or None
        The fixed-effect columns on the rows used.
    """

    X: np.ndarray
    columns: list[str]
    terms: dict[str, list[int]]
    design_info: Any  # patsy.DesignInfo, or None
    y: np.ndarray | None = None
    y_name: str | None = None
    intercept: bool = False
    frame: pd.DataFrame | None = None
    variables: list[str] = field(default_factory=list)
    n_input: int = 0
    dropped_by: dict[str, int] = field(default_factory=dict)
    weights: np.ndarray | None = None
    weights_name: str | None = None
    offset: np.ndarray | None = None
    offset_name: str | None = None
    cluster: np.ndarray | None = None
    cluster_name: str | None = None
    fe: pd.DataFrame | None = None
    info_builder: Any = field(default=None, repr=False)  # builds design_info on first use (plain designs)

    def info(self) -> Any:
        """``design_info``, built on first use for a design made without patsy (``None`` for a plain rhs)."""
        if self.design_info is None and self.info_builder is not None:
            self.design_info = self.info_builder()
        return self.design_info

    @property
    def has_intercept(self) -> bool:
        """Whether an ``"Intercept"`` column is among the columns."""
        return "Intercept" in self.columns

    def response(self) -> np.ndarray:
        """``y``, for the estimators that need an outcome (:func:`model_frame` always sets it)."""
        if self.y is None:
            raise SpecificationError("the model needs an outcome: write the formula as 'outcome ~ terms'")
        return self.y

    def rows(self) -> pd.DataFrame:
        """``frame``, the data rows used (:func:`model_frame` always sets it)."""
        if self.frame is None:
            raise SpecificationError("this design was built without a model frame (use model_frame)")
        return self.frame

    def transform(self, new: pd.DataFrame) -> np.ndarray:
        """The same columns for new data (factor levels as in the fitted data)."""
        import patsy

        info = self.info()
        if info is None:
            check_columns(new, self.columns, "new data")
            try:
                return new[self.columns].to_numpy(dtype=float)
            except (TypeError, ValueError) as e:
                raise SpecificationError(f"new data: the model's columns must be numeric ({e}).") from None
        try:
            (m,) = patsy.build_design_matrices([info], new, NA_action="raise")
        except patsy.PatsyError as e:
            raise SpecificationError(f"cannot build the model's columns for the new data: {e}") from None
        m = np.asarray(m, dtype=float)
        keep = [i for i, n in enumerate(info.column_names) if self.intercept or n != "Intercept"]
        return m[:, keep]


def design_matrix(formula: str, data: pd.DataFrame, *, intercept: bool = False, eval_env=None,
                  plain: bool = True) -> Design:
    """Build the design matrix of ``formula`` on ``data`` (complete rows only), R's way.

    Parameters
    ----------
    formula
        A right-hand side (``"x1 + C(x2)"``) or, to get the outcome as ``Design.y``
        too, a two-sided formula (``"y ~ x1 + C(x2)"``).
    data
        The rows to use (missing values already dropped, see :func:`complete_rows`).
    intercept
        ``False`` (R's ``coxph`` and the covariates of ``survreg``): the intercept is
        included while coding factors (so a factor drops its first level, as
        ``model.matrix`` does inside ``coxph``) and then removed, whatever ``- 1`` the
        formula says. ``True`` (R's ``lm``/``glm``): the formula's own intercept is kept
        as column ``"Intercept"`` (there unless the formula says ``- 1`` or ``0 +``).
    eval_env
        A ``patsy.EvalEnvironment`` where names that are not columns are looked up (a
        caller's frame, so that its variables and functions work in the formula). The
        names in :data:`FORMULA_NAMESPACE` (``np``, ``log``, ``log1p``, ...) are always
        available.
    plain
        Build designs whose terms are plain numeric columns without patsy (the same
        matrix; ``design_info`` built on first use, :meth:`Design.info`). ``False``:
        always through patsy.

    Raises
    ------
    SpecificationError
        Patsy errors, non-finite values, an outcome that is not one numeric column, or
        (``intercept=False``) no covariate columns at all.
    """
    import patsy

    formula = formula.strip()
    lhs, rhs = (s.strip() for s in formula.split("~", 1)) if "~" in formula else (None, formula)
    if plain and not intercept and lhs is None:
        fast = plain_design(rhs, data)
        if fast is not None:
            return fast
    if plain and intercept and lhs is not None:
        fast = _plain_regression(formula, lhs, rhs, data, eval_env)
        if fast is not None:
            return fast
    try:
        found = [formula_columns(side, data.columns) for side in (lhs, rhs) if side]
        used = [c for u, _ in found for c in u]
        only_columns = not any(unknown for _, unknown in found)  # every name a data column or a formula function
    except Exception:  # noqa: BLE001 - patsy reports an unparsable formula below, with its own message
        used, only_columns = [], False
    check_covariate_types(data, used, f"formula {formula!r}")
    if not intercept and (not rhs or rhs in {"1", "0", "-1"}):
        raise SpecificationError(
            "the formula has no covariates; a Cox model needs at least one term "
            "(for a survival curve without covariates use kaplan_meier)."
        )
    # R's factor(x) -> patsy's C(x)
    formula_p = re.sub(r"\bfactor\s*\(", "C(", formula)
    # R's coxph always codes factors as if there were an intercept (and then drops
    # it), whatever "- 1" the user wrote: re-adding "+ 1" at the end does the same.
    if not intercept:
        formula_p = f"{formula_p} + 1"
    env = (patsy.EvalEnvironment([FORMULA_NAMESPACE]) if eval_env is None
           else eval_env.with_outer_namespace(FORMULA_NAMESPACE))
    if eval_env is None or only_columns:
        # Rows with missing values are already gone: skip patsy's per-factor missing-value
        # checks, which cost milliseconds per call on pandas columns.
        na_action = patsy.NAAction(NA_types=[])
    else:
        # Names taken from eval_env are not data columns, so complete_rows did not check
        # them: let patsy refuse their missing values.
        na_action = "raise"
    try:
        if lhs is None:
            m = patsy.dmatrix(formula_p, data, NA_action=na_action, return_type="matrix", eval_env=env)
            ym = None
        else:
            ym, m = patsy.dmatrices(formula_p, data, NA_action=na_action, return_type="matrix", eval_env=env)
    except patsy.PatsyError as e:
        raise SpecificationError(f"cannot build the design matrix of {formula!r}: {e}") from None
    y = y_name = None
    if ym is not None:
        y_cols = list(ym.design_info.column_names)
        if len(y_cols) != 1:
            raise SpecificationError(
                f"the outcome of {formula!r} must be one numeric column; it expands to {y_cols} "
                "(a text or categorical outcome). Code it as 0/1 or a count first."
            )
        y, y_name = np.asarray(ym, dtype=float)[:, 0], y_cols[0]
    info = m.design_info
    names = list(info.column_names)
    X = np.asarray(m, dtype=float)
    keep = [i for i, n in enumerate(names) if intercept or n != "Intercept"]
    if len(keep) < len(names):  # (a copy in another memory order: skip it when nothing is dropped)
        X = X[:, keep]
    cols = [names[i] for i in keep]
    pos = {old: new for new, old in enumerate(keep)}
    terms: dict[str, list[int]] = {}
    for term_name, sl in info.term_name_slices.items():
        idx = [pos[i] for i in range(sl.start, sl.stop) if i in pos]
        if idx:
            terms[term_name] = idx
    if X.shape[1] == 0 and not intercept:
        raise SpecificationError(f"formula {formula!r} produced no covariate columns.")
    _check_finite(X, cols, data.index)
    if y is not None:
        bad = ~np.isfinite(y)
        if bad.any():
            i = int(np.argmax(bad))
            raise SpecificationError(f"the outcome {y_name!r} is {y[i]} at row {as_python(data.index[i])!r}")
    return Design(X, cols, terms, info, y, y_name, intercept)


def plain_design(rhs: str, data: pd.DataFrame, mask: np.ndarray | None = None,
                 index: pd.Index | None = None) -> Design | None:
    """The design of ``"x1 + x2"`` when every term is a distinct numeric column: no patsy needed.

    ``None`` otherwise (and for an intercept or outcome, whose callers keep patsy's
    ``design_info`` to predict). Numeric columns pass :func:`check_covariate_types`, so
    skipping it here changes no error. ``mask`` selects the rows (complete in these
    columns), ``index`` their labels (for the error naming a non-finite value); by
    default every row. ``X`` is column-major, as pandas' ``to_numpy`` gives it (the
    fits' rounding depends on the memory order).
    """
    cols = plain_columns(rhs, data)
    if cols is None:
        return None
    X = plain_matrix(cols, mask)
    plain = list(cols)
    _check_finite(X, plain, data.index if index is None else index)
    return Design(X, plain, {t: [i] for i, t in enumerate(plain)}, None)


def _plain_regression(formula: str, lhs: str, rhs: str, data: pd.DataFrame, eval_env) -> Design | None:
    """``y ~ x1 + x2`` with an intercept, every name a distinct int or float column: patsy's design without patsy.

    The same matrix as patsy's (C order, ``"Intercept"`` first, then the columns as
    floats; patsy's ``design_info`` is built on first use, from the same formula and rows,
    for ``predict`` and :func:`~peacestats.models.qoi.simulate_qoi`). ``None`` for anything
    else: other terms, ``- 1``, bool, categorical or extension dtypes (which patsy codes
    as factors or converts its own way).
    """
    names = [lhs.strip(), *(t.strip() for t in _split_top_level(rhs, "+"))]
    if len(set(names)) != len(names) or not all(_NAME.fullmatch(t) for t in names) \
            or any(t in ("Intercept", "I", "C") for t in names):
        return None
    cols = []
    for t in names:
        if t not in data.columns:
            return None
        col = data[t]
        if not isinstance(col, pd.Series) or not isinstance(col.dtype, np.dtype) or col.dtype.kind not in "iuf":
            return None
        cols.append(col.to_numpy(dtype=float))
    y, X = cols[0], np.empty((len(data), len(names)))
    X[:, 0] = 1.0
    for j, v in enumerate(cols[1:], start=1):
        X[:, j] = v
    columns = ["Intercept", *names[1:]]
    _check_finite(X, columns, data.index)
    bad = ~np.isfinite(y)
    if bad.any():
        i = int(np.argmax(bad))
        raise SpecificationError(f"the outcome {names[0]!r} is {y[i]} at row {as_python(data.index[i])!r}")
    design = Design(X, columns, {c: [j] for j, c in enumerate(columns)}, None, y.copy(), names[0], True)
    design.info_builder = lambda: design_matrix(formula, data, intercept=True, eval_env=eval_env,
                                                plain=False).design_info
    return design


def _check_finite(X: np.ndarray, cols: list[str], index: pd.Index) -> None:
    """Raise naming the first term and row with an infinite or NaN value."""
    bad = ~np.isfinite(X)
    if bad.any():
        j = int(np.argmax(bad.any(axis=0)))
        i = int(np.argmax(bad[:, j]))
        raise SpecificationError(
            f"term {cols[j]!r} is {X[i, j]} at row {as_python(index[i])!r} (e.g. log of 0); "
            "transform or drop those rows first."
        )


# ----------------------------------------------------------------------------- model frame
def as_column(arg, data: pd.DataFrame, what: str) -> tuple[pd.Series | None, str | None]:
    """A column name or an array aligned with ``data`` -> Series on data's index."""
    if arg is None:
        return None, None
    if isinstance(arg, str):
        if arg not in data.columns:
            hint = did_you_mean(arg, data.columns)
            raise SpecificationError(f"{what} column {arg!r} is not in the data{hint}.")
        return data[arg], arg
    values = np.asarray(arg)
    if values.ndim != 1 or len(values) != len(data):
        raise SpecificationError(
            f"{what} must be a column name or an array with one value per data row "
            f"({len(data)}), not shape {values.shape}"
        )
    return pd.Series(values, index=data.index, name=what), None


def _check_regression_formula(formula: str, data: pd.DataFrame) -> None:
    """Raise SpecificationError unless ``data`` is a non-empty DataFrame and ``formula`` reads ``y ~ x``."""
    import patsy

    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if not isinstance(formula, str) or "~" not in formula:
        raise SpecificationError(f"formula must be a string like 'y ~ x1 + x2', not {formula!r}")
    if len(data) == 0:
        raise SpecificationError("data has no rows")
    if _is_plain_formula(formula):  # "y ~ x1 + x2": parses, and has an outcome
        return
    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as exc:
        raise SpecificationError(f"cannot parse formula {formula!r}: {exc}") from None
    if not desc.lhs_termlist:
        raise SpecificationError(f"formula {formula!r} has no outcome on the left of '~'")


def _is_plain_formula(formula: str) -> bool:
    """Whether ``formula`` is ``name ~ name + name ...`` (distinct plain names, no intercept terms)."""
    lhs, _, rhs = formula.partition("~")
    names = [lhs.strip(), *(t.strip() for t in _split_top_level(rhs, "+"))]
    return len(set(names)) == len(names) and all(_NAME.fullmatch(t) for t in names)


def _missing_by_column(parts: dict[str, Any], n: int) -> tuple[np.ndarray, dict[str, int]] | None:
    """Rows with a missing value in any of ``parts`` (Series) and the count per column; ``None`` for other parts."""
    missing = np.zeros(n, dtype=bool)
    dropped_by: dict[str, int] = {}
    for name, s in parts.items():
        if not isinstance(s, pd.Series):
            return None
        kind = s.dtype.kind if isinstance(s.dtype, np.dtype) else None
        if kind in ("i", "u", "b"):
            continue
        m = np.isnan(s.to_numpy()) if kind == "f" else s.isna().to_numpy()
        k = int(np.count_nonzero(m))
        if k:
            dropped_by[name] = k
            missing |= m
    return missing, dropped_by


def _weights_offset(w_s, o_s, keep, sub) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The weights (finite, > 0) and offset (finite) of the rows kept, as arrays (None when not given)."""
    def arr(s):
        return None if s is None else s[keep].to_numpy(dtype=float)

    w = arr(w_s)
    if w is not None and (not np.all(np.isfinite(w)) or np.any(w <= 0)):
        i = int(np.argmax(~np.isfinite(w) | (w <= 0)))
        raise SpecificationError(
            f"weights must be finite and positive; row {as_python(sub.index[i])!r} has {w[i]}. "
            "Drop rows with zero weight first."
        )
    o = arr(o_s)
    if o is not None and not np.all(np.isfinite(o)):
        i = int(np.argmax(~np.isfinite(o)))
        raise SpecificationError(f"offset is {o[i]} at row {as_python(sub.index[i])!r}; it must be finite")
    return w, o


def model_frame(formula: str, data: pd.DataFrame, env, *, weights=None, offset=None,
                cluster=None, fe=None) -> Design:
    """The model frame of a regression: :func:`design_matrix` with the intercept, plus weights,
    offset, clusters and fixed-effect columns, on the rows complete in all of them (R's ``na.omit``).

    ``weights``, ``offset`` and ``cluster`` are column names or arrays aligned with ``data``;
    ``fe`` one or several column names. Raises :class:`SpecificationError` naming the problem.
    """
    _check_regression_formula(formula, data)

    # The data columns the model uses, outcome first; names that are neither columns,
    # formula functions nor the caller's variables are reported with close matches.
    lhs, rhs = formula.split("~", 1)
    lhs_used, lhs_unknown = formula_columns(lhs, data.columns, eval_env=env)
    rhs_used, rhs_unknown = formula_columns(rhs, data.columns, eval_env=env)
    check_columns(data, dict.fromkeys(lhs_unknown + rhs_unknown), f"formula {formula!r}")
    variables = [c for c in rhs_used if c not in lhs_used]
    used = lhs_used + variables

    w_s, w_name = as_column(weights, data, "weights")
    o_s, o_name = as_column(offset, data, "offset")
    c_s, c_name = as_column(cluster, data, "cluster")
    fe_cols: list[str] = []
    if fe is not None:
        fe_cols = [fe] if isinstance(fe, str) else list(fe)
        for col in fe_cols:
            as_column(col, data, "fixed-effect")

    # Rows used: complete on every column of the model frame (R's na.omit).
    parts = {c: data[c] for c in used}
    for c in fe_cols:
        parts[c] = data[c]
    if w_s is not None:
        parts[w_name or "(weights)"] = w_s
    if o_s is not None:
        parts[o_name or "(offset)"] = o_s
    found = _missing_by_column(parts, len(data))
    if found is None:  # a duplicated column name: pandas' own rules
        frame_all = pd.DataFrame(parts, index=data.index)
        keep, _ = complete_rows(frame_all, list(frame_all.columns))
        dropped_by = {c: int(n) for c, n in frame_all.isna().sum().items() if n}
    else:
        keep, dropped_by = ~found[0], found[1]
    if not keep.any():
        raise SpecificationError(
            f"no row is complete on the model's columns (missing values: {dropped_by})"
        )
    frame_cols = [c for c in dict.fromkeys(used + fe_cols + ([c_name] if c_name else [])
                                           + ([w_name] if w_name else []) + ([o_name] if o_name else []))]
    if found is not None and _is_plain_formula(formula):
        sub = data[frame_cols]  # every name in the formula is among these columns
        sub = sub if not dropped_by else sub.loc[keep]
    else:  # the formula may name columns in ways the frame does not list (patsy evaluates it on data)
        sub = data.loc[keep]
    if c_s is not None:
        c_used = c_s[keep]
        if c_used.isna().any():
            raise SpecificationError(
                f"cluster {c_name or 'array'!s} has {int(c_used.isna().sum())} missing value(s) among the "
                f"{int(keep.sum())} rows the model uses (first at row {as_python(c_used[c_used.isna()].index[0])!r}). "
                "R's vcovCL refuses these too: drop those rows from data or fill the cluster ids."
            )

    design = design_matrix(formula, sub, intercept=True, eval_env=env)

    w, o = _weights_offset(w_s, o_s, keep, sub)

    design.frame = sub if list(sub.columns) == frame_cols else sub[frame_cols].copy()
    design.variables = variables
    design.n_input = len(data)
    design.dropped_by = dropped_by
    design.weights, design.weights_name = w, w_name
    design.offset, design.offset_name = o, o_name
    design.cluster = None if c_s is None else c_s[keep].to_numpy()
    design.cluster_name = c_name or (None if c_s is None else "cluster")
    design.fe = sub[fe_cols].copy() if fe_cols else None
    return design
