"""Validate the published marts with Great Expectations.

Reads every mart of the target's warehouse (NPS_TARGET: the DuckDB file read-only, PostgreSQL
or Spark), runs the Great Expectations suite of nps_warehouse.quality and prints a readable
report.

Empty marts (no accepted response) fail unless --allow-empty says that is expected.

Exit codes: 0 all expectations passed, 1 at least one failed, 2 the warehouse or a mart is
missing (run `make build`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.quality import (  # noqa: E402 (needs the sys.path entry above)
    DEFAULT_DUCKDB_PATH,
    MART_COLUMNS,
    WarehouseUnavailableError,
    render_text_report,
    validate_warehouse,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNAVAILABLE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="validate_marts.py",
        description=(
            "Run the Great Expectations suite over the marts of the NPS warehouse (DuckDB, "
            "PostgreSQL or Spark) and print a PASS/FAIL report per mart and expectation."
        ),
        epilog=(
            "Exit codes: 0 all expectations passed; 1 at least one expectation failed; "
            "2 the warehouse or a mart is missing (run `make build`)."
        ),
    )
    parser.add_argument(
        "--target",
        default=os.environ.get("NPS_TARGET") or "duckdb",
        choices=["duckdb", "postgres", "spark"],
        help="dbt target whose marts to validate (default: $NPS_TARGET, else duckdb)",
    )
    parser.add_argument(
        "--duckdb-path",
        default=os.environ.get("NPS_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH,
        help=f"DuckDB warehouse file, target duckdb (default: $NPS_DUCKDB_PATH, else {DEFAULT_DUCKDB_PATH})",
    )
    parser.add_argument(
        "--json-report",
        metavar="PATH",
        help="also write a JSON summary of every result to PATH",
    )
    parser.add_argument(
        "--mart",
        action="append",
        choices=list(MART_COLUMNS),
        metavar="NAME",
        help="validate only this mart (repeatable; default: all marts)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="pass on empty marts (no response expected yet); by default an empty mart fails",
    )
    parser.add_argument(
        "--failures-only",
        action="store_true",
        help="list only the failed expectations (each mart keeps its summary line)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        report = validate_warehouse(
            args.duckdb_path if args.target == "duckdb" else None,
            marts=args.mart,
            target=args.target,
            allow_empty=args.allow_empty,
        )
    except WarehouseUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(render_text_report(report, show_passed=not args.failures_only))
    if args.json_report:
        target = Path(args.json_report)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"JSON report written to {target}")
    return EXIT_OK if report.success else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
