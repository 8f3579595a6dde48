"""Where a dbt invocation's time went: each node's share of the summed execution time, from the
``run_results.json`` that invocation wrote (copied away before the next one overwrites it)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

#: How many of the slowest nodes a report lists.
TOP_NODES = 15
_TEST_HASH = re.compile(r"\.[0-9a-f]{10}$")


def keep_run_results(target: Path, destination: Path) -> Path | None:
    """Copy ``target/run_results.json`` to ``destination`` (None when the invocation wrote none)."""
    source = target / "run_results.json"
    if not source.exists():
        return None
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    return destination


def node_name(unique_id: str) -> tuple[str, str]:
    """(resource type, name) of a node's unique_id: ``model.nps_warehouse.fct_nps_daily`` ->
    (``model``, ``fct_nps_daily``); a data test's trailing hash is dropped."""
    parts = unique_id.split(".")
    name = _TEST_HASH.sub("", ".".join(parts[2:])) if len(parts) > 2 else unique_id
    return parts[0], name


def node_shares(run_results: dict[str, Any], top: int = TOP_NODES) -> dict[str, Any]:
    """The totals per resource type (models, tests, seeds, unit tests) and the ``top`` slowest
    nodes, each with its share of the summed execution time (with several dbt threads the sum
    exceeds the wall time: shares say where the work went, not what the wall time would lose)."""
    nodes = []
    for result in run_results.get("results", []):
        resource_type, name = node_name(result["unique_id"])
        nodes.append(
            {
                "resource_type": resource_type,
                "name": name,
                "status": result.get("status"),
                "seconds": float(result.get("execution_time") or 0.0),
            }
        )
    total = sum(node["seconds"] for node in nodes)

    def share(seconds: float) -> float:
        return round(seconds / total, 4) if total else 0.0

    by_type: dict[str, dict[str, Any]] = {}
    for node in nodes:
        entry = by_type.setdefault(node["resource_type"], {"nodes": 0, "seconds": 0.0})
        entry["nodes"] += 1
        entry["seconds"] += node["seconds"]
    for entry in by_type.values():
        entry["seconds"] = round(entry["seconds"], 2)
        entry["share"] = share(entry["seconds"])
    slowest = sorted(nodes, key=lambda node: node["seconds"], reverse=True)[:top]
    return {
        "elapsed_seconds": round(float(run_results.get("elapsed_time") or 0.0), 2),
        "summed_seconds": round(total, 2),
        "nodes": len(nodes),
        "by_type": dict(sorted(by_type.items(), key=lambda item: item[1]["seconds"], reverse=True)),
        "top": [
            {**node, "seconds": round(node["seconds"], 2), "share": share(node["seconds"])}
            for node in slowest
        ],
    }


def read_node_shares(path: Path | None, top: int = TOP_NODES) -> dict[str, Any] | None:
    if path is None or not path.exists():
        return None
    return node_shares(json.loads(path.read_text(encoding="utf-8")), top)
