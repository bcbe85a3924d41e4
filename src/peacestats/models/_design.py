"""Shim: the model frame lives in :mod:`peacestats.models.frame` (kept so old imports work)."""

from .frame import *  # noqa: F403
from .frame import __all__  # noqa: F401
from .frame import _check_finite, _split_top_level  # noqa: F401
