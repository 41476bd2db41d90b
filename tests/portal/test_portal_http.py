"""The portal over HTTP: cookies, CSRF, uploads, errors as pages, and what is stored."""

from __future__ import annotations

import dataclasses
import html
import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.app import create_app
from lawgate.auditlog.models import AuditEntryRow
from lawgate.config import Settings
from lawgate.intake.models import RequestRow
from lawgate.portal import documents
from lawgate.portal.models import OfficerSessionRow
from lawgate.portal.sessions import digest
from tests.portal.conftest import (
    AGENCY,
    OTHER_AGENCY,
    Officer,
    csrf_of,
    login,
    make_officer,
    minimal_pdf,
    register_agency,
    request_form,
    sha256,
)

PDF = minimal_pdf()


def file_request(
    client: TestClient, form: dict[str, object], pdf: bytes | None = PDF
) -> httpx.Response:
    """Post the new-request form with this session's CSRF token and a PDF."""
    data = {"csrf_token": csrf_of(client.get("/portal/requests/new").text), **form}
    files = {"legal_process.document": ("warrant.pdf", pdf, "application/pdf")} if pdf else None
    return client.post("/portal/requests/new", data=data, files=files, follow_redirects=False)


def errors_on(page: str) -> dict[str, list[str]]:
    """The field errors a form page shows, by input name."""
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'class="field-error" data-for="([^"]+)">([^<]+)<', page):
        found.setdefault(name, []).append(html.unescape(message))
    return found


def test_the_session_cookie_is_httponly_strict_and_secure_off_loopback(
    portal: TestClient, officer: Officer, session: Session
) -> None:
    answer = login(portal, officer)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "lawgate_portal=" in c)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1 must still work
    token = portal.cookies["lawgate_portal"]
    stored = session.scalars(select(OfficerSessionRow.token_sha256)).all()
    assert stored == [digest(token)] and token not in stored
    remote = TestClient(portal.app, base_url="https://portal.lawgate.example")
    page = remote.get("/portal/login")
    assert "Secure" in page.headers["set-cookie"]
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_pages_need_a_session(portal: TestClient, officer: Officer) -> None:
    for path in ("/portal", "/portal/requests/new", "/portal/requests/LG-AAAAAAAA"):
        answer = portal.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/portal/login"
    assert login(portal, officer).status_code == 303
    assert portal.get("/portal").status_code == 200


