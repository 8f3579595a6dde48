"""Independent oracle of the NPS marts.

This module recomputes, from the raw landing files and the seeds, every row of every
model in the ``marts`` schema, following the README sections "Landing contract",
"Validation and normalisation rules" and "Marts" to the letter.  It deliberately shares
nothing with the dbt project: no DuckDB, no SQL, only the Python standard library (and
pyarrow to read Parquet).  The test harness compares every cell of the DuckDB marts with
the output of :func:`compute_marts`.

Values are plain Python objects:

* ``str`` for text, ``int`` for counts, scores and row numbers, ``bool`` for ``is_*``;
* ``decimal.Decimal`` with exactly two decimals for ``nps``;
* ``datetime.date`` for dates, naive ``datetime.datetime`` in UTC for ``submitted_at``;
* ``None`` for nulls.

Rows are tuples in the README column order (:data:`MART_COLUMNS`), sorted by the grain.
"""

from __future__ import annotations

import csv
import fnmatch
import gzip
import math
import os
import re
import struct
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nps_warehouse.contract import MART_COLUMNS, REQUIRED_COLUMNS

# --------------------------------------------------------------------------- contract


# Rejection reasons, in the order in which the rules are checked (README rule 4).
MISSING_RESPONSE_ID = "missing_response_id"
INVALID_SUBMITTED_AT = "invalid_submitted_at"
MISSING_SCORE = "missing_score"
INVALID_SCORE = "invalid_score"

# Audit statuses.
ACCEPTED = "accepted"
REJECTED = "rejected"
SUPERSEDED = "superseded"

UNKNOWN = "unknown"  # channel, region or segment left empty
OTHER = "other"  # channel that no alias of the seed matches


class LandingError(ValueError):
    """The landing spec matches no file, or a landing file breaks the contract."""


class MissingColumnsError(LandingError):
    """A landing file lacks one or more required columns."""

    def __init__(self, path: str, missing: Iterable[str]) -> None:
        self.path = path
        self.missing = tuple(missing)
        super().__init__(f"landing file {path!r} lacks required column(s): {', '.join(self.missing)}")


# ---------------------------------------------------------- finding the landing files

_GLOB_CHARACTERS = ("*", "?", "[")
_DIRECTORY_PATTERNS = ("*.csv", "*.csv.gz", "*.parquet")


def resolve_landing_files(spec: str) -> list[str]:
    """The landing files designated by ``spec`` (``NPS_RAW_RESPONSES``), sorted.

    * a pattern containing ``*``, ``?`` or ``[``: every file it matches;
    * a directory: every ``*.csv``, ``*.csv.gz`` and ``*.parquet`` directly inside;
    * otherwise a file, returned as given.

    Paths are spelled as DuckDB's ``glob()`` spells them, since that spelling is the
    ``source_file`` of every row.
    """
    if any(character in spec for character in _GLOB_CHARACTERS):
        files = _glob(spec)
    elif os.path.isdir(spec):
        directory = spec.rstrip("/")
        matches = {f for p in _DIRECTORY_PATTERNS for f in _glob(f"{directory}/{p}")}
        files = sorted(matches)
    elif os.path.isfile(spec):
        files = [spec]
    else:
        files = []
    if not files:
        raise LandingError(f"NPS_RAW_RESPONSES={spec!r} matches no landing file")
    return files


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


