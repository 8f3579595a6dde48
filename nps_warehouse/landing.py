"""Load the landing files into the raw table of a server or cluster engine.

DuckDB reads the landing files in place (the on-run-start hook ``land_raw_responses``).
PostgreSQL and Spark cannot, so this loader puts them into ``<raw schema>.raw_responses`` before
``dbt build``, under the same contract:

- the same ``NPS_RAW_RESPONSES`` (a file, a directory of ``.csv``/``.csv.gz``/``.parquet``
  files, or a glob), resolved by DuckDB's ``glob`` so every engine names a file identically;
- the same checks (every required column present; CSV rows that match their header), raised
  before anything is written;
- the same reading (every value as text, empty text as null, CSV dialect ``,`` ``"`` ``"``)
  and the same lineage: ``source_file``, ``source_file_bytes`` and ``source_row_number`` (1 =
  first data row), so the raw relation is row for row the one DuckDB builds.

Loading is idempotent: a file already in the raw table is skipped; a file whose size changed
since it was loaded stops the load (put new rows in a new file, or rebuild with
``--full-refresh``, which empties the raw table and loads the current files again). A file is
written in one transaction (PostgreSQL, whose primary key also forbids a duplicated row) or one
job (Spark), and the rows written are counted back against the rows read.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from nps_warehouse.contract import REQUIRED_COLUMNS
from nps_warehouse.engines import postgres_connect, profile_target, spark_session, target_name

LINEAGE_COLUMNS: tuple[str, ...] = ("source_file", "source_file_bytes", "source_row_number")
RAW_COLUMNS: tuple[str, ...] = LINEAGE_COLUMNS + REQUIRED_COLUMNS
RAW_TABLE = "raw_responses"
DEFAULT_SPEC = "data/demo"
CSV_DIALECT = "header = true, delim = ',', quote = '\"', escape = '\"'"


class LandingError(RuntimeError):
    """A landing file cannot be loaded as it is; nothing of the load was written."""


@dataclass(frozen=True)
class LandingFile:
    path: str
    size: int

    @property
    def is_parquet(self) -> bool:
        return self.path.lower().endswith(".parquet")


@dataclass
class LoadReport:
    target: str
    engine: str
    files: int = 0
    loaded: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    raw_rows: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        rows = sum(count for _, count in self.loaded)
        return (
            f"{self.engine} ({self.target}): {self.files} landing file(s), {len(self.loaded)} loaded "
            f"({rows} rows), {len(self.skipped)} already loaded; raw table holds {self.raw_rows} "
            f"rows ({self.seconds:.1f} s)"
        )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# Reading the landing files (DuckDB, in memory)
# --------------------------------------------------------------------------------------------


def resolve_landing_files(spec: str, connection: Any) -> list[LandingFile]:
    """The landing files ``spec`` names, sorted, with their sizes; raises LandingError when
    nothing matches or a file is neither CSV nor Parquet."""
    spec = spec.strip()
    if not spec:
        raise LandingError("NPS_RAW_RESPONSES is empty: name a landing file, directory or glob.")
    is_glob = any(character in spec for character in "*?[")
    if is_glob or connection.execute(f"select file from glob({_quote(spec)})").fetchall():
        patterns = [spec]
    else:
        folder = spec.rstrip("/")
        patterns = [f"{folder}/*.csv", f"{folder}/*.csv.gz", f"{folder}/*.parquet"]
    listing = " union ".join(f"select file from glob({_quote(pattern)})" for pattern in patterns)
    found = [row[0] for row in connection.execute(f"{listing} order by file").fetchall()]
    if not found:
        raise LandingError(
            f"No landing file matches NPS_RAW_RESPONSES='{spec}' (expected a .csv, .csv.gz or "
            ".parquet file, a directory holding such files, or a glob)."
        )
    unsupported = [path for path in found if not path.lower().endswith((".csv", ".csv.gz", ".parquet"))]
    if unsupported:
        raise LandingError(
            f"Landing file {unsupported[0]} is neither CSV (.csv, .csv.gz) nor Parquet (.parquet)."
        )
    sizes = dict(connection.execute("select filename, size from read_blob(?)", [found]).fetchall())
    return [LandingFile(path, int(sizes[path])) for path in found]


def check_landing_columns(files: Sequence[LandingFile], connection: Any) -> None:
    """Raises one LandingError naming every file that lacks a required column, or whose CSV rows
    do not match its header (the header sniffed leniently vs the file read strictly)."""
    problems = []
    for file in files:
        quoted = _quote(file.path)
        if file.is_parquet:
            header = [
                row[0].lower()
                for row in connection.execute(f"select name from parquet_schema({quoted})").fetchall()
            ]
        else:
            header = connection.execute(
                f"select [lower(trim(h.name)) for h in columns] from sniff_csv({quoted}, "
                f"{CSV_DIALECT}, ignore_errors = true)"
            ).fetchone()[0]
        missing = sorted(set(REQUIRED_COLUMNS) - set(header))
        if missing:
            problems.append(f"landing file {file.path} is missing required column(s): {', '.join(missing)}")
            continue
        if not file.is_parquet:
            try:
                strict = connection.execute(
                    f"select [lower(trim(h.name)) for h in columns] from sniff_csv({quoted}, {CSV_DIALECT})"
                ).fetchone()[0]
            except duckdb.Error:
                strict = None
            if strict != header:
                problems.append(
                    f"landing file {file.path} has rows that do not match the header (more or "
                    "fewer fields than the header, or an unbalanced quote) among its first rows"
                )
    if problems:
        raise LandingError("; ".join(problems) + ". Nothing was loaded.")


def landing_select(file: LandingFile) -> str:
    """The raw rows of one landing file, as DuckDB's raw view reads them."""
    quoted = _quote(file.path)
    values = ",\n    ".join(
        f"nullif(cast({column} as varchar), '') as {column}" for column in REQUIRED_COLUMNS
    )
    if file.is_parquet:
        row_number = "cast(file_row_number + 1 as bigint)"
        scan = f"read_parquet({quoted}, file_row_number = true)"
    else:
        row_number = "cast(ordinality as bigint)"
        scan = f"read_csv({quoted}, {CSV_DIALECT}, all_varchar = true) with ordinality"
    return (
        f"select\n    {quoted} as source_file,\n    cast({file.size} as bigint) as source_file_bytes,\n"
        f"    {row_number} as source_row_number,\n    {values}\nfrom {scan}"
    )


