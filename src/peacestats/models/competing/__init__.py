"""Competing risks: cumulative incidence (Aalen-Johansen) and the Fine-Gray model, equal to R's ``survival``.

Peace can end in more than one way (the same conflict recurs, a different conflict
starts in the location, the military removes the leader). :func:`cumulative_incidence`
estimates the probability of each way by time *t* (R's ``survfit`` on a multi-state
``Surv``); :func:`finegray` fits the Fine-Gray subdistribution hazard model (R's
``survival::finegray`` expansion followed by a weighted ``coxph``), and
:func:`finegray_data` gives the expanded data. Cause-specific Cox models need no new
code: :func:`peacestats.models.cox.coxph` with the other causes coded as censored.

References
----------
Aalen, O.O. & Johansen, S. (1978). An empirical transition matrix for non-homogeneous
Markov chains based on censored observations. Scandinavian Journal of Statistics 5: 141-150.
Fine, J.P. & Gray, R.J. (1999). A proportional hazards model for the subdistribution of a
competing risk. JASA 94: 496-509.
Therneau, T., Crowson, C. & Atkinson, E. Multi-state models and competing risks
(vignette of the R package ``survival``).
"""

from ._aj import CumulativeIncidenceResult, cumulative_incidence

__all__ = ["cumulative_incidence", "CumulativeIncidenceResult"]
from ._finegray import FineGrayResult, finegray, finegray_data

__all__ += ["finegray", "finegray_data", "FineGrayResult"]
