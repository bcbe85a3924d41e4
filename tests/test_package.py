"""Package-level promises: a cheap import, a version, the console script."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_import_is_cheap():
    """`import peacestats` loads no heavy library (they load on first use)."""
    code = (
        "import sys, peacestats, peacestats.registry, peacestats.config, peacestats.cli;"
        "heavy = [m for m in ('pandas', 'statsmodels', 'lifelines', 'matplotlib', 'scipy', 'pooch', 'pandera')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_version_and_help():
    import peacestats

    out = subprocess.run([sys.executable, "-m", "peacestats", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"peacestats {peacestats.__version__}"
    out = subprocess.run([sys.executable, "-m", "peacestats", "data", "--help"],
                         capture_output=True, text=True, check=True)
    for cmd in ("list", "fetch", "verify", "info", "cite"):
        assert cmd in out.stdout


def test_top_level_namespace_is_lazy_and_complete():
    """``dir(peacestats)`` lists the public API; importing the package loads none of it."""
    import subprocess
    import sys

    code = ("import sys, peacestats as ps; assert 'pandas' not in sys.modules; "
            "names = dir(ps); assert 'coxph' in names and 'load' in names and 'create_missions' in names; "
            "print(ps.coxph.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "peacestats.models.cox"
    import peacestats as ps

    for name in ps._LAZY:
        assert callable(getattr(ps, name)), name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ps.nope  # noqa: B018
