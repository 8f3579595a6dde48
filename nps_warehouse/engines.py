"""The engines the warehouse runs on, as the dbt profile describes them.

Every Python entry point (the landing loader, the Great Expectations validation, the test
harness) reaches an engine through the target of the project's own ``profiles.yml``, rendered by
dbt itself, so connection settings live in one place: the profile (which reads ``NPS_TARGET``,
the libpq variables ``PGHOST`` ... ``PGDATABASE``, ``NPS_DUCKDB_PATH`` and the ``NPS_SPARK_*``
variables).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROFILE_NAME = "nps_warehouse"
ENGINES = ("duckdb", "postgres", "spark")
DEFAULT_TARGET = "duckdb"


class EngineUnavailableError(RuntimeError):
    """The engine cannot be reached, or a relation the caller needs is not there."""


def target_name(target: str | None = None) -> str:
    """The target to use: ``target``, else ``$NPS_TARGET``, else duckdb."""
    name = target or os.environ.get("NPS_TARGET") or DEFAULT_TARGET
    return name


def profile_target(target: str | None = None, profiles_dir: str | os.PathLike[str] | None = None) -> dict:
    """The rendered output ``target`` of the project's dbt profile (env vars applied by dbt)."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(os.environ)
    directory = str(profiles_dir or os.environ.get("DBT_PROFILES_DIR") or PROJECT_DIR)
    raw = read_profile(directory).get(PROFILE_NAME)
    if not raw:
        raise EngineUnavailableError(f"profiles.yml in {directory} has no profile '{PROFILE_NAME}'")
    _, rendered = Profile.render_profile(raw, PROFILE_NAME, target_name(target), ProfileRenderer({}))
    return rendered


def engine_of(target: str | None = None) -> str:
    """The engine (duckdb, postgres, spark) of a target."""
    engine = profile_target(target)["type"]
    if engine not in ENGINES:
        raise EngineUnavailableError(f"target {target_name(target)} is of unsupported type {engine}")
    return engine


# --------------------------------------------------------------------------------------------
# Connections
# --------------------------------------------------------------------------------------------


def postgres_connect(settings: Mapping[str, Any], dbname: str | None = None) -> Any:
    """A psycopg2 connection for a postgres target's settings (optionally another database)."""
    import psycopg2

    try:
        return psycopg2.connect(
            host=settings["host"],
            port=int(settings.get("port", 5432)),
            user=settings["user"],
            password=settings.get("password", ""),
            dbname=dbname or settings["dbname"],
            connect_timeout=int(settings.get("connect_timeout", 10)),
        )
    except psycopg2.OperationalError as exc:
        raise EngineUnavailableError(
            f"cannot connect to PostgreSQL at {settings['host']}:{settings.get('port', 5432)} as "
            f"{settings['user']}: {str(exc).strip()}. Start it (scripts/postgres_local.sh starts a "
            "local one) or set PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE."
        ) from exc


def spark_session(settings: Mapping[str, Any]) -> Any:
    """The SparkSession of a spark target with method session, configured as dbt-spark does
    (Hive support and the profile's server_side_parameters). In one process it is the same
    session dbt uses, so a loader and an in-process dbt share one metastore."""
    if settings.get("method") != "session":
        raise EngineUnavailableError(
            "the Python side (loader, validation) reaches Spark through pyspark, i.e. a target with "
            f"method: session; this target uses method: {settings.get('method')}. On a cluster, "
            "run the loader as a Spark job (spark-submit) with a session target."
        )
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in (settings.get("server_side_parameters") or {}).items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


@contextmanager
def duckdb_read_only(path: str | os.PathLike[str]) -> Iterator[Any]:
    import duckdb

    path = Path(path)
    if not path.is_file():
        raise EngineUnavailableError(
            f"DuckDB warehouse not found at {path}. Run `make build` first "
            "(or point NPS_DUCKDB_PATH / --duckdb-path at the warehouse file)."
        )
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise EngineUnavailableError(
            f"Cannot open the DuckDB warehouse {path} read-only: {exc}. If a build is writing "
            "to it, wait for it to finish; otherwise run `make build` to recreate it."
        ) from exc
    try:
        yield connection
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------
# Reading relations into pandas
# --------------------------------------------------------------------------------------------


