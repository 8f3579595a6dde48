"""Tests of the Great Expectations suite (nps_warehouse.quality, scripts/validate_marts.py).

A small, hand-written warehouse that honours every rule of the README is built once per session
in a temporary directory; each corruption test copies it, breaks one thing with SQL and checks
that the matching expectation fails.

The warehouse holds responses of a CX programme: most carry an NPS score, some only a CSAT or a
CES score (no NPS), one an invalid NPS beside a valid CSAT (accepted, its NPS nulled). The NPS
marts count the responses with an NPS score; the daily cube fct_cx_daily_by_dimension counts
them all, and is written here with its own SQL (not the project's models) from
fct_nps_responses, its scores rounded half away from zero by Python's decimal module, its
intervals by the formulas written out below. fct_cx_by_period, fct_cx_rolling and fct_cx_alerts
are those the independent oracle computes from that cube, and the comment marts those it computes
from the responses' comments (COMMENTS) with the repository's lexicon seeds.

Ten responses never reach the minimum a test needs, so a second warehouse, "busy", replaces the
cube by a synthetic one of three months of a few hundred responses a week (a drop in NPS and
CSAT, a day of detractors, targets missed) and the three marts by the oracle's on it: it is
validated on those three marts only (its cube is not that of its responses).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from nps_warehouse.contract import (
    CX_DERIVED,
    CX_DIMENSIONS,
    CX_MEASURES,
    LOAD_HISTORY_REASONS,
    MART_SCHEMAS,
    PROGRAMME_SOURCES,
    SOURCE_AUDITS,
    SOURCE_KEYS,
)
from nps_warehouse.oracle import comment_marts, engagement, performance
from nps_warehouse.oracle.alerts import fct_cx_alerts
from nps_warehouse.oracle.comments import CommentSettings
from nps_warehouse.oracle.drivers import rpt_cx_drivers
from nps_warehouse.oracle.intervals import StatsSettings
from nps_warehouse.oracle.lexicons import load_lexicons
from nps_warehouse.oracle.periods import ADDITIVE, cx_block, fct_cx_by_period, fct_cx_rolling
from nps_warehouse.oracle.programme import Version
from nps_warehouse.oracle.responses import Response as OracleResponse
from nps_warehouse.quality import (
    BANDS,
    COMMENT_SEEDS,
    ENGAGEMENT,
    MART_COLUMNS,
    PERFORMANCE_COUNTS,
    PERFORMANCE_RATIOS,
    ExpectationOutcome,
    ValidationReport,
    WarehouseUnavailableError,
    expected_nps,
    expected_ratio,
    personal_data_found,
    render_text_report,
    validate_warehouse,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "validate_marts.py"

CUBE = "fct_cx_daily_by_dimension"
BY_PERIOD = "fct_cx_by_period"
ROLLING = "fct_cx_rolling"
ALERTS = "fct_cx_alerts"
STATISTICS_MARTS = [BY_PERIOD, ROLLING, ALERTS]

COUNTS = (
    "responses bigint, promoters bigint, passives bigint, detractors bigint, nps numeric(5, 2), "
    "nps_standard_error numeric(5, 2), nps_ci_lower numeric(5, 2), nps_ci_upper numeric(5, 2), "
    "is_below_min_responses boolean"
)

# survey_id -> survey_name, survey_type, touchpoint, brand, business_unit, is_reference_survey
SURVEYS = {
    "RNPS-2026": ("Relationship NPS 2026", "relationship", "relationship", "nova", "corporate", True),
    "TNPS-STORE": ("Store visit", "transactional", "store", "nova", "retail", True),
    "TNPS-CALL": ("Customer service call", "transactional", "call", "nova", "customer_service", True),
    # a survey the reference does not list: its touchpoint comes from the export
    "KIOSK-PILOT": ("KIOSK-PILOT", "unknown", "unknown", "unknown", "unknown", False),
}


@dataclass(frozen=True)
class Response:
    """One accepted response of fct_nps_responses (and its raw row in the audit)."""

    response_id: str
    day: str
    channel: str
    region: str
    segment: str
    survey_id: str
    language: str
    nps: int | None
    csat: int | None
    ces: int | None
    row: int
    #: the raw score when it is not the NPS score (an invalid one, nulled beside a valid metric)
    raw_score: str | None = None
    #: the touchpoint the export names (else the survey's)
    touchpoint: str | None = None

    @property
    def survey(self) -> tuple[str, str, str, str, str, bool]:
        return SURVEYS[self.survey_id]


# response_id, date, channel, region, segment, survey, language, NPS, CSAT, CES, source row
RESPONSES = [
    Response("r1", "2024-03-04", "email", "IDF", "consumer", "RNPS-2026", "fr", 10, 5, None, 2),
    Response("r2", "2024-03-04", "email", "IDF", "consumer", "RNPS-2026", "fr", 3, 2, None, 3),
    Response("r3", "2024-03-04", "sms", "ARA", "smb", "TNPS-CALL", "fr", 8, 4, 6, 4),
    Response("r4", "2024-03-05", "other", "IDF", "consumer", "TNPS-STORE", "en", 9, 3, 4, 5),
    Response("r5", "2024-03-05", "web", "unknown", "unknown", "RNPS-2026", "unknown", 6, None, None, 6),
    Response("r6", "2024-03-06", "email", "ARA", "smb", "TNPS-CALL", "fr", 7, 4, 2, 7),
    Response("r7", "2024-03-06", "sms", "ARA", "smb", "TNPS-CALL", "fr", 0, 1, 1, 8),
    # only a CSAT score
    Response("r10", "2024-03-04", "email", "IDF", "consumer", "TNPS-STORE", "fr", None, 5, None, 11),
    # only a CES score, in a region the reference does not list
    Response("r11", "2024-03-05", "phone", "XYZ", "smb", "TNPS-CALL", "en", None, None, 7, 12),
    # an invalid NPS beside valid CSAT and CES, on a survey and touchpoint nobody listed
    Response(
        "r12", "2024-03-06", "web", "IDF", "consumer", "KIOSK-PILOT", "de", None, 4, 5, 13, "11", "kiosk"
    ),
]
WITH_NPS = [response for response in RESPONSES if response.nps is not None]

#: The comments of fct_nps_responses, masked as the warehouse publishes them (the others have
#: none). r5's is blank and r11's empty: neither is a comment insight. r4's keeps a date, an order
#: number and a tracking number that fails the Luhn check, which are no personal data; r10 has no
#: NPS score, so no keyword or driver counts it.
COMMENTS = {
    "r1": "Conseiller très aimable, problème résolu rapidement. Merci !",
    "r2": "Rappelez-moi au [phone] : attente interminable, attente inadmissible, encore une attente 😡",
    "r3": "Bon conseiller mais attente un peu longue.",
    "r4": "Great service, thanks! Order CMD-2024-004512 of 12/03/2024, tracking 1234 5678 9012 3456.",
    "r5": " \t ",
    "r7": "Colis jamais arrivé, attente interminable au téléphone.\nÉcrivez-moi : [email]",
    "r10": "Application qui plante 👎",
    "r11": "",
}

#: The agent of the responses that name one (a9 has no version in the workforce extracts).
AGENT_OF = {"r3": "a1", "r6": "a1", "r7": "a2", "r11": "a9"}

# ------------------------------------------------------------------------------------------
# The programme's other sources: customers and agents (histories), interactions, invitations
# ------------------------------------------------------------------------------------------

#: dim_customer_history: customer_id, version_number, loyalty_tier, customer_country, region,
#: customer_since, valid_from, valid_to (is_current: valid_to is null). c-r1 answered in its first
#: version, c-r6 in its second, c-r4 before its only version (which therefore applies).
CUSTOMER_VERSIONS = [
    ("c-r1", 1, "silver", "FR", "IDF", "2019-06-01", "2024-01-10 00:00:00", "2024-03-05 08:00:00"),
    ("c-r1", 2, "gold", "FR", "IDF", "2019-06-01", "2024-03-05 08:00:00", None),
    ("c-r6", 1, "bronze", "FR", "ARA", "2023-09-15", "2024-02-01 00:00:00", "2024-03-06 09:00:00"),
    ("c-r6", 2, "silver", "FR", "ARA", "2023-09-15", "2024-03-06 09:00:00", None),
    ("c-r4", 1, "vip", "BE", "unknown", None, "2024-03-05 12:00:00", None),
]
#: dim_agent_history: agent_id, version_number, team, site, manager_id, hired_on, valid_from,
#: valid_to. a1 moved from billing to retention between r3 and r6.
AGENT_VERSIONS = [
    ("a1", 1, "billing", "lyon", "m1", "2020-01-06", "2024-01-01 00:00:00", "2024-03-05 12:00:00"),
    ("a1", 2, "retention", "lyon", "m1", "2020-01-06", "2024-03-05 12:00:00", None),
    ("a2", 1, "billing", "paris", None, None, "2024-01-01 00:00:00", None),
]

#: The attributes of fct_cx_responses at each response's time: age_band, tenure_band,
#: loyalty_tier, customer_country (its customer's version), team, site (its agent's), wait_time_band,
#: transfers_band, first_contact_resolution (its interaction's); unknown when it has none.
CX_ATTRIBUTES = (
    "age_band",
    "tenure_band",
    "loyalty_tier",
    "customer_country",
    "team",
    "site",
    "wait_time_band",
    "transfers_band",
    "first_contact_resolution",
)
UNKNOWN_ATTRIBUTES = ("unknown",) * len(CX_ATTRIBUTES)
ATTRIBUTES_OF = {
    # customer since 2019-06-01: 4 whole years on 2024-03-04; no agent, no interaction
    "r1": ("35-44", "3-4y", "silver", "FR", *("unknown",) * 5),
    # no customer version; a1 in billing then; interaction i-r3
    "r3": ("unknown",) * 4 + ("billing", "lyon", "<1m", "0", "yes"),
    # c-r4's only version, though later (no valid birth date, no customer_since); i-r4 never sent
    "r4": ("unknown", "unknown", "vip", "BE", *("unknown",) * 5),
    # c-r6's second version; a1 in retention then; interaction i-r6
    "r6": ("25-34", "<1y", "silver", "FR", "retention", "lyon", "3-5m", "1", "no"),
    # a2; interaction i-r7 with an invalid wait and resolution
    "r7": ("unknown",) * 4 + ("billing", "paris", "unknown", "2+", "unknown"),
}

#: rpt_customer_audit rows: source_row_number, customer_id, raw_updated_at, status, reason,
#: attribute_issues (one accepted row per version, an earlier row of c-r1's first version
#: superseded, two rejected rows).
CUSTOMER_AUDIT = [
    (2, "c-r1", "2024-01-10T00:00:00Z", "superseded", None, None),
    (3, "c-r1", "2024-01-10T00:00:00Z", "accepted", None, None),
    (4, "c-r1", "2024-03-05T08:00:00Z", "accepted", None, None),
    (5, "c-r6", "2024-02-01T00:00:00Z", "accepted", None, None),
    (6, "c-r6", "2024-03-06T09:00:00Z", "accepted", None, None),
    (7, "c-r4", "2024-03-05T12:00:00Z", "accepted", None, "invalid_birth_date"),
    (8, None, "2024-03-05T12:00:00Z", "rejected", "missing_customer_id", None),
    (9, "c-x", "yesterday", "rejected", "invalid_updated_at", None),
]
AGENT_AUDIT = [
    (2, "a1", "2024-01-01T00:00:00Z", "accepted", None, None),
    (3, "a1", "2024-03-05T12:00:00Z", "accepted", None, None),
    (4, "a2", "2024-01-01T00:00:00Z", "superseded", None, None),
    (5, "a2", "2024-01-01T00:00:00Z", "accepted", None, "invalid_hired_on"),
    (6, None, "2024-01-01T00:00:00Z", "rejected", "missing_agent_id", None),
]
#: rpt_interaction_audit rows: source_row_number, interaction_id, raw_wait_seconds, status,
#: reason, attribute_issues.
INTERACTION_AUDIT = [
    (2, "i-r3", "30", "superseded", None, None),
    (3, "i-r3", "45", "accepted", None, None),
    (4, "i-r6", "200", "accepted", None, None),
    (5, "i-r7", "soon", "accepted", None, "invalid_wait_seconds, invalid_is_first_contact_resolution"),
    (6, None, "10", "rejected", "missing_interaction_id", None),
]
#: rpt_invitation_audit rows: source_row_number, invitation_id, raw_sent_at, raw_survey_id,
#: raw_channel, raw_delivery_status, status, reason. inv-r3 and inv-r4 are answered, inv-x1 and
#: inv-x3 bounced; the responses naming inv-r6, inv-r7, inv-r10 and inv-r11 name invitations
#: nobody sent.
INVITATION_AUDIT = [
    (2, "inv-r3", "2024-03-03T16:00:00Z", "TNPS-CALL", "email", "delivered", "accepted", None),
    (3, "inv-x1", "2024-03-03T09:00:00Z", "TNPS-CALL", "email", "bounced", "accepted", None),
    (4, "inv-x2", "2024-03-03T10:00:00Z", "TNPS-CALL", "email", "delivered", "superseded", None),
    (5, "inv-x2", "2024-03-03T11:00:00Z", "TNPS-CALL", "E-mail", "delivered", "accepted", None),
    (6, "inv-r4", "2024-03-04T22:00:00Z", "TNPS-STORE", "sms", "delivered", "accepted", None),
    (7, "inv-x3", "2024-03-02T09:00:00Z", "RNPS-2026", "email", "bounced", "accepted", None),
    (8, None, "2024-03-02T09:00:00Z", "RNPS-2026", "email", "delivered", "rejected", "missing_invitation_id"),
    (9, "inv-x4", "tomorrow", "RNPS-2026", "email", "delivered", "rejected", "invalid_sent_at"),
]
#: rpt_agent_engagement_audit rows: source_row_number, agent_id, raw_surveyed_at, raw_enps_score,
#: status, reason, attribute_issues (an answer exported twice, its earlier copy superseded; four
#: rejected rows); the accepted ones are ENGAGEMENT_ANSWERS.
ENGAGEMENT_AUDIT = [
    (2, "a1", "2024-03-04T09:00:00Z", "9", "superseded", None, None),
    (3, "a1", "2024-03-04T09:00:00Z", "9", "accepted", None, None),
    (4, "a2", "2024-03-05T09:00:00Z", "03", "accepted", None, None),
    (5, "a9", "2024-03-05T10:00:00Z", "7", "accepted", None, None),
    (6, None, "2024-03-05T10:00:00Z", "8", "rejected", "missing_agent_id", None),
    (7, "a2", "someday", "8", "rejected", "invalid_surveyed_at", None),
    (8, "a1", "2024-03-06T09:00:00Z", None, "rejected", "missing_enps_score", None),
    (9, "a1", "2024-03-06T09:00:00Z", "11", "rejected", "invalid_enps_score", None),
]
#: The accepted engagement answers: agent_id, surveyed_at, enps_score (a1 in billing then, a2 in
#: billing, a9 without a version: unknown).
ENGAGEMENT_ANSWERS = [
    ("a1", "2024-03-04 09:00:00", 9),
    ("a2", "2024-03-05 09:00:00", 3),
    ("a9", "2024-03-05 10:00:00", 7),
]
#: fct_invitations_daily: sent_date, survey_id, channel, invitations, bounced, answered,
#: response_rate, median_hours_to_answer (r3 answered 18 hours after inv-r3, r4 12 after inv-r4).
INVITATIONS_DAILY = [
    ("2024-03-02", "RNPS-2026", "email", 1, 1, 0, None, None),
    ("2024-03-03", "TNPS-CALL", "email", 3, 1, 1, "50.00", "18.00"),
    ("2024-03-04", "TNPS-STORE", "sms", 1, 0, 1, "100.00", "12.00"),
]
UNKNOWN_INVITATIONS = ("inv-r6", "inv-r7", "inv-r10", "inv-r11")

#: The codes of the coded dimensions the seeds list (the rest are reported unmapped).
KNOWN_CODES = {
    "region": ("IDF", "ARA"),
    "segment": ("consumer", "smb"),
    "touchpoint": ("relationship", "store", "call", "delivery"),
    "brand": ("nova", "nova_express"),
    "business_unit": ("corporate", "retail", "customer_service", "logistics"),
    "loyalty_tier": ("bronze", "silver", "gold", "vip"),
    "team": ("billing", "retention"),
    "site": ("lyon", "paris"),
}

#: The dimensions of the cube and the column of fct_cx_responses each reads (overall: none).
CUBE_DIMENSIONS = CX_DIMENSIONS


def nps_category(score: int | None) -> str | None:
    if score is None:
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def csat_category(score: int | None) -> str | None:
    if score is None:
        return None
    return "satisfied" if score >= 4 else "neutral" if score == 3 else "dissatisfied"


def ces_category(score: int | None) -> str | None:
    if score is None:
        return None
    return "easy" if score >= 5 else "neutral" if score == 4 else "difficult"


def half_away(numerator: int, denominator: int, scale: int) -> str | None:
    """``scale * numerator / denominator`` rounded half away from zero to 2 places, as text."""
    if denominator == 0:
        return None
    exact = Decimal(scale * numerator) / Decimal(denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# The intervals, by the formulas of the README ("How sure a number is"), at 95%.
Z_95 = 1.959963984540054
MIN_RESPONSES = 30


def round2(value: float) -> str:
    """Half away from zero to 2 places (the float's hundredths floored after adding a half)."""
    hundredths = math.floor(abs(value) * 100 + 0.5)
    return str((Decimal(hundredths if value >= 0 else -hundredths) / 100).quantize(Decimal("0.01")))


def nps_bound(promoters: int, passives: int, detractors: int, which: str) -> str | None:
    """The standard error (``se``) of the NPS, or a bound (``lower``, ``upper``) of its
    adjusted-Wald interval (0.75 more promoters and detractors, 3 more responses)."""
    n = promoters + passives + detractors
    if n == 0:
        return None
    if which == "se":
        pp, pd = promoters / n, detractors / n
        return round2(100 * math.sqrt(max((pp + pd) - (pp - pd) * (pp - pd), 0.0) / n))
    na = n + 3
    pa, da = (promoters + 0.75) / na, (detractors + 0.75) / na
    se = 100 * math.sqrt(max((pa + da) - (pa - da) * (pa - da), 0.0) / na)
    centre = 100 * (pa - da)
    return round2(max(-100.0, centre - Z_95 * se) if which == "lower" else min(100.0, centre + Z_95 * se))


def wilson_bound(successes: int, trials: int, which: str) -> str | None:
    """A bound of the Wilson interval of ``successes / trials``, in percent."""
    if trials == 0:
        return None
    share, zz = successes / trials, Z_95 * Z_95
    denominator = 1 + zz / trials
    centre = (share + zz / (2 * trials)) / denominator
    half = Z_95 * math.sqrt(share * (1 - share) / trials + zz / (4 * trials * trials)) / denominator
    return round2(max(0.0, 100 * (centre - half)) if which == "lower" else min(100.0, 100 * (centre + half)))


def mean_bound(total: int, squares: int, count: int, lowest: int, highest: int, which: str) -> str | None:
    """A bound of the normal interval of a mean (from its sum and sum of squares), on its scale."""
    if count < 2:
        return None
    mean = total / count
    variance = max((count * squares - total * total) / (count * (count - 1)), 0.0)
    half = Z_95 * math.sqrt(variance) / math.sqrt(count)
    return round2(max(lowest, mean - half) if which == "lower" else min(highest, mean + half))


def sql_type(column: str) -> str:
    """The SQL type of a column of the CX marts (as the project's models publish it)."""
    if column in ("response_date", "period_start_date", "period_end_date", "date_day", "window_start_date"):
        return "date"
    if column.startswith("is_"):
        return "boolean"
    if column.endswith("p_value") or column == "q_value":
        return "double"
    if column.endswith(("_change", "_vs_rest", "_gap_to_target")):
        return "numeric(6, 2)"
    if column in CX_DERIVED or (column.startswith("previous_") and not column.endswith("_responses")):
        return "numeric(5, 2)"
    if column.endswith("_target") or column in ("observed", "baseline"):
        return "numeric(5, 2)"
    if column in CX_MEASURES or column.endswith("responses") or column == "window_days":
        return "bigint"
    return "varchar"


def cx_ddl(mart: str) -> str:
    columns = ", ".join(f"{column} {sql_type(column)}" for column in MART_COLUMNS[mart])
    return f"create or replace table marts.{mart} ({columns})"


DDL = f"""
create schema marts;
create schema audit;
create schema seeds;
create table marts.fct_nps_responses (
    response_id varchar, survey_id varchar, customer_id varchar, agent_id varchar,
    interaction_id varchar, invitation_id varchar,
    channel varchar, region varchar, segment varchar,
    survey_type varchar, touchpoint varchar, brand varchar, business_unit varchar, language varchar,
    nps_score integer, nps_category varchar, csat_score integer, csat_category varchar,
    ces_score integer, ces_category varchar,
    comment varchar, response_date date, submitted_at timestamp, feed_name varchar,
    source_file varchar, source_row_number bigint);
create table marts.fct_nps_daily (
    response_date date, channel varchar, region varchar, segment varchar, {COUNTS});
create table marts.fct_nps_daily_by_channel (response_date date, channel varchar, {COUNTS});
create table marts.fct_nps_daily_by_region (response_date date, region varchar, {COUNTS});
create table marts.fct_nps_daily_by_segment (response_date date, segment varchar, {COUNTS});
create table marts.fct_nps_daily_overall (response_date date, {COUNTS});
{cx_ddl(CUBE)};
create table marts.dim_channel (channel varchar, channel_name varchar, sort_order integer);
create table marts.dim_region (
    region varchar, region_name varchar, country_code varchar, is_reference_region boolean);
create table marts.dim_segment (
    segment varchar, segment_name varchar, is_reference_segment boolean);
create table marts.dim_survey (
    survey_id varchar, survey_name varchar, survey_type varchar, touchpoint varchar,
    brand varchar, business_unit varchar, is_reference_survey boolean);
create table marts.dim_date (
    date_day date, year_number integer, quarter_number integer, month_number integer,
    day_of_month integer, iso_day_of_week integer, is_weekend boolean, week_start_date date,
    month_start_date date, quarter_start_date date, year_start_date date);
create table audit.rpt_response_audit (
    source_file varchar, source_row_number bigint, response_id varchar, feed_name varchar,
    raw_response_id varchar, raw_survey_id varchar, raw_customer_id varchar,
    raw_submitted_at varchar, raw_channel varchar, raw_region varchar, raw_segment varchar,
    raw_agent_id varchar, raw_score varchar, raw_comment varchar, raw_language varchar,
    raw_response_type varchar, raw_finished varchar, raw_touchpoint varchar, raw_brand varchar,
    raw_business_unit varchar, raw_interaction_id varchar, raw_invitation_id varchar,
    raw_csat_score varchar, raw_ces_score varchar, status varchar, reason varchar,
    metric_issues varchar);
create table audit.rpt_unmapped_channels (
    raw_channel varchar, channel_key varchar, responses bigint, first_response_date date,
    last_response_date date);
create table marts.fct_cx_responses (
    response_id varchar, survey_id varchar, customer_id varchar, agent_id varchar,
    interaction_id varchar, invitation_id varchar,
    channel varchar, region varchar, segment varchar,
    survey_type varchar, touchpoint varchar, brand varchar, business_unit varchar, language varchar,
    age_band varchar, tenure_band varchar, loyalty_tier varchar, customer_country varchar,
    team varchar, site varchar, wait_time_band varchar, transfers_band varchar,
    first_contact_resolution varchar,
    nps_score integer, nps_category varchar, csat_score integer, csat_category varchar,
    ces_score integer, ces_category varchar, response_date date, submitted_at timestamp,
    loaded_at timestamp);
create table marts.dim_customer_history (
    customer_id varchar, version_number integer, loyalty_tier varchar, customer_country varchar,
    region varchar, customer_since date, is_current boolean, valid_from timestamp,
    valid_to timestamp);
create table marts.dim_agent_history (
    agent_id varchar, version_number integer, team varchar, site varchar, manager_id varchar,
    hired_on date, is_current boolean, valid_from timestamp, valid_to timestamp);
create table marts.fct_invitations_daily (
    sent_date date, survey_id varchar, channel varchar, invitations bigint, bounced bigint,
    answered bigint, response_rate numeric(9, 2), median_hours_to_answer numeric(9, 2));
"""

#: The audit of each programme source, by source.
SOURCE_AUDIT = SOURCE_AUDITS


def audit_ddl(source: str) -> str:
    """The audit of a programme source: its contract columns (text), then its load columns."""
    mart = SOURCE_AUDIT[source]
    columns = [
        f"{column} {'bigint' if column == 'source_row_number' else 'varchar'}"
        for column in MART_COLUMNS[mart]
    ]
    return f"create table audit.{mart} ({', '.join(columns)}, load_id bigint, loaded_at timestamp)"


# the NPS marts count the responses with an NPS score
DAILY_SELECT = """
select *,
       nps_bound(promoters, passives, detractors, 'se')::numeric(5, 2) as nps_standard_error,
       nps_bound(promoters, passives, detractors, 'lower')::numeric(5, 2) as nps_ci_lower,
       nps_bound(promoters, passives, detractors, 'upper')::numeric(5, 2) as nps_ci_upper,
       responses < 30 as is_below_min_responses
from (
select {keys},
       count(*)::bigint as responses,
       count(*) filter (where nps_category = 'promoter')::bigint as promoters,
       count(*) filter (where nps_category = 'passive')::bigint as passives,
       count(*) filter (where nps_category = 'detractor')::bigint as detractors,
       round(100.0 * (count(*) filter (where nps_category = 'promoter')
                      - count(*) filter (where nps_category = 'detractor')) / count(*), 2
       )::numeric(5, 2) as nps
from marts.fct_nps_responses
where nps_score is not null
group by all
)
"""

# the additive measures of one dimension's cells (dimension_value: {value})
CUBE_MEASURES = """
select response_date, '{name}' as dimension_name, {value} as dimension_value,
       count(*)::bigint as responses,
       count(nps_score)::bigint as nps_responses,
       count(*) filter (where nps_category = 'promoter')::bigint as promoters,
       count(*) filter (where nps_category = 'passive')::bigint as passives,
       count(*) filter (where nps_category = 'detractor')::bigint as detractors,
       count(csat_score)::bigint as csat_responses,
       count(*) filter (where csat_category = 'satisfied')::bigint as csat_satisfied,
       coalesce(sum(csat_score), 0)::bigint as csat_score_sum,
       coalesce(sum(csat_score * csat_score), 0)::bigint as csat_score_sum_squares,
       count(ces_score)::bigint as ces_responses,
       count(*) filter (where ces_category = 'easy')::bigint as ces_easy,
       count(*) filter (where ces_category = 'difficult')::bigint as ces_difficult,
       coalesce(sum(ces_score), 0)::bigint as ces_score_sum,
       coalesce(sum(ces_score * ces_score), 0)::bigint as ces_score_sum_squares
from marts.fct_cx_responses
group by all
"""

CUBE_SCORES = """
insert into marts.fct_cx_daily_by_dimension by name
select *,
       half_away(promoters - detractors, nps_responses, 100)::numeric(5, 2) as nps,
       half_away(csat_satisfied, csat_responses, 100)::numeric(5, 2) as csat_pct,
       half_away(csat_score_sum, csat_responses, 1)::numeric(5, 2) as csat_mean,
       half_away(ces_easy, ces_responses, 100)::numeric(5, 2) as ces_easy_pct,
       half_away(ces_score_sum, ces_responses, 1)::numeric(5, 2) as ces_mean,
       nps_bound(promoters, passives, detractors, 'se')::numeric(5, 2) as nps_standard_error,
       nps_bound(promoters, passives, detractors, 'lower')::numeric(5, 2) as nps_ci_lower,
       nps_bound(promoters, passives, detractors, 'upper')::numeric(5, 2) as nps_ci_upper,
       nps_responses < 30 as is_below_min_responses,
       wilson_bound(csat_satisfied, csat_responses, 'lower')::numeric(5, 2) as csat_ci_lower,
       wilson_bound(csat_satisfied, csat_responses, 'upper')::numeric(5, 2) as csat_ci_upper,
       mean_bound(csat_score_sum, csat_score_sum_squares, csat_responses, 1, 5, 'lower')::numeric(5, 2)
           as csat_mean_ci_lower,
       mean_bound(csat_score_sum, csat_score_sum_squares, csat_responses, 1, 5, 'upper')::numeric(5, 2)
           as csat_mean_ci_upper,
       csat_responses < 30 as is_csat_below_min_responses,
       wilson_bound(ces_easy, ces_responses, 'lower')::numeric(5, 2) as ces_easy_ci_lower,
       wilson_bound(ces_easy, ces_responses, 'upper')::numeric(5, 2) as ces_easy_ci_upper,
       mean_bound(ces_score_sum, ces_score_sum_squares, ces_responses, 1, 7, 'lower')::numeric(5, 2)
           as ces_mean_ci_lower,
       mean_bound(ces_score_sum, ces_score_sum_squares, ces_responses, 1, 7, 'upper')::numeric(5, 2)
           as ces_mean_ci_upper,
       ces_responses < 30 as is_ces_below_min_responses
from ({measures})
"""

CHANNEL_ROWS = [
    ("email", "Email", 1),
    ("sms", "SMS", 2),
    ("phone", "Phone / IVR", 3),
    ("web", "Web link", 4),
    ("chat", "Chat", 5),
    ("whatsapp", "WhatsApp", 6),
    ("in_app", "In-app", 7),
    ("other", "Other (unmapped)", 8),
    ("unknown", "Unknown", 9),
]

RAW_CHANNEL = {"email": "E-mail", "sms": "SMS", "other": "pigeon", "web": "web", "phone": "Phone"}


def _insert_response(con: duckdb.DuckDBPyConnection, response: Response) -> None:
    _, survey_type, survey_touchpoint, brand, business_unit, _ = response.survey
    touchpoint = response.touchpoint or survey_touchpoint
    transactional = survey_type == "transactional"
    interaction_id = f"i-{response.response_id}" if transactional else None
    invitation_id = f"inv-{response.response_id}" if transactional else None
    con.execute(
        """
        insert into marts.fct_nps_responses values
        (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         ?::date, (? || ' 10:00:00')::timestamp, 'default', 'demo.csv', ?)
        """,
        [
            response.response_id,
            response.survey_id,
            f"c-{response.response_id}",
            AGENT_OF.get(response.response_id),
            interaction_id,
            invitation_id,
            response.channel,
            response.region,
            response.segment,
            survey_type,
            touchpoint,
            brand,
            business_unit,
            response.language,
            response.nps,
            nps_category(response.nps),
            response.csat,
            csat_category(response.csat),
            response.ces,
            ces_category(response.ces),
            COMMENTS.get(response.response_id),
            response.day,
            response.day,
            response.row,
        ],
    )
    raw_score = response.raw_score if response.raw_score is not None else response.nps
    con.execute(
        """
        insert into audit.rpt_response_audit by name
        select 'demo.csv' as source_file, ?::bigint as source_row_number, ? as response_id,
               'default' as feed_name, ? as raw_response_id, ? as raw_survey_id,
               ? as raw_customer_id, ? as raw_submitted_at, ? as raw_channel, ? as raw_region,
               ? as raw_segment, ? as raw_agent_id, ? as raw_score,
               ? as raw_language, ? as raw_touchpoint, ? as raw_interaction_id,
               ? as raw_invitation_id, ? as raw_csat_score, ? as raw_ces_score,
               'accepted' as status, ? as metric_issues
        """,
        [
            response.row,
            response.response_id,
            response.response_id,
            response.survey_id,
            f"c-{response.response_id}",
            f"{response.day}T10:00:00Z",
            RAW_CHANNEL[response.channel],
            response.region,
            response.segment,
            AGENT_OF.get(response.response_id),
            None if raw_score is None else str(raw_score),
            None if response.language == "unknown" else response.language,
            response.touchpoint,
            interaction_id,
            invitation_id,
            None if response.csat is None else str(response.csat),
            None if response.ces is None else str(response.ces),
            "invalid_score" if response.raw_score is not None else None,
        ],
    )


def _build_programme(con: duckdb.DuckDBPyConnection) -> None:
    """The marts of the other sources, and fct_cx_responses (the responses of fct_nps_responses
    with their attributes at their time)."""
    for source in PROGRAMME_SOURCES:
        con.execute(audit_ddl(source))
    # is_current: valid_to is null
    history = "values (?, ?, ?, ?, ?, ?::date, ? is null, ?::timestamp, ?::timestamp)"
    for entity, versions in (("customer", CUSTOMER_VERSIONS), ("agent", AGENT_VERSIONS)):
        con.executemany(
            f"insert into marts.dim_{entity}_history {history}",
            [(*version[:6], version[7], *version[6:]) for version in versions],
        )
    for entity, attributes in (
        ("customer", "loyalty_tier, customer_country, region, customer_since"),
        ("agent", "team, site, manager_id, hired_on"),
    ):
        con.execute(
            f"""
            create table marts.dim_{entity} as
            select {entity}_id, {attributes}, versions, first_updated_at, valid_from as updated_at
            from marts.dim_{entity}_history
            inner join (
                select {entity}_id, count(*)::bigint as versions, min(valid_from) as first_updated_at
                from marts.dim_{entity}_history
                group by all
            ) using ({entity}_id)
            where is_current
            """
        )
    for source, rows, raw in (
        ("customers", CUSTOMER_AUDIT, "raw_updated_at"),
        ("agents", AGENT_AUDIT, "raw_updated_at"),
        ("interactions", INTERACTION_AUDIT, "raw_wait_seconds"),
    ):
        key = f"{source[:-1]}_id"
        con.executemany(
            f"""
            insert into audit.{SOURCE_AUDIT[source]} by name
            select 'default' as feed_name, '{source}.csv' as source_file, ?::bigint as source_row_number,
                   ? as {key}, ? as raw_{key}, ? as {raw}, ? as status, ? as reason,
                   ? as attribute_issues, 1::bigint as load_id, timestamp '2024-03-07 06:00:00' as loaded_at
            """,
            [(row, key_value, key_value, *rest) for row, key_value, *rest in rows],
        )
    con.executemany(
        """
        insert into audit.rpt_invitation_audit by name
        select 'default' as feed_name, 'invitations.csv' as source_file, ?::bigint as source_row_number,
               ? as invitation_id, ? as raw_invitation_id, ? as raw_sent_at, ? as raw_survey_id,
               ? as raw_channel, ? as raw_delivery_status, ? as status, ? as reason,
               1::bigint as load_id, timestamp '2024-03-07 06:00:00' as loaded_at
        """,
        [(row, key, key, *rest) for row, key, *rest in INVITATION_AUDIT],
    )
    con.executemany(
        """
        insert into audit.rpt_agent_engagement_audit by name
        select 'default' as feed_name, 'agent_engagement.csv' as source_file, ?::bigint as source_row_number,
               ? as agent_id, ? as raw_agent_id, ? as raw_surveyed_at, ? as raw_enps_score, ? as status,
               ? as reason, ? as attribute_issues, 1::bigint as load_id,
               timestamp '2024-03-07 06:00:00' as loaded_at
        """,
        [(row, key, key, *rest) for row, key, *rest in ENGAGEMENT_AUDIT],
    )
    con.executemany(
        "insert into marts.fct_invitations_daily values (?::date, ?, ?, ?, ?, ?, ?, ?)", INVITATIONS_DAILY
    )
    con.execute(
        """
        create table audit.rpt_unknown_invitations as
        select response_id, invitation_id, response_date, feed_name, source_file
        from marts.fct_nps_responses
        where invitation_id is not null
          and invitation_id not in (
              select invitation_id from audit.rpt_invitation_audit
              where status = 'accepted' and invitation_id is not null
          )
        """
    )
    columns = ", ".join(f"{attribute} varchar" for attribute in CX_ATTRIBUTES)
    con.execute(f"create temporary table attributes (response_id varchar, {columns})")
    con.executemany(
        f"insert into attributes values ({', '.join('?' * (len(CX_ATTRIBUTES) + 1))})",
        [
            (response.response_id, *ATTRIBUTES_OF.get(response.response_id, UNKNOWN_ATTRIBUTES))
            for response in RESPONSES
        ],
    )
    con.execute(
        """
        insert into marts.fct_cx_responses by name
        select responses.* exclude (comment, feed_name, source_file, source_row_number),
               attributes.* exclude (response_id), timestamp '2024-03-07 06:00:00' as loaded_at
        from marts.fct_nps_responses as responses
        inner join attributes using (response_id)
        """
    )


#: The targets of the small warehouse's periods (the seed cx_targets' keys: dimension name and
#: value, metric, grain or None for every grain).
TARGETS = {
    ("overall", "all", "nps", None): Decimal("20.00"),
    ("channel", "email", "csat_pct", "week"): Decimal("90"),
}


def publish_statistics(
    con: duckdb.DuckDBPyConnection, targets: dict[tuple[str, str, str, str | None], Decimal]
) -> None:
    """fct_cx_by_period, fct_cx_rolling and fct_cx_alerts of the warehouse's cube, as the oracle
    computes them."""
    stats = StatsSettings()
    cube = con.execute(f"select {', '.join(MART_COLUMNS[CUBE])} from marts.{CUBE}").fetchall()
    by_period = fct_cx_by_period(cube, targets, stats)
    marts = {
        BY_PERIOD: by_period,
        ROLLING: fct_cx_rolling(cube, stats),
        ALERTS: fct_cx_alerts(cube, by_period, stats),
    }
    for mart, rows in marts.items():
        con.execute(cx_ddl(mart))
        if rows:
            marks = ", ".join("?" * len(MART_COLUMNS[mart]))
            con.executemany(f"insert into marts.{mart} values ({marks})", rows)


def publish_agents(con: duckdb.DuckDBPyConnection) -> None:
    """The performance marts of the warehouse's responses (fct_cx_responses, the waits of the
    accepted interactions) and the engagement report of ENGAGEMENT_ANSWERS, as the independent
    oracle computes them."""
    stats = StatsSettings()
    columns = MART_COLUMNS["fct_cx_responses"]
    values = [
        dict(zip(columns, row, strict=True))
        for row in con.execute(f"select {', '.join(columns)} from marts.fct_cx_responses").fetchall()
    ]
    waits = {
        key: int(raw) if raw.isdigit() else None
        for _, key, raw, status, *_ in INTERACTION_AUDIT
        if status == "accepted"
    }
    case_columns = ", ".join(MART_COLUMNS["fct_followup_cases"])
    cases = performance.case_sla(
        con.execute(f"select {case_columns} from marts.fct_followup_cases").fetchall()
    )
    marts, team_rows = performance.performance_marts(values, waits, cases, stats)
    versions: dict[str, list[Version]] = {}
    for agent_id, number, team, _site, _manager, _hired, valid_from, valid_to in AGENT_VERSIONS:
        versions.setdefault(agent_id, []).append(
            Version(
                SimpleNamespace(team=team),
                number,
                datetime.fromisoformat(valid_from),
                None if valid_to is None else datetime.fromisoformat(valid_to),
                valid_to is None,
            )
        )
    answers = [
        engagement.Answer(agent_id, datetime.fromisoformat(at), score)
        for agent_id, at, score in ENGAGEMENT_ANSWERS
    ]
    marts["rpt_team_engagement"] = engagement.rpt_team_engagement(answers, versions, team_rows, UTC, stats)
    for mart, rows in marts.items():
        ddl = ", ".join(f"{column} {AGENT_TYPES.get(column, 'varchar')}" for column in MART_COLUMNS[mart])
        con.execute(f"create table {MART_SCHEMAS[mart]}.{mart} ({ddl})")
        if rows:
            marks = ", ".join("?" * len(MART_COLUMNS[mart]))
            con.executemany(f"insert into {MART_SCHEMAS[mart]}.{mart} values ({marks})", rows)


#: The SQL types of the agents' marts' columns that are not text.
AGENT_TYPES = {
    **dict.fromkeys(("month_start_date", "quarter_start_date"), "date"),
    **dict.fromkeys(
        (
            *PERFORMANCE_COUNTS,
            "agents",
            "team_ranked_agents",
            "ranked_teams",
            "ranked_sites",
            "enps_responses",
            "enps_promoters",
            "enps_passives",
            "enps_detractors",
            "correlated_teams",
        ),
        "bigint",
    ),
    **dict.fromkeys(("rank_in_team", "rank_among_teams", "rank_among_sites"), "integer"),
    **dict.fromkeys(
        (
            "nps",
            "nps_standard_error",
            "nps_ci_lower",
            "nps_ci_upper",
            "team_nps",
            "all_agents_nps",
            "nps_shrunk",
            *PERFORMANCE_RATIOS,
            "enps",
            "enps_standard_error",
            "enps_ci_lower",
            "enps_ci_upper",
        ),
        "numeric(12, 2)",
    ),
    **dict.fromkeys(
        ("enps_nps_correlation", "correlation_ci_lower", "correlation_ci_upper"), "numeric(5, 4)"
    ),
    **dict.fromkeys(
        ("is_below_min_responses", "is_enps_below_min_responses", "is_in_correlation"), "boolean"
    ),
}


#: The SQL types of the comment marts' columns that are not text.
COMMENT_TYPES = {
    **dict.fromkeys(("response_date", "month_start_date", "period_start_date"), "date"),
    **dict.fromkeys(
        ("nps_score", "word_count", "sentiment_words", "mentions", "keyword_rank", "driver_rank"), "integer"
    ),
    **dict.fromkeys(("sentiment_score", "theme_sentiment_score"), "numeric(5, 4)"),
    **dict.fromkeys(("log_odds_ratio", "log_odds_z"), "numeric(12, 4)"),
    **dict.fromkeys(
        ("term_count", "comment_count", "month_term_count", "category_term_total", "month_term_total"),
        "bigint",
    ),
    **dict.fromkeys(("responses", "responses_with", "responses_without", "theme_mentions"), "bigint"),
    **dict.fromkeys(
        (
            "nps_impact",
            "nps",
            "share_with_pct",
            *(
                f"nps_{side}{bound}"
                for side in ("with", "without")
                for bound in ("", "_ci_lower", "_ci_upper")
            ),
            "negative_mention_pct",
        ),
        "numeric(5, 2)",
    ),
    "nps_gap": "numeric(6, 2)",
    "gap_p_value": "double",
    "is_gap_significant": "boolean",
    "is_with_below_min_responses": "boolean",
}
DRIVER_COLUMNS = (
    "response_id",
    "response_date",
    "nps_category",
    "wait_time_band",
    "transfers_band",
    "first_contact_resolution",
    "channel",
    "touchpoint",
)


def publish_comments(con: duckdb.DuckDBPyConnection) -> None:
    """The comment seeds the suite reads (as the build loads them) and the comment marts of the
    warehouse's responses, as the independent oracle computes them."""
    for seed in COMMENT_SEEDS:
        path = REPO_ROOT / "seeds" / "comments" / f"{seed}.csv"
        con.execute(f"create table seeds.{seed} as select * from read_csv('{path}', all_varchar = true)")
    columns = MART_COLUMNS["fct_nps_responses"]
    responses = [
        OracleResponse(**dict(zip(columns, row, strict=True)), raw_channel=None)
        for row in con.execute(f"select {', '.join(columns)} from marts.fct_nps_responses").fetchall()
    ]
    settings = CommentSettings()
    lexicons = load_lexicons(REPO_ROOT / "seeds")
    read = comment_marts.read_comments(responses, lexicons, settings)
    values = [
        dict(zip(DRIVER_COLUMNS, row, strict=True))
        for row in con.execute(f"select {', '.join(DRIVER_COLUMNS)} from marts.fct_cx_responses").fetchall()
    ]
    marts = {
        "fct_comment_insights": comment_marts.fct_comment_insights(read),
        "fct_comment_themes": comment_marts.fct_comment_themes(read),
        "rpt_comment_keywords": comment_marts.rpt_comment_keywords(read, lexicons.stop_words, settings),
        "rpt_cx_drivers": rpt_cx_drivers(values, read, StatsSettings()),
    }
    for mart, rows in marts.items():
        ddl = ", ".join(f"{column} {COMMENT_TYPES.get(column, 'varchar')}" for column in MART_COLUMNS[mart])
        con.execute(f"create table {MART_SCHEMAS[mart]}.{mart} ({ddl})")
        if rows:
            marks = ", ".join("?" * len(MART_COLUMNS[mart]))
            con.executemany(f"insert into {MART_SCHEMAS[mart]}.{mart} values ({marks})", rows)


def _register_functions(con: duckdb.DuckDBPyConnection) -> None:
    for name, function, parameters in (
        ("half_away", half_away, ["BIGINT", "BIGINT", "INTEGER"]),
        ("nps_bound", nps_bound, ["BIGINT", "BIGINT", "BIGINT", "VARCHAR"]),
        ("wilson_bound", wilson_bound, ["BIGINT", "BIGINT", "VARCHAR"]),
        ("mean_bound", mean_bound, ["BIGINT", "BIGINT", "BIGINT", "INTEGER", "INTEGER", "VARCHAR"]),
    ):
        con.create_function(name, function, parameters, "VARCHAR", null_handling="special")


#: The follow-up of the small warehouse, as of FOLLOWUP_AS_OF: r2 contacted in time and closed,
#: r5 never contacted (overdue), r7 contacted late; r1's older submission (a 5) opened a case its
#: published 10 cancels.
FOLLOWUP_AS_OF = "2024-03-08 12:00:00"
#: rpt_case_event_audit rows: source_row_number, response_id, raw_event_type, raw_event_at,
#: raw_owner, status, reason
CASE_EVENT_AUDIT = [
    (1, "r2", "assigned", "2024-03-04T11:00:00Z", "lead_a", "accepted", None),
    (2, "r2", "contacted", "2024-03-05T09:00:00Z", None, "accepted", None),
    (3, "r2", "closed", "2024-03-06T08:00:00Z", None, "accepted", None),
    (4, "r7", "contacted", "2024-03-08T11:00:00Z", None, "superseded", None),
    (5, "r7", "contacted", "2024-03-08T11:00:00Z", None, "accepted", None),
    (6, None, "assigned", "2024-03-05T11:00:00Z", "lead_b", "rejected", "missing_response_id"),
    (7, "r3", "contacted", "2024-03-05T12:00:00Z", None, "accepted", None),
    (8, "zz9", "assigned", "2024-03-05T13:00:00Z", "lead_b", "accepted", None),
    (9, "r5", "called", "2024-03-06T09:00:00Z", None, "rejected", "invalid_event_type"),
]
_T = "timestamp '{}'"
#: fct_followup_cases: case_id, region, nps, csat, priority, reasons, opened_at, owner, status,
#: events, first_contacted_at, hours, is_sla_met, is_overdue, closed_at
FOLLOWUP_CASES = [
    (
        "r1",
        "IDF",
        10,
        5,
        "normal",
        None,
        "2024-03-03 09:00:00",
        None,
        "cancelled",
        0,
        None,
        None,
        None,
        False,
        None,
    ),
    (
        "r2",
        "IDF",
        3,
        2,
        "high",
        "low_score",
        "2024-03-04 10:00:00",
        "lead_a",
        "closed",
        3,
        "2024-03-05 09:00:00",
        "23.00",
        True,
        False,
        "2024-03-06 08:00:00",
    ),
    (
        "r5",
        "unknown",
        6,
        None,
        "normal",
        None,
        "2024-03-05 10:00:00",
        None,
        "open",
        0,
        None,
        None,
        False,
        True,
        None,
    ),
    (
        "r7",
        "ARA",
        0,
        1,
        "high",
        "low_score",
        "2024-03-06 10:00:00",
        None,
        "contacted",
        1,
        "2024-03-08 11:00:00",
        "49.00",
        False,
        False,
        None,
    ),
]
#: fct_followup_daily: case_date, region, opened, in SLA, late, closed, backlog, due, due met,
#: SLA %, median hours (team unknown everywhere)
FOLLOWUP_DAILY = [
    ("2024-03-04", "IDF", 1, 0, 0, 0, 1, 0, 0, None, None),
    ("2024-03-05", "IDF", 0, 1, 0, 0, 1, 0, 0, None, "23.00"),
    ("2024-03-06", "IDF", 0, 0, 0, 1, 0, 1, 1, "100.00", None),
    ("2024-03-07", "IDF", 0, 0, 0, 0, 0, 0, 0, None, None),
    ("2024-03-08", "IDF", 0, 0, 0, 0, 0, 0, 0, None, None),
    ("2024-03-05", "unknown", 1, 0, 0, 0, 1, 0, 0, None, None),
    ("2024-03-06", "unknown", 0, 0, 0, 0, 1, 0, 0, None, None),
    ("2024-03-07", "unknown", 0, 0, 0, 0, 1, 1, 0, "0.00", None),
    ("2024-03-08", "unknown", 0, 0, 0, 0, 1, 0, 0, None, None),
    ("2024-03-06", "ARA", 1, 0, 0, 0, 1, 0, 0, None, None),
    ("2024-03-07", "ARA", 0, 0, 0, 0, 1, 0, 0, None, None),
    ("2024-03-08", "ARA", 0, 0, 1, 0, 1, 1, 0, "0.00", "49.00"),
]


def _build_followup(con: duckdb.DuckDBPyConnection) -> None:
    """The case events' audit and the follow-up marts (consistent with FOLLOWUP_AS_OF)."""
    con.executemany(
        """
        insert into audit.rpt_case_event_audit by name
        select 'case_events' as feed_name, 'case_events.csv' as source_file, ?::bigint as source_row_number,
               ? as response_id, ? as raw_response_id, ? as raw_event_type, ? as raw_event_at,
               ? as raw_owner, ? as status, ? as reason, 1::bigint as load_id,
               timestamp '2024-03-08 06:00:00' as loaded_at
        """,
        [(row, key, key, *rest) for row, key, *rest in CASE_EVENT_AUDIT],
    )
    con.execute(
        """
        create table marts.fct_followup_cases (
            case_id varchar, customer_id varchar, survey_id varchar, channel varchar, region varchar,
            agent_id varchar, team varchar, site varchar, loyalty_tier varchar, nps_score integer,
            nps_category varchar, csat_score integer, case_reason varchar, priority varchar,
            priority_reasons varchar, opened_at timestamp, opened_date date, sla_due_at timestamp,
            owner varchar, status varchar, events bigint, times_reopened bigint,
            first_contacted_at timestamp, hours_to_first_contact numeric(9, 2), is_sla_met boolean,
            is_overdue boolean, closed_at timestamp, next_response_id varchar, next_nps_score integer,
            is_recovered boolean, as_of timestamp)
        """
    )
    for case in FOLLOWUP_CASES:
        (
            case_id,
            region,
            nps,
            csat,
            priority,
            reasons,
            opened,
            owner,
            status,
            events,
            first,
            hours,
            met,
            overdue,
            closed,
        ) = case
        category = None if nps is None else "detractor" if nps <= 6 else "passive" if nps <= 8 else "promoter"
        con.execute(
            """
            insert into marts.fct_followup_cases values (
                ?, 'c-' || ?, null, null, ?, null, 'unknown', 'unknown', 'unknown', ?, ?, ?, 'detractor',
                ?, ?, ?::timestamp, ?::timestamp::date, ?::timestamp + interval 48 hour, ?, ?, ?, 0,
                ?::timestamp, ?::numeric(9, 2), ?, ?, ?::timestamp, null, null, null, ?::timestamp)
            """,
            [
                case_id,
                case_id,
                region,
                nps,
                category,
                csat,
                priority,
                reasons,
                opened,
                opened,
                opened,
                owner,
                status,
                events,
                first,
                hours,
                met,
                overdue,
                closed,
                FOLLOWUP_AS_OF,
            ],
        )
    con.execute(
        """
        create table marts.rpt_followup_queue as
        select row_number() over (
                   order by not is_overdue, priority != 'high', sla_due_at, case_id
               )::bigint as queue_rank,
               case_id, priority, priority_reasons, status, is_overdue,
               (round(epoch_us(sla_due_at) / 36000000.0 - epoch_us(as_of) / 36000000.0) / 100)::numeric(9, 2)
                   as hours_until_due,
               owner, team, region, channel, customer_id, loyalty_tier, nps_score, csat_score, opened_at,
               sla_due_at, first_contacted_at, null::varchar as comment_masked, null::varchar as sentiment,
               null::varchar as themes, as_of
        from marts.fct_followup_cases
        where status in ('open', 'contacted')
        """
    )
    con.execute(
        """
        create table marts.fct_followup_daily (
            case_date date, team varchar, region varchar, cases_opened bigint,
            cases_contacted_in_sla bigint, cases_contacted_late bigint, cases_closed bigint, backlog bigint,
            cases_due bigint, cases_due_met bigint, sla_met_pct numeric(5, 2),
            median_hours_to_first_contact numeric(9, 2), cases_with_next_response bigint,
            cases_recovered bigint, recovery_pct numeric(5, 2))
        """
    )
    con.executemany(
        "insert into marts.fct_followup_daily "
        "values (?::date, 'unknown', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, null)",
        FOLLOWUP_DAILY,
    )
    con.execute(
        f"""
        create table marts.fct_customer_health as
        select customer_id, 'unknown' as loyalty_tier, 1::bigint as responses_365d,
               coalesce(nps_category = 'detractor', false)::int::bigint as detractor_responses_365d,
               response_date as last_response_date, nps_score as last_nps_score,
               nps_category as last_nps_category, null::integer as previous_nps_score,
               null::integer as nps_change, null::varchar as last_sentiment,
               coalesce(open_cases, 0)::bigint as open_cases,
               coalesce(overdue_cases, 0)::bigint as overdue_cases,
               (select case_id from marts.fct_followup_cases as c
                where c.customer_id = r.customer_id and c.status != 'cancelled') as latest_case_id,
               (select status from marts.fct_followup_cases as c
                where c.customer_id = r.customer_id and c.status != 'cancelled') as latest_case_status,
               false as is_repeat_detractor, coalesce(overdue_cases, 0) > 0 as is_at_risk,
               case when overdue_cases > 0 then 'overdue_case' end as at_risk_reasons,
               false as is_likely_promoter, null::varchar as likely_promoter_reasons,
               case when nps_score is not null then 0.3 end::double as detractor_risk,
               case when nps_score is not null then 0.4 end::double as promoter_propensity,
               timestamp '{FOLLOWUP_AS_OF}' as as_of
        from marts.fct_nps_responses as r
        left join (
            select customer_id,
                   count(*) filter (where status in ('open', 'contacted')) as open_cases,
                   count(*) filter (where is_overdue) as overdue_cases
            from marts.fct_followup_cases
            group by all
        ) using (customer_id)
        """
    )
    con.execute(
        """
        create table marts.rpt_campaign_audiences as
        select 'referral_candidates' as audience, customer_id, 'recent_promoter' as reasons, loyalty_tier,
               last_nps_score, last_response_date, null::varchar as case_id, null::varchar as case_status,
               is_at_risk, as_of
        from marts.fct_customer_health where last_nps_category = 'promoter' and open_cases = 0
        union all
        select 'passive_reengagement', customer_id, 'passive', loyalty_tier, last_nps_score,
               last_response_date, null, null, is_at_risk, as_of
        from marts.fct_customer_health
        where last_nps_category = 'passive' and open_cases = 0 and not is_at_risk
        union all
        select 'detractor_recovery', customer_id, 'last_answer_detractor', loyalty_tier, last_nps_score,
               last_response_date, null, null, is_at_risk, as_of
        from marts.fct_customer_health where last_nps_category = 'detractor' or open_cases > 0
        """
    )
    con.execute(
        """
        create table audit.rpt_unknown_case_events as
        select source_file, source_row_number, response_id, raw_event_type as event_type,
               raw_event_at::timestamp as event_at, feed_name,
               case when response_id in (select response_id from marts.fct_nps_responses)
                    then 'not_a_case' else 'unknown_response' end as problem
        from audit.rpt_case_event_audit
        where status = 'accepted'
          and response_id not in (select case_id from marts.fct_followup_cases)
        """
    )


def build_warehouse(path: Path) -> None:
    """Write a small, fully consistent warehouse to ``path``."""
    con = duckdb.connect(str(path))
    try:
        _register_functions(con)
        con.execute(DDL)
        for response in RESPONSES:
            _insert_response(con, response)
        _build_programme(con)
        _build_followup(con)
        # an older submission of r1 (superseded) and two rejected rows
        con.execute(
            """
            insert into audit.rpt_response_audit by name
            select * from (values
                (1, 'r1', 'r1', 'c-r1', '2024-03-03T09:00:00Z', 'email', 'IDF', 'consumer', '5',
                 'superseded', null, null),
                (9, null, null, 'c-x', '2024-03-04T10:00:00Z', 'sms', 'IDF', 'consumer', '9',
                 'rejected', 'missing_response_id', null),
                (10, 'r9', 'r9', 'c-r9', '2024-03-04T10:00:00Z', 'sms', 'IDF', 'consumer', '1e1',
                 'rejected', 'invalid_score', 'invalid_score')
            ) as t(source_row_number, response_id, raw_response_id, raw_customer_id,
                   raw_submitted_at, raw_channel, raw_region, raw_segment, raw_score, status,
                   reason, metric_issues),
                 (select 'demo.csv' as source_file, 'default' as feed_name,
                         'RNPS-2026' as raw_survey_id)
            """
        )
        con.execute(
            "insert into marts.fct_nps_daily "
            + DAILY_SELECT.format(keys="response_date, channel, region, segment")
        )
        for dim in ("channel", "region", "segment"):
            con.execute(
                f"insert into marts.fct_nps_daily_by_{dim} "
                + DAILY_SELECT.format(keys=f"response_date, {dim}")
            )
        con.execute("insert into marts.fct_nps_daily_overall " + DAILY_SELECT.format(keys="response_date"))
        measures = "\nunion all\n".join(
            CUBE_MEASURES.format(
                name=name,
                value="'all'" if column is None else f"coalesce({column}::varchar, 'unknown')",
            )
            for name, column in CUBE_DIMENSIONS.items()
        )
        con.execute(CUBE_SCORES.format(measures=measures))
        publish_statistics(con, TARGETS)
        publish_comments(con)
        publish_agents(con)
        con.executemany("insert into marts.dim_channel values (?, ?, ?)", CHANNEL_ROWS)
        con.execute(
            """
            insert into marts.dim_region values
            ('IDF', 'Île-de-France', 'FR', true), ('ARA', 'Auvergne-Rhône-Alpes', 'FR', true),
            ('unknown', 'Unknown', null, true), ('XYZ', 'XYZ', null, false)
            """
        )
        con.execute(
            """
            insert into marts.dim_segment values
            ('consumer', 'Consumer', true), ('smb', 'Small business', true),
            ('unknown', 'Unknown', true)
            """
        )
        con.executemany(
            "insert into marts.dim_survey values (?, ?, ?, ?, ?, ?, ?)",
            [(survey_id, *attributes) for survey_id, attributes in SURVEYS.items()],
        )
        con.execute(
            """
            insert into marts.dim_date
            select d, year(d), quarter(d), month(d), day(d), isodow(d), isodow(d) >= 6,
                   date_trunc('week', d)::date, date_trunc('month', d)::date,
                   date_trunc('quarter', d)::date, date_trunc('year', d)::date
            from (select unnest(range(date '2024-03-04', date '2024-03-07', interval 1 day))::date as d)
            """
        )
        con.execute(
            "insert into audit.rpt_unmapped_channels values "
            "('pigeon', 'pigeon', 1, date '2024-03-05', date '2024-03-05')"
        )
        known = ", ".join(f"('{name}', '{code}')" for name, codes in KNOWN_CODES.items() for code in codes)
        coded = ", ".join(f"'{name}'" for name in KNOWN_CODES)
        con.execute(
            f"""
            create table audit.rpt_unmapped_codes as
            select dimension_name, dimension_value as code, sum(responses)::bigint as responses,
                   min(response_date) as first_response_date, max(response_date) as last_response_date
            from marts.fct_cx_daily_by_dimension
            where dimension_name in ({coded})
              and dimension_value != 'unknown'
              and (dimension_name, dimension_value) not in (select * from (values {known}))
            group by all
            """
        )
        con.execute(
            """
            create table audit.rpt_rejected_rows as
            select source_file, source_row_number, feed_name, reason, response_id, raw_response_id,
                   raw_submitted_at, raw_score, raw_csat_score, raw_ces_score, metric_issues,
                   raw_response_type, raw_finished, 'UTC' as source_timezone
            from audit.rpt_response_audit
            where status = 'rejected'
            """
        )
        reasons = ", ".join(
            f"count(*) filter (where reason = '{reason}')::bigint as rejected_{reason}"
            for reason in LOAD_HISTORY_REASONS
        )
        audits = "\nunion all\n".join(
            f"select feed_name, '{source}' as source_name, source_file, status, reason from audit.{audit}"
            for source, audit in {"responses": "rpt_response_audit", **SOURCE_AUDIT}.items()
        )
        con.execute(
            f"""
            create table audit.rpt_load_history as
            select feed_name, source_name, source_file, repeat('a', 64) as file_fingerprint,
                   1234::bigint as file_bytes, 'UTC' as source_timezone, null::varchar as missing_columns,
                   count(*)::bigint as rows_read, count(*)::bigint as rows_staged,
                   count(*) filter (where status = 'accepted')::bigint as accepted,
                   count(*) filter (where status = 'rejected')::bigint as rejected,
                   count(*) filter (where status = 'superseded')::bigint as superseded,
                   count(*) filter (where status = 'pending')::bigint as pending,
                   {reasons}
            from ({audits})
            group by all
            """
        )
    finally:
        con.close()


@pytest.fixture(scope="session")
def good_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "nps.duckdb"
    build_warehouse(path)
    return path


@pytest.fixture(scope="session")
def good_report(good_warehouse: Path) -> ValidationReport:
    return validate_warehouse(str(good_warehouse))


# ------------------------------------------------------------------------------------------
# The busy warehouse: enough responses for the tests of the statistics marts
# ------------------------------------------------------------------------------------------

BUSY_START = date(2024, 1, 1)
BUSY_DAYS = 91  # to 2024-03-31: 13 whole ISO weeks, three months, a quarter
#: The week email's NPS and CSAT drop (they recover the week after).
DROP_WEEK = date(2024, 2, 12)
#: The day most sms answers are detractors.
SPIKE_DAY = date(2024, 3, 1)
#: Targets the busy cells miss: overall NPS (about 30), email's CSAT in months (about 70%), sms's
#: CES mean (about 4); web's NPS target is never tested (too few responses).
BUSY_TARGETS = {
    ("overall", "all", "nps", None): Decimal("45.00"),
    ("channel", "email", "csat_pct", "month"): Decimal("85.00"),
    ("channel", "sms", "ces_mean", None): Decimal("5.50"),
    ("channel", "web", "nps", None): Decimal("10.00"),
}
CSAT_USUAL = (0.05, 0.1, 0.15, 0.35, 0.35)
CSAT_BAD = (0.3, 0.3, 0.2, 0.1, 0.1)


def busy_sums(
    rng: random.Random, responses: int, promoters: float, detractors: float, csat_weights: tuple[float, ...]
) -> dict[str, int]:
    """The additive measures of ``responses`` drawn at random (every one with an NPS, 80% with a
    CSAT, 60% with a CES)."""
    sums = dict.fromkeys(ADDITIVE, 0)
    for _ in range(responses):
        sums["responses"] += 1
        sums["nps_responses"] += 1
        draw = rng.random()
        category = (
            "promoters" if draw < promoters else "detractors" if draw < promoters + detractors else "passives"
        )
        sums[category] += 1
        if rng.random() < 0.8:
            csat = rng.choices(range(1, 6), csat_weights)[0]
            sums["csat_responses"] += 1
            sums["csat_satisfied"] += csat >= 4
            sums["csat_score_sum"] += csat
            sums["csat_score_sum_squares"] += csat * csat
        if rng.random() < 0.6:
            ces = rng.randint(1, 7)
            sums["ces_responses"] += 1
            sums["ces_easy"] += ces >= 5
            sums["ces_difficult"] += ces <= 3
            sums["ces_score_sum"] += ces
            sums["ces_score_sum_squares"] += ces * ces
    return sums


def busy_cube() -> list[tuple[Any, ...]]:
    """Cells overall, channel email (about 40 responses a day), sms (25) and web (0-2)."""
    rng = random.Random(20240101)
    stats = StatsSettings()
    rows = []
    for offset in range(BUSY_DAYS):
        day = BUSY_START + timedelta(days=offset)
        dropping = DROP_WEEK <= day < DROP_WEEK + timedelta(days=7)
        cells = {
            "email": busy_sums(
                rng, rng.randint(30, 50), *((0.2, 0.5, CSAT_BAD) if dropping else (0.5, 0.2, CSAT_USUAL))
            ),
            "sms": busy_sums(
                rng, *((60, 0.1, 0.7) if day == SPIKE_DAY else (rng.randint(15, 35), 0.5, 0.2)), CSAT_USUAL
            ),
            "web": busy_sums(rng, rng.choice((0, 0, 1, 2)), 0.5, 0.2, CSAT_USUAL),
        }
        overall = {column: sum(sums[column] for sums in cells.values()) for column in ADDITIVE}
        for name, value, sums in [
            ("overall", "all", overall),
            *(("channel", c, s) for c, s in cells.items()),
        ]:
            if sums["responses"]:
                rows.append((day, name, value, *cx_block(tuple(sums[column] for column in ADDITIVE), stats)))
    return rows


@pytest.fixture(scope="session")
def busy_warehouse(good_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("busy") / "nps.duckdb"
    shutil.copyfile(good_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        con.execute(cx_ddl(CUBE))
        marks = ", ".join("?" * len(MART_COLUMNS[CUBE]))
        con.executemany(f"insert into marts.{CUBE} values ({marks})", busy_cube())
        publish_statistics(con, BUSY_TARGETS)
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def busy_report(busy_warehouse: Path) -> ValidationReport:
    return validate_warehouse(str(busy_warehouse), marts=STATISTICS_MARTS)


@pytest.fixture
def busy_copy(busy_warehouse: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "busy.duckdb"
    shutil.copyfile(busy_warehouse, path)
    yield path


@pytest.fixture
def warehouse_copy(good_warehouse: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "nps.duckdb"
    shutil.copyfile(good_warehouse, path)
    yield path


def corrupt(path: Path, *statements: str, marts: list[str] | None = None) -> ValidationReport:
    """Run ``statements`` on the warehouse (the functions its marts are written with at hand),
    then validate it (only ``marts`` if given)."""
    con = duckdb.connect(str(path))
    try:
        _register_functions(con)
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return validate_warehouse(str(path), marts=marts)


def failures(report: ValidationReport, mart: str) -> set[tuple[str, str | None]]:
    return {(o.expectation_type, o.column) for o in report.mart(mart).failed}


def failing_marts(report: ValidationReport) -> set[str]:
    return {mart.mart for mart in report.marts if not mart.success}


def query(path: Path, sql: str) -> list[tuple]:
    """The rows of ``sql`` on the warehouse at ``path`` (read-only)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def failed_outcome(report: ValidationReport, mart: str, column: str) -> ExpectationOutcome:
    return next(o for o in report.mart(mart).failed if o.column == column)


# ------------------------------------------------------------------------------------------
# NPS arithmetic
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promoters", "detractors", "responses", "expected"),
    [
        (1, 0, 32, "3.13"),  # 3.125: half away from zero
        (0, 1, 32, "-3.13"),
        (2, 1, 3, "33.33"),
        (2, 0, 3, "66.67"),
        (0, 2, 3, "-66.67"),
        (5, 0, 5, "100.00"),
        (0, 0, 1, "0.00"),
        (1, 2, 8, "-12.50"),
    ],
)
def test_expected_nps_rounds_half_away_from_zero(
    promoters: int, detractors: int, responses: int, expected: str
) -> None:
    assert expected_nps(promoters, detractors, responses) == Decimal(expected)


def test_expected_nps_missing_inputs() -> None:
    assert expected_nps(None, 0, 1) is None
    assert expected_nps(1, 0, 0) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "expected"),
    [
        (1, 800, 100, "0.13"),  # 0.125: half away from zero
        (-1, 800, 100, "-0.13"),
        (1, 3, 100, "33.33"),
        (2, 3, 100, "66.67"),
        (8, 3, 1, "2.67"),
        (17, 4, 1, "4.25"),
        (5, 5, 100, "100.00"),
        (0, 2, 1, "0.00"),
    ],
)
def test_expected_ratio_rounds_half_away_from_zero(
    numerator: int, denominator: int, scale: int, expected: str
) -> None:
    assert expected_ratio(numerator, denominator, scale) == Decimal(expected)
    # the rounding the hand-made cube is written with agrees
    assert half_away(numerator, denominator, scale) == expected


def test_expected_ratio_without_responses() -> None:
    assert expected_ratio(0, 0, 100) is None
    assert expected_ratio(None, 1, 1) is None
    assert half_away(0, 0, 100) is None


# ------------------------------------------------------------------------------------------
# Good data
# ------------------------------------------------------------------------------------------


def test_good_warehouse_passes(good_report: ValidationReport) -> None:
    failed = [(o.mart, o.description, o.unexpected_examples, o.error) for o in good_report.failed]
    assert failed == []
    assert good_report.success
    assert [mart.mart for mart in good_report.marts] == list(MART_COLUMNS)
    assert all(mart.outcomes for mart in good_report.marts)
    assert good_report.mart("fct_nps_responses").row_count == len(RESPONSES)


def test_good_warehouse_holds_the_cx_cases(good_warehouse: Path) -> None:
    """The hand-made warehouse exercises what the CX checks are about (else they pass vacuously)."""

    def count(sql: str) -> int:
        return int(query(good_warehouse, sql)[0][0])

    responses = "select count(*) from marts.fct_nps_responses where "
    assert count(responses + "nps_score is null and csat_score is not null and ces_score is null") == 1
    assert count(responses + "nps_score is null and csat_score is null and ces_score is not null") == 1
    assert count(responses + "nps_score is null") == len(RESPONSES) - len(WITH_NPS)
    assert count("select sum(responses) from marts.fct_nps_daily_overall") == len(WITH_NPS)
    cube = f"select count(*) from marts.{CUBE} where "
    assert count(cube + "nps_responses = 0") > 0
    assert count(cube + "csat_responses = 0") > 0
    assert count(cube + "ces_responses = 0") > 0
    assert count(cube + "dimension_name = 'overall' and dimension_value = 'all'") == 3
    assert count(f"select count(distinct dimension_name) from marts.{CUBE}") == len(CUBE_DIMENSIONS)
    assert count("select count(*) from marts.dim_survey where not is_reference_survey") == 1
    assert count("select count(*) from audit.rpt_unmapped_codes") == 2
    assert count("select count(*) from audit.rpt_response_audit where metric_issues is not null") == 2


def test_good_warehouse_holds_the_programme_cases(good_warehouse: Path) -> None:
    """The other sources' marts exercise what their checks are about: customers and agents with
    two versions, a response before its customer's first version, bounced and answered
    invitations, a day whose invitations all bounced, responses naming unknown invitations, every
    status in every audit."""

    def count(sql: str) -> int:
        return int(query(good_warehouse, sql)[0][0])

    assert count("select count(*) from marts.dim_customer where versions = 2") == 2
    assert count("select count(*) from marts.dim_agent where versions = 2") == 1
    assert count("select count(*) from marts.fct_cx_responses where loyalty_tier = 'silver'") == 2
    assert count("select count(*) from marts.fct_cx_responses where team = 'retention'") == 1
    assert (
        count("select count(*) from marts.fct_cx_responses where age_band = 'unknown'") == len(RESPONSES) - 2
    )
    assert count("select count(*) from marts.fct_invitations_daily where response_rate is null") == 1
    assert count("select sum(bounced) from marts.fct_invitations_daily") == 2
    assert count("select sum(answered) from marts.fct_invitations_daily") == 2
    assert count("select count(*) from audit.rpt_unknown_invitations") == len(UNKNOWN_INVITATIONS)
    for audit in SOURCE_AUDIT.values():
        assert count(f"select count(distinct status) from audit.{audit}") == 3, audit
    assert count("select count(distinct source_name) from audit.rpt_load_history") == 7
    assert count("select count(*) from audit.rpt_unknown_case_events") == 2
    assert count("select count(*) from marts.rpt_followup_queue") == 2


def test_bands_are_those_of_the_seed() -> None:
    """quality.BANDS mirrors seeds/nps_bands.csv (band, lower bound inclusive, upper exclusive)."""
    import csv

    with (REPO_ROOT / "seeds" / "nps_bands.csv").open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: (row["band_type"], int(row["sort_order"])))
    seed: dict[str, list[tuple[str, int | None, int | None]]] = {}
    for row in rows:
        bound = {key: int(row[key]) if row[key] else None for key in ("lower_bound", "upper_bound")}
        seed.setdefault(row["band_type"], []).append(
            (row["band"], bound["lower_bound"], bound["upper_bound"])
        )
    assert {band_type: tuple(bands) for band_type, bands in seed.items()} == BANDS


def test_good_report_renders_and_serialises(good_report: ValidationReport) -> None:
    text = render_text_report(good_report)
    assert "FAIL" not in text
    assert "PASS  fct_nps_daily_overall" in text
    assert text.rstrip().endswith(f"expectations passed on {len(MART_COLUMNS)} marts")
    summary = json.loads(json.dumps(good_report.to_dict()))
    assert summary["success"] is True
    assert len(summary["marts"]) == len(MART_COLUMNS)


def test_nps_read_as_decimal_objects_is_handled(good_warehouse: Path) -> None:
    """DuckDB may hand numeric(5, 2) back as Decimal objects; the checks must accept both."""
    from nps_warehouse.quality import load_marts, validate_frames

    frames = load_marts(str(good_warehouse))
    daily = ["fct_nps_daily", "fct_nps_daily_overall"]
    for mart in daily:
        frames[mart]["nps"] = [Decimal(f"{value:.2f}") for value in frames[mart]["nps"]]
        assert frames[mart]["nps"].dtype == object
    assert validate_frames(frames, marts=daily).success
    frames["fct_nps_daily_overall"].loc[0, "nps"] = Decimal("-100.01")
    report = validate_frames(frames, marts=daily)
    assert ("expect_column_values_to_be_between", "nps") in failures(report, "fct_nps_daily_overall")


def test_cube_scores_read_as_decimal_objects_are_handled(good_warehouse: Path) -> None:
    """The cube's scores as Decimal objects (None where a metric has no response) pass too."""
    from nps_warehouse.quality import load_marts, validate_frames

    frames = load_marts(str(good_warehouse))
    cube = frames[CUBE]
    for column in ("nps", "csat_pct", "csat_mean", "ces_easy_pct", "ces_mean"):
        cube[column] = [None if math.isnan(value) else Decimal(f"{value:.2f}") for value in cube[column]]
        assert cube[column].dtype == object
    assert validate_frames(frames, marts=[CUBE]).success
    cube.loc[cube["csat_mean"].notna().idxmax(), "csat_mean"] += Decimal("0.01")
    report = validate_frames(frames, marts=[CUBE])
    assert failures(report, CUBE) == {("expect_column_values_to_be_in_set", "chk_csat_mean_recomputed")}


# ------------------------------------------------------------------------------------------
# Corruptions
# ------------------------------------------------------------------------------------------


def test_nps_out_of_range(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_daily_overall set nps = 150 where response_date = '2024-03-05'",
        marts=["fct_nps_daily_overall"],
    )
    failed = failures(report, "fct_nps_daily_overall")
    assert ("expect_column_values_to_be_between", "nps") in failed
    assert ("expect_column_values_to_be_in_set", "chk_nps_matches_recomputed") in failed


def test_counts_do_not_add_up(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_daily_by_channel set passives = passives + 1 "
        "where channel = 'email' and response_date = '2024-03-04'",
        marts=["fct_nps_daily_by_channel"],
    )
    failed = failures(report, "fct_nps_daily_by_channel")
    assert ("expect_column_values_to_be_in_set", "chk_counts_gap") in failed
    outcome = next(o for o in report.mart("fct_nps_daily_by_channel").failed if o.column == "chk_counts_gap")
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_examples[0]["channel"] == "email"


def test_nps_differs_from_recomputed_value(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_daily_by_region set nps = nps + 0.01 where region = 'ARA'",
    )
    failed = failures(report, "fct_nps_daily_by_region")
    assert failed == {("expect_column_values_to_be_in_set", "chk_nps_matches_recomputed")}
    assert failing_marts(report) == {"fct_nps_daily_by_region"}


def test_null_primary_key(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set response_id = null where response_id = 'r3'",
        marts=["fct_nps_responses"],
    )
    assert ("expect_column_values_to_not_be_null", "response_id") in failures(report, "fct_nps_responses")


def test_duplicate_grain(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "insert into marts.fct_nps_daily_by_segment "
        "select * from marts.fct_nps_daily_by_segment where segment = 'smb' "
        "and response_date = '2024-03-06'",
        marts=["fct_nps_daily_by_segment"],
    )
    failed = failures(report, "fct_nps_daily_by_segment")
    assert ("expect_compound_columns_to_be_unique", "response_date,segment") in failed
    # the duplicate also breaks the reconciliation with fct_nps_daily_overall
    assert ("expect_column_sum_to_be_between", "responses") in failed
    assert (
        "expect_column_values_to_be_in_set",
        "chk_responses_gap_vs_overall",
    ) in failed


def test_unknown_nps_category(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set nps_category = 'neutral' where response_id = 'r3'",
        marts=["fct_nps_responses"],
    )
    failed = failures(report, "fct_nps_responses")
    assert ("expect_column_values_to_be_in_set", "nps_category") in failed
    assert ("expect_column_values_to_be_in_set", "chk_category_matches_score") in failed


def test_category_inconsistent_with_score(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set nps_score = 6 where response_id = 'r3'",
        marts=["fct_nps_responses"],
    )
    failed = failures(report, "fct_nps_responses")
    assert failed == {("expect_column_values_to_be_in_set", "chk_category_matches_score")}


def test_score_eleven(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set nps_score = 11 where response_id = 'r1'",
        marts=["fct_nps_responses"],
    )
    failed = failures(report, "fct_nps_responses")
    assert ("expect_column_values_to_be_in_set", "nps_score") in failed
    outcome = next(o for o in report.mart("fct_nps_responses").failed if o.column == "nps_score")
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_examples[0]["nps_score"] == 11


def test_unknown_channel_not_in_dim_channel(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set channel = 'fax' where response_id = 'r1'",
        marts=["fct_nps_responses"],
    )
    assert ("expect_column_values_to_be_in_set", "channel") in failures(report, "fct_nps_responses")


def test_audit_status_outside_set(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_response_audit set status = 'pending' where source_row_number = 1",
        marts=["rpt_response_audit"],
    )
    assert failures(report, "rpt_response_audit") == {("expect_column_values_to_be_in_set", "status")}


def test_rejected_row_without_reason(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_response_audit set reason = null where source_row_number = 10",
        marts=["rpt_response_audit"],
    )
    assert (
        "expect_column_values_to_be_in_set",
        "chk_reason_set_iff_rejected",
    ) in failures(report, "rpt_response_audit")


def test_audit_accepted_count_differs(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_response_audit set status = 'superseded' where response_id = 'r2'",
        marts=["rpt_response_audit"],
    )
    assert ("expect_column_sum_to_be_between", "chk_is_accepted") in failures(report, "rpt_response_audit")


def test_dim_date_gap(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from marts.dim_date where date_day = '2024-03-05'",
        marts=["dim_date"],
    )
    failed = failures(report, "dim_date")
    assert (
        "expect_column_values_to_be_in_set",
        "chk_days_since_previous_row",
    ) in failed
    assert ("expect_table_row_count_to_equal", None) in failed


def test_extra_column_breaks_contract(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "alter table marts.dim_segment add column note varchar",
        marts=["dim_segment"],
    )
    outcome = report.mart("dim_segment").failed
    assert [o.expectation_type for o in outcome] == ["expect_table_columns_to_match_set"]
    assert outcome[0].unexpected_examples == [{"unexpected": ["note"]}]


def test_missing_column_skips_dependent_checks(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "alter table marts.fct_nps_daily_overall drop column passives",
        marts=["fct_nps_daily_overall", "fct_nps_daily_by_channel"],
    )
    failed = report.mart("fct_nps_daily_overall").failed
    assert failed[0].expectation_type == "expect_table_columns_to_match_set"
    assert any(o.expectation_type == "derived_checks" and o.error for o in failed)
    # the per-day reconciliation of another mart against the broken one is reported too
    skipped = [
        o for o in report.mart("fct_nps_daily_by_channel").failed if o.expectation_type == "derived_checks"
    ]
    assert skipped and "fct_nps_daily_overall lacks passives" in str(skipped[0].error)
    assert not report.success


def test_missing_mart_raises(warehouse_copy: Path) -> None:
    con = duckdb.connect(str(warehouse_copy))
    con.execute("drop table audit.rpt_unmapped_channels")
    con.close()
    with pytest.raises(WarehouseUnavailableError, match="rpt_unmapped_channels"):
        validate_warehouse(str(warehouse_copy))


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(WarehouseUnavailableError, match="make build"):
        validate_warehouse(str(tmp_path / "absent.duckdb"))


# ------------------------------------------------------------------------------------------
# Corruptions of the CX programme: metrics, the daily cube, dim_survey
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "response_id"),
    [("csat_score", 6, "r1"), ("csat_score", 0, "r10"), ("ces_score", 8, "r11"), ("ces_score", 0, "r3")],
)
def test_metric_score_outside_its_scale(
    warehouse_copy: Path, column: str, value: int, response_id: str
) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.fct_nps_responses set {column} = {value} where response_id = '{response_id}'",
        marts=["fct_nps_responses"],
    )
    # the category is left as it was, and no longer agrees with a score outside the scale
    category = column.replace("_score", "_category")
    assert failures(report, "fct_nps_responses") == {
        ("expect_column_values_to_be_in_set", column),
        ("expect_column_values_to_be_in_set", f"chk_{category}_matches_score"),
    }
    outcome = failed_outcome(report, "fct_nps_responses", column)
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_examples[0]["response_id"] == response_id


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("csat_category", "happy", "chk_csat_category_matches_score"),
        ("ces_category", "effortless", "chk_ces_category_matches_score"),
        ("survey_type", "nps", None),
    ],
)
def test_response_category_outside_its_set(
    warehouse_copy: Path, column: str, value: str, check: str | None
) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.fct_nps_responses set {column} = '{value}' where response_id = 'r3'",
        marts=["fct_nps_responses"],
    )
    expected = {("expect_column_values_to_be_in_set", column)}
    if check:  # a category outside its set is not the one of its score either
        expected.add(("expect_column_values_to_be_in_set", check))
    assert failures(report, "fct_nps_responses") == expected


