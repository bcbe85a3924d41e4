"""The Doyle & Sambanis (2000) report end to end: files, and the logit equal to R's glm.

The analysis ``analyses/doyle_sambanis2000.py`` runs as a script into a temporary
reports folder (twice, to check byte-identical outputs). Golden values from R 4.x:
``tests/r/doyle_sambanis2000.R`` (the logit with glm's default control, predicted
probabilities at the means of the estimation sample, the mission-type model) writes
``tests/data/doyle_sambanis2000_r.json``, read through ``tests/rfixtures.py``.

Tolerance 1e-6 relative (the CSV stores 10 significant digits).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from analyses_run import run_analysis
import rfixtures

ROOT = Path(__file__).resolve().parents[1]
NAME = "doyle_sambanis2000"
FORMULA = ("pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 + treaty + develop"
           " + exp + decade")

_R = rfixtures.load("doyle_sambanis2000")
R_COEF = dict(zip(_R["logit"]["terms"], _R["logit"]["coef"]))
R_SE_UNTYPE4 = dict(zip(_R["logit"]["terms"], _R["logit"]["se"]))["untype4"]
R_LOGLIK = _R["logit"]["loglik"][0]
R_PRED_AT_MEANS = tuple(_R["logit"]["pred_at_means"])
R_TYPES = {term: v[0] for term, v in _R["types"].items()}


def _run(out: Path) -> None:
    run_analysis(NAME, out)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    _run(out)
    return out


def _table(out: Path, name: str) -> pd.DataFrame:
    # the UN mission type "None" is a category, not a missing value (pandas would read it as NaN)
    return pd.read_csv(out / "tables" / f"{NAME}-{name}.csv", keep_default_na=False, na_values=["NA", ""])


def test_files_written(reports):
    page = (reports / f"{NAME}.html").read_text()
    entry = json.loads((reports / f"{NAME}.json").read_text())
    assert entry["tables"] == [f"{NAME}-by_type.csv", f"{NAME}-logit.csv", f"{NAME}-predicted.csv"]
    assert entry["figures"] == [f"{NAME}-predicted"]
    for t in entry["tables"]:
        assert (reports / "tables" / t).stat().st_size > 0
    assert (reports / "figures" / f"{NAME}-predicted.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (reports / "figures" / f"{NAME}-predicted.svg").read_bytes()[:2000]
    assert entry["provenance"]["datasets"][0]["key"] == "doyle_sambanis"
    assert "124 civil wars" in page and "122 wars" in page
    assert "@article{king2000making," in page  # the simulation method's BibTeX


def test_logit_equals_regression_and_r(reports):
    from peacestats.models.regression import logit
    from peacestats.sources import load

    t = _table(reports, "logit")
    main = t[t["model"] == "Doyle & Sambanis"].set_index("term")
    assert (main["n"] == 122).all()
    fit = logit(FORMULA, load("doyle_sambanis"))
    # the CSV holds the regression's value ...
    assert main.loc["untype4", "estimate"] == pytest.approx(fit.params["untype4"], rel=1e-9)
    # ... which equals R's glm
    assert main.loc["untype4", "estimate"] == pytest.approx(R_COEF["untype4"], rel=1e-6)
    assert main.loc["untype4", "std_error"] == pytest.approx(R_SE_UNTYPE4, rel=1e-6)
    assert fit.loglik == pytest.approx(R_LOGLIK, rel=1e-9)
    for term, b in R_COEF.items():
        assert main.loc[term, "estimate"] == pytest.approx(b, rel=1e-6), term
    types = t[t["model"] == "All UN mission types"].set_index("term")
    for term, b in R_TYPES.items():
        assert types.loc[term, "estimate"] == pytest.approx(b, rel=1e-6), term


def test_predicted_probabilities(reports):
    q = _table(reports, "predicted")
    assert len(q) == 3 + 3 + 9
    at_means = (q["model"] == "Doyle & Sambanis (untype4)") & (q["covariates"] == "at sample means")
    means = q[at_means].set_index("scenario")
    # probability at the point estimates equals R's predict() at the sample means
    assert means.loc["No multidimensional PKO", "at_estimates"] == pytest.approx(R_PRED_AT_MEANS[0], rel=1e-6)
    assert means.loc["Multidimensional PKO", "at_estimates"] == pytest.approx(R_PRED_AT_MEANS[1], rel=1e-6)
    # simulated intervals bracket the point values and stay within [0, 1]
    ev = q[q["quantity"] == "expected value"]
    assert ((ev["conf_low"] >= 0) & (ev["conf_high"] <= 1) & (ev["conf_low"] < ev["at_estimates"])
            & (ev["at_estimates"] < ev["conf_high"])).all()
    fd = means.loc["Multidimensional PKO - No multidimensional PKO"]
    assert fd["quantity"] == "first difference" and fd["conf_low"] > 0
    by_type = _table(reports, "by_type").set_index("untype")
    assert by_type["wars"].to_dict() == {"None": 88, "Observer": 17, "TradPKO": 8, "MultiPKO": 7, "Enforcement+": 4}
    assert by_type.loc["MultiPKO", "successes"] == 6


def test_outputs_are_deterministic(reports, tmp_path):
    _run(tmp_path)
    files = sorted(p.relative_to(reports) for p in reports.rglob("*") if p.is_file())
    assert len(files) == 1 + 1 + 3 + 2
    for f in files:
        assert (tmp_path / f).read_bytes() == (reports / f).read_bytes(), f
