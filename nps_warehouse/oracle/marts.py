"""Every mart, recomputed from the landing files of the feeds and the seeds (README, "Marts").

Values are plain Python objects: ``str`` for text, ``int`` for counts, scores and row numbers,
``bool`` for ``is_*``, ``decimal.Decimal`` with two decimals for ``nps`` and every rounded
figure (scores, interval bounds, standard errors, targets, gaps), ``float`` for p-values and
q-values, ``datetime.date`` for dates, naive ``datetime.datetime`` in UTC for
``submitted_at``, ``None`` for nulls. Rows are tuples in :data:`MART_COLUMNS` order, sorted by
the mart's grain (None first).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, timedelta, tzinfo
from pathlib import Path
from typing import Any

from nps_warehouse.contract import CX_DIMENSIONS, MART_COLUMNS, PROGRAMME_SOURCES, SOURCE_AUDITS
from nps_warehouse.oracle import (
    agents,
    alerts,
    case_events,
    comment_marts,
    customers,
    drivers,
    engagement,
    followup,
    health,
    interactions,
    invitations,
    performance,
    periods,
)
from nps_warehouse.oracle.comments import CommentSettings
from nps_warehouse.oracle.feeds import Feed, implicit_feeds, load_landing_config
from nps_warehouse.oracle.files import (
    LandingFile,
    RawRow,
    SourceFile,
    SourceRow,
    feed_files,
    read_landing_file,
    read_source_file,
)
from nps_warehouse.oracle.intervals import NpsCounts, StatsSettings, nps_uncertainty
from nps_warehouse.oracle.lexicons import load_lexicons
from nps_warehouse.oracle.programme import (
    Programme,
    build_versions,
    cx_response_values,
    fct_cx_responses,
    load_bands,
    response_attributes,
    settle,
)
from nps_warehouse.oracle.responses import (
    ACCEPTED,
    OTHER,
    REJECTED,
    SUPERSEDED,
    UNKNOWN,
    Response,
    Seeds,
    channel_key,
    load_seeds,
    metric_issues,
    nps,
    rejection_reason,
    to_response,
    trim,
)
from nps_warehouse.oracle.timestamps import time_zone
from nps_warehouse.risk_model import load_models

Row = tuple[Any, ...]

#: The source of every feed the oracle reads (later sources get their own marts).
SOURCE_NAME = "responses"


def _located_files(
    raw_spec: str, config: str | os.PathLike[str] | None, sources: dict[str, str] | None
) -> list[tuple[Feed, str]]:
    """Every (feed, file): the feeds of ``config``, else the implicit feeds (``default`` of
    ``raw_spec``, and one per other source of ``sources`` or the environment)."""
    feeds = load_landing_config(config) if config is not None else implicit_feeds(raw_spec, sources)
    return feed_files(feeds)


def landing_files(
    raw_spec: str,
    *,
    config: str | os.PathLike[str] | None = None,
    sources: dict[str, str] | None = None,
) -> list[LandingFile]:
    """Every landing file of responses, read whole: the feeds of ``config``, else the implicit
    feed of ``raw_spec``; sorted by ``source_file``."""
    return [
        read_landing_file(path, feed)
        for feed, path in _located_files(raw_spec, config, sources)
        if feed.source == SOURCE_NAME
    ]


def compute_extra_columns(
    raw_spec: str,
    *,
    config: str | os.PathLike[str] | None = None,
    sources: dict[str, str] | None = None,
    source: str = SOURCE_NAME,
) -> dict[tuple[str, int], dict[str, str | None]]:
    """The ``extra_columns`` JSON object of every raw row of ``source`` (responses unless told),
    by (source_file, source_row_number)."""
    if source == SOURCE_NAME:
        landed: list[LandingFile] | list[SourceFile] = landing_files(raw_spec, config=config, sources=sources)
    else:
        landed = [
            read_source_file(path, feed)
            for feed, path in _located_files(raw_spec, config, sources)
            if feed.source == source
        ]
    return {
        (row.source_file, row.source_row_number): dict(row.extra_columns)
        for landed_file in landed
        for row in landed_file.rows
    }


@dataclass(frozen=True, slots=True)
class _Verdict:
    """A raw row and what the rules made of it."""

    row: RawRow
    reason: str | None


def compute_marts(
    raw_spec: str,
    seeds_dir: str | Path,
    reporting_timezone: str = "UTC",
    *,
    config: str | os.PathLike[str] | None = None,
    sources: dict[str, str] | None = None,
    stats: StatsSettings | None = None,
    comments: CommentSettings | None = None,
    followup_settings: followup.FollowupSettings | None = None,
) -> dict[str, list[Row]]:
    """Every mart, recomputed from the landing files and the seeds.

    With ``config`` (the path of a ``landing.yml``) the files are those of its feeds (of every
    source) and ``raw_spec`` and ``sources`` are ignored. Else the implicit feed ``default``
    reads the responses of ``raw_spec``, and each other source (customers, agents,
    interactions, invitations, agent engagement) the path ``sources`` gives it; without
    ``sources``, the files of ``NPS_RAW_<SOURCE>``, or with the demo responses
    (``NPS_RAW_RESPONSES`` unset and ``raw_spec`` ``data/demo``) the demo's folder of the
    source. ``stats`` are the settings of
    the statistics (default :class:`StatsSettings`: the defaults of the dbt vars), ``comments``
    those of the comment marts (default :class:`CommentSettings`), ``followup_settings`` those of
    the follow-up marts (default :class:`followup.FollowupSettings`; its ``as_of`` None is now).
    Returns ``{mart name: rows}`` for every mart of :data:`MART_COLUMNS`.
    """
    stats = StatsSettings() if stats is None else stats
    comments = CommentSettings() if comments is None else comments
    seeds = load_seeds(seeds_dir)
    lexicons = load_lexicons(seeds_dir)
    targets = periods.load_targets(seeds_dir)
    reporting_tz: tzinfo = UTC if reporting_timezone == "UTC" else time_zone(reporting_timezone)
    located = _located_files(raw_spec, config, sources)
    files = [read_landing_file(path, feed) for feed, path in located if feed.source == SOURCE_NAME]
    source_files = {
        source: [read_source_file(path, feed) for feed, path in located if feed.source == source]
        for source in PROGRAMME_SOURCES
    }

    verdicts: list[_Verdict] = []
    issues: list[str | None] = []
    submissions: list[Response] = []  # every valid row, published or superseded
    winners: dict[str, Response] = {}  # response_id -> best valid row so far
    for landed in files:
        feed = landed.feed
        for row in landed.rows:
            reason = rejection_reason(row, formats=feed.timestamp_formats, decimal_mark=feed.decimal_mark)
            verdicts.append(_Verdict(row, reason))
            issues.append(metric_issues(row, feed.decimal_mark))
            if reason is None:
                candidate = to_response(
                    row,
                    seeds,
                    reporting_tz,
                    formats=feed.timestamp_formats,
                    decimal_mark=feed.decimal_mark,
                )
                submissions.append(candidate)
                best = winners.get(candidate.response_id)
                if best is None or candidate.dedup_key() > best.dedup_key():
                    winners[candidate.response_id] = candidate

    accepted = {(r.source_file, r.source_row_number) for r in winners.values()}
    statuses = [_status(verdict, accepted) for verdict in verdicts]
    responses = sorted(winners.values(), key=lambda response: response.response_id)
    nps_responses = [response for response in responses if response.nps_score is not None]
    programme_marts, programme, sent, events, answers = _programme(source_files, seeds, seeds_dir)
    values = [
        cx_response_values(response, response_attributes(response, programme)) for response in responses
    ]
    programme_marts["fct_cx_responses"] = fct_cx_responses(values)
    programme_marts["fct_invitations_daily"] = invitations.fct_invitations_daily(
        sent, responses, reporting_tz
    )
    programme_marts["rpt_unknown_invitations"] = invitations.rpt_unknown_invitations(
        responses, {invitation.invitation_id for invitation in sent}
    )
    read_comments = comment_marts.read_comments(responses, lexicons, comments)
    cube = _cx_daily_by_dimension(responses, values, stats)
    by_period = periods.fct_cx_by_period(cube, targets, stats)
    marts = {
        "fct_nps_responses": [response.as_row() for response in responses],
        "fct_nps_daily": _daily(nps_responses, ("response_date", "channel", "region", "segment"), stats),
        "fct_nps_daily_by_channel": _daily(nps_responses, ("response_date", "channel"), stats),
        "fct_nps_daily_by_region": _daily(nps_responses, ("response_date", "region"), stats),
        "fct_nps_daily_by_segment": _daily(nps_responses, ("response_date", "segment"), stats),
        "fct_nps_daily_overall": _daily(nps_responses, ("response_date",), stats),
        "fct_cx_daily_by_dimension": cube,
        "fct_cx_by_period": by_period,
        "fct_cx_rolling": periods.fct_cx_rolling(cube, stats),
        "fct_cx_alerts": alerts.fct_cx_alerts(cube, by_period, stats),
        "dim_survey": _dim_survey(responses, seeds),
        "dim_channel": _sorted(seeds.channels, 1),
        "dim_region": _dim_region(responses, seeds),
        "dim_segment": _dim_segment(responses, seeds),
        "dim_date": _dim_date(responses),
        "rpt_response_audit": _audit(verdicts, statuses, issues),
        "rpt_rejected_rows": _rejected_rows(verdicts, issues),
        "rpt_load_history": _load_history(files, verdicts, statuses, source_files, programme_marts),
        "rpt_unmapped_channels": _unmapped_channels(responses),
        "rpt_unmapped_codes": _unmapped_codes(responses, values, seeds),
        "fct_comment_insights": comment_marts.fct_comment_insights(read_comments),
        "fct_comment_themes": comment_marts.fct_comment_themes(read_comments),
        "rpt_comment_keywords": comment_marts.rpt_comment_keywords(
            read_comments, lexicons.stop_words, comments
        ),
        "rpt_cx_drivers": drivers.rpt_cx_drivers(values, read_comments, stats),
        **programme_marts,
    }
    marts.update(
        followup.compute(
            submissions,
            responses,
            values,
            programme,
            events,
            marts,
            reporting_tz,
            followup.FollowupSettings() if followup_settings is None else followup_settings,
        )
    )
    # the agents' performance counts the follow-up cases their responses opened
    performance_marts, team_rows = performance.performance_marts(
        values,
        {interaction_id: record.wait_seconds for interaction_id, record in programme.interactions.items()},
        performance.case_sla(marts["fct_followup_cases"]),
        stats,
    )
    marts.update(performance_marts)
    marts["rpt_team_engagement"] = engagement.rpt_team_engagement(
        answers, programme.agents, team_rows, reporting_tz, stats
    )
    marts.update(
        health.compute(
            responses,
            marts,
            followup.FollowupSettings() if followup_settings is None else followup_settings,
            reporting_tz,
            load_models(seeds_dir),
        )
    )
    return {mart: marts[mart] for mart in MART_COLUMNS}


def _programme(
    source_files: dict[str, list[SourceFile]], seeds: Seeds, seeds_dir: str | Path
) -> tuple[
    dict[str, list[Row]],
    Programme,
    list[invitations.Invitation],
    list[case_events.CaseEvent],
    list[engagement.Answer],
]:
    """The audits and dimensions of the other sources, what a response is joined to, and the
    accepted invitations, case events and engagement answers."""

    def rows(source: str) -> Iterable[tuple[SourceRow, Feed]]:
        return ((row, landed.feed) for landed in source_files[source] for row in landed.rows)

    settled_customers = settle(
        (customers.check(row, feed.timestamp_formats) for row, feed in rows("customers")), customers.group
    )
    settled_agents = settle(
        (agents.check(row, feed.timestamp_formats) for row, feed in rows("agents")), agents.group
    )
    settled_interactions = settle(
        (interactions.check(row, feed.timestamp_formats) for row, feed in rows("interactions")),
        interactions.group,
    )
    settled_invitations = settle(
        (
            invitations.check(row, seeds.channel_by_key, feed.timestamp_formats)
            for row, feed in rows("invitations")
        ),
        invitations.group,
    )
    settled_events = settle(
        (case_events.check(row, feed.timestamp_formats) for row, feed in rows("case_events")),
        case_events.group,
    )
    settled_answers = settle(
        (
            engagement.check(row, feed.timestamp_formats, feed.decimal_mark)
            for row, feed in rows("agent_engagement")
        ),
        engagement.group,
    )
    customer_versions = build_versions(settled_customers.accepted)
    agent_versions = build_versions(settled_agents.accepted)
    marts: dict[str, list[Row]] = {
        "dim_customer": customers.dim_customer(customer_versions),
        "dim_customer_history": customers.dim_customer_history(customer_versions),
        "dim_agent": agents.dim_agent(agent_versions),
        "dim_agent_history": agents.dim_agent_history(agent_versions),
        "rpt_customer_audit": settled_customers.audit,
        "rpt_agent_audit": settled_agents.audit,
        "rpt_interaction_audit": settled_interactions.audit,
        "rpt_invitation_audit": settled_invitations.audit,
        "rpt_case_event_audit": settled_events.audit,
        "rpt_agent_engagement_audit": settled_answers.audit,
    }
    programme = Programme(
        customers=customer_versions,
        agents=agent_versions,
        interactions={record.interaction_id: record for record in settled_interactions.accepted},
        bands=load_bands(seeds_dir),
    )
    return marts, programme, settled_invitations.accepted, settled_events.accepted, settled_answers.accepted


def _status(verdict: _Verdict, accepted: set[tuple[str, int]]) -> str:
    if verdict.reason is not None:
        return REJECTED
    if (verdict.row.source_file, verdict.row.source_row_number) in accepted:
        return ACCEPTED
    return SUPERSEDED


# ------------------------------------------------------------------------------ audit


def _audit(verdicts: list[_Verdict], statuses: list[str], issues: list[str | None]) -> list[Row]:
    rows = [
        (
            verdict.row.source_file,
            verdict.row.source_row_number,
            trim(verdict.row.response_id),
            verdict.row.feed_name,
            *verdict.row.raw_values(),
            status,
            verdict.reason,
            issue,
        )
        for verdict, status, issue in zip(verdicts, statuses, issues, strict=True)
    ]
    return _sorted(rows, 2)


def _rejected_rows(verdicts: list[_Verdict], issues: list[str | None]) -> list[Row]:
    rows = [
        (
            row.source_file,
            row.source_row_number,
            row.feed_name,
            verdict.reason,
            trim(row.response_id),
            row.response_id,
            row.submitted_at,
            row.score,
            row.csat_score,
            row.ces_score,
            issue,
            row.response_type,
            row.finished,
            row.source_timezone,
        )
        for verdict, issue in zip(verdicts, issues, strict=True)
        if verdict.reason is not None
        for row in (verdict.row,)
    ]
    return _sorted(rows, 2)


#: The reasons of the rejected_<reason> columns of rpt_load_history, as the contract lists them.
_LOAD_HISTORY_REASONS = tuple(
    column.removeprefix("rejected_")
    for column in MART_COLUMNS["rpt_load_history"]
    if column.startswith("rejected_")
)


def _load_history(
    files: list[LandingFile],
    verdicts: list[_Verdict],
    statuses: list[str],
    source_files: dict[str, list[SourceFile]],
    programme_marts: dict[str, list[Row]],
) -> list[Row]:
    """One row per landing file of every source, with what became of its rows (its audit)."""
    outcomes: dict[str, Counter[str]] = {landed.path: Counter() for landed in files}
    for verdict, status in zip(verdicts, statuses, strict=True):
        outcomes[verdict.row.source_file][status] += 1
        if verdict.reason is not None:
            outcomes[verdict.row.source_file][verdict.reason] += 1
    landed_files: list[tuple[str, LandingFile | SourceFile]] = [(SOURCE_NAME, landed) for landed in files]
    for source in PROGRAMME_SOURCES:
        audit = SOURCE_AUDITS[source]
        status_at, reason_at = MART_COLUMNS[audit].index("status"), MART_COLUMNS[audit].index("reason")
        for landed in source_files[source]:
            outcomes[landed.path] = Counter()
            landed_files.append((source, landed))
        for row in programme_marts[audit]:
            outcomes[row[0]][row[status_at]] += 1
            if row[reason_at] is not None:
                outcomes[row[0]][row[reason_at]] += 1
    rows = []
    for source, landed in landed_files:
        counts = outcomes[landed.path]
        rows.append(
            (
                landed.feed.name,
                source,
                landed.path,
                landed.fingerprint,
                landed.size,
                landed.source_timezone,
                ",".join(landed.missing_columns) or None,
                len(landed.rows),
                len(landed.rows),  # rows_staged: every row read is staged by a good build
                counts[ACCEPTED],
                counts[REJECTED],
                counts[SUPERSEDED],
                0,  # pending: only while a build has stopped between reading and publishing
                *(counts[reason] for reason in _LOAD_HISTORY_REASONS),
            )
        )
    return sorted(rows, key=lambda row: row[2])


# ------------------------------------------------------------------------------ marts


def _sorted(rows: Iterable[Row], width: int) -> list[Row]:
    """``rows`` sorted on their first ``width`` columns, None first."""
    return sorted(rows, key=lambda row: [(v is not None, v) for v in row[:width]])


def _daily(responses: Iterable[Response], grain: tuple[str, ...], stats: StatsSettings) -> list[Row]:
    """Counts, NPS and its uncertainty for each combination of ``grain`` values that occurs."""
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
        uncertainty = nps_uncertainty(NpsCounts(promoters, passives, detractors), stats)
        rows.append((*key, total, promoters, passives, detractors, score, *uncertainty))
    return _sorted(rows, len(grain))


def _dimension_value(response: Response, values: dict[str, Any], column: str) -> Any:
    """The value of ``column`` for a response: its fct_cx_responses column, else its own."""
    return values[column] if column in values else getattr(response, column)


def _cx_daily_by_dimension(
    responses: list[Response], values: list[dict[str, Any]], stats: StatsSettings
) -> list[Row]:
    """fct_cx_daily_by_dimension: every response counted once per dimension, by day; the
    dimensions read the response's row of fct_cx_responses (``values``, one per response)."""
    cells: dict[tuple[date, str, str], list[Response]] = {}
    for response, response_values in zip(responses, values, strict=True):
        for name, column in CX_DIMENSIONS.items():
            value = "all" if column is None else _dimension_value(response, response_values, column)
            key = (response.response_date, name, UNKNOWN if value is None else str(value))
            cells.setdefault(key, []).append(response)
    return _sorted(((*key, *cx_measures(members, stats)) for key, members in cells.items()), 3)


