"""Customer health and campaign audiences (fct_customer_health, rpt_campaign_audiences),
following the README, "Customer health and audiences": per customer with a response by the
reference instant, recent activity, the last two NPS answers, the latest comment's sentiment,
open and overdue cases, the rule-based flags and the predictive scores (the features of
:mod:`nps_warehouse.risk_model`, weighed by the seed cx_risk_model); then the CRM's audiences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from nps_warehouse.contract import MART_COLUMNS
from nps_warehouse.oracle.followup import PENDING, FollowupSettings
from nps_warehouse.oracle.programme import Row
from nps_warehouse.oracle.responses import UNKNOWN, Response
from nps_warehouse.risk_model import Model, answers_by_customer, features

AT_RISK_REASONS: tuple[str, ...] = ("repeat_detractor", "score_drop", "overdue_case", "negative_theme")
LIKELY_PROMOTER_REASONS: tuple[str, ...] = ("rising_passive", "promoter_twice")
#: The predictive scores, in the mart's order (models of the seed cx_risk_model).
SCORES: tuple[str, ...] = ("detractor_risk", "promoter_propensity")


def _columns(mart: str) -> dict[str, int]:
    return {column: k for k, column in enumerate(MART_COLUMNS[mart])}


def _latest_first(response: Response) -> tuple[datetime, str]:
    return (response.submitted_at, response.response_id)


def _reasons(flags: Sequence[tuple[str, bool]]) -> str | None:
    return ", ".join(reason for reason, flag in flags if flag) or None


def fct_customer_health(
    responses: Sequence[Response],
    marts: Mapping[str, list[Row]],
    settings: FollowupSettings,
    as_of: datetime,
    models: Mapping[str, Model],
) -> list[Row]:
    """One row per customer with an accepted response by ``as_of``; ``marts`` holds
    fct_comment_insights, fct_comment_themes, fct_followup_cases and dim_customer."""
    insight = _columns("fct_comment_insights")
    sentiments = {
        row[insight["response_id"]]: row[insight["sentiment"]] for row in marts["fct_comment_insights"]
    }
    theme = _columns("fct_comment_themes")
    negative_themes: dict[str, set[str]] = defaultdict(set)
    for row in marts["fct_comment_themes"]:
        if row[theme["theme_sentiment"]] == "negative":
            negative_themes[row[theme["response_id"]]].add(row[theme["theme"]])
    case = _columns("fct_followup_cases")
    open_cases: dict[str, int] = defaultdict(int)
    overdue_cases: dict[str, int] = defaultdict(int)
    for row in marts["fct_followup_cases"]:
        customer_id = row[case["customer_id"]]
        if customer_id is None:
            continue
        open_cases[customer_id] += row[case["status"]] in PENDING
        overdue_cases[customer_id] += bool(row[case["is_overdue"]])
    latest: dict[str, tuple[datetime, str, str]] = {}
    for row in marts["fct_followup_cases"]:
        customer_id = row[case["customer_id"]]
        if customer_id is None or row[case["status"]] == "cancelled":
            continue
        candidate = (row[case["opened_at"]], row[case["case_id"]], row[case["status"]])
        if customer_id not in latest or candidate[:2] > latest[customer_id][:2]:
            latest[customer_id] = candidate
    tiers = {row[0]: row[1] for row in marts["dim_customer"]}
    by_customer: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        if response.customer_id is not None and response.submitted_at <= as_of:
            by_customer[response.customer_id].append(response)
    histories = answers_by_customer(marts)
    window_start = as_of - timedelta(days=settings.health_window_days)
    repeat_start = as_of - timedelta(days=settings.repeat_detractor_days)
    rows = []
    for customer_id, known in sorted(by_customer.items()):
        known.sort(key=_latest_first, reverse=True)
        recent = [r for r in known if r.submitted_at > window_start]
        answers = [r for r in known if r.nps_score is not None]
        last = answers[0] if answers else None
        previous = answers[1] if len(answers) > 1 else None
        change = None if last is None or previous is None else last.nps_score - previous.nps_score  # type: ignore[operator]
        commented = [r for r in known if r.response_id in sentiments]
        last_comment = commented[0] if commented else None
        last_sentiment = None if last_comment is None else sentiments[last_comment.response_id]
        repeat = sum(1 for r in known if r.submitted_at > repeat_start and r.nps_category == "detractor") >= 2
        risk = _reasons(
            (
                ("repeat_detractor", repeat),
                ("score_drop", change is not None and change <= -settings.at_risk_score_drop),
                ("overdue_case", overdue_cases[customer_id] > 0),
                (
                    "negative_theme",
                    last_comment is not None
                    and bool(negative_themes[last_comment.response_id] & set(settings.at_risk_themes)),
                ),
            )
        )
        last_category = None if last is None else last.nps_category
        previous_category = None if previous is None else previous.nps_category
        promoter = _reasons(
            (
                (
                    "rising_passive",
                    last_category == "passive"
                    and change is not None
                    and change > 0
                    and last_sentiment == "positive",
                ),
                ("promoter_twice", last_category == "promoter" and previous_category == "promoter"),
            )
        )
        history = [answer for answer in histories.get(customer_id, []) if answer.submitted_at <= as_of]
        values = features(history, as_of) if history else None
        scores = [None if values is None else models[name].score(values) for name in SCORES]
        rows.append(
            (
                customer_id,
                tiers.get(customer_id) or UNKNOWN,
                len(recent),
                sum(1 for r in recent if r.nps_category == "detractor"),
                max(r.response_date for r in known),
                None if last is None else last.nps_score,
                last_category,
                None if previous is None else previous.nps_score,
                change,
                last_sentiment,
                open_cases[customer_id],
                overdue_cases[customer_id],
                *latest.get(customer_id, (None, None, None))[1:],
                repeat,
                risk is not None,
                risk,
                promoter is not None,
                promoter,
                *scores,
                as_of,
            )
        )
    return rows


def rpt_campaign_audiences(
    health: list[Row],
    settings: FollowupSettings,
    as_of: datetime,
    reporting_tz: tzinfo,
) -> list[Row]:
    """One row per audience x customer: referral candidates, passives to re-engage, detractors to
    win back (with their latest case that is not cancelled, from ``health``)."""
    h = _columns("fct_customer_health")
    as_of_date: date = as_of.replace(tzinfo=UTC).astimezone(reporting_tz).date()
    recent_from = as_of_date - timedelta(days=settings.referral_recent_days)
    rows = []
    for row in health:
        customer_id = row[h["customer_id"]]
        category, open_count = row[h["last_nps_category"]], row[h["open_cases"]]
        common = (row[h["loyalty_tier"]], row[h["last_nps_score"]], row[h["last_response_date"]])
        tail = (row[h["is_at_risk"]], as_of)
        change = row[h["nps_change"]]
        if category == "promoter" and row[h["last_response_date"]] >= recent_from and open_count == 0:
            twice = "promoter_twice" in (row[h["likely_promoter_reasons"]] or "")
            reasons = _reasons((("recent_promoter", True), ("promoter_twice", twice)))
            rows.append(("referral_candidates", customer_id, reasons, *common, None, None, *tail))
        if category == "passive" and open_count == 0 and not row[h["is_at_risk"]]:
            reasons = _reasons((("passive", True), ("rising", change is not None and change > 0)))
            rows.append(("passive_reengagement", customer_id, reasons, *common, None, None, *tail))
        if category == "detractor" or open_count > 0:
            reasons = _reasons(
                (
                    ("last_answer_detractor", category == "detractor"),
                    ("open_case", open_count > 0),
                    ("overdue_case", row[h["overdue_cases"]] > 0),
                )
            )
            case_id, status = row[h["latest_case_id"]], row[h["latest_case_status"]]
            rows.append(("detractor_recovery", customer_id, reasons, *common, case_id, status, *tail))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def compute(
    responses: Sequence[Response],
    marts: Mapping[str, list[Row]],
    settings: FollowupSettings,
    reporting_tz: tzinfo,
    models: Mapping[str, Model],
) -> dict[str, list[Any]]:
    """fct_customer_health (scored with ``models``, the seed cx_risk_model) and
    rpt_campaign_audiences."""
    as_of = settings.reference()
    health = fct_customer_health(responses, marts, settings, as_of, models)
    return {
        "fct_customer_health": health,
        "rpt_campaign_audiences": rpt_campaign_audiences(health, settings, as_of, reporting_tz),
    }
