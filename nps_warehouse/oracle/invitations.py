"""Invitations: the survey invitations sent (rpt_invitation_audit, fct_invitations_daily) and
the responses naming one never sent (rpt_unknown_invitations).

A row is rejected without its ``invitation_id`` (``missing_invitation_id``) or without a valid
``sent_at`` (``invalid_sent_at``). Of the valid rows of one invitation_id the greatest
(source_file, source_row_number) is accepted. An invitation is answered when an accepted
response carries its id.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction

from nps_warehouse.contract import SOURCE_REJECTION_REASONS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.programme import Checked, Row, attribute_issues, lower, parse_timestamp
from nps_warehouse.oracle.responses import UNKNOWN, Response, map_channel, rounded_ratio, trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS

SOURCE = "invitations"
MISSING_INVITATION_ID, INVALID_SENT_AT = SOURCE_REJECTION_REASONS[SOURCE]
BOUNCED = "bounced"
_MICROSECONDS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True, slots=True)
class Invitation:
    """A valid invitation row, normalised."""

    invitation_id: str
    sent_at: datetime
    survey_id: str | None
    customer_id: str | None
    channel: str
    delivery_status: str | None


def group(invitation: Invitation) -> str:
    """Valid rows of one invitation_id compete: one is accepted."""
    return invitation.invitation_id


def check(
    row: SourceRow, channel_by_key: dict[str, str], formats: Sequence[str] = DEFAULT_FORMATS
) -> Checked:
    """The rules applied to a raw invitation row; its channel maps through the channel aliases."""
    invitation_id = trim(row.invitation_id)
    sent_at = parse_timestamp(row.sent_at, row, formats)
    issues = attribute_issues(row, {})
    if invitation_id is None:
        return Checked(row, None, MISSING_INVITATION_ID, issues, None)
    if sent_at is None:
        return Checked(row, invitation_id, INVALID_SENT_AT, issues, None)
    record = Invitation(
        invitation_id=invitation_id,
        sent_at=sent_at,
        survey_id=trim(row.survey_id),
        customer_id=trim(row.customer_id),
        channel=map_channel(row.channel, channel_by_key),
        delivery_status=lower(row.delivery_status),
    )
    return Checked(row, invitation_id, None, issues, record)


def first_answers(responses: Iterable[Response]) -> dict[str, Response]:
    """invitation_id -> the accepted response carrying it (the earliest submitted, when several do)."""
    answers: dict[str, Response] = {}
    for response in responses:
        if response.invitation_id is None:
            continue
        current = answers.get(response.invitation_id)
        if current is None or (response.submitted_at, response.response_id) < (
            current.submitted_at,
            current.response_id,
        ):
            answers[response.invitation_id] = response
    return answers


def hours_between(start: datetime, end: datetime) -> Fraction:
    """``end - start`` in hours, exactly."""
    return Fraction((end - start) // timedelta(microseconds=1), _MICROSECONDS_PER_HOUR)


def round_hundredths(value: Fraction) -> Decimal:
    """``value`` rounded half away from zero to two decimals."""
    rounded = rounded_ratio(value.numerator, value.denominator, 1)
    assert rounded is not None  # a Fraction's denominator is never 0
    return rounded


def fct_invitations_daily(
    invitations: Iterable[Invitation], responses: Iterable[Response], reporting_tz: tzinfo
) -> list[Row]:
    """fct_invitations_daily: per sent_date (in the reporting zone), survey_id and channel, the
    invitations sent, bounced and answered, the response rate and the median hours to answer."""
    answers = first_answers(responses)
    cells: dict[tuple[date, str, str], list[Invitation]] = {}
    for invitation in invitations:
        sent_date = invitation.sent_at.replace(tzinfo=UTC).astimezone(reporting_tz).date()
        key = (sent_date, invitation.survey_id or UNKNOWN, invitation.channel)
        cells.setdefault(key, []).append(invitation)
    rows = []
    for key, members in cells.items():
        bounced = sum(1 for invitation in members if invitation.delivery_status == BOUNCED)
        hours = [
            hours_between(invitation.sent_at, answers[invitation.invitation_id].submitted_at)
            for invitation in members
            if invitation.invitation_id in answers
        ]
        median = round_hundredths(Fraction(statistics.median(hours))) if hours else None
        rows.append(
            (
                *key,
                len(members),
                bounced,
                len(hours),
                rounded_ratio(len(hours), len(members) - bounced),
                median,
            )
        )
    return sorted(rows, key=lambda row: row[:3])


def rpt_unknown_invitations(responses: Iterable[Response], invitation_ids: set[str]) -> list[Row]:
    """rpt_unknown_invitations: the accepted responses naming an invitation that was not accepted."""
    rows = [
        (
            response.response_id,
            response.invitation_id,
            response.response_date,
            response.feed_name,
            response.source_file,
        )
        for response in responses
        if response.invitation_id is not None and response.invitation_id not in invitation_ids
    ]
    return sorted(rows, key=lambda row: row[0])