def cx_measures(responses: list[Response], stats: StatsSettings | None = None) -> tuple[Any, ...]:
    """The measures, scores and intervals of fct_cx_daily_by_dimension (CX_MEASURES) of a
    group: its counts and sums, the rest recomputed from them (:func:`periods.cx_block`)."""
    categories = Counter(response.nps_category for response in responses)
    promoters, passives, detractors = categories["promoter"], categories["passive"], categories["detractor"]
    nps_count = promoters + passives + detractors
    csat = [response.csat_score for response in responses if response.csat_score is not None]
    ces = [response.ces_score for response in responses if response.ces_score is not None]
    satisfied = sum(1 for score in csat if score >= 4)
    easy = sum(1 for score in ces if score >= 5)
    difficult = sum(1 for score in ces if score <= 3)
    additive = {
        "responses": len(responses),
        "nps_responses": nps_count,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "csat_responses": len(csat),
        "csat_satisfied": satisfied,
        "csat_score_sum": sum(csat),
        "csat_score_sum_squares": sum(score * score for score in csat),
        "ces_responses": len(ces),
        "ces_easy": easy,
        "ces_difficult": difficult,
        "ces_score_sum": sum(ces),
        "ces_score_sum_squares": sum(score * score for score in ces),
    }
    sums = tuple(additive[column] for column in periods.ADDITIVE)
    return periods.cx_block(sums, StatsSettings() if stats is None else stats)


