"""The validation and normalisation rules of responses, and the seeds they map through.

README, "Validation and normalisation rules", in its order: test responses, unfinished
responses, response id, submitted_at, score; then the normalisation of a row that passed.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from nps_warehouse.contract import MART_COLUMNS
from nps_warehouse.oracle.files import RawRow
from nps_warehouse.oracle.personal_data import mask_personal_data
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS, WHITESPACE, parse_submitted_at

# Rejection reasons, in the order in which the rules are checked (contract.REJECTION_REASONS).
TEST_RESPONSE = "test_response"
UNFINISHED_RESPONSE = "unfinished_response"
MISSING_RESPONSE_ID = "missing_response_id"
INVALID_SUBMITTED_AT = "invalid_submitted_at"
MISSING_SCORE = "missing_score"
INVALID_SCORE = "invalid_score"

# Audit statuses.
ACCEPTED = "accepted"
REJECTED = "rejected"
SUPERSEDED = "superseded"

UNKNOWN = "unknown"  # channel, region, segment, survey, touchpoint, ... left empty
OTHER = "other"  # channel that no alias of the seed matches

#: The scale of each metric, by contract column: (lowest, highest) score.
METRIC_BOUNDS: dict[str, tuple[int, int]] = {"score": (0, 10), "csat_score": (1, 5), "ces_score": (1, 7)}
#: The scale of the eNPS answer of an employee engagement survey (the NPS question asked of
#: employees: the NPS's scale and categories).
ENPS_BOUNDS: tuple[int, int] = METRIC_BOUNDS["score"]
#: What metric_issues says of a metric written but invalid.
METRIC_ISSUES: dict[str, str] = {
    "score": "invalid_score",
    "csat_score": "invalid_csat_score",
    "ces_score": "invalid_ces_score",
}

#: ``response_type`` values (trimmed, lower-cased) of a preview, a test or spam: Qualtrics'
#: texts and codes (README rule 1).
TEST_RESPONSE_TYPES = frozenset(
    {
        "survey preview",
        "survey test",
        "spam",
        "survey preview spam",
        "imported spam",
        "offline survey preview",
        "ex spam",
        "preview",
        "test",
        "1",
        "2",
        "8",
        "9",
        "12",
        "17",
        "40",
    }
)

#: ``finished`` values (trimmed, lower-cased) of an unfinished response (README rule 2).
UNFINISHED_VALUES = frozenset({"false", "0", "no", "f", "n"})


# ------------------------------------------------------------------------------ rules


def trim(value: str | None) -> str | None:
    """Leading and trailing spaces, tabs, CRs and LFs removed; None if nothing left."""
    if value is None:
        return None
    return value.strip(WHITESPACE) or None


@cache
def _score_pattern(decimal_mark: str) -> re.Pattern[str]:
    return re.compile(rf"0*([0-9]{{1,2}})(?:{re.escape(decimal_mark)}0+)?")


def parse_score(raw: str | None, decimal_mark: str = ".", metric: str = "score") -> int | None:
    """The score of ``metric`` (score 0-10, csat_score 1-5, ces_score 1-7, enps_score 0-10) written in ``raw``
    (``9``, ``09``, ``9.0`` with the decimal mark ``.``, ``9,0`` with ``,``); None when missing
    or invalid."""
    text = trim(raw)
    match = _score_pattern(decimal_mark).fullmatch(text) if text is not None else None
    if match is None:
        return None
    score = int(match.group(1))
    lowest, highest = ENPS_BOUNDS if metric == "enps_score" else METRIC_BOUNDS[metric]
    return score if lowest <= score <= highest else None


def _metric_texts(row: RawRow) -> dict[str, str | None]:
    return {metric: getattr(row, metric) for metric in METRIC_BOUNDS}


def metric_issues(row: RawRow, decimal_mark: str = ".") -> str | None:
    """The metrics of ``row`` written but invalid, in contract order, joined by ", "; None
    when there is none."""
    issues = [
        METRIC_ISSUES[metric]
        for metric, raw in _metric_texts(row).items()
        if trim(raw) is not None and parse_score(raw, decimal_mark, metric) is None
    ]
    return ", ".join(issues) or None


def rejection_reason(
    row: RawRow,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    decimal_mark: str = ".",
) -> str | None:
    """The first rule (in README order) that ``row`` breaks; None if it passes all.

    ``formats`` and ``decimal_mark`` are those of the row's feed; naive timestamps are read
    in the row's ``source_timezone``.
    """
    response_type = trim(row.response_type)
    if response_type is not None and response_type.lower() in TEST_RESPONSE_TYPES:
        return TEST_RESPONSE
    finished = trim(row.finished)
    if finished is not None and finished.lower() in UNFINISHED_VALUES:
        return UNFINISHED_RESPONSE
    if trim(row.response_id) is None:
        return MISSING_RESPONSE_ID
    if parse_submitted_at(row.submitted_at, row.source_timezone, formats) is None:
        return INVALID_SUBMITTED_AT
    texts = _metric_texts(row)
    if all(trim(raw) is None for raw in texts.values()):
        return MISSING_SCORE
    if all(parse_score(raw, decimal_mark, metric) is None for metric, raw in texts.items()):
        return INVALID_SCORE
    return None


def channel_key(raw: str) -> str:
    """``raw`` trimmed, lower-cased, without accents, spaces, hyphens, underscores."""
    lowered = raw.strip(WHITESPACE).lower()
    decomposed = unicodedata.normalize("NFKD", lowered)
    unaccented = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unaccented.replace(" ", "").replace("-", "").replace("_", "")


def map_channel(raw: str | None, channel_by_key: dict[str, str]) -> str:
    """The channel of a raw value: ``unknown`` when empty, ``other`` when unmapped."""
    if trim(raw) is None:
        return UNKNOWN
    return channel_by_key.get(channel_key(str(raw)), OTHER)


def nps_category(score: int | None) -> str | None:
    if score is None:
        return None
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def csat_category(score: int | None) -> str | None:
    """satisfied (4-5), neutral (3), dissatisfied (1-2)."""
    if score is None:
        return None
    return "satisfied" if score >= 4 else "neutral" if score == 3 else "dissatisfied"


def ces_category(score: int | None) -> str | None:
    """easy (5-7), neutral (4), difficult (1-3)."""
    if score is None:
        return None
    return "easy" if score >= 5 else "neutral" if score == 4 else "difficult"


def rounded_ratio(numerator: int, denominator: int, scale: int = 100) -> Decimal | None:
    """scale * numerator / denominator rounded half away from zero to two decimals; None when
    the denominator is 0. Computed exactly: the value in hundredths is a fraction, rounded to
    an integer."""
    if denominator == 0:
        return None
    hundredths = Fraction(100 * scale * numerator, denominator)
    rounded = math.floor(abs(hundredths) + Fraction(1, 2))
    if hundredths < 0:
        rounded = -rounded
    return (Decimal(rounded) / 100).quantize(Decimal("0.01"))


def nps(promoters: int, detractors: int, responses: int) -> Decimal:
    """100 * (promoters - detractors) / responses, rounded half away from zero."""
    value = rounded_ratio(promoters - detractors, responses)
    if value is None:
        raise ZeroDivisionError("NPS of no response")
    return value


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
    #: survey_id -> its row of ``nps_surveys`` (codes trimmed and lower-cased, empty as None).
    surveys: dict[str, Survey]
    #: dimension_name -> the codes ``nps_codes`` lists for it (lower-case).
    codes: dict[str, set[str]]


@dataclass(frozen=True, slots=True)
class Survey:
    survey_name: str
    survey_type: str
    touchpoint: str | None
    brand: str | None
    business_unit: str | None


def _code(value: str | None) -> str | None:
    """A free-text code as staging normalises it: trimmed, lower-cased, None when empty."""
    text = trim(value)
    return text.lower() if text is not None else None


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
    surveys = {
        str(trim(row["survey_id"])): Survey(
            survey_name=str(row["survey_name"]),
            survey_type=str(_code(row["survey_type"])),
            touchpoint=_code(row["touchpoint"]),
            brand=_code(row["brand"]),
            business_unit=_code(row["business_unit"]),
        )
        for row in _read_seed(seeds_dir, "nps_surveys")
    }
    codes: dict[str, set[str]] = {}
    for row in _read_seed(seeds_dir, "nps_codes"):
        codes.setdefault(str(_code(row["dimension_name"])), set()).add(str(_code(row["code"])))
    return Seeds(channels, channel_by_key, regions, segments, surveys, codes)


# -------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class Response:
    """A response that passed the rules; the winner of its response_id is accepted."""

    response_id: str
    survey_id: str | None
    customer_id: str | None
    agent_id: str | None
    interaction_id: str | None
    invitation_id: str | None
    channel: str
    region: str
    segment: str
    survey_type: str
    touchpoint: str
    brand: str
    business_unit: str
    language: str
    nps_score: int | None
    nps_category: str | None
    csat_score: int | None
    csat_category: str | None
    ces_score: int | None
    ces_category: str | None
    comment: str | None  # masked (personal_data): no mart publishes a comment as written
    response_date: date
    submitted_at: datetime
    feed_name: str
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


def to_response(
    row: RawRow,
    seeds: Seeds,
    reporting_tz: tzinfo,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    decimal_mark: str = ".",
) -> Response:
    """Normalise a row that passed every rule (``rejection_reason(row) is None``)."""
    submitted_at = parse_submitted_at(row.submitted_at, row.source_timezone, formats)
    score = parse_score(row.score, decimal_mark)
    csat = parse_score(row.csat_score, decimal_mark, "csat_score")
    ces = parse_score(row.ces_score, decimal_mark, "ces_score")
    if submitted_at is None or (score is None and csat is None and ces is None):
        raise ValueError(f"row {row.source_row_number} of {row.source_file} is invalid")
    region, segment = trim(row.region), trim(row.segment)
    survey_id = trim(row.survey_id)
    survey = seeds.surveys.get(survey_id) if survey_id is not None else None
    return Response(
        response_id=str(trim(row.response_id)),
        survey_id=survey_id,
        customer_id=trim(row.customer_id),
        agent_id=trim(row.agent_id),
        interaction_id=trim(row.interaction_id),
        invitation_id=trim(row.invitation_id),
        channel=map_channel(row.channel, seeds.channel_by_key),
        region=region.upper() if region is not None else UNKNOWN,
        segment=segment.lower() if segment is not None else UNKNOWN,
        survey_type=survey.survey_type if survey is not None else UNKNOWN,
        touchpoint=_code(row.touchpoint) or (survey and survey.touchpoint) or UNKNOWN,
        brand=_code(row.brand) or (survey and survey.brand) or UNKNOWN,
        business_unit=_code(row.business_unit) or (survey and survey.business_unit) or UNKNOWN,
        language=_code(row.language) or UNKNOWN,
        nps_score=score,
        nps_category=nps_category(score),
        csat_score=csat,
        csat_category=csat_category(csat),
        ces_score=ces,
        ces_category=ces_category(ces),
        comment=mask_personal_data(row.comment),  # the audit keeps the raw comment
        response_date=submitted_at.replace(tzinfo=UTC).astimezone(reporting_tz).date(),
        submitted_at=submitted_at,
        feed_name=row.feed_name,
        source_file=row.source_file,
        source_row_number=row.source_row_number,
        raw_channel=trim(row.channel),
    )