def test_response_without_nps_score_passes(warehouse_copy: Path) -> None:
    """A response may carry only CSAT or CES: nps_score and nps_category both null is valid;
    a category without a score is not."""
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set nps_score = null, nps_category = null where response_id = 'r6'",
        marts=["fct_nps_responses"],
    )
    assert report.success, [(o.description, o.unexpected_examples) for o in report.failed]
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set nps_category = 'passive' where response_id = 'r6'",
        marts=["fct_nps_responses"],
    )
    assert failures(report, "fct_nps_responses") == {
        ("expect_column_values_to_be_in_set", "chk_category_matches_score")
    }


def test_nps_marts_counting_responses_without_nps_score(warehouse_copy: Path) -> None:
    """The NPS marts built as before the CX programme, over every response (one a day gave no
    NPS): their totals differ from the rows of fct_nps_responses with an nps_score."""
    every_response = DAILY_SELECT.replace("where nps_score is not null\n", "")
    assert every_response != DAILY_SELECT
    keys = {
        "fct_nps_daily": "response_date, channel, region, segment",
        "fct_nps_daily_by_channel": "response_date, channel",
        "fct_nps_daily_by_region": "response_date, region",
        "fct_nps_daily_by_segment": "response_date, segment",
        "fct_nps_daily_overall": "response_date",
    }
    statements = []
    for mart, grain in keys.items():
        statements += [
            f"delete from marts.{mart}",
            f"insert into marts.{mart} " + every_response.format(keys=grain),
        ]
    report = corrupt(warehouse_copy, *statements, marts=["fct_nps_daily", "fct_nps_daily_overall"])
    daily = failures(report, "fct_nps_daily")
    assert ("expect_column_sum_to_be_between", "responses") in daily
    assert ("expect_column_values_to_be_in_set", "chk_responses_gap_vs_fct_nps_responses") in daily
    gap = failed_outcome(report, "fct_nps_daily", "chk_responses_gap_vs_fct_nps_responses")
    assert gap.unexpected_count == 3  # each day has a response without an NPS score
    sum_outcome = next(
        o
        for o in report.mart("fct_nps_daily").failed
        if o.expectation_type == "expect_column_sum_to_be_between"
    )
    assert sum_outcome.observed_value == len(RESPONSES)
    assert f"with an nps_score ({len(WITH_NPS)})" in sum_outcome.description
    assert ("expect_column_sum_to_be_between", "responses") in failures(report, "fct_nps_daily_overall")


