"""peacestats.robustness: specifications, their hashes, failed fits, Dask runs, resume, the null curve.

Runs on the real built tables (the session's ``built_tables``) with a small multiverse
(12 specifications) and a small bootstrap. The lean fits, one fit for both clusterings and
resampling are tested in ``test_robustness_fast.py``; resume after kill -9 in
``test_robustness_kill.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import MultiverseError
from peacestats.robustness import (Multiverse, curve_inference, data_fingerprint, expand, load_config,
                                   run_multiverse, run_null, spec_curve_figure, spec_hash)
from peacestats.robustness import ucdp_peace

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"presence": ["un_present", "un_present_country"], "recurrence": ["conflict", "location"],
         "estimator": ["cox", "weibull", "logit"]}


@pytest.fixture(scope="module")
def processed(built_tables) -> Path:
    """The built tables of this test session (tests/conftest.py), never a pre-existing data/processed."""
    return built_tables


@pytest.fixture(scope="module")
def data(processed):
    return ucdp_peace.prepare_data(["conflict", "location"], processed=processed)


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


# --- declaring and expanding -------------------------------------------------------------
def test_expand_order_count_and_hash():
    mv = Multiverse({"sample": ["all", "civil"], "estimator": ["cox", "weibull", "logit"]})
    specs = expand(mv, "a" * 64)
    assert len(specs) == mv.size == 6
    # the last dimension varies fastest; indexes number the expansion
    assert [s.options["estimator"] for s in specs[:3]] == ["cox", "weibull", "logit"]
    assert [s.options["sample"] for s in specs] == ["all"] * 3 + ["civil"] * 3
    assert [s.index for s in specs] == list(range(6))
    # the hash depends on the options (not their order), the analysis and the data
    h = specs[0].hash
    assert h == spec_hash("ucdp_peace", {"estimator": "cox", "sample": "all"}, "a" * 64)
    assert len(h) == 16 and len({s.hash for s in specs}) == 6
    assert h != spec_hash("ucdp_peace", {"sample": "all", "estimator": "cox"}, "b" * 64)
    assert h != spec_hash("other", {"sample": "all", "estimator": "cox"}, "a" * 64)
    assert [s.hash for s in expand(mv, "a" * 64)] == [s.hash for s in specs]  # stable


def test_exclude_and_bad_declarations():
    mv = Multiverse({"sample": ["all", "civil"], "estimator": ["cox", "weibull"]},
                    exclude=[{"sample": "civil", "estimator": "weibull"}])
    assert [s.options for s in mv.expand("x")] == [
        {"sample": "all", "estimator": "cox"}, {"sample": "all", "estimator": "weibull"},
        {"sample": "civil", "estimator": "cox"}]
    with pytest.raises(MultiverseError, match="repeats"):
        Multiverse({"sample": ["all", "all"]})
    with pytest.raises(MultiverseError, match="non-empty"):
        Multiverse({"sample": []})
    with pytest.raises(MultiverseError, match="exclude names dimension"):
        Multiverse({"sample": ["all"]}, exclude=[{"estimator": "cox"}])
    with pytest.raises(MultiverseError, match="no dimension 'lag'"):
        ucdp_peace.check_options({"lag": [0, 1]})
    with pytest.raises(MultiverseError, match="no option"):
        ucdp_peace.check_options({"sample": ["africa"]})


def test_data_fingerprint_follows_datapackage(processed, tmp_path):
    fp = data_fingerprint(processed)
    assert len(fp) == 64 and fp == data_fingerprint(processed)
    pkg = json.loads((processed / "datapackage.json").read_text())
    pkg["resources"][0]["sha256"] = "0" * 64
    (tmp_path / "datapackage.json").write_text(json.dumps(pkg))
    assert data_fingerprint(tmp_path) != fp
    with pytest.raises(MultiverseError, match="peacestats build"):
        data_fingerprint(tmp_path / "nowhere")


def test_example_config():
    cfg = load_config(ROOT / "analyses" / "multiverse_ucdp_peace.toml")
    mv = cfg["multiverse"]
    ucdp_peace.check_options(mv.dimensions)
    assert mv.size == 4 * 3 * 4 * 4 * 3 * 2 == 1152 >= 1000
    assert mv.dimensions == ucdp_peace.DIMENSIONS  # every option the analysis knows, in its order
    assert cfg["null"]["resamples"] == 199 and cfg["run"]["chunk_size"] == 48
    assert 19 <= cfg["report"]["resamples"] <= cfg["null"]["resamples"]  # B >= 19: p < 0.05 is attainable


def test_config_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[dimensions\n")
    with pytest.raises(MultiverseError, match="not valid TOML"):
        load_config(bad)
    bad.write_text('analysis = "ucdp_peace"\n')
    with pytest.raises(MultiverseError, match="no \\[dimensions\\]"):
        load_config(bad)
    with pytest.raises(MultiverseError, match="no config file"):
        load_config(tmp_path / "missing.toml")


# --- fitting -------------------------------------------------------------------------------
def test_failed_specification_is_recorded(processed, data):
    mv = Multiverse({"presence": ["un_present", "no_such_column"], "recurrence": ["conflict"],
                     "sample": ["civil"], "controls": ["conflict"]})
    res = run_multiverse(mv, workers=0, processed=processed, data=data, progress=False)
    assert len(res) == 2
    bad = res.set_index("presence").loc["no_such_column"]
    assert bad["error_type"] == "MultiverseError" and "no_such_column" in bad["error"]
    assert pd.isna(bad["estimate"]) and pd.isna(bad["p_value"])
    good = res.set_index("presence").loc["un_present"]
    assert pd.isna(good["error_type"]) and np.isfinite(good["estimate"])
    assert good["conf_low"] < good["estimate"] < good["conf_high"] and 0 < good["p_value"] < 1
    assert good["dropped"] == "internal"  # constant among civil-war spells: left out and said so


def test_fit_matches_a_direct_cox_fit(processed, data):
    from peacestats.build import read_table
    from peacestats.models.cox import coxph

    rows = read_table("spell_rows", processed)
    fit = coxph("un_present", rows, start="start", stop="stop", event="event", id="spell_id",
                cluster="conflict_id", ties="efron")
    got = ucdp_peace.fit_specification({"estimator": "cox"}, data)
    t = fit.tidy().set_index("term").loc["un_present"]
    assert got["estimate"] == pytest.approx(t["estimate"], rel=1e-10)
    assert got["std_error"] == pytest.approx(t["std_error"], rel=1e-10)
    assert got["n"] == len(rows) and got["events"] == int(rows["event"].sum())


def test_spell_years(data):
    rows = data["conflict"]["rows"].to_pandas()
    years = data["conflict"]["years"].to_pandas()
    spells = data["conflict"]["spells"].to_pandas()
    # one row per started year of peace; one event per failed spell, in its last year
    assert len(years) == int(np.maximum(np.ceil(spells["duration_days"] / 365.25), 1).sum())
    assert int(years["event"].sum()) == int(spells["failed"].sum())
    assert years.groupby("spell_id")["year"].max().equals(years.groupby("spell_id").size().rename("year"))
    # presence in year 1 is presence at the spell's start
    y1 = years[years["year"] == 1].set_index("spell_id")["un_present"]
    assert y1.equals(rows.groupby("spell_id").head(1).set_index("spell_id")["un_present"].loc[y1.index])


# --- Dask: workers, resume ----------------------------------------------------------------
def test_dask_run_identical_with_1_and_2_workers_and_resumes(processed, data, client, tmp_path):
    mv = Multiverse(SMALL)
    out = tmp_path / "mv"
    two = run_multiverse(mv, client=client, output=out, processed=processed, chunk_size=3, progress=False)
    assert len(two) == 12 and two.attrs["fitted_now"] == 12
    assert two["error_type"].isna().all()
    assert list(two["spec"]) == sorted(two["spec"])
    assert set(two.columns) >= {"estimate", "std_error", "conf_low", "conf_high", "p_value", "n", "events", "warning",
                                "error"}
    parts = sorted((out / "specs").glob("part-*.parquet"))
    assert len(parts) == 4
    one = run_multiverse(mv, workers=1, processed=processed, data=data, chunk_size=5, progress=False)
    pd.testing.assert_frame_equal(one, two)
    # resume: a run killed after some tasks leaves some partitions (and maybe a half-written temp file)
    parts[1].unlink()
    (out / "specs" / ".part-half.parquet.tmp").write_bytes(b"PAR1 truncated")
    before = {p: p.stat().st_mtime_ns for p in (parts[0], parts[2], parts[3])}
    again = run_multiverse(mv, client=client, output=out, processed=processed, chunk_size=3, progress=False)
    assert again.attrs["fitted_now"] == 3  # only the deleted partition's specifications
    pd.testing.assert_frame_equal(again, two)
    assert {p: p.stat().st_mtime_ns for p in before} == before  # the others were not refitted
    done = run_multiverse(mv, client=client, output=out, processed=processed, progress=False)
    assert done.attrs["fitted_now"] == 0
    pd.testing.assert_frame_equal(done, two)


def test_null_curve_on_dask_same_as_in_process(processed, data, client, tmp_path):
    mv = Multiverse(SMALL)
    res = run_multiverse(mv, workers=0, processed=processed, data=data, progress=False)
    null = run_null(mv, resamples=3, seed=7, client=client, output=tmp_path / "mv", processed=processed,
                    chunk_size=6, progress=False)
    assert len(null) == 36 and null.attrs["fitted_now"] == 36
    local = run_null(mv, resamples=3, seed=7, workers=0, processed=processed, data=data, progress=False)
    pd.testing.assert_frame_equal(local, null)
    # resume: more resamples fit only the new draws
    more = run_null(mv, resamples=4, seed=7, client=client, output=tmp_path / "mv", processed=processed,
                    chunk_size=6, progress=False)
    assert more.attrs["fitted_now"] == 12 and len(more) == 48
    pd.testing.assert_frame_equal(more[more["resample"] < 3].reset_index(drop=True), null)
    # another seed: other draws
    other = run_null(mv, resamples=1, seed=8, workers=0, processed=processed, data=data, progress=False)
    assert not np.allclose(other["estimate"], null[null["resample"] == 0]["estimate"].to_numpy())

    inf = curve_inference(res, more)
    assert inf["specifications"] == inf["fitted"] == 12 and inf["resamples"] == 4
    assert inf["median_estimate"] == pytest.approx(float(np.median(res["estimate"])))
    assert 0 <= inf["share_significant"] <= inf["share_significant_any"] <= 1
    assert 1 / 5 <= inf["p_median"] <= 1 and 1 / 5 <= inf["p_share"] <= 1
    assert len(inf["null_median"]) == len(inf["null_share"]) == 4
    fig = spec_curve_figure(res, inference=inf)
    top, bottom = fig.axes
    assert len(top.collections[-1].get_offsets()) == 12  # one point per specification
    assert [t.get_text() for t in bottom.get_yticklabels()][0] == "presence: un_present"


def test_resampling_keeps_clusters_whole(data):
    drawn = ucdp_peace.resample_clusters(data, seed=3)
    again = ucdp_peace.resample_clusters(data, seed=3)
    pd.testing.assert_frame_equal(drawn["conflict"]["rows"].to_pandas(), again["conflict"]["rows"].to_pandas())
    rows = drawn["conflict"]["rows"].to_pandas()
    # each copy of a conflict is whole: every spell of the original conflict, with all its rows
    orig = data["conflict"]["rows"].to_pandas()
    copies = rows.groupby("conflict_id")["spell_id"].nunique()
    base = orig.groupby("conflict_id")["spell_id"].nunique()
    assert (copies.to_numpy() == base.loc[copies.index // 1000].to_numpy()).all()
    assert rows.groupby("spell_id").size().sum() == len(rows)
    with pytest.raises(MultiverseError, match="resampling unit"):
        ucdp_peace.resample_clusters(data, seed=3, unit="region")


# --- the command line ------------------------------------------------------------------------
def test_cli_multiverse_run_on_a_scheduler(processed, client, tmp_path, capsys, monkeypatch):
    from peacestats.cli import main

    monkeypatch.setenv("PEACESTATS_PROCESSED_DIR", str(processed))
    cfg = tmp_path / "mv.toml"
    cfg.write_text('analysis = "ucdp_peace"\n[dimensions]\nrecurrence = ["conflict", "location"]\n'
                   'estimator = ["cox", "weibull"]\n[null]\nresamples = 5\nseed = 3\n')
    out = tmp_path / "out"
    rc = main(["multiverse", "run", str(cfg), "--scheduler", client.scheduler.address, "--bootstrap", "2",
               "--output", str(out), "--quiet"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "4 specifications (4 fitted now), 0 could not be fitted" in text and "B = 2" in text
    res = pd.read_parquet(out / "results.parquet")
    assert len(res) == 4 and res["error_type"].isna().all()
    inf = json.loads((out / "inference.json").read_text())
    assert inf["resamples"] == 2 and len(inf["null_share"]) == 2
    assert (out / "spec_curve.png").stat().st_size > 10_000
    assert len(list((out / "null" / "3-conflict_id").glob("part-*.parquet"))) == 2
    # a rerun fits nothing new (in this process, no Dask needed)
    assert main(["multiverse", "run", str(cfg), "--workers", "0", "--bootstrap", "2", "--output", str(out),
                 "--quiet"]) == 0
    assert "(0 fitted now)" in capsys.readouterr().out


def test_cli_multiverse_errors(tmp_path, capsys):
    from peacestats.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text('[dimensions]\nsample = ["africa"]\n')
    assert main(["multiverse", "run", str(bad), "--workers", "0", "--output", str(tmp_path / "o")]) == 2
    assert "no option(s) ['africa']" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["multiverse", "run", str(bad), "--workers", "1", "--scheduler", "tcp://localhost:1"])
    assert exc.value.code == 2
