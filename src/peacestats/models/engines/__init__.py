"""Estimation engines: the numerical fits behind the user functions.

:mod:`~peacestats.models.engines.glm`
    GLM families (logit, probit, Poisson; the NB2 family for its covariances), the
    outcome checks, separation detection (linear programming), and the IRLS fit.
:mod:`~peacestats.models.engines.negbin`
    The negative binomial (NB2) maximum likelihood fit in (b, log theta).
:mod:`~peacestats.models.engines.fixed_effects`
    Least squares with fixed effects swept out by alternating projections.
:mod:`~peacestats.models.engines.cox`
    The Cox partial likelihood (Breslow/Efron, strata, counting process) and Newton-Raphson.
:mod:`~peacestats.models.engines.concordance`
    Harrell's C of a Cox model with R's infinitesimal-jackknife standard error.
:mod:`~peacestats.models.engines.parametric`
    The ``survreg`` likelihood (Weibull, exponential, log-logistic) and its Newton fit.

Every engine takes a model frame (:mod:`peacestats.models.frame`), builds the
covariance with :mod:`peacestats.models.vcov` and returns a result; the user
functions (:mod:`peacestats.models.regression`, :mod:`peacestats.models.cox`) are thin.
"""
