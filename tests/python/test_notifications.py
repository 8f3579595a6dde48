"""Alert notifications: each new alert of fct_cx_alerts sent once, to a webhook served here on
127.0.0.1 (one that answers, one that fails a few times, one that always fails, one that refuses)
or as JSON lines, in French and English, and remembered in the warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from harness import PROJECT_DIR

from nps_warehouse.notifications import (
    Alert,
    JsonLinesWriter,
    Ledger,
    WebhookSender,
    file_destination,
    notify,
    render,
    slack_payload,
    teams_payload,
    webhook_destination,
)
from nps_warehouse.notifications.alerts import ALERT_COLUMNS

SCRIPT = PROJECT_DIR / "scripts" / "notify_alerts.py"

#: Four alerts, one per rule, in the mart's columns.
ALERTS: list[tuple] = [
    ("a1", "nps_significant_drop", "nps", "high", "month", date(2026, 9, 1), True, "region", "BRE",
     Decimal("12.50"), Decimal("28.04"), 0.0004, 0.0031, 240, 1250),
    ("a2", "csat_significant_drop", "csat_pct", "medium", "week", date(2026, 10, 5), True, "channel", "phone",
     Decimal("71.20"), Decimal("78.00"), 0.01, 0.04, 310, 298),
    ("a3", "detractor_spike", "detractor_share", "high", "day", date(2026, 10, 12), True, "overall", "all",
     Decimal("52.94"), Decimal("27.90"), 0.0001, 0.00002, 34, 1086),
    ("a4", "below_target", "ces_mean", "medium", "quarter", date(2026, 10, 1), False, "team", "team_b",
     Decimal("4.81"), Decimal("5.50"), 0.002, 0.012, 95, None),
]  # fmt: skip


def _create_warehouse(path: Path, rows: list[tuple] = ALERTS) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """
            create schema marts;
            create table marts.fct_cx_alerts (
                alert_id varchar, rule varchar, metric varchar, severity varchar, period_grain varchar,
                period_start_date date, is_period_complete boolean, dimension_name varchar,
                dimension_value varchar, observed numeric(5, 2), baseline numeric(5, 2), p_value double,
                q_value double, responses bigint, baseline_responses bigint
            )
            """
        )
        connection.executemany(f"insert into marts.fct_cx_alerts values ({', '.join('?' * 15)})", rows)
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return _create_warehouse(tmp_path / "nps.duckdb")


class Webhook:
    """A webhook on 127.0.0.1: answers ``statuses`` in turn (then 200), records every body."""

    def __init__(self, statuses: list[int] | None = None, always: int | None = None) -> None:
        self.statuses = list(statuses or [])
        self.always = always
        self.bodies: list[dict] = []
        self.requests = 0
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                webhook.requests += 1
                status = webhook.always or (webhook.statuses.pop(0) if webhook.statuses else 200)
                if status == 200:
                    assert self.headers["Content-Type"].startswith("application/json")
                    webhook.bodies.append(json.loads(body.decode("utf-8")))
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"no")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T000/B000/secret"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_factory() -> Iterator:
    servers: list[Webhook] = []

    def make(statuses: list[int] | None = None, always: int | None = None) -> Webhook:
        servers.append(Webhook(statuses, always))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def _sender(url: str, retries: int = 3) -> WebhookSender:
    return WebhookSender(url, retries=retries, backoff=0.01, timeout=5)


def _run(warehouse: Path, *args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NPS_ALERT_WEBHOOK_URL", "REPORT_LANG", "NPS_ALERT_WEBHOOK_FORMAT")
    }
    env.update({"NPS_TARGET": "duckdb", "NPS_DUCKDB_PATH": str(warehouse), **environment})
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120
    )


# --------------------------------------------------------------------------------------------
# The messages
# --------------------------------------------------------------------------------------------


def _alert(index: int) -> Alert:
    return Alert.from_row(ALERTS[index])


def test_each_rule_reads_with_its_figures_and_one_line_in_english_and_french() -> None:
    english = [render(_alert(index), "en") for index in range(4)]
    french = [render(_alert(index), "fr") for index in range(4)]
    assert english[0].title == "NPS significantly down - region BRE, September 2026"
    assert english[0].figures == (
        "NPS 12.5 on 240 responses vs 28.0 the previous month (1,250 responses): -15.5 points; q = 0.003."
    )
    assert english[0].explanation.startswith("Customers here recommend us less than in the previous period")
    assert french[0].title == "NPS en baisse significative - région BRE, septembre 2026"
    assert french[0].figures == (
        "NPS 12,5 sur 240 réponses contre 28,0 le mois précédent (1 250 réponses) : -15,5 points ; q = 0,003."
    )
    assert english[1].title == "CSAT significantly down - channel phone, week of 2026-10-05"
    assert "CSAT 71.2 % on 310 responses vs 78.0 % the previous week (298 responses): -6.8 points" in (
        english[1].figures
    )
    assert french[1].title == "CSAT en baisse significative - canal phone, semaine du 05/10/2026"
    assert english[2].title == "Detractor spike - all responses, 2026-10-12"
    assert english[2].figures == (
        "Detractor share 52.9 % on 34 responses vs 27.9 % on the days before (1,086 answers): +25.0 points; "
        "q < 0.001."
    )
    assert french[2].figures.startswith("Part de détracteurs 52,9 % sur 34 réponses contre 27,9 %")
    assert "rappelez les détracteurs maintenant" in french[2].explanation
    assert english[3].title == "Below target - team team_b, Q4 2026 (period in progress)"
    assert english[3].figures == "CES mean (1-7) 4.81 on 95 responses, target 5.50 (-0.69); q = 0.012."
    assert french[3].title == "Sous l'objectif - équipe team_b, T4 2026 (période en cours)"
    for message in [*english, *french]:
        assert "\n" not in message.explanation and message.explanation.endswith(".")
        assert dict(message.facts)["Alert" if message.language == "en" else "Alerte"] == message.alert_id
    with pytest.raises(ValueError, match="unknown language 'de'"):
        render(_alert(0), "de")


def test_slack_and_teams_payloads() -> None:
    message = render(_alert(0), "fr")
    slack = slack_payload(message)
    assert list(slack) == ["text"]
    assert slack["text"].splitlines()[0] == f":red_circle: *{message.title}*"
    assert message.figures in slack["text"] and "`a1`" in slack["text"]
    escaped = slack_payload(render(Alert.from_row((*ALERTS[1][:8], "<!channel> & co", *ALERTS[1][9:])), "en"))
    assert "&lt;!channel&gt; &amp; co" in escaped["text"] and "<!channel>" not in escaped["text"]
    teams = teams_payload(message)
    assert teams["type"] == "message"
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert [block["type"] for block in card["body"]] == ["TextBlock", "TextBlock", "TextBlock", "FactSet"]
    assert card["body"][0]["text"] == message.title and card["body"][0]["color"] == "Attention"
    assert {"title": "Gravité", "value": "élevée"} in card["body"][3]["facts"]


# --------------------------------------------------------------------------------------------
# Delivery, once
# --------------------------------------------------------------------------------------------


def test_each_new_alert_is_sent_once_and_remembered_in_the_warehouse(
    warehouse: Path, webhook_factory
) -> None:
    webhook = webhook_factory()
    destination = webhook_destination(webhook.url)
    with Ledger.open_duckdb(warehouse) as ledger:
        outcome = notify(ledger, destination, _sender(webhook.url), kind="slack", language="en")
    assert outcome.ok and [alert.alert_id for alert in outcome.sent] == ["a1", "a4", "a2", "a3"]
    assert len(webhook.bodies) == 4 and webhook.bodies[0]["text"].startswith(
        ":red_circle: *NPS significantly"
    )
    with Ledger.open_duckdb(warehouse) as ledger:
        again = notify(ledger, destination, _sender(webhook.url), kind="slack", language="en")
    assert again.sent == [] and webhook.requests == 4
    # a new alert of the next build is the only one sent
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            f"insert into marts.fct_cx_alerts values ({', '.join('?' * 15)})", ("a5", *ALERTS[0][1:])
        )
    with Ledger.open_duckdb(warehouse) as ledger:
        third = notify(ledger, destination, _sender(webhook.url), kind="slack", language="en")
        assert [alert.alert_id for alert in third.sent] == ["a5"]
        assert ledger.sent_ids(destination) == {"a1", "a2", "a3", "a4", "a5"}
        # another destination has its own record
        assert ledger.sent_ids("webhook:another") == set()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select destination, rule, dimension_value, language, delivery from notifications.sent_alerts "
            "where alert_id = 'a1'"
        ).fetchall()
    assert rows == [(destination, "nps_significant_drop", "BRE", "en", "slack")]
    assert "secret" not in destination and "127.0.0.1" not in destination


def test_a_failing_webhook_is_retried_then_succeeds(warehouse: Path, webhook_factory) -> None:
    webhook = webhook_factory(statuses=[500, 429, 503])
    with Ledger.open_duckdb(warehouse) as ledger:
        outcome = notify(ledger, "hook", _sender(webhook.url), kind="teams", language="fr")
    assert outcome.ok and len(outcome.sent) == 4
    assert webhook.requests == 7 and len(webhook.bodies) == 4
    assert webhook.bodies[0]["attachments"][0]["content"]["body"][0]["text"].startswith("NPS en baisse")


def test_a_webhook_that_keeps_failing_loses_no_alert(warehouse: Path, webhook_factory) -> None:
    down = webhook_factory(always=503)
    failed = _run(warehouse, "--webhook-url", down.url, "--retries", "2", "--backoff", "0.01")
    assert failed.returncode == 1, failed
    assert "alert a1 (nps_significant_drop, region=BRE, month 2026-09-01) was not delivered" in failed.stderr
    assert "HTTP 503" in failed.stderr and "after 3 tries" in failed.stderr
    assert "4 alert(s) stay unsent and will be sent by the next run: a1, a4, a2, a3" in failed.stderr
    assert down.requests == 3  # the first try and two retries, then the run stops
    destination = webhook_destination(down.url)
    with Ledger.open_duckdb(warehouse) as ledger:
        assert ledger.sent_ids(destination) == set()
    # the webhook is back (same URL, so the same destination): every alert goes, once
    down.always = None
    sent = _run(warehouse, "--webhook-url", down.url)
    assert sent.returncode == 0, sent.stderr
    assert f"{destination}: 4 new alert(s) sent" in sent.stdout
    assert len(down.bodies) == 4


def test_a_refused_message_is_not_retried(warehouse: Path, webhook_factory) -> None:
    webhook = webhook_factory(statuses=[200, 400])
    with Ledger.open_duckdb(warehouse) as ledger:
        outcome = notify(ledger, "hook", _sender(webhook.url), kind="slack", language="en")
        assert ledger.sent_ids("hook") == {"a1"}
    assert [alert.alert_id for alert in outcome.sent] == ["a1"]
    assert outcome.failed is not None and outcome.failed.alert_id == "a4"
    assert "HTTP 400" in outcome.error and [alert.alert_id for alert in outcome.not_attempted] == ["a2", "a3"]
    assert webhook.requests == 2


def test_json_lines_in_french_sent_once(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "alerts" / "cx.jsonl"
    first = _run(warehouse, "--jsonl", str(out))  # the dashboard's default language, French
    assert first.returncode == 0, first.stderr
    second = _run(warehouse, "--jsonl", str(out), REPORT_LANG="fr")
    assert second.returncode == 0 and ": 0 new alert(s) sent" in second.stdout
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [record["alert_id"] for record in records] == ["a1", "a4", "a2", "a3"]
    assert records[0]["language"] == "fr" and records[0]["title"].startswith("NPS en baisse significative")
    assert records[0]["observed"] == 12.5 and records[0]["period_start_date"] == "2026-09-01"
    assert set(ALERT_COLUMNS) <= set(records[0])
    assert records[0]["destination"] == file_destination(out)


def test_record_only_and_filters(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "cx.jsonl"
    with Ledger.open_duckdb(warehouse) as ledger:
        high = notify(ledger, "f", JsonLinesWriter(out), kind="jsonl", language="en", severities=("high",))
        assert [alert.alert_id for alert in high.sent] == ["a1", "a3"]
        recent = notify(
            ledger, "f", JsonLinesWriter(out), kind="jsonl", language="en", since=date(2026, 10, 6)
        )
        assert [alert.alert_id for alert in recent.sent] == []  # a4's quarter starts on 2026-10-01
        marked = notify(ledger, "f", None, kind="record-only", language="en")
        assert [alert.alert_id for alert in marked.sent] == ["a4", "a2"]
        assert notify(ledger, "f", JsonLinesWriter(out), kind="jsonl", language="en").sent == []
    assert len(out.read_text().splitlines()) == 2


def test_bad_settings_and_a_locked_warehouse_get_clear_errors(warehouse: Path, tmp_path: Path) -> None:
    no_destination = _run(warehouse)
    assert no_destination.returncode == 2 and "--webhook-url, $NPS_ALERT_WEBHOOK_URL or --jsonl" in (
        no_destination.stderr
    )
    bad_url = _run(warehouse, NPS_ALERT_WEBHOOK_URL="hooks.slack.com/services/x")
    assert bad_url.returncode == 2 and "$NPS_ALERT_WEBHOOK_URL must be the http(s) URL" in bad_url.stderr
    bad_language = _run(warehouse, "--jsonl", str(tmp_path / "a.jsonl"), REPORT_LANG="de")
    assert bad_language.returncode == 2 and "REPORT_LANG='de'" in bad_language.stderr
    missing = _run(tmp_path / "none.duckdb", "--jsonl", str(tmp_path / "a.jsonl"))
    assert missing.returncode == 3 and "no DuckDB warehouse at" in missing.stderr
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    no_mart = _run(empty, "--jsonl", str(tmp_path / "a.jsonl"))
    assert no_mart.returncode == 3 and "has no marts.fct_cx_alerts: run `make build` first" in no_mart.stderr
    # a build holds the warehouse: the notifier says so and sends nothing
    hold = (
        f"import duckdb, sys; c = duckdb.connect({str(warehouse)!r}); print(1, flush=True); sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "1"
        locked = _run(warehouse, "--jsonl", str(tmp_path / "a.jsonl"))
    finally:
        holder.communicate("", timeout=30)
    assert locked.returncode == 3 and "run it after the build (make build && make notify)" in locked.stderr
    assert not (tmp_path / "a.jsonl").exists()


@pytest.mark.postgres
def test_the_record_lives_in_the_postgres_warehouse_too(tmp_path: Path) -> None:
    from harness import Warehouse

    from nps_warehouse.engines import postgres_connect, profile_target

    warehouse = Warehouse("postgres", tmp_path)
    try:
        settings = {**profile_target("postgres"), "dbname": warehouse.postgres_dbname}
        connection = postgres_connect(settings)
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "create schema marts; create table marts.fct_cx_alerts (alert_id varchar, rule varchar, "
                "metric varchar, severity varchar, period_grain varchar, period_start_date date, "
                "is_period_complete boolean, dimension_name varchar, dimension_value varchar, "
                "observed numeric(5, 2), baseline numeric(5, 2), p_value double precision, "
                "q_value double precision, responses bigint, baseline_responses bigint)"
            )
            cursor.executemany(f"insert into marts.fct_cx_alerts values ({', '.join(['%s'] * 15)})", ALERTS)
        connection.close()
        out = tmp_path / "cx.jsonl"
        with Ledger.open_postgres(settings) as ledger:
            first = notify(ledger, "f", JsonLinesWriter(out), kind="jsonl", language="fr")
            second = notify(ledger, "f", JsonLinesWriter(out), kind="jsonl", language="fr")
            assert ledger.sent_ids("f") == {"a1", "a2", "a3", "a4"}
        assert [alert.alert_id for alert in first.sent] == ["a1", "a4", "a2", "a3"] and second.sent == []
        assert first.sent[0] == Alert.from_row(ALERTS[0])
        assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    finally:
        warehouse.drop()
