"""The raw tables of each engine, and the load log beside them.

Every engine gets the same relations in the raw schema, written by the loader before dbt runs:

- ``raw_<source>`` (``raw_responses``): one row per data row of every landing file loaded, the
  contract's columns as text, ``extra_columns`` and the lineage (feed, file, row number, load,
  time zone of naive timestamps);
- ``landing_file_loads``: one row per file load: feed, source, file, content fingerprint, size,
  modification time, rows read, missing columns, the feed's settings, when.

A load is all or nothing: DuckDB and PostgreSQL write every new file and its log row in one
transaction; Spark, which has no transactions, writes the rows of every new file in one job, then
the log. Files are parsed (by DuckDB) before anything is written, so a malformed file stops the
load with the raw tables as they were.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from nps_warehouse.contract import SOURCE_CONTRACTS, SourceContract
from nps_warehouse.engines import EngineUnavailableError, postgres_connect, spark_session
from nps_warehouse.landing.errors import LandingError
from nps_warehouse.landing.files import quote_sql
from nps_warehouse.landing.reader import raw_columns

LOAD_LOG_TABLE = "landing_file_loads"
#: Files written by one insert on DuckDB: several files at once keep both cores busy.
FILES_PER_INSERT = 16


class StagedReadError(LandingError):
    """DuckDB could not read the file of load ``load_id`` (None: of one of them)."""

    def __init__(self, load_id: int | None, error: Exception) -> None:
        super().__init__(str(error))
        self.load_id = load_id
        self.error = error


INTEGER_COLUMNS = ("source_row_number", "load_id")


@dataclass(frozen=True)
class FileLoad:
    """One row of the load log."""

    load_id: int
    feed_name: str
    source_name: str
    source_file: str
    file_fingerprint: str
    file_bytes: int
    file_modified_ns: int
    rows_read: int
    source_timezone: str
    #: contract columns the export lacks, comma-separated ('' when none)
    missing_columns: str
    #: the feed's timestamp formats, a JSON list
    timestamp_formats: str
    decimal_mark: str
    #: every setting of the feed, a JSON object
    feed_settings: str
    settings_fingerprint: str
    loaded_at: datetime


LOG_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(FileLoad))
LOG_COLUMN_LIST = ", ".join(LOG_COLUMNS)
_LOG_TYPES = {
    "load_id": "bigint",
    "file_bytes": "bigint",
    "file_modified_ns": "bigint",
    "rows_read": "bigint",
    "loaded_at": "timestamp",
}


def _log_type(column: str, text: str, timestamp: str = "timestamp") -> str:
    kind = _LOG_TYPES.get(column, "text")
    if kind == "timestamp":
        return timestamp
    return text if kind == "text" else kind


def _raw_type(column: str, text: str) -> str:
    return "bigint" if column in INTEGER_COLUMNS else text


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class RawStore:
    """The raw tables of one engine. ``reader`` is the DuckDB connection that reads the landing
    files (the warehouse's own on DuckDB, an in-memory one elsewhere)."""

    engine: str
    reader: Any

    def prepare(self, contracts: Sequence[SourceContract], full_refresh: bool) -> None:
        raise NotImplementedError

    def file_loads(self) -> list[FileLoad]:
        raise NotImplementedError

    def has_load_log(self) -> bool:
        """Whether the load log exists (a dry run on a new warehouse finds none)."""
        raise NotImplementedError

    def begin(self, full_refresh: bool) -> None:
        raise NotImplementedError

    def stage(self, contract: SourceContract, load_id: int, select_sql: str) -> None:
        """Takes one file's rows (the select of its load ``load_id``) for :meth:`write`. Engines
        that parse the file here raise DuckDB's error for it."""
        raise NotImplementedError

    def write(self) -> dict[int, int]:
        """Parses what is not parsed yet and writes the staged rows (inside the load's
        transaction where the engine has one); {load_id: rows read}. Raises StagedReadError
        naming the load whose file DuckDB could not read."""
        raise NotImplementedError

    def commit(self, loads: Sequence[FileLoad], recopied: dict[str, int]) -> None:
        """Writes the staged rows and their load log rows; ``recopied`` updates the modification
        time of loaded files copied anew with the same content."""
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def row_counts(self, contracts: Sequence[SourceContract]) -> dict[str, int]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def _load_from_row(row: Sequence[Any]) -> FileLoad:
    values = dict(zip(LOG_COLUMNS, row, strict=True))
    for column in ("load_id", "file_bytes", "file_modified_ns", "rows_read"):
        values[column] = int(values[column])
    return FileLoad(**values)


# --------------------------------------------------------------------------------------------
# DuckDB: the warehouse file itself
# --------------------------------------------------------------------------------------------


class DuckDBRawStore(RawStore):
    engine = "duckdb"

    def __init__(self, path: str, schema: str, settings: dict[str, str], read_only: bool = False) -> None:
        if read_only and not Path(path).exists():
            # a dry run on a warehouse not built yet: nothing is loaded, nothing to create
            path = ":memory:"
            read_only = False
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            raise EngineUnavailableError(
                f"cannot open the DuckDB warehouse {path} to load the landing files: "
                f"{str(exc).splitlines()[0]}. Another process (a BI tool, a notebook, a build) "
                "holds it: close it, or point BI tools at a published copy (README, Connect a BI "
                "tool)."
            ) from exc
        if not read_only:
            for name, value in settings.items():
                self.connection.execute(f"set {name} = {quote_sql(value)}")
            self.connection.execute("set preserve_insertion_order = false")
        self.reader = self.connection
        self.schema = schema

    def _table(self, name: str) -> str:
        return f'"{self.schema}"."{name}"'

    def _kinds(self) -> dict[str, str]:
        rows = self.connection.execute(
            "select table_name, table_type from information_schema.tables where table_schema = ?",
            [self.schema],
        ).fetchall()
        return {name: kind for name, kind in rows}

    def _columns(self, table: str) -> list[str]:
        rows = self.connection.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [self.schema, table],
        ).fetchall()
        return [row[0] for row in rows]

    def prepare(self, contracts: Sequence[SourceContract], full_refresh: bool) -> None:
        self.connection.execute(f'create schema if not exists "{self.schema}"')
        kinds = self._kinds()
        for contract in contracts:
            table = contract.raw_table
            if kinds.get(table) == "VIEW":
                # the raw relation of earlier versions: a view over the files, derived, dropped
                self.connection.execute(f"drop view {self._table(table)}")
            elif kinds.get(table) and "load_id" not in self._columns(table):
                _legacy_raw_table(self._table(table), full_refresh)
                self.connection.execute(f"drop table {self._table(table)}")
            columns = ", ".join(f"{name} {_raw_type(name, 'varchar')}" for name in raw_columns(contract))
            self.connection.execute(f"create table if not exists {self._table(table)} ({columns})")
            present = set(self._columns(table))
            for name in raw_columns(contract):
                if name not in present:
                    self.connection.execute(
                        f"alter table {self._table(table)} add column {name} {_raw_type(name, 'varchar')}"
                    )
        log_columns = ", ".join(f"{name} {_log_type(name, 'varchar')}" for name in LOG_COLUMNS)
        self.connection.execute(f"create table if not exists {self._table(LOAD_LOG_TABLE)} ({log_columns})")
        self.contracts = list(contracts)

    def file_loads(self) -> list[FileLoad]:
        rows = self.connection.execute(
            f"select {', '.join(LOG_COLUMNS)} from {self._table(LOAD_LOG_TABLE)} order by load_id"
        ).fetchall()
        return [_load_from_row(row) for row in rows]

    def has_load_log(self) -> bool:
        return self._kinds().get(LOAD_LOG_TABLE) is not None

    def begin(self, full_refresh: bool) -> None:
        self.staged: list[tuple[SourceContract, int, str]] = []
        self.connection.execute("begin transaction")
        if full_refresh:
            for contract in self.contracts:
                self.connection.execute(f"delete from {self._table(contract.raw_table)}")
            self.connection.execute(f"delete from {self._table(LOAD_LOG_TABLE)}")

    def stage(self, contract: SourceContract, load_id: int, select_sql: str) -> None:
        self.staged.append((contract, load_id, select_sql))

    def write(self) -> dict[int, int]:
        """One insert for every FILES_PER_INSERT files (DuckDB reads them in parallel); on an
        error, each file is read alone to find the one DuckDB cannot read."""
        counts: dict[int, int] = {}
        for contract in self.contracts:
            staged = [(load_id, sql) for staged_for, load_id, sql in self.staged if staged_for is contract]
            columns = ", ".join(raw_columns(contract))
            table = self._table(contract.raw_table)
            for start in range(0, len(staged), FILES_PER_INSERT):
                chunk = staged[start : start + FILES_PER_INSERT]
                union = "\nunion all\n".join(f"({sql})" for _, sql in chunk)
                try:
                    self.connection.execute(f"insert into {table} ({columns})\n{union}")
                except duckdb.Error as exc:
                    self.abort()
                    raise self._failing_load(chunk, exc) from exc
                ids = ", ".join(str(load_id) for load_id, _ in chunk)
                counts.update(
                    dict.fromkeys((load_id for load_id, _ in chunk), 0)
                    | {
                        int(load_id): int(rows)
                        for load_id, rows in self.connection.execute(
                            f"select load_id, count(*) from {table} where load_id in ({ids}) group by load_id"
                        ).fetchall()
                    }
                )
        return counts

    def _failing_load(self, chunk: Sequence[tuple[int, str]], error: Exception) -> StagedReadError:
        for load_id, sql in chunk:
            try:
                # hash(row) reads every column (a plain count(*) would skip decoding them)
                self.connection.execute(
                    f"select count(hash(row_values)) from ({sql}) as row_values"
                ).fetchall()
            except duckdb.Error as found:
                return StagedReadError(load_id, found)
        return StagedReadError(None, error)

    def commit(self, loads: Sequence[FileLoad], recopied: dict[str, int]) -> None:
        placeholders = ", ".join("?" for _ in LOG_COLUMNS)
        for load in loads:
            self.connection.execute(
                f"insert into {self._table(LOAD_LOG_TABLE)} ({LOG_COLUMN_LIST}) values ({placeholders})",
                [getattr(load, column) for column in LOG_COLUMNS],
            )
        for source_file, modified_ns in recopied.items():
            self.connection.execute(
                f"update {self._table(LOAD_LOG_TABLE)} set file_modified_ns = ? where source_file = ?",
                [modified_ns, source_file],
            )
        self.connection.execute("commit")

    def abort(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.connection.execute("rollback")

    def row_counts(self, contracts: Sequence[SourceContract]) -> dict[str, int]:
        return {
            contract.name: int(
                self.connection.execute(f"select count(*) from {self._table(contract.raw_table)}").fetchone()[
                    0
                ]
            )
            for contract in contracts
        }

    def close(self) -> None:
        self.connection.close()


def _legacy_raw_table(table: str, full_refresh: bool) -> None:
    if not full_refresh:
        raise LandingError(
            f"{table} was loaded by an earlier version of this project (it has no load_id). Reload "
            "every landing file and rebuild once: `make build DBT_ARGS=--full-refresh` (or "
            "`scripts/load_landing.py --full-refresh` then `dbt build --full-refresh`)."
        )


# --------------------------------------------------------------------------------------------
# Engines written from files DuckDB parses first (PostgreSQL, Spark)
# --------------------------------------------------------------------------------------------


class _ParsedFirstRawStore(RawStore):
    """A store whose engine cannot read the landing files: an in-memory DuckDB parses each new
    file into a temporary file (:attr:`export_format`) when it is staged, so a malformed file
    fails before anything is written; :meth:`commit` then writes them all."""

    #: (file suffix, DuckDB COPY options) of the temporary files
    export_format: tuple[str, str]

    def _open_reader(self) -> None:
        self.reader = duckdb.connect()
        self.scratch = tempfile.TemporaryDirectory(prefix=f"nps-landing-{self.engine}-")
        self.staged: list[tuple[SourceContract, Path]] = []

    def begin(self, full_refresh: bool) -> None:
        self.full_refresh = full_refresh
        self.staged = []
        self.counts: dict[int, int] = {}

    def stage(self, contract: SourceContract, load_id: int, select_sql: str) -> None:
        suffix, options = self.export_format
        export = Path(self.scratch.name) / f"rows_{len(self.staged)}.{suffix}"
        self.counts[load_id] = int(
            self.reader.execute(f"copy ({select_sql}) to {quote_sql(str(export))} ({options})").fetchone()[0]
        )
        self.staged.append((contract, export))

    def write(self) -> dict[int, int]:
        """The files were parsed when staged; :meth:`commit` writes their rows with the log."""
        return dict(self.counts)

    def abort(self) -> None:
        self.staged = []

    def _close_reader(self) -> None:
        self.reader.close()
        self.scratch.cleanup()


def _check_written(load: FileLoad, written: int) -> None:
    """The rows of a load in the raw table, counted back against the rows read."""
    if written != load.rows_read:
        raise LandingError(
            f"{load.source_file}: read {load.rows_read} rows but the raw table holds {written}"
        )


# --------------------------------------------------------------------------------------------
# PostgreSQL: COPY, one transaction for the whole load
# --------------------------------------------------------------------------------------------


class PostgresRawStore(_ParsedFirstRawStore):
    engine = "postgres"
    # every non-null value quoted: PostgreSQL reads an unquoted empty field as null and a quoted
    # one as text, so nulls and values survive exactly
    export_format = ("csv", "format csv, header false, force_quote *")

    def __init__(self, settings: dict, schema: str, dbname: str | None = None) -> None:
        self.connection = postgres_connect(settings, dbname)
        self.schema = schema
        self._open_reader()

    def _table(self, name: str) -> str:
        return f'"{self.schema}"."{name}"'

    def _columns(self, cursor: Any, table: str) -> list[str]:
        cursor.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
            [self.schema, table],
        )
        return [row[0] for row in cursor.fetchall()]

    def prepare(self, contracts: Sequence[SourceContract], full_refresh: bool) -> None:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f'create schema if not exists "{self.schema}"')
            for contract in contracts:
                table = contract.raw_table
                present = self._columns(cursor, table)
                if present and "load_id" not in present:
                    _legacy_raw_table(self._table(table), full_refresh)
                    cursor.execute(f"drop table {self._table(table)}")
                columns = ",\n".join(
                    f"    {name} {_raw_type(name, 'varchar')}" for name in raw_columns(contract)
                )
                cursor.execute(
                    f"create table if not exists {self._table(table)} (\n{columns},\n"
                    "    primary key (source_file, source_row_number)\n)"
                )
                present = set(self._columns(cursor, table))
                for name in raw_columns(contract):
                    if name not in present:
                        cursor.execute(
                            f"alter table {self._table(table)} add column {name} {_raw_type(name, 'varchar')}"
                        )
                # staging reads the loads above its latest one: an index keeps that read small
                index = f'"{table}_load_id"'
                cursor.execute(f"create index if not exists {index} on {self._table(table)} (load_id)")
            log_columns = ", ".join(f"{name} {_log_type(name, 'varchar')}" for name in LOG_COLUMNS)
            cursor.execute(f"create table if not exists {self._table(LOAD_LOG_TABLE)} ({log_columns})")
        self.contracts = list(contracts)

    def file_loads(self) -> list[FileLoad]:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(
                f"select {', '.join(LOG_COLUMNS)} from {self._table(LOAD_LOG_TABLE)} order by load_id"
            )
            return [_load_from_row(row) for row in cursor.fetchall()]

    def has_load_log(self) -> bool:
        with self.connection, self.connection.cursor() as cursor:
            return bool(self._columns(cursor, LOAD_LOG_TABLE))

    def commit(self, loads: Sequence[FileLoad], recopied: dict[str, int]) -> None:
        with self.connection, self.connection.cursor() as cursor:
            if self.full_refresh:
                for contract in self.contracts:
                    cursor.execute(f"truncate table {self._table(contract.raw_table)}")
                cursor.execute(f"truncate table {self._table(LOAD_LOG_TABLE)}")
            for contract, export in self.staged:
                with export.open("r", encoding="utf-8", newline="") as rows:
                    cursor.copy_expert(
                        f"copy {self._table(contract.raw_table)} ({', '.join(raw_columns(contract))}) "
                        "from stdin with (format csv)",
                        rows,
                    )
            placeholders = ", ".join("%s" for _ in LOG_COLUMNS)
            for load in loads:
                cursor.execute(
                    f"insert into {self._table(LOAD_LOG_TABLE)} ({LOG_COLUMN_LIST}) values ({placeholders})",
                    [getattr(load, column) for column in LOG_COLUMNS],
                )
                raw_table = SOURCE_CONTRACTS[load.source_name].raw_table
                cursor.execute(
                    f"select count(*) from {self._table(raw_table)} where load_id = %s", [load.load_id]
                )
                _check_written(load, int(cursor.fetchone()[0]))
            for source_file, modified_ns in recopied.items():
                cursor.execute(
                    f"update {self._table(LOAD_LOG_TABLE)} set file_modified_ns = %s where source_file = %s",
                    [modified_ns, source_file],
                )

    def row_counts(self, contracts: Sequence[SourceContract]) -> dict[str, int]:
        with self.connection, self.connection.cursor() as cursor:
            counts = {}
            for contract in contracts:
                cursor.execute(f"select count(*) from {self._table(contract.raw_table)}")
                counts[contract.name] = int(cursor.fetchone()[0])
            return counts

    def close(self) -> None:
        self.connection.close()
        self._close_reader()