def test_a_login_post_without_its_csrf_token_is_refused(
    portal: TestClient, officer: Officer
) -> None:
    portal.get("/portal/login")
    form = {"email": officer.email, "password": officer.password, "code": officer.code()}
    answer = portal.post("/portal/login", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "csrf_token" in answer.text and "reload the page" in answer.text
    assert "lawgate_portal" not in portal.cookies


def test_a_wrong_code_shows_the_login_form_again(portal: TestClient, officer: Officer) -> None:
    token = csrf_of(portal.get("/portal/login").text)
    form = {"csrf_token": token, "email": officer.email, "password": officer.password}
    answer = portal.post("/portal/login", data={**form, "code": "000000"})
    assert answer.status_code == 401
    assert "the email, password or code is wrong" in answer.text
    assert f'value="{officer.email}"' in answer.text
    assert "lawgate_portal" not in portal.cookies


def test_a_form_post_without_or_with_a_wrong_csrf_token_gets_403(
    portal: TestClient, officer: Officer, session: Session
) -> None:
    login(portal, officer)
    files = {"legal_process.document": ("warrant.pdf", PDF, "application/pdf")}
    missing = portal.post("/portal/requests/new", data=request_form(), files=files)
    assert missing.status_code == 403
    assert "security token (csrf_token) is missing or out of date" in missing.text
    wrong = portal.post(
        "/portal/requests/new", data={**request_form(), "csrf_token": "x" * 43}, files=files
    )
    assert wrong.status_code == 403
    assert portal.post("/portal/logout", data={}).status_code == 403
    assert session.scalars(select(RequestRow)).all() == []


def test_a_filed_request_is_stored_as_a_portal_filing_with_its_document_hash(
    portal: TestClient, officer: Officer, session: Session
) -> None:
    login(portal, officer)
    answer = file_request(portal, request_form(**{"legal_process.document_sha256": sha256(PDF)}))
    assert answer.status_code == 303, errors_on(answer.text)
    request_id = answer.headers["location"].rsplit("/", 1)[1]
    row = session.get(RequestRow, request_id)
    assert row is not None
    assert (row.submitted_via, row.officer_id, row.document_sha256) == (
        "portal",
        officer.id,
        sha256(PDF),
    )
    assert row.body["legal_process"]["document_name"] == "warrant.pdf"
    assert row.body["officer"] == {
        "name": "Dana Reyes",
        "title": "Special Agent",
        "email": "dreyes@fbi.gov",
        "phone": "+1 212 555 0100",
    }
    assert row.body["country"] == "US"
    assert "document_hash_mismatch" not in [s["code"] for s in row.signals]
    page = portal.get(f"/portal/requests/{request_id}")
    assert "in review" in page.text and sha256(PDF) in page.text
    assert 'id="hash-mismatch"' not in page.text
    assert request_id in portal.get("/portal").text


def test_a_blank_stated_hash_takes_the_uploaded_one(
    portal: TestClient, officer: Officer, session: Session
) -> None:
    login(portal, officer)
    answer = file_request(portal, request_form())
    request_id = answer.headers["location"].rsplit("/", 1)[1]
    row = session.get(RequestRow, request_id)
    assert row is not None
    assert row.body["legal_process"]["document_sha256"] == row.document_sha256 == sha256(PDF)


def test_a_file_that_is_not_a_pdf_is_refused_and_the_values_are_kept(
    portal: TestClient, officer: Officer
) -> None:
    login(portal, officer)
    answer = file_request(portal, request_form(case_reference="NY-KEEP-1"), b"<html>hi</html>")
    assert answer.status_code == 422
    page = answer.text
    assert errors_on(page)[documents.FIELD] == [
        "the file 'warrant.pdf' is not a PDF (a PDF starts with '%PDF-'); upload the signed "
        "legal process as PDF"
    ]
    assert 'value="NY-KEEP-1"' in page
    assert 'value="content" checked' in page and 'value="traffic" checked' not in page
    assert "seller.one@example.com" in page


def test_a_pdf_over_ten_megabytes_is_refused(portal: TestClient, officer: Officer) -> None:
    login(portal, officer)
    big = PDF + b"%" * (documents.MAX_BYTES + 1 - len(PDF))
    answer = file_request(portal, request_form(), big)
    assert answer.status_code == 422
    assert errors_on(answer.text)[documents.FIELD] == [
        "the file 'warrant.pdf' is larger than the limit of 10 MB"
    ]
    huge = file_request(portal, request_form(), big + b"%" * 1024 * 1024)
    assert huge.status_code == 413
    assert "the upload is too large" in huge.text
    exactly = PDF + b"%" * (documents.MAX_BYTES - len(PDF))
    assert file_request(portal, request_form(), exactly).status_code == 303


def test_field_errors_are_shown_next_to_their_inputs(portal: TestClient, officer: Officer) -> None:
    login(portal, officer)
    form = request_form(
        categories=[],
        targets="email:a@example.com\nnot a target\nshoe_size:44",
        **{"legal_process.issued_on": "", "date_range.to": "2025-01-01"},
    )
    answer = file_request(portal, form)
    assert answer.status_code == 422
    errors = errors_on(answer.text)
    assert errors["legal_process.issued_on"] == ["this field is required"]
    assert any("at least 1 item" in m for m in errors["categories"])
    assert "line 2: write type:value, e.g. email:seller@example.com" in errors["targets"]
    assert any(m.startswith("line 3: Input should be 'account_id'") for m in errors["targets"])
    assert any("'to' is before 'from'" in m for m in errors["date_range.from"])
    assert 'id="form-errors"' in answer.text


def test_a_missing_document_is_named(portal: TestClient, officer: Officer) -> None:
    login(portal, officer)
    answer = file_request(portal, request_form(), None)
    assert errors_on(answer.text)[documents.FIELD] == [
        "attach the legal process as a PDF (needed unless its type is 'none')"
    ]


def test_another_agencys_request_does_not_exist_for_the_officer(
    portal: TestClient, officer: Officer, session: Session
) -> None:
    login(portal, officer)
    answer = file_request(portal, request_form())
    request_id = answer.headers["location"].rsplit("/", 1)[1]
    register_agency(session, OTHER_AGENCY)
    other = make_officer(session, OTHER_AGENCY["id"], "j.bloggs@met.police.uk", "Joe Bloggs")
    portal.cookies.clear()
    login(portal, other)
    page = portal.get(f"/portal/requests/{request_id}")
    assert page.status_code == 404 and "no request with id" in page.text
    assert request_id not in portal.get("/portal").text


def test_signing_out_ends_the_session_for_good(portal: TestClient, officer: Officer) -> None:
    login(portal, officer)
    token = portal.cookies["lawgate_portal"]
    csrf = csrf_of(portal.get("/portal").text)
    answer = portal.post("/portal/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/login"
    portal.cookies.set("lawgate_portal", token, path="/portal")
    assert portal.get("/portal", follow_redirects=False).status_code == 303


def test_unknown_portal_addresses_are_readable_pages(portal: TestClient) -> None:
    answer = portal.get("/portal/no/such/page")
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    assert "the portal has no page /portal/no/such/page" in answer.text
    assert portal.get("/portal/", follow_redirects=False).headers["location"] == "/portal"
    assert portal.get("/portal/static/portal.css").headers["content-type"].startswith("text/css")
    assert portal.get("/portal/static/../views.py").status_code == 404


def test_the_agency_rate_limit_applies_to_portal_filings_too(
    settings: Settings, officer: Officer, session: Session
) -> None:
    app = create_app(dataclasses.replace(settings, rate_limit_per_hour=1))
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50125)) as client:
        login(client, officer)
        assert file_request(client, request_form()).status_code == 303
        refused = file_request(client, request_form(case_reference="NY-SECOND"))
    app.state.engine.dispose()
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "its limit is 1" in refused.text and 'value="NY-SECOND"' in refused.text
    session.expire_all()
    assert len(session.scalars(select(RequestRow)).all()) == 1
    logged = session.scalars(
        select(AuditEntryRow.event).where(AuditEntryRow.subject == AGENCY["id"])
    ).all()
    assert "request:rate_limited" in logged


