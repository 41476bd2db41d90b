"""In a real browser, signed in: the Risk column sorts the queue; the call-back form confirms."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.staff.accounts import StaffAccount
from tests.factories import request_body
from tests.intake.helpers import emergency_body, file_request, register_agency


def test_sorting_by_risk_and_recording_a_call_back(
    live_server: str,
    browser_page: Any,
    console_reviewer: StaffAccount,
    session: Session,
    settings: Settings,
) -> None:
    register_agency(session)
    calm = file_request(session, settings, request_body(), document_sha256="9f" * 32)
    body = emergency_body()
    body["emergency"]["threat"] += "; call me back on +1 310 555 0199"
    urgent = file_request(session, settings, body)
    page = browser_page
    page.goto(f"{live_server}/console")
    page.click("#queue th a")
    assert page.url.endswith("/console?sort=risk")
    first = page.locator("#queue tbody tr").first.inner_text()
    assert urgent in first and calm not in first

    page.click(f"text={urgent}")
    assert "not done" in page.locator("#callbacks h2").inner_text()
    page.fill("input[name=spoke_to]", "duty agent")
    page.select_option("select[name=outcome]", "confirmed")
    page.click("text=Record call-back")
    assert page.url.endswith(f"/console/requests/{urgent}#callbacks")
    assert "confirmed" in page.locator("#callbacks h2").inner_text()
    assert console_reviewer.name in page.locator("#callbacks table").inner_text()
    advice = page.locator(".decision > p > strong").all_inner_texts()
    assert advice[:2] == ["Policy advises: reject", "Policy advises: approve"]
