"""The dashboard in a real browser: Debian's Chromium driven by Playwright, offline.

:func:`open_dashboard` opens the HTML file from disk in headless Chromium (the system's
``/usr/bin/chromium``, never a browser Playwright downloads) with every request that is not a
``file:`` URL aborted and recorded, and the console's errors collected: the tests read the page
through it, and :func:`section_screenshots` writes a PNG of each section for the README.
Playwright is a test tool (requirements-dev.txt); nothing else of the report needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("NPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: The page's sections, in order (the ids of the template's <section>s).
SECTIONS: tuple[str, ...] = (
    "headline",
    "trend",
    "breakdowns",
    "alerts",
    "followup",
    "drivers",
    "teams",
    "quality",
)


@dataclass
class OpenedPage:
    """A page opened offline, with what it tried and what it said."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)


@contextmanager
def open_dashboard(
    path: str | os.PathLike[str], width: int = 1360, height: int = 900
) -> Iterator[OpenedPage]:
    """The page of ``path`` loaded (every script run) in headless Chromium without network."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: install Debian's chromium (make install-chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = context.new_page()
            opened = OpenedPage(page)

            def route(request_route: Any) -> None:
                url = request_route.request.url
                if url.startswith("file:"):
                    request_route.continue_()
                else:
                    opened.blocked_requests.append(url)
                    request_route.abort()

            context.route("**/*", route)
            page.on(
                "console",
                lambda message: message.type == "error" and opened.console_errors.append(message.text),
            )
            page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')].every(d => d._fullLayout)",
                timeout=30_000,
            )
            yield opened
        finally:
            browser.close()


def section_screenshots(
    opened: OpenedPage, out_dir: str | os.PathLike[str], prefix: str = "", max_height: int | None = None
) -> list[Path]:
    """A PNG of each section of the page, ``<prefix><section>.png`` under ``out_dir``; with
    ``max_height``, a taller section is cut to its first ``max_height`` pixels."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for section in SECTIONS:
        element = opened.page.query_selector(f"section#{section}")
        if element is None:
            continue
        path = out / f"{prefix}{section}.png"
        box = element.evaluate(
            "e => { const r = e.getBoundingClientRect(); return "
            "{x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height}; }"
        )
        if max_height is not None and box["height"] > max_height:
            box["height"] = max_height
            opened.page.screenshot(path=str(path), clip=box, full_page=True, animations="disabled")
        else:
            element.screenshot(path=str(path), animations="disabled")
        written.append(path)
    return written
