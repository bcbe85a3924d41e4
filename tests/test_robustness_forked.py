"""The multiverse on forked local workers (peacestats.robustness.forked): same tables as in one process.

Runs on the real built tables with a small multiverse (24 specifications). The
Dask paths are tested in ``test_robustness.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import MultiverseError
from peacestats.robustness import Multiverse, forked, run_multiverse, run_null, ucdp_peace
from peacestats.robustness import run as run_module

pytestmark = pytest.mark.skipif(not forked.available(), reason="local workers are forked only on Linux")

SMALL = {"presence": ["un_present", "any_pk_present"], "recurrence": ["conflict", "location"],
         "sample": ["all", "post1989"], "estimator": ["cox", "weibull", "logit"]}


@pytest.fixture(scope="module")
def tables(built_tables):
    return built_tables


def _fresh(tables):
    return ucdp_peace.prepare_data(["conflict", "location"], processed=tables)


def test_forked_run_and_null_equal_the_in_process_ones(tables, tmp_path):
    mv = Multiverse(SMALL)
    local_data = _fresh(tables)
    local = run_multiverse(mv, workers=0, processed=tables, data=local_data, progress=False)
    local_null = run_null(mv, resamples=3, seed=11, workers=0, processed=tables, data=local_data, progress=False)

    data = _fresh(tables)
    two = run_multiverse(mv, workers=2, processed=tables, data=data, chunk_size=3, output=tmp_path / "mv",
                         progress=False)
    pd.testing.assert_frame_equal(two, local)
    assert len(list((tmp_path / "mv" / "specs").glob("part-*.parquet"))) == 8  # 24 fits, 3 per task
    # the workers handed their warm starts back: the null's workers start from them, as in one process
    assert all(ucdp_peace.has_warm_start(s.options, data) for s in mv.expand("x"))
    for options, coef in ucdp_peace.warm_starts([s.options for s in mv.expand("x")], data):
        assert coef == ucdp_peace.warm_start(options, local_data)
    null = run_null(mv, resamples=3, seed=11, workers=2, processed=tables, data=data, progress=False)
    pd.testing.assert_frame_equal(null, local_null)
    assert not forked._INHERITED  # nothing kept for the next run


def test_forked_null_alone_fits_the_missing_warm_starts_first(tables, monkeypatch):
    mv = Multiverse(SMALL)
    expected = run_null(mv, resamples=2, seed=5, workers=0, processed=tables, data=_fresh(tables), progress=False)
    data = _fresh(tables)  # no specification fitted on it: no warm start yet
    assert not any(ucdp_peace.has_warm_start(s.options, data) for s in mv.expand("x"))
    primed = []
    real = run_module._prime_warm_starts

    def spy(tasks, d, workers):
        real(tasks, d, workers)
        primed.append(sum(not ucdp_peace.has_warm_start(g[0][2], d) for _, a in tasks for g in a[-1]))

    monkeypatch.setattr(run_module, "_prime_warm_starts", spy)
    null = run_null(mv, resamples=2, seed=5, workers=2, processed=tables, data=data, progress=False)
    assert primed == [0]  # every warm start was there before the null's workers were forked
    pd.testing.assert_frame_equal(null, expected)
    assert np.isfinite(null["estimate"]).mean() > 0.8


def _boom(analysis, data, chunk):
    raise RuntimeError(f"task of {len(chunk)} group(s) failed")


def test_a_failing_task_stops_the_run_with_its_error(tables):
    data = _fresh(tables)
    groups = run_module._groups(Multiverse(SMALL).expand("x"), ucdp_peace.SHARED)
    tasks = [(f"t{i}", ("ucdp_peace", [g])) for i, g in enumerate(groups[:4])]
    with pytest.raises(RuntimeError, match=r"task of 1 group\(s\) failed"):
        list(forked.run_forked(tasks, _boom, data, 2))
    assert not forked._INHERITED
    with pytest.raises(MultiverseError, match="at least 0"):
        run_multiverse(Multiverse(SMALL), workers=-1, processed=tables, data=data, progress=False)


def test_where_runs_go():
    assert run_module.uses_dask(scheduler="tcp://localhost:8786")
    assert run_module.uses_dask(client=object())
    assert not run_module.uses_dask(workers=0)
    assert run_module.uses_dask(workers=2) is (not forked.available())
