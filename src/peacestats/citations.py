"""BibTeX for the datasets and methods an analysis used.

``citations.bib`` (in ``peacestats/resources``) holds every reference; the
registry names the keys each dataset needs, and model code names the keys of
the methods it implements (``METHOD_CITATIONS``).

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
    """BibTeX keys for dataset keys, the project's own data and/or method names, de-duplicated, in order of first use."""
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


def cite(names: Iterable[str]) -> str:
    """BibTeX for dataset keys (``"ucdp_acd"``) and method names (``"coxph"``).

    Parameters
    ----------
    names
        Registry keys and/or keys of :data:`METHOD_CITATIONS`.

    Returns
    -------
    str
        The BibTeX entries, separated by blank lines.
    """
    entries = _entries()
    out = []
    for k in bibtex_keys_for(names):
        if k not in entries:
            raise PeacestatsError(f"citations.bib has no entry {k!r}; add it next to the others")
        out.append(entries[k])
    return "\n\n".join(out) + "\n"
