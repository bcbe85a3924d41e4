"""The Fortna (2008) report end to end: files, and key numbers equal to R's.

The analysis ``analyses/fortna2008.py`` runs as a script into a temporary reports
folder (twice, to check that the outputs are byte-identical). Golden values come from
R 4.x with survival 3.x: ``tests/r/fortna2008.R`` (the two Cox models with clustered SEs,
``cox.zph``, the log-rank test on one row per spell and the IPW-weighted Cox model) writes
``tests/data/fortna2008_r.json``, read through ``tests/rfixtures.py``.

The CSV tables store floats with 10 significant digits, so 1e-6 relative is the
project's tolerance with room to spare.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analyses_run import run_analysis
import rfixtures

ROOT = Path(__file__).resolve().parents[1]
NAME = "fortna2008"

_R = rfixtures.load("fortna2008")


def _terms(fit: dict) -> dict[str, tuple[float, float]]:
    return {term: (c, s) for term, c, s in zip(fit["terms"], fit["coef"], fit["se"])}


R_COX1 = _terms(_R["cox"])
R_COX2 = _terms(_R["cox_controls"])
_ZPH = dict(zip(_R["zph"]["terms"], _R["zph"]["chisq"]))
R_ZPH = {term: _ZPH[term] for term in ("pk_dum", "victory", "GLOBAL")}
R_ZPH_GLOBAL_P = _R["zph"]["p"][-1]
R_LOGRANK = {"chisq": _R["logrank"]["chisq"][0], "obs": tuple(_R["logrank"]["obs"]), "exp": tuple(_R["logrank"]["exp"])}
R_IPW = (_R["ipw"]["coef"][0], _R["ipw"]["se"][0])


def _run(out: Path) -> None:
    run_analysis(NAME, out)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    _run(out)
    return out


def _table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "tables" / f"{NAME}-{name}.csv")


def test_files_written(reports):
    page = (reports / f"{NAME}.html").read_text()
    entry = json.loads((reports / f"{NAME}.json").read_text())
    assert entry["name"] == NAME
    assert set(entry["tables"]) >= {f"{NAME}-{t}.csv" for t in (
        "km_at_risk", "logrank", "selection", "stepwise", "models", "mission_type", "zph", "propensity",
        "balance", "ipw", "risk_reduction")}
    assert set(entry["figures"]) >= {f"{NAME}-{f}" for f in ("km", "coefplot", "mission_type", "balance",
                                                                 "peacekeeping_estimates")}
    for t in entry["tables"]:
        assert (reports / "tables" / t).stat().st_size > 0, t
    for f in entry["figures"]:
        assert (reports / "figures" / f"{f}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f
        assert b"<svg" in (reports / "figures" / f"{f}.svg").read_bytes()[:2000], f
    assert entry["provenance"]["datasets"][0]["key"] == "fortna_ceasefires"
    assert "156 peace spells" in page and "84 failures" in page
    assert "@book{fortna2008does," in page  # BibTeX of the dataset in the footer


def test_cox_models_equal_r(reports):
    t = _table(reports, "models")
    assert list(dict.fromkeys(t["model"])) == ["Cox", "Cox + controls", "Weibull", "Weibull + controls"]
    for model, golden, n, events in (("Cox", R_COX1, 192, 84), ("Cox + controls", R_COX2, 190, 82)):
        m = t[t["model"] == model].set_index("term")
        assert set(m.index) == set(golden)
        for term, (b, se) in golden.items():
            assert m.loc[term, "estimate"] == pytest.approx(b, rel=1e-6), (model, term)
            assert m.loc[term, "std_error"] == pytest.approx(se, rel=1e-6), (model, term)
            assert m.loc[term, "exp_estimate"] == pytest.approx(np.exp(b), rel=1e-6)
        assert (m["n"] == n).all() and (m["n_events"] == events).all() and (m["n_clusters"] == 96).all()
    # Weibull PH: peacekeeping enters with the same sign as in Cox once controls are in
    w = t[(t["model"] == "Weibull + controls") & (t["term"] == "pk_dum")].iloc[0]
    assert w["estimate"] < 0 and w["n"] == 190


def test_risk_reduction_and_stepwise(reports):
    rr = _table(reports, "risk_reduction").set_index("model")
    b, se = R_COX2["pk_dum"]
    assert rr.loc["Cox + controls", "risk_reduction"] == pytest.approx(1 - np.exp(b), rel=1e-6)
    assert rr.loc["Cox + controls", "conf_low"] == pytest.approx(1 - np.exp(b + 1.959963984540054 * se), rel=1e-6)
    assert rr.loc["Cox + controls", "conf_high"] == pytest.approx(1 - np.exp(b - 1.959963984540054 * se), rel=1e-6)
    steps = _table(reports, "stepwise")
    assert len(steps) == 6 and (steps["n"] == 190).all()
    # the last step is the full model; the effect appears once controls enter
    assert steps["hazard_ratio"].iloc[-1] == pytest.approx(np.exp(b), rel=1e-6)
    assert steps["hazard_ratio"].iloc[0] > 1 > steps["hazard_ratio"].iloc[-1]


def test_km_logrank_and_selection(reports):
    lr = _table(reports, "logrank")
    assert lr["chisq"].iloc[0] == pytest.approx(R_LOGRANK["chisq"], rel=1e-6)
    assert tuple(lr["observed"]) == R_LOGRANK["obs"]
    assert lr["expected"].to_numpy() == pytest.approx(R_LOGRANK["exp"], rel=1e-6)
    assert tuple(lr["n"]) == (115, 41)
    at = _table(reports, "km_at_risk")
    start = at[at["years"] == 0].set_index("peacekeeping")["at_risk"]
    assert start["no"] == 115 and start["yes"] == 41
    sel = _table(reports, "selection").set_index("variable")
    assert sel.loc["victory", "mean_with_peacekeepers"] == pytest.approx(7 / 41, rel=1e-9)
    assert sel.loc["victory", "mean_without"] == pytest.approx(60 / 113, rel=1e-9)


def test_zph_and_ipw_equal_r(reports):
    z = _table(reports, "zph")
    z = z[z["model"] == "Cox + controls"].set_index("term")
    for term, chisq in R_ZPH.items():
        assert z.loc[term, "chisq"] == pytest.approx(chisq, rel=1e-6), term
    assert z.loc["GLOBAL", "p_value"] == pytest.approx(R_ZPH_GLOBAL_P, rel=1e-6)
    ipw = _table(reports, "ipw")
    row = ipw[(ipw["model"] == "IPW") & (ipw["term"] == "pk_start")].iloc[0]
    assert row["estimate"] == pytest.approx(R_IPW[0], rel=1e-6)
    assert row["std_error"] == pytest.approx(R_IPW[1], rel=1e-6)
    assert row["n"] == 154 and row["n_events"] == 82


def test_outputs_are_deterministic(reports, tmp_path):
    _run(tmp_path)
    files = sorted(p.relative_to(reports) for p in reports.rglob("*") if p.is_file())
    assert len(files) == 1 + 1 + 11 + 2 * 5  # html, json, tables, figures
    for f in files:
        assert (tmp_path / f).read_bytes() == (reports / f).read_bytes(), f
