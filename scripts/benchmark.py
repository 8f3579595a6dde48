"""Benchmark the warehouse against the engine floor and pandas; write JSON and Markdown reports.

For each size (default 1M and 10M responses) it generates landing data with the project's
generator and the same responses as one Parquet file (both reused on later runs), then measures on
the same files: the whole warehouse's `dbt build` and `dbt run`, an incremental `dbt build` after
one more day, the core path (load + `dbt build --select +fct_nps_daily`) on the CSV and on the
Parquet responses, the engine floor (one hand-written DuckDB statement) and pandas on each format.
With --scaling it also builds the same new day incrementally on histories of the given sizes
(default 10M and 50M); with --core-sizes, the core path alone on the responses alone at the sizes
whose whole warehouse does not fit on one disk (a full build, then a new day, checked against the
floor); with --engines spark it lists the partitions the new day rewrote. The
report ends with the issue's targets: bound, measured value, met or missed.

Exit codes: 0 every step ran and every cube matched the warehouse's, 1 a step failed or a cube
differed, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.benchmark import (  # noqa: E402 (needs the sys.path entry above)
    benchmark_core_sizes,
    benchmark_engines,
    benchmark_scaling,
    benchmark_size,
    evaluate_targets,
    format_size,
    machine_info,
    measure_make_build,
    parse_size,
    render_markdown,
)


def _sizes(text: str) -> list[int]:
    try:
        return [parse_size(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmark.py",
        description=__doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  python scripts/benchmark.py                         # 1M and 10M\n"
            "  python scripts/benchmark.py --sizes 1M              # a quick run\n"
            "  python scripts/benchmark.py --sizes 100M --pandas-max-rows 0 --memory-limit 4GB\n"
            "  python scripts/benchmark.py --sizes 10M --scaling 10M,50M\n"
            "  python scripts/benchmark.py --core-sizes 100M --memory-limit 4GB  # target 5, core path\n"
            "  python scripts/benchmark.py --core-sizes 10M,50M      # target 4b on the core path\n"
            "  python scripts/benchmark.py --engines-only --engines duckdb,postgres,spark\n"
            "  python scripts/benchmark.py --engines-only --engines spark --engine-sizes demo\n"
            "  python scripts/benchmark.py --sizes 10M --measure-make-build --make-test-seconds 1500\n"
        ),
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=_sizes("1M,10M"), help="history sizes (default 1M,10M)"
    )
    parser.add_argument(
        "--scaling",
        type=_sizes,
        nargs="?",
        const=_sizes("10M,50M"),
        default=None,
        help="also time the same new day on these history sizes (default when given: 10M,50M)",
    )
    parser.add_argument(
        "--core-sizes",
        type=_sizes,
        default=None,
        help="the core path alone (responses only, as Parquet) on histories of these sizes: a full build, "
        "then the same new day (1/365 of the smallest), its cube checked against the floor; with "
        "--sizes '' it runs alone",
    )
    parser.add_argument(
        "--work-dir", type=Path, default=REPO_ROOT / "bench", help="data and warehouses (default bench/)"
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="where benchmark.json and benchmark.md go (default <work-dir>/results)",
    )
    parser.add_argument(
        "--pandas-max-rows",
        type=parse_size,
        default=parse_size("10M"),
        help="skip pandas above this size: it holds everything in memory (default 10M)",
    )
    parser.add_argument(
        "--engines",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=None,
        help="also build on these engines (duckdb,postgres,spark), DuckDB first as the reference",
    )
    parser.add_argument(
        "--engine-sizes",
        type=lambda text: [
            name if name.strip() == "demo" else parse_size(name) for name in text.split(",") if name.strip()
        ],
        default=["demo", 1_000_000],
        help="data of the engine comparison: demo and/or history sizes (default demo,1M)",
    )
    parser.add_argument(
        "--engines-only", action="store_true", help="run only the engine comparison (no --sizes steps)"
    )
    parser.add_argument(
        "--memory-limit",
        default="3GB",
        help="DuckDB memory_limit for dbt, the floor and the Parquet writing (default 3GB; the 100M "
        "target is stated at 4GB)",
    )
    parser.add_argument("--threads", default="", help="DuckDB threads (default all cores)")
    parser.add_argument(
        "--dbt-threads",
        default="",
        help="dbt threads, NPS_DBT_THREADS (default: that variable, else the DuckDB profile's 1)",
    )
    parser.add_argument(
        "--skip",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=[],
        help="steps no target reads, left out to save time: dbt_run (models only), comment_models "
        "(the comment models rebuilt alone; their share is in the full build's run_results)",
    )
    parser.add_argument(
        "--measure-make-build",
        action="store_true",
        help="time `make build` on the demo data into a new warehouse under the work dir (target 7)",
    )
    parser.add_argument(
        "--make-build-seconds",
        type=float,
        default=None,
        help="a `make build` time measured elsewhere, for target 7 (instead of --measure-make-build)",
    )
    parser.add_argument(
        "--make-test-seconds",
        type=float,
        default=None,
        help="a `make test` time measured elsewhere, for target 7 (the benchmark does not run it)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    unknown = sorted(set(args.engines or []) - {"duckdb", "postgres", "spark"})
    if unknown:
        print(f"error: unknown engine(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.measure_make_build and args.make_build_seconds is not None:
        print("error: --measure-make-build or --make-build-seconds, not both", file=sys.stderr)
        return 2
    work = args.work_dir.resolve()
    output = (args.output_dir or work / "results").resolve()
    output.mkdir(parents=True, exist_ok=True)
    settings = {"NPS_DUCKDB_MEMORY_LIMIT": args.memory_limit}
    if args.threads:
        settings["NPS_DUCKDB_THREADS"] = args.threads
    dbt_threads = args.dbt_threads or os.environ.get("NPS_DBT_THREADS", "")
    if dbt_threads:
        settings["NPS_DBT_THREADS"] = dbt_threads

    def progress(message: str) -> None:
        print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)

    report: dict = {"machine": machine_info(settings), "sizes": []}
    for rows in [] if args.engines_only else args.sizes:
        result = benchmark_size(
            rows,
            work,
            settings=settings,
            pandas_max_rows=args.pandas_max_rows,
            progress=progress,
            skip=args.skip,
        )
        report["sizes"].append(result.__dict__)
    if args.scaling:
        report["scaling"] = benchmark_scaling(args.scaling, work, settings=settings, progress=progress)
    if args.core_sizes:
        report["core_sizes"] = benchmark_core_sizes(
            args.core_sizes, work, settings=settings, progress=progress
        )

    if args.engines:
        report["engines"] = benchmark_engines(
            args.engines, args.engine_sizes, work, settings=settings, progress=progress
        )

    make: dict = {}
    if args.make_test_seconds is not None:
        make.update(test_seconds=args.make_test_seconds, test_source="given")
    if args.make_build_seconds is not None:
        make.update(build_seconds=args.make_build_seconds, build_source="given")
    if args.measure_make_build:
        progress("make build on the demo data, into a new warehouse")
        build = measure_make_build(work)
        make.update(build_measurement=build.__dict__, build_source="measured")
        if build.ok:
            make["build_seconds"] = build.seconds
    report["make"] = make
    report["targets"] = evaluate_targets(report)

    markdown = render_markdown(report)
    (output / "benchmark.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (output / "benchmark.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"Wrote {output / 'benchmark.json'} and {output / 'benchmark.md'}", file=sys.stderr)

    failed = [
        f"{format_size(size['rows'])} {name}"
        for size in report["sizes"]
        for name, step in size["steps"].items()
        if not step["ok"]
    ] + [
        f"{format_size(size['rows'])} {name}"
        for size in report["sizes"]
        for name, matched in size["checks"].items()
        if matched is False
    ]
    if args.engines:
        failed += [
            f"{data} {engine} {name}"
            for data, per_engine in report["engines"].items()
            for engine, run in per_engine.items()
            for name, step in run["steps"].items()
            if not step["ok"]
        ] + [
            f"{data} {engine} cube"
            for data, per_engine in report["engines"].items()
            for engine, run in per_engine.items()
            if not run["cube_matches_duckdb"]
        ]
    if args.measure_make_build and not make["build_measurement"]["ok"]:
        failed.append("make build")
    if args.scaling:
        failed += [
            f"scaling {name}"
            for name, run in report["scaling"]["runs"].items()
            if not (run["incremental_build"]["ok"] and run["history_full_build"]["ok"])
        ]
    if args.core_sizes:
        failed += [
            f"core {name} {step_name}"
            for name, run in report["core_sizes"]["runs"].items()
            for step_name, step in run["steps"].items()
            if not step["ok"]
        ] + [
            f"core {name} cube"
            for name, run in report["core_sizes"]["runs"].items()
            if run["cube_matches_floor"] is not True
        ]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
