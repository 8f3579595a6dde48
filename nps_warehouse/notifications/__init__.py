"""Alert notifications: each new alert of fct_cx_alerts sent once, to a webhook (Slack or Teams)
or as a JSON line to a file, and remembered in the warehouse.

One module per job: ``alerts`` (an alert row), ``messages`` (its words in French or English),
``payloads`` (Slack, Teams, JSON lines), ``delivery`` (the webhook with retries, the file),
``ledger`` (the table notifications.sent_alerts and the unsent alerts), ``notifier`` (a run).
"""

from nps_warehouse.notifications.alerts import Alert
from nps_warehouse.notifications.delivery import (
    DeliveryError,
    JsonLinesWriter,
    WebhookSender,
    check_webhook_url,
    file_destination,
    webhook_destination,
)
from nps_warehouse.notifications.ledger import LEDGER, Ledger, LedgerUnavailableError
from nps_warehouse.notifications.messages import LANGUAGES, Message, render
from nps_warehouse.notifications.notifier import Outcome, notify
from nps_warehouse.notifications.payloads import FORMATS, json_line_record, slack_payload, teams_payload

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "LEDGER",
    "Alert",
    "DeliveryError",
    "JsonLinesWriter",
    "Ledger",
    "LedgerUnavailableError",
    "Message",
    "Outcome",
    "WebhookSender",
    "check_webhook_url",
    "file_destination",
    "json_line_record",
    "notify",
    "render",
    "slack_payload",
    "teams_payload",
    "webhook_destination",
]
