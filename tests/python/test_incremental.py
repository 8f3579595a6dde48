"""Incremental builds: a sequence of arrivals must end with the marts of a full refresh.

Landing files arrive in several batches into one landing folder; after each arrival ``dbt build``
runs incrementally on the same warehouse. After every arrival the marts must equal the Python
oracle's over all the files landed so far, and at the end a ``--full-refresh`` of the same files
must give the same marts. The arrivals resubmit old responses (moving them to other dates), send
stale copies and exact-instant ties, and reject rows whose response_id is already published.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import duckdb
import pytest
from harness import SEEDS_DIR, assert_marts_equal, expected_marts, read_marts, run_dbt
from messy_data import COLUMNS

from nps_warehouse.generator import generate


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def _row(response_id: str, submitted_at: str, score: str, channel: str = "email") -> list[str]:
    return [response_id, "S1", "C1", submitted_at, channel, "IDF", "smb", "A1", score, "ok"]


def _arrival_1(landing: Path) -> None:
    generate(
        landing,
        rows=1500,
        seed=101,
        fmt="mixed",
        files=2,
        start_date="2026-06-01",
        days=30,
        resubmit_rate=0.05,
        messy_rate=0.08,
        prefix="a1",
    )
    # H1 is the only response of 2026-05-01; H2 and H3 are ordinary responses.
    _write_csv(
        landing / "h1.csv",
        [
            _row("H1", "2026-05-01T10:00:00Z", "9"),
            _row("H2", "2026-06-10T10:00:00Z", "3"),
            _row("H3", "2026-06-11T10:00:00Z", "7"),
        ],
    )


def _arrival_2(landing: Path) -> None:
    # Two new days; 30 % of the rows resubmit responses of arrival 1 (new dates, new scores).
    generate(
        landing,
        rows=300,
        seed=102,
        fmt="csv",
        files=1,
        start_date="2026-07-01",
        days=2,
        first_response=10001,
        resubmit_rate=0.3,
        resubmit_from_range=(1, 1500),
        messy_rate=0.1,
        prefix="a2",
    )


def _arrival_3(landing: Path) -> None:
    # One new day, gzip CSV, resubmitting arrival 2's responses; more rejected rows.
    generate(
        landing,
        rows=200,
        seed=103,
        fmt="csv.gz",
        files=1,
        start_date="2026-07-03",
        days=1,
        first_response=20001,
        resubmit_rate=0.4,
        resubmit_from_range=(10001, 10300),
        messy_rate=0.2,
        prefix="a3",
    )


def _arrival_4(landing: Path) -> None:
    _write_csv(
        landing / "h4.csv",
        [
            # H1 moves from 2026-05-01 to 2026-07-04: 2026-05-01 must disappear from every mart.
            _row("H1", "2026-07-04T08:00:00Z", "2"),
            # H2: a stale copy (older instant) does not replace the published answer.
            _row("H2", "2026-06-09T10:00:00Z", "10"),
            # H3: the same instant in a later file wins the tie.
            _row("H3", "2026-06-11T10:00:00Z", "10", channel="sms"),
            # a rejected row never replaces a published response
            _row("H2", "2026-07-04T09:00:00Z", "eleven"),
        ],
    )


ARRIVALS = (_arrival_1, _arrival_2, _arrival_3, _arrival_4)


def _staging_loads(database: Path) -> list[tuple[int, int]]:
    """(files, rows) per load of the staging table, oldest first."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.sql(
            "select count(distinct source_file), count(*) from staging.stg_nps_survey__responses "
            "group by loaded_at order by loaded_at"
        ).fetchall()
    finally:
        connection.close()


