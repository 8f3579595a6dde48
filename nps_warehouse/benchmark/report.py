"""The Markdown report of a run: the steps, the ratios and checks, where dbt's time went, the
scaling, the core path at the largest sizes, the engines (with Spark's rewritten partitions), and
the issue's targets."""

from __future__ import annotations

from typing import Any

from .common import format_size
from .targets import evaluate_targets

STEP_LABELS = {
    "full_load": "load of every file (the landing loader)",
    "full_build": "whole warehouse: load + `dbt build` (models + tests)",
    "comment_models": "the comment models and their tests alone, rebuilt on the full build",
    "dbt_run": "full `dbt run` (models only, files loaded)",
    "incremental_load": "load of one more day",
    "incremental_build": "incremental build: load + `dbt build`, one more day",
    "core_csv": "core path, CSV: load + `dbt build --select +fct_nps_daily`",
    "core_csv_load": "core path, CSV: load of the responses",
    "core_csv_dbt": "core path, CSV: `dbt build --select +fct_nps_daily`",
    "core_parquet": "core path, Parquet: load + `dbt build --select +fct_nps_daily`",
    "core_parquet_load": "core path, Parquet: load of the responses",
    "core_parquet_dbt": "core path, Parquet: `dbt build --select +fct_nps_daily`",
    "floor": "engine floor on CSV (one DuckDB statement)",
    "floor_parquet": "engine floor on Parquet (one DuckDB statement)",
    "pandas": "pandas on CSV",
    "pandas_parquet": "pandas on Parquet",
}
RATIO_LABELS = {
    "core_csv_over_floor": "core CSV / floor CSV",
    "core_parquet_over_floor_parquet": "core Parquet / floor Parquet",
    "full_over_core_csv": "whole / core CSV",
    "pandas_over_core_csv": "pandas CSV / core CSV",
    "pandas_parquet_over_core_parquet": "pandas Parquet / core Parquet",
    "incremental_over_full": "incremental / whole",
    "full_over_floor": "whole / floor CSV",
    "comment_models_over_full": "comment models / whole",
}
CHECK_LABELS = {
    "core_csv_matches_marts": "core CSV",
    "core_parquet_matches_marts": "core Parquet",
    "floor_matches_marts": "floor CSV",
    "floor_parquet_matches_marts": "floor Parquet",
    "pandas_matches_marts": "pandas CSV",
    "pandas_parquet_matches_marts": "pandas Parquet",
}
INVOCATION_LABELS = {
    "full_build": "whole warehouse (`dbt build --full-refresh`)",
    "incremental_build": "incremental day (`dbt build`)",
    "core_csv": "core path on CSV",
    "core_parquet": "core path on Parquet",
}
MARKS = {True: "yes", False: "**no**", None: "not run"}


def _cell(step: dict[str, Any] | None, key: str) -> str:
    if not step:
        return "not run"
    if not step["ok"]:
        return f"failed ({step['detail']})"
    return f"{step[key]:,.1f}"


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _machine(machine: dict[str, Any]) -> str:
    return (
        f"Benchmark of {machine['date']} on {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gb']} GB RAM, {machine['os']}); Python {machine['python']}, DuckDB "
        f"{machine['duckdb']}, dbt-core {machine['dbt_core']}; DuckDB memory_limit "
        f"{machine['duckdb_memory_limit']}, threads {machine['duckdb_threads']}; dbt threads "
        f"{machine.get('dbt_threads', 'the profile default')}."
    )


def _steps(report: dict[str, Any]) -> list[str]:
    lines = ["| history | step | wall time (s) | peak RSS (MB) |", "| --- | --- | ---: | ---: |"]
    for size in report["sizes"]:
        name = format_size(size["rows"])
        for step, label in STEP_LABELS.items():
            entry = size["steps"].get(step)
            if entry is None and step not in ("pandas", "pandas_parquet", "full_build", "floor"):
                continue
            lines.append(f"| {name} | {label} | {_cell(entry, 'seconds')} | {_cell(entry, 'peak_rss_mb')} |")
    return lines


