"""Great Expectations validation suite over the published marts.

The marts (and the seeds the comment checks read: stop words, themes) are read from the
DuckDB warehouse with a short-lived read-only connection, fetched into pandas and validated with
an ephemeral Great Expectations context through its *pandas* datasource (GE's SQL datasource
gives wrong answers on DuckDB, so it is deliberately not used).

Checks that GE cannot express directly on a table (cross-column arithmetic, recomputed NPS,
cross-mart reconciliation, calendar contiguity) are written as derived columns computed here in
pandas, named ``chk_*``, on which plain GE expectations are then set (for example "every
``chk_counts_gap`` is 0"). Each such check is validated on a copy of the mart, so the contract
check on the exact column set always sees the mart as published.

Usage::

    from nps_warehouse.quality import render_text_report, validate_warehouse

    report = validate_warehouse("warehouse/nps.duckdb")
    print(render_text_report(report))
    raise SystemExit(0 if report.success else 1)
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from nps_warehouse import followup_quality
from nps_warehouse.contract import (
    CX_ALERT_RULES,
    CX_COMPARED_SCORES,
    CX_DERIVED,
    CX_DIMENSIONS,
    CX_MEASURES,
    LOAD_HISTORY_REASONS,
    MART_COLUMNS,
    MART_LOAD_COLUMNS,
    MART_SCHEMAS,
    NPS_UNCERTAINTY,
    PROGRAMME_SOURCES,
    REJECTION_REASONS,
    SOURCE_KEYS,
    SOURCE_REJECTION_REASONS,
)
from nps_warehouse.contract import SOURCE_AUDITS as AUDIT_OF_SOURCE
from nps_warehouse.engines import EngineUnavailableError, read_relations, target_name

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

__all__ = [
    "AUDIT_REASONS",
    "AUDIT_STATUSES",
    "CHANNELS",
    "COUNT_COLUMNS",
    "MART_COLUMNS",
    "MART_GRAIN",
    "NPS_CATEGORIES",
    "ExpectationOutcome",
    "MartReport",
    "ValidationReport",
    "WarehouseUnavailableError",
    "expected_nps",
    "load_marts",
    "personal_data_found",
    "render_text_report",
    "validate_frames",
    "validate_warehouse",
]

DEFAULT_DUCKDB_PATH = "warehouse/nps.duckdb"

COUNT_COLUMNS: tuple[str, ...] = ("responses", "promoters", "passives", "detractors")

#: Exact column set of every published mart (README, "Marts").

#: Grain (primary key) of every mart: not null and unique together.
MART_GRAIN: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": ("response_id",),
    "fct_nps_daily": ("response_date", "channel", "region", "segment"),
    "fct_nps_daily_by_channel": ("response_date", "channel"),
    "fct_nps_daily_by_region": ("response_date", "region"),
    "fct_nps_daily_by_segment": ("response_date", "segment"),
    "fct_nps_daily_overall": ("response_date",),
    "dim_channel": ("channel",),
    "dim_region": ("region",),
    "dim_segment": ("segment",),
    "dim_date": ("date_day",),
    "rpt_response_audit": ("source_file", "source_row_number"),
    "rpt_rejected_rows": ("source_file", "source_row_number"),
    "rpt_load_history": ("source_file",),
    "rpt_unmapped_channels": ("raw_channel",),
    "fct_cx_daily_by_dimension": ("response_date", "dimension_name", "dimension_value"),
    "dim_survey": ("survey_id",),
    "rpt_unmapped_codes": ("dimension_name", "code"),
    "fct_cx_responses": ("response_id",),
    "dim_customer": ("customer_id",),
    "dim_customer_history": ("customer_id", "version_number"),
    "dim_agent": ("agent_id",),
    "dim_agent_history": ("agent_id", "version_number"),
    "fct_invitations_daily": ("sent_date", "survey_id", "channel"),
    "rpt_unknown_invitations": ("response_id",),
    "fct_cx_by_period": ("period_grain", "period_start_date", "dimension_name", "dimension_value"),
    "fct_cx_rolling": ("date_day", "window_days", "dimension_name", "dimension_value"),
    "fct_cx_alerts": ("alert_id",),
    "fct_comment_insights": ("response_id",),
    "fct_comment_themes": ("response_id", "theme"),
    "rpt_comment_keywords": ("month_start_date", "nps_category", "comment_language", "term_type", "term"),
    "rpt_cx_drivers": ("period_grain", "period_start_date", "driver_group", "driver"),
    "fct_followup_cases": ("case_id",),
    "rpt_followup_queue": ("queue_rank",),
    "fct_followup_daily": ("case_date", "team", "region"),
    "rpt_unknown_case_events": ("source_file", "source_row_number"),
    "fct_customer_health": ("customer_id",),
    "rpt_campaign_audiences": ("audience", "customer_id"),
    "fct_agent_performance": ("month_start_date", "agent_id", "team", "site"),
    "fct_team_performance": ("month_start_date", "team"),
    "fct_site_performance": ("month_start_date", "site"),
    "rpt_team_engagement": ("quarter_start_date", "team"),
    **{AUDIT_OF_SOURCE[source]: ("source_file", "source_row_number") for source in PROGRAMME_SOURCES},
}

#: The scores of the cube, recomputed from its measures: (numerator, denominator, scale).
CX_SCORES: dict[str, tuple[str, str, int]] = {
    "csat_pct": ("csat_satisfied", "csat_responses", 100),
    "csat_mean": ("csat_score_sum", "csat_responses", 1),
    "ces_easy_pct": ("ces_easy", "ces_responses", 100),
    "ces_mean": ("ces_score_sum", "ces_responses", 1),
}
#: The additive measures of the cube (those its scores, intervals and flags are recomputed from).
CUBE_COUNTS: tuple[str, ...] = tuple(column for column in CX_MEASURES if column not in CX_DERIVED)
#: The flags of CX_MEASURES: each count below the minimum of responses.
CX_FLAGS: dict[str, str] = {
    "is_below_min_responses": "nps_responses",
    "is_csat_below_min_responses": "csat_responses",
    "is_ces_below_min_responses": "ces_responses",
}
#: The marts of one row per cell (dimension name and value) and span of days carrying the
#: CX_MEASURES block: the daily cube, its periods and its rolling windows.
CX_MEASURE_MARTS: tuple[str, ...] = ("fct_cx_daily_by_dimension", "fct_cx_by_period", "fct_cx_rolling")

#: The settings the statistics of the marts are built with: the defaults of the dbt vars
#: cx_confidence_level (0.95: its normal quantile, the literal the SQL and the oracle share, and
#: its significance level), cx_min_responses, cx_alert_fdr, cx_alert_detractor_window_days and
#: cx_alert_high_severity (README, "How sure a number is").
CONFIDENCE_Z = 1.959963984540054
SIGNIFICANCE_LEVEL = 0.05
MIN_RESPONSES = 30
ALERT_FDR = 0.05
DETRACTOR_WINDOW_DAYS = 28
HIGH_SEVERITY: dict[str, Decimal] = {
    "nps": Decimal("10"),
    "csat_pct": Decimal("10"),
    "ces_mean": Decimal("0.5"),
    "detractor_share": Decimal("10"),
}
#: The period grains of fct_cx_by_period, and the months of each grain but the (ISO) week.
PERIOD_GRAINS: tuple[str, ...] = ("week", "month", "quarter", "year")
GRAIN_MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
#: The windows of fct_cx_rolling, in days.
ROLLING_WINDOWS: tuple[int, ...] = (7, 30, 90)
#: The directions of a change from the previous period, and of a gap to the rest.
CHANGE_DIRECTIONS: tuple[str, ...] = ("up", "down", "flat", "insufficient_data")
REST_DIRECTIONS: tuple[str, ...] = ("above", "below", "flat", "insufficient_data")
#: Each compared score of fct_cx_by_period and the count of its responses.
SCORE_RESPONSES: dict[str, str] = {
    "nps": "nps_responses",
    "csat_pct": "csat_responses",
    "ces_mean": "ces_responses",
}
#: The metrics each alert rule may name, and the grains of its periods (a spike is of a day).
ALERT_METRICS: dict[str, tuple[str, ...]] = {
    "nps_significant_drop": ("nps",),
    "csat_significant_drop": ("csat_pct",),
    "detractor_spike": ("detractor_share",),
    "below_target": CX_COMPARED_SCORES,
}
SPIKE_GRAIN = "day"
ALERT_SEVERITIES: tuple[str, ...] = ("high", "medium")
#: The drop rules: the score whose change from the previous period they test.
DROP_RULES: dict[str, str] = {"nps_significant_drop": "nps", "csat_significant_drop": "csat_pct"}
#: The metric scales (lowest, highest) and category sets of fct_nps_responses.
METRIC_SCALES: dict[str, tuple[int, int]] = {"nps_score": (0, 10), "csat_score": (1, 5), "ces_score": (1, 7)}
CSAT_CATEGORIES: tuple[str, ...] = ("satisfied", "neutral", "dissatisfied")
CES_CATEGORIES: tuple[str, ...] = ("easy", "neutral", "difficult")
SURVEY_TYPES: tuple[str, ...] = ("relationship", "transactional", "unknown")
#: The category of each metric score: (score column, category column, (category, lowest,
#: highest) of each category).
METRIC_CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, int, int], ...]], ...] = (
    ("nps_score", "nps_category", (("detractor", 0, 6), ("passive", 7, 8), ("promoter", 9, 10))),
    ("csat_score", "csat_category", (("dissatisfied", 1, 2), ("neutral", 3, 3), ("satisfied", 4, 5))),
    ("ces_score", "ces_category", (("difficult", 1, 3), ("neutral", 4, 4), ("easy", 5, 7))),
)
#: The marts of one row per accepted response.
RESPONSE_MARTS: tuple[str, ...] = ("fct_nps_responses", "fct_cx_responses")

#: The stand-in of an attribute a response lacks (no customer version, no interaction, ...).
UNKNOWN = "unknown"
#: The bands of the seed nps_bands (README; macro cx_in_band): band type -> (band, lowest
#: value inclusive or None, highest value exclusive or None), in order.
BANDS: dict[str, tuple[tuple[str, int | None, int | None], ...]] = {
    "age_band": (
        ("under_18", None, 18),
        ("18-24", 18, 25),
        ("25-34", 25, 35),
        ("35-44", 35, 45),
        ("45-54", 45, 55),
        ("55-64", 55, 65),
        ("65+", 65, None),
    ),
    "tenure_band": (("<1y", None, 1), ("1-2y", 1, 3), ("3-4y", 3, 5), ("5y+", 5, None)),
    "wait_time_band": (
        ("<1m", None, 60),
        ("1-3m", 60, 180),
        ("3-5m", 180, 300),
        ("5-10m", 300, 600),
        ("10m+", 600, None),
    ),
    "transfers_band": (("0", None, 1), ("1", 1, 2), ("2+", 2, None)),
}
FIRST_CONTACT_RESOLUTIONS: tuple[str, ...] = ("yes", "no", UNKNOWN)
#: The attributes of fct_cx_responses that come from each programme source.
CUSTOMER_ATTRIBUTES: tuple[str, ...] = ("age_band", "tenure_band", "loyalty_tier", "customer_country")
AGENT_ATTRIBUTES: tuple[str, ...] = ("team", "site")
INTERACTION_ATTRIBUTES: tuple[str, ...] = ("wait_time_band", "transfers_band", "first_contact_resolution")

#: The histories of the programme (versions of an entity), by mart: the entity's id column, the
#: current-version dimension built from it, and the attributes both carry.
HISTORIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "dim_customer_history": (
        "customer_id",
        "dim_customer",
        ("loyalty_tier", "customer_country", "region", "customer_since"),
    ),
    "dim_agent_history": ("agent_id", "dim_agent", ("team", "site", "manager_id", "hired_on")),
}
#: The sources whose accepted rows are one per id (a later row corrects the earlier one); the
#: others keep a row per id and time (customers and agents: versions; engagement: answers).
ONE_ROW_PER_ID_SOURCES: tuple[str, ...] = ("interactions", "invitations")
#: The source whose accepted audit rows each history is built from.
HISTORY_SOURCES: dict[str, str] = {"dim_customer_history": "customers", "dim_agent_history": "agents"}
#: The audit of each programme source, by mart name.
SOURCE_AUDITS: dict[str, str] = {AUDIT_OF_SOURCE[source]: source for source in PROGRAMME_SOURCES}
#: The audit of each source of rpt_load_history (responses first).
LOAD_HISTORY_AUDITS: dict[str, str] = {
    "responses": "rpt_response_audit",
    **{source: mart for mart, source in SOURCE_AUDITS.items()},
}
#: Load metadata each mart may carry after its data columns: the contract's, and the audits of
#: the other sources (load_id and loaded_at, as rpt_response_audit and their dbt contracts) while
#: contract.MART_LOAD_COLUMNS does not list them.
LOAD_COLUMNS: dict[str, tuple[str, ...]] = {
    **{mart: MART_LOAD_COLUMNS["rpt_response_audit"] for mart in SOURCE_AUDITS},
    **MART_LOAD_COLUMNS,
}
#: The rejection reasons of each source of rpt_load_history.
SOURCE_REASONS: dict[str, tuple[str, ...]] = {"responses": REJECTION_REASONS, **SOURCE_REJECTION_REASONS}
#: The dimensions of the cube with a code list (region and segment by their seeds, the others by
#: nps_codes): the dimension_name values of rpt_unmapped_codes.
CODED_DIMENSIONS: tuple[str, ...] = (
    "region",
    "segment",
    "touchpoint",
    "brand",
    "business_unit",
    "loyalty_tier",
    "team",
    "site",
)

#: Agents and teams (README, "Agents and teams"): the performance marts, each with the column
#: its NPS is shrunk toward, its rank and the count of ranked rows, the minimum of NPS responses
#: of its flag (the defaults of the dbt vars cx_agent_min_responses and cx_min_responses), and
#: the columns of a ranking's field; the weight of the shrinkage (var cx_shrinkage_k).
AGENT_MIN_RESPONSES = 10
SHRINKAGE_K = 20
ENGAGEMENT_MIN_RESPONSES = 5
PERFORMANCE_MARTS: dict[str, tuple[str, str, str, int, tuple[str, ...]]] = {
    "fct_agent_performance": (
        "team_nps",
        "rank_in_team",
        "team_ranked_agents",
        AGENT_MIN_RESPONSES,
        ("month_start_date", "team"),
    ),
    "fct_team_performance": (
        "all_agents_nps",
        "rank_among_teams",
        "ranked_teams",
        MIN_RESPONSES,
        ("month_start_date",),
    ),
    "fct_site_performance": (
        "all_agents_nps",
        "rank_among_sites",
        "ranked_sites",
        MIN_RESPONSES,
        ("month_start_date",),
    ),
}
#: The additive counts and sums of a performance row.
PERFORMANCE_COUNTS: tuple[str, ...] = (
    "responses",
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "csat_responses",
    "csat_satisfied",
    "csat_score_sum",
    "ces_responses",
    "ces_easy",
    "ces_score_sum",
    "fcr_responses",
    "fcr_resolved",
    "wait_responses",
    "wait_seconds_sum",
    "cases",
    "cases_sla_due",
    "cases_sla_met",
)
#: The scores of a performance row: (numerator, denominator, scale).
PERFORMANCE_RATIOS: dict[str, tuple[str, str, int]] = {
    "csat_pct": ("csat_satisfied", "csat_responses", 100),
    "csat_mean": ("csat_score_sum", "csat_responses", 1),
    "ces_easy_pct": ("ces_easy", "ces_responses", 100),
    "ces_mean": ("ces_score_sum", "ces_responses", 1),
    "fcr_rate": ("fcr_resolved", "fcr_responses", 100),
    "wait_seconds_mean": ("wait_seconds_sum", "wait_responses", 1),
    "sla_met_pct": ("cases_sla_met", "cases_sla_due", 100),
}
#: The ranges of the agents' marts' columns (lowest, highest; None unbounded).
_AGENT_RANGES: tuple[tuple[str, float | None, float | None], ...] = (
    *((column, 0, None) for column in (*PERFORMANCE_COUNTS, "agents", "enps_responses", "correlated_teams")),
    *(
        (column, -100, 100)
        for column in (
            "nps",
            "team_nps",
            "all_agents_nps",
            "nps_shrunk",
            "enps",
            "enps_ci_lower",
            "enps_ci_upper",
        )
    ),
    *(
        (column, 0, 100)
        for column in ("csat_pct", "ces_easy_pct", "fcr_rate", "sla_met_pct", "nps_standard_error")
    ),
    ("csat_mean", 1, 5),
    ("ces_mean", 1, 7),
    ("wait_seconds_mean", 0, None),
    *((column, 1, None) for column in ("rank_in_team", "rank_among_teams", "rank_among_sites")),
    *((column, -1, 1) for column in ("enps_nps_correlation", "correlation_ci_lower", "correlation_ci_upper")),
)
ENGAGEMENT = "rpt_team_engagement"

#: Other columns that must never be null (beyond the grain).
_NOT_NULL: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": (
        "channel",
        "region",
        "segment",
        "survey_type",
        "touchpoint",
        "brand",
        "business_unit",
        "language",
        "response_date",
        "submitted_at",
        "source_file",
        "source_row_number",
    ),
    # every daily cell has responses: its NPS and its uncertainty are always set
    "fct_nps_daily": (*COUNT_COLUMNS, "nps", *NPS_UNCERTAINTY),
    "fct_nps_daily_by_channel": (*COUNT_COLUMNS, "nps", *NPS_UNCERTAINTY),
    "fct_nps_daily_by_region": (*COUNT_COLUMNS, "nps", *NPS_UNCERTAINTY),
    "fct_nps_daily_by_segment": (*COUNT_COLUMNS, "nps", *NPS_UNCERTAINTY),
    "fct_nps_daily_overall": (*COUNT_COLUMNS, "nps", *NPS_UNCERTAINTY),
    "dim_channel": ("channel_name", "sort_order"),
    "dim_region": ("region_name", "is_reference_region"),
    "dim_segment": ("segment_name", "is_reference_segment"),
    "dim_date": MART_COLUMNS["dim_date"][1:],
    "rpt_response_audit": ("feed_name", "status"),
    "rpt_rejected_rows": ("feed_name", "reason"),
    # every column but the file's size, zone and missing columns (the counts from rows_read on)
    "rpt_load_history": (
        "feed_name",
        "source_name",
        "file_fingerprint",
        *MART_COLUMNS["rpt_load_history"][MART_COLUMNS["rpt_load_history"].index("rows_read") :],
    ),
    "rpt_unmapped_channels": (
        "channel_key",
        "responses",
        "first_response_date",
        "last_response_date",
    ),
    # every measure and flag; the scores and intervals are null where their metric has no
    # response (a mean's interval under two)
    "fct_cx_daily_by_dimension": (*CUBE_COUNTS, *CX_FLAGS),
    # besides, the period's dates, the responses of the previous period (0 without one) and the
    # direction of each change (insufficient_data when a side lacks responses); the directions
    # to the rest are null for the overall cell only
    "fct_cx_by_period": (
        "period_end_date",
        "is_period_complete",
        *CUBE_COUNTS,
        *CX_FLAGS,
        *(f"previous_{responses}" for responses in SCORE_RESPONSES.values()),
        *(f"{score}_change_direction" for score in SCORE_RESPONSES),
    ),
    "fct_cx_rolling": ("window_start_date", "is_window_complete", *CUBE_COUNTS, *CX_FLAGS),
    # an alert is a test: both sides have responses, so scores (a below-target alert has no
    # baseline responses)
    "fct_cx_alerts": tuple(
        column for column in MART_COLUMNS["fct_cx_alerts"][1:] if column != "baseline_responses"
    ),
    "dim_survey": MART_COLUMNS["dim_survey"][1:],
    "rpt_unmapped_codes": ("responses", "first_response_date", "last_response_date"),
    # the columns of fct_nps_responses that are never null, and every attribute ('unknown' when
    # the response lacks it)
    "fct_cx_responses": (
        "channel",
        "region",
        "segment",
        "survey_type",
        "touchpoint",
        "brand",
        "business_unit",
        "language",
        *CUSTOMER_ATTRIBUTES,
        *AGENT_ATTRIBUTES,
        *INTERACTION_ATTRIBUTES,
        "response_date",
        "submitted_at",
    ),
    # customer_since, manager_id and hired_on are null when the extract lacks them
    "dim_customer": (
        "loyalty_tier",
        "customer_country",
        "region",
        "versions",
        "first_updated_at",
        "updated_at",
    ),
    "dim_customer_history": ("loyalty_tier", "customer_country", "region", "is_current", "valid_from"),
    "dim_agent": ("team", "site", "versions", "first_updated_at", "updated_at"),
    "dim_agent_history": ("team", "site", "is_current", "valid_from"),
    # the rate is null when every invitation bounced, the median when none was answered
    "fct_invitations_daily": ("invitations", "bounced", "answered"),
    "rpt_unknown_invitations": ("invitation_id", "response_date", "feed_name", "source_file"),
    # every comment is read whole (survey_id and the NPS are null for some responses)
    "fct_comment_insights": (
        "response_date",
        "channel",
        "comment_masked",
        "comment_language",
        "word_count",
        "sentiment_words",
        "sentiment_score",
        "sentiment",
    ),
    "fct_comment_themes": (
        "response_date",
        "channel",
        "comment_language",
        "matched_text",
        "mentions",
        "theme_sentiment_score",
        "theme_sentiment",
    ),
    "rpt_comment_keywords": MART_COLUMNS["rpt_comment_keywords"][5:],
    # a driver has responses with it: their NPS and its interval are set; the side without it,
    # the gap, its test and the impact are null when every response has it, the theme columns
    # for a factor, the example without a comment
    "rpt_cx_drivers": (
        "driver_rank",
        "nps",
        "responses",
        "responses_with",
        "responses_without",
        "share_with_pct",
        "nps_with",
        "nps_with_ci_lower",
        "nps_with_ci_upper",
        "is_gap_significant",
        "is_with_below_min_responses",
    ),
    **{mart: ("feed_name", "status") for mart in SOURCE_AUDITS},
    **followup_quality.NOT_NULL,
    # every count and flag; the scores are null where their responses are none (the group's NPS
    # too: a team of a month with CSAT answers only), the rank below the minimum
    "fct_agent_performance": (
        *PERFORMANCE_COUNTS,
        "is_below_min_responses",
        "team_ranked_agents",
    ),
    **{
        f"fct_{level}_performance": (
            "agents",
            *PERFORMANCE_COUNTS,
            "is_below_min_responses",
            f"ranked_{level}s",
        )
        for level in ("team", "site")
    },
    "rpt_team_engagement": (
        "enps_responses",
        "enps_promoters",
        "enps_passives",
        "enps_detractors",
        "is_enps_below_min_responses",
        *COUNT_COLUMNS[1:],
        "nps_responses",
        "is_below_min_responses",
        "is_in_correlation",
        "correlated_teams",
    ),
}

DAILY_MARTS: tuple[str, ...] = (
    "fct_nps_daily",
    "fct_nps_daily_by_channel",
    "fct_nps_daily_by_region",
    "fct_nps_daily_by_segment",
    "fct_nps_daily_overall",
)
#: Daily marts reconciled against ``fct_nps_daily_overall``.
PER_DIMENSION_MARTS: tuple[str, ...] = DAILY_MARTS[:-1]

CHANNELS: tuple[str, ...] = (
    "email",
    "sms",
    "phone",
    "web",
    "chat",
    "whatsapp",
    "in_app",
    "other",
    "unknown",
)
NPS_CATEGORIES: tuple[str, ...] = ("promoter", "passive", "detractor")
AUDIT_STATUSES: tuple[str, ...] = ("accepted", "rejected", "superseded")
AUDIT_REASONS: tuple[str, ...] = REJECTION_REASONS
#: Marts that hold at least one row whenever the warehouse has accepted a response: empty, they
#: fail the suite unless empty marts are expected (``allow_empty``).
NON_EMPTY_MARTS: tuple[str, ...] = (
    "fct_nps_responses",
    *("fct_nps_daily", "fct_nps_daily_by_channel", "fct_nps_daily_by_region"),
    *("fct_nps_daily_by_segment", "fct_nps_daily_overall", "dim_date"),
    "fct_cx_daily_by_dimension",
    "fct_cx_by_period",
    "fct_cx_rolling",
    "fct_cx_responses",
    "dim_survey",
    "rpt_response_audit",
    "rpt_load_history",
)

#: The comment marts (README, "What customers say").
INSIGHTS = "fct_comment_insights"
THEMES = "fct_comment_themes"
KEYWORDS = "rpt_comment_keywords"
DRIVERS = "rpt_cx_drivers"
#: The languages comments are read in (the keywords are of those), and any other comment's.
COMMENT_LANGUAGES: tuple[str, ...] = ("fr", "en")
OTHER_LANGUAGE = "other"
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")
#: The defaults of the dbt vars cx_sentiment_positive_threshold and
#: cx_sentiment_negative_threshold, in ten-thousandths (a score has four decimals).
SENTIMENT_THRESHOLDS: tuple[int, int] = (500, -500)
#: The defaults of the dbt vars cx_keyword_min_count and cx_keyword_top_n.
KEYWORD_MIN_COUNT = 3
KEYWORD_TOP_N = 30
TERM_TYPES: tuple[str, ...] = ("word", "phrase")
#: rpt_comment_keywords: the key of a ranking (one per month, category, language, term type).
KEYWORD_RANKING: tuple[str, ...] = ("month_start_date", "nps_category", "comment_language", "term_type")
#: How far a published log-odds ratio or z-score (4 decimals) may be from the recomputed one.
KEYWORD_TOLERANCE = 1e-4
#: rpt_cx_drivers: the periods, the operational factors (columns of fct_cx_responses whose
#: every known value is a driver) and the driver groups.
DRIVER_GRAINS: tuple[str, ...] = ("month", "all")
DRIVER_FACTORS: tuple[str, ...] = (
    "wait_time_band",
    "transfers_band",
    "first_contact_resolution",
    "channel",
    "touchpoint",
)
THEME_GROUP = "theme"
DRIVER_GROUPS: tuple[str, ...] = (THEME_GROUP, *DRIVER_FACTORS)
#: How far a published nps_impact (2 decimals, from doubles) may be from the recomputed one.
IMPACT_TOLERANCE = 0.005
#: The column of each mart that publishes a comment: none may hold personal data.
COMMENT_COLUMNS: dict[str, str] = {
    "fct_nps_responses": "comment",
    INSIGHTS: "comment_masked",
    DRIVERS: "example_comment",
}
#: What a comment may hold and still be empty (spaces, tabs, line breaks: the loader's trimming).
COMMENT_BLANKS = " \t\r\n"
#: The masks of personal data in a published comment (README, "Personal data").
COMMENT_MASKS: tuple[str, ...] = ("[email]", "[iban]", "[card]", "[phone]")
#: The seeds the comment checks read besides the marts, as the build loaded them (frames named
#: "seeds.<seed>"): the stop words the keywords leave out, the themes of the taxonomy.
SEEDS_SCHEMA = "seeds"
COMMENT_SEEDS: tuple[str, ...] = ("cx_stop_words", "cx_comment_themes")
STOP_WORDS = f"{SEEDS_SCHEMA}.cx_stop_words"
#: What the validation reads: each mart, and the seeds the comment checks read (as seeds.<seed>).
_RELATIONS: dict[str, tuple[str, str]] = {mart: (MART_SCHEMAS[mart], mart) for mart in MART_COLUMNS} | {
    f"{SEEDS_SCHEMA}.{seed}": (SEEDS_SCHEMA, seed) for seed in COMMENT_SEEDS
}

#: Value sets (when set) and ranges (lowest, highest; None unbounded) of the comment marts.
_COMMENT_VALUE_SETS: dict[str, dict[str, tuple[Any, ...]]] = {
    INSIGHTS: {
        "nps_score": tuple(range(METRIC_SCALES["nps_score"][0], METRIC_SCALES["nps_score"][1] + 1)),
        "nps_category": NPS_CATEGORIES,
        "comment_language": (*COMMENT_LANGUAGES, OTHER_LANGUAGE),
        "sentiment": SENTIMENTS,
    },
    THEMES: {
        "nps_category": NPS_CATEGORIES,
        "comment_language": (*COMMENT_LANGUAGES, OTHER_LANGUAGE),
        "theme_sentiment": SENTIMENTS,
    },
    KEYWORDS: {
        "nps_category": NPS_CATEGORIES,
        "comment_language": COMMENT_LANGUAGES,
        "term_type": TERM_TYPES,
    },
    DRIVERS: {
        "period_grain": DRIVER_GRAINS,
        "driver_group": DRIVER_GROUPS,
        "is_gap_significant": (True, False),
        "is_with_below_min_responses": (True, False),
    },
}
_COMMENT_RANGES: dict[str, tuple[tuple[str, float | None, float | None], ...]] = {
    INSIGHTS: (("sentiment_score", -1, 1), ("word_count", 0, None), ("sentiment_words", 0, None)),
    THEMES: (("theme_sentiment_score", -1, 1), ("mentions", 1, None)),
    KEYWORDS: (
        ("keyword_rank", 1, KEYWORD_TOP_N),
        ("term_count", KEYWORD_MIN_COUNT, None),
        ("comment_count", 1, None),
    ),
    DRIVERS: (
        ("driver_rank", 1, None),
        ("responses", 1, None),
        ("responses_with", 1, None),
        ("responses_without", 0, None),
        ("share_with_pct", 0, 100),
        ("nps", -100, 100),
        *(
            (f"nps_{side}{bound}", -100, 100)
            for side in ("with", "without")
            for bound in ("", "_ci_lower", "_ci_upper")
        ),
        ("nps_gap", -200, 200),
        ("nps_impact", -200, 200),
        ("gap_p_value", 0, 1),
        ("theme_mentions", 1, None),
        ("negative_mention_pct", 0, 100),
    ),
}

#: How many unexpected values (or rows) each failed expectation reports.
EXAMPLE_LIMIT = 5


class WarehouseUnavailableError(RuntimeError):
    """The DuckDB file, or one of the marts in it, cannot be read."""


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation on one mart."""

    mart: str
    expectation_type: str
    description: str
    success: bool
    checked_on: str = "mart"
    column: str | None = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_examples: list[Any] = field(default_factory=list)
    observed_value: Any = None
    error: str | None = None

    @property
    def status(self) -> str:
        return "PASS" if self.success else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        return {
            "mart": self.mart,
            "expectation_type": self.expectation_type,
            "description": self.description,
            "checked_on": self.checked_on,
            "column": self.column,
            "status": self.status,
            "success": self.success,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_examples": _jsonable(self.unexpected_examples),
            "observed_value": _jsonable(self.observed_value),
            "error": self.error,
        }


