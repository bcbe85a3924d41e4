"""UCDP Peace Agreement Dataset: every peace agreement in an armed conflict, 1975-2021.

Dataset page
------------
Key ``ucdp_peace_agreements``; version ``22.1`` (the official workbook
``ucdp-peace-agreements-221.xlsx``, sheet ``Dataset``). Unit: a peace agreement signed by at
least two opposing primary warring parties of a UCDP armed conflict. 374 agreements,
1975-2021. Primary key: ``paid`` (unique in 22.1). Country codes are Gleditsch-Ward.

Column names are UCDP's, except three renamed so that every name is a valid, non-keyword
Python identifier: ``"ref "`` -> ``ref`` and ``"return "`` -> ``return_`` (both carry a trailing
space in the original; ``return`` is a Python keyword, so it gets PEP 8's trailing underscore),
``procID`` -> ``proc_id``. (No 22.1 column starts with a digit: the third-party columns are
``pa_3rd`` and ``c_3rd``.) The codebook is the authority on coding rules; descriptions
marked "as coded by UCDP" are kept as published and not decoded here.

Identification

- ``paid`` (int): peace agreement id
- ``region`` (int): 1 Europe, 2 Middle East, 3 Asia, 4 Africa, 5 Americas
- ``gwno`` (list of int): GW code(s) of the country (countries) in conflict
- ``conflict_id`` (list of int): UCDP conflict id(s) the agreement belongs to (several for 6 agreements)
- ``conflict_name`` (str): "Location: incompatibility", e.g. "Cambodia (Kampuchea): Government"
- ``dyad_id`` (list of int), ``dyad_name`` (str): the UCDP dyads that are party to the agreement
- ``actor_id`` (list of int), ``actor_name`` (str): UCDP actor ids and names of the signatories
- ``incompatibility`` (list of int): 1 territory, 2 government, 3 both (two codes for 4 agreements)
- ``pa_name`` (str): the agreement's name; ``year`` (int); ``pa_date`` (datetime): date signed
- ``pa_comment`` (str): UCDP's summary of the agreement
- ``pa_sign`` (str): the signatories as named in the agreement; ``c_sign`` (str): comment
- ``pa_3rd`` (str): third parties that signed or witnessed the agreement (guarantors,
  mediators), as text; ``c_3rd`` (str): comment on third-party involvement. The dataset has
  no 0/1 third-party variable: derive one from these if needed (one cell reads ``"No"``).

Whether it lasted

- ``ended`` (boolean): True if the agreement was terminated (ceased to be in effect) by one or
  more of the signatories; False twice; NA where UCDP left the cell blank (238 agreements)
- ``duration`` (datetime): the date the agreement ended (UCDP's name; it is a date, not a length)
- ``c_duration`` (str): comment on the agreement's fate
- ``termdur`` (Int64): as coded by UCDP (duration-related; values 1-30); the code ``-99``
  (missing, 21 agreements) becomes NA

Provisions (int 0/1: the agreement contains the provision)

- military: ``cease`` ceasefire; ``intarmy`` integration of rebels into the army; ``ddr``
  disarmament, demobilization and reintegration; ``withd`` withdrawal of foreign forces;
  ``mil_prov`` any military provision
- political: ``pp`` rebel group may form a political party; ``intgov`` integration of rebels
  into the government; ``intciv`` integration into the civil service; ``elections``;
  ``interim`` interim (transitional) government; ``natalks`` national talks/dialogue;
  ``shagov`` power sharing in the central government; ``pol_prov`` any political provision
- territorial: ``aut`` autonomy; ``fed`` federalism; ``ind`` independence; ``ref`` referendum;
  ``shaloc`` power sharing in local government; ``regdev`` regional development; ``cul``
  cultural freedoms; ``demarcation`` border demarcation; ``locgov`` local government;
  ``terr_prov`` any territorial provision
- justice: ``amn`` amnesty; ``pris`` release of prisoners; ``recon`` reconciliation;
  ``return_`` return of refugees/displaced persons; ``justice_prov`` any justice provision
- process: ``reaffirm`` reaffirms an earlier agreement; ``outlin`` outlines a process for
  future negotiations; ``pko`` deployment of a peacekeeping operation; ``gender`` gender
  provisions; ``co_impl`` a commission or committee to oversee implementation

Classification and bookkeeping

- ``pa_type`` (int): 1 full agreement, 2 partial agreement, 3 peace process agreement
- ``out_iss`` (int 0-5): outstanding issues left unresolved, ordinal scale as coded by UCDP
- ``frame`` (int 1-3): the agreement's framework status within its process, as coded by UCDP
- ``inclusive`` (int): whether all active warring parties signed, as coded by UCDP (1, 2; -1 once)
- ``no_dyad`` (int): number of dyads party to the agreement (equals ``len(dyad_id)``)
- ``proc_id`` (int): UCDP peace process id (``procID`` in the original)
- ``noconf17`` (int): as coded by UCDP (0 throughout in 22.1)
- ``txt`` (int 0/1): the full text is available; ``linktofulltextagreement`` (str): its URL
- ``version`` (str): ``"22.1"``; ``dateintervalstart_meta``, ``dateintervalend_meta``
  (datetime): the dataset's coverage window (1975-01-01 to 2021-12-31)

Citation: Pettersson, T., Hogbladh, S. & Oberg, M. (2019). Organized violence, 1989-2018 and
peace agreements. JPR 56(4): 589-603; Hogbladh, S. (2011). Peace agreements 1975-2011 -
Updating the UCDP Peace Agreement dataset. In Pettersson & Themner (eds.), States in Armed
Conflict 2011. Uppsala University.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .. import fetch
from ._base import read, to_datetime, validate
from .ucdp_acd import CODE_LIST_PATTERN, split_code_columns, strip_text

KEY = "ucdp_peace_agreements"
#: Bumped when this loader's parsing changes (keys the parsed-source cache, :mod:`._cache`).
LOADER_VERSION = 1

#: the 0/1 provision variables, in the codebook's order
PROVISIONS = (
    "cease", "intarmy", "ddr", "withd", "mil_prov",
    "pp", "intgov", "intciv", "elections", "interim", "natalks", "shagov", "pol_prov",
    "aut", "fed", "ind", "ref", "shaloc", "regdev", "cul", "demarcation", "locgov", "terr_prov",
    "amn", "pris", "recon", "return_", "justice_prov",
    "reaffirm", "outlin", "pko", "gender", "co_impl",
)  # fmt: skip

#: original column name -> returned name (the only renames)
RENAME = {"ref ": "ref", "return ": "return_", "procID": "proc_id"}
_ORIGINAL = {v: k for k, v in RENAME.items()}

CODE_LIST_COLUMNS = ("gwno", "conflict_id", "dyad_id", "actor_id", "incompatibility")
TEXT_COLUMNS = (
    "conflict_name", "dyad_name", "actor_name", "pa_name", "pa_comment", "pa_sign", "c_sign",
    "pa_3rd", "c_3rd", "c_duration", "linktofulltextagreement",
)  # fmt: skip
_READ_AS_TEXT = {c: str for c in (*CODE_LIST_COLUMNS, "pa_date", "duration", "version")}

_int: dict[str, Any] = dict(coerce=True, nullable=False)
_codes = pa.Column(str, pa.Check.str_matches(CODE_LIST_PATTERN), coerce=True, nullable=False)
_date_text = r"^\d{4}-\d{2}-\d{2}$"

SCHEMA = pa.DataFrameSchema(
    {
        "paid": pa.Column(int, pa.Check.gt(0), **_int),
        "region": pa.Column(int, pa.Check.isin([1, 2, 3, 4, 5]), **_int),
        "gwno": _codes,
        "conflict_id": _codes,
        "conflict_name": pa.Column(str, nullable=False),
        "dyad_id": _codes,
        "actor_id": _codes,
        "incompatibility": _codes,
        "pa_name": pa.Column(str, nullable=False),
        "year": pa.Column(int, pa.Check.in_range(1946, 2100), **_int),
        "pa_date": pa.Column(str, pa.Check.str_matches(_date_text), nullable=False),
        "pa_3rd": pa.Column(str, nullable=True),
        "c_3rd": pa.Column(str, nullable=True),
        "ended": pa.Column(object, pa.Check.isin([True, False]), nullable=True),
        "duration": pa.Column(str, pa.Check.str_matches(_date_text), nullable=True),
        **{
            _ORIGINAL.get(p, p): pa.Column(int, pa.Check.isin([0, 1]), **_int)
            for p in PROVISIONS
        },
        "termdur": pa.Column(int, **_int),
        "noconf17": pa.Column(int, **_int),
        "txt": pa.Column(int, pa.Check.isin([0, 1]), **_int),
        "inclusive": pa.Column(int, **_int),
        "no_dyad": pa.Column(int, pa.Check.ge(1), **_int),
        "pa_type": pa.Column(int, pa.Check.isin([1, 2, 3]), **_int),
        "out_iss": pa.Column(int, pa.Check.in_range(0, 5), **_int),
        "procID": pa.Column(int, **_int),
        "frame": pa.Column(int, **_int),
        "version": pa.Column(str, nullable=False),
    },
    unique=["paid"],
    strict=False,
)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """UCDP peace agreements 22.1, one row per agreement (see the module docstring).

    Parameters
    ----------
    path
        Read this file instead of the verified registry copy (no checksum check).

    Returns
    -------
    pandas.DataFrame
        374 rows, 67 columns, in the original order (three renamed).
    """
    path = fetch.require(KEY) if path is None else Path(path)
    raw = read(KEY, path, dtype=_READ_AS_TEXT)
    df = validate(raw, SCHEMA, KEY, path).copy()
    df = df.rename(columns=RENAME)
    for col in ("pa_date", "duration"):
        df[col] = to_datetime(df[col], KEY, path, fmt="%Y-%m-%d")
    for col in ("dateintervalstart_meta", "dateintervalend_meta"):
        if col in df.columns:
            df[col] = to_datetime(df[col], KEY, path)
    df["ended"] = df["ended"].astype("boolean")
    df["termdur"] = df["termdur"].astype("Int64").mask(df["termdur"] == -99)
    strip_text(df, TEXT_COLUMNS)
    split_code_columns(df, CODE_LIST_COLUMNS, KEY, path)
    return df.reset_index(drop=True)
