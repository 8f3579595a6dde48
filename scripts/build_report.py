"""Write the CX dashboard, one self-contained HTML file, from the marts of the warehouse.

Reads the marts on NPS_TARGET (the DuckDB file of --duckdb-path or NPS_DUCKDB_PATH read-only,
PostgreSQL or Spark) and writes the page of the last complete month (or week): headline NPS,
CSAT, CES and response rate, trend, breakdowns, alerts, follow-up queue, drivers, teams and data
quality (nps_warehouse/report/). The file opens from disk with no server and no network.

Exit codes: 0 written, 1 an I/O error while writing, 2 invalid arguments, 3 the warehouse or a
mart is missing (run `make build`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.engines import EngineUnavailableError  # noqa: E402
from nps_warehouse.report import WarehouseReader, build_report  # noqa: E402
from nps_warehouse.report.content import GRAINS  # noqa: E402
from nps_warehouse.report.labels import DEFAULT_LANGUAGE, LANGUAGES  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_report.py",
        description="Write the CX dashboard (one HTML file, works offline) from the warehouse's marts.",
        epilog="example: python scripts/build_report.py --lang en --out reports/nps_dashboard_en.html",
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the page (default: fr)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("reports/nps_dashboard.html"), help="the HTML file to write"
    )
    parser.add_argument(
        "--grain", choices=GRAINS, default="month", help="the reporting period: last complete month or week"
    )
    parser.add_argument(
        "--duckdb-path",
        help="the DuckDB warehouse file (default: NPS_DUCKDB_PATH, else the profile's); DuckDB only",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    reader = WarehouseReader(duckdb_path=args.duckdb_path)
    try:
        path = build_report(reader, args.out, language=args.lang, grain=args.grain)
    except EngineUnavailableError as exc:
        print(f"build_report: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:
        print(f"build_report: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    print(f"Dashboard: {path} (open it in a browser, no server or network needed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
