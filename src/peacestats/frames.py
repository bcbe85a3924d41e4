"""Built tables as plain numpy-dtype frames, for libraries that do not know pandas' nullable dtypes.

The built tables keep codes that may be missing as pandas' nullable ``Int64`` (a
Gleditsch-Ward code, a UCDP conflict id), measures as ``Float64``, flags as
``boolean`` and names as ``string``. patsy and statsmodels (``C(gwcode)``),
scikit-learn and many plotting libraries expect numpy dtypes: :func:`to_numpy_frame`
converts a frame once, explicitly, and says what it did.

Examples
--------
>>> import pandas as pd
>>> from peacestats.frames import to_numpy_frame
>>> df = pd.DataFrame({"gwcode": pd.array([500, 501], dtype="Int64"),
...                    "ucdp": pd.array([1, None], dtype="Int64")})
>>> to_numpy_frame(df).dtypes.astype(str).tolist()
['int64', 'float64']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["to_numpy_frame"]


def _column(s: pd.Series) -> pd.Series:
    dt = s.dtype
    if isinstance(dt, (pd.CategoricalDtype, pd.DatetimeTZDtype, pd.PeriodDtype, pd.IntervalDtype,
                       pd.SparseDtype)) or not pd.api.types.is_extension_array_dtype(dt):
        if dt == np.dtype(object) and s.map(lambda v: v is pd.NA).any():  # pd.NA in an object column -> NaN
            return s.where(s.map(lambda v: v is not pd.NA), np.nan)
        return s
    has_na = bool(s.isna().any())
    kind = getattr(getattr(dt, "numpy_dtype", None), "kind", None)
    if pd.api.types.is_bool_dtype(dt) or kind == "b":
        return s.astype("float64") if has_na else s.astype(bool)
    if pd.api.types.is_integer_dtype(dt) or kind in ("i", "u"):
        return s.astype("float64") if has_na else s.astype("int64")
    if pd.api.types.is_float_dtype(dt) or kind == "f":
        return s.astype("float64")  # NA -> NaN
    if pd.api.types.is_string_dtype(dt):
        return pd.Series(np.where(s.isna(), np.nan, s.astype(object)), index=s.index, name=s.name, dtype=object)
    if kind == "M":
        return s.astype(dt.numpy_dtype)
    return s.astype(object)


def to_numpy_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with numpy dtypes only.

    ============================  ===============================================
    nullable dtype                becomes
    ============================  ===============================================
    ``Int64`` etc., no NA         ``int64``
    ``Int64`` etc. with NA        ``float64`` (NA -> NaN)
    ``Float64``                   ``float64`` (NA -> NaN)
    ``boolean``, no NA            ``bool``
    ``boolean`` with NA           ``float64`` (1.0, 0.0, NaN)
    ``string``                    ``object`` (NA -> NaN)
    ``pd.NA`` in object columns   NaN
    ============================  ===============================================

    Categoricals, datetimes (with or without a time zone) and numpy columns are kept as
    they are; ``df.attrs`` (the table's lineage, see :func:`peacestats.build.read_table`)
    is kept. ``read_table(name, dtypes="numpy")`` applies this on reading.

    Parameters
    ----------
    df
        Any DataFrame, e.g. a built table.

    Returns
    -------
    pandas.DataFrame
        Same columns, index and rows; a formula such as ``y ~ C(gwcode)`` works in patsy
        and statsmodels.
    """
    out = pd.DataFrame({c: _column(df[c]) for c in df.columns}, index=df.index)
    out.columns = df.columns
    out.attrs = dict(df.attrs)
    return out
