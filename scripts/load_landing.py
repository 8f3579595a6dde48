"""Load the landing files into the raw table of the PostgreSQL or Spark target.

A thin command line over nps_warehouse.landing.load_landing; `make build` runs it before
`dbt build` when NPS_TARGET is postgres or spark. On the DuckDB target it does nothing: DuckDB
reads the landing files in place.

Exit codes: 0 loaded (or nothing to load), 1 a landing file is bad or changed (nothing was
loaded), 2 the engine cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.engines import EngineUnavailableError  # noqa: E402 (needs the sys.path entry)
from nps_warehouse.landing import LandingError, load_landing  # noqa: E402

EXIT_OK = 0
EXIT_BAD_FILE = 1
EXIT_UNAVAILABLE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_landing.py",
        description=(
            "Load the landing files (NPS_RAW_RESPONSES: a file, a directory or a glob) into "
            "<raw schema>.raw_responses of the target, with each row's source file, size and row "
            "number. Files already loaded are skipped; a loaded file that changed stops the load."
        ),
        epilog="Exit codes: 0 loaded; 1 a bad or changed landing file; 2 the engine is unreachable.",
    )
    parser.add_argument("--target", help="dbt target (default: $NPS_TARGET, else duckdb)")
    parser.add_argument(
        "--raw",
        dest="spec",
        help="landing file, directory or glob (default: $NPS_RAW_RESPONSES, else data/demo)",
    )
    parser.add_argument(
        "--raw-schema", default="raw", help="schema of the raw table (the var nps_raw_schema; default raw)"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="empty the raw table and load every current landing file again",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        load_landing(
            target=args.target,
            spec=args.spec,
            raw_schema=args.raw_schema,
            full_refresh=args.full_refresh,
            progress=lambda message: print(message, file=sys.stderr),
        )
    except LandingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_FILE
    except EngineUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
