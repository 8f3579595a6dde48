"""What an incremental build rewrites on Spark: the Parquet files of each partitioned table, and the
rows of each partition, before and after it.

A partition is *rewritten* when its files changed (a file added, removed, or written again: its
name, size or modification time differ); its *rows changed* when its row count or the sum of its
rows' hashes differ (read with DuckDB). The issue's bound: an incremental day rewrites only the
partitions whose rows changed, not most of the history.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

_PARTITION = re.compile(r"^[^=/]+=[^/]*$")


def _data_file(name: str) -> bool:
    return not name.startswith((".", "_"))


def list_partition_files(warehouse: Path) -> dict[str, dict[str, dict[str, list[int]]]]:
    """For each partitioned table under the Spark warehouse folder (relative path of its folder),
    each partition (``response_date=2026-01-01``) and its data files: {file: [size, mtime_ns]}."""
    tables: dict[str, dict[str, dict[str, list[int]]]] = {}
    if not warehouse.is_dir():
        return tables
    for folder, children, names in os.walk(warehouse):
        children[:] = sorted(child for child in children if not child.startswith("metastore_db"))
        relative = Path(folder).relative_to(warehouse)
        parts = relative.parts
        first = next((index for index, part in enumerate(parts) if _PARTITION.match(part)), None)
        if first is None or first == 0:
            continue
        table, partition = "/".join(parts[:first]), "/".join(parts[first:])
        files = tables.setdefault(table, {}).setdefault(partition, {})
        for name in names:
            if _data_file(name):
                status = os.stat(Path(folder) / name)
                files[name] = [status.st_size, status.st_mtime_ns]
    # a partition folder holding only sub-partitions is not a partition of its own
    return {
        table: {partition: files for partition, files in partitions.items() if files}
        for table, partitions in tables.items()
    }


def partition_fingerprints(warehouse: Path, table: str) -> dict[str, list[Any]]:
    """Each partition's row count and sum of row hashes, read with DuckDB from the table's files."""
    import duckdb

    files = str(warehouse / table / "**" / "*.parquet").replace("'", "''")
    connection = duckdb.connect()
    try:
        columns = [
            row[0]
            for row in connection.execute(
                f"describe select * from read_parquet('{files}', hive_partitioning = true)"
            ).fetchall()
        ]
        keys = [column for column in columns if column in _partition_keys(warehouse / table)]
        key_text = " || '/' || ".join(f"'{key}=' || coalesce(cast({key} as varchar), '')" for key in keys)
        rows = connection.execute(
            f"select {key_text} as partition, count(*), cast(sum(hash(t)) as varchar) "
            f"from read_parquet('{files}', hive_partitioning = true) as t group by all"
        ).fetchall()
    finally:
        connection.close()
    return {str(partition): [count, digest] for partition, count, digest in rows}


def _partition_keys(table: Path) -> list[str]:
    keys: list[str] = []
    folder = table
    while True:
        children = [child for child in folder.iterdir() if child.is_dir() and _PARTITION.match(child.name)]
        if not children:
            return keys
        keys.append(children[0].name.split("=", 1)[0])
        folder = children[0]


def snapshot(warehouse: Path) -> dict[str, Any]:
    """The files and the row fingerprints of every partitioned table."""
    files = list_partition_files(warehouse)
    return {
        "files": files,
        "rows": {table: partition_fingerprints(warehouse, table) for table in files},
    }


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per table: partitions in all (after), rewritten, with changed rows, and rewritten although
    their rows did not change (the bound says none)."""
    result = {}
    for table in sorted(set(before["files"]) | set(after["files"])):
        old_files, new_files = before["files"].get(table, {}), after["files"].get(table, {})
        old_rows, new_rows = before["rows"].get(table, {}), after["rows"].get(table, {})
        partitions = set(old_files) | set(new_files)
        rewritten = {
            partition for partition in partitions if old_files.get(partition) != new_files.get(partition)
        }
        changed = {
            partition
            for partition in set(old_rows) | set(new_rows)
            if old_rows.get(partition) != new_rows.get(partition)
        }
        total = len(new_files)
        result[table] = {
            "partitions": total,
            "partitions_before": len(old_files),
            "rewritten": len(rewritten),
            "rows_changed": len(changed),
            "rewritten_unchanged": len(rewritten - changed),
            "changed_not_rewritten": len(changed - rewritten),
            "share_rewritten": round(len(rewritten) / total, 4) if total else None,
            "examples_rewritten_unchanged": sorted(rewritten - changed)[:5],
        }
    return result
