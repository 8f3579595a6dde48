"""How one landing file becomes rows of its source's raw relation.

Each file is read by DuckDB (CSV/TSV: every field as text, the dialect set explicitly, no
sniffing; Parquet: every column cast to text), its export's headers mapped to the contract's
columns by its feed, and every other column kept in ``extra_columns`` (one JSON object per row),
so nothing of an export is dropped before the raw relation. Every row carries its lineage: the
feed, the file, its row number, the load and the time zone its naive timestamps are in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from nps_warehouse.contract import SOURCE_CONTRACTS, SourceContract
from nps_warehouse.landing.config import Feed, validate_timezone
from nps_warehouse.landing.errors import LandingConfigError, LandingFileError
from nps_warehouse.landing.files import (
    LandingFile,
    TextLayout,
    encoding_message,
    physical_line_of_record,
    quote_sql,
)

#: Lineage columns of every raw relation, before the contract's columns.
LINEAGE_COLUMNS: tuple[str, ...] = (
    "feed_name",
    "source_file",
    "source_row_number",
    "load_id",
    "source_timezone",
)
EXTRA_COLUMNS = "extra_columns"


def raw_columns(contract: SourceContract) -> tuple[str, ...]:
    """The columns of a source's raw relation, in order."""
    return (*LINEAGE_COLUMNS, *contract.columns, EXTRA_COLUMNS)


@dataclass(frozen=True)
class FilePlan:
    """How a file's rows are read: its headers, which header (by position) each contract column
    comes from, the extra columns, and the zone of its naive timestamps."""

    file: LandingFile
    feed: Feed
    headers: tuple[str, ...]
    #: contract column -> header position, for the columns the export has
    positions: dict[str, int]
    #: contract columns with no header and no constant (null in every row)
    missing: tuple[str, ...]
    #: the missing columns worth a warning: all but the quietly optional ones the feed's
    #: preset does not expect
    missing_to_report: tuple[str, ...]
    #: (JSON key, header position) of every column no contract column reads
    extras: tuple[tuple[str, int], ...]
    source_timezone: str
    layout: TextLayout | None = None


def plan_file(feed: Feed, file: LandingFile, headers: tuple[str, ...], layout: TextLayout | None) -> FilePlan:
    """Maps an export's headers to the contract; raises LandingConfigError naming the feed and
    the key when a mapping names a header the export lacks, or a required column is missing."""
    contract = SOURCE_CONTRACTS[feed.source]
    by_name: dict[str, int] = {}
    for position, header in enumerate(headers):
        by_name.setdefault(header.strip().lower(), position)
    positions: dict[str, int] = {}
    missing: list[str] = []
    problems: list[str] = []
    for column in contract.columns:
        if column in feed.constants:
            continue
        header = feed.header_for(column)
        if header is None:
            missing.append(column)
            continue
        position = by_name.get(header.strip().lower())
        if position is not None:
            positions[column] = position
        elif column in feed.columns and column not in feed.preset_columns:
            problems.append(f"key `columns.{column}` maps it to {header!r}, which the export does not have")
        elif column in contract.required:
            origin = f"preset {feed.preset}'s {header!r}" if column in feed.preset_columns else f"{header!r}"
            problems.append(
                f"required column {column!r} not found (looked for {origin}): map it with "
                f"`columns: {{{column}: <the export's header>}}`"
            )
        else:
            missing.append(column)
    if problems:
        headers_text = ", ".join(repr(header) for header in headers[:40])
        more = f" and {len(headers) - 40} more" if len(headers) > 40 else ""
        raise LandingConfigError(
            f"{feed.origin}: {feed.describe()}: landing file {file.path}: "
            + "; ".join(problems)
            + f". The export's headers are: {headers_text}{more}. Nothing was loaded."
        )
    used = set(positions.values())
    extras: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        if position in used:
            continue
        seen[header] = seen.get(header, 0) + 1
        key = header if seen[header] == 1 else f"{header}#{seen[header]}"
        extras.append((key, position))
    timezone = feed.timezone or "UTC"
    if feed.timezone is None and feed.timezone_from_export and layout is not None:
        timezone = _export_timezone(feed, file, layout, positions.get("submitted_at"))
    # a column the feed maps to null is missing on purpose; the quietly optional ones are
    # worth a word only when the feed's preset expects them
    report = tuple(
        column
        for column in missing
        if feed.header_for(column) is not None
        and (column not in contract.quietly_optional or column in feed.preset_columns)
    )
    return FilePlan(
        file=file,
        feed=feed,
        headers=headers,
        positions=positions,
        missing=tuple(missing),
        missing_to_report=report,
        extras=tuple(extras),
        source_timezone=timezone,
        layout=layout,
    )


def _export_timezone(feed: Feed, file: LandingFile, layout: TextLayout, position: int | None) -> str:
    """The time zone a Qualtrics export names for its dates: the ``timeZone`` of the
    submitted_at column's ImportId JSON, in the last header row."""
    where = f"{feed.describe()}: landing file {file.path}"
    found = None
    if position is not None and len(layout.header_records) >= 2:
        cell = layout.header_records[-1][position] if position < len(layout.header_records[-1]) else ""
        try:
            import_id = json.loads(cell)
        except ValueError:
            import_id = None
        if isinstance(import_id, dict):
            found = import_id.get("timeZone")
    if not found:
        raise LandingFileError(
            f"{where}: its last header row does not name the time zone of "
            f"{layout.header[position] if position is not None else 'the submission date'} "
            '(a {"ImportId": ..., "timeZone": ...} cell), so its dates cannot be placed in time: '
            "set `timezone:` for this feed (the zone the survey's dates were exported in)."
        )
    return validate_timezone(found, f"{where}: the timeZone of its ImportId row")


