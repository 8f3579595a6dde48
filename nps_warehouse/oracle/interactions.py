"""Interactions: the contact centre's contacts a response may follow (rpt_interaction_audit,
and the wait, transfers and first-contact resolution of fct_cx_responses).

A row is rejected only without its ``interaction_id`` (``missing_interaction_id``); an invalid
``started_at``, count or flag is nulled and named in ``attribute_issues``. Of the valid rows of
one interaction_id the greatest (source_file, source_row_number) is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nps_warehouse.contract import SOURCE_REJECTION_REASONS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.programme import Checked, attribute_issues, parse_bool, parse_int, parse_timestamp
from nps_warehouse.oracle.responses import trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS

SOURCE = "interactions"
(MISSING_INTERACTION_ID,) = SOURCE_REJECTION_REASONS[SOURCE]


@dataclass(frozen=True, slots=True)
class Interaction:
    """A valid interaction row, normalised."""

    interaction_id: str
    customer_id: str | None
    agent_id: str | None
    channel: str | None
    started_at: datetime | None
    wait_seconds: int | None
    handle_seconds: int | None
    transfers: int | None
    is_first_contact_resolution: bool | None


def group(interaction: Interaction) -> str:
    """Valid rows of one interaction_id compete: one is accepted."""
    return interaction.interaction_id


def check(row: SourceRow, formats: Sequence[str] = DEFAULT_FORMATS) -> Checked:
    """The rules applied to a raw interaction row."""
    interaction_id = trim(row.interaction_id)
    parsed = {
        "started_at": parse_timestamp(row.started_at, row, formats),
        "wait_seconds": parse_int(row.wait_seconds),
        "handle_seconds": parse_int(row.handle_seconds),
        "transfers": parse_int(row.transfers),
        "is_first_contact_resolution": parse_bool(row.is_first_contact_resolution),
    }
    issues = attribute_issues(row, parsed)
    if interaction_id is None:
        return Checked(row, None, MISSING_INTERACTION_ID, issues, None)
    record = Interaction(
        interaction_id=interaction_id,
        customer_id=trim(row.customer_id),
        agent_id=trim(row.agent_id),
        channel=trim(row.channel),
        **parsed,
    )
    return Checked(row, interaction_id, None, issues, record)
