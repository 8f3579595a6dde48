"""Generate the synthetic landing data of the whole CX programme: responses, customers, agents,
interactions, invitations and the agents' engagement survey answers of one batch, consistent with
each other.

A thin command line over nps_warehouse.generator.generate_programme (nps_warehouse/generator/
programme.py describes the files; each source's module its data model). The written file paths
go to stdout, progress and the summary to stderr.

Exit codes: 0 files written, 1 an I/O error while writing, 2 invalid arguments, 3 the output
directory already holds files of this batch (pass --overwrite), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.generator import (  # noqa: E402 (needs the sys.path entry above)
    DEFAULT_CHUNK_ROWS,
    DEFAULT_DAYS,
    DEFAULT_MESSY_RATE,
    DEFAULT_RESUBMIT_RATE,
    DEFAULT_ROWS,
    DEFAULT_SEED,
    DEFAULT_START_DATE,
    FORMATS,
    SOURCES,
    OutputExistsError,
    generate_programme,
)
from nps_warehouse.generator.cli import (  # noqa: E402
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
from nps_warehouse.generator.programme import SOURCE_FORMATS  # noqa: E402

EXAMPLES = """\
examples:
  # the committed demo data: 5,000 responses over the 90 days ending 2026-10-31 in 3 files
  # (CSV + Parquet + CSV), and the customers, agents, interactions and invitations they name
  python scripts/generate_cx_data.py --out data/demo --rows 5000 --days 90 \\
      --end-date 2026-10-31 --files 3 --format mixed

  # a later batch: 30 more days of the same programme (same seed), after response 5000; its
  # files are named *_m4_NNNN so that they sort after the first batch's, and its extracts carry
  # on the same customers' and agents' histories (no new snapshot)
  python scripts/generate_cx_data.py --out data/demo --rows 1700 --start-date 2026-11-01 \\
      --days 30 --first-response 5001 --label m4
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_cx_data.py",
        description=(
            "Write the synthetic landing files of a CX programme: survey responses (as "
            "generate_responses.py writes them) and, under customers/, agents/, interactions/, "
            "invitations/ and agent_engagement/, the CRM and workforce extracts with history, the "
            "contact-centre interactions and the survey invitations they refer to, and the agents' "
            "monthly engagement survey answers (eNPS), all text, with messy values at small rates. "
            "The same arguments always give byte-identical files."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    parser.add_argument(
        "--rows",
        type=positive_int,
        default=DEFAULT_ROWS,
        help=f"number of response rows (default {DEFAULT_ROWS})",
    )
    parser.add_argument(
        "--seed", type=integer, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        dest="fmt",
        help="responses file format; mixed alternates CSV and Parquet, starting with CSV (default csv)",
    )
    parser.add_argument(
        "--source-format",
        choices=SOURCE_FORMATS,
        default="csv",
        help="format of the other sources' files (default csv)",
    )
    parser.add_argument(
        "--files",
        type=positive_int,
        default=1,
        help="split the responses (and their interactions and invitations) over this many files (default 1)",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--start-date",
        type=iso_date,
        help=f"first day of the period, YYYY-MM-DD (default {DEFAULT_START_DATE.isoformat()})",
    )
    when.add_argument("--end-date", type=iso_date, help="last day of the period instead of the first")
    parser.add_argument(
        "--days",
        type=positive_int,
        default=DEFAULT_DAYS,
        help=f"period length in days (default {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--first-response",
        type=integer,
        default=1,
        metavar="N",
        help="response number of the first row; a later batch starts after the earlier batch's last one "
        "(default 1)",
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
        help="resubmissions reuse response numbers LOW..HIGH (an earlier batch) instead of earlier rows",
    )
    parser.add_argument(
        "--messy-rate",
        type=rate,
        default=DEFAULT_MESSY_RATE,
        metavar="R",
        help="share of messy rows of each source; cosmetic variations scale with it, 0 gives clean files "
        f"(default {DEFAULT_MESSY_RATE})",
    )
    parser.add_argument(
        "--label",
        help="name of a later batch, in its file names: responses_LABEL_0001.csv, "
        "customers/customers_LABEL_0001.csv, ...",
    )
    snapshot = parser.add_mutually_exclusive_group()
    snapshot.add_argument(
        "--snapshot",
        action="store_true",
        default=None,
        help="write the initial customers and agents snapshot (default: only when --first-response is 1)",
    )
    snapshot.add_argument("--no-snapshot", action="store_false", dest="snapshot", help="do not write it")
    parser.add_argument(
        "--chunk-rows",
        type=positive_int,
        default=DEFAULT_CHUNK_ROWS,
        metavar="N",
        help=f"response rows generated and written at a time (default {DEFAULT_CHUNK_ROWS})",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace this batch's existing files")
    parser.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    progress = Progress(not args.quiet)
    try:
        result = generate_programme(
            args.out,
            rows=args.rows,
            seed=args.seed,
            fmt=args.fmt,
            source_fmt=args.source_format,
            files=args.files,
            start_date=args.start_date,
            end_date=args.end_date,
            days=args.days,
            first_response=args.first_response,
            resubmit_rate=args.resubmit_rate,
            messy_rate=args.messy_rate,
            resubmit_from_range=args.resubmit_from_range,
            label=args.label,
            snapshot=args.snapshot,
            chunk_rows=args.chunk_rows,
            overwrite=args.overwrite,
            progress=progress.source,
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
    for source in SOURCES:
        for path in result.files[source]:
            print(path)
    if not args.quiet:
        elapsed = progress.elapsed()
        counts = ", ".join(f"{result.rows[s]:,} {s}" for s in SOURCES)
        print(
            f"wrote {counts} to {args.out} in {elapsed:.1f}s "
            f"({args.rows / max(elapsed, 1e-9):,.0f} responses/s); "
            f"{result.responses.resubmissions:,} resubmissions, "
            f"{result.responses.messy_rows:,} messy responses",
            file=sys.stderr,
        )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
