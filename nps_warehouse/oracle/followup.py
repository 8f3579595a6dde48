"""Closing the loop: the follow-up cases of detractors (fct_followup_cases), the queue of the
cases to act on (rpt_followup_queue), the daily follow-up (fct_followup_daily) and the events
that belong to no case (rpt_unknown_case_events), following the README, "Closing the loop".

Everything is as of a reference instant (:attr:`FollowupSettings.as_of`): the submissions and
events after it are not known, and what is overdue is overdue then.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from fractions import Fraction
from typing import Any

from nps_warehouse.contract import MART_COLUMNS
from nps_warehouse.oracle.case_events import CaseEvent
from nps_warehouse.oracle.invitations import hours_between, round_hundredths
from nps_warehouse.oracle.programme import Programme, Row, version_at
from nps_warehouse.oracle.responses import Response, rounded_ratio

OPEN, CONTACTED, RESOLVED, CLOSED, CANCELLED = "open", "contacted", "resolved", "closed", "cancelled"
PENDING = frozenset({OPEN, CONTACTED})
#: The status a case takes after each event type (assigned changes only the owner).
STATUS_AFTER: dict[str, str] = {
    "contacted": CONTACTED,
    "resolved": RESOLVED,
    "closed": CLOSED,
    "reopened": OPEN,
}
_CATEGORY_RANK = {"promoter": 2, "passive": 1, "detractor": 0}


@dataclass(frozen=True)
class FollowupSettings:
    """The settings of the follow-up marts: the dbt vars of the same names (defaults equal)."""

    #: cx_as_of: the reference instant, naive UTC; None: now, to the second (a build's start)
    as_of: datetime | None = None
    open_nps_max: int = 6  # cx_case_open_nps_max
    open_csat_max: int = 2  # cx_case_open_csat_max
    sla_hours: int = 48  # cx_case_sla_hours
    high_priority_max_score: int = 3  # cx_case_high_priority_max_score
    high_priority_tiers: tuple[str, ...] = field(default=("platinum",))  # cx_case_high_priority_tiers
    repeat_detractor_days: int = 180  # cx_repeat_detractor_days
    recovery_window_days: int = 180  # cx_recovery_window_days
    health_window_days: int = 365  # cx_health_window_days
    at_risk_score_drop: int = 4  # cx_at_risk_score_drop
    at_risk_themes: tuple[str, ...] = field(default=("billing", "resolution"))  # cx_at_risk_themes
    referral_recent_days: int = 90  # cx_referral_recent_days

    def reference(self) -> datetime:
        if self.as_of is not None:
            return self.as_of
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)

    def opens_case(self, nps_score: int | None, csat_score: int | None) -> bool:
        return (nps_score is not None and nps_score <= self.open_nps_max) or (
            csat_score is not None and csat_score <= self.open_csat_max
        )


@dataclass(frozen=True, slots=True)
class _Case:
    """A case and what the marts derive from it."""

    response: Response
    values: Mapping[str, Any]
    opened_at: datetime
    has_detractor_submission: bool
    is_active: bool
    events: list[CaseEvent]  # accepted, known at as_of, in (event_at, source_file, row) order


def _event_order(event: CaseEvent) -> tuple[datetime, str, int]:
    return (event.event_at, event.source_file, event.source_row_number)


def compute(
    submissions: Iterable[Response],
    responses: Sequence[Response],
    values: Sequence[Mapping[str, Any]],
    programme: Programme,
    events: Iterable[CaseEvent],
    comment_marts: Mapping[str, list[Row]],
    reporting_tz: tzinfo,
    settings: FollowupSettings,
) -> dict[str, list[Row]]:
    """The four follow-up marts. ``submissions`` are every valid response row (the published
    ones and the superseded), ``responses`` the published ones with their fct_cx_responses
    ``values``, ``events`` the accepted case events, ``comment_marts`` fct_comment_insights and
    fct_comment_themes."""
    as_of = settings.reference()
    openings: dict[str, tuple[datetime, bool]] = {}
    for submission in submissions:
        if submission.submitted_at > as_of or not settings.opens_case(
            submission.nps_score, submission.csat_score
        ):
            continue
        is_detractor = submission.nps_score is not None and submission.nps_score <= settings.open_nps_max
        opened_at, has_detractor = openings.get(submission.response_id, (submission.submitted_at, False))
        openings[submission.response_id] = (
            min(opened_at, submission.submitted_at),
            has_detractor or is_detractor,
        )
    accepted_events = list(events)
    known_events: dict[str, list[CaseEvent]] = defaultdict(list)
    for event in accepted_events:
        if event.event_at <= as_of:
            known_events[event.response_id].append(event)
    cases: list[_Case] = []
    for response, response_values in zip(responses, values, strict=True):
        if response.response_id not in openings:
            continue
        opened_at, has_detractor = openings[response.response_id]
        cases.append(
            _Case(
                response,
                response_values,
                opened_at,
                has_detractor,
                settings.opens_case(response.nps_score, response.csat_score),
                sorted(known_events.get(response.response_id, []), key=_event_order),
            )
        )
    by_customer: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        if response.customer_id is not None:
            by_customer[response.customer_id].append(response)
    case_rows = [_case_row(case, by_customer, programme, reporting_tz, settings, as_of) for case in cases]
    case_rows.sort(key=lambda row: row[0])
    published = {response.response_id for response in responses}
    case_ids = {row[0] for row in case_rows}
    return {
        "fct_followup_cases": case_rows,
        "rpt_followup_queue": _queue(case_rows, comment_marts, as_of),
        "fct_followup_daily": _daily(cases, case_rows, reporting_tz, as_of),
        "rpt_unknown_case_events": sorted(
            (
                event.source_file,
                event.source_row_number,
                event.response_id,
                event.event_type,
                event.event_at,
                event.feed_name,
                "unknown_response" if event.response_id not in published else "not_a_case",
            )
            for event in accepted_events
            if event.response_id not in case_ids
        ),
    }


def _status_events(case: _Case) -> list[tuple[CaseEvent, str, str]]:
    """The events that change the case's status, each with the status before and after it."""
    changes = []
    status = OPEN
    for event in case.events:
        after = STATUS_AFTER.get(event.event_type)
        if after is not None:
            changes.append((event, status, after))
            status = after
    return changes