@pytest.mark.parametrize(("score", "good_value"), [("csat_mean", "3.00"), ("ces_easy_pct", "33.33")])
def test_cube_score_off_by_a_hundredth(warehouse_copy: Path, score: str, good_value: str) -> None:
    cell = "where dimension_name = 'overall' and response_date = '2024-03-06'"
    assert query(warehouse_copy, f"select {score} from marts.{CUBE} {cell}") == [(Decimal(good_value),)]
    report = corrupt(warehouse_copy, f"update marts.{CUBE} set {score} = {score} + 0.01 {cell}", marts=[CUBE])
    assert failures(report, CUBE) == {("expect_column_values_to_be_in_set", f"chk_{score}_recomputed")}
    outcome = failed_outcome(report, CUBE, f"chk_{score}_recomputed")
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_examples[0]["dimension_name"] == "overall"


def test_cube_dimension_does_not_add_up_to_overall(warehouse_copy: Path) -> None:
    """One dimension's cell booked on the wrong day: the total is right, the days are not."""
    report = corrupt(
        warehouse_copy,
        f"update marts.{CUBE} set response_date = '2024-03-05' "
        "where dimension_name = 'language' and dimension_value = 'de'",
        marts=[CUBE],
    )
    # the language cells of both days no longer count the day's responses, and the moved cell
    # is not the one recomputed from fct_cx_responses (nor is the cell it should have been)
    assert failures(report, CUBE) == {
        ("expect_column_values_to_be_in_set", "chk_dimension_adds_up_to_overall"),
        ("expect_column_values_to_be_in_set", "chk_responses_gap_vs_fct_cx_responses"),
        ("expect_column_values_to_be_in_set", "chk_cell_recomputed_from_fct_cx_responses"),
    }
    outcome = failed_outcome(report, CUBE, "chk_dimension_adds_up_to_overall")
    # the language cells of both days: en, unknown and de on 2024-03-05, fr on 2024-03-06
    assert outcome.unexpected_count == 4
    assert {example["dimension_name"] for example in outcome.unexpected_examples} == {"language"}
    per_day = failed_outcome(report, CUBE, "chk_responses_gap_vs_fct_cx_responses")
    assert [(str(e["response_date"])[:10], e["dimension_name"]) for e in per_day.unexpected_examples] == [
        ("2024-03-05", "language"),
        ("2024-03-06", "language"),
    ]
    recomputed = failed_outcome(report, CUBE, "chk_cell_recomputed_from_fct_cx_responses")
    assert recomputed.unexpected_count == 2


