"""Centred and scaled columns for badly conditioned designs (R's ``survreg`` always scales).

:func:`rescale_design` and :func:`rescale_terms` are re-exported by
:mod:`peacestats.models.frame`, where the estimators look for them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RESCALE_CONDITION", "rescale_design", "rescale_terms"]


#: Above this condition number of the column-normalised design, models fit on centred
#: and scaled columns (well-conditioned designs are fitted as they are, bit for bit).
RESCALE_CONDITION = 1e6


def surely_well_conditioned(X: np.ndarray, gram: np.ndarray | None = None) -> bool:
    """Whether the column-normalised ``X`` surely has a condition number below :data:`RESCALE_CONDITION`.

    From the eigenvalues of the normalised ``X'X`` (its condition is the square of X's): a
    condition of X below 1e4 leaves a wide margin for the rounding of the cross-product; the
    SVD decides anything closer. ``gram``: ``X'X``, when the caller has it (the multiverse's
    lean fits, which also hand it to :func:`~peacestats.models.collinearity.check_collinearity`).
    """
    G = X.T @ X if gram is None else gram
    d = np.sqrt(np.diag(G))
    if not (np.all(np.isfinite(G)) and np.all(d > 0)):
        return False
    ev = np.linalg.eigvalsh(G / np.outer(d, d))
    return bool(ev[0] > 0 and ev[-1] / ev[0] < 1e8)


def rescale_design(X: np.ndarray, intercept: int | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Centred and scaled columns for a badly conditioned design with an intercept.

    When the design has an intercept column and the condition number of ``X`` with
    unit-norm columns exceeds :data:`RESCALE_CONDITION`, every column that is not 0/1
    is replaced by ``(x - mean) / sd`` (R's ``survreg.fit`` does this always). A linear
    predictor is the same in both: ``X @ b == Z @ g`` with ``b = T @ g``, so a model fitted
    on ``Z`` gives ``b = T @ g`` and ``vcov(b) = T @ vcov(g) @ T.T`` exactly, without
    forming the ill-conditioned ``X'X``.

    Returns
    -------
    Z, T
        ``(X, None)`` when nothing needs rescaling.
    """
    n, k = X.shape
    if intercept is None or k < 2 or n < 2:
        return X, None
    norms = np.sqrt((X**2).sum(axis=0))
    if np.any(norms == 0):
        return X, None
    if surely_well_conditioned(X):
        return X, None
    try:
        cond = np.linalg.cond(X / norms)
    except np.linalg.LinAlgError:  # pragma: no cover - SVD failure on non-finite input
        return X, None
    if cond <= RESCALE_CONDITION:
        return X, None
    binary = np.all((X == 0) | (X == 1), axis=0)
    center = np.where(binary, 0.0, X.mean(axis=0))
    sd = np.where(binary, 1.0, X.std(axis=0, ddof=1))
    center[intercept], sd[intercept] = 0.0, 1.0
    sd[sd == 0] = 1.0
    Z = (X - center) / sd
    T = np.diag(1.0 / sd)
    T[intercept, :] -= center / sd
    T[intercept, intercept] = 1.0
    return Z, T


def rescale_terms(X: np.ndarray, terms: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`rescale_design` with the intercept found among ``terms``."""
    return rescale_design(X, terms.index("Intercept") if "Intercept" in terms else None)
