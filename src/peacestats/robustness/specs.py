"""Declaring a multiverse: dimensions, their options, and the specifications they expand into.

A *dimension* is one analytic choice (the recurrence rule, the sample, the estimator); its
*options* are the defensible ways to make it. The multiverse is every combination
(Steegen et al. 2016; Simonsohn, Simmons & Nelson 2020). Each combination is a
:class:`Specification` with a stable hash of its options, the analysis name and the
sha256 of the input data, so results can be stored, compared and resumed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MultiverseError

__all__ = ["Specification", "Multiverse", "expand", "spec_hash", "data_fingerprint", "load_config"]


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def spec_hash(analysis: str, options: dict[str, Any], data_sha256: str) -> str:
    """A stable 16-hex-digit key of one specification.

    Parameters
    ----------
    analysis
        Name of the analysis (``"ucdp_peace"``): the same options mean different models elsewhere.
    options
        Dimension name -> chosen option. Order does not matter.
    data_sha256
        Fingerprint of the input data (:func:`data_fingerprint`): rebuilt data give new keys.
    """
    payload = _canonical({"analysis": analysis, "options": options, "data": data_sha256})
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def data_fingerprint(processed: str | Path | None = None) -> str:
    """sha256 of the harmonized tables, from the checksums ``datapackage.json`` records.

    Every resource's ``name`` and ``sha256`` enter, in name order, so any rebuild that
    changes a table changes the fingerprint (and every specification's hash).
    """
    from .. import config

    path = (Path(processed) if processed else config.processed_dir()) / "datapackage.json"
    if not path.is_file():
        raise MultiverseError(f"{path} does not exist: run `peacestats build` first")
    try:
        pkg = json.loads(path.read_text())
        pairs = sorted((r["name"], r["sha256"]) for r in pkg["resources"])
    except (ValueError, KeyError, TypeError) as exc:
        raise MultiverseError(f"{path}: no resource checksums ({exc}); rebuild with `peacestats build`") from exc
    return hashlib.sha256("".join(f"{n}:{s}\n" for n, s in pairs).encode()).hexdigest()


@dataclass(frozen=True)
class Specification:
    """One combination of options, with its position in the expansion and its hash."""

    index: int
    options: dict[str, Any]
    hash: str

    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.options.items())


@dataclass
class Multiverse:
    """Dimensions of analytic choice and their options.

    Parameters
    ----------
    dimensions
        Dimension name -> list of options (strings or numbers), in the order they should
        vary (the last dimension varies fastest). Each list needs at least one option and
        no repeats.
    analysis
        Name of the analysis whose fit function runs the specifications (``"ucdp_peace"``).
    exclude
        Combinations to leave out: each a dict of dimension -> option; a specification
        matching every pair of one entry is dropped (e.g. ``{"estimator": "weibull",
        "cluster": "country"}``).
    """

    dimensions: dict[str, list[Any]]
    analysis: str = "ucdp_peace"
    exclude: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.dimensions:
            raise MultiverseError("a multiverse needs at least one dimension")
        for name, opts in self.dimensions.items():
            if not isinstance(opts, (list, tuple)) or not opts:
                raise MultiverseError(f"dimension {name!r} needs a non-empty list of options, not {opts!r}")
            if len(set(map(_canonical, opts))) != len(opts):
                raise MultiverseError(f"dimension {name!r} repeats an option: {list(opts)}")
        for ex in self.exclude:
            for k, v in ex.items():
                if k not in self.dimensions:
                    raise MultiverseError(f"exclude names dimension {k!r}, not one of {list(self.dimensions)}")
                if v not in self.dimensions[k]:
                    raise MultiverseError(f"exclude names option {v!r} of {k!r}, not one of {self.dimensions[k]}")

    @property
    def size(self) -> int:
        return len(self.expand(""))

    def expand(self, data_sha256: str) -> list[Specification]:
        """All specifications, in a deterministic order (see :func:`expand`)."""
        return expand(self, data_sha256)


def expand(multiverse: Multiverse, data_sha256: str) -> list[Specification]:
    """Expand a multiverse into its specifications.

    The order is the Cartesian product of the dimensions in declaration order (the last
    dimension varies fastest), after removing excluded combinations; ``index`` numbers
    them from 0. Hashes depend on the options, the analysis and the data, not the order.
    """
    names = list(multiverse.dimensions)
    out: list[Specification] = []
    for combo in itertools.product(*(multiverse.dimensions[n] for n in names)):
        options = dict(zip(names, combo))
        if any(all(options[k] == v for k, v in ex.items()) for ex in multiverse.exclude):
            continue
        out.append(Specification(len(out), options, spec_hash(multiverse.analysis, options, data_sha256)))
    return out


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a multiverse TOML file.

    Layout::

        analysis = "ucdp_peace"
        [dimensions]
        recurrence = ["conflict", "location", "gap730"]
        estimator = ["cox", "weibull"]
        [[exclude]]          # optional, repeatable
        estimator = "weibull"
        recurrence = "location"
        [run]                # optional
        chunk_size = 8       # specifications per Dask task
        [null]               # optional
        resamples = 99       # B, resamples of the null distribution (0.05 x (B + 1) a whole number)
        seed = 20201
        unit = "conflict_id" # resampling unit
        method = "refit"     # or "score": the draws without refitting (peacestats.robustness.score)
        [report]             # optional: settings of a report that runs the multiverse
        resamples = 12

    Returns
    -------
    dict
        ``multiverse`` (a :class:`Multiverse`), ``run``, ``null`` and ``report`` (dicts,
        possibly empty), ``title``.
    """
    path = Path(path)
    try:
        cfg = tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise MultiverseError(f"no config file {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise MultiverseError(f"{path} is not valid TOML: {exc}") from exc
    unknown = set(cfg) - {"analysis", "dimensions", "exclude", "run", "null", "report", "title", "description"}
    if unknown:
        raise MultiverseError(f"{path}: unknown keys {sorted(unknown)}")
    if "dimensions" not in cfg:
        raise MultiverseError(f"{path}: no [dimensions] table")
    mv = Multiverse(dict(cfg["dimensions"]), analysis=cfg.get("analysis", "ucdp_peace"),
                    exclude=list(cfg.get("exclude", [])))
    return {"multiverse": mv, "run": dict(cfg.get("run", {})), "null": dict(cfg.get("null", {})),
            "report": dict(cfg.get("report", {})),
            "title": cfg.get("title", path.stem)}
