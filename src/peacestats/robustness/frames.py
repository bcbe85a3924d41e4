"""Model frames built once per data variant, and cluster-bootstrap draws taken on them.

A :class:`Frame` is a table held as one numpy array per column: the multiverse builds
it once for each data variant (recurrence rule x level: counting-process rows, spells,
spell-years), and every specification and every bootstrap resample reads its columns
and row masks from it, without pandas, patsy or a copy of the table per fit.

:func:`draw_clusters` resamples whole clusters with replacement by **replicating
rows**, not by case weights: for a Cox model with Efron ties, a row of weight 2 is not
the same as two copies of the row (Efron's correction counts tied event *rows*, so two
copies of an event are a tie of two and a weight-2 row an event alone; R's ``coxph``
gives different estimates, and so does :mod:`peacestats.models.engines.cox`; see
``tests/test_robustness_fast.py``), and the clustered variances would also differ
(one cluster of weight 2 contributes ``4 U U'`` to the meat, two copies ``2 U U'``).
Where weights are exact, a level can be drawn **weighted** instead (``weighted=``): each
drawn unit's rows once, with the number of copies of each row kept beside the frame
(``cache["copies"]``); a model that reads them (the logit of
:func:`peacestats.robustness.lean.logit`, whose likelihood with frequency weights is that
of the copies, and whose clustered variance it computes as the copies' would be) gives
the estimates of the replicated rows on fewer rows. :func:`expand_copies` turns such a
frame back into the replicated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MultiverseError

__all__ = ["Frame", "draw_clusters", "draw_units", "expand_copies", "cumcount"]


@dataclass(eq=False)
class Frame:
    """Columns of equal length, as numpy arrays (booleans, int64 ids, float64 values with NaN).

    ``cache`` holds what is derived from the columns and reused by many fits (the float
    block of :meth:`matrix`, cluster codes, warm starts): a per-object memo, never part of
    the data. Columns must not be modified in place once something has been cached.
    """

    columns: dict[str, np.ndarray]
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        lengths = {len(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise MultiverseError(f"frame columns differ in length: {sorted(lengths)}")

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (sent to Dask workers) with the columns and the warm starts only, not the derived arrays."""
        keep = {k: v for k, v in self.cache.items() if isinstance(k, tuple) and k[0] == "start"}
        return {"columns": self.columns, "cache": keep}

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.columns[name]
        except KeyError:
            raise MultiverseError(f"no column {name!r} in the prepared data") from None

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def take(self, idx: np.ndarray) -> Frame:
        """The rows ``idx`` (repeats allowed), every column; it remembers where it came from (``origin``)."""
        return Frame({k: v[idx] for k, v in self.columns.items()}, {"origin": (self, idx), "replaced": set()})

    def replace(self, name: str, values: np.ndarray) -> None:
        """Set column ``name`` (before anything is derived from it: see ``cache``)."""
        if len(values) != len(self):
            raise MultiverseError(f"column {name!r} has {len(values)} values for {len(self)} rows")
        self.columns[name] = values
        self.cache.pop("block", None)
        self.cache.pop(("codes", name), None)
        self.cache.setdefault("replaced", set()).add(name)

    @property
    def origin(self) -> tuple[Frame, np.ndarray] | None:
        """``(frame, idx)`` when this frame is ``frame.take(idx)`` (columns replaced since are in ``cache``)."""
        return self.cache.get("origin")

    def _block(self) -> tuple[dict[str, int], np.ndarray]:
        """Every column as float64, stacked once: ``(position of each name, columns x rows array)``."""
        got = self.cache.get("block")
        if got is None:
            names = list(self.columns)
            block = np.empty((len(names), len(self)))
            for i, c in enumerate(names):
                block[i] = self.columns[c]
            got = self.cache["block"] = ({c: i for i, c in enumerate(names)}, block)
        return got

    def matrix(self, names: list[str], mask: np.ndarray | None = None, intercept: bool = False) -> np.ndarray:
        """Columns ``names`` as an n x k float64 matrix (rows ``mask`` only; column-major).

        ``intercept``: a first column of ones (then n x (k + 1)). A :meth:`take` reads its
        columns from the float block of the frame it was taken from, at the rows taken
        (one gather per column: no block of its own); a column set since (:meth:`replace`)
        from its own values.
        """
        rows = None if mask is None else np.flatnonzero(mask)
        at: np.ndarray | None  # rows of the block to read (None: all, in order)
        origin = self.origin
        if origin is not None and list(origin[0].columns) == list(self.columns):
            pos, block = origin[0]._block()
            at = origin[1] if rows is None else origin[1][rows]
        else:
            pos, block = self._block()
            at = rows
        replaced = self.cache.get("replaced", set()) if origin is not None else set()
        out = np.empty((len(self) if rows is None else len(rows), len(names) + int(intercept)), order="F")
        if intercept:
            out[:, 0] = 1.0
        for j, c in enumerate(names, start=int(intercept)):
            if c in replaced:  # set on this frame: its own values
                out[:, j] = self.columns[c] if rows is None else self.columns[c][rows]
                continue
            if c not in pos:
                raise MultiverseError(f"no column {c!r} in the prepared data")
            if at is None:
                out[:, j] = block[pos[c]]
            else:
                np.take(block[pos[c]], at, out=out[:, j], mode="clip")  # indexes are valid: clip avoids a buffer
        return out

    def codes(self, name: str, mask: np.ndarray) -> tuple[np.ndarray, int]:
        """Integer codes ``0..G-1`` of column ``name`` on the rows ``mask``, in sorted order of the values.

        The same codes as :func:`peacestats.models.frame.group_codes` (``pandas.factorize``
        with ``sort=True``) on ``self[name][mask]``: the codes of the whole column are found
        once, and those of a subset are renumbered with a count of the codes present.
        """
        got = self.cache.get(("codes", name))
        if got is None:
            uniq, inverse = np.unique(self[name], return_inverse=True)
            got = self.cache[("codes", name)] = (inverse.reshape(-1), len(uniq))
        inverse, n_all = got
        sub = inverse[mask]
        present = np.bincount(sub, minlength=n_all) > 0
        renumber = np.cumsum(present) - 1
        return renumber[sub], int(np.count_nonzero(present))

    @classmethod
    def from_pandas(cls, df: pd.DataFrame) -> Frame:
        """Numeric, boolean and id columns of ``df`` (nullable types become float64 with NaN)."""
        out = {}
        for c in df.columns:
            s = df[c]
            if pd.api.types.is_bool_dtype(s) and not s.isna().any():
                out[c] = s.to_numpy(dtype=bool)
            elif pd.api.types.is_integer_dtype(s) and not s.isna().any():
                out[c] = s.to_numpy(dtype="int64")
            else:
                out[c] = pd.to_numeric(s, errors="raise").to_numpy(dtype="float64", na_value=np.nan)
        return cls(out)

    def to_pandas(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)