# ---------------------------------------------------------- reading the landing files


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row of a landing file, required fields as read (None when empty)."""

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

    def raw_values(self) -> tuple[str | None, ...]:
        """The required fields in README order: the ``raw_*`` columns of the audit."""
        return tuple(getattr(self, column) for column in REQUIRED_COLUMNS)


def read_landing_file(path: str) -> Iterator[RawRow]:
    """Stream the data rows of one landing file; the format follows the file name."""
    lowered = path.lower()
    if lowered.endswith(".parquet"):
        rows = _read_parquet(path)
    elif lowered.endswith(".gz"):
        rows = _read_csv(path, compressed=True)
    else:
        rows = _read_csv(path, compressed=False)
    for row_number, values in enumerate(rows, start=1):
        yield RawRow(path, row_number, *values)


def _column_positions(path: str, header: list[str]) -> list[int]:
    """Position in ``header`` of each required column (first case-insensitive match)."""
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(name.lower(), position)
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise MissingColumnsError(path, missing)
    return [positions[column] for column in REQUIRED_COLUMNS]


def _read_csv(path: str, *, compressed: bool) -> Iterator[tuple[str | None, ...]]:
    """The required fields of each row of an RFC 4180 CSV file.

    An empty field is None; a blank line is no row; missing trailing fields are None
    and extra fields are ignored; a byte order mark is skipped (all as DuckDB does).
    """
    # A long verbatim may exceed the csv module's default field limit of 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    opener = gzip.open if compressed else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        records = (record for record in csv.reader(handle) if record)
        positions = _column_positions(path, next(records, []))
        for record in records:
            yield tuple(
                (record[position] or None) if position < len(record) else None for position in positions
            )


def _read_parquet(path: str) -> Iterator[tuple[str | None, ...]]:
    """The required columns of each row of a Parquet file, cast to text like DuckDB."""
    import pyarrow.parquet as pq

    parquet_file = pq.ParquetFile(path)
    schema = parquet_file.schema_arrow
    positions = _column_positions(path, schema.names)
    names = [schema.names[position] for position in positions]
    converters = [_text_converter(schema.field(name).type) for name in names]
    for batch in parquet_file.iter_batches(columns=sorted(set(names))):
        columns = [
            [convert(value) for value in batch.column(name).to_pylist()]
            for name, convert in zip(names, converters, strict=True)
        ]
        yield from zip(*columns, strict=True)


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


# ------------------------------------------------- validation and normalisation rules


def trim(value: str | None) -> str | None:
    """Leading and trailing spaces, tabs, CRs and LFs removed; None if nothing left."""
    if value is None:
        return None
    return value.strip(" \t\r\n") or None


_SUBMITTED_AT = re.compile(
    r"([12][0-9]{3})-([0-9]{2})-([0-9]{2})"  # date, years 1000-2999
    r"[T ]"
    r"([01][0-9]|2[0-3]):([0-5][0-9])"  # HH:MM
    r"(?::([0-5][0-9])(?:\.([0-9]{1,6}))?)?"  # optional :SS, optional .fraction
    r"(?:Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?"  # optional Z or +HH:MM / -HH:MM
)


def parse_submitted_at(raw: str | None) -> datetime | None:
    """The UTC instant (naive) of an ISO-8601 ``submitted_at``; None when invalid."""
    text = trim(raw)
    match = _SUBMITTED_AT.fullmatch(text) if text is not None else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    try:
        local = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "").ljust(6, "0")),  # '.5' is 500000 microseconds
        )
    except ValueError:  # a date that does not exist, such as 30 February
        return None
    if sign is None:  # no offset, or Z: already UTC
        return local
    offset = timedelta(hours=int(off_h), minutes=int(off_m))
    return local - offset if sign == "+" else local + offset


_SCORE = re.compile(r"0*([0-9]{1,2})(?:\.0+)?")


def parse_score(raw: str | None) -> int | None:
    """The 0-10 score written in ``raw``; None when missing or invalid."""
    text = trim(raw)
    match = _SCORE.fullmatch(text) if text is not None else None
    if match is None:
        return None
    score = int(match.group(1))
    return score if score <= 10 else None


def rejection_reason(row: RawRow) -> str | None:
    """The first rule (in README order) that ``row`` breaks; None if it passes all."""
    if trim(row.response_id) is None:
        return MISSING_RESPONSE_ID
    if parse_submitted_at(row.submitted_at) is None:
        return INVALID_SUBMITTED_AT
    if trim(row.score) is None:
        return MISSING_SCORE
    if parse_score(row.score) is None:
        return INVALID_SCORE
    return None


def channel_key(raw: str) -> str:
    """``raw`` trimmed, lower-cased, without accents, spaces, hyphens, underscores."""
    lowered = raw.strip(" \t\r\n").lower()
    decomposed = unicodedata.normalize("NFKD", lowered)
    unaccented = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unaccented.replace(" ", "").replace("-", "").replace("_", "")


def map_channel(raw: str | None, channel_by_key: dict[str, str]) -> str:
    """The channel of a raw value: ``unknown`` when empty, ``other`` when unmapped."""
    if trim(raw) is None:
        return UNKNOWN
    return channel_by_key.get(channel_key(str(raw)), OTHER)


def nps_category(score: int) -> str:
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def nps(promoters: int, detractors: int, responses: int) -> Decimal:
    """100 * (promoters - detractors) / responses, rounded half away from zero.

    Computed exactly: the value in hundredths is a fraction, rounded to an integer.
    """
    hundredths = Fraction(100 * 100 * (promoters - detractors), responses)
    rounded = math.floor(abs(hundredths) + Fraction(1, 2))
    if hundredths < 0:
        rounded = -rounded
    return (Decimal(rounded) / 100).quantize(Decimal("0.01"))


# ------------------------------------------------------------------------------ seeds


@dataclass(frozen=True, slots=True)
class Seeds:
    #: (channel, channel_name, sort_order) rows of ``nps_channels``.
    channels: list[tuple[str, str | None, int]]
    #: reduced alias (:func:`channel_key`) -> channel, from ``nps_channel_aliases``.
    channel_by_key: dict[str, str]
    #: region -> (region_name, country_code), from ``nps_regions``.
    regions: dict[str, tuple[str | None, str | None]]
    #: segment -> segment_name, from ``nps_segments``.
    segments: dict[str, str | None]


def _read_seed(seeds_dir: Path, name: str) -> list[dict[str, str | None]]:
    """Rows of a seed CSV file, an empty field being None."""
    with open(seeds_dir / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        return [
            {column: value or None for column, value in record.items()} for record in csv.DictReader(handle)
        ]


def load_seeds(seeds_dir: str | Path) -> Seeds:
    seeds_dir = Path(seeds_dir)
    channels = [
        (str(row["channel"]), row["channel_name"], int(str(row["sort_order"])))
        for row in _read_seed(seeds_dir, "nps_channels")
    ]
    channel_by_key: dict[str, str] = {}
    for row in _read_seed(seeds_dir, "nps_channel_aliases"):
        key, channel = channel_key(str(row["alias"])), str(row["channel"])
        if channel_by_key.setdefault(key, channel) != channel:
            raise ValueError(f"seed nps_channel_aliases maps {key!r} to two channels")
    regions = {
        str(row["region"]): (row["region_name"], row["country_code"])
        for row in _read_seed(seeds_dir, "nps_regions")
    }
    segments = {str(row["segment"]): row["segment_name"] for row in _read_seed(seeds_dir, "nps_segments")}
    return Seeds(channels, channel_by_key, regions, segments)


# -------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class Response:
    """A response that passed the rules; the winner of its response_id is accepted."""

    response_id: str
    survey_id: str | None
    customer_id: str | None
    agent_id: str | None
    channel: str
    region: str
    segment: str
    nps_score: int
    nps_category: str
    comment: str | None
    response_date: date
    submitted_at: datetime
    source_file: str
    source_row_number: int
    raw_channel: str | None  # trimmed, for rpt_unmapped_channels

    def as_row(self) -> tuple[Any, ...]:
        """The row of ``fct_nps_responses``."""
        columns = MART_COLUMNS["fct_nps_responses"]
        return tuple(getattr(self, column) for column in columns)

    def dedup_key(self) -> tuple[datetime, str, int]:
        """Among the rows of one response_id, the one with the greatest key wins."""
        return (self.submitted_at, self.source_file, self.source_row_number)


def to_response(row: RawRow, seeds: Seeds, reporting_tz: tzinfo) -> Response:
    """Normalise a row that passed every rule (``rejection_reason(row) is None``)."""
    submitted_at = parse_submitted_at(row.submitted_at)
    score = parse_score(row.score)
    if submitted_at is None or score is None:
        raise ValueError(f"row {row.source_row_number} of {row.source_file} is invalid")
    region, segment = trim(row.region), trim(row.segment)
    return Response(
        response_id=str(trim(row.response_id)),
        survey_id=trim(row.survey_id),
        customer_id=trim(row.customer_id),
        agent_id=trim(row.agent_id),
        channel=map_channel(row.channel, seeds.channel_by_key),
        region=region.upper() if region is not None else UNKNOWN,
        segment=segment.lower() if segment is not None else UNKNOWN,
        nps_score=score,
        nps_category=nps_category(score),
        comment=row.comment,
        response_date=submitted_at.replace(tzinfo=UTC).astimezone(reporting_tz).date(),
        submitted_at=submitted_at,
        source_file=row.source_file,
        source_row_number=row.source_row_number,
        raw_channel=trim(row.channel),
    )


# ------------------------------------------------------------------------------ marts

Row = tuple[Any, ...]


def _sorted(rows: Iterable[Row], width: int) -> list[Row]:
    """``rows`` sorted on their first ``width`` columns, None first."""
    return sorted(rows, key=lambda row: [(v is not None, v) for v in row[:width]])


def _daily(responses: Iterable[Response], grain: tuple[str, ...]) -> list[Row]:
    """Counts and NPS for each combination of ``grain`` values that occurs."""
    tallies: dict[Row, Counter[str]] = {}
    for response in responses:
        key = tuple(getattr(response, column) for column in grain)
        tallies.setdefault(key, Counter())[response.nps_category] += 1
    rows = []
    for key, tally in tallies.items():
        promoters = tally["promoter"]
        passives = tally["passive"]
        detractors = tally["detractor"]
        total = promoters + passives + detractors
        score = nps(promoters, detractors, total)
        rows.append((*key, total, promoters, passives, detractors, score))
    return _sorted(rows, len(grain))


def _dim_region(responses: list[Response], seeds: Seeds) -> list[Row]:
    codes = set(seeds.regions) | {response.region for response in responses}
    rows = []
    for code in codes:
        name, country_code = seeds.regions.get(code, (None, None))
        is_reference = code in seeds.regions
        rows.append((code, code if name is None else name, country_code, is_reference))
    return _sorted(rows, 1)


def _dim_segment(responses: list[Response], seeds: Seeds) -> list[Row]:
    segments = set(seeds.segments) | {response.segment for response in responses}
    rows = []
    for segment in segments:
        name = seeds.segments.get(segment)
        is_reference = segment in seeds.segments
        rows.append((segment, segment if name is None else name, is_reference))
    return _sorted(rows, 1)


def _dim_date(responses: list[Response]) -> list[Row]:
    if not responses:
        return []
    first = min(response.response_date for response in responses)
    last = max(response.response_date for response in responses)
    rows = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        quarter = (day.month - 1) // 3 + 1
        rows.append(
            (
                day,
                day.year,
                quarter,
                day.month,
                day.day,
                day.isoweekday(),
                day.isoweekday() >= 6,
                day - timedelta(days=day.weekday()),
                day.replace(day=1),
                date(day.year, 3 * quarter - 2, 1),
                date(day.year, 1, 1),
            )
        )
    return rows


def _unmapped_channels(responses: list[Response]) -> list[Row]:
    dates_by_raw: dict[str, list[date]] = {}
    for response in responses:
        if response.channel == OTHER:
            raw = str(response.raw_channel)
            dates_by_raw.setdefault(raw, []).append(response.response_date)
    rows = [
        (raw, channel_key(raw), len(dates), min(dates), max(dates)) for raw, dates in dates_by_raw.items()
    ]
    return _sorted(rows, 1)


def _time_zone(name: str) -> tzinfo:
    return UTC if name == "UTC" else ZoneInfo(name)


def compute_marts(
    raw_spec: str, seeds_dir: str | Path, reporting_timezone: str = "UTC"
) -> dict[str, list[Row]]:
    """Every mart, recomputed from the landing files of ``raw_spec`` and the seeds.

    Returns ``{mart name: rows}``, each row a tuple in :data:`MART_COLUMNS` order, the
    rows sorted by the grain of the mart.
    """
    seeds = load_seeds(seeds_dir)
    reporting_tz = _time_zone(reporting_timezone)

    audit: list[tuple[RawRow, str | None]] = []  # each raw row and its reason
    winners: dict[str, Response] = {}  # response_id -> best valid row so far
    for path in resolve_landing_files(raw_spec):
        for row in read_landing_file(path):
            reason = rejection_reason(row)
            audit.append((row, reason))
            if reason is None:
                candidate = to_response(row, seeds, reporting_tz)
                best = winners.get(candidate.response_id)
                if best is None or candidate.dedup_key() > best.dedup_key():
                    winners[candidate.response_id] = candidate

    accepted = {(r.source_file, r.source_row_number) for r in winners.values()}
    audit_rows = []
    for row, reason in audit:
        if reason is not None:
            status = REJECTED
        elif (row.source_file, row.source_row_number) in accepted:
            status = ACCEPTED
        else:
            status = SUPERSEDED
        audit_rows.append(
            (
                row.source_file,
                row.source_row_number,
                trim(row.response_id),
                *row.raw_values(),
                status,
                reason,
            )
        )

    responses = sorted(winners.values(), key=lambda response: response.response_id)
    return {
        "fct_nps_responses": [response.as_row() for response in responses],
        "fct_nps_daily": _daily(responses, ("response_date", "channel", "region", "segment")),
        "fct_nps_daily_by_channel": _daily(responses, ("response_date", "channel")),
        "fct_nps_daily_by_region": _daily(responses, ("response_date", "region")),
        "fct_nps_daily_by_segment": _daily(responses, ("response_date", "segment")),
        "fct_nps_daily_overall": _daily(responses, ("response_date",)),
        "dim_channel": _sorted(seeds.channels, 1),
        "dim_region": _dim_region(responses, seeds),
        "dim_segment": _dim_segment(responses, seeds),
        "dim_date": _dim_date(responses),
        "rpt_response_audit": _sorted(audit_rows, 2),
        "rpt_unmapped_channels": _unmapped_channels(responses),
    }
