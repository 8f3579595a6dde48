"""Landing files: finding them like DuckDB's ``glob()``, and reading their rows per feed.

README, "Landing contract" and "Landing config": CSV / TSV (optionally gzip-compressed) in the
feed's encoding and delimiter with its header rows, or Parquet; every value as text, an empty
field null; each contract column read from its header (or a constant), every other column kept
in ``extra_columns``.
"""

from __future__ import annotations

import csv
import fnmatch
import gzip
import hashlib
import io
import json
import math
import os
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from nps_warehouse.contract import RESPONSE_RAW_COLUMNS, SOURCE_CONTRACTS, SourceContract
from nps_warehouse.oracle.errors import LandingConfigError, LandingError, MissingColumnsError
from nps_warehouse.oracle.feeds import Feed
from nps_warehouse.oracle.timestamps import time_zone

_CONTRACT = SOURCE_CONTRACTS["responses"]

#: The timestamp column of each source whose zone a ``qualtrics`` export names in its header.
TIMESTAMP_COLUMNS: dict[str, str] = {
    "responses": "submitted_at",
    "customers": "updated_at",
    "agents": "updated_at",
    "interactions": "started_at",
    "invitations": "sent_at",
    "agent_engagement": "surveyed_at",
}

# ---------------------------------------------------------- finding the landing files

_GLOB_CHARACTERS = ("*", "?", "[")
_DIRECTORY_PATTERNS = ("*.csv", "*.csv.gz", "*.parquet")
SUPPORTED_EXTENSIONS = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".parquet")


def resolve_landing_files(spec: str) -> list[str]:
    """The landing files designated by ``spec`` (``NPS_RAW_RESPONSES``), sorted.

    * a pattern containing ``*``, ``?`` or ``[``: every file it matches;
    * a directory: every ``*.csv``, ``*.csv.gz`` and ``*.parquet`` directly inside;
    * otherwise a file, returned as given.

    Paths are spelled as DuckDB's ``glob()`` spells them, since that spelling is the
    ``source_file`` of every row. Nothing found is an error.
    """
    files = find_files(spec)
    if not files:
        raise LandingError(f"NPS_RAW_RESPONSES={spec!r} matches no landing file")
    return files


def find_files(spec: str) -> list[str]:
    """The files of a feed's path ``spec`` (see :func:`resolve_landing_files`), maybe none."""
    if any(character in spec for character in _GLOB_CHARACTERS):
        return _glob(spec)
    if os.path.isdir(spec):
        directory = spec.rstrip("/")
        return sorted({f for p in _DIRECTORY_PATTERNS for f in _glob(f"{directory}/{p}")})
    if os.path.isfile(spec):
        return [spec]
    return []


def feed_files(feeds: Iterable[Feed]) -> list[tuple[Feed, str]]:
    """Every (feed, file) of ``feeds``, by file; a file of two feeds or of another type is an error."""
    owner: dict[str, Feed] = {}
    for feed in feeds:
        files = resolve_landing_files(feed.path) if feed.implicit else find_files(feed.path)
        for path in files:
            if not path.lower().endswith(SUPPORTED_EXTENSIONS):
                raise LandingError(
                    f"feed {feed.name!r}: {path!r} is not a landing file type "
                    f"({', '.join(SUPPORTED_EXTENSIONS)})"
                )
            other = owner.setdefault(path, feed)
            if other is not feed:
                raise LandingConfigError(
                    f"{path!r} is matched by two feeds: {other.name!r} and {feed.name!r}"
                )
    return sorted(((feed, path) for path, feed in owner.items()), key=lambda item: item[1])


def _glob(pattern: str) -> list[str]:
    """Files matching ``pattern``, matched and spelled like DuckDB's ``glob()``.

    As in DuckDB: empty and ``.`` components of the pattern are dropped (``./d//*.csv``
    yields ``d/a.csv``), wildcards match names starting with a dot too, matching is
    case-sensitive, ``**`` stands for any number of directories (none included), and
    only files are returned.
    """
    absolute = pattern.startswith("/")
    parts = [part for part in pattern.split("/") if part not in ("", ".")]
    if parts.count("**") > 1:
        raise LandingError(f"{pattern!r}: a pattern may contain '**' only once")
    paths = ["/" if absolute else ""]
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        keep = os.path.isfile if is_last else os.path.isdir
        paths = [
            candidate
            for path in paths
            for candidate in _expand_component(path, part)
            if keep(candidate or ".")
        ]
    return sorted(set(paths))