@dataclass
class MartReport:
    """Every expectation result of one mart."""

    mart: str
    row_count: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mart": self.mart,
            "row_count": self.row_count,
            "success": self.success,
            "expectations": len(self.outcomes),
            "failed": len(self.failed),
            "results": [outcome.to_dict() for outcome in self.outcomes],
        }


@dataclass
class ValidationReport:
    """Per-mart, per-expectation results of a warehouse validation."""

    duckdb_path: str
    marts: list[MartReport] = field(default_factory=list)
    great_expectations_version: str = ""

    @property
    def success(self) -> bool:
        return all(mart.success for mart in self.marts)

    @property
    def outcomes(self) -> list[ExpectationOutcome]:
        return [outcome for mart in self.marts for outcome in mart.outcomes]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    def mart(self, name: str) -> MartReport:
        for mart in self.marts:
            if mart.mart == name:
                return mart
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "duckdb_path": self.duckdb_path,
            "great_expectations_version": self.great_expectations_version,
            "success": self.success,
            "expectations": len(self.outcomes),
            "failed": len(self.failed),
            "marts": [mart.to_dict() for mart in self.marts],
        }


# --------------------------------------------------------------------------------------------
# Reading the warehouse
# --------------------------------------------------------------------------------------------


def load_marts(
    duckdb_path: str | os.PathLike[str] | None = None,
    *,
    target: str | None = None,
    postgres_dbname: str | None = None,
    only: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Read every mart (or the names ``only``: marts, and seeds as ``seeds.<seed>``) into pandas
    from the target's engine: the DuckDB file ``duckdb_path`` (through one short read-only
    connection) when given, else the target's (default ``$NPS_TARGET``, else duckdb and the
    profile's file).

    Raises WarehouseUnavailableError when the engine cannot be reached or lacks a mart.
    """
    if duckdb_path is not None and target is None:
        target = "duckdb"
    try:
        frames = read_relations(
            _RELATIONS, target=target, duckdb_path=duckdb_path, postgres_dbname=postgres_dbname, only=only
        )
    except EngineUnavailableError as exc:
        raise WarehouseUnavailableError(str(exc)) from exc
    # Servers hand back Python objects (int, Decimal, date); give them the dtypes DuckDB's
    # pandas export has, so every engine is validated alike.
    return {mart: _as_duckdb_dtypes(frame) for mart, frame in frames.items()}


class _MartFrames(Mapping[str, pd.DataFrame]):
    """The marts and seeds of one warehouse, each read on first use: validating a few marts
    reads them and the marts their cross-mart checks compare them with, not the warehouse."""

    def __init__(self, read: Callable[[list[str]], dict[str, pd.DataFrame]]) -> None:
        self._read = read
        self._frames: dict[str, pd.DataFrame] = {}

    def read(self, names: Iterable[str]) -> None:
        """Read ``names`` now (those not read yet)."""
        wanted = [name for name in names if name not in self._frames]
        if wanted:
            self._frames |= self._read(wanted)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in _RELATIONS:
            raise KeyError(name)
        self.read([name])
        return self._frames[name]

    def __contains__(self, name: object) -> bool:
        return name in _RELATIONS

    def __iter__(self) -> Iterator[str]:
        return iter(_RELATIONS)

    def __len__(self) -> int:
        return len(_RELATIONS)


def _as_duckdb_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    if not any(pd.api.types.is_object_dtype(dtype) for dtype in frame.dtypes):
        return frame
    converted = frame.copy()
    for column in converted.columns:
        values = converted[column].dropna()
        if values.empty:
            continue
        sample = values.iloc[0]
        if isinstance(sample, bool):
            continue
        if isinstance(sample, datetime | date):
            converted[column] = pd.to_datetime(converted[column])
        elif isinstance(sample, int):
            converted[column] = converted[column].astype(
                "Int64" if converted[column].isna().any() else "int64"
            )
        elif isinstance(sample, uuid.UUID):
            converted[column] = converted[column].map(lambda value: None if value is None else str(value))
    return converted


# --------------------------------------------------------------------------------------------
# NPS arithmetic
# --------------------------------------------------------------------------------------------


def expected_nps(promoters: Any, detractors: Any, responses: Any) -> Decimal | None:
    """``100 * (promoters - detractors) / responses`` rounded half away from zero to 2 places.

    Computed exactly (integer arithmetic on hundredths), returned as a Decimal; None when an
    input is missing or ``responses`` is not positive.
    """
    values = [_as_int(value) for value in (promoters, detractors, responses)]
    if any(value is None for value in values):
        return None
    p, d, n = (int(value) for value in values if value is not None)
    if n <= 0:
        return None
    numerator = 10_000 * (p - d)  # nps in hundredths = numerator / n
    quotient, remainder = divmod(abs(numerator), n)
    if 2 * remainder >= n:
        quotient += 1
    return Decimal(-quotient if numerator < 0 else quotient).scaleb(-2)


def _with_nps_score(responses: pd.DataFrame) -> int:
    """The rows of fct_nps_responses that carry an NPS score (those the NPS marts count)."""
    if "nps_score" not in responses.columns:
        return len(responses)
    return int(responses["nps_score"].notna().sum())


def expected_ratio(numerator: Any, denominator: Any, scale: int) -> Decimal | None:
    """``scale * numerator / denominator`` rounded half away from zero to 2 places, exactly;
    None when an input is missing or the denominator is not positive."""
    values = [_as_int(value) for value in (numerator, denominator)]
    if values[0] is None or values[1] is None or values[1] <= 0:
        return None
    hundredths = 100 * scale * values[0]
    quotient, remainder = divmod(abs(hundredths), values[1])
    if 2 * remainder >= values[1]:
        quotient += 1
    return Decimal(-quotient if hundredths < 0 else quotient).scaleb(-2)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def _as_int(value: Any) -> int | None:
    if _is_missing(value) or isinstance(value, bool | np.bool_):
        return None
    try:
        as_decimal = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not as_decimal.is_finite() or as_decimal != as_decimal.to_integral_value():
        return None
    return int(as_decimal)


def as_decimal(value: Any) -> Decimal | None:
    """A published ``nps`` value (Decimal, float, int or text) as a Decimal; None if missing."""
    if _is_missing(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float | np.floating):
        return Decimal(repr(float(value)))
    if isinstance(value, int | np.integer):
        return Decimal(int(value))
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _nps_matches(row: pd.Series) -> bool:
    actual = as_decimal(row["nps"])
    expected = expected_nps(row["promoters"], row["detractors"], row["responses"])
    return actual is not None and expected is not None and actual == expected


# --------------------------------------------------------------------------------------------
# CX statistics, vectorised (the formulas of the README, "How sure a number is")
# --------------------------------------------------------------------------------------------
#
# Written from the formulas with the same double operations in the same order as the SQL and
# the oracle (integer products exact, then converted), so that a recomputed standard error or
# bound, rounded half away from zero to 2 decimals, equals the published one exactly. Rounded
# figures are compared as whole hundredths; p-values and q-values (published unrounded, the SQL
# with its own normal distribution function) within P_VALUE_TOLERANCE of the recomputed one,
# relatively, or P_VALUE_FLOOR absolutely: tiny p-values are compared closely too.

#: How far, relatively, a published p-value or q-value may be from the recomputed one.
P_VALUE_TOLERANCE = 1e-9
#: How far absolutely: the normal distribution functions agree to about 1e-16 absolutely, not
#: relatively in the far tail (the oracle's, 1 + erf(x / sqrt 2) on Python 3.11, loses tiny
#: values' leading digits).
P_VALUE_FLOOR = 1e-15
_SQRT2 = math.sqrt(2.0)


def _ints(series: pd.Series) -> np.ndarray:
    """A count column as whole numbers (missing: 0; the not-null expectations report those)."""
    return _numeric(series).fillna(0).to_numpy(dtype="float64").round().astype("int64")


def _floats(series: pd.Series) -> np.ndarray:
    return _numeric(series).to_numpy(dtype="float64", na_value=np.nan)


def _hundredths(series: pd.Series) -> np.ndarray:
    """A published two-decimal figure as whole hundredths (NaN when missing)."""
    return np.rint(_floats(series) * 100)


def _round2(values: np.ndarray) -> np.ndarray:
    """Whole hundredths of ``values`` rounded half away from zero (NaN stays NaN)."""
    with np.errstate(invalid="ignore"):
        rounded = np.floor(np.abs(values) * 100 + 0.5)
        return np.where(values >= 0, rounded, -rounded) + 0.0


def _ratio_hundredths(numerator: np.ndarray, denominator: np.ndarray, scale: int) -> np.ndarray:
    """``scale * numerator / denominator`` in whole hundredths, rounded half away from zero
    exactly (integer arithmetic); NaN where the denominator is not positive."""
    top = 100 * scale * numerator
    safe = np.where(denominator > 0, denominator, 1)
    quotient = (2 * np.abs(top) + safe) // (2 * safe)
    return np.where(denominator > 0, np.where(top < 0, -quotient, quotient), np.nan)


def _same_numbers(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Equal, or both missing."""
    both_missing = np.isnan(actual) & np.isnan(expected)
    return both_missing | (actual == expected)


