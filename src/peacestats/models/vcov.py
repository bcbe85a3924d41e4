"""Every covariance of the coefficients, named after the R call it equals.

One module for the variances that the estimators used to assemble on their own:

* the regression flavours (``vcov=`` of :func:`~peacestats.models.regression.logit`,
  ``probit``, ``poisson``, ``negbin``, ``ols``; :meth:`RegressionResult.with_vcov`):
  ``"model"``, ``"HC0"``, ``"HC1"``, ``"CR0"``, ``"CR1"``, ``"vcovCL"``, ``"stata"``
  (:data:`VCOV_TYPES`, :data:`VCOV_R_CALLS`; the formulas are in the docstring of
  :mod:`peacestats.models.regression`), computed from :class:`VcovPieces` so that a
  fit can change flavour without a refit;
* the clustered sandwich of the survival models, :func:`lin_wei`: Lin & Wei (1989)
  for :func:`~peacestats.models.cox.coxph` (R's ``fit$var`` with ``cluster =``) and
  the same sandwich of the per-row scores for :func:`~peacestats.models.parametric.survreg`.

Every flavour is ``c * B (sum_g U_g U_g') B`` (:func:`sandwich`) with a bread ``B``,
per-row scores ``U_i`` summed within clusters ``g`` (rows when there are none) and a
scalar small-sample factor ``c``.

References
----------
Zeileis, A., Koll, S. & Graham, N. (2020). Various Versatile Variances: An
Object-Oriented Implementation of Clustered Covariances in R. *Journal of Statistical
Software* 95(1). Lin, D.Y. & Wei, L.J. (1989). The robust inference for the Cox
proportional hazards model. *JASA* 84(408), 1074-1078.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from ..errors import SpecificationError
from . import frame as _frame

__all__ = [
    "VCOV_TYPES",
    "VCOV_R_CALLS",
    "VcovPieces",
    "sandwich",
    "cluster_meat",
    "lin_wei",
    "cluster_codes",
    "recluster",
    "resolve",
    "compute",
    "label",
    "r_call",
]

VCOV_TYPES = ("model", "HC0", "HC1", "CR0", "CR1", "vcovCL", "stata")

#: What each flavour reproduces (R call; Stata command), for provenance and summaries.
VCOV_R_CALLS = {
    "model": "vcov(fit)",
    "HC0": 'sandwich::vcovHC(fit, type = "HC0")',
    "HC1": 'sandwich::vcovHC(fit, type = "HC1")',
    "CR0": 'sandwich::vcovCL(fit, cluster = ~{g}, type = "HC0", cadjust = FALSE)',
    "CR1": 'sandwich::vcovCL(fit, cluster = ~{g}, type = "HC1")',
    "vcovCL": "sandwich::vcovCL(fit, cluster = ~{g})",
    "stata": "Stata vce({stata})",
}


# ====================================================================== the sandwich
def cluster_meat(scores: np.ndarray, codes: np.ndarray | None,
                 n_groups: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(sum_g U_g U_g', U)``: the meat and the score sums ``U`` per cluster (rows when no cluster)."""
    U = scores if codes is None else _frame.cluster_sums(scores, codes, n_groups)
    return U.T @ U, U


def sandwich(bread: np.ndarray, scores: np.ndarray, codes: np.ndarray | None,
             n_groups: int | None = None) -> np.ndarray:
    """``B (sum_g U_g U_g') B`` with U_g the score sums of cluster g (rows when no cluster), symmetrised."""
    meat, _ = cluster_meat(scores, codes, n_groups)
    V = bread @ meat @ bread
    return (V + V.T) / 2


def lin_wei(bread: np.ndarray, scores: np.ndarray, codes: np.ndarray, n_groups: int,
            df_correction: bool = False) -> np.ndarray:
    """The clustered sandwich of a survival model, as R's ``coxph``/``survreg`` with ``cluster =``.

    ``bread`` is the inverse information (R's ``fit$naive.var``), ``scores`` the
    per-row (weighted) score residuals. R: ``crossprod(rowsum(residuals(fit, "dfbeta"),
    cluster))``, no small-sample factor; ``df_correction=True`` multiplies by G/(G-1)
    as Stata's ``vce(cluster)`` does.
    """
    V = sandwich(bread, scores, codes, n_groups)
    return V * (n_groups / (n_groups - 1)) if df_correction else V


def recluster(vcov: str, cluster, nobs: int, codes: np.ndarray | None,
              name: str | None) -> tuple[np.ndarray | None, str | None, int | None]:
    """The clusters of ``with_vcov(vcov, cluster)``: ``(codes, name, G)``.

    ``cluster=None`` keeps the fit's clusters (``codes``, ``name``), except that the
    unclustered flavours (``"model"``, ``"HC0"``, ``"HC1"``) drop them; otherwise an
    array with one cluster id per row used in the fit (``nobs``).
    """
    if cluster is not None:
        values = np.asarray(cluster)
        if len(values) != nobs:
            raise SpecificationError(
                f"cluster must have one value per row used in the fit ({nobs}), not {len(values)}"
            )
        codes, labels = _frame.group_codes(values)
        G = len(labels)
        name = getattr(cluster, "name", None) or "cluster"
    elif vcov in ("model", "HC0", "HC1"):  # unclustered flavours drop the fit's clusters
        codes, name, G = None, None, None
    else:
        G = None if codes is None else int(codes.max()) + 1
    if G is not None and G < 2:
        raise SpecificationError("clustered standard errors need at least 2 clusters; there is 1")
    return codes, name, G


