"""Agents: the workforce system's rows, checked, settled and kept in versions (dim_agent,
dim_agent_history, rpt_agent_audit).

A row is rejected without its ``agent_id`` (``missing_agent_id``) or without a valid
``updated_at`` (``invalid_updated_at``). Of the valid rows of one (agent_id, updated_at) the
greatest (source_file, source_row_number) is accepted. An agent's accepted rows by updated_at
make its versions, a row that changes none of the attributes merging into the previous one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from nps_warehouse.contract import SOURCE_REJECTION_REASONS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.programme import (
    Checked,
    Row,
    Version,
    attribute_issues,
    lower,
    parse_date,
    parse_timestamp,
)
from nps_warehouse.oracle.responses import UNKNOWN, trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS

SOURCE = "agents"
MISSING_AGENT_ID, INVALID_UPDATED_AT = SOURCE_REJECTION_REASONS[SOURCE]


@dataclass(frozen=True, slots=True)
class Agent:
    """A valid agent row, normalised."""

    agent_id: str
    updated_at: datetime
    agent_name: str | None
    team: str | None
    site: str | None
    manager_id: str | None
    hired_on: date | None

    @property
    def key(self) -> str:
        return self.agent_id

    def attributes(self) -> tuple[Any, ...]:
        """What a new version changes."""
        return (self.agent_name, self.team, self.site, self.manager_id, self.hired_on)


def group(agent: Agent) -> tuple[str, datetime]:
    """Valid rows of one group compete: one is accepted."""
    return (agent.agent_id, agent.updated_at)


def check(row: SourceRow, formats: Sequence[str] = DEFAULT_FORMATS) -> Checked:
    """The rules applied to a raw agent row."""
    agent_id = trim(row.agent_id)
    updated_at = parse_timestamp(row.updated_at, row, formats)
    hired_on = parse_date(row.hired_on)
    issues = attribute_issues(row, {"hired_on": hired_on})
    if agent_id is None:
        return Checked(row, None, MISSING_AGENT_ID, issues, None)
    if updated_at is None:
        return Checked(row, agent_id, INVALID_UPDATED_AT, issues, None)
    record = Agent(
        agent_id=agent_id,
        updated_at=updated_at,
        agent_name=trim(row.agent_name),
        team=lower(row.team),
        site=lower(row.site),
        manager_id=trim(row.manager_id),
        hired_on=hired_on,
    )
    return Checked(row, agent_id, None, issues, record)


def dim_agent(versions: Mapping[str, Sequence[Version]]) -> list[Row]:
    """dim_agent: a row per agent with a version, its current attributes."""
    rows = []
    for agent_id, history in sorted(versions.items()):
        current: Agent = history[-1].record
        rows.append(
            (
                agent_id,
                current.team or UNKNOWN,
                current.site or UNKNOWN,
                current.manager_id,
                current.hired_on,
                len(history),
                history[0].valid_from,
                history[-1].valid_from,
            )
        )
    return rows


def dim_agent_history(versions: Mapping[str, Sequence[Version]]) -> list[Row]:
    """dim_agent_history: a row per version of an agent."""
    return [
        (
            agent_id,
            version.version_number,
            agent.team or UNKNOWN,
            agent.site or UNKNOWN,
            agent.manager_id,
            agent.hired_on,
            version.is_current,
            version.valid_from,
            version.valid_to,
        )
        for agent_id, history in sorted(versions.items())
        for version in history
        for agent in (version.record,)
    ]
