"""The parsed-source cache: a loader's frame kept as parquet, so a rebuild parses nothing unchanged.

:func:`peacestats.sources.load` asks :func:`cached_load` for a source's frame. An entry is keyed
by everything the frame depends on:

* the raw file's sha256 (the registry's, which :func:`peacestats.fetch.require` has just
  verified against the file);
* the loader module's ``LOADER_VERSION`` (bumped when its parsing changes) and, as a guard
  against a forgotten bump, the sha256 of the loader module's source, of the shared
  ``_base``/``_text`` modules and of the package's ``resources`` folder (the TPPM
  corrections, the code tables);
* the keyword arguments of the call (only plain ``bool``/``int``/``str``/``None`` values;
  a call with ``path=`` or any other value is never cached);
* the pandas and pyarrow versions and :data:`CACHE_FORMAT`.

Entries live in ``data/interim/cache`` (beside ``data/raw``; git-ignored), or in
``$PEACESTATS_CACHE_DIR``. ``PEACESTATS_NO_CACHE=1`` (or ``load(key, cache=False)``)
bypasses the cache. Each entry is a parquet file written atomically, with a JSON sidecar
holding the parquet file's sha256: an entry whose bytes do not match (truncated, altered,
unreadable) is never trusted; the source is parsed again and the entry rewritten.

Object columns are stored by kind: lists of integers (UCDP's code lists) as parquet lists,
text with its missing-value marker (``NaN``, ``pd.NA`` or ``None``) recorded. A frame is cached
only if the entry read back equals it exactly (``assert_frame_equal`` with dtypes, and
``attrs``); otherwise the source is simply parsed each time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd

log = logging.getLogger(__name__)

#: Bumped when the entry layout (the codec below) changes.
CACHE_FORMAT = 1
_META = b"peacestats.cache"
_PLAIN = (bool, int, str, type(None))


def cache_dir() -> Path:
    """Where entries live: ``$PEACESTATS_CACHE_DIR``, else ``data/interim/cache`` beside ``data/raw``."""
    from .. import config

    env = os.environ.get("PEACESTATS_CACHE_DIR")
    return Path(env).expanduser().resolve() if env else config.raw_dir().parent / "interim" / "cache"


def enabled() -> bool:
    """False when ``$PEACESTATS_NO_CACHE`` is set to anything but ``""``/``0``."""
    return os.environ.get("PEACESTATS_NO_CACHE", "") in ("", "0")


@functools.lru_cache(maxsize=None)
def _code_sha(module_file: str) -> str:
    """sha256 of a loader module's source, the shared parsing modules and ``resources/`` (code only)."""
    here = Path(__file__).resolve().parent
    files = [Path(module_file), here / "_base.py", here / "_text.py"]
    files += sorted(p for p in (here.parent / "resources").rglob("*") if p.is_file())
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def entry_key(key: str, module: ModuleType, kwargs: dict) -> dict | None:
    """The description an entry is keyed by, or ``None`` when this call is not cacheable."""
    import pyarrow

    from .. import registry

    if any(not isinstance(v, _PLAIN) for v in kwargs.values()) or "path" in kwargs:
        return None
    version = getattr(module, "LOADER_VERSION", None)
    if not isinstance(version, int):
        return None
    return {"key": key, "raw_sha256": registry.get(key).sha256, "loader_version": version,
            "code_sha256": _code_sha(str(module.__file__)), "kwargs": {k: kwargs[k] for k in sorted(kwargs)},
            "pandas": pd.__version__, "pyarrow": pyarrow.__version__, "format": CACHE_FORMAT}


def _paths(desc: dict) -> tuple[Path, Path]:
    digest = hashlib.sha256(json.dumps(desc, sort_keys=True).encode()).hexdigest()[:32]
    base = cache_dir() / f"{desc['key']}-{digest}"
    return base.with_suffix(".parquet"), base.with_suffix(".json")


def cached_load(key: str, module: ModuleType, loader: Callable[..., pd.DataFrame], kwargs: dict) -> pd.DataFrame:
    """``loader(**kwargs)`` through the cache (see the module docstring)."""
    from .. import fetch

    own = getattr(loader, "__module__", None) == module.__name__  # not a stand-in patched over it
    desc = entry_key(key, module, kwargs) if enabled() and own else None
    if desc is None:
        return loader(**kwargs)
    fetch.require(key)  # the raw file is there with the registry's sha256 (fetched if it was not)
    parquet, sidecar = _paths(desc)
    hit = read_entry(parquet, sidecar)
    if hit is not None:
        return hit
    df = loader(**kwargs)
    write_entry(df, parquet, sidecar, desc)
    return df


def has_entry(key: str, module: ModuleType, loader: Callable[..., pd.DataFrame], kwargs: dict) -> bool:
    """True when ``cached_load`` would find an entry for this call (its files are there; not checked)."""
    own = getattr(loader, "__module__", None) == module.__name__
    desc = entry_key(key, module, kwargs) if enabled() and own else None
    return desc is not None and all(p.is_file() for p in _paths(desc))


