"""What every step of the benchmark shares: the sizes, the dates and the cube's columns."""

from __future__ import annotations

import re
from pathlib import Path

from nps_warehouse.contract import RESPONSE_COLUMNS

#: The columns the floor and the pandas pipeline read: the core ones and the two other metrics
#: (a response with a valid CSAT or CES but no NPS still wins its de-duplication).
FLOOR_COLUMNS: tuple[str, ...] = (*RESPONSE_COLUMNS, "csat_score", "ces_score")

PROJECT_DIR = Path(__file__).resolve().parents[2]
HISTORY_END = "2026-10-31"
NEW_DAY = "2026-11-01"
HISTORY_DAYS = 365
#: The comment models (README, "What customers say") and their seeds: rebuilt alone on a built
#: warehouse, they show what reading the comments adds to a full build.
COMMENT_SELECTION = (
    "path:seeds/comments",
    "path:models/staging/comment_reference",
    "path:models/intermediate/comments",
    "path:models/marts/comments",
)
ROWS_PER_FILE = 500_000
NEW_DAY_RESUBMIT_RATE = 0.05
#: Response numbers of the new day start here, beyond any history size the benchmark makes.
NEW_DAY_FIRST_RESPONSE = 1_000_000_001
CUBE_COLUMNS = (
    "response_date",
    "channel",
    "region",
    "segment",
    "responses",
    "promoters",
    "passives",
    "detractors",
)


def parse_size(text: str) -> int:
    """'1M' -> 1_000_000, '500k' -> 500_000, '2500' -> 2500."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 1M, 500k, 20000)")
    number = float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    if number < 1 or number != int(number):
        raise ValueError(f"not a whole number of rows: {text!r}")
    return int(number)


def format_size(rows: int) -> str:
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return str(rows)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
