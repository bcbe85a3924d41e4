"""The multiverse's fast path: one fit for both clusterings, merged Cox rows, shared model frames, replication.

Every lean fit (:mod:`peacestats.robustness.lean`) is compared with the documented
estimator fitted separately for each clustering (``coxph``, ``survreg``, ``logit`` with
``cluster=``), on the real built tables. Tolerance 1e-8 relative: both converge to the
same maximum (the Cox fit on merged rows reaches it by another path, within the
convergence tolerance 1e-12 of the log-likelihood).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import MultiverseError
from peacestats.robustness import Multiverse, run_multiverse, run_null, ucdp_peace
from peacestats.robustness import lean
from peacestats.robustness.frames import Frame, cumcount, draw_clusters, expand_copies

REL = 1e-8


@pytest.fixture(scope="module")
def data(built_tables):
    return ucdp_peace.prepare_data(["conflict", "location"], processed=built_tables)


def _separate(options: dict, data, cluster: str) -> dict:
    """The documented estimator, fitted for one clustering, on the rows the specification uses."""
    from peacestats.models.cox import coxph
    from peacestats.models.parametric import survreg
    from peacestats.models.regression import logit

    o = ucdp_peace._options(options)
    frame = data[o["recurrence"]][ucdp_peace.LEVELS[o["estimator"]]]
    mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
    d = frame.to_pandas()[mask]
    col = ucdp_peace.CLUSTER_COLUMNS[cluster]
    if o["estimator"] == "cox":
        fit = coxph(" + ".join(terms), d, start="start", stop="stop", event="event", id="spell_id", cluster=col,
                    ties="efron")
        row = fit.tidy().set_index("term").loc[terms[0]]
    elif o["estimator"] == "weibull":
        fit = survreg(" + ".join(terms), d, stop="years", event="failed", dist="weibull", cluster=col)
        row = fit.tidy(metric="ph").set_index("term").loc[terms[0]]
    else:
        fit = logit("event ~ " + " + ".join([*terms, "t1", "t2", "t3"]), d, cluster=col)
        row = fit.tidy().set_index("term").loc[terms[0]]
    return {"estimate": row["estimate"], "std_error": row["std_error"], "conf_low": row["conf_low"],
            "conf_high": row["conf_high"], "p_value": row["p_value"], "n": fit.nobs, "clusters": fit.n_clusters}


SPECS = [
    {"estimator": "cox"},
    {"estimator": "cox", "controls": "main", "sample": "post1989", "presence": "any_pk_present"},
    {"estimator": "cox", "recurrence": "location", "controls": "conflict_country", "sample": "civil"},
    {"estimator": "weibull", "controls": "conflict", "presence": "un_present_country"},
    {"estimator": "weibull", "controls": "main", "sample": "no_dec31"},
    {"estimator": "logit", "controls": "conflict_country"},
    {"estimator": "logit", "recurrence": "location", "sample": "civil", "presence": "un_present_incl_uncertain"},
]


@pytest.mark.parametrize("options", SPECS, ids=lambda o: "-".join(map(str, o.values())))
def test_one_fit_gives_both_clusterings_as_separate_fits(options, data):
    both = ucdp_peace.fit_group(options, ["conflict", "country"], data)
    for cluster in ("conflict", "country"):
        want = _separate(options, data, cluster)
        got = both[cluster]
        for k in ("estimate", "std_error", "conf_low", "conf_high", "p_value"):
            assert got[k] == pytest.approx(want[k], rel=REL, abs=1e-12), (cluster, k)
        assert got["n"] == want["n"] and got["clusters"] == want["clusters"]
    assert both["conflict"]["estimate"] == both["country"]["estimate"]  # one fit: the very same number
    assert both["conflict"]["std_error"] != both["country"]["std_error"]
    assert both["conflict"]["clusters"] > both["country"]["clusters"]


def test_runner_fits_each_group_once(data, built_tables, monkeypatch):
    mv = Multiverse({"estimator": ["cox", "weibull"], "cluster": ["conflict", "country"]})
    calls = []
    real = ucdp_peace.fit_group
    monkeypatch.setattr(ucdp_peace, "fit_group", lambda o, c, d, *a: calls.append(list(c)) or real(o, c, d, *a))
    res = run_multiverse(mv, workers=0, processed=built_tables, data=data, chunk_size=1, progress=False)
    assert res["error_type"].isna().all()
    assert calls == [["conflict", "country"], ["conflict", "country"]]  # 4 specifications, 2 fits
    one = res.set_index(["estimator", "cluster"])
    for est in ("cox", "weibull"):
        assert one.loc[(est, "conflict"), "estimate"] == one.loc[(est, "country"), "estimate"]
        single = ucdp_peace.fit_specification({"estimator": est, "cluster": "country"}, data)
        assert one.loc[(est, "country"), "std_error"] == pytest.approx(single["std_error"], rel=1e-14)


def test_fit_many_refuses_specifications_that_differ_in_more_than_the_clustering(data):
    with pytest.raises(MultiverseError, match="more than the shared"):
        ucdp_peace.fit_many([{"estimator": "cox"}, {"estimator": "weibull", "cluster": "country"}], data)


def test_a_failed_group_records_every_specification(data, built_tables):
    mv = Multiverse({"presence": ["no_such_column"], "cluster": ["conflict", "country"]})
    res = run_multiverse(mv, workers=0, processed=built_tables, data=data, progress=False)
    assert len(res) == 2 and (res["error_type"] == "MultiverseError").all() and res["estimate"].isna().all()


def test_collapse_merges_only_unchanged_runs():
    spell = np.array([1, 1, 1, 2, 2, 3])
    start = np.array([0.0, 5, 9, 0, 4, 0])
    stop = np.array([5.0, 9, 12, 4, 8, 3])
    event = np.array([False, False, True, False, False, True])
    X = np.array([[0.0], [0], [1], [1], [1], [0]])
    first, last = lean.collapse(spell, start, stop, event, X)
    assert first.tolist() == [0, 2, 3, 5] and last.tolist() == [1, 2, 4, 5]
    # an event ends a run even when the covariates go on unchanged; a gap in time does too
    first, _ = lean.collapse(spell, start, stop, np.array([True, False, False, False, False, False]), X * 0)
    assert first.tolist() == [0, 1, 3, 5]
    first, _ = lean.collapse(spell, np.array([0.0, 6, 9, 0, 4, 0]), stop, event, X * 0)
    assert first.tolist() == [0, 1, 3, 5]


def test_cox_weights_are_not_replicated_rows_under_efron():
    """Why the bootstrap replicates rows: integer case weights differ from copies with Efron ties.

    Two copies of an event row are a tie of two (Efron's correction applies); one row of
    weight 2 is one event of weight 2. R agrees: ``coxph(Surv(t, d) ~ x, weights = w)``
    and the replicated data give different coefficients under ``ties = "efron"``
    (and the same under ``"breslow"``): ``tests/r/robustness_weights.R``.
    """
    from peacestats.models.cox import coxph

    d = pd.DataFrame({"t": [1.0, 2, 3, 4, 5, 6, 7, 8], "d": [1, 1, 0, 1, 1, 0, 1, 1],
                      "x": [0.5, 1.2, -0.3, 0.8, -1.1, 0.4, 0.0, -0.6]})
    w = np.array([2, 1, 1, 3, 1, 2, 1, 1])
    golden = json.loads((Path(__file__).parent / "data" / "robustness_weights_r.json").read_text())
    assert golden["weights"] == w.tolist()
    weighted = d.assign(w=w.astype(float))
    replicated = d.loc[d.index.repeat(w)].reset_index(drop=True)
    for ties, same in (("efron", False), ("breslow", True)):
        a = coxph("x", weighted, stop="t", event="d", weights="w", ties=ties).params["x"]
        b = coxph("x", replicated, stop="t", event="d", ties=ties).params["x"]
        assert a == pytest.approx(golden[ties]["weighted"], rel=1e-6)
        assert b == pytest.approx(golden[ties]["replicated"], rel=1e-6)
        assert bool(abs(a - b) < 1e-9) == same, ties


def test_cumcount_and_draws_replicate_whole_clusters():
    assert cumcount(np.array([5, 3, 5, 5, 3, 1])).tolist() == [0, 0, 1, 2, 1, 0]
    f = Frame({"g": np.array([1, 1, 2, 3, 3, 3]), "spell_id": np.arange(6), "x": np.arange(6.0)})
    data = {"v": {"spells": f, "rows": f}}
    a = draw_clusters(data, 11, "g", ["g", "spell_id"])
    b = draw_clusters(data, 11, "g", ["g", "spell_id"])
    pd.testing.assert_frame_equal(a["v"]["rows"].to_pandas(), b["v"]["rows"].to_pandas())
    drawn = a["v"]["rows"].to_pandas()
    sizes = {1: 2, 2: 1, 3: 3}
    per_copy = drawn.groupby("g").size()
    assert per_copy.sum() == len(drawn) and len(per_copy) == 3  # three draws, each copy its own cluster
    assert all(per_copy[g] == sizes[g // 1000] for g in per_copy.index)  # every copy whole
    assert drawn["spell_id"].is_unique  # copies renamed: distinct spells
    assert (drawn["x"].to_numpy() == drawn["spell_id"].to_numpy() // 1000).all()  # rows travel whole
    with pytest.raises(MultiverseError, match="differ in length"):
        Frame({"a": np.zeros(2), "b": np.zeros(3)})


def test_null_draw_is_the_same_in_every_frame(data):
    seed = 5
    drawn = ucdp_peace.resample_clusters(data, seed=seed)
    units = np.unique(np.concatenate([b["spells"]["conflict_id"] for b in data.values()]))
    picks = np.random.default_rng(seed).choice(units, size=len(units), replace=True)
    copies = set((picks * 1000 + cumcount(picks)).tolist())
    times = pd.Series(picks).value_counts()
    for rule in drawn:
        have = set(np.unique(data[rule]["spells"]["conflict_id"]).tolist())
        want = {c for c in copies if c // 1000 in have}
        for level, f in drawn[rule].items():
            if level == "years":  # drawn weighted: each conflict once, with its number of copies
                assert "copies" in f.cache and set(np.unique(f["conflict_id"]).tolist()) == {c // 1000 for c in want}
                np.testing.assert_array_equal(f.cache["copies"][0], times.loc[f["conflict_id"]].to_numpy())
                f = expand_copies(f)
            assert set(np.unique(f["conflict_id"]).tolist()) == want, (rule, level)


def _rows(frame: Frame) -> pd.DataFrame:
    return frame.to_pandas().sort_values(["spell_id", "year"]).reset_index(drop=True)


@pytest.mark.parametrize("unit", ["conflict_id", "country"])
def test_weighted_logit_draws_give_the_replicated_rows_numbers(data, unit):
    # the spell-years drawn weighted (each unit once, m copies): expanded, the replicated draw's rows; every
    # logit of the multiverse on them gives the replicated rows' estimate, both clustered SEs (copies counted
    # as clusters where their ids differ), n, events and cluster counts to 1e-10, and declines the same ones
    weighted = ucdp_peace.resample_clusters(data, seed=7, unit=unit)
    replicated = ucdp_peace.resample_clusters(data, seed=7, unit=unit, weighted=False)
    assert "copies" not in replicated["conflict"]["years"].cache
    for rule in data:
        w, r = weighted[rule]["years"], replicated[rule]["years"]
        assert len(w) < len(r)
        pd.testing.assert_frame_equal(_rows(expand_copies(w)), _rows(r))
    fitted = declined = 0
    for rule in data:
        for smp in ucdp_peace.SAMPLES:
            for ctl in ucdp_peace.CONTROL_SETS:
                for presence in ("un_present", "any_pk_present"):
                    o = ucdp_peace._options({"estimator": "logit", "recurrence": rule, "sample": smp,
                                             "controls": ctl, "presence": presence})
                    got = []
                    for drawn in (weighted, replicated):
                        frame = drawn[rule]["years"]
                        mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
                        try:
                            got.append(lean.logit(frame, mask, terms, ucdp_peace.CLUSTER_COLUMNS,
                                                  ucdp_peace.TIME_TERMS, ucdp_peace.warm_start(o, data)))
                        except lean.Fallback as exc:
                            got.append((str(exc), exc.final))
                    a, b = got
                    if isinstance(b, tuple):
                        assert a == b, o
                        declined += 1
                        continue
                    fitted += 1
                    assert (a["n"], a["events"], a["clusters"]) == (b["n"], b["events"], b["clusters"]), o
                    assert a["estimate"] == pytest.approx(b["estimate"], rel=1e-10, abs=1e-12), o
                    for lv in ucdp_peace.CLUSTER_COLUMNS:
                        assert a["std_error"][lv] == pytest.approx(b["std_error"][lv], rel=1e-10), (o, lv)
    assert fitted > 50  # of 64 models (2 rules x 4 samples x 4 control sets x 2 presence measures); the rest declined


def test_documented_estimators_fit_a_weighted_draw_as_its_copies(data):
    weighted = ucdp_peace.resample_clusters(data, seed=7)
    replicated = ucdp_peace.resample_clusters(data, seed=7, weighted=False)
    o = ucdp_peace._options({"estimator": "logit", "controls": "conflict"})
    out = []
    for drawn in (weighted, replicated):
        frame = drawn["conflict"]["years"]
        mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
        out.append(lean.full("logit", frame, mask, terms, {"conflict": "conflict_id"}, ucdp_peace.TIME_TERMS))
    assert out[0]["estimate"] == pytest.approx(out[1]["estimate"], rel=1e-8)
    assert out[0]["std_error"]["conflict"] == pytest.approx(out[1]["std_error"]["conflict"], rel=1e-8)
    assert out[0]["clusters"] == out[1]["clusters"] and out[0]["n"] == out[1]["n"]


def test_null_draws_record_what_the_fast_path_declines(data, built_tables, monkeypatch):
    # the main model on a draw where a rare termination type is separated: a failed fit, not a slow refit
    monkeypatch.setattr(lean, "full", lambda *a, **k: pytest.fail("the documented estimator was called"))
    mv = Multiverse({"controls": ["main"], "sample": ["post1989", "civil"], "estimator": ["logit", "weibull"]})
    null = run_null(mv, resamples=3, seed=20201, workers=0, processed=built_tables, data=data, progress=False)
    assert len(null) == 12 and set(null["error_type"].dropna()) <= {"Fallback"}
    assert null["estimate"].notna().sum() + null["error_type"].notna().sum() == 12


def test_null_with_clusterings_fits_each_group_once_per_draw(data, built_tables):
    mv = Multiverse({"estimator": ["cox", "logit"], "cluster": ["conflict", "country"]})
    null = run_null(mv, resamples=2, seed=9, workers=0, processed=built_tables, data=data, progress=False)
    assert len(null) == 8 and null["error_type"].isna().all()
    res = run_multiverse(mv, workers=0, processed=built_tables, data=data, progress=False)
    merged = null.merge(res[["spec", "estimator", "cluster"]], on="spec")
    est = merged.pivot_table(index=["estimator", "resample"], columns="cluster", values="estimate")
    assert (est["conflict"] == est["country"]).all()
