"""The E-value of VanderWeele & Ding (2017) for risk, hazard and odds ratios."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import SpecificationError
from ..result_base import ResultBase
from ..results import provenance_record


@dataclass
class EValueResult(ResultBase):
    """E-values of an estimate and of its confidence limit nearest the null.

    Attributes
    ----------
    measure : str
        ``"RR"``, ``"HR"`` or ``"OR"`` as given.
    estimate, conf_low, conf_high : float
        As given (on the ratio scale).
    rr, rr_low, rr_high : float
        The same on the risk-ratio scale (after the common-outcome conversion when
        ``rare=False``).
    e_point : float
        E-value of the point estimate.
    e_ci : float or None
        E-value of the CI limit nearest the null (1 when the CI includes the null);
        None when no CI was given.
    """

    measure: str
    estimate: float
    conf_low: float | None
    conf_high: float | None
    rare: bool
    true: float
    rr: float
    rr_low: float | None
    rr_high: float | None
    e_point: float
    e_ci: float | None

    def tidy(self) -> pd.DataFrame:
        """:meth:`to_frame` as rows: ``scale`` (the measure, ``RR``, ``E-value``), ``point, lower, upper``."""
        return self.to_frame().rename_axis("scale").reset_index()

    def glance(self) -> pd.DataFrame:
        """One row: ``measure, estimate, conf_low, conf_high, rr, e_point, e_ci``."""
        return pd.DataFrame([{"measure": self.measure, "estimate": self.estimate, "conf_low": self.conf_low,
                              "conf_high": self.conf_high, "rr": self.rr, "e_point": self.e_point,
                              "e_ci": self.e_ci}])

    @property
    def provenance(self) -> dict[str, Any]:
        """The inputs (measure, estimate, interval, rare, true), versions and citation."""
        opts = {"measure": self.measure, "estimate": self.estimate, "conf_low": self.conf_low,
                "conf_high": self.conf_high, "rare": self.rare, "true": self.true}
        return provenance_record("E-value", opts, {}, ("e_value",))

    def to_frame(self) -> pd.DataFrame:
        """Rows: the estimate on its own scale, on the RR scale, and the E-values."""
        return pd.DataFrame(
            {
                "point": [self.estimate, self.rr, self.e_point],
                "lower": [self.conf_low, self.rr_low, self.e_ci if self._limit() == "lower" else np.nan],
                "upper": [self.conf_high, self.rr_high, self.e_ci if self._limit() == "upper" else np.nan],
            },
            index=[self.measure, "RR", "E-value"],
        )

    def _limit(self) -> str | None:
        if self.e_ci is None:
            return None
        return "lower" if self.rr >= self.true else "upper"

    def summary(self) -> str:
        ci = ""
        if self.conf_low is not None or self.conf_high is not None:
            ci = f" (CI {_fmt(self.conf_low)} to {_fmt(self.conf_high)})"
        lines = [f"E-value (VanderWeele & Ding 2017) for {self.measure} = {self.estimate:.4g}{ci}"]
        if self.measure != "RR":
            how = "rare outcome: taken as a risk ratio" if self.rare else "common outcome: converted to a risk ratio"
            lines.append(f"  {how}: RR = {self.rr:.4g}")
        lines.append(f"  point estimate: E = {self.e_point:.4g}")
        if self.e_ci is not None:
            lines.append(f"  confidence limit nearest the null ({self._limit()}): E = {self.e_ci:.4g}")
        lines.append(
            f"  An unmeasured confounder associated with both treatment and outcome by a risk ratio of "
            f"{self.e_point:.3g} each, above the measured covariates, could explain away the estimate"
            + (
                f"; one of {self.e_ci:.3g} could move the CI to include {self.true:g}."
                if self.e_ci is not None
                else "."
            )
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = self.to_frame().to_html(float_format=lambda v: f"{v:.4f}", na_rep="", border=0)
        return (
            f"<div><strong>E-value (VanderWeele &amp; Ding 2017)</strong>, {html.escape(self.measure)}"
            f"{'' if self.measure == 'RR' else (' (rare outcome)' if self.rare else ' (common outcome)')}"
            f"{body}</div>"
        )


def _fmt(v: float | None) -> str:
    return "NA" if v is None else f"{v:.4g}"


def _to_rr(x: float, measure: str, rare: bool) -> float:
    if measure == "RR" or rare:
        return x
    if measure == "OR":
        return float(np.sqrt(x))
    # HR, common outcome (VanderWeele 2020; EValue::evalues.HR)
    return float((1 - 0.5 ** np.sqrt(x)) / (1 - 0.5 ** np.sqrt(1 / x)))


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def e_value(
    estimate: float,
    conf_low: float | None = None,
    conf_high: float | None = None,
    *,
    measure: str = "RR",
    rare: bool = True,
    true: float = 1.0,
) -> EValueResult:
    """The E-value of VanderWeele & Ding (2017).

    The minimum strength of association, on the risk-ratio scale, that an
    unmeasured confounder would need with both the treatment and the outcome
    (above the measured covariates) to explain away an estimate:
    E = RR + sqrt(RR (RR - 1)) for RR > 1 (for RR < 1 use 1/RR).

    Parameters
    ----------
    estimate, conf_low, conf_high
        A risk, hazard or odds ratio and its confidence limits (ratio scale, not logs).
    measure
        ``"RR"``, ``"HR"`` or ``"OR"``.
    rare
        Whether the outcome is rare (< 15% by the end of follow-up). Then an HR or OR
        is taken as a RR. Otherwise OR -> sqrt(OR) and
        HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)), VanderWeele & Ding's
        approximations, as in the R package EValue (``evalues.OR``, ``evalues.HR``).
        Ceasefire failure is common in Fortna's data (84 of 156 spells), so use
        ``rare=False`` there.
    true
        The null value to explain the estimate away to (1 by default).

    Returns
    -------
    EValueResult
        ``e_point`` and ``e_ci`` (for the limit nearest ``true``; 1 if the interval
        contains it), with a text and an HTML display.

    Examples
    --------
    VanderWeele & Ding (2017): RR = 3.9 (95% CI 1.8 to 8.7) gives E = 7.26 for the
    estimate and 3.00 for the lower limit.

    >>> r = e_value(3.9, 1.8, 8.7)
    >>> round(r.e_point, 2), round(r.e_ci, 2)
    (7.26, 3.0)
    """
    if measure not in ("RR", "HR", "OR"):
        raise SpecificationError(f"measure must be 'RR', 'HR' or 'OR', not {measure!r}")
    vals = {"estimate": estimate, "conf_low": conf_low, "conf_high": conf_high, "true": true}
    for name, v in vals.items():
        if v is None:
            continue
        if not (isinstance(v, (int, float, np.floating, np.integer)) and np.isfinite(v) and v > 0):
            raise SpecificationError(
                f"e_value: {name} must be a positive, finite ratio (not a log ratio or a percentage); got {v!r}"
            )
    if conf_low is not None and conf_low > estimate:
        raise SpecificationError(f"e_value: conf_low ({conf_low}) is above the estimate ({estimate})")
    if conf_high is not None and conf_high < estimate:
        raise SpecificationError(f"e_value: conf_high ({conf_high}) is below the estimate ({estimate})")
    estimate = float(estimate)
    rr = _to_rr(estimate, measure, rare)
    rr_lo = _to_rr(float(conf_low), measure, rare) if conf_low is not None else None
    rr_hi = _to_rr(float(conf_high), measure, rare) if conf_high is not None else None
    true_rr = _to_rr(float(true), measure, rare)
    e_point = _e(rr / true_rr)
    e_ci = None
    if rr >= true_rr and rr_lo is not None:
        e_ci = 1.0 if rr_lo <= true_rr else _e(rr_lo / true_rr)
    elif rr < true_rr and rr_hi is not None:
        e_ci = 1.0 if rr_hi >= true_rr else _e(rr_hi / true_rr)
    return EValueResult(
        measure=measure,
        estimate=estimate,
        conf_low=None if conf_low is None else float(conf_low),
        conf_high=None if conf_high is None else float(conf_high),
        rare=rare,
        true=float(true),
        rr=rr,
        rr_low=rr_lo,
        rr_high=rr_hi,
        e_point=e_point,
        e_ci=e_ci,
    )
