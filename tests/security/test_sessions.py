"""ASVS V3: session tokens are new, random, kept as hashes, short-lived and never in URLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.portal import accounts as officers
from lawgate.portal import sessions as portal_sessions
from lawgate.staff import sessions as staff_sessions
from lawgate.web.staff import COOKIE
from tests.conftest import StaffFactory
from tests.factories import CSRF_FIELD as CSRF
from tests.factories import console_login
from tests.portal.conftest import Officer, officer

__all__ = ["officer"]
"""An officer of the FBI New York Field Office, for the portal's sessions."""

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
PLANTED = "attacker-chosen-session-token-0123456789abcdefghij"


def test_sign_in_issues_a_new_random_token_never_a_planted_one(
    client: TestClient, staff_member: StaffFactory
) -> None:
    """ASVS 3.2.1, 3.2.2 and 3.1.1: fixation fails; 256 random bits; the URL never holds it."""
    account, password, secret = staff_member()
    planted = {"Cookie": f"{COOKIE}={PLANTED}"}
    page = client.get("/console/login", headers=planted)
    token = CSRF.search(page.text)
    assert token, "the console login page has no csrf_token field"
    form = {
        "csrf_token": token.group(1),
        "email": account.email,
        "password": password,
        "code": pyotp.TOTP(secret).now(),
    }
    login_cookie = f"lawgate_console_login={client.cookies['lawgate_console_login']}"
    cookies = {"Cookie": f"{COOKIE}={PLANTED}; {login_cookie}"}
    client.cookies.clear()
    answer = client.post("/console/login", data=form, headers=cookies, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    issued = answer.cookies[COOKIE]
    assert issued != PLANTED and len(issued) >= 43  # secrets.token_urlsafe(32): 256 bits
    assert issued not in answer.headers["location"]
    client.cookies.clear()
    assert client.get("/console", headers=planted, follow_redirects=False).status_code == 303
    own = {"Cookie": f"{COOKIE}={issued}"}
    assert client.get("/console", headers=own, follow_redirects=False).status_code == 200


def test_a_second_sign_in_gets_a_different_token(
    client: TestClient, staff_member: StaffFactory
) -> None:
    """ASVS 3.2.1 and 3.2.4: every authentication makes a fresh, unpredictable token."""
    account, password, secret = staff_member()
    console_login(client, account.email, password, secret)
    first = client.cookies[COOKIE]
    next_step = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)  # a spent code is refused
    console_login(client, account.email, password, secret, now=next_step)
    assert client.cookies[COOKIE] != first


def test_a_console_session_ends_after_twelve_hours(
    session: Session, staff_member: StaffFactory
) -> None:
    """ASVS 3.3.2 (level 2: 12 hours): the server refuses an old token whatever the cookie says."""
    account, _, _ = staff_member()
    token, _ = staff_sessions.start(session, account, NOW)
    session.commit()
    almost = NOW + dt.timedelta(hours=12) - dt.timedelta(minutes=1)
    assert staff_sessions.resume(session, token, almost) is not None
    assert staff_sessions.resume(session, token, NOW + dt.timedelta(hours=12)) is None
    assert staff_sessions.resume(session, token, almost) is None, "an expired token is deleted"


def test_a_portal_session_ends_after_eight_hours(session: Session, officer: Officer) -> None:
    """ASVS 3.3.2: officers sign in again after eight hours, well inside level 2's twelve."""
    account = officers.get_officer(session, officer.id)
    assert account is not None
    token, _ = portal_sessions.start(session, account, NOW)
    session.commit()
    assert portal_sessions.resume(session, token, NOW + dt.timedelta(hours=7, minutes=59))
    assert portal_sessions.resume(session, token, NOW + dt.timedelta(hours=8)) is None


def test_session_cookies_are_httponly_strict_and_scoped(
    client: TestClient, staff_member: StaffFactory
) -> None:
    """ASVS 3.4.2, 3.4.3 and 3.4.5: scripts cannot read it, other sites cannot send it."""
    login_cookie = client.get("/console/login").headers["set-cookie"]
    assert "Path=/console/login" in login_cookie and "HttpOnly" in login_cookie
    account, password, secret = staff_member()
    answer = console_login(client, account.email, password, secret)
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=43200" in cookie


HOST_COOKIE = f"__Host-{COOKIE}"


def over_https(client: TestClient) -> TestClient:
    """The same application reached over https, as behind a TLS proxy on this host."""
    return TestClient(client.app, base_url="https://lawgate.example", client=("127.0.0.1", 1))


def test_over_https_session_cookies_use_the_host_prefix(
    client: TestClient, staff_member: StaffFactory
) -> None:
    """ASVS 3.4.4: a __Host- cookie cannot be set by a sibling subdomain or for another path."""
    remote = over_https(client)
    login_cookie = remote.get("/console/login").headers["set-cookie"]
    assert login_cookie.startswith("__Host-lawgate_console_login=")
    assert "Path=/;" in login_cookie and "Secure" in login_cookie
    account, password, secret = staff_member()
    answer = console_login(remote, account.email, password, secret)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-") and "Path=/;" in cookie and "Secure" in cookie


def test_over_https_only_the_host_cookie_opens_the_console_and_sign_out_clears_it(
    client: TestClient, staff_member: StaffFactory
) -> None:
    """A token planted under the plain name is not read over https; sign-out forgets __Host-."""
    remote = over_https(client)
    account, password, secret = staff_member()
    console_login(remote, account.email, password, secret)
    token = remote.cookies[HOST_COOKIE]
    remote.cookies.clear()
    plain = remote.get("/console", headers={"Cookie": f"{COOKIE}={token}"}, follow_redirects=False)
    assert plain.status_code == 303, "over https the plain-named cookie opened a session"
    prefixed = {"Cookie": f"{HOST_COOKIE}={token}"}
    page = remote.get("/console", headers=prefixed, follow_redirects=False)
    assert page.status_code == 200
    csrf = CSRF.search(page.text)
    assert csrf, "the console has no form with a csrf_token field"
    out = remote.post(
        "/console/logout",
        data={"csrf_token": csrf.group(1)},
        headers=prefixed,
        follow_redirects=False,
    )
    assert out.status_code == 303, out.text
    cleared = out.headers["set-cookie"]
    assert cleared.startswith(f'{HOST_COOKIE}=""') and "Max-Age=0" in cleared, cleared
    assert "Path=/;" in cleared and "Secure" in cleared
    assert remote.get("/console", headers=prefixed, follow_redirects=False).status_code == 303


def test_no_page_keeps_data_in_browser_storage() -> None:
    """ASVS 8.2.2 and 8.2.3: no template turns on htmx history (sessionStorage) or uses storage."""
    package = Path(__file__).resolve().parents[2] / "src" / "lawgate"
    pages = [*package.rglob("*.html"), *package.rglob("portal.js")]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for word in ("hx-push-url", "hx-boost", "hx-history", "localStorage", "sessionStorage"):
            assert word not in text, f"{page.relative_to(package)} uses {word}"
