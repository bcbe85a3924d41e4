"""The common face of every non-regression result: ``tidy``, ``glance``, ``summary``, text and HTML.

:class:`~peacestats.models.results.ModelResult` is the base of fitted models with
coefficients (regressions, Cox, survreg); :class:`ResultBase` is the base of the other
results (Kaplan-Meier curves, the proportional-hazards test, cumulative incidence, the
log-rank test, propensity scores, matches, E-values). Each subclass says what its rows
are (``tidy``), what its one-row description is (``glance``) and how it reads as text
(``summary``); printing and the notebook display follow from ``summary``.
"""

from __future__ import annotations

import html
from abc import ABC, abstractmethod

import pandas as pd

__all__ = ["ResultBase"]


class ResultBase(ABC):
    """Base of the results without coefficients: ``tidy``/``glance``/``summary`` and their displays."""

    @abstractmethod
    def tidy(self) -> pd.DataFrame:
        """The result's rows as a DataFrame (one row per term, time, pair, ...)."""

    @abstractmethod
    def glance(self) -> pd.DataFrame:
        """One row describing the whole result."""

    @abstractmethod
    def summary(self) -> str:
        """The result as plain text."""

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return "<div><pre>" + html.escape(self.summary()) + "</pre></div>"
