"""The portal in Debian's chromium: TOTP login, filing with a PDF, hash mismatch, CSRF refusal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.intake.models import RequestRow
from tests.portal.conftest import ARTIFACTS, Officer, minimal_pdf, sha256

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    """Keep a full-page screenshot in test-artifacts/portal/ for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, who: Officer, code: str | None = None) -> None:
    """Fill the login form and submit it."""
    page.goto(f"{base}/portal/login")
    page.fill('input[name="email"]', who.email)
    page.fill('input[name="password"]', who.password)
    page.fill('input[name="code"]', who.code() if code is None else code)
    page.click('#login button[type="submit"]')


def fill_request(page: Any, pdf: Path, stated: str = "") -> None:
    """Fill the new-request form as an officer does for a search warrant."""
    today = dt.date.today()
    page.select_option('select[name="kind"]', "production")
    page.select_option('select[name="purpose"]', "criminal_investigation")
    page.fill('input[name="case_reference"]', "NY-2026-00417")
    page.fill('input[name="officer.title"]', "Special Agent")
    page.fill('input[name="officer.phone"]', "+1 212 555 0100")
    page.fill('textarea[name="offence.description"]', "wire fraud through counterfeit listings")
    page.fill('input[name="offence.statute"]', "18 U.S.C. 1343")
    page.fill('input[name="offence.max_custodial_years"]', "20")
    page.select_option('select[name="offence.dual_criminality"]', "yes")
    page.select_option('select[name="legal_process.type"]', "search_warrant")
    page.select_option('select[name="legal_process.issuer_role"]', "judge")
    page.fill('input[name="legal_process.issuer_name"]', "S.D.N.Y. Magistrate Judge")
    page.fill('input[name="legal_process.issued_on"]', today.isoformat())
    page.fill('input[name="legal_process.expires_on"]', (today + dt.timedelta(60)).isoformat())
    page.set_input_files('input[name="legal_process.document"]', str(pdf))
    page.fill('input[name="legal_process.document_sha256"]', stated)
    page.fill('textarea[name="targets"]', "email:seller.one@example.com\nusername:quickdeals")
    page.check('input[name="categories"][value="subscriber"]')
    page.check('input[name="categories"][value="content"]')
    page.fill('input[name="date_range.from"]', "2026-01-01")
    page.fill('input[name="date_range.to"]', "2026-10-31")


def stored(session: Session, request_id: str) -> RequestRow:
    """The request row as the server committed it."""
    session.expire_all()
    row = session.scalars(select(RequestRow).where(RequestRow.id == request_id)).one()
    return row


def write_pdf(tmp_path: Path, text: str = "Search warrant") -> Path:
    """A real PDF file on disk, for the file input."""
    path = tmp_path / "warrant.pdf"
    path.write_bytes(minimal_pdf(text))
    return path


def test_login_needs_the_totp_code(live_server: str, browser_page: Any, officer: Officer) -> None:
    page = browser_page
    page.goto(f"{live_server}/portal")
    assert page.url.endswith("/portal/login")
    shot(page, "login")

    sign_in(page, live_server, officer, code="")
    assert page.url.endswith("/portal/login")  # the browser itself asks for the code
    assert page.locator('input[name="code"]:invalid').count() == 1
    page.evaluate("document.querySelector('input[name=code]').removeAttribute('required')")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click('#login button[type="submit"]')
    assert posted.value.status == 401
    assert "the email, password or code is wrong" in page.locator("#login-error").inner_text()
    assert page.input_value('input[name="email"]') == officer.email
    shot(page, "login-refused")
    assert not [c for c in page.context.cookies() if c["name"] == "lawgate_portal"]

    sign_in(page, live_server, officer)
    assert page.url.endswith("/portal")
    assert "Requests of FBI New York Field Office" in page.locator("h1").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "lawgate_portal")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""
    shot(page, "home-empty")


def test_filing_a_request_with_a_pdf_shows_its_status(
    live_server: str, browser_page: Any, officer: Officer, session: Session, tmp_path: Path
) -> None:
    page = browser_page
    pdf = write_pdf(tmp_path)
    sign_in(page, live_server, officer)
    page.click("text=New request >> nth=0")
    assert page.url.endswith("/portal/requests/new")
    assert page.locator("#emergency").is_hidden()
    page.select_option('select[name="kind"]', "emergency_disclosure")
    assert page.locator("#emergency").is_visible()

    page.select_option('select[name="kind"]', "production")
    page.fill('input[name="case_reference"]', "NY-HALF-FILLED")
    page.click('#new-request button[type="submit"]')
    assert page.url.endswith("/portal/requests/new")  # the browser holds back a form with gaps
    fill_request(page, pdf)
    page.fill('textarea[name="targets"]', "email:seller.one@example.com\nnot-a-target")
    page.click('#new-request button[type="submit"]')
    errors = page.locator('.field-error[data-for="targets"]').inner_text()
    assert "line 2: write type:value" in errors
    assert page.input_value('input[name="case_reference"]') == "NY-2026-00417"
    shot(page, "new-request-errors")

    fill_request(page, pdf)
    shot(page, "new-request")
    page.click('#new-request button[type="submit"]')
    assert "/portal/requests/LG-" in page.url
    request_id = page.url.rsplit("/", 1)[1]
    assert request_id in page.locator("h1").inner_text()
    assert page.locator("#state").inner_text() == "in review"
    document = page.locator("#document").inner_text()
    assert "warrant.pdf" in document and sha256(pdf.read_bytes()) in document
    assert page.locator("#hash-mismatch").count() == 0
    assert "No decision yet" in page.locator("#no-decision").inner_text()
    shot(page, "status")

    page.click("text=← Your requests")
    row = page.locator("#requests tbody tr")
    assert row.count() == 1 and "NY-2026-00417" in row.inner_text()
    shot(page, "home")
    saved = stored(session, request_id)
    assert (saved.submitted_via, saved.officer_id) == ("portal", officer.id)
    assert saved.document_sha256 == sha256(pdf.read_bytes())


def test_a_pdf_whose_hash_differs_from_the_stated_one_is_flagged(
    live_server: str, browser_page: Any, officer: Officer, session: Session, tmp_path: Path
) -> None:
    page = browser_page
    pdf = write_pdf(tmp_path, "A different warrant")
    stated = sha256(minimal_pdf("The warrant the court issued"))
    sign_in(page, live_server, officer)
    page.goto(f"{live_server}/portal/requests/new")
    fill_request(page, pdf, stated=stated)
    page.click('#new-request button[type="submit"]')
    assert "/portal/requests/LG-" in page.url
    assert page.locator("#hash-mismatch").is_visible()
    shot(page, "status-hash-mismatch")

    saved = stored(session, page.url.rsplit("/", 1)[1])
    assert saved.body["legal_process"]["document_sha256"] == stated
    assert saved.document_sha256 == sha256(pdf.read_bytes()) != stated
    assert "document_hash_mismatch" in [s["code"] for s in saved.signals]


def test_a_form_post_without_the_csrf_field_fails_with_403(
    live_server: str, browser_page: Any, officer: Officer, session: Session, tmp_path: Path
) -> None:
    page = browser_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server}/portal/requests/new")
    fill_request(page, write_pdf(tmp_path))
    page.evaluate("document.querySelector('#new-request input[name=csrf_token]').remove()")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click('#new-request button[type="submit"]')
    assert posted.value.status == 403
    assert "csrf_token" in page.locator("#error-message").inner_text()
    shot(page, "csrf-refused")
    session.expire_all()
    assert session.scalars(select(RequestRow)).all() == []
