"""Export the campaign audiences of the warehouse as CSV files for a CRM import.

Reads marts.rpt_campaign_audiences on NPS_TARGET (the DuckDB file of NPS_DUCKDB_PATH read-only,
PostgreSQL or Spark) and writes one file per audience, <audience>.csv, under --out: the
customers' ids and attributes, never a comment (nps_warehouse/audiences.py).

Exit codes: 0 files written, 1 an I/O error while writing, 2 invalid arguments, 3 the warehouse
or the mart is missing (run `make build`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.audiences import AUDIENCES, read_audience_rows, write_audiences  # noqa: E402
from nps_warehouse.engines import EngineUnavailableError  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="export_audiences.py",
        description="Write each campaign audience of marts.rpt_campaign_audiences as <audience>.csv.",
        epilog="example: python scripts/export_audiences.py --out exports/crm --audience referral_candidates",
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    parser.add_argument(
        "--audience",
        action="append",
        choices=AUDIENCES,
        help="an audience to export (repeat for several; default: all three)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        rows = read_audience_rows()
    except EngineUnavailableError as exc:
        print(f"export_audiences: {exc}", file=sys.stderr)
        return 3
    try:
        written = write_audiences(rows, args.out, args.audience or AUDIENCES)
    except OSError as exc:
        print(f"export_audiences: cannot write under {args.out}: {exc}", file=sys.stderr)
        return 1
    for audience, (path, customers) in written.items():
        print(path)
        print(f"{audience}: {customers} customer(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