def _close_numbers(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Within P_VALUE_TOLERANCE of each other (relatively), or both missing."""
    both_missing = np.isnan(actual) & np.isnan(expected)
    with np.errstate(invalid="ignore"):
        scale = np.maximum(np.abs(actual), np.abs(expected))
        close = np.abs(actual - expected) <= np.maximum(P_VALUE_TOLERANCE * scale, P_VALUE_FLOOR)
    return both_missing | close


def _normal_cdf(values: np.ndarray) -> np.ndarray:
    """Phi, the standard normal distribution function (NaN stays NaN)."""
    return np.array([0.5 * math.erfc(-value / _SQRT2) for value in np.asarray(values, dtype=float).tolist()])


def _two_sided(z: np.ndarray) -> np.ndarray:
    return 2 * _normal_cdf(-np.abs(z))


@dataclass(frozen=True)
class _Adjusted:
    """The adjusted NPS (0.75 added to promoters and detractors, 3 to the responses)."""

    score: np.ndarray
    variance: np.ndarray
    trials: np.ndarray

    @classmethod
    def of(cls, promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray) -> _Adjusted:
        trials = (promoters + passives + detractors).astype(float) + 3
        share_promoters = (promoters.astype(float) + 0.75) / trials
        share_detractors = (detractors.astype(float) + 0.75) / trials
        variance = np.maximum(
            (share_promoters + share_detractors)
            - (share_promoters - share_detractors) * (share_promoters - share_detractors),
            0.0,
        )
        return cls(100 * (share_promoters - share_detractors), variance, trials)

    @property
    def standard_error(self) -> np.ndarray:
        return 100 * np.sqrt(self.variance / self.trials)


def nps_uncertainty_hundredths(
    promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray, z: float = CONFIDENCE_Z
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The NPS standard error and adjusted-Wald bounds (clamped to -100..100), in whole
    hundredths; NaN without responses."""
    n = promoters + passives + detractors
    with np.errstate(divide="ignore", invalid="ignore"):
        nf = n.astype(float)
        share_promoters = promoters.astype(float) / nf
        share_detractors = detractors.astype(float) / nf
        variance = np.maximum(
            (share_promoters + share_detractors)
            - (share_promoters - share_detractors) * (share_promoters - share_detractors),
            0.0,
        )
        standard_error = 100 * np.sqrt(variance / nf)
        adjusted = _Adjusted.of(promoters, passives, detractors)
        se_adjusted = adjusted.standard_error
        lower = np.maximum(-100.0, adjusted.score - z * se_adjusted)
        upper = np.minimum(100.0, adjusted.score + z * se_adjusted)
    empty = n <= 0

    def published(values: np.ndarray) -> np.ndarray:
        return np.where(empty, np.nan, _round2(values))

    return published(standard_error), published(lower), published(upper)


def wilson_hundredths(
    successes: np.ndarray, trials: np.ndarray, z: float = CONFIDENCE_Z
) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson interval of a share in percent (clamped to 0..100), in whole hundredths; NaN
    without trials."""
    with np.errstate(divide="ignore", invalid="ignore"):
        nf = trials.astype(float)
        share = successes.astype(float) / nf
        zz = z * z
        denominator = 1 + zz / nf
        centre = (share + zz / (2 * nf)) / denominator
        half = z * np.sqrt(share * (1 - share) / nf + zz / (4 * trials * trials).astype(float)) / denominator
        lower = np.maximum(0.0, 100 * (centre - half))
        upper = np.minimum(100.0, 100 * (centre + half))
    empty = trials <= 0
    return np.where(empty, np.nan, _round2(lower)), np.where(empty, np.nan, _round2(upper))


def _sample_variance(total: np.ndarray, squares: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The sample variance (n - 1 denominator, floored at 0); NaN under two scores."""
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.maximum(
            (count * squares - total * total).astype(float) / (count * (count - 1)).astype(float), 0.0
        )
    return np.where(count >= 2, variance, np.nan)


def mean_interval_hundredths(
    total: np.ndarray,
    squares: np.ndarray,
    count: np.ndarray,
    lowest: float,
    highest: float,
    z: float = CONFIDENCE_Z,
) -> tuple[np.ndarray, np.ndarray]:
    """The normal interval of a mean clamped to its scale, in whole hundredths; NaN under two
    scores."""
    variance = _sample_variance(total, squares, count)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total.astype(float) / count.astype(float)
        half = z * np.sqrt(variance) / np.sqrt(count.astype(float))
        lower = np.maximum(lowest, mean - half)
        upper = np.minimum(highest, mean + half)
    return _round2(lower), _round2(upper)


def nps_difference_p_value(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> np.ndarray:
    """Two-sided p-value of the adjusted NPS of ``first`` minus ``second`` (each promoters,
    passives, detractors); NaN where a side has no responses."""
    one, two = _Adjusted.of(*first), _Adjusted.of(*second)
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = one.score - two.score
        se = 100 * np.sqrt(one.variance / one.trials + two.variance / two.trials)
        p_value = _two_sided(difference / se)
    answered = (sum(first) > 0) & (sum(second) > 0)
    return np.where(answered, p_value, np.nan)


def _pooled_z(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The z of the pooled two-proportion test (each side successes, trials) and its standard
    error."""
    (x1, n1), (x2, n2) = first, second
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = x1.astype(float) / n1.astype(float)
        p2 = x2.astype(float) / n2.astype(float)
        pool = (x1 + x2).astype(float) / (n1 + n2).astype(float)
        se = np.sqrt(pool * (1 - pool) * (1 / n1.astype(float) + 1 / n2.astype(float)))
        return (p1 - p2) / se, se


def share_difference_p_value(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> np.ndarray:
    """Two-sided p-value of the pooled two-proportion z test (1 when the pooled share is 0 or 1);
    NaN where a side has no trials."""
    z, se = _pooled_z(first, second)
    p_value = np.where(se == 0, 1.0, _two_sided(z))
    return np.where((first[1] > 0) & (second[1] > 0), p_value, np.nan)


def share_increase_p_value(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> np.ndarray:
    """One-sided p-value that the share of ``first`` is higher: Phi(-z) (1 when the pooled share
    is 0 or 1); NaN where a side has no trials."""
    z, se = _pooled_z(first, second)
    p_value = np.where(se == 0, 1.0, _normal_cdf(-z))
    return np.where((first[1] > 0) & (second[1] > 0), p_value, np.nan)


def mean_difference_p_value(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> np.ndarray:
    """Two-sided p-value of the normal test of two means (each side sum, sum of squares, count;
    without spread: 1 when equal, else 0); NaN where a side has fewer than two scores."""
    (t1, q1, n1), (t2, q2, n2) = first, second
    var1, var2 = _sample_variance(t1, q1, n1), _sample_variance(t2, q2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        m1 = t1.astype(float) / n1.astype(float)
        m2 = t2.astype(float) / n2.astype(float)
        se = np.sqrt(var1 / n1.astype(float) + var2 / n2.astype(float))
        p_value = np.where(se == 0, np.where(t1 * n2 == t2 * n1, 1.0, 0.0), _two_sided((m1 - m2) / se))
    return np.where((n1 >= 2) & (n2 >= 2), p_value, np.nan)


def below_target_p_value(score: str, sample: Mapping[str, np.ndarray], target: np.ndarray) -> np.ndarray:
    """One-sided p-value that ``score`` (nps, csat_pct or ces_mean) of each sample (the additive
    columns) is below ``target``; NaN where undefined (no responses, a share's target not
    strictly between 0 and 100, a mean of fewer than two scores)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if score == "nps":
            adjusted = _Adjusted.of(sample["promoters"], sample["passives"], sample["detractors"])
            p_value = _normal_cdf((adjusted.score - target) / adjusted.standard_error)
            return np.where(sample["nps_responses"] > 0, p_value, np.nan)
        if score == "csat_pct":
            n = sample["csat_responses"]
            p0 = target / 100
            share = sample["csat_satisfied"].astype(float) / n.astype(float)
            p_value = _normal_cdf((share - p0) / np.sqrt(p0 * (1 - p0) / n.astype(float)))
            return np.where((n > 0) & (p0 > 0) & (p0 < 1), p_value, np.nan)
        n = sample["ces_responses"]
        variance = _sample_variance(sample["ces_score_sum"], sample["ces_score_sum_squares"], n)
        mean = sample["ces_score_sum"].astype(float) / n.astype(float)
        sd = np.sqrt(variance)
        p_value = np.where(
            sd == 0,
            np.where(mean < target, 0.0, 1.0),
            _normal_cdf((mean - target) / (sd / np.sqrt(n.astype(float)))),
        )
        return np.where(n >= 2, p_value, np.nan)


def difference_p_value(
    score: str, first: Mapping[str, np.ndarray], second: Mapping[str, np.ndarray]
) -> np.ndarray:
    """The two-sample test of ``score`` between two samples (their additive columns), first
    minus second."""
    if score == "nps":
        columns: tuple[str, ...] = ("promoters", "passives", "detractors")
        return nps_difference_p_value([first[c] for c in columns], [second[c] for c in columns])
    if score == "csat_pct":
        columns = ("csat_satisfied", "csat_responses")
        return share_difference_p_value([first[c] for c in columns], [second[c] for c in columns])
    columns = ("ces_score_sum", "ces_score_sum_squares", "ces_responses")
    return mean_difference_p_value([first[c] for c in columns], [second[c] for c in columns])


def score_hundredths(score: str, sample: Mapping[str, np.ndarray]) -> np.ndarray:
    """A score of CX_MEASURES recomputed from its sample's additive columns, in hundredths."""
    if score == "nps":
        return _ratio_hundredths(sample["promoters"] - sample["detractors"], sample["nps_responses"], 100)
    numerator, denominator, scale = CX_SCORES[score]
    return _ratio_hundredths(sample[numerator], sample[denominator], scale)


def benjamini_hochberg(frame: pd.DataFrame, family: Sequence[str], p_value: str) -> pd.Series:
    """The Benjamini-Hochberg q-value of each row's ``p_value`` within its ``family``: with the
    family's m p-values sorted ascending, q_(j) = min over k >= j of min(1, p_(k) m / k)."""
    if frame.empty:
        return pd.Series(dtype="float64", index=frame.index)
    ordered = frame[[*family, p_value]].sort_values([*family, p_value], kind="stable")
    groups = ordered.groupby(list(family), dropna=False, sort=False)
    m = groups[p_value].transform("size").to_numpy(dtype=float)
    rank = groups.cumcount().to_numpy(dtype=float) + 1
    ordered["_raw"] = np.minimum(1.0, ordered[p_value].to_numpy(dtype=float) * m / rank)
    reversed_order = ordered.iloc[::-1]
    q_values = reversed_order.groupby(list(family), dropna=False, sort=False)["_raw"].cummin()
    return q_values.reindex(frame.index)


def alert_id(rule: str, metric: str, grain: str, start: Any, name: str, value: str) -> str:
    """md5 (lower-case hex) of rule|metric|grain|start|dimension name|dimension value."""
    day = pd.Timestamp(start).strftime("%Y-%m-%d") if not _is_missing(start) else ""
    return hashlib.md5(f"{rule}|{metric}|{grain}|{day}|{name}|{value}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Calendar of the periods
# --------------------------------------------------------------------------------------------


def _month_index(day: pd.Series) -> pd.Series:
    return day.dt.year * 12 + day.dt.month - 1


def _month_start(index: pd.Series) -> pd.Series:
    index = index.astype("Float64")
    parts = pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1}).astype("Int64")
    return pd.to_datetime(parts, errors="coerce")


def period_starts(day: pd.Series, grain: pd.Series | str) -> pd.Series:
    """The first day of the period of ``grain`` holding each ``day`` (an ISO week starts on
    Monday); NaT for an unknown grain."""
    grains = pd.Series(grain, index=day.index) if isinstance(grain, str) else grain
    start = pd.Series(pd.NaT, index=day.index, dtype="datetime64[ns]")
    week = (grains == "week").fillna(False).to_numpy(dtype=bool)
    start[week] = (day - pd.to_timedelta(day.dt.day_of_week, unit="D"))[week]
    index = _month_index(day)
    for name, months in GRAIN_MONTHS.items():
        mine = (grains == name).fillna(False).to_numpy(dtype=bool)
        if mine.any():
            start[mine] = _month_start(index[mine] - index[mine] % months).to_numpy()
    return start


def shift_periods(start: pd.Series, grain: pd.Series, periods: int) -> pd.Series:
    """The start of the period ``periods`` grains after each one starting on ``start``."""
    shifted = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
    week = (grain == "week").fillna(False).to_numpy(dtype=bool)
    shifted[week] = (start + pd.Timedelta(days=7 * periods))[week]
    index = _month_index(start)
    for name, months in GRAIN_MONTHS.items():
        mine = (grain == name).fillna(False).to_numpy(dtype=bool)
        if mine.any():
            shifted[mine] = _month_start(index[mine] + months * periods).to_numpy()
    return shifted


# --------------------------------------------------------------------------------------------
# Suite definitions
# --------------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """One dataframe and the expectations GE validates on it."""

    checked_on: str
    frame: pd.DataFrame
    expectations: list[Expectation]
    index_columns: list[str]


@dataclass
class _Skipped:
    """Checks that could not run because an input lacks columns (reported as failures)."""

    description: str
    reason: str


def _gxe() -> Any:
    import great_expectations.expectations as gxe

    return gxe


def _missing_columns(frames: Mapping[str, pd.DataFrame], needs: Mapping[str, Iterable[str]]) -> str:
    parts = []
    for mart, columns in needs.items():
        if mart not in frames:
            parts.append(f"no {mart} was read")
            continue
        lacking = [column for column in columns if column not in frames[mart].columns]
        if lacking:
            parts.append(f"{mart} lacks {', '.join(lacking)}")
    return "; ".join(parts)


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _as_day(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce").dt.normalize()


def _contract_batch(mart: str, frame: pd.DataFrame, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Expectations on the mart exactly as published: columns, keys, ranges, value sets."""
    gxe = _gxe()
    present = set(frame.columns)
    # Load metadata (merge key, loaded_at) is allowed after the data columns; the oracle's
    # frames have none.
    columns = MART_COLUMNS[mart] + tuple(c for c in LOAD_COLUMNS.get(mart, ()) if c in present)
    grain = MART_GRAIN[mart]
    exps: list[Expectation] = [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=list(columns),
            exact_match=True,
            description=f"columns are exactly the contract set ({len(columns)} columns)",
        )
    ]

    def has(*names: str) -> bool:
        return all(name in present for name in names)

    for column in grain:
        if has(column):
            exps.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=column, description=f"grain column {column} is not null"
                )
            )
    if has(*grain):
        if len(grain) == 1:
            exps.append(
                gxe.ExpectColumnValuesToBeUnique(
                    column=grain[0],
                    description=f"{grain[0]} is unique (one row per {grain[0]})",
                )
            )
        else:
            exps.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=list(grain),
                    description=f"one row per {' x '.join(grain)}",
                )
            )
    for column in _NOT_NULL[mart]:
        if has(column):
            exps.append(gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} is not null"))

    if mart in RESPONSE_MARTS:
        for column, (lowest, highest) in METRIC_SCALES.items():
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=list(range(lowest, highest + 1)),
                        description=f"{column} (when set) is a whole number {lowest}-{highest}",
                    )
                )
        for column, categories in (
            ("nps_category", NPS_CATEGORIES),
            ("csat_category", CSAT_CATEGORIES),
            ("ces_category", CES_CATEGORIES),
            ("survey_type", SURVEY_TYPES),
        ):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=list(categories),
                        description=f"{column} (when set) in {{{', '.join(categories)}}}",
                    )
                )
        for column, dim in (
            ("channel", "dim_channel"),
            ("region", "dim_region"),
            ("segment", "dim_segment"),
        ):
            if has(column) and column in frames[dim].columns:
                known = sorted({str(v) for v in frames[dim][column].dropna()})
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=known,
                        description=f"{column} is one of the {len(known)} values of {dim}",
                    )
                )
        if has("source_file", "source_row_number"):
            exps.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=["source_file", "source_row_number"],
                    description="one accepted response per raw row (source_file x source_row_number)",
                )
            )

    if mart in DAILY_MARTS:
        if has("responses"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="responses", min_value=1, description="responses >= 1"
                )
            )
        for column in ("promoters", "passives", "detractors"):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column, min_value=0, description=f"{column} >= 0"
                    )
                )
        if has("nps"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="nps",
                    min_value=-100,
                    max_value=100,
                    description="nps between -100 and 100",
                )
            )
        for column, lowest in (("nps_standard_error", 0), ("nps_ci_lower", -100), ("nps_ci_upper", -100)):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column,
                        min_value=lowest,
                        max_value=100,
                        description=f"{column} between {lowest} and 100",
                    )
                )
        if has("is_below_min_responses"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="is_below_min_responses",
                    value_set=[True, False],
                    description="is_below_min_responses is a boolean",
                )
            )

    if mart in PER_DIMENSION_MARTS or mart == "fct_nps_daily_overall":
        overall = frames["fct_nps_daily_overall"]
        if mart != "fct_nps_daily_overall" and has("responses") and "responses" in overall.columns:
            total = int(_numeric(overall["responses"]).fillna(0).sum())
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=total,
                    max_value=total,
                    description=f"total responses equal fct_nps_daily_overall's total ({total})",
                )
            )
        if mart in ("fct_nps_daily", "fct_nps_daily_overall") and has("responses"):
            accepted = _with_nps_score(frames["fct_nps_responses"])
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=accepted,
                    max_value=accepted,
                    description=(
                        f"total responses equal the rows of fct_nps_responses with an nps_score ({accepted})"
                    ),
                )
            )

    if mart == "fct_cx_responses":
        for column, bands in BANDS.items():
            if has(column):
                values = [band for band, _, _ in bands] + [UNKNOWN]
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=values,
                        description=f"{column} is a band of nps_bands or unknown ({', '.join(values)})",
                    )
                )
        if has("first_contact_resolution"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="first_contact_resolution",
                    value_set=list(FIRST_CONTACT_RESOLUTIONS),
                    description=f"first_contact_resolution in {{{', '.join(FIRST_CONTACT_RESOLUTIONS)}}}",
                )
            )

    if mart in HISTORIES:
        if has("version_number"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="version_number", min_value=1, description="version_number >= 1"
                )
            )
        if has("is_current"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="is_current", value_set=[True, False], description="is_current is a boolean"
                )
            )
    if mart in ("dim_customer", "dim_agent") and has("versions"):
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column="versions", min_value=1, description="versions >= 1")
        )

    if mart == "fct_invitations_daily":
        if has("invitations"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="invitations", min_value=1, description="invitations >= 1 (a cell has one)"
                )
            )
        for column in ("bounced", "answered", "response_rate"):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column, min_value=0, description=f"{column} >= 0"
                    )
                )

    channel_marts = ("fct_invitations_daily", INSIGHTS, THEMES)
    if mart in channel_marts and has("channel") and "channel" in frames["dim_channel"].columns:
        known = sorted({str(v) for v in frames["dim_channel"]["channel"].dropna()})
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="channel",
                value_set=known,
                description=f"channel is one of the {len(known)} values of dim_channel",
            )
        )

    if mart in _COMMENT_VALUE_SETS:
        exps += _comment_value_checks(mart, has, frames)

    if mart in PERFORMANCE_MARTS or mart == ENGAGEMENT:
        for column, lowest, highest in _AGENT_RANGES:
            if has(column):
                bounds = f"in [{lowest}, {highest}]" if highest is not None else f">= {lowest}"
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column,
                        min_value=lowest,
                        max_value=highest,
                        description=f"{column} (when set) {bounds}",
                    )
                )

    if mart in SOURCE_AUDITS:
        reasons = SOURCE_REJECTION_REASONS[SOURCE_AUDITS[mart]]
        if has("status"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(AUDIT_STATUSES),
                    description=f"status in {{{', '.join(AUDIT_STATUSES)}}}",
                )
            )
        if has("reason"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="reason",
                    value_set=list(reasons),
                    description=f"reason (when set) in {{{', '.join(reasons)}}}",
                )
            )

    if mart == "rpt_load_history" and has("source_name"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="source_name",
                value_set=list(LOAD_HISTORY_AUDITS),
                description=f"source_name in {{{', '.join(LOAD_HISTORY_AUDITS)}}}",
            )
        )

    if mart == "rpt_unmapped_codes" and has("dimension_name"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="dimension_name",
                value_set=list(CODED_DIMENSIONS),
                description=f"dimension_name is a coded dimension ({', '.join(CODED_DIMENSIONS)})",
            )
        )

    if mart == "fct_cx_daily_by_dimension":
        if has("dimension_name"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="dimension_name",
                    value_set=list(CX_DIMENSIONS),
                    description=f"dimension_name in {{{', '.join(CX_DIMENSIONS)}}}",
                )
            )
        if has("responses"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="responses", min_value=1, description="responses >= 1"
                )
            )
            accepted = len(frames["fct_cx_responses"])
            total = accepted * len(CX_DIMENSIONS)
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=total,
                    max_value=total,
                    description=(
                        f"total responses equal the rows of fct_cx_responses ({accepted}) once per "
                        f"dimension ({len(CX_DIMENSIONS)})"
                    ),
                )
            )

    if mart in CX_MEASURE_MARTS:
        exps += _cx_measure_ranges(has)
        if mart != "fct_cx_daily_by_dimension" and has("dimension_name"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="dimension_name",
                    value_set=list(CX_DIMENSIONS),
                    description=f"dimension_name in {{{', '.join(CX_DIMENSIONS)}}}",
                )
            )

    if mart == "fct_cx_by_period":
        if has("period_grain"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="period_grain",
                    value_set=list(PERIOD_GRAINS),
                    description=f"period_grain in {{{', '.join(PERIOD_GRAINS)}}}",
                )
            )
        if has("responses"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="responses", min_value=1, description="responses >= 1"
                )
            )
        for score, responses in SCORE_RESPONSES.items():
            if has(f"previous_{responses}"):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=f"previous_{responses}", min_value=0, description=f"previous_{responses} >= 0"
                    )
                )
            for column, directions in (
                (f"{score}_change_direction", CHANGE_DIRECTIONS),
                (f"{score}_vs_rest_direction", REST_DIRECTIONS),
            ):
                if has(column):
                    exps.append(
                        gxe.ExpectColumnValuesToBeInSet(
                            column=column,
                            value_set=list(directions),
                            description=f"{column} (when set) in {{{', '.join(directions)}}}",
                        )
                    )
            for column in (
                f"{score}_change_p_value",
                f"{score}_vs_rest_p_value",
                f"{score}_below_target_p_value",
            ):
                if has(column):
                    exps.append(
                        gxe.ExpectColumnValuesToBeBetween(
                            column=column,
                            min_value=0,
                            max_value=1,
                            description=f"{column} (when set) in [0, 1]",
                        )
                    )

    if mart == "fct_cx_rolling" and has("window_days"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="window_days",
                value_set=list(ROLLING_WINDOWS),
                description=f"window_days in {{{', '.join(map(str, ROLLING_WINDOWS))}}}",
            )
        )

    if mart == "fct_cx_alerts":
        for column, allowed in (
            ("rule", CX_ALERT_RULES),
            ("metric", tuple(dict.fromkeys(m for metrics in ALERT_METRICS.values() for m in metrics))),
            ("severity", ALERT_SEVERITIES),
            ("period_grain", (SPIKE_GRAIN, *PERIOD_GRAINS)),
            ("dimension_name", tuple(CX_DIMENSIONS)),
        ):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=list(allowed),
                        description=f"{column} in {{{', '.join(allowed)}}}",
                    )
                )
        if has("p_value"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="p_value", min_value=0, max_value=1, description="p_value in [0, 1]"
                )
            )
        if has("q_value"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="q_value",
                    min_value=0,
                    max_value=ALERT_FDR,
                    strict_max=True,
                    description=f"q_value in [0, {ALERT_FDR}): under the false discovery rate of the alerts",
                )
            )
        for column in ("responses", "baseline_responses"):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column,
                        min_value=MIN_RESPONSES,
                        description=f"{column} (when set) >= {MIN_RESPONSES}: each side of a test has enough",
                    )
                )

    if mart == "dim_survey":
        if has("survey_type"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="survey_type",
                    value_set=list(SURVEY_TYPES),
                    description=f"survey_type in {{{', '.join(SURVEY_TYPES)}}}",
                )
            )
        if has("is_reference_survey"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="is_reference_survey",
                    value_set=[True, False],
                    description="is_reference_survey is a boolean",
                )
            )

    if mart == "rpt_unmapped_codes" and has("responses"):
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column="responses", min_value=1, description="responses >= 1")
        )

    if mart == "dim_channel":
        if has("channel"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="channel",
                    value_set=list(CHANNELS),
                    description=f"channel in {{{', '.join(CHANNELS)}}}",
                )
            )
        exps.append(
            gxe.ExpectTableRowCountToEqual(
                value=len(CHANNELS), description=f"one row for each of the {len(CHANNELS)} channels"
            )
        )
        if has("sort_order"):
            exps.append(
                gxe.ExpectColumnValuesToBeUnique(column="sort_order", description="sort_order is unique")
            )
    if mart == "dim_region" and has("is_reference_region"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_reference_region",
                value_set=[True, False],
                description="is_reference_region is a boolean",
            )
        )
    if mart == "dim_segment" and has("is_reference_segment"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_reference_segment",
                value_set=[True, False],
                description="is_reference_segment is a boolean",
            )
        )
    if mart == "dim_date":
        if has("iso_day_of_week"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="iso_day_of_week",
                    min_value=1,
                    max_value=7,
                    description="iso_day_of_week between 1 and 7",
                )
            )
        responses = frames["fct_nps_responses"]
        if "response_date" in responses.columns:
            days = _as_day(responses["response_date"]).dropna()
            expected_days = 0 if days.empty else int((days.max() - days.min()).days) + 1
            exps.append(
                gxe.ExpectTableRowCountToEqual(
                    value=expected_days,
                    description=(
                        "one row per calendar day from the first to the last response_date "
                        f"({expected_days} days)"
                    ),
                )
            )

    if mart == "rpt_response_audit":
        if has("status"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(AUDIT_STATUSES),
                    description=f"status in {{{', '.join(AUDIT_STATUSES)}}}",
                )
            )
        if has("reason"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="reason",
                    value_set=list(AUDIT_REASONS),
                    description=f"reason (when set) in {{{', '.join(AUDIT_REASONS)}}}",
                )
            )

    if mart == "rpt_rejected_rows" and has("reason"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="reason",
                value_set=list(AUDIT_REASONS),
                description=f"reason in {{{', '.join(AUDIT_REASONS)}}}",
            )
        )
        audit = frames["rpt_response_audit"]
        if "status" in audit.columns:
            rejected = int((audit["status"] == "rejected").fillna(False).sum())
            exps.append(
                gxe.ExpectTableRowCountToEqual(
                    value=rejected,
                    description=f"one row per rejected row of the audit ({rejected})",
                )
            )

    for column, allowed in followup_quality.VALUE_SETS.get(mart, {}).items():
        if has(column):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=list(allowed),
                    description=f"{column} (when set) in {{{', '.join(map(str, allowed))}}}",
                )
            )

    if mart == "rpt_unmapped_channels" and has("responses"):
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column="responses", min_value=1, description="responses >= 1")
        )
        responses = frames["fct_nps_responses"]
        if "channel" in responses.columns:
            others = int((responses["channel"] == "other").fillna(False).sum())
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=others,
                    max_value=others,
                    description=(
                        f"total responses equal the accepted responses with channel 'other' ({others})"
                    ),
                )
            )

    return _Batch("mart", frame, exps, [c for c in grain if c in present])


def _comment_value_checks(
    mart: str, has: Callable[..., bool], frames: Mapping[str, pd.DataFrame]
) -> list[Expectation]:
    """The value sets and ranges of a comment mart's columns (_COMMENT_VALUE_SETS,
    _COMMENT_RANGES), and the themes of fct_comment_themes those of the taxonomy seed."""
    gxe = _gxe()
    exps: list[Expectation] = []
    value_sets = dict(_COMMENT_VALUE_SETS[mart])
    seed = frames.get(f"{SEEDS_SCHEMA}.cx_comment_themes")
    if mart == THEMES and seed is not None and "theme" in seed.columns:
        value_sets["theme"] = tuple(sorted({str(theme) for theme in seed["theme"].dropna()}))
    for column, allowed in value_sets.items():
        if has(column):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=list(allowed),
                    description=f"{column} (when set) in {{{', '.join(map(str, allowed))}}}"
                    + (" (the seed cx_comment_themes)" if column == "theme" else ""),
                )
            )
    for column, lowest, highest in _COMMENT_RANGES[mart]:
        if has(column):
            bounds = f"in [{lowest}, {highest}]" if highest is not None else f">= {lowest}"
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column,
                    min_value=lowest,
                    max_value=highest,
                    description=f"{column} (when set) {bounds}",
                )
            )
    return exps


def _expected_category(score: pd.Series, categories: Sequence[tuple[str, int, int]]) -> pd.Series:
    """The category of each score (None when the score is missing or outside every category)."""
    number = _numeric(score)
    expected = pd.Series(None, index=score.index, dtype="object")
    for category, lowest, highest in categories:
        expected[((number >= lowest) & (number <= highest)).fillna(False)] = category
    return expected


def _same_values(actual: pd.Series, expected: pd.Series) -> pd.Series:
    """Row by row, whether two aligned series hold the same value (both missing counts as same)."""
    actual = _comparable(actual).reset_index(drop=True)
    expected = _comparable(expected).reset_index(drop=True)
    both_missing = actual.isna() & expected.isna()
    try:
        equal = (actual == expected).astype("boolean").fillna(False)
    except (TypeError, ValueError):
        equal = pd.Series(
            [
                not _is_missing(a) and not _is_missing(b) and a == b
                for a, b in zip(actual.astype("object"), expected.astype("object"), strict=True)
            ]
        )
    return (both_missing | equal.astype(bool)).astype(bool)


def _comparable(series: pd.Series) -> pd.Series:
    """Timestamps as UTC (naive ones read as UTC), so every engine's are compared alike."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series, utc=True)
    return series


def _timestamps(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce", utc=True)


def _derived_response_metrics(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """A response of fct_nps_responses or fct_cx_responses: every category agrees with its
    score, and the response carries at least one score."""
    gxe = _gxe()
    frame = frames[mart].copy()
    exps: list[Expectation] = []
    for score, category, categories in METRIC_CATEGORIES:
        expected = _expected_category(frame[score], categories)
        check = (
            "chk_category_matches_score" if category == "nps_category" else f"chk_{category}_matches_score"
        )
        frame[check] = _same_values(frame[category], expected).set_axis(frame.index)
        bands = ", ".join(
            f"{lowest}-{highest} {name}" if lowest != highest else f"{lowest} {name}"
            for name, lowest, highest in reversed(categories)
        )
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=check,
                value_set=[True],
                description=f"{category} consistent with {score} ({bands}; null without a score)",
            )
        )
    frame["chk_has_a_score"] = (
        frame["nps_score"].notna() | frame["csat_score"].notna() | frame["ces_score"].notna()
    ).astype(bool)
    exps.append(
        gxe.ExpectColumnValuesToBeInSet(
            column="chk_has_a_score",
            value_set=[True],
            description="every response carries an nps_score, a csat_score or a ces_score",
        )
    )
    return _Batch(
        "derived columns",
        frame,
        exps,
        [
            "response_id",
            *(column for score, category, _ in METRIC_CATEGORIES for column in (score, category)),
        ],
    )


def _whole_years(since: pd.Series, until: pd.Series) -> pd.Series:
    """Whole years from ``since`` to ``until`` (an age, a tenure), as macro cx_whole_years."""
    start = pd.to_datetime(since, errors="coerce")
    end = pd.to_datetime(until, errors="coerce")
    before_anniversary = (end.dt.month * 100 + end.dt.day) < (start.dt.month * 100 + start.dt.day)
    return end.dt.year - start.dt.year - before_anniversary.astype("Int64")


def _band(values: pd.Series, band_type: str) -> pd.Series:
    """The band of nps_bands of each value (macro cx_in_band), else unknown."""
    number = _numeric(values)
    banded = pd.Series(UNKNOWN, index=values.index, dtype="object")
    for band, lowest, highest in BANDS[band_type]:
        inside = number >= 0
        if lowest is not None:
            inside &= number >= lowest
        if highest is not None:
            inside &= number < highest
        banded[inside.fillna(False).astype(bool)] = band
    return banded


def _version_at(
    responses: pd.DataFrame, history: pd.DataFrame, key: str, columns: Sequence[str]
) -> pd.DataFrame:
    """For each response (by position), the ``columns`` of its entity's version valid at its
    submitted_at - the first version when the response precedes them all - as fct_cx_responses
    joins them; ``_has_version`` says whether one was found."""
    wanted = pd.DataFrame(
        {
            "_position": range(len(responses)),
            key: responses[key].astype("object").reset_index(drop=True),
            "_at": _timestamps(responses["submitted_at"]).reset_index(drop=True),
        }
    )
    history = history.reset_index(drop=True)
    versions = pd.DataFrame(
        {
            key: history[key].astype("object"),
            "_version_number": _numeric(history["version_number"]),
            "_valid_from": _timestamps(history["valid_from"]),
            "_valid_to": _timestamps(history["valid_to"]),
            **{f"_version_{column}": history[column] for column in columns},
        }
    )
    joined = wanted[wanted[key].notna()].merge(versions[versions[key].notna()], on=key, how="inner")
    valid = ((joined["_at"] < joined["_valid_to"]) | joined["_valid_to"].isna()) & (
        (joined["_at"] >= joined["_valid_from"]) | (joined["_version_number"] == 1)
    )
    found = joined[valid.fillna(False).astype(bool)].drop_duplicates("_position").set_index("_position")
    result = pd.DataFrame(index=range(len(responses)))
    for column in columns:
        result[column] = found[f"_version_{column}"].reindex(result.index)
    result["_has_version"] = result.index.isin(found.index)
    return result


def _accepted_keys(frames: Mapping[str, pd.DataFrame], source: str) -> set[str]:
    """The ids of the accepted rows of a programme source's audit (its current records)."""
    audit = frames[AUDIT_OF_SOURCE[source]]
    key = SOURCE_KEYS[source]
    accepted = audit[(audit["status"] == "accepted").fillna(False).astype(bool)]
    return {str(value) for value in accepted[key].dropna()}


def _derived_cx_responses(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_responses: the responses of fct_nps_responses, their own columns as published
    there, and each attribute the one its customer, agent and interaction had at its time."""
    gxe = _gxe()
    frame = frames["fct_cx_responses"].copy().reset_index(drop=True)
    responses = frames["fct_nps_responses"].drop_duplicates("response_id").set_index("response_id")
    ids = frame["response_id"]
    frame["chk_in_fct_nps_responses"] = ids.isin(responses.index).astype(bool)
    shared = [
        column
        for column in MART_COLUMNS["fct_cx_responses"]
        if column in MART_COLUMNS["fct_nps_responses"] and column != "response_id"
    ]
    aligned = responses.reindex(ids.to_numpy())
    same = pd.Series(True, index=frame.index)
    for column in shared:
        same &= _same_values(frame[column], aligned[column])
    frame["chk_same_as_fct_nps_responses"] = (same & frame["chk_in_fct_nps_responses"]).astype(bool)

    customer = _version_at(
        frame,
        frames["dim_customer_history"],
        "customer_id",
        ("loyalty_tier", "customer_country", "customer_since"),
    )
    agent = _version_at(frame, frames["dim_agent_history"], "agent_id", ("team", "site"))

    def attribute(version: pd.DataFrame, column: str) -> pd.Series:
        values = version[column].astype("object")
        return values.where(values.notna(), UNKNOWN)

    tenure = _band(_whole_years(customer["customer_since"], frame["response_date"]), "tenure_band")
    customer_ok = (
        _same_values(frame["loyalty_tier"], attribute(customer, "loyalty_tier"))
        & _same_values(frame["customer_country"], attribute(customer, "customer_country"))
        & _same_values(frame["tenure_band"], tenure.where(customer["_has_version"], UNKNOWN))
        & (customer["_has_version"] | (frame["age_band"] == UNKNOWN).fillna(False).astype(bool))
    )
    frame["chk_customer_attributes_at_its_time"] = customer_ok.astype(bool)
    frame["chk_agent_attributes_at_its_time"] = (
        _same_values(frame["team"], attribute(agent, "team"))
        & _same_values(frame["site"], attribute(agent, "site"))
    ).astype(bool)
    interactions = _accepted_keys(frames, "interactions")
    known = frame["interaction_id"].map(lambda value: not _is_missing(value) and str(value) in interactions)
    unknown = pd.Series(True, index=frame.index)
    for column in INTERACTION_ATTRIBUTES:
        unknown &= (frame[column] == UNKNOWN).fillna(False).astype(bool)
    frame["chk_interaction_attributes_unknown_without_interaction"] = (known.astype(bool) | unknown).astype(
        bool
    )
    checks = [
        ("chk_in_fct_nps_responses", "every response is a response of fct_nps_responses"),
        (
            "chk_same_as_fct_nps_responses",
            f"the columns it shares with fct_nps_responses ({len(shared)}) hold the same values",
        ),
        (
            "chk_customer_attributes_at_its_time",
            "loyalty_tier, customer_country and tenure_band are those of the customer's version valid "
            "at submitted_at (unknown without one, as age_band)",
        ),
        (
            "chk_agent_attributes_at_its_time",
            "team and site are those of the agent's version valid at submitted_at (unknown without one)",
        ),
        (
            "chk_interaction_attributes_unknown_without_interaction",
            "wait_time_band, transfers_band and first_contact_resolution are unknown without an "
            "accepted interaction",
        ),
    ]
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]
    accepted = len(frames["fct_nps_responses"])
    exps.append(
        gxe.ExpectTableRowCountToEqual(
            value=accepted,
            description=f"one row per response of fct_nps_responses ({accepted})",
        )
    )
    return _Batch(
        "derived columns",
        frame,
        exps,
        ["response_id", "customer_id", "agent_id", "interaction_id", "submitted_at"],
    )


def _derived_daily(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames[mart].copy()
    counts = {column: _numeric(frame[column]) for column in COUNT_COLUMNS}
    frame["chk_counts_gap"] = counts["responses"] - (
        counts["promoters"] + counts["passives"] + counts["detractors"]
    )
    frame["chk_expected_nps"] = [
        None if value is None else str(value)
        for value in (
            expected_nps(p, d, n)
            for p, d, n in zip(frame["promoters"], frame["detractors"], frame["responses"], strict=True)
        )
    ]
    frame["chk_nps_matches_recomputed"] = pd.Series(
        [_nps_matches(row) for _, row in frame.iterrows()], index=frame.index, dtype=bool
    )
    grain = list(MART_GRAIN[mart])
    uncertainty: list[tuple[str, str]] = []
    if all(column in frame.columns for column in NPS_UNCERTAINTY):
        promoters, passives, detractors = (
            _ints(frame[column]) for column in ("promoters", "passives", "detractors")
        )
        uncertainty = _nps_uncertainty_checks(frame, promoters, passives, detractors)
        frame["chk_is_below_min_responses_recomputed"] = _same_flags(
            frame["is_below_min_responses"], _ints(frame["responses"]) < MIN_RESPONSES
        )
        uncertainty.append(
            (
                "chk_is_below_min_responses_recomputed",
                f"is_below_min_responses exactly when responses < {MIN_RESPONSES}",
            )
        )
    return _Batch(
        "derived columns",
        frame,
        [
            *(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
                for column, description in uncertainty
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_counts_gap",
                value_set=[0],
                description="responses - (promoters + passives + detractors) is 0",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_nps_matches_recomputed",
                value_set=[True],
                description=(
                    "nps equals round_half_away_from_zero(100 * (promoters - detractors) "
                    "/ responses, 2) recomputed from the counts"
                ),
            ),
        ],
        [*grain, *COUNT_COLUMNS, "nps", "chk_expected_nps"],
    )


def _per_day(frame: pd.DataFrame, columns: Sequence[str], suffix: str) -> pd.DataFrame:
    data = pd.DataFrame({"response_date": _as_day(frame["response_date"])})
    for column in columns:
        data[column] = _numeric(frame[column])
    grouped = data.groupby("response_date", dropna=False)[list(columns)].sum(min_count=1)
    return grouped.rename(columns={column: f"{column}{suffix}" for column in columns})


def _reconcile_daily(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Per-day totals of a per-dimension mart versus fct_nps_daily_overall (and, for
    fct_nps_daily, versus the accepted responses of fct_nps_responses)."""
    gxe = _gxe()
    mine = _per_day(frames[mart], COUNT_COLUMNS, "_in_mart")
    overall = _per_day(frames["fct_nps_daily_overall"], COUNT_COLUMNS, "_in_overall")
    merged = mine.join(overall, how="outer")
    exps: list[Expectation] = []
    for column in COUNT_COLUMNS:
        gap = f"chk_{column}_gap_vs_overall"
        merged[gap] = merged[f"{column}_in_mart"].fillna(0) - merged[f"{column}_in_overall"].fillna(0)
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=gap,
                value_set=[0],
                description=f"per day, total {column} equal fct_nps_daily_overall's",
            )
        )
    index_columns = ["response_date", "responses_in_mart", "responses_in_overall"]
    if mart == "fct_nps_daily":
        responses = frames["fct_nps_responses"]
        if "nps_score" in responses.columns:
            responses = responses[responses["nps_score"].notna()]
        accepted = pd.DataFrame({"response_date": _as_day(responses["response_date"])})
        per_day = (
            accepted.groupby("response_date", dropna=False).size().rename("responses_in_fct_nps_responses")
        )
        merged = merged.join(per_day, how="outer")
        merged["chk_responses_gap_vs_fct_nps_responses"] = merged["responses_in_mart"].fillna(0) - merged[
            "responses_in_fct_nps_responses"
        ].fillna(0)
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_responses_gap_vs_fct_nps_responses",
                value_set=[0],
                description="per day, total responses equal the rows of fct_nps_responses with an nps_score",
            )
        )
        index_columns.append("responses_in_fct_nps_responses")
    merged = merged.reset_index()
    return _Batch("per-day totals", merged, exps, index_columns)