def read_entry(parquet: Path, sidecar: Path) -> pd.DataFrame | None:
    """The cached frame, or ``None`` if the entry is missing or damaged (then it is removed)."""
    from ..fetch import sha256sum

    if not (parquet.is_file() and sidecar.is_file()):
        return None
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if sha256sum(parquet) != meta["parquet_sha256"]:
            raise ValueError("sha256 mismatch")
        return _decode(parquet)
    except Exception as exc:  # damaged in any way: never trusted, parsed again
        log.warning("parsed-source cache: ignoring damaged entry %s (%s)", parquet, exc)
        _remove(parquet, sidecar)
        return None


def write_entry(df: pd.DataFrame, parquet: Path, sidecar: Path, desc: dict) -> bool:
    """Write ``df`` as an entry if it round-trips exactly; ``False`` (nothing left behind) otherwise.

    A folder that cannot be written only costs the speed-up: the load itself never fails here.
    """
    from .. import io
    from ..errors import OutputError
    from ..fetch import sha256sum

    try:
        codec = _codec(df)
        if codec is None:
            return False
        _write_parquet(df, codec, parquet)
        back = _decode(parquet)
        pd.testing.assert_frame_equal(back, df, check_dtype=True, check_exact=True)
        if back.attrs != df.attrs or not _same_objects(back, df, codec):
            raise AssertionError("attrs or object cells differ")
        io.write_json(sidecar, desc | {"parquet_sha256": sha256sum(parquet)})
        return True
    except (OutputError, OSError) as exc:
        log.warning("parsed-source cache: cannot write %s (%s)", parquet, exc)
    except Exception as exc:  # a frame the codec cannot keep exactly: not cached
        log.warning("parsed-source cache: %s does not round-trip (%s); not cached", desc["key"], exc)
    _remove(parquet)
    return False


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- codec
_NA_KINDS = {"nan": float("nan"), "NA": pd.NA, "None": None}


def _na_kind(v) -> str | None:
    if v is None:
        return "None"
    if v is pd.NA:
        return "NA"
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    return None


def _column_codec(s: pd.Series) -> dict | None:
    """How an object column is stored: ``{"kind": "list"}`` or ``{"kind": "text", "na": ...}``.

    Lists of ``int`` only, without missing values; or ``str`` with at most one kind of missing
    value (:func:`_na_kind`); anything else ``None`` (not cached).
    """
    values = s.to_numpy(dtype=object)
    types = set(map(type, values))
    if types <= {list}:
        return {"kind": "list"} if all(type(x) is int for v in values for x in v) else None
    other = types - {str, type(None), type(pd.NA)}
    if not all(issubclass(t, float) for t in other):
        return None
    if other and not all(math.isnan(v) for v in values if type(v) in other):
        return None  # a float that is a value, not a missing one
    nas = {name for name, there in (("None", type(None) in types), ("NA", type(pd.NA) in types),
                                    ("nan", bool(other))) if there}
    return {"kind": "text", "na": next(iter(nas), None)} if len(nas) <= 1 else None


def _codec(df: pd.DataFrame) -> dict | None:
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        return None
    if not all(isinstance(c, str) for c in df.columns) or df.columns.duplicated().any():
        return None
    cols = {}
    for c in df.columns:
        if df[c].dtype == object:
            spec = _column_codec(df[c])
            if spec is None:
                return None
            cols[c] = spec
    return {"columns": cols, "attrs": json.dumps(df.attrs, sort_keys=True)}


def _write_parquet(df: pd.DataFrame, codec: dict, target: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .. import io

    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META: json.dumps(codec).encode()})
    with io.atomic_path(target, suffix=".parquet") as tmp:
        pq.write_table(table, tmp, compression="snappy")


def _decode(parquet: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    codec = json.loads(table.schema.metadata[_META])
    df = table.to_pandas()
    for c, spec in codec["columns"].items():
        if spec["kind"] == "list":
            df[c] = pd.Series([v.tolist() for v in df[c]], index=df.index, dtype=object)
        elif spec["na"] is not None:
            values = df[c].to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = _NA_KINDS[spec["na"]]
            df[c] = pd.Series(values, index=df.index, dtype=object)
    df.attrs = json.loads(codec["attrs"])
    return df


def _same_objects(a: pd.DataFrame, b: pd.DataFrame, codec: dict) -> bool:
    """Object cells equal with their types (``assert_frame_equal`` treats ``None``/``NaN``/``NA`` alike)."""
    for c, spec in codec["columns"].items():
        x, y = a[c].tolist(), b[c].tolist()
        if list(map(type, x)) != list(map(type, y)):
            return False
        if spec["kind"] == "text":  # the missing values are where the types say; compare the others
            x, y = [v for v in x if type(v) is str], [v for v in y if type(v) is str]
        if x != y:
            return False
    return True
