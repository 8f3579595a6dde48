"""The dashboard as one self-contained HTML file: the content, its charts and its words.

:func:`render_dashboard` fills the Jinja template ``dashboard.html.j2`` (beside this module)
with a :class:`~.content.Dashboard`, its charts (:mod:`.charts`) and the labels of a language
(:mod:`.labels`), and inlines plotly.js and the style sheet: the file opens from disk, with no
server and no network. Every figure taken from a mart is written as
``<span data-metric="..." data-value="...">`` with the mart's value unformatted in
``data-value``, so that a test (or a reader's script) reads the exact number behind the text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from nps_warehouse.report import charts
from nps_warehouse.report.content import BREAKDOWN_DIMENSIONS, Dashboard
from nps_warehouse.report.labels import Labels

TEMPLATE = "dashboard.html.j2"
_ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def machine_value(value: Any) -> str:
    """A mart's value as written in ``data-value``: a number's exact digits, a date in ISO,
    a boolean as true/false, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int, float)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value) if not hasattr(value, "isoformat") else value.isoformat()


class Figures:
    """Writes a figure as a span with its machine-readable value (used by the template)."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels

    def __call__(
        self, metric: str, value: Any, decimals: int = 2, signed: bool = False, css: str = ""
    ) -> Markup:
        text = self.labels.number(value, decimals, signed) if not isinstance(value, str) else value
        css_class = f"num {css}".strip()
        return Markup(
            f'<span class="{css_class}" data-metric="{escape(metric)}" '
            f'data-value="{escape(machine_value(value))}">{escape(text)}</span>'
        )


def _period_title(dashboard: Dashboard, labels: Labels) -> str:
    period = dashboard.period
    if period is None:
        return labels("no_data")
    if period.grain == "month":
        title = labels.month(period.start, title=True)
    else:
        title = labels("period_week", start=labels.date(period.start), end=labels.date(period.end))
    if not period.is_complete:
        title += f" ({labels('period_incomplete')})"
    return title


def _previous_title(dashboard: Dashboard, labels: Labels) -> str:
    period = dashboard.period
    if period is None or period.previous_start is None:
        return ""
    previous = (
        labels.month(period.previous_start)
        if period.grain == "month"
        else labels(
            "period_week", start=labels.date(period.previous_start), end=labels.date(period.previous_end)
        )
    )
    return labels("compared_with", previous=previous)


def render_charts(dashboard: Dashboard, labels: Labels) -> dict[str, str]:
    """Every chart of the page, by name."""
    rendered: dict[str, str] = {}
    target = dashboard.overall["nps_target"] if dashboard.overall else None
    for grain, rows in dashboard.trends.items():
        if rows:
            rendered[f"trend-{grain}"] = charts.trend_chart(
                rows, grain, labels, f"chart-trend-{grain}", target
            )
    overall = dashboard.overall["nps"] if dashboard.overall else None
    for dimension, rows in dashboard.breakdowns.items():
        if rows:
            names = [labels.value(dimension, row["dimension_value"], dashboard.value_names) for row in rows]
            rendered[f"breakdown-{dimension}"] = charts.breakdown_chart(
                rows, labels, names, f"chart-breakdown-{dimension}", overall
            )
    weeks = [row for row in dashboard.sla_by_week if row["sla_met_pct"] is not None]
    if weeks:
        rendered["sla"] = charts.bar_chart(
            [float(row["sla_met_pct"]) for row in weeks],
            [labels.short_date(row["week_start_date"]) for row in weeks],
            "chart-sla",
            horizontal=False,
            axis_title="%",
            hover=[
                f"{labels.short_date(row['week_start_date'])}: {labels.number(row['sla_met_pct'])} % "
                f"({row['cases_due_met']}/{row['cases_due']})"
                for row in weeks
            ],
        )
    if dashboard.drivers:
        rendered["drivers"] = charts.bar_chart(
            [
                float(row["nps_impact"]) if row["nps_impact"] is not None else None
                for row in dashboard.drivers
            ],
            [driver_name(row, labels) for row in dashboard.drivers],
            "chart-drivers",
            colours=[
                (charts.RED if row["nps_impact"] < 0 else charts.GREEN)
                if row["is_gap_significant"] and row["nps_impact"] is not None
                else charts.GREY
                for row in dashboard.drivers
            ],
            axis_title=labels("col_impact"),
        )
    if dashboard.teams:
        rendered["teams"] = charts.teams_chart(
            [row for row in dashboard.teams if row["nps"] is not None], labels, "chart-teams"
        )
    if dashboard.quality_reasons:
        rendered["rejected"] = charts.bar_chart(
            [count for _, count in dashboard.quality_reasons],
            [labels.reason(reason) for reason, _ in dashboard.quality_reasons],
            "chart-rejected",
            colours=charts.DARK,
        )
    return rendered


def driver_name(row: dict[str, Any], labels: Labels) -> str:
    """ "theme: wait_time", "canal : téléphone"."""
    group = row["driver_group"]
    value = labels.value(group, row["driver"])
    return f"{labels('group_' + group)}{labels.colon}{value}"


def render_dashboard(dashboard: Dashboard, language: str = "fr", generated_at: datetime | None = None) -> str:
    """The page's HTML."""
    labels = Labels(language)
    template = _ENVIRONMENT.get_template(TEMPLATE)
    return template.render(
        d=dashboard,
        t=labels,
        fig=Figures(labels),
        charts={name: Markup(html) for name, html in render_charts(dashboard, labels).items()},
        plotly_js=Markup(charts.plotly_js()),
        period_title=_period_title(dashboard, labels),
        previous_title=_previous_title(dashboard, labels),
        dimensions=BREAKDOWN_DIMENSIONS,
        colour=charts.direction_colour,
        driver_name=driver_name,
        generated_at=labels.timestamp(generated_at or datetime.now(UTC).replace(tzinfo=None)),
        language=language,
    )


def write_dashboard(
    dashboard: Dashboard, out: str | Path, language: str = "fr", generated_at: datetime | None = None
) -> Path:
    """Write the page to ``out`` (its folder created) and return its path."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dashboard(dashboard, language, generated_at), encoding="utf-8")
    return path
