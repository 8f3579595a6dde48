"""The core path at the sizes whose whole warehouse does not fit on one disk (50M, 100M): the
responses alone, as Parquet files, built fully and then after one more day.

The whole warehouse of a 100M history with its programme (about 640M raw rows) needs about twice
the disk of a 50M one (README, target 5). The core path - the responses loaded, staged, audited,
de-duplicated, published and aggregated into ``fct_nps_daily``, with its tests - is the part of
the build whose size follows the responses, so it is what these sizes measure: a full build into a
new warehouse, and an incremental build after the same new day (1/365 of the smallest history,
5 % of it resubmitting old responses), each with its wall time and peak memory. The day's cube is
then checked against the engine floor computed on the same files (with more memory than the
build: the check is not measured), so every figure comes from a run that produced the right
answer. Each size's warehouse is deleted once its cube is read, before the floor's check, so that
only one is on the disk at a time.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .baselines import normalise_cube, read_cube_file
from .common import (
    HISTORY_DAYS,
    HISTORY_END,
    NEW_DAY,
    NEW_DAY_FIRST_RESPONSE,
    NEW_DAY_RESUBMIT_RATE,
    ROWS_PER_FILE,
    format_size,
)
from .data import ensure_generated, landing_files, link_responses_only
from .measuring import chained, measure
from .run_results import keep_run_results, read_node_shares
from .steps import (
    CORE_SELECTION,
    CORE_TESTS,
    dbt_command,
    dbt_env,
    load_command,
    parse_first,
    python_step,
    read_cube,
    remove_database,
)

#: DuckDB's memory for the floor's check of the cube, not a measured step: its one statement
#: held 7 GB at 50M (it cannot stay within 3GB there), so it gets most of a 24 GB machine.
CHECK_MEMORY_LIMIT = "18GB"
#: Responses per bucket of the check: the statement runs once per bucket of response ids and the
#: cubes add up (at 100M, four buckets in 673 s, 5.3 GB resident).
CHECK_ROWS_PER_BUCKET = 25_000_000


def ensure_responses(directory: Path, rows: int, progress: Callable[[str], None], **day: Any) -> Path:
    """Parquet files of ``rows`` responses alone (the responses ``generate_programme`` writes with
    the same arguments, without the other sources), generated once, then reused while the stamp
    matches. Without ``day`` arguments: the history (365 days to 2026-10-31, about 500,000 rows
    per file); with them (``start_date``, ``days``, ...): that batch."""
    arguments: dict[str, Any] = (
        {"end_date": HISTORY_END, "days": HISTORY_DAYS, "files": max(1, -(-rows // ROWS_PER_FILE))}
        if not day
        else {"files": 1, **day}
    )
    arguments.update(rows=rows, fmt="parquet")
    return ensure_generated(
        directory,
        {**arguments, "v": 1},
        "responses",
        arguments,
        f"generating {format_size(rows)} responses alone, as Parquet,",
        progress,
    )


def ensure_responses_day(
    directory: Path, rows: int, resubmit_high: int, progress: Callable[[str], None]
) -> Path:
    """One more day of ``rows`` responses alone, 5 % resubmitting responses 1..resubmit_high; its
    files sort after the history's (``responses_day_2026-11-01_0001.parquet``)."""
    return ensure_responses(
        directory,
        rows,
        progress,
        start_date=NEW_DAY,
        days=1,
        first_response=NEW_DAY_FIRST_RESPONSE,
        resubmit_rate=NEW_DAY_RESUBMIT_RATE,
        resubmit_from_range=[1, resubmit_high],
        prefix=f"responses_day_{NEW_DAY}",
    )


