"""Fortna data and the R model list shared by test_cox.py and test_zph.py.

The golden values (tests/data/cox_fortna_r.json) come from ``tests/r/cox_fortna.R``;
``fit_r_model(name, d)`` is our call for each of its models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peacestats.models.cox import CoxResult, coxph
from rfixtures import load

R = load("cox_fortna")
FULL = "pk_dum + victory + treaty + wardur + logdead + wartype"
S5 = "pk_dum + victory + treaty + wardur + logdead"
DAYS = dict(start="st_t0", stop="st_t", event="st_d")
MONTHS = dict(start="m0", stop="m1", event="st_d")
RTOL = 1e-6


def fortna_data() -> pd.DataFrame:
    """Fortna's rows with monthly times (m0, m1) and case weights (w) for the R models."""
    from peacestats.sources import fortna_ceasefires

    d = fortna_ceasefires.load()
    d["m0"] = np.ceil(d["st_t0"] / 30)
    d["m1"] = np.ceil(d["st_t"] / 30)
    d["w"] = 1 + d["id"].astype(float) % 3
    return d


def fit_r_model(name: str, d: pd.DataFrame) -> CoxResult:
    """Our call for each R model of the fixture script (same names)."""
    d1 = d[d["st_t0"] == 0]
    calls = {
        "pk_breslow": lambda: coxph("pk_dum", d, **DAYS, ties="breslow", cluster="cluster"),
        "full_breslow": lambda: coxph(FULL, d, **DAYS, ties="breslow", cluster="cluster"),
        "pkop_breslow": lambda: coxph("C(pkop)", d, **DAYS, ties="breslow", cluster="cluster"),
        "full_efron": lambda: coxph(FULL, d, **DAYS, ties="efron", cluster="cluster"),
        "months_efron": lambda: coxph(FULL, d, **MONTHS, ties="efron", cluster="cluster"),
        "months_breslow": lambda: coxph(FULL, d, **MONTHS, ties="breslow", cluster="cluster"),
        "strata_breslow": lambda: coxph(S5, d, **DAYS, ties="breslow", cluster="cluster", strata="wartype"),
        "strata_months_efron": lambda: coxph(S5, d, **MONTHS, ties="efron", cluster="cluster", strata="wartype"),
        "weights_months_efron": lambda: coxph(FULL, d, **MONTHS, ties="efron", cluster="cluster", weights="w"),
        "nocluster_breslow": lambda: coxph(FULL, d, **DAYS, ties="breslow"),
        "id_robust_efron": lambda: coxph(FULL, d, **MONTHS, ties="efron", id="id", robust=True),
        "first_breslow": lambda: coxph(FULL, d1, stop="st_t", event="st_d", ties="breslow"),
        "first_efron_robust": lambda: coxph(FULL, d1, stop="m1", event="st_d", ties="efron", robust=True),
    }
    return calls[name]()


MODELS = [k for k in R if k not in ("zph_variants", "meta")]
