"""``python -m nps_warehouse.benchmark floor|pandas|cube|generate|responses|parquet '<json arguments>'``:
one step in its own process, so that its time and memory are its own (and the data steps,
``generate``, ``responses`` and ``parquet``, never grow the benchmark's process)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from nps_warehouse.generator import generate_programme
from nps_warehouse.generator.responses import generate as generate_responses

from .baselines import run_floor, run_pandas, write_cube
from .data import write_responses_parquet
from .engines import read_engine_cube


def _main_step(argv: Sequence[str]) -> int:
    """``python -m nps_warehouse.benchmark floor|pandas|cube|generate|responses|parquet '<json arguments>'``
    (one step)."""
    function, arguments = argv[0], json.loads(argv[1])
    if function in ("generate", "responses"):
        output = Path(arguments.pop("output"))
        if "resubmit_from_range" in arguments:
            arguments["resubmit_from_range"] = tuple(arguments["resubmit_from_range"])
        (generate_programme if function == "generate" else generate_responses)(output, **arguments)
        return 0
    files = [Path(path) for path in arguments.get("files", [])]
    output = Path(arguments["output"])
    if function == "cube":
        write_cube(output, read_engine_cube(arguments["target"]))
    elif function == "floor":
        run_floor(
            files,
            output,
            arguments["memory_limit"],
            arguments["threads"],
            arguments.get("temp_directory"),
            arguments.get("buckets", 1),
        )
    elif function == "pandas":
        run_pandas(files, output)
    elif function == "parquet":
        write_responses_parquet(files, output, arguments["memory_limit"])
    else:
        raise SystemExit(f"unknown step {function!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main_step(sys.argv[1:]))
