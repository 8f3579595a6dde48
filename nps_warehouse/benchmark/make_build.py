"""Target 7's `make build`: the project's own command on the demo data, timed as a user runs it,
into a new DuckDB warehouse under the benchmark's folder (NPS_DUCKDB_PATH) and a dashboard there
too (REPORT_OUT); the lineage site goes to the project's target/ as `make build` always writes it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .measuring import Measurement, measure

#: What would point `make build` at other data than the demo's.
_LANDING_VARIABLES = ("NPS_RAW_", "NPS_LANDING_CONFIG")


def make_build_command(directory: Path) -> list[str]:
    return ["make", "--no-print-directory", "build", f"REPORT_OUT={directory / 'nps_dashboard.html'}"]


def make_build_env(directory: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_LANDING_VARIABLES)}
    env.update({"NPS_TARGET": "duckdb", "NPS_DUCKDB_PATH": str(directory / "nps.duckdb")})
    return env


def measure_make_build(work: Path) -> Measurement:
    """`make build` from a new warehouse (the folder is emptied first)."""
    directory = work / "make_build"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return measure(
        make_build_command(directory), env=make_build_env(directory), log=directory / "make_build.log"
    )
