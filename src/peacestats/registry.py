"""The dataset registry.

Every source dataset the project uses is declared once, in ``registry.toml``
beside this module: key, title, version, publisher, the address of the exact
file (``url``) and its sha256, licence, citation and BibTeX keys, unit of
observation, coverage and country-code system. Nothing else in the package
hard-codes a file name, a version or a checksum.

Examples
--------
>>> from peacestats import registry
>>> ds = registry.get("ucdp_acd")
>>> ds.version
'25.1'
>>> "ucdp_acd" in registry.keys()
True
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .errors import DataSourceError, UnknownDatasetError
from .safepath import check_name, check_relative


@dataclass(frozen=True)
class Dataset:
    """One registered source dataset (one file)."""

    key: str
    title: str
    version: str
    publisher: str
    description: str
    unit: str
    format: str
    file: str
    sha256: str
    size: int
    url: str | None
    homepage: str | None
    origin: str
    mirror_path: str
    licence: str
    citation: str
    bibtex: tuple[str, ...]
    coverage: tuple[int, int] | None = None
    code_system: str | None = None
    sheet: str | None = None
    rda_object: str | None = None
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def coverage_label(self) -> str:
        """Coverage as ``"1946-2024"`` (or ``""`` when the source is not a time series)."""
        return f"{self.coverage[0]}-{self.coverage[1]}" if self.coverage else ""

    def years(self) -> tuple[int, int]:
        """``coverage`` of a time series; raises :class:`DataSourceError` for a source without one."""
        if self.coverage is None:
            raise DataSourceError(f"dataset {self.key!r} has no coverage years in the registry")
        return self.coverage


_FIELDS = {f for f in Dataset.__dataclass_fields__ if f != "extra"}


@cache
def _load() -> dict[str, Dataset]:
    text = resources.files("peacestats").joinpath("registry.toml").read_bytes()
    return parse(text.decode("utf-8"))


def check_paths(raw: dict | Dataset) -> None:
    """Refuse an entry whose key, version, file or mirror path could leave ``data/raw`` or the mirror.

    Raises
    ------
    UnsafePathError
    """
    if isinstance(raw, Dataset):
        raw = {k: getattr(raw, k) for k in ("key", "version", "file", "mirror_path")}
    where = f"registry.toml: dataset {raw.get('key')!r}"
    check_name(raw.get("key"), f"{where}: key")
    for name in ("version", "file"):
        check_name(raw.get(name), f"{where}: {name}")
    check_relative(raw.get("mirror_path"), f"{where}: mirror_path")


def parse(text: str) -> dict[str, Dataset]:
    """The datasets declared in a registry TOML text, keyed by ``key``.

    Raises
    ------
    UnsafePathError
        An entry whose key, version or file name is not a plain file name, or whose
        ``mirror_path`` is absolute or contains ``..``: such an entry could make
        ``peacestats data fetch`` read or write outside the mirror and ``data/raw``.
    """
    entries = tomllib.loads(text)["dataset"]
    out: dict[str, Dataset] = {}
    for raw in entries:
        check_paths(raw)
        known = {k: v for k, v in raw.items() if k in _FIELDS}
        known.setdefault("url", None)
        known.setdefault("homepage", None)
        known["bibtex"] = tuple(known.get("bibtex", ()))
        if known.get("coverage") is not None:
            known["coverage"] = tuple(known["coverage"])
        extra = {k: v for k, v in raw.items() if k not in _FIELDS}
        ds = Dataset(**known, extra=extra)
        if ds.key in out:
            raise ValueError(f"registry.toml: dataset key {ds.key!r} is declared twice")
        out[ds.key] = ds
    return out


def keys() -> list[str]:
    """All registered dataset keys, in registry order."""
    return list(_load())


def datasets() -> list[Dataset]:
    """All registered datasets, in registry order."""
    return list(_load().values())


def get(key: str) -> Dataset:
    """The registry entry for ``key``.

    Raises
    ------
    UnknownDatasetError
        If ``key`` is not registered; the message suggests the closest keys.
    """
    reg = _load()
    if not isinstance(key, str):
        raise UnknownDatasetError(
            f"dataset keys are strings such as 'ucdp_acd', not {type(key).__name__} {key!r}. "
            "`peacestats data list` shows every key."
        )
    try:
        return reg[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(reg), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownDatasetError(
            f"Unknown dataset key {key!r}.{hint} `peacestats data list` shows every key."
        ) from None
