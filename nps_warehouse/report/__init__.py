"""The CX director's dashboard: one self-contained HTML file built from the marts.

- :mod:`.reader`: where the marts are read from (the warehouse of NPS_TARGET, or any reader);
- :mod:`.content`: what the page shows, chosen from the marts' rows (no statistic computed);
- :mod:`.labels`: French and English words and number formats;
- :mod:`.charts`: the plotly charts;
- :mod:`.page`: the HTML, with plotly.js inlined (opens from disk, no network);
- :mod:`.browser`: the page in headless Chromium (tests and screenshots; needs playwright).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from nps_warehouse.report.content import Dashboard, dashboard_content, read_dashboard
from nps_warehouse.report.page import render_dashboard, write_dashboard
from nps_warehouse.report.reader import MartReader, WarehouseReader

__all__ = [
    "Dashboard",
    "MartReader",
    "WarehouseReader",
    "build_report",
    "dashboard_content",
    "read_dashboard",
    "render_dashboard",
    "write_dashboard",
]


def build_report(
    reader: MartReader,
    out: str | Path,
    language: str = "fr",
    grain: str = "month",
    generated_at: datetime | None = None,
) -> Path:
    """Read the marts through ``reader`` and write the dashboard of the last complete ``grain``
    to ``out``."""
    dashboard = dashboard_content(read_dashboard(reader), grain)
    return write_dashboard(dashboard, out, language, generated_at)
