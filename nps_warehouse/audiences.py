"""The CRM export of the campaign audiences: one CSV per audience of rpt_campaign_audiences, ids
and attributes only (never a comment), ready for a CRM import.

Each file ``<audience>.csv`` (UTF-8, a header, RFC 4180 quoting, LF line ends) lists the
audience's customers sorted by id with the columns of :data:`EXPORT_COLUMNS`; an audience without
customers gets a file with its header only, so that an import job never reads last week's file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from nps_warehouse.contract import MART_COLUMNS, MART_SCHEMAS
from nps_warehouse.engines import query_rows

MART = "rpt_campaign_audiences"
AUDIENCES: tuple[str, ...] = ("referral_candidates", "passive_reengagement", "detractor_recovery")
#: The columns of every exported file: the mart's, but the audience (the file's name).
EXPORT_COLUMNS: tuple[str, ...] = tuple(column for column in MART_COLUMNS[MART] if column != "audience")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_audiences(
    rows: Iterable[Sequence[Any]], out_dir: str | os.PathLike[str], audiences: Sequence[str] = AUDIENCES
) -> dict[str, tuple[Path, int]]:
    """Write ``<audience>.csv`` under ``out_dir`` for each of ``audiences`` from the mart's
    ``rows`` (in MART_COLUMNS order); returns {audience: (path, customers)}."""
    unknown = sorted(set(audiences) - set(AUDIENCES))
    if unknown:
        raise ValueError(f"unknown audience(s) {', '.join(unknown)}; expected {', '.join(AUDIENCES)}")
    by_audience: dict[str, list[Sequence[Any]]] = {audience: [] for audience in audiences}
    for row in rows:
        if row[0] in by_audience:
            by_audience[row[0]].append(row)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for audience, members in by_audience.items():
        path = out / f"{audience}.csv"
        members.sort(key=lambda row: row[1])
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(EXPORT_COLUMNS)
            for row in members:
                writer.writerow([_text(value) for value in row[1:]])
        written[audience] = (path, len(members))
    return written


def read_audience_rows(*, target: str | None = None, duckdb_path: str | None = None) -> list[tuple[Any, ...]]:
    """The rows of rpt_campaign_audiences on the target's engine, in MART_COLUMNS order."""
    sql = f"select {', '.join(MART_COLUMNS[MART])} from {MART_SCHEMAS[MART]}.{MART}"
    return query_rows(sql, target=target, duckdb_path=duckdb_path)
