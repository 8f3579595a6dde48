"""The same builds on each engine (DuckDB, PostgreSQL, Spark), each cube held to DuckDB's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import spark_partitions
from .baselines import read_cube_file
from .common import CUBE_COLUMNS, HISTORY_DAYS, PROJECT_DIR, format_size
from .data import ensure_history, ensure_new_day, link_landing
from .measuring import Measurement, chained, measure
from .steps import dbt_command, dbt_env, load_command, ratio, remove_database

ENGINE_DEMO = "demo"


def read_engine_cube(target: str) -> list[tuple[Any, ...]]:
    """``fct_nps_daily``'s cube from the target of the environment's profile settings."""
    from nps_warehouse.engines import query_rows

    return query_rows(f"select {', '.join(CUBE_COLUMNS)} from marts.fct_nps_daily", target=target)


def _engine_env(engine: str, work: Path, landing: Path, settings: dict[str, str]) -> dict[str, str]:
    env = dbt_env(work / "warehouse.duckdb", landing, settings)
    env["NPS_TARGET"] = engine
    if engine == "postgres":
        env["PGDATABASE"] = f"nps_bench_{work.name.lower()}"
    if engine == "spark":
        env["NPS_SPARK_WAREHOUSE_DIR"] = str(work / "spark")
    return env


def _reset_engine(engine: str, work: Path, env: dict[str, str]) -> None:
    """A new, empty warehouse for the engine (file, database or Spark folder)."""
    remove_database(work / "warehouse.duckdb")
    shutil.rmtree(work / "spark", ignore_errors=True)
    if engine == "postgres":
        subprocess.run([str(PROJECT_DIR / "scripts" / "postgres_local.sh")], env=env, check=True)
        from nps_warehouse.engines import postgres_connect, profile_target

        connection = postgres_connect(profile_target("postgres"), "postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'drop database if exists "{env["PGDATABASE"]}" with (force)')
                cursor.execute(f'create database "{env["PGDATABASE"]}"')
        finally:
            connection.close()


def benchmark_engines(
    engines: Sequence[str],
    sizes: Sequence[int | str],
    work: Path,
    *,
    settings: dict[str, str],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Load + full build + incremental build of each size (the demo data or a history) on each
    engine; every engine's cube must equal DuckDB's (DuckDB runs first)."""
    results: dict[str, Any] = {}
    for size in sizes:
        name = ENGINE_DEMO if size == ENGINE_DEMO else format_size(int(size))
        if size == ENGINE_DEMO:
            history = PROJECT_DIR / "data" / "demo"
            new_day = ensure_new_day(work / "data" / "new_day_demo", 50, 5000, progress)
        else:
            rows = int(size)
            history = ensure_history(work / "data" / f"history_{name}", rows, progress)
            new_day = ensure_new_day(
                work / "data" / f"new_day_{name}", max(1, rows // HISTORY_DAYS), rows, progress
            )
        reference: list[list[Any]] | None = None
        for engine in ["duckdb", *[engine for engine in engines if engine != "duckdb"]]:
            engine_dir = work / f"engine_{engine}_{name}"
            engine_dir.mkdir(parents=True, exist_ok=True)
            landing = engine_dir / "landing"
            shutil.rmtree(landing, ignore_errors=True)
            landing.mkdir()
            link_landing(landing, history)
            env = _engine_env(engine, engine_dir, landing, settings)
            _reset_engine(engine, engine_dir, env)
            steps: dict[str, Measurement] = {}
            loader = load_command()
            progress(f"{engine} {name}: loading the landing files")
            steps["load"] = measure(loader, env=env, log=engine_dir / "load.log")
            progress(f"{engine} {name}: dbt build --full-refresh")
            steps["full_build"] = measure(
                dbt_command("build", engine_dir, "--full-refresh"), env=env, log=engine_dir / "full_build.log"
            )
            partitions_before = (
                spark_partitions.snapshot(engine_dir / "spark")
                if engine == "spark" and steps["full_build"].ok
                else None
            )
            link_landing(landing, new_day)
            steps["incremental_load"] = measure(loader, env=env, log=engine_dir / "incremental_load.log")
            progress(f"{engine} {name}: dbt build after one more day")
            steps["incremental_build"] = measure(
                dbt_command("build", engine_dir), env=env, log=engine_dir / "incremental.log"
            )
            cube_file = engine_dir / "cube.json"
            cube_step = measure(
                [
                    sys.executable,
                    "-m",
                    "nps_warehouse.benchmark",
                    "cube",
                    json.dumps({"target": engine, "output": str(cube_file)}),
                ],
                env=env,
                log=engine_dir / "cube.log",
            )
            cube = read_cube_file(cube_file) if cube_step.ok else None
            if engine == "duckdb":
                reference = cube
            results.setdefault(name, {})[engine] = {
                "steps": {step: asdict(measurement) for step, measurement in steps.items()},
                "cube_matches_duckdb": cube is not None and cube == reference,
                "incremental_over_full": ratio(steps["incremental_build"], steps["full_build"]),
                "incremental_over_full_with_loads": ratio(
                    chained(steps["incremental_load"], steps["incremental_build"]),
                    chained(steps["load"], steps["full_build"]),
                ),
            }
            if partitions_before is not None and steps["incremental_build"].ok:
                results[name][engine]["partitions"] = spark_partitions.compare(
                    partitions_before, spark_partitions.snapshot(engine_dir / "spark")
                )
        if "duckdb" not in engines:
            results[name].pop("duckdb", None)
    return results
