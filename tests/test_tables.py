"""Publication tables (regtable) and figures (coefplot, forest_plot) on real fits.

The fits are built as :class:`~peacestats.models.results.ModelResult` from
statsmodels on the Doyle & Sambanis (2000) and Fortna ceasefire data; the
numbers the tables must show are R's, from ``tests/r/tables.R`` (``Rscript tests/r/tables.R``
from the repository root), which writes ``tests/data/tables_r.json``, read through
``tests/rfixtures.py``: ``summary()$coefficients``, ``logLik``, ``AIC`` and ``nobs`` of the
logits ``m1`` (``pbs2s3 ~ untype4 + treaty + logcost``) and ``m2`` (the full model), of the OLS
of ``m1``'s formula and of a Cox model on Fortna's spells (one row per spell:
``coxph(Surv(time, event) ~ pk_dum + victory + treaty + logdead)``, Efron ties), and ``m1``'s
clustered SEs (``sandwich::vcovCL(m1, cluster = ~cluster, type = "HC1")``).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from peacestats.errors import SpecificationError
from peacestats.models.results import ModelResult
from peacestats.report import regtable, tidy_long
from peacestats.report.figures import coefplot, forest_plot
from rfixtures import load

# R's numbers (tests/r/tables.R; see the module docstring)
_R = load("tables")


def _by_term(fit, *cols):
    """{term: (col, ...)} of one fit of the fixture."""
    return {t: tuple(fit[c][i] for c in cols) for i, t in enumerate(fit["term"])}


R_M1 = _by_term(_R["m1"], "estimate", "std_error", "statistic", "p_value")  # estimate, se, z, p
R_M1_LOGLIK, R_M1_AIC = _R["m1"]["loglik"][0], _R["m1"]["aic"][0]  # -62.0626, 132.1252
R_M1_CL_SE = {t: v for t, (v,) in _by_term(_R["m1"], "cl_std_error").items()}
R_M2_UNTYPE4 = _by_term(_R["m2"], "estimate", "std_error", "p_value")["untype4"]  # 3.1352, 1.4935, 0.0358
R_M2_LOGLIK, R_M2_AIC = _R["m2"]["loglik"][0], _R["m2"]["aic"][0]  # -45.6487, 115.2973
R_COX = _by_term(_R["cox"], "estimate", "std_error", "p_value")  # coef, se, p
R_COX_LOGLIK, R_COX_AIC = _R["cox"]["loglik"][0], _R["cox"]["aic"][0]  # -362.2914, 732.5829
R_OLS_UNTYPE4 = _by_term(_R["ols"], "estimate", "std_error", "p_value")["untype4"]  # 0.4186, 0.1766, 0.0194
R_OLS_LOGLIK, R_OLS_AIC = _R["ols"]["loglik"][0], _R["ols"]["aic"][0]  # -64.8793, 139.7586


def _glm_result(formula, data, *, cluster=None):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    kw = {}
    vtype = "model"
    nclus = None
    if cluster is not None:
        data = data.dropna(subset=[c for c in ("logcost", "treaty", "untype4", "pbs2s3")])
        groups = data[cluster].astype("category").cat.codes
        kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
        vtype = f"CR1 (sandwich::vcovCL type HC1), clustered on {cluster}"
        nclus = int(groups.nunique())
    r = smf.glm(formula, data, family=sm.families.Binomial()).fit(tol=1e-13, **kw)
    return ModelResult(params=r.params, vcov=r.cov_params(), vcov_type=vtype, nobs=int(r.nobs), loglik=float(r.llf),
                       df_model=len(r.params), model="Logit", formula=formula, exponentiate=True, exp_label="OR",
                       n_clusters=nclus)


@pytest.fixture(scope="module")
def ds():
    from peacestats.sources import doyle_sambanis

    return doyle_sambanis.load()


@pytest.fixture(scope="module")
def m1(ds):
    return _glm_result("pbs2s3 ~ untype4 + treaty + logcost", ds)


@pytest.fixture(scope="module")
def m1c(ds):
    return _glm_result("pbs2s3 ~ untype4 + treaty + logcost", ds, cluster="cluster")


@pytest.fixture(scope="module")
def m2(ds):
    return _glm_result(
        "pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 + treaty + develop + exp"
        " + decade",
        ds,
    )


@pytest.fixture(scope="module")
def ols(ds):
    import statsmodels.formula.api as smf

    f = "pbs2s3 ~ untype4 + treaty + logcost"
    r = smf.ols(f, ds).fit()
    return ModelResult(params=r.params, vcov=r.cov_params(), vcov_type="model", nobs=int(r.nobs), loglik=float(r.llf),
                       df_model=len(r.params) + 1, model="OLS", formula=f, dist="t", df_resid=float(r.df_resid))


@pytest.fixture(scope="module")
def cox():
    """Cox model on Fortna's spells, one row per spell (Efron ties; statsmodels PHReg equals R here)."""
    import statsmodels.api as sm

    from peacestats.sources import fortna_ceasefires

    f = fortna_ceasefires.load().sort_values(["id", "st_t0"])
    first = f.groupby("id").first()
    s = first[["pk_dum", "victory", "treaty", "logdead"]].join(
        f.groupby("id").agg(time=("st_t", "max"), event=("st_d", "max"))
    ).dropna()
    x = ["pk_dum", "victory", "treaty", "logdead"]
    r = sm.PHReg(s["time"].to_numpy(), s[x], status=s["event"].to_numpy(), ties="efron").fit()
    return ModelResult(params=pd.Series(r.params, index=x), vcov=pd.DataFrame(r.cov_params(), index=x, columns=x),
                       vcov_type="model", nobs=len(s), loglik=float(r.llf), df_model=4, model="Cox PH",
                       formula="Surv(time, event) ~ pk_dum + victory + treaty + logdead", exponentiate=True,
                       exp_label="HR", n_events=int(s["event"].sum()))


