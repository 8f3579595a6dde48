"""A BI reader of the publication, run as its own process by test_publication.py:

    python tests/python/publication_reader.py DIRECTORY STEM STOP_FILE

It opens the published DuckDB file read-only and reads every mart, then the current Parquet
set, in a loop, checking each against its manifest. It prints ``ready`` after its first read,
and once STOP_FILE exists (after one last read, which sees the publication made before it),
one JSON line: the reads, the publication ids seen and the errors met."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from nps_warehouse.publication import PublicationPaths, verify_duckdb, verify_parquet


def read_in_a_loop(directory: Path, stem: str, stop_file: Path, pause: float = 0.02) -> dict:
    paths = PublicationPaths(directory, stem)
    duckdb_ids: Counter[str] = Counter()
    parquet_ids: Counter[str] = Counter()
    errors: list[str] = []
    iterations = 0
    while True:
        last = stop_file.exists()
        try:
            # a new connection each time (and none left open): each read sees the file that is
            # in place when it opens, and must find it whole
            duckdb_ids[verify_duckdb(paths.duckdb)] += 1
            parquet_ids[verify_parquet(paths)] += 1
        except Exception as exc:  # every failure is the finding, whatever its type
            errors.append(f"{type(exc).__name__}: {exc}")
        iterations += 1
        if iterations == 1:
            print("ready", flush=True)
        if last:
            break
        time.sleep(pause)
    return {
        "iterations": iterations,
        "duckdb_ids": dict(duckdb_ids),
        "parquet_ids": dict(parquet_ids),
        "errors": errors[:10],
    }


if __name__ == "__main__":
    directory, stem, stop_file = sys.argv[1:4]
    print(json.dumps(read_in_a_loop(Path(directory), stem, Path(stop_file))), flush=True)
