"""Regression models whose estimates and standard errors equal R's.

Five estimators share one calling convention::

    logit(formula, data, *, cluster=None, vcov=None, weights=None, offset=None)
    probit(...), poisson(...), negbin(...)
    ols(formula, data, *, cluster=None, vcov=None, weights=None, offset=None, fe=None)

``formula`` is an R/patsy formula string (``"y ~ x1 + x2 + C(g)"``; ``log(x)``,
``np.log1p(x)`` and ``I(x / 1000)`` work). Rows with a missing value in any column
the model uses (formula, ``weights``, ``offset`` and ``fe`` columns) are dropped, as
R's ``na.omit`` does, and counted (``glance()["n_dropped"]``). Each returns a
:class:`RegressionResult` (``tidy``, ``glance``, ``summary``, ``predict``, ``plot``,
``provenance``); :func:`peacestats.models.qoi.simulate_qoi` turns it into predicted
probabilities, expected counts and first differences.

What each estimator reproduces
------------------------------
========== ===================================================== ===========================
function   R                                                     Stata
========== ===================================================== ===========================
logit      ``glm(f, family = binomial)``                         ``logit``
probit     ``glm(f, family = binomial(link = "probit"))``        ``probit``
poisson    ``glm(f, family = poisson)``                          ``poisson``
negbin     ``MASS::glm.nb(f)`` (NB2, Var = mu + alpha mu^2,      ``nbreg`` (alpha = 1/theta)
           theta = 1/alpha)
ols        ``lm(f)``; with ``fe = c("a", "b")``: ``lm(f + factor(a)  ``regress``/``areg``
           + factor(b))`` (the fixed effects are absorbed, not
           estimated as dummies, and not shown)
========== ===================================================== ===========================

Covariance flavours (``vcov=``)
-------------------------------
Every flavour is the sandwich ``c * B (sum_g U_g U_g') B`` (or the model matrix
``B``) with the bread ``B`` and per-row scores ``U_i`` of R's ``sandwich`` package;
``n`` rows, ``k`` coefficients (for ``ols`` with ``fe``: including the absorbed
fixed-effect dummies, as in R's ``lm`` with ``factor()`` terms), ``G`` clusters.

``"model"`` (default without ``cluster``)
    ``vcov(fit)`` in R: the inverse expected information of the GLM (``glm``,
    ``glm.nb``, which holds theta fixed), ``sigma^2 (X'WX)^-1`` for ``lm``.
``"HC0"``
    ``sandwich::vcovHC(fit, type = "HC0")``; ``c = 1``.
``"HC1"``
    ``sandwich::vcovHC(fit, type = "HC1")``; ``c = n / (n - k)``. For ``ols`` this is
    also Stata's ``regress, vce(robust)``.
``"CR0"`` (needs ``cluster``)
    ``sandwich::vcovCL(fit, cluster = ~g, type = "HC0", cadjust = FALSE)``; ``c = 1``.
``"CR1"`` (default with ``cluster``)
    ``sandwich::vcovCL(fit, cluster = ~g, type = "HC1")``;
    ``c = G/(G-1) * (n-1)/(n-k)``. This is also Stata's ``regress, vce(cluster g)``
    (and ``areg``) and the default of ``vcovCL`` for ``lm`` objects.
``"vcovCL"`` (needs ``cluster``)
    ``sandwich::vcovCL(fit, cluster = ~g)`` with its *defaults*, which depend on the
    model class (``sandwich`` 3.0, ``meatCL``): ``type = "HC1"`` for ``lm`` (= ``"CR1"``),
    ``type = "HC0"`` with ``cadjust = TRUE`` for ``glm``/``negbin``, i.e. ``c = G/(G-1)``.
``"stata"``
    What Stata's ``vce(cluster g)`` (with ``cluster``) or ``vce(robust)`` (without)
    reports. Stata's ``[P] _robust`` multiplies by ``qc = G/(G-1) * (N-1)/(N-k)``
    with ``k`` set by its ``minus()`` option: ``regress`` uses the number of
    coefficients, maximum-likelihood commands use ``minus(1)``. So ``ols``:
    ``G/(G-1) * (n-1)/(n-k)`` (= ``"CR1"``) or ``n/(n-k)`` (= ``"HC1"``); ML models:
    ``G/(G-1)`` or ``n/(n-1)``. Stata's ML bread is the inverse *observed*
    information (``vce(oim)``) of all parameters: for logit and Poisson (canonical
    links) it equals R's, so ``"stata"`` equals ``vcovCL(type = "HC0")``; for probit it
    is the observed Hessian, and for ``nbreg`` the joint observed Hessian of
    ``(b, ln alpha)`` with the ``ln alpha`` scores in the meat (the ``b`` block is
    reported). Checked here against these formulas computed in R, not against Stata.

statsmodels fits the GLMs (IRLS, so probit uses the expected information as R does)
and the least-squares problems. The covariances are assembled here, because
statsmodels' cluster correction for GLMs is ``G/(G-1)*(n-1)/(n-k)`` (neither R's
``vcovCL`` default nor Stata's ML factor) and its ``k`` ignores absorbed fixed
effects. The negative binomial is fitted here too (see :func:`negbin`).

References
----------
Zeileis, A., Koll, S. & Graham, N. (2020). Various Versatile Variances: An
Object-Oriented Implementation of Clustered Covariances in R. *Journal of
Statistical Software* 95(1). Cameron, A.C. & Trivedi, P.K. (2013). *Regression
Analysis of Count Data*, 2nd ed. Konis, K. (2007). *Linear programming algorithms for
detecting separated data in binary logistic regression models*. DPhil thesis, Oxford.
"""