def _expand_component(parent: str, part: str) -> Iterator[str]:
    """The paths below ``parent`` that the pattern component ``part`` stands for."""
    if part == "**":
        yield from _self_and_descendants(parent)
    elif any(character in part for character in _GLOB_CHARACTERS):
        for name in _list_directory(parent):
            if fnmatch.fnmatchcase(name, part):
                yield _join(parent, name)
    else:
        yield _join(parent, part)


def _self_and_descendants(parent: str) -> Iterator[str]:
    yield parent
    for name in _list_directory(parent):
        path = _join(parent, name)
        if os.path.isdir(path) and not os.path.islink(path):
            yield from _self_and_descendants(path)
        else:
            yield path


def _list_directory(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path or "."))
    except OSError:
        return []


def _join(parent: str, name: str) -> str:
    if not parent:
        return name
    if parent.endswith("/"):
        return parent + name
    return f"{parent}/{name}"


# ---------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row of a landing file: the contract columns as read (None when empty),
    then its lineage and the columns no contract column reads."""

    source_file: str
    source_row_number: int
    response_id: str | None
    survey_id: str | None
    customer_id: str | None
    submitted_at: str | None
    channel: str | None
    region: str | None
    segment: str | None
    agent_id: str | None
    score: str | None
    comment: str | None
    language: str | None = None
    response_type: str | None = None
    finished: str | None = None
    touchpoint: str | None = None
    brand: str | None = None
    business_unit: str | None = None
    interaction_id: str | None = None
    invitation_id: str | None = None
    csat_score: str | None = None
    ces_score: str | None = None
    feed_name: str = "default"
    #: the zone the row's timestamps without an offset are read in
    source_timezone: str = "UTC"
    #: (header as written, value) of every column no contract column reads, in file order
    extra_columns: tuple[tuple[str, str | None], ...] = ()

    def raw_values(self) -> tuple[str | None, ...]:
        """The contract columns in order (RESPONSE_RAW_COLUMNS): the ``raw_*`` columns of the audit."""
        return tuple(getattr(self, column) for column in RESPONSE_RAW_COLUMNS)


@dataclass(frozen=True)
class LandingFile:
    """One landing file of a feed, read whole."""

    path: str
    feed: Feed
    #: SHA-256 (hex) of the file's bytes
    fingerprint: str
    #: size in bytes
    size: int
    source_timezone: str
    #: the contract columns the file lacks (null in every row), in contract order
    missing_columns: tuple[str, ...]
    rows: tuple[RawRow, ...]


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row of a landing file of a source other than responses (customers, agents,
    ...): its contract columns as read (None when empty), readable by name like a
    :class:`RawRow`'s (``row.customer_id``), then its lineage."""

    source: str
    source_file: str
    source_row_number: int
    #: the source's contract columns, in contract order
    values: tuple[str | None, ...]
    feed_name: str
    #: the zone the row's timestamps without an offset are read in
    source_timezone: str = "UTC"
    #: (header as written, value) of every column no contract column reads, in file order
    extra_columns: tuple[tuple[str, str | None], ...] = ()

    def __getattr__(self, name: str) -> str | None:
        try:
            columns = SOURCE_CONTRACTS[object.__getattribute__(self, "source")].columns
        except (AttributeError, KeyError):
            raise AttributeError(name) from None
        if name not in columns:
            raise AttributeError(f"{name!r} is not a column of the source {self.source!r}")
        return self.values[columns.index(name)]

    @classmethod
    def of(
        cls,
        source: str,
        source_file: str,
        source_row_number: int,
        *,
        feed_name: str = "default",
        source_timezone: str = "UTC",
        **values: str | None,
    ) -> SourceRow:
        """A row of ``source`` with the given contract columns (the others None)."""
        columns = SOURCE_CONTRACTS[source].columns
        strays = sorted(set(values) - set(columns))
        if strays:
            raise ValueError(f"{strays} are not columns of the source {source!r}")
        return cls(
            source,
            source_file,
            source_row_number,
            tuple(values.get(column) for column in columns),
            feed_name,
            source_timezone,
        )

    def raw_values(self) -> tuple[str | None, ...]:
        """The contract columns in order: the ``raw_*`` columns of the source's audit."""
        return self.values


@dataclass(frozen=True)
class SourceFile:
    """One landing file of a feed of a source other than responses, read whole."""

    path: str
    feed: Feed
    fingerprint: str
    size: int
    source_timezone: str
    missing_columns: tuple[str, ...]
    rows: tuple[SourceRow, ...]


