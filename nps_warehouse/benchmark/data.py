"""The landing data of the benchmark: generated once per size, reused while its stamp matches."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nps_warehouse.contract import PROGRAMME_SOURCES

from .common import (
    HISTORY_DAYS,
    HISTORY_END,
    NEW_DAY,
    NEW_DAY_FIRST_RESPONSE,
    NEW_DAY_RESUBMIT_RATE,
    PROJECT_DIR,
    ROWS_PER_FILE,
    format_size,
    sql_string,
)

#: The name of the one Parquet file holding a history's responses.
PARQUET_NAME = "responses.parquet"


def _in_own_process(function: str, arguments: dict[str, Any]) -> None:
    """Run a data step (``generate``, ``parquet``) in its own process
    (``python -m nps_warehouse.benchmark``). The benchmark's own process must stay small: every
    measured step is started from it, and Linux counts the parent's resident pages in a child's
    peak RSS until the child's program replaces them, so a benchmark process grown by writing 10M
    rows would show its size as every light step's peak memory."""
    subprocess.run(
        [sys.executable, "-m", "nps_warehouse.benchmark", function, json.dumps(arguments)],
        check=True,
        cwd=PROJECT_DIR,
    )


def _stamp_matches(directory: Path, stamp: dict[str, Any]) -> bool:
    path = directory / "_stamp.json"
    return path.exists() and json.loads(path.read_text(encoding="utf-8")) == stamp


def ensure_generated(
    directory: Path,
    stamp: dict[str, Any],
    function: str,
    arguments: dict[str, Any],
    message: str,
    progress: Callable[[str], None],
) -> Path:
    """``directory`` as the data step ``function`` (``generate``, ``responses``) writes it with
    ``arguments``: generated once into an emptied folder, then reused while its stamp matches."""
    if not _stamp_matches(directory, stamp):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        progress(f"{message} into {directory}")
        _in_own_process(function, {"output": str(directory), **arguments})
        (directory / "_stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return directory


def ensure_history(directory: Path, rows: int, progress: Callable[[str], None]) -> Path:
    """The landing files of a history of ``rows`` responses and of the customers, agents,
    interactions and invitations they refer to (generated once, then reused)."""
    return ensure_generated(
        directory,
        {"rows": rows, "days": HISTORY_DAYS, "end": HISTORY_END, "per_file": ROWS_PER_FILE, "v": 2},
        "generate",
        {
            "rows": rows,
            "files": max(1, -(-rows // ROWS_PER_FILE)),
            "end_date": HISTORY_END,
            "days": HISTORY_DAYS,
        },
        f"generating {format_size(rows)} responses and their programme",
        progress,
    )


def ensure_new_day(directory: Path, rows: int, resubmit_high: int, progress: Callable[[str], None]) -> Path:
    """One more day of ``rows`` responses, 5 % resubmitting responses 1..resubmit_high."""
    return ensure_generated(
        directory,
        {"rows": rows, "high": resubmit_high, "day": NEW_DAY, "v": 3},
        "generate",
        {
            "rows": rows,
            "start_date": NEW_DAY,
            "days": 1,
            "first_response": NEW_DAY_FIRST_RESPONSE,
            "resubmit_rate": NEW_DAY_RESUBMIT_RATE,
            "resubmit_from_range": [1, resubmit_high],
            "label": f"day_{NEW_DAY}",
        },
        f"generating the new day ({rows} responses)",
        progress,
    )


def landing_files(directory: Path) -> list[Path]:
    """The response files of a generated batch (the other sources are in its sub-folders)."""
    return sorted(path for path in directory.iterdir() if path.suffix in (".csv", ".parquet"))


def link_landing(landing: Path, batch: Path) -> None:
    """Links a generated batch's files into ``landing``: the responses directly in it, each other
    source's files in its sub-folder (``landing/customers/``, ...), where the loader finds them
    through NPS_RAW_<SOURCE> (dbt_env)."""
    for path in landing_files(batch):
        (landing / path.name).symlink_to(path)
    for source in PROGRAMME_SOURCES:
        (landing / source).mkdir(exist_ok=True)
        if (batch / source).is_dir():
            for path in sorted((batch / source).iterdir()):
                (landing / source / path.name).symlink_to(path)


def write_responses_parquet(files: list[Path], target: Path, memory_limit: str = "3GB") -> None:
    """The responses of ``files`` (CSV) as one Parquet file, every column text, written by DuckDB.

    The rows keep the files' order and each file's row order (insertion order preserved), so the
    file's row number orders the rows as (source file, row number) ordered them across the CSV
    files: the de-duplication of a response submitted twice at the same instant keeps the same
    row. Empty fields become nulls, which the loader reads as it reads an empty CSV field.
    """
    import duckdb

    listing = ", ".join(sql_string(str(path)) for path in files)
    partial = target.with_name(target.name + ".partial")
    connection = duckdb.connect()
    try:
        connection.execute(f"set memory_limit = {sql_string(memory_limit)}")
        connection.execute("set preserve_insertion_order = true")
        connection.execute(
            f"""copy (
                select * from read_csv([{listing}], header = true, all_varchar = true, delim = ',',
                                       quote = '"', escape = '"', union_by_name = true)
            ) to {sql_string(str(partial))} (format parquet)"""
        )
    finally:
        connection.close()
    partial.replace(target)


def ensure_parquet(
    directory: Path, history: Path, progress: Callable[[str], None], memory_limit: str = "3GB"
) -> Path:
    """The history's responses as one Parquet file in ``directory`` (written once, then reused
    while the CSV files it came from are the same); returns the file."""
    files = landing_files(history)
    stamp = {
        "from": [[path.name, path.stat().st_size] for path in files],
        "history": json.loads((history / "_stamp.json").read_text(encoding="utf-8"))
        if (history / "_stamp.json").exists()
        else None,
        "v": 1,
    }
    target = directory / PARQUET_NAME
    if not (_stamp_matches(directory, stamp) and target.exists()):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        progress(f"writing the {len(files)} response files of {history.name} as one Parquet file")
        _in_own_process(
            "parquet",
            {"files": [str(path) for path in files], "output": str(target), "memory_limit": memory_limit},
        )
        (directory / "_stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return target


def link_responses_only(landing: Path, files: list[Path]) -> None:
    """A landing folder holding only response files (linked), each other source's folder empty:
    the loader loads the responses and nothing else (the core path's input)."""
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir(parents=True)
    for path in files:
        (landing / path.name).symlink_to(path)
    for source in PROGRAMME_SOURCES:
        (landing / source).mkdir()
