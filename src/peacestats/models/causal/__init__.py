"""Selection adjustment: propensity scores, inverse-probability weights, matching, balance, E-values.

Peacekeepers are not sent at random: the UN goes where wars are harder
(Fortna 2008; Gilligan & Stedman 2003). The tools here make the treated and
untreated cases comparable on what we observe, show how comparable they have
become, and say how strong an unobserved confounder would have to be to
explain an estimate away.

Workflow
--------
::

    from peacestats.models import causal
    ps = causal.propensity_score("un2int ~ wartype + logcost + wardur", data)
    w = causal.ipw_weights(ps.treatment, ps, estimand="ATE")  # a Series aligned to ``data``
    m = causal.match_nearest(data, treatment="un2int", ps=ps, caliper=0.2)
    causal.balance_table(data, treatment="un2int", covariates=["logcost"], weights=w)
    causal.e_value(0.45, 0.25, 0.80, measure="HR", rare=False)

``propensity_score``
    The treatment model (logit or probit, :func:`peacestats.models.regression.logit`), its scores aligned
    to the data's index (rows the model could not use are NaN and flagged).
``ipw_weights``
    ATE or ATT weights, stabilized, optionally trimmed on the score or
    truncated at quantiles of the weights; a Series usable as ``weights=``.
``match_nearest``
    Greedy nearest-neighbour matching on the logit of the score with a caliper
    in standard deviations (Austin 2011), 1:k, with or without replacement.
``balance_table`` / ``balance_plot``
    Standardized mean differences and variance ratios before and after
    adjustment; a Love plot.
``e_value``
    VanderWeele & Ding's (2017) E-value for RR, HR and OR.

References
----------
Austin, P.C. (2009). Balance diagnostics for comparing the distribution of baseline
covariates between treatment groups in propensity-score matched samples. *Statistics in
Medicine* 28: 3083-3107.
Austin, P.C. (2011). Optimal caliper widths for propensity-score matching when estimating
differences in means and differences in proportions in observational studies.
*Pharmaceutical Statistics* 10: 150-161.
Austin, P.C. (2011). An introduction to propensity score methods for reducing the effects
of confounding in observational studies. *Multivariate Behavioral Research* 46(3): 399-424.
Robins, J.M., Hernán, M.A. & Brumback, B. (2000). Marginal structural models and causal
inference in epidemiology. *Epidemiology* 11(5): 550-560.
Crump, R.K., Hotz, V.J., Imbens, G.W. & Mitnik, O.A. (2009). Dealing with limited overlap
in estimation of average treatment effects. *Biometrika* 96(1): 187-199.
Cole, S.R. & Hernán, M.A. (2008). Constructing inverse probability weights for marginal
structural models. *American Journal of Epidemiology* 168(6): 656-664.
Stuart, E.A. (2010). Matching methods for causal inference: a review and a look forward.
*Statistical Science* 25(1): 1-21.
VanderWeele, T.J. & Ding, P. (2017). Sensitivity analysis in observational research:
introducing the E-value. *Annals of Internal Medicine* 167(4): 268-274.

Layout
------
One module a tool: :mod:`.propensity`, :mod:`.ipw`, :mod:`.matching`, :mod:`.balance`,
:mod:`.evalue`; the checks they share (0/1 treatments, scores in (0, 1), overlap,
alignment to the data's index) live in :mod:`._checks`.
"""

from __future__ import annotations

from .balance import balance_plot, balance_table
from .evalue import EValueResult, e_value
from .ipw import ipw_weights
from .matching import MatchResult, match_nearest
from .propensity import PropensityResult, propensity_score

__all__ = [
    "PropensityResult",
    "propensity_score",
    "ipw_weights",
    "MatchResult",
    "match_nearest",
    "balance_table",
    "balance_plot",
    "EValueResult",
    "e_value",
]

