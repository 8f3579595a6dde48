"""The Markdown report of a run."""

from __future__ import annotations

from typing import Any

from .common import format_size


def _cell(step: dict[str, Any] | None, key: str) -> str:
    if not step:
        return "not run"
    if not step["ok"]:
        return f"failed ({step['detail']})"
    return f"{step[key]:,.1f}"


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def render_markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = [
        f"Benchmark of {machine['date']} on {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gb']} GB RAM, {machine['os']}); Python {machine['python']}, DuckDB "
        f"{machine['duckdb']}, dbt-core {machine['dbt_core']}; DuckDB memory_limit "
        f"{machine['duckdb_memory_limit']}, threads {machine['duckdb_threads']}.",
        "",
        "| history | step | wall time (s) | peak RSS (MB) |",
        "| --- | --- | ---: | ---: |",
    ]
    labels = {
        "full_load": "load of every file (the landing loader)",
        "full_build": "full build: load + `dbt build` (models + tests)",
        "comment_models": "the comment models and their tests alone, rebuilt on the full build",
        "dbt_run": "full `dbt run` (models only, files loaded)",
        "incremental_load": "load of one more day",
        "incremental_build": "incremental build: load + `dbt build`, one more day",
        "floor": "engine floor (one DuckDB statement)",
        "pandas": "pandas",
    }
    for size in report["sizes"]:
        name = format_size(size["rows"])
        for step, label in labels.items():
            entry = size["steps"].get(step)
            lines.append(f"| {name} | {label} | {_cell(entry, 'seconds')} | {_cell(entry, 'peak_rss_mb')} |")
    lines += [
        "",
        "| history | full / floor | incremental / full | pandas / full | pandas / incremental "
        "| comment models / full | floor cube = marts | pandas cube = marts |",
        "| --- | ---: | ---: | ---: | ---: | ---: | :---: | :---: |",
    ]
    for size in report["sizes"]:
        ratios, checks = size["ratios"], size["checks"]
        marks = {True: "yes", False: "**no**", None: "not run"}
        lines.append(
            f"| {format_size(size['rows'])} | {_fmt_ratio(ratios['full_over_floor'])} | "
            f"{_fmt_ratio(ratios['incremental_over_full'])} | {_fmt_ratio(ratios['pandas_over_full'])} | "
            f"{_fmt_ratio(ratios['pandas_over_incremental'])} | "
            f"{_fmt_ratio(ratios.get('comment_models_over_full'))} | "
            f"{marks[checks.get('floor_matches_marts')]} | {marks[checks.get('pandas_matches_marts')]} |"
        )
    scaling = report.get("scaling")
    if scaling:
        lines += [
            "",
            f"Incremental build of the same new day ({scaling['new_day_rows']:,} responses) on each history:",
            "",
            "| history | incremental build: load + `dbt build` (s) | peak RSS (MB) "
            "| full build of the history (s) | its peak RSS (MB) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, run in scaling["runs"].items():
            incremental, setup = run["incremental_build"], run["history_full_build"]
            lines.append(
                f"| {name} | {_cell(incremental, 'seconds')} | {_cell(incremental, 'peak_rss_mb')} "
                f"| {_cell(setup, 'seconds')} | {_cell(setup, 'peak_rss_mb')} |"
            )
        lines += ["", f"Largest over smallest history: {_fmt_ratio(scaling['largest_over_smallest'])}."]
    engines = report.get("engines")
    if engines:
        lines += [
            "",
            "Each engine (full build on the data, then one more day incrementally; load = the landing "
            "loader, then `dbt build`):",
            "",
            "| data | engine | load (s) | full `dbt build` (s) | its peak RSS (MB) | incremental load (s) "
            "| incremental `dbt build` (s) | cube = DuckDB's |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: |",
        ]
        for data, per_engine in engines.items():
            for engine, run in per_engine.items():
                steps = run["steps"]
                lines.append(
                    f"| {data} | {engine} | {_cell(steps.get('load'), 'seconds')} "
                    f"| {_cell(steps.get('full_build'), 'seconds')} "
                    f"| {_cell(steps.get('full_build'), 'peak_rss_mb')} "
                    f"| {_cell(steps.get('incremental_load'), 'seconds')} "
                    f"| {_cell(steps.get('incremental_build'), 'seconds')} "
                    f"| {'yes' if run['cube_matches_duckdb'] else '**no**'} |"
                )
    return "\n".join(lines) + "\n"
