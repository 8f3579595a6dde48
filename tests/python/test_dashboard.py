"""The CX dashboard (make report) in a real browser, against the marts it was built from.

The CX programme's generated sources are built once (the harness, in-process dbt); the dashboard
is written from that warehouse in French and in English and opened from disk in Debian's
chromium through Playwright, with every request that is not a file aborted: no console error,
no network request, every chart drawn, and every number shown - headline, breakdowns, alerts,
queue, drivers, ranks, data quality - equal to the marts' own, read back by the harness.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from harness import PROJECT_DIR, Warehouse, read_marts, run_dbt

from nps_warehouse.contract import MART_COLUMNS, PROGRAMME_SOURCES
from nps_warehouse.generator import generate_programme
from nps_warehouse.report import WarehouseReader, build_report, dashboard_content
from nps_warehouse.report.content import BREAKDOWN_DIMENSIONS, QUEUE_ROWS, ratio_pct, reporting_period
from nps_warehouse.report.labels import Labels
from nps_warehouse.report.reader import select_sql

playwright = pytest.importorskip("playwright.sync_api")
from nps_warehouse.report.browser import CHROMIUM, SECTIONS, open_dashboard, section_screenshots  # noqa: E402

#: What the page must show: every chart, by the name of its data-chart attribute.
CHARTS = {
    "trend-week",
    "trend-month",
    *(f"breakdown-{dimension}" for dimension in BREAKDOWN_DIMENSIONS),
    "sla",
    "drivers",
    "teams",
    "rejected",
}


def _dicts(marts: dict[str, list[tuple[Any, ...]]], mart: str) -> list[dict[str, Any]]:
    return [dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in marts[mart]]


#: The warehouse's vars: agents ranked from 3 responses, so that their ranks are on the page.
DBT_VARS = {"cx_agent_min_responses": 3}


def _build(root: Path) -> Path:
    landing = root / "landing"
    generate_programme(landing, rows=3000, files=2, fmt="mixed", seed=41, days=75, end_date="2026-10-31")
    run = run_dbt(
        "build",
        database=root / "nps.duckdb",
        raw=landing,
        work_dir=root,
        sources={source: landing / source for source in PROGRAMME_SOURCES},
        dbt_vars=DBT_VARS,
        data_tests=False,
    )
    assert run.success, run.failures() or run.exception
    return root / "nps.duckdb"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The programme's sources built into a DuckDB file (agents ranked from 3 responses, so that
    the agents' ranks are on the page). The pytest-xdist workers that run this module's tests
    share one build (in their session's common folder, under a lock): the others only read it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build(tmp_path_factory.mktemp("dashboard"))
    root = tmp_path_factory.getbasetemp().parent / "dashboard-warehouse"
    root.mkdir(exist_ok=True)
    with open(root / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            _build(root)
            (root / "built").touch()
    return root / "nps.duckdb"


@pytest.fixture(scope="module")
def marts(warehouse: Path) -> dict[str, list[dict[str, Any]]]:
    rows = read_marts(warehouse)
    return {mart: _dicts(rows, mart) for mart in rows}


@pytest.fixture(scope="module")
def reports(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    reader = WarehouseReader(target="duckdb", duckdb_path=warehouse)
    return {
        language: build_report(reader, out / f"nps_dashboard_{language}.html", language)
        for language in ("fr", "en")
    }


def _number(text: str, language: str) -> Decimal:
    """A number as the page writes it in its language: "1 234,50" (a narrow space between
    thousands, a minus sign) in French, "1,234.50" in English."""
    cleaned = text.replace("\u2212", "-").replace("+", "").strip()
    if language == "fr":
        cleaned = cleaned.replace("\u202f", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    return Decimal(cleaned)


class Page:
    """What the test reads of an opened page."""

    def __init__(self, opened: Any) -> None:
        self.opened = opened
        self.page = opened.page

    def values(self, selector: str) -> list[dict[str, str]]:
        """Every [data-metric] element under ``selector``: metric, value, text."""
        return self.page.eval_on_selector_all(
            f"{selector} [data-metric]",
            "els => els.map(e => ({metric: e.dataset.metric, value: e.dataset.value, text: e.textContent,"
            " cls: e.className}))",
        )

    def value(self, metric: str) -> str:
        return self.page.get_attribute(f'[data-metric="{metric}"]', "data-value")

    def rows(self, kind: str) -> list[dict[str, Any]]:
        """The table rows of one kind (data-row), in page order: key and {metric: value}."""
        return self.page.eval_on_selector_all(
            f'tr[data-row="{kind}"]',
            "rows => rows.map(r => ({key: r.dataset.key, cls: r.className, values: Object.fromEntries("
            "[...r.querySelectorAll('[data-metric]')].map(e => [e.dataset.metric, e.dataset.value]))}))",
        )


@pytest.fixture(scope="module", params=("fr", "en"))
def page(request: pytest.FixtureRequest, reports: dict[str, Path]) -> Iterator[Page]:
    with open_dashboard(reports[request.param]) as opened:
        yield Page(opened)


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _period(marts: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The overall row of the last complete month, found from the marts alone."""
    months = [
        row
        for row in marts["fct_cx_by_period"]
        if row["period_grain"] == "month" and row["dimension_name"] == "overall" and row["is_period_complete"]
    ]
    return max(months, key=lambda row: row["period_start_date"])


