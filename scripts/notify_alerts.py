"""Send each new CX alert once: to a webhook (Slack or Microsoft Teams) or as JSON lines to a file.

Reads marts.fct_cx_alerts on NPS_TARGET (the DuckDB file of NPS_DUCKDB_PATH, or PostgreSQL), sends
every alert not yet sent to the destination - the message in the dashboard's language, with its
figures and a one-line explanation - and records each one delivered in the warehouse table
notifications.sent_alerts, so a second run sends nothing twice. A webhook failure is retried with
backoff; an alert still not delivered is reported and stays unsent for the next run
(nps_warehouse/notifications/). On DuckDB it writes to the warehouse: run it after a build, never
during one.

Exit codes: 0 every new alert sent (or none new), 1 a delivery failed (the alerts not sent are
listed; the next run sends them), 2 invalid arguments or settings, 3 the warehouse is missing,
locked by a build, or has no fct_cx_alerts.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.notifications import (  # noqa: E402
    FORMATS,
    LANGUAGES,
    LEDGER,
    JsonLinesWriter,
    Ledger,
    LedgerUnavailableError,
    WebhookSender,
    check_webhook_url,
    file_destination,
    notify,
    webhook_destination,
)
from nps_warehouse.notifications.alerts import SEVERITIES  # noqa: E402

WEBHOOK_ENV = "NPS_ALERT_WEBHOOK_URL"
FORMAT_ENV = "NPS_ALERT_WEBHOOK_FORMAT"
LANGUAGE_ENV = "REPORT_LANG"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notify_alerts.py",
        description="Send each alert of marts.fct_cx_alerts not yet sent to the destination, once.",
        epilog=(
            f"examples: {WEBHOOK_ENV}=https://hooks.slack.com/services/... python scripts/notify_alerts.py; "
            "python scripts/notify_alerts.py --jsonl exports/alerts.jsonl --language fr"
        ),
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--webhook-url",
        help=f"incoming webhook to POST each alert to (default: ${WEBHOOK_ENV}, which keeps it out of "
        "the shell history)",
    )
    where.add_argument("--jsonl", type=Path, help="append each alert as one JSON line to this file instead")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help=f"webhook payload: slack ({{'text': ...}}) or teams (Adaptive Card); default ${FORMAT_ENV}, "
        "else slack",
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        help=f"language of the messages (default: ${LANGUAGE_ENV}, the dashboard's language, else fr as the "
        "dashboard's)",
    )
    parser.add_argument(
        "--destination",
        help="name the destination is remembered by (default: a digest of the webhook URL, or file:<path>)",
    )
    parser.add_argument(
        "--since",
        type=date.fromisoformat,
        help="only alerts whose period starts on or after this date (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--severity", action="append", choices=SEVERITIES, help="only alerts of this severity (repeatable)"
    )
    parser.add_argument(
        "--record-only",
        action="store_true",
        help="record the new alerts as sent without sending them (to start on a warehouse with past alerts)",
    )
    parser.add_argument("--retries", type=int, default=3, help="webhook: tries after the first (default 3)")
    parser.add_argument(
        "--backoff", type=float, default=1.0, help="webhook: first wait in seconds, doubled each try"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="webhook: seconds to wait for an answer")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.retries < 0 or args.backoff < 0 or args.timeout <= 0:
        parser.error("--retries and --backoff must be 0 or more, --timeout more than 0")
    language = args.language or os.environ.get(LANGUAGE_ENV) or "fr"
    if language not in LANGUAGES:
        parser.error(f"{LANGUAGE_ENV}={language!r}: expected one of {', '.join(LANGUAGES)}")
    fmt = args.format or os.environ.get(FORMAT_ENV) or "slack"
    if fmt not in FORMATS:
        parser.error(f"{FORMAT_ENV}={fmt!r}: expected one of {', '.join(FORMATS)}")
    sender: WebhookSender | JsonLinesWriter | None
    if args.jsonl is not None:
        kind, sender = "jsonl", JsonLinesWriter(args.jsonl)
        destination = args.destination or file_destination(args.jsonl)
    else:
        url = args.webhook_url or os.environ.get(WEBHOOK_ENV)
        if not url:
            parser.error(f"where to send: --webhook-url, ${WEBHOOK_ENV} or --jsonl FILE")
        try:
            url = check_webhook_url(url, "--webhook-url" if args.webhook_url else f"${WEBHOOK_ENV}")
        except ValueError as exc:
            parser.error(str(exc))
        kind = fmt
        sender = WebhookSender(url, retries=args.retries, backoff=args.backoff, timeout=args.timeout)
        destination = args.destination or webhook_destination(url)
    if args.record_only:
        kind, sender = "record-only", None
    progress = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
    try:
        with Ledger.open_target() as ledger:
            outcome = notify(
                ledger,
                destination,
                sender,
                kind=kind,
                language=language,
                since=args.since,
                severities=tuple(args.severity) if args.severity else None,
                progress=progress,
            )
    except LedgerUnavailableError as exc:
        print(f"notify_alerts: {exc}", file=sys.stderr)
        return 3
    verb = "recorded without sending" if kind == "record-only" else "sent"
    print(f"{destination}: {len(outcome.sent)} new alert(s) {verb}; recorded in {LEDGER}")
    if outcome.ok:
        return 0
    unsent = [outcome.failed, *outcome.not_attempted]
    print(
        f"notify_alerts: alert {outcome.failed.alert_id} ({outcome.failed.rule}, "
        f"{outcome.failed.dimension_name}={outcome.failed.dimension_value}, {outcome.failed.period_grain} "
        f"{outcome.failed.period_start_date}) was not delivered: {outcome.error}. {len(unsent)} alert(s) "
        f"stay unsent and will be sent by the next run: {', '.join(alert.alert_id for alert in unsent)}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