def _dim_survey(responses: list[Response], seeds: Seeds) -> list[Row]:
    survey_ids = set(seeds.surveys) | {response.survey_id or UNKNOWN for response in responses}
    rows = []
    for survey_id in survey_ids:
        survey = seeds.surveys.get(survey_id)
        if survey is None:
            rows.append((survey_id, survey_id, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, False))
        else:
            rows.append(
                (
                    survey_id,
                    survey.survey_name,
                    survey.survey_type,
                    survey.touchpoint or UNKNOWN,
                    survey.brand or UNKNOWN,
                    survey.business_unit or UNKNOWN,
                    True,
                )
            )
    return _sorted(rows, 1)


#: Attributes of fct_cx_responses whose codes nps_codes lists: checked when the cube has them.
_PROGRAMME_CODED_DIMENSIONS = ("loyalty_tier", "team", "site")


def _known_codes(seeds: Seeds) -> dict[str, tuple[str, set[str]]]:
    """The coded dimensions rpt_unmapped_codes checks: the column each reads, and the codes
    their seeds list."""
    known = {"region": ("region", set(seeds.regions)), "segment": ("segment", set(seeds.segments))}
    for dimension in ("touchpoint", "brand", "business_unit"):
        known[dimension] = (dimension, seeds.codes.get(dimension, set()))
    for dimension in _PROGRAMME_CODED_DIMENSIONS:
        column = CX_DIMENSIONS.get(dimension)
        if column is not None:
            known[dimension] = (column, seeds.codes.get(dimension, set()))
    return known


def _unmapped_codes(responses: list[Response], values: list[dict[str, Any]], seeds: Seeds) -> list[Row]:
    dates: dict[tuple[str, str], list[date]] = {}
    for dimension, (column, known) in _known_codes(seeds).items():
        for response, response_values in zip(responses, values, strict=True):
            code = _dimension_value(response, response_values, column)
            if code is None:
                continue
            if code != UNKNOWN and code not in known:
                dates.setdefault((dimension, code), []).append(response.response_date)
    rows = [(*key, len(days), min(days), max(days)) for key, days in dates.items()]
    return _sorted(rows, 2)


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
