"""Load the landing files into the raw tables of the target (DuckDB, PostgreSQL or Spark).

A thin command line over nps_warehouse.landing.load_landing; `make build` runs it before
`dbt build` on every engine. It reads the landing config (landing.yml in the current folder, or
NPS_LANDING_CONFIG; without one, the files of NPS_RAW_RESPONSES), checks every new file and
writes its rows, with their lineage, into <raw schema>.raw_<source>, and one row per file into
<raw schema>.landing_file_loads. Files already loaded are skipped; a loaded file whose content
changed stops the load.

Exit codes: 0 loaded (or nothing new), 1 a landing file or the config is wrong (nothing was
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
            "Load the landing files into the raw tables of the target, before dbt build: the feeds "
            "of the landing config (landing.yml, or NPS_LANDING_CONFIG), else the files of "
            "NPS_RAW_RESPONSES (a file, a directory or a glob). Every new file is checked first; "
            "files already loaded are skipped; a loaded file whose content changed stops the load."
        ),
        epilog=(
            "Exit codes: 0 loaded; 1 a bad or changed landing file, or a bad config; "
            "2 the engine is unreachable."
        ),
    )
    parser.add_argument("--target", help="dbt target (default: $NPS_TARGET, else duckdb)")
    parser.add_argument(
        "--config", help="landing config file (default: $NPS_LANDING_CONFIG, else ./landing.yml if present)"
    )
    parser.add_argument(
        "--raw",
        dest="spec",
        help=(
            "without a landing config: landing file, directory or glob "
            "(default: $NPS_RAW_RESPONSES, else data/demo)"
        ),
    )
    parser.add_argument(
        "--raw-schema", default="raw", help="schema of the raw tables (the var nps_raw_schema; default raw)"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="empty the raw tables and load every current landing file again",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the config and every new file (headers, encoding, mappings) without writing anything",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        load_landing(
            target=args.target,
            config=args.config,
            spec=args.spec,
            raw_schema=args.raw_schema,
            full_refresh=args.full_refresh,
            dry_run=args.dry_run,
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
