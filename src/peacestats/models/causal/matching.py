"""Greedy nearest-neighbour matching on the logit of the propensity score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelError, SpecificationError
from ..result_base import ResultBase
from ..results import provenance_record
from ._checks import (
    _as_binary,
    _check_overlap,
    _check_scores,
    _check_unique_index,
    _logit,
    _resolve_column,
)


@dataclass
class MatchResult(ResultBase):
    """Nearest-neighbour matches.

    Attributes
    ----------
    data : pandas.DataFrame
        The matched units, one row each, in the original row order with the
        original index, plus ``pair_id`` (the pair of a treated unit; a control
        reused under ``replace=True`` carries its first pair, see ``pairs`` for
        all) and ``match_weight`` (1 for treated units; for controls the sum over
        their treated partners of 1/(partners of that treated unit), scaled so the
        control weights sum to the number of matched controls, as MatchIt does).
    pairs : pandas.DataFrame
        One row per treated-control link: ``pair_id``, ``treated`` and ``control``
        (index labels), ``distance`` (|difference of the logits of the scores|),
        ``round`` (1..ratio).
    weights : pandas.Series
        ``match_weight`` for every row of the original data (0 for unmatched rows):
        pass it to :func:`balance_table` or as ``weights=`` to a model.
    n_treated, n_matched, n_unmatched : int
        Treated units with a score; those with at least one match; those without.
    unmatched : pandas.Index
        Index labels of the unmatched treated units.
    caliper_width : float or None
        The caliper on the logit scale (``caliper`` x SD).
    """

    data: pd.DataFrame
    pairs: pd.DataFrame
    weights: pd.Series
    n_treated: int
    n_matched: int
    n_unmatched: int
    n_controls_used: int
    unmatched: pd.Index
    caliper: float | None
    caliper_width: float | None
    options: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per treated-control link: ``pair_id, treated, control, distance, round``."""
        return self.pairs.copy()

    def glance(self) -> pd.DataFrame:
        """One row: ``n_treated, n_matched, n_unmatched, n_controls_used, n_pairs, caliper, caliper_width``."""
        return pd.DataFrame([{"model": "nearest-neighbour matching", "n_treated": self.n_treated,
                              "n_matched": self.n_matched, "n_unmatched": self.n_unmatched,
                              "n_controls_used": self.n_controls_used, "n_pairs": len(self.pairs),
                              "caliper": self.caliper, "caliper_width": self.caliper_width}])

    @property
    def provenance(self) -> dict[str, Any]:
        """The matching options, the counts, versions and citation."""
        g = self.glance().iloc[0].to_dict()
        g.pop("model")
        return provenance_record("nearest-neighbour matching", self.options, g, ("matching",))

    def summary(self) -> str:
        cal = (
            f"caliper {self.caliper} SD of the logit of the score = {self.caliper_width:.4f}"
            if self.caliper is not None
            else "no caliper"
        )
        o = self.options
        return "\n".join(
            [
                f"Nearest-neighbour matching 1:{o.get('ratio')} on the logit of the score, "
                f"{'with' if o.get('replace') else 'without'} replacement, order {o.get('order')!r}, {cal}",
                f"treated units: {self.n_treated}, matched: {self.n_matched}, unmatched: {self.n_unmatched}",
                f"controls used: {self.n_controls_used}, pairs (links): {len(self.pairs)}",
            ]
        )