def select_sql(plan: FilePlan, load_id: int) -> str:
    """A DuckDB select of the file's raw rows, in the raw relation's column order."""
    feed, contract = plan.feed, SOURCE_CONTRACTS[plan.feed.source]
    if plan.file.is_parquet:
        references = [f'"{header.replace(chr(34), chr(34) * 2)}"' for header in plan.headers]
        values = [f"nullif(cast({reference} as varchar), '')" for reference in references]
        row_number = "cast(file_row_number + 1 as bigint)"
        scan = f"read_parquet({quote_sql(plan.file.path)}, file_row_number = true)"
        where = ""
    else:
        assert plan.layout is not None
        names = ", ".join(f"'c{index}': 'varchar'" for index in range(len(plan.headers)))
        values = [f"nullif(c{index}, '')" for index in range(len(plan.headers))]
        header_rows = feed.header_rows
        row_number = f"cast(ordinality - {header_rows} as bigint)"
        scan = (
            f"read_csv({quote_sql(plan.layout.read_path)}, header = false, auto_detect = false, "
            f"columns = {{{names}}}, delim = {quote_sql(plan.layout.delimiter)}, quote = '\"', "
            "escape = '\"', strict_mode = true, comment = '', skip = 0, null_padding = false) "
            "with ordinality"
        )
        where = f"\nwhere ordinality > {header_rows}"
    selected = [
        f"{quote_sql(feed.name)} as feed_name",
        f"{quote_sql(plan.file.path)} as source_file",
        f"{row_number} as source_row_number",
        f"cast({load_id} as bigint) as load_id",
        f"{quote_sql(plan.source_timezone)} as source_timezone",
    ]
    for column in contract.columns:
        if column in feed.constants:
            constant = feed.constants[column]
            expression = quote_sql(constant) if constant != "" else "cast(null as varchar)"
        elif column in plan.positions:
            expression = values[plan.positions[column]]
        else:
            expression = "cast(null as varchar)"
        selected.append(f"{expression} as {column}")
    if plan.extras:
        pairs = ", ".join(f"{quote_sql(key)}, {values[position]}" for key, position in plan.extras)
        selected.append(f"cast(json_object({pairs}) as varchar) as {EXTRA_COLUMNS}")
    else:
        selected.append(f"'{{}}' as {EXTRA_COLUMNS}")
    return "select\n    " + ",\n    ".join(selected) + f"\nfrom {scan}{where}"


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FIELD_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def translate_read_error(plan: FilePlan, error: Exception) -> LandingFileError:
    """DuckDB's error reading a file, in the user's terms (DuckDB's own text follows)."""
    text = str(error)
    where = f"{plan.feed.describe()}: landing file {plan.file.path}"
    duckdb_text = text.strip().splitlines()
    detail = " ".join(line.strip() for line in duckdb_text[:3] if line.strip())
    line_match = _CSV_LINE.search(text)
    if line_match and plan.layout is not None:
        record = int(line_match.group(1))
        data_row = record - plan.feed.header_rows
        line = physical_line_of_record(plan.layout.read_path, record, plan.layout.delimiter)
        place = f"line {line}" if line else f"record {record}"
        place += f" (data row {data_row})" if data_row >= 1 else " (a header row)"
        count = _FIELD_COUNT.search(text)
        if count:
            expected, found = int(count.group(1)), int(count.group(2))
            what = "more" if found > expected else "fewer"
            cause = (
                "an unquoted delimiter inside a value, or a missing quote?"
                if found > expected
                else "a line cut short, or a quote closed too early?"
            )
            return LandingFileError(
                f"{where}, {place}: the row has {found} fields, {what} than the header's {expected} "
                f"({cause}). Fix the export (quote values that hold the delimiter) and land it "
                f"again. DuckDB said: {detail}"
            )
        if "unterminated quote" in text:
            return LandingFileError(
                f"{where}, {place}: a quote opened in this row is never closed, so the rest of the "
                "file would be read as one value. Fix the quote in the export (a quote inside a "
                f'quoted value is written twice: "") and land it again. DuckDB said: {detail}'
            )
        if "Invalid unicode" in text:
            return LandingFileError(f"{encoding_message(where, plan.feed, plan.file)} DuckDB said: {detail}")
        return LandingFileError(f"{where}, {place}: the row cannot be read. DuckDB said: {detail}")
    return LandingFileError(f"{where} cannot be read. DuckDB said: {detail}")


def parquet_headers(connection: Any, file: LandingFile) -> tuple[str, ...]:
    """The column names of a Parquet file (its top-level columns, in order)."""
    try:
        description = connection.execute(
            f"select * from read_parquet({quote_sql(file.path)}) limit 0"
        ).description
    except Exception as exc:
        raise LandingFileError(
            f"landing file {file.path} cannot be read as Parquet ({str(exc).splitlines()[0]}): "
            "check that it is a Parquet file, or name it for what it is (.csv)."
        ) from exc
    return tuple(column[0] for column in description)
