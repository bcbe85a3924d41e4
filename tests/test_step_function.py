"""step_function: the monthly fast path gives exactly what the key-by-key path gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peacestats.harmonize import spells as S


def _by_key(panel, key, covariates, fill):
    """The key-by-key path with the final dtype restoration, as step_function runs it for other periods."""
    res = S._step_function_by_key(panel, key, "date", covariates, fill, pd.offsets.MonthBegin(1))
    for c in covariates:
        try:
            res[c] = res[c].astype(panel[c].dtype)
        except (TypeError, ValueError):
            pass
    return res


def _panel(seed: int, n: int = 400, text_keys: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = rng.integers(1, 12, n)
    months = pd.to_datetime("1990-01-01") + pd.to_timedelta(0, "D")
    dates = pd.DatetimeIndex([months + pd.DateOffset(months=int(m)) for m in rng.integers(0, 40, n)])
    small = rng.integers(0, 3, n)
    return pd.DataFrame({
        "k": [f"s{k}" for k in keys] if text_keys else keys,
        "date": dates,
        "count": small,                                                            # int64
        "nullable": pd.array(np.where(rng.random(n) < 0.2, None, small), dtype="Int64"),
        "share": np.where(rng.random(n) < 0.2, np.nan, small / 2),                 # float64 with NaN
        "flt": pd.array(np.where(rng.random(n) < 0.2, None, small / 4), dtype="Float64"),
        "label": np.where(rng.random(n) < 0.2, None, np.array(["a", "b", "c"])[small]).astype(object),
        "mixed_na": pd.Series([np.nan if i % 7 == 0 else ("x" if v else "y") for i, v in enumerate(small)],
                              dtype=object),
    })


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("covariates, fill", [
    (["count", "nullable", "share", "flt", "label", "mixed_na"], {"count": 0, "label": "none", "flt": 0.0}),
    (["count", "nullable", "share", "flt", "label", "mixed_na"], {}),
    (["label"], {}),           # one column: missing values become None in place, in both paths
    (["mixed_na"], {"mixed_na": "gone"}),
    (["nullable"], {"nullable": 0}),
    (["share", "count"], {"count": -1}),
])
def test_monthly_path_equals_the_key_by_key_path(seed, covariates, fill):
    panel = _panel(seed, text_keys=seed % 2 == 1)
    assert S._monthly_grid_applies(panel, "k", "date", pd.offsets.MonthBegin(1))
    fast = S.step_function(panel, key="k", date="date", covariates=covariates, fill=fill)
    ref = _by_key(panel, "k", covariates, fill)
    pd.testing.assert_frame_equal(fast, ref, check_dtype=True, check_exact=True)
    for c in covariates:  # the missing-value objects too (None, NaN, pd.NA), not only equality
        assert [type(v) for v in fast[c]] == [type(v) for v in ref[c]], c


def test_other_panels_take_the_key_by_key_path():
    panel = _panel(0)
    mid_month = panel.assign(date=panel["date"] + pd.Timedelta(days=3))
    with_na_key = panel.assign(k=panel["k"].astype("Int64").mask(panel.index == 0))
    nullable_key = panel.assign(k=panel["k"].astype("Int64"))  # the key-by-key path makes it int64
    for p in (mid_month, with_na_key, nullable_key):
        assert not S._monthly_grid_applies(p, "k", "date", pd.offsets.MonthBegin(1))
    assert not S._monthly_grid_applies(panel, "k", "date", pd.offsets.YearBegin(1))
    out = S.step_function(with_na_key, key="k", date="date", covariates=["count"])
    assert out["k"].notna().all() and len(out) > 0
    pd.testing.assert_frame_equal(S.step_function(nullable_key, key="k", date="date", covariates=["count"]),
                                  S.step_function(panel, key="k", date="date", covariates=["count"]))
    empty = S.step_function(panel.iloc[:0], key="k", date="date", covariates=["count"])
    assert list(empty.columns) == ["k", "date", "count"] and len(empty) == 0


# ----------------------------------------------------------------------------- grouped joins
@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_join_sorted_equals_the_per_group_lambda(seed, unique):
    from peacestats.harmonize._grouped import join_sorted

    rng = np.random.default_rng(seed)
    n = 300
    df = pd.DataFrame({
        "g": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 20, n)), dtype="Int64"),  # some NA keys
        "d": pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3, n) * 31, "D"),
        "name": rng.choice(["UNMIS", "AMIS", "b", "Ä", "a b", "UNMIS"], n).astype(object),
    })
    expected = df.groupby(["g", "d"])["name"].agg(lambda s: "; ".join(sorted(set(s) if unique else s)))
    pd.testing.assert_series_equal(join_sorted(df, ["g", "d"], "name", unique=unique), expected, check_exact=True)


def test_join_sorted_falls_back_where_it_cannot_match():
    from peacestats.harmonize._grouped import join_sorted

    cat = pd.DataFrame({"g": pd.Categorical(["x", "x"], categories=["x", "y"]), "name": ["b", "a"]})
    expected = cat.groupby("g", observed=False)["name"].agg(lambda s: "; ".join(sorted(s)))
    pd.testing.assert_series_equal(join_sorted(cat, ["g"], "name"), expected)  # "y" has no rows
    assert join_sorted(cat, ["g"], "name")["x"] == "a; b"
