"""Generate synthetic NPS survey exports (CSV, gzip CSV or Parquet) for the warehouse.

A thin command line over nps_warehouse.generator.generate (nps_warehouse/generator/responses.py
holds the data model); scripts/generate_cx_data.py writes the other sources of the CX programme
beside the responses.
The written file paths go to stdout, progress and the summary to stderr.

Exit codes: 0 files written, 1 an I/O error while writing, 2 invalid arguments, 3 the output
directory already holds files of this prefix (pass --overwrite), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.generator import (  # noqa: E402
    DEFAULT_CHUNK_ROWS,
    DEFAULT_DAYS,
    DEFAULT_MESSY_RATE,
    DEFAULT_PREFIX,
    DEFAULT_RESUBMIT_RATE,
    DEFAULT_ROWS,
    DEFAULT_SEED,
    DEFAULT_START_DATE,
    FORMATS,
    OutputExistsError,
    generate,
)
from nps_warehouse.generator.cli import (  # noqa: E402 (needs the sys.path entry above)
    EXIT_INTERRUPTED,
    EXIT_IO_ERROR,
    EXIT_OK,
    EXIT_OUTPUT_EXISTS,
    EXIT_USAGE,
    Progress,
    integer,
    iso_date,
    number_range,
    positive_int,
    rate,
)

EXAMPLES = """\
examples:
  # the committed demo data (about 5,000 rows, 90 days ending 2026-10-31, CSV + Parquet + CSV)
  python scripts/generate_responses.py --out data/demo --rows 5000 --days 90 \\
      --end-date 2026-10-31 --files 3 --format mixed

  # 10 million rows for a benchmark, then one more day that resubmits 5% of its rows
  # from the earlier batch (response numbers 1..10000000)
  python scripts/generate_responses.py --out bench/raw --rows 10000000 --files 20
  python scripts/generate_responses.py --out bench/raw --prefix responses_day91 \\
      --rows 120000 --start-date 2026-11-01 --days 1 --first-response 10000001 \\
      --resubmit-rate 0.05 --resubmit-from-range 1:10000000
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_responses.py",
        description=(
            "Write synthetic NPS survey exports that follow the landing contract of the README: "
            "the ten core columns, 'language', and the CX programme's columns (touchpoint, brand, "
            "business_unit, interaction_id, invitation_id, csat_score, ces_score), all text, with "
            "realistic scores and comments, messy values at small rates and resubmissions. The "
            "same arguments always give byte-identical files."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    parser.add_argument(
        "--rows", type=positive_int, default=DEFAULT_ROWS, help=f"number of rows (default {DEFAULT_ROWS})"
    )
    parser.add_argument(
        "--seed", type=integer, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        dest="fmt",
        help="file format; mixed alternates CSV and Parquet, starting with CSV (default csv)",
    )
    parser.add_argument(
        "--files", type=positive_int, default=1, help="split the rows over this many files (default 1)"
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--start-date",
        type=iso_date,
        help=f"first day of the history, YYYY-MM-DD (default {DEFAULT_START_DATE.isoformat()})",
    )
    when.add_argument("--end-date", type=iso_date, help="last day of the history instead of the first")
    parser.add_argument(
        "--days",
        type=positive_int,
        default=DEFAULT_DAYS,
        help=f"history length in days (default {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--first-response",
        type=integer,
        default=1,
        metavar="N",
        help="response number of the first row; give a later batch a number after the earlier "
        "batch's last one so that new ids do not clash (default 1)",
    )
    parser.add_argument(
        "--resubmit-rate",
        type=rate,
        default=DEFAULT_RESUBMIT_RATE,
        metavar="R",
        help=f"share of rows reusing an earlier response id, at most 0.5 (default {DEFAULT_RESUBMIT_RATE})",
    )
    parser.add_argument(
        "--resubmit-from-range",
        type=number_range,
        metavar="LOW:HIGH",
        help="resubmissions reuse response numbers LOW..HIGH (an earlier batch) instead of earlier "
        "rows of this batch; e.g. 1:1000000",
    )
    parser.add_argument(
        "--messy-rate",
        type=rate,
        default=DEFAULT_MESSY_RATE,
        metavar="R",
        help="share of rows with an anomaly in response_id, submitted_at or score (and half as "
        "many again with a CSAT/CES case); cosmetic "
        f"variations scale with it, 0 gives clean files (default {DEFAULT_MESSY_RATE})",
    )
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help=f"file name prefix: PREFIX_0001.csv ... (default {DEFAULT_PREFIX})",
    )
    parser.add_argument(
        "--chunk-rows",
        type=positive_int,
        default=DEFAULT_CHUNK_ROWS,
        metavar="N",
        help=f"rows generated and written at a time (default {DEFAULT_CHUNK_ROWS})",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace existing PREFIX_* files in the output directory"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    progress = Progress(not args.quiet)
    try:
        result = generate(
            args.out,
            rows=args.rows,
            seed=args.seed,
            fmt=args.fmt,
            files=args.files,
            start_date=args.start_date,
            end_date=args.end_date,
            days=args.days,
            first_response=args.first_response,
            resubmit_rate=args.resubmit_rate,
            messy_rate=args.messy_rate,
            resubmit_from_range=args.resubmit_from_range,
            prefix=args.prefix,
            chunk_rows=args.chunk_rows,
            overwrite=args.overwrite,
            progress=progress.rows,
        )
    except OutputExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OUTPUT_EXISTS
    except ValueError as exc:
        parser.print_usage(sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: cannot write the output: {exc}", file=sys.stderr)
        return EXIT_IO_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    for path in result.files:
        print(path)
    if not args.quiet:
        elapsed = progress.elapsed()
        print(
            f"wrote {result.rows:,} rows in {len(result.files)} file(s) to {args.out} in {elapsed:.1f}s "
            f"({result.rows / max(elapsed, 1e-9):,.0f} rows/s); {result.resubmissions:,} resubmissions, "
            f"{result.messy_rows:,} messy rows",
            file=sys.stderr,
        )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