def test_fits_equal_R(m1, m1c, m2, ols, cox):
    """The inputs of the table tests are R's fits (so the tables must show R's numbers)."""
    t = m1.tidy().set_index("term")
    for term, (b, se, _z, p) in R_M1.items():
        assert t.loc[term, "estimate"] == pytest.approx(b, rel=1e-6)
        assert t.loc[term, "std_error"] == pytest.approx(se, rel=1e-6)
        assert t.loc[term, "p_value"] == pytest.approx(p, rel=1e-5)
    assert m1.loglik == pytest.approx(R_M1_LOGLIK, rel=1e-9) and m1.aic == pytest.approx(R_M1_AIC, rel=1e-9)
    np.testing.assert_allclose(m1c.std_errors[list(R_M1_CL_SE)], list(R_M1_CL_SE.values()), rtol=1e-6)
    assert m1.nobs == _R["m1"]["nobs"][0] and m1c.n_clusters == _R["m1"]["n_clusters"][0]  # 123, 70
    assert m2.nobs == _R["m2"]["nobs"][0] and m2.aic == pytest.approx(R_M2_AIC, rel=1e-9)  # 122
    tc = cox.tidy().set_index("term")
    for term, (b, se, _p) in R_COX.items():
        assert tc.loc[term, "estimate"] == pytest.approx(b, rel=1e-6)
        assert tc.loc[term, "std_error"] == pytest.approx(se, rel=1e-6)
    assert cox.loglik == pytest.approx(R_COX_LOGLIK, rel=1e-9)
    assert (cox.nobs, cox.n_events) == (_R["cox"]["nobs"][0], _R["cox"]["n_events"][0])  # 155, 83
    assert ols.aic == pytest.approx(R_OLS_AIC, rel=1e-9)
    assert ols.tidy().set_index("term").loc["untype4", "p_value"] == pytest.approx(R_OLS_UNTYPE4[2], rel=1e-6)


