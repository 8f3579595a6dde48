"""Agent engagement: the employee engagement survey's eNPS answers (rpt_agent_engagement_audit)
and the engagement report beside customer NPS (rpt_team_engagement).

A row is rejected without its ``agent_id`` (``missing_agent_id``), without a valid
``surveyed_at`` (``invalid_surveyed_at``), without an ``enps_score`` (``missing_enps_score``) or
with one that is not a 0-10 score read as the NPS score is (``invalid_enps_score``). Of the valid
rows of one (agent_id, surveyed_at) - the same answer exported twice - the greatest
(source_file, source_row_number) is accepted.

rpt_team_engagement: per quarter and team, the eNPS of the answers (each in the team its agent
had at ``surveyed_at``: the agent's version valid then, the first one when the answer precedes
them all, ``unknown`` without one) beside the customer NPS of the team's agents (the team's
months of fct_team_performance summed), and Pearson's r of the published eNPS and NPS (in
hundredths) over the quarter's teams with enough on both sides, with its Fisher-z interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from nps_warehouse.contract import MART_COLUMNS, SOURCE_REJECTION_REASONS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.intervals import (
    NpsCounts,
    StatsSettings,
    fisher_interval,
    nps_uncertainty,
    pearson_r,
    round4,
)
from nps_warehouse.oracle.programme import Checked, Row, Version, parse_timestamp, version_at
from nps_warehouse.oracle.responses import UNKNOWN, nps_category, parse_score, rounded_ratio, trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS

SOURCE = "agent_engagement"
(MISSING_AGENT_ID, INVALID_SURVEYED_AT, MISSING_ENPS_SCORE, INVALID_ENPS_SCORE) = SOURCE_REJECTION_REASONS[
    SOURCE
]


@dataclass(frozen=True, slots=True)
class Answer:
    """A valid eNPS answer, normalised."""

    agent_id: str
    surveyed_at: datetime
    enps_score: int

    @property
    def enps_category(self) -> str:
        return str(nps_category(self.enps_score))


def group(answer: Answer) -> tuple[str, datetime]:
    """Valid rows of one group (the same answer exported again) compete: one is accepted."""
    return (answer.agent_id, answer.surveyed_at)


def check(row: SourceRow, formats: Sequence[str] = DEFAULT_FORMATS, decimal_mark: str = ".") -> Checked:
    """The rules applied to a raw engagement row, in order; no attribute is nulled."""
    agent_id = trim(row.agent_id)
    surveyed_at = parse_timestamp(row.surveyed_at, row, formats)
    score = parse_score(row.enps_score, decimal_mark, "enps_score")
    if agent_id is None:
        reason = MISSING_AGENT_ID
    elif surveyed_at is None:
        reason = INVALID_SURVEYED_AT
    elif trim(row.enps_score) is None:
        reason = MISSING_ENPS_SCORE
    elif score is None:
        reason = INVALID_ENPS_SCORE
    else:
        assert surveyed_at is not None  # for the type checker: the branches above
        return Checked(row, agent_id, None, None, Answer(agent_id, surveyed_at, score))
    return Checked(row, agent_id, reason, None, None)


def quarter_start(day: date) -> date:
    """The first day of the quarter of ``day``."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _team_at(answer: Answer, agent_versions: Mapping[str, Sequence[Version]]) -> str:
    version = version_at(agent_versions.get(answer.agent_id), answer.surveyed_at)
    return (version.record.team if version is not None else None) or UNKNOWN


def _hundredths(score: Decimal) -> int:
    return int(score * 100)


def rpt_team_engagement(
    answers: Iterable[Answer],
    agent_versions: Mapping[str, Sequence[Version]],
    team_rows: Iterable[Mapping[str, Any]],
    reporting_tz: tzinfo,
    stats: StatsSettings,
) -> list[Row]:
    """rpt_team_engagement: ``answers`` are the accepted ones, ``team_rows`` the rows of
    fct_team_performance (dicts by column)."""
    employees: dict[tuple[date, str], list[int]] = {}
    for answer in answers:
        day = answer.surveyed_at.replace(tzinfo=UTC).astimezone(reporting_tz).date()
        counts = employees.setdefault((quarter_start(day), _team_at(answer, agent_versions)), [0, 0, 0])
        counts[("promoter", "passive", "detractor").index(answer.enps_category)] += 1
    customers: dict[tuple[date, str], list[int]] = {}
    for team_row in team_rows:
        key = (quarter_start(team_row["month_start_date"]), team_row["team"])
        counts = customers.setdefault(key, [0, 0, 0])
        for position, column in enumerate(("promoters", "passives", "detractors")):
            counts[position] += team_row[column]
    rows: list[dict[str, Any]] = []
    for key in set(employees) | set(customers):
        quarter, team = key
        enps_counts = NpsCounts(*employees.get(key, [0, 0, 0]))
        nps_counts = NpsCounts(*customers.get(key, [0, 0, 0]))
        enps_uncertainty = nps_uncertainty(enps_counts, stats, stats.engagement_min_responses)
        customer_uncertainty = nps_uncertainty(nps_counts, stats)
        rows.append(
            {
                "quarter_start_date": quarter,
                "team": team,
                "enps_responses": enps_counts.responses,
                "enps_promoters": enps_counts.promoters,
                "enps_passives": enps_counts.passives,
                "enps_detractors": enps_counts.detractors,
                "enps": rounded_ratio(enps_counts.promoters - enps_counts.detractors, enps_counts.responses),
                "enps_standard_error": enps_uncertainty.nps_standard_error,
                "enps_ci_lower": enps_uncertainty.nps_ci_lower,
                "enps_ci_upper": enps_uncertainty.nps_ci_upper,
                "is_enps_below_min_responses": enps_uncertainty.is_below_min_responses,
                "nps_responses": nps_counts.responses,
                "promoters": nps_counts.promoters,
                "passives": nps_counts.passives,
                "detractors": nps_counts.detractors,
                "nps": rounded_ratio(nps_counts.promoters - nps_counts.detractors, nps_counts.responses),
                **customer_uncertainty._asdict(),
                "is_in_correlation": team != UNKNOWN
                and not enps_uncertainty.is_below_min_responses
                and not customer_uncertainty.is_below_min_responses,
            }
        )
    correlations: dict[date, tuple[int, Decimal | None, Decimal | None, Decimal | None]] = {}
    for quarter in {row["quarter_start_date"] for row in rows}:
        pairs = [
            (_hundredths(row["enps"]), _hundredths(row["nps"]))
            for row in rows
            if row["quarter_start_date"] == quarter and row["is_in_correlation"]
        ]
        r = pearson_r(pairs)
        lower, upper = fisher_interval(r, len(pairs), stats.z)
        correlations[quarter] = (len(pairs), round4(r), round4(lower), round4(upper))
    columns = MART_COLUMNS["rpt_team_engagement"]
    out = []
    for row in rows:
        teams, r, lower, upper = correlations[row["quarter_start_date"]]
        row.update(
            correlated_teams=teams,
            enps_nps_correlation=r,
            correlation_ci_lower=lower,
            correlation_ci_upper=upper,
        )
        out.append(tuple(row[column] for column in columns))
    return sorted(out, key=lambda row: row[:2])
