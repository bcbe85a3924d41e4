"""Quantities of interest by simulation (King, Tomz & Wittenberg 2000).

Instead of reading coefficients, report what a political scientist wants to know: the
predicted probability that peace lasts with and without a multidimensional UN mission,
or the expected number of civilians killed in a month with 0 and with 8,000 UN troops,
each with a confidence interval, and the difference between the two::

    from peacestats.models.regression import negbin
    from peacestats.models.qoi import simulate_qoi

    fit = negbin("osvAll ~ troopLag + policeLag + ...", hks, cluster="conflict_id")
    simulate_qoi(fit, {"no troops": {"troopLag": 0}, "8,000 troops": {"troopLag": 8}}, seed=1)

Method (King, Tomz & Wittenberg 2000, section 2): draw ``n_sims`` coefficient vectors
from the multivariate normal ``N(b, V)`` with ``V`` the fit's covariance (whichever
flavour it was fitted with: model, robust or clustered); for each draw compute the
quantity at the scenario's covariates (the inverse link of ``x'b``: a probability, an
expected count, an expected value); report the mean of the draws and their
percentile interval. First differences are computed draw by draw, so they carry the
correlation between the two scenarios.

Covariates a scenario does not set are held at their mean in the estimation sample
(text and categorical columns at their most common value): ``at="means"``, King et
al.'s convention. ``at="observed"`` instead sets the scenario's values in every row
of the estimation sample and averages over the rows (the observed-value approach of
Hanmer & Kalkan 2013).

References
----------
King, G., Tomz, M. & Wittenberg, J. (2000). Making the Most of Statistical Analyses:
Improving Interpretation and Presentation. *AJPS* 44(2): 347-361.
Hanmer, M.J. & Kalkan, K.O. (2013). Behind the Curve: Clarifying the Best Approach to
Calculating Predicted Probabilities and Marginal Effects from Limited Dependent
Variable Models. *AJPS* 57(1): 263-277.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError

__all__ = ["simulate_qoi", "DEFAULT_SEED"]

#: The seed used when none is given, so that every output is reproducible.
DEFAULT_SEED = 20000

QOI_COLUMNS = ["scenario", "quantity", "estimate", "std_error", "conf_low", "conf_high", "at_estimates"]


def _scenario_settings(scenarios) -> dict[str, dict[str, Any]]:
    """Named scenarios -> {name: {column: value}}."""
    if isinstance(scenarios, pd.DataFrame):
        if len(scenarios) == 0:
            raise SpecificationError("scenarios has no rows")
        frame = scenarios
        if "scenario" in frame.columns:
            names = frame["scenario"].astype(str).tolist()
            frame = frame.drop(columns="scenario")
        elif isinstance(frame.index, pd.RangeIndex):
            names = [f"scenario {i + 1}" for i in range(len(frame))]
        else:
            names = [str(i) for i in frame.index]
        rows = [{k: v for k, v in r.items() if not (np.isscalar(v) and pd.isna(v))}
                for r in frame.to_dict(orient="records")]
        out_items = list(zip(names, rows))
    elif isinstance(scenarios, Mapping):
        if not scenarios:
            raise SpecificationError("scenarios is empty: give at least one named scenario")
        out_items = []
        for name, setting in scenarios.items():
            if isinstance(setting, pd.Series):
                setting = setting.to_dict()
            if not isinstance(setting, Mapping):
                raise SpecificationError(
                    f"scenario {name!r} must be a dict of column -> value (e.g. {{'troopLag': 8}}), "
                    f"not {type(setting).__name__}"
                )
            out_items.append((str(name), dict(setting)))
    else:
        raise SpecificationError(
            "scenarios must be a DataFrame (one row per scenario) or a dict of named scenarios "
            f"({{'name': {{'column': value}}}}), not {type(scenarios).__name__}"
        )
    names = [n for n, _ in out_items]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecificationError(f"scenario names must be unique; repeated: {dup}")
    return dict(out_items)


def _typical_row(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, Any]:
    """Means of numeric columns, most common value of the others (King et al.'s 'at means')."""
    out: dict[str, Any] = {}
    for c in columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            out[c] = s.mode(dropna=True).iloc[0]
        else:
            out[c] = float(s.mean())
    return out


def _draw_coefficients(params: np.ndarray, V: np.ndarray, n_sims: int, rng: np.random.Generator) -> np.ndarray:
    """n_sims x k draws from N(params, V); Cholesky, or the eigen-decomposition if V is singular."""
    k = len(params)
    z = rng.standard_normal((n_sims, k))
    try:
        L = np.linalg.cholesky(V)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh((V + V.T) / 2)
        if vals.min() < -1e-8 * max(1.0, vals.max()):
            raise SpecificationError(
                "the covariance matrix is not positive semi-definite; cannot simulate from it"
            ) from None
        L = vecs * np.sqrt(np.clip(vals, 0, None))
    return params + z @ L.T


def simulate_qoi(
    result,
    scenarios,
    *,
    n_sims: int = 1000,
    seed: int | None = DEFAULT_SEED,
    conf_level: float = 0.95,
    quantity: str = "expected",
    differences: bool | Sequence[tuple[str, str]] = True,
    at: str = "means",
    return_draws: bool = False,
):
    """Simulated quantities of interest and first differences for a fitted regression.

    Parameters
    ----------
    result
        A :class:`~peacestats.models.regression.RegressionResult` (logit, probit,
        poisson, negbin, ols).
    scenarios
        A dict of named scenarios, ``{"no troops": {"troopLag": 0}, "8,000 troops":
        {"troopLag": 8}}``, or a DataFrame with one row per scenario (names from a
        ``scenario`` column or the index). Columns a scenario leaves out are held at
        their sample mean (or most common value), see ``at``.
    n_sims
        Number of coefficient draws.
    seed
        Seed of numpy's default generator; the same seed gives the same table.
        Defaults to :data:`DEFAULT_SEED` so results are reproducible unless you ask
        otherwise (``seed=None`` draws fresh entropy).
    conf_level
        Level of the percentile intervals.
    quantity
        ``"expected"`` (default): expected values, i.e. predicted probabilities
        (logit, probit), expected counts (Poisson, NB2), expected outcomes (OLS).
        ``"predicted"``: predicted values, which add fundamental uncertainty by
        drawing an outcome for each coefficient draw (Bernoulli, Poisson, NB2 with
        theta drawn from N(log theta, (SE/theta)^2), normal with the residual SE).
    differences
        ``True`` (default): the first difference of every scenario against the first
        one; a list of ``(scenario, baseline)`` pairs for chosen differences
        (``scenario - baseline``); ``False`` for none. First differences are always
        differences in expected values (King et al. 2000, p. 351).
    at
        ``"means"`` (default): one covariate profile per scenario, unset columns at
        their means. ``"observed"``: the scenario's values in every row of the
        estimation sample, averaged over rows (Hanmer & Kalkan 2013).
    return_draws
        Also return the draws (one column per scenario and difference).

    Returns
    -------
    pandas.DataFrame
        One row per scenario and per difference: ``scenario``, ``quantity``
        (``"expected value"``, ``"predicted value"``, ``"first difference"``),
        ``estimate`` (mean of the draws), ``std_error`` (their SD), ``conf_low``,
        ``conf_high`` (percentiles), ``at_estimates`` (the quantity at the point
        estimates, e.g. R's ``predict(fit, newdata, type = "response")``).
        ``attrs`` records n_sims, seed, conf_level, the model, its covariance
        flavour and each scenario's full covariate profile. With
        ``return_draws=True``, a tuple ``(table, draws)``.

    Notes
    -----
    For a model with absorbed fixed effects (``ols(..., fe=...)``) only the slopes are
    simulated; the fixed effects are held at their estimates, and ``at="means"``
    needs the level of each fixed effect in every scenario.
    """
    _check_qoi_options(result, quantity, at, n_sims, conf_level)

    settings = _scenario_settings(scenarios)
    designs, profiles = _scenario_designs(result, settings, at)

    rng = np.random.default_rng(seed)
    params = result.params.to_numpy(dtype=float)
    V = result.vcov.to_numpy(dtype=float)
    B = _draw_coefficients(params, V, int(n_sims), rng)  # n_sims x k

    ev, pv, point = _simulate(result, designs, params, B, quantity, rng)

    names = list(settings)
    pairs = _difference_pairs(differences, settings)

    lo_q, hi_q = (1 - conf_level) / 2, 1 - (1 - conf_level) / 2
    rows = []
    draws = {}
    label = "expected value" if quantity == "expected" else "predicted value"
    for name in names:
        d = ev[name] if quantity == "expected" else pv[name]
        draws[name] = d
        rows.append(_summarise(name, label, d, point[name], lo_q, hi_q))
    for a, b in pairs:
        d = ev[a] - ev[b]
        key = f"{a} - {b}"
        draws[key] = d
        rows.append(_summarise(key, "first difference", d, point[a] - point[b], lo_q, hi_q))
    table = pd.DataFrame(rows, columns=QOI_COLUMNS)
    table.attrs.update(
        {
            "n_sims": int(n_sims),
            "seed": seed,
            "conf_level": conf_level,
            "quantity": quantity,
            "at": at,
            "model": result.model,
            "formula": result.formula,
            "vcov_type": result.vcov_type,
            "profiles": profiles if at == "means" else {n: dict(s) for n, s in settings.items()},
            "method": "King, Tomz & Wittenberg (2000) simulation from N(b, V)",
            "citations": ["simulation_qoi"],
        }
    )
    if return_draws:
        return table, pd.DataFrame(draws)
    return table


def _summarise(name, label, d, at_est, lo_q, hi_q) -> dict[str, Any]:
    lo, hi = np.quantile(d, [lo_q, hi_q])
    return {
        "scenario": name,
        "quantity": label,
        "estimate": float(np.mean(d)),
        "std_error": float(np.std(d, ddof=1)),
        "conf_low": float(lo),
        "conf_high": float(hi),
        "at_estimates": at_est,
    }


def _draw_outcomes(result, mu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One simulated outcome per (row, coefficient draw): fundamental uncertainty."""
    if result.family == "binomial":
        return (rng.random(mu.shape) < mu).astype(float)
    if result.family == "poisson":
        return rng.poisson(mu).astype(float)
    if result.family == "negative binomial":
        n_sims = mu.shape[1]
        sd_log = result.se_theta / result.theta if result.se_theta and np.isfinite(result.se_theta) else 0.0
        theta = np.exp(np.log(result.theta) + sd_log * rng.standard_normal(n_sims))
        lam = rng.gamma(shape=theta[None, :], scale=mu / theta[None, :])
        return rng.poisson(lam).astype(float)
    if result.family == "gaussian":
        return mu + result.sigma * rng.standard_normal(mu.shape)
    raise SpecificationError(f"no predicted values for family {result.family!r}")  # pragma: no cover


# ============================================================================ simulate_qoi's steps
def _check_qoi_options(result, quantity, at, n_sims, conf_level) -> None:
    """Raise SpecificationError for a bad option of :func:`simulate_qoi` or a model it cannot simulate."""
    if quantity not in ("expected", "predicted"):
        raise SpecificationError(f"quantity must be 'expected' or 'predicted', not {quantity!r}")
    if at not in ("means", "observed"):
        raise SpecificationError(f"at must be 'means' or 'observed', not {at!r}")
    if not isinstance(n_sims, (int, np.integer)) or n_sims < 2:
        raise SpecificationError(f"n_sims must be an integer >= 2, not {n_sims!r}")
    if not 0 < conf_level < 1:
        raise SpecificationError(f"conf_level must be between 0 and 1, not {conf_level!r}")
    if getattr(result, "design_info", None) is None or getattr(result, "model_frame", None) is None:
        raise SpecificationError("simulate_qoi needs a RegressionResult from peacestats.models.regression")


def _scenario_designs(result, settings, at):
    """Each scenario's design: one row at typical values (``"means"``) or the whole sample (``"observed"``).

    Returns ``(designs, profiles)``: ``name -> (X, offset)`` and the covariate profile of each scenario.
    """
    frame = result.model_frame
    variables = list(result.variables)
    allowed = set(variables) | set(result.fe_names)
    if result.offset_name:
        allowed.add(result.offset_name)
    for name, setting in settings.items():
        unknown = [c for c in setting if c not in allowed]
        if unknown:
            raise SpecificationError(
                f"scenario {name!r} sets {unknown}, which the model does not use; its covariates are "
                f"{sorted(allowed)}"
            )
    array_offset = result.offset_values is not None and result.offset_name is None

    # Covariate frames: one row per scenario ("means") or the whole sample ("observed").
    typical_cols = variables + ([result.offset_name] if result.offset_name else [])
    base = _typical_row(frame, typical_cols) if at == "means" else None
    designs = {}
    profiles = {}
    for name, setting in settings.items():
        if at == "means":
            missing_fe = [f for f in result.fe_names if f not in setting]
            if missing_fe:
                raise SpecificationError(
                    f"scenario {name!r} must give the level of the fixed effect(s) {missing_fe} "
                    "(the model absorbs them), or use at='observed'"
                )
            row = {**base, **setting}
            nd = pd.DataFrame([row])
            off = float(np.mean(result.offset_values)) if array_offset else None
            profiles[name] = row
        else:
            nd = frame.copy()
            for c, v in setting.items():
                nd[c] = v
            off = result.offset_values if array_offset else None
            profiles[name] = dict(setting)
        designs[name] = result._design_for(nd, offset=off)
    return designs, profiles


def _simulate(result, designs, params, B, quantity, rng):
    """Expected (and predicted) values per scenario and draw, and the values at the point estimates."""
    ev: dict[str, np.ndarray] = {}
    pv: dict[str, np.ndarray] = {}
    point: dict[str, float] = {}
    for name, (X, extra) in designs.items():
        eta = X @ B.T + extra[:, None]  # rows x n_sims
        mu = result._inverse_link(eta)
        ev[name] = mu.mean(axis=0)
        point[name] = float(np.mean(result._inverse_link(X @ params + extra)))
        if quantity == "predicted":
            pv[name] = _draw_outcomes(result, mu, rng).mean(axis=0)
    return ev, pv, point


def _difference_pairs(differences, settings) -> list[tuple[str, str]]:
    """The (scenario, baseline) pairs of the first differences: all against the first with ``True``."""
    names = list(settings)
    pairs: list[tuple[str, str]] = []
    names = list(settings)
    if differences is True:
        pairs = [(n, names[0]) for n in names[1:]]
    elif differences:
        for pair in differences:
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise SpecificationError(f"differences must be (scenario, baseline) pairs, not {pair!r}")
            bad = [p for p in pair if p not in settings]
            if bad:
                raise SpecificationError(f"differences name unknown scenario(s) {bad}; scenarios are {names}")
            pairs.append((str(pair[0]), str(pair[1])))
    return pairs
