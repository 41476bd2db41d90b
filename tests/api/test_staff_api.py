"""The staff API: the queue, a case's detail, and decisions that follow the workflow's rules."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.app import create_app
from lawgate.config import Settings
from tests.factories import (
    SECOND,
    STAFF,
    STAFF_EMAIL,
    bearer,
    get_status,
    post_request,
    register,
    request_body,
)

pytestmark = pytest.mark.usefixtures("api_staff")

PARTIAL = {
    "outcome": "partial",
    "categories": {"subscriber": "allow", "traffic": "allow", "content": "deny"},
    "reasons": [
        {
            "code": "instrument_insufficient",
            "category": "content",
            "rule": "us.content.warrant",
            "citation": "18 U.S.C. 2703(a)",
            "message": "Content requires a search warrant.",
        }
    ],
}


def submitted(client: TestClient, session: Session, **changes: Any) -> str:
    """Register the FBI and submit one request; returns its id."""
    register(session)
    answer = post_request(client, request_body(**changes))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def decide(
    client: TestClient,
    request_id: str,
    decision: dict[str, Any],
    note: str = "",
    headers: dict[str, str] = STAFF,
) -> Any:
    """Post a reviewer's decision."""
    return client.post(
        f"/api/v1/staff/requests/{request_id}/decision",
        json={"decision": decision, "note": note},
        headers=headers,
    )


def confirm(client: TestClient, request_id: str, headers: dict[str, str] = SECOND) -> Any:
    """A second reviewer confirms the proposed ruling."""
    return client.post(
        f"/api/v1/staff/requests/{request_id}/confirm", json={"note": "agreed"}, headers=headers
    )


def test_the_queue_lists_requests_soonest_deadline_first(
    client: TestClient, session: Session
) -> None:
    normal = submitted(client, session)
    urgent = post_request(
        client,
        request_body(
            kind="emergency_disclosure",
            emergency={"threat": "hostage", "harm": "death"},
            categories=["subscriber"],
        ),
    ).json()["id"]
    queue = client.get("/api/v1/staff/requests", headers=STAFF).json()
    assert [row["id"] for row in queue] == [urgent, normal]
    assert queue[0]["agency_name"] == "FBI New York Field Office"
    only = client.get("/api/v1/staff/requests?kind=emergency_disclosure", headers=STAFF).json()
    assert [row["id"] for row in only] == [urgent]
    bad = client.get("/api/v1/staff/requests?state=lost", headers=STAFF)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "state"


def test_a_decision_moves_the_case_and_the_agency_sees_it(
    client: TestClient, session: Session, api_staff: Any
) -> None:
    request_id = submitted(client, session)
    answer = decide(client, request_id, PARTIAL, "content needs a warrant")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "second_review", "denying content departs from the advice"
    assert get_status(client, request_id).json()["decision"] is None, "a proposal is not shown"
    assert confirm(client, request_id, STAFF).status_code == 403, "not by its author"
    answer = confirm(client, request_id)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "partially_approved"
    seen = get_status(client, request_id).json()
    assert seen["state"] == "partially_approved"
    assert seen["decision"]["categories"]["content"] == "deny"
    detail = client.get(f"/api/v1/staff/requests/{request_id}", headers=STAFF).json()
    events = [e["event"] for e in detail["trail"]]
    assert events == [
        "request:received",
        "case:state:verified",
        "request:policy:evaluated",
        "case:state:evaluated",
        "case:state:in_review",
        "request:decision:proposed",
        "case:state:second_review",
        "request:decision:confirmed",
        "case:state:partially_approved",
    ]
    policy, reviewer = detail["decisions"]
    assert (policy["source"], policy["decided_by"]) == ("policy", "system:policy")
    assert reviewer["decided_by"] == api_staff[0].actor
    assert reviewer["confirmed_by"] == api_staff[1].actor
    assert reviewer["note"] == "content needs a warrant"


def test_a_decided_case_cannot_be_decided_again(client: TestClient, session: Session) -> None:
    request_id = submitted(client, session)
    assert decide(client, request_id, PARTIAL, "no content").status_code == 200
    waiting = decide(client, request_id, PARTIAL, "no content")
    assert waiting.status_code == 409
    assert "second_review" in waiting.json()["errors"][0]["message"]
    assert confirm(client, request_id).status_code == 200
    again = decide(client, request_id, PARTIAL, "no content")
    assert again.status_code == 409
    assert "partially_approved" in again.json()["errors"][0]["message"]


def test_a_decision_must_rule_on_exactly_the_requested_categories(
    client: TestClient, session: Session
) -> None:
    request_id = submitted(client, session)
    answer = decide(
        client, request_id, {"outcome": "approve", "categories": {"subscriber": "allow"}}
    )
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"] == "categories"
    assert "missing: content, traffic" in error["message"]


def test_a_deny_without_a_reason_is_refused(client: TestClient, session: Session) -> None:
    request_id = submitted(client, session)
    no_reason = {**PARTIAL, "reasons": []}
    answer = decide(client, request_id, no_reason)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "decision.reasons"


