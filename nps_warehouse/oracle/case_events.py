"""Case events: the CRM's follow-up of the cases (rpt_case_event_audit, and what the follow-up
marts read).

A row is rejected without its ``response_id`` (``missing_response_id``), with an event type
that is none of assigned, contacted, resolved, closed, reopened once trimmed and lower-cased
(``invalid_event_type``), or without a valid ``event_at`` (``invalid_event_at``), in that order.
Of the valid rows of one event (response_id, event_type, event_at) the greatest
(source_file, source_row_number) is accepted: an event exported twice counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nps_warehouse.contract import SOURCE_REJECTION_REASONS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.programme import Checked, lower, parse_timestamp
from nps_warehouse.oracle.responses import trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS

SOURCE = "case_events"
MISSING_RESPONSE_ID, INVALID_EVENT_TYPE, INVALID_EVENT_AT = SOURCE_REJECTION_REASONS[SOURCE]
EVENT_TYPES: tuple[str, ...] = ("assigned", "contacted", "resolved", "closed", "reopened")


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """A valid case event row, normalised."""

    response_id: str
    event_type: str
    event_at: datetime
    owner: str | None
    source_file: str
    source_row_number: int
    feed_name: str


def group(event: CaseEvent) -> tuple[str, str, datetime]:
    """Valid rows of one event compete: one is accepted."""
    return (event.response_id, event.event_type, event.event_at)


def check(row: SourceRow, formats: Sequence[str] = DEFAULT_FORMATS) -> Checked:
    """The rules applied to a raw case event row."""
    response_id = trim(row.response_id)
    event_type = lower(row.event_type)
    event_at = parse_timestamp(row.event_at, row, formats)
    if response_id is None:
        return Checked(row, None, MISSING_RESPONSE_ID, None, None)
    if event_type not in EVENT_TYPES:
        return Checked(row, response_id, INVALID_EVENT_TYPE, None, None)
    if event_at is None:
        return Checked(row, response_id, INVALID_EVENT_AT, None, None)
    record = CaseEvent(
        response_id=response_id,
        event_type=event_type,
        event_at=event_at,
        owner=trim(row.owner),
        source_file=row.source_file,
        source_row_number=row.source_row_number,
        feed_name=row.feed_name,
    )
    return Checked(row, response_id, None, None, record)
