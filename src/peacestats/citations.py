"""BibTeX for the datasets and methods an analysis used.

``citations.bib`` (in ``peacestats/resources``) holds every reference; the
registry names the keys each dataset needs, the project's authored tables have
theirs (:data:`peacestats.project_data.PROJECT_DATA`), model code names the keys of
the methods it implements (``METHOD_CITATIONS``), and ``"peacestats"`` is the
package itself.

:func:`cite` takes names, or a fitted model (the datasets its data came from, when
it was fitted on :func:`peacestats.build.read_table` frames, its methods and
peacestats), or a frame read with ``read_table``.

Examples
--------
>>> from peacestats.citations import cite
>>> print(cite(["ucdp_acd"]))  # doctest: +ELLIPSIS
@article{gleditsch2002armed,
...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from . import registry
from .errors import PeacestatsError
from .project_data import PROJECT_DATA, is_project_data

#: BibTeX keys for each method peacestats implements, by the name the code uses.
METHOD_CITATIONS: dict[str, tuple[str, ...]] = {
    "kaplan_meier": ("kaplan1958nonparametric",),
    "logrank": ("mantel1966evaluation",),
    "coxph": ("cox1972regression", "therneau2000modeling"),
    "breslow": ("breslow1974covariance",),
    "efron": ("efron1977efficiency",),
    "cluster_robust_cox": ("lin1989robust",),
    "cox_zph": ("grambsch1994proportional",),
    "aalen_johansen": ("aalen1978empirical", "therneau2024multistate"),
    "finegray": ("fine1999proportional", "therneau2024multistate"),
    "negative_binomial": ("cameron2013regression",),
    "cluster_robust": ("zeileis2020various",),
    "simulation_qoi": ("king2000making",),
    "ipw": ("robins2000marginal",),
    "matching": ("austin2011introduction",),
    "e_value": ("vanderweele2017sensitivity",),
    "multiverse": ("steegen2016increasing",),
    "specification_curve": ("simonsohn2020specification",),
    "bootstrap_test": ("hall1991two", "davidson2000bootstrap"),
    "score_bootstrap": ("hu2000estimating", "kline2012score"),
    "peacestats": ("peacestats2026software",),
}


@cache
def _entries() -> dict[str, str]:
    text = resources.files("peacestats").joinpath("resources/citations.bib").read_text("utf-8")
    out: dict[str, str] = {}
    # An entry runs from "@type{key," to the closing brace at the start of a line.
    for m in re.finditer(r"^@(\w+)\{([^,]+),\n.*?^\}", text, flags=re.S | re.M):
        out[m.group(2).strip()] = m.group(0)
    return out


def bibtex_keys_for(names: Iterable[str]) -> list[str]:
    """BibTeX keys for dataset keys, the project's own data and/or method names.

    De-duplicated, in order of first use.
    """
    keys: list[str] = []
    for name in names:
        if name in METHOD_CITATIONS:
            found = METHOD_CITATIONS[name]
        elif is_project_data(name):
            found = PROJECT_DATA[name]["bibtex"]
        else:
            found = registry.get(name).bibtex
        for k in found:
            if k not in keys:
                keys.append(k)
    return keys


def names_for(obj) -> list[str]:
    """What :func:`cite` cites for one object: a name as is; for a fitted model, the datasets
    behind its data (``result.data_info["source"]``), its methods (``result.citations``) and
    ``"peacestats"``; for a frame from ``read_table``, its datasets and ``"peacestats"``.
    """
    from .lineage import datasets_of

    if isinstance(obj, str):
        return [obj]
    if hasattr(obj, "citations") and hasattr(obj, "data_info"):  # a fitted model
        return [*datasets_of(obj), *obj.citations, "peacestats"]
    if hasattr(obj, "attrs") and hasattr(obj, "columns"):  # a DataFrame
        found = datasets_of(obj)
        if not found:
            raise PeacestatsError("cite: this DataFrame records no datasets (attrs['source']); read it with "
                                  "peacestats.read_table, or name the datasets: cite(['ucdp_acd', ...])")
        return [*found, "peacestats"]
    raise PeacestatsError(f"cite: cannot cite a {type(obj).__name__}; give dataset keys, method names, "
                          "a fitted model or a frame from read_table")


def cite(names) -> str:
    """BibTeX for dataset keys (``"ucdp_acd"``), method names (``"coxph"``), fitted models and built tables.

    Parameters
    ----------
    names
        A name, a fitted model (``ps.cite(fit)``: the datasets its data came from when
        read with :func:`peacestats.build.read_table`, its methods, peacestats), a frame
        from ``read_table``, or a list of any of these. Names are registry keys, the
        project's data keys (``"peacestats_missions"``), keys of
        :data:`METHOD_CITATIONS` and ``"peacestats"``.

    Returns
    -------
    str
        The BibTeX entries, de-duplicated, in order of first use, separated by blank lines.
    """
    single = isinstance(names, str) or hasattr(names, "data_info") or hasattr(names, "columns")
    items = [names] if single or not isinstance(names, Iterable) else list(names)
    flat = [n for obj in items for n in names_for(obj)]
    entries = _entries()
    out = []
    for k in bibtex_keys_for(flat):
        if k not in entries:
            raise PeacestatsError(f"citations.bib has no entry {k!r}; add it next to the others")
        out.append(entries[k])
    return "\n\n".join(out) + "\n"
