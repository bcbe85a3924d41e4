"""Checking competing-risks input: times, cause codes and weights, with the row named in every error."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...errors import SpecificationError, SurvivalDataError
from .._design import as_list, as_python, check_columns
from ..survival_data import _check_entry, _fmt_level, _row_label, _sort_key

CENSORED_LABEL = "(s0)"  # R's name of the initial (event-free) state


def _is_censor_code(v) -> bool:
    if isinstance(v, str):
        return v.strip() == "0"
    try:
        return float(v) == 0.0
    except (TypeError, ValueError):
        return False


def cause_levels(values: pd.Series, causes: Sequence | None, what: str, column: str) -> list:
    """The causes in R's factor-level order (numbers numerically, text alphabetically), or as given."""
    found = [as_python(v) for v in pd.unique(values) if not _is_censor_code(v)]
    if causes is not None:
        causes = list(causes)
        if len(set(map(_fmt_level, causes))) != len(causes):
            raise SpecificationError(f"{what}: causes={causes} repeats a cause")
        known = {_fmt_level(c) for c in causes}
        extra = [v for v in found if _fmt_level(v) not in known]
        if extra:
            bad = values.index[values.map(_fmt_level) == _fmt_level(extra[0])][0]
            raise SurvivalDataError(
                f"{what}: column {column!r} holds {extra[0]!r} at {_row_label(bad)}, which is not among "
                f"causes={causes} (and not 0, censored)"
            )
        return causes
    if all(isinstance(v, (int, float, np.integer, np.floating, bool)) for v in found):
        return sorted(found, key=_sort_key)
    return sorted(found, key=str)


def competing_data(
    data: pd.DataFrame,
    *,
    what: str,
    stop: str,
    event: str,
    entry: str | None = None,
    weights: str | None = None,
    causes: Sequence | None = None,
    other: Sequence[str] = (),
    drop_missing: Sequence[str] = (),
) -> tuple[pd.DataFrame, list, int]:
    """Check and clean the columns of a competing-risks analysis.

    Returns the kept rows (original index) with ``_entry``, ``_stop`` (float), ``_cause``
    (0 = censored, k = the k-th cause of the returned list) and ``_w``, plus the ``other``
    columns; the causes; and the number of rows dropped because a column of
    ``drop_missing`` (groups, covariates) is missing. A missing time, event code or
    weight is an error, not a dropped row: it names the column and the row.
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"{what}: `data` must be a pandas DataFrame, not {type(data).__name__}")
    cols = [stop, event, *as_list(entry), *as_list(weights), *other]
    check_columns(data, cols, what)
    if len(data) == 0:
        raise SpecificationError(f"{what}: the data have no rows")
    if not data.index.is_unique:
        data = data.reset_index(drop=True)
    keep = data[list(drop_missing)].notna().all(axis=1) if drop_missing else pd.Series(True, index=data.index)
    n_dropped = int((~keep).sum())
    sub = data.loc[keep, list(dict.fromkeys(cols))]
    if len(sub) == 0:
        raise SpecificationError(f"{what}: no rows left after dropping rows with missing {list(drop_missing)}")

    def numeric(col: str) -> pd.Series:
        try:
            x = pd.to_numeric(sub[col]).astype(float)
        except (TypeError, ValueError) as exc:
            raise SurvivalDataError(f"{what}: column {col!r} must be numeric ({exc})") from exc
        if not np.all(np.isfinite(x)):
            bad = x.index[~np.isfinite(x.to_numpy())][0]
            raise SurvivalDataError(
                f"{what}: column {col!r} is missing or not finite ({sub.loc[bad, col]!r}) at {_row_label(bad)}"
            )
        return x

    out = pd.DataFrame(index=sub.index)
    out["_stop"] = numeric(stop)
    s = out["_stop"].to_numpy()
    if np.any(s < 0):
        bad = out.index[s < 0][0]
        raise SurvivalDataError(
            f"{what}: column {stop!r} has a negative time ({s[s < 0][0]:g}) at {_row_label(bad)}; "
            "survival times count from the start of the spell (>= 0)"
        )
    if entry is not None:
        out["_entry"] = numeric(entry)
        _check_entry(out, entry, stop, what)
    else:
        out["_entry"] = -np.inf
    ev = sub[event]
    miss = ev.isna().to_numpy()
    if miss.any():
        bad = ev.index[miss][0]
        raise SurvivalDataError(
            f"{what}: column {event!r} has a missing event code at {_row_label(bad)}; code censored "
            "rows 0 and each way a spell can end with its own value"
        )
    levels = cause_levels(ev, causes, what, event)
    code = np.zeros(len(ev), dtype=np.int64)
    as_text = ev.map(_fmt_level).to_numpy()  # 1, 1.0 and "1" are the same code
    for k, c in enumerate(levels, start=1):
        code[as_text == _fmt_level(c)] = k
    out["_cause"] = code
    if weights is not None:
        w = numeric(weights)
        if np.any(w < 0):
            bad = w.index[w < 0][0]
            raise SpecificationError(f"{what}: weights {weights!r} must be >= 0; {w.loc[bad]:g} at {_row_label(bad)}")
        out["_w"] = w
    else:
        out["_w"] = 1.0
    for c in other:
        if c not in out:
            out[c] = sub[c]
    return out, levels, n_dropped


def check_spells(df: pd.DataFrame, id: str, what: str) -> None:
    """The rules R's multi-state ``survfit`` sets for the (entry, stop] segments of a spell (``id``).

    The segments follow each other without gaps or overlaps (R: "one or more flags are >0
    in survcheck"), only the last may end in an event, and (our rule, so that each spell
    has one weight in the variance) they share the weight.
    """
    if df[id].isna().any():
        bad = df.index[df[id].isna().to_numpy()][0]
        raise SurvivalDataError(f"{what}: column {id!r} is missing at {_row_label(bad)}")
    order = np.lexsort((df["_stop"].to_numpy(), pd.factorize(df[id])[0]))
    d = df.iloc[order]
    codes = pd.factorize(d[id])[0]
    cont = np.r_[codes[1:] == codes[:-1], False]  # the next row belongs to the same spell
    nxt = np.r_[1:len(d), 0]
    if np.any(cont & (d["_cause"].to_numpy() != 0)):
        i = int(np.flatnonzero(cont & (d["_cause"].to_numpy() != 0))[0])
        raise SurvivalDataError(
            f"{what}: the spell {id!r} = {d[id].iloc[i]!r} ends in an event at {_row_label(d.index[i])}, "
            "which is not its last row (in time)"
        )
    gap = cont & (d["_entry"].to_numpy()[nxt] != d["_stop"].to_numpy())
    if gap.any():
        i = int(np.flatnonzero(gap)[0])
        kind = "overlaps" if d["_entry"].iloc[i + 1] < d["_stop"].iloc[i] else "leaves a gap after"
        raise SurvivalDataError(
            f"{what}: in the spell {id!r} = {d[id].iloc[i]!r}, {_row_label(d.index[i + 1])} {kind} "
            f"{_row_label(d.index[i])}: a spell's rows must follow each other (entry = the previous stop), "
            "as R's survfit requires"
        )
    w = d["_w"].to_numpy()
    differ = cont & (w[nxt] != w)
    if differ.any():
        i = int(np.flatnonzero(differ)[0])
        raise SurvivalDataError(
            f"{what}: the weight changes within the spell {id!r} = {d[id].iloc[i]!r} "
            f"({_row_label(d.index[i])} to the next row); give a spell one weight"
        )