# ----------------------------------------------------------------------- reading


def read_landing_file(path: str, feed: Feed) -> LandingFile:
    """Every data row of the landing file ``path`` of ``feed`` (a responses feed); the format
    follows the name."""
    content, zone, missing, records = _read_records(path, feed, _CONTRACT)
    rows = tuple(
        RawRow(path, row_number, *values, feed.name, zone, extras) for row_number, values, extras in records
    )
    return LandingFile(
        path=path,
        feed=feed,
        fingerprint=hashlib.sha256(content).hexdigest(),
        size=os.stat(path).st_size,
        source_timezone=zone,
        missing_columns=missing,
        rows=rows,
    )


def read_source_file(path: str, feed: Feed) -> SourceFile:
    """Every data row of the landing file ``path`` of ``feed``, a feed of a source other than
    responses: read as a responses file is (encoding, delimiter, header rows, header mapping,
    constants, time zone), the columns being those of the source's contract."""
    content, zone, missing, records = _read_records(path, feed, SOURCE_CONTRACTS[feed.source])
    rows = tuple(
        SourceRow(feed.source, path, row_number, tuple(values), feed.name, zone, extras)
        for row_number, values, extras in records
    )
    return SourceFile(
        path=path,
        feed=feed,
        fingerprint=hashlib.sha256(content).hexdigest(),
        size=os.stat(path).st_size,
        source_timezone=zone,
        missing_columns=missing,
        rows=rows,
    )


_Record = tuple[int, list[str | None], tuple[tuple[str, str | None], ...]]


def _read_records(
    path: str, feed: Feed, contract: SourceContract
) -> tuple[bytes, str, tuple[str, ...], list[_Record]]:
    """The file's bytes, the zone of its naive timestamps, the contract columns it lacks, and
    (row number, contract values, extra columns) of every data row."""
    with open(path, "rb") as handle:
        content = handle.read()
    if path.lower().endswith(".parquet"):
        header_rows, records = [_parquet_names(path)], _read_parquet(path)
    else:
        header_rows, records = _read_text(path, content, feed)
    names = header_rows[0]
    positions, missing = _column_positions(path, feed, names, contract)
    read_positions = {position for position in positions.values() if position is not None}
    extra_positions = [position for position in range(len(names)) if position not in read_positions]
    extra_keys = _extra_keys([names[position] for position in extra_positions])
    zone_column = TIMESTAMP_COLUMNS.get(contract.name, "submitted_at")
    zone = _source_timezone(path, feed, header_rows, positions.get(zone_column), zone_column)

    rows: list[_Record] = []
    for row_number, record in enumerate(records, start=1):
        values = [
            feed.constants[column] if column in feed.constants else _field(record, positions[column])
            for column in contract.columns
        ]
        extras = tuple(
            (key, _field(record, position)) for key, position in zip(extra_keys, extra_positions, strict=True)
        )
        rows.append((row_number, values, extras))
    return content, zone, missing, rows


def _field(record: list[str | None], position: int | None) -> str | None:
    if position is None or position >= len(record):
        return None
    return record[position]


def _column_positions(
    path: str, feed: Feed, names: list[str], contract: SourceContract = _CONTRACT
) -> tuple[dict[str, int | None], tuple[str, ...]]:
    """Position of each contract column's header among ``names`` (None: not read from the file),
    and the contract columns the file lacks. A lacking required column, or a header the feed
    itself maps a column to, is an error."""
    first_position: dict[str, int] = {}
    for position, name in enumerate(names):
        first_position.setdefault(name.strip().lower(), position)
    positions: dict[str, int | None] = {}
    missing: list[str] = []
    refused: list[str] = []
    looked_for: dict[str, str] = {}
    for column in contract.columns:
        positions[column] = None
        if column in feed.constants:
            continue
        header = feed.header_of(column)
        if header is None:  # mapped to null: the export has no such column
            if column in contract.required:
                refused.append(column)
            continue
        positions[column] = first_position.get(header.strip().lower())
        if positions[column] is not None:
            continue
        looked_for[column] = header
        if column in contract.required or column in feed.own_columns:
            refused.append(column)
        elif column not in contract.quietly_optional or column in feed.preset_columns:
            missing.append(column)
    if refused:
        raise MissingColumnsError(path, refused, feed_name=feed.name, headers=names, looked_for=looked_for)
    return positions, tuple(missing)