def _case_row(
    case: _Case,
    by_customer: Mapping[str, list[Response]],
    programme: Programme,
    reporting_tz: tzinfo,
    settings: FollowupSettings,
    as_of: datetime,
) -> Row:
    response = case.response
    changes = _status_events(case)
    status = (changes[-1][2] if changes else OPEN) if case.is_active else CANCELLED
    assigned = [event for event in case.events if event.event_type == "assigned" and event.owner is not None]
    owner = assigned[-1].owner if assigned else None
    if owner is None and response.agent_id is not None:
        version = version_at(programme.agents.get(response.agent_id), response.submitted_at)
        owner = version.record.manager_id if version is not None else None
    contacts = [event.event_at for event in case.events if event.event_type == "contacted"]
    first_contacted_at = min(contacts) if contacts else None
    due = case.opened_at + timedelta(hours=settings.sla_hours)
    earlier_from = case.opened_at - timedelta(days=settings.repeat_detractor_days)
    others = by_customer.get(response.customer_id, []) if response.customer_id is not None else []
    is_repeat = response.nps_category == "detractor" and any(
        other.response_id != response.response_id
        and other.nps_category == "detractor"
        and earlier_from <= other.submitted_at < case.opened_at
        for other in others
    )
    is_low = response.nps_score is not None and response.nps_score <= settings.high_priority_max_score
    is_top_tier = case.values["loyalty_tier"] in settings.high_priority_tiers
    reasons = [
        reason
        for reason, flag in (
            ("low_score", is_low),
            ("repeat_detractor", is_repeat),
            ("top_tier", is_top_tier),
        )
        if flag
    ]
    next_response = None
    if case.is_active:
        window_end = response.submitted_at + timedelta(days=settings.recovery_window_days)
        later = [
            other
            for other in others
            if other.nps_score is not None
            and response.submitted_at < other.submitted_at <= min(window_end, as_of)
        ]
        if later:
            next_response = min(later, key=lambda other: (other.submitted_at, other.response_id))
    if status == CANCELLED:
        is_sla_met = None
    elif first_contacted_at is not None:
        is_sla_met = first_contacted_at <= due
    elif as_of > due:
        is_sla_met = False
    else:
        is_sla_met = None
    rank = _CATEGORY_RANK.get(response.nps_category or "", 0)
    return (
        response.response_id,
        response.customer_id,
        response.survey_id,
        response.channel,
        response.region,
        response.agent_id,
        case.values["team"],
        case.values["site"],
        case.values["loyalty_tier"],
        response.nps_score,
        response.nps_category,
        response.csat_score,
        "detractor" if case.has_detractor_submission else "dissatisfied_csat",
        "high" if reasons else "normal",
        ", ".join(reasons) or None,
        case.opened_at,
        local_date(case.opened_at, reporting_tz),
        due,
        owner,
        status,
        len(case.events),
        sum(1 for event in case.events if event.event_type == "reopened"),
        first_contacted_at,
        None
        if first_contacted_at is None
        else round_hundredths(hours_between(case.opened_at, first_contacted_at)),
        is_sla_met,
        status == OPEN and first_contacted_at is None and as_of > due,
        changes[-1][0].event_at if status == CLOSED else None,
        None if next_response is None else next_response.response_id,
        None if next_response is None else next_response.nps_score,
        None if next_response is None else _CATEGORY_RANK[next_response.nps_category or ""] > rank,
        as_of,
    )


def local_date(instant: datetime, reporting_tz: tzinfo) -> date:
    """The day of a naive UTC instant in the reporting time zone."""
    return instant.replace(tzinfo=UTC).astimezone(reporting_tz).date()


_CASE = {column: k for k, column in enumerate(MART_COLUMNS["fct_followup_cases"])}


