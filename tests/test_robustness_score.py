"""The null curve without refitting (``run_null(method="score")``, :mod:`peacestats.robustness.score`).

Three checks: the algebra against the replicated rows computed by brute force (synthetic); the
draw that takes every unit once against the full-sample clustered standard errors of every lean
fit (real data, to 1e-12); and the method against refitting on the same draws (real data: the
centred estimates, their z statistics and the curve's per-draw null median and share must agree
closely, since the score draws are the refits' first-order approximation; on the report's 1,152
specifications and 199 draws the per-draw medians and shares correlated 0.97, though the score
draws were less dispersed: ``benchmarks/bench_null.py``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import MultiverseError
from peacestats.robustness import Multiverse, curve_inference, run_multiverse, run_null, score, ucdp_peace
from peacestats.robustness.frames import draw_units
from peacestats.robustness.lean import Influence
from peacestats.robustness.run import _groups, _plan


@pytest.fixture(scope="module")
def data(built_tables):
    return ucdp_peace.prepare_data(["conflict", "location"], processed=built_tables)


def _brute_force(v, unit, cluster, drawn, per_copy, k, cr1, estimate):
    """The draw's numbers from its replicated rows: each copy of a unit a separate cluster where ``per_copy``."""
    rows, copy_of = [], []
    for c, u in enumerate(drawn):
        at = np.flatnonzero(unit == u)
        rows += at.tolist()
        copy_of += [c] * len(at)
    rows, copy_of = np.array(rows, dtype=int), np.array(copy_of)
    vr = v[rows]
    counts = np.bincount(drawn, minlength=unit.max() + 1)
    delta = float(((counts[unit] - 1) * v).sum())
    keys = list(zip(copy_of, cluster[rows])) if per_copy else list(cluster[rows])
    sums = pd.Series(vr).groupby(pd.Index(keys)).sum()
    G, n = len(sums), len(rows)
    f = G / (G - 1) * (n - 1) / (n - k) if cr1 else 1.0
    return estimate + delta, float(np.sqrt(f * (sums ** 2).sum()))


@pytest.mark.parametrize("cr1", [False, True])
def test_score_draws_are_the_sums_over_the_replicated_rows(cr1):
    rng = np.random.default_rng(4)
    n, U = 60, 8
    unit = rng.integers(0, U, n)
    country = unit // 3  # coarser than the unit: copies share it
    finer = unit * 10 + rng.integers(0, 2, n)  # within the unit: each copy its own clusters
    v = rng.normal(size=n)
    draws = [rng.choice(U, U, replace=True) for _ in range(5)]
    W = score.draw_counts(np.arange(U), draws)
    infl = Influence(np.arange(n), v, 3, cr1)
    levels = {"unit": (unit, True), "finer": (np.unique(finer, return_inverse=True)[1], True),
              "country": (country, False)}
    est, se = score.score_draws(infl, 0.5, unit, levels, W)
    for b, drawn in enumerate(draws):
        for level, (codes, per_copy) in levels.items():
            want_est, want_se = _brute_force(v, unit, codes, drawn, per_copy, 3, cr1, 0.5)
            assert est[b] == pytest.approx(want_est, rel=1e-12, abs=1e-12)
            assert se[level][b] == pytest.approx(want_se, rel=1e-12), (b, level)


def _full_fit(o, data, clusters):
    frame = data[o["recurrence"]][ucdp_peace.LEVELS[o["estimator"]]]
    mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
    extra = ucdp_peace.TIME_TERMS if o["estimator"] == "logit" else []
    return frame, ucdp_peace._lean(o["estimator"], frame, mask, terms, clusters, extra, None)


@pytest.mark.parametrize("unit", ["conflict_id", "country"])
def test_the_draw_of_every_unit_once_gives_the_full_sample_standard_errors(data, unit):
    units, _ = draw_units(data, 1, unit)
    W = np.ones((1, len(units)))
    rename = ucdp_peace._renamed(unit)
    checked = 0
    for estimator in ("cox", "weibull", "logit"):
        for rule in ("conflict", "location"):
            for controls in ("conflict", "main"):
                o = ucdp_peace._options({"estimator": estimator, "recurrence": rule, "controls": controls})
                frame, r = _full_fit(o, data, ucdp_peace.CLUSTER_COLUMNS)
                infl = r["influence"]
                # with countries drawn, a conflict's copies are distinct clusters within each country copy
                levels = {c: (np.unique(frame[col][infl.rows], return_inverse=True)[1], col in rename)
                          for c, col in ucdp_peace.CLUSTER_COLUMNS.items() if unit == "conflict_id" or c == "country"}
                est, se = score.score_draws(infl, r["estimate"], np.searchsorted(units, frame[unit][infl.rows]),
                                            levels, W)
                assert est[0] == r["estimate"]
                for c in levels:
                    assert se[c][0] == pytest.approx(r["std_error"][c], rel=1e-12), (o, c)
                    checked += 1
    # 3 estimators x 2 rules x 2 control sets, each with both clusterings (the country only, countries drawn)
    assert checked == (24 if unit == "conflict_id" else 12)