def match_nearest(
    data: pd.DataFrame,
    *,
    treatment: Any,
    ps: Any,
    caliper: float | None = 0.2,
    ratio: int = 1,
    replace: bool = False,
    seed: int = 0,
    order: str = "largest",
    caliper_sd: str = "pooled",
) -> MatchResult:
    """Greedy nearest-neighbour matching on the logit of the propensity score.

    Parameters
    ----------
    data
        The units (unique index).
    treatment
        Column name, or a 0/1 Series/array aligned to ``data``.
    ps
        Column name, Series/array of scores aligned to ``data``, or a
        :class:`PropensityResult`. Rows without a score are not matched.
    caliper
        Maximum distance, in standard deviations of the logit of the score
        (Austin 2011 recommends 0.2). ``None``: no caliper.
    ratio
        Controls per treated unit (1:k). Matching proceeds in ``ratio`` rounds:
        every treated unit gets its first control before any gets a second (as
        MatchIt does); a treated unit unmatched in a round is not tried again.
    replace
        Whether a control may serve several treated units.
    seed
        Seeds the random permutation that breaks ties (equal scores among treated
        units in the matching order, equal distances among controls) and the order
        when ``order="random"``: the same seed gives the same matches.
    order
        The order treated units pick their controls: ``"largest"`` score first
        (MatchIt's default), ``"smallest"``, ``"random"`` or ``"data"`` (row order).
    caliper_sd
        The SD the caliper is measured in: ``"pooled"`` (default) =
        sqrt((var_treated + var_control)/2) of the logit (Austin 2011); ``"all"`` =
        SD over all units (MatchIt's ``std.caliper = TRUE``).

    Returns
    -------
    MatchResult

    Raises
    ------
    SpecificationError
        Treatment not 0/1, scores outside (0, 1), no treated or no control units, bad options.
    ModelError
        No treated unit finds a control within the caliper.

    Notes
    -----
    Greedy matching costs O(ratio x n_treated x n_control) here (a vectorized
    scan of the controls for each treated unit), fine for the thousands of units of
    conflict data. The distance is |logit(e_i) - logit(e_j)|.
    """
    _check_match_options(data, ratio, order, caliper_sd, caliper)
    ratio = int(ratio)
    t_name = treatment if isinstance(treatment, str) else "treatment"
    t = _as_binary(_resolve_column(data, treatment, "treatment"), t_name)
    e = _check_scores(_resolve_column(data, ps, "ps"))
    _check_overlap(t, e)
    ok = (t.notna() & e.notna()).to_numpy()
    tv = t.to_numpy()
    lp = np.full(len(data), np.nan)
    lp[ok] = _logit(e.to_numpy()[ok])

    treated_pos = np.flatnonzero(ok & (tv == 1))
    control_pos = np.flatnonzero(ok & (tv == 0))
    lt, lc = lp[treated_pos], lp[control_pos]
    width = None if caliper is None else caliper * _caliper_sd(lt, lc, lp[ok], caliper_sd)

    rng = np.random.default_rng(seed)
    # A seeded random rank for every row: breaks ties reproducibly.
    tie_rank = rng.permutation(len(data))
    seq = _treated_order(order, lt, tie_rank[treated_pos], rng)
    partners, links, best_seen = _greedy_match(lt, lc, seq, tie_rank[control_pos], ratio, replace, width)

    n_matched = sum(1 for p in partners if p)
    if n_matched == 0:
        raise ModelError(
            f"match_nearest: no treated unit has a control within the caliper of {caliper} SD "
            f"(= {width:.4g} on the logit scale); the closest pair is {best_seen:.4g} apart. "
            "Widen the caliper (or use caliper=None) or check the overlap of the scores."
        )
    idx = data.index
    # Pair ids follow the treated units' row order, so they do not depend on the matching order.
    matched_k = sorted((k for k in range(len(treated_pos)) if partners[k]), key=lambda k: treated_pos[k])
    pair_of = {k: i + 1 for i, k in enumerate(matched_k)}
    pairs = pd.DataFrame(
        [
            {
                "pair_id": pair_of[k],
                "treated": idx[treated_pos[k]],
                "control": idx[control_pos[j]],
                "distance": dist,
                "round": rnd,
            }
            for k, j, dist, rnd in links
        ]
    ).sort_values(["pair_id", "round"], kind="mergesort").reset_index(drop=True)
    w, pair_id, n_ctrl_used = _match_weights(len(data), treated_pos, control_pos, partners, matched_k, pair_of)

    in_sample = w > 0
    mdata = data.loc[in_sample].copy()
    mdata["pair_id"] = pair_id[in_sample]
    mdata["match_weight"] = w[in_sample]
    unmatched = idx[[treated_pos[k] for k in range(len(treated_pos)) if not partners[k]]]
    return MatchResult(
        data=mdata,
        pairs=pairs,
        weights=pd.Series(w, index=idx, name="match_weight"),
        n_treated=len(treated_pos),
        n_matched=n_matched,
        n_unmatched=len(treated_pos) - n_matched,
        n_controls_used=n_ctrl_used,
        unmatched=unmatched,
        caliper=caliper,
        caliper_width=width,
        options={
            "ratio": ratio,
            "replace": replace,
            "seed": seed,
            "order": order,
            "caliper_sd": caliper_sd,
            "n_missing": int((~ok).sum()),
        },
    )