def _queue(case_rows: list[Row], comment_marts: Mapping[str, list[Row]], as_of: datetime) -> list[Row]:
    insight_columns = MART_COLUMNS["fct_comment_insights"]
    at_id, at_comment, at_sentiment = (
        insight_columns.index("response_id"),
        insight_columns.index("comment_masked"),
        insight_columns.index("sentiment"),
    )
    insights = {
        row[at_id]: (row[at_comment], row[at_sentiment]) for row in comment_marts["fct_comment_insights"]
    }
    theme_columns = MART_COLUMNS["fct_comment_themes"]
    themes: dict[str, set[str]] = defaultdict(set)
    for row in comment_marts["fct_comment_themes"]:
        themes[row[theme_columns.index("response_id")]].add(row[theme_columns.index("theme")])
    pending = [row for row in case_rows if row[_CASE["status"]] in PENDING]
    pending.sort(
        key=lambda row: (
            not row[_CASE["is_overdue"]],
            row[_CASE["priority"]] != "high",
            row[_CASE["sla_due_at"]],
            row[_CASE["case_id"]],
        )
    )
    rows = []
    for rank, row in enumerate(pending, start=1):
        case_id = row[_CASE["case_id"]]
        comment, sentiment = insights.get(case_id, (None, None))
        rows.append(
            (
                rank,
                case_id,
                row[_CASE["priority"]],
                row[_CASE["priority_reasons"]],
                row[_CASE["status"]],
                row[_CASE["is_overdue"]],
                round_hundredths(hours_between(as_of, row[_CASE["sla_due_at"]])),
                row[_CASE["owner"]],
                row[_CASE["team"]],
                row[_CASE["region"]],
                row[_CASE["channel"]],
                row[_CASE["customer_id"]],
                row[_CASE["loyalty_tier"]],
                row[_CASE["nps_score"]],
                row[_CASE["csat_score"]],
                row[_CASE["opened_at"]],
                row[_CASE["sla_due_at"]],
                row[_CASE["first_contacted_at"]],
                comment,
                sentiment,
                ", ".join(sorted(themes[case_id])) or None,
                as_of,
            )
        )
    return rows


def _daily(cases: list[_Case], case_rows: list[Row], reporting_tz: tzinfo, as_of: datetime) -> list[Row]:
    by_id = {case.response.response_id: case for case in cases}
    counts: dict[tuple[date, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits: dict[tuple[date, str, str], list[int]] = defaultdict(list)
    for row in case_rows:
        if row[_CASE["status"]] == CANCELLED:
            continue
        team, region = row[_CASE["team"]], row[_CASE["region"]]
        opened = counts[(row[_CASE["opened_date"]], team, region)]
        opened["opened"] += 1
        opened["backlog_move"] += 1
        if row[_CASE["is_recovered"]] is not None:
            opened["with_next"] += 1
            opened["recovered"] += int(row[_CASE["is_recovered"]])
        first = row[_CASE["first_contacted_at"]]
        if first is not None:
            key = (local_date(first, reporting_tz), team, region)
            counts[key]["in_sla" if row[_CASE["is_sla_met"]] else "late"] += 1
            waits[key].append((first - row[_CASE["opened_at"]]) // timedelta(microseconds=1))
        if row[_CASE["closed_at"]] is not None:
            counts[(local_date(row[_CASE["closed_at"]], reporting_tz), team, region)]["closed"] += 1
        due = row[_CASE["sla_due_at"]]
        if due <= as_of:
            key = (local_date(due, reporting_tz), team, region)
            counts[key]["due"] += 1
            counts[key]["due_met"] += int(bool(row[_CASE["is_sla_met"]]))
        for event, before, after in _status_events(by_id[row[_CASE["case_id"]]]):
            move = int(after in PENDING) - int(before in PENDING)
            counts[(local_date(event.event_at, reporting_tz), team, region)]["backlog_move"] += move
    if not counts:
        return []
    first_day: dict[tuple[str, str], date] = {}
    for day, team, region in counts:
        first_day[(team, region)] = min(day, first_day.get((team, region), day))
    last_day = local_date(as_of, reporting_tz)
    rows = []
    for (team, region), start in first_day.items():
        backlog = 0
        day = start
        while day <= last_day:
            cell = counts.get((day, team, region), {})
            backlog += cell.get("backlog_move", 0)
            waited = waits.get((day, team, region))
            median = None
            if waited:
                median = round_hundredths(Fraction(statistics.median(waited)) / 3_600_000_000)
            rows.append(
                (
                    day,
                    team,
                    region,
                    cell.get("opened", 0),
                    cell.get("in_sla", 0),
                    cell.get("late", 0),
                    cell.get("closed", 0),
                    backlog,
                    cell.get("due", 0),
                    cell.get("due_met", 0),
                    rounded_ratio(cell.get("due_met", 0), cell.get("due", 0)),
                    median,
                    cell.get("with_next", 0),
                    cell.get("recovered", 0),
                    rounded_ratio(cell.get("recovered", 0), cell.get("with_next", 0)),
                )
            )
            day += timedelta(days=1)
    return sorted(rows, key=lambda row: row[:3])
