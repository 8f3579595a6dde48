"""What the dashboard shows, chosen from the marts' rows: no statistic is computed here.

:func:`read_dashboard` reads the marts it needs through a :class:`~.reader.MartReader` and
:func:`dashboard_content` picks, from those rows, the reporting period and each section's rows.
Every score, interval, flag, p-value, rank and direction is the marts' own; the only arithmetic
is what the marts' documentation prescribes for a period they do not hold: summing additive
counts (invitations, follow-up cases, rows read) and dividing the sums, as
``fct_invitations_daily.response_rate`` and ``fct_followup_daily.sla_met_pct`` are defined.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from nps_warehouse.contract import LOAD_HISTORY_REASONS, MART_COLUMNS
from nps_warehouse.report.reader import MartReader, Row

#: The breakdowns of the dashboard, in the order shown (dimension_name of fct_cx_by_period).
BREAKDOWN_DIMENSIONS: tuple[str, ...] = (
    "channel",
    "region",
    "segment",
    "touchpoint",
    "brand",
    "business_unit",
    "age_band",
    "loyalty_tier",
)
#: The grains of the headline period and of the trend charts.
GRAINS: tuple[str, ...] = ("week", "month")
#: Rows of the follow-up queue, drivers, keywords and agents listed on the page.
QUEUE_ROWS = 15
DRIVER_ROWS = 10
KEYWORD_ROWS = 8
AGENT_ROWS = 15

#: fct_cx_by_period but its sums of scores (the dashboard shows the scores they give).
_PERIOD_COLUMNS = tuple(
    column for column in MART_COLUMNS["fct_cx_by_period"] if not column.endswith(("_sum", "_sum_squares"))
)


def read_dashboard(reader: MartReader) -> dict[str, list[Row]]:
    """The rows of every mart the dashboard shows, read once: ``{mart: rows}``."""
    marts = {
        "fct_cx_by_period": reader.rows(
            "fct_cx_by_period",
            _PERIOD_COLUMNS,
            {"period_grain": GRAINS, "dimension_name": ("overall", *BREAKDOWN_DIMENSIONS)},
        ),
        "fct_invitations_daily": reader.rows(
            "fct_invitations_daily", ("sent_date", "channel", "invitations", "bounced", "answered")
        ),
        "fct_cx_alerts": reader.rows("fct_cx_alerts", MART_COLUMNS["fct_cx_alerts"]),
        "rpt_followup_queue": reader.rows("rpt_followup_queue", MART_COLUMNS["rpt_followup_queue"]),
        "fct_followup_daily": reader.rows("fct_followup_daily", MART_COLUMNS["fct_followup_daily"]),
        "rpt_cx_drivers": reader.rows("rpt_cx_drivers", MART_COLUMNS["rpt_cx_drivers"]),
        "rpt_comment_keywords": reader.rows(
            "rpt_comment_keywords",
            MART_COLUMNS["rpt_comment_keywords"],
            {"nps_category": ("detractor", "promoter"), "term_type": ("phrase",)},
        ),
        "fct_team_performance": reader.rows("fct_team_performance", MART_COLUMNS["fct_team_performance"]),
        "fct_agent_performance": reader.rows(
            "fct_agent_performance",
            (
                "month_start_date",
                "agent_id",
                "team",
                "site",
                "nps_responses",
                "nps",
                "nps_ci_lower",
                "nps_ci_upper",
                "is_below_min_responses",
                "team_nps",
                "nps_shrunk",
                "rank_in_team",
                "team_ranked_agents",
            ),
        ),
        "rpt_load_history": reader.rows(
            "rpt_load_history", (*MART_COLUMNS["rpt_load_history"], "loaded_at", "staged_at")
        ),
        "dim_region": reader.rows("dim_region", ("region", "region_name")),
        "dim_channel": reader.rows("dim_channel", ("channel", "channel_name", "sort_order")),
        "dim_segment": reader.rows("dim_segment", ("segment", "segment_name")),
    }
    return marts


def ratio_pct(numerator: int, denominator: int) -> Decimal | None:
    """100 numerator / denominator rounded half away from zero to two decimals (the marts'
    rounding of every percentage), None without a denominator."""
    if not denominator:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class Period:
    """The reporting period: a week or month of fct_cx_by_period."""

    grain: str
    start: date
    end: date
    is_complete: bool
    previous_start: date | None = None
    previous_end: date | None = None

    @property
    def month_start(self) -> date:
        return self.start.replace(day=1)


@dataclass
class Kpi:
    """One headline figure with its interval and change since the previous period."""

    metric: str
    value: Decimal | None
    ci_lower: Decimal | None = None
    ci_upper: Decimal | None = None
    responses: int | None = None
    previous: Decimal | None = None
    change: Decimal | None = None
    p_value: float | None = None
    #: up / down / flat / insufficient_data (the mart's), or None when the marts test nothing
    direction: str | None = None
    is_below_min_responses: bool = False
    target: Decimal | None = None


@dataclass
class Dashboard:
    """Everything the page shows, each list in the order shown."""

    period: Period | None
    kpis: list[Kpi] = field(default_factory=list)
    trends: dict[str, list[Row]] = field(default_factory=dict)
    breakdowns: dict[str, list[Row]] = field(default_factory=dict)
    overall: Row | None = None
    alerts: list[Row] = field(default_factory=list)
    queue: list[Row] = field(default_factory=list)
    queue_size: int = 0
    queue_overdue: int = 0
    followup: dict[str, Any] = field(default_factory=dict)
    sla_by_week: list[Row] = field(default_factory=list)
    drivers: list[Row] = field(default_factory=list)
    drivers_period: tuple[str, date] | None = None
    keywords: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    teams: list[Row] = field(default_factory=list)
    agents: list[Row] = field(default_factory=list)
    agents_total: int = 0
    agents_ranked: int = 0
    quality_sources: list[Row] = field(default_factory=list)
    quality_reasons: list[tuple[str, int]] = field(default_factory=list)
    last_load: datetime | None = None
    last_staged: datetime | None = None
    value_names: dict[str, dict[str, str]] = field(default_factory=dict)


def _overall(marts: dict[str, list[Row]], grain: str) -> list[Row]:
    rows = [
        row
        for row in marts["fct_cx_by_period"]
        if row["period_grain"] == grain and row["dimension_name"] == "overall"
    ]
    return sorted(rows, key=lambda row: row["period_start_date"])


def reporting_period(marts: dict[str, list[Row]], grain: str) -> Period | None:
    """The last complete period of ``grain`` (the latest one when none is complete yet) and the
    period before it, from the overall rows of fct_cx_by_period."""
    rows = _overall(marts, grain)
    if not rows:
        return None
    complete = [row for row in rows if row["is_period_complete"]]
    current = (complete or rows)[-1]
    earlier = [row for row in rows if row["period_start_date"] < current["period_start_date"]]
    previous = earlier[-1] if earlier else None
    return Period(
        grain=grain,
        start=current["period_start_date"],
        end=current["period_end_date"],
        is_complete=current["is_period_complete"],
        previous_start=previous["period_start_date"] if previous else None,
        previous_end=previous["period_end_date"] if previous else None,
    )


def _response_rate(
    invitations: list[Row], start: date | None, end: date | None
) -> tuple[Decimal | None, int]:
    """Answered of the delivered invitations sent from ``start`` to ``end`` (fct_invitations_
    daily's response_rate, over the period), and the delivered invitations."""
    if start is None or end is None:
        return None, 0
    rows = [row for row in invitations if start <= row["sent_date"] <= end]
    delivered = sum(row["invitations"] - row["bounced"] for row in rows)
    return ratio_pct(sum(row["answered"] for row in rows), delivered), delivered


def headline(row: Row, invitations: list[Row], period: Period) -> list[Kpi]:
    """NPS, CSAT (% satisfied), CES (mean) and the response rate of the period."""
    kpis = [
        Kpi(
            "nps",
            row["nps"],
            row["nps_ci_lower"],
            row["nps_ci_upper"],
            row["nps_responses"],
            row["previous_nps"],
            row["nps_change"],
            row["nps_change_p_value"],
            row["nps_change_direction"],
            row["is_below_min_responses"],
            row["nps_target"],
        ),
        Kpi(
            "csat_pct",
            row["csat_pct"],
            row["csat_ci_lower"],
            row["csat_ci_upper"],
            row["csat_responses"],
            row["previous_csat_pct"],
            row["csat_pct_change"],
            row["csat_pct_change_p_value"],
            row["csat_pct_change_direction"],
            row["is_csat_below_min_responses"],
            row["csat_pct_target"],
        ),
        Kpi(
            "ces_mean",
            row["ces_mean"],
            row["ces_mean_ci_lower"],
            row["ces_mean_ci_upper"],
            row["ces_responses"],
            row["previous_ces_mean"],
            row["ces_mean_change"],
            row["ces_mean_change_p_value"],
            row["ces_mean_change_direction"],
            row["is_ces_below_min_responses"],
            row["ces_mean_target"],
        ),
    ]
    rate, delivered = _response_rate(invitations, period.start, period.end)
    previous_rate, _ = _response_rate(invitations, period.previous_start, period.previous_end)
    change = rate - previous_rate if rate is not None and previous_rate is not None else None
    kpis.append(Kpi("response_rate", rate, responses=delivered, previous=previous_rate, change=change))
    return kpis


def _current_alerts(alerts: list[Row], period: Period) -> list[Row]:
    """The alerts of the reporting period and of every period (or day) since it began."""
    current = [row for row in alerts if row["period_start_date"] >= period.start]
    severity = {"high": 0, "medium": 1}
    return sorted(
        current,
        key=lambda row: (
            severity.get(row["severity"], 2),
            row["q_value"],
            row["period_start_date"],
            row["alert_id"],
        ),
    )


def _followup(marts: dict[str, list[Row]], period: Period) -> tuple[dict[str, Any], list[Row]]:
    """The period's follow-up (cases opened, due, due and met, SLA %, recovered) and the SLA
    of each week, summed over teams and regions from fct_followup_daily."""
    daily = marts["fct_followup_daily"]
    in_period = [row for row in daily if period.start <= row["case_date"] <= period.end]
    due = sum(row["cases_due"] for row in in_period)
    met = sum(row["cases_due_met"] for row in in_period)
    with_next = sum(row["cases_with_next_response"] for row in in_period)
    recovered = sum(row["cases_recovered"] for row in in_period)
    summary = {
        "cases_opened": sum(row["cases_opened"] for row in in_period),
        "cases_due": due,
        "cases_due_met": met,
        "sla_met_pct": ratio_pct(met, due),
        "cases_with_next_response": with_next,
        "cases_recovered": recovered,
        "recovery_pct": ratio_pct(recovered, sum(row["cases_opened"] for row in in_period)),
    }
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for row in daily:
        monday = date.fromordinal(row["case_date"].toordinal() - row["case_date"].weekday())
        weeks[monday][0] += row["cases_due"]
        weeks[monday][1] += row["cases_due_met"]
    by_week = [
        {
            "week_start_date": week,
            "cases_due": due_met[0],
            "cases_due_met": due_met[1],
            "sla_met_pct": ratio_pct(due_met[1], due_met[0]),
        }
        for week, due_met in sorted(weeks.items())
    ]
    return summary, by_week


def _drivers(drivers: list[Row], period: Period) -> tuple[list[Row], tuple[str, date] | None]:
    """The drivers of the period's month, else of the whole period, in the mart's rank order."""
    for grain, start in (("month", period.month_start), ("all", None)):
        rows = [
            row
            for row in drivers
            if row["period_grain"] == grain and (start is None or row["period_start_date"] == start)
        ]
        if rows:
            rows.sort(key=lambda row: row["driver_rank"])
            return rows[:DRIVER_ROWS], (grain, rows[0]["period_start_date"])
    return [], None


def _keywords(keywords: list[Row], month: date) -> dict[tuple[str, str], list[Row]]:
    """The first phrases of detractors and promoters, per comment language, of the month."""
    grouped: dict[tuple[str, str], list[Row]] = {}
    for language in ("fr", "en"):
        for category in ("detractor", "promoter"):
            rows = [
                row
                for row in keywords
                if row["month_start_date"] == month
                and row["comment_language"] == language
                and row["nps_category"] == category
                and row["term_type"] == "phrase"
            ]
            rows.sort(key=lambda row: row["keyword_rank"])
            if rows:
                grouped[(language, category)] = rows[:KEYWORD_ROWS]
    return grouped


def _teams(teams: list[Row], month: date) -> list[Row]:
    rows = [row for row in teams if row["month_start_date"] == month]
    return sorted(
        rows,
        key=lambda row: (
            row["rank_among_teams"] is None,
            row["rank_among_teams"] or 0,
            -(row["nps_shrunk"] if row["nps_shrunk"] is not None else Decimal(-1000)),
            row["team"],
        ),
    )


def _agents(agents: list[Row], month: date) -> tuple[list[Row], int, int]:
    """The month's agents whose customers are least likely to recommend (lowest shrunk NPS
    first, the mart's shrinkage), how many agents, how many ranked."""
    rows = [row for row in agents if row["month_start_date"] == month and row["nps_shrunk"] is not None]
    ranked = sum(1 for row in rows if row["rank_in_team"] is not None)
    rows.sort(key=lambda row: (row["nps_shrunk"], row["agent_id"], row["team"], row["site"]))
    return rows[:AGENT_ROWS], len(rows), ranked


def _quality(history: list[Row]) -> tuple[list[Row], list[tuple[str, int]]]:
    """Rows read, accepted, rejected and superseded per source, and the rejections per reason
    (every file load of rpt_load_history, summed)."""
    sources: dict[str, Row] = {}
    for row in history:
        source = sources.setdefault(
            row["source_name"],
            {
                "source_name": row["source_name"],
                "files": 0,
                "rows_read": 0,
                "accepted": 0,
                "rejected": 0,
                "superseded": 0,
            },
        )
        source["files"] += 1
        for column in ("rows_read", "accepted", "rejected", "superseded"):
            source[column] += row[column] or 0
    reasons = [
        (reason, sum(row[f"rejected_{reason}"] or 0 for row in history)) for reason in LOAD_HISTORY_REASONS
    ]
    kept = sorted(((reason, count) for reason, count in reasons if count), key=lambda item: -item[1])
    return sorted(sources.values(), key=lambda row: row["source_name"]), kept


def _breakdowns(marts: dict[str, list[Row]], period: Period) -> dict[str, list[Row]]:
    breakdowns: dict[str, list[Row]] = {}
    for dimension in BREAKDOWN_DIMENSIONS:
        rows = [
            row
            for row in marts["fct_cx_by_period"]
            if row["period_grain"] == period.grain
            and row["period_start_date"] == period.start
            and row["dimension_name"] == dimension
            and row["nps_responses"]
        ]
        # the values with enough responses first, best NPS first; the small samples after them
        rows.sort(key=lambda row: (row["is_below_min_responses"], -row["nps"], row["dimension_value"]))
        breakdowns[dimension] = rows
    return breakdowns


def dashboard_content(marts: dict[str, list[Row]], grain: str = "month") -> Dashboard:
    """The dashboard of the last complete ``grain`` (week or month) from the marts' rows."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, not {grain}")
    period = reporting_period(marts, grain)
    dashboard = Dashboard(period=period)
    dashboard.value_names = {
        "region": {row["region"]: row["region_name"] for row in marts["dim_region"]},
        "channel": {row["channel"]: row["channel_name"] for row in marts["dim_channel"]},
        "segment": {row["segment"]: row["segment_name"] for row in marts["dim_segment"]},
    }
    dashboard.trends = {trend_grain: _overall(marts, trend_grain) for trend_grain in GRAINS}
    history = marts["rpt_load_history"]
    dashboard.quality_sources, dashboard.quality_reasons = _quality(history)
    dashboard.last_load = max((row["loaded_at"] for row in history if row["loaded_at"]), default=None)
    dashboard.last_staged = max((row["staged_at"] for row in history if row["staged_at"]), default=None)
    queue = sorted(marts["rpt_followup_queue"], key=lambda row: row["queue_rank"])
    dashboard.queue = queue[:QUEUE_ROWS]
    dashboard.queue_size = len(queue)
    dashboard.queue_overdue = sum(1 for row in queue if row["is_overdue"])
    if period is None:
        return dashboard
    overall = next(row for row in _overall(marts, grain) if row["period_start_date"] == period.start)
    dashboard.overall = overall
    dashboard.kpis = headline(overall, marts["fct_invitations_daily"], period)
    dashboard.breakdowns = _breakdowns(marts, period)
    dashboard.alerts = _current_alerts(marts["fct_cx_alerts"], period)
    dashboard.followup, dashboard.sla_by_week = _followup(marts, period)
    dashboard.drivers, dashboard.drivers_period = _drivers(marts["rpt_cx_drivers"], period)
    dashboard.keywords = _keywords(marts["rpt_comment_keywords"], period.month_start)
    dashboard.teams = _teams(marts["fct_team_performance"], period.month_start)
    dashboard.agents, dashboard.agents_total, dashboard.agents_ranked = _agents(
        marts["fct_agent_performance"], period.month_start
    )
    return dashboard