def test_an_escalated_case_is_decided_by_counsel_and_confirmed(
    client: TestClient, session: Session, staff_member: Any, api_token: Any
) -> None:
    counsel, _, _ = staff_member("senior_counsel", "grace@staff.lawgate.test")
    request_id = submitted(client, session)
    escalate = {
        **PARTIAL,
        "outcome": "escalate",
        "categories": {"subscriber": "allow", "traffic": "allow", "content": "allow"},
    }
    assert decide(client, request_id, escalate, "ask counsel").json()["state"] == "escalated"
    refused = decide(client, request_id, PARTIAL, "no content")
    assert refused.status_code == 403 and "senior counsel" in refused.text
    as_counsel = api_token(counsel)
    ruled = decide(client, request_id, PARTIAL, "no content", as_counsel)
    assert ruled.json()["state"] == "second_review"
    assert confirm(client, request_id).json()["state"] == "partially_approved"


def test_staff_calls_need_a_name_and_this_machine(settings: Settings, session: Session) -> None:
    app = create_app(settings)
    with TestClient(app, client=("203.0.113.9", 4000)) as remote:
        assert remote.get("/api/v1/staff/requests", headers=STAFF).status_code == 403
        console = remote.get("/console", follow_redirects=False)
        assert console.status_code == 303, "the console signs staff in from anywhere"
        assert console.headers["location"].startswith("/console/login")
    with TestClient(app, client=("127.0.0.1", 4000)) as local:
        nameless = local.get("/api/v1/staff/requests")
        assert nameless.status_code == 401
        assert "Authorization: Bearer" in nameless.json()["errors"][0]["message"]
        unknown = local.get("/api/v1/staff/requests", headers=bearer("lgs_" + "x" * 40))
        assert unknown.status_code == 401
        assert "unknown, replaced or disabled" in unknown.json()["errors"][0]["message"]
        named = local.get("/api/v1/staff/requests", headers={"X-Lawgate-Staff": STAFF_EMAIL})
        assert named.status_code == 401, "naming an account proves nothing"
    app.state.engine.dispose()


def test_an_unknown_request_is_404(client: TestClient) -> None:
    answer = client.get("/api/v1/staff/requests/LG-ZZZZZZZZ", headers=STAFF)
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["field"] == "id"


def test_answered_cases_sort_after_open_ones(client: TestClient, session: Session) -> None:
    urgent = submitted(
        client,
        session,
        kind="emergency_disclosure",
        categories=["subscriber"],
        emergency={"threat": "hostage", "harm": "death"},
    )
    normal = post_request(client, request_body()).json()["id"]
    reject = {
        "outcome": "reject",
        "categories": {"subscriber": "deny"},
        "reasons": [
            {
                "code": "emergency_unconfirmed",
                "category": "subscriber",
                "rule": "baseline.emergency",
                "citation": "18 U.S.C. 2702(c)(4)",
                "message": "No call-back.",
            }
        ],
    }
    assert decide(client, urgent, reject).json()["state"] == "rejected"
    queue = client.get("/api/v1/staff/requests", headers=STAFF).json()
    assert [row["id"] for row in queue] == [normal, urgent]


def test_intake_stores_the_policy_recommendation_and_the_queue_shows_it(
    client: TestClient, session: Session
) -> None:
    warrant = submitted(client, session)
    subpoena_process = {
        **request_body()["legal_process"],
        "type": "subpoena",
        "issuer_role": "prosecutor",
    }
    subpoena = post_request(client, request_body(legal_process=subpoena_process)).json()["id"]
    queue = {row["id"]: row for row in client.get("/api/v1/staff/requests", headers=STAFF).json()}
    assert queue[warrant]["recommendation"] == "approve"
    assert queue[subpoena]["recommendation"] == "partial"
    detail = client.get(f"/api/v1/staff/requests/{subpoena}", headers=STAFF).json()
    recommended = detail["decisions"][0]["decision"]
    assert recommended["categories"] == {
        "subscriber": "allow",
        "traffic": "deny",
        "content": "deny",
    }
    assert {r["code"] for r in recommended["reasons"]} == {"instrument_insufficient"}
    seen = get_status(client, subpoena).json()
    assert seen["decision"] is None, "the agency never sees the internal recommendation"


def test_admins_cannot_record_call_backs(
    client: TestClient, session: Session, staff_member: Any, api_token: Any
) -> None:
    admin, _, _ = staff_member("admin")
    request_id = submitted(
        client,
        session,
        kind="emergency_disclosure",
        emergency={"threat": "hostage", "harm": "death"},
        categories=["subscriber"],
    )
    answer = client.post(
        f"/api/v1/staff/requests/{request_id}/callbacks",
        json={"number_called": "+1 212 384 1000", "outcome": "confirmed"},
        headers=api_token(admin),
    )
    assert answer.status_code == 403 and "admin" in answer.text