def _derived_dim_date(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["dim_date"].copy()
    day = _as_day(frame["date_day"])
    frame = frame.assign(_day=day).sort_values("_day", kind="stable").reset_index(drop=True)
    day = frame.pop("_day")
    gap = day.diff().dt.days
    if len(gap):
        gap.iloc[0] = 1  # the first day has no predecessor
    frame["chk_days_since_previous_row"] = gap

    responses = _as_day(frames["fct_nps_responses"]["response_date"]).dropna()
    if responses.empty:
        within = pd.Series(False, index=frame.index)
    else:
        within = ((day >= responses.min()) & (day <= responses.max())).fillna(False)
    frame["chk_within_response_dates"] = within.astype(bool)

    def same(column: str, expected: pd.Series) -> pd.Series:
        actual = frame[column]
        if pd.api.types.is_datetime64_any_dtype(expected):
            actual = _as_day(actual)
        elif pd.api.types.is_bool_dtype(expected):
            actual = actual.astype("boolean")
        else:
            actual = _numeric(actual)
        return (actual == expected).fillna(False).astype(bool)

    iso_dow = day.dt.day_of_week + 1
    week_start = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    quarter_month = (day.dt.quarter - 1) * 3 + 1
    quarter_start = pd.to_datetime({"year": day.dt.year, "month": quarter_month, "day": 1}, errors="coerce")
    checks = [
        same("year_number", day.dt.year),
        same("quarter_number", day.dt.quarter),
        same("month_number", day.dt.month),
        same("day_of_month", day.dt.day),
        same("iso_day_of_week", iso_dow),
        same("is_weekend", (iso_dow >= 6).astype("boolean")),
        same("week_start_date", week_start),
        same("month_start_date", day.dt.to_period("M").dt.start_time),
        same("quarter_start_date", quarter_start),
        same("year_start_date", day.dt.to_period("Y").dt.start_time),
    ]
    consistent = pd.Series(True, index=frame.index)
    for check in checks:
        consistent &= check
    frame["chk_calendar_attributes_match_date_day"] = consistent.astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_days_since_previous_row",
                value_set=[1],
                description="dates are contiguous (each date_day is the previous one + 1 day)",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_within_response_dates",
                value_set=[True],
                description="date_day within the first and last response_date of fct_nps_responses",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_calendar_attributes_match_date_day",
                value_set=[True],
                description="year/quarter/month/day/weekday/weekend/period starts derive from date_day",
            ),
        ],
        list(MART_COLUMNS["dim_date"]),
    )


def _derived_audit(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["rpt_response_audit"].copy()
    status = frame["status"].astype("object")
    reason = frame["reason"].astype("object")
    response_id = frame["response_id"].astype("object")
    is_rejected = (status == "rejected").fillna(False).astype(bool)
    is_accepted = (status == "accepted").fillna(False).astype(bool)
    has_reason = reason.notna()
    frame["chk_reason_set_iff_rejected"] = (is_rejected == has_reason).astype(bool)
    frame["chk_response_id_null_iff_missing_response_id"] = (
        response_id.isna() == (reason == "missing_response_id").fillna(False)
    ).astype(bool)
    frame["chk_is_accepted"] = is_accepted.astype("int64")
    frame["chk_accepted_response_id"] = response_id.where(is_accepted, None)
    accepted_ids = set(frames["fct_nps_responses"]["response_id"].dropna().astype(str))
    frame["chk_accepted_in_fct_nps_responses"] = [
        (not accepted) or (not _is_missing(rid) and str(rid) in accepted_ids)
        for accepted, rid in zip(is_accepted, response_id, strict=True)
    ]
    frame["chk_accepted_in_fct_nps_responses"] = frame["chk_accepted_in_fct_nps_responses"].astype(bool)
    accepted_count = len(frames["fct_nps_responses"])
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_reason_set_iff_rejected",
                value_set=[True],
                description="reason is not null exactly when status = rejected",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_response_id_null_iff_missing_response_id",
                value_set=[True],
                description="response_id is null exactly when reason = missing_response_id",
            ),
            gxe.ExpectColumnSumToBeBetween(
                column="chk_is_accepted",
                min_value=accepted_count,
                max_value=accepted_count,
                description=f"accepted rows equal the row count of fct_nps_responses ({accepted_count})",
            ),
            gxe.ExpectColumnValuesToBeUnique(
                column="chk_accepted_response_id",
                description="at most one accepted row per response_id",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_accepted_in_fct_nps_responses",
                value_set=[True],
                description="every accepted response_id is in fct_nps_responses",
            ),
        ],
        ["source_file", "source_row_number", "response_id", "status", "reason"],
    )


def _cube_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The additive measures of each cell of the cube, recomputed from fct_cx_responses (as the
    model's cx_measures: NPS by category, satisfied CSAT 4-5, easy CES 5-7, difficult 1-3)."""
    day = _as_day(frame["response_date"]).reset_index(drop=True)
    category = frame["nps_category"].astype("object").reset_index(drop=True)
    csat = _numeric(frame["csat_score"]).reset_index(drop=True)
    ces = _numeric(frame["ces_score"]).reset_index(drop=True)
    measures = pd.DataFrame(
        {
            "responses": 1,
            "nps_responses": category.notna().astype(int),
            "promoters": (category == "promoter").fillna(False).astype(int),
            "passives": (category == "passive").fillna(False).astype(int),
            "detractors": (category == "detractor").fillna(False).astype(int),
            "csat_responses": csat.notna().astype(int),
            "csat_satisfied": (csat >= 4).fillna(False).astype(int),
            "csat_score_sum": csat.fillna(0),
            "csat_score_sum_squares": (csat * csat).fillna(0),
            "ces_responses": ces.notna().astype(int),
            "ces_easy": (ces >= 5).fillna(False).astype(int),
            "ces_difficult": (ces <= 3).fillna(False).astype(int),
            "ces_score_sum": ces.fillna(0),
            "ces_score_sum_squares": (ces * ces).fillna(0),
        },
        index=day.index,
    )
    cells = []
    for name, column in CX_DIMENSIONS.items():
        if column is None:
            value = pd.Series("all", index=day.index, dtype="object")
        else:
            raw = frame[column].astype("object").reset_index(drop=True)
            value = raw.where(raw.notna(), UNKNOWN).map(str)
        keyed = measures.assign(response_date=day, dimension_name=name, dimension_value=value)
        cells.append(
            keyed.groupby(["response_date", "dimension_name", "dimension_value"], dropna=False)[
                list(CUBE_COUNTS)
            ].sum()
        )
    if not cells:
        return pd.DataFrame(columns=list(CUBE_COUNTS))
    return pd.concat(cells)


def _derived_cube(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_daily_by_dimension: counts add up, score sums within their scales, every score
    recomputed from its measures, and each dimension's cells of a day add up to the day's overall
    cell (a day without an overall cell fails)."""
    gxe = _gxe()
    frame = frames["fct_cx_daily_by_dimension"].copy()
    number = {column: _numeric(frame[column]) for column in CUBE_COUNTS}
    frame["chk_nps_counts_gap"] = number["nps_responses"] - (
        number["promoters"] + number["passives"] + number["detractors"]
    )
    frame["chk_metrics_within_responses"] = (
        (number["nps_responses"] <= number["responses"])
        & (number["csat_responses"] <= number["responses"])
        & (number["ces_responses"] <= number["responses"])
        & (number["csat_satisfied"] <= number["csat_responses"])
        & (number["ces_easy"] + number["ces_difficult"] <= number["ces_responses"])
    ).astype(bool)
    for metric in ("csat", "ces"):
        lowest, highest = METRIC_SCALES[f"{metric}_score"]
        count = number[f"{metric}_responses"]
        total = number[f"{metric}_score_sum"]
        squares = number[f"{metric}_score_sum_squares"]
        frame[f"chk_{metric}_sums_within_scale"] = (
            (total >= lowest * count)
            & (total <= highest * count)
            & (squares >= lowest * lowest * count)
            & (squares <= highest * highest * count)
        ).astype(bool)

    def matches(actual: Any, expected: Decimal | None) -> bool:
        value = as_decimal(actual)
        return value == expected if expected is not None else value is None

    frame["chk_nps_recomputed"] = [
        matches(actual, expected_nps(p, d, n) if _as_int(n) else None)
        for actual, p, d, n in zip(
            frame["nps"], frame["promoters"], frame["detractors"], frame["nps_responses"], strict=True
        )
    ]
    for score, (numerator, denominator, scale) in CX_SCORES.items():
        frame[f"chk_{score}_recomputed"] = [
            matches(actual, expected_ratio(top, bottom, scale))
            for actual, top, bottom in zip(frame[score], frame[numerator], frame[denominator], strict=True)
        ]
    day = _as_day(frame["response_date"])
    overall = (frame["dimension_name"] == "overall").fillna(False).astype(bool)
    totals = pd.DataFrame({"response_date": day, "dimension_name": frame["dimension_name"]})
    for column in number:
        totals[column] = number[column]
    per_dimension = totals.groupby(["response_date", "dimension_name"], dropna=False).sum()
    overall_per_day = totals[overall].drop(columns="dimension_name").groupby("response_date").sum()
    # a day without an overall cell has no totals to add up to: its cells fail
    gaps = per_dimension.sub(overall_per_day, level="response_date")
    adds_up = gaps.notna().all(axis=1) & (gaps.abs().sum(axis=1) == 0)
    frame["chk_dimension_adds_up_to_overall"] = [
        bool(adds_up.get((d, name), False)) for d, name in zip(day, frame["dimension_name"], strict=True)
    ]
    checks = [
        ("chk_nps_counts_gap", [0], "promoters + passives + detractors = nps_responses"),
        (
            "chk_metrics_within_responses",
            [True],
            "no metric counts more responses than the cell; satisfied, easy and difficult within theirs",
        ),
        *(
            (
                f"chk_{metric}_sums_within_scale",
                [True],
                f"{metric}_score_sum within [{lowest}, {highest}] x {metric}_responses, its sum of squares "
                f"within [{lowest * lowest}, {highest * highest}] x {metric}_responses",
            )
            for metric, (lowest, highest) in (
                ("csat", METRIC_SCALES["csat_score"]),
                ("ces", METRIC_SCALES["ces_score"]),
            )
        ),
        ("chk_nps_recomputed", [True], "nps recomputed from the counts (null without NPS responses)"),
        *(
            (
                f"chk_{score}_recomputed",
                [True],
                f"{score} recomputed from its measures, rounded half away from zero",
            )
            for score in CX_SCORES
        ),
        (
            "chk_dimension_adds_up_to_overall",
            [True],
            "per day, each dimension's cells add up to the day's overall cell, measure by measure",
        ),
        *(
            (column, [True], description)
            for column, description in _cx_block_checks(frame, with_scores=False)
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, description=description)
            for column, values, description in checks
        ],
        list(MART_GRAIN["fct_cx_daily_by_dimension"]),
    )


def _cube_days(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """One row per day (of the cube or of fct_cx_responses) and dimension: the cube's cells of the
    day, the day's responses in fct_cx_responses."""
    gxe = _gxe()
    cube = frames["fct_cx_daily_by_dimension"]
    cube_cells = pd.DataFrame(
        {
            "response_date": _as_day(cube["response_date"]),
            "dimension_name": cube["dimension_name"].astype("object"),
            "responses": _numeric(cube["responses"]),
        }
    ).groupby(["response_date", "dimension_name"], dropna=False)["responses"]
    in_cube = cube_cells.agg(["size", "sum"]).rename(columns={"size": "cells", "sum": "responses_in_cube"})
    responses = frames["fct_cx_responses"]
    per_day = (
        _as_day(responses["response_date"]).value_counts(dropna=False).rename("responses_in_fct_cx_responses")
    )
    days = sorted(set(in_cube.index.get_level_values("response_date")) | set(per_day.index), key=str)
    index = pd.MultiIndex.from_product([days, list(CX_DIMENSIONS)], names=["response_date", "dimension_name"])
    # observed dimension names outside the contract are checked on the mart itself
    merged = in_cube.reindex(index.union(in_cube.index, sort=False)).reset_index()
    merged["cells"] = merged["cells"].fillna(0).astype(int)
    merged["responses_in_cube"] = merged["responses_in_cube"].fillna(0)
    merged["responses_in_fct_cx_responses"] = (
        per_day.reindex(merged["response_date"].to_numpy()).fillna(0).astype(int).to_numpy()
    )
    merged["chk_responses_gap_vs_fct_cx_responses"] = (
        merged["responses_in_cube"] - merged["responses_in_fct_cx_responses"]
    )
    cube_days = set(in_cube.index.get_level_values("response_date"))
    has_responses = (merged["responses_in_fct_cx_responses"] > 0) | merged["response_date"].isin(cube_days)
    merged["chk_day_has_cells_of_each_dimension"] = (~has_responses | (merged["cells"] > 0)).astype(bool)
    return _Batch(
        "per day and dimension",
        merged,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_day_has_cells_of_each_dimension",
                value_set=[True],
                description="every day with responses has the overall cell and cells of every dimension",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_responses_gap_vs_fct_cx_responses",
                value_set=[0],
                description=(
                    "per day, each dimension's cells count the day's rows of fct_cx_responses "
                    "(so each dimension's total equals the rows of fct_cx_responses)"
                ),
            ),
        ],
        ["response_date", "dimension_name", "cells", "responses_in_cube", "responses_in_fct_cx_responses"],
    )


def _cube_recomputed(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Every cell of the cube against the same cell recomputed from fct_cx_responses."""
    gxe = _gxe()
    cube = frames["fct_cx_daily_by_dimension"]
    grain = list(MART_GRAIN["fct_cx_daily_by_dimension"])
    published = pd.DataFrame(
        {
            "response_date": _as_day(cube["response_date"]),
            "dimension_name": cube["dimension_name"].astype("object"),
            "dimension_value": cube["dimension_value"].astype("object"),
            **{column: _numeric(cube[column]) for column in CUBE_COUNTS},
        }
    )
    recomputed = _cube_cells(frames["fct_cx_responses"]).reset_index()
    recomputed["dimension_name"] = recomputed["dimension_name"].astype("object")
    recomputed["dimension_value"] = recomputed["dimension_value"].astype("object")
    merged = published.merge(recomputed, on=grain, how="outer", suffixes=("", "_recomputed"), indicator=True)
    same = merged["_merge"] == "both"
    for column in CUBE_COUNTS:
        same &= (merged[column] == merged[f"{column}_recomputed"]).fillna(False)
    merged["chk_in_cube"] = merged["_merge"] != "right_only"
    merged["chk_cell_recomputed_from_fct_cx_responses"] = same.astype(bool)
    merged = merged.drop(columns="_merge")
    return _Batch(
        "cells recomputed",
        merged,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_cell_recomputed_from_fct_cx_responses",
                value_set=[True],
                description=(
                    "every cell (and no other) is the one recomputed from fct_cx_responses, "
                    "measure by measure"
                ),
            ),
        ],
        [*grain, "chk_in_cube", "responses", "responses_recomputed"],
    )


def _derived_unmapped(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["rpt_unmapped_channels"].copy()
    first = _as_day(frame["first_response_date"])
    last = _as_day(frame["last_response_date"])
    frame["chk_first_not_after_last"] = (first <= last).fillna(False).astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_first_not_after_last",
                value_set=[True],
                description="first_response_date <= last_response_date",
            )
        ],
        ["raw_channel", "first_response_date", "last_response_date"],
    )


def _derived_unmapped_codes(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_unmapped_codes: dates in order, and each code's responses and dates those of its
    cells in the cube."""
    gxe = _gxe()
    frame = frames["rpt_unmapped_codes"].copy().reset_index(drop=True)
    first = _as_day(frame["first_response_date"])
    last = _as_day(frame["last_response_date"])
    frame["chk_first_not_after_last"] = (first <= last).fillna(False).astype(bool)
    cube = frames["fct_cx_daily_by_dimension"]
    cells = (
        pd.DataFrame(
            {
                "dimension_name": cube["dimension_name"].astype("object"),
                "code": cube["dimension_value"].astype("object"),
                "day": _as_day(cube["response_date"]),
                "responses": _numeric(cube["responses"]),
            }
        )
        .groupby(["dimension_name", "code"], dropna=False)
        .agg(responses=("responses", "sum"), first=("day", "min"), last=("day", "max"))
    )
    keys = pd.MultiIndex.from_arrays(
        [frame["dimension_name"].astype("object"), frame["code"].astype("object")]
    )
    aligned = cells.reindex(keys).reset_index(drop=True)
    frame["chk_matches_the_cube"] = (
        keys.isin(cells.index)
        & _same_values(_numeric(frame["responses"]), aligned["responses"])
        & _same_values(first, aligned["first"])
        & _same_values(last, aligned["last"])
    ).astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_first_not_after_last",
                value_set=[True],
                description="first_response_date <= last_response_date",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_matches_the_cube",
                value_set=[True],
                description=(
                    "responses, first_response_date and last_response_date are those of the code's "
                    "cells in fct_cx_daily_by_dimension"
                ),
            ),
        ],
        ["dimension_name", "code", "responses", "first_response_date", "last_response_date"],
    )


def _derived_load_history(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["rpt_load_history"].copy()
    counts = {column: _numeric(frame[column]).fillna(0) for column in ("rows_read", "rows_staged")}
    statuses = sum(
        _numeric(frame[column]).fillna(0) for column in ("accepted", "rejected", "superseded", "pending")
    )
    by_reason = {reason: _numeric(frame[f"rejected_{reason}"]).fillna(0) for reason in LOAD_HISTORY_REASONS}
    frame["chk_every_row_read_is_staged"] = (counts["rows_staged"] == counts["rows_read"]).astype(bool)
    frame["chk_statuses_add_up"] = (statuses == counts["rows_staged"]).astype(bool)
    frame["chk_reasons_add_up"] = (sum(by_reason.values()) == _numeric(frame["rejected"]).fillna(0)).astype(
        bool
    )
    own_reasons = frame["source_name"].map(lambda name: SOURCE_REASONS.get(str(name)))
    frame["chk_reasons_of_its_source"] = [
        reasons is not None
        and all(
            by_reason[reason].iloc[position] == 0 for reason in LOAD_HISTORY_REASONS if reason not in reasons
        )
        for position, reasons in enumerate(own_reasons)
    ]
    frame["chk_reasons_of_its_source"] = frame["chk_reasons_of_its_source"].astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_every_row_read_is_staged",
                value_set=[True],
                description="rows_staged = rows_read: every row the loader read is in the warehouse",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_statuses_add_up",
                value_set=[True],
                description="accepted + rejected + superseded + pending = rows_staged",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_reasons_add_up",
                value_set=[True],
                description="the rejected rows by reason add up to rejected",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_reasons_of_its_source",
                value_set=[True],
                description="a file's rejected rows carry only reasons of its source",
            ),
        ],
        [
            "source_name",
            "source_file",
            "rows_read",
            "rows_staged",
            "accepted",
            "rejected",
            "superseded",
            "pending",
        ],
    )