# --------------------------------------------------------------------------------------------
# Spark: Parquet tables, one job for the rows of the whole load
# --------------------------------------------------------------------------------------------


class SparkRawStore(_ParsedFirstRawStore):
    engine = "spark"
    export_format = ("parquet", "format parquet")

    def __init__(self, settings: dict, schema: str) -> None:
        self.session = spark_session(settings)
        self.schema = schema
        self._open_reader()

    def _table(self, name: str) -> str:
        return f"`{self.schema}`.`{name}`"

    def _columns(self, table: str) -> list[str] | None:
        if not self.session.catalog.tableExists(f"{self.schema}.{table}"):
            return None
        return [column.lower() for column in self.session.table(self._table(table)).columns]

    def prepare(self, contracts: Sequence[SourceContract], full_refresh: bool) -> None:
        self.session.sql(f"create database if not exists `{self.schema}`")
        for contract in contracts:
            table = contract.raw_table
            present = self._columns(table)
            if present is not None and "load_id" not in present:
                _legacy_raw_table(self._table(table), full_refresh)
                self.session.sql(f"drop table {self._table(table)}")
            columns = ", ".join(f"{name} {_raw_type(name, 'string')}" for name in raw_columns(contract))
            self.session.sql(f"create table if not exists {self._table(table)} ({columns}) using parquet")
            present = self._columns(table) or []
            missing = [name for name in raw_columns(contract) if name not in present]
            if missing:
                added = ", ".join(f"{name} {_raw_type(name, 'string')}" for name in missing)
                self.session.sql(f"alter table {self._table(table)} add columns ({added})")
        log_columns = ", ".join(
            f"{name} {_log_type(name, 'string', 'timestamp_ntz')}" for name in LOG_COLUMNS
        )
        self.session.sql(
            f"create table if not exists {self._table(LOAD_LOG_TABLE)} ({log_columns}) using parquet"
        )
        self.contracts = list(contracts)

    def file_loads(self) -> list[FileLoad]:
        rows = self.session.sql(
            f"select {', '.join(LOG_COLUMNS)} from {self._table(LOAD_LOG_TABLE)} order by load_id"
        ).collect()
        return [_load_from_row(tuple(row)) for row in rows]

    def has_load_log(self) -> bool:
        return self._columns(LOAD_LOG_TABLE) is not None

    def commit(self, loads: Sequence[FileLoad], recopied: dict[str, int]) -> None:
        if self.full_refresh:
            for contract in self.contracts:
                self.session.sql(f"truncate table {self._table(contract.raw_table)}")
            self.session.sql(f"truncate table {self._table(LOAD_LOG_TABLE)}")
        for contract in self.contracts:
            exports = [str(export.resolve()) for staged, export in self.staged if staged is contract]
            if exports:
                frame = self.session.read.parquet(*exports).select(*raw_columns(contract))
                frame.write.insertInto(f"{self.schema}.{contract.raw_table}", overwrite=False)
        if recopied:
            # a Parquet table has no update: the log is written again with the new times
            log = [
                replace(load, file_modified_ns=recopied.get(load.source_file, load.file_modified_ns))
                for load in self.file_loads()
            ]
            self._write_log(log, overwrite=True)
        if loads:
            self._write_log(loads, overwrite=False)
        for load in loads:
            raw_table = SOURCE_CONTRACTS[load.source_name].raw_table
            written = self.session.sql(
                f"select count(*) from {self._table(raw_table)} where load_id = {load.load_id}"
            ).collect()[0][0]
            _check_written(load, int(written))

    def _write_log(self, loads: Sequence[FileLoad], overwrite: bool) -> None:
        schema = ", ".join(f"{name} {_log_type(name, 'string', 'timestamp_ntz')}" for name in LOG_COLUMNS)
        rows = [tuple(getattr(load, column) for column in LOG_COLUMNS) for load in loads]
        frame = self.session.createDataFrame(rows, schema=schema) if rows else None
        if frame is not None:
            frame.write.insertInto(f"{self.schema}.{LOAD_LOG_TABLE}", overwrite=overwrite)
        elif overwrite:
            self.session.sql(f"truncate table {self._table(LOAD_LOG_TABLE)}")

    def row_counts(self, contracts: Sequence[SourceContract]) -> dict[str, int]:
        return {
            contract.name: int(
                self.session.sql(f"select count(*) from {self._table(contract.raw_table)}").collect()[0][0]
            )
            for contract in contracts
        }

    def close(self) -> None:
        """The session stays: in one process it is shared with dbt."""
        self._close_reader()


