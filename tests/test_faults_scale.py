"""A covariate of 1e8 plus noise: fitted as R fits it, not rejected as collinear (issue 10).

The data and R's fits come from ``tests/r/scale_1e8.R`` (R 4.2.2, survival 3.5.3), which
writes ``tests/data/scale_1e8_r.json`` and, beside it, ``scale_1e8.csv``; run it from the
repository root with ``Rscript tests/r/scale_1e8.R``. R's ``glm`` aliases columns with QR tolerance 1e-11
and ``survreg`` centres and scales the design before fitting, so both fit ``xb = 1e8 + z``;
``lm`` uses tolerance 1e-7 and reports NA for ``xb`` (we raise, as for any aliased column) but
fits ``xw = 1e8 + 100 z``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError
from peacestats.models import _design
from peacestats.models.parametric import survreg
from peacestats.models.regression import logit, ols, poisson
from rfixtures import load

pytestmark = pytest.mark.faults

HERE = Path(__file__).parent / "data"
R = load("scale_1e8")


@pytest.fixture(scope="module")
def d() -> pd.DataFrame:
    out = pd.read_csv(HERE / "scale_1e8.csv", float_precision="round_trip")
    out["z"] = out["xb"] - 1e8  # exact: xb was written as 1e8 + z
    out["g"] = np.arange(len(out)) % 25
    return out


FITS = {
    "logit": lambda d, **k: logit("y ~ xb", d, **k),
    "poisson": lambda d, **k: poisson("cnt ~ xb", d, **k),
    "ols_xw": lambda d, **k: ols("t ~ xw", d, **k),
    "survreg": lambda d, **k: survreg("Surv(t, e) ~ xb", d, dist="weibull", **k),
}


@pytest.mark.parametrize("name", list(FITS))
def test_badly_scaled_covariate_agrees_with_r(d, name):
    fit = FITS[name](d)
    np.testing.assert_allclose(fit.params.to_numpy(), R[name]["coef"], rtol=1e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.vcov.to_numpy())), R[name]["se"], rtol=1e-6)


def test_ols_aliases_what_r_lm_aliases(d):
    assert R["ols_xb_aliased"] and R["glm_default_fits"]
    with pytest.raises(SpecificationError, match="'xb' is a linear combination of 'Intercept'"):
        ols("t ~ xb", d)


@pytest.mark.parametrize("model, formula", [
    (logit, "y ~ {x}"), (poisson, "cnt ~ {x}"), (ols, "t ~ {x}"),
])
@pytest.mark.parametrize("vcov", [None, "HC1", "stata"])
def test_rescaled_fit_equals_the_fit_on_the_noise(d, model, formula, vcov):
    """xb = 1e8 + z: the slope and its SE equal those on z, the intercept shifts by 1e8 * slope."""
    x = "xw" if model is ols else "xb"
    scale = 100.0 if model is ols else 1.0
    dz = d.assign(zz=(d[x] - 1e8) / scale)
    kw = {"cluster": "g"} if vcov is None else {"vcov": vcov}
    big, small = model(formula.format(x=x), d, **kw), model(formula.format(x="zz"), dz, **kw)
    b, s = big.params.to_numpy(), small.params.to_numpy()
    se_b, se_s = np.sqrt(np.diag(big.vcov.to_numpy())), np.sqrt(np.diag(small.vcov.to_numpy()))
    assert b[1] * scale == pytest.approx(s[1], rel=1e-6)
    assert se_b[1] * scale == pytest.approx(se_s[1], rel=1e-6)
    assert b[0] == pytest.approx(s[0] - 1e8 * b[1], rel=1e-6)


def test_survreg_clustered_equals_the_fit_on_the_noise(d):
    big = survreg("Surv(t, e) ~ xb", d, dist="weibull", cluster="g")
    small = survreg("Surv(t, e) ~ z", d, dist="weibull", cluster="g")
    assert big.params.iloc[1] == pytest.approx(small.params.iloc[1], rel=1e-6)
    assert np.sqrt(big.vcov.iloc[1, 1]) == pytest.approx(np.sqrt(small.vcov.iloc[1, 1]), rel=1e-6)
    assert big.params.iloc[2] == pytest.approx(small.params.iloc[2], rel=1e-6)


def test_well_conditioned_designs_are_fitted_as_before(d):
    X = np.column_stack([np.ones(len(d)), d["z"], d["y"]])
    Z, T = _design.rescale_design(X, 0)
    assert T is None and Z is X
    Xb = np.column_stack([np.ones(len(d)), d["xb"], d["y"]])
    Z, T = _design.rescale_design(Xb, 0)
    np.testing.assert_allclose(Z @ np.linalg.solve(T, [1.0, 2.0, 3.0]), Xb @ [1.0, 2.0, 3.0], rtol=1e-12)
    assert np.array_equal(Z[:, 2], Xb[:, 2])  # a 0/1 column is left as it is, as R does


def test_truly_collinear_columns_are_still_refused(d):
    dd = d.assign(x2=2 * d["z"] + 1)
    with pytest.raises(SpecificationError, match="collinear"):
        logit("y ~ z + x2", dd)
    with pytest.raises(SpecificationError, match="collinear"):
        survreg("Surv(t, e) ~ z + x2", dd, dist="weibull")