from __future__ import annotations

import pandas as pd

from ..errors import ConvergenceError, SeparationError, SeparationWarning, SpecificationError  # noqa: F401
from .engines.fixed_effects import fit_ols
from .engines.glm import Logit, Poisson, Probit, fit_glm
from .engines.negbin import fit_negbin
from .regression_result import RegressionResult
from .vcov import VCOV_R_CALLS, VCOV_TYPES  # noqa: F401 - re-exported

__all__ = [
    "logit",
    "probit",
    "poisson",
    "negbin",
    "ols",
    "RegressionResult",
    "VCOV_TYPES",
    "SeparationWarning",
]

# ====================================================================== user functions
_DOC_ARGS = """
    Parameters
    ----------
    formula
        R/patsy formula, e.g. ``"pbs2s3 ~ untype4 + treaty + C(decade)"``.
    data
        A DataFrame. Rows with missing values in any column the model uses are dropped
        and counted (``glance()["n_dropped"]``).
    cluster
        Column name (or array, one value per data row) of the cluster ids for
        cluster-robust standard errors.
    vcov
        Covariance flavour: ``"model"`` (default without ``cluster``), ``"HC0"``, ``"HC1"``,
        ``"CR0"``, ``"CR1"`` (default with ``cluster``), ``"vcovCL"``, ``"stata"``; see the
        module docstring for the exact R call each one reproduces.
    weights
        Column name or array of prior (case) weights, as R's ``weights =``.
    offset
        Column name or array added to the linear predictor, as R's ``offset =``
        (e.g. ``np.log(exposure)``).
"""


