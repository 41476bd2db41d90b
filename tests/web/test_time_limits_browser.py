"""In a real browser: the queue warns in amber of an expiring warrant; a lapse heads a case, red."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.staff.accounts import StaffAccount
from tests.intake.helpers import file_request, register_agency
from tests.web.test_time_limits import lapsed_page, warrant

AMBER = "rgb(255, 241, 204)"
RED = "rgb(179, 38, 30)"
WHITE = "rgb(255, 255, 255)"


def style(locator: Any, prop: str) -> str:
    """A computed style of the element, as the browser resolved the console's stylesheet."""
    return str(locator.evaluate(f"e => getComputedStyle(e).{prop}"))


def test_the_queue_warns_ahead_and_filters_to_what_runs_out_soon(
    live_server: str,
    browser_page: Any,
    console_reviewer: StaffAccount,
    session: Session,
    settings: Settings,
) -> None:
    register_agency(session)
    good = file_request(session, settings, warrant(60))
    soon = file_request(session, settings, warrant(1))
    page = browser_page
    page.goto(f"{live_server}/console")
    page.click("#queue th >> text=Time limit")
    assert page.url.endswith("/console?sort=time_limit")
    first = page.locator("#queue tbody tr").first
    assert soon in first.inner_text()
    warning = first.locator(".limit")
    assert re.fullmatch(r"search warrant expires in \d+ hours", warning.inner_text())
    assert style(warning, "backgroundColor") == AMBER

    page.click("p.windows >> text=3 days")
    assert page.url.endswith("/console?sort=time_limit&within=3")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 1 and good not in rows.first.inner_text()


def test_a_lapsed_case_opens_with_a_red_alert(
    live_server: str,
    browser_page: Any,
    console_reviewer: StaffAccount,
    session: Session,
    settings: Settings,
) -> None:
    page = browser_page
    page.goto(f"{live_server}/console")
    page.set_content(lapsed_page(session, settings, console_reviewer))
    alert = page.get_by_role("alert")
    assert alert.inner_text().startswith("Policy basis lapsed: the search warrant expired")
    assert alert.is_visible()
    assert style(alert, "backgroundColor") == RED and style(alert, "color") == WHITE
    assert alert.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
