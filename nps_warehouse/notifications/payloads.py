"""The JSON an alert's message is sent as: Slack's incoming-webhook message, a Microsoft Teams
Adaptive Card (what a Teams "Workflows" webhook posts), or a JSON line for a file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nps_warehouse.notifications.alerts import Alert
from nps_warehouse.notifications.messages import Message

FORMATS: tuple[str, ...] = ("slack", "teams")


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as markup (<!channel> would notify everyone)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: Message) -> dict[str, Any]:
    """``{"text": ...}`` in Slack's mrkdwn: the title in bold, the figures, the explanation and
    the alert id. The ``text`` field alone is what every Slack-compatible webhook (Mattermost,
    Rocket.Chat, Google Chat, Discord's /slack endpoint) reads."""
    marker = ":red_circle:" if message.severity == "high" else ":large_orange_circle:"
    lines = [
        f"{marker} *{_slack_escape(message.title)}*",
        _slack_escape(message.figures),
        f"_{_slack_escape(message.explanation)}_",
        f"`{message.alert_id}`",
    ]
    return {"text": "\n".join(lines)}


def teams_payload(message: Message) -> dict[str, Any]:
    """A message with one Adaptive Card (1.4): the title, the figures, the explanation and a fact
    set - the body a Teams Workflows webhook ("When a Teams webhook request is received") posts."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": [
            {
                "type": "TextBlock",
                "text": message.title,
                "weight": "Bolder",
                "size": "Medium",
                "color": "Attention" if message.severity == "high" else "Warning",
                "wrap": True,
            },
            {"type": "TextBlock", "text": message.figures, "wrap": True},
            {"type": "TextBlock", "text": message.explanation, "wrap": True, "isSubtle": True},
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": value} for label, value in message.facts],
            },
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def webhook_payload(message: Message, fmt: str) -> dict[str, Any]:
    if fmt == "slack":
        return slack_payload(message)
    if fmt == "teams":
        return teams_payload(message)
    raise ValueError(f"unknown webhook format {fmt!r}: expected one of {', '.join(FORMATS)}")


def json_line_record(alert: Alert, message: Message, destination: str, sent_at: datetime) -> dict[str, Any]:
    """One line of the JSON-lines file: the alert's columns, then the message in words."""
    return {
        **alert.as_record(),
        "destination": destination,
        "sent_at": sent_at.isoformat(sep=" ", timespec="seconds"),
        "language": message.language,
        "title": message.title,
        "figures": message.figures,
        "explanation": message.explanation,
    }
