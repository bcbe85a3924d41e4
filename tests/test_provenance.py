"""Provenance from built tables to fits and BibTeX; numpy-dtype frames for other libraries.

``read_table`` records a table's lineage (``attrs["source"]``, from ``datapackage.json``);
a fit on the frame lists the datasets in ``provenance["datasets"]`` and ``ps.cite(fit)``
gives the BibTeX of the data, the methods and peacestats. ``to_numpy_frame`` (and
``read_table(..., dtypes="numpy")``) turns nullable dtypes into numpy ones, so that
patsy/statsmodels formulas such as ``C(gwcode)`` run on a built table.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

import peacestats as ps
from peacestats.build import read_table
from peacestats.errors import HarmonizeError, PeacestatsError
from peacestats.frames import to_numpy_frame
from peacestats.lineage import datasets_of


def _keys(bib: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M)


def test_read_table_records_the_datapackage_lineage(built_tables):
    import json

    rows = read_table("spell_rows", built_tables)
    lin = rows.attrs["source"]
    package = json.loads((built_tables / "datapackage.json").read_text())
    res = next(r for r in package["resources"] if r["name"] == "spell_rows")
    assert lin["table"] == "spell_rows" and lin["sha256"] == res["sha256"]
    assert list(lin["datasets"]) == [s["name"] for s in res["sources"]]
    assert dict(lin["versions"])["ucdp_acd"] == next(s["version"] for s in res["sources"] if s["name"] == "ucdp_acd")
    assert {"ucdp_acd", "peacestats_missions", "peacestats_mission_links"} <= set(lin["datasets"])
    # pandas carries attrs through the usual steps of an analysis
    sub = rows[rows["un_present"].notna()].dropna(subset=["log_gdppc"]).assign(x=1).copy()
    assert datasets_of(sub) == list(lin["datasets"])


def test_cox_fit_on_built_tables_cites_data_methods_and_peacestats(built_tables):
    rows = read_table("spell_rows", built_tables)
    fit = ps.coxph("un_present", rows.dropna(subset=["un_present"]), start="start", stop="stop", event="event",
                   cluster="conflict_id")
    assert fit.provenance["datasets"] == fit.datasets
    assert {"ucdp_acd", "ucdp_term_conflict", "peacestats_missions", "peacestats_mission_links"} <= set(fit.datasets)
    keys = _keys(ps.cite(fit))
    # UCDP ACD (Gleditsch et al. 2002; Davies et al. 2025), the project's mission tables and links,
    # Cox (1972) with Efron ties and Lin-Wei clustered SEs, and peacestats itself
    for k in ("gleditsch2002armed", "davies2025organized", "kreutz2010how", "peacestats2026missions",
              "peacestats2026links", "cox1972regression", "efron1977efficiency", "lin1989robust",
              "peacestats2026software"):
        assert k in keys, k
    assert len(keys) == len(set(keys))
    pybtex = pytest.importorskip("pybtex.database")
    assert set(pybtex.parse_string(ps.cite(fit), "bibtex").entries) == set(keys)

    spells = read_table("spells", built_tables)
    fit = ps.coxph("log_gdppc", spells, stop="duration_days", event="failed")
    keys = _keys(ps.cite(fit))
    assert "gleditsch2002armed" in keys and "kreutz2010how" in keys  # UCDP ACD and termination
    # the spells table is built from UCDP and the country covariates, not from the mission tables
    assert "peacestats2026missions" not in keys and fit.datasets == list(spells.attrs["source"]["datasets"])


def test_other_models_record_the_lineage(built_tables):
    spells = read_table("spells", built_tables, dtypes="numpy")
    want = list(spells.attrs["source"]["datasets"])
    fits = [ps.logit("failed ~ log_gdppc", spells), ps.ols("log_gdppc ~ failed", spells),
            ps.survreg("log_gdppc", spells, stop="duration_days", event="failed"),
            ps.kaplan_meier(spells, duration="duration_days", event="failed")]
    for f in fits:
        assert f.provenance["datasets"] == want, type(f).__name__
    assert "polity5" in want and "marshall2020polity5" in _keys(ps.cite(fits[0]))


def test_lineage_without_datapackage_and_cite_errors(built_tables, tmp_path):
    shutil.copyfile(built_tables / "spells.parquet", tmp_path / "spells.parquet")
    lin = read_table("spells", tmp_path).attrs["source"]
    assert lin["sha256"] == "" and "ucdp_acd" in lin["datasets"]  # declared in build.TABLES
    with pytest.raises(PeacestatsError, match="records no datasets"):
        ps.cite(pd.DataFrame({"a": [1]}))
    with pytest.raises(PeacestatsError, match="cannot cite a int"):
        ps.cite(3)
    assert _keys(ps.cite(read_table("spells", tmp_path)))[-1] == "peacestats2026software"
    assert _keys(ps.cite(["peacestats"])) == ["peacestats2026software"]
    assert _keys(ps.cite("ucdp_acd")) == ["gleditsch2002armed", "davies2025organized"]
    assert _keys(ps.cite(k for k in ["coxph"])) == ["cox1972regression", "therneau2000modeling"]
    with pytest.raises(HarmonizeError, match="dtypes must be"):
        read_table("spells", tmp_path, dtypes="arrow")


def test_statsmodels_formula_with_C_gwcode_on_a_numpy_frame(built_tables):
    import statsmodels.formula.api as smf

    sy = read_table("stateyears", built_tables)
    assert str(sy["gwcode"].dtype) == "Int64"
    sy = sy[sy["year"].between(2000, 2004)].dropna(subset=["polity2"])
    with pytest.raises(TypeError):  # what users hit: patsy cannot read nullable Int64
        smf.ols("polity2 ~ C(gwcode)", sy).fit()
    num = to_numpy_frame(sy)
    assert num["gwcode"].dtype == np.int64 and num.attrs == sy.attrs
    fit = smf.ols("polity2 ~ C(gwcode) + year", num).fit()
    assert fit.nobs == len(sy) and fit.df_model == num["gwcode"].nunique()  # states - 1, plus year
    assert sum(n.startswith("C(gwcode)[T.") for n in fit.params.index) == num["gwcode"].nunique() - 1
    # the same through read_table(dtypes="numpy"), on the host-month table with NAs
    dep = read_table("deployment", built_tables, dtypes="numpy")
    assert dep["gwcode"].dtype == np.int64
    assert dep["un_total"].dtype == np.float64 and dep["un_total"].isna().any()
    assert dep["chapter_vii"].dtype == np.float64 and set(dep["chapter_vii"].dropna()) <= {0.0, 1.0}
    assert dep["mission_type"].dtype == object and not any(v is pd.NA for v in dep["mission_type"])
    assert not any(pd.api.types.is_extension_array_dtype(t) and not isinstance(t, pd.CategoricalDtype)
                   for t in dep.dtypes)


def test_to_numpy_frame_rules():
    df = pd.DataFrame({
        "i": pd.array([1, 2], dtype="Int64"), "i_na": pd.array([1, None], dtype="Int32"),
        "f": pd.array([0.5, None], dtype="Float64"), "b": pd.array([True, False], dtype="boolean"),
        "b_na": pd.array([True, None], dtype="boolean"), "s": pd.array(["a", None], dtype="string"),
        "c": pd.Categorical(["x", "y"]), "o": pd.Series([pd.NA, "z"], dtype=object, index=[10, 11]), "n": [1.5, 2.5],
    }, index=[10, 11])
    out = to_numpy_frame(df)
    assert {c: str(t) for c, t in out.dtypes.items()} == {
        "i": "int64", "i_na": "float64", "f": "float64", "b": "bool", "b_na": "float64", "s": "object",
        "c": "category", "o": "object", "n": "float64"}
    assert list(out.index) == [10, 11] and np.isnan(out.loc[11, "i_na"]) and out.loc[10, "b_na"] == 1.0
    assert out.loc[10, "s"] == "a" and out["s"].isna().tolist() == [False, True]
    assert out["o"].isna().tolist() == [True, False] and out.loc[10, "o"] is not pd.NA
    assert df["i"].dtype == "Int64"  # the input is left alone
    assert ps.to_numpy_frame is to_numpy_frame


def test_lineage_is_shared_not_copied_and_read_only():
    """pandas deep-copies attrs on every operation; the lineage is returned as itself, and cannot change."""
    import copy
    import json
    import pickle

    from peacestats.lineage import Lineage

    lin = Lineage(table="spells", sha256="", datasets=("ucdp_acd",), versions=(("ucdp_acd", ""),))
    assert copy.deepcopy(lin) is lin and copy.copy(lin) is lin
    assert pickle.loads(pickle.dumps(lin)) == lin and json.loads(json.dumps(lin))["table"] == "spells"
    with pytest.raises(TypeError, match="read-only"):
        lin["table"] = "x"
    df = pd.DataFrame({"a": [1, 2, 3]})
    df.attrs["source"] = lin
    assert df[df["a"] > 1].assign(b=1).attrs["source"] is lin