def _core_size(
    rows: int, day: Path, work: Path, settings: dict[str, str], progress: Callable[[str], None]
) -> dict[str, Any]:
    """The full core build of a ``rows`` history, then the new day, then the floor's check."""
    history = ensure_responses(work / "data" / f"responses_{format_size(rows)}", rows, progress)
    size_dir = work / f"core_{format_size(rows)}"
    size_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(size_dir / "run_results", ignore_errors=True)
    landing = size_dir / "landing"
    history_files, day_files = landing_files(history), landing_files(day)
    link_responses_only(landing, history_files)
    database = size_dir / "warehouse.duckdb"
    remove_database(database)
    env = dbt_env(database, landing, settings)
    parse_first(size_dir, env)
    select = ("--select", CORE_SELECTION, *CORE_TESTS)

    progress(f"core {format_size(rows)}: load + dbt build --full-refresh --select {CORE_SELECTION}")
    steps = {"full_load": measure(load_command("--full-refresh"), env=env, log=size_dir / "full_load.log")}
    if steps["full_load"].ok:
        steps["full_dbt"] = measure(
            dbt_command("build", size_dir, "--full-refresh", *select),
            env=env,
            log=size_dir / "full_build.log",
        )
    steps["full_build"] = chained(*(steps[name] for name in ("full_load", "full_dbt") if name in steps))
    run_results = {
        "full_build": keep_run_results(size_dir / "target", size_dir / "run_results" / "full_build.json")
    }

    if steps["full_build"].ok:
        progress(f"core {format_size(rows)}: load + dbt build --select {CORE_SELECTION} after one more day")
        for path in day_files:
            (landing / path.name).symlink_to(path)
        steps["incremental_load"] = measure(load_command(), env=env, log=size_dir / "incremental_load.log")
        if steps["incremental_load"].ok:
            steps["incremental_dbt"] = measure(
                dbt_command("build", size_dir, *select), env=env, log=size_dir / "incremental.log"
            )
            run_results["incremental_build"] = keep_run_results(
                size_dir / "target", size_dir / "run_results" / "incremental_build.json"
            )
        steps["incremental_build"] = chained(
            *(steps[name] for name in ("incremental_load", "incremental_dbt") if name in steps)
        )

    matches: bool | None = None
    day_build = steps.get("incremental_build")
    cube = normalise_cube(read_cube(database)) if day_build and day_build.ok else None
    if cube is not None:
        (size_dir / "warehouse_cube.json").write_text(json.dumps(cube), encoding="utf-8")
    # the warehouse leaves the disk before the floor, which spills beside it at these sizes
    remove_database(database)
    if cube is not None:
        progress(f"core {format_size(rows)}: the engine floor on the history and the day, to check the cube")
        floor_output, spill = size_dir / "floor_cube.json", size_dir / "floor.tmp"
        steps["floor_check"] = measure(
            python_step(
                "floor",
                [*history_files, *day_files],
                floor_output,
                {**settings, "NPS_DUCKDB_MEMORY_LIMIT": CHECK_MEMORY_LIMIT},
                temp_directory=spill,
                buckets=max(1, -(-rows // CHECK_ROWS_PER_BUCKET)),
            ),
            log=size_dir / "floor.log",
            env=dict(os.environ),
        )
        shutil.rmtree(spill, ignore_errors=True)
        matches = steps["floor_check"].ok and read_cube_file(floor_output) == cube
    return {
        "rows": rows,
        "files": len(history_files),
        "steps": {name: asdict(step) for name, step in steps.items()},
        "cube_matches_floor": matches,
        "node_shares": {name: read_node_shares(path) for name, path in run_results.items()},
    }


def benchmark_core_sizes(
    sizes: Sequence[int], work: Path, *, settings: dict[str, str], progress: Callable[[str], None]
) -> dict[str, Any]:
    """The core path on a history of each size, each followed by the same new day (1/365 of the
    smallest history); the day's time on the largest history over the smallest's."""
    smallest = min(sizes)
    new_day_rows = max(1, smallest // HISTORY_DAYS)
    day = ensure_responses_day(
        work / "data" / f"responses_day_{format_size(smallest)}", new_day_rows, smallest, progress
    )
    runs = {format_size(rows): _core_size(rows, day, work, settings, progress) for rows in sorted(sizes)}
    low, high = runs[format_size(min(sizes))], runs[format_size(max(sizes))]
    low_day, high_day = low["steps"].get("incremental_build"), high["steps"].get("incremental_build")
    ratio = (
        round(high_day["seconds"] / low_day["seconds"], 2)
        if len(runs) > 1 and low_day and high_day and low_day["ok"] and high_day["ok"] and low_day["seconds"]
        else None
    )
    return {"new_day_rows": new_day_rows, "runs": runs, "largest_over_smallest": ratio}
