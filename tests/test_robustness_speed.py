"""What makes the multiverse fast gives the numbers it gave before.

Warm starts on the bootstrap draws converge to the fit from the default start; the
Weibull Newton-Raphson of the lean path declines what ``survreg`` cannot fit; memoised
design blocks, sample masks and cluster codes of a draw equal those computed from its
columns; the shortcuts before ``check_collinearity`` and ``rescale_design`` only skip
them where they would find nothing; a draw is taken once for the chunks of one draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peacestats.errors import SpecificationError
from peacestats.models import frame as _frame
from peacestats.models.engines import cox as cox_engine
from peacestats.models.engines.glm import separation_lp
from peacestats.robustness import Multiverse, lean, run_null, ucdp_peace
from peacestats.robustness import run as run_mod
from peacestats.robustness.frames import Frame

REL = 1e-8
CLUSTERS = {"conflict": "conflict_id", "country": "country"}


@pytest.fixture(scope="module")
def data(built_tables):
    return ucdp_peace.prepare_data(["conflict", "location"], processed=built_tables)


@pytest.fixture(scope="module")
def drawn(data):
    return ucdp_peace.resample_clusters(data, seed=20201)


SPECS = [
    {"estimator": est, "controls": ctl, "sample": smp, "recurrence": rec}
    for est in ("cox", "weibull", "logit")
    for ctl, smp, rec in (("none", "all", "conflict"), ("main", "civil", "conflict"), ("conflict_country",
                                                                                      "post1989", "location"))
]


@pytest.mark.parametrize("options", SPECS, ids=lambda o: "-".join(o.values()))
def test_warm_start_on_a_draw_converges_to_the_default_start_fit(options, data, drawn):
    warm = ucdp_peace.fit_group(options, ["conflict", "country"], drawn, fallback=False, start_from=data)
    cold = ucdp_peace.fit_group(options, ["conflict", "country"], drawn, fallback=False)
    for c in ("conflict", "country"):
        for k in ("estimate", "std_error"):
            assert warm[c][k] == pytest.approx(cold[c][k], rel=REL, abs=1e-12), (c, k)
        assert warm[c]["n"] == cold[c]["n"] and warm[c]["clusters"] == cold[c]["clusters"]
    o = ucdp_peace._options(options)
    base = data[o["recurrence"]][ucdp_peace.LEVELS[o["estimator"]]]
    start = base.cache[ucdp_peace._start_key(o)]  # memoised on the full data, by coefficient name
    assert start is not None and ucdp_peace.warm_start(options, data) is start
    full = ucdp_peace.fit_group(options, ["conflict"], data)["conflict"]
    b = start[o["presence"]]
    if o["estimator"] == "weibull":  # survreg's coefficient; the PH-metric estimate is -b / scale
        b = -b / np.exp(start["Log(scale)"])
    assert b == pytest.approx(full["estimate"], rel=1e-12)


def test_cox_newton_init_reaches_the_same_maximum(data):
    o = ucdp_peace._options({"controls": "conflict"})
    frame = data["conflict"]["rows"]
    mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
    X = frame.matrix(terms, mask)
    cd = cox_engine.prepare(X, frame["start"][mask].astype(float), frame["stop"][mask].astype(float),
                            frame["event"][mask] == 1, np.ones(len(X)), np.zeros(len(X), dtype=np.int64), True)
    zero = cox_engine.newton(cd, 1e-12, 50, terms)
    near = cox_engine.newton(cd, 1e-12, 50, terms, init=zero.beta + 0.05)
    np.testing.assert_allclose(near.beta, zero.beta, rtol=1e-7, atol=1e-9)
    assert near.ev0.loglik < near.ev.loglik  # ev0 is at the start given
    assert near.iterations <= zero.iterations


def test_weibull_newton_declines_a_separated_covariate():
    # every row with x = 1 is censored: the coefficient runs off, survreg's search fails, so must the lean one
    rng = np.random.default_rng(3)
    n = 120
    x = (np.arange(n) % 10 == 0).astype(float)
    years = rng.weibull(1.3, n) * 5 + 0.1
    failed = np.where(x == 1, 0.0, (rng.random(n) < 0.7).astype(float))
    f = Frame({"years": years, "failed": failed, "x": x, "z": rng.normal(size=n), "conflict_id": np.arange(n) % 30})
    mask = np.ones(n, dtype=bool)
    from peacestats.models.parametric import survreg

    with pytest.raises(Exception):  # noqa: B017 - whatever survreg raises, the lean fit must decline
        survreg("x + z", f.to_pandas(), stop="years", event="failed", dist="weibull")
    with pytest.raises(lean.Fallback):
        lean.weibull(f, mask, ["x", "z"], {"conflict": "conflict_id"})
    ok = lean.weibull(f, mask, ["z"], {"conflict": "conflict_id"})  # without it: a finite fit
    want = survreg("z", f.to_pandas(), stop="years", event="failed", dist="weibull", cluster="conflict_id")
    row = want.tidy(metric="ph").set_index("term").loc["z"]
    assert ok["estimate"] == pytest.approx(row["estimate"], rel=REL)
    assert ok["std_error"]["conflict"] == pytest.approx(row["std_error"], rel=REL)


def test_draw_block_masks_and_codes_equal_those_from_the_columns(data, drawn):
    for level in ("rows", "spells", "years"):
        f = drawn["conflict"][level]
        names = ["un_present", "war", "polity2", "conflict_id", "spell_id", "country"]
        want = np.column_stack([f[c] for c in names]).astype(float)
        np.testing.assert_array_equal(f.matrix(names), want)  # renamed ids included
        m = f["event" if level != "spells" else "failed"] == 1
        X = f.matrix(names, m, intercept=True)
        np.testing.assert_array_equal(X, np.column_stack([np.ones(int(m.sum())), want[m]]))
        assert X.flags.f_contiguous
        for options in ({"controls": "main", "sample": "post1989"}, {"controls": "conflict", "sample": "civil"}):
            o = ucdp_peace._options(options)
            got = ucdp_peace._sample_and_terms(o, f)
            direct = ucdp_peace._sample_and_terms_direct(o, Frame(dict(f.columns)))
            np.testing.assert_array_equal(got[0], direct[0])
            assert got[1:] == direct[1:3]
            for col in ("conflict_id", "country"):
                codes, G = f.codes(col, got[0])
                ref, labels = _frame.group_codes(f[col][got[0]])
                np.testing.assert_array_equal(codes, ref)
                assert G == len(labels)


def test_prechecks_skip_only_what_would_pass():
    from peacestats.models.collinearity import _clearly_independent

    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(200), rng.normal(size=(200, 3))])
    assert _frame.surely_well_conditioned(X, X.T @ X) and _clearly_independent(X, None, 1e-7)
    _frame.check_collinearity(X, list("abcd"))
    assert _frame.rescale_design(X, 0)[1] is None
    bad = np.column_stack([X, X[:, 1] + 2 * X[:, 2]])  # a combination of others
    assert not _clearly_independent(bad, None, 1e-7)
    with pytest.raises(SpecificationError, match="linear combination"):
        _frame.check_collinearity(bad, list("abcde"))
    wide = X.copy()
    wide[:, 3] = 1e7 + wide[:, 3]  # nearly the intercept: badly conditioned, rescaled by the documented check
    assert not _frame.surely_well_conditioned(wide, wide.T @ wide)
    assert _frame.rescale_design(wide, 0)[1] is not None
    f = Frame({"event": np.r_[np.ones(100), np.zeros(100)], "a": X[:, 1], "b": X[:, 2], "c": X[:, 1] + X[:, 2],
               "g": np.arange(200) % 20})
    with pytest.raises(SpecificationError, match="linear combination"):  # the documented error, not a Fallback
        lean.logit(f, np.ones(200, dtype=bool), ["a", "b", "c"], {"g": "g"}, [])


def test_one_draw_per_process_for_the_chunks_of_a_draw(data, built_tables, monkeypatch):
    mv = Multiverse({"estimator": ["cox", "logit"], "controls": ["none", "conflict"],
                     "cluster": ["conflict", "country"]})
    calls = []
    real = ucdp_peace.resample_clusters
    monkeypatch.setattr(ucdp_peace, "resample_clusters", lambda *a: calls.append(a[1]) or real(*a))
    run_mod._LAST_DRAW.clear()
    small = run_null(mv, resamples=2, seed=4, workers=0, processed=built_tables, data=data, chunk_size=2,
                     progress=False)
    assert len(calls) == 2  # 4 chunks, 2 draws
    whole = run_null(mv, resamples=2, seed=4, workers=0, processed=built_tables, data=data, progress=False)
    pd.testing.assert_frame_equal(small, whole)
    assert len(whole) == 16 and whole["error_type"].isna().all()


def test_weibull_separation_is_found_without_survreg_search(monkeypatch):
    rng = np.random.default_rng(3)
    n = 120
    x = (np.arange(n) % 10 == 0).astype(float)
    years = rng.weibull(1.3, n) * 5 + 0.1
    failed = np.where(x == 1, 0.0, (rng.random(n) < 0.7).astype(float))
    z = rng.normal(size=n)
    one = np.ones(n)
    assert lean.weibull_separated(np.column_stack([one, x, z]), failed)  # x = 1 on censored rows only
    assert not lean.weibull_separated(np.column_stack([one, z]), failed)
    # two dummies on censored rows only: a two-dimensional null space, found by the linear programme
    x2 = ((np.arange(n) % 10 == 5) & (failed == 0)).astype(float)
    assert lean.weibull_separated(np.column_stack([one, x, x2, z]), failed)
    # zero on every failure, but of both signs on censored rows: no direction raises every term
    c = np.where(failed == 1, 0.0, np.where(np.arange(n) % 2 == 0, 1.0, -1.0))
    assert not lean.weibull_separated(np.column_stack([one, c, z]), failed)
    # the lean fit says so without survreg's search, and no other start is tried
    from peacestats.models.engines import parametric as engine

    monkeypatch.setattr(engine, "fit", lambda *a, **k: pytest.fail("survreg's search should not run"))
    f = Frame({"years": years, "failed": failed, "x": x, "z": z, "conflict_id": np.arange(n) % 30})
    with pytest.raises(lean.Fallback) as exc:
        lean.weibull(f, np.ones(n, dtype=bool), ["x", "z"], {"conflict": "conflict_id"}, init={"x": 0.0})
    assert exc.value.final
    import pickle

    assert pickle.loads(pickle.dumps(exc.value)).final


def test_weibull_separation_screen_finds_pairs_and_leaves_the_rest_to_the_linear_programme(monkeypatch):
    from peacestats.models.engines import glm

    rng = np.random.default_rng(8)
    n = 200
    failed = (rng.random(n) < 0.6).astype(float)
    a = (rng.random(n) < 0.5).astype(float)
    b = np.where(failed == 1, a, np.where(rng.random(n) < 0.5, 0.0, a))  # = a on failures, <= a on censored
    z = rng.normal(size=n)
    X = np.column_stack([np.ones(n), a, b, z])
    assert a[failed == 0].std() > 0 and not np.all(a[failed == 1] == a[failed == 1][0])  # no single column
    assert any(lean._separates_weibull(X, failed, d) for d in lean._simple_directions(X, failed))
    with monkeypatch.context() as m:
        m.setattr(glm, "separation_lp", lambda *args: pytest.fail("the screen should have decided"))
        assert lean.weibull_separated(X, failed)
    # three columns needed: a2 + b2 - 2 c is 0 on every failure and >= 0 on censored rows, but no single
    # column and no difference of two is constant on the failures; the linear programme finds it
    a2, b2 = (rng.random(n) < 0.5).astype(float), (rng.random(n) < 0.5).astype(float)
    c = (a2 + b2) / 2 - np.where(failed == 1, 0.0, 0.25 * (rng.random(n) < 0.5))
    X3 = np.column_stack([np.ones(n), a2, b2, c, z])
    assert not any(lean._separates_weibull(X3, failed, d) for d in lean._simple_directions(X3, failed))
    assert lean.weibull_separated(X3, failed)


def test_weibull_separated_on_draws_only_where_survreg_fails(data):
    # every Weibull model on three draws: where a direction separates, the documented survreg fails too
    seen = 0
    for seed in (1, 2, 3):
        drawn = ucdp_peace.resample_clusters(data, seed=seed)
        for rec in ("conflict", "location"):
            frame = drawn[rec]["spells"]
            for smp in ucdp_peace.SAMPLES:
                for ctl in ucdp_peace.CONTROL_SETS:
                    o = ucdp_peace._options({"estimator": "weibull", "recurrence": rec, "sample": smp,
                                             "controls": ctl})
                    mask, terms, _ = ucdp_peace._sample_and_terms(o, frame)
                    X = np.column_stack([np.ones(int(mask.sum())), frame.matrix(terms, mask)])
                    ev = frame["failed"][mask]
                    b = separation_lp(X, ev, "counts")  # the linear programme alone, without the screen
                    assert lean.weibull_separated(X, ev) == (b is not None and lean._separates_weibull(X, ev, -b))
                    if lean.weibull_separated(X, ev):
                        seen += 1
                        with pytest.raises(Exception):  # noqa: B017 - whatever survreg raises
                            lean.full("weibull", frame, mask, terms, {"conflict": "conflict_id"}, [])
    assert seen > 0


def test_logit_parts_equal_the_textbook_formulas():
    rng = np.random.default_rng(5)
    X = np.column_stack([np.ones(300), rng.normal(size=(300, 2))])
    y = (rng.random(300) < 0.2).astype(float)
    for beta in (np.array([-2.0, 0.3, -0.1]), np.array([35.0, 1.0, 0.0]), np.array([-40.0, 0.5, 0.5])):
        ll, mu, w = lean._logit_parts(X, y, beta)
        eta = X @ beta
        want_mu = 1.0 / (1.0 + np.exp(-eta))
        assert ll == pytest.approx(float(np.sum(y * eta - np.logaddexp(0.0, eta))), rel=1e-13)
        np.testing.assert_allclose(mu, want_mu, rtol=1e-14)
        e = np.exp(-np.abs(eta))  # mu (1 - mu) without the cancellation of 1 - mu where mu is near 1
        np.testing.assert_allclose(w, e / (1 + e) ** 2, rtol=1e-13)


def test_logit_separated_finds_a_covariate_that_separates(monkeypatch):
    rng = np.random.default_rng(11)
    n = 400
    y = (rng.random(n) < 0.2).astype(float)
    one, z = np.ones(n), rng.normal(size=n)
    rare = ((rng.random(n) < 0.05) & (y == 0)).astype(float)  # a dummy with no events
    assert lean.logit_separated(np.column_stack([one, z, rare]), y)
    assert lean.logit_separated(np.column_stack([one, z, 1 - rare]), y)  # the same, coded the other way
    high = np.where(y == 1, 5 + rng.random(n), rng.random(n) * 5)  # every event above every other row
    assert lean.logit_separated(np.column_stack([one, high]), y)
    assert not lean.logit_separated(np.column_stack([one, z]), y)
    assert not lean.logit_separated(np.column_stack([one, z, np.full(n, 3.0)]), y)  # constant: no direction
    # Newton ends as it would have (fitted probabilities at 0), sooner, and no other start is tried
    f = Frame({"event": y, "z": z, "rare": rare, "g": np.arange(n) % 40})
    with pytest.raises(lean.Fallback) as exc:
        lean.logit(f, np.ones(n, dtype=bool), ["z", "rare"], {"g": "g"}, [])
    assert exc.value.final
    monkeypatch.setattr(lean, "logit_separated", lambda X, y: False)  # without it: Newton creeps on, declines
    with pytest.raises(lean.Fallback, match="near 0 or 1") as exc:
        lean.logit(f, np.ones(n, dtype=bool), ["z", "rare"], {"g": "g"}, [])
    assert exc.value.final  # it rose at every step: any start ends there (no retry from another start)


def test_logit_declined_after_an_overshoot_is_not_final():
    # Newton from a poor start overshoots (the log-likelihood falls at a step) and ends at fitted
    # probabilities of 0 or 1; the default start reaches the maximum, so the decline must not be final
    rng = np.random.default_rng(11)
    n = 400
    y = (rng.random(n) < 0.2).astype(float)
    f = Frame({"event": y, "z": rng.normal(size=n), "g": np.arange(n) % 40})
    rows = np.ones(n, dtype=bool)
    with pytest.raises(lean.Fallback, match="near 0 or 1") as exc:
        lean.logit(f, rows, ["z"], {"g": "g"}, [], init={"Intercept": 4.0, "z": -1.0})
    assert not exc.value.final
    assert np.isfinite(lean.logit(f, rows, ["z"], {"g": "g"}, [])["estimate"])


def test_cox_separated_finds_a_direction_that_separates():
    rng = np.random.default_rng(12)
    n = 300
    start = np.zeros(n)
    stop = rng.integers(1, 100, size=n).astype(float)
    event = rng.random(n) < 0.4
    z = rng.normal(size=n)
    dummy = ((rng.random(n) < 0.1) & ~event).astype(float)  # no events among its rows
    assert lean.cox_separated(np.column_stack([z, dummy]), start, stop, event)
    assert not lean.cox_separated(np.column_stack([z]), start, stop, event)
    # two dummies whose difference separates: found along the direction given, not column by column
    kind = rng.integers(0, 4, size=n)  # other rows: (a, b) = (2, 1), (0, 0), (-1, -1), (1, 1)
    a = np.where(event, 1.0, np.array([2.0, 0.0, -1.0, 1.0])[kind])
    b = np.where(event, 0.0, np.array([1.0, 0.0, -1.0, 1.0])[kind])  # a - b is 1 on every event, at most 1
    X = np.column_stack([z, a, b])
    assert not lean.cox_separated(X, start, stop, event)
    assert lean.cox_separated(X, start, stop, event, np.array([[0.0], [1.0], [-1.0]]))
    # rows of another value never at risk at an event time: no information, not a separation
    late = np.where(event, 0.0, (stop > stop[event].max()).astype(float))
    assert not lean.cox_separated(np.column_stack([z, late]), start, stop, event)
    # the lean fit declines at once, and no other start is tried
    f = Frame({"start": start, "stop": stop, "event": event.astype(float), "z": z, "dummy": dummy,
               "spell_id": np.arange(n), "g": np.arange(n) % 30})
    with pytest.raises(lean.Fallback) as exc:
        lean.cox(f, np.ones(n, dtype=bool), ["z", "dummy"], {"g": "g"}, init={"z": 0.0, "dummy": 0.0})
    assert exc.value.final


def test_constant_controls_of_a_draw_from_spell_ranges(data):
    # the per-spell minima and maxima give the same constant controls as the drawn rows themselves
    for seed in (3, 4):
        drawn = ucdp_peace.resample_clusters(data, seed=seed)
        for level in ("rows", "spells", "years"):
            f, base = drawn["conflict"][level], data["conflict"][level]
            idx = f.origin[1]
            for smp in ucdp_peace.SAMPLES:
                for ctl in ("conflict", "main"):
                    o = ucdp_peace._options({"sample": smp, "controls": ctl})
                    ucdp_peace._sample_and_terms(o, base)
                    complete_b = base.cache[("sample", smp, o["presence"], ctl)][3]
                    got = ucdp_peace._constant_drawn(o, f, base, idx, complete_b)
                    V = f.matrix(ucdp_peace.CONTROL_SETS[ctl], complete_b[idx])
                    np.testing.assert_array_equal(got, V.min(axis=0) == V.max(axis=0))
    # a draw of only the spells where a control takes one value: constant there, not in the base
    n = 12
    base = Frame({"spell_id": np.repeat(np.arange(4), 3), "conflict_id": np.repeat(np.arange(4), 3),
                  "country": np.repeat(np.arange(4), 3), "event": np.tile([0, 0, 1], 4).astype(float),
                  "un_present": np.tile([0.0, 1.0, 1.0], 4), "war": np.repeat([1.0, 0.0, 1.0, 0.0], 3),
                  **{c: np.arange(n, dtype=float) for c in ucdp_peace.CONFLICT_CONTROLS if c != "war"}})
    o = ucdp_peace._options({"controls": "conflict"})
    mask, terms, dropped = ucdp_peace._sample_and_terms(o, base)
    assert dropped == [] and "war" in terms
    draw = base.take(np.r_[0:3, 6:9, 0:3])  # spells 0, 2 and 0 again: war is 1 on every row
    mask, terms, dropped = ucdp_peace._sample_and_terms(o, draw)
    assert dropped == ["war"] and "war" not in terms
    perm = np.r_[9:12, 0:3, 6:9, 3:6]  # the same rows, spells out of order
    shuffled = Frame({k: v[perm] for k, v in base.columns.items()})
    assert ucdp_peace._sample_and_terms(o, shuffled.take(np.r_[6:9, 3:6]))[2] == ["war"]
    assert ucdp_peace._sample_and_terms(o, shuffled.take(np.r_[0:6]))[2] == []