def _load_history_by_source(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_load_history per source: its files' rows staged are the rows of the source's audit,
    its accepted and rejected rows the audit's (responses: accepted the rows of
    fct_nps_responses)."""
    gxe = _gxe()
    history = frames["rpt_load_history"]
    names = history["source_name"].astype("object")
    sources = list(dict.fromkeys([*LOAD_HISTORY_AUDITS, *(str(name) for name in names.dropna())]))
    rows = []
    for source in sources:
        mine = history[(names == source).fillna(False).astype(bool)]
        audit_mart = LOAD_HISTORY_AUDITS.get(source)
        audit = frames[audit_mart] if audit_mart else None
        status = audit["status"] if audit is not None else pd.Series(dtype="object")
        accepted = (
            len(frames["fct_nps_responses"]) if source == "responses" else int((status == "accepted").sum())
        )
        rows.append(
            {
                "source_name": source,
                "files": len(mine),
                "rows_staged": int(_numeric(mine["rows_staged"]).fillna(0).sum()),
                "rows_in_audit": None if audit is None else len(audit),
                "accepted": int(_numeric(mine["accepted"]).fillna(0).sum()),
                "accepted_expected": None if audit is None else accepted,
                "rejected": int(_numeric(mine["rejected"]).fillna(0).sum()),
                "rejected_in_audit": None if audit is None else int((status == "rejected").sum()),
            }
        )
    frame = pd.DataFrame(rows)
    frame["chk_rows_staged_are_the_audit_rows"] = (frame["rows_staged"] == frame["rows_in_audit"]).astype(
        bool
    )
    frame["chk_accepted_reconciles"] = (frame["accepted"] == frame["accepted_expected"]).astype(bool)
    frame["chk_rejected_are_the_audit_rejected"] = (frame["rejected"] == frame["rejected_in_audit"]).astype(
        bool
    )
    return _Batch(
        "per source",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_rows_staged_are_the_audit_rows",
                value_set=[True],
                description="per source, rows_staged add up to the rows of the source's audit",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_accepted_reconciles",
                value_set=[True],
                description=(
                    "per source, accepted adds up to the accepted rows of its audit (responses: to the "
                    "rows of fct_nps_responses)"
                ),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_rejected_are_the_audit_rejected",
                value_set=[True],
                description="per source, rejected adds up to the rejected rows of its audit",
            ),
        ],
        list(frame.columns[:8]),
    )


def _derived_history(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """A history of versions: numbered 1..n per id in time order, each valid until the next one
    takes effect, exactly one current (the open one); its ids those of the source's accepted
    rows."""
    gxe = _gxe()
    key, _, _ = HISTORIES[mart]
    frame = frames[mart].copy()
    number = _numeric(frame["version_number"])
    frame = (
        frame.assign(_key=frame[key].astype("object"), _number=number)
        .sort_values(["_key", "_number"], kind="stable", na_position="last")
        .reset_index(drop=True)
    )
    group = frame.groupby("_key", dropna=False, sort=False)
    valid_from = _timestamps(frame["valid_from"])
    valid_to = _timestamps(frame["valid_to"])
    next_valid_from = valid_from.groupby(frame["_key"], dropna=False, sort=False).shift(-1)
    frame["chk_version_numbers_contiguous"] = (
        (frame["_number"] == group.cumcount() + 1).fillna(False).astype(bool)
    )
    frame["chk_valid_to_is_next_valid_from"] = _same_values(valid_to, next_valid_from)
    frame["chk_valid_from_before_valid_to"] = (
        (valid_to.isna() | (valid_from < valid_to)).fillna(False).astype(bool)
    )
    is_current = frame["is_current"].astype("boolean")
    frame["chk_current_iff_valid_to_null"] = (is_current == valid_to.isna()).fillna(False).astype(bool)
    currents = is_current.fillna(False).astype(int).groupby(frame["_key"], dropna=False, sort=False)
    frame["chk_one_current_version_per_id"] = (currents.transform("sum") == 1).astype(bool)
    frame = frame.drop(columns=["_key", "_number"])
    source = HISTORY_SOURCES[mart]
    accepted = _accepted_keys(frames, source)
    frame[f"chk_{key}_in_{source}_audit"] = (
        frame[key].map(lambda value: not _is_missing(value) and str(value) in accepted).astype(bool)
    )
    checks = [
        ("chk_version_numbers_contiguous", f"version_number runs 1..n per {key}, without gap or repeat"),
        (
            "chk_valid_to_is_next_valid_from",
            "valid_to is the next version's valid_from (null for the last version)",
        ),
        ("chk_valid_from_before_valid_to", "valid_from < valid_to"),
        ("chk_current_iff_valid_to_null", "is_current exactly when valid_to is null"),
        ("chk_one_current_version_per_id", f"exactly one current version per {key}"),
        (
            f"chk_{key}_in_{source}_audit",
            f"every {key} has an accepted row in {AUDIT_OF_SOURCE[source]}",
        ),
    ]
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]
    exps.append(
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column=key,
            min_value=len(accepted),
            max_value=len(accepted),
            description=(
                f"every {key} of an accepted row of {AUDIT_OF_SOURCE[source]} has versions ({len(accepted)})"
            ),
        )
    )
    return _Batch(
        "derived columns", frame, exps, [key, "version_number", "valid_from", "valid_to", "is_current"]
    )


def _derived_current(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """dim_customer / dim_agent: the current version of each id of its history, with how many
    versions it has and when the first took effect."""
    gxe = _gxe()
    history_mart = next(name for name, (_, current, _) in HISTORIES.items() if current == mart)
    key, _, attributes = HISTORIES[history_mart]
    frame = frames[mart].copy().reset_index(drop=True)
    history = frames[history_mart]
    history_keys = history[key].astype("object")
    current = history[history["is_current"].astype("boolean").fillna(False).astype(bool)]
    current = current.assign(_key=current[key].astype("object")).drop_duplicates("_key").set_index("_key")
    keys = frame[key].astype("object")
    aligned = current.reindex(keys.to_numpy())
    found = keys.isin(current.index)
    same = pd.Series(True, index=frame.index)
    for column in attributes:
        same &= _same_values(frame[column], aligned[column])
    same &= _same_values(frame["updated_at"], aligned["valid_from"])
    frame["chk_is_the_current_version"] = (found & same).astype(bool)
    versions = history_keys.value_counts(dropna=True)
    frame["chk_versions_counts_the_history"] = _same_values(
        _numeric(frame["versions"]), versions.reindex(keys.to_numpy()).astype("Float64")
    )
    first = _timestamps(history["valid_from"]).groupby(history_keys).min()
    frame["chk_first_updated_at_is_the_first_version"] = _same_values(
        _timestamps(frame["first_updated_at"]), first.reindex(keys.to_numpy())
    )
    distinct = int(history_keys.nunique(dropna=True))
    checks = [
        (
            "chk_is_the_current_version",
            f"each row is the current version of {history_mart} ({', '.join(attributes)}; updated_at "
            "its valid_from)",
        ),
        ("chk_versions_counts_the_history", f"versions is the count of the {key}'s rows of {history_mart}"),
        (
            "chk_first_updated_at_is_the_first_version",
            "first_updated_at is the valid_from of the first version",
        ),
    ]
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]
    exps.append(
        gxe.ExpectTableRowCountToEqual(
            value=distinct, description=f"one row per {key} of {history_mart} ({distinct})"
        )
    )
    return _Batch("derived columns", frame, exps, [key, "versions", "first_updated_at", "updated_at"])


def _known_invitations_answered(frames: Mapping[str, pd.DataFrame]) -> tuple[set[str], int, pd.DataFrame]:
    """The accepted invitations, how many of them a response of fct_nps_responses answers, and
    the responses naming an invitation none of them is."""
    known = _accepted_keys(frames, "invitations")
    responses = frames["fct_nps_responses"]
    named = responses[responses["invitation_id"].notna()]
    is_known = named["invitation_id"].map(lambda value: str(value) in known).astype(bool)
    answered = int(named.loc[is_known, "invitation_id"].astype(str).nunique())
    return known, answered, named[~is_known]


def _derived_invitations(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_invitations_daily: counts within the invitations, the rate and median recomputed, and
    totals reconciled with the invitations' audit and the responses that answer them."""
    gxe = _gxe()
    frame = frames["fct_invitations_daily"].copy()
    invitations = _numeric(frame["invitations"])
    bounced = _numeric(frame["bounced"])
    answered = _numeric(frame["answered"])
    frame["chk_bounced_within_invitations"] = (
        ((bounced >= 0) & (bounced <= invitations)).fillna(False).astype(bool)
    )
    frame["chk_answered_within_invitations"] = (
        ((answered >= 0) & (answered <= invitations)).fillna(False).astype(bool)
    )
    expected_rate = [
        expected_ratio(a, None if _is_missing(n) or _is_missing(b) else n - b, 100)
        for a, n, b in zip(answered, invitations, bounced, strict=True)
    ]
    frame["chk_expected_response_rate"] = [None if value is None else str(value) for value in expected_rate]
    frame["chk_response_rate_recomputed"] = [
        (as_decimal(actual) == expected) if expected is not None else _is_missing(actual)
        for actual, expected in zip(frame["response_rate"], expected_rate, strict=True)
    ]
    frame["chk_response_rate_recomputed"] = frame["chk_response_rate_recomputed"].astype(bool)
    frame["chk_median_null_iff_unanswered"] = (
        frame["median_hours_to_answer"].isna() == (answered == 0).fillna(False)
    ).astype(bool)
    known, answered_total, _ = _known_invitations_answered(frames)
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in (
            ("chk_bounced_within_invitations", "0 <= bounced <= invitations"),
            ("chk_answered_within_invitations", "0 <= answered <= invitations"),
            (
                "chk_response_rate_recomputed",
                "response_rate = round_half_away_from_zero(100 * answered / (invitations - bounced), 2), "
                "null when every invitation bounced",
            ),
            ("chk_median_null_iff_unanswered", "median_hours_to_answer is null exactly when answered = 0"),
        )
    ]
    exps += [
        gxe.ExpectColumnSumToBeBetween(
            column="invitations",
            min_value=len(known),
            max_value=len(known),
            description=f"invitations add up to the accepted rows of rpt_invitation_audit ({len(known)})",
        ),
        gxe.ExpectColumnSumToBeBetween(
            column="answered",
            min_value=answered_total,
            max_value=answered_total,
            description=(
                f"answered adds up to the accepted invitations a response of fct_nps_responses names "
                f"({answered_total})"
            ),
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        exps,
        [*MART_GRAIN["fct_invitations_daily"], "invitations", "bounced", "answered", "response_rate"],
    )


def _derived_unknown_invitations(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_unknown_invitations: exactly the responses of fct_nps_responses naming an invitation
    that no accepted row of rpt_invitation_audit is, as published there."""
    gxe = _gxe()
    frame = frames["rpt_unknown_invitations"].copy().reset_index(drop=True)
    _, _, unknown = _known_invitations_answered(frames)
    responses = unknown.drop_duplicates("response_id").set_index("response_id")
    listed = frame["response_id"].isin(responses.index)
    aligned = responses.reindex(frame["response_id"].to_numpy())
    same = pd.Series(True, index=frame.index)
    for column in ("invitation_id", "response_date", "feed_name", "source_file"):
        same &= _same_values(frame[column], aligned[column])
    frame["chk_names_an_unknown_invitation"] = (listed & same).astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_names_an_unknown_invitation",
                value_set=[True],
                description=(
                    "each row is a response of fct_nps_responses (same invitation_id, response_date, "
                    "feed_name, source_file) whose invitation is no accepted row of rpt_invitation_audit"
                ),
            ),
            gxe.ExpectTableRowCountToEqual(
                value=len(responses),
                description=f"every response naming an unknown invitation is listed ({len(responses)})",
            ),
        ],
        ["response_id", "invitation_id"],
    )


def _derived_source_audit(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """The audit of a programme source: a reason exactly for the rejected rows, the id missing
    exactly for its reason, and (interactions, invitations) one current row per id."""
    gxe = _gxe()
    source = SOURCE_AUDITS[mart]
    key = SOURCE_KEYS[source]
    frame = frames[mart].copy()
    status = frame["status"].astype("object")
    reason = frame["reason"].astype("object")
    is_rejected = (status == "rejected").fillna(False).astype(bool)
    frame["chk_reason_set_iff_rejected"] = (is_rejected == reason.notna()).astype(bool)
    frame[f"chk_{key}_null_iff_missing_{key}"] = (
        frame[key].isna() == (reason == f"missing_{key}").fillna(False)
    ).astype(bool)
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(
            column="chk_reason_set_iff_rejected",
            value_set=[True],
            description="reason is not null exactly when status = rejected",
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column=f"chk_{key}_null_iff_missing_{key}",
            value_set=[True],
            description=f"{key} is null exactly when reason = missing_{key}",
        ),
    ]
    if source in ONE_ROW_PER_ID_SOURCES:
        # customers and agents keep a row per (id, updated_at), engagement per (id, surveyed_at), case
        # events a row per event of a response
        is_accepted = (status == "accepted").fillna(False).astype(bool)
        frame[f"chk_accepted_{key}"] = frame[key].astype("object").where(is_accepted, None)
        exps.append(
            gxe.ExpectColumnValuesToBeUnique(
                column=f"chk_accepted_{key}", description=f"at most one accepted row per {key}"
            )
        )
    return _Batch(
        "derived columns", frame, exps, ["source_file", "source_row_number", key, "status", "reason"]
    )


# --------------------------------------------------------------------------------------------
# The CX statistics: intervals of every cell, periods, rolling windows and alerts
# --------------------------------------------------------------------------------------------

CUBE = "fct_cx_daily_by_dimension"
BY_PERIOD = "fct_cx_by_period"
ROLLING = "fct_cx_rolling"
ALERTS = "fct_cx_alerts"
#: The grain of fct_cx_by_period under short names (grain, start, name, value).
_PERIOD_KEY = ("grain", "start", "name", "value")


def _day_ns(series: pd.Series) -> pd.Series:
    """Dates as midnight timestamps of one resolution (so that keys of two marts match)."""
    return _as_day(series).astype("datetime64[ns]")


def _same_flags(actual: pd.Series, expected: np.ndarray) -> pd.Series:
    flags = actual.astype("boolean").reset_index(drop=True)
    return (flags == pd.Series(expected, dtype="boolean")).fillna(False).astype(bool).set_axis(actual.index)


def _same_labels(actual: pd.Series, expected: np.ndarray) -> pd.Series:
    """Row by row, the text equals the expected one (None expects a null)."""
    values = actual.astype("object").tolist()
    return pd.Series(
        [
            _is_missing(value) if wanted is None else (not _is_missing(value) and value == wanted)
            for value, wanted in zip(values, expected.tolist(), strict=True)
        ],
        index=actual.index,
        dtype=bool,
    )


def _cx_sample(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The additive columns of CX_MEASURES of each row, as whole numbers."""
    return {column: _ints(frame[column]) for column in CUBE_COUNTS}


def _nps_uncertainty_checks(
    frame: pd.DataFrame, promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray
) -> list[tuple[str, str]]:
    """chk_* columns of NPS_UNCERTAINTY recomputed from the row's NPS counts (added to ``frame``)."""
    standard_error, lower, upper = nps_uncertainty_hundredths(promoters, passives, detractors)
    checks = []
    for column, expected, description in (
        (
            "nps_standard_error",
            standard_error,
            "nps_standard_error = 100 sqrt(((p + d) - (p - d)^2) / n) of the shares of promoters and "
            "detractors, rounded half away from zero (null without NPS responses)",
        ),
        (
            "nps_ci_lower",
            lower,
            "nps_ci_lower = the adjusted-Wald lower bound (0.75 added to promoters and detractors, 3 to "
            "the responses) at 95%, at least -100 (null without NPS responses)",
        ),
        (
            "nps_ci_upper",
            upper,
            "nps_ci_upper = the adjusted-Wald upper bound at 95%, at most 100 (null without NPS responses)",
        ),
    ):
        name = f"chk_{column}_recomputed"
        frame[name] = _same_numbers(_hundredths(frame[column]), expected)
        checks.append((name, description))
    return checks


def _cx_block_checks(frame: pd.DataFrame, *, with_scores: bool) -> list[tuple[str, str]]:
    """chk_* columns of the scores (``with_scores``), intervals and flags of CX_MEASURES
    recomputed from the row's additive columns (added to ``frame``): (column, description)."""
    sample = _cx_sample(frame)
    checks: list[tuple[str, str]] = []

    def check(column: str, expected: np.ndarray, description: str) -> None:
        name = f"chk_{column}_recomputed"
        frame[name] = _same_numbers(_hundredths(frame[column]), expected)
        checks.append((name, description))

    if with_scores:
        check(
            "nps",
            score_hundredths("nps", sample),
            "nps recomputed from the counts (null without NPS responses)",
        )
        for score in CX_SCORES:
            check(
                score,
                score_hundredths(score, sample),
                f"{score} recomputed from its measures, rounded half away from zero",
            )
    checks += _nps_uncertainty_checks(frame, sample["promoters"], sample["passives"], sample["detractors"])
    for prefix, successes, trials in (
        ("csat", "csat_satisfied", "csat_responses"),
        ("ces_easy", "ces_easy", "ces_responses"),
    ):
        lower, upper = wilson_hundredths(sample[successes], sample[trials])
        for bound, expected in (("lower", lower), ("upper", upper)):
            check(
                f"{prefix}_ci_{bound}",
                expected,
                f"{prefix}_ci_{bound} = the {bound} Wilson bound at 95% of {successes} / {trials}, in "
                f"percent (null without {trials})",
            )
    for metric in ("csat", "ces"):
        lowest, highest = METRIC_SCALES[f"{metric}_score"]
        lower, upper = mean_interval_hundredths(
            sample[f"{metric}_score_sum"],
            sample[f"{metric}_score_sum_squares"],
            sample[f"{metric}_responses"],
            float(lowest),
            float(highest),
        )
        for bound, expected in (("lower", lower), ("upper", upper)):
            check(
                f"{metric}_mean_ci_{bound}",
                expected,
                f"{metric}_mean_ci_{bound} = the {bound} normal bound at 95% of the mean from the sum and "
                f"sum of squares, within {lowest}-{highest} (null under two {metric}_responses)",
            )
    for flag, count in CX_FLAGS.items():
        name = f"chk_{flag}_recomputed"
        frame[name] = _same_flags(frame[flag], sample[count] < MIN_RESPONSES)
        checks.append((name, f"{flag} exactly when {count} < {MIN_RESPONSES}"))
    return checks


def _cx_measure_ranges(has: Callable[..., bool]) -> list[Expectation]:
    """The ranges of the CX_MEASURES columns (counts, scores, intervals on their scales, flags)."""
    gxe = _gxe()
    exps: list[Expectation] = []
    for column in CUBE_COUNTS:
        if has(column):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, description=f"{column} >= 0")
            )
    ranges: list[tuple[tuple[str, ...], int, int]] = [
        (("nps", "nps_ci_lower", "nps_ci_upper"), -100, 100),
        (("nps_standard_error",), 0, 100),
        (
            (
                "csat_pct",
                "csat_ci_lower",
                "csat_ci_upper",
                "ces_easy_pct",
                "ces_easy_ci_lower",
                "ces_easy_ci_upper",
            ),
            0,
            100,
        ),
        (("csat_mean", "csat_mean_ci_lower", "csat_mean_ci_upper"), *METRIC_SCALES["csat_score"]),
        (("ces_mean", "ces_mean_ci_lower", "ces_mean_ci_upper"), *METRIC_SCALES["ces_score"]),
    ]
    for columns, lowest, highest in ranges:
        for column in columns:
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column,
                        min_value=lowest,
                        max_value=highest,
                        description=f"{column} between {lowest} and {highest}",
                    )
                )
    for flag in CX_FLAGS:
        if has(flag):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=flag, value_set=[True, False], description=f"{flag} is a boolean"
                )
            )
    return exps


def _derived_by_period(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_by_period: scores, intervals and flags recomputed from the period's sums; the
    period's dates; each comparison (previous period, rest of the dimension, target) recomputed
    from the rows it compares, and its direction consistent with its p-value."""
    gxe = _gxe()
    frame = frames[BY_PERIOD].copy().reset_index(drop=True)
    checks = _cx_block_checks(frame, with_scores=True)
    grain = frame["period_grain"].astype("object")
    start = _day_ns(frame["period_start_date"])
    end = _day_ns(frame["period_end_date"])
    names = frame["dimension_name"].astype("object")
    values = frame["dimension_value"].astype("object")
    expected_end = shift_periods(start, grain, 1) - pd.Timedelta(days=1)
    frame["chk_period_dates_consistent"] = (
        ((start == period_starts(start, grain)) & (end == expected_end)).fillna(False).astype(bool)
    )
    checks.append(
        (
            "chk_period_dates_consistent",
            "period_start_date starts a period of its grain (an ISO week's Monday, a month's, quarter's or "
            "year's first day) and period_end_date is that period's last day",
        )
    )
    cube_days = _day_ns(frames[CUBE]["response_date"]).dropna()
    last_day = cube_days.max() if not cube_days.empty else pd.NaT
    frame["chk_is_period_complete_recomputed"] = _same_flags(
        frame["is_period_complete"], (end <= last_day).fillna(False).to_numpy(dtype=bool)
    )
    checks.append(
        (
            "chk_is_period_complete_recomputed",
            "is_period_complete exactly when period_end_date <= the last response_date of the cube",
        )
    )

    sample = _cx_sample(frame)
    scores = {score: _hundredths(frame[score]) for score in SCORE_RESPONSES}
    keyed = pd.DataFrame({"grain": grain, "start": start, "name": names, "value": values})
    rows = keyed.assign(**sample, **{f"_score_{score}": scores[score] for score in SCORE_RESPONSES})
    lookup = rows.drop_duplicates(list(_PERIOD_KEY)).set_index(list(_PERIOD_KEY))
    previous_index = pd.MultiIndex.from_arrays([grain, shift_periods(start, grain, -1), names, values])
    previous_rows = lookup.reindex(previous_index)
    previous = {column: previous_rows[column].fillna(0).to_numpy().astype("int64") for column in CUBE_COUNTS}
    overall_rows = rows[(names == "overall").to_numpy()].drop_duplicates(["grain", "start"])
    overall = overall_rows.set_index(["grain", "start"]).reindex(pd.MultiIndex.from_arrays([grain, start]))
    has_overall = overall["responses"].notna().to_numpy()
    is_overall = (names == "overall").fillna(False).to_numpy(dtype=bool)
    rest = {
        column: overall[column].fillna(0).to_numpy().astype("int64") - sample[column]
        for column in CUBE_COUNTS
    }
    targets = {score: _floats(frame[f"{score}_target"]) for score in SCORE_RESPONSES}

    for score, responses in SCORE_RESPONSES.items():
        count = sample[responses]
        previous_score = previous_rows[f"_score_{score}"].to_numpy(dtype=float)
        published_previous = _floats(frame[f"previous_{responses}"])
        frame[f"chk_previous_{score}_recomputed"] = _same_numbers(
            _hundredths(frame[f"previous_{score}"]), previous_score
        ) & (published_previous == previous[responses])
        change = _hundredths(frame[f"{score}_change"])
        frame[f"chk_{score}_change_recomputed"] = _same_numbers(change, scores[score] - previous_score)
        tested = (count >= MIN_RESPONSES) & (previous[responses] >= MIN_RESPONSES)
        expected_p = np.where(tested, difference_p_value(score, sample, previous), np.nan)
        p_value = _floats(frame[f"{score}_change_p_value"])
        frame[f"chk_{score}_change_p_value_recomputed"] = _close_numbers(p_value, expected_p)
        significant = p_value < SIGNIFICANCE_LEVEL
        insufficient = (count < MIN_RESPONSES) | ~(published_previous >= MIN_RESPONSES)
        direction = np.select(
            [insufficient, significant & (change > 0), significant & (change < 0)],
            ["insufficient_data", "up", "down"],
            "flat",
        ).astype(object)
        frame[f"chk_{score}_change_direction_consistent"] = _same_labels(
            frame[f"{score}_change_direction"], direction
        )

        rest_score = score_hundredths(score, rest)
        vs_rest = _hundredths(frame[f"{score}_vs_rest"])
        frame[f"chk_{score}_vs_rest_recomputed"] = _same_numbers(
            vs_rest, np.where(is_overall | ~has_overall, np.nan, scores[score] - rest_score)
        )
        rest_tested = (
            ~is_overall & has_overall & (count >= MIN_RESPONSES) & (rest[responses] >= MIN_RESPONSES)
        )
        expected_p = np.where(rest_tested, difference_p_value(score, sample, rest), np.nan)
        p_value = _floats(frame[f"{score}_vs_rest_p_value"])
        frame[f"chk_{score}_vs_rest_p_value_recomputed"] = _close_numbers(p_value, expected_p)
        significant = p_value < SIGNIFICANCE_LEVEL
        direction = np.select(
            [
                is_overall,
                (count < MIN_RESPONSES) | (rest[responses] < MIN_RESPONSES),
                significant & (vs_rest > 0),
                significant & (vs_rest < 0),
            ],
            ["", "insufficient_data", "above", "below"],
            "flat",
        ).astype(object)
        direction[is_overall] = None
        frame[f"chk_{score}_vs_rest_direction_consistent"] = _same_labels(
            frame[f"{score}_vs_rest_direction"], direction
        )

        target = targets[score]
        frame[f"chk_{score}_gap_to_target_recomputed"] = _same_numbers(
            _hundredths(frame[f"{score}_gap_to_target"]), scores[score] - np.rint(target * 100)
        )
        target_tested = ~np.isnan(target) & (count >= MIN_RESPONSES)
        expected_p = np.where(target_tested, below_target_p_value(score, sample, target), np.nan)
        frame[f"chk_{score}_below_target_p_value_recomputed"] = _close_numbers(
            _floats(frame[f"{score}_below_target_p_value"]), expected_p
        )
        distinct = (
            keyed.assign(_target=target)
            .groupby(["grain", "name", "value"], dropna=False)["_target"]
            .transform(lambda group: group.nunique(dropna=False))
        )
        frame[f"chk_{score}_target_same_in_every_period"] = (distinct.to_numpy() <= 1).astype(bool)
        checks += [
            (
                f"chk_previous_{score}_recomputed",
                f"previous_{score} and previous_{responses} are those of the period before (null and 0 "
                "without a row)",
            ),
            (f"chk_{score}_change_recomputed", f"{score}_change = {score} - previous_{score}"),
            (
                f"chk_{score}_change_p_value_recomputed",
                f"{score}_change_p_value is the two-sample test against the period before when both have "
                f"{MIN_RESPONSES} {responses} (else null)",
            ),
            (
                f"chk_{score}_change_direction_consistent",
                f"{score}_change_direction: insufficient_data exactly when a side has under {MIN_RESPONSES} "
                f"{responses}; up / down exactly when p < {SIGNIFICANCE_LEVEL} and the change has that sign; "
                "else flat",
            ),
            (
                f"chk_{score}_vs_rest_recomputed",
                f"{score}_vs_rest = {score} - that of the rest of the dimension (the overall cell minus this "
                "one); null for overall",
            ),
            (
                f"chk_{score}_vs_rest_p_value_recomputed",
                f"{score}_vs_rest_p_value is the two-sample test against the rest when both have "
                f"{MIN_RESPONSES} {responses} (else null)",
            ),
            (
                f"chk_{score}_vs_rest_direction_consistent",
                f"{score}_vs_rest_direction: null for overall; insufficient_data exactly when a side has "
                f"under {MIN_RESPONSES}; above / below exactly when p < {SIGNIFICANCE_LEVEL} and the gap has "
                "that sign; else flat",
            ),
            (f"chk_{score}_gap_to_target_recomputed", f"{score}_gap_to_target = {score} - {score}_target"),
            (
                f"chk_{score}_below_target_p_value_recomputed",
                f"{score}_below_target_p_value is the one-sided test against the target when set and "
                f"{responses} >= {MIN_RESPONSES} (else null)",
            ),
            (
                f"chk_{score}_target_same_in_every_period",
                f"{score}_target is the same in every period of a grain and dimension value",
            ),
        ]
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
            for column, description in checks
        ],
        [*MART_GRAIN[BY_PERIOD], "responses"],
    )


def _by_period_sums(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Every row of fct_cx_by_period against the sums of the cube over its period's days (a
    row for each period and cell with responses, no other)."""
    gxe = _gxe()
    cube = frames[CUBE]
    day = _day_ns(cube["response_date"])
    cells = pd.DataFrame(
        {
            "name": cube["dimension_name"].astype("object"),
            "value": cube["dimension_value"].astype("object"),
            **_cx_sample(cube),
        }
    )
    parts = [cells.assign(grain=grain, start=period_starts(day, grain)) for grain in PERIOD_GRAINS]
    sums = (
        pd.concat(parts, ignore_index=True)
        .groupby(list(_PERIOD_KEY), dropna=False)[list(CUBE_COUNTS)]
        .sum()
        .reset_index()
    )
    mart = frames[BY_PERIOD]
    published = pd.DataFrame(
        {
            "grain": mart["period_grain"].astype("object"),
            "start": _day_ns(mart["period_start_date"]),
            "name": mart["dimension_name"].astype("object"),
            "value": mart["dimension_value"].astype("object"),
            **_cx_sample(mart),
        }
    )
    merged = published.merge(
        sums, on=list(_PERIOD_KEY), how="outer", suffixes=("", "_of_the_cube"), indicator=True
    )
    # a repeated row is not the one row of its period and cell
    repeated = merged.duplicated(list(_PERIOD_KEY), keep=False).to_numpy()
    same = np.array(merged["_merge"] == "both", dtype=bool) & ~repeated
    for column in CUBE_COUNTS:
        same &= (merged[column] == merged[f"{column}_of_the_cube"]).fillna(False).to_numpy(dtype=bool)
    merged["chk_in_fct_cx_by_period"] = (merged["_merge"] != "right_only").astype(bool)
    merged["chk_period_sums_of_the_cube"] = same
    merged = merged.drop(columns="_merge").rename(
        columns={
            "grain": "period_grain",
            "start": "period_start_date",
            "name": "dimension_name",
            "value": "dimension_value",
        }
    )
    return _Batch(
        "periods recomputed from the cube",
        merged,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_period_sums_of_the_cube",
                value_set=[True],
                description=(
                    "every row (and no other: one per grain, period and cell with responses in it) holds the "
                    "sums of fct_cx_daily_by_dimension over the period's days, measure by measure"
                ),
            )
        ],
        [*MART_GRAIN[BY_PERIOD], "chk_in_fct_cx_by_period", "responses", "responses_of_the_cube"],
    )


@dataclass(frozen=True)
class _DenseCube:
    """The cube's additive columns of every cell on every day from its first to its last
    (0 where a cell has no row): ``prefix[c, i]`` sums the cell's days before day i."""

    cells: pd.MultiIndex
    first_day: Any
    days: int
    columns: tuple[str, ...]
    daily: np.ndarray
    prefix: np.ndarray

    @classmethod
    def of(cls, cube: pd.DataFrame, columns: Sequence[str]) -> _DenseCube:
        day = _day_ns(cube["response_date"])
        known = day.notna().to_numpy()
        keys = pd.MultiIndex.from_arrays(
            [cube["dimension_name"].astype("object"), cube["dimension_value"].astype("object")]
        )
        codes, cells = pd.factorize(keys[known])
        if not known.any():
            empty = np.zeros((0, 0, len(columns)), dtype="int64")
            return cls(pd.MultiIndex.from_arrays([[], []]), pd.NaT, 0, tuple(columns), empty, empty)
        first_day = day[known].min()
        offsets = (day[known] - first_day).dt.days.to_numpy()
        days = int(offsets.max()) + 1
        daily = np.zeros((len(cells), days, len(columns)), dtype="int64")
        values = np.stack([_ints(cube[column])[known] for column in columns], axis=1)
        np.add.at(daily, (codes, offsets), values)
        prefix = np.concatenate(
            [np.zeros((len(cells), 1, len(columns)), dtype="int64"), daily.cumsum(axis=1)], axis=1
        )
        return cls(pd.MultiIndex.from_tuples(list(cells)), first_day, days, tuple(columns), daily, prefix)

    def window(self, codes: np.ndarray, last: np.ndarray, length: np.ndarray) -> np.ndarray:
        """The sums of the ``length`` days up to day offset ``last`` (inclusive) of each cell."""
        end = np.clip(last + 1, 0, self.days)
        begin = np.clip(last + 1 - length, 0, self.days)
        return self.prefix[codes, end] - self.prefix[codes, begin]


def _derived_rolling(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_rolling: scores, intervals and flags recomputed from the window's sums, and the
    window's dates."""
    gxe = _gxe()
    frame = frames[ROLLING].copy().reset_index(drop=True)
    checks = _cx_block_checks(frame, with_scores=True)
    day = _day_ns(frame["date_day"])
    window = _numeric(frame["window_days"])
    start = _day_ns(frame["window_start_date"])
    frame["chk_window_start_date_recomputed"] = (
        (start == day - pd.to_timedelta(window - 1, unit="D")).fillna(False).astype(bool)
    )
    cube_days = _day_ns(frames[CUBE]["response_date"]).dropna()
    first_day = cube_days.min() if not cube_days.empty else pd.NaT
    frame["chk_is_window_complete_recomputed"] = _same_flags(
        frame["is_window_complete"], (start >= first_day).fillna(False).to_numpy(dtype=bool)
    )
    checks += [
        ("chk_window_start_date_recomputed", "window_start_date = date_day - (window_days - 1)"),
        (
            "chk_is_window_complete_recomputed",
            "is_window_complete exactly when window_start_date >= the first response_date of the cube",
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
            for column, description in checks
        ],
        [*MART_GRAIN[ROLLING], "responses"],
    )


def _rolling_sums(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Every row of fct_cx_rolling against the sums of the cube over its window: one row per day
    from the cube's first to its last, window and cell of the cube."""
    gxe = _gxe()
    dense = _DenseCube.of(frames[CUBE], CUBE_COUNTS)
    frame = frames[ROLLING].copy().reset_index(drop=True)
    keys = pd.MultiIndex.from_arrays(
        [frame["dimension_name"].astype("object"), frame["dimension_value"].astype("object")]
    )
    codes = dense.cells.get_indexer(keys) if dense.days else np.full(len(frame), -1)
    day = _day_ns(frame["date_day"])
    offset = (
        (day - dense.first_day).dt.days.to_numpy(dtype=float, na_value=np.nan)
        if dense.days
        else np.full(len(frame), np.nan)
    )
    window = _numeric(frame["window_days"]).to_numpy(dtype=float, na_value=np.nan)
    inside = (codes >= 0) & (offset >= 0) & (offset < dense.days) & np.isin(window, ROLLING_WINDOWS)
    frame["chk_day_window_and_cell_of_the_cube"] = inside.astype(bool)
    same = inside.copy()
    if inside.any():
        sums = dense.window(codes[inside], offset[inside].astype("int64"), window[inside].astype("int64"))
        sample = _cx_sample(frame.loc[inside])
        equal = np.ones(int(inside.sum()), dtype=bool)
        for position, column in enumerate(CUBE_COUNTS):
            equal &= sample[column] == sums[:, position]
        same[inside] = equal
    frame["chk_window_sums_of_the_cube"] = same.astype(bool)
    expected_rows = dense.days * len(ROLLING_WINDOWS) * len(dense.cells)
    return _Batch(
        "windows recomputed from the cube",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_day_window_and_cell_of_the_cube",
                value_set=[True],
                description=(
                    f"date_day from the cube's first response_date to its last, window_days one of "
                    f"{', '.join(map(str, ROLLING_WINDOWS))}, a cell (dimension name and value) of the cube"
                ),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_window_sums_of_the_cube",
                value_set=[True],
                description=(
                    "every measure is the sum of fct_cx_daily_by_dimension over the window's days "
                    "(window_days days up to date_day; 0 without rows)"
                ),
            ),
            gxe.ExpectTableRowCountToEqual(
                value=expected_rows,
                description=(
                    f"one row per day, window and cell of the cube ({dense.days} days x "
                    f"{len(ROLLING_WINDOWS)} windows x {len(dense.cells)} cells = {expected_rows})"
                ),
            ),
        ],
        [*MART_GRAIN[ROLLING], "responses"],
    )


def _detractor_spike_tests(cube: pd.DataFrame) -> pd.DataFrame:
    """Every day of every cell of the cube with the minimum of NPS responses, beside the
    DETRACTOR_WINDOW_DAYS days before it (days without a row count 0) when they have the minimum
    too: its detractors and NPS responses, the trailing days', and the one-sided p-value of the
    pooled two-proportion test that the day's detractor share is higher."""
    dense = _DenseCube.of(cube, ("detractors", "nps_responses"))
    columns = [
        "name",
        "value",
        "day",
        "detractors",
        "responses",
        "trailing_detractors",
        "trailing_responses",
        "p_value",
    ]
    if not dense.days:
        return pd.DataFrame(columns=columns)
    cell, offset = np.nonzero(dense.daily[:, :, 1] >= MIN_RESPONSES)
    trailing = dense.window(cell, offset - 1, np.full(len(offset), DETRACTOR_WINDOW_DAYS))
    day = dense.daily[cell, offset]
    tested = trailing[:, 1] >= MIN_RESPONSES
    cell, offset, day, trailing = cell[tested], offset[tested], day[tested], trailing[tested]
    p_value = share_increase_p_value((day[:, 0], day[:, 1]), (trailing[:, 0], trailing[:, 1]))
    return pd.DataFrame(
        {
            "name": dense.cells.get_level_values(0)[cell].to_numpy(dtype=object),
            "value": dense.cells.get_level_values(1)[cell].to_numpy(dtype=object),
            "day": dense.first_day + pd.to_timedelta(offset, unit="D"),
            "detractors": day[:, 0],
            "responses": day[:, 1],
            "trailing_detractors": trailing[:, 0],
            "trailing_responses": trailing[:, 1],
            "p_value": p_value,
        },
        columns=columns,
    )


