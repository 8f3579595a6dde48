"""Run the dbt project in-process into throw-away warehouses and read its marts back.

A build is what ``make build`` does: the landing loader (nps_warehouse.landing, in-process)
loads the landing files into the raw tables, then dbt is invoked through ``dbtRunner`` (no CLI
start-up per build), one invocation at a time. dbt-duckdb keeps its DuckDB database open in a
process-wide environment after an invocation; :func:`run_dbt` closes it so the tests can open
the file themselves.

A :class:`Warehouse` is one throw-away warehouse on any engine: a DuckDB file, a PostgreSQL
database of its own, or a Spark metastore of its own.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from nps_warehouse.contract import MART_LOAD_COLUMNS, MART_SCHEMAS, SOURCE_AUDITS
from nps_warehouse.oracle import MART_COLUMNS, FollowupSettings, compute_marts

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJECT_DIR / "seeds"

#: The reference instant ("now") of every harness build (var cx_as_of) and of the oracle it is
#: compared with (expected_marts): the follow-up marts then do not depend on when tests run.
HARNESS_AS_OF = datetime(2026, 11, 15, 12, 0, 0)


def expected_marts(*args: Any, **kwargs: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The oracle's marts (compute_marts) as of HARNESS_AS_OF, unless ``followup_settings`` says
    otherwise: what a harness build must publish."""
    kwargs.setdefault("followup_settings", FollowupSettings(as_of=HARNESS_AS_OF))
    return compute_marts(*args, **kwargs)


#: The columns identifying a row of each mart, used to order both sides of a comparison.
MART_KEYS: dict[str, tuple[str, ...]] = {
    "rpt_rejected_rows": ("source_file", "source_row_number"),
    "rpt_load_history": ("source_file",),
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
    **{audit: ("source_file", "source_row_number") for audit in SOURCE_AUDITS.values()},
}


@dataclass
class DbtRun:
    """The outcome of one dbt invocation."""

    success: bool
    statuses: dict[str, str]
    messages: dict[str, str]
    exception: BaseException | None
    #: what the loader printed (progress, warnings, summary)
    load_output: list[str] = field(default_factory=list)

    def failures(self) -> dict[str, str]:
        """Nodes that errored or failed (skipped and no-op nodes are not failures)."""
        return {
            name: f"{status}: {self.messages.get(name, '')}"
            for name, status in self.statuses.items()
            if status in ("error", "fail", "runtime error", "partial success")
        }


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


#: The parsed project per target, database and vars: parsing costs about a third of a small
#: build, and the harness builds the same project dozens of times. A parse fixes the target's
#: database in every relation (a PostgreSQL test's own database; the DuckDB file's name) and
#: what the vars decide (configs, enabled nodes); the SQL, where the environment and the
#: DuckDB file's path come in, is rendered again by every invocation.
_MANIFESTS: dict[tuple[str, str, str], Any] = {}


