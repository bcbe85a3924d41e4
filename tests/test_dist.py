"""The light distribution functions of ``peacestats.models._dist`` equal ``scipy.stats`` bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from peacestats.models import _dist

rng = np.random.default_rng(20261202)
Q = np.r_[rng.uniform(0, 1, 2000), 0.0, 1.0, 0.5, 0.975, 1e-300]
X = np.r_[rng.normal(0, 4, 2000), 0.0, np.inf, -np.inf, 40.0, -40.0]
C = np.r_[rng.exponential(5, 2000), 0.0, np.inf, 1e-12]


def test_normal():
    n = _dist.Normal()
    for ours, theirs in [(n.cdf(X), stats.norm.cdf(X)), (n.sf(X), stats.norm.sf(X)), (n.ppf(Q), stats.norm.ppf(Q)),
                         (n.isf(Q), stats.norm.isf(Q)), (_dist.norm_ppf(Q), stats.norm.ppf(Q)),
                         (_dist.norm_sf(X), stats.norm.sf(X))]:
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("df", [1, 2, 3.5, 30, 3746])
def test_student_t_and_chi2(df):
    t, ref = _dist.StudentT(df), stats.t(df=df)
    for ours, theirs in [(t.cdf(X), ref.cdf(X)), (t.sf(X), ref.sf(X)), (t.ppf(Q), ref.ppf(Q)), (t.isf(Q), ref.isf(Q))]:
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(_dist.chi2_sf(C, df), stats.chi2.sf(C, df))


def test_series_in_array_out():
    import pandas as pd

    s = pd.Series([1.0, 2.0], index=["a", "b"])
    assert isinstance(_dist.Normal().sf(s), np.ndarray)  # never aligned on a Series index
    assert isinstance(_dist.reference(10).ppf(0.975), float | np.floating)
    assert isinstance(_dist.reference(None), _dist.Normal)
