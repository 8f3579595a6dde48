"""The issue's seven targets, evaluated on a run's report: bound, measured value, met or missed
(and by how much), or "not run" when the run did not measure it.

A target stated at a size (10M, 50M, 100M) is judged only at that size; measured on a smaller
history only, it is shown as indicative ("at 100k"), never as met.
"""

from __future__ import annotations

from typing import Any

from .common import format_size

TEN_M = 10_000_000
FIFTY_M = 50_000_000
HUNDRED_M = 100_000_000
#: Target 5's bound on the peak resident set size, in MB (2**20 bytes, as the steps report it).
PEAK_RSS_BOUND_MB = 5 * 1024
MAKE_TEST_BOUND_SECONDS = 30 * 60
MAKE_BUILD_BOUND_SECONDS = 2 * 60


def judge(value: float | None, bound: float, *, at_most: bool = True) -> tuple[str, bool | None]:
    """('met' or 'missed by 1.23x', met?) for a value against an upper (or a lower) bound."""
    if value is None:
        return "not run", None
    met = value <= bound if at_most else value > bound
    if met:
        return "met", True
    factor = value / bound if at_most else (bound / value if value else float("inf"))
    return f"missed by {factor:.2f}x", False


def _size_at(report: dict[str, Any], rows: int) -> tuple[dict[str, Any] | None, bool]:
    """The run's results at ``rows`` (exact: True), else at its largest size (indicative)."""
    sizes = report.get("sizes") or []
    for size in sizes:
        if size["rows"] == rows:
            return size, True
    smaller = [size for size in sizes if size["rows"] < rows]
    return (max(smaller, key=lambda size: size["rows"]) if smaller else None), False


def _row(
    number: str,
    target: str,
    bound: str,
    value: float | None,
    measured: str,
    size: str | None,
    exact: bool,
    verdict: str,
) -> dict[str, Any]:
    if value is None and not measured:
        return {
            "number": number,
            "target": target,
            "bound": bound,
            "measured": "not run",
            "status": "not run",
        }
    at = f" at {size}" if size else ""
    status = verdict if exact else f"indicative{at} ({verdict}); not run at the target's size"
    return {
        "number": number,
        "target": target,
        "bound": bound,
        "measured": f"{measured}{at}",
        "status": status,
    }


def _ratio_target(
    report: dict[str, Any], number: str, target: str, key: str, bound: float, *, at_most: bool = True
) -> dict[str, Any]:
    size, exact = _size_at(report, TEN_M)
    value = size["ratios"].get(key) if size else None
    verdict, _ = judge(value, bound, at_most=at_most)
    sign = "<=" if at_most else ">"
    return _row(
        number,
        target,
        f"{sign} {bound:g}x at 10M",
        value,
        f"{value:.2f}x" if value is not None else "",
        format_size(size["rows"]) if size and value is not None else None,
        exact,
        verdict,
    )


def evaluate_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [
        _ratio_target(report, "1a", "core path / floor, Parquet", "core_parquet_over_floor_parquet", 3),
        _ratio_target(report, "1b", "core path / floor, CSV", "core_csv_over_floor", 2),
        _ratio_target(report, "2", "whole warehouse / core path (CSV)", "full_over_core_csv", 2.5),
        _ratio_target(
            report, "3a", "pandas / core path, CSV (core faster)", "pandas_over_core_csv", 1, at_most=False
        ),
        _ratio_target(
            report,
            "3b",
            "pandas / core path, Parquet (core faster)",
            "pandas_parquet_over_core_parquet",
            1,
            at_most=False,
        ),
        _ratio_target(report, "4a", "incremental day / full build", "incremental_over_full", 0.10),
        _scaling_target(report),
        *_core_scaling_target(report),
        _hundred_million_target(report),
        *_core_hundred_million_target(report),
        _spark_target(report),
        *_make_targets(report),
    ]
    return rows


def _scaling_target(report: dict[str, Any]) -> dict[str, Any]:
    scaling = report.get("scaling")
    target, bound = "incremental day, 50M history / 10M history", "<= 1.3x"
    if not scaling or scaling.get("largest_over_smallest") is None:
        return _row("4b", target, bound, None, "", None, False, "")
    runs = list(scaling["runs"])
    value = scaling["largest_over_smallest"]
    verdict, _ = judge(value, 1.3)
    exact = runs[0] == format_size(TEN_M) and runs[-1] == format_size(FIFTY_M)
    return _row("4b", target, bound, value, f"{value:.2f}x", f"{runs[0]} -> {runs[-1]}", exact, verdict)


