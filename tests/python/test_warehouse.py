"""The warehouse against the independent Python oracle, cell by cell.

Each test builds the dbt project in-process into a throw-away DuckDB file on generated
landing data, then compares every mart with what nps_warehouse.oracle computes from the same
files without any SQL.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from harness import PROJECT_DIR, SEEDS_DIR, assert_marts_equal, expected_marts, read_marts, run_dbt
from messy_data import COLUMNS, write_messy_landing

from nps_warehouse.contract import MART_COLUMNS
from nps_warehouse.generator import generate

STATUSES = {"accepted", "rejected", "superseded"}
AUDIT = {name: position for position, name in enumerate(MART_COLUMNS["rpt_response_audit"])}


@pytest.mark.parametrize("seed", [11, 2026])
def test_marts_match_oracle_on_randomised_messy_data(build_factory, tmp_path, seed):
    landing = write_messy_landing(tmp_path / "landing", seed=seed, rows_per_file=500, files=4)
    build = build_factory(f"random_{seed}", landing)
    assert_marts_equal(build.marts, expected_marts(str(landing), SEEDS_DIR))


def test_marts_match_oracle_on_generated_exports(build_factory, tmp_path):
    landing = tmp_path / "generated"
    generate(landing, rows=20_000, seed=3, files=4, fmt="mixed", days=60)
    build = build_factory("generated", landing)
    expected = expected_marts(str(landing), SEEDS_DIR)
    assert_marts_equal(build.marts, expected)
    statuses = {row[AUDIT["status"]] for row in expected["rpt_response_audit"]}
    assert statuses == STATUSES, "the generated data must exercise every status"


def test_every_rule_is_exercised(messy_build):
    audit = messy_build.marts["rpt_response_audit"]
    reasons = {row[AUDIT["reason"]] for row in audit if row[AUDIT["status"]] == "rejected"}
    assert reasons == {"missing_response_id", "invalid_submitted_at", "missing_score", "invalid_score"}
    assert {row[AUDIT["status"]] for row in audit} == STATUSES
    channel = MART_COLUMNS["fct_nps_responses"].index("channel")
    channels = {row[channel] for row in messy_build.marts["fct_nps_responses"]}
    assert {"email", "sms", "phone", "web", "chat", "whatsapp", "in_app", "other", "unknown"} <= channels
    assert messy_build.marts["rpt_unmapped_channels"], "unmapped channel values are listed"
    # far more than 5 % of these rows are rejected: the gate warns without failing the build
    assert messy_build.result.statuses["assert_rejected_share_within_limits"] == "warn"


def test_audit_accounts_for_every_raw_row(messy_build, messy_landing):
    raw_rows = 0
    for path in messy_landing.iterdir():
        if path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as handle:
                raw_rows += sum(1 for _ in csv.reader(handle)) - 1
        else:
            raw_rows += duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
    assert len(messy_build.marts["rpt_response_audit"]) == raw_rows


def test_marts_in_a_reporting_time_zone_match_oracle(build_factory, messy_landing):
    build = build_factory("paris", messy_landing, {"nps_reporting_timezone": "Asia/Kolkata"})
    expected = expected_marts(str(messy_landing), SEEDS_DIR, reporting_timezone="Asia/Kolkata")
    assert_marts_equal(build.marts, expected)


def test_rebuilding_the_same_data_gives_identical_marts(messy_build):
    rebuilt = run_dbt("build", database=messy_build.database, raw=messy_build.raw, work_dir=messy_build.root)
    assert rebuilt.success, rebuilt.failures()
    assert read_marts(messy_build.database) == messy_build.marts


_BUILD_AND_REPORT_TIME_ZONE = """
import json, sys
import duckdb
sys.path.insert(0, {tests!r})
from harness import run_dbt
from pathlib import Path
run = run_dbt("build", database=Path({database!r}), raw={raw!r}, work_dir=Path({work!r}))
print(json.dumps({{"success": run.success,
                  "duckdb_timezone": duckdb.sql("select current_setting('TimeZone')").fetchall()[0][0]}}))
