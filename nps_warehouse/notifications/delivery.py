"""Delivering a message: a POST to a webhook, retried with backoff, or a line appended to a
JSON-lines file. Either returns only once the message is delivered, or raises DeliveryError."""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: HTTP statuses worth another try: the server is overloaded or busy, or asks us to slow down.
RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
#: The longest wait between two tries, whatever Retry-After says.
MAX_WAIT_SECONDS = 60.0


class DeliveryError(RuntimeError):
    """A message was not delivered (after every try, for a webhook)."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


def check_webhook_url(url: str, setting: str) -> str:
    """The URL, or ValueError naming ``setting`` when it is no http(s) URL with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{setting} must be the http(s) URL of an incoming webhook (Slack: https://hooks.slack.com/"
            "services/..., Teams: the URL of a Workflows webhook), not "
            f"{url[:40] + '...' if len(url) > 40 else url!r}"
        )
    return url.strip()


def webhook_destination(url: str) -> str:
    """The name a webhook is remembered by: a digest of its URL, never the URL (a secret)."""
    return f"webhook:{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}"


def file_destination(path: str | os.PathLike[str]) -> str:
    return f"file:{Path(path).resolve()}"


@dataclass
class WebhookSender:
    """POSTs JSON to ``url``: ``retries`` more tries after the first on a network error, a
    timeout or a retried status, waiting ``backoff`` seconds, then twice as long each time (or
    what a 429's Retry-After asks, up to MAX_WAIT_SECONDS). Any other status is final."""

    url: str
    retries: int = 3
    backoff: float = 1.0
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep

    def send(self, payload: dict[str, Any]) -> int:
        """Deliver ``payload``; returns the tries it took, or raises DeliveryError."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        attempts = 0
        while True:
            attempts += 1
            wait = self.backoff * 2 ** (attempts - 1)
            request = urllib.request.Request(
                self.url,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "nps-warehouse"},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return attempts
            except urllib.error.HTTPError as exc:
                detail = exc.read(300).decode("utf-8", "replace").strip()
                problem = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
                if exc.code not in RETRIED_STATUSES:
                    raise DeliveryError(f"the webhook refused the message ({problem})", attempts) from exc
                retry_after = exc.headers.get("Retry-After", "")
                if retry_after.strip().isdigit():
                    wait = float(retry_after)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                problem = f"cannot reach the webhook ({reason})"
            if attempts > self.retries:
                raise DeliveryError(f"{problem}, after {attempts} tries", attempts)
            self.sleep(min(wait, MAX_WAIT_SECONDS))


@dataclass
class JsonLinesWriter:
    """Appends one JSON object per line (UTF-8) to ``path``, flushed to disk before returning."""

    path: Path

    def send(self, record: dict[str, Any]) -> int:
        line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise DeliveryError(f"cannot append to {self.path}: {exc}", 1) from exc
        return 1