def test_markdown_shows_R_numbers(m1, m2, cox):
    md = regtable([m1, m2, cox], format="markdown")
    lines = md.splitlines()
    assert lines[0] == "| | (1) | (2) | (3) |"
    assert "| Model | Logit | Logit | Cox PH |" in lines
    assert "| Outcome | pbs2s3 | pbs2s3 | Surv(time, event) |" in lines
    # untype4: 2.237 (p = 0.058, *) and 3.135 (p = 0.036, **); no such term in the Cox model
    i = lines.index(r"| untype4 | 2.237\* | 3.135\*\* |  |")
    assert lines[i + 1] == "| | (1.181) | (1.493) |  |"
    # treaty appears in all three: the Cox coefficient -0.871 (0.290), p = 0.0027
    i = lines.index(r"| treaty | 1.868\*\*\* | 2.124\*\*\* | -0.871\*\*\* |")
    assert lines[i + 1] == "| | (0.555) | (0.779) | (0.290) |"
    i = lines.index(r"| pk_dum |  |  | -0.496\* |")
    assert lines[i + 1] == "| |  |  | (0.275) |"
    # the intercept comes last among the terms, before the fit statistics
    intercept = lines.index(r"| Intercept | 3.760\*\*\* | 8.609\*\*\* |  |")
    assert intercept < lines.index("| Observations | 123 | 122 | 155 |")
    assert "| Events |  |  | 83 |" in lines
    assert "| Log-likelihood | -62.063 | -45.649 | -362.291 |" in lines
    assert "| AIC | 132.125 | 115.297 | 732.583 |" in lines
    assert not any(line.startswith("| Clusters") for line in lines)  # empty for every model: left out
    assert r"\* p < 0.1; \*\* p < 0.05; \*\*\* p < 0.01.  " in lines
    assert "Standard errors in parentheses.  " in lines


def test_html_hazard_ratios_with_ci(cox, m1):
    """exponentiate=True, stat="ci": HR 0.609 for peacekeeping with R's Wald CI exp(b -/+ 1.96 se)."""
    h = regtable([m1, cox], format="html", stat="ci", exponentiate=True,
                 labels={"pk_dum": "Peacekeeping", "untype4": "UN multidimensional PKO"},
                 model_names=["PBS", "Failure"])
    b, se, _ = R_COX["pk_dum"]
    q = stats.norm.ppf(0.975)
    lo, hi = np.exp(b - q * se), np.exp(b + q * se)
    assert f"[{lo:.3f}, {hi:.3f}]" == "[0.355, 1.043]"
    assert '<td style="text-align:left">Peacekeeping</td><td style="text-align:center"></td>' \
           '<td style="text-align:center">0.609<sup>*</sup></td>' in h
    assert '<td style="text-align:center">[0.355, 1.043]</td>' in h
    # OR of a UN multidimensional operation on peacebuilding success: exp(2.237) = 9.368
    bu, seu, _, _ = R_M1["untype4"]
    assert f'{np.exp(bu):.3f}<sup>*</sup>' == "9.368<sup>*</sup>" and "9.368<sup>*</sup>" in h
    assert f"[{np.exp(bu - q * seu):.3f}, {np.exp(bu + q * seu):.3f}]" in h
    assert "<th style=\"text-align:left\">Model</th><td style=\"text-align:center\">PBS</td>" in h
    assert "<th style=\"text-align:left\">Estimator</th><td style=\"text-align:center\">Logit</td>" in h
    assert "95% confidence intervals in brackets." in h
    assert "Exponentiated coefficients (HR, OR)." in h
    assert "&lt; 0.01" in h  # the note is escaped


def test_latex_model_vs_clustered_standard_errors(m1, m1c):
    tex = regtable([m1, m1c], format="latex", model_names=["Model SE", "Clustered"], stats=("n", "n_clusters", "aic"))
    lines = tex.splitlines()
    assert lines[0] == r"\begin{tabular}{lcc}" and lines[1] == r"\toprule" and lines[-1] == r"\end{tabular}"
    i = lines.index(r"untype4 & 2.237$^{*}$ & 2.237$^{*}$ \\")
    se1, se2 = R_M1["untype4"][1], R_M1_CL_SE["untype4"]
    assert lines[i + 1] == rf" & ({se1:.3f}) & ({se2:.3f}) \\" == r" & (1.181) & (1.172) \\"
    i = lines.index(r"treaty & 1.868$^{***}$ & 1.868$^{***}$ \\")
    assert lines[i + 1] == r" & (0.555) & (0.591) \\"
    assert r"Observations & 123 & 123 \\" in lines
    assert r"Clusters &  & 70 \\" in lines
    assert r"AIC & 132.125 & 132.125 \\" in lines
    assert any("Standard errors: (1) model; (2) CR1 (sandwich::vcovCL type HC1), clustered on cluster." in x
               for x in lines)
    assert r"Outcome & pbs2s3 & pbs2s3 \\" in lines