def _ratios(report: dict[str, Any]) -> list[str]:
    lines = [
        "| history | " + " | ".join(RATIO_LABELS.values()) + " |",
        "| --- |" + " ---: |" * len(RATIO_LABELS),
    ]
    for size in report["sizes"]:
        cells = [_fmt_ratio(size["ratios"].get(key)) for key in RATIO_LABELS]
        lines.append(f"| {format_size(size['rows'])} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Cube = the warehouse's `fct_nps_daily` (the core path's against the whole build's, each "
        "baseline against the core path on its format):",
        "",
        "| history | " + " | ".join(CHECK_LABELS.values()) + " |",
        "| --- |" + " :---: |" * len(CHECK_LABELS),
    ]
    for size in report["sizes"]:
        cells = [MARKS[size["checks"].get(key)] for key in CHECK_LABELS]
        lines.append(f"| {format_size(size['rows'])} | " + " | ".join(cells) + " |")
    return lines


def render_node_shares(title: str, shares: dict[str, Any]) -> list[str]:
    """One dbt invocation: totals per resource type, then its slowest nodes."""
    lines = [
        f"**{title}**: {shares['nodes']} nodes, {shares['summed_seconds']:,.1f} s of summed execution "
        f"time ({shares['elapsed_seconds']:,.1f} s elapsed).",
        "",
        "| resource type | nodes | seconds | share |",
        "| --- | ---: | ---: | ---: |",
    ]
    for resource_type, entry in shares["by_type"].items():
        lines.append(
            f"| {resource_type} | {entry['nodes']} | {entry['seconds']:,.1f} | {entry['share']:.1%} |"
        )
    lines += ["", "| slowest nodes | type | seconds | share |", "| --- | --- | ---: | ---: |"]
    for node in shares["top"]:
        lines.append(
            f"| `{node['name']}` | {node['resource_type']} | {node['seconds']:,.2f} | {node['share']:.1%} |"
        )
    return lines