def open_store(
    settings: dict,
    schema: str,
    *,
    postgres_dbname: str | None = None,
    duckdb_path: str | None = None,
    read_only: bool = False,
) -> RawStore:
    """The raw store of a target's settings (the rendered dbt profile output); ``read_only`` for
    a dry run (on DuckDB the file is opened read-only, so BI readers do not get in the way)."""
    engine = settings["type"]
    if engine == "duckdb":
        path = duckdb_path or settings["path"]
        return DuckDBRawStore(path, schema, duckdb_settings(path), read_only=read_only)
    if engine == "postgres":
        return PostgresRawStore(settings, schema, postgres_dbname)
    if engine == "spark":
        return SparkRawStore(settings, schema)
    raise LandingError(f"no loader for engine {engine}")


def duckdb_settings(path: str) -> dict[str, str]:
    """The DuckDB limits of a load, from the same environment variables the build reads
    (NPS_DUCKDB_MEMORY_LIMIT, NPS_DUCKDB_THREADS, NPS_DUCKDB_TEMP_DIR)."""
    settings = {"memory_limit": os.environ.get("NPS_DUCKDB_MEMORY_LIMIT", "3GB").strip() or "3GB"}
    threads = os.environ.get("NPS_DUCKDB_THREADS", "").strip()
    if threads:
        settings["threads"] = threads
    temp = os.environ.get("NPS_DUCKDB_TEMP_DIR", "").strip()
    if temp:
        settings["temp_directory"] = temp
    return settings