def _builds_within_memory(
    number: str,
    target: str,
    full: dict[str, Any] | None,
    day: dict[str, Any] | None,
    day_name: str,
    limit: str | None,
    cube_matches: bool | None = True,
) -> dict[str, Any]:
    """Target 5's row: a full build and a day that completed, their peak RSS under the bound,
    with memory_limit 4GB (and, when the run checked it, the day's cube equal to the floor's)."""
    bound = f"memory_limit 4GB, peak RSS < {PEAK_RSS_BOUND_MB:,} MB"
    peak = max((step["peak_rss_mb"] for step in (full, day) if step), default=None)
    measured = (
        f"full {full['seconds']:,.0f} s, {day_name} {day['seconds']:,.0f} s, "
        f"peak {peak:,.0f} MB, memory_limit {limit}"
        if full and day
        else "a step missing"
    )
    if not (full and day and full["ok"] and day["ok"]):
        verdict = "missed: a build failed"
    elif cube_matches is not True:
        verdict = "missed: the cube differs from the floor's"
    elif limit != "4GB":
        verdict = f"not comparable: memory_limit {limit}, not 4GB"
    else:
        verdict, _ = judge(peak, PEAK_RSS_BOUND_MB)
    return _row(number, target, bound, peak, measured, None, True, verdict)


def _hundred_million_target(report: dict[str, Any]) -> dict[str, Any]:
    target = "100M: full build and incremental day complete"
    size, exact = _size_at(report, HUNDRED_M)
    if not size or not exact:
        return _row(
            "5", target, f"memory_limit 4GB, peak RSS < {PEAK_RSS_BOUND_MB:,} MB", None, "", None, False, ""
        )
    return _builds_within_memory(
        "5",
        target,
        size["steps"].get("full_build"),
        size["steps"].get("incremental_build"),
        "incremental",
        report["machine"].get("duckdb_memory_limit"),
    )


def _core_scaling_target(report: dict[str, Any]) -> list[dict[str, Any]]:
    """4b on the core path (--core-sizes), when the run measured it on two histories."""
    core = report.get("core_sizes")
    if not core or core.get("largest_over_smallest") is None:
        return []
    runs = list(core["runs"])
    value = core["largest_over_smallest"]
    verdict, _ = judge(value, 1.3)
    exact = runs[0] == format_size(TEN_M) and runs[-1] == format_size(FIFTY_M)
    return [
        _row(
            "4b (core)",
            "core path alone: new day, 50M history / 10M history",
            "<= 1.3x",
            value,
            f"{value:.2f}x",
            f"{runs[0]} -> {runs[-1]}",
            exact,
            verdict,
        )
    ]


def _core_hundred_million_target(report: dict[str, Any]) -> list[dict[str, Any]]:
    """5 on the core path (--core-sizes 100M): the full build and the new day of the responses
    alone, with their peak memory; the day's cube must equal the floor's."""
    run = ((report.get("core_sizes") or {}).get("runs") or {}).get(format_size(HUNDRED_M))
    if not run:
        return []
    return [
        _builds_within_memory(
            "5 (core)",
            "100M, core path alone: full build and new day complete",
            run["steps"].get("full_build"),
            run["steps"].get("incremental_build"),
            "new day",
            report["machine"].get("duckdb_memory_limit"),
            run["cube_matches_floor"],
        )
    ]


def _spark_target(report: dict[str, Any]) -> dict[str, Any]:
    target = "Spark: incremental day rewrites only partitions whose rows changed"
    bound = "rewritten but unchanged partitions = 0"
    runs = [
        (data, per_engine["spark"])
        for data, per_engine in (report.get("engines") or {}).items()
        if per_engine.get("spark", {}).get("partitions")
    ]
    if not runs:
        return _row("6", target, bound, None, "", None, False, "")
    data, run = next(((data, run) for data, run in runs if data == format_size(1_000_000)), runs[-1])
    tables = run["partitions"]
    unchanged = sum(table["rewritten_unchanged"] for table in tables.values())
    shares = ", ".join(
        f"{name.split('/')[-1]} {table['rewritten']}/{table['partitions']} rewritten "
        f"({table['rows_changed']} changed)"
        for name, table in tables.items()
    )
    ratio = run.get("incremental_over_full")
    measured = f"{shares}; incremental / full {ratio:.2f}x" if ratio is not None else shares
    verdict = "met" if unchanged == 0 else f"missed: {unchanged} unchanged partitions rewritten"
    return _row("6", target, bound, float(unchanged), measured, data, True, verdict)


def _make_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    make = report.get("make") or {}
    rows = []
    for number, name, bound in (
        ("7a", "test", MAKE_TEST_BOUND_SECONDS),
        ("7b", "build", MAKE_BUILD_BOUND_SECONDS),
    ):
        value = make.get(f"{name}_seconds")
        source = make.get(f"{name}_source", "")
        verdict, _ = judge(value, bound)
        measured = f"{value:,.0f} s ({source})" if value is not None else ""
        rows.append(
            _row(
                number,
                f"`make {name}`" + (" on the demo" if name == "build" else ""),
                f"<= {bound // 60} min",
                value,
                measured,
                None,
                True,
                verdict,
            )
        )
    return rows
