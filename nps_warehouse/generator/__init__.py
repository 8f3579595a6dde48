"""Synthetic data of the CX programme: survey responses and the sources they refer to.

One module per source - ``responses``, ``customers``, ``agents``, ``interactions``,
``invitations``, ``engagement`` (the agents' engagement survey) - and ``programme``, which writes
the six of a batch together, consistent with each other.  They share counter-based randomness
(``rng``), vectorised text and timestamps (``text``, ``timestamps``), histories and extract
windows (``history``), ids (``ids``), messy cases (``cases``), reference data (``reference``) and
writers (``writers``).  The public API is
re-exported here: ``generate`` writes responses alone, ``generate_programme`` all six sources.
"""

from __future__ import annotations

from .programme import SOURCE_COLUMNS, SOURCES, ProgrammeProgress, ProgrammeResult, generate_programme
from .reference import CHANNELS, OFF_LIST_SEGMENTS, REGIONS, SEGMENTS, UNKNOWN_REGIONS, UNMAPPED_CHANNELS
from .responses import (
    COLUMNS,
    DEFAULT_CHUNK_ROWS,
    DEFAULT_DAYS,
    DEFAULT_MESSY_RATE,
    DEFAULT_PREFIX,
    DEFAULT_RESUBMIT_RATE,
    DEFAULT_ROWS,
    DEFAULT_SEED,
    DEFAULT_START_DATE,
    EXTRA_COLUMNS,
    INVALID_CES_LITERALS,
    INVALID_CSAT_LITERALS,
    INVALID_SCORE_LITERALS,
    MAX_CHUNK_ROWS,
    METRIC_CASES,
    OUTPUT_COLUMNS,
    PROGRAMME_COLUMNS,
    UNMAPPED_BRANDS,
    UNMAPPED_BUSINESS_UNITS,
    UNMAPPED_TOUCHPOINTS,
    BatchSpec,
    GenerationResult,
    ProgressCallback,
    build_rows,
    generate,
    history_start,
)
from .writers import FORMATS, OutputExistsError, csv_lines, write_csv
from .writers import output_file_names as _output_file_names


def output_file_names(files: int, fmt: str, prefix: str = DEFAULT_PREFIX) -> list[str]:
    """Names of the files generate() writes (zero-padded so that they sort in order)."""
    return _output_file_names(files, fmt, prefix)


__all__ = [
    "CHANNELS",
    "COLUMNS",
    "DEFAULT_CHUNK_ROWS",
    "DEFAULT_DAYS",
    "DEFAULT_MESSY_RATE",
    "DEFAULT_PREFIX",
    "DEFAULT_RESUBMIT_RATE",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "DEFAULT_START_DATE",
    "EXTRA_COLUMNS",
    "FORMATS",
    "INVALID_CES_LITERALS",
    "INVALID_CSAT_LITERALS",
    "INVALID_SCORE_LITERALS",
    "MAX_CHUNK_ROWS",
    "METRIC_CASES",
    "OFF_LIST_SEGMENTS",
    "OUTPUT_COLUMNS",
    "PROGRAMME_COLUMNS",
    "REGIONS",
    "SEGMENTS",
    "SOURCES",
    "SOURCE_COLUMNS",
    "UNKNOWN_REGIONS",
    "UNMAPPED_BRANDS",
    "UNMAPPED_BUSINESS_UNITS",
    "UNMAPPED_CHANNELS",
    "UNMAPPED_TOUCHPOINTS",
    "BatchSpec",
    "GenerationResult",
    "OutputExistsError",
    "ProgrammeProgress",
    "ProgrammeResult",
    "ProgressCallback",
    "build_rows",
    "csv_lines",
    "generate",
    "generate_programme",
    "history_start",
    "output_file_names",
    "write_csv",
]