def test_cube_nps_counts_do_not_add_up(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{CUBE} set passives = passives + 1 "
        "where dimension_name = 'channel' and dimension_value = 'email' and response_date = '2024-03-04'",
        marts=[CUBE],
    )
    failed = failures(report, CUBE)
    assert ("expect_column_values_to_be_in_set", "chk_nps_counts_gap") in failed
    outcome = failed_outcome(report, CUBE, "chk_nps_counts_gap")
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_examples[0]["dimension_value"] == "email"
    # the channel cells of that day no longer add up to the overall cell either
    assert ("expect_column_values_to_be_in_set", "chk_dimension_adds_up_to_overall") in failed


def test_cube_nps_without_nps_responses(warehouse_copy: Path) -> None:
    cells = query(warehouse_copy, f"select count(*) from marts.{CUBE} where nps_responses = 0")[0][0]
    assert cells > 0
    report = corrupt(warehouse_copy, f"update marts.{CUBE} set nps = 0 where nps_responses = 0", marts=[CUBE])
    assert failures(report, CUBE) == {("expect_column_values_to_be_in_set", "chk_nps_recomputed")}
    assert failed_outcome(report, CUBE, "chk_nps_recomputed").unexpected_count == cells


def test_cube_unknown_dimension_name(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{CUBE} set dimension_name = 'country' where dimension_name = 'region'",
        marts=[CUBE],
    )
    # and the days lack the region cells
    assert failures(report, CUBE) == {
        ("expect_column_values_to_be_in_set", "dimension_name"),
        ("expect_column_values_to_be_in_set", "chk_day_has_cells_of_each_dimension"),
        ("expect_column_values_to_be_in_set", "chk_responses_gap_vs_fct_cx_responses"),
        ("expect_column_values_to_be_in_set", "chk_cell_recomputed_from_fct_cx_responses"),
    }


