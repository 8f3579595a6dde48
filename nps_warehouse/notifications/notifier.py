"""Send each new alert once: read the alerts not yet sent to a destination, deliver each, and
record it as sent only once delivered. A delivery that fails (after its retries) stops the run:
that alert and the ones after it stay unsent, for the next run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from nps_warehouse.notifications.alerts import Alert
from nps_warehouse.notifications.delivery import DeliveryError
from nps_warehouse.notifications.ledger import Ledger
from nps_warehouse.notifications.messages import render
from nps_warehouse.notifications.payloads import json_line_record, webhook_payload


class Sender(Protocol):
    def send(self, payload: dict[str, Any]) -> int: ...


@dataclass
class Outcome:
    """What a run did: the alerts sent (or only recorded), the one that failed and why, and the
    ones left for the next run."""

    destination: str
    sent: list[Alert] = field(default_factory=list)
    failed: Alert | None = None
    error: str | None = None
    not_attempted: list[Alert] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None


def notify(
    ledger: Ledger,
    destination: str,
    sender: Sender | None,
    *,
    kind: str,
    language: str,
    since: date | None = None,
    severities: tuple[str, ...] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Outcome:
    """Deliver the unsent alerts of ``destination``. ``kind`` is ``slack`` or ``teams`` (a
    webhook payload), ``jsonl`` (a JSON line) or ``record-only`` (no sender: the alerts are
    recorded as sent without being sent, to start on a warehouse that already has alerts)."""
    if kind != "record-only" and sender is None:
        raise ValueError(f"a {kind} notification needs a sender")
    outcome = Outcome(destination)
    alerts = ledger.unsent_alerts(destination, since=since, severities=severities)
    for index, alert in enumerate(alerts):
        message = render(alert, language)
        try:
            if kind == "record-only":
                pass
            elif kind == "jsonl":
                sender.send(
                    json_line_record(alert, message, destination, datetime.now(UTC).replace(tzinfo=None))
                )
            else:
                sender.send(webhook_payload(message, kind))
        except DeliveryError as exc:
            outcome.failed, outcome.error = alert, str(exc)
            outcome.not_attempted = alerts[index + 1 :]
            break
        ledger.record(alert.alert_id, destination, alert.as_record(), language, delivery=kind)
        outcome.sent.append(alert)
        progress(f"{'recorded' if kind == 'record-only' else 'sent'} {alert.alert_id}: {message.title}")
    return outcome
