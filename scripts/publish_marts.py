"""Publish the marts of the DuckDB warehouse for BI tools: a read-only copy a build never locks.

Copies the schema marts of the warehouse (NPS_DUCKDB_PATH, default warehouse/nps.duckdb) into
published/<name>.duckdb beside it and one Parquet file per mart under
published/<name>.parquet/current/, each swapped in atomically (nps_warehouse/publication.py).
`make build` runs it after a successful dbt build; --check verifies the current publication.

Exit codes: 0 published (or, with --check, consistent), 1 an I/O error or an inconsistent
publication, 2 invalid arguments or a target other than DuckDB, 3 the warehouse is missing or
locked, or the build failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.publication import (  # noqa: E402
    DEFAULT_KEEP_VERSIONS,
    PublicationError,
    publication_paths,
    publish,
    verify_publication,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="publish_marts.py",
        description="Publish the marts (schema marts only) of the DuckDB warehouse as a read-only "
        "DuckDB file and one Parquet file per mart, swapped in atomically.",
        epilog="example: python scripts/publish_marts.py --run-results target/run_results.json",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("NPS_DUCKDB_PATH", "warehouse/nps.duckdb")),
        help="the DuckDB warehouse (default: $NPS_DUCKDB_PATH, else warehouse/nps.duckdb)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ["NPS_PUBLISH_DIR"]) if os.environ.get("NPS_PUBLISH_DIR") else None,
        help="folder of the publication (default: $NPS_PUBLISH_DIR, else published/ beside the warehouse)",
    )
    parser.add_argument(
        "--run-results",
        type=Path,
        help="dbt's run_results.json of the build: a failed build is refused, its end time recorded",
    )
    parser.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP_VERSIONS,
        help=f"earlier Parquet versions kept for readers still on them (default {DEFAULT_KEEP_VERSIONS})",
    )
    parser.add_argument(
        "--check", action="store_true", help="verify the current publication, publish nothing"
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    target = os.environ.get("NPS_TARGET", "duckdb")
    if target != "duckdb":
        print(
            f"publish_marts: NPS_TARGET={target}: the publication copies a DuckDB warehouse. On "
            "PostgreSQL, BI tools read the schema marts directly (a build never blocks them; see the "
            "README, 'Publication for BI tools').",
            file=sys.stderr,
        )
        return 2
    if args.keep < 0:
        parser.error("--keep must be 0 or more")
    paths = publication_paths(args.warehouse, args.out)
    if args.check:
        try:
            duckdb_id, parquet_id = verify_publication(paths)
        except PublicationError as exc:
            print(f"publish_marts: {exc}", file=sys.stderr)
            return 1
        print(f"{paths.duckdb}: publication {duckdb_id}, consistent")
        print(f"{paths.parquet_current}: publication {parquet_id}, consistent")
        return 0
    progress = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
    try:
        paths, manifest = publish(
            args.warehouse, args.out, run_results=args.run_results, keep_versions=args.keep, progress=progress
        )
    except PublicationError as exc:
        print(f"publish_marts: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:
        print(f"publish_marts: cannot write the publication under {paths.directory}: {exc}", file=sys.stderr)
        return 1
    print(
        f"published {len(manifest.marts)} marts ({sum(manifest.marts.values())} rows) as of "
        f"{manifest.cx_as_of}: {paths.duckdb}, {paths.parquet_current}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