def _extra_keys(headers: list[str]) -> list[str]:
    """The JSON keys of the extra columns: the header as written, ``name#2`` when repeated."""
    seen: dict[str, int] = {}
    keys = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        keys.append(header if seen[header] == 1 else f"{header}#{seen[header]}")
    return keys


def _source_timezone(
    path: str,
    feed: Feed,
    header_rows: list[list[str]],
    timestamp_position: int | None,
    timestamp_column: str = "submitted_at",
) -> str:
    """The zone of the file's timestamps without an offset."""
    if feed.timezone is not None:
        return feed.timezone
    if not feed.zone_from_export:
        return "UTC"
    # Qualtrics: the last header row holds {"ImportId": ..., "timeZone": ...} per column.
    cell = None
    if timestamp_position is not None and len(header_rows) > 1:
        last = header_rows[-1]
        cell = last[timestamp_position] if timestamp_position < len(last) else None
    try:
        zone = json.loads(cell or "").get("timeZone")
    except (ValueError, AttributeError):
        zone = None
    if not isinstance(zone, str) or not zone:
        raise LandingError(
            f"feed {feed.name!r}: {path!r}: the header rows do not name the time zone of "
            f'{timestamp_column} ({{"ImportId": ..., "timeZone": ...}}); set \'timezone\''
        )
    try:
        time_zone(zone)
    except LandingConfigError as error:
        raise LandingError(f"feed {feed.name!r}: {path!r}: {error}") from error
    return zone


# ------------------------------------------------------------------------ CSV / TSV

_CODECS = {"utf-8": "utf-8-sig", "cp1252": "cp1252", "latin-1": "latin-1", "utf-16": "utf-16"}


def _read_text(path: str, content: bytes, feed: Feed) -> tuple[list[list[str]], Iterator[list[str | None]]]:
    """The header rows and the data records of a delimited text file.

    The whole file is decoded with the feed's encoding (a UTF-8 byte order mark skipped);
    blank lines are no record; an empty field is None.
    """
    lowered = path.lower()
    if lowered.endswith(".gz"):
        content = gzip.decompress(content)
    try:
        text = content.decode(_CODECS[feed.encoding])
    except UnicodeDecodeError as error:
        raise LandingError(f"feed {feed.name!r}: {path!r} is not {feed.encoding}: {error}") from error
    delimiter = feed.delimiter or ("\t" if lowered.endswith((".tsv", ".tsv.gz")) else ",")
    # A long verbatim may exceed the csv module's default field limit of 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    records = (record for record in reader if record)
    header_rows = [record for _, record in zip(range(feed.header_rows), records, strict=False)]
    if len(header_rows) < feed.header_rows:
        raise LandingError(
            f"feed {feed.name!r}: {path!r} has {len(header_rows)} row(s), fewer than "
            f"header_rows ({feed.header_rows})"
        )
    return header_rows, ([field or None for field in record] for record in records)


# ---------------------------------------------------------------------------- Parquet


def _parquet_names(path: str) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.ParquetFile(path).schema_arrow.names)


def _read_parquet(path: str) -> Iterator[list[str | None]]:
    """The values of each row of a Parquet file, every column cast to text like DuckDB."""
    import pyarrow.parquet as pq

    parquet_file = pq.ParquetFile(path)
    schema = parquet_file.schema_arrow
    converters = [_text_converter(schema.field(index).type) for index in range(len(schema.names))]
    for batch in parquet_file.iter_batches():
        columns = [
            [convert(value) for value in batch.column(index).to_pylist()]
            for index, convert in enumerate(converters)
        ]
        yield from (list(values) for values in zip(*columns, strict=True))


def _text_converter(arrow_type: Any) -> Callable[[Any], str | None]:
    import pyarrow as pa

    return _float32_text if pa.types.is_float32(arrow_type) else _text


def _text(value: Any) -> str | None:
    """``value`` as DuckDB's cast to VARCHAR writes it; None and '' are null."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest round-trip form, as DuckDB: 9.0, 1e+16, nan
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return _datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _float32_text(value: float | None) -> str | None:
    """Shortest decimal form that reads back as the same 32-bit float, as DuckDB."""
    if value is None or not math.isfinite(value):
        return _text(value)
    for precision in range(1, 10):
        candidate = float(f"{value:.{precision}g}")
        if struct.pack("<f", candidate) == struct.pack("<f", value):
            return repr(candidate)
    return repr(value)


def _datetime_text(value: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS[.fraction][+00]``, trailing zeros dropped, as DuckDB."""
    suffix = ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
        suffix = "+00"
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + suffix
