"""The dashboard's charts: plotly figures written as HTML fragments.

Each function takes rows of the marts (as chosen by :mod:`.content`) and returns the ``<div>`` of
one chart, with the script that draws it; the page inlines plotly.js once (:func:`plotly_js`), so
no chart loads anything from the network. Colours say the same thing in every chart: green and
red for a difference the marts call significant, blue for one they do not, light grey for a
sample under the minimum.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from nps_warehouse.report.labels import Labels

Row = dict[str, Any]

BLUE = "#2f6db5"
BAND = "rgba(47, 109, 181, 0.18)"
GREEN = "#1a7f37"
RED = "#c62828"
GREY = "#b8bec6"
DARK = "#3c4650"
TARGET = "#8a6d00"
_CONFIG = {"displayModeBar": False, "responsive": True}


def plotly_js() -> str:
    """plotly.js itself, to inline once in the page."""
    return get_plotlyjs()


def _float(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": "none",
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
        "font": {
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "size": 12,
            "color": DARK,
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
        "hoverlabel": {"bgcolor": "white"},
    }
    layout.update(extra)
    return layout


def _axis(**extra: Any) -> dict[str, Any]:
    return {"gridcolor": "#e6e9ee", "zerolinecolor": "#aab2bd", "automargin": True, **extra}


def _nps_hover(name: str, row: Row, labels: Labels) -> str:
    """The hover text of an NPS: its name, value, interval and responses."""
    interval = f"[{labels.number(row['nps_ci_lower'])}{labels.sep}{labels.number(row['nps_ci_upper'])}]"
    responses = f"{labels.number(row['nps_responses'])} {labels('responses')}"
    return f"{name}<br>NPS {labels.number(row['nps'])} {interval}<br>{responses}"


def _html(figure: go.Figure, chart_id: str, height: int) -> str:
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart_id,
        config=_CONFIG,
        default_width="100%",
        default_height=f"{height}px",
    )


def direction_colour(row: Row, prefix: str = "nps") -> str:
    """The colour of a breakdown value: grey under the minimum, green or red when the marts
    say it differs from the rest, blue otherwise."""
    if row.get("is_below_min_responses"):
        return GREY
    return {"above": GREEN, "below": RED}.get(row.get(f"{prefix}_vs_rest_direction") or "", BLUE)


def trend_chart(
    rows: list[Row], grain: str, labels: Labels, chart_id: str, target: Decimal | None = None
) -> str:
    """NPS of each period with its interval as a band; hollow points for periods not over."""
    x = [row["period_start_date"].isoformat() for row in rows]
    ticks = [
        labels.month(row["period_start_date"], title=True)
        if grain == "month"
        else labels.short_date(row["period_start_date"])
        for row in rows
    ]
    hover = [_nps_hover(tick, row, labels) for tick, row in zip(ticks, rows, strict=True)]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[_float(row["nps_ci_upper"]) for row in rows],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[_float(row["nps_ci_lower"]) for row in rows],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=BAND,
            hoverinfo="skip",
            name=labels("interval"),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[_float(row["nps"]) for row in rows],
            mode="lines+markers",
            line={"color": BLUE, "width": 2.5},
            marker={
                "size": 8,
                "color": [BLUE if row["is_period_complete"] else "white" for row in rows],
                "line": {"color": BLUE, "width": 2},
            },
            text=hover,
            hoverinfo="text",
            name="NPS",
        )
    )
    shapes = []
    if target is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": float(target),
                "y1": float(target),
                "line": {"color": TARGET, "dash": "dash", "width": 1.5},
            }
        )
    step = max(1, len(rows) // 8)
    figure.update_layout(
        **_layout(
            280,
            shapes=shapes,
            xaxis=_axis(type="category", tickvals=x[::step], ticktext=ticks[::step], showgrid=False),
            yaxis=_axis(title={"text": "NPS"}),
        )
    )
    return _html(figure, chart_id, 280)


def _nps_interval_trace(
    rows: list[Row], names: list[str], colours: list[str], labels: Labels, **options: Any
) -> go.Scatter:
    """The NPS of each row (a dot of its colour, a line a name) with its interval as error bars."""
    return go.Scatter(
        x=[_float(row["nps"]) for row in rows],
        y=names,
        mode="markers",
        marker={"size": 10, "color": colours},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [_float(row["nps_ci_upper"] - row["nps"]) for row in rows],
            "arrayminus": [_float(row["nps"] - row["nps_ci_lower"]) for row in rows],
            "color": "#8c96a3",
            "thickness": 1.5,
            "width": 4,
        },
        text=[_nps_hover(name, row, labels) for name, row in zip(names, rows, strict=True)],
        hoverinfo="text",
        **options,
    )


def breakdown_chart(
    rows: list[Row], labels: Labels, names: list[str], chart_id: str, overall: Decimal | None
) -> str:
    """The NPS of each value of a dimension with its interval, one line a value."""
    height = 60 + 28 * len(rows)
    colours = [direction_colour(row) for row in rows]
    figure = go.Figure(_nps_interval_trace(rows, names, colours, labels))
    shapes = []
    if overall is not None:
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "x0": float(overall),
                "x1": float(overall),
                "line": {"color": DARK, "dash": "dot", "width": 1},
            }
        )
    figure.update_layout(
        **_layout(
            height,
            shapes=shapes,
            xaxis=_axis(range=[-100, 100], title={"text": "NPS"}, dtick=25),
            yaxis=_axis(autorange="reversed", showgrid=False),
        )
    )
    return _html(figure, chart_id, height)


def bar_chart(
    values: list[float | None],
    names: list[str],
    chart_id: str,
    colours: list[str] | str = BLUE,
    horizontal: bool = True,
    axis_title: str = "",
    hover: list[str] | None = None,
) -> str:
    """Bars, horizontal (a name a line, first on top) or vertical (a name a column)."""
    height = 60 + 26 * len(names) if horizontal else 240
    bar = go.Bar(
        x=values if horizontal else names,
        y=names if horizontal else values,
        orientation="h" if horizontal else "v",
        marker={"color": colours},
        text=hover,
        hoverinfo="text" if hover else "x+y",
        textposition="none",
    )
    figure = go.Figure(bar)
    value_axis = _axis(title={"text": axis_title})
    name_axis = _axis(showgrid=False, type="category", **({"autorange": "reversed"} if horizontal else {}))
    figure.update_layout(
        **_layout(
            height,
            xaxis=value_axis if horizontal else name_axis,
            yaxis=name_axis if horizontal else value_axis,
            bargap=0.35,
        )
    )
    return _html(figure, chart_id, height)


def teams_chart(rows: list[Row], labels: Labels, chart_id: str) -> str:
    """Each team's NPS with its interval (dot) and its shrunk NPS (diamond)."""
    names = [labels.value("team", row["team"]) for row in rows]
    colours = [GREY if row["is_below_min_responses"] else BLUE for row in rows]
    height = 60 + 30 * len(rows)
    figure = go.Figure()
    figure.add_trace(_nps_interval_trace(rows, names, colours, labels, name="NPS"))
    figure.add_trace(
        go.Scatter(
            x=[_float(row["nps_shrunk"]) for row in rows],
            y=names,
            mode="markers",
            marker={"size": 11, "symbol": "diamond", "color": "white", "line": {"color": DARK, "width": 2}},
            text=[
                f"{name}<br>{labels('shrunk_marker')} {labels.number(row['nps_shrunk'])}"
                for name, row in zip(names, rows, strict=True)
            ],
            hoverinfo="text",
            name=labels("shrunk_marker"),
        )
    )
    figure.update_layout(
        **_layout(
            height,
            showlegend=True,
            legend={"orientation": "h", "y": -0.25 if len(rows) > 4 else -0.5},
            margin={"l": 10, "r": 20, "t": 10, "b": 70},
            xaxis=_axis(range=[-100, 100], dtick=25, title={"text": "NPS"}),
            yaxis=_axis(autorange="reversed", showgrid=False, type="category"),
        )
    )
    return _html(figure, chart_id, height + 30)
