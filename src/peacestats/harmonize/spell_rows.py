"""Counting-process rows of peace spells: the spells split where agreements or linked presence change.

:func:`create_spell_rows` is what ``peacestats build`` runs for the ``spell_rows`` and
``spell_rows_location`` tables, as a pure function of its inputs: the spells, the UCDP peace
agreements, the mission-host-month table and the mission-conflict links. Nothing is loaded here.
"""

from __future__ import annotations

import pandas as pd

from .linkage import PRESENCE_COVARIATES, presence_changes
from .spells import AGREEMENT_COLUMNS, agreement_changes, check_counting_process, split_spells

__all__ = ["create_spell_rows"]


def create_spell_rows(spells: pd.DataFrame, agreements: pd.DataFrame, mission_months: pd.DataFrame,
                      mission_conflicts: pd.DataFrame) -> pd.DataFrame:
    """Split peace spells into (start, stop] rows where agreements or linked presence change.

    Parameters
    ----------
    spells
        From :func:`peacestats.harmonize.spells.create_spells` (with any ``add_*`` columns).
    agreements
        UCDP Peace Agreements (``load("ucdp_peace_agreements")``).
    mission_months, mission_conflicts
        The built tables of those names
        (:func:`peacestats.harmonize.deployment.create_mission_months`,
        :func:`peacestats.harmonize.linkage.linked_missions_table`).

    Returns
    -------
    pandas.DataFrame
        One row per (spell, interval), with the agreement indicators
        (:data:`~peacestats.harmonize.spells.AGREEMENT_COLUMNS`) and the presence covariates
        (:data:`~peacestats.harmonize.linkage.PRESENCE_COVARIATES`); it passes
        :func:`~peacestats.harmonize.spells.check_counting_process`.
    """
    ch = agreement_changes(spells, agreements)
    rows = split_spells(spells, ch, key="spell_id", covariates=AGREEMENT_COLUMNS,
                        fill={c: 0 for c in AGREEMENT_COLUMNS})
    for c in AGREEMENT_COLUMNS:
        rows[c] = rows[c].astype("int64")
    presence = presence_changes(spells, mission_months, mission_conflicts)
    rows = split_spells(rows, presence, key="spell_id", covariates=list(PRESENCE_COVARIATES),
                        fill=PRESENCE_COVARIATES)
    for c in PRESENCE_COVARIATES:
        if "present" in c:
            rows[c] = rows[c].astype("int64")
    check_counting_process(rows)
    return rows
