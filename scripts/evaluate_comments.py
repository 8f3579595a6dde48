"""Measure how well the warehouse reads comments, on a labelled set.

Builds the comment marts with dbt on the labelled set (tests/comment_evaluation/) in a scratch
DuckDB file and prints, as Markdown, the sentiment accuracy and macro-F1, theme micro-F1 and
per-theme precision and recall, language accuracy and personal-data recall and false positives
(nps_warehouse.comment_evaluation). The README's figures come from
`scripts/evaluate_comments.py --set evaluation`.

Tune the seeds on the development set (--set development --errors), never on the evaluation
set: its figures are only honest while it stays unseen.

Exit codes: 0 done (with --check: every bar met), 1 a bar missed (--check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.comment_evaluation import SETS, markdown, run  # noqa: E402 (needs the sys.path entry above)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evaluate_comments.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", choices=sorted(SETS), default="evaluation", help="labelled set (default evaluation)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a bar of the issue is missed")
    parser.add_argument(
        "--errors",
        action="store_true",
        help="also list every comment read wrong (for tuning: development set)",
    )
    parser.add_argument(
        "--work-dir", type=Path, help="keep the scratch warehouse here instead of a temporary folder"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.work_dir is not None:
        args.work_dir.mkdir(parents=True, exist_ok=True)
    report = run(args.set, args.work_dir)
    print(markdown(report, args.set))
    if args.errors:
        for kind, lines in report.errors.items():
            print(f"\n## {kind} ({len(lines)})")
            print("\n".join(lines))
        if report.keep_masked:
            print(f"\n## readable numbers masked ({len(report.keep_masked)})")
            print("\n".join(report.keep_masked))
    failed = report.failed_bars()
    if failed:
        print("\nBars missed: " + "; ".join(failed), file=sys.stderr)
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
