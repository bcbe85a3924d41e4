"""The prefix-sum Aalen-Johansen (``_aj_sums``) against the step-by-step loop (R's algorithm).

The loop follows R's ``survfitci`` C code and is itself checked against R's golden values
in ``tests/test_competing.py``; here both are run on generated data with tied times,
delayed entry, weights, spells split into several rows (``subject``), and curves whose
event-free probability falls to zero (where the loop finishes the work). They must agree
to 1e-11 relative: the two sum the same terms in different orders.
"""

from __future__ import annotations

import numpy as np
import pytest

from peacestats.models.competing._aj import aj_curve, aj_curve_loop
from peacestats.models.competing._aj_sums import MIN_P0, aj_curve_sums


def _data(seed: int, n: int, censor: bool, weights: bool, split: bool, causes: int = 2):
    rng = np.random.default_rng(seed)
    entry = np.where(rng.random(n) < 0.3, rng.integers(0, 50, n), 0).astype(float)
    stop = entry + rng.integers(1, 120, n)  # whole days: many ties
    p = [0.4] + [0.6 / causes] * causes if censor else [0.0] + [1.0 / causes] * causes
    cause = rng.choice(np.arange(causes + 1), n, p=p)
    w = rng.uniform(0.5, 2.0, n) if weights else np.ones(n)
    subject = None
    if split:
        mid = np.floor((entry + stop) / 2)
        ok = mid > entry
        ids = np.arange(n)
        entry, stop, cause, w, subject = (
            np.r_[entry[ok], mid[ok], entry[~ok]], np.r_[mid[ok], stop[ok], stop[~ok]],
            np.r_[np.zeros(ok.sum(), int), cause[ok], cause[~ok]], np.r_[w[ok], w[ok], w[~ok]],
            np.r_[ids[ok], ids[ok], ids[~ok]])
    return entry, stop, cause, w, causes, subject


CASES = [(s, n, c, w, sp, k) for s, (n, c, w, sp, k) in enumerate([
    (300, True, False, False, 2), (300, True, True, False, 2), (300, False, False, False, 2),
    (300, True, False, True, 2), (300, False, True, True, 2), (500, True, True, True, 3),
    (40, True, False, False, 1), (5, False, False, False, 2),
])]


@pytest.mark.parametrize("seed,n,censor,weights,split,causes", CASES)
def test_sums_equal_the_loop(seed, n, censor, weights, split, causes):
    args = _data(seed, n, censor, weights, split, causes)
    loop = aj_curve_loop(*args)
    sums = aj_curve_sums(*args)
    for key in ("time", "n_risk", "n_event", "n_censor"):
        np.testing.assert_array_equal(sums[key], loop[key], err_msg=key)
    np.testing.assert_allclose(sums["pstate"], loop["pstate"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sums["std_err"], loop["std_err"], rtol=1e-11, atol=1e-15)
    if not censor:  # every row ends in an event: the event-free curve reaches 0 and the loop finishes
        assert loop["pstate"][-1, 0] < MIN_P0


def test_aj_curve_uses_the_sums():
    args = _data(11, 200, True, True, True)
    np.testing.assert_allclose(aj_curve(*args)["std_err"], aj_curve_loop(*args)["std_err"], rtol=1e-11)
