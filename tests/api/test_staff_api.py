"""The staff API: the queue, a case's detail, and decisions that follow the workflow's rules."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.api.app import create_app
from lawgate.config import Settings
from tests.factories import STAFF, get_status, post_request, register, request_body

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


def decide(client: TestClient, request_id: str, decision: dict[str, Any], note: str = "") -> Any:
    """Post a reviewer's decision."""
    return client.post(
        f"/api/v1/staff/requests/{request_id}/decision",
        json={"decision": decision, "note": note},
        headers=STAFF,
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
    client: TestClient, session: Session
) -> None:
    request_id = submitted(client, session)
    answer = decide(client, request_id, PARTIAL, "content needs a warrant")
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
        "request:decision:recorded",
        "case:state:partially_approved",
    ]
    policy, reviewer = detail["decisions"]
    assert (policy["source"], policy["decided_by"]) == ("policy", "system:policy")
    assert reviewer["decided_by"] == "staff:Rita Reviewer"
    assert reviewer["note"] == "content needs a warrant"


def test_a_decided_case_cannot_be_decided_again(client: TestClient, session: Session) -> None:
    request_id = submitted(client, session)
    assert decide(client, request_id, PARTIAL).status_code == 200
    again = decide(client, request_id, PARTIAL)
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


def test_an_escalated_case_can_then_be_decided(client: TestClient, session: Session) -> None:
    request_id = submitted(client, session)
    escalate = {
        **PARTIAL,
        "outcome": "escalate",
        "categories": {"subscriber": "allow", "traffic": "allow", "content": "allow"},
    }
    assert decide(client, request_id, escalate).json()["state"] == "escalated"
    assert decide(client, request_id, PARTIAL).json()["state"] == "partially_approved"


def test_staff_calls_need_a_name_and_this_machine(settings: Settings, session: Session) -> None:
    app = create_app(settings)
    with TestClient(app, client=("203.0.113.9", 4000)) as remote:
        assert remote.get("/api/v1/staff/requests", headers=STAFF).status_code == 403
        assert remote.get("/console").status_code == 403
    with TestClient(app, client=("127.0.0.1", 4000)) as local:
        nameless = local.get("/api/v1/staff/requests")
        assert nameless.status_code == 401
        assert "X-Lawgate-Staff" in nameless.json()["errors"][0]["message"]
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