"""


def test_machine_time_zone_does_not_change_marts(messy_build, tmp_path):
    database = tmp_path / "new_york.duckdb"
    script = _BUILD_AND_REPORT_TIME_ZONE.format(
        tests=str(Path(__file__).parent), database=str(database), raw=str(messy_build.raw), work=str(tmp_path)
    )
    environment = {**os.environ, "TZ": "America/New_York", "PYTHONPATH": str(PROJECT_DIR)}
    completed = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["duckdb_timezone"] == "America/New_York", "the build must really run in New York time"
    assert report["success"]
    assert_marts_equal(read_marts(database), messy_build.marts)


def test_file_missing_a_required_column_fails_and_keeps_the_last_good_marts(build_factory, tmp_path):
    landing = write_messy_landing(tmp_path / "landing", seed=5, rows_per_file=50, files=2)
    build = build_factory("missing_column", landing)
    bad = landing / "export_99.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([name for name in COLUMNS if name not in ("score", "region")])
        writer.writerow(["X1", "S1", "C1", "2026-03-01T10:00:00Z", "email", "consumer", "A1", "ok"])
    run = run_dbt("build", database=build.database, raw=landing, work_dir=build.root)
    assert not run.success
    assert f"feed 'default': landing file {bad}: required column 'score' not found" in str(run.exception)
    assert read_marts(build.database) == build.marts


def test_no_matching_file_is_a_clear_error(tmp_path):
    run = run_dbt(
        "build", database=tmp_path / "nps.duckdb", raw=tmp_path / "nothing-*.csv", work_dir=tmp_path
    )
    assert not run.success
    assert "No landing file matches NPS_RAW_RESPONSES" in str(run.exception)


def test_mass_rejection_fails_the_build_and_keeps_the_last_good_marts(build_factory, tmp_path):
    landing = write_messy_landing(tmp_path / "landing", seed=9, rows_per_file=60, files=1)
    build = build_factory("mass_rejection", landing)
    with (landing / "export_99.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index in range(200):
            row = [f"B{index}", "S", "C", "2026-03-01T10:00:00Z", "sms", "IDF", "smb", "A", "ten", ""]
            writer.writerow(row)
    run = run_dbt("build", database=build.database, raw=landing, work_dir=build.root, data_tests=True)
    assert not run.success
    assert run.statuses["assert_rejected_share_within_limits"] == "fail"
    assert set(run.failures()) == {"assert_rejected_share_within_limits"}
    assert run.statuses["fct_nps_daily"] == "skipped"
    after = read_marts(build.database)
    # The NPS marts are those of the last good build. The audit reports, views over staging,
    # already show the rows of the stopped load, every one rejected with its reason.
    audit_reports = ("rpt_response_audit", "rpt_rejected_rows", "rpt_load_history")
    new_audit_rows = [row for row in after["rpt_response_audit"] if row[0].endswith("export_99.csv")]
    assert {mart: rows for mart, rows in after.items() if mart not in audit_reports} == {
        mart: rows for mart, rows in build.marts.items() if mart not in audit_reports
    }
    assert len(new_audit_rows) == 200
    assert {(row[AUDIT["status"]], row[AUDIT["reason"]]) for row in new_audit_rows} == {
        ("rejected", "invalid_score")
    }
    assert len([row for row in after["rpt_rejected_rows"] if row[0].endswith("export_99.csv")]) == 200


def test_header_only_file_builds_empty_marts(tmp_path):
    landing = tmp_path / "empty.csv"
    landing.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    run = run_dbt("build", database=tmp_path / "nps.duckdb", raw=landing, work_dir=tmp_path)
    assert run.success, run.failures()
    marts = read_marts(tmp_path / "nps.duckdb")
    assert marts == expected_marts(str(landing), SEEDS_DIR)
    assert marts["rpt_response_audit"] == [] and marts["fct_nps_daily"] == []


def test_glob_of_gzip_and_plain_csv_matches_oracle(build_factory, tmp_path):
    landing = write_messy_landing(tmp_path / "landing", seed=13, rows_per_file=150, files=2)
    plain = landing / "export_00.csv"
    with plain.open("rb") as source, gzip.open(landing / "export_00b.csv.gz", "wb") as target:
        target.write(source.read())
    plain.unlink()
    (landing / "notes.txt").write_text("not an export\n", encoding="utf-8")
    spec = str(landing / "export_*.csv*")
    build = build_factory("glob", Path(spec))
    assert {row[0] for row in build.marts["rpt_response_audit"]} == {
        str(landing / "export_00b.csv.gz"),
        str(landing / "export_01.csv"),
    }
    assert_marts_equal(build.marts, expected_marts(spec, SEEDS_DIR))


def test_unsupported_file_type_is_a_clear_error(tmp_path):
    landing = write_messy_landing(tmp_path / "landing", seed=13, rows_per_file=10, files=1)
    (landing / "notes.txt").write_text("not an export\n", encoding="utf-8")
    run = run_dbt("build", database=tmp_path / "nps.duckdb", raw=landing / "*", work_dir=tmp_path)
    assert not run.success
    message = str(run.exception)
    assert (
        f"Landing file {landing / 'notes.txt'} is neither CSV (.csv, .csv.gz, .tsv, .tsv.gz) nor Parquet"
        in message
    )


def test_byte_order_mark_and_crlf_line_endings_match_oracle(tmp_path):
    landing = tmp_path / "windows_export.csv"
    header = ",".join(COLUMNS)
    row = 'W1,S1,C1,2026-03-01T10:00:00+01:00,Téléphone,idf,SMB,A1,08,"Ligne 1\r\nLigne 2, ""fin"""'
    landing.write_bytes(("\ufeff" + header + "\r\n" + row + "\r\n").encode("utf-8"))
    run = run_dbt("build", database=tmp_path / "nps.duckdb", raw=landing, work_dir=tmp_path)
    assert run.success, run.failures()
    marts = read_marts(tmp_path / "nps.duckdb")
    # the predictive scores are doubles: equal within the harness's tolerance
    assert_marts_equal(marts, expected_marts(str(landing), SEEDS_DIR))
    (response,) = marts["fct_nps_responses"]
    published = dict(zip(MART_COLUMNS["fct_nps_responses"], response, strict=True))
    assert [
        published[name] for name in ("channel", "region", "segment", "nps_score", "nps_category", "comment")
    ] == [
        "phone",
        "IDF",
        "smb",
        8,
        "passive",
        'Ligne 1\r\nLigne 2, "fin"',
    ]