# --------------------------------------------------------------------------------------------
# Raw tables
# --------------------------------------------------------------------------------------------


class RawTable(Protocol):
    def loaded_files(self) -> dict[str, int]: ...

    def empty(self) -> None: ...

    def write(self, file: LandingFile, select_sql: str, reader: Any, scratch: Path) -> tuple[int, int]:
        """(rows read from the file, rows of the file now in the table)."""
        ...

    def row_count(self) -> int: ...

    def close(self) -> None: ...


class PostgresRawTable:
    """``<schema>.raw_responses`` on PostgreSQL, written with COPY, one transaction per file."""

    def __init__(self, settings: dict, schema: str, dbname: str | None = None) -> None:
        self.connection = postgres_connect(settings, dbname)
        self.table = f'"{schema}"."{RAW_TABLE}"'
        text_columns = ",\n".join(f"    {column} varchar" for column in REQUIRED_COLUMNS)
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f'create schema if not exists "{schema}"')
            cursor.execute(
                f"create table if not exists {self.table} (\n"
                "    source_file varchar not null,\n"
                "    source_file_bytes bigint not null,\n"
                "    source_row_number bigint not null,\n"
                f"{text_columns},\n"
                "    primary key (source_file, source_row_number)\n)"
            )

    def loaded_files(self) -> dict[str, int]:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(
                f"select source_file, max(source_file_bytes) from {self.table} group by source_file"
            )
            return {path: int(size) for path, size in cursor.fetchall()}

    def empty(self) -> None:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"truncate table {self.table}")

    def write(self, file: LandingFile, select_sql: str, reader: Any, scratch: Path) -> tuple[int, int]:
        export = scratch / "rows.csv"
        # Every non-null value quoted: PostgreSQL reads an unquoted empty field as null and a
        # quoted one as text, so nulls and values survive exactly.
        exported = reader.execute(
            f"copy ({select_sql}) to {_quote(str(export))} (format csv, header false, force_quote *)"
        ).fetchone()[0]
        columns = ", ".join(RAW_COLUMNS)
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"delete from {self.table} where source_file = %s", [file.path])
            with export.open("r", encoding="utf-8", newline="") as rows:
                cursor.copy_expert(f"copy {self.table} ({columns}) from stdin with (format csv)", rows)
            cursor.execute(f"select count(*) from {self.table} where source_file = %s", [file.path])
            return int(exported), int(cursor.fetchone()[0])

    def row_count(self) -> int:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"select count(*) from {self.table}")
            return int(cursor.fetchone()[0])

    def close(self) -> None:
        self.connection.close()


