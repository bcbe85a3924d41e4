"""A griffe extension for the API reference: docstrings assembled when the module runs.

griffe reads docstrings from the source text, so a function whose docstring is assigned
after its definition (``logit.__doc__ = "..." + _DOC_ARGS``, where several functions share
one parameter list) would appear without one. For such functions only, this extension imports
the module and takes the docstring Python sees.
"""

from __future__ import annotations

import importlib
import inspect

import griffe


class RuntimeDocstrings(griffe.Extension):
    """Fill a function's missing docstring from its module's runtime ``__doc__``."""

    def on_function_instance(self, *, node, func: griffe.Function, agent, **kwargs) -> None:
        if func.docstring is not None or not isinstance(func.parent, griffe.Module):
            return
        module = func.parent.path
        if module.rsplit(".", 1)[-1].startswith("__main__"):
            return
        obj = getattr(importlib.import_module(module), func.name, None)
        doc = inspect.getdoc(obj) if obj is not None else None
        if doc:
            func.docstring = griffe.Docstring(doc, parent=func)