def test_latex_escapes_and_t_p_statistics(cox, ols, m1):
    tex = regtable([cox], format="latex", labels={"logdead": "log(deaths) & 100% #"})
    assert r"pk\_dum & -0.496$^{*}$ \\" in tex
    assert r"log(deaths) \& 100\% \# & 0.129$^{**}$ \\" in tex
    md = regtable([m1], format="markdown", stat="t")
    assert "| | (3.37) |" in md.splitlines()  # treaty: z = 3.367
    md = regtable([m1], format="markdown", stat="p", digits=4)
    assert "| | (0.0582) |" in md.splitlines()  # untype4: p = 0.05816
    assert "p-values in parentheses.  " in md
    # OLS: t reference distribution (df 119): p of untype4 = 0.0194 as R's lm
    md = regtable([ols], format="markdown", stat="p", stats=("n", "loglik", "aic"))
    assert r"| untype4 | 0.419\*\* |" in md
    assert "| | (0.019) |" in md.splitlines()
    assert "| Log-likelihood | -64.879 |" in md and "| AIC | 139.759 |" in md


def test_exponentiate_auto_and_stars(m1, ols):
    md = regtable([m1, ols], format="markdown", exponentiate="auto")
    # the logit is shown as odds ratios (exp(1.868) = 6.476, SE by the delta method), the OLS as is
    b, se, _, _ = R_M1["treaty"]
    assert rf"| treaty | {np.exp(b):.3f}\*\*\* | 0.336\*\*\* |" in md
    assert f"| | ({np.exp(b) * se:.3f}) | (0.093) |" in md
    assert "Exponentiated coefficients (OR) in (1); standard errors by the delta method.  " in md
    plain = regtable([m1], format="markdown", stars=None)
    assert r"\*" not in plain and "p <" not in plain
    one = regtable([m1], format="markdown", stars=(0.05,))
    assert r"| untype4 | 2.237 |" in one and r"| treaty | 1.868\* |" in one
    assert r"\* p < 0.05.  " in one


def test_order_drop_and_frame(m1, m2):
    fr = regtable({"Small": m1, "Full": m2}, format="frame", order=["treaty"], drop=["Intercept", "fact.*"])
    terms = list(dict.fromkeys(fr.index.get_level_values("term")))
    assert terms[:3] == ["treaty", "untype4", "logcost"]
    assert "Intercept" not in terms and "factnum" not in terms and "factnum2" not in terms
    assert fr.columns.get_level_values("model").tolist() == ["Small", "Full"]
    assert fr.loc[("untype4", "estimate"), ("(2)", "Full", "pbs2s3")] == "3.135**"
    assert fr.loc[("untype4", "stat"), ("(1)", "Small", "pbs2s3")] == "(1.181)"
    assert fr.loc[("Observations", ""), ("(2)", "Full", "pbs2s3")] == "122"
    assert fr.attrs["notes"][0] == "* p < 0.1; ** p < 0.05; *** p < 0.01."


def test_csv_is_tidy_and_byte_identical(tmp_path, m1, m2, cox):
    a, b = tmp_path / "a.csv", tmp_path / "sub" / "b.csv"
    s1 = regtable([m1, m2, cox], format="csv", model_names=["m1", "m2", "cox"], path=a)
    s2 = regtable([m1, m2, cox], format="csv", model_names=["m1", "m2", "cox"], path=b)
    assert a.read_bytes() == b.read_bytes() == s1.encode("utf-8") and s1 == s2
    assert b"\r" not in a.read_bytes()
    rows = list(csv.DictReader(io.StringIO(s1)))
    assert len(rows) == 4 + 12 + 4
    assert list(rows[0]) == ["model", "model_number", "estimator", "outcome", "term", "label", "estimate",
                             "std_error", "statistic", "p_value", "conf_low", "conf_high", "vcov_type", "n",
                             "n_events", "n_clusters"]
    r = next(x for x in rows if x["model"] == "cox" and x["term"] == "pk_dum")
    assert float(r["estimate"]) == pytest.approx(R_COX["pk_dum"][0], rel=1e-9)
    assert float(r["std_error"]) == pytest.approx(R_COX["pk_dum"][1], rel=1e-8)
    assert r["n"] == "155" and r["n_events"] == "83" and r["n_clusters"] == "NA"
    assert r["estimate"] == f"{float(r['estimate']):.10g}"  # fixed 10-significant-digit floats
    r = next(x for x in rows if x["model"] == "m2" and x["term"] == "untype4")
    assert float(r["estimate"]) == pytest.approx(R_M2_UNTYPE4[0], rel=1e-8)
    assert float(r["p_value"]) == pytest.approx(R_M2_UNTYPE4[2], rel=1e-6)


