"""The one collinearity check of every estimator: columns R's QR would alias, named.

:func:`check_collinearity` (re-exported by :mod:`peacestats.models.frame`) decides in
two steps: the Cholesky factor of the ``k x k`` cross-product answers "no column is
anywhere near aliased" for the usual well-conditioned design in one BLAS call
(:func:`_clearly_independent`); anything closer to the threshold goes to the
column-by-column Gram-Schmidt check (:func:`_collinearity_problems`), which decides and
names the aliased columns exactly as before. Both refuse the same designs with the same
message (tests/test_frame_fast.py).
"""

from __future__ import annotations

import numpy as np

from ..errors import SpecificationError

__all__ = ["GLM_TOL", "check_collinearity"]


#: R's ``glm.fit`` aliases columns with ``qr(tol = min(1e-7, control$epsilon / 1000))`` = 1e-11;
#: ``lm`` uses 1e-7. (A covariate of 1e8 plus unit noise is fitted by ``glm``, aliased by ``lm``.)
GLM_TOL = 1e-11


def check_collinearity(X: np.ndarray, terms: list[str], *, reference: np.ndarray | None = None,
                        absorbed_by: str | None = None, tol: float = 1e-7, centre: bool = False,
                        centred: bool = False, gram: np.ndarray | None = None) -> None:
    """Raise naming perfectly collinear columns, as R's QR (``tol = 1e-7``) would alias them.

    Columns are taken in order; a column whose residual on the earlier kept columns
    has norm below ``tol`` times its own norm is aliased (R reports NA for it).
    ``reference`` holds the columns before fixed effects were swept out, so that a
    regressor absorbed by them is named as such. ``centre=True`` is for models whose
    likelihood ignores constants (``coxph``, no intercept): the columns are centred
    first, so a constant column is refused as such; ``centred=True`` says that ``X`` already
    is (``X - X.mean(axis=0)``, the same matrix ``centre=True`` makes), with the same messages.
    ``gram``: ``X'X`` of the ``X`` passed (centred when ``centred=True``), when the caller has
    it already (not used with ``centre=True``, which centres here).

    Used by every estimator: the GLMs with ``tol=GLM_TOL``, ``ols`` (with fixed
    effects, ``reference``/``absorbed_by``), ``coxph`` (``centre=True``) and ``survreg``
    (on its centred and scaled columns, :func:`rescale_design`).
    """
    zero = "is zero in every row used"
    if centre or centred:
        X = X if centred else X - X.mean(axis=0)
        zero = "is constant in every row used"
    if _clearly_independent(X, reference, tol, None if centre and not centred else gram):
        return
    _collinearity_problems(X, terms, X if reference is None else reference, absorbed_by, tol, zero)


def _clearly_independent(X: np.ndarray, reference: np.ndarray | None, tol: float,
                         gram: np.ndarray | None = None) -> bool:
    """Whether no column is anywhere near aliased, from the Cholesky factor of the k x k cross-product.

    With unit-norm columns, ``L[j, j]`` of the Cholesky factor of ``X'X`` is the norm of
    column ``j``'s residual on the columns before it: what :func:`check_collinearity`
    compares with ``tol`` (times the reference norm over the column's norm). The
    cross-product squares the condition number, so this only answers "independent" when
    every ``L[j, j]`` is at least ``1e-4`` (accurate to about 1e-8) and twice its
    threshold; anything closer goes to the column-by-column check, which decides (and
    names the columns) as before.
    """
    n, k = X.shape
    if k == 0:
        return True
    if n < k:
        return False
    G = _gram(X) if gram is None else gram
    norms = np.sqrt(np.diag(G))
    ref_norms = norms if reference is None else np.sqrt(np.einsum("ij,ij->j", reference, reference))
    if not (np.all(np.isfinite(G)) and np.all(norms > 0) and np.all(ref_norms > 0)):
        return False
    try:
        L = np.linalg.cholesky(G / np.outer(norms, norms))
    except np.linalg.LinAlgError:
        return False
    d = np.diag(L)
    return bool(np.all(d >= 1e-4) and np.all(d >= 2.0 * tol * ref_norms / norms))


#: Up to this many columns, a column-major X'X is one dot product per pair of columns.
_GRAM_DOTS = 6


def _gram(X: np.ndarray) -> np.ndarray:
    """``X'X``; for a few contiguous columns (column-major ``X``) one dot product per pair of them.

    The matrix product's kernels are slow for a handful of long columns (about 0.1 ms for
    12,614 x 5, against 0.06 ms for the 15 dot products). The two agree to rounding, and
    the Gram matrix only decides whether the design is clearly independent (with margins
    far above rounding); the column-by-column check decides anything closer.
    """
    k = X.shape[1]
    if not (X.flags.f_contiguous and k <= _GRAM_DOTS):
        return X.T @ X
    cols = X.T  # rows of a C-contiguous array: the columns of X
    G = np.empty((k, k))
    for i in range(k):
        for j in range(i + 1):
            G[i, j] = G[j, i] = cols[i] @ cols[j]
    return G


def _collinearity_problems(X: np.ndarray, terms: list[str], ref: np.ndarray, absorbed_by: str | None,
                           tol: float, zero: str) -> None:
    """The column-by-column Gram-Schmidt check of :func:`check_collinearity`: raise naming each aliased column."""
    n, k = X.shape
    Q = np.zeros((n, 0))
    kept: list[int] = []
    problems: list[str] = []
    for j in range(k):
        x = X[:, j]
        norm0 = np.linalg.norm(ref[:, j])
        if norm0 == 0:
            problems.append(f"{terms[j]!r} {zero}")
            continue
        r = x - Q @ (Q.T @ x) if kept else x.copy()
        if kept:
            r = r - Q @ (Q.T @ r)
        nr = np.linalg.norm(r)
        if nr < tol * norm0:
            if not kept or np.linalg.norm(x) < tol * norm0:
                problems.append(
                    f"{terms[j]!r} is constant within the fixed effects ({absorbed_by})"
                    if absorbed_by
                    else f"{terms[j]!r} {zero}"
                )
            else:
                coef, *_ = np.linalg.lstsq(X[:, kept], x, rcond=None)
                cut = 1e-8 * max(1, np.abs(coef).max())
                big = [terms[kept[i]] for i in np.argsort(-np.abs(coef)) if abs(coef[i]) > cut]
                where = f" (after absorbing {absorbed_by})" if absorbed_by else ""
                problems.append(f"{terms[j]!r} is a linear combination of {', '.join(map(repr, big))}{where}")
        else:
            Q = np.column_stack([Q, r / nr])
            kept.append(j)
    if problems:
        raise SpecificationError(
            "perfectly collinear regressors: " + "; ".join(problems)
            + ". R would report NA for these; drop them (or one of each collinear set) from the formula."
        )