def test_dim_survey_type_outside_set(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.dim_survey set survey_type = 'nps' where survey_id = 'RNPS-2026'",
        marts=["dim_survey"],
    )
    assert failures(report, "dim_survey") == {("expect_column_values_to_be_in_set", "survey_type")}
    assert (
        failed_outcome(report, "dim_survey", "survey_type").unexpected_examples[0]["survey_id"] == "RNPS-2026"
    )


# ------------------------------------------------------------------------------------------
# Corruptions of the responses' metrics: a score on every response, categories of CSAT and CES
# ------------------------------------------------------------------------------------------


def test_response_without_any_score(warehouse_copy: Path) -> None:
    """r10 carries only a CSAT score: without it the response carries nothing."""
    report = corrupt(
        warehouse_copy,
        "update marts.fct_nps_responses set csat_score = null, csat_category = null "
        "where response_id = 'r10'",
        marts=["fct_nps_responses"],
    )
    assert failures(report, "fct_nps_responses") == {("expect_column_values_to_be_in_set", "chk_has_a_score")}
    assert (
        failed_outcome(report, "fct_nps_responses", "chk_has_a_score").unexpected_examples[0]["response_id"]
        == "r10"
    )


@pytest.mark.parametrize(
    ("assignment", "check"),
    [
        ("csat_category = 'neutral'", "chk_csat_category_matches_score"),  # r3: CSAT 4 is satisfied
        ("csat_score = 3", "chk_csat_category_matches_score"),  # 3 is neutral
        ("ces_category = 'difficult'", "chk_ces_category_matches_score"),  # r3: CES 6 is easy
        ("ces_score = 4", "chk_ces_category_matches_score"),  # 4 is neutral
        ("ces_score = null", "chk_ces_category_matches_score"),  # a category without a score
        ("csat_category = null", "chk_csat_category_matches_score"),  # a score without a category
    ],
)
def test_csat_and_ces_categories_follow_their_scores(
    warehouse_copy: Path, assignment: str, check: str
) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.fct_nps_responses set {assignment} where response_id = 'r3'",
        marts=["fct_nps_responses"],
    )
    assert failures(report, "fct_nps_responses") == {("expect_column_values_to_be_in_set", check)}


# ------------------------------------------------------------------------------------------
# Corruptions of fct_cx_responses
# ------------------------------------------------------------------------------------------

CX = "fct_cx_responses"


def test_cx_responses_lacking_a_response(warehouse_copy: Path) -> None:
    report = corrupt(warehouse_copy, f"delete from marts.{CX} where response_id = 'r5'", marts=[CX])
    assert failures(report, CX) == {("expect_table_row_count_to_equal", None)}


def test_cx_responses_with_a_response_fct_nps_responses_lacks(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{CX} set response_id = 'r99' where response_id = 'r5'",
        marts=[CX],
    )
    assert failures(report, CX) == {
        ("expect_column_values_to_be_in_set", "chk_in_fct_nps_responses"),
        ("expect_column_values_to_be_in_set", "chk_same_as_fct_nps_responses"),
    }


@pytest.mark.parametrize(
    "assignment",
    ["channel = 'sms'", "nps_score = 9, nps_category = 'promoter'", "response_date = '2024-03-05'"],
)
def test_cx_responses_differ_from_fct_nps_responses(warehouse_copy: Path, assignment: str) -> None:
    report = corrupt(
        warehouse_copy, f"update marts.{CX} set {assignment} where response_id = 'r1'", marts=[CX]
    )
    assert failures(report, CX) == {("expect_column_values_to_be_in_set", "chk_same_as_fct_nps_responses")}


@pytest.mark.parametrize(
    ("response_id", "assignment", "check"),
    [
        # the customer's current tier, not the one of the version valid at the response
        ("r1", "loyalty_tier = 'gold'", "chk_customer_attributes_at_its_time"),
        ("r6", "loyalty_tier = 'bronze'", "chk_customer_attributes_at_its_time"),
        # the response precedes c-r4's only version: that version applies
        (
            "r4",
            "loyalty_tier = 'unknown', customer_country = 'unknown'",
            "chk_customer_attributes_at_its_time",
        ),
        ("r1", "customer_country = 'BE'", "chk_customer_attributes_at_its_time"),
        # 4 whole years from 2019-06-01 to 2024-03-04
        ("r1", "tenure_band = '5y+'", "chk_customer_attributes_at_its_time"),
        # no customer version: no age
        ("r3", "age_band = '25-34'", "chk_customer_attributes_at_its_time"),
        # the agent's current team, not the one at the response
        ("r3", "team = 'retention'", "chk_agent_attributes_at_its_time"),
        ("r7", "site = 'lyon'", "chk_agent_attributes_at_its_time"),
        # an agent without versions
        ("r11", "team = 'billing'", "chk_agent_attributes_at_its_time"),
        # i-r4 is no accepted interaction
        ("r4", "wait_time_band = '<1m'", "chk_interaction_attributes_unknown_without_interaction"),
        ("r1", "first_contact_resolution = 'yes'", "chk_interaction_attributes_unknown_without_interaction"),
    ],
)
def test_cx_response_attributes_not_those_at_its_time(
    warehouse_copy: Path, response_id: str, assignment: str, check: str
) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{CX} set {assignment} where response_id = '{response_id}'",
        marts=[CX],
    )
    assert failures(report, CX) == {("expect_column_values_to_be_in_set", check)}
    assert failed_outcome(report, CX, check).unexpected_examples[0]["response_id"] == response_id


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("age_band", "30-40"),
        ("tenure_band", "10y+"),
        ("wait_time_band", "slow"),
        ("transfers_band", "3"),
        ("first_contact_resolution", "maybe"),
    ],
)
def test_cx_response_attribute_outside_its_set(warehouse_copy: Path, column: str, value: str) -> None:
    report = corrupt(
        warehouse_copy, f"update marts.{CX} set {column} = '{value}' where response_id = 'r6'", marts=[CX]
    )
    assert ("expect_column_values_to_be_in_set", column) in failures(report, CX)


@pytest.mark.parametrize("column", ["age_band", "loyalty_tier", "team", "first_contact_resolution"])
def test_cx_response_attribute_null(warehouse_copy: Path, column: str) -> None:
    report = corrupt(
        warehouse_copy, f"update marts.{CX} set {column} = null where response_id = 'r2'", marts=[CX]
    )
    assert ("expect_column_values_to_not_be_null", column) in failures(report, CX)


def test_cx_response_without_any_score(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{CX} set ces_score = null, ces_category = null where response_id = 'r11'",
        marts=[CX],
    )
    failed = failures(report, CX)
    assert ("expect_column_values_to_be_in_set", "chk_has_a_score") in failed


# ------------------------------------------------------------------------------------------
# Corruptions of the histories and the current dimensions
# ------------------------------------------------------------------------------------------

HISTORY_CASES = [("dim_customer_history", "customer_id", "c-r1"), ("dim_agent_history", "agent_id", "a1")]


@pytest.mark.parametrize(("mart", "key", "entity"), HISTORY_CASES)
def test_history_version_numbers_with_a_gap(warehouse_copy: Path, mart: str, key: str, entity: str) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{mart} set version_number = 3 where {key} = '{entity}' and version_number = 2",
        marts=[mart],
    )
    assert failures(report, mart) == {("expect_column_values_to_be_in_set", "chk_version_numbers_contiguous")}


@pytest.mark.parametrize(("mart", "key", "entity"), HISTORY_CASES)
def test_history_with_two_current_versions(warehouse_copy: Path, mart: str, key: str, entity: str) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{mart} set is_current = true where {key} = '{entity}' and version_number = 1",
        marts=[mart],
    )
    assert failures(report, mart) == {
        ("expect_column_values_to_be_in_set", "chk_current_iff_valid_to_null"),
        ("expect_column_values_to_be_in_set", "chk_one_current_version_per_id"),
    }


@pytest.mark.parametrize(("mart", "key", "entity"), HISTORY_CASES)
def test_history_without_a_current_version(warehouse_copy: Path, mart: str, key: str, entity: str) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{mart} set is_current = false where {key} = '{entity}'",
        marts=[mart],
    )
    assert failures(report, mart) == {
        ("expect_column_values_to_be_in_set", "chk_current_iff_valid_to_null"),
        ("expect_column_values_to_be_in_set", "chk_one_current_version_per_id"),
    }


@pytest.mark.parametrize(("mart", "key", "entity"), HISTORY_CASES)
def test_history_gap_between_versions(warehouse_copy: Path, mart: str, key: str, entity: str) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{mart} set valid_to = valid_to - interval 1 hour where {key} = '{entity}' "
        "and version_number = 1",
        marts=[mart],
    )
    assert failures(report, mart) == {
        ("expect_column_values_to_be_in_set", "chk_valid_to_is_next_valid_from")
    }


def test_history_version_ending_before_it_starts(warehouse_copy: Path) -> None:
    """c-r6's versions in the wrong time order: the first starts after the second."""
    report = corrupt(
        warehouse_copy,
        "update marts.dim_customer_history set valid_from = '2024-03-07 00:00:00' "
        "where customer_id = 'c-r6' and version_number = 1",
        marts=["dim_customer_history"],
    )
    assert failures(report, "dim_customer_history") == {
        ("expect_column_values_to_be_in_set", "chk_valid_from_before_valid_to")
    }


def test_history_lacking_a_customer_of_the_audit(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from marts.dim_customer_history where customer_id = 'c-r4'",
        marts=["dim_customer_history"],
    )
    assert failures(report, "dim_customer_history") == {
        ("expect_column_unique_value_count_to_be_between", "customer_id")
    }


def test_history_of_an_agent_the_audit_lacks(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_agent_audit set status = 'superseded' where agent_id = 'a2'",
        marts=["dim_agent_history"],
    )
    assert failures(report, "dim_agent_history") == {
        ("expect_column_values_to_be_in_set", "chk_agent_id_in_agents_audit"),
        ("expect_column_unique_value_count_to_be_between", "agent_id"),
    }


@pytest.mark.parametrize(
    ("mart", "assignment", "check"),
    [
        ("dim_customer", "loyalty_tier = 'silver'", "chk_is_the_current_version"),
        ("dim_customer", "customer_since = null", "chk_is_the_current_version"),
        ("dim_customer", "updated_at = first_updated_at", "chk_is_the_current_version"),
        ("dim_customer", "versions = 1", "chk_versions_counts_the_history"),
        ("dim_customer", "first_updated_at = updated_at", "chk_first_updated_at_is_the_first_version"),
        ("dim_agent", "team = 'billing'", "chk_is_the_current_version"),
        ("dim_agent", "versions = 3", "chk_versions_counts_the_history"),
    ],
)
def test_current_dimension_not_the_current_version(
    warehouse_copy: Path, mart: str, assignment: str, check: str
) -> None:
    key = "customer_id = 'c-r1'" if mart == "dim_customer" else "agent_id = 'a1'"
    report = corrupt(warehouse_copy, f"update marts.{mart} set {assignment} where {key}", marts=[mart])
    assert failures(report, mart) == {("expect_column_values_to_be_in_set", check)}


@pytest.mark.parametrize(
    ("mart", "statement"),
    [
        ("dim_customer", "delete from marts.dim_customer where customer_id = 'c-r4'"),
        (
            "dim_agent",
            "insert into marts.dim_agent select * replace ('a1' as agent_id) from marts.dim_agent "
            "where agent_id = 'a2'",
        ),
    ],
)
def test_current_dimension_rows_differ_from_the_history(
    warehouse_copy: Path, mart: str, statement: str
) -> None:
    report = corrupt(warehouse_copy, statement, marts=[mart])
    assert ("expect_table_row_count_to_equal", None) in failures(report, mart)


# ------------------------------------------------------------------------------------------
# Corruptions of fct_invitations_daily and rpt_unknown_invitations
# ------------------------------------------------------------------------------------------

INVITATIONS = "fct_invitations_daily"
CALL_CELL = "where sent_date = '2024-03-03' and survey_id = 'TNPS-CALL'"


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("bounced = 4", {"chk_bounced_within_invitations", "chk_response_rate_recomputed"}),
        ("answered = 4, response_rate = 200", {"chk_answered_within_invitations", "answered"}),
        ("response_rate = 50.01", {"chk_response_rate_recomputed"}),
        # the delivered share, not the sent one
        ("response_rate = 33.33", {"chk_response_rate_recomputed"}),
        ("median_hours_to_answer = null", {"chk_median_null_iff_unanswered"}),
        (
            "invitations = 0",
            {
                "invitations",
                "chk_bounced_within_invitations",
                "chk_answered_within_invitations",
                "chk_response_rate_recomputed",
            },
        ),
    ],
)
def test_invitations_cell_inconsistent(warehouse_copy: Path, assignment: str, expected: set[str]) -> None:
    report = corrupt(
        warehouse_copy, f"update marts.{INVITATIONS} set {assignment} {CALL_CELL}", marts=[INVITATIONS]
    )
    assert {column for _, column in failures(report, INVITATIONS)} == expected


def test_invitations_rate_of_a_day_whose_invitations_all_bounced(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.{INVITATIONS} set response_rate = 0, median_hours_to_answer = 0 "
        "where bounced = invitations",
        marts=[INVITATIONS],
    )
    assert failures(report, INVITATIONS) == {
        ("expect_column_values_to_be_in_set", "chk_response_rate_recomputed"),
        ("expect_column_values_to_be_in_set", "chk_median_null_iff_unanswered"),
    }


def test_invitations_lacking_a_cell(warehouse_copy: Path) -> None:
    report = corrupt(warehouse_copy, f"delete from marts.{INVITATIONS} {CALL_CELL}", marts=[INVITATIONS])
    assert {column for _, column in failures(report, INVITATIONS)} == {"invitations", "answered"}


def test_invitations_answered_without_a_response(warehouse_copy: Path) -> None:
    """r4 answered inv-r4: the cell says nobody did (its rate and median consistent with that)."""
    report = corrupt(
        warehouse_copy,
        f"update marts.{INVITATIONS} set answered = 0, response_rate = 0, median_hours_to_answer = null "
        "where survey_id = 'TNPS-STORE'",
        marts=[INVITATIONS],
    )
    assert failures(report, INVITATIONS) == {("expect_column_sum_to_be_between", "answered")}


def test_invitations_channel_outside_dim_channel(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy, f"update marts.{INVITATIONS} set channel = 'E-mail' {CALL_CELL}", marts=[INVITATIONS]
    )
    assert failures(report, INVITATIONS) == {("expect_column_values_to_be_in_set", "channel")}


def test_unknown_invitation_not_listed(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from audit.rpt_unknown_invitations where response_id = 'r6'",
        marts=["rpt_unknown_invitations"],
    )
    assert failures(report, "rpt_unknown_invitations") == {("expect_table_row_count_to_equal", None)}


def test_known_invitation_listed_as_unknown(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "insert into audit.rpt_unknown_invitations "
        "select response_id, invitation_id, response_date, feed_name, source_file "
        "from marts.fct_nps_responses where response_id = 'r3'",
        marts=["rpt_unknown_invitations"],
    )
    assert failures(report, "rpt_unknown_invitations") == {
        ("expect_column_values_to_be_in_set", "chk_names_an_unknown_invitation"),
        ("expect_table_row_count_to_equal", None),
    }


@pytest.mark.parametrize(
    "assignment", ["invitation_id = 'inv-r1'", "response_date = '2024-03-01'", "source_file = 'other.csv'"]
)
def test_unknown_invitation_row_differs_from_its_response(warehouse_copy: Path, assignment: str) -> None:
    report = corrupt(
        warehouse_copy,
        f"update audit.rpt_unknown_invitations set {assignment} where response_id = 'r7'",
        marts=["rpt_unknown_invitations"],
    )
    assert failures(report, "rpt_unknown_invitations") == {
        ("expect_column_values_to_be_in_set", "chk_names_an_unknown_invitation")
    }


# ------------------------------------------------------------------------------------------
# Corruptions of the other sources' audits and of the load history
# ------------------------------------------------------------------------------------------


#: A reason of another source, for the sources whose own reasons include missing_response_id.
OTHER_SOURCE_REASON = {"case_events": "missing_customer_id"}


@pytest.mark.parametrize("source", PROGRAMME_SOURCES)
def test_source_audit_status_and_reason_outside_their_sets(warehouse_copy: Path, source: str) -> None:
    mart = SOURCE_AUDIT[source]
    report = corrupt(
        warehouse_copy,
        f"update audit.{mart} set status = 'pending' where source_row_number = 2",
        # a reason of another source (responses' for the others, customers' for case events)
        f"update audit.{mart} set reason = '{OTHER_SOURCE_REASON.get(source, 'missing_response_id')}' "
        "where status = 'rejected'",
        marts=[mart],
    )
    failed = failures(report, mart)
    assert ("expect_column_values_to_be_in_set", "status") in failed
    assert ("expect_column_values_to_be_in_set", "reason") in failed


@pytest.mark.parametrize("source", PROGRAMME_SOURCES)
def test_source_audit_rejected_rows_without_reason(warehouse_copy: Path, source: str) -> None:
    mart = SOURCE_AUDIT[source]
    key = SOURCE_KEYS[source]
    report = corrupt(
        warehouse_copy, f"update audit.{mart} set reason = null where status = 'rejected'", marts=[mart]
    )
    # the row without its id lost the reason that says so
    assert failures(report, mart) == {
        ("expect_column_values_to_be_in_set", "chk_reason_set_iff_rejected"),
        ("expect_column_values_to_be_in_set", f"chk_{key}_null_iff_missing_{key}"),
    }


@pytest.mark.parametrize("source", PROGRAMME_SOURCES)
def test_source_audit_accepted_row_without_its_id(warehouse_copy: Path, source: str) -> None:
    mart = SOURCE_AUDIT[source]
    key = SOURCE_KEYS[source]
    report = corrupt(
        warehouse_copy,
        f"update audit.{mart} set reason = null, status = 'accepted' where {key} is null",
        marts=[mart],
    )
    assert failures(report, mart) == {
        ("expect_column_values_to_be_in_set", f"chk_{key}_null_iff_missing_{key}")
    }


def test_source_audit_with_two_accepted_rows_of_an_invitation(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_invitation_audit set status = 'accepted' where status = 'superseded'",
        marts=["rpt_invitation_audit"],
    )
    assert failures(report, "rpt_invitation_audit") == {
        ("expect_column_values_to_be_unique", "chk_accepted_invitation_id")
    }


def test_load_history_reason_of_another_source(warehouse_copy: Path) -> None:
    """The customers file's rejected row counted under a reason of the responses."""
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_load_history set rejected_missing_customer_id = rejected_missing_customer_id - 1, "
        "rejected_missing_response_id = rejected_missing_response_id + 1 where source_name = 'customers'",
        marts=["rpt_load_history"],
    )
    assert failures(report, "rpt_load_history") == {
        ("expect_column_values_to_be_in_set", "chk_reasons_of_its_source")
    }


def test_load_history_reasons_of_another_source_add_up(warehouse_copy: Path) -> None:
    """Every reason column counts: a rejected row of an agents file under no reason fails."""
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_load_history set rejected_missing_agent_id = 0 where source_name = 'agents'",
        marts=["rpt_load_history"],
    )
    assert failures(report, "rpt_load_history") == {
        ("expect_column_values_to_be_in_set", "chk_reasons_add_up")
    }


def test_load_history_lacking_a_source_file(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from audit.rpt_load_history where source_name = 'interactions'",
        marts=["rpt_load_history"],
    )
    assert failures(report, "rpt_load_history") == {
        ("expect_column_values_to_be_in_set", "chk_rows_staged_are_the_audit_rows"),
        ("expect_column_values_to_be_in_set", "chk_accepted_reconciles"),
        ("expect_column_values_to_be_in_set", "chk_rejected_are_the_audit_rejected"),
    }
    outcome = failed_outcome(report, "rpt_load_history", "chk_rows_staged_are_the_audit_rows")
    assert [example["source_name"] for example in outcome.unexpected_examples] == ["interactions"]


def test_load_history_statuses_of_a_source_differ_from_its_audit(warehouse_copy: Path) -> None:
    """A customers file's superseded row counted accepted: its statuses still add up, but the
    customers' accepted rows no longer equal the audit's."""
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_load_history set accepted = accepted + 1, superseded = superseded - 1 "
        "where source_name = 'customers'",
        marts=["rpt_load_history"],
    )
    assert failures(report, "rpt_load_history") == {
        ("expect_column_values_to_be_in_set", "chk_accepted_reconciles")
    }
    outcome = failed_outcome(report, "rpt_load_history", "chk_accepted_reconciles")
    assert [example["source_name"] for example in outcome.unexpected_examples] == ["customers"]