def _dbt_args(
    command: str, target: str, work_dir: Path, dbt_vars: dict[str, Any] | None, extra: tuple[str, ...] = ()
) -> list[str]:
    """The arguments of one in-process dbt invocation on the project, writing into ``work_dir``."""
    args = [
        command,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target",
        target,
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--no-partial-parse",
        "--quiet",
        *extra,
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    return args


def _parsed_project(target: str, dbt_vars: dict[str, Any] | None, work_dir: Path) -> Any:
    """The manifest of the project for ``target``, its database (from the environment the
    invocation runs in) and ``dbt_vars``, parsed once per test session; None when the parse
    fails (the invocation then parses, and reports the error)."""
    database = {
        "duckdb": Path(os.environ.get("NPS_DUCKDB_PATH", "")).stem,
        "postgres": os.environ.get("PGDATABASE", ""),
    }.get(target, "")
    key = (target, database, json.dumps(dbt_vars or {}, sort_keys=True))
    if key not in _MANIFESTS:
        args = _dbt_args("parse", target, work_dir, dbt_vars)
        result = dbtRunner().invoke(args)
        if not result.success:
            return None
        _MANIFESTS[key] = result.result
    return _MANIFESTS[key]


def parsed_manifest(
    target: str, work_dir: Path, environment: dict[str, str], dbt_vars: dict[str, Any] | None = None
) -> Any:
    """The manifest :func:`run_dbt` builds ``target`` with in ``environment`` (the warehouse's:
    the DuckDB file, a PostgreSQL database) and ``dbt_vars``, parsed once per test session."""
    dbt_vars = {"cx_as_of": HARNESS_AS_OF.isoformat(sep=" "), **(dbt_vars or {})}
    with _environment(environment):
        return _parsed_project(target, dbt_vars, work_dir)


def _release_duckdb() -> None:
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def run_dbt(
    command: str,
    *,
    database: Path,
    raw: str | Path | None,
    work_dir: Path,
    dbt_vars: dict[str, Any] | None = None,
    extra_args: tuple[str, ...] = (),
    target: str = "duckdb",
    environment: dict[str, str] | None = None,
    landing_config: str | Path | None = None,
    load: bool = True,
    sources: dict[str, str | Path] | None = None,
    data_tests: bool = False,
) -> DbtRun:
    """Load the landing files (``raw``, or the feeds of ``landing_config``) into the raw tables,
    as ``make build`` does, then run ``dbt <command>`` into the DuckDB file ``database`` (or, for
    another target, into the warehouse ``environment`` points the profile at). The loader runs
    for ``build`` and ``run`` unless ``load`` is false; a landing error ends the run there.
    A build leaves the data tests out unless ``data_tests`` (they are most of a small build's
    time: about 5 s without them, 16 to 22 s with them): the tests compare the marts with the
    oracle cell by cell anyway. The builds of messy data that every rule goes through (the
    shared messy build, the programme's, the follow-up's, each engine's) and the tests of a
    build stopped by a data test opt in; `make test`'s own dbt build of each engine runs them
    all on the demo data."""
    environment = {
        "NPS_DUCKDB_PATH": str(database),
        **({"NPS_RAW_RESPONSES": str(raw)} if raw is not None else {}),
        # the files of the other sources (customers, agents, ...): none unless given
        **{f"NPS_RAW_{source.upper()}": str(path) for source, path in (sources or {}).items()},
        **(environment or {}),
    }
    load_output: list[str] = []
    if load and command in ("build", "run"):
        from nps_warehouse.landing import LandingError, load_landing

        try:
            with _environment(environment):
                load_landing(
                    target=target,
                    config=landing_config,
                    use_config=landing_config is not None,
                    spec=None if raw is None else str(raw),
                    raw_schema=(dbt_vars or {}).get("nps_raw_schema", "raw"),
                    full_refresh="--full-refresh" in extra_args,
                    duckdb_path=str(database) if target == "duckdb" else None,
                    progress=load_output.append,
                )
        except LandingError as exc:
            return DbtRun(False, {}, {"load_landing": str(exc)}, exc, load_output)
    # dbt's unit tests do not read the data: `make test` runs them in its own dbt build of each
    # engine, so the harness's many builds leave them out (about a fifth of a small build)
    excluded = (
        ("--exclude-resource-type", "unit_test")
        if command == "build" and "unit_test" not in extra_args
        else ()
    )
    if command == "build" and not data_tests:
        excluded += ("--exclude-resource-type", "test")
    # a fixed "now" for the follow-up marts, unless the test sets its own
    dbt_vars = {"cx_as_of": HARNESS_AS_OF.isoformat(sep=" "), **(dbt_vars or {})}
    args = _dbt_args(command, target, work_dir, dbt_vars, (*excluded, *extra_args))
    with _environment(environment):
        try:
            result = dbtRunner(manifest=_parsed_project(target, dbt_vars, work_dir)).invoke(args)
        finally:
            _release_duckdb()
    statuses: dict[str, str] = {}
    messages: dict[str, str] = {}
    if result.result is not None and hasattr(result.result, "results"):
        for node_result in result.result.results:
            name = node_result.node.name
            statuses[name] = str(node_result.status)
            messages[name] = str(node_result.message or "")
    return DbtRun(result.success, statuses, messages, result.exception, load_output)


def delete_seed_rows_and_build(
    database: Path, seed: str, column: str, value: str, *, extra_args: tuple[str, ...] = (), **run: Any
) -> DbtRun:
    """A CX team's edit of a seed, as the warehouse sees it: the rows of ``seeds.<seed>`` whose
    ``column`` is ``value`` are deleted, then a build that loads no seed runs (a loaded seed would
    put them back), with ``run_dbt``'s other arguments; the build must succeed."""
    connection = duckdb.connect(str(database))
    try:
        connection.execute(f"delete from seeds.{seed} where {column} = ?", [value])
    finally:
        connection.close()
    result = run_dbt(
        "build", database=database, extra_args=("--exclude-resource-type", "seed", *extra_args), **run
    )
    assert result.success, result.failures() or result.exception
    return result


def mart_queries(with_keys: bool = False, text_type: str = "varchar") -> dict[str, str]:
    """The select of every mart in the oracle's column order, sorted by the mart's key; with
    ``with_keys``, the merge key response_key follows (as text), which is the same on every
    engine (loaded_at, the time of a build, is never compared)."""
    queries = {}
    for mart, columns in MART_COLUMNS.items():
        selected = list(columns)
        if with_keys and "response_key" in MART_LOAD_COLUMNS.get(mart, ()):
            selected.append(f"cast(response_key as {text_type}) as response_key")
        queries[mart] = (
            f"select {', '.join(selected)} from {MART_SCHEMAS[mart]}.{mart} "
            f"order by {', '.join(MART_KEYS[mart])}"
        )
    return queries


def read_marts(
    database: Path, with_keys: bool = False, only: tuple[str, ...] = ()
) -> dict[str, list[tuple[Any, ...]]]:
    """Every mart (or those named in ``only``, for a build that selected them) as a list of rows
    in the oracle's column order, sorted by the mart's key."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {
            mart: connection.sql(query).fetchall()
            for mart, query in mart_queries(with_keys).items()
            if not only or mart in only
        }
    finally:
        connection.close()


def table_columns(database: Path, schema: str, table: str) -> list[str]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        rows = connection.sql(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            params=[schema, table],
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        connection.close()


def describe_differences(
    mart: str, actual: list[tuple[Any, ...]], expected: list[tuple[Any, ...]], limit: int = 5
) -> str:
    """A readable account of how two versions of a mart differ (for assertion messages)."""
    lines = [f"{mart}: warehouse has {len(actual)} rows, oracle {len(expected)}"]
    actual_set, expected_set = set(actual), set(expected)
    only_actual = [row for row in actual if row not in expected_set][:limit]
    only_expected = [row for row in expected if row not in actual_set][:limit]
    columns = MART_COLUMNS[mart]
    for label, rows in (("only in warehouse", only_actual), ("only in oracle", only_expected)):
        for row in rows:
            lines.append(f"  {label}: {dict(zip(columns, row, strict=True))}")
    return "\n".join(lines)


#: How far a p-value or q-value (a float the engines compute with their own normal CDF) may be
#: from the oracle's; every other cell must be equal.
FLOAT_TOLERANCE = 1e-9


def _cells_equal(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        return abs(actual - expected) <= FLOAT_TOLERANCE
    return actual == expected


def rows_equal(actual: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> bool:
    """Same rows in the same order, every cell equal (floats within FLOAT_TOLERANCE)."""
    return len(actual) == len(expected) and all(
        len(a) == len(e) and all(_cells_equal(x, y) for x, y in zip(a, e, strict=True))
        for a, e in zip(actual, expected, strict=True)
    )


def describe_float_differences(
    mart: str, actual: list[tuple[Any, ...]], expected: list[tuple[Any, ...]], limit: int = 5
) -> str:
    """The first rows whose cells differ, cell by cell (for marts of the same length)."""
    columns = MART_COLUMNS[mart]
    lines = [f"{mart}: cells differ"]
    for a, e in zip(actual, expected, strict=True):
        cells = [
            f"{column}: warehouse {x!r}, oracle {y!r}"
            for column, x, y in zip(columns, a, e, strict=True)
            if not _cells_equal(x, y)
        ]
        if cells:
            lines.append(f"  row {dict(zip(columns, e, strict=True))}\n    " + "\n    ".join(cells))
            if len(lines) > limit:
                break
    return "\n".join(lines)


def assert_marts_equal(
    actual: dict[str, list[tuple[Any, ...]]], expected: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Every mart identical, cell by cell, in the same order (p-values within FLOAT_TOLERANCE)."""
    assert set(actual) == set(expected)
    problems = [
        (
            describe_float_differences(mart, actual[mart], expected[mart])
            if len(actual[mart]) == len(expected[mart])
            else describe_differences(mart, actual[mart], expected[mart])
        )
        for mart in sorted(expected)
        if not rows_equal(actual[mart], expected[mart])
    ]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# Warehouses on every engine
# --------------------------------------------------------------------------------------------


class Warehouse:
    """One throw-away warehouse: a DuckDB file, or a PostgreSQL database of its own (created
    here, dropped by :meth:`drop`), or Spark schemas (dropped by :meth:`drop`: a process has one
    SparkSession, so Spark warehouses of one test session are used one after the other)."""

    def __init__(self, engine: str, root: Path) -> None:
        self.engine = engine
        self.root = root
        self.database = root / "nps.duckdb"
        self.postgres_dbname: str | None = None
        self.environment: dict[str, str] = {}
        if engine == "postgres":
            self.postgres_dbname = f"nps_test_{os.getpid()}_{next(_DATABASE_NUMBERS)}"
            _drop_postgres_database(self.postgres_dbname)
            with _postgres_admin() as cursor:
                cursor.execute(f'create database "{self.postgres_dbname}"')
            self.environment = {"PGDATABASE": self.postgres_dbname}
        elif engine == "spark":
            _drop_spark_schemas()

    def build(
        self,
        raw: str | Path | None,
        *,
        dbt_vars: dict[str, Any] | None = None,
        extra_args: tuple[str, ...] = (),
        command: str = "build",
        landing_config: str | Path | None = None,
        sources: dict[str, str | Path] | None = None,
        data_tests: bool = False,
    ) -> DbtRun:
        """Load ``raw`` and the files of ``sources`` (or the feeds of ``landing_config``) and run
        ``dbt <command>``, as `make build` does."""
        return run_dbt(
            command,
            database=self.database,
            raw=raw,
            work_dir=self.root,
            dbt_vars=dbt_vars,
            extra_args=extra_args,
            target=self.engine,
            environment=self.environment,
            landing_config=landing_config,
            sources=sources,
            data_tests=data_tests,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of one select, as Python values (date, Decimal, datetime, str, int, bool)."""
        from nps_warehouse.engines import query_rows

        with _environment(self.environment):
            return query_rows(
                sql, target=self.engine, duckdb_path=self.database, postgres_dbname=self.postgres_dbname
            )

    def marts(self, with_keys: bool = False) -> dict[str, list[tuple[Any, ...]]]:
        """Every mart, as :func:`read_marts` reads a DuckDB file."""
        text_type = "string" if self.engine == "spark" else "varchar"
        return {mart: self.query(sql) for mart, sql in mart_queries(with_keys, text_type).items()}

    def drop(self) -> None:
        if self.engine == "postgres" and self.postgres_dbname:
            _drop_postgres_database(self.postgres_dbname)
        elif self.engine == "spark":
            _drop_spark_schemas()


_DATABASE_NUMBERS = iter(range(1, 1_000_000))
WAREHOUSE_SCHEMAS = ("raw", "seeds", "staging", "intermediate", "marts", "audit")


@contextmanager
def _postgres_admin() -> Iterator[Any]:
    """A cursor in autocommit on the server's maintenance database, as the build role."""
    from nps_warehouse.engines import postgres_connect, profile_target

    connection = postgres_connect(profile_target("postgres"), "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _drop_postgres_database(name: str, attempts: int = 20) -> None:
    """Drop a test database, ending the build role's sessions on it. An autovacuum worker busy
    on the freshly built tables belongs to no role, so the build role may not end it: DROP
    DATABASE ... WITH (FORCE) is refused while one runs. Such a worker is short-lived; wait for
    it and try again."""
    import psycopg2

    for attempt in range(attempts):
        try:
            with _postgres_admin() as cursor:
                cursor.execute(f'drop database if exists "{name}" with (force)')
            return
        except psycopg2.errors.InsufficientPrivilege:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def _spark() -> Any:
    from nps_warehouse.engines import profile_target, spark_session

    return spark_session(profile_target("spark"))


def _drop_spark_schemas() -> None:
    session = _spark()
    for schema in WAREHOUSE_SCHEMAS:
        session.sql(f"drop database if exists `{schema}` cascade")