def test_over_https_portal_cookies_use_the_host_prefix_and_sign_out_clears_them(
    portal: TestClient, officer: Officer
) -> None:
    """ASVS 3.4.4: over https the login and session cookies are __Host-, Secure, Path=/."""
    remote = TestClient(portal.app, base_url="https://portal.lawgate.example")
    login_cookie = remote.get("/portal/login").headers["set-cookie"]
    assert login_cookie.startswith("__Host-lawgate_portal_login=")
    assert "Path=/;" in login_cookie and "Secure" in login_cookie
    answer = login(remote, officer)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal"
    cookies = answer.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("__Host-lawgate_portal="))
    assert "Path=/;" in session_cookie and "Secure" in session_cookie
    token = remote.cookies["__Host-lawgate_portal"]
    remote.cookies.clear()
    planted = {"Cookie": f"lawgate_portal={token}"}
    assert remote.get("/portal", headers=planted, follow_redirects=False).status_code == 303
    prefixed = {"Cookie": f"__Host-lawgate_portal={token}"}
    page = remote.get("/portal", headers=prefixed)
    assert page.status_code == 200
    out = remote.post(
        "/portal/logout",
        data={"csrf_token": csrf_of(page.text)},
        headers=prefixed,
        follow_redirects=False,
    )
    assert out.status_code == 303
    cleared = out.headers["set-cookie"]
    assert cleared.startswith('__Host-lawgate_portal=""') and "Max-Age=0" in cleared, cleared
    assert "Path=/;" in cleared and "Secure" in cleared
    assert remote.get("/portal", headers=prefixed, follow_redirects=False).status_code == 303