def test_load_history_accepted_of_responses_only_reconcile_with_fct_nps_responses(
    warehouse_copy: Path,
) -> None:
    """The accepted responses are the rows of fct_nps_responses (not the audit's accepted rows)."""
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_response_audit set status = 'superseded' where response_id = 'r2'",
        "update audit.rpt_load_history set accepted = accepted - 1, superseded = superseded + 1 "
        "where source_name = 'responses'",
        marts=["rpt_load_history"],
    )
    assert failures(report, "rpt_load_history") == {
        ("expect_column_values_to_be_in_set", "chk_accepted_reconciles")
    }


def test_load_history_unknown_source(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_load_history set source_name = 'crm' where source_name = 'customers'",
        marts=["rpt_load_history"],
    )
    failed = failures(report, "rpt_load_history")
    assert ("expect_column_values_to_be_in_set", "source_name") in failed
    assert ("expect_column_values_to_be_in_set", "chk_reasons_of_its_source") in failed
    assert ("expect_column_values_to_be_in_set", "chk_rows_staged_are_the_audit_rows") in failed


# ------------------------------------------------------------------------------------------
# Corruptions of the cube against fct_cx_responses, and of rpt_unmapped_codes
# ------------------------------------------------------------------------------------------


def test_cube_day_without_its_overall_cell(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        f"delete from marts.{CUBE} where dimension_name = 'overall' and response_date = '2024-03-05'",
        marts=[CUBE],
    )
    failed = failures(report, CUBE)
    assert ("expect_column_values_to_be_in_set", "chk_dimension_adds_up_to_overall") in failed
    assert ("expect_column_values_to_be_in_set", "chk_day_has_cells_of_each_dimension") in failed
    # every cell of the day has no overall cell to add up to
    cells = query(warehouse_copy, f"select count(*) from marts.{CUBE} where response_date = '2024-03-05'")[0][
        0
    ]
    assert failed_outcome(report, CUBE, "chk_dimension_adds_up_to_overall").unexpected_count == cells
    lacking = failed_outcome(report, CUBE, "chk_day_has_cells_of_each_dimension")
    assert [example["dimension_name"] for example in lacking.unexpected_examples] == ["overall"]


def test_cube_day_without_a_dimension(warehouse_copy: Path) -> None:
    """The team cells of a day missing: nothing is left to not add up, the day lacks them."""
    report = corrupt(
        warehouse_copy,
        f"delete from marts.{CUBE} where dimension_name = 'team' and response_date = '2024-03-06'",
        marts=[CUBE],
    )
    failed = failures(report, CUBE)
    assert ("expect_column_values_to_be_in_set", "chk_dimension_adds_up_to_overall") not in failed
    assert ("expect_column_values_to_be_in_set", "chk_day_has_cells_of_each_dimension") in failed
    lacking = failed_outcome(report, CUBE, "chk_day_has_cells_of_each_dimension")
    assert [(str(e["response_date"])[:10], e["dimension_name"]) for e in lacking.unexpected_examples] == [
        ("2024-03-06", "team")
    ]


def test_cube_days_differ_from_fct_cx_responses(warehouse_copy: Path) -> None:
    """A response moved to another day in fct_cx_responses: the cube adds up within itself, and
    in total, but its days no longer count the days' responses."""
    report = corrupt(
        warehouse_copy,
        f"update marts.{CX} set response_date = '2024-03-04' where response_id = 'r5'",
        marts=[CUBE],
    )
    assert failures(report, CUBE) == {
        ("expect_column_values_to_be_in_set", "chk_responses_gap_vs_fct_cx_responses"),
        ("expect_column_values_to_be_in_set", "chk_cell_recomputed_from_fct_cx_responses"),
    }
    outcome = failed_outcome(report, CUBE, "chk_responses_gap_vs_fct_cx_responses")
    assert outcome.unexpected_count == 2 * len(CX_DIMENSIONS)  # every dimension, both days


def test_cube_total_differs_from_fct_cx_responses(warehouse_copy: Path) -> None:
    report = corrupt(warehouse_copy, f"delete from marts.{CX} where response_id = 'r5'", marts=[CUBE])
    failed = failures(report, CUBE)
    assert ("expect_column_sum_to_be_between", "responses") in failed
    assert ("expect_column_values_to_be_in_set", "chk_responses_gap_vs_fct_cx_responses") in failed


def test_cube_cells_swapped_between_values(warehouse_copy: Path) -> None:
    """Two teams' cells of a day swapped: every sum holds, the cells are not the responses'."""
    cell = (
        f"marts.{CUBE} set dimension_value = '{{to}}' "
        "where dimension_name = 'team' and dimension_value = '{frm}'"
    )
    report = corrupt(
        warehouse_copy,
        "update " + cell.format(to="swap", frm="billing"),
        "update " + cell.format(to="billing", frm="unknown"),
        "update " + cell.format(to="unknown", frm="swap"),
        marts=[CUBE],
    )
    assert failures(report, CUBE) == {
        ("expect_column_values_to_be_in_set", "chk_cell_recomputed_from_fct_cx_responses")
    }


@pytest.mark.parametrize(
    ("assignment", "check"),
    [
        ("csat_score_sum = 6 * csat_responses, csat_mean = 6", "chk_csat_sums_within_scale"),
        ("csat_score_sum_squares = 26 * csat_responses", "chk_csat_sums_within_scale"),
        ("ces_score_sum = 0, ces_mean = 0", "chk_ces_sums_within_scale"),
    ],
)
def test_cube_score_sums_outside_their_scales(warehouse_copy: Path, assignment: str, check: str) -> None:
    report = corrupt(
        warehouse_copy,
        # the day's overall cell: 4 CSAT responses, 1 CES
        f"update marts.{CUBE} set {assignment} "
        "where dimension_name = 'overall' and response_date = '2024-03-04'",
        marts=[CUBE],
    )
    assert ("expect_column_values_to_be_in_set", check) in failures(report, CUBE)
    assert failed_outcome(report, CUBE, check).unexpected_count == 1


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        (
            "first_response_date = last_response_date + 1",
            {"chk_first_not_after_last", "chk_matches_the_cube"},
        ),
        ("responses = responses + 1", {"chk_matches_the_cube"}),
        ("code = 'kiosk2'", {"chk_matches_the_cube"}),
        ("dimension_name = 'language'", {"dimension_name", "chk_matches_the_cube"}),
    ],
)
def test_unmapped_codes_inconsistent(warehouse_copy: Path, assignment: str, expected: set[str]) -> None:
    report = corrupt(
        warehouse_copy,
        f"update audit.rpt_unmapped_codes set {assignment} where code = 'kiosk'",
        marts=["rpt_unmapped_codes"],
    )
    assert {column for _, column in failures(report, "rpt_unmapped_codes")} == expected


# ------------------------------------------------------------------------------------------
# The comment marts: personal data, insights, themes, keywords, drivers
# ------------------------------------------------------------------------------------------


def test_good_warehouse_holds_the_comment_cases(good_warehouse: Path) -> None:
    """The comment marts of the hand-made warehouse exercise what their checks are about."""

    def count(sql: str) -> int:
        return int(query(good_warehouse, sql)[0][0])

    # a blank and an empty comment are no insight; a comment without an NPS score is one
    assert count("select count(*) from marts.fct_comment_insights") == len(COMMENTS) - 2
    assert count("select count(*) from marts.fct_comment_insights where nps_category is null") == 1
    assert count("select count(distinct sentiment) from marts.fct_comment_insights") == 2
    assert count("select count(*) from marts.fct_comment_themes where theme_sentiment = 'negative'") > 0
    assert count("select count(*) from marts.rpt_comment_keywords where term_count >= 3") > 0
    assert count("select count(distinct period_grain) from marts.rpt_cx_drivers") == 2
    assert count("select count(distinct driver_group) from marts.rpt_cx_drivers") == 6
    assert count("select count(*) from marts.rpt_cx_drivers where example_response_id is null") > 0
    assert all(personal_data_found(comment) == [] for comment in COMMENTS.values())


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Écrivez-moi à jean.dupont+cx@mail.example.fr svp", ["email"]),
        ("IBAN GB29 NWBK 6016 1331 9268 19 à jour", ["iban"]),
        ("IBAN DE89370400440532013000", ["iban"]),
        ("carte 4111 1111 1111 1111 débitée", ["card"]),
        ("card 5555-5555-5555-4444", ["card"]),
        ("4111111111111111", ["card"]),
        *(
            (f"joignable au {phone}, merci", ["phone"])
            for phone in (
                "+33 6 12 34 56 78",
                "+33612345678",
                "+44 20 7946 0958",
                "+33 (0)6 12 34 56 78",
                "0033 6 12 34 56 78",
                "0044 20 7946 0958",
                "06 12 34 56 78",
                "06.12.34.56.78",
                "06-12-34-56-78",
                "0612345678",
                "020 7946 0958",
                "07700 900123",
                "(415) 555-2671",
                "415-555-2671",
                "415.555.2671",
            )
        ),
        # no personal data: dates, times, amounts, order and ticket numbers, scores, a tracking
        # number failing the Luhn check, a card number after a "+", the masks
        ("le 12/03/2025 à 10:30, 2025-03-12, 49,99 €, 1 250 €", []),
        ("rappel le 03.12.2025 14h30, puis le 03 12 2025", []),
        ("commande CMD-2025-004512, ticket #A12345, 10/10", []),
        ("suivi 1234 5678 9012 3456", []),
        ("ref +4111111111111111111", []),
        ("[email] [iban] [card] [phone]", []),
    ],
)
def test_personal_data_patterns_of_the_readme(text: str, kinds: list[str]) -> None:
    assert personal_data_found(text) == kinds


#: (mart, statement, the check that must fail) of the comment marts' corruptions.
COMMENT_CORRUPTIONS = [
    (
        "fct_comment_insights",
        "update marts.fct_comment_insights set sentiment = 'neutral' where response_id = 'r1'",
        "chk_sentiment_matches_score",
    ),
    (
        "fct_comment_insights",
        "update marts.fct_comment_insights set comment_masked = comment_masked || ' 06 12 34 56 78' "
        "where response_id = 'r3'",
        "chk_no_phone",
    ),
    (
        "fct_comment_insights",
        "update marts.fct_comment_insights set comment_masked = 'Bon conseiller.' where response_id = 'r3'",
        "chk_same_as_its_response",
    ),
    (
        "fct_comment_insights",
        "insert into marts.fct_comment_insights by name select 'r11' as response_id, response_date, "
        "channel, comment_masked, comment_language, word_count, sentiment_words, sentiment_score, "
        "sentiment from marts.fct_comment_insights where response_id = 'r1'",
        "chk_a_response_with_a_comment",
    ),
    (
        "fct_nps_responses",
        "update marts.fct_nps_responses set comment = 'Débité sur 4111 1111 1111 1111' "
        "where response_id = 'r6'",
        "chk_no_card",
    ),
    (
        "fct_comment_themes",
        "update marts.fct_comment_themes set theme_sentiment = 'positive' where theme = 'wait_time'",
        "chk_theme_sentiment_matches_score",
    ),
    (
        "fct_comment_themes",
        "update marts.fct_comment_themes set nps_category = 'promoter' where response_id = 'r2'",
        "chk_same_as_its_insight",
    ),
    (
        "rpt_comment_keywords",
        "update marts.rpt_comment_keywords set log_odds_z = log_odds_z + 0.001",
        "chk_log_odds_z_recomputed",
    ),
    (
        "rpt_comment_keywords",
        "update marts.rpt_comment_keywords set term_count = term_count + 1, "
        "month_term_count = month_term_count + 1, category_term_total = category_term_total + 1, "
        "month_term_total = month_term_total + 1, log_odds_ratio = 0.3747, log_odds_z = 0.7437",
        "chk_counts_recounted",
    ),
    (
        "rpt_comment_keywords",
        "update marts.rpt_comment_keywords set keyword_rank = 2",
        "chk_keyword_ranks_without_gaps",
    ),
    (
        "rpt_cx_drivers",
        "update marts.rpt_cx_drivers set responses_with = responses_with + 1 where driver = 'sms'",
        "chk_responses_add_up",
    ),
    (
        "rpt_cx_drivers",
        "update marts.rpt_cx_drivers set nps_impact = nps_impact + 0.01 where driver = 'email'",
        "chk_nps_impact_recomputed",
    ),
    (
        "rpt_cx_drivers",
        "update marts.rpt_cx_drivers set driver_rank = 20 - driver_rank "
        "where period_grain = 'all' and driver_rank in (1, 19)",
        "chk_driver_rank_in_order",
    ),
    (
        "rpt_cx_drivers",
        "update marts.rpt_cx_drivers set example_response_id = 'r1', example_comment = "
        "(select comment from marts.fct_nps_responses where response_id = 'r1') where driver = 'sms'",
        "chk_example_has_the_driver",
    ),
    (
        "rpt_cx_drivers",
        "update marts.rpt_cx_drivers set example_response_id = 'r3', example_comment = "
        "(select comment from marts.fct_nps_responses where response_id = 'r3') where driver = 'wait_time'",
        "chk_example_says_it_most",
    ),
    (
        "rpt_cx_drivers",
        "delete from marts.fct_comment_themes where response_id = 'r3' and theme = 'wait_time'",
        "chk_responses_recomputed",
    ),
]


@pytest.mark.parametrize(
    ("mart", "statement", "check"),
    COMMENT_CORRUPTIONS,
    ids=[f"{mart}-{check}" for mart, _, check in COMMENT_CORRUPTIONS],
)
def test_comment_mart_corruption_fails(warehouse_copy: Path, mart: str, statement: str, check: str) -> None:
    report = corrupt(warehouse_copy, statement, marts=[mart])
    assert ("expect_column_values_to_be_in_set", check) in failures(report, mart)


def test_comment_insight_missing_fails(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from marts.fct_comment_insights where response_id = 'r3'",
        marts=["fct_comment_insights"],
    )
    assert failures(report, "fct_comment_insights") == {("expect_table_row_count_to_equal", None)}


def test_a_keyword_that_must_be_kept_missing_fails(warehouse_copy: Path) -> None:
    report = corrupt(warehouse_copy, "delete from marts.rpt_comment_keywords", marts=["rpt_comment_keywords"])
    assert failures(report, "rpt_comment_keywords") == {
        ("expect_column_values_to_be_in_set", "chk_kept_as_ranked")
    }


# ------------------------------------------------------------------------------------------
# The statistics: intervals of every score, periods, rolling windows, alerts
# ------------------------------------------------------------------------------------------


def test_statistics_settings_are_the_dbt_defaults() -> None:
    """quality validates the marts as built with the default dbt vars of the statistics."""
    import yaml

    from nps_warehouse import quality
    from nps_warehouse.oracle.intervals import ALPHA_BY_LEVEL, Z_BY_LEVEL

    dbt_vars = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    level = f"{float(dbt_vars['cx_confidence_level']):.2f}"
    assert Z_BY_LEVEL[level] == quality.CONFIDENCE_Z == Z_95
    assert ALPHA_BY_LEVEL[level] == quality.SIGNIFICANCE_LEVEL
    assert dbt_vars["cx_min_responses"] == quality.MIN_RESPONSES == MIN_RESPONSES
    assert dbt_vars["cx_alert_fdr"] == quality.ALERT_FDR
    assert dbt_vars["cx_alert_detractor_window_days"] == quality.DETRACTOR_WINDOW_DAYS
    severity = {metric: Decimal(str(gap)) for metric, gap in dbt_vars["cx_alert_high_severity"].items()}
    assert severity == quality.HIGH_SEVERITY


def _hundredths_of(value: Decimal | None) -> float:
    return math.nan if value is None else float(value * 100)


def test_vectorised_statistics_agree_with_the_oracle() -> None:
    """The vectorised formulas of quality give the oracle's figures: rounded ones exactly,
    p-values and q-values within 1e-12 (edge cases: no answer, one answer, no spread)."""
    import numpy as np

    from nps_warehouse import quality
    from nps_warehouse.oracle import intervals as oracle

    rng = random.Random(11)
    nps_counts = [(0, 0, 0), (1, 0, 0), (0, 0, 1), (0, 1, 0), (10, 0, 0), (50, 30, 20), (1, 3999, 0)]
    nps_counts += [tuple(rng.randint(0, rng.choice((3, 40, 400))) for _ in range(3)) for _ in range(300)]
    p, s, d = (np.array(column, dtype="int64") for column in zip(*nps_counts, strict=True))
    published = quality.nps_uncertainty_hundredths(p, s, d)
    for position, counts in enumerate(nps_counts):
        expected = oracle.nps_uncertainty(oracle.NpsCounts(*counts), oracle.StatsSettings())[:3]
        got = [values[position] for values in published]
        assert np.allclose(got, [_hundredths_of(value) for value in expected], equal_nan=True, rtol=0, atol=0)
    # the README's reference values
    assert [values[5] for values in published] == [781, 1405, 4420]

    shares = [
        (0, 0),
        (0, 1),
        (1, 1),
        (5, 5),
        (2, 3),
        *((k, k + rng.randint(0, 500)) for k in range(0, 300, 7)),
    ]
    x, n = (np.array(column, dtype="int64") for column in zip(*shares, strict=True))
    lower, upper = quality.wilson_hundredths(x, n)
    for position, (successes, trials) in enumerate(shares):
        expected = oracle.wilson_interval(oracle.Proportion(successes, trials), Z_95)
        got = (lower[position], upper[position])
        assert np.allclose(got, [_hundredths_of(value) for value in expected], equal_nan=True, rtol=0, atol=0)

    samples = [
        [],
        [3],
        [4, 4, 4],
        [1, 5],
        [7] * 40,
        *([rng.randint(1, 7) for _ in range(rng.randint(2, 300))] for _ in range(60)),
    ]
    t, q, c = (
        np.array(column, dtype="int64")
        for column in zip(*((sum(v), sum(x * x for x in v), len(v)) for v in samples), strict=True)
    )
    lower, upper = quality.mean_interval_hundredths(t, q, c, 1.0, 7.0)
    for position, scores in enumerate(samples):
        moments = oracle.Moments(sum(scores), sum(x * x for x in scores), len(scores))
        expected = oracle.mean_interval(moments, Z_95, 1.0, 7.0)
        assert np.allclose(
            (lower[position], upper[position]),
            [_hundredths_of(v) for v in expected],
            equal_nan=True,
            rtol=0,
            atol=0,
        )

    def close(got: float, expected: float | None) -> bool:
        return (expected is None and math.isnan(got)) or (
            expected is not None and abs(got - expected) <= 1e-12
        )

    pairs = list(itertools.pairwise(nps_counts[1:]))
    first, second = (
        [np.array(c, dtype="int64") for c in zip(*side, strict=True)] for side in zip(*pairs, strict=True)
    )
    got = quality.nps_difference_p_value(first, second)
    for position, (one, two) in enumerate(pairs):
        test = oracle.nps_difference_test(oracle.NpsCounts(*one), oracle.NpsCounts(*two))
        assert close(got[position], None if test is None else test.p_value)
    # the README's reference: (50, 30, 20) against (40, 30, 30)
    reference = quality.nps_difference_p_value(
        [np.array([50]), np.array([30]), np.array([20])], [np.array([40]), np.array([30]), np.array([30])]
    )
    assert round(float(reference[0]), 4) == 0.0832

    share_pairs = list(itertools.pairwise(shares[1:]))
    first, second = (
        [np.array(c, dtype="int64") for c in zip(*side, strict=True)]
        for side in zip(*share_pairs, strict=True)
    )
    both = quality.share_difference_p_value(first, second)
    increase = quality.share_increase_p_value(first, second)
    for position, (one, two) in enumerate(share_pairs):
        test = oracle.share_difference_test(oracle.Proportion(*one), oracle.Proportion(*two))
        assert close(both[position], None if test is None else test.p_value)
        assert close(
            increase[position],
            oracle.share_increase_p_value(oracle.Proportion(*one), oracle.Proportion(*two)),
        )

    moments = [(int(a), int(b), int(k)) for a, b, k in zip(t, q, c, strict=True)]
    mean_pairs = [
        *itertools.pairwise(moments[1:]),
        ((28, 196, 4), (35, 245, 5)),
        ((28, 196, 4), (36, 324, 4)),
    ]
    first, second = (
        [np.array(c, dtype="int64") for c in zip(*side, strict=True)]
        for side in zip(*mean_pairs, strict=True)
    )
    got = quality.mean_difference_p_value(first, second)
    for position, (one, two) in enumerate(mean_pairs):
        test = oracle.mean_difference_test(oracle.Moments(*one), oracle.Moments(*two))
        assert close(got[position], None if test is None else test.p_value)

    for target in (Decimal("-20.50"), Decimal("0"), Decimal("35.25"), Decimal("100")):
        sample = {
            "promoters": p,
            "passives": s,
            "detractors": d,
            "nps_responses": p + s + d,
        }
        got = quality.below_target_p_value("nps", sample, np.full(len(p), float(target)))
        for position, counts in enumerate(nps_counts):
            assert close(got[position], oracle.nps_below_target_p_value(oracle.NpsCounts(*counts), target))
        sample = {"csat_satisfied": x, "csat_responses": n}
        got = quality.below_target_p_value("csat_pct", sample, np.full(len(x), float(target)))
        for position, share in enumerate(shares):
            assert close(got[position], oracle.share_below_target_p_value(oracle.Proportion(*share), target))
        sample = {"ces_score_sum": t, "ces_score_sum_squares": q, "ces_responses": c}
        got = quality.below_target_p_value("ces_mean", sample, np.full(len(t), float(target) / 10))
        for position, moment in enumerate(moments):
            expected = oracle.mean_below_target_p_value(oracle.Moments(*moment), target / 10)
            assert close(got[position], expected)

    import pandas as pd

    families = pd.DataFrame(
        {
            "family": [rng.choice("abc") for _ in range(200)],
            "p": [rng.choice((rng.random(), rng.random() / 100, 0.5, 0.0)) for _ in range(200)],
        }
    )
    got = quality.benjamini_hochberg(families, ["family"], "p")
    for _, members in families.groupby("family"):
        expected = oracle.benjamini_hochberg(members["p"].tolist())
        assert np.allclose(got[members.index].to_numpy(), expected, rtol=0, atol=1e-15)