def test_the_page_opens_offline_without_errors(page: Page):
    assert Path(CHROMIUM).exists()
    assert page.opened.console_errors == []
    assert page.opened.page_errors == []
    assert page.opened.blocked_requests == [], "the page tried the network"
    # the file carries its scripts: no src/href pointing outside
    external = page.page.eval_on_selector_all(
        "script[src], link[href], img[src]", "els => els.map(e => e.src || e.href)"
    )
    assert external == []


def test_every_chart_has_drawn_its_marks(page: Page):
    drawn = page.page.eval_on_selector_all(
        "[data-chart]",
        """els => els.map(e => ({name: e.dataset.chart,
            marks: [...e.querySelectorAll('.js-plotly-plot .cartesianlayer .trace path')]
                .filter(p => (p.getAttribute('d') || '').length > 4).length,
            width: e.querySelector('.js-plotly-plot').getBoundingClientRect().width,
            room: e.getBoundingClientRect().width}))""",
    )
    assert {chart["name"] for chart in drawn} == CHARTS
    for chart in drawn:
        assert chart["marks"] > 0, f"chart {chart['name']} drew nothing"
        assert 200 < chart["width"] <= chart["room"] + 1, f"chart {chart['name']}: {chart}"


def test_every_number_shown_is_its_value(page: Page):
    """The text of every figure is its data-value, written in the page's language."""
    checked = 0
    language = page.page.get_attribute("html", "lang")
    for figure in page.values("main"):
        if "num" not in figure["cls"].split() or not figure["value"]:
            continue
        assert _number(figure["text"], language) == Decimal(figure["value"]), figure
        checked += 1
    assert checked > 300


def test_the_headline_equals_the_marts(page: Page, marts):
    overall = _period(marts)
    assert page.value("period") == f"month:{overall['period_start_date'].isoformat()}"
    for metric, columns in {
        "nps": ("nps", "nps_ci_lower", "nps_ci_upper", "nps_responses", "previous_nps", "nps_change"),
        "csat_pct": (
            "csat_pct",
            "csat_ci_lower",
            "csat_ci_upper",
            "csat_responses",
            "previous_csat_pct",
            "csat_pct_change",
        ),
        "ces_mean": (
            "ces_mean",
            "ces_mean_ci_lower",
            "ces_mean_ci_upper",
            "ces_responses",
            "previous_ces_mean",
            "ces_mean_change",
        ),
    }.items():
        value, lower, upper, responses, previous, change = (overall[column] for column in columns)
        assert _decimal(page.value(f"headline.{metric}")) == value
        assert _decimal(page.value(f"headline.{metric}.ci_lower")) == lower
        assert _decimal(page.value(f"headline.{metric}.ci_upper")) == upper
        assert int(page.value(f"headline.{metric}.responses")) == responses
        assert _decimal(page.value(f"headline.{metric}.previous")) == previous
        assert _decimal(page.value(f"headline.{metric}.change")) == change
        direction = overall[f"{metric}_change_direction"]
        assert page.value(f"headline.{metric}.direction") == direction
        # a change is marked (coloured, with an arrow) only when the marts call it significant
        marked = page.page.eval_on_selector(
            f'[data-kpi="{metric}"] .change', "e => getComputedStyle(e).fontWeight >= 600"
        )
        assert marked == (direction in ("up", "down"))
    start, end = overall["period_start_date"], overall["period_end_date"]
    sent = [row for row in marts["fct_invitations_daily"] if start <= row["sent_date"] <= end]
    delivered = sum(row["invitations"] - row["bounced"] for row in sent)
    assert int(page.value("headline.response_rate.responses")) == delivered
    assert _decimal(page.value("headline.response_rate")) == ratio_pct(
        sum(row["answered"] for row in sent), delivered
    )


