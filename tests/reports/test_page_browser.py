"""/transparency in a real browser: both charts draw, the checkpoint shows; a screenshot is kept.

The screenshot goes to test-artifacts/transparency/ (kept by CI as an artifact).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lawgate.config import Settings
from tests.reports.test_page import AUDIT_INDEX, CHECKPOINT, publish_sample
from tests.web.conftest import browser_page, live_server

__all__ = ["browser_page", "live_server"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "transparency"


def test_transparency_page_renders_charts(
    settings: Settings, live_server: str, browser_page: Any
) -> None:
    publish_sample(settings.home)
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    answer = page.goto(live_server + "/transparency")
    assert answer is not None and answer.status == 200
    for chart in ("#chart-by-country", "#chart-outcomes"):
        box = page.locator(chart).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, chart
    shown = page.locator("#checkpoint").inner_text()
    assert shown.strip() == CHECKPOINT.strip()
    assert page.locator("#audit-index").inner_text() == str(AUDIT_INDEX)
    assert page.get_by_role("img", name="Requests by country, 2026-H2").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "transparency.png"), full_page=True)
    assert (ARTIFACTS / "transparency.png").stat().st_size > 10_000