def test_period_calendar_agrees_with_the_oracle() -> None:
    import pandas as pd

    from nps_warehouse import quality
    from nps_warehouse.oracle.periods import period_end, period_start, shift_period

    days = [date(2023, 12, 20) + timedelta(days=offset) for offset in range(420)]
    day = pd.Series(pd.to_datetime(days))
    for grain in quality.PERIOD_GRAINS:
        grains = pd.Series(grain, index=day.index)
        start = quality.period_starts(day, grain)
        assert [value.date() for value in start] == [period_start(value, grain) for value in days]
        end = quality.shift_periods(start, grains, 1) - pd.Timedelta(days=1)
        assert [value.date() for value in end] == [period_end(period_start(v, grain), grain) for v in days]
        previous = quality.shift_periods(start, grains, -1)
        assert [value.date() for value in previous] == [
            shift_period(period_start(value, grain), grain, -1) for value in days
        ]
    assert quality.period_starts(day, "fortnight").isna().all()


def test_good_warehouse_holds_the_statistics_cases(good_warehouse: Path) -> None:
    """The small warehouse's marts have every interval where a score is, no test (too few
    responses), a target and no alert."""

    def count(sql: str) -> int:
        return int(query(good_warehouse, sql)[0][0])

    cells = count(f"select count(distinct (dimension_name, dimension_value)) from marts.{CUBE}")
    assert count(f"select count(*) from marts.{ROLLING}") == 3 * 3 * cells
    assert (
        count(f"select count(*) from marts.{BY_PERIOD} where nps_change_direction = 'insufficient_data'") > 0
    )
    assert (
        count(f"select count(*) from marts.{BY_PERIOD} where nps_change_direction != 'insufficient_data'")
        == 0
    )
    assert count(f"select count(*) from marts.{BY_PERIOD} where nps_gap_to_target is not null") == 4
    assert count(f"select count(*) from marts.{ALERTS}") == 0
    assert count(f"select count(*) from marts.{CUBE} where csat_mean_ci_lower is not null") > 0
    assert (
        count(f"select count(*) from marts.{CUBE} where csat_responses = 1 and csat_mean_ci_lower is null")
        > 0
    )
    assert count("select count(*) from marts.fct_nps_daily where nps_ci_lower < 0") > 0


def day_of(value: Any) -> str:
    """A date of an example row (date, timestamp or text) as YYYY-MM-DD."""
    return str(value)[:10]


def assert_fails_on(
    report: ValidationReport, mart: str, key: Any, expected: dict[str | None, set[tuple[Any, ...]]]
) -> None:
    """The failed expectations of ``mart`` are exactly those of ``expected`` (by column), each
    on exactly the rows it names (by ``key`` of the unexpected example rows; a check failing on
    more rows than the report lists: as many rows, those listed among them)."""
    failed = {outcome.column: outcome for outcome in report.mart(mart).failed}
    assert len(failed) == len(report.mart(mart).failed)  # one failed expectation per column
    assert set(failed) == set(expected)
    for column, outcome in failed.items():
        examples = {key(example) for example in outcome.unexpected_examples}
        assert outcome.unexpected_count == len(expected[column]), column
        if outcome.unexpected_count == len(outcome.unexpected_examples):
            assert examples == expected[column], column
        else:
            assert examples <= expected[column], column


def expected_rows(cases: list[tuple[tuple[Any, ...], set[str]]]) -> dict[str | None, set[tuple[Any, ...]]]:
    """check -> the rows whose corruption it must catch, from (row, checks) cases."""
    expected: dict[str | None, set[tuple[Any, ...]]] = {}
    for row, checks in cases:
        for check in checks:
            expected.setdefault(check, set()).add(row)
    return expected


def test_daily_nps_uncertainty_recomputed(warehouse_copy: Path) -> None:
    """Each column of NPS_UNCERTAINTY off by a hundredth (inwards), or the flag wrong, on its own
    day: its check fails on that day only."""
    cases = [
        ("2024-03-04", "nps_standard_error = nps_standard_error + 0.01", "chk_nps_standard_error_recomputed"),
        ("2024-03-05", "nps_ci_lower = nps_ci_lower + 0.01", "chk_nps_ci_lower_recomputed"),
        ("2024-03-06", "nps_ci_upper = nps_ci_upper - 0.01", "chk_nps_ci_upper_recomputed"),
    ]
    statements = [
        f"update marts.{mart} set {assignment} where response_date = '{day}'"
        for mart in ("fct_nps_daily_overall", "fct_nps_daily_by_channel")
        for day, assignment, _ in cases
    ]
    statements.append("update marts.fct_nps_daily set is_below_min_responses = false where channel = 'sms'")
    report = corrupt(
        warehouse_copy,
        *statements,
        marts=["fct_nps_daily", "fct_nps_daily_overall", "fct_nps_daily_by_channel"],
    )
    assert_fails_on(
        report,
        "fct_nps_daily_overall",
        lambda example: day_of(example["response_date"]),
        {check: {day} for day, _, check in cases},
    )
    channels = {
        day: {
            row[0]
            for row in query(
                warehouse_copy,
                f"select channel from marts.fct_nps_daily_by_channel where response_date = '{day}'",
            )
        }
        for day, _, _ in cases
    }
    assert_fails_on(
        report,
        "fct_nps_daily_by_channel",
        lambda example: (day_of(example["response_date"]), example["channel"]),
        {check: {(day, channel) for channel in channels[day]} for day, _, check in cases},
    )
    sms = query(warehouse_copy, "select count(*) from marts.fct_nps_daily where channel = 'sms'")[0][0]
    assert failures(report, "fct_nps_daily") == {
        ("expect_column_values_to_be_in_set", "chk_is_below_min_responses_recomputed")
    }
    assert (
        failed_outcome(report, "fct_nps_daily", "chk_is_below_min_responses_recomputed").unexpected_count
        == sms
    )


#: The overall cell of 2024-03-06: 2 NPS, 3 CSAT and 3 CES responses (every interval is set).
FULL_CELL = ("2024-03-06", "overall", "all")
INTERVALS = (
    "nps_standard_error",
    "nps_ci_lower",
    "nps_ci_upper",
    "csat_ci_lower",
    "csat_ci_upper",
    "csat_mean_ci_lower",
    "csat_mean_ci_upper",
    "ces_easy_ci_lower",
    "ces_easy_ci_upper",
    "ces_mean_ci_lower",
    "ces_mean_ci_upper",
)


def cube_where(day: str, name: str, value: str) -> str:
    return f"where response_date = '{day}' and dimension_name = '{name}' and dimension_value = '{value}'"


def test_cube_intervals_and_flags_recomputed(warehouse_copy: Path) -> None:
    """Every interval of a cell off by a hundredth (inwards, so on its scale), flags and bounds
    wrong in other cells: each check fails on its cells only."""
    assert (
        None
        not in query(
            warehouse_copy, f"select {', '.join(INTERVALS)} from marts.{CUBE} {cube_where(*FULL_CELL)}"
        )[0]
    )
    inwards = ", ".join(f"{c} = {c} {'-' if c.endswith('upper') else '+'} 0.01" for c in INTERVALS)
    cases = [
        (FULL_CELL, inwards, {f"chk_{column}_recomputed" for column in INTERVALS}),
        (
            ("2024-03-04", "channel", "email"),
            "is_ces_below_min_responses = false",
            {"chk_is_ces_below_min_responses_recomputed"},
        ),
        (
            ("2024-03-04", "channel", "sms"),
            "is_below_min_responses = null",
            {"is_below_min_responses", "chk_is_below_min_responses_recomputed"},
        ),
        (
            ("2024-03-05", "overall", "all"),
            "nps_ci_lower = -100.5",
            {"nps_ci_lower", "chk_nps_ci_lower_recomputed"},
        ),
        # 4 CSAT responses that day
        (
            ("2024-03-04", "overall", "all"),
            "csat_mean_ci_upper = 5.5",
            {"csat_mean_ci_upper", "chk_csat_mean_ci_upper_recomputed"},
        ),
    ]
    report = corrupt(
        warehouse_copy,
        *(f"update marts.{CUBE} set {assignment} {cube_where(*cell)}" for cell, assignment, _ in cases),
        marts=[CUBE],
    )
    assert_fails_on(
        report,
        CUBE,
        lambda example: (
            day_of(example["response_date"]),
            example["dimension_name"],
            example["dimension_value"],
        ),
        expected_rows([(cell, checks) for cell, _, checks in cases]),
    )


def test_cube_interval_without_responses_of_its_metric(warehouse_copy: Path) -> None:
    cells = query(warehouse_copy, f"select count(*) from marts.{CUBE} where csat_responses = 0")[0][0]
    report = corrupt(
        warehouse_copy, f"update marts.{CUBE} set csat_ci_lower = 0 where csat_responses = 0", marts=[CUBE]
    )
    assert failures(report, CUBE) == {("expect_column_values_to_be_in_set", "chk_csat_ci_lower_recomputed")}
    assert failed_outcome(report, CUBE, "chk_csat_ci_lower_recomputed").unexpected_count == cells


# ---------------------------------------------------------------- the busy warehouse


def test_busy_warehouse_passes(busy_report: ValidationReport) -> None:
    failed = [(o.mart, o.description, o.unexpected_examples, o.error) for o in busy_report.failed]
    assert failed == []
    assert [mart.mart for mart in busy_report.marts] == STATISTICS_MARTS
    assert all(mart.row_count for mart in busy_report.marts)


#: The detractor spikes of fct_cx_alerts.
SPIKES = "rule = 'detractor_spike'"


def test_busy_warehouse_holds_the_statistics_cases(busy_warehouse: Path) -> None:
    """Every direction, every rule, both severities: the checks of the statistics are not vacuous."""

    def values(sql: str) -> set[Any]:
        return {row[0] for row in query(busy_warehouse, sql)}

    for score in ("nps", "csat_pct"):
        assert values(f"select {score}_change_direction from marts.{BY_PERIOD}") == {
            "up",
            "down",
            "flat",
            "insufficient_data",
        }
        assert values(f"select {score}_vs_rest_direction from marts.{BY_PERIOD}") == {
            None,
            "above",
            "below",
            "flat",
            "insufficient_data",
        }
    for score in ("nps", "csat_pct", "ces_mean"):
        tested = f"select count({score}_below_target_p_value) from marts.{BY_PERIOD}"
        assert query(busy_warehouse, tested)[0][0] > 2
    assert values(f"select rule from marts.{ALERTS}") == {
        "nps_significant_drop",
        "csat_significant_drop",
        "detractor_spike",
        "below_target",
    }
    assert values(f"select severity from marts.{ALERTS}") == {"high", "medium"}
    assert values(f"select is_window_complete from marts.{ROLLING}") == {True, False}
    assert values(f"select is_period_complete from marts.{BY_PERIOD}") == {True, False}
    # the spike of sms on SPIKE_DAY
    assert values(
        f"select period_start_date from marts.{ALERTS} where {SPIKES} and dimension_value = 'sms'"
    ) == {SPIKE_DAY}


def period_where(path: Path, condition: str) -> str:
    """A where clause naming the first row of fct_cx_by_period meeting ``condition``."""
    rows = query(
        path,
        f"select period_grain, period_start_date, dimension_name, dimension_value from marts.{BY_PERIOD} "
        f"where {condition} order by all limit 1",
    )
    assert rows, condition
    grain, start, name, value = rows[0]
    return (
        f"where period_grain = '{grain}' and period_start_date = '{start}' and dimension_name = '{name}' "
        f"and dimension_value = '{value}'"
    )


def test_period_direction_up_with_a_p_value_of_a_half(busy_copy: Path) -> None:
    where = period_where(busy_copy, "nps_change_direction = 'flat' and nps_change > 0")
    report = corrupt(
        busy_copy,
        f"update marts.{BY_PERIOD} set nps_change_p_value = 0.5, nps_change_direction = 'up' {where}",
        marts=[BY_PERIOD],
    )
    assert failures(report, BY_PERIOD) == {
        ("expect_column_values_to_be_in_set", "chk_nps_change_direction_consistent"),
        ("expect_column_values_to_be_in_set", "chk_nps_change_p_value_recomputed"),
    }
    assert failed_outcome(report, BY_PERIOD, "chk_nps_change_direction_consistent").unexpected_count == 1


def period_rows(path: Path, conditions: list[str]) -> list[tuple[str, str, str, str]]:
    """For each condition, a row of fct_cx_by_period meeting it that no other condition takes:
    (grain, start, dimension name, value). The scarcest conditions choose first."""
    candidates = [
        query(
            path,
            f"select period_grain, period_start_date::varchar, dimension_name, dimension_value "
            f"from marts.{BY_PERIOD} where {condition} order by all",
        )
        for condition in conditions
    ]
    taken: dict[int, tuple[str, str, str, str]] = {}
    for position in sorted(range(len(conditions)), key=lambda position: len(candidates[position])):
        free = [row for row in candidates[position] if row not in taken.values()]
        assert free, conditions[position]
        taken[position] = free[0]
    return [taken[position] for position in range(len(conditions))]


def period_key(example: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        example["period_grain"],
        day_of(example["period_start_date"]),
        example["dimension_name"],
        example["dimension_value"],
    )


#: Corruptions of fct_cx_by_period, each on a row of its own: (which row, the change, the checks
#: that must catch it).
PERIOD_CORRUPTIONS: list[tuple[str, str, set[str]]] = [
    # directions: significant and down, published flat
    (
        "nps_change_direction = 'down'",
        "nps_change_direction = 'flat'",
        {"chk_nps_change_direction_consistent"},
    ),
    # not significant, published up
    (
        "csat_pct_change_direction = 'flat'",
        "csat_pct_change_direction = 'up'",
        {"chk_csat_pct_change_direction_consistent"},
    ),
    # both sides with enough responses, published insufficient_data
    (
        "ces_mean_change_direction = 'flat'",
        "ces_mean_change_direction = 'insufficient_data'",
        {"chk_ces_mean_change_direction_consistent"},
    ),
    # too few responses, published flat
    (
        "nps_change_direction = 'insufficient_data'",
        "nps_change_direction = 'flat'",
        {"chk_nps_change_direction_consistent"},
    ),
    # significant and above the rest, published below
    (
        "nps_vs_rest_direction = 'above'",
        "nps_vs_rest_direction = 'below'",
        {"chk_nps_vs_rest_direction_consistent"},
    ),
    # the overall cell has no rest
    (
        "dimension_name = 'overall'",
        "csat_pct_vs_rest_direction = 'flat'",
        {"chk_csat_pct_vs_rest_direction_consistent"},
    ),
    (
        "true",
        "nps_change_direction = 'sideways'",
        {"nps_change_direction", "chk_nps_change_direction_consistent"},
    ),
    # p-values: outside [0, 1], a test where a side lacks responses, not the test's
    (
        "csat_pct_change_direction = 'flat'",
        "csat_pct_change_p_value = 1.5",
        {"csat_pct_change_p_value", "chk_csat_pct_change_p_value_recomputed"},
    ),
    (
        "nps_change_direction = 'insufficient_data'",
        "nps_change_p_value = 0.01",
        {"chk_nps_change_p_value_recomputed"},
    ),
    (
        "ces_mean_change_p_value is not null",
        "ces_mean_change_p_value = ces_mean_change_p_value * 1.001 + 1e-6",
        {"chk_ces_mean_change_p_value_recomputed"},
    ),
    (
        "nps_vs_rest_p_value is not null",
        "nps_vs_rest_p_value = nps_vs_rest_p_value / 2 + 1e-6",
        {"chk_nps_vs_rest_p_value_recomputed"},
    ),
    (
        "csat_pct_below_target_p_value is not null",
        "csat_pct_below_target_p_value = csat_pct_below_target_p_value + 0.001",
        {"chk_csat_pct_below_target_p_value_recomputed"},
    ),
    # differences and the previous period
    ("nps_change is not null", "nps_change = nps_change + 0.01", {"chk_nps_change_recomputed"}),
    (
        "csat_pct_vs_rest is not null",
        "csat_pct_vs_rest = csat_pct_vs_rest - 0.01",
        {"chk_csat_pct_vs_rest_recomputed"},
    ),
    (
        "previous_nps_responses > 0",
        "previous_nps_responses = previous_nps_responses + 1",
        {"chk_previous_nps_recomputed"},
    ),
    (
        "previous_ces_mean is not null",
        "previous_ces_mean = previous_ces_mean + 0.01",
        {"chk_previous_ces_mean_recomputed"},
    ),
    (
        "nps_gap_to_target is not null",
        "nps_gap_to_target = nps_gap_to_target + 0.01",
        {"chk_nps_gap_to_target_recomputed"},
    ),
    # intervals, flags, dates, sums
    ("true", "nps_ci_lower = nps_ci_lower + 0.01", {"chk_nps_ci_lower_recomputed"}),
    (
        "csat_responses > 1",
        "csat_mean_ci_lower = csat_mean_ci_lower + 0.01",
        {"chk_csat_mean_ci_lower_recomputed"},
    ),
    (
        "ces_responses < 30",
        "is_ces_below_min_responses = false",
        {"chk_is_ces_below_min_responses_recomputed"},
    ),
    ("period_grain = 'month'", "period_end_date = period_end_date + 1", {"chk_period_dates_consistent"}),
    (
        "period_grain = 'week'",
        "is_period_complete = not is_period_complete",
        {"chk_is_period_complete_recomputed"},
    ),
    ("dimension_value = 'web'", "responses = responses + 1", {"chk_period_sums_of_the_cube"}),
]


def test_period_rows_inconsistent(busy_copy: Path) -> None:
    """Each corruption of PERIOD_CORRUPTIONS is caught on its row, by its checks only."""
    rows = period_rows(busy_copy, [condition for condition, _, _ in PERIOD_CORRUPTIONS])
    statements = [
        f"update marts.{BY_PERIOD} set {assignment} where period_grain = '{grain}' and period_start_date = "
        f"'{start}' and dimension_name = '{name}' and dimension_value = '{value}'"
        for (grain, start, name, value), (_, assignment, _) in zip(rows, PERIOD_CORRUPTIONS, strict=True)
    ]
    report = corrupt(busy_copy, *statements, marts=[BY_PERIOD])
    cases = [(row, checks) for row, (_, _, checks) in zip(rows, PERIOD_CORRUPTIONS, strict=True)]
    assert_fails_on(report, BY_PERIOD, period_key, expected_rows(cases))


def test_period_target_of_its_own(busy_copy: Path) -> None:
    """A target set for one period only (the targets are per grain and dimension value)."""
    where = period_where(
        busy_copy, "nps_target is not null and period_grain = 'week' and dimension_name = 'overall'"
    )
    report = corrupt(
        busy_copy,
        f"update marts.{BY_PERIOD} set nps_target = 40, nps_gap_to_target = nps - 40 {where}",
        marts=[BY_PERIOD],
    )
    assert {column for _, column in failures(report, BY_PERIOD)} == {
        "chk_nps_target_same_in_every_period",
        "chk_nps_below_target_p_value_recomputed",
    }
    weeks = query(
        busy_copy,
        f"select count(*) from marts.{BY_PERIOD} where period_grain = 'week' and dimension_name = 'overall'",
    )[0][0]
    assert failed_outcome(report, BY_PERIOD, "chk_nps_target_same_in_every_period").unexpected_count == weeks
    assert failed_outcome(report, BY_PERIOD, "chk_nps_below_target_p_value_recomputed").unexpected_count == 1


def test_period_row_missing_or_repeated(busy_copy: Path) -> None:
    missing = period_where(busy_copy, "period_grain = 'week' and dimension_value = 'sms'")
    repeated = period_where(busy_copy, "period_grain = 'month'")
    report = corrupt(
        busy_copy,
        f"delete from marts.{BY_PERIOD} {missing}",
        f"insert into marts.{BY_PERIOD} select * from marts.{BY_PERIOD} {repeated}",
        marts=[BY_PERIOD],
    )
    failed = failures(report, BY_PERIOD)
    assert (
        "expect_compound_columns_to_be_unique",
        "period_grain,period_start_date,dimension_name,dimension_value",
    ) in failed
    assert ("expect_column_values_to_be_in_set", "chk_period_sums_of_the_cube") in failed
    sums = failed_outcome(report, BY_PERIOD, "chk_period_sums_of_the_cube")
    # the missing row (in the cube only) and the two copies of the repeated one
    assert sums.unexpected_count == 3
    assert {example["chk_in_fct_cx_by_period"] for example in sums.unexpected_examples} == {True, False}


ROLLING_ROW = (
    "where date_day = '2024-02-20' and window_days = 30 and dimension_name = 'channel' "
    "and dimension_value = 'email'"
)
#: Corruptions of fct_cx_rolling, each on its day (window 30 of email): the change, its checks.
ROLLING_CORRUPTIONS: dict[str, tuple[str, set[str]]] = {
    "2024-02-10": ("responses = responses + 1", {"chk_window_sums_of_the_cube"}),
    "2024-02-11": (
        "ces_easy = ces_easy - 1",
        {
            "chk_window_sums_of_the_cube",
            "chk_ces_easy_pct_recomputed",
            "chk_ces_easy_ci_lower_recomputed",
            "chk_ces_easy_ci_upper_recomputed",
        },
    ),
    "2024-02-12": ("window_start_date = window_start_date + 1", {"chk_window_start_date_recomputed"}),
    "2024-02-13": ("is_window_complete = false", {"chk_is_window_complete_recomputed"}),
    "2024-02-14": ("ces_mean_ci_upper = ces_mean_ci_upper - 0.01", {"chk_ces_mean_ci_upper_recomputed"}),
    "2024-02-15": ("nps_standard_error = nps_standard_error + 0.01", {"chk_nps_standard_error_recomputed"}),
    "2024-02-16": ("is_below_min_responses = true", {"chk_is_below_min_responses_recomputed"}),
}