def test_csv_identical_in_a_fresh_process(tmp_path, m1):
    """A second run in a new interpreter (new hash seed) writes the same bytes."""
    here = tmp_path / "here.csv"
    regtable([m1], format="csv", path=here)
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "import test_tables as T\n"
        "from peacestats.sources import doyle_sambanis\n"
        "from peacestats.report import regtable\n"
        "m = T._glm_result('pbs2s3 ~ untype4 + treaty + logcost', doyle_sambanis.load())\n"
        "regtable([m], format='csv', path=%r)\n"
    ) % (str(__import__("pathlib").Path(__file__).parent), str(tmp_path / "there.csv"))
    subprocess.run([sys.executable, "-c", code], check=True, env={**__import__("os").environ, "PYTHONHASHSEED": "123"})
    assert (tmp_path / "there.csv").read_bytes() == here.read_bytes()


def test_tidy_long_exponentiated(m1, ols):
    long = tidy_long([m1, ols], exponentiate="auto")
    lg = long[long.model == "(1)"].set_index("term")
    assert lg.loc["untype4", "exp_estimate"] == pytest.approx(np.exp(R_M1["untype4"][0]), rel=1e-8)
    assert long[long.model == "(2)"]["exp_estimate"].isna().all()
    assert set(long["outcome"]) == {"pbs2s3"}


def test_figures(m1, m2, cox):
    ax = coefplot([m1, m2], model_names=["Small", "Full"], labels={"untype4": "UN PKO"})
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:3] == ["UN PKO", "treaty", "logcost"]  # top to bottom
    assert "Intercept" not in labels
    from matplotlib.collections import PathCollection

    pts = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections if isinstance(c, PathCollection)])
    assert len(pts) == 3 + 11  # one point per term and model, intercepts left out
    assert any(abs(p - R_M1["untype4"][0]) < 1e-6 for p in pts)
    assert ax.get_xlabel() == "Coefficient (95% CI)"
    ax = forest_plot(cox, labels={"pk_dum": "Peacekeeping"})
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "HR (95% CI)"
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Peacekeeping"
    texts = [t.get_text() for t in ax.texts]
    assert "0.61 [0.36, 1.04]" in texts
    ax = coefplot([cox], exponentiate=True)
    assert ax.get_xscale() == "log"


def test_bad_input(m1, cox):
    with pytest.raises(SpecificationError, match="not a fitted peacestats model"):
        regtable([m1, "not a model"])
    with pytest.raises(SpecificationError, match="format"):
        regtable([m1], format="docx")
    with pytest.raises(SpecificationError, match="stat"):
        regtable([m1], stat="ses")
    with pytest.raises(SpecificationError, match="model_names"):
        regtable([m1, cox], model_names=["only one"])
    with pytest.raises(SpecificationError, match="digits"):
        regtable([m1], digits=-1)
    with pytest.raises(SpecificationError, match="no results"):
        regtable([])
    with pytest.raises(SpecificationError, match="star levels"):
        regtable([m1], stars=(5,))
    with pytest.raises(SpecificationError, match="some models are exponentiated"):
        coefplot([m1, _plain(cox)], exponentiate="auto")


def _plain(res):
    from dataclasses import replace

    return replace(res, exponentiate=False)


