"""Progress bars without the ``TqdmWarning`` a Jupyter kernel without ipywidgets prints.

``tqdm.auto`` (which pooch imports too) warns "IProgress not found" when it is first imported
in a Jupyter kernel that has no ipywidgets, and then falls back to the text bar anyway.
:func:`tqdm_class` imports it once with that one warning silenced, so every later import of
``tqdm.auto`` (pooch's included) reuses the quiet module: the notebook bar where ipywidgets is
installed, the text bar everywhere else.
"""

from __future__ import annotations

import warnings


def tqdm_class():
    """The ``tqdm.auto.tqdm`` class, imported without the "IProgress not found" warning."""
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)
        from tqdm.auto import tqdm
    return tqdm


def import_pooch():
    """``import pooch`` (which imports ``tqdm.auto``) without the kernel's ``TqdmWarning``."""
    tqdm_class()
    import pooch

    return pooch