class SparkRawTable:
    """``<schema>.raw_responses`` on Spark, a Parquet table written by one job per file."""

    def __init__(self, settings: dict, schema: str) -> None:
        self.session = spark_session(settings)
        self.table = f"`{schema}`.`{RAW_TABLE}`"
        text_columns = ", ".join(f"{column} string" for column in REQUIRED_COLUMNS)
        self.session.sql(f"create database if not exists `{schema}`")
        self.session.sql(
            f"create table if not exists {self.table} (source_file string, source_file_bytes bigint, "
            f"source_row_number bigint, {text_columns}) using parquet"
        )

    def loaded_files(self) -> dict[str, int]:
        rows = self.session.sql(
            f"select source_file, max(source_file_bytes) from {self.table} group by source_file"
        ).collect()
        return {row[0]: int(row[1]) for row in rows}

    def empty(self) -> None:
        self.session.sql(f"truncate table {self.table}")

    def write(self, file: LandingFile, select_sql: str, reader: Any, scratch: Path) -> tuple[int, int]:
        export = scratch / "rows.parquet"
        exported = reader.execute(
            f"copy ({select_sql}) to {_quote(str(export))} (format parquet)"
        ).fetchone()[0]
        frame = self.session.read.parquet(str(export.resolve())).select(*RAW_COLUMNS)
        frame.write.insertInto(self.table.replace("`", ""), overwrite=False)
        counted = self.session.sql(
            f"select count(*) from {self.table} where source_file = {_quote(file.path)}"
        ).collect()[0][0]
        return int(exported), int(counted)

    def row_count(self) -> int:
        return int(self.session.sql(f"select count(*) from {self.table}").collect()[0][0])

    def close(self) -> None:
        """The session stays: in one process it is shared with dbt."""


# --------------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------------


def landing_spec() -> str:
    return os.environ.get("NPS_RAW_RESPONSES", DEFAULT_SPEC)


def load_landing(
    *,
    target: str | None = None,
    spec: str | None = None,
    raw_schema: str = "raw",
    full_refresh: bool = False,
    postgres_dbname: str | None = None,
    progress: Callable[[str], None] = print,
) -> LoadReport:
    """Load the landing files ``spec`` (default ``$NPS_RAW_RESPONSES``, else data/demo) into the
    raw table of ``target`` (default ``$NPS_TARGET``). Raises LandingError on a bad or changed
    file before anything is written."""
    started = time.perf_counter()
    settings = profile_target(target)
    engine = settings["type"]
    report = LoadReport(target=target_name(target), engine=engine)
    if engine == "duckdb":
        progress("DuckDB reads the landing files in place at build time: nothing to load.")
        return report
    spec = landing_spec() if spec is None else spec
    reader = duckdb.connect()
    try:
        files = resolve_landing_files(spec, reader)
        report.files = len(files)
        raw: RawTable
        if engine == "postgres":
            raw = PostgresRawTable(settings, raw_schema, postgres_dbname)
        elif engine == "spark":
            raw = SparkRawTable(settings, raw_schema)
        else:
            raise LandingError(f"no loader for engine {engine}")
        try:
            loaded = {} if full_refresh else raw.loaded_files()
            changed = [
                f"{file.path} ({loaded[file.path]} bytes when loaded, {file.size} now)"
                for file in files
                if file.path in loaded and loaded[file.path] != file.size
            ]
            if changed:
                raise LandingError(
                    "landing file(s) changed since they were loaded: "
                    + ", ".join(changed)
                    + ". A loaded file must not change: put new rows in a new file, or reload every "
                    "file and rebuild every model with `--full-refresh` "
                    "(make build DBT_ARGS=--full-refresh). Nothing was loaded."
                )
            pending = [file for file in files if file.path not in loaded]
            report.skipped = [file.path for file in files if file.path in loaded]
            # every check before the first write: a bad file leaves the raw table as it was
            check_landing_columns(pending, reader)
            if full_refresh:
                progress("Full refresh: emptying the raw table, loading every landing file again.")
                raw.empty()
            with tempfile.TemporaryDirectory(prefix="nps-landing-") as scratch:
                for number, file in enumerate(pending, start=1):
                    expected, written = raw.write(file, landing_select(file), reader, Path(scratch))
                    if written != expected:
                        raise LandingError(
                            f"{file.path}: read {expected} rows but the raw table holds {written}"
                        )
                    report.loaded.append((file.path, written))
                    progress(f"  [{number}/{len(pending)}] {file.path}: {written} rows")
            report.raw_rows = raw.row_count()
        finally:
            raw.close()
    except duckdb.Error as exc:
        raise LandingError(f"cannot read the landing files: {exc}") from exc
    finally:
        reader.close()
    report.seconds = time.perf_counter() - started
    progress(report.summary())
    return report