def test_project_models_side_by_side(ds):
    """The project's own fits (regression.logit, parametric.survreg) in one table.

    The logit's clustered SEs are R's ``vcovCL(m1, cluster = ~cluster, type = "HC1")``
    (tests/r/tables.R); the Weibull column must show its own ``tidy()`` numbers, with
    ``log(p)`` exponentiated to the shape p and the intercepts of both models on one row.
    """
    regression = pytest.importorskip("peacestats.models.regression")
    parametric = pytest.importorskip("peacestats.models.parametric")
    from peacestats.sources import fortna_ceasefires

    logit = regression.logit("pbs2s3 ~ untype4 + treaty + logcost", ds, cluster="cluster")
    weib = parametric.survreg("pk_dum + victory + treaty + logdead", fortna_ceasefires.load(), start="st_t0",
                              stop="st_t", event="st_d", cluster="cluster")
    md = regtable([logit, weib], format="markdown", stats=("n", "n_events", "n_clusters", "shape_p"))
    lines = md.splitlines()
    i = lines.index(r"| untype4 | 2.237\* |  |")
    assert lines[i + 1] == f"| | ({R_M1_CL_SE['untype4']:.3f}) |  |" == "| | (1.172) |  |"
    t = weib.tidy(exponentiate=False).set_index("term")
    b, se = t.loc["pk_dum", "estimate"], t.loc["pk_dum", "std_error"]
    i = lines.index(f"| pk_dum |  | {b:.3f} |")
    assert lines[i + 1] == f"| |  | ({se:.3f}) |"
    assert sum(line.startswith("| Intercept |") for line in lines) == 1
    assert "| Clusters | 70 | 96 |" in lines
    assert "| Observations | 123 | 191 |" in lines
    ex = regtable([logit, weib], format="markdown", exponentiate="auto").splitlines()
    p = np.exp(t.loc["log(p)", "estimate"])
    assert any(line.startswith(f"| p |  | {p:.3f}") for line in ex)
    assert f"| Shape p |  | {weib.glance()['shape_p'].iloc[0]:.3f} |" in lines


def test_project_cox_model_shows_R_numbers():
    """peacestats.models.cox.coxph on the spell data of the ``cox`` fixture: R's coxph numbers."""
    coxmod = pytest.importorskip("peacestats.models.cox")
    from peacestats.sources import fortna_ceasefires

    f = fortna_ceasefires.load().sort_values(["id", "st_t0"])
    s = (
        f.groupby("id").first()[["pk_dum", "victory", "treaty", "logdead"]]
        .join(f.groupby("id").agg(time=("st_t", "max"), event=("st_d", "max")))
        .reset_index()
    )
    fit = coxmod.coxph("pk_dum + victory + treaty + logdead", s, stop="time", event="event")
    tex = regtable([fit], format="latex", exponentiate=True, stat="ci", labels={"pk_dum": "Peacekeeping"})
    b, se, _ = R_COX["pk_dum"]
    q = stats.norm.ppf(0.975)
    assert rf"Peacekeeping & {np.exp(b):.3f}$^{{*}}$ \\" in tex
    assert rf" & [{np.exp(b - q * se):.3f}, {np.exp(b + q * se):.3f}] \\" in tex
    assert r"Observations & 155 \\" in tex and r"Events & 83 \\" in tex
    assert rf"Log-likelihood & {R_COX_LOGLIK:.3f} \\" in tex and rf"AIC & {R_COX_AIC:.3f} \\" in tex


# ======================================================================= other libraries' results
@pytest.fixture(scope="module")
def fortna_spells():
    from peacestats.sources import fortna_ceasefires

    f = fortna_ceasefires.load().sort_values(["id", "st_t0"])
    s = f.groupby("id").first()[["pk_dum", "victory", "treaty", "logdead"]].join(
        f.groupby("id").agg(time=("st_t", "max"), event=("st_d", "max")))
    return s.dropna().reset_index(drop=True)


