"""Property-based fuzzing of the public model and spell functions (hypothesis, deterministic).

Whatever columns they get (numbers with NaN and inf, text mixed with numbers, booleans,
dates, empty frames), the functions either return a result or raise a typed
:class:`~peacestats.errors.PeacestatsError` that says what is wrong: never a bare
TypeError, KeyError, IndexError or numpy LinAlgError from deep inside.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacestats.errors import PeacestatsError

pytestmark = pytest.mark.faults

FUZZ = settings(derandomize=True, max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KINDS = ["float", "int", "binary", "nan_inf", "mixed", "text", "bool", "datetime", "timedelta", "empty_text"]


@st.composite
def column(draw, n: int):
    kind = draw(st.sampled_from(KINDS))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "float":
        return rng.exponential(5, n) + 0.1
    if kind == "int":
        return rng.integers(0, 5, n)
    if kind == "binary":
        return rng.integers(0, 2, n)
    if kind == "nan_inf":
        v = rng.normal(size=n)
        if n:
            v[rng.integers(0, n, max(1, n // 4))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        return v
    if kind == "mixed":
        v = pd.Series(rng.normal(size=n), dtype=object)
        if n:
            v.iloc[int(rng.integers(0, n))] = draw(st.sampled_from(["1.5", "n/a", ""]))
        return v.to_numpy()
    if kind == "text":
        return rng.choice(["a", "b", "c"], n)
    if kind == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if kind == "datetime":
        return pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 4000, n), unit="D")
    if kind == "timedelta":
        return pd.to_timedelta(rng.integers(1, 4000, n), unit="D")
    return np.array([None] * n, dtype=object)


@st.composite
def frames(draw, names=("t0", "t", "e", "x", "y")):
    n = draw(st.sampled_from([0, 1, 3, 12, 40]))
    return pd.DataFrame({c: draw(column(n)) for c in names})


def typed_or_ok(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except PeacestatsError as exc:
            assert str(exc), "a typed error must say something"
            return exc


@FUZZ
@given(frames())
def test_survival_models_take_any_columns(df):
    from peacestats.models.cox import coxph
    from peacestats.models.km import kaplan_meier, logrank_test
    from peacestats.models.parametric import survreg

    typed_or_ok(coxph, "Surv(t0, t, e) ~ x", df)
    typed_or_ok(coxph, "Surv(t, e) ~ x + y", df)
    typed_or_ok(kaplan_meier, df, duration="t", event="e")
    typed_or_ok(kaplan_meier, df, duration="t", event="e", entry="t0", group="y")
    typed_or_ok(logrank_test, df, duration="t", event="e", group="x")
    typed_or_ok(survreg, "Surv(t, e) ~ x", df, dist="weibull")


@FUZZ
@given(frames())
def test_regressions_take_any_columns(df):
    from peacestats.models.regression import logit, ols, poisson

    typed_or_ok(logit, "e ~ x", df)
    typed_or_ok(poisson, "e ~ x + y", df)
    typed_or_ok(ols, "t ~ x + y", df)


@st.composite
def spells(draw):
    n = draw(st.sampled_from([0, 1, 4]))
    base = pd.Timestamp("2000-01-01")
    start = [base + pd.Timedelta(days=draw(st.integers(0, 3000))) for _ in range(n)]
    df = pd.DataFrame({
        "spell_id": range(n), "key": [i % 2 for i in range(n)], "start_date": pd.to_datetime(start),
        "stop_date": pd.to_datetime([s + pd.Timedelta(days=draw(st.integers(-5, 2000))) for s in start]),
        "failed": [draw(st.integers(0, 1)) for _ in range(n)],
    })
    # then damage one column the way real inputs are damaged
    col = draw(st.sampled_from([None, "start_date", "stop_date", "key", "failed"]))
    how = draw(st.sampled_from(["text", "drop", "nan"]))
    if col is not None:
        if how == "drop":
            df = df.drop(columns=col)
        elif how == "text":
            df[col] = df[col].astype(str)
        else:
            df[col] = df[col].where(pd.Series(range(n)) % 2 == 1)
    return df


@settings(FUZZ, max_examples=25)
@given(spells(), frames(names=("key", "date", "x")))
def test_spell_verbs_take_any_columns(sp, ch):
    from peacestats.harmonize.spells import check_counting_process, split_spells, step_function

    typed_or_ok(split_spells, sp, ch, key="key", covariates=["x"], fill={"x": 0})
    typed_or_ok(step_function, ch, key="key", date="date", covariates=["x"])
    rows = typed_or_ok(split_spells, sp, ch.assign(date=pd.Timestamp("2001-01-01")), key="key", covariates=["x"])
    if isinstance(rows, pd.DataFrame):
        typed_or_ok(check_counting_process, rows)
    counting = ch.rename(columns={"key": "spell_id", "date": "start", "x": "stop"}).assign(event=0)
    typed_or_ok(check_counting_process, counting)


@FUZZ
@given(frames(names=("episode_id", "conflict_id", "start_date", "end_date", "gwno_loc_primary")))
def test_create_spells_takes_any_columns(ep):
    from peacestats.harmonize.spells import create_spells

    ep = ep.assign(gwno_loc=[[500]] * len(ep))
    typed_or_ok(create_spells, ep)
