"""The normal, Student t and chi-squared tail functions the results need, from ``scipy.special``.

``scipy.stats`` takes about a second to import (more than the rest of peacestats), and every
analysis is its own process, so the results use the special functions ``scipy.stats`` itself
calls: ``ndtr``/``ndtri`` (normal), ``stdtr``/``stdtrit`` (t), ``chdtrc`` (chi-squared upper
tail). The values are bit-for-bit those of ``scipy.stats.norm``, ``scipy.stats.t`` and
``scipy.stats.chi2`` (``tests/test_dist.py``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["Normal", "StudentT", "chi2_sf", "norm_ppf", "norm_sf", "reference"]


def _arr(x):
    return np.asarray(x, dtype=float)


class Normal:
    """The standard normal, with the methods of ``scipy.stats.norm()`` that results use."""

    def cdf(self, x):
        return special.ndtr(_arr(x))

    def sf(self, x):
        return special.ndtr(-_arr(x))

    def ppf(self, q):
        return special.ndtri(_arr(q))

    def isf(self, q):
        return -special.ndtri(_arr(q))


class StudentT:
    """Student's t with ``df`` degrees of freedom (``scipy.stats.t(df=df)``)."""

    def __init__(self, df: float):
        self.df = float(df)

    def cdf(self, x):
        return special.stdtr(self.df, _arr(x))

    def sf(self, x):
        return special.stdtr(self.df, -_arr(x))

    def ppf(self, q):
        q = _arr(q)
        # stdtrit(df, 0) is +inf in scipy 1.x; scipy.stats.t.ppf answers -inf at 0 (and +inf at 1)
        return np.where(q == 0, -np.inf, special.stdtrit(self.df, q))[()]

    def isf(self, q):
        return -self.ppf(q)


def reference(df_resid: float | None) -> Normal | StudentT:
    """The t distribution with ``df_resid`` degrees of freedom, or the normal without them."""
    return StudentT(df_resid) if df_resid else Normal()


def norm_ppf(q):
    """``scipy.stats.norm.ppf``."""
    return special.ndtri(_arr(q))


def norm_sf(x):
    """``scipy.stats.norm.sf``."""
    return special.ndtr(-_arr(x))


def chi2_sf(x, df):
    """``scipy.stats.chi2.sf(x, df)``: the upper tail of the chi-squared distribution."""
    return special.chdtrc(_arr(df), _arr(x))