@pytest.mark.parametrize("reprocess_days", [0, 3])
def test_incremental_arrivals_end_with_the_marts_of_a_full_refresh(tmp_path, reprocess_days):
    landing = tmp_path / "landing"
    landing.mkdir()
    database = tmp_path / "nps.duckdb"
    dbt_vars = {"nps_reprocess_days": reprocess_days}
    raw_rows = 0
    for number, arrive in enumerate(ARRIVALS, start=1):
        arrive(landing)
        # the data tests run on the last arrival (and on the full refresh): before it, the oracle
        # checks every mart of every step
        run = run_dbt(
            "build",
            database=database,
            raw=landing,
            work_dir=tmp_path,
            dbt_vars=dbt_vars,
            data_tests=number == len(ARRIVALS),
        )
        assert run.success, run.failures() or run.exception
        expected = expected_marts(str(landing), SEEDS_DIR)
        incremental = read_marts(database)
        assert_marts_equal(incremental, expected)
        raw_rows = len(expected["rpt_response_audit"])
        # each build read only the files that had just arrived
        assert len(_staging_loads(database)) == number
    assert "2026-05-01" not in {str(row[0]) for row in incremental["fct_nps_daily_overall"]}
    assert sum(rows for _, rows in _staging_loads(database)) == raw_rows

    # Nothing new: the build reads no file, and nothing changes or is counted twice.
    run = run_dbt(
        "build", database=database, raw=landing, work_dir=tmp_path, dbt_vars=dbt_vars, data_tests=False
    )
    assert run.success, run.failures() or run.exception
    assert read_marts(database) == incremental
    assert len(_staging_loads(database)) == len(ARRIVALS)

    # A full refresh never reads nps_reprocess_days: the same files give the same marts for both
    # parameters, so one of them checks it (the other's incremental marts equal the same oracle).
    if reprocess_days:
        return
    run = run_dbt(
        "build",
        database=database,
        raw=landing,
        work_dir=tmp_path,
        dbt_vars=dbt_vars,
        extra_args=("--full-refresh",),
    )
    assert run.success, run.failures() or run.exception
    assert_marts_equal(read_marts(database), incremental)
    assert _staging_loads(database) == [(len(list(landing.iterdir())), raw_rows)]


def test_a_loaded_file_that_changes_stops_the_build(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    database = tmp_path / "nps.duckdb"
    _write_csv(landing / "a.csv", [_row("R1", "2026-06-01T10:00:00Z", "9")])
    assert run_dbt("build", database=database, raw=landing, work_dir=tmp_path).success
    before = read_marts(database)

    with (landing / "a.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(_row("R2", "2026-06-01T11:00:00Z", "3"))
    run = run_dbt("build", database=database, raw=landing, work_dir=tmp_path)
    assert not run.success
    message = str(run.exception)
    assert f"landing file {landing / 'a.csv'} (feed 'default') changed since it was loaded" in message
    assert "make build DBT_ARGS=--full-refresh" in message
    assert read_marts(database) == before

    run = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=("--full-refresh",))
    assert run.success, run.failures() or run.exception
    assert_marts_equal(read_marts(database), expected_marts(str(landing), SEEDS_DIR))


def test_a_new_load_is_checked_before_it_is_read(tmp_path):
    """A file arriving without a required column stops the incremental build; nothing moves."""
    landing = tmp_path / "landing"
    landing.mkdir()
    database = tmp_path / "nps.duckdb"
    _write_csv(landing / "a.csv", [_row("R1", "2026-06-01T10:00:00Z", "9")])
    assert run_dbt("build", database=database, raw=landing, work_dir=tmp_path).success
    before = read_marts(database)
    with gzip.open(landing / "b.csv.gz", "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([column for column in COLUMNS if column != "score"])
        writer.writerow(["R2", "S1", "C1", "2026-06-02T10:00:00Z", "sms", "IDF", "smb", "A1", ""])
    run = run_dbt("build", database=database, raw=landing, work_dir=tmp_path)
    assert not run.success
    assert f"landing file {landing / 'b.csv.gz'}: required column 'score' not found" in str(run.exception)
    assert read_marts(database) == before
