"""The alerts' false-alarm rate, by simulation through the warehouse.

Responses whose scores never change (nps_warehouse.generator.simulation) are built on DuckDB:
every nps_significant_drop alert they raise is a false alarm, and the share of alerts among the
cells tested stays under the false discovery rate (where testing every cell at 5 % alone would
raise about 5 % of them). The same responses with a planted drop of 15 NPS points in one region
from one month on raise that region's alert for that month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from harness import run_dbt

from nps_warehouse.generator.simulation import PlantedDrop, write_stationary_responses

ROWS = 120_000
START = date(2026, 1, 5)
DAYS = 112
FDR = 0.05
DROP = PlantedDrop(region="IDF", start=date(2026, 3, 1), points=15.0)


def _build(tmp_path: Path, drop: PlantedDrop | None) -> Path:
    landing = tmp_path / "landing"
    write_stationary_responses(
        landing / "responses.csv", rows=ROWS, start_date=START, days=DAYS, seed=7, drop=drop
    )
    database = tmp_path / "nps.duckdb"
    run = run_dbt(
        "build",
        database=database,
        raw=landing,
        work_dir=tmp_path,
        # the models the alerts read, and their data tests (unit tests run in make test)
        extra_args=(
            "--select",
            "+fct_cx_alerts",
            "--exclude-resource-type",
            "unit_test",
            "--indirect-selection",
            "cautious",
        ),
    )
    assert run.success, run.failures() or run.exception
    return database


def _query(database: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.sql(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stationary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("stationary"), None)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("planted"), DROP)


def test_without_a_real_change_alerts_stay_under_the_false_discovery_rate(stationary: Path):
    ((tests, naive),) = _query(
        stationary,
        "select count(*), count(*) filter (where nps_change_p_value < 0.05 and nps_change < 0) "
        "from marts.fct_cx_by_period where nps_change_p_value is not null",
    )
    ((alerts,),) = _query(
        stationary, "select count(*) from marts.fct_cx_alerts where rule = 'nps_significant_drop'"
    )
    # enough tests for a rate to mean something, and uncorrected tests do raise false alarms
    assert tests > 500
    assert naive > 0
    assert alerts / tests < FDR
    assert alerts <= naive


def test_a_planted_drop_of_15_points_fires_its_alert(planted: Path):
    rows = _query(
        planted,
        "select period_grain, period_start_date, observed, baseline, q_value from marts.fct_cx_alerts "
        "where rule = 'nps_significant_drop' and dimension_name = 'region' and dimension_value = 'IDF'",
    )
    months = {row[1]: row for row in rows if row[0] == "month"}
    assert date(2026, 3, 1) in months, rows
    _, _, observed, baseline, q_value = months[date(2026, 3, 1)]
    assert q_value < FDR
    assert 5 < baseline - observed < 25
    # the other regions, which did not change, raise no monthly alert
    ((others,),) = _query(
        planted,
        "select count(*) from marts.fct_cx_alerts where rule = 'nps_significant_drop' "
        "and dimension_name = 'region' and dimension_value <> 'IDF' and period_grain = 'month'",
    )
    assert others == 0
