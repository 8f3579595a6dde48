"""Dates and timestamps: civil dates of day numbers, Europe/Paris offsets, ISO-8601 rendering.

Instants are integers (microseconds since 1970-01-01 UTC); every source renders its timestamps
through the same table of formats (format 0 canonical, ``...Z``; the others valid ISO-8601
variants: fractions, offsets such as ``+02:00``, a space separator, no seconds, no offset).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa

from .rng import CounterRandom
from .text import assemble, digits, literal

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class TsFormat:
    sep: str  # "T" or " "
    seconds: bool
    fraction: int  # 0..6 digits
    offset: str  # "Z", "naive" (no offset, UTC), "fixed", "paris" (Europe/Paris local time)
    minutes: int = 0  # offset of "fixed"

    @property
    def quantum_us(self) -> int:
        if not self.seconds:
            return US_PER_MINUTE
        return 10 ** (6 - self.fraction)


# Format 0 is canonical; the others are valid variants, drawn with the given weights.
TS_FORMATS: tuple[tuple[int, TsFormat], ...] = (
    (0, TsFormat("T", True, 0, "Z")),
    (4, TsFormat("T", True, 3, "Z")),
    (2, TsFormat("T", True, 6, "Z")),
    (1, TsFormat("T", True, 1, "Z")),
    (1, TsFormat("T", True, 2, "Z")),
    (1, TsFormat(" ", True, 4, "naive")),
    (1, TsFormat("T", True, 5, "paris")),
    (4, TsFormat(" ", True, 0, "naive")),
    (3, TsFormat("T", True, 0, "naive")),
    (6, TsFormat("T", True, 0, "paris")),
    (4, TsFormat(" ", True, 0, "paris")),
    (2, TsFormat("T", True, 3, "paris")),
    (3, TsFormat("T", False, 0, "Z")),
    (3, TsFormat(" ", False, 0, "naive")),
    (1, TsFormat(" ", False, 0, "paris")),
    (2, TsFormat("T", True, 0, "fixed", 0)),
    (1, TsFormat(" ", True, 0, "Z")),
    (1, TsFormat("T", True, 0, "fixed", -300)),
    (1, TsFormat("T", True, 0, "fixed", 330)),
    (1, TsFormat("T", True, 0, "fixed", -240)),
    (1, TsFormat("T", True, 0, "fixed", 240)),
    (1, TsFormat("T", True, 0, "fixed", -210)),
    (1, TsFormat("T", True, 0, "fixed", 825)),
    (1, TsFormat("T", True, 6, "fixed", 600)),
)
TS_VARIANT_WEIGHTS = [w for w, _ in TS_FORMATS[1:]]
TS_QUANTUM = np.array([f.quantum_us for _, f in TS_FORMATS], dtype=np.int64)
# For each format, the formats of the same precision (a tie may be written differently).
TS_SAME_PRECISION: list[np.ndarray] = [
    np.array([k for k, (_, g) in enumerate(TS_FORMATS) if g.quantum_us == f.quantum_us], dtype=np.int64)
    for _, f in TS_FORMATS
]


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01 (proleptic Gregorian), vectorised."""
    z = days + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def days_since_epoch(d: date) -> int:
    return d.toordinal() - EPOCH.toordinal()


def _last_sunday_us(year: int, month: int) -> int:
    """01:00 UTC on the last Sunday of the month (EU summer-time switch)."""
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    last -= timedelta(days=(last.weekday() + 1) % 7)
    return days_since_epoch(last) * US_PER_DAY + US_PER_HOUR


def paris_offset_minutes(instant_us: np.ndarray) -> np.ndarray:
    """UTC offset of Europe/Paris (EU rules: +02:00 from the last Sunday of March to the last
    Sunday of October, 01:00 UTC; +01:00 otherwise)."""
    years, _, _ = civil_from_days(np.floor_divide(instant_us, US_PER_DAY))
    offset = np.full(instant_us.shape, 60, dtype=np.int64)
    for year in np.unique(years).tolist():
        in_year = years == year
        start, end = _last_sunday_us(year, 3), _last_sunday_us(year, 10)
        offset[in_year & (instant_us >= start) & (instant_us < end)] = 120
    return offset


def render_timestamps(instant_us: np.ndarray, codes: np.ndarray) -> pa.StringArray:
    """Timestamps (already quantised to their format) rendered in their format codes."""
    n = len(instant_us)
    pieces: list[tuple[np.ndarray, np.ndarray]] = []
    for code in np.unique(codes).tolist():
        rows = np.nonzero(codes == code)[0]
        fmt = TS_FORMATS[code][1]
        t = instant_us[rows]
        m = len(rows)
        offset = paris_offset_minutes(t) if fmt.offset == "paris" else np.full(m, fmt.minutes, dtype=np.int64)
        local = t + offset * US_PER_MINUTE
        days = np.floor_divide(local, US_PER_DAY)
        in_day = local - days * US_PER_DAY
        year, month, day = civil_from_days(days)
        parts = [
            digits(year, 4),
            literal(m, "-"),
            digits(month, 2),
            literal(m, "-"),
            digits(day, 2),
            literal(m, fmt.sep),
            digits(in_day // US_PER_HOUR, 2),
            literal(m, ":"),
            digits(in_day // US_PER_MINUTE % 60, 2),
        ]
        if fmt.seconds:
            parts += [literal(m, ":"), digits(in_day // US_PER_SECOND % 60, 2)]
            if fmt.fraction:
                frac = (in_day % US_PER_SECOND) // 10 ** (6 - fmt.fraction)
                parts += [literal(m, "."), digits(frac, fmt.fraction)]
        if fmt.offset == "Z":
            parts.append(literal(m, "Z"))
        elif fmt.offset in ("fixed", "paris"):
            sign = np.where(offset < 0, ord("-"), ord("+")).astype(np.uint8)[:, None]
            absolute = np.abs(offset)
            parts += [sign, digits(absolute // 60, 2), literal(m, ":"), digits(absolute % 60, 2)]
        pieces.append((rows, np.concatenate(parts, axis=1)))
    return assemble(n, pieces)


def utc_datetime(instant_us: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=instant_us)


def timestamp_codes(rng: CounterRandom, stream: int, keys: np.ndarray, p_variant: float) -> np.ndarray:
    """Format code of each key: 0 (canonical) or, with probability p_variant, a valid variant."""
    variant = rng.uniform(stream, keys) < p_variant
    pick = 1 + rng.choice(stream + 1, keys, TS_VARIANT_WEIGHTS)
    return np.where(variant, pick, 0)


def quantise(instant_us: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Instants truncated to the precision their format writes."""
    return instant_us - instant_us % TS_QUANTUM[codes]


def render_dates(days: np.ndarray) -> pa.StringArray:
    """ISO dates (yyyy-mm-dd) of day numbers since 1970-01-01."""
    n = len(days)
    year, month, day = civil_from_days(np.asarray(days, dtype=np.int64))
    matrix = np.concatenate(
        [digits(year, 4), literal(n, "-"), digits(month, 2), literal(n, "-"), digits(day, 2)], axis=1
    )
    return assemble(n, [(np.arange(n), matrix)])


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return days_since_epoch(d)


def date_of(day: int) -> date:
    return EPOCH + timedelta(days=int(day))
