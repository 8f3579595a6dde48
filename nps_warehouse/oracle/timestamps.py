"""``submitted_at``: ISO-8601, the strftime-like formats of a feed, and local times in a zone.

README, "Validation and normalisation rules" rule 4 and "Landing config" (timestamp formats
and time zones). Every function returns a naive ``datetime`` in UTC, or None when the text is
not a timestamp of the feed's formats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nps_warehouse.oracle.errors import LandingConfigError

#: What "trimmed" removes (README, Validation and normalisation rules).
WHITESPACE = " \t\r\n"

#: The name of the ISO-8601 rule among a feed's timestamp formats.
ISO8601 = "iso8601"
DEFAULT_FORMATS: tuple[str, ...] = (ISO8601,)

_ISO8601 = re.compile(
    r"([12][0-9]{3})-([0-9]{2})-([0-9]{2})"  # date, years 1000-2999
    r"[T ]"
    r"([01][0-9]|2[0-3]):([0-5][0-9])"  # HH:MM
    r"(?::([0-5][0-9])(?:\.([0-9]{1,6}))?)?"  # optional :SS, then an optional .fraction
    r"(?: ?(?:(Z)|([+-])([01][0-9]|2[0-3])(?::?([0-5][0-9]))?))?"  # optional [ ]Z, ±HH[[:]MM]
)


# ------------------------------------------------------------------------- time zones


@cache
def time_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; an unknown name is a config error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise LandingConfigError(f"unknown time zone {name!r}") from error


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """The UTC instant (naive) of the wall-clock time ``local`` in the zone ``zone_name``.

    An ambiguous time (the clocks go back, it happens twice) is the later instant; a time
    the clocks skip is read with the offset in force before the change.
    """
    if zone_name == "UTC":
        return local
    zone = time_zone(zone_name)
    earlier_offset = local.replace(tzinfo=zone, fold=0).utcoffset()
    later_offset = local.replace(tzinfo=zone, fold=1).utcoffset()
    if earlier_offset is None or later_offset is None:  # not for a ZoneInfo
        raise ValueError(f"zone {zone_name!r} has no offset at {local}")
    if earlier_offset == later_offset:
        return local - earlier_offset
    # Two offsets: the time happens twice, or never. fold=0 is the offset before the change
    # in both cases; it reads back as the same wall-clock time only if the time exists.
    instant = local - earlier_offset
    round_trip = instant.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip == local:  # ambiguous: the later instant
        return local - later_offset
    return instant  # nonexistent: the offset before the change


# ---------------------------------------------------------------------------- formats

_DIRECTIVES: dict[str, str] = {
    "Y": r"([0-9]{4})",
    "m": r"([0-9]{1,2})",
    "d": r"([0-9]{1,2})",
    "H": r"([0-9]{1,2})",
    "I": r"([0-9]{1,2})",
    "M": r"([0-9]{1,2})",
    "S": r"([0-9]{1,2})",
    "f": r"([0-9]{1,6})",
    "p": r"([AaPp][Mm])",
    "z": r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)",
}


@dataclass(frozen=True)
class TimestampFormat:
    """A strftime-like format of a feed, compiled to a regular expression."""

    text: str
    pattern: re.Pattern[str]
    #: the directive letter of each group of ``pattern``, in order
    directives: tuple[str, ...]


@cache
def compile_format(text: str) -> TimestampFormat:
    """``text`` (a format other than ``iso8601``) as a regular expression.

    A format needs ``%Y``, ``%m`` and ``%d``; ``%H`` or ``%I`` needs ``%M``; ``%I`` and
    ``%p`` go together; a directive appears at most once. Every character that is not a
    directive stands for itself (a space for exactly one space).
    """
    pieces: list[str] = []
    directives: list[str] = []
    position = 0
    while position < len(text):
        character = text[position]
        if character != "%":
            pieces.append(re.escape(character))
            position += 1
            continue
        letter = text[position + 1 : position + 2]
        if letter not in _DIRECTIVES:
            raise LandingConfigError(f"timestamp format {text!r}: unknown directive %{letter}")
        if letter in directives:
            raise LandingConfigError(f"timestamp format {text!r}: %{letter} appears twice")
        pieces.append(_DIRECTIVES[letter])
        directives.append(letter)
        position += 2
    problems = [f"needs %{letter}" for letter in "Ymd" if letter not in directives]
    if ("H" in directives or "I" in directives) and "M" not in directives:
        problems.append("a time of day needs %M")
    if "H" in directives and "I" in directives:
        problems.append("has both %H and %I")
    if ("I" in directives) != ("p" in directives):
        problems.append("%I and %p go together")
    if problems:
        raise LandingConfigError(f"timestamp format {text!r}: {', '.join(problems)}")
    return TimestampFormat(text, re.compile("".join(pieces)), tuple(directives))


def check_formats(formats: Sequence[str]) -> None:
    """Raise a config error if one of ``formats`` is not a valid format."""
    for text in formats:
        if text != ISO8601:
            compile_format(text)


# ---------------------------------------------------------------------------- parsing


def parse_submitted_at(
    raw: str | None,
    timezone: str = "UTC",
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> datetime | None:
    """The UTC instant (naive) of ``raw``; None when it is empty or not a timestamp.

    The formats are tried in order on the trimmed text: the first whose shape matches the
    whole text decides. A timestamp without an offset is a local time in ``timezone``.
    """
    if raw is None:
        return None
    text = raw.strip(WHITESPACE)
    if not text:
        return None
    for format_text in formats:
        if format_text == ISO8601:
            match = _ISO8601.fullmatch(text)
            if match is not None:
                return _from_iso8601(match, timezone)
        else:
            compiled = compile_format(format_text)
            match = compiled.pattern.fullmatch(text)
            if match is not None:
                return _from_format(compiled, match, timezone)
    return None


def _from_iso8601(match: re.Match[str], timezone: str) -> datetime | None:
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    try:
        local = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            _microseconds(fraction),
        )
    except ValueError:  # a date that does not exist, such as 30 February
        return None
    if zulu is not None:
        return local
    if sign is not None:
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        return local - offset if sign == "+" else local + offset
    return local_to_utc(local, timezone)


def _from_format(compiled: TimestampFormat, match: re.Match[str], timezone: str) -> datetime | None:
    values = dict(zip(compiled.directives, match.groups(), strict=True))
    year = int(values["Y"])
    if not 1000 <= year <= 2999:
        return None
    hour = int(values.get("H") or 0)
    if "I" in values:
        hour = int(values["I"])
        if not 1 <= hour <= 12:
            return None
        hour %= 12  # 12 AM is 0
        if values["p"].lower() == "pm":
            hour += 12
    minute = int(values.get("M") or 0)
    second = int(values.get("S") or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        local = datetime(year, int(values["m"]), int(values["d"]), hour, minute, second)
    except ValueError:  # month 0 or 13, a day the month does not have
        return None
    local = local.replace(microsecond=_microseconds(values.get("f")))
    offset_text = values.get("z")
    if offset_text is None:
        return local_to_utc(local, timezone)
    if offset_text == "Z":
        return local
    digits = offset_text[1:].replace(":", "")
    offset_hours, offset_minutes = int(digits[:2]), int(digits[2:] or 0)
    if offset_hours > 23 or offset_minutes > 59:
        return None
    offset = timedelta(hours=offset_hours, minutes=offset_minutes)
    return local - offset if offset_text[0] == "+" else local + offset


def _microseconds(fraction: str | None) -> int:
    """``'5'`` is 500000 microseconds, ``'000001'`` is 1."""
    return int((fraction or "").ljust(6, "0"))