def test_regtable_statsmodels_results(ds):
    """statsmodels OLS, Logit and GLM results straight into regtable: R's lm/glm numbers (tests/r/tables.R)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from peacestats.report.adapters import adapt

    f = "pbs2s3 ~ untype4 + treaty + logcost"
    o = smf.ols(f, ds).fit()
    lg = smf.logit(f, ds).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    gl = smf.glm(f, ds, family=sm.families.Binomial()).fit(tol=1e-13)
    t = adapt(o).tidy().set_index("term")
    b, se, p = R_OLS_UNTYPE4
    assert t.loc["untype4", "estimate"] == pytest.approx(b, rel=1e-6)
    assert t.loc["untype4", "std_error"] == pytest.approx(se, rel=1e-6)
    assert t.loc["untype4", "p_value"] == pytest.approx(p, rel=1e-6)
    # t-based interval of lm, as statsmodels' conf_int (confint(ols) in R)
    np.testing.assert_allclose(t[["conf_low", "conf_high"]].to_numpy(), o.conf_int().to_numpy(), rtol=1e-10)
    for res in (lg, gl):
        tl = adapt(res).tidy().set_index("term")
        for term, (bb, ss, _, pp) in R_M1.items():
            assert tl.loc[term, "estimate"] == pytest.approx(bb, rel=1e-6)
            assert tl.loc[term, "std_error"] == pytest.approx(ss, rel=1e-6)
            assert tl.loc[term, "p_value"] == pytest.approx(pp, rel=1e-5)
    md = regtable([o, lg, gl], format="markdown", stats=("n", "loglik", "aic", "r2", "pseudo_r2"))
    lines = md.splitlines()
    assert "| Model | OLS | Logit | GLM (Binomial, logit link) |" in lines
    assert "| Outcome | pbs2s3 | pbs2s3 | pbs2s3 |" in lines
    assert r"| untype4 | 0.419\*\* | 2.237\* | 2.237\* |" in lines
    assert "| Observations | 123 | 123 | 123 |" in lines  # a count, not 123.000
    assert f"| Log-likelihood | {R_OLS_LOGLIK:.3f} | {R_M1_LOGLIK:.3f} | {R_M1_LOGLIK:.3f} |" in lines
    assert f"| AIC | {R_OLS_AIC:.3f} | {R_M1_AIC:.3f} | {R_M1_AIC:.3f} |" in lines
    assert any(x.startswith(f"| R\u00b2 | {o.rsquared:.3f} |") for x in lines)
    ex = regtable([lg], format="markdown", exponentiate="auto")
    assert f"{np.exp(R_M1['untype4'][0]):.3f}" in ex and "Exponentiated coefficients (OR)" in ex
    # clustered statsmodels SEs: R's vcovCL(m1, cluster = ~cluster, type = "HC1")
    d = ds.dropna(subset=["pbs2s3", "untype4", "treaty", "logcost"])
    cl = smf.glm(f, d, family=sm.families.Binomial()).fit(tol=1e-13, cov_type="cluster",
                                                           cov_kwds={"groups": d["cluster"]})
    a = adapt(cl)
    assert a.tidy().set_index("term").loc["treaty", "std_error"] == pytest.approx(R_M1_CL_SE["treaty"], rel=1e-6)
    assert a.n_clusters == 70 and a.vcov_type == "cluster (statsmodels)"


def test_regtable_lifelines_cox(fortna_spells, cox):
    """A lifelines CoxPHFitter: R's coxph numbers (Efron ties), events and N as integers."""
    from lifelines import CoxPHFitter

    cph = CoxPHFitter().fit(fortna_spells, duration_col="time", event_col="event",
                            fit_options={"precision": 1e-12, "r_precision": 1e-14})
    from peacestats.report.adapters import adapt

    t = adapt(cph).tidy().set_index("term")
    for term, (b, se, p) in R_COX.items():
        assert t.loc[term, "estimate"] == pytest.approx(b, rel=1e-6)
        assert t.loc[term, "std_error"] == pytest.approx(se, rel=1e-6)
        assert t.loc[term, "p_value"] == pytest.approx(p, rel=1e-5)
    md = regtable({"lifelines": cph, "peacestats": cox}, format="markdown", exponentiate="auto",
                  stats=("n", "n_events", "loglik", "aic"))
    lines = md.splitlines()
    assert "| Estimator | Cox PH (lifelines) | Cox PH |" in lines
    assert "| Observations | 155 | 155 |" in lines and "| Events | 83 | 83 |" in lines
    assert f"| Log-likelihood | {R_COX_LOGLIK:.3f} | {R_COX_LOGLIK:.3f} |" in lines
    assert f"| AIC | {R_COX_AIC:.3f} | {R_COX_AIC:.3f} |" in lines
    hr = f"{np.exp(R_COX['pk_dum'][0]):.3f}"
    assert rf"| pk_dum | {hr}\* | {hr}\* |" in lines