def test_rolling_rows_inconsistent(busy_copy: Path) -> None:
    """Each corruption of ROLLING_CORRUPTIONS is caught on its row, by its checks only."""
    cell = "window_days = 30 and dimension_name = 'channel' and dimension_value = 'email'"
    report = corrupt(
        busy_copy,
        *(
            f"update marts.{ROLLING} set {assignment} where date_day = '{day}' and {cell}"
            for day, (assignment, _) in ROLLING_CORRUPTIONS.items()
        ),
        marts=[ROLLING],
    )
    assert_fails_on(
        report,
        ROLLING,
        lambda example: (day_of(example["date_day"]), example["window_days"], example["dimension_value"]),
        expected_rows([((day, 30, "email"), checks) for day, (_, checks) in ROLLING_CORRUPTIONS.items()]),
    )


def test_rolling_window_outside_the_set(busy_copy: Path) -> None:
    report = corrupt(busy_copy, f"update marts.{ROLLING} set window_days = 14 {ROLLING_ROW}", marts=[ROLLING])
    assert {column for _, column in failures(report, ROLLING)} == {
        "window_days",
        "chk_window_start_date_recomputed",
        "chk_day_window_and_cell_of_the_cube",
        "chk_window_sums_of_the_cube",
    }


def test_rolling_row_missing_or_outside_the_cube(busy_copy: Path) -> None:
    report = corrupt(
        busy_copy,
        f"delete from marts.{ROLLING} {ROLLING_ROW}",
        f"insert into marts.{ROLLING} select * replace (date '2024-04-01' as date_day) from marts.{ROLLING} "
        "where date_day = '2024-03-31' and window_days = 7 and dimension_value = 'all'",
        marts=[ROLLING],
    )
    failed = {column for _, column in failures(report, ROLLING)}
    # the row count holds: one missing, one too many
    assert failed == {
        "chk_window_start_date_recomputed",
        "chk_day_window_and_cell_of_the_cube",
        "chk_window_sums_of_the_cube",
    }
    report = corrupt(busy_copy, f"delete from marts.{ROLLING} where date_day = '2024-04-01'", marts=[ROLLING])
    assert failures(report, ROLLING) == {("expect_table_row_count_to_equal", None)}


def alert_where(path: Path, condition: str) -> str:
    rows = query(path, f"select alert_id from marts.{ALERTS} where {condition} order by all limit 1")
    assert rows, condition
    return f"where alert_id = '{rows[0][0]}'"


def test_alert_with_q_above_the_fdr(busy_copy: Path) -> None:
    report = corrupt(
        busy_copy, f"update marts.{ALERTS} set q_value = 0.2 {alert_where(busy_copy, 'true')}", marts=[ALERTS]
    )
    assert failures(report, ALERTS) == {
        ("expect_column_values_to_be_between", "q_value"),
        ("expect_column_values_to_be_in_set", "chk_q_value_recomputed"),
    }
    assert failed_outcome(report, ALERTS, "q_value").unexpected_examples[0]["q_value"] == 0.2


#: Corruptions of fct_cx_alerts, each on an alert of its own: (which alert, the change, the
#: checks that must catch it).
ALERT_CORRUPTIONS: list[tuple[str, str, set[str]]] = [
    (
        "rule = 'below_target'",
        "q_value = p_value / 2",
        {"chk_q_value_not_below_p_value", "chk_q_value_recomputed"},
    ),
    ("severity = 'high'", "severity = 'medium'", {"chk_severity_recomputed"}),
    ("severity = 'medium'", "severity = 'critical'", {"severity", "chk_severity_recomputed"}),
    # the alert_id still names the test: its key is wrong
    (
        "rule = 'nps_significant_drop'",
        "metric = 'csat_pct'",
        {
            "chk_metric_and_grain_of_its_rule",
            "chk_alert_id_is_md5_of_its_key",
            "chk_reports_its_fct_cx_by_period_row",
        },
    ),
    (
        "rule = 'nps_significant_drop'",
        "rule = 'slump'",
        {
            "rule",
            "chk_metric_and_grain_of_its_rule",
            "chk_alert_id_is_md5_of_its_key",
            "chk_reports_its_fct_cx_by_period_row",
        },
    ),
    # the figures of the test it reports
    (
        "rule = 'nps_significant_drop' and p_value > 1e-6",
        "p_value = p_value * 0.9",
        {"chk_reports_its_fct_cx_by_period_row"},
    ),
    (
        "rule = 'csat_significant_drop'",
        "baseline = baseline + 0.01",
        {"chk_reports_its_fct_cx_by_period_row"},
    ),
    ("rule = 'below_target'", "baseline_responses = 500", {"chk_reports_its_fct_cx_by_period_row"}),
    (
        "rule = 'below_target' and metric = 'ces_mean'",
        "observed = observed - 0.01",
        {"chk_reports_its_fct_cx_by_period_row"},
    ),
    ("rule = 'detractor_spike'", "baseline = baseline + 0.01", {"chk_reports_its_day_of_the_cube"}),
    (
        "rule = 'detractor_spike'",
        "baseline_responses = baseline_responses - 1",
        {"chk_reports_its_day_of_the_cube"},
    ),
    ("rule = 'detractor_spike'", "is_period_complete = false", {"chk_reports_its_day_of_the_cube"}),
    ("rule = 'detractor_spike'", "responses = 10", {"responses", "chk_reports_its_day_of_the_cube"}),
]


def test_alerts_inconsistent(busy_copy: Path) -> None:
    """Each corruption of ALERT_CORRUPTIONS is caught on its alert, by its checks only."""
    taken: list[str] = []
    for condition, _, _ in ALERT_CORRUPTIONS:
        ids = [
            row[0]
            for row in query(busy_copy, f"select alert_id from marts.{ALERTS} where {condition} order by all")
        ]
        taken.append(next(alert for alert in ids if alert not in taken))
    report = corrupt(
        busy_copy,
        *(
            f"update marts.{ALERTS} set {assignment} where alert_id = '{alert}'"
            for alert, (_, assignment, _) in zip(taken, ALERT_CORRUPTIONS, strict=True)
        ),
        marts=[ALERTS],
    )
    cases = [((alert,), checks) for alert, (_, _, checks) in zip(taken, ALERT_CORRUPTIONS, strict=True)]
    assert_fails_on(report, ALERTS, lambda example: (example["alert_id"],), expected_rows(cases))


def test_alert_id_not_that_of_its_test(busy_copy: Path) -> None:
    where = alert_where(busy_copy, "true")
    report = corrupt(
        busy_copy,
        f"update marts.{ALERTS} set alert_id = '{hashlib.md5(b'x').hexdigest()}' {where}",
        marts=[ALERTS],
    )
    # the listed alert is no test; the test that fires is not listed
    assert {column for _, column in failures(report, ALERTS)} == {
        "chk_alert_id_is_md5_of_its_key",
        "chk_listed_alert_fires",
        "chk_fired_alert_listed",
    }


def test_alert_missing(busy_copy: Path) -> None:
    report = corrupt(
        busy_copy,
        f"delete from marts.{ALERTS} {alert_where(busy_copy, SPIKES)}",
        marts=[ALERTS],
    )
    assert failures(report, ALERTS) == {("expect_column_values_to_be_in_set", "chk_fired_alert_listed")}
    outcome = failed_outcome(report, ALERTS, "chk_fired_alert_listed")
    assert outcome.unexpected_count == 1 and outcome.unexpected_examples[0]["rule"] == "detractor_spike"


def test_drop_alert_whose_period_did_not_drop(busy_copy: Path) -> None:
    """An nps_significant_drop alert must report a fct_cx_by_period row whose NPS went down."""
    ((grain, start, name, value),) = query(
        busy_copy,
        f"select period_grain, period_start_date, dimension_name, dimension_value from marts.{ALERTS} "
        "where rule = 'nps_significant_drop' order by all limit 1",
    )
    report = corrupt(
        busy_copy,
        f"update marts.{BY_PERIOD} set nps_change = - nps_change where period_grain = '{grain}' "
        f"and period_start_date = '{start}' and dimension_name = '{name}' and dimension_value = '{value}'",
        marts=[ALERTS],
    )
    assert {column for _, column in failures(report, ALERTS)} == {
        "chk_reports_its_fct_cx_by_period_row",
        "chk_listed_alert_fires",
    }


def test_statistics_read_as_decimal_objects_are_handled(busy_warehouse: Path) -> None:
    """Servers hand numeric columns back as Decimal objects (None where null): they pass too."""
    from nps_warehouse.quality import load_marts, validate_frames

    frames = load_marts(str(busy_warehouse))
    for mart in STATISTICS_MARTS:
        frame = frames[mart]
        for column in MART_COLUMNS[mart]:
            if sql_type(column).startswith("numeric"):
                frame[column] = [None if math.isnan(v) else Decimal(f"{v:.2f}") for v in frame[column]]
                assert frame[column].dtype == object, column
    assert validate_frames(frames, marts=STATISTICS_MARTS).success
    by_period = frames[BY_PERIOD]
    by_period.loc[by_period["nps_ci_upper"].notna().idxmax(), "nps_ci_upper"] -= Decimal("0.01")
    report = validate_frames(frames, marts=[BY_PERIOD])
    assert failures(report, BY_PERIOD) == {
        ("expect_column_values_to_be_in_set", "chk_nps_ci_upper_recomputed")
    }


# ------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------


def run_cli(*args: str, env_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    env.pop("NPS_DUCKDB_PATH", None)
    if env_path is not None:
        env["NPS_DUCKDB_PATH"] = str(env_path)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_passes_with_json_report(good_warehouse: Path, tmp_path: Path) -> None:
    json_path = tmp_path / "out" / "ge.json"
    result = run_cli("--json-report", str(json_path), env_path=good_warehouse)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT: PASS" in result.stdout
    assert "Calculating Metrics" not in result.stderr
    assert json.loads(json_path.read_text(encoding="utf-8"))["success"] is True


def test_cli_fails_on_bad_data(warehouse_copy: Path) -> None:
    con = duckdb.connect(str(warehouse_copy))
    con.execute("update marts.fct_nps_responses set nps_score = 11 where response_id = 'r1'")
    con.close()
    result = run_cli(
        "--duckdb-path",
        str(warehouse_copy),
        "--failures-only",
        "--mart",
        "fct_nps_responses",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL  nps_score (when set) is a whole number 0-10" in result.stdout
    assert "RESULT: FAIL" in result.stdout


def test_cli_missing_warehouse(tmp_path: Path) -> None:
    result = run_cli("--duckdb-path", str(tmp_path / "absent.duckdb"))
    assert result.returncode == 2
    assert "make build" in result.stderr


def test_cli_help() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "--duckdb-path" in result.stdout and "--json-report" in result.stdout


def test_unknown_mart_name_rejected(good_warehouse: Path) -> None:
    with pytest.raises(ValueError, match="no_such_mart"):
        validate_warehouse(str(good_warehouse), marts=["no_such_mart"])


def test_a_load_whose_rows_did_not_all_reach_the_warehouse(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_load_history set rows_read = rows_read + 1",
        marts=["rpt_load_history"],
    )
    assert ("expect_column_values_to_be_in_set", "chk_every_row_read_is_staged") in failures(
        report, "rpt_load_history"
    )


def test_a_rejected_row_missing_from_the_rejected_rows(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from audit.rpt_rejected_rows where source_row_number = 10",
        marts=["rpt_rejected_rows"],
    )
    assert ("expect_table_row_count_to_equal", None) in failures(report, "rpt_rejected_rows")


def test_empty_marts_fail_unless_expected(warehouse_copy: Path) -> None:
    con = duckdb.connect(str(warehouse_copy))
    try:
        for mart, schema in (("fct_nps_responses", "marts"), ("rpt_response_audit", "audit")):
            con.execute(f"delete from {schema}.{mart}")
    finally:
        con.close()
    report = validate_warehouse(str(warehouse_copy), marts=["fct_nps_responses"])
    assert ("expect_table_row_count_to_be_between", None) in failures(report, "fct_nps_responses")
    allowed = validate_warehouse(str(warehouse_copy), marts=["fct_nps_responses"], allow_empty=True)
    assert allowed.success


# ------------------------------------------------------------------------------------------
# Corruptions of the follow-up marts
# ------------------------------------------------------------------------------------------


def test_followup_marts_pass_on_the_good_warehouse(good_report: ValidationReport) -> None:
    for mart in ("fct_followup_cases", "rpt_followup_queue", "fct_followup_daily", "rpt_unknown_case_events"):
        assert report_passes(good_report, mart), mart


def report_passes(report: ValidationReport, mart: str) -> bool:
    return report.mart(mart).success


def test_case_contacted_late_flagged_met(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_followup_cases set is_sla_met = true where case_id = 'r7'",
        marts=["fct_followup_cases"],
    )
    assert failures(report, "fct_followup_cases") == {("expect_column_values_to_be_in_set", "chk_sla_met")}


def test_case_overdue_not_flagged(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_followup_cases set is_overdue = false where case_id = 'r5'",
        marts=["fct_followup_cases"],
    )
    assert failures(report, "fct_followup_cases") == {("expect_column_values_to_be_in_set", "chk_overdue")}


def test_cancelled_case_shown_open(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_followup_cases set status = 'open' where case_id = 'r1'",
        marts=["fct_followup_cases"],
    )
    assert ("expect_column_values_to_be_in_set", "chk_cancelled_iff_no_longer_opens") in failures(
        report, "fct_followup_cases"
    )


def test_case_hours_and_due_off(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_followup_cases set hours_to_first_contact = 23.01 where case_id = 'r2'",
        "update marts.fct_followup_cases set sla_due_at = sla_due_at + interval 1 hour where case_id = 'r1'",
        marts=["fct_followup_cases"],
    )
    assert failures(report, "fct_followup_cases") == {
        ("expect_column_values_to_be_in_set", "chk_hours_to_first_contact"),
        ("expect_column_values_to_be_in_set", "chk_due_after_sla_hours"),
    }


def test_case_of_no_response_and_high_without_reason(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_followup_cases set case_id = 'r99' where case_id = 'r5'",
        "update marts.fct_followup_cases set priority_reasons = null where case_id = 'r7'",
        marts=["fct_followup_cases"],
    )
    failed = failures(report, "fct_followup_cases")
    assert ("expect_column_values_to_be_in_set", "chk_case_of_an_accepted_response") in failed
    assert ("expect_column_values_to_be_in_set", "chk_high_iff_reasons") in failed
    assert ("expect_column_values_to_be_in_set", "chk_low_score_reason") in failed


def test_queue_missing_a_case_or_out_of_order(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "delete from marts.rpt_followup_queue where case_id = 'r5'",
        "update marts.rpt_followup_queue set queue_rank = 1",
        marts=["rpt_followup_queue"],
    )
    assert failures(report, "rpt_followup_queue") == {
        ("expect_table_row_count_to_equal", None),
        ("expect_column_values_to_be_in_set", "chk_case_in_order"),
    }


def test_queue_swapped_and_hours_off(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.rpt_followup_queue set queue_rank = 3 - queue_rank",
        "update marts.rpt_followup_queue set hours_until_due = hours_until_due + 1",
        marts=["rpt_followup_queue"],
    )
    assert failures(report, "rpt_followup_queue") == {
        ("expect_column_values_to_be_in_set", "chk_case_in_order"),
        ("expect_column_values_to_be_in_set", "chk_hours_until_due"),
    }


def test_daily_totals_shares_and_backlog_off(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_followup_daily set cases_opened = 2 "
        "where region = 'ARA' and case_date = '2024-03-06'",
        "update marts.fct_followup_daily set sla_met_pct = 50 "
        "where region = 'IDF' and case_date = '2024-03-06'",
        "update marts.fct_followup_daily set backlog = 0 "
        "where region = 'unknown' and case_date = '2024-03-08'",
        marts=["fct_followup_daily"],
    )
    assert failures(report, "fct_followup_daily") == {
        ("expect_column_values_to_be_in_set", "chk_total_cases_opened"),
        ("expect_column_values_to_be_in_set", "chk_sla_met_pct"),
        ("expect_column_values_to_be_in_set", "chk_last_backlog"),
    }


def test_unknown_case_events_wrong_rows(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update audit.rpt_unknown_case_events set problem = 'not_a_case' where response_id = 'zz9'",
        "insert into audit.rpt_unknown_case_events select source_file, source_row_number, response_id, "
        "raw_event_type, raw_event_at::timestamp, feed_name, 'not_a_case' from audit.rpt_case_event_audit "
        "where source_row_number = 1",
        marts=["rpt_unknown_case_events"],
    )
    assert failures(report, "rpt_unknown_case_events") == {
        ("expect_column_values_to_be_in_set", "chk_problem"),
        ("expect_column_values_to_be_in_set", "chk_an_accepted_event_of_no_case"),
        ("expect_table_row_count_to_equal", None),
    }


def test_health_flag_without_its_reason(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_customer_health set at_risk_reasons = null where customer_id = 'c-r5'",
        marts=["fct_customer_health"],
    )
    assert failures(report, "fct_customer_health") == {
        ("expect_column_values_to_be_in_set", "chk_at_risk_iff_reasons"),
        ("expect_column_values_to_be_in_set", "chk_overdue_reason"),
    }


def test_health_cases_and_change_off(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_customer_health set open_cases = 0 where customer_id = 'c-r7'",
        "update marts.fct_customer_health set previous_nps_score = 5, nps_change = 1 "
        "where customer_id = 'c-r1'",
        marts=["fct_customer_health"],
    )
    assert failures(report, "fct_customer_health") == {
        ("expect_column_values_to_be_in_set", "chk_cases"),
        ("expect_column_values_to_be_in_set", "chk_change"),
    }


def test_audience_customer_outside_its_rule_or_missing(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.rpt_campaign_audiences set audience = 'referral_candidates' "
        "where audience = 'passive_reengagement'",
        "delete from marts.rpt_campaign_audiences where customer_id = 'c-r2'",
        marts=["rpt_campaign_audiences"],
    )
    assert failures(report, "rpt_campaign_audiences") == {
        ("expect_column_values_to_be_in_set", "chk_meets_its_rule"),
        ("expect_column_values_to_be_in_set", "chk_recovery_complete"),
    }


def test_health_score_outside_the_unit_interval(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy,
        "update marts.fct_customer_health set detractor_risk = 1.2 where customer_id = 'c-r1'",
        "update marts.fct_customer_health set promoter_propensity = null where customer_id = 'c-r2'",
        marts=["fct_customer_health"],
    )
    assert failures(report, "fct_customer_health") == {
        ("expect_column_values_to_be_in_set", "chk_detractor_risk"),
        ("expect_column_values_to_be_in_set", "chk_promoter_propensity"),
    }


# ------------------------------------------------------------------------------------------
# Agents and teams: performance with fair rankings, engagement beside customer NPS
# ------------------------------------------------------------------------------------------


def test_good_warehouse_holds_the_agent_cases(good_warehouse: Path) -> None:
    """a1 moved team within the month (a row per team), a9 has no version (team unknown) and a
    CES answer only (no NPS: no team NPS, no shrunk NPS); engagement answers of a known team and
    of unknown."""

    def rows(sql: str) -> list[tuple]:
        return query(good_warehouse, sql)

    assert rows("select agent_id, team from marts.fct_agent_performance order by agent_id, team") == [
        ("a1", "billing"),
        ("a1", "retention"),
        ("a2", "billing"),
        ("a9", "unknown"),
    ]
    assert rows("select nps_shrunk, team_nps from marts.fct_agent_performance where agent_id = 'a9'") == [
        (None, None)
    ]
    assert rows("select team, enps_responses from marts.rpt_team_engagement order by team") == [
        ("billing", 2),
        ("retention", 0),
        ("unknown", 1),
    ]


@pytest.mark.parametrize(
    ("mart", "statement", "check"),
    [
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set rank_in_team = 1 where agent_id = 'a2'",
            "chk_rank_recomputed",
        ),
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set nps_shrunk = nps_shrunk + 0.01 where agent_id = 'a2'",
            "chk_nps_shrunk_recomputed",
        ),
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set team_nps = 0 where agent_id = 'a2'",
            "chk_group_nps_recomputed",
        ),
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set responses = responses + 1 where agent_id = 'a2'",
            "chk_counts_of_the_responses",
        ),
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set wait_seconds_sum = 46 where wait_seconds_sum = 45",
            "chk_counts_of_the_responses",
        ),
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set cases_sla_met = 1, sla_met_pct = 100 "
            "where agent_id = 'a2'",
            "chk_counts_of_the_responses",
        ),
        (
            "fct_agent_performance",
            "update marts.fct_agent_performance set sla_met_pct = 100 where agent_id = 'a2'",
            "chk_scores_recomputed",
        ),
        (
            "fct_team_performance",
            "update marts.fct_team_performance set agents = agents + 1 where team = 'billing'",
            "chk_sum_of_its_agents",
        ),
        (
            "fct_site_performance",
            "update marts.fct_site_performance set ranked_sites = 1",
            "chk_ranked_count_recomputed",
        ),
        (
            "rpt_team_engagement",
            "update marts.rpt_team_engagement set enps_nps_correlation = 0.5",
            "chk_correlation_recomputed",
        ),
        (
            "rpt_team_engagement",
            "update marts.rpt_team_engagement set is_in_correlation = true where team = 'unknown'",
            "chk_in_correlation_recomputed",
        ),
        (
            "rpt_team_engagement",
            "update marts.rpt_team_engagement set promoters = promoters + 1, "
            "nps_responses = nps_responses + 1 where team = 'billing'",
            "chk_customers_of_the_quarter",
        ),
    ],
)
def test_agent_marts_corrupted(warehouse_copy: Path, mart: str, statement: str, check: str) -> None:
    report = corrupt(warehouse_copy, statement, marts=[mart])
    assert ("expect_column_values_to_be_in_set", check) in failures(report, mart)


def test_engagement_answers_lost(warehouse_copy: Path) -> None:
    report = corrupt(
        warehouse_copy, "delete from marts.rpt_team_engagement where team = 'unknown'", marts=[ENGAGEMENT]
    )
    assert failures(report, ENGAGEMENT) == {("expect_column_sum_to_be_between", "enps_responses")}