def _alert_candidates(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every test of every rule (those of fct_cx_by_period with its published p-values, the
    detractor spikes recomputed from the cube), its family's q-value, and whether it fires."""
    periods = frames[BY_PERIOD]
    keys = {
        "grain": periods["period_grain"].astype("object"),
        "start": _day_ns(periods["period_start_date"]),
        "name": periods["dimension_name"].astype("object"),
        "value": periods["dimension_value"].astype("object"),
    }
    parts = []
    for rule, score in DROP_RULES.items():
        parts.append(
            pd.DataFrame(
                {
                    "rule": rule,
                    "metric": score,
                    **keys,
                    "p_value": _floats(periods[f"{score}_change_p_value"]),
                    "fires": (_floats(periods[f"{score}_change"]) < 0),
                }
            )
        )
    for score in CX_COMPARED_SCORES:
        parts.append(
            pd.DataFrame(
                {
                    "rule": "below_target",
                    "metric": score,
                    **keys,
                    "p_value": _floats(periods[f"{score}_below_target_p_value"]),
                    "fires": True,
                }
            )
        )
    spikes = _detractor_spike_tests(frames[CUBE])
    parts.append(
        pd.DataFrame(
            {
                "rule": "detractor_spike",
                "metric": "detractor_share",
                "grain": SPIKE_GRAIN,
                "start": spikes["day"].astype("datetime64[ns]"),
                "name": spikes["name"],
                "value": spikes["value"],
                "p_value": spikes["p_value"].astype(float),
                "fires": True,
            }
        )
    )
    parts = [part for part in parts if len(part)]
    columns = ["rule", "metric", "grain", "start", "name", "value", "p_value", "fires"]
    candidates = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    candidates = candidates[candidates["p_value"].notna()].reset_index(drop=True)
    if candidates.empty:
        return candidates.assign(q_value=pd.Series(dtype=float), alert_id=pd.Series(dtype=object))
    candidates["q_value"] = benjamini_hochberg(candidates, ["rule", "grain", "start"], "p_value")
    candidates["fires"] = candidates["fires"].astype(bool) & (candidates["q_value"] < ALERT_FDR)
    candidates["alert_id"] = [
        alert_id(*key)
        for key in zip(
            candidates["rule"],
            candidates["metric"],
            candidates["grain"],
            candidates["start"],
            candidates["name"],
            candidates["value"],
            strict=True,
        )
    ]
    return candidates


def _derived_alerts(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_alerts, alert by alert: its id, its rule's metric and grain, q >= p, its severity,
    and the figures of the test it reports (its fct_cx_by_period row, or its day of the cube)."""
    gxe = _gxe()
    frame = frames[ALERTS].copy().reset_index(drop=True)
    rule = frame["rule"].astype("object")
    metric = frame["metric"].astype("object")
    grain = frame["period_grain"].astype("object")
    start = _day_ns(frame["period_start_date"])
    names = frame["dimension_name"].astype("object")
    values = frame["dimension_value"].astype("object")
    frame["chk_alert_id_is_md5_of_its_key"] = [
        not _is_missing(published) and published == alert_id(*key)
        for published, *key in zip(frame["alert_id"], rule, metric, grain, start, names, values, strict=True)
    ]
    frame["chk_alert_id_is_md5_of_its_key"] = frame["chk_alert_id_is_md5_of_its_key"].astype(bool)
    p_value = _floats(frame["p_value"])
    q_value = _floats(frame["q_value"])
    frame["chk_q_value_not_below_p_value"] = q_value >= p_value
    frame["chk_metric_and_grain_of_its_rule"] = [
        r in ALERT_METRICS
        and m in ALERT_METRICS[r]
        and (g == SPIKE_GRAIN if r == "detractor_spike" else g in PERIOD_GRAINS)
        for r, m, g in zip(rule, metric, grain, strict=True)
    ]
    frame["chk_metric_and_grain_of_its_rule"] = frame["chk_metric_and_grain_of_its_rule"].astype(bool)
    observed = _hundredths(frame["observed"])
    baseline = _hundredths(frame["baseline"])
    threshold = np.array(
        [float(HIGH_SEVERITY[m] * 100) if m in HIGH_SEVERITY else np.nan for m in metric], dtype=float
    )
    with np.errstate(invalid="ignore"):
        high = np.abs(observed - baseline) >= threshold
    frame["chk_severity_recomputed"] = _same_labels(
        frame["severity"], np.where(high, "high", "medium").astype(object)
    )
    responses = _floats(frame["responses"])
    baseline_responses = _floats(frame["baseline_responses"])
    complete = frame["is_period_complete"].astype("boolean")

    # the row of fct_cx_by_period each drop and below-target alert reports
    periods = frames[BY_PERIOD]
    period_keys = pd.MultiIndex.from_arrays(
        [
            periods["period_grain"].astype("object"),
            _day_ns(periods["period_start_date"]),
            periods["dimension_name"].astype("object"),
            periods["dimension_value"].astype("object"),
        ]
    )
    unique = ~period_keys.duplicated()
    rows = (
        periods.loc[unique]
        .set_axis(period_keys[unique])
        .reindex(pd.MultiIndex.from_arrays([grain, start, names, values]))
    )
    found = rows["responses"].notna().to_numpy()
    same_complete = (
        (complete == rows["is_period_complete"].astype("boolean").set_axis(frame.index))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    matches = np.zeros(len(frame), dtype=bool)
    for drop_rule, score in DROP_RULES.items():
        mine = (rule == drop_rule).to_numpy() & (metric == score).to_numpy()
        count = SCORE_RESPONSES[score]
        matches |= (
            mine
            & found
            & same_complete
            & (_floats(rows[f"{score}_change"]) < 0)
            & _close_numbers(p_value, _floats(rows[f"{score}_change_p_value"]))
            & _same_numbers(observed, _hundredths(rows[score]))
            & _same_numbers(baseline, _hundredths(rows[f"previous_{score}"]))
            & (responses == _floats(rows[count]))
            & (baseline_responses == _floats(rows[f"previous_{count}"]))
        )
    for score in CX_COMPARED_SCORES:
        mine = (rule == "below_target").to_numpy() & (metric == score).to_numpy()
        matches |= (
            mine
            & found
            & same_complete
            & _close_numbers(p_value, _floats(rows[f"{score}_below_target_p_value"]))
            & _same_numbers(observed, _hundredths(rows[score]))
            & _same_numbers(baseline, _hundredths(rows[f"{score}_target"]))
            & (responses == _floats(rows[SCORE_RESPONSES[score]]))
            & np.isnan(baseline_responses)
        )
    is_spike = (rule == "detractor_spike").to_numpy()
    frame["chk_reports_its_fct_cx_by_period_row"] = matches | is_spike

    # the day of the cube each detractor spike reports
    spikes = _detractor_spike_tests(frames[CUBE])
    spike_rows = spikes.set_index(["name", "value", "day"])
    spike_rows = spike_rows[~spike_rows.index.duplicated()]
    tests = spike_rows.reindex(pd.MultiIndex.from_arrays([names, values, start]))
    spike_found = tests["responses"].notna().to_numpy()
    tested = {column: tests[column].fillna(0).to_numpy().astype("int64") for column in spikes.columns[3:7]}
    frame["chk_reports_its_day_of_the_cube"] = ~is_spike | (
        spike_found
        & complete.fillna(False).to_numpy(dtype=bool)
        & _close_numbers(p_value, tests["p_value"].to_numpy(dtype=float))
        & _same_numbers(observed, _ratio_hundredths(tested["detractors"], tested["responses"], 100))
        & _same_numbers(
            baseline, _ratio_hundredths(tested["trailing_detractors"], tested["trailing_responses"], 100)
        )
        & (responses == tested["responses"])
        & (baseline_responses == tested["trailing_responses"])
    )
    checks = [
        (
            "chk_alert_id_is_md5_of_its_key",
            "alert_id = md5 of rule|metric|period_grain|period_start_date|dimension_name|dimension_value",
        ),
        ("chk_q_value_not_below_p_value", "q_value >= p_value"),
        (
            "chk_metric_and_grain_of_its_rule",
            "metric one of its rule's (drops: nps, csat_pct; spike: detractor_share; below_target: nps, "
            "csat_pct, ces_mean), period_grain day for a spike, else a period grain",
        ),
        (
            "chk_severity_recomputed",
            "severity high exactly when |observed - baseline| reaches the metric's threshold "
            f"({', '.join(f'{m} {t}' for m, t in HIGH_SEVERITY.items())}), else medium",
        ),
        (
            "chk_reports_its_fct_cx_by_period_row",
            "a drop or below-target alert reports its fct_cx_by_period row: the change is down (drops), "
            "same p-value, observed, baseline, responses, baseline responses and completeness",
        ),
        (
            "chk_reports_its_day_of_the_cube",
            f"a detractor spike reports its day of the cube against the {DETRACTOR_WINDOW_DAYS} days before "
            "it: detractor shares, responses and the one-sided p-value recomputed",
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
            for column, description in checks
        ],
        [
            "alert_id",
            "rule",
            "metric",
            "period_grain",
            "period_start_date",
            "dimension_name",
            "dimension_value",
        ],
    )


def _alerts_recomputed(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_alerts against every test of every rule: each alert fired (its q-value, within its
    family of rule and period, under the FDR, its direction holding) is listed, no other, with
    its q-value."""
    gxe = _gxe()
    candidates = _alert_candidates(frames)
    candidates = candidates[
        ["alert_id", "rule", "metric", "grain", "start", "name", "value", "p_value", "q_value", "fires"]
    ]
    published = frames[ALERTS]
    listed = pd.DataFrame(
        {
            "alert_id": published["alert_id"].astype("object"),
            "published_q_value": _floats(published["q_value"]),
        }
    )
    merged = listed.merge(
        candidates.drop_duplicates("alert_id").rename(columns={"q_value": "recomputed_q_value"}),
        on="alert_id",
        how="outer",
        indicator=True,
    )
    is_listed = (merged["_merge"] != "right_only").to_numpy()
    is_candidate = (merged["_merge"] != "left_only").to_numpy()
    fires = merged["fires"].fillna(False).to_numpy(dtype=bool)
    merged["chk_listed_alert_fires"] = ~is_listed | (is_candidate & fires)
    merged["chk_fired_alert_listed"] = ~fires | is_listed
    merged["chk_q_value_recomputed"] = ~(is_listed & is_candidate) | _close_numbers(
        merged["published_q_value"].to_numpy(dtype=float), merged["recomputed_q_value"].to_numpy(dtype=float)
    )
    merged = merged.drop(columns="_merge")
    # only the tests that fire or are listed: the others are not about the mart
    merged = merged[is_listed | fires].reset_index(drop=True)
    return _Batch(
        "alerts recomputed from every test",
        merged,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_listed_alert_fires",
                value_set=[True],
                description=(
                    f"every alert is a test that fires: its Benjamini-Hochberg q-value within (rule, grain, "
                    f"period) under {ALERT_FDR} and its direction holding (a drop is down)"
                ),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_fired_alert_listed",
                value_set=[True],
                description="every test that fires is listed (tests of fct_cx_by_period, spikes of the cube)",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_q_value_recomputed",
                value_set=[True],
                description="q_value is the Benjamini-Hochberg q-value recomputed within its family",
            ),
        ],
        ["alert_id", "rule", "metric", "grain", "start", "name", "value", "p_value", "recomputed_q_value"],
    )


_BatchBuilder = Callable[[Mapping[str, pd.DataFrame]], _Batch]


# --------------------------------------------------------------------------------------------
# The comment marts (README, "What customers say")
# --------------------------------------------------------------------------------------------
#
# Checked against the README alone: personal data by regular expressions written here from the
# table of "Personal data", the keywords by a reading of the comments written here from "How a
# comment is read" and the formulas of "Keywords", the drivers recomputed from fct_cx_responses
# and fct_comment_themes as "Drivers" defines them. Orderings are checked on the sort keys the
# README gives, never on text tie-breaks (an engine's collation may order text otherwise).

#: Personal data a published comment must not hold (README, "Personal data"): e-mail address;
#: IBAN; phone numbers with no digit on either side: international ("+" or "00", 7 to 15 digits,
#: or a "(0)" after the country code), French (pairs, one separator throughout), British-style
#: (groups), North-American. Card numbers are the candidates of _CARD passing the Luhn check.
_PERSONAL_DATA: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    "iban": re.compile(r"[A-Z]{2}[0-9]{2}(?: ?[A-Za-z0-9]{4}){3,7}(?: ?[A-Za-z0-9]{1,3})?"),
    "phone": re.compile(
        r"(?<![0-9])(?:(?:\+|00 ?)[1-9](?:[ .-]?[0-9]){6,14}"
        r"|(?:\+|00 ?)[1-9][0-9]{0,2} ?\(0\) ?[0-9](?:[ .-]?[0-9]){5,12}"
        r"|0[1-9]([ .-]?)[0-9]{2}(?:\1[0-9]{2}){3}"
        r"|0[1-9][0-9]{1,3} [0-9]{3,4} ?[0-9]{3,4}"
        r"|(?:\([0-9]{3}\) ?|[0-9]{3}[.-])[0-9]{3}[.-][0-9]{4})(?![0-9])"
    ),
}
#: 13 to 19 digits, spaced or hyphenated or not, no digit or "+" just before, no digit after.
_CARD = re.compile(r"(?<![0-9+])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
_PERSONAL_DATA_KINDS: dict[str, str] = {
    "email": "e-mail address",
    "iban": "IBAN",
    "card": "card number (13-19 digits passing the Luhn check, alone or before another group)",
    "phone": "phone number (international, French, British, North-American)",
}


def _passes_luhn(number: str) -> bool:
    digits = [int(character) for character in reversed(number) if character.isdigit()]
    return sum(sum(divmod(2 * d, 10)) if i % 2 else d for i, d in enumerate(digits)) % 10 == 0


def _holds_a_card_number(run: str) -> bool:
    """The digit run passes the Luhn check, or its part before its last group of digits (after a
    space or hyphen) holds 13 digits or more and passes."""
    if _passes_luhn(run):
        return True
    head, separator, _ = max(run.rpartition(" "), run.rpartition("-"), key=lambda parts: len(parts[0]))
    return bool(separator) and sum(c.isdigit() for c in head) >= 13 and _passes_luhn(head)


def personal_data_found(text: Any) -> list[str]:
    """The kinds of personal data (email, iban, card, phone) ``text`` holds, README's way."""
    if not isinstance(text, str):
        return []
    found = [kind for kind, pattern in _PERSONAL_DATA.items() if pattern.search(text)]
    if any(_holds_a_card_number(match.group()) for match in _CARD.finditer(text)):
        found.append("card")
    return found


#: The words that cut a clause (README, "How a comment is read", 2), French then English.
CONTRAST_WORDS: tuple[str, ...] = (
    *("mais", "cependant", "pourtant", "toutefois", "neanmoins", "revanche", "contre"),
    *("but", "however", "although", "nevertheless", "whereas"),
)
_FOLDED = str.maketrans({"\n": ".", "\r": ".", "\t": " ", "\ufe0e": None, "\ufe0f": None, "\u200d": None})
#: A contrast word after a space or a comma (or first), a whole word.
_CONTRAST = re.compile(rf"(^|[ ,])({'|'.join(CONTRAST_WORDS)})(?![a-z0-9])")
#: An emoticon, a clause end (group 1), a word (group 2), or another single character outside
#: printable ASCII (an emoji).
_COMMENT_TOKEN = re.compile(r"[:;=][-^o]?[()dp/|*]|</?3|([.!?;,\x00])|([a-z0-9]+)|[^ -~]")


def fold_comment(text: str) -> str:
    """A comment folded for reading (README, "How a comment is read", 1): masks dropped, accents
    removed, lower case, ligatures spelt out, apostrophes straightened, English "n't" spelt
    " not", line breaks made sentence ends, tabs spaces, emoji variation selectors dropped."""
    for mask in COMMENT_MASKS:
        text = text.replace(mask, " ")
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    for written, spelt in (("œ", "oe"), ("æ", "ae"), ("\u2019", "'"), ("n't", " not")):
        text = text.replace(written, spelt)
    return text.translate(_FOLDED)


def comment_clauses(comment: str) -> list[list[str]]:
    """The words (runs of letters and digits) of each clause of a comment (README, "How a comment
    is read", 2 and 3): clauses end at . ! ? ; , line breaks, and before a contrast word."""
    clauses: list[list[str]] = [[]]
    # a NUL before each contrast word ends the clause before it
    for match in _COMMENT_TOKEN.finditer(_CONTRAST.sub("\\1\x00\\2", fold_comment(comment))):
        clause_end, word = match.groups()
        if clause_end:
            clauses.append([])
        elif word:
            clauses[-1].append(word)
    return [clause for clause in clauses if clause]


def comment_terms(comment: str, stop_words: frozenset[str]) -> list[tuple[str, str]]:
    """The (term_type, term) of a comment the keywords count: its words of two characters or
    more, not only digits, not a stop word; the phrases of two such words in a row in a clause."""
    terms: list[tuple[str, str]] = []
    for clause in comment_clauses(comment):
        kept = [word for word in clause if len(word) >= 2 and not word.isdigit() and word not in stop_words]
        terms += [("word", word) for word in kept]
        terms += [("phrase", f"{first} {second}") for first, second in pairwise(kept)]
    return terms


def _month_starts(series: pd.Series) -> pd.Series:
    return _day_ns(series).dt.to_period("M").dt.start_time


def _sentiment_labels(score: pd.Series) -> np.ndarray:
    """The sentiment of each score (positive, negative from the thresholds, neutral between;
    None without a score)."""
    units = np.rint(_floats(score) * 10_000)
    positive, negative = SENTIMENT_THRESHOLDS
    labels = np.select([units >= positive, units <= negative], ["positive", "negative"], "neutral")
    return np.where(np.isnan(units), None, labels).astype(object)


def _same_as(frame: pd.DataFrame, source: pd.DataFrame, key: str, columns: Mapping[str, str]) -> pd.Series:
    """Row by row: ``frame``'s ``key`` is a row of ``source`` whose columns (values of
    ``columns``) hold the values of ``frame``'s (keys of ``columns``)."""
    indexed = source.drop_duplicates(key).set_index(key)
    aligned = indexed.reindex(frame[key].to_numpy())
    same = pd.Series(frame[key].isin(indexed.index).to_numpy(), index=frame.index)
    for mine, theirs in columns.items():
        same &= _same_values(frame[mine], aligned[theirs]).set_axis(frame.index)
    return same.astype(bool)


def _true_checks(checks: Iterable[tuple[str, str]]) -> list[Expectation]:
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]


