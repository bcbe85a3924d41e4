"""End to end: ``analyses/hks2013.py`` (Hultman, Kathman & Shannon 2013 replication) into a temporary folder.

The troop coefficient of Model 1 in the tidy CSV must equal the model refitted here with
the package, and that must equal R's ``MASS::glm.nb`` (NB2) with ``sandwich::vcovCL``
(CR1 = ``type = "HC1"``) standard errors clustered by conflict.

R code (R 4.x, MASS, sandwich; run from the repository root)::

    library(MASS); library(sandwich)
    h <- read.delim("../shared/data/hks2013/HKS_AJPS_2013.tab")
    # glm.nb(f, data = h) stops with "NA/NaN/Inf in 'x'" from its default start, so start
    # it at the NB2 optimum found by optim() (as in tests/test_regression.py):
    fit_nb <- function(f) {
      mf <- model.frame(f, h); X <- model.matrix(f, mf); y <- model.response(mf)
      nll <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
        mu <- exp(eta); -sum(lgamma(th + y) - lgamma(th) - lgamma(y + 1) + th * log(th) +
                             y * eta - (th + y) * log(th + mu)) }
      gr <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
        mu <- exp(eta); -c(crossprod(X, (y - mu) * th / (th + mu)),
          th * sum(digamma(th + y) - digamma(th) + log(th) + 1 - log(th + mu) - (th + y) / (th + mu))) }
      o <- optim(c(log(mean(y)), rep(0, ncol(X) - 1), log(0.1)), nll, gr, method = "BFGS",
                 control = list(maxit = 10000, reltol = 1e-14))
      glm.nb(f, data = h, start = setNames(o$par[-length(o$par)], colnames(X)),
             init.theta = exp(o$par[length(o$par)]), control = glm.control(epsilon = 1e-14, maxit = 100))
    }
    f1 <- osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum +
          incomp + epduration + lntpop
    f2 <- osvAll ~ troopLag + brv_AllLag + osvAllLagDum + incomp + epduration + lntpop
    nb <- fit_nb(f1); nb2 <- fit_nb(f2)
    options(digits = 15)
    nobs(nb)                                                                    # 3746
    coef(nb)["troopLag"]                                                        # -0.530446620992615
    sqrt(diag(vcovCL(nb, cluster = ~conflict_id, type = "HC1")))["troopLag"]   # 0.0700735927242444
    coef(nb2)["troopLag"]                                                       # 1.0587270509728
    mf <- model.frame(f1, h)
    nd <- data.frame(troopLag = c(0, 8), policeLag = 0, militaryobserversLag = 0,
                     brv_AllLag = mean(mf$brv_AllLag), osvAllLagDum = 1, incomp = 2,
                     epduration = mean(mf$epduration), lntpop = mean(mf$lntpop))
    predict(nb, nd, type = "response")                          # 69.5050807199169 0.997829245344675
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

R_TROOPS = -0.530446620992615
R_TROOPS_SE_CR1 = 0.0700735927242444
R_TROOPS_ONLY = 1.0587270509728
R_PRED = {"0 troops": 69.5050807199169, "8,000 troops": 0.997829245344675}
FORMULA = ("osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum"
           " + incomp + epduration + lntpop")


@pytest.fixture(scope="module")
def report(tmp_path_factory, mirror) -> Path:
    out = tmp_path_factory.mktemp("reports")
    env = {**os.environ, "PEACESTATS_REPORTS_DIR": str(out), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "analyses/hks2013.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


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
