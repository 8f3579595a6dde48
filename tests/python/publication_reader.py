"""A BI reader of the publication, run in its own process by test_publication.py: it opens the
published DuckDB file read-only and reads every mart, then the current Parquet set, in a loop,
checking each against its manifest, until told to stop."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from nps_warehouse.publication import PublicationPaths, verify_duckdb, verify_parquet


def read_in_a_loop(directory: str, stem: str, stop: Any, results: Any, pause: float = 0.02) -> None:
    """Put {"iterations", "duckdb_ids", "parquet_ids", "errors"} on ``results`` once ``stop`` is
    set (after one last read, which sees the publication made before it was set)."""
    paths = PublicationPaths(Path(directory), stem)
    duckdb_ids: Counter[str] = Counter()
    parquet_ids: Counter[str] = Counter()
    errors: list[str] = []
    iterations = 0
    while True:
        last = stop.is_set()
        try:
            # a new connection each time (and none left open): each read sees the file that is
            # in place when it opens, and must find it whole
            duckdb_ids[verify_duckdb(paths.duckdb)] += 1
            parquet_ids[verify_parquet(paths)] += 1
        except Exception as exc:  # every failure is the finding, whatever its type
            errors.append(f"{type(exc).__name__}: {exc}")
        iterations += 1
        if last:
            break
        time.sleep(pause)
    results.put(
        {
            "iterations": iterations,
            "duckdb_ids": dict(duckdb_ids),
            "parquet_ids": dict(parquet_ids),
            "errors": errors[:10],
        }
    )
