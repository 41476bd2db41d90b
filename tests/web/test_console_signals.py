"""The console shows each request's risk and signals, and records emergency call-backs by form."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases.models import CallbackRow
from lawgate.config import Settings
from lawgate.staff.accounts import StaffAccount
from tests.factories import CSRF_FIELD, console_login, request_body
from tests.intake.helpers import emergency_body, file_request, register_agency

REGISTRY = "+1 212 384 1000"


def suspicious(session: Session, settings: Settings) -> str:
    """A request from webmail with a foreign phone and a document that is not the one described."""
    body = request_body(case_reference="URGENT NY-2026-00999")
    body["officer"] = {**body["officer"], "email": "dana@gmail.com", "phone": "+44 20 7946 0958"}
    return file_request(session, settings, body, document_sha256="ab" * 32)


def sign_in(client: TestClient, staff_member: Any) -> StaffAccount:
    """Sign the client in to the console as a new reviewer; returns the account."""
    account, password, secret = staff_member("reviewer")
    console_login(client, account.email, password, secret)
    return account


def csrf(client: TestClient, request_id: str) -> str:
    """The CSRF token the signed-in case page carries."""
    found = CSRF_FIELD.search(client.get(f"/console/requests/{request_id}").text)
    assert found, "the case page has no csrf_token field"
    return found.group(1)


def post_call(client: TestClient, request_id: str, **fields: str) -> Any:
    """Submit the case page's call-back form, with the page's CSRF token."""
    form = {
        "csrf_token": csrf(client, request_id),
        "number_called": REGISTRY,
        "outcome": "confirmed",
    }
    return client.post(
        f"/console/requests/{request_id}/callbacks",
        data={**form, **fields},
        follow_redirects=False,
    )


def test_the_case_page_lists_each_signal_with_its_explanation_and_the_score(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session)
    request_id = suspicious(session, settings)
    page = console_client.get(f"/console/requests/{request_id}")
    assert page.status_code == 200
    html = page.text
    assert "score 100/100 · high" in html
    for code in (
        "document_hash_mismatch",
        "free_webmail_sender",
        "officer_phone_foreign",
        "urgency_language",
        "new_officer",
    ):
        assert f"<code>{code}</code>" in html
    assert "The officer writes from dana@gmail.com, a free webmail address" in html
    assert 'id="callbacks"' not in html, "a non-emergency has no call-back section"


def test_the_pages_send_a_stranger_to_sign_in_and_the_form_refuses_one(
    client: TestClient, session: Session, settings: Settings
) -> None:
    """Without a session the queue and a case page redirect to sign in; a call-back post is 401."""
    register_agency(session)
    request_id = file_request(session, settings, emergency_body())
    for path, escaped in (
        ("/console?sort=risk", "%2Fconsole%3Fsort%3Drisk"),
        (f"/console/requests/{request_id}", f"%2Fconsole%2Frequests%2F{request_id}"),
    ):
        page = client.get(path, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == f"/console/login?next={escaped}"
        assert REGISTRY not in page.text and request_id not in page.text
    form = {"number_called": REGISTRY, "outcome": "confirmed"}
    answer = client.post(f"/console/requests/{request_id}/callbacks", data=form)
    assert answer.status_code == 401
    assert session.query(CallbackRow).count() == 0


def test_the_queue_shows_risk_and_sorts_by_it(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session)
    calm = file_request(session, settings, request_body(), document_sha256="9f" * 32)
    risky = suspicious(session, settings)
    by_deadline = console_client.get("/console").text
    assert ">Risk" in by_deadline
    assert 'class="risk risk-high"' in by_deadline and 'class="risk risk-low"' in by_deadline
    by_risk = console_client.get("/console?sort=risk").text
    order = re.findall(r'href="/console/requests/(LG-\w+)"', by_risk)
    assert order == [risky, calm]
    assert 'href="/console"' in by_risk, "the header link sorts back by deadline"


def test_an_emergency_page_offers_the_registry_number_and_records_a_call(
    client: TestClient, staff_member: Any, session: Session, settings: Settings
) -> None:
    register_agency(session)
    request_id = file_request(session, settings, emergency_body())
    reviewer = sign_in(client, staff_member)
    page = client.get(f"/console/requests/{request_id}").text
    assert 'id="callbacks"' in page
    assert f'<strong class="phone">{REGISTRY}</strong>' in page
    assert "No call-back recorded yet." in page
    answer = post_call(client, request_id, spoke_to="duty agent")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/requests/{request_id}#callbacks"
    after = client.get(answer.headers["location"]).text
    assert 'class="cb cb-confirmed">confirmed</span></h2>' in after
    assert f"<td>{reviewer.name}</td>" in after and "duty agent" in after
    assert "request:policy:reevaluated" in after
    assert after.count("<strong>Policy advises: approve</strong>") == 1
    (row,) = session.query(CallbackRow).all()
    assert row.called_by == reviewer.actor


def test_the_form_refuses_a_wrong_number_on_a_readable_page(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session)
    request_id = file_request(session, settings, emergency_body())
    answer = post_call(console_client, request_id, number_called="+1 310 555 0199")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "is not agency" in answer.text and "registered call-back number" in answer.text
    tokenless = post_call(console_client, request_id, csrf_token="")
    assert tokenless.status_code == 403 and "csrf_token" in tokenless.text
    assert session.query(CallbackRow).count() == 0


def test_a_form_posted_from_another_site_is_refused(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    """Even carrying the session's token, a post another site makes is refused."""
    register_agency(session)
    request_id = file_request(session, settings, emergency_body())
    token = csrf(console_client, request_id)
    form = {"csrf_token": token, "number_called": REGISTRY, "outcome": "confirmed"}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = console_client.post(
            f"/console/requests/{request_id}/callbacks", data=form, headers=headers
        )
        assert answer.status_code == 403
    assert session.query(CallbackRow).count() == 0