def read_relations(
    relations: Mapping[str, tuple[str, str]],
    *,
    target: str | None = None,
    duckdb_path: str | os.PathLike[str] | None = None,
    postgres_dbname: str | None = None,
    only: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """``{name: (schema, relation)}`` read whole into pandas from the target's engine; with
    ``only``, every relation must be there but only those names are read.

    Values keep their SQL meaning: dates as ``datetime.date``, numerics as ``Decimal``, UUIDs as
    text. Raises EngineUnavailableError when the engine cannot be reached or a relation is
    missing. (pandas is a tool of the validation, installed with the test tools.)
    """
    import pandas as pd

    read = relations if only is None else {name: relations[name] for name in only}
    settings = profile_target(target)
    engine = settings["type"]
    if engine == "duckdb":
        path = duckdb_path or settings["path"]
        with duckdb_read_only(path) as connection:
            present = {
                (schema, name)
                for schema, name in connection.execute(
                    "select table_schema, table_name from information_schema.tables"
                ).fetchall()
            }
            _require(relations, present, f"the warehouse {path}")
            return {
                name: connection.sql(f'select * from "{schema}"."{relation}"').df()
                for name, (schema, relation) in read.items()
            }
    if engine == "postgres":
        connection = postgres_connect(settings, postgres_dbname)
        try:
            with connection.cursor() as cursor:
                cursor.execute("select table_schema, table_name from information_schema.tables")
                present = {tuple(row) for row in cursor.fetchall()}
                _require(relations, present, f"PostgreSQL database {postgres_dbname or settings['dbname']}")
                frames = {}
                for name, (schema, relation) in read.items():
                    cursor.execute(f'select * from "{schema}"."{relation}"')
                    columns = [column.name for column in cursor.description]
                    frames[name] = pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)
                return frames
        finally:
            connection.close()
    if engine == "spark":
        session = spark_session(settings)
        present = set()
        for schema in {schema for schema, _ in relations.values()}:
            if session.catalog.databaseExists(schema):
                present |= {(schema, table.name) for table in session.catalog.listTables(schema)}
        _require(relations, present, "the Spark metastore")
        frames = {}
        for name, (schema, relation) in read.items():
            rows = session.table(f"`{schema}`.`{relation}`").collect()
            columns = session.table(f"`{schema}`.`{relation}`").columns
            frames[name] = pd.DataFrame([tuple(row) for row in rows], columns=columns, dtype=object)
        return frames
    raise EngineUnavailableError(f"unsupported engine {engine}")


def query_rows(
    sql: str,
    *,
    target: str | None = None,
    duckdb_path: str | os.PathLike[str] | None = None,
    postgres_dbname: str | None = None,
) -> list[tuple[Any, ...]]:
    """The rows of one select on the target's engine, as Python values (``date``, ``Decimal``,
    ``datetime``, ``str``, ``int``, ``bool``), the same on every engine."""
    settings = profile_target(target)
    engine = settings["type"]
    if engine == "duckdb":
        with duckdb_read_only(duckdb_path or settings["path"]) as connection:
            return connection.sql(sql).fetchall()
    if engine == "postgres":
        connection = postgres_connect(settings, postgres_dbname)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return [tuple(row) for row in cursor.fetchall()]
        finally:
            connection.close()
    if engine == "spark":
        return [tuple(row) for row in spark_session(settings).sql(sql).collect()]
    raise EngineUnavailableError(f"unsupported engine {engine}")


def _require(relations: Mapping[str, tuple[str, str]], present: set[tuple[str, str]], where: str) -> None:
    missing = [
        f"{schema}.{relation}" for schema, relation in relations.values() if (schema, relation) not in present
    ]
    if missing:
        raise EngineUnavailableError(
            f"{where} lacks {', '.join(missing)}. Run `make build` to publish the marts."
        )
