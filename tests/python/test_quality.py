"""Tests of the Great Expectations suite (nps_warehouse.quality, scripts/validate_marts.py).

A small, hand-written warehouse that honours every rule of the README is built once per session
in a temporary directory; each corruption test copies it, breaks one thing with SQL and checks
that the matching expectation fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from nps_warehouse.contract import REJECTION_REASONS
from nps_warehouse.quality import (
    MART_COLUMNS,
    ValidationReport,
    WarehouseUnavailableError,
    expected_nps,
    render_text_report,
    validate_warehouse,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "validate_marts.py"

COUNTS = "responses bigint, promoters bigint, passives bigint, detractors bigint, nps numeric(5, 2)"

# response_id, date, channel, region, segment, score, category, source row
RESPONSES = [
    ("r1", "2024-03-04", "email", "IDF", "consumer", 10, "promoter", 2),
    ("r2", "2024-03-04", "email", "IDF", "consumer", 3, "detractor", 3),
    ("r3", "2024-03-04", "sms", "ARA", "smb", 8, "passive", 4),
    ("r4", "2024-03-05", "other", "IDF", "consumer", 9, "promoter", 5),
    ("r5", "2024-03-05", "web", "unknown", "unknown", 6, "detractor", 6),
    ("r6", "2024-03-06", "email", "ARA", "smb", 7, "passive", 7),
    ("r7", "2024-03-06", "sms", "ARA", "smb", 0, "detractor", 8),
]

DDL = f"""
create schema marts;
create schema audit;
create table marts.fct_nps_responses (
    response_id varchar, survey_id varchar, customer_id varchar, agent_id varchar,
    channel varchar, region varchar, segment varchar, nps_score integer, nps_category varchar,
    comment varchar, response_date date, submitted_at timestamp, feed_name varchar,
    source_file varchar, source_row_number bigint);
create table marts.fct_nps_daily (
    response_date date, channel varchar, region varchar, segment varchar, {COUNTS});
create table marts.fct_nps_daily_by_channel (response_date date, channel varchar, {COUNTS});
create table marts.fct_nps_daily_by_region (response_date date, region varchar, {COUNTS});
create table marts.fct_nps_daily_by_segment (response_date date, segment varchar, {COUNTS});
create table marts.fct_nps_daily_overall (response_date date, {COUNTS});
create table marts.dim_channel (channel varchar, channel_name varchar, sort_order integer);
create table marts.dim_region (
    region varchar, region_name varchar, country_code varchar, is_reference_region boolean);
create table marts.dim_segment (
    segment varchar, segment_name varchar, is_reference_segment boolean);
create table marts.dim_date (
    date_day date, year_number integer, quarter_number integer, month_number integer,
    day_of_month integer, iso_day_of_week integer, is_weekend boolean, week_start_date date,
    month_start_date date, quarter_start_date date, year_start_date date);
create table audit.rpt_response_audit (
    source_file varchar, source_row_number bigint, response_id varchar, feed_name varchar,
    raw_response_id varchar, raw_survey_id varchar, raw_customer_id varchar,
    raw_submitted_at varchar, raw_channel varchar, raw_region varchar, raw_segment varchar,
    raw_agent_id varchar, raw_score varchar, raw_comment varchar, raw_language varchar,
    raw_response_type varchar, raw_finished varchar, status varchar, reason varchar);
create table audit.rpt_unmapped_channels (
    raw_channel varchar, channel_key varchar, responses bigint, first_response_date date,
    last_response_date date);
"""

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
group by all
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


def build_warehouse(path: Path) -> None:
    """Write a small, fully consistent warehouse to ``path``."""
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        raw_channel = {"email": "E-mail", "sms": "SMS", "other": "pigeon", "web": "web"}
        for rid, day, channel, region, segment, score, category, row in RESPONSES:
            con.execute(
                "insert into marts.fct_nps_responses values "
                "(?, 's1', ?, null, ?, ?, ?, ?, ?, null, ?::date, (? || ' 10:00:00')::timestamp, "
                "'default', 'demo.csv', ?)",
                [
                    rid,
                    f"c-{rid}",
                    channel,
                    region,
                    segment,
                    score,
                    category,
                    day,
                    day,
                    row,
                ],
            )
            con.execute(
                "insert into audit.rpt_response_audit values "
                "('demo.csv', ?, ?, 'default', ?, 's1', ?, ?, ?, ?, ?, null, ?, null, null, null, null, "
                "'accepted', null)",
                [
                    row,
                    rid,
                    rid,
                    f"c-{rid}",
                    f"{day}T10:00:00Z",
                    raw_channel[channel],
                    region,
                    segment,
                    str(score),
                ],
            )
        # an older submission of r1 (superseded) and two rejected rows
        con.execute(
            """
            insert into audit.rpt_response_audit values
            ('demo.csv', 1, 'r1', 'default', 'r1', 's1', 'c-r1', '2024-03-03T09:00:00Z', 'email', 'IDF',
             'consumer', null, '5', null, null, null, null, 'superseded', null),
            ('demo.csv', 9, null, 'default', null, 's1', 'c-x', '2024-03-04T10:00:00Z', 'sms', 'IDF',
             'consumer', null, '9', null, null, null, null, 'rejected', 'missing_response_id'),
            ('demo.csv', 10, 'r9', 'default', 'r9', 's1', 'c-r9', '2024-03-04T10:00:00Z', 'sms', 'IDF',
             'consumer', null, '1e1', null, null, null, null, 'rejected', 'invalid_score')
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
        con.execute(
            """
            create table audit.rpt_rejected_rows as
            select source_file, source_row_number, feed_name, reason, response_id, raw_response_id,
                   raw_submitted_at, raw_score, raw_response_type, raw_finished, 'UTC' as source_timezone
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
    assert ("expect_column_values_to_be_between", "nps_score") in failed
    outcome = next(
        o
        for o in report.mart("fct_nps_responses").failed
        if o.expectation_type == "expect_column_values_to_be_between"
    )
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
    assert "FAIL  nps_score between 0 and 10" in result.stdout
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
