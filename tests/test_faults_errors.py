"""Fault injection: a full disk, unwritable or file-shaped folders, tampered or read-only data/raw,
bad input to the spell verbs and the models. Each gives a typed error that names the cause and the
next step, never a traceback or a misleading "check the network" (issue 10).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import socket
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peacestats import fetch, io, registry
from peacestats.cli import main
from peacestats.errors import (
    HarmonizeError,
    NotFetchedError,
    OutputError,
    SpecificationError,
    SurvivalDataError,
)

pytestmark = pytest.mark.faults

KEY = "hks2013"


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


# ----------------------------------------------------------------------------- writing outputs
def test_full_disk_while_writing_a_table_keeps_the_previous_file(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    target = tmp_path / "t.parquet"
    io.write_parquet(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()
    monkeypatch.setattr(pq, "write_table", enospc)
    with pytest.raises(OutputError, match="disk is full.*previous version of the file, if any, is unchanged"):
        io.write_parquet(pd.DataFrame({"a": [2]}), target)
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_full_disk_during_build_is_a_cli_error(tmp_path, monkeypatch, capsys, mirror):
    import pyarrow.parquet as pq

    monkeypatch.setattr(pq, "write_table", enospc)
    assert main(["build", "episodes", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "disk is full" in err
    assert files_under(tmp_path) == []


def test_full_disk_while_writing_a_report(tmp_path, monkeypatch):
    from peacestats.report.html import Report

    rep = Report("demo", title="t", question="q", out_dir=tmp_path)
    rep.table("t", pd.DataFrame({"a": [1]}), caption="c")
    monkeypatch.setattr(os, "fsync", enospc)
    with pytest.raises(OutputError, match="disk is full"):
        rep.write()
    assert files_under(tmp_path) == []


def test_unwritable_output_folder(tmp_path, monkeypatch):
    def denied(*a, **k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(OutputError, match="is not writable: fix its permissions, or write elsewhere"):
        io.write_text(tmp_path / "x.txt", "x")


@pytest.mark.parametrize("cmd", [["build", "episodes", "--out"], ["report", "index", "--out"]])
def test_file_shaped_output_path(cmd, tmp_path, capsys):
    (tmp_path / "afile").write_text("not a folder")
    assert main([*cmd, str(tmp_path / "afile" / "sub")]) == 2
    err = capsys.readouterr().err
    assert "afile is a file, not a folder" in err
    assert main([*cmd, str(tmp_path / "afile")]) == 2
    assert "afile is a file, not a folder" in capsys.readouterr().err


def test_report_into_a_file_shaped_folder(tmp_path):
    from peacestats.report.html import Report

    (tmp_path / "tables").write_text("a file where the tables folder goes")
    rep = Report("demo", title="t", question="q", out_dir=tmp_path)
    rep.table("t", pd.DataFrame({"a": [1]}), caption="c")
    with pytest.raises(OutputError, match="tables is a file, not a folder"):
        rep.write()


# ----------------------------------------------------------------------------- data/raw
def closed_port_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/file.tab"


def test_tampered_raw_file_read_offline_names_the_real_cause(tmp_raw, monkeypatch):
    path = fetch.fetch(KEY).path
    path.write_bytes(path.read_bytes()[:-10] + b"tampered!\n")
    ds = dataclasses.replace(registry.get(KEY), url=closed_port_url())  # offline: nothing listens
    monkeypatch.setattr(registry, "_load", lambda: {KEY: ds})
    monkeypatch.delenv("PEACESTATS_DATA_MIRROR")
    with pytest.raises(NotFetchedError, match=r"is there but its sha256 .* differs from the registry's .*altered"):
        fetch.require(KEY)
    assert fetch.verify(KEY)[0] is False  # the tampered file was not trusted, nor deleted


@pytest.mark.parametrize("code, message", [(errno.EROFS, "read-only"), (errno.EACCES, "not writable"),
                                           (errno.ENOSPC, "disk is full")])
def test_read_only_or_full_raw_names_the_real_cause(code, message, tmp_raw, monkeypatch):
    def fail(*a, **k):
        raise OSError(code, os.strerror(code), str(tmp_raw))

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", fail)  # pooch's temporary file in data/raw
    with pytest.raises(OutputError, match=f"cannot write into .*{message}.*PEACESTATS_RAW_DIR") as exc:
        fetch.fetch(KEY)
    assert "network" not in str(exc.value)
    assert files_under(tmp_raw) == []


def test_full_disk_while_copying_from_the_mirror(tmp_raw, monkeypatch):
    monkeypatch.setattr(fetch, "_copy_with_progress", enospc)
    with pytest.raises(OutputError, match="disk is full"):
        fetch.fetch(KEY)
    assert files_under(tmp_raw) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_really_read_only_raw(tmp_raw):
    tmp_raw.mkdir()
    tmp_raw.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="not writable"):
            fetch.fetch(KEY)
    finally:
        tmp_raw.chmod(0o755)


def test_file_shaped_raw_folder(tmp_path, monkeypatch, capsys):
    (tmp_path / "raw").write_text("a file")
    monkeypatch.setenv("PEACESTATS_RAW_DIR", str(tmp_path / "raw"))
    assert main(["data", "fetch", KEY, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cannot write into" in err and "a file stands where a folder should be" in err


def test_temporaries_of_a_killed_fetch_are_cleaned(tmp_raw):
    folder = fetch.local_path(KEY).parent
    folder.mkdir(parents=True)
    (folder / "tmpk1ll3d_x").write_bytes(b"x" * 5000)  # pooch's temporary, left by kill -9
    fetch.fetch(KEY)
    assert [p.name for p in folder.iterdir()] == [registry.get(KEY).file]


# ----------------------------------------------------------------------------- spell verbs
def toy_episodes() -> pd.DataFrame:
    return pd.DataFrame({
        "episode_id": [11, 12], "conflict_id": [1, 1], "gwno_loc": [[500], [500]], "gwno_loc_primary": [500, 500],
        "start_date": pd.to_datetime(["1990-01-01", "1995-01-01"]),
        "end_date": pd.to_datetime(["1991-06-30", "1996-12-31"]),
    })


def test_spell_verbs_accept_the_toy_input():
    from peacestats.harmonize.spells import create_spells

    assert len(create_spells(toy_episodes())) == 2


@pytest.mark.parametrize("drop", ["end_date", "gwno_loc", "episode_id"])
def test_create_spells_missing_column(drop):
    from peacestats.harmonize.spells import create_spells

    with pytest.raises(HarmonizeError, match=f"create_spells: no column '{drop}'"):
        create_spells(toy_episodes().drop(columns=drop))


def test_create_spells_string_dates():
    from peacestats.harmonize.spells import create_spells

    ep = toy_episodes().assign(end_date=["1991-06-30", "1996-12-31"])
    msg = r"column 'end_date' must hold dates .*row 0 holds '1991-06-30'.*pd.to_datetime"
    with pytest.raises(HarmonizeError, match=msg):
        create_spells(ep)


def test_split_spells_bad_inputs():
    from peacestats.harmonize.spells import create_spells, split_spells

    sp = create_spells(toy_episodes())
    ch = pd.DataFrame({"conflict_id": [1], "date": pd.to_datetime(["1993-01-01"]), "x": [1]})
    assert len(split_spells(sp, ch, key="conflict_id", covariates=["x"])) == 3
    with pytest.raises(HarmonizeError, match="column 'stop_date' must hold dates"):
        split_spells(sp.assign(stop_date=sp["stop_date"].astype(str)), ch, key="conflict_id", covariates=["x"])
    with pytest.raises(HarmonizeError, match=r"changes: no column 'x'"):
        split_spells(sp, ch.drop(columns="x"), key="conflict_id", covariates=["x"])
    with pytest.raises(HarmonizeError, match="does not hold dates"):
        split_spells(sp, ch.assign(date=["not a date"]), key="conflict_id", covariates=["x"])


def test_step_function_and_check_counting_process_bad_inputs():
    from peacestats.harmonize.spells import check_counting_process, step_function

    with pytest.raises(HarmonizeError, match="column 'date' must hold dates"):
        step_function(pd.DataFrame({"g": [1], "date": ["2000-01"], "x": [1]}), key="g", date="date", covariates=["x"])
    rows = pd.DataFrame({"spell_id": [1, 1], "start": [0, 10], "stop": [10, "20"], "event": [0, 1]})
    with pytest.raises(HarmonizeError, match=r"column 'stop' must be numeric.*pd.to_numeric"):
        check_counting_process(rows)
    with pytest.raises(HarmonizeError, match="no column 'event'"):
        check_counting_process(rows.drop(columns="event"))


# ----------------------------------------------------------------------------- models
@pytest.fixture
def surv() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 120
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "t0": 0.0, "t": rng.exponential(10, n) + 0.5, "e": (rng.random(n) < 0.7).astype(int),
                         "y": (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int), "cnt": rng.poisson(np.exp(0.3 * x))})


def test_string_in_a_numeric_stop(surv):
    from peacestats.models.cox import coxph

    bad = surv.astype({"t": object})
    bad.loc[5, "t"] = "12,5"
    with pytest.raises(SurvivalDataError, match=r"column 't' must be numeric; row 5 holds '12,5'"):
        coxph("Surv(t0, t, e) ~ x", bad)


def test_datetime_stop_with_numeric_start(surv):
    from peacestats.models.cox import coxph
    from peacestats.models.parametric import survreg

    bad = surv.assign(t=pd.Timestamp("2000-01-01") + pd.to_timedelta(surv["t"], unit="D"))
    with pytest.raises(SurvivalDataError, match="column 't' holds dates"):
        coxph("Surv(t0, t, e) ~ x", bad)
    with pytest.raises(SurvivalDataError, match="column 't' holds dates"):
        survreg("Surv(t, e) ~ x", bad)


@pytest.mark.parametrize("as_type", ["datetime", "timedelta"])
def test_datetime_duration_in_kaplan_meier(surv, as_type):
    from peacestats.models.km import kaplan_meier

    t = pd.to_timedelta(surv["t"], unit="D")
    bad = surv.assign(t=pd.Timestamp("2000-01-01") + t if as_type == "datetime" else t)
    with pytest.raises(SurvivalDataError, match="column 't' holds (dates|durations)"):
        kaplan_meier(bad, duration="t", event="e")


@pytest.mark.parametrize("model", ["logit", "poisson", "ols", "coxph"])
def test_text_mixed_with_numbers_in_a_covariate(surv, model):
    from peacestats.models.cox import coxph
    from peacestats.models.regression import logit, ols, poisson

    bad = surv.astype({"x": object})
    bad.loc[3, "x"] = "1.5"
    fit = {"logit": lambda d: logit("y ~ x", d), "poisson": lambda d: poisson("cnt ~ x", d),
           "ols": lambda d: ols("t ~ x", d), "coxph": lambda d: coxph("Surv(t, e) ~ x", d)}[model]
    fit(surv)  # the clean data fit
    with pytest.raises(SpecificationError, match=r"covariate 'x' mixes numbers .* text \(row 3 holds '1.5'\)"):
        fit(bad)


def test_text_factor_and_date_covariates(surv):
    from peacestats.models.regression import ols

    ols("t ~ g", surv.assign(g=np.where(surv["x"] > 0, "a", "b")))  # an all-text column is a factor, as in R
    with pytest.raises(SpecificationError, match="covariate 'd' holds dates"):
        ols("t ~ d", surv.assign(d=pd.Timestamp("2000-01-01") + pd.to_timedelta(surv["t"], unit="D")))


def test_split_spells_missing_dates_and_mismatched_keys():
    """Found by the fuzzing in test_faults_fuzz.py: these were pandas tracebacks."""
    from peacestats.harmonize.spells import create_spells, split_spells

    sp = create_spells(toy_episodes())
    ch = pd.DataFrame({"conflict_id": [1, 1], "date": pd.to_datetime(["1993-01-01", None]), "x": [1, 2]})
    with pytest.raises(HarmonizeError, match="changes: column 'date' is missing at row 1"):
        split_spells(sp, ch, key="conflict_id", covariates=["x"])
    with pytest.raises(HarmonizeError, match="rows: column 'start_date' is missing at row 0"):
        split_spells(sp.assign(start_date=pd.NaT), ch.dropna(), key="conflict_id", covariates=["x"])
    with pytest.raises(HarmonizeError, match="cannot be matched to the rows' 'conflict_id'"):
        split_spells(sp, ch.dropna().assign(conflict_id=pd.Timestamp("2000-01-01")), key="conflict_id",
                     covariates=["x"])
    with pytest.raises(HarmonizeError, match="rows: column 'failed' is missing at row 0"):
        split_spells(sp.assign(failed=np.nan), ch.dropna(), key="conflict_id", covariates=["x"])
    coarse = ch.dropna().assign(date=lambda c: c["date"].astype("datetime64[s]"))
    assert len(split_spells(sp, coarse, key="conflict_id", covariates=["x"])) == 3
