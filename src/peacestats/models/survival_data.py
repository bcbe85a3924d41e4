"""Survival data for Kaplan-Meier, the log-rank test and ``survreg``: checked columns,
(entry, stop, event, weight) rows, group labels, and the display helpers they share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError, SurvivalDataError
from .frame import as_list, check_columns, check_time_columns, complete_rows  # noqa: F401


# ----------------------------------------------------------------------------- input checks

def _check_columns(data: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"{what}: `data` must be a pandas DataFrame, not {type(data).__name__}")
    check_columns(data, cols, what)  # the models' shared message (with "did you mean")


def _unique_index(data):
    """``data`` with a unique index (a RangeIndex when labels repeat, e.g. after ``index.repeat``)."""
    if isinstance(data, pd.DataFrame) and not data.index.is_unique:
        return data.reset_index(drop=True)
    return data


def _row_label(index_value) -> str:
    if isinstance(index_value, (int, np.integer)):
        return f"row {int(index_value) + 1} (index {index_value})"
    return f"row with index {index_value!r}"


def _survival_data(
    data: pd.DataFrame,
    *,
    what: str,
    duration: str,
    event: str,
    entry: str | None = None,
    weights: str | None = None,
    other: Sequence[str] = (),
) -> tuple[pd.DataFrame, int]:
    """Check and clean survival columns; drop rows with missing values (R's ``na.omit``).

    Returns the kept rows (original index) with float columns ``_stop``, ``_event``,
    ``_entry`` and ``_w``, and the number of rows dropped for missing values.
    """
    cols = [duration, event, *as_list(entry), *as_list(weights), *other]
    _check_columns(data, cols, what)
    check_time_columns(data, [duration, event, entry], what)
    if len(data) == 0:
        raise SpecificationError(f"{what}: the data have no rows")
    keep, n_dropped = complete_rows(data, cols)
    if n_dropped == len(data):
        raise SpecificationError(
            f"{what}: no rows left after dropping rows with missing values in {cols}"
        )
    index = data.index[keep] if n_dropped else data.index

    def column(c: str):
        """Column ``c`` on the rows kept (no sub-frame of the data is made)."""
        return data[c][keep] if n_dropped else data[c]

    num: dict[str, Any] = {}  # the columns of the result, made into one frame at the end
    for name, col in (("_stop", duration), ("_event", event)):
        try:
            num[name] = pd.to_numeric(column(col)).astype(float).to_numpy()
        except (TypeError, ValueError) as exc:
            raise SurvivalDataError(f"{what}: column {col!r} must be numeric ({exc})") from exc
    stop, ev = num["_stop"], num["_event"]
    if not np.all(np.isfinite(stop)):
        bad = index[~np.isfinite(stop)][0]
        raise SurvivalDataError(f"{what}: column {duration!r} is not finite at {_row_label(bad)}")
    if np.any(stop < 0):
        i = int(np.argmax(stop < 0))
        raise SurvivalDataError(
            f"{what}: column {duration!r} has a negative time ({stop[i]}) at "
            f"{_row_label(index[i])}; survival times count from the start of the spell (>= 0)"
        )
    if not np.all(np.isin(ev, (0.0, 1.0))):
        i = int(np.argmax(~np.isin(ev, (0.0, 1.0))))
        raise SurvivalDataError(
            f"{what}: column {event!r} must be 0 (censored) or 1 (event); it is "
            f"{ev[i]} at {_row_label(index[i])}"
        )
    if entry is not None:
        try:
            num["_entry"] = pd.to_numeric(column(entry)).astype(float).to_numpy()
        except (TypeError, ValueError) as exc:
            raise SurvivalDataError(f"{what}: column {entry!r} must be numeric ({exc})") from exc
        _check_entry_times(num["_entry"], stop, index, entry, duration, what)
    else:
        num["_entry"] = np.full(len(index), -np.inf)
    if weights is not None:
        try:
            w = pd.to_numeric(column(weights)).astype(float)
        except (TypeError, ValueError) as exc:
            raise SpecificationError(f"{what}: weights {weights!r} must be numeric ({exc})") from exc
        if np.any(~np.isfinite(w)) or np.any(w < 0):
            bad = w.index[(~np.isfinite(w)) | (w < 0)][0]
            raise SpecificationError(
                f"{what}: weights {weights!r} must be finite and >= 0; {w.loc[bad]} at {_row_label(bad)}"
            )
        num["_w"] = w.to_numpy()
    else:
        num["_w"] = np.ones(len(index))
    for c in other:
        num[c] = column(c)
    out = pd.DataFrame(num, index=index)
    out.attrs = dict(data.attrs)  # the table's lineage (peacestats.lineage) reaches data_info
    return out, n_dropped


def _group_labels(df: pd.DataFrame, group: list[str]) -> tuple[pd.Series, list]:
    """One label per row and the labels in sorted order (R's factor-level order)."""
    if not group:
        return pd.Series("all", index=df.index), ["all"]
    if len(group) == 1:
        g = df[group[0]]
        levels = sorted(pd.unique(g), key=_sort_key)
        return g, levels
    keys = df[group].apply(tuple, axis=1)
    levels = sorted(pd.unique(keys), key=lambda t: tuple(_sort_key(v) for v in t))
    lab = {k: ", ".join(f"{n}={_fmt_level(v)}" for n, v in zip(group, k)) for k in levels}
    return keys.map(lab), [lab[k] for k in levels]


def _sort_key(v):
    return (0, float(v), "") if isinstance(v, (int, float, np.integer, np.floating, bool)) else (1, 0.0, str(v))


def _fmt_level(v) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _show(df: pd.DataFrame) -> pd.DataFrame:
    """A copy for display: group labels as text (0.0 -> "0")."""
    out = df.copy()
    if "group" in out:
        out["group"] = [_fmt_level(v) for v in out["group"]]
    for c in ("time", "n_risk", "n_event", "n_censor", "n", "observed", "records", "n_max", "n_start", "events"):
        if c in out:
            out[c] = [f"{v:g}" for v in out[c]]
    return out


def _risk_counts(entry, stop, w, times):
    """Weighted number at risk (entry < t <= stop) at each of ``times``."""
    o = np.argsort(stop, kind="mergesort")
    s_sorted, cw_stop = stop[o], np.concatenate([[0.0], np.cumsum(w[o])])
    # sum of w with stop >= t
    n = cw_stop[-1] - cw_stop[np.searchsorted(s_sorted, times, side="left")]
    fin = np.isfinite(entry)
    if fin.any():
        e = entry[fin]
        oe = np.argsort(e, kind="mergesort")
        e_sorted, cw_e = e[oe], np.concatenate([[0.0], np.cumsum(w[fin][oe])])
        # minus sum of w with entry >= t (those rows also have stop > t, counted above)
        n = n - (cw_e[-1] - cw_e[np.searchsorted(e_sorted, times, side="left")])
    return n


def _data_info(df: pd.DataFrame, n_dropped: int, event: str, columns) -> dict[str, Any]:
    """``data_info`` with the keys every result records (``n`` is kept as the old name of ``n_used``)."""
    n = int(len(df))
    return {"n": n, "n_input_rows": n + int(n_dropped), "n_used": n, "n_dropped": n_dropped,
            "outcome": event, "columns": list(dict.fromkeys(c for c in columns if c is not None)),
            "source": df.attrs.get("source")}  # the lineage read_table recorded (peacestats.lineage)


def _check_entry(out: pd.DataFrame, entry: str, stop: str, what: str) -> None:
    """Raise SurvivalDataError for a negative entry time or an entry not before the end of its row.

    ``out`` holds the numeric ``_entry`` and ``_stop`` columns; ``entry`` and ``stop`` name
    the user's columns in the message.
    """
    _check_entry_times(out["_entry"].to_numpy(), out["_stop"].to_numpy(), out.index, entry, stop, what)


def _check_entry_times(e: np.ndarray, s: np.ndarray, index: pd.Index, entry: str, stop: str, what: str) -> None:
    """Raise SurvivalDataError for a negative entry time or an entry not before the end of its row.

    ``e`` and ``s`` are the numeric entry and end times of the rows ``index``; ``entry`` and
    ``stop`` name the user's columns in the message.
    """
    if np.any(e < 0):
        bad = index[e < 0][0]
        raise SurvivalDataError(
            f"{what}: column {entry!r} has a negative entry time ({e[e < 0][0]:g}) at {_row_label(bad)}"
        )
    if np.any(e >= s):
        i = int(np.argmax(e >= s))
        raise SurvivalDataError(
            f"{what}: entry ({entry!r} = {e[i]:g}) must be before the end "
            f"({stop!r} = {s[i]:g}) at {_row_label(index[i])}: each row is a "
            "(start, stop] interval with start < stop. Drop zero-length rows or fix the dates."
        )
