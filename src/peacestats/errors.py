"""Typed errors. Each says what went wrong, where (file, column, row) and what to do next."""

from __future__ import annotations


class PeacestatsError(Exception):
    """Base class of every error peacestats raises on purpose."""


# --- data sources -----------------------------------------------------------------
class DataSourceError(PeacestatsError):
    """A problem with a source dataset: fetching, verifying or reading it."""


class UnknownDatasetError(DataSourceError, KeyError):
    """A dataset key that is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else "unknown dataset"


class ChecksumError(DataSourceError):
    """A file whose sha256 differs from the registry's (truncated or altered download)."""


class MirrorFileMissingError(DataSourceError):
    """The mirror folder does not hold a file the registry names."""


class DownloadError(DataSourceError):
    """The network fetch failed (no connection, HTTP error)."""


class NotFetchedError(DataSourceError):
    """A loader was asked for a file that has not been fetched yet."""


class SchemaError(DataSourceError):
    """A file's contents do not match the documented columns and types."""


class EmptyFileError(SchemaError):
    """A source file with no data rows."""


class DuplicateKeyError(SchemaError):
    """Rows that repeat a primary key."""


# --- harmonization ----------------------------------------------------------------
class HarmonizeError(PeacestatsError):
    """Inputs that cannot be harmonized (unknown codes, inconsistent dates)."""


class UnmatchedCodeError(HarmonizeError):
    """Country codes or names that no crosswalk row matches."""

    #: what matched nothing ((code, year) pairs or names), set by the function that raises
    unmatched: list


# --- models ------------------------------------------------------------------------
class ModelError(PeacestatsError):
    """A model that cannot be fitted as asked."""


class SpecificationError(ModelError, ValueError):
    """A formula or argument that does not fit the data (missing column, one cluster, ...)."""


class SeparationError(SpecificationError):
    """Perfect (complete or quasi-complete) separation: the maximum-likelihood estimates do not exist."""


class SeparationWarning(UserWarning):
    """Fitted probabilities (or means) numerically 0 or 1 without proven separation."""


class SurvivalDataError(ModelError, ValueError):
    """Survival data that break the counting-process rules (bad intervals, misplaced events)."""


class ConvergenceError(ModelError):
    """An optimiser that did not reach a finite optimum."""


class LinkTableError(HarmonizeError):
    """The mission-conflict link table breaks its rules (the message names file, column and row),
    or does not cover the mission universe / names a conflict that does not exist."""


# --- files and folders ---------------------------------------------------------------
class UnsafePathError(PeacestatsError, ValueError):
    """A name or path (registry entry, report or table name) that would leave its folder."""


class MirrorConfigError(DataSourceError):
    """``PEACESTATS_DATA_MIRROR`` is neither an existing folder nor an ``http(s)://`` address."""


class OutputError(PeacestatsError):
    """An output that cannot be written: full disk, read-only or file-shaped folder."""


class ReportFileError(PeacestatsError):
    """A report's JSON sidecar that is truncated, foreign, or does not match its HTML."""


# --- the project's mission tables (peacestats.harmonize.missions, mission_universe) ----------
class MissionTableError(HarmonizeError):
    """A mission table that breaks its documented rules (the message names file, column, row)."""


class MissionDateError(MissionTableError):
    """A date that is not YYYY-MM-DD, or a mission that ends before it starts."""


class MissionStatusError(MissionTableError):
    """An ``ongoing`` flag that contradicts the dates: an ongoing mission with an end date."""


class MissionTypeError(MissionTableError):
    """A ``mission_type`` outside observer / traditional / multidimensional / enforcement."""


class MissingSourceError(MissionTableError):
    """A row whose ``source`` is empty: every fact needs a public source."""


class InvalidHostCodeError(MissionTableError, UnmatchedCodeError):
    """A host code that is not an integer, or not a Gleditsch-Ward state code."""


class DuplicateMissionError(MissionTableError):
    """An acronym (or Kathman mission name) given to two rows."""


class MissionValueError(MissionTableError):
    """Any other malformed value, or a missing coded value (or unknown end) without a note saying why."""


# --- robustness (peacestats.robustness) ------------------------------------------------
class MultiverseError(PeacestatsError, ValueError):
    """A multiverse that cannot be declared or run as asked: an unknown dimension or option,
    a bad config file, an output folder holding another multiverse's results."""