def cumcount(values: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each value, in order of appearance (pandas ``groupby().cumcount()``)."""
    order = np.argsort(values, kind="stable")
    sv = values[order]
    first = np.r_[True, sv[1:] != sv[:-1]]
    starts = np.flatnonzero(first)
    pos = np.arange(len(sv)) - np.repeat(starts, np.diff(np.r_[starts, len(sv)]))
    out = np.empty(len(values), dtype="int64")
    out[order] = pos
    return out


def _rows_of(frame: Frame, unit: str, drawn: np.ndarray, copy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indexes of every drawn unit (in draw order, rows in frame order) and the copy number of each."""
    vals = frame[unit]
    order = np.argsort(vals, kind="stable")
    uvals, starts, counts = np.unique(vals[order], return_index=True, return_counts=True)
    pos = np.minimum(np.searchsorted(uvals, drawn), len(uvals) - 1)
    hit = uvals[pos] == drawn
    pos, copy = pos[hit], copy[hit]
    lens = counts[pos]
    total = int(lens.sum())
    before = np.r_[0, np.cumsum(lens)[:-1]]
    idx = order[np.repeat(starts[pos] - before, lens) + np.arange(total)]
    return idx, np.repeat(copy, lens)


def draw_clusters(data: dict[str, dict[str, Frame]], seed: int, unit: str, rename: list[str],
                  universe_level: str = "spells", weighted: tuple[str, ...] = ()) -> dict[str, dict[str, Frame]]:
    """One cluster-bootstrap draw, the same units in every frame of ``data``.

    Parameters
    ----------
    data
        Variant -> level -> :class:`Frame`.
    seed
        Seed of :func:`numpy.random.default_rng`: the draw depends on it only.
    unit
        Column of the resampled clusters. Units are drawn, as many as there are, from the
        sorted union of that column over every variant's ``universe_level`` frame.
    rename
        Id columns made distinct per copy: a unit drawn m times appears m times, copy c
        with ``id * 1000 + c`` in each of these columns, so copies are distinct spells
        and distinct clusters.
    weighted
        Levels drawn weighted instead: the rows of each drawn unit once, in the order of
        the sorted units, with their ids unchanged, and ``cache["copies"] = (m, per_copy)``:
        for each row, how many times its unit was drawn (float64), and the columns of
        ``rename`` (whose ids the copies would not share). Only for models that read them.
    """
    drawn = draw_units(data, seed, unit, universe_level)[1]
    copy = cumcount(drawn)
    once, times = np.unique(drawn, return_counts=True)
    out: dict[str, dict[str, Frame]] = {}
    for variant, bundle in data.items():
        nb = {}
        for level, frame in bundle.items():
            if level in weighted:
                idx, _ = _rows_of(frame, unit, once, np.zeros(len(once), dtype="int64"))
                f = frame.take(idx)
                f.cache["copies"] = (times[np.searchsorted(once, frame[unit][idx])].astype(float), frozenset(rename))
            else:
                idx, cp = _rows_of(frame, unit, drawn, copy)
                f = frame.take(idx)
                for c in rename:
                    f.replace(c, f[c].astype("int64") * 1000 + cp)
            nb[level] = f
        out[variant] = nb
    return out


def draw_units(data: dict[str, dict[str, Frame]], seed: int, unit: str,
               universe_level: str = "spells") -> tuple[np.ndarray, np.ndarray]:
    """``(units, drawn)``: the sorted units of :func:`draw_clusters` and the ones it draws (with replacement)."""
    units = np.unique(np.concatenate([b[universe_level][unit] for b in data.values()]))
    if len(units) == 0:
        raise MultiverseError(f"no {unit} values to resample")
    rng = np.random.default_rng(seed)
    return units, rng.choice(units, size=len(units), replace=True)


def expand_copies(frame: Frame) -> Frame:
    """A weighted draw (:func:`draw_clusters` with ``weighted=``) as replicated rows; other frames as they are.

    Row ``i`` is repeated ``m_i`` times, copy ``c`` with ``id * 1000 + c`` in the columns
    that are distinct per copy: the rows of the replicated draw (in another order).
    """
    got = frame.cache.get("copies")
    if got is None:
        return frame
    m, per_copy = got
    reps = m.astype("int64")
    rows = np.repeat(np.arange(len(frame)), reps)
    copy = np.arange(len(rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    origin = frame.origin
    if origin is not None and not frame.cache.get("replaced"):  # read from the frame it was drawn from
        out = origin[0].take(origin[1][rows])
    else:
        out = frame.take(rows)
    for c in sorted(per_copy):
        out.replace(c, out[c].astype("int64") * 1000 + copy)
    return out
