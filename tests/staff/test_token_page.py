"""The console's token page on a real server: a person issues, confirms and revokes their own."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow
from lawgate.staff import tokens
from tests.conftest import StaffFactory
from tests.factories import CSRF_FIELD
from tests.staff.minting import TOKEN, code, wrong
from tests.web.conftest import live_server

__all__ = ["live_server"]
QUEUE = "/api/v1/staff/requests"


@pytest.fixture
def browser(live_server: str) -> Iterator[httpx.Client]:
    """An HTTP client of the real server that keeps its cookies, as a browser does."""
    with httpx.Client(base_url=live_server) as client:
        yield client


def sign_in(client: httpx.Client, email: str, password: str, secret: str) -> str:
    """Sign in to the console with the current code; returns the session's CSRF token."""
    login = CSRF_FIELD.search(client.get("/console/login").text)
    assert login
    form = {"csrf_token": login.group(1), "email": email, "password": password}
    signed = client.post("/console/login", data={**form, "code": code(secret)})
    assert signed.status_code == 303, signed.text
    page = CSRF_FIELD.search(client.get("/console/token").text)
    assert page
    return page.group(1)


def api(live_server: str, token: str) -> int:
    """The staff API's status for a call with this token."""
    return httpx.get(live_server + QUEUE, headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_member_issues_their_own_token_with_password_and_a_fresh_code_and_revokes_it(
    live_server: str, browser: httpx.Client, session: Session, staff_member: StaffFactory
) -> None:
    account, password, secret = staff_member("reviewer")
    csrf = sign_in(browser, account.email, password, secret)
    assert 'href="/console/token"' in browser.get("/console").text, "the nav links the page"
    assert "You hold no API token." in browser.get("/console/token").text
    form = {"csrf_token": csrf, "password": password}
    forged = browser.post(
        "/console/token", data={**form, "csrf_token": "x", "code": code(secret, 1)}
    )
    assert forged.status_code == 403
    for refused in (
        browser.post(
            "/console/token", data={**form, "password": "not my password", "code": code(secret, 1)}
        ),
        browser.post("/console/token", data={**form, "code": code(secret)}),  # spent on sign-in
    ):
        assert refused.status_code == 401 and "the password or code is wrong" in refused.text
        assert not TOKEN.search(refused.text)
    issued = browser.post("/console/token", data={**form, "code": code(secret, 1)})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    [token] = TOKEN.findall(issued.text)
    assert api(live_server, token) == 200
    page = browser.get("/console/token").text
    assert token not in page and "Your token is <strong>active</strong>" in page
    query = select(AuditEntryRow.canonical).where(AuditEntryRow.event == "staff:token:issued")
    [entry] = [json.loads(text) for text in session.scalars(query)]
    details = entry["details"]
    assert (entry["actor"], details["issuer"], details["owner"]) == (account.actor,) * 3
    assert details["origin"].startswith("session:") and details["pending"] is False
    revoked = browser.post(
        "/console/token/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == "/console/token"
    assert api(live_server, token) == 401
    assert "You hold no API token." in browser.get("/console/token").text


def test_the_owner_confirms_an_admins_token_with_their_own_code_on_the_page(
    live_server: str, browser: httpx.Client, session: Session, staff_member: StaffFactory
) -> None:
    owner, password, secret = staff_member("reviewer")
    admin, _, admin_secret = staff_member("admin")
    [token] = tokens.issue_pending(
        session, [owner.email], admin.email, code(admin_secret), "cli:test", "test"
    ).values()
    session.commit()
    assert api(live_server, token) == 401
    csrf = sign_in(browser, owner.email, password, secret)
    page = browser.get("/console/token").text
    assert "Your token is <strong>pending</strong>, issued by " + admin.name in page
    assert 'action="/console/token/confirm"' in page
    refused = browser.post(
        "/console/token/confirm", data={"csrf_token": csrf, "code": wrong(secret)}
    )
    assert refused.status_code == 401 and "wrong, expired or already used" in refused.text
    assert api(live_server, token) == 401
    confirmed = browser.post(
        "/console/token/confirm",
        data={"csrf_token": csrf, "code": code(secret, 1)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303, confirmed.text
    assert api(live_server, token) == 200
    assert "Your token is <strong>active</strong>" in browser.get("/console/token").text