def logit(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
          offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return fit_glm(formula, data, Logit(), "Logit", env, cluster=cluster, vcov=vcov, weights=weights, offset=offset)


def probit(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
           offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return fit_glm(formula, data, Probit(), "Probit", env, cluster=cluster, vcov=vcov, weights=weights, offset=offset)


def poisson(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
            offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return fit_glm(formula, data, Poisson(), "Poisson", env, cluster=cluster, vcov=vcov, weights=weights,
                    offset=offset)


logit.__doc__ = (
    "Logistic regression of a 0/1 outcome: R's ``glm(formula, family = binomial)``.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
        ``tidy()`` adds odds ratios (``exp_estimate``).

    Raises
    ------
    SpecificationError
        A missing column, an outcome that is not 0/1, collinear regressors, a single
        cluster, or perfect separation (naming the variables involved).
    ConvergenceError
        IRLS did not converge.

    Examples
    --------
    >>> from peacestats.sources import doyle_sambanis            # doctest: +SKIP
    >>> fit = logit("pbs2s3 ~ untype4 + treaty + logcost", doyle_sambanis.load())  # doctest: +SKIP
    >>> fit.tidy()                                                # doctest: +SKIP
    """
)
probit.__doc__ = (
    "Probit regression of a 0/1 outcome: R's ``glm(formula, family = binomial(link = \"probit\"))``.\n\n"
    "The model covariance is the inverse *expected* information, as R's; Stata's ``probit``\n"
    "uses the observed information, which ``vcov=\"stata\"`` reproduces.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
    """
)
poisson.__doc__ = (
    "Poisson regression of a count: R's ``glm(formula, family = poisson)``.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
        ``tidy()`` adds incidence-rate ratios (``exp_estimate``).

    Raises
    ------
    SpecificationError
        Negative or non-integer counts, a missing column, collinear regressors, a
        category with only zero counts (estimates do not exist), a single cluster.
    """
)

def negbin(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
           offset=None) -> RegressionResult:
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return fit_negbin(formula, data, env, cluster=cluster, vcov=vcov, weights=weights, offset=offset)


negbin.__doc__ = (
    "Negative binomial (NB2) regression of an overdispersed count: R's ``MASS::glm.nb(formula)``.\n\n"
    "Var(y) = mu + alpha mu^2, theta = 1/alpha (R reports theta, Stata's ``nbreg`` alpha).\n"
    "The log-likelihood is maximised jointly in (b, log theta) from the Poisson estimates and\n"
    "a moment estimate of alpha, by scipy's trust-region Newton then Newton steps; the fit\n"
    "is accepted only when the log-likelihood is finite, the Newton decrement is below\n"
    "1e-6 and the Hessian is negative definite. The model covariance is R's (inverse\n"
    "expected information of b, theta fixed); ``se_theta`` is ``glm.nb``'s ``SE.theta``.\n"
    + _DOC_ARGS
    + """
    Returns
    -------
    RegressionResult
        With ``alpha``, ``theta``, ``se_theta``; ``tidy()`` adds incidence-rate ratios.

    Raises
    ------
    SpecificationError
        Negative or non-integer counts and the other input errors of :func:`poisson`.
    ConvergenceError
        No finite maximum, a Hessian that is not negative definite, or theta -> infinity
        (no overdispersion: use :func:`poisson`).

    Examples
    --------
    Hultman, Kathman & Shannon (2013), Table 1 Model 1 (``troopLag`` etc. are already in
    thousands in the replication file):

    >>> from peacestats.sources import hks2013                    # doctest: +SKIP
    >>> fit = negbin("osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag"
    ...              " + osvAllLagDum + incomp + epduration + lntpop",
    ...              hks2013.load(), cluster="conflict_id")       # doctest: +SKIP
    """
)


def ols(formula: str, data: pd.DataFrame, *, cluster=None, vcov: str | None = None, weights=None,
        offset=None, fe=None) -> RegressionResult:
    """Linear regression (least squares), optionally with absorbed fixed effects.

    R: ``lm(formula, weights = w)``; with ``fe = ["conflict_id", "year"]``:
    ``lm(update(formula, . ~ . + factor(conflict_id) + factor(year)))``. The fixed
    effects are swept out (alternating projections) instead of estimated as dummies;
    the slopes, residuals and every covariance flavour equal the dummy regression's,
    and small-sample factors count the dummies in ``k`` as R does (Stata's ``areg``
    does the same; ``xtreg, fe`` and ``fixest`` count fewer when the effects are nested
    in the clusters). ``fe`` can also be written fixest-style: ``"y ~ x | conflict_id + year"``.
    Inference uses the t distribution with ``n - k`` degrees of freedom, as
    ``summary(lm)`` and ``lmtest::coeftest`` do.
    """
    import patsy

    env = patsy.EvalEnvironment.capture(1)
    return fit_ols(formula, data, env, cluster=cluster, vcov=vcov, weights=weights, offset=offset, fe=fe)