def test_the_trends_plot_the_marts(page: Page, marts):
    for grain in ("week", "month"):
        rows = sorted(
            (
                row
                for row in marts["fct_cx_by_period"]
                if row["period_grain"] == grain and row["dimension_name"] == "overall"
            ),
            key=lambda row: row["period_start_date"],
        )
        traces = page.page.evaluate(
            f"() => document.getElementById('chart-trend-{grain}').data.map(t => t.y)"
        )
        upper, lower, nps = traces
        assert nps == [float(row["nps"]) for row in rows]
        assert lower == [float(row["nps_ci_lower"]) for row in rows]
        assert upper == [float(row["nps_ci_upper"]) for row in rows]


def test_every_breakdown_row_equals_the_marts(page: Page, marts):
    start = _period(marts)["period_start_date"]
    for dimension in BREAKDOWN_DIMENSIONS:
        expected = {
            row["dimension_value"]: row
            for row in marts["fct_cx_by_period"]
            if row["period_grain"] == "month"
            and row["period_start_date"] == start
            and row["dimension_name"] == dimension
            and row["nps_responses"]
        }
        shown = page.rows(dimension)
        assert {row["key"] for row in shown} == set(expected), dimension
        for row in shown:
            mart = expected[row["key"]]
            assert _decimal(row["values"]["nps"]) == mart["nps"]
            assert _decimal(row["values"]["nps_ci_lower"]) == mart["nps_ci_lower"]
            assert _decimal(row["values"]["nps_ci_upper"]) == mart["nps_ci_upper"]
            assert int(row["values"]["nps_responses"]) == mart["nps_responses"]
            # small samples greyed
            assert ("small-sample" in row["cls"]) == mart["is_below_min_responses"]
    assert any(
        "small-sample" in row["cls"] for dimension in BREAKDOWN_DIMENSIONS for row in page.rows(dimension)
    )


def test_alerts_and_queue_equal_the_marts(page: Page, marts):
    start = _period(marts)["period_start_date"]
    current = {row["alert_id"] for row in marts["fct_cx_alerts"] if row["period_start_date"] >= start}
    assert int(page.value("alerts.count")) == len(current)
    assert {row["key"] for row in page.rows("alert")} == current
    queue = sorted(marts["rpt_followup_queue"], key=lambda row: row["queue_rank"])
    assert queue, "the generated programme has cases to act on"
    assert int(page.value("queue.size")) == len(queue)
    assert int(page.value("queue.overdue")) == sum(row["is_overdue"] for row in queue)
    shown = page.rows("queue")
    assert [row["key"] for row in shown] == [row["case_id"] for row in queue[:QUEUE_ROWS]]
    assert [int(row["values"]["queue_rank"]) for row in shown] == [
        row["queue_rank"] for row in queue[:QUEUE_ROWS]
    ]


def test_drivers_keywords_and_ranks_equal_the_marts(page: Page, marts):
    start = _period(marts)["period_start_date"]
    drivers = sorted(
        (
            row
            for row in marts["rpt_cx_drivers"]
            if row["period_grain"] == "month" and row["period_start_date"] == start
        ),
        key=lambda row: row["driver_rank"],
    )[:10]
    shown = page.rows("driver")
    assert [row["key"] for row in shown] == [f"{row['driver_group']}:{row['driver']}" for row in drivers]
    assert [_decimal(row["values"]["nps_impact"]) for row in shown] == [row["nps_impact"] for row in drivers]
    keywords = [
        row["term"]
        for row in sorted(marts["rpt_comment_keywords"], key=lambda row: row["keyword_rank"])
        if row["month_start_date"] == start
        and row["comment_language"] == "fr"
        and row["nps_category"] == "detractor"
        and row["term_type"] == "phrase"
    ][:8]
    shown_keywords = [
        figure["value"] for figure in page.values("main") if figure["metric"] == "keyword.fr.detractor"
    ]
    assert shown_keywords == keywords
    teams = {row["team"]: row for row in marts["fct_team_performance"] if row["month_start_date"] == start}
    shown_teams = page.rows("team")
    assert {row["key"] for row in shown_teams} == set(teams)
    for row in shown_teams:
        team = teams[row["key"]]
        assert _decimal(row["values"]["nps_shrunk"]) == team["nps_shrunk"]
        assert (int(row["values"]["rank"]) if row["values"]["rank"] else None) == team["rank_among_teams"]
    agents = sorted(
        (
            row
            for row in marts["fct_agent_performance"]
            if row["month_start_date"] == start and row["nps_shrunk"] is not None
        ),
        key=lambda row: (row["nps_shrunk"], row["agent_id"], row["team"], row["site"]),
    )[:15]
    shown_agents = page.rows("agent")
    assert [row["key"] for row in shown_agents] == [
        f"{a['agent_id']}|{a['team']}|{a['site']}" for a in agents
    ]
    ranks = [(int(row["values"]["rank"]) if row["values"]["rank"] else None) for row in shown_agents]
    assert ranks == [agent["rank_in_team"] for agent in agents]
    assert any(rank is not None for rank in ranks), "some agents are ranked at 3 responses"


