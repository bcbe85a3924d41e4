"""End to end: ``analyses/hks2013.py`` (Hultman, Kathman & Shannon 2013 replication) into a temporary folder.

The troop coefficient of Model 1 in the tidy CSV must equal the model refitted here with
the package, and that must equal R's ``MASS::glm.nb`` (NB2) with ``sandwich::vcovCL``
(CR1 = ``type = "HC1"``) standard errors clustered by conflict.

R: ``tests/r/regression.R`` (R 4.x, MASS, sandwich) fits Model 1 (``res$negbin``: the troop
coefficient, its CR1 SE, the predictions at 0 and 8,000 troops) and Model 2
(``res$negbin_model2``) with ``glm.nb`` started at ``optim()``'s NB2 optimum, and writes
``tests/data/regression_r.json``, read through ``tests/rfixtures.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from analyses_run import run_analysis
import rfixtures

ROOT = Path(__file__).resolve().parents[1]

_R = rfixtures.load("regression")
R_TROOPS = _R["negbin"]["coef"]["troopLag"][0]
R_TROOPS_SE_CR1 = _R["negbin"]["cl_hc1"]["troopLag"][0]
R_TROOPS_ONLY = _R["negbin_model2"]["coef"]["troopLag"][0]
R_PRED = {"0 troops": _R["negbin"]["pred"]["no_troops"][0], "8,000 troops": _R["negbin"]["pred"]["troops_8000"][0]}
FORMULA = ("osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum"
           " + incomp + epduration + lntpop")


@pytest.fixture(scope="module")
def report(tmp_path_factory, mirror) -> Path:
    out = tmp_path_factory.mktemp("reports")
    return run_analysis("hks2013", out)


def test_files_exist(report):
    assert (report / "hks2013.html").is_file()
    for t in ("models", "se_flavours", "contrast_0_8000"):
        assert (report / "tables" / f"hks2013-{t}.csv").is_file(), t
    for ext in ("png", "svg"):
        assert (report / "figures" / f"hks2013-expected_deaths.{ext}").stat().st_size > 1000
    entry = json.loads((report / "hks2013.json").read_text())
    assert entry["figures"] == ["hks2013-expected_deaths"]
    assert entry["provenance"]["datasets"][0]["key"] == "hks2013"
    page = (report / "hks2013.html").read_text()
    assert "CR1" in page and 'type = "HC1"' in page and "3,746" in page


def test_troop_coefficient_equals_model_and_R(report):
    from peacestats.models.regression import negbin
    from peacestats.sources import load

    fit = negbin(FORMULA, load("hks2013"), cluster="conflict_id", vcov="CR1")
    assert fit.nobs == 3746 and fit.n_clusters == 36
    # R's glm.nb (IRLS, epsilon = 1e-14 on the deviance) and the package's Newton fit stop
    # 2e-9 (relative) apart on this flat likelihood: 1e-8 is as close as two optimisers agree
    # here (the project's rule for coefficients is 1e-6).
    assert fit.params["troopLag"] == pytest.approx(R_TROOPS, rel=1e-8)
    assert fit.std_errors["troopLag"] == pytest.approx(R_TROOPS_SE_CR1, rel=1e-6)

    tidy = pd.read_csv(report / "tables" / "hks2013-models.csv")
    assert list(tidy["model"].unique()) == ["Model 1 (NB2)", "NB2, troops only", "Poisson"]
    row = tidy[(tidy["model"] == "Model 1 (NB2)") & (tidy["term"] == "troopLag")].iloc[0]
    # the CSV holds 10 significant digits: 1e-9 relative is what it can carry
    assert row["estimate"] == pytest.approx(fit.params["troopLag"], rel=1e-9)
    assert row["estimate"] == pytest.approx(R_TROOPS, rel=1e-8)
    assert row["std_error"] == pytest.approx(R_TROOPS_SE_CR1, rel=1e-6)
    assert row["n"] == 3746 and row["n_clusters"] == 36 and "CR1" in row["vcov_type"]
    only = tidy[(tidy["model"] == "NB2, troops only") & (tidy["term"] == "troopLag")].iloc[0]
    assert only["estimate"] == pytest.approx(R_TROOPS_ONLY, rel=1e-6)


def test_contrast_table(report):
    c = pd.read_csv(report / "tables" / "hks2013-contrast_0_8000.csv").set_index("scenario")
    # the quantities at the point estimates are R's predict(nb, nd, type = "response")
    for k, v in R_PRED.items():
        assert c.loc[k, "at_estimates"] == pytest.approx(v, rel=1e-6)
    fd = c.loc["8,000 troops - 0 troops"]
    assert fd["quantity"] == "first difference"
    assert fd["at_estimates"] == pytest.approx(R_PRED["8,000 troops"] - R_PRED["0 troops"], rel=1e-6)
    assert fd["conf_high"] < 0  # fewer expected deaths with 8,000 troops, interval excludes zero
    se = pd.read_csv(report / "tables" / "hks2013-se_flavours.csv").set_index("flavour")
    assert se.loc["CR1", "UN troops (thousands, t-1)"] == pytest.approx(R_TROOPS_SE_CR1, rel=1e-6)
