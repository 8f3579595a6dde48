"""The load: the landing files of every feed into the raw tables of the target, before dbt.

In order, and nothing is written unless every step passes:

1. read the landing config (landing.yml, NPS_LANDING_CONFIG, else NPS_RAW_RESPONSES);
2. find each feed's files; a file matched by two feeds is a config error;
3. for each file already loaded: its feed and the feed's settings must be the ones it was loaded
   with, and its content the same (same size and modification time, else the same SHA-256
   fingerprint: a file copied anew is not a change);
4. for each new file: check it (empty, binary, encoding, delimiter, header rows) and map its
   headers to the contract (a mapping to a header it lacks fails, naming the feed and the key);
5. parse every new file (DuckDB reads every row: a malformed row fails naming the line);
6. write the rows and the load log in one transaction (one job on Spark).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from nps_warehouse.contract import SOURCE_CONTRACTS
from nps_warehouse.engines import profile_target, target_name
from nps_warehouse.landing.config import Feed, LandingConfig, load_config
from nps_warehouse.landing.errors import LandingConfigError, LandingFileError
from nps_warehouse.landing.files import LandingFile, fingerprint, inspect_text_file, resolve_feed_files
from nps_warehouse.landing.raw_tables import FileLoad, RawStore, StagedReadError, open_store, utc_now
from nps_warehouse.landing.reader import (
    FilePlan,
    parquet_headers,
    plan_file,
    select_sql,
    translate_read_error,
)


@dataclass
class FileResult:
    feed: str
    source: str
    path: str
    rows: int
    missing_columns: tuple[str, ...] = ()
    source_timezone: str = "UTC"


@dataclass
class LoadReport:
    target: str
    engine: str
    config: str
    files: int = 0
    loaded: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    recopied: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw_rows: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        rows = sum(result.rows for result in self.loaded)
        verb = "would load" if self.dry_run else "loaded"
        held = ", ".join(f"{source} {count}" for source, count in sorted(self.raw_rows.items()))
        text = (
            f"{self.engine} ({self.target}), {self.config}: {self.files} landing file(s), "
            f"{len(self.loaded)} {verb} ({rows} rows), {len(self.skipped)} already loaded"
        )
        if self.recopied:
            text += f", {len(self.recopied)} copied anew with the same content"
        if held:
            text += f"; raw rows held: {held}"
        return text + f" ({self.seconds:.1f} s)"


def _check_loaded(
    feed: Feed, file: LandingFile, previous: FileLoad, recopied: dict[str, int], problems: list[str]
) -> None:
    """A loaded file must be the one it was: same feed, same settings, same content."""
    if previous.feed_name != feed.name:
        problems.append(
            f"landing file {file.path} was loaded by feed '{previous.feed_name}' and is now matched "
            f"by feed '{feed.name}'"
        )
        return
    if previous.settings_fingerprint != feed.settings_fingerprint():
        before = json.loads(previous.feed_settings)
        now = feed.settings()
        changed = [key for key in sorted(set(before) | set(now)) if before.get(key) != now.get(key)]
        details = "; ".join(f"{key}: {before.get(key)!r} then, {now.get(key)!r} now" for key in changed)
        problems.append(
            f"{feed.describe()} changed since {file.path} was loaded ({details}): its rows were read "
            "with the old settings"
        )
        return
    if previous.file_bytes == file.size and previous.file_modified_ns == file.modified_ns:
        return
    current = fingerprint(file.path)
    if current == previous.file_fingerprint:
        recopied[file.path] = file.modified_ns
        return
    problems.append(
        f"landing file {file.path} ({feed.describe()}) changed since it was loaded on "
        f"{previous.loaded_at:%Y-%m-%d %H:%M} UTC (fingerprint {previous.file_fingerprint[:12]} then, "
        f"{current[:12]} now; {previous.file_bytes} bytes then, {file.size} now)"
    )


def _plan(feed: Feed, file: LandingFile, reader: duckdb.DuckDBPyConnection, scratch: Path) -> FilePlan:
    if file.is_parquet:
        return plan_file(feed, file, parquet_headers(reader, file), None)
    layout = inspect_text_file(feed, file, scratch)
    return plan_file(feed, file, layout.header, layout)


def load_landing(
    *,
    target: str | None = None,
    config: str | Path | None = None,
    use_config: bool = True,
    spec: str | None = None,
    raw_schema: str = "raw",
    full_refresh: bool = False,
    dry_run: bool = False,
    postgres_dbname: str | None = None,
    duckdb_path: str | None = None,
    progress: Callable[[str], None] = print,
) -> LoadReport:
    """Load every new landing file of the landing config (``config``, else landing.yml /
    NPS_LANDING_CONFIG, else the implicit feed of ``spec`` / NPS_RAW_RESPONSES) into the raw
    tables of ``target`` (default ``$NPS_TARGET``). Raises LandingError (LandingConfigError,
    LandingFileError) before anything is written when a file or the config is wrong."""
    started = time.perf_counter()
    landing: LandingConfig = load_config(config, raw_spec=spec, use_config=use_config)
    settings = profile_target(target)
    report = LoadReport(
        target=target_name(target), engine=settings["type"], config=landing.origin, dry_run=dry_run
    )
    raw_spec = spec or os.environ.get("NPS_RAW_RESPONSES", "").strip()
    if landing.path is not None and raw_spec:
        report.warnings.append(
            f"NPS_RAW_RESPONSES ({raw_spec}) is ignored: {landing.path} lists the feeds to load."
        )
    store: RawStore = open_store(
        settings, raw_schema, postgres_dbname=postgres_dbname, duckdb_path=duckdb_path, read_only=dry_run
    )
    try:
        # every source's raw table exists, loaded or not: a source without files gives empty marts
        contracts = sorted(SOURCE_CONTRACTS)
        if not dry_run:
            store.prepare([SOURCE_CONTRACTS[name] for name in contracts], full_refresh)
        nothing_loaded = full_refresh or (dry_run and not store.has_load_log())
        previous = {} if nothing_loaded else {load.source_file: load for load in store.file_loads()}
        reader = store.reader

        # 2. the files of each feed; one file, one feed
        owner: dict[str, Feed] = {}
        feed_files: list[tuple[Feed, LandingFile]] = []
        for feed in landing.feeds:
            files = resolve_feed_files(feed, reader)
            if not files:
                report.warnings.append(f"{feed.describe()}: no file matches {feed.spec} yet")
            for file in files:
                if file.path in owner:
                    raise LandingConfigError(
                        f"{landing.origin}: landing file {file.path} is matched by feed "
                        f"'{owner[file.path].name}' and by feed '{feed.name}' (key `path`): a file "
                        "belongs to one feed; narrow one of the paths."
                    )
                owner[file.path] = feed
                feed_files.append((feed, file))
        report.files = len(feed_files)
        orphans: dict[str, int] = {}
        for path, load in previous.items():
            if path not in owner:
                orphans[load.feed_name] = orphans.get(load.feed_name, 0) + 1
        for feed_name, count in sorted(orphans.items()):
            report.warnings.append(
                f"{count} loaded file(s) of feed '{feed_name}' are no longer matched by any feed (removed, "
                "moved, or the feed left the config): their rows stay in the warehouse until a full "
                "refresh (make build DBT_ARGS=--full-refresh)"
            )

        # 3. files already loaded
        problems: list[str] = []
        recopied: dict[str, int] = {}
        pending: list[tuple[Feed, LandingFile]] = []
        for feed, file in feed_files:
            if file.path in previous:
                _check_loaded(feed, file, previous[file.path], recopied, problems)
                report.skipped.append(file.path)
            else:
                pending.append((feed, file))
        if problems:
            raise LandingFileError(
                "; ".join(problems)
                + ". A loaded file and its feed's settings must not change: put new rows in a new "
                "file, or reload every file and rebuild every model with `make build "
                "DBT_ARGS=--full-refresh` (scripts/load_landing.py --full-refresh, then dbt build "
                "--full-refresh). Nothing was loaded; the marts are those of the last good build."
            )
        report.recopied = sorted(recopied)

        with tempfile.TemporaryDirectory(prefix="nps-landing-") as scratch:
            # 4. check every new file and map its headers before reading any row
            plans = [_plan(feed, file, reader, Path(scratch)) for feed, file in pending]
            for plan in plans:
                if plan.missing_to_report:
                    report.warnings.append(
                        f"{plan.feed.describe()}: {plan.file.path} has no column for "
                        f"{', '.join(plan.missing_to_report)}: null in every row of it (then "
                        "'unknown' where the rules say so)"
                    )
            if dry_run:
                report.loaded = [
                    FileResult(
                        p.feed.name, p.feed.source, p.file.path, -1, p.missing_to_report, p.source_timezone
                    )
                    for p in plans
                ]
                report.seconds = time.perf_counter() - started
                _print(report, progress)
                return report

            # 5-6. parse every new file, then write everything at once
            first_load_id = max(
                [int(time.time() * 1_000_000)] + [load.load_id + 1 for load in previous.values()]
            )
            by_load = {first_load_id + number: plan for number, plan in enumerate(plans)}
            digests = {load_id: fingerprint(plan.file.path) for load_id, plan in by_load.items()}
            store.begin(full_refresh)
            try:
                for load_id, plan in by_load.items():
                    try:
                        store.stage(SOURCE_CONTRACTS[plan.feed.source], load_id, select_sql(plan, load_id))
                    except duckdb.Error as exc:
                        raise translate_read_error(plan, exc) from exc
                try:
                    counts = store.write()
                except StagedReadError as exc:
                    if exc.load_id is None:
                        raise LandingFileError(f"the new landing files cannot be read: {exc.error}") from exc
                    raise translate_read_error(by_load[exc.load_id], exc.error) from exc
                loads = [
                    _file_load(plan, load_id, counts[load_id], digests[load_id])
                    for load_id, plan in by_load.items()
                ]
                for number, (load, plan) in enumerate(zip(loads, plans, strict=True), start=1):
                    report.loaded.append(
                        FileResult(
                            plan.feed.name,
                            plan.feed.source,
                            plan.file.path,
                            load.rows_read,
                            plan.missing_to_report,
                            plan.source_timezone,
                        )
                    )
                    if load.rows_read == 0:
                        report.warnings.append(
                            f"{plan.feed.describe()}: {plan.file.path} has a header but no data rows"
                        )
                    progress(
                        f"  [{number}/{len(plans)}] {plan.feed.name}: {plan.file.path}: {load.rows_read} rows"
                    )
                store.commit(loads, recopied)
            except BaseException:
                store.abort()
                raise
        report.raw_rows = store.row_counts([SOURCE_CONTRACTS[name] for name in contracts])
    finally:
        store.close()
    report.seconds = time.perf_counter() - started
    _print(report, progress)
    return report


def _file_load(plan: FilePlan, load_id: int, rows: int, digest: str) -> FileLoad:
    feed = plan.feed
    return FileLoad(
        load_id=load_id,
        feed_name=feed.name,
        source_name=feed.source,
        source_file=plan.file.path,
        file_fingerprint=digest,
        file_bytes=plan.file.size,
        file_modified_ns=plan.file.modified_ns,
        rows_read=rows,
        source_timezone=plan.source_timezone,
        missing_columns=",".join(plan.missing_to_report),
        timestamp_formats=json.dumps(list(feed.timestamp_formats)),
        decimal_mark=feed.decimal_mark,
        feed_settings=feed.settings_json(),
        settings_fingerprint=feed.settings_fingerprint(),
        loaded_at=utc_now(),
    )


def _print(report: LoadReport, progress: Callable[[str], None]) -> None:
    for warning in report.warnings:
        progress(f"WARNING: {warning}")
    progress(report.summary())