def test_regtable_tidy_frame_and_duck_typing(cox):
    """A tidy DataFrame (any library's output) and an object with tidy() (pyfixest's Feols shape)."""
    from peacestats.report import tidy_result

    t = cox.tidy()[["term", "estimate", "std_error"]]
    md = regtable(t, format="markdown", stats=("n",))
    assert "| | (1) |" in md.splitlines()[0:1]
    assert r"| pk_dum | -0.496\* |" in md and "| | (0.275) |" in md
    wrapped = tidy_result(t, model="Cox PH (R)", outcome="ceasefire failure", stats={"n": 155, "n_events": 83.0},
                          exponentiate=True, exp_label="HR")
    lines = regtable([wrapped, cox], format="markdown", exponentiate="auto").splitlines()
    assert "| Model | Cox PH (R) | Cox PH |" in lines
    assert "| Events | 83 | 83 |" in lines
    # the same numbers as the peacestats result (normal-based intervals from the SEs)
    np.testing.assert_allclose(wrapped.tidy(0.9)[["conf_low", "conf_high"]], cox.tidy(0.9)[["conf_low", "conf_high"]])
    broom = t.rename(columns={"std_error": "std.error"}).assign(**{"p.value": cox.tidy()["p_value"]})
    assert regtable(broom, format="markdown") == regtable(t, format="markdown")

    class Feols:  # what pyfixest's Feols offers: tidy() with R-style column names, _N, _depvar
        _N, _depvar, _vcov_type = 155, "event", "hetero"

        def tidy(self):
            return pd.DataFrame({"Estimate": [0.5, -0.25], "Std. Error": [0.1, 0.05], "t value": [5.0, -5.0],
                                 "Pr(>|t|)": [1e-6, 2e-6], "2.5%": [0.3, -0.35], "97.5%": [0.7, -0.15]},
                                index=pd.Index(["x1", "x2"], name="Coefficient"))

    lines = regtable(Feols(), format="markdown", stat="ci").splitlines()
    assert "| Model | Feols |" in lines and "| Outcome | event |" in lines
    assert r"| x1 | 0.500\*\*\* |" in lines and "| | [0.300, 0.700] |" in lines
    assert "| Observations | 155 |" in lines
    with pytest.raises(SpecificationError, match=r"needs columns \['term', 'estimate', 'std_error'\]"):
        regtable(pd.DataFrame({"term": ["a"], "estimate": [1.0]}))
    with pytest.raises(SpecificationError, match="item 2: .*not a fitted peacestats model"):
        regtable([cox, object()])


def test_latex_float_header_and_number_formats(m1, cox):
    tex = regtable([m1, cox], format="latex", caption="Peacebuilding and ceasefires", label="tab:main",
                   model_names=["(1)", "(2)"])
    lines = tex.splitlines()
    assert lines[:4] == [r"\begin{table}[htbp]", r"\centering", r"\caption{Peacebuilding and ceasefires}",
                         r"\label{tab:main}"]
    assert lines[4] == r"\begin{tabular}{lcc}" and lines[-2:] == [r"\end{tabular}", r"\end{table}"]
    assert sum("(1)" in x for x in lines) == 1  # the model number prints once
    assert r"Observations & 123 & 155 \\" in lines
    assert regtable([m1], format="latex", float=True, title="T").splitlines()[2] == r"\caption{T}"
    assert r"\begin{table}" not in regtable([m1], format="latex")
    md = regtable({"Small": m1}, format="markdown", header={"numbers": None, "Model": "Specification",
                                                            "Outcome": None})
    lines = md.splitlines()
    assert lines[0] == "| Specification | Small |" and not any("pbs2s3" in x or "(1)" in x for x in lines)
    with pytest.raises(SpecificationError, match="header keys"):
        regtable([m1], header={"Modle": "x"})
    # a small SE keeps significant digits; a tiny p-value prints as <0.001; counts as integers
    small = pd.DataFrame({"term": ["gdp"], "estimate": [0.000312], "std_error": [0.0000231]})
    md = regtable(small, format="markdown", stats=None)
    assert r"| gdp | 0.000312\*\*\* |" in md and "| | (0.0000231) |" in md
    assert "| Model |" not in md  # a frame without a model name: no empty header row
    assert "| | (<0.001) |" in regtable(small, format="markdown", stat="p").splitlines()
    assert r"| gdp | -0.003\*\*\* |" in regtable(small.assign(estimate=-0.0025001), format="markdown")
