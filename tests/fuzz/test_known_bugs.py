"""What the fuzzing found, one minimal case each: fixed ones pass, open ones are strict xfails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from lawgate.app import create_app
from lawgate.config import Settings
from lawgate.staff.accounts import StaffAccount
from lawgate.store.session import session_factory
from tests.factories import STAFF, get_status, post_request, register, request_body, signed

UNKNOWN = "LG-AAAAAAAA"


def documented(client: TestClient, path: str, method: str) -> dict[str, Any]:
    """The responses /openapi.json documents for one operation."""
    found: dict[str, Any] = client.get("/openapi.json").json()["paths"][path][method]["responses"]
    return found


def test_a_decision_deadline_is_an_rfc3339_date_time(
    client: TestClient, session: Session, api_staff: tuple[StaffAccount, StaffAccount]
) -> None:
    register(session)
    request_id = post_request(client, request_body()).json()["id"]
    detail = client.get(f"/api/v1/staff/requests/{request_id}", headers=STAFF).json()
    deadlines = [d["decision"]["deadline"] for d in detail["decisions"]]
    assert deadlines, "the policy's recommendation carries a deadline"
    for deadline in deadlines:
        assert dt.datetime.fromisoformat(deadline).tzinfo is not None, deadline


def _unknown_status(client: TestClient) -> tuple[int, str, str]:
    return get_status(client, UNKNOWN).status_code, "/api/v1/requests/{request_id}", "get"


def _entries_beyond_the_log(client: TestClient) -> tuple[int, str, str]:
    answer = client.get("/log/entries", params={"start": 10**9, "end": 10**9 + 1})
    return answer.status_code, "/log/entries", "get"


def _other_agency(client: TestClient) -> tuple[int, str, str]:
    answer = post_request(client, request_body(agency_id="someone-else"))
    return answer.status_code, "/api/v1/requests", "post"


def _unknown_case(client: TestClient) -> tuple[int, str, str]:
    # needs the api_staff reviewers, which the test asks for by this function's name
    answer = client.get(f"/api/v1/staff/requests/{UNKNOWN}", headers=STAFF)
    return answer.status_code, "/api/v1/staff/requests/{request_id}", "get"


def _no_staff_header(client: TestClient) -> tuple[int, str, str]:
    return client.get("/api/v1/staff/requests").status_code, "/api/v1/staff/requests", "get"


@pytest.mark.parametrize(
    "call",
    [_unknown_status, _entries_beyond_the_log, _other_agency, _unknown_case, _no_staff_header],
    ids=["agency-404", "log-entries-beyond", "agency-403", "staff-404", "staff-401"],
)
def test_every_error_status_is_documented(
    call: Any, client: TestClient, session: Session, request: pytest.FixtureRequest
) -> None:
    register(session)
    if call is _unknown_case:
        request.getfixturevalue("api_staff")
    status, path, method = call(client)
    assert 400 <= status < 500, status
    assert str(status) in documented(client, path, method), (status, path)


def test_an_unsigned_call_with_a_broken_body_is_401(client: TestClient, session: Session) -> None:
    register(session)
    answer = client.post(
        "/api/v1/requests", content=b"\x00", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 401, answer.text


def test_a_signed_call_with_a_broken_body_is_refused_naming_the_body(
    client: TestClient, session: Session
) -> None:
    register(session)
    answer = client.post(
        "/api/v1/requests",
        content=b"\x00",
        headers={"content-type": "application/json"},
        auth=signed(),
    )
    assert answer.status_code == 422, answer.text


def test_the_documented_422_body_is_the_one_sent(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ref = documented(client, "/api/v1/requests", "post")["422"]["content"]["application/json"]
    name = ref["schema"]["$ref"].rsplit("/", 1)[1]
    assert "errors" in spec["components"]["schemas"][name]["properties"]


def test_a_405_names_every_method_of_the_path(client: TestClient) -> None:
    """RFC 9110 §15.5.6: GET and POST /api/v1/holds/check are two routes; Allow names both."""
    answer = client.request("OPTIONS", "/api/v1/holds/check?account=a")
    assert answer.status_code == 405
    allowed = {m.strip() for m in answer.headers["allow"].split(",")}
    assert allowed == {"GET", "POST"}, allowed
    message = "OPTIONS is not served at /api/v1/holds/check; it serves GET, POST"
    assert answer.json() == {"errors": [{"field": "", "message": message}]}


def test_a_405_of_a_static_file_keeps_its_own_allow(client: TestClient) -> None:
    """A mounted app's 405 (static files) names no route's methods: its own Allow stands."""
    answer = client.post("/static/console.css")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"
    assert answer.json()["errors"][0]["message"].startswith("POST is not served at /static/")


def test_an_exhausted_connection_pool_is_503_not_500(settings: Settings, session: Session) -> None:
    register(session)
    app = create_app(settings)
    tight = create_engine(settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    app.state.sessions = session_factory(tight)
    held = tight.connect()  # the one connection, busy elsewhere
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            answer = get_status(client, UNKNOWN)
    finally:
        held.close()
        tight.dispose()
        app.state.engine.dispose()
    assert answer.status_code == 503, answer.text