def _check_match_options(data: Any, ratio: Any, order: str, caliper_sd: str, caliper: float | None) -> None:
    """Raise SpecificationError for a bad argument of :func:`match_nearest`."""
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("data must be a pandas DataFrame")
    _check_unique_index(data.index, "data")
    if int(ratio) != ratio or ratio < 1:
        raise SpecificationError(f"ratio must be a positive integer, not {ratio!r}")
    if order not in ("largest", "smallest", "random", "data"):
        raise SpecificationError(f"order must be 'largest', 'smallest', 'random' or 'data', not {order!r}")
    if caliper_sd not in ("pooled", "all"):
        raise SpecificationError(f"caliper_sd must be 'pooled' or 'all', not {caliper_sd!r}")
    if caliper is not None and not (np.isfinite(caliper) and caliper > 0):
        raise SpecificationError(f"caliper must be a positive number of SDs or None, not {caliper!r}")


def _caliper_sd(lt: np.ndarray, lc: np.ndarray, l_all: np.ndarray, caliper_sd: str) -> float:
    """The SD the caliper is measured in: pooled over the groups (Austin 2011) or over all units."""
    if caliper_sd == "pooled":
        return float(np.sqrt((np.var(lt, ddof=1) + np.var(lc, ddof=1)) / 2))
    return float(np.std(l_all, ddof=1))


def _treated_order(order: str, lt: np.ndarray, t_rank: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The order in which treated units pick their controls (positions into ``lt``)."""
    if order == "largest":
        return np.lexsort((t_rank, -lt))
    if order == "smallest":
        return np.lexsort((t_rank, lt))
    if order == "random":
        return rng.permutation(len(lt))
    return np.arange(len(lt))


def _greedy_match(
    lt: np.ndarray,
    lc: np.ndarray,
    seq: np.ndarray,
    c_rank: np.ndarray,
    ratio: int,
    replace: bool,
    width: float | None,
) -> tuple[list[list[int]], list[tuple[int, int, float, int]], float]:
    """Greedy matching in ``ratio`` rounds.

    Returns the partners of each treated unit (positions into ``lc``), the links
    ``(treated k, control j, distance, round)`` and the smallest distance seen.
    """
    used = np.zeros(len(lc), dtype=bool)
    partners: list[list[int]] = [[] for _ in lt]
    links: list[tuple[int, int, float, int]] = []
    active = np.ones(len(lt), dtype=bool)
    best_seen = np.inf
    for rnd in range(1, ratio + 1):
        for k in seq:
            if not active[k]:
                continue
            d = np.abs(lc - lt[k])
            avail = ~used if not replace else np.ones(len(lc), dtype=bool)
            if partners[k]:
                avail = avail.copy()
                avail[partners[k]] = False
            if not avail.any():
                active[k] = False
                continue
            d = np.where(avail, d, np.inf)
            dmin = d.min()
            best_seen = min(best_seen, dmin)
            if width is not None and dmin > width:
                active[k] = False
                continue
            cand = np.flatnonzero(d == dmin)
            j = int(cand[np.argmin(c_rank[cand])])
            partners[k].append(j)
            links.append((int(k), j, float(dmin), rnd))
            if not replace:
                used[j] = True
    return partners, links, best_seen


def _match_weights(
    n: int,
    treated_pos: np.ndarray,
    control_pos: np.ndarray,
    partners: list[list[int]],
    matched_k: list[int],
    pair_of: dict[int, int],
) -> tuple[np.ndarray, np.ndarray, int]:
    """MatchIt's weights (1 for treated; controls scaled to sum to their count), pair ids, controls used."""
    w = np.zeros(n)
    pair_id = np.full(n, -1, dtype=np.int64)
    ctrl_w = np.zeros(len(control_pos))
    for k in matched_k:
        w[treated_pos[k]] = 1.0
        pair_id[treated_pos[k]] = pair_of[k]
        for j in partners[k]:
            ctrl_w[j] += 1.0 / len(partners[k])
            if pair_id[control_pos[j]] == -1 or pair_of[k] < pair_id[control_pos[j]]:
                pair_id[control_pos[j]] = pair_of[k]
    n_ctrl_used = int((ctrl_w > 0).sum())
    ctrl_w = ctrl_w * n_ctrl_used / ctrl_w.sum()
    w[control_pos] = ctrl_w
    return w, pair_id, n_ctrl_used
