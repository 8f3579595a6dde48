"""The incremental arrivals of test_incremental on PostgreSQL and Spark: after each arrival the
marts equal the oracle's; a build with nothing new loads and changes nothing; a full refresh
gives the same marts, merge keys included; and DuckDB builds the same marts from the same files.
On Spark each build rewrites exactly the date partitions whose rows changed.

The engine fixtures (``engine``, ``warehouse_factory``) are in conftest.py; each engine's test
carries its marker (`make test-postgres`, `make test-spark`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from harness import SEEDS_DIR, Warehouse, assert_marts_equal, expected_marts
from test_engines import _assert_success
from test_incremental import ARRIVALS

from nps_warehouse.benchmark import spark_partitions


def _partition_rewrites(warehouse: Warehouse) -> Callable[[], dict]:
    """On Spark, a snapshot of the partitioned tables' files and rows now; the returned function
    compares it with the tables as they are when it is called (per table: rewritten, rows
    changed, ...). On the other engines the function returns {}."""
    if warehouse.engine != "spark":
        return dict
    folder = Path(os.environ["NPS_SPARK_WAREHOUSE_DIR"])
    before = spark_partitions.snapshot(folder)
    return lambda: spark_partitions.compare(before, spark_partitions.snapshot(folder))


def _assert_only_changed_dates_rewritten(rewrites: dict, step: str) -> None:
    for table, counts in rewrites.items():
        assert counts["rewritten_unchanged"] == 0, (step, table, counts)
        assert counts["changed_not_rewritten"] == 0, (step, table, counts)


def test_incremental_arrivals_equal_a_full_refresh_and_duckdb(warehouse_factory, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    warehouse = warehouse_factory()
    dbt_vars = {"nps_reprocess_days": 0}
    for number, arrive in enumerate(ARRIVALS, start=1):
        arrive(landing)
        rewrites = _partition_rewrites(warehouse)
        # data tests on the last arrival; the oracle checks every step
        _assert_success(warehouse.build(landing, dbt_vars=dbt_vars, data_tests=number == len(ARRIVALS)))
        _assert_only_changed_dates_rewritten(rewrites(), f"arrival {number}")
        incremental = warehouse.marts()
        assert_marts_equal(incremental, expected_marts(str(landing), SEEDS_DIR))
    assert "2026-05-01" not in {str(row[0]) for row in incremental["fct_nps_daily_overall"]}
    with_keys = warehouse.marts(with_keys=True)

    # nothing new: nothing is loaded or changes
    raw_rows = warehouse.query("select count(*) from raw.raw_responses")
    rewrites = _partition_rewrites(warehouse)
    _assert_success(warehouse.build(landing, dbt_vars=dbt_vars, data_tests=False))
    assert all(counts["rewritten"] == 0 for counts in rewrites().values()), rewrites()
    assert warehouse.query("select count(*) from raw.raw_responses") == raw_rows
    assert warehouse.marts(with_keys=True) == with_keys

    _assert_success(warehouse.build(landing, dbt_vars=dbt_vars, extra_args=("--full-refresh",)))
    assert_marts_equal(warehouse.marts(with_keys=True), with_keys)

    duckdb_warehouse = Warehouse("duckdb", tmp_path / "duckdb")
    (tmp_path / "duckdb").mkdir()
    _assert_success(duckdb_warehouse.build(landing, dbt_vars=dbt_vars))
    assert_marts_equal(with_keys, duckdb_warehouse.marts(with_keys=True))