def test_data_quality_equals_the_load_history(page: Page, marts):
    history = marts["rpt_load_history"]
    assert int(page.value("quality.rows_read")) == sum(row["rows_read"] for row in history)
    assert int(page.value("quality.rejected")) == sum(row["rejected"] for row in history)
    by_source = {row["key"]: row["values"] for row in page.rows("source")}
    assert set(by_source) == {row["source_name"] for row in history}
    for source, values in by_source.items():
        loads = [row for row in history if row["source_name"] == source]
        assert int(values["rows_read"]) == sum(row["rows_read"] for row in loads)
        assert int(values["rejected"]) == sum(row["rejected"] for row in loads)
    reasons = {row["key"]: int(row["values"]["rows"]) for row in page.rows("reason")}
    expected = {
        column.removeprefix("rejected_"): sum(row[column] for row in history)
        for column in MART_COLUMNS["rpt_load_history"]
        if column.startswith("rejected_")
    }
    assert reasons == {reason: count for reason, count in expected.items() if count}
    assert page.value("quality.last_load")


def test_the_page_speaks_its_language(page: Page):
    language = page.page.get_attribute("html", "lang")
    heading = page.page.inner_text("section#headline h2")
    assert heading == {"fr": "Chiffres clés", "en": "Headline"}[language]
    nps = page.page.inner_text('[data-metric="headline.nps"]')
    decimal_mark, other = {"fr": (",", "."), "en": (".", ",")}[language]
    assert decimal_mark in nps and other not in nps


def test_each_section_has_a_screenshot(page: Page, tmp_path: Path):
    written = section_screenshots(page.opened, tmp_path)
    assert [path.stem for path in written] == list(SECTIONS)
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def _figures(path: Path) -> list[tuple[str, str]]:
    """Every figure of a page, (metric, value), and every row's key, in page order."""
    html = path.read_text(encoding="utf-8")
    return re.findall(r'data-(?:metric|row|key)="([^"]*)"(?: data-value="([^"]*)")?', html)


@pytest.mark.postgres
def test_the_page_from_postgresql_equals_the_page_from_duckdb(warehouse: Path, reports, tmp_path: Path):
    """The same sources built on PostgreSQL give the same page, figure for figure (but the time
    of the last load)."""
    landing = warehouse.parent / "landing"
    postgres = Warehouse("postgres", tmp_path)
    try:
        run = postgres.build(
            landing,
            sources={source: landing / source for source in PROGRAMME_SOURCES},
            dbt_vars=DBT_VARS,
            data_tests=False,
        )
        assert run.success, run.failures() or run.messages or run.exception
        reader = WarehouseReader(target="postgres", postgres_dbname=postgres.postgres_dbname)
        page = build_report(reader, tmp_path / "postgres.html", "fr")
    finally:
        postgres.drop()
    on_postgres = [figure for figure in _figures(page) if figure[0] != "quality.last_load"]
    on_duckdb = [figure for figure in _figures(reports["fr"]) if figure[0] != "quality.last_load"]
    assert len(on_postgres) > 500
    assert on_postgres == on_duckdb


# --------------------------------------------------------------------------------------------
# The pieces, without a warehouse or a browser
# --------------------------------------------------------------------------------------------