def test_score_null_follows_the_refits_on_the_same_draws(data, built_tables):
    mv = Multiverse({"presence": ["un_present", "any_pk_present"], "recurrence": ["conflict", "location"],
                     "controls": ["conflict", "main"], "estimator": ["cox", "weibull", "logit"],
                     "cluster": ["conflict", "country"]})
    kw = dict(resamples=8, seed=20201, workers=0, processed=built_tables, data=data, progress=False)
    refit = run_null(mv, **kw)
    fast = run_null(mv, method="score", **kw)
    assert list(fast.columns) == list(refit.columns) and len(fast) == len(refit) == mv.size * 8
    assert fast[["spec", "resample"]].equals(refit[["spec", "resample"]])
    assert fast["error_type"].isna().all()  # every full-sample fit here takes the lean path
    again = run_null(mv, method="score", **kw)
    pd.testing.assert_frame_equal(fast, again)  # deterministic: the draws are the refits' (same seeds)
    res = run_multiverse(mv, workers=0, processed=built_tables, data=data, progress=False)
    obs = res.set_index("spec")["estimate"]
    ok = refit["error_type"].isna()
    centred_refit = refit["estimate"][ok] - obs.loc[refit["spec"][ok]].to_numpy()
    centred_fast = fast["estimate"][ok] - obs.loc[fast["spec"][ok]].to_numpy()
    # measured here: 0.93 for the centred estimates, 0.94 for the z statistics; the draws' standard errors
    # agree on average (median ratio 1.01) but follow the refits' only loosely (correlation 0.5: a refit's
    # also moves with the draw's information); the curve's null medians 0.96, shares within 0.08
    assert np.corrcoef(centred_refit, centred_fast)[0, 1] > 0.9
    ratio = fast["std_error"][ok].to_numpy() / refit["std_error"][ok].to_numpy()
    assert 0.95 < np.median(ratio) < 1.05
    z_refit, z_fast = centred_refit / refit["std_error"][ok], centred_fast / fast["std_error"][ok]
    assert np.corrcoef(z_refit, z_fast)[0, 1] > 0.9
    a, b = curve_inference(res, refit), curve_inference(res, fast)
    assert np.corrcoef(a["null_median"], b["null_median"])[0, 1] > 0.9
    assert np.max(np.abs(a["null_share"] - b["null_share"])) < 0.15


def test_score_null_marks_what_the_lean_path_declines_and_refuses_unknown_methods(data, built_tables):
    # the location-level logit without controls: fitted by the documented estimator in the main run
    mv = Multiverse({"recurrence": ["location"], "controls": ["none", "conflict"], "estimator": ["logit"],
                     "cluster": ["conflict", "country"]})
    a, _fp, specs = _plan(mv, built_tables)
    groups = _groups(specs, a.SHARED)
    broken = [[(h + "x", i, dict(o, sample="no_such_sample")) for h, i, o in groups[1]]]
    out = ucdp_peace.score_null(groups + broken, data, [11, 12], "conflict_id")
    assert len(out) == (len(specs) + 2) * 2
    errors = out.groupby("spec")["error_type"].first()
    none = [h for h, _, o in groups[0]]
    assert (errors.loc[none] == "NoInfluence").all() and errors.loc[[h for h, _, _ in broken[0]]].eq(
        "MultiverseError").all()
    fitted = out[out["error_type"].isna()]
    assert len(fitted) == 4 and fitted["std_error"].gt(0).all()  # the one fitted group: 2 clusterings x 2 draws
    assert out[out["error_type"].notna()]["estimate"].isna().all()
    with pytest.raises(MultiverseError, match="null method"):
        run_null(Multiverse({"estimator": ["cox"]}), resamples=2, method="wild", processed=built_tables,
                 data=data)


def test_cli_runs_the_score_null(built_tables, tmp_path, capsys, monkeypatch):
    from peacestats.cli import main

    monkeypatch.setenv("PEACESTATS_PROCESSED_DIR", str(built_tables))
    cfg = tmp_path / "mv.toml"
    cfg.write_text('analysis = "ucdp_peace"\n[dimensions]\nrecurrence = ["conflict", "location"]\n'
                   'estimator = ["cox", "logit"]\n[null]\nresamples = 199\nseed = 3\nmethod = "score"\n')
    out = tmp_path / "out"
    assert main(["multiverse", "run", str(cfg), "--workers", "0", "--output", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "B = 199" in text and "not refitted" in text
    inf = json.loads((out / "inference.json").read_text())
    assert inf["resamples"] == 199 and len(inf["null_median"]) == 199 and inf["null_method"] == "score"
    assert len(list((out / "null" / "3-conflict_id-score").glob("part-*.parquet"))) == 1
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # written atomically: no temporary left
    # the command line's flag overrides the config: the refits, here of 2 draws
    assert main(["multiverse", "run", str(cfg), "--workers", "0", "--output", str(out), "--quiet",
                 "--null-method", "refit", "--bootstrap", "2"]) == 0
    assert "B = 2" in capsys.readouterr().out and (out / "null" / "3-conflict_id").is_dir()
