"""Write a PNG of each section of the CX dashboard, for the README.

Opens the dashboard (written by `make report`) in headless Debian chromium through Playwright,
offline (nps_warehouse/report/browser.py), and writes <section>.png under --out. Fails when the
page logs a console error or tries the network.

Exit codes: 0 written, 1 the page failed (console error, network request), 2 invalid arguments,
3 the dashboard or chromium is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.report.browser import open_dashboard, section_screenshots  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="report_screenshots.py",
        description="Write a PNG of each section of the dashboard (headless chromium, offline).",
        epilog="example: python scripts/report_screenshots.py --html reports/nps_dashboard.html "
        "--out reports/screenshots",
    )
    parser.add_argument("--html", type=Path, default=Path("reports/nps_dashboard.html"), help="the dashboard")
    parser.add_argument(
        "--out", type=Path, default=Path("reports/screenshots"), help="folder of the PNG files"
    )
    parser.add_argument("--width", type=int, default=1280, help="browser window width in pixels")
    parser.add_argument(
        "--max-height", type=int, default=1400, help="cut a taller section to its first pixels (default 1400)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.html.is_file():
        print(f"report_screenshots: {args.html} is missing: run `make report` first", file=sys.stderr)
        return 3
    try:
        with open_dashboard(args.html, width=args.width) as opened:
            problems = opened.console_errors + opened.page_errors + opened.blocked_requests
            if problems:
                print("report_screenshots: the page failed:\n  " + "\n  ".join(problems), file=sys.stderr)
                return 1
            written = section_screenshots(opened, args.out, max_height=args.max_height)
    except FileNotFoundError as exc:
        print(f"report_screenshots: {exc}", file=sys.stderr)
        return 3
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
