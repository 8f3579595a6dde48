"""Benchmark of the warehouse against the engine floor and pandas.

For each history size the benchmark generates landing data with the project's generator (365 days
ending 2026-10-31, CSV files of about 500,000 rows) plus one more day (about 1/365 of the history,
5 % of it resubmitting old responses), then measures, on the same files:

* ``full_build``: ``dbt build --full-refresh`` (models, seeds, unit and data tests) into a new
  warehouse, and ``dbt run --full-refresh`` (models only) into another;
* ``incremental_build``: ``dbt build`` after the new day's file lands next to the history;
* ``core_csv`` / ``core_parquet``: the core path - a new warehouse, the responses alone loaded,
  ``dbt build --select +fct_nps_daily`` (models and their tests) - on the CSV files and on the
  same responses as one Parquet file (data.py);
* ``floor`` / ``floor_parquet``: one hand-written DuckDB statement doing the irreducible work -
  read every file, validate, de-duplicate, classify and aggregate the daily cube - with the same
  rules, on each format;
* ``pandas`` / ``pandas_parquet``: the same daily cube computed with pandas, on each format.

Each dbt invocation's ``run_results.json`` is kept and summarised (run_results.py); the report
(report.py) ends with the issue's targets (targets.py).

With ``--core-sizes`` it builds the core path alone, on the responses alone as Parquet, at sizes
whose whole warehouse does not fit on one disk: a full build, then the same new day, each with its
time and peak memory, the day's cube checked against the floor on the same files (core_sizes.py).

With ``--engines`` it also builds the demo data and histories (default 1M) on each engine
(DuckDB, PostgreSQL, Spark): the loader's time (PostgreSQL, Spark), ``dbt build --full-refresh``,
and an incremental ``dbt build`` after one more day, each engine's ``fct_nps_daily`` compared with
DuckDB's; on Spark, which partitions of each partitioned table the new day rewrote
(spark_partitions.py). Peak memory there is the client's process tree: PostgreSQL's server
processes are not in it; Spark's JVM is.

Each step runs in its own process; wall time is measured around it and peak memory is the highest
resident set size of the process tree (sampled every 50 ms, and the kernel's own maximum RSS of
the process). The floor's and pandas' cubes are compared with the warehouse's ``fct_nps_daily``,
so every number in the report comes from a run that produced the right answer.
"""

from .baselines import floor_sql, normalise_cube, read_cube_file, run_floor, run_pandas
from .common import format_size, parse_size
from .core_sizes import benchmark_core_sizes
from .data import (
    ensure_history,
    ensure_new_day,
    ensure_parquet,
    landing_files,
    link_landing,
    link_responses_only,
)
from .engines import benchmark_engines
from .make_build import measure_make_build
from .measuring import Measurement, _tree_rss_bytes, measure
from .report import render_markdown
from .run_results import node_shares
from .steps import benchmark_scaling, benchmark_size, machine_info
from .targets import evaluate_targets

__all__ = [
    "Measurement",
    "_tree_rss_bytes",
    "benchmark_core_sizes",
    "benchmark_engines",
    "benchmark_scaling",
    "benchmark_size",
    "ensure_history",
    "ensure_new_day",
    "ensure_parquet",
    "evaluate_targets",
    "floor_sql",
    "format_size",
    "landing_files",
    "link_landing",
    "link_responses_only",
    "machine_info",
    "measure",
    "measure_make_build",
    "node_shares",
    "normalise_cube",
    "parse_size",
    "read_cube_file",
    "render_markdown",
    "run_floor",
    "run_pandas",
]
