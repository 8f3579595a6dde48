"""``python -m nps_warehouse.benchmark floor|pandas|cube '<json arguments>'``: one step in its
own process, so that its time and memory are its own."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .baselines import run_floor, run_pandas, write_cube
from .engines import read_engine_cube


def _main_step(argv: Sequence[str]) -> int:
    """``python -m nps_warehouse.benchmark floor|pandas|cube '<json arguments>'`` (one step)."""
    function, arguments = argv[0], json.loads(argv[1])
    files = [Path(path) for path in arguments.get("files", [])]
    output = Path(arguments["output"])
    if function == "cube":
        write_cube(output, read_engine_cube(arguments["target"]))
    elif function == "floor":
        run_floor(files, output, arguments["memory_limit"], arguments["threads"])
    elif function == "pandas":
        run_pandas(files, output)
    else:
        raise SystemExit(f"unknown step {function!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main_step(sys.argv[1:]))
