"""Console sign-in through HTTP: redirects, cookies, refusals, CSRF, roles and sign-out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.app import create_app
from lawgate.auditlog.models import AuditEntryRow
from lawgate.config import Settings
from lawgate.staff.demo import seed_demo_staff
from lawgate.staff.roles import may_decide_escalated
from lawgate.web.staff import COOKIE, REFUSED_EVENT, SignedIn, checked_form, require_role
from tests.conftest import StaffFactory
from tests.factories import CSRF_FIELD, console_login

probe = APIRouter()
"""A protected console page and form, for this test only."""


@probe.get("/console/probe")
def probe_page(me: SignedIn) -> dict[str, str]:
    """Who is signed in, and the CSRF token their forms carry."""
    return {"actor": me.account.actor, "role": me.account.role.value, "csrf": me.csrf_token}


@probe.post("/console/probe")
async def probe_post(request: Request, me: SignedIn) -> dict[str, bool]:
    """A form only senior counsel may post."""
    token = (await request.form()).get("csrf_token")
    checked_form(request, me, token if isinstance(token, str) else None)
    require_role(request, me, may_decide_escalated, "decide escalated cases")
    return {"done": True}


def with_probe(app: FastAPI) -> FastAPI:
    """The application with the test-only router."""
    app.include_router(probe)
    return app


@pytest.fixture
def console(settings: Settings) -> Iterator[TestClient]:
    """The application over plain HTTP, with the probe router."""
    app = with_probe(create_app(settings))
    with TestClient(app, client=("127.0.0.1", 50125)) as client:
        yield client
    app.state.engine.dispose()


def post_login(client: TestClient, email: str, password: str, code: str, **extra: str) -> Any:
    """Post the login form as a browser would, after loading it."""
    token = CSRF_FIELD.search(client.get("/console/login").text)
    assert token
    form = {"csrf_token": token.group(1), "email": email, "password": password, "code": code}
    return client.post("/console/login", data={**form, **extra}, follow_redirects=False)


def staff_events(session: Session, event: str) -> list[dict[str, Any]]:
    """Logged entries of one event."""
    query = select(AuditEntryRow.canonical).where(AuditEntryRow.event == event)
    return [json.loads(text) for text in session.scalars(query)]


def test_a_page_needs_a_session_gets_send_to_sign_in_and_back(
    console: TestClient, staff_member: StaffFactory
) -> None:
    away = console.get("/console/probe?tab=a", follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == "/console/login?next=%2Fconsole%2Fprobe%3Ftab%3Da"
    assert console.post("/console/probe", data={}).status_code == 401
    page = console.get(away.headers["location"])
    assert 'name="next" value="/console/probe?tab=a"' in page.text
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    assert 'name="next" value="/console"' in console.get("/console/login?next=//evil.example").text
    account, password, secret = staff_member("senior_counsel")
    code = pyotp.TOTP(secret).now()
    signed = post_login(console, account.email, password, code, next="/console/probe?tab=a")
    assert signed.status_code == 303 and signed.headers["location"] == "/console/probe?tab=a"
    cookie = signed.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=") and "httponly" in cookie and "path=/;" in cookie
    assert "samesite=strict" in cookie and "secure" not in cookie and "max-age=43200" in cookie
    me = console.get("/console/probe").json()
    assert me["actor"] == account.actor and me["role"] == "senior_counsel"
    assert console.get("/console/login", follow_redirects=False).headers["location"] == "/console"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/console",
        "//evil.example/console",
        "/\\evil.example/console",
        "/console.evil.example",
        "/portal",
        "/console/login?next=/console",
        "javascript:alert(1)",
    ],
)
def test_next_never_leads_off_the_console(
    console: TestClient, staff_member: StaffFactory, target: str
) -> None:
    account, password, secret = staff_member()
    signed = post_login(console, account.email, password, pyotp.TOTP(secret).now(), next=target)
    assert signed.headers["location"] == "/console"


@pytest.mark.parametrize("wrong", ["password", "code", "email"])
def test_a_failed_login_shows_the_form_again_with_one_message(
    console: TestClient, staff_member: StaffFactory, session: Session, wrong: str
) -> None:
    account, password, secret = staff_member()
    email = "nobody@example.org" if wrong == "email" else account.email
    code = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC), counter_offset=4)
    right_code = pyotp.TOTP(secret).now()
    answer = post_login(
        console,
        email,
        "wrong password!" if wrong == "password" else password,
        code if wrong == "code" else right_code,
    )
    assert answer.status_code == 401
    assert "the email, password or code is wrong" in answer.text
    assert f'value="{email}"' in answer.text
    assert f"{COOKIE}=" not in answer.headers.get("set-cookie", "")
    assert staff_events(session, "staff:login:failed")


def test_the_fifth_failure_locks_with_its_own_message(
    console: TestClient, staff_member: StaffFactory, session: Session
) -> None:
    account, password, secret = staff_member()
    answers = [post_login(console, account.email, "wrong password!", "000000") for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    assert "is locked after 5 failed sign-ins" in answers[-1].text
    locked = post_login(console, account.email, password, pyotp.TOTP(secret).now())
    assert locked.status_code == 423
    assert staff_events(session, "staff:login:locked")


def test_a_login_post_without_its_form_token_is_refused(
    console: TestClient, staff_member: StaffFactory
) -> None:
    account, password, secret = staff_member()
    form = {"email": account.email, "password": password, "code": pyotp.TOTP(secret).now()}
    refused = console.post("/console/login", data={**form, "csrf_token": "forged"})
    assert refused.status_code == 403 and "csrf_token" in refused.text


def test_console_forms_need_the_session_token_and_the_role(
    console: TestClient, staff_member: StaffFactory
) -> None:
    reviewer, password, secret = staff_member("reviewer")
    console_login(console, reviewer.email, password, secret)
    token = console.get("/console/probe").json()["csrf"]
    assert console.post("/console/probe", data={"csrf_token": "forged"}).status_code == 403
    refused = console.post("/console/probe", data={"csrf_token": token})
    assert refused.status_code == 403
    assert "only senior counsel may decide escalated cases" in refused.text
    assert "you are signed in as reviewer" in refused.text
    counsel, password, secret = staff_member("senior_counsel")
    console_login(console, counsel.email, password, secret)
    token = console.get("/console/probe").json()["csrf"]
    assert console.post("/console/probe", data={"csrf_token": token}).json() == {"done": True}


def test_a_signed_in_members_refused_actions_are_audited(
    console: TestClient, staff_member: StaffFactory, session: Session
) -> None:
    """ASVS 7.2.2: a forged form and a role refusal each leave an entry naming who and what."""
    reviewer, password, secret = staff_member("reviewer")
    console_login(console, reviewer.email, password, secret)
    token = console.get("/console/probe").json()["csrf"]
    assert console.post("/console/probe", data={"csrf_token": "forged"}).status_code == 403
    assert console.post("/console/probe", data={"csrf_token": token}).status_code == 403
    anonymous = TestClient(console.app, client=("127.0.0.1", 50126))
    assert anonymous.post("/console/probe", data={"csrf_token": "x"}).status_code == 401
    entries = staff_events(session, REFUSED_EVENT)
    assert [(e["actor"], e["subject"], e["details"]["field"]) for e in entries] == [
        (reviewer.email, "/console/probe", "csrf_token"),
        (reviewer.email, "/console/probe", "role"),
    ]
    assert "only senior counsel may decide escalated cases" in entries[1]["details"]["reason"]
    assert all(e["details"]["method"] == "POST" for e in entries)


def test_logout_needs_the_token_and_ends_the_session(
    console: TestClient, staff_member: StaffFactory, session: Session
) -> None:
    account, password, secret = staff_member()
    console_login(console, account.email, password, secret)
    token = console.get("/console/probe").json()["csrf"]
    assert console.post("/console/logout", data={"csrf_token": "forged"}).status_code == 403
    assert console.get("/console/probe").status_code == 200
    stolen = console.cookies[COOKIE]
    out = console.post("/console/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    assert console.get("/console/probe", follow_redirects=False).status_code == 303
    console.cookies.set(COOKIE, stolen)
    assert console.get("/console/probe", follow_redirects=False).status_code == 303
    assert [e["actor"] for e in staff_events(session, "staff:session:ended")] == [account.actor]


def test_a_disabled_account_loses_its_open_session(
    console: TestClient, staff_member: StaffFactory, session: Session
) -> None:
    from lawgate.staff import accounts

    account, password, secret = staff_member()
    console_login(console, account.email, password, secret)
    accounts.disable(session, account.email, "staff:admin")
    session.commit()
    assert console.get("/console/probe", follow_redirects=False).status_code == 303


def test_over_https_the_session_cookie_is_secure(
    settings: Settings, staff_member: StaffFactory
) -> None:
    app = with_probe(create_app(settings))
    with TestClient(app, base_url="https://testserver", client=("127.0.0.1", 50126)) as client:
        account, password, secret = staff_member()
        signed: httpx.Response = console_login(client, account.email, password, secret)
        assert "secure" in signed.headers["set-cookie"].lower()
        assert client.get("/console/probe").status_code == 200
    app.state.engine.dispose()


def test_the_sign_in_page_explains_the_demo_only_on_a_demo_store(
    client: TestClient, session: Session, settings: Settings, staff_member: StaffFactory
) -> None:
    """Real stores show no hint; a store with demo accounts says where the passwords are."""
    staff_member("reviewer")
    assert 'id="demo-hint"' not in client.get("/console/login").text
    seed_demo_staff(session, settings.home)
    session.commit()
    page = client.get("/console/login").text
    assert 'id="demo-hint"' in page and str(settings.home / "demo-staff.txt") in page
    assert "password: " not in page, "the page points to the file, never shows a password"
