"""The console in a real browser: sign-in first; the queue lists, filters and opens requests."""

from __future__ import annotations

from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy.orm import Session

from lawgate.staff.accounts import StaffAccount
from tests.factories import FBI, STAFF, register, request_body, signed

DE = {
    "id": "de-sta-berlin",
    "name": "Staatsanwaltschaft Berlin",
    "country": "DE",
    "kind": "prosecutor",
    "level": "state",
    "domains": ["sta.berlin.de"],
    "callback_phone": "+49 30 9014 0",
}


def submit(base: str, body: dict[str, Any], agency: str) -> str:
    """Submit over real HTTP as an agency."""
    answer = httpx.post(f"{base}/api/v1/requests", json=body, auth=signed(agency))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


@pytest.mark.usefixtures("api_staff")
def test_the_queue_lists_filters_and_opens_requests(
    live_server: str, browser_page: Any, console_reviewer: StaffAccount, session: Session
) -> None:
    register(session, FBI)
    register(session, DE)
    us_id = submit(live_server, request_body(), FBI["id"])
    officer = {"name": "Jana Vogel", "title": "", "email": "j.vogel@sta.berlin.de", "phone": ""}
    de_id = submit(
        live_server,
        request_body(
            agency_id="de-sta-berlin", country="DE", officer=officer, categories=["subscriber"]
        ),
        DE["id"],
    )
    decision = {"outcome": "approve", "categories": {"subscriber": "allow"}}
    answer = httpx.post(
        f"{live_server}/api/v1/staff/requests/{de_id}/decision",
        json={"decision": decision},
        headers=STAFF,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "approved", "advised and allowing no content: final at once"

    page = browser_page
    page.goto(live_server + "/")
    assert page.url.endswith("/console")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 2
    text = page.locator("#queue").inner_text()
    assert "FBI New York Field Office" in text and "Staatsanwaltschaft Berlin" in text
    assert "in review" in text and "approved" in text

    page.select_option("select[name=country]", "DE")
    page.click("form.filters button[type=submit]")
    assert page.locator("#queue tbody tr").count() == 1
    assert "country=DE" in page.url

    page.click(f"text={de_id}")
    heading = page.locator("h1").inner_text()
    assert de_id in heading and "approved" in heading
    body = page.locator("main").inner_text()
    assert "request:decision:recorded" in body
    assert "search warrant" in body

    page.goto(f"{live_server}/console?state=in_review")
    assert page.locator("#queue tbody tr").count() == 1
    assert us_id in page.locator("#queue").inner_text()


def test_the_api_docs_render_offline(live_server: str, browser_page: Any) -> None:
    page = browser_page
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/requests" in [p.replace("\u200b", "") for p in paths]
    assert "lawgate" in page.locator(".title").first.inner_text()
    assert not [url for url in failed if not url.startswith(live_server)]


def test_console_pages_send_a_stranger_to_sign_in_and_back(
    live_server: str, browser_page: Any, staff_member: Any
) -> None:
    """Without a session a page opens the login form; signing in returns to that page."""
    account, password, secret = staff_member("reviewer")
    page = browser_page
    response = page.goto(f"{live_server}/console/agencies")
    assert response.status == 200
    assert page.url == f"{live_server}/console/login?next=%2Fconsole%2Fagencies"
    assert page.locator("input[name=password]").count() == 1
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", password)
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/console/agencies")
    assert "Agency registry" in page.locator("h1").inner_text()


@pytest.mark.usefixtures("console_reviewer")
def test_an_unknown_request_page_is_a_readable_404(live_server: str, browser_page: Any) -> None:
    response = browser_page.goto(f"{live_server}/console/requests/LG-NOSUCH00")
    assert response.status == 404
    assert "no request with id 'LG-NOSUCH00'" in browser_page.locator("main").inner_text()
    browser_page.click("text=Back to the queue")
    assert browser_page.url.endswith("/console")