def test_the_reporting_period_is_the_last_complete_one():
    def row(start: date, end: date, complete: bool) -> dict[str, Any]:
        return {
            "period_grain": "month",
            "dimension_name": "overall",
            "period_start_date": start,
            "period_end_date": end,
            "is_period_complete": complete,
        }

    marts = {
        "fct_cx_by_period": [
            row(date(2026, 9, 1), date(2026, 9, 30), True),
            row(date(2026, 11, 1), date(2026, 11, 30), False),
            row(date(2026, 10, 1), date(2026, 10, 31), True),
        ]
    }
    period = reporting_period(marts, "month")
    assert (period.start, period.previous_start, period.is_complete) == (
        date(2026, 10, 1),
        date(2026, 9, 1),
        True,
    )
    marts["fct_cx_by_period"] = [row(date(2026, 11, 1), date(2026, 11, 30), False)]
    period = reporting_period(marts, "month")
    assert (period.start, period.previous_start, period.is_complete) == (date(2026, 11, 1), None, False)
    assert reporting_period({"fct_cx_by_period": []}, "month") is None


def test_percentages_round_half_away_from_zero_like_the_marts():
    assert ratio_pct(1, 8) == Decimal("12.50")
    assert ratio_pct(1, 3) == Decimal("33.33")
    assert ratio_pct(2, 3) == Decimal("66.67")
    assert ratio_pct(1, 200) == Decimal("0.50")
    assert ratio_pct(5, 0) is None


def test_numbers_and_dates_are_written_in_each_language():
    fr, en = Labels("fr"), Labels("en")
    assert fr.number(Decimal("-1234.5")) == "\u22121\u202f234,50"
    assert en.number(Decimal("-1234.5")) == "\u22121,234.50"
    assert fr.number(Decimal("8.02"), signed=True) == "+8,02"
    assert fr.number(1675) == "1\u202f675" and en.number(1675) == "1,675"
    assert (
        fr.month(date(2026, 10, 1)) == "octobre 2026"
        and fr.month(date(2026, 10, 1), title=True) == "Octobre 2026"
    )
    assert (
        fr.period("quarter", date(2026, 10, 1)) == "T4 2026"
        and en.period("quarter", date(2026, 10, 1)) == "Q4 2026"
    )
    assert fr.value("channel", "phone") == "Téléphone / SVI"
    assert en.value("region", "IDF", {"region": {"IDF": "Île-de-France"}}) == "Île-de-France"
    assert fr.overdue(Decimal("-100")) == "en retard de 4 j" and en.overdue(Decimal("5.5")) == "in 5 h"
    with pytest.raises(ValueError):
        Labels("de")


def test_the_reader_selects_known_columns_with_quoted_values():
    sql = select_sql("fct_cx_alerts", ("alert_id", "rule"), {"rule": ("below_target", "o'brien")})
    assert sql == (
        "select alert_id, rule from marts.fct_cx_alerts where rule in ('below_target', 'o''brien')"
    )
    assert select_sql("rpt_load_history", ("loaded_at",)).startswith("select loaded_at from audit.")
    with pytest.raises(ValueError, match="no column"):
        select_sql("fct_cx_alerts", ("nope",))


def test_a_dashboard_needs_only_the_readers_rows():
    """Any reader will do: a warehouse without responses gives a page that says so."""

    class Empty:
        def rows(self, relation, columns, where=None):
            return []

    from nps_warehouse.report import read_dashboard, render_dashboard

    dashboard = dashboard_content(read_dashboard(Empty()))
    assert dashboard.period is None
    html = render_dashboard(dashboard, "en")
    assert "No data in the warehouse." in html
    assert re.search(r"<script src=", html) is None


def test_the_command_writes_the_weekly_page_and_says_what_is_missing(warehouse: Path, marts, tmp_path: Path):
    """scripts/build_report.py: the last complete week in English; exit 3 without a warehouse."""
    out = tmp_path / "weekly.html"
    command = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "build_report.py"),
        "--lang",
        "en",
        "--grain",
        "week",
    ]
    environment = {**os.environ, "NPS_TARGET": "duckdb"}
    done = subprocess.run(
        [*command, "--duckdb-path", str(warehouse), "--out", str(out)],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    week = max(
        (
            row
            for row in marts["fct_cx_by_period"]
            if row["period_grain"] == "week"
            and row["dimension_name"] == "overall"
            and row["is_period_complete"]
        ),
        key=lambda row: row["period_start_date"],
    )
    shown = dict(re.findall(r'data-metric="(headline\.\w+)" data-value="([^"]*)"', html))
    assert shown["headline.nps"] == str(week["nps"])
    assert shown["headline.ces_mean"] == str(week["ces_mean"])
    assert f'data-value="week:{week["period_start_date"].isoformat()}"' in html
    assert '<html lang="en">' in html
    missing = subprocess.run(
        [*command, "--duckdb-path", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "none.html")],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert missing.returncode == 3 and "make build" in missing.stderr