def _where_time_goes(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for size in report["sizes"]:
        for invocation, shares in (size.get("node_shares") or {}).items():
            if shares:
                title = f"{format_size(size['rows'])}, {INVOCATION_LABELS.get(invocation, invocation)}"
                lines += ["", *render_node_shares(title, shares)]
    return lines


def _scaling(scaling: dict[str, Any]) -> list[str]:
    lines = [
        f"Incremental build of the same new day ({scaling['new_day_rows']:,} responses) on each history:",
        "",
        "| history | incremental build: load + `dbt build` (s) | peak RSS (MB) "
        "| full build of the history (s) | its peak RSS (MB) | incremental / full |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, run in scaling["runs"].items():
        incremental, setup = run["incremental_build"], run["history_full_build"]
        ratio = (
            incremental["seconds"] / setup["seconds"]
            if incremental["ok"] and setup["ok"] and setup["seconds"]
            else None
        )
        lines.append(
            f"| {name} | {_cell(incremental, 'seconds')} | {_cell(incremental, 'peak_rss_mb')} "
            f"| {_cell(setup, 'seconds')} | {_cell(setup, 'peak_rss_mb')} | {_fmt_ratio(ratio)} |"
        )
    return [*lines, "", f"Largest over smallest history: {_fmt_ratio(scaling['largest_over_smallest'])}."]


def _core_sizes(core: dict[str, Any]) -> list[str]:
    lines = [
        "The core path alone (`dbt build --select +fct_nps_daily`, models and their tests) on the "
        f"responses alone, as Parquet: a full build, then the same new day ({core['new_day_rows']:,} "
        "responses), its cube checked against the engine floor on the same files:",
        "",
        "| history | full: load + `dbt build` (s) | its peak RSS (MB) | new day: load + `dbt build` (s) "
        "| its peak RSS (MB) | new day / full | cube = floor's |",
        "| --- | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    for name, run in core["runs"].items():
        full, day = run["steps"].get("full_build"), run["steps"].get("incremental_build")
        ratio = day["seconds"] / full["seconds"] if full and day and full["ok"] and day["ok"] else None
        matches = {True: "yes", False: "**no**", None: "not checked"}[run["cube_matches_floor"]]
        lines.append(
            f"| {name} | {_cell(full, 'seconds')} | {_cell(full, 'peak_rss_mb')} | {_cell(day, 'seconds')} "
            f"| {_cell(day, 'peak_rss_mb')} | {_fmt_ratio(ratio)} | {matches} |"
        )
    if core["largest_over_smallest"] is not None:
        lines += ["", f"New day, largest over smallest history: {_fmt_ratio(core['largest_over_smallest'])}."]
    for name, run in core["runs"].items():
        for invocation, shares in (run.get("node_shares") or {}).items():
            if shares:
                title = f"core path {name}, {INVOCATION_LABELS.get(invocation, invocation)}"
                lines += ["", *render_node_shares(title, shares)]
    return lines


def _engines(engines: dict[str, Any]) -> list[str]:
    lines = [
        "Each engine (full build on the data, then one more day incrementally; load = the landing "
        "loader, then `dbt build`):",
        "",
        "| data | engine | load (s) | full `dbt build` (s) | its peak RSS (MB) | incremental load (s) "
        "| incremental `dbt build` (s) | incremental / full | cube = DuckDB's |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    partitions = []
    for data, per_engine in engines.items():
        for engine, run in per_engine.items():
            steps = run["steps"]
            lines.append(
                f"| {data} | {engine} | {_cell(steps.get('load'), 'seconds')} "
                f"| {_cell(steps.get('full_build'), 'seconds')} "
                f"| {_cell(steps.get('full_build'), 'peak_rss_mb')} "
                f"| {_cell(steps.get('incremental_load'), 'seconds')} "
                f"| {_cell(steps.get('incremental_build'), 'seconds')} "
                f"| {_fmt_ratio(run.get('incremental_over_full'))} "
                f"| {'yes' if run['cube_matches_duckdb'] else '**no**'} |"
            )
            if run.get("partitions"):
                partitions.append((data, engine, run["partitions"]))
    for data, engine, tables in partitions:
        lines += [
            "",
            f"Partitions the incremental day rewrote on {engine} ({data}): a partition is rewritten "
            "when its Parquet files changed, its rows changed when its row count or row hashes did.",
            "",
            "| table | partitions | rewritten | share rewritten | rows changed | rewritten, rows unchanged "
            "| rows changed, not rewritten |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for table, entry in tables.items():
            share = "n/a" if entry["share_rewritten"] is None else f"{entry['share_rewritten']:.1%}"
            lines.append(
                f"| `{table}` | {entry['partitions']} | {entry['rewritten']} | {share} "
                f"| {entry['rows_changed']} | {entry['rewritten_unchanged']} "
                f"| {entry['changed_not_rewritten']} |"
            )
        unchanged = {
            table: entry["examples_rewritten_unchanged"]
            for table, entry in tables.items()
            if entry.get("examples_rewritten_unchanged")
        }
        if unchanged:
            lines += [
                "",
                "Rewritten although their rows did not change (up to five each): "
                + "; ".join(f"`{table}` {', '.join(names)}" for table, names in unchanged.items())
                + ".",
            ]
    return lines


def render_targets(targets: list[dict[str, Any]]) -> list[str]:
    lines = ["| # | target | bound | measured | result |", "| --- | --- | --- | --- | --- |"]
    for row in targets:
        status = row["status"]
        if status.startswith("missed"):
            status = f"**{status}**"
        lines.append(f"| {row['number']} | {row['target']} | {row['bound']} | {row['measured']} | {status} |")
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    lines = [_machine(report["machine"])]
    if report["sizes"]:
        lines += ["", *_steps(report), "", *_ratios(report)]
    make = report.get("make") or {}
    if make.get("build_measurement"):
        build = make["build_measurement"]
        lines += [
            "",
            f"`make build` on the demo data, into a new warehouse: {_cell(build, 'seconds')} s, "
            f"peak RSS {_cell(build, 'peak_rss_mb')} MB.",
        ]
    if report.get("scaling"):
        lines += ["", *_scaling(report["scaling"])]
    if report.get("core_sizes"):
        lines += ["", *_core_sizes(report["core_sizes"])]
    if report.get("engines"):
        lines += ["", *_engines(report["engines"])]
    shares = _where_time_goes(report)
    if shares:
        lines += [
            "",
            "### Where dbt's time went",
            "",
            "Each node's `execution_time` from the invocation's `run_results.json`; shares are of the "
            "summed execution time (with several dbt threads it exceeds the elapsed time).",
            *shares,
        ]
    lines += ["", "### Targets", "", *render_targets(report.get("targets") or evaluate_targets(report))]
    return "\n".join(lines) + "\n"