def cluster_codes(values, name: str | None) -> tuple[np.ndarray | None, int | None]:
    """Integer codes and the number of clusters of ``values`` (``None`` passes through).

    Raises ``SpecificationError`` when there are fewer than 2 clusters.
    """
    if values is None:
        return None, None
    codes, labels = _frame.group_codes(values)
    G = len(labels)
    if G < 2:
        raise SpecificationError(
            f"clustered standard errors need at least 2 clusters; {name!r} has a single value "
            f"({values[0]!r}) in the {len(values)} rows used"
        )
    return codes, G


# ====================================================================== regression flavours
@dataclass
class VcovPieces:
    """What any covariance flavour is computed from (kept so ``with_vcov`` needs no refit)."""

    model: np.ndarray  # R's vcov(fit)
    bread: np.ndarray  # R sandwich bread / n, i.e. (X'WX)^-1
    scores: np.ndarray  # R estfun rows
    n: int
    k: int  # coefficients counted by small-sample factors (incl. absorbed FE dummies)
    linear: bool  # lm-type (Stata regress) vs ML
    stata_bread: np.ndarray | None = None  # inverse observed information (all ML parameters)
    stata_scores: np.ndarray | None = None
    stata_block: slice | None = None  # which rows/cols of the stata sandwich are the coefficients
    # b = transform @ g when the model was fitted on rescaled columns (``frame.rescale_design``):
    # the pieces are those of g, and every covariance is mapped back to b.
    transform: np.ndarray | None = None


def resolve(vcov: str | None, cluster_given: bool) -> str:
    """The flavour asked for: the default (``"CR1"`` with clusters, else ``"model"``) or a checked name."""
    if vcov is None:
        return "CR1" if cluster_given else "model"
    if vcov not in VCOV_TYPES:
        lower = {v.lower(): v for v in VCOV_TYPES}
        near = difflib.get_close_matches(str(vcov).lower(), list(lower), n=1)
        hint = f" Did you mean {lower[near[0]]!r}?" if near else ""
        raise SpecificationError(f"vcov must be one of {VCOV_TYPES}, not {vcov!r}.{hint}")
    if vcov in ("CR0", "CR1", "vcovCL") and not cluster_given:
        raise SpecificationError(f"vcov={vcov!r} is a clustered covariance: give cluster= (a column name)")
    if vcov in ("model", "HC0", "HC1") and cluster_given:
        raise SpecificationError(
            f"vcov={vcov!r} ignores clustering, but cluster= was given: use 'CR0', 'CR1', 'vcovCL' "
            "or 'stata', or drop cluster="
        )
    return vcov


def compute(p: VcovPieces, flavour: str, codes: np.ndarray | None, lm: bool) -> tuple[np.ndarray, float]:
    """Covariance of the coefficients for ``flavour``, and the scalar factor applied."""
    V, c = _compute_fitted(p, flavour, codes, lm)
    if p.transform is not None:
        V = p.transform @ V @ p.transform.T
        V = (V + V.T) / 2
    return V, c


def _compute_fitted(p: VcovPieces, flavour: str, codes: np.ndarray | None, lm: bool) -> tuple[np.ndarray, float]:
    """:func:`compute` in the columns the model was fitted on."""
    n, k = p.n, p.k
    if flavour == "model":
        return p.model, 1.0
    if flavour in ("HC0", "HC1"):
        c = 1.0 if flavour == "HC0" else n / (n - k)
        return c * sandwich(p.bread, p.scores, None), c
    if flavour == "stata":
        if codes is not None:
            G = int(codes.max()) + 1
            c = G / (G - 1) * ((n - 1) / (n - k) if p.linear else 1.0)
        else:
            c = n / (n - k) if p.linear else n / (n - 1)
        if p.stata_bread is not None and p.stata_scores is not None:
            V = sandwich(p.stata_bread, p.stata_scores, codes)
            return c * V[p.stata_block, p.stata_block], c
        return c * sandwich(p.bread, p.scores, codes), c
    if codes is None:
        raise SpecificationError(f"vcov {flavour!r} needs clusters (give cluster=)")
    G = int(codes.max()) + 1
    if flavour == "CR0":
        c = 1.0
    elif flavour == "CR1" or (flavour == "vcovCL" and lm):
        c = G / (G - 1) * (n - 1) / (n - k)
    else:  # vcovCL default for glm/negbin: type = "HC0", cadjust = TRUE
        c = G / (G - 1)
    return c * sandwich(p.bread, p.scores, codes), c


def r_call(flavour: str, cluster_name: str | None, G: int | None) -> str:
    """The R call (or Stata command) that ``flavour`` equals, with the cluster named."""
    return VCOV_R_CALLS[flavour].format(g=cluster_name or "g",
                                        stata=f"cluster {cluster_name}" if G else "robust")


def label(flavour: str, cluster_name: str | None, G: int | None, lm: bool, factor: float) -> str:
    """The ``vcov_type`` line of a regression result."""
    if flavour == "model":
        return "model (" + ("OLS: sigma^2 (X'WX)^-1" if lm else "inverse expected information") + "; R vcov(fit))"
    g = cluster_name or "cluster"
    stata = f"cluster {g}" if G else "robust"
    call = VCOV_R_CALLS[flavour].format(g=g, stata=stata)
    where = f", clustered on {g} ({G} clusters)" if G else ""
    return f"{flavour}{where}; factor {factor:.6g}; = {call}"