def _no_personal_data(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """The comment column of a mart holds no personal data (README, "Personal data")."""
    column = COMMENT_COLUMNS[mart]
    frame = frames[mart].copy()
    found = frame[column].map(personal_data_found)
    checks = []
    for kind, what in _PERSONAL_DATA_KINDS.items():
        frame[f"chk_no_{kind}"] = found.map(lambda kinds, kind=kind: kind not in kinds).astype(bool)
        checks.append((f"chk_no_{kind}", f"{column} holds no {what}"))
    # the failures name the rows, never the text
    return _Batch("personal data", frame, _true_checks(checks), list(MART_GRAIN[mart]))


def _derived_comment_insights(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_comment_insights: exactly the responses of fct_nps_responses with a non-empty comment,
    as published there, and each sentiment that of its score."""
    frame = frames[INSIGHTS].copy().reset_index(drop=True)
    responses = frames["fct_nps_responses"]
    commented = responses[
        responses["comment"]
        .map(lambda text: isinstance(text, str) and text.strip(COMMENT_BLANKS) != "")
        .astype(bool)
    ]
    shared = {
        c: c for c in MART_COLUMNS[INSIGHTS] if c in MART_COLUMNS["fct_nps_responses"] and c != "response_id"
    }
    frame["chk_a_response_with_a_comment"] = _same_as(frame, commented, "response_id", {})
    frame["chk_same_as_its_response"] = _same_as(
        frame, commented, "response_id", {**shared, "comment_masked": "comment"}
    )
    frame["chk_sentiment_matches_score"] = _same_labels(
        frame["sentiment"], _sentiment_labels(frame["sentiment_score"])
    )
    positive, negative = (threshold / 10_000 for threshold in SENTIMENT_THRESHOLDS)
    expected = int(commented["response_id"].nunique())
    return _Batch(
        "derived columns",
        frame,
        [
            *_true_checks(
                [
                    (
                        "chk_a_response_with_a_comment",
                        "every row is a response of fct_nps_responses whose comment is not blank",
                    ),
                    (
                        "chk_same_as_its_response",
                        f"comment_masked is the response's comment and {', '.join(shared)} its own",
                    ),
                    (
                        "chk_sentiment_matches_score",
                        f"sentiment is positive from a sentiment_score of {positive}, negative up to "
                        f"{negative}, neutral between",
                    ),
                ]
            ),
            _gxe().ExpectTableRowCountToEqual(
                value=expected,
                description=f"one row per response of fct_nps_responses with a comment ({expected})",
            ),
        ],
        ["response_id", "sentiment_score", "sentiment"],
    )


def _derived_comment_themes(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_comment_themes: each row a comment of fct_comment_insights, as published there, and
    each theme's sentiment that of its score."""
    frame = frames[THEMES].copy().reset_index(drop=True)
    shared = {c: c for c in MART_COLUMNS[THEMES] if c in MART_COLUMNS[INSIGHTS] and c != "response_id"}
    insights = frames[INSIGHTS]
    frame["chk_in_fct_comment_insights"] = _same_as(frame, insights, "response_id", {})
    frame["chk_same_as_its_insight"] = _same_as(frame, insights, "response_id", shared)
    frame["chk_theme_sentiment_matches_score"] = _same_labels(
        frame["theme_sentiment"], _sentiment_labels(frame["theme_sentiment_score"])
    )
    comments = insights.drop_duplicates("response_id").set_index("response_id")["comment_masked"]
    frame["chk_matched_text_in_its_comment"] = [
        isinstance(text, str)
        and isinstance(comment, str)
        and any(f" {text} " in f" {' '.join(clause)} " for clause in comment_clauses(comment))
        for text, comment in zip(frame["matched_text"], comments.reindex(frame["response_id"]), strict=True)
    ]
    return _Batch(
        "derived columns",
        frame,
        _true_checks(
            [
                ("chk_in_fct_comment_insights", "every response_id is a comment of fct_comment_insights"),
                (
                    "chk_same_as_its_insight",
                    f"{', '.join(shared)} are those of its comment in fct_comment_insights",
                ),
                (
                    "chk_theme_sentiment_matches_score",
                    "theme_sentiment is that of theme_sentiment_score (thresholds of sentiment)",
                ),
                (
                    "chk_matched_text_in_its_comment",
                    "matched_text is consecutive words of one clause of its comment, folded (README, How a "
                    "comment is read)",
                ),
            ]
        ),
        ["response_id", "theme", "matched_text", "theme_sentiment_score", "theme_sentiment"],
    )


def keyword_log_odds(
    yi: np.ndarray, y: np.ndarray, ni: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The weighted log-odds ratio of a term in a category against the rest of its month, the
    month's counts as the prior, and its z-score (README, "Keywords"); NaN where undefined."""
    yi, y, ni, n = (np.asarray(values, dtype=float) for values in (yi, y, ni, n))
    yj, nj = y - yi, n - ni
    first, second = ni + n - yi - y, nj + n - yj - y
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log((yi + y) / first) - np.log((yj + y) / second)
        ratio = np.where((first > 0) & (second > 0), ratio, np.nan)
        return ratio, ratio / np.sqrt(1 / (yi + y) + 1 / (yj + y))


def _ranks_in_order(
    frame: pd.DataFrame, group: Sequence[str], rank: str, keys: Sequence[str]
) -> tuple[pd.Series, pd.Series]:
    """Row by row: whether the rank is one of 1..k of its group (k its rows, each rank once), and
    whether its sort key (``keys``, each ascending) is not before the key of the rank above."""
    data = frame[list(group)].astype(object)
    data = data.where(data.notna(), "").assign(_rank=_ints(frame[rank]))
    for i, key in enumerate(keys):
        data[f"_k{i}"] = frame[key].to_numpy()
    ordered = data.sort_values([*group, "_rank"], kind="stable")
    groups = ordered.groupby(list(group), sort=False)
    size = groups["_rank"].transform("size")
    rank_values = ordered["_rank"]
    without_gaps = (rank_values >= 1) & (rank_values <= size) & (groups["_rank"].transform("nunique") == size)
    in_order = pd.Series(True, index=ordered.index)
    tied = pd.Series(True, index=ordered.index)  # every key so far equal to the row above's
    for i in range(len(keys)):
        key, above = ordered[f"_k{i}"], groups[f"_k{i}"].shift(1)
        in_order &= ~tied | above.isna() | (key >= above).fillna(False)
        tied &= (key == above).fillna(False)
    return (
        without_gaps.reindex(frame.index).astype(bool),
        in_order.reindex(frame.index).astype(bool),
    )


def _keyword_terms(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every term of rpt_comment_keywords' key counted from the comments of fct_comment_insights
    in a language read and with an NPS category (README, "How a comment is read", "Keywords"),
    with its counts, totals, log-odds and, among the terms seen KEYWORD_MIN_COUNT times with a
    log-odds, the best and worst rank it may have (its ties on z and count)."""
    insights = frames[INSIGHTS]
    read = insights[insights["comment_language"].isin(COMMENT_LANGUAGES) & insights["nps_category"].notna()]
    seed = frames[STOP_WORDS]
    stop_words = frozenset(
        fold_comment(str(term)).strip()
        for term in seed.loc[seed["language"].isin(COMMENT_LANGUAGES).astype(bool), "term"].dropna()
    )
    key = [*KEYWORD_RANKING, "term"]
    rows = [
        (month, category, language, term_type, term, response_id)
        for month, category, language, response_id, comment in zip(
            _month_starts(read["response_date"]),
            read["nps_category"],
            read["comment_language"],
            read["response_id"],
            read["comment_masked"].fillna(""),
            strict=True,
        )
        for term_type, term in comment_terms(comment, stop_words)
    ]
    occurrences = pd.DataFrame(rows, columns=[*key, "response_id"])
    occurrences["month_start_date"] = occurrences["month_start_date"].astype("datetime64[ns]")
    terms = occurrences.groupby(key).agg(
        term_count=("response_id", "size"), comment_count=("response_id", "nunique")
    )
    terms = terms.reset_index()
    month = ["month_start_date", "comment_language", "term_type"]
    terms["month_term_count"] = terms.groupby([*month, "term"])["term_count"].transform("sum")
    terms["category_term_total"] = terms.groupby(list(KEYWORD_RANKING))["term_count"].transform("sum")
    terms["month_term_total"] = terms.groupby(month)["term_count"].transform("sum")
    _, terms["z"] = keyword_log_odds(
        *(
            terms[c].to_numpy()
            for c in ("term_count", "month_term_count", "category_term_total", "month_term_total")
        )
    )
    ranked = terms[(terms["term_count"] >= KEYWORD_MIN_COUNT) & terms["z"].notna()]
    ranked = ranked.sort_values([*KEYWORD_RANKING, "z", "term_count"], ascending=[True] * 4 + [False, False])
    place = ranked.groupby(list(KEYWORD_RANKING)).cumcount() + 1
    ties = place.groupby([ranked[c] for c in [*KEYWORD_RANKING, "z", "term_count"]])
    terms["best_rank"] = ties.transform("min").reindex(terms.index)
    terms["worst_rank"] = ties.transform("max").reindex(terms.index)
    return terms


def _derived_keywords(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_comment_keywords: log-odds and z recomputed from each row's counts, ranks 1..k by
    log_odds_z (then term_count) per month, category, language and term type."""
    frame = frames[KEYWORDS].copy().reset_index(drop=True)
    counts = [
        _floats(frame[c])
        for c in ("term_count", "month_term_count", "category_term_total", "month_term_total")
    ]
    ratio, z = keyword_log_odds(*counts)
    checks = []
    for column, expected in (("log_odds_ratio", ratio), ("log_odds_z", z)):
        with np.errstate(invalid="ignore"):
            frame[f"chk_{column}_recomputed"] = np.abs(_floats(frame[column]) - expected) <= KEYWORD_TOLERANCE
        checks.append(
            (
                f"chk_{column}_recomputed",
                f"{column} within {KEYWORD_TOLERANCE} of the value of its counts (yi term_count, y "
                "month_term_count, ni category_term_total, n month_term_total; README, Keywords)",
            )
        )
    frame["_key_z"], frame["_key_count"] = -z, -counts[0]
    without_gaps, in_order = _ranks_in_order(frame, KEYWORD_RANKING, "keyword_rank", ["_key_z", "_key_count"])
    frame["chk_keyword_ranks_without_gaps"], frame["chk_keyword_rank_by_log_odds_z"] = without_gaps, in_order
    frame = frame.drop(columns=["_key_z", "_key_count"])
    checks += [
        (
            "chk_keyword_ranks_without_gaps",
            f"keyword_rank is 1..k without gaps per {', '.join(KEYWORD_RANKING)}",
        ),
        (
            "chk_keyword_rank_by_log_odds_z",
            "keyword_rank follows log_odds_z descending, then term_count descending",
        ),
    ]
    return _Batch(
        "derived columns", frame, _true_checks(checks), [*MART_GRAIN[KEYWORDS], "keyword_rank", "term_count"]
    )


def _keywords_recounted(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_comment_keywords against the terms counted from the comments of fct_comment_insights:
    each row's counts, and the rows the top ranks of each ranking (every term that must be kept
    listed, none that may not)."""
    published = frames[KEYWORDS].copy().reset_index(drop=True)
    key = list(MART_GRAIN[KEYWORDS])
    published["month_start_date"] = _day_ns(published["month_start_date"])
    terms = _keyword_terms(frames)
    merged = published.merge(terms, on=key, how="outer", suffixes=("", "_recounted"), indicator=True)
    listed, counted = merged["_merge"] != "right_only", merged["_merge"] != "left_only"
    same = counted.copy()
    counts = ("term_count", "comment_count", "month_term_count", "category_term_total", "month_term_total")
    for column in counts:
        same &= (_floats(merged[column]) == _floats(merged[f"{column}_recounted"])).astype(bool)
    merged["chk_counts_recounted"] = (~listed | same).astype(bool)
    may_be_kept = (merged["best_rank"] <= KEYWORD_TOP_N).fillna(False)
    must_be_kept = (merged["worst_rank"] <= KEYWORD_TOP_N).fillna(False)
    merged["chk_kept_as_ranked"] = ((listed & may_be_kept) | (~listed & ~must_be_kept)).astype(bool)
    merged["in_mart"] = listed
    merged = merged.drop(columns="_merge")
    return _Batch(
        "terms counted from fct_comment_insights",
        merged,
        _true_checks(
            [
                (
                    "chk_counts_recounted",
                    f"{', '.join(counts)} are those counted from the comment_masked of fct_comment_insights "
                    "(fr and en, with an NPS category; words and phrases as README, How a comment is read)",
                ),
                (
                    "chk_kept_as_ranked",
                    f"the rows are the first {KEYWORD_TOP_N} terms seen {KEYWORD_MIN_COUNT} times or more "
                    "of each ranking, by the z-score of their counts (then count)",
                ),
            ]
        ),
        [*key, "in_mart", "term_count", "term_count_recounted", "best_rank", "worst_rank"],
    )


_CATEGORY_COUNTS: dict[str, str] = {"promoters": "promoter", "passives": "passive", "detractors": "detractor"}


def _category_counts(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """promoters, passives, detractors and responses of each group of ``keys``."""
    category = frame["nps_category"]
    counted = frame[list(keys)].assign(
        **{column: (category == value).astype("int64") for column, value in _CATEGORY_COUNTS.items()},
        responses=1,
    )
    return counted.groupby(list(keys), dropna=False).sum()


def _drivers_recomputed(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The drivers of rpt_cx_drivers recomputed (README, "Drivers"), by its grain: the counts of
    the period and of the responses with the driver (suffix _with), the theme's negative
    mentions; and the candidates for its example (the responses with the driver and a comment,
    each with its sort key: a detractor's first, then the most negative)."""
    responses = frames["fct_cx_responses"]
    scored = responses[responses["nps_category"].notna()].reset_index(drop=True)
    members = scored[["response_id", "nps_category"]]
    periods = pd.concat(
        [
            members.assign(period_grain="month", period_start_date=_month_starts(scored["response_date"])),
            members.assign(period_grain="all", period_start_date=_day_ns(scored["response_date"]).min()),
        ],
        ignore_index=True,
    )
    themes = frames[THEMES]
    drivers = [
        pd.DataFrame(
            {
                "response_id": themes["response_id"].to_numpy(),
                "driver_group": THEME_GROUP,
                "driver": themes["theme"].to_numpy(),
                "theme_score": _floats(themes["theme_sentiment_score"]),
                "negative": (themes["theme_sentiment"] == "negative").fillna(False).to_numpy(dtype=int),
            }
        )
    ]
    for factor in DRIVER_FACTORS:
        values = scored[factor].astype(object)
        known = (values.notna() & (values != UNKNOWN)).to_numpy(dtype=bool)
        drivers.append(
            pd.DataFrame(
                {
                    "response_id": scored["response_id"][known],
                    "driver_group": factor,
                    "driver": values[known].map(str),
                }
            )
        )
    with_driver = pd.concat(drivers, ignore_index=True).merge(periods, on="response_id")
    period, key = ["period_grain", "period_start_date"], list(MART_GRAIN[DRIVERS])
    counts = _category_counts(with_driver, key).add_suffix("_with")
    counts["negative_mentions"] = with_driver.groupby(key)["negative"].sum()
    recomputed = counts.reset_index().merge(_category_counts(periods, period).reset_index(), on=period)
    recomputed = recomputed.set_index(key)
    insights = frames[INSIGHTS][["response_id", "sentiment_score", "comment_masked"]].drop_duplicates(
        "response_id"
    )
    candidates = with_driver.merge(insights, on="response_id")
    theme = (candidates["driver_group"] == THEME_GROUP).to_numpy(dtype=bool)
    score = np.where(
        theme, candidates["theme_score"].to_numpy(dtype=float), _floats(candidates["sentiment_score"])
    )
    candidates["example_key"] = np.where(candidates["nps_category"] == "detractor", 0.0, 10.0) + score
    return recomputed, candidates.drop_duplicates([*key, "response_id"]).set_index([*key, "response_id"])


def _derived_drivers(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_cx_drivers: every driver (and no other) of every month and of the whole period, with
    its counts, NPS, shares, intervals, test and impact recomputed from fct_cx_responses and
    fct_comment_themes; ranks in the README's order; the example a comment that says it."""
    frame = frames[DRIVERS].copy().reset_index(drop=True)
    recomputed, candidates = _drivers_recomputed(frames)
    key = list(MART_GRAIN[DRIVERS])
    published_key = [frame[c].astype(object) if c != "period_start_date" else _day_ns(frame[c]) for c in key]
    found = recomputed.reindex(pd.MultiIndex.from_arrays(published_key, names=key))
    side = {
        name: {
            c: found[f"{c}{suffix}"].fillna(0).to_numpy().astype("int64")
            for c in (*_CATEGORY_COUNTS, "responses")
        }
        for name, suffix in (("all", ""), ("with", "_with"))
    }
    side["without"] = {c: side["all"][c] - side["with"][c] for c in side["all"]}
    nps = {
        name: _ratio_hundredths(counts["promoters"] - counts["detractors"], counts["responses"], 100)
        for name, counts in side.items()
    }
    checks: list[tuple[str, str]] = []

    def check(name: str, passed: Any, description: str) -> None:
        frame[f"chk_{name}"] = np.asarray(passed, dtype=bool)
        checks.append((f"chk_{name}", description))

    published = {c: _ints(frame[c]) for c in ("responses", "responses_with", "responses_without")}
    check(
        "driver_recomputed",
        found["responses"].notna(),
        "every driver is one recomputed from fct_cx_responses and fct_comment_themes",
    )
    check(
        "responses_add_up",
        published["responses_with"] + published["responses_without"] == published["responses"],
        "responses_with + responses_without = responses",
    )
    check(
        "responses_recomputed",
        (published["responses"] == side["all"]["responses"])
        & (published["responses_with"] == side["with"]["responses"]),
        "responses (with an NPS category, in the period) and responses_with recomputed",
    )
    for column, expected in (("nps", nps["all"]), ("nps_with", nps["with"]), ("nps_without", nps["without"])):
        check(
            f"{column}_recomputed",
            _same_numbers(_hundredths(frame[column]), expected),
            f"{column} recomputed from the counts (null without responses)",
        )
    check(
        "share_with_pct_recomputed",
        _same_numbers(
            _hundredths(frame["share_with_pct"]),
            _ratio_hundredths(side["with"]["responses"], side["all"]["responses"], 100),
        ),
        "share_with_pct = 100 responses_with / responses, rounded half away from zero",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = {
            name: (counts["promoters"] - counts["detractors"]) / counts["responses"].astype(float)
            for name, counts in side.items()
        }
        impact = np.where(side["without"]["responses"] > 0, 100 * (shares["all"] - shares["without"]), np.nan)
        published_impact = _floats(frame["nps_impact"])
        close = np.abs(published_impact - impact) <= IMPACT_TOLERANCE + 1e-9
    check(
        "nps_impact_recomputed",
        (np.isnan(published_impact) & np.isnan(impact)) | close,
        f"nps_impact within {IMPACT_TOLERANCE} of 100 ((P - D) / N - (P' - D') / N') of the period's "
        "responses and of those without the driver; null when every response has it",
    )
    for name in ("with", "without"):
        _, lower, upper = nps_uncertainty_hundredths(*(side[name][c] for c in _CATEGORY_COUNTS))
        for bound, expected in (("lower", lower), ("upper", upper)):
            column = f"nps_{name}_ci_{bound}"
            check(
                f"{column}_recomputed",
                _same_numbers(_hundredths(frame[column]), expected),
                f"{column} = the adjusted-Wald {bound} bound at 95% of the responses {name} the driver",
            )
    check(
        "nps_gap_recomputed",
        _same_numbers(
            _hundredths(frame["nps_gap"]), _hundredths(frame["nps_with"]) - _hundredths(frame["nps_without"])
        ),
        "nps_gap = nps_with - nps_without",
    )
    p_value = _floats(frame["gap_p_value"])
    expected_p = nps_difference_p_value(
        *([side[name][c] for c in _CATEGORY_COUNTS] for name in ("with", "without"))
    )
    check(
        "gap_p_value_recomputed",
        _close_numbers(p_value, expected_p),
        "gap_p_value is the adjusted-Wald test of nps_with against nps_without (null when a side is empty)",
    )
    significant = (p_value < SIGNIFICANCE_LEVEL) & ~np.isnan(p_value)
    check(
        "is_gap_significant_recomputed",
        _same_flags(frame["is_gap_significant"], significant),
        f"is_gap_significant exactly when gap_p_value < {SIGNIFICANCE_LEVEL}",
    )
    check(
        "is_with_below_min_responses_recomputed",
        _same_flags(frame["is_with_below_min_responses"], side["with"]["responses"] < MIN_RESPONSES),
        f"is_with_below_min_responses exactly when responses_with < {MIN_RESPONSES}",
    )
    is_theme = (frame["driver_group"] == THEME_GROUP).fillna(False).to_numpy(dtype=bool)
    mentions = np.where(is_theme, side["with"]["responses"], np.nan)
    negative = found["negative_mentions"].fillna(0).to_numpy().astype("int64")
    check(
        "theme_mentions_recomputed",
        _same_numbers(_floats(frame["theme_mentions"]), mentions)
        & _same_numbers(
            _hundredths(frame["negative_mention_pct"]),
            np.where(is_theme, _ratio_hundredths(negative, side["with"]["responses"], 100), np.nan),
        ),
        "theme_mentions (the responses with the theme) and negative_mention_pct (of their theme_sentiment) "
        "recomputed for a theme, null for a factor",
    )
    frame["_costly"] = np.where(significant & (published_impact < 0), 0, 1)
    frame["_no_impact"], frame["_impact"] = (
        np.isnan(published_impact).astype(int),
        np.nan_to_num(published_impact),
    )
    without_gaps, in_order = _ranks_in_order(
        frame, key[:2], "driver_rank", ["_costly", "_no_impact", "_impact"]
    )
    frame = frame.drop(columns=["_costly", "_no_impact", "_impact"])
    check("driver_ranks_without_gaps", without_gaps, "driver_rank is 1..k without gaps in each period")
    check(
        "driver_rank_in_order",
        in_order,
        f"driver_rank puts first the drivers with gap_p_value < {SIGNIFICANCE_LEVEL} and a negative "
        "nps_impact, the costliest first, then the others by nps_impact (a null impact last)",
    )
    example = pd.MultiIndex.from_arrays([*published_key, frame["example_response_id"].astype(object)])
    chosen = candidates.reindex(example)
    best = candidates.groupby(level=key)["example_key"].min().reindex(found.index)
    has_example = frame["example_response_id"].notna().to_numpy(dtype=bool)
    check(
        "example_has_the_driver",
        np.where(
            has_example,
            chosen["example_key"].notna().to_numpy()
            & _same_values(frame["example_comment"], chosen["comment_masked"]).to_numpy(),
            best.isna().to_numpy() & frame["example_comment"].isna().to_numpy(),
        ),
        "example_response_id is a response of the period with the driver and a comment, example_comment its "
        "comment_masked (both null when no such response has a comment)",
    )
    check(
        "example_says_it_most",
        ~has_example | (chosen["example_key"].to_numpy() == best.to_numpy()),
        "the example is a detractor's comment if any, the most negative (the theme's sentiment for a theme, "
        "the comment's for a factor)",
    )
    expected_rows = len(recomputed)
    return _Batch(
        "recomputed from fct_cx_responses and fct_comment_themes",
        frame,
        [
            *_true_checks(checks),
            _gxe().ExpectTableRowCountToEqual(
                value=expected_rows, description=f"one row per driver of every period ({expected_rows})"
            ),
        ],
        [*key, "driver_rank", "responses", "responses_with", "nps_impact", "example_response_id"],
    )


# --------------------------------------------------------------------------------------------
# Agents and teams: performance with fair rankings, engagement beside customer NPS
# --------------------------------------------------------------------------------------------


def _trimmed_digits(series: pd.Series) -> list[int | None]:
    """A text of digits only (after trimming spaces, tabs, CRs and LFs) as a whole number, else
    None: how an interaction's wait_seconds is read."""
    values = []
    for value in series.astype("object").tolist():
        text = None if _is_missing(value) else str(value).strip(COMMENT_BLANKS)
        values.append(int(text) if text and text.isascii() and text.isdigit() else None)
    return values


def _competition_ranks(
    frame: pd.DataFrame, partition: Sequence[str], score: np.ndarray, eligible: pd.Series
) -> pd.Series:
    """1 + the eligible rows of the partition with a strictly higher score, for the eligible rows
    (NaN for the others): pandas' rank with ties given the best rank."""
    keyed = frame[list(partition)].copy()
    keyed["score"] = pd.Series(score, index=frame.index).where(eligible)
    return keyed.groupby(list(partition), dropna=False)["score"].rank(method="min", ascending=False)


def _derived_performance(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """A performance mart: counts within each other, every score and the NPS's uncertainty
    recomputed from the row's counts, the NPS of the row's group recomputed from the group's
    rows, the shrunk NPS recomputed exactly, the ranks recomputed (ties share the best rank)."""
    target, rank, ranked, minimum, partition = PERFORMANCE_MARTS[mart]
    frame = frames[mart].copy().reset_index(drop=True)
    counts = {column: _ints(frame[column]) for column in PERFORMANCE_COUNTS}
    within = (counts["promoters"] + counts["passives"] + counts["detractors"] == counts["nps_responses"]) & (
        counts["nps_responses"] <= counts["responses"]
    )
    for part, whole in (
        ("csat_satisfied", "csat_responses"),
        ("ces_easy", "ces_responses"),
        ("fcr_resolved", "fcr_responses"),
    ):
        within &= (counts[part] <= counts[whole]) & (counts[whole] <= counts["responses"])
    within &= counts["wait_responses"] <= counts["responses"]
    within &= (counts["cases_sla_met"] <= counts["cases_sla_due"]) & (
        counts["cases_sla_due"] <= counts["cases"]
    )
    within &= counts["cases"] <= counts["responses"]
    frame["chk_counts_within_responses"] = within
    scores = _same_numbers(
        _hundredths(frame["nps"]),
        _ratio_hundredths(counts["promoters"] - counts["detractors"], counts["nps_responses"], 100),
    )
    for column, (numerator, denominator, scale) in PERFORMANCE_RATIOS.items():
        scores &= _same_numbers(
            _hundredths(frame[column]), _ratio_hundredths(counts[numerator], counts[denominator], scale)
        )
    frame["chk_scores_recomputed"] = scores
    se, lower, upper = nps_uncertainty_hundredths(
        counts["promoters"], counts["passives"], counts["detractors"]
    )
    frame["chk_uncertainty_recomputed"] = (
        _same_numbers(_hundredths(frame["nps_standard_error"]), se)
        & _same_numbers(_hundredths(frame["nps_ci_lower"]), lower)
        & _same_numbers(_hundredths(frame["nps_ci_upper"]), upper)
        & (frame["is_below_min_responses"].astype(bool).to_numpy() == (counts["nps_responses"] < minimum))
    )
    group = frame[list(partition)].copy()
    for column in ("promoters", "detractors", "nps_responses"):
        group[column] = counts[column]
    totals = group.groupby(list(partition), dropna=False)[
        ["promoters", "detractors", "nps_responses"]
    ].transform("sum")
    big_p, big_d, big_n = (
        totals[column].to_numpy(dtype="int64") for column in ("promoters", "detractors", "nps_responses")
    )
    frame["chk_group_nps_recomputed"] = _same_numbers(
        _hundredths(frame[target]), _ratio_hundredths(big_p - big_d, big_n, 100)
    )
    n = counts["nps_responses"]
    numerator = big_n * (counts["promoters"] - counts["detractors"]) + SHRINKAGE_K * (big_p - big_d)
    frame["chk_nps_shrunk_recomputed"] = _same_numbers(
        _hundredths(frame["nps_shrunk"]),
        _ratio_hundredths(numerator, np.where(n > 0, big_n * (n + SHRINKAGE_K), 0), 100),
    )
    eligible = ~frame["is_below_min_responses"].astype(bool)
    expected_ranks = _competition_ranks(frame, partition, _floats(frame["nps_shrunk"]), eligible)
    published_ranks = _numeric(frame[rank])
    frame["chk_rank_recomputed"] = _same_numbers(
        published_ranks.to_numpy(dtype="float64", na_value=np.nan),
        expected_ranks.to_numpy(dtype="float64", na_value=np.nan),
    )
    eligible_counts = (
        eligible.astype(int).groupby([frame[column] for column in partition], dropna=False).transform("sum")
    )
    frame["chk_ranked_count_recomputed"] = _ints(frame[ranked]) == eligible_counts.to_numpy(dtype="int64")
    return _Batch(
        "derived columns",
        frame,
        _true_checks(
            (
                (
                    "chk_counts_within_responses",
                    "promoters + passives + detractors = nps_responses; every count within responses",
                ),
                (
                    "chk_scores_recomputed",
                    "nps, csat_pct, csat_mean, ces_easy_pct, ces_mean, fcr_rate, wait_seconds_mean, "
                    "sla_met_pct recomputed from the counts",
                ),
                (
                    "chk_uncertainty_recomputed",
                    "standard error and adjusted-Wald interval recomputed; "
                    f"flagged under {minimum} NPS responses",
                ),
                (
                    "chk_group_nps_recomputed",
                    f"{target} is the NPS of the rows of the same {' and '.join(partition)}",
                ),
                (
                    "chk_nps_shrunk_recomputed",
                    f"nps_shrunk = 100 (N (p - d) + {SHRINKAGE_K} (P - D)) / (N (n + {SHRINKAGE_K})), "
                    "rounded half away from zero",
                ),
                (
                    "chk_rank_recomputed",
                    f"{rank}: 1 + the rows with a higher nps_shrunk among those with enough responses; "
                    "null below the minimum",
                ),
                ("chk_ranked_count_recomputed", f"{ranked} is the rows of the field with enough responses"),
            )
        ),
        [*MART_GRAIN[mart], "nps_responses", "nps", "nps_shrunk", rank],
    )


def _agent_rows_recomputed(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_agent_performance: every row the responses of fct_cx_responses with an agent, grouped
    by month, agent, team and site, the wait of their interactions (the accepted rows of
    rpt_interaction_audit) and the cases they opened (fct_followup_cases, not cancelled)."""
    gxe = _gxe()
    mart = "fct_agent_performance"
    frame = frames[mart].copy().reset_index(drop=True)
    responses = frames["fct_cx_responses"]
    responses = responses[responses["agent_id"].notna()].copy()
    audit = frames["rpt_interaction_audit"]
    accepted = audit[(audit["status"] == "accepted").fillna(False)]
    waits = dict(zip(accepted["interaction_id"], _trimmed_digits(accepted["raw_wait_seconds"]), strict=True))
    day = _as_day(responses["response_date"])
    responses["month_start_date"] = day - pd.to_timedelta(day.dt.day - 1, unit="D")
    category = responses["nps_category"].astype("object")
    csat, ces = _numeric(responses["csat_score"]), _numeric(responses["ces_score"])
    resolution = responses["first_contact_resolution"].astype("object")
    wait = _numeric(responses["interaction_id"].map(lambda key: None if _is_missing(key) else waits.get(key)))
    cases = frames["fct_followup_cases"]
    active = cases[(cases["status"] != "cancelled").fillna(False)]
    sla = dict(zip(active["case_id"], active["is_sla_met"], strict=True))
    has_case = responses["response_id"].isin(list(sla))
    sla_met = responses["response_id"].map(lambda key: sla.get(key))
    sla_due = sla_met.map(lambda value: not _is_missing(value))
    measures = pd.DataFrame(
        {
            "responses": 1,
            "nps_responses": category.notna().astype(int),
            "promoters": (category == "promoter").astype(int),
            "passives": (category == "passive").astype(int),
            "detractors": (category == "detractor").astype(int),
            "csat_responses": csat.notna().astype(int),
            "csat_satisfied": (csat >= 4).fillna(False).astype(int),
            "csat_score_sum": csat.fillna(0),
            "ces_responses": ces.notna().astype(int),
            "ces_easy": (ces >= 5).fillna(False).astype(int),
            "ces_score_sum": ces.fillna(0),
            "fcr_responses": resolution.isin(["yes", "no"]).astype(int),
            "fcr_resolved": (resolution == "yes").astype(int),
            "wait_responses": wait.notna().astype(int),
            "wait_seconds_sum": wait.fillna(0),
            "cases": has_case.astype(int),
            "cases_sla_due": sla_due.astype(int),
            "cases_sla_met": sla_met.map(lambda value: not _is_missing(value) and bool(value)).astype(int),
        }
    )
    grain = list(MART_GRAIN[mart])
    keys = (
        responses[["agent_id", "team", "site"]]
        .astype("object")
        .assign(month_start_date=responses["month_start_date"])
    )
    expected = pd.concat([keys.reset_index(drop=True), measures.reset_index(drop=True)], axis=1)
    expected = expected.groupby(grain, dropna=False)[list(PERFORMANCE_COUNTS)].sum().reset_index()
    frame["month_start_date"] = _as_day(frame["month_start_date"])
    merged = frame[grain].merge(expected, on=grain, how="left", indicator=True)
    same = np.array(merged["_merge"] == "both", dtype=bool)
    for column in PERFORMANCE_COUNTS:
        same &= _ints(frame[column]) == _ints(merged[column])
    frame["chk_counts_of_the_responses"] = same
    return _Batch(
        "derived columns",
        frame,
        [
            *_true_checks(
                (
                    (
                        "chk_counts_of_the_responses",
                        "every count and sum is that of the responses of fct_cx_responses with the row's "
                        "month, agent, team and site (the wait: the accepted row of rpt_interaction_audit; "
                        "the cases: those of fct_followup_cases, not cancelled)",
                    ),
                )
            ),
            gxe.ExpectTableRowCountToEqual(
                value=len(expected),
                description=(
                    f"one row per month, agent, team and site of the responses with an agent "
                    f"({len(expected)})"
                ),
            ),
        ],
        [*grain, "responses"],
    )


def _group_rows_summed(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_team_performance and fct_site_performance: every row the sum of the rows of
    fct_agent_performance of its month and team (site), agents their distinct agents."""
    gxe = _gxe()
    level = MART_GRAIN[mart][1]
    frame = frames[mart].copy().reset_index(drop=True)
    agents = frames["fct_agent_performance"].copy()
    agents["month_start_date"] = _as_day(agents["month_start_date"])
    for column in PERFORMANCE_COUNTS:
        agents[column] = _ints(agents[column])
    grain = ["month_start_date", level]
    expected = agents.groupby(grain, dropna=False)[list(PERFORMANCE_COUNTS)].sum()
    expected["agents"] = agents.groupby(grain, dropna=False)["agent_id"].nunique()
    expected = expected.reset_index()
    frame["month_start_date"] = _as_day(frame["month_start_date"])
    merged = frame[grain].merge(expected, on=grain, how="left", indicator=True)
    same = np.array(merged["_merge"] == "both", dtype=bool)
    for column in (*PERFORMANCE_COUNTS, "agents"):
        same &= _ints(frame[column]) == _ints(merged[column])
    frame["chk_sum_of_its_agents"] = same
    return _Batch(
        "derived columns",
        frame,
        [
            *_true_checks(
                (
                    (
                        "chk_sum_of_its_agents",
                        f"every count is the sum of the agents' rows of its month and {level}",
                    ),
                )
            ),
            gxe.ExpectTableRowCountToEqual(
                value=len(expected),
                description=f"one row per month and {level} of fct_agent_performance ({len(expected)})",
            ),
        ],
        [*grain, "agents", "responses"],
    )


def _correlation_ten_thousandths(x: Sequence[int], y: Sequence[int]) -> tuple[float, float, float]:
    """Pearson's r of integer scores and its Fisher-z interval (README), each in whole
    ten-thousandths rounded half away from zero; NaN where undefined."""

    def rounded(value: float | None) -> float:
        if value is None:
            return math.nan
        units = math.floor(abs(value) * 10000 + 0.5)
        return float(units if value >= 0 else -units)

    n = len(x)
    sx, sy = sum(x), sum(y)
    covariance = n * sum(a * b for a, b in zip(x, y, strict=True)) - sx * sy
    variance_x = n * sum(a * a for a in x) - sx * sx
    variance_y = n * sum(b * b for b in y) - sy * sy
    if n < 3 or variance_x <= 0 or variance_y <= 0:
        return math.nan, math.nan, math.nan
    r = max(-1.0, min(1.0, float(covariance) / math.sqrt(float(variance_x) * float(variance_y))))
    if n < 4 or abs(r) >= 1:
        return rounded(r), math.nan, math.nan
    bounds = []
    for sign in (-1, 1):
        w = math.log((1 + r) / (1 - r)) / 2 + sign * CONFIDENCE_Z / math.sqrt(float(n - 3))
        bounds.append((math.exp(2 * w) - 1) / (math.exp(2 * w) + 1))
    return rounded(r), rounded(bounds[0]), rounded(bounds[1])


def _derived_team_engagement(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_team_engagement: counts add up, eNPS and NPS and their intervals recomputed, the flags
    and is_in_correlation recomputed, the customer side the quarter's sums of
    fct_team_performance, the answers those accepted in rpt_agent_engagement_audit, and the
    correlation of each quarter recomputed from its rows in the correlation."""
    gxe = _gxe()
    frame = frames[ENGAGEMENT].copy().reset_index(drop=True)
    e = {
        column: _ints(frame[f"enps_{column}"])
        for column in ("responses", "promoters", "passives", "detractors")
    }
    c = {column: _ints(frame[column]) for column in ("nps_responses", "promoters", "passives", "detractors")}
    frame["chk_counts_add_up"] = (e["promoters"] + e["passives"] + e["detractors"] == e["responses"]) & (
        c["promoters"] + c["passives"] + c["detractors"] == c["nps_responses"]
    )
    checks = []
    for prefix, counts, total, flag, minimum in (
        ("enps", e, e["responses"], "is_enps_below_min_responses", ENGAGEMENT_MIN_RESPONSES),
        ("nps", c, c["nps_responses"], "is_below_min_responses", MIN_RESPONSES),
    ):
        se, lower, upper = nps_uncertainty_hundredths(
            counts["promoters"], counts["passives"], counts["detractors"]
        )
        frame[f"chk_{prefix}_recomputed"] = (
            _same_numbers(
                _hundredths(frame[prefix]),
                _ratio_hundredths(counts["promoters"] - counts["detractors"], total, 100),
            )
            & _same_numbers(_hundredths(frame[f"{prefix}_standard_error"]), se)
            & _same_numbers(_hundredths(frame[f"{prefix}_ci_lower"]), lower)
            & _same_numbers(_hundredths(frame[f"{prefix}_ci_upper"]), upper)
            & (frame[flag].astype(bool).to_numpy() == (total < minimum))
        )
        checks.append(
            (f"chk_{prefix}_recomputed", f"{prefix}, its interval and {flag} (under {minimum}) recomputed")
        )
    in_correlation = (
        (frame["team"] != UNKNOWN).to_numpy()
        & ~frame["is_enps_below_min_responses"].astype(bool).to_numpy()
        & ~frame["is_below_min_responses"].astype(bool).to_numpy()
    )
    frame["chk_in_correlation_recomputed"] = (
        frame["is_in_correlation"].astype(bool).to_numpy() == in_correlation
    )
    teams = frames["fct_team_performance"].copy()
    month = _as_day(teams["month_start_date"])
    teams["quarter_start_date"] = pd.to_datetime(
        {"year": month.dt.year, "month": 3 * ((month.dt.month - 1) // 3) + 1, "day": 1}
    )
    for column in ("nps_responses", "promoters", "passives", "detractors"):
        teams[column] = _ints(teams[column])
    quarters = teams.groupby(["quarter_start_date", "team"])[
        ["nps_responses", "promoters", "passives", "detractors"]
    ].sum()
    frame["quarter_start_date"] = _as_day(frame["quarter_start_date"])
    aligned = quarters.reindex(pd.MultiIndex.from_frame(frame[["quarter_start_date", "team"]])).fillna(0)
    same = np.ones(len(frame), dtype=bool)
    for column in ("nps_responses", "promoters", "passives", "detractors"):
        same &= c[column] == aligned[column].to_numpy(dtype="int64")
    frame["chk_customers_of_the_quarter"] = same
    published = {
        column: np.rint(_floats(frame[column]) * 10000)
        for column in ("enps_nps_correlation", "correlation_ci_lower", "correlation_ci_upper")
    }
    correlation = np.ones(len(frame), dtype=bool)
    for rows in frame.groupby("quarter_start_date").groups.values():
        members = frame.loc[rows]
        chosen = members[members["is_in_correlation"].astype(bool)]
        pairs = [
            (int(x), int(y))
            for x, y in zip(
                _hundredths(chosen["enps"]).tolist(), _hundredths(chosen["nps"]).tolist(), strict=True
            )
            if not (math.isnan(x) or math.isnan(y))
        ]
        expected = _correlation_ten_thousandths([x for x, _ in pairs], [y for _, y in pairs])
        positions = frame.index.get_indexer(rows)
        # a team in the correlation has both scores, and the quarter's n counts them
        correlation[positions] &= len(pairs) == len(chosen)
        correlation[positions] &= _ints(members["correlated_teams"]) == len(chosen)
        for column, value in zip(published, expected, strict=True):
            correlation[positions] &= _same_numbers(published[column][positions], np.full(len(rows), value))
    frame["chk_correlation_recomputed"] = correlation
    audit = frames["rpt_agent_engagement_audit"]
    answers = int((audit["status"] == "accepted").fillna(False).sum())
    checks += [
        ("chk_counts_add_up", "promoters + passives + detractors = responses, for employees and customers"),
        (
            "chk_in_correlation_recomputed",
            "is_in_correlation: a team (not unknown) with enough on both sides",
        ),
        (
            "chk_customers_of_the_quarter",
            "the customer counts are the quarter's sums of fct_team_performance",
        ),
        (
            "chk_correlation_recomputed",
            "correlated_teams, Pearson's r and its Fisher-z interval recomputed per quarter",
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        [
            *_true_checks(checks),
            gxe.ExpectColumnSumToBeBetween(
                column="enps_responses",
                min_value=answers,
                max_value=answers,
                description=(
                    f"the answers add up to the accepted rows of rpt_agent_engagement_audit ({answers})"
                ),
            ),
        ],
        [*MART_GRAIN[ENGAGEMENT], "enps", "nps", "enps_nps_correlation"],
    )


def _agent_builders(mart: str) -> list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]]:
    """(description, required columns per mart, builder) of the derived checks of the agents'
    marts."""
    builders: list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]] = []
    if mart in PERFORMANCE_MARTS:
        builders.append(
            (
                "scores, intervals, group NPS, shrunk NPS and ranks recomputed",
                {mart: MART_COLUMNS[mart]},
                lambda frames, mart=mart: _derived_performance(mart, frames),
            )
        )
    if mart == "fct_agent_performance":
        builders.append(
            (
                "every row recomputed from fct_cx_responses and the interactions",
                {
                    mart: MART_COLUMNS[mart],
                    "fct_cx_responses": MART_COLUMNS["fct_cx_responses"],
                    "rpt_interaction_audit": ("interaction_id", "status", "raw_wait_seconds"),
                    "fct_followup_cases": ("case_id", "status", "is_sla_met"),
                },
                _agent_rows_recomputed,
            )
        )
    if mart in ("fct_team_performance", "fct_site_performance"):
        builders.append(
            (
                "every row the sum of its agents' rows",
                {mart: MART_COLUMNS[mart], "fct_agent_performance": MART_COLUMNS["fct_agent_performance"]},
                lambda frames, mart=mart: _group_rows_summed(mart, frames),
            )
        )
    if mart == ENGAGEMENT:
        builders.append(
            (
                "eNPS, NPS, flags and the correlation recomputed, customers of fct_team_performance",
                {
                    mart: MART_COLUMNS[mart],
                    "fct_team_performance": MART_COLUMNS["fct_team_performance"],
                    "rpt_agent_engagement_audit": ("status",),
                },
                _derived_team_engagement,
            )
        )
    return builders


def _comment_builders(mart: str) -> list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]]:
    """(description, required columns per mart, builder) of the derived checks of the comment
    marts and of the comments of the other marts."""
    builders: list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]] = []
    if mart in COMMENT_COLUMNS:
        builders.append(
            (
                "no personal data in the comments",
                {mart: (*MART_GRAIN[mart], COMMENT_COLUMNS[mart])},
                lambda frames, mart=mart: _no_personal_data(mart, frames),
            )
        )
    responses = {"fct_nps_responses": MART_COLUMNS["fct_nps_responses"]}
    cx_responses = {"fct_cx_responses": ("response_id", "response_date", "nps_category", *DRIVER_FACTORS)}
    found = {
        INSIGHTS: [
            (
                "the responses with a comment, sentiment of the score",
                {INSIGHTS: MART_COLUMNS[INSIGHTS], **responses},
                _derived_comment_insights,
            )
        ],
        THEMES: [
            (
                "the comments of fct_comment_insights, sentiment of the score",
                {THEMES: MART_COLUMNS[THEMES], INSIGHTS: MART_COLUMNS[INSIGHTS]},
                _derived_comment_themes,
            )
        ],
        KEYWORDS: [
            ("log-odds recomputed, ranks in order", {KEYWORDS: MART_COLUMNS[KEYWORDS]}, _derived_keywords),
            (
                "terms counted from the comments",
                {
                    KEYWORDS: MART_COLUMNS[KEYWORDS],
                    INSIGHTS: MART_COLUMNS[INSIGHTS],
                    STOP_WORDS: ("language", "term"),
                },
                _keywords_recounted,
            ),
        ],
        DRIVERS: [
            (
                "drivers recomputed from fct_cx_responses and fct_comment_themes",
                {
                    DRIVERS: MART_COLUMNS[DRIVERS],
                    THEMES: MART_COLUMNS[THEMES],
                    INSIGHTS: MART_COLUMNS[INSIGHTS],
                    **cx_responses,
                },
                _derived_drivers,
            )
        ],
    }
    return builders + found.get(mart, [])


def _derived_builders(
    mart: str,
) -> list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]]:
    """(description, required columns per mart, builder) of the derived checks of a mart."""
    builders: list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]] = []
    if mart in RESPONSE_MARTS:
        builders.append(
            (
                "categories consistent with scores, a score on every response",
                {
                    mart: (
                        "response_id",
                        *(c for score, category, _ in METRIC_CATEGORIES for c in (score, category)),
                    )
                },
                lambda frames, mart=mart: _derived_response_metrics(mart, frames),
            )
        )
    if mart == "fct_cx_responses":
        builders.append(
            (
                "the responses of fct_nps_responses, with the attributes they had at their time",
                {
                    mart: MART_COLUMNS[mart],
                    "fct_nps_responses": MART_COLUMNS["fct_nps_responses"],
                    "dim_customer_history": MART_COLUMNS["dim_customer_history"],
                    "dim_agent_history": MART_COLUMNS["dim_agent_history"],
                    "rpt_interaction_audit": ("interaction_id", "status"),
                },
                _derived_cx_responses,
            )
        )
    if mart in HISTORIES:
        key, _, _ = HISTORIES[mart]
        source = HISTORY_SOURCES[mart]
        builders.append(
            (
                "versions numbered and chained in time, one current per id, ids of the accepted rows",
                {
                    mart: (key, "version_number", "valid_from", "valid_to", "is_current"),
                    AUDIT_OF_SOURCE[source]: (key, "status"),
                },
                lambda frames, mart=mart: _derived_history(mart, frames),
            )
        )
    for history_mart, (key, current, attributes) in HISTORIES.items():
        if mart == current:
            builders.append(
                (
                    f"the current version of {history_mart}",
                    {
                        mart: MART_COLUMNS[mart],
                        history_mart: (key, "is_current", "valid_from", *attributes),
                    },
                    lambda frames, mart=mart: _derived_current(mart, frames),
                )
            )
    if mart == "fct_invitations_daily":
        builders.append(
            (
                "counts within the invitations, rate and median recomputed, totals reconciled",
                {
                    mart: MART_COLUMNS[mart],
                    "rpt_invitation_audit": ("invitation_id", "status"),
                    "fct_nps_responses": ("response_id", "invitation_id"),
                },
                _derived_invitations,
            )
        )
    if mart == "rpt_unknown_invitations":
        builders.append(
            (
                "exactly the responses naming an invitation nobody sent",
                {
                    mart: MART_COLUMNS[mart],
                    "rpt_invitation_audit": ("invitation_id", "status"),
                    "fct_nps_responses": MART_COLUMNS[mart],
                },
                _derived_unknown_invitations,
            )
        )
    if mart in SOURCE_AUDITS:
        key = SOURCE_KEYS[SOURCE_AUDITS[mart]]
        builders.append(
            (
                "reason/status consistency, the id missing exactly for its reason",
                {mart: ("source_file", "source_row_number", key, "status", "reason")},
                lambda frames, mart=mart: _derived_source_audit(mart, frames),
            )
        )
    if mart in DAILY_MARTS:
        builders.append(
            (
                "counts add up and nps recomputed from counts",
                {mart: MART_COLUMNS[mart]},
                lambda frames, mart=mart: _derived_daily(mart, frames),
            )
        )
    if mart in PER_DIMENSION_MARTS:
        needs: dict[str, tuple[str, ...]] = {
            mart: ("response_date", *COUNT_COLUMNS),
            "fct_nps_daily_overall": ("response_date", *COUNT_COLUMNS),
        }
        if mart == "fct_nps_daily":
            needs["fct_nps_responses"] = ("response_date",)
        builders.append(
            (
                "per-day totals reconcile with fct_nps_daily_overall",
                needs,
                lambda frames, mart=mart: _reconcile_daily(mart, frames),
            )
        )
    if mart == "dim_date":
        builders.append(
            (
                "dates contiguous, within response dates, calendar attributes",
                {mart: MART_COLUMNS[mart], "fct_nps_responses": ("response_date",)},
                _derived_dim_date,
            )
        )
    if mart == "rpt_response_audit":
        builders.append(
            (
                "reason/status consistency and reconciliation with fct_nps_responses",
                {
                    mart: (
                        "source_file",
                        "source_row_number",
                        "response_id",
                        "status",
                        "reason",
                    ),
                    "fct_nps_responses": ("response_id",),
                },
                _derived_audit,
            )
        )
    if mart == "rpt_load_history":
        counted = ("rows_read", "rows_staged", "accepted", "rejected", "superseded", "pending")
        builders.append(
            (
                "every row read is staged, statuses and reasons add up, reasons of its source",
                {
                    mart: (
                        "source_name",
                        "source_file",
                        *counted,
                        *(f"rejected_{reason}" for reason in LOAD_HISTORY_REASONS),
                    )
                },
                _derived_load_history,
            )
        )
        builders.append(
            (
                "per source, reconciliation with the source's audit",
                {
                    mart: ("source_name", "rows_staged", "accepted", "rejected"),
                    **{audit: ("status",) for audit in LOAD_HISTORY_AUDITS.values()},
                    "fct_nps_responses": ("response_id",),
                },
                _load_history_by_source,
            )
        )
    if mart == "fct_cx_daily_by_dimension":
        builders.append(
            (
                "counts add up, scores recomputed, dimensions add up to overall",
                {mart: MART_COLUMNS[mart]},
                _derived_cube,
            )
        )
        recomputed_needs: dict[str, tuple[str, ...]] = {
            mart: MART_COLUMNS[mart],
            "fct_cx_responses": (
                "response_date",
                "nps_category",
                "csat_score",
                "ces_score",
                *(column for column in CX_DIMENSIONS.values() if column is not None),
            ),
        }
        builders.append(
            (
                "per day, every dimension's cells count the day's rows of fct_cx_responses",
                {
                    mart: ("response_date", "dimension_name", "responses"),
                    "fct_cx_responses": ("response_date",),
                },
                _cube_days,
            )
        )
        builders.append(("cells recomputed from fct_cx_responses", recomputed_needs, _cube_recomputed))
    if mart == BY_PERIOD:
        builders.append(
            (
                "scores, intervals and flags recomputed, period dates, comparisons recomputed and consistent",
                {mart: MART_COLUMNS[mart], CUBE: ("response_date",)},
                _derived_by_period,
            )
        )
        builders.append(
            (
                "every period cell the sums of the cube over its days",
                {mart: MART_GRAIN[mart] + CUBE_COUNTS, CUBE: (*MART_GRAIN[CUBE], *CUBE_COUNTS)},
                _by_period_sums,
            )
        )
    if mart == ROLLING:
        builders.append(
            (
                "scores, intervals and flags recomputed, window dates",
                {mart: MART_COLUMNS[mart], CUBE: ("response_date",)},
                _derived_rolling,
            )
        )
        builders.append(
            (
                "one row per day, window and cell of the cube, its sums over the window",
                {mart: MART_GRAIN[mart] + CUBE_COUNTS, CUBE: (*MART_GRAIN[CUBE], *CUBE_COUNTS)},
                _rolling_sums,
            )
        )
    if mart == ALERTS:
        alert_needs: dict[str, tuple[str, ...]] = {
            mart: MART_COLUMNS[mart],
            BY_PERIOD: MART_COLUMNS[BY_PERIOD],
            CUBE: (*MART_GRAIN[CUBE], "detractors", "nps_responses"),
        }
        builders.append(
            (
                "ids, rules, severities and the figures of each alert's test",
                alert_needs,
                _derived_alerts,
            )
        )
        builders.append(("alerts recomputed from every test of every rule", alert_needs, _alerts_recomputed))
    if mart == "rpt_unmapped_codes":
        builders.append(
            (
                "dates in order, responses and dates those of the cube",
                {
                    mart: MART_COLUMNS[mart],
                    "fct_cx_daily_by_dimension": (
                        "response_date",
                        "dimension_name",
                        "dimension_value",
                        "responses",
                    ),
                },
                _derived_unmapped_codes,
            )
        )
    if mart == "rpt_unmapped_channels":
        builders.append(
            (
                "first_response_date <= last_response_date",
                {mart: ("raw_channel", "first_response_date", "last_response_date")},
                _derived_unmapped,
            )
        )
    if mart in followup_quality.BUILDERS:
        description, needs, build = followup_quality.BUILDERS[mart]
        builders.append(
            (
                description,
                {mart: MART_COLUMNS[mart], **needs},
                lambda frames, build=build: _Batch("derived columns", *build(frames)),
            )
        )
    return builders + _comment_builders(mart) + _agent_builders(mart)


def _build_batches(
    mart: str, frames: Mapping[str, pd.DataFrame], allow_empty: bool = False
) -> list[_Batch | _Skipped]:
    batches: list[_Batch | _Skipped] = [_contract_batch(mart, frames[mart], frames)]
    if mart in NON_EMPTY_MARTS and not allow_empty:
        batches.append(
            _Batch(
                "mart",
                frames[mart],
                [
                    _gxe().ExpectTableRowCountToBeBetween(
                        min_value=1,
                        description=(
                            "holds rows (an empty mart means no response was accepted: check the "
                            "landing files; pass --allow-empty when that is expected)"
                        ),
                    )
                ],
                [],
            )
        )
    for description, needs, builder in _derived_builders(mart):
        lacking = _missing_columns(frames, needs)
        if lacking:
            batches.append(_Skipped(description, f"not checked: {lacking}"))
        else:
            batches.append(builder(frames))
    return batches


# --------------------------------------------------------------------------------------------
# Running Great Expectations
# --------------------------------------------------------------------------------------------


def _quiet_context() -> Any:
    """An ephemeral GE context with progress bars switched off."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in (
        "great_expectations",
        "great_expectations.core",
        "great_expectations.data_context",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _result_format(index_columns: Sequence[str]) -> dict[str, Any]:
    result_format: dict[str, Any] = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": EXAMPLE_LIMIT,
    }
    if index_columns:
        result_format["unexpected_index_column_names"] = list(index_columns)
    return result_format


def _examples(result: Mapping[str, Any], column: str | None) -> list[Any]:
    index_list = result.get("partial_unexpected_index_list")
    if index_list and isinstance(index_list[0], Mapping):
        examples = []
        for item in index_list[:EXAMPLE_LIMIT]:
            row = dict(item)
            # a failed boolean check column is always False: the identifying columns say more
            if column in row and isinstance(row[column], bool | np.bool_) and len(row) > 1:
                del row[column]
            examples.append(row)
        return examples
    values = result.get("partial_unexpected_list")
    if values:
        return list(values[:EXAMPLE_LIMIT])
    mismatched = (result.get("details") or {}).get("mismatched")
    if mismatched:
        return [{key: value} for key, value in mismatched.items()]
    return []


def _outcome(mart: str, checked_on: str, validation: Any) -> ExpectationOutcome:
    config = validation.expectation_config
    result: Mapping[str, Any] = validation.result or {}
    exception_info = validation.exception_info or {}
    error = None
    if isinstance(exception_info, Mapping) and exception_info.get("raised_exception"):
        error = str(exception_info.get("exception_message"))
    kwargs = config.kwargs or {}
    column = kwargs.get("column")
    if column is None and kwargs.get("column_list"):
        column = ",".join(kwargs["column_list"])
    unexpected = result.get("unexpected_count")
    element_count = result.get("element_count")
    return ExpectationOutcome(
        mart=mart,
        expectation_type=config.type,
        description=config.description or config.type,
        success=bool(validation.success),
        checked_on=checked_on,
        column=column,
        element_count=None if element_count is None else int(element_count),
        unexpected_count=None if unexpected is None else int(unexpected),
        unexpected_examples=_examples(result, column) if not validation.success else [],
        observed_value=_jsonable(result.get("observed_value")),
        error=error,
    )


def _run_batch(context: Any, mart: str, position: int, batch: _Batch) -> list[ExpectationOutcome]:
    import great_expectations as gx

    name = f"{mart}__{position}"
    asset = context.data_sources.get("marts").add_dataframe_asset(name=name)
    batch_definition = asset.add_batch_definition_whole_dataframe(f"{name}__whole")
    suite = gx.ExpectationSuite(name=f"{name}__suite")
    for order, expectation in enumerate(batch.expectations):
        expectation.meta = {**(expectation.meta or {}), "order": order}
        suite.add_expectation(expectation)
    gx_batch = batch_definition.get_batch(batch_parameters={"dataframe": batch.frame})
    result = gx_batch.validate(
        suite,
        result_format=_result_format([c for c in batch.index_columns if c in batch.frame.columns]),
    )
    ordered = sorted(result.results, key=lambda r: (r.expectation_config.meta or {}).get("order", 0))
    return [_outcome(mart, batch.checked_on, validation) for validation in ordered]


def _selected_marts(marts: Iterable[str] | None) -> list[str]:
    if marts is None:
        return list(MART_COLUMNS)
    wanted = list(dict.fromkeys(marts))
    unknown = [mart for mart in wanted if mart not in MART_COLUMNS]
    if unknown:
        raise ValueError(f"unknown mart(s) {', '.join(unknown)}; known: {', '.join(MART_COLUMNS)}")
    return [mart for mart in MART_COLUMNS if mart in wanted]


def validate_frames(
    frames: Mapping[str, pd.DataFrame],
    duckdb_path: str = "<in memory>",
    marts: Iterable[str] | None = None,
    *,
    allow_empty: bool = False,
) -> ValidationReport:
    """Validate already-loaded marts (one dataframe per mart name of MART_COLUMNS).

    ``marts`` restricts which marts get validated (default: all); every mart must still be
    given, since cross-mart checks read the others. Empty marts fail unless ``allow_empty``.
    """
    import great_expectations as gx

    selected = _selected_marts(marts)
    missing = [mart for mart in MART_COLUMNS if mart not in frames]
    if missing:
        raise WarehouseUnavailableError(f"missing mart(s): {', '.join(missing)}")
    context = _quiet_context()
    context.data_sources.add_pandas(name="marts")
    report = ValidationReport(duckdb_path=duckdb_path, great_expectations_version=gx.__version__)
    for mart in selected:
        mart_report = MartReport(mart=mart, row_count=len(frames[mart]))
        for position, batch in enumerate(_build_batches(mart, frames, allow_empty)):
            if isinstance(batch, _Skipped):
                mart_report.outcomes.append(
                    ExpectationOutcome(
                        mart=mart,
                        expectation_type="derived_checks",
                        description=batch.description,
                        success=False,
                        checked_on="derived columns",
                        error=batch.reason,
                    )
                )
            else:
                mart_report.outcomes.extend(_run_batch(context, mart, position, batch))
        report.marts.append(mart_report)
    return report


def validate_warehouse(
    duckdb_path: str | None = None,
    marts: Iterable[str] | None = None,
    *,
    target: str | None = None,
    postgres_dbname: str | None = None,
    allow_empty: bool = False,
) -> ValidationReport:
    """Validate the marts of the target's engine (default ``$NPS_TARGET``, else the DuckDB
    warehouse at ``duckdb_path`` or the profile's file). Empty marts fail unless
    ``allow_empty`` (a warehouse that is expected to hold no response yet).

    ``marts`` restricts the validation to some marts (default: every mart of MART_COLUMNS), which
    are read first; the other marts their cross-mart checks compare them with are read when
    needed, each through its own short connection (all of them: one connection). Raises
    WarehouseUnavailableError when the file or a mart is missing, ValueError for an unknown
    mart name.
    """
    selected = _selected_marts(marts)
    if marts is None:
        frames: Mapping[str, pd.DataFrame] = load_marts(
            duckdb_path, target=target, postgres_dbname=postgres_dbname
        )
    else:
        lazy = _MartFrames(
            lambda names: load_marts(duckdb_path, target=target, postgres_dbname=postgres_dbname, only=names)
        )
        lazy.read(selected)  # every mart must be there: a missing one stops here, as for all
        frames = lazy
    return validate_frames(
        frames, duckdb_path=str(duckdb_path or target_name(target)), marts=selected, allow_empty=allow_empty
    )


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Convert GE / numpy / pandas values into plain JSON-compatible Python values."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(item) for item in value.tolist()]
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, pd.Timestamp) and value.tzinfo is None and value == value.normalize():
        return value.date().isoformat()  # DuckDB DATE values come back as midnight timestamps
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _format_value(value: Any) -> str:
    value = _jsonable(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_format_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_text_report(report: ValidationReport, *, show_passed: bool = True) -> str:
    """A readable, plain-text rendering of a ValidationReport."""
    lines = [
        f"Great Expectations validation of the marts in {report.duckdb_path}"
        + (f" (GE {report.great_expectations_version})" if report.great_expectations_version else ""),
        "",
    ]
    for mart in report.marts:
        passed = len(mart.outcomes) - len(mart.failed)
        lines.append(
            f"{'PASS' if mart.success else 'FAIL'}  {mart.mart} "
            f"({_plural(mart.row_count, 'row')}): {passed}/{len(mart.outcomes)} expectations passed"
        )
        for outcome in mart.outcomes:
            if outcome.success and not show_passed:
                continue
            where = "" if outcome.checked_on == "mart" else f" [{outcome.checked_on}]"
            lines.append(f"  {outcome.status}  {outcome.description}{where}")
            if outcome.success:
                continue
            details = []
            if outcome.unexpected_count is not None:
                of = f" of {outcome.element_count}" if outcome.element_count is not None else ""
                details.append(f"{outcome.unexpected_count} unexpected{of}")
            elif outcome.observed_value is not None:
                details.append(f"observed {_format_value(outcome.observed_value)}")
            if outcome.error:
                details.append(f"error: {outcome.error}")
            if details:
                lines.append(f"        {'; '.join(details)}")
            for example in outcome.unexpected_examples:
                lines.append(f"        e.g. {_format_value(example)}")
        lines.append("")
    total = len(report.outcomes)
    failed = len(report.failed)
    if report.success:
        lines.append(
            f"RESULT: PASS - all {total} expectations passed on {_plural(len(report.marts), 'mart')}"
        )
    else:
        failing_marts = sum(1 for mart in report.marts if not mart.success)
        lines.append(f"RESULT: FAIL - {failed} of {total} expectations failed in {failing_marts} mart(s)")
    return "\n".join(lines)
