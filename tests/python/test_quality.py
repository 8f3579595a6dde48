"""Tests of the Great Expectations suite (nps_warehouse.quality, scripts/validate_marts.py).

A small, hand-written warehouse that honours every rule of the README is built once per session
in a temporary directory; each corruption test copies it, breaks one thing with SQL and checks
that the matching expectation fails.

The warehouse holds responses of a CX programme: most carry an NPS score, some only a CSAT or a
CES score (no NPS), one an invalid NPS beside a valid CSAT (accepted, its NPS nulled). The NPS
marts count the responses with an NPS score; the daily cube fct_cx_daily_by_dimension counts
them all, and is written here with its own SQL (not the project's models) from
fct_nps_responses, its scores rounded half away from zero by Python's decimal module.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from nps_warehouse.contract import REJECTION_REASONS
from nps_warehouse.quality import (
    MART_COLUMNS,
    ExpectationOutcome,
    ValidationReport,
    WarehouseUnavailableError,
    expected_nps,
    expected_ratio,
    render_text_report,
    validate_warehouse,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "validate_marts.py"

CUBE = "fct_cx_daily_by_dimension"

COUNTS = "responses bigint, promoters bigint, passives bigint, detractors bigint, nps numeric(5, 2)"

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

#: The codes of the coded dimensions the seeds list (the rest are reported unmapped).
KNOWN_CODES = {
    "region": ("IDF", "ARA"),
    "segment": ("consumer", "smb"),
    "touchpoint": ("relationship", "store", "call", "delivery"),
    "brand": ("nova", "nova_express"),
    "business_unit": ("corporate", "retail", "customer_service", "logistics"),
}

#: The dimensions of the cube and the column of fct_nps_responses each reads (overall: none).
CUBE_DIMENSIONS = {
    "overall": None,
    "channel": "channel",
    "region": "region",
    "segment": "segment",
    "survey": "survey_id",
    "survey_type": "survey_type",
    "touchpoint": "touchpoint",
    "brand": "brand",
    "business_unit": "business_unit",
    "language": "language",
}


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


DDL = f"""
create schema marts;
create schema audit;
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
create table marts.fct_cx_daily_by_dimension (
    response_date date, dimension_name varchar, dimension_value varchar,
    responses bigint, nps_responses bigint, promoters bigint, passives bigint, detractors bigint,
    nps numeric(5, 2),
    csat_responses bigint, csat_satisfied bigint, csat_score_sum bigint,
    csat_score_sum_squares bigint, csat_pct numeric(5, 2), csat_mean numeric(5, 2),
    ces_responses bigint, ces_easy bigint, ces_difficult bigint, ces_score_sum bigint,
    ces_score_sum_squares bigint, ces_easy_pct numeric(5, 2), ces_mean numeric(5, 2));
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
"""

# the NPS marts count the responses with an NPS score
DAILY_SELECT = """
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
from marts.fct_nps_responses
group by all
"""

CUBE_SCORES = """
insert into marts.fct_cx_daily_by_dimension by name
select *,
       half_away(promoters - detractors, nps_responses, 100)::numeric(5, 2) as nps,
       half_away(csat_satisfied, csat_responses, 100)::numeric(5, 2) as csat_pct,
       half_away(csat_score_sum, csat_responses, 1)::numeric(5, 2) as csat_mean,
       half_away(ces_easy, ces_responses, 100)::numeric(5, 2) as ces_easy_pct,
       half_away(ces_score_sum, ces_responses, 1)::numeric(5, 2) as ces_mean
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
        (?, ?, ?, null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null,
         ?::date, (? || ' 10:00:00')::timestamp, 'default', 'demo.csv', ?)
        """,
        [
            response.response_id,
            response.survey_id,
            f"c-{response.response_id}",
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
               ? as raw_segment, ? as raw_score,
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


def build_warehouse(path: Path) -> None:
    """Write a small, fully consistent warehouse to ``path``."""
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        con.create_function(
            "half_away",
            half_away,
            ["BIGINT", "BIGINT", "INTEGER"],
            "VARCHAR",
            null_handling="special",
        )
        for response in RESPONSES:
            _insert_response(con, response)
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
            for reason in REJECTION_REASONS
        )
        con.execute(
            f"""
            create table audit.rpt_load_history as
            select feed_name, 'responses' as source_name, source_file, repeat('a', 64) as file_fingerprint,
                   1234::bigint as file_bytes, 'UTC' as source_timezone, null::varchar as missing_columns,
                   count(*)::bigint as rows_read, count(*)::bigint as rows_staged,
                   count(*) filter (where status = 'accepted')::bigint as accepted,
                   count(*) filter (where status = 'rejected')::bigint as rejected,
                   count(*) filter (where status = 'superseded')::bigint as superseded,
                   count(*) filter (where status = 'pending')::bigint as pending,
                   {reasons}
            from audit.rpt_response_audit
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


@pytest.fixture
def warehouse_copy(good_warehouse: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "nps.duckdb"
    shutil.copyfile(good_warehouse, path)
    yield path


def corrupt(path: Path, *statements: str, marts: list[str] | None = None) -> ValidationReport:
    """Run ``statements`` on the warehouse, then validate it (only ``marts`` if given)."""
    con = duckdb.connect(str(path))
    try:
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
    # the category is left as it was: the suite compares only nps_category with its score
    assert failures(report, "fct_nps_responses") == {("expect_column_values_to_be_in_set", column)}
    outcome = failed_outcome(report, "fct_nps_responses", column)
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_examples[0]["response_id"] == response_id


@pytest.mark.parametrize(
    ("column", "value"),
    [("csat_category", "happy"), ("ces_category", "effortless"), ("survey_type", "nps")],
)
def test_response_category_outside_its_set(warehouse_copy: Path, column: str, value: str) -> None:
    report = corrupt(
        warehouse_copy,
        f"update marts.fct_nps_responses set {column} = '{value}' where response_id = 'r3'",
        marts=["fct_nps_responses"],
    )
    assert failures(report, "fct_nps_responses") == {("expect_column_values_to_be_in_set", column)}


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
    assert failures(report, CUBE) == {
        ("expect_column_values_to_be_in_set", "chk_dimension_adds_up_to_overall")
    }
    outcome = failed_outcome(report, CUBE, "chk_dimension_adds_up_to_overall")
    # the language cells of both days: en, unknown and de on 2024-03-05, fr on 2024-03-06
    assert outcome.unexpected_count == 4
    assert {example["dimension_name"] for example in outcome.unexpected_examples} == {"language"}


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
    assert failures(report, CUBE) == {("expect_column_values_to_be_in_set", "dimension_name")}


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
