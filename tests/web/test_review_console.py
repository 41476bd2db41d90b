"""The console's ruling forms over HTTP: sign-in required, CSRF, roles, reasons, second review."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

import pyrage
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.jobs.tasks import run_produce
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import FBI, console_login, post_request, register, request_body

__all__ = ["built"]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CONTENT_ASKED = {"categories": ["subscriber", "content"]}


def csrf(client: TestClient, path: str) -> str:
    """The CSRF token the page at path carries."""
    found = CSRF.search(client.get(path).text)
    assert found, f"{path} has no csrf_token"
    return found.group(1)


@pytest.fixture
def settings(settings: Settings, built: Built) -> Settings:
    """The test store over the small demo marketplace, so previews count real accounts."""
    return dataclasses.replace(settings, marketplace_url=built.url)


@pytest.fixture
def filed(client: TestClient, session: Session) -> str:
    """A warrant asking for subscriber data and content, in review."""
    register(session, FBI)
    answer = post_request(client, request_body(**CONTENT_ASKED))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def as_staff(client: TestClient, staff_member: Any, role: str = "reviewer") -> str:
    """Sign the client in as a new staff member; returns their audit actor."""
    account, password, secret = staff_member(role)
    console_login(client, account.email, password, secret)
    return str(account.actor)


def rule(client: TestClient, request_id: str, **fields: str) -> Any:
    """Post the ruling form as the signed-in staff member."""
    page = f"/console/requests/{request_id}"
    form = {"csrf_token": csrf(client, page), "action": "rule", **fields}
    return client.post(f"{page}/decision", data=form, follow_redirects=False)


SUBSCRIBER_ONLY = {
    "verdict_subscriber": "allow",
    "verdict_content": "deny",
    "reason_content": "overbroad",
    "target": "0",
}


def test_the_console_needs_a_signed_in_staff_member(client: TestClient, filed: str) -> None:
    """Pages send strangers to sign in; forms refuse them outright."""
    page = client.get(f"/console/requests/{filed}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/console/login?next=")
    posted = client.post(f"/console/requests/{filed}/decision", data=SUBSCRIBER_ONLY)
    assert posted.status_code == 401


def test_a_form_without_its_csrf_token_is_refused(
    client: TestClient, filed: str, staff_member: Any, session: Session
) -> None:
    """A forged post from another page carries no token: nothing is recorded."""
    as_staff(client, staff_member)
    answer = client.post(f"/console/requests/{filed}/decision", data=SUBSCRIBER_ONLY)
    assert answer.status_code == 403
    assert cases.locked_state(session, filed) is CaseState.IN_REVIEW


def test_a_departure_without_a_reason_is_shown_on_the_page(
    client: TestClient, filed: str, staff_member: Any, session: Session
) -> None:
    """The refusal comes back on the case page, naming what to do; nothing is recorded."""
    as_staff(client, staff_member)
    answer = rule(client, filed, **SUBSCRIBER_ONLY)
    advice = cases.case_detail(session, filed).decisions[0].decision
    if advice.categories.get("content") == "deny":  # type: ignore[call-overload]
        pytest.fail("the policy denies content to this warrant; the test needs a departure")
    assert answer.status_code == 422
    assert "departs from the policy" in answer.text and 'id="ruling"' in answer.text
    session.expire_all()
    assert cases.locked_state(session, filed) is CaseState.IN_REVIEW


def test_a_second_person_confirms_and_the_author_cannot(
    client: TestClient, filed: str, staff_member: Any, session: Session
) -> None:
    """The author sees the ruling waiting; a colleague confirms it from the page."""
    author = as_staff(client, staff_member)
    answer = rule(client, filed, **SUBSCRIBER_ONLY, note="Content is not needed.")
    assert answer.status_code == 303
    page = client.get(f"/console/requests/{filed}").text
    assert "Your ruling waits for a second reviewer" in page and 'id="confirm"' not in page
    token = csrf(client, f"/console/requests/{filed}")
    refused = client.post(f"/console/requests/{filed}/confirm", data={"csrf_token": token})
    assert refused.status_code == 403 and "different person" in refused.text
    as_staff(client, staff_member)
    page = client.get(f"/console/requests/{filed}").text
    assert 'id="confirm"' in page
    token = csrf(client, f"/console/requests/{filed}")
    done = client.post(
        f"/console/requests/{filed}/confirm",
        data={"csrf_token": token, "note": "Agreed."},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    assert cases.locked_state(session, filed) is CaseState.PARTIALLY_APPROVED
    ruling = cases.latest_ruling(session, filed)
    assert ruling is not None and ruling.decided_by == author
    assert ruling.decision.categories == {"subscriber": "allow", "content": "deny"}


def test_admins_see_no_ruling_form_and_cannot_post_one(
    client: TestClient, filed: str, staff_member: Any
) -> None:
    """Administration is not legal review: the form is absent and a forged post refused."""
    as_staff(client, staff_member, "admin")
    assert 'id="ruling"' not in client.get(f"/console/requests/{filed}").text
    answer = rule(client, filed, **SUBSCRIBER_ONLY, note="x")
    assert answer.status_code == 403 and "admin" in answer.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"verdict_content": "deny", "reason_content": "overbroad"},
            "allow or deny for subscriber",
        ),
        ({**SUBSCRIBER_ONLY, "reason_content": "because"}, "reason code for content"),
        ({**SUBSCRIBER_ONLY, "date_from": "2026-13-01"}, "not a date"),
        ({**SUBSCRIBER_ONLY, "date_from": "2025-01-01", "date_to": "2026-01-31"}, "outside"),
        ({**SUBSCRIBER_ONLY, "target": "7"}, "positions"),
    ],
)
def test_bad_form_input_is_named(
    client: TestClient, filed: str, staff_member: Any, fields: dict[str, str], message: str
) -> None:
    """Every bad field comes back as a readable refusal on the page."""
    as_staff(client, staff_member)
    answer = rule(client, filed, **fields, note="reason")
    assert answer.status_code == 422, answer.text
    assert message in answer.text


def test_the_preview_counts_accounts_and_is_audited(
    client: TestClient, filed: str, staff_member: Any, session: Session
) -> None:
    """Opening a case resolves its targets to counts only; the lookup is an audit entry."""
    actor = as_staff(client, staff_member)
    page = client.get(f"/console/requests/{filed}").text
    assert "→ 1 account<" in page
    events = [(e.event, e.actor) for e in cases.case_detail(session, filed).trail]
    assert ("request:targets:previewed", actor) in events


def test_produce_download_deliver_and_close_from_the_console(
    client: TestClient, session: Session, settings: Settings, staff_member: Any
) -> None:
    """Queued, sealed by the job, downloaded as sealed, delivered; closing makes the notices."""
    identity = pyrage.x25519.Identity.generate()
    register(session, {**FBI, "age_recipient": str(identity.to_public())})
    answer = post_request(client, request_body(categories=["subscriber"]))
    request_id = str(answer.json()["id"])
    page = f"/console/requests/{request_id}"
    actor = as_staff(client, staff_member)
    ruled = rule(client, request_id, verdict_subscriber="allow", target="0")
    assert ruled.status_code == 303, ruled.text
    session.expire_all()
    assert cases.case_detail(session, request_id).summary.state is CaseState.APPROVED
    session.rollback()  # hold no lock on the case while the job produces it (PostgreSQL)
    assert 'id="close-case"' not in client.get(page).text, "an approved case is produced first"

    queued = client.post(f"{page}/produce", data={"csrf_token": csrf(client, page)})
    assert queued.status_code == 200 and 'data-stage="queued"' in queued.text
    assert 'hx-trigger="every 2s"' in client.get(f"{page}/production").text
    produced = run_produce(settings, request_id, actor)
    assert produced is not None
    fragment = client.get(f"{page}/production").text
    assert 'id="package-download"' in fragment and "hx-trigger" not in fragment
    package = client.get(f"{page}/package")
    assert package.status_code == 200
    assert hashlib.sha256(package.content).hexdigest() == produced.sha256
    assert pyrage.decrypt(package.content, [identity]), "the agency can open it"

    token = csrf(client, page)
    delivered = client.post(f"{page}/deliver", data={"csrf_token": token, "how": "portal"})
    assert delivered.status_code == 200 and "delivered" in delivered.text
    closed = client.post(f"{page}/close", data={"csrf_token": csrf(client, page)})
    assert closed.status_code == 200
    session.expire_all()
    assert cases.locked_state(session, request_id) is CaseState.CLOSED
    events = [e.event for e in cases.case_detail(session, request_id).trail]
    for event in ("production:requested", "production:downloaded", "production:delivered"):
        assert event in events
    assert "notice:created" in events
