"""The measured steps on one history size: full build, incremental day, floor, pandas; and the
same new day on histories of several sizes (scaling)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nps_warehouse.contract import PROGRAMME_SOURCES

from .baselines import normalise_cube, read_cube_file
from .common import COMMENT_SELECTION, CUBE_COLUMNS, HISTORY_DAYS, PROJECT_DIR, format_size
from .data import (
    ensure_history,
    ensure_new_day,
    ensure_parquet,
    landing_files,
    link_landing,
    link_responses_only,
)
from .measuring import Measurement, chained, measure, measure_chain
from .run_results import keep_run_results, read_node_shares


def dbt_env(database: Path, landing: Path, settings: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_PROJECT_DIR": str(PROJECT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "NPS_TARGET": "duckdb",
            "NPS_DUCKDB_PATH": str(database),
            "NPS_RAW_RESPONSES": str(landing),
            **{f"NPS_RAW_{source.upper()}": str(landing / source) for source in PROGRAMME_SOURCES},
            **settings,
        }
    )
    return env


def load_command(*extra: str) -> list[str]:
    """The landing loader, which every build runs before dbt (as `make build` does)."""
    return [sys.executable, str(PROJECT_DIR / "scripts" / "load_landing.py"), *extra]


def dbt_command(command: str, work: Path, *extra: str) -> list[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    return [dbt, command, "--target-path", str(work / "target"), "--log-path", str(work / "logs"), *extra]


def parse_first(work: Path, env: dict[str, str]) -> None:
    """``dbt parse`` into the step's target folder, untimed, before its timed dbt steps: a daily
    build keeps ``target/``, where dbt reuses its parse while the project, the vars and the
    profile's settings stay the same (3 s instead of 11 s on a new folder). Without it a step's
    time would depend on whether its folder was new."""
    parsed = measure(dbt_command("parse", work), env=env, log=work / "dbt_parse.log")
    if not parsed.ok:
        raise RuntimeError(f"dbt parse failed (see {work / 'dbt_parse.log'}): {parsed.detail}")


def remove_database(database: Path) -> None:
    for path in (database, database.with_suffix(".duckdb.wal"), Path(f"{database}.wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(f"{database}.tmp", ignore_errors=True)


def read_cube(database: Path) -> list[tuple[Any, ...]]:
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        return sorted(connection.sql(f"select {', '.join(CUBE_COLUMNS)} from marts.fct_nps_daily").fetchall())
    finally:
        connection.close()


@dataclass
class SizeResult:
    rows: int
    files: int
    new_day_rows: int
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    ratios: dict[str, float | None] = field(default_factory=dict)
    checks: dict[str, bool | None] = field(default_factory=dict)
    #: per dbt invocation (full build, incremental build, core path per format): where its time went
    node_shares: dict[str, dict[str, Any] | None] = field(default_factory=dict)


def machine_info(settings: dict[str, str]) -> dict[str, Any]:
    import dbt.version
    import duckdb

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
            cpu = names[0] if names else cpu
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt_core": dbt.version.__version__,
        "duckdb_memory_limit": settings.get("NPS_DUCKDB_MEMORY_LIMIT", "3GB"),
        "duckdb_threads": settings.get("NPS_DUCKDB_THREADS") or "all cores",
        "dbt_threads": settings.get("NPS_DBT_THREADS") or "the profiles' (1 on DuckDB, 2 on PostgreSQL)",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def ratio(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    if not numerator or not denominator or not numerator.ok or not denominator.ok or not denominator.seconds:
        return None
    return round(numerator.seconds / denominator.seconds, 2)


def python_step(
    function: str,
    files: Sequence[Path],
    output: Path,
    settings: dict[str, str],
    temp_directory: Path | None = None,
    buckets: int = 1,
) -> list[str]:
    arguments = json.dumps(
        {
            "files": [str(path) for path in files],
            "output": str(output),
            "memory_limit": settings.get("NPS_DUCKDB_MEMORY_LIMIT", "3GB"),
            "threads": settings.get("NPS_DUCKDB_THREADS", ""),
            **({"temp_directory": str(temp_directory)} if temp_directory else {}),
            **({"buckets": buckets} if buckets > 1 else {}),
        }
    )
    return [sys.executable, "-m", "nps_warehouse.benchmark", function, arguments]


#: The core path of the issue: the daily NPS cube and everything it is built from, with tests.
CORE_SELECTION = "+fct_nps_daily"
#: The tests of the core path: those whose every parent it builds. dbt's default (eager) would add
#: the tests that also read models outside it (relationships to the dimensions, the audit's
#: reconciliations), which fail on a warehouse where those models were never built.
CORE_TESTS = ("--indirect-selection", "cautious")
FORMATS = ("csv", "parquet")


def _core_path(
    fmt: str, files: Sequence[Path], size_dir: Path, settings: dict[str, str], progress: Callable[[str], None]
) -> tuple[dict[str, Measurement], list[list[Any]] | None, Path | None]:
    """A fresh warehouse, the loader's ``--full-refresh`` on a landing holding only the response
    files, then ``dbt build --full-refresh --select +fct_nps_daily`` (models and their tests)."""
    core_dir = size_dir / f"core_{fmt}"
    core_dir.mkdir(parents=True, exist_ok=True)
    landing = core_dir / "landing"
    link_responses_only(landing, list(files))
    database = core_dir / "warehouse.duckdb"
    remove_database(database)
    env = dbt_env(database, landing, settings)
    parse_first(core_dir, env)
    progress(f"{size_dir.name}: core path on {fmt}: load + dbt build --select {CORE_SELECTION}")
    load = measure(load_command("--full-refresh"), env=env, log=core_dir / "load.log")
    build = measure(
        dbt_command("build", core_dir, "--full-refresh", "--select", CORE_SELECTION, *CORE_TESTS),
        env=env,
        log=core_dir / "build.log",
    )
    run_results = keep_run_results(core_dir / "target", size_dir / "run_results" / f"core_{fmt}.json")
    steps = {f"core_{fmt}": chained(load, build), f"core_{fmt}_load": load, f"core_{fmt}_dbt": build}
    cube = normalise_cube(read_cube(database)) if load.ok and build.ok else None
    return steps, cube, run_results


def _same_cube(step: Measurement | None, output: Path, cube: list[list[Any]] | None) -> bool | None:
    if step is None:
        return None
    return step.ok and cube is not None and read_cube_file(output) == cube


def benchmark_size(
    rows: int,
    work: Path,
    *,
    settings: dict[str, str],
    pandas_max_rows: int,
    progress: Callable[[str], None],
    skip: Sequence[str] = (),
) -> SizeResult:
    """Every step on a history of ``rows`` responses and one more day, but those named in
    ``skip`` (``dbt_run``, ``comment_models``: the two steps no target reads)."""
    size_dir = work / format_size(rows)
    history = ensure_history(work / "data" / f"history_{format_size(rows)}", rows, progress)
    new_day_rows = max(1, rows // HISTORY_DAYS)
    new_day = ensure_new_day(work / "data" / f"new_day_{format_size(rows)}", new_day_rows, rows, progress)
    inputs = {
        "csv": landing_files(history),
        "parquet": [
            ensure_parquet(
                work / "data" / f"parquet_{format_size(rows)}",
                history,
                progress,
                settings.get("NPS_DUCKDB_MEMORY_LIMIT", "3GB"),
            )
        ],
    }
    result = SizeResult(rows=rows, files=len(inputs["csv"]), new_day_rows=new_day_rows)
    size_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(size_dir / "run_results", ignore_errors=True)
    landing = size_dir / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir()
    link_landing(landing, history)

    steps: dict[str, Measurement] = {}
    run_results: dict[str, Path | None] = {}
    database = size_dir / "warehouse.duckdb"

    if "dbt_run" not in skip:
        progress(f"{format_size(rows)}: dbt run --full-refresh (models only; seeds loaded first, not timed)")
        remove_database(database)
        seeded = measure_chain(
            [
                (load_command(), size_dir / "dbt_seed_load.log"),
                (dbt_command("seed", size_dir), size_dir / "dbt_seed.log"),
            ],
            env=dbt_env(database, landing, settings),
        )
        if not seeded.ok:
            raise RuntimeError(f"loading or dbt seed failed: {seeded.detail}")
        parse_first(size_dir, dbt_env(database, landing, settings))
        steps["dbt_run"] = measure(
            dbt_command("run", size_dir, "--full-refresh"),
            env=dbt_env(database, landing, settings),
            log=size_dir / "dbt_run.log",
        )
    progress(f"{format_size(rows)}: load + dbt build --full-refresh (models and tests)")
    remove_database(database)
    parse_first(size_dir, dbt_env(database, landing, settings))
    steps["full_load"] = measure(
        load_command("--full-refresh"),
        env=dbt_env(database, landing, settings),
        log=size_dir / "full_load.log",
    )
    dbt_build = measure(
        dbt_command("build", size_dir, "--full-refresh"),
        env=dbt_env(database, landing, settings),
        log=size_dir / "full_build.log",
    )
    run_results["full_build"] = keep_run_results(
        size_dir / "target", size_dir / "run_results" / "full_build.json"
    )
    steps["full_build"] = chained(steps["full_load"], dbt_build)
    cube = normalise_cube(read_cube(database)) if steps["full_build"].ok else None

    if "comment_models" not in skip:
        progress(f"{format_size(rows)}: the comment models and their tests again, on the built warehouse")
        steps["comment_models"] = measure(
            dbt_command("build", size_dir, "--full-refresh", "--select", *COMMENT_SELECTION),
            env=dbt_env(database, landing, settings),
            log=size_dir / "comment_models.log",
        )

    progress(f"{format_size(rows)}: load + dbt build after one more day ({new_day_rows} responses)")
    link_landing(landing, new_day)
    steps["incremental_load"] = measure(
        load_command(), env=dbt_env(database, landing, settings), log=size_dir / "incremental_load.log"
    )
    dbt_build = measure(
        dbt_command("build", size_dir),
        env=dbt_env(database, landing, settings),
        log=size_dir / "incremental.log",
    )
    run_results["incremental_build"] = keep_run_results(
        size_dir / "target", size_dir / "run_results" / "incremental_build.json"
    )
    steps["incremental_build"] = chained(steps["incremental_load"], dbt_build)

    core_cubes: dict[str, list[list[Any]] | None] = {}
    for fmt in FORMATS:
        core_steps, core_cubes[fmt], run_results[f"core_{fmt}"] = _core_path(
            fmt, inputs[fmt], size_dir, settings, progress
        )
        steps.update(core_steps)
        result.checks[f"core_{fmt}_matches_marts"] = (
            core_cubes[fmt] is not None and cube is not None and core_cubes[fmt] == cube
        )
        # the baselines read the core path's files: its cube is their reference (else the full build's)
        if core_cubes[fmt] is None:
            core_cubes[fmt] = cube

    for fmt in FORMATS:
        suffix = "" if fmt == "csv" else f"_{fmt}"
        progress(f"{format_size(rows)}: engine floor on {fmt} (one DuckDB statement)")
        floor_output = size_dir / f"floor{suffix}_cube.json"
        steps[f"floor{suffix}"] = measure(
            python_step("floor", inputs[fmt], floor_output, settings),
            log=size_dir / f"floor{suffix}.log",
            env=dict(os.environ),
        )
        result.checks[f"floor{suffix}_matches_marts"] = _same_cube(
            steps[f"floor{suffix}"], floor_output, core_cubes[fmt]
        )
        if rows <= pandas_max_rows:
            progress(f"{format_size(rows)}: pandas on {fmt}")
            pandas_output = size_dir / f"pandas{suffix}_cube.json"
            steps[f"pandas{suffix}"] = measure(
                python_step("pandas", inputs[fmt], pandas_output, settings),
                log=size_dir / f"pandas{suffix}.log",
                env=dict(os.environ),
            )
            result.checks[f"pandas{suffix}_matches_marts"] = _same_cube(
                steps[f"pandas{suffix}"], pandas_output, core_cubes[fmt]
            )
        else:
            result.checks[f"pandas{suffix}_matches_marts"] = None

    result.steps = {name: asdict(measurement) for name, measurement in steps.items()}
    result.ratios = {
        "full_over_floor": ratio(steps["full_build"], steps["floor"]),
        "core_csv_over_floor": ratio(steps["core_csv"], steps["floor"]),
        "core_parquet_over_floor_parquet": ratio(steps["core_parquet"], steps["floor_parquet"]),
        "full_over_core_csv": ratio(steps["full_build"], steps["core_csv"]),
        "pandas_over_core_csv": ratio(steps.get("pandas"), steps["core_csv"]),
        "pandas_parquet_over_core_parquet": ratio(steps.get("pandas_parquet"), steps["core_parquet"]),
        "incremental_over_full": ratio(steps["incremental_build"], steps["full_build"]),
        "pandas_over_full": ratio(steps.get("pandas"), steps["full_build"]),
        "pandas_over_incremental": ratio(steps.get("pandas"), steps["incremental_build"]),
        "comment_models_over_full": ratio(steps.get("comment_models"), steps["full_build"]),
    }
    result.node_shares = {name: read_node_shares(path) for name, path in run_results.items()}
    return result


def benchmark_scaling(
    sizes: Sequence[int], work: Path, *, settings: dict[str, str], progress: Callable[[str], None]
) -> dict[str, Any]:
    """The same new day, incrementally, on histories of each size (built first, not timed)."""
    smallest = min(sizes)
    new_day = ensure_new_day(
        work / "data" / f"scaling_day_{format_size(smallest)}",
        max(1, smallest // HISTORY_DAYS),
        smallest,
        progress,
    )
    runs: dict[str, Any] = {}
    for rows in sizes:
        history = ensure_history(work / "data" / f"history_{format_size(rows)}", rows, progress)
        size_dir = work / f"scaling_{format_size(rows)}"
        size_dir.mkdir(parents=True, exist_ok=True)
        landing = size_dir / "landing"
        shutil.rmtree(landing, ignore_errors=True)
        landing.mkdir()
        link_landing(landing, history)
        database = size_dir / "warehouse.duckdb"
        remove_database(database)
        progress(f"scaling: full build of the {format_size(rows)} history (not timed)")
        setup = measure_chain(
            [
                (load_command("--full-refresh"), size_dir / "setup_load.log"),
                (dbt_command("build", size_dir, "--full-refresh"), size_dir / "setup.log"),
            ],
            env=dbt_env(database, landing, settings),
        )
        link_landing(landing, new_day)
        progress(f"scaling: the same new day on the {format_size(rows)} history")
        incremental = measure_chain(
            [
                (load_command(), size_dir / "incremental_load.log"),
                (dbt_command("build", size_dir), size_dir / "incremental.log"),
            ],
            env=dbt_env(database, landing, settings),
        )
        runs[format_size(rows)] = {
            "history_full_build": asdict(setup),
            "incremental_build": asdict(incremental),
        }
    names = [format_size(rows) for rows in sorted(sizes)]
    low, high = runs[names[0]]["incremental_build"], runs[names[-1]]["incremental_build"]
    ratio = (
        round(high["seconds"] / low["seconds"], 2) if low["ok"] and high["ok"] and low["seconds"] else None
    )
    return {"new_day_rows": max(1, smallest // HISTORY_DAYS), "runs": runs, "largest_over_smallest": ratio}