def test_rows_not_matching_the_header_fail_and_keep_the_last_good_marts(build_factory, tmp_path):
    landing = write_messy_landing(tmp_path / "landing", seed=21, rows_per_file=40, files=1)
    build = build_factory("malformed", landing)
    bad = landing / "export_98.csv"
    bad.write_text(
        ",".join(COLUMNS) + "\n"
        "M1,S1,C1,2026-03-01T10:00:00Z,email,IDF,smb,A1,9,fine\n"
        "M2,S1,C1,2026-03-01T10:00:00Z,email,IDF,smb,A1,9,unquoted, comma\n",
        encoding="utf-8",
    )
    run = run_dbt("build", database=build.database, raw=landing, work_dir=build.root)
    assert not run.success
    assert not run.statuses, "nothing may run after a failed landing check"
    assert (
        f"landing file {bad}, line 3 (data row 2): the row has 11 fields, more than the header's 10"
        in str(run.exception)
    )
    assert read_marts(build.database) == build.marts


def test_every_published_response_reconciles_with_its_staged_row(tmp_path):
    """assert_accepted_responses_reconcile: each response of the latest load is the valid staged
    row of its file and row number, with the same id and key; a fact row pointing at a rejected
    row, at another response's row or at no row at all fails it, one failure per response."""
    landing = tmp_path / "landing"
    landing.mkdir()
    database = tmp_path / "nps.duckdb"
    generate(landing, rows=400, seed=5, fmt="csv", files=1, days=10, messy_rate=0.2)
    core = ("--select", "+fct_nps_daily")
    built = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=core)
    assert built.success, built.failures() or built.exception

    def reconcile() -> tuple[str, str]:
        tested = run_dbt(
            "test",
            database=database,
            raw=landing,
            work_dir=tmp_path,
            extra_args=("--select", "assert_accepted_responses_reconcile"),
        )
        name = "assert_accepted_responses_reconcile"
        return tested.statuses[name], tested.messages.get(name, "")

    assert reconcile()[0] == "pass"
    connection = duckdb.connect(str(database))
    try:
        (rejected_row,) = connection.execute(
            "select source_row_number from staging.stg_nps_survey__responses "
            "where rejection_reason is not null limit 1"
        ).fetchone()
        first, second, third = connection.execute(
            "select response_id, source_row_number from marts.fct_nps_responses order by response_id limit 3"
        ).fetchall()
        # a rejected row, another response's row, a row the file does not have
        for (response_id, _), row_number in ((first, rejected_row), (second, third[1]), (third, 10**6)):
            connection.execute(
                "update marts.fct_nps_responses set source_row_number = ? where response_id = ?",
                [row_number, response_id],
            )
    finally:
        connection.close()
    status, message = reconcile()
    assert status == "fail" and "Got 3 results" in message, message
