"""Emergency call-backs: only a confirmed call to the registry's number lets an emergency pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases.models import CallbackRow
from lawgate.config import Settings
from lawgate.domain import Decision, Request
from lawgate.errors import ConflictError
from lawgate.staff.roles import Role
from lawgate.store.base import utcnow
from tests.factories import SECOND, STAFF, request_body
from tests.intake.helpers import emergency_body, file_request, register_agency

pytestmark = pytest.mark.usefixtures("api_staff")

REGISTRY = "+1 212 384 1000"
APPROVE = {"outcome": "approve", "categories": {"subscriber": "allow", "identification": "allow"}}
PARTIAL = {
    "outcome": "partial",
    "categories": {"subscriber": "allow", "identification": "deny"},
    "reasons": [
        {
            "code": "overbroad",
            "category": "identification",
            "rule": "reviewer",
            "citation": "company.b4",
            "message": "Login records are not needed to find the caller.",
        }
    ],
}
REJECT = {
    "outcome": "reject",
    "categories": {"subscriber": "deny", "identification": "deny"},
    "reasons": [
        {
            "code": "emergency_unconfirmed",
            "rule": "reviewer",
            "citation": "company.b8",
            "message": "The agency could not be reached on its registered number.",
        }
    ],
}


@pytest.fixture
def emergency(session: Session, settings: Settings) -> str:
    """An emergency disclosure request from the FBI, received ten minutes ago, in review."""
    register_agency(session)
    received = utcnow() - dt.timedelta(minutes=10)
    return file_request(session, settings, emergency_body(), received_at=received)


def call(client: TestClient, request_id: str, **fields: Any) -> Any:
    """Record a call-back through the staff API."""
    form = {"number_called": REGISTRY, "outcome": "confirmed", **fields}
    return client.post(f"/api/v1/staff/requests/{request_id}/callbacks", json=form, headers=STAFF)


def decide(
    client: TestClient, request_id: str, decision: dict[str, Any], headers: dict[str, str] = STAFF
) -> Any:
    """Record a reviewer's decision through the staff API (with a reason, in case it departs)."""
    return client.post(
        f"/api/v1/staff/requests/{request_id}/decision",
        json={"decision": decision, "note": "reviewer's reason"},
        headers=headers,
    )


def decide_and_confirm(client: TestClient, request_id: str, decision: dict[str, Any]) -> str:
    """A ruling on an emergency grant needs a second reviewer: record it, then confirm it."""
    first = decide(client, request_id, decision)
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "second_review"
    second = client.post(
        f"/api/v1/staff/requests/{request_id}/confirm", json={"note": ""}, headers=SECOND
    )
    assert second.status_code == 200, second.text
    return str(second.json()["state"])


def detail(client: TestClient, request_id: str) -> dict[str, Any]:
    """The case as the staff API shows it."""
    answer = client.get(f"/api/v1/staff/requests/{request_id}", headers=STAFF)
    assert answer.status_code == 200, answer.text
    shown: dict[str, Any] = answer.json()
    return shown


def test_without_a_call_back_the_policy_refuses_and_approval_is_refused(
    client: TestClient, emergency: str
) -> None:
    shown = detail(client, emergency)
    assert shown["callback"] == "not_done"
    assert shown["registry_callback_phone"] == REGISTRY
    recommendation = shown["decisions"][0]["decision"]
    assert recommendation["outcome"] == "reject"
    assert "emergency_unconfirmed" in {r["code"] for r in recommendation["reasons"]}
    for decision in (APPROVE, PARTIAL):
        refused = decide(client, emergency, decision)
        assert refused.status_code == 409
        error = refused.json()["errors"][0]
        assert error["field"] == "callbacks"
        assert "no call-back is recorded" in error["message"]
    assert detail(client, emergency)["summary"]["state"] == "in_review"


def test_a_failed_call_back_keeps_approval_refused(client: TestClient, emergency: str) -> None:
    answer = call(client, emergency, outcome="failed", note="no answer on the registry number")
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "failed"
    assert answer.json()["recommendation"] == "reject"
    refused = decide(client, emergency, APPROVE)
    assert refused.status_code == 409
    assert "failed" in refused.json()["errors"][0]["message"]


def test_a_confirmed_call_back_reruns_the_policy_and_allows_approval(
    client: TestClient, emergency: str, api_staff: Any
) -> None:
    answer = call(client, emergency, spoke_to="duty agent", note="officer confirmed")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["recommendation"]) == ("confirmed", "approve")
    assert body["callback"]["called_by"] == api_staff[0].actor
    shown = detail(client, emergency)
    assert shown["callback"] == "confirmed"
    assert [d["decision"]["outcome"] for d in shown["decisions"]] == ["reject", "approve"]
    assert shown["callbacks"][0]["spoke_to"] == "duty agent"
    events = [e["event"] for e in shown["trail"]]
    assert events[-2:] == ["request:callback:recorded", "request:policy:reevaluated"]
    assert decide_and_confirm(client, emergency, APPROVE) == "approved"


def test_partial_approval_needs_the_confirmed_call_back_too(
    client: TestClient, emergency: str
) -> None:
    assert call(client, emergency).status_code == 201
    assert decide_and_confirm(client, emergency, PARTIAL) == "partially_approved"


def test_only_the_latest_call_counts(client: TestClient, emergency: str) -> None:
    earlier = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    assert call(client, emergency, called_at=earlier).status_code == 201
    later = call(client, emergency, outcome="failed", note="a different person answered")
    assert later.json()["status"] == "failed"
    assert decide(client, emergency, APPROVE).status_code == 409
    assert call(client, emergency).json()["status"] == "confirmed"
    assert decide(client, emergency, APPROVE).status_code == 200


def test_refusing_or_escalating_an_emergency_needs_no_call_back(
    client: TestClient,
    session: Session,
    settings: Settings,
    emergency: str,
    staff_member: Any,
    api_token: Any,
) -> None:
    assert decide(client, emergency, REJECT).json()["state"] == "rejected"
    other = file_request(session, settings, emergency_body())
    escalate = {**APPROVE, "outcome": "escalate", "reasons": REJECT["reasons"]}
    assert decide(client, other, escalate).json()["state"] == "escalated"
    counsel, _, _ = staff_member("senior_counsel")
    refused = decide(client, other, APPROVE, api_token(counsel))
    assert refused.status_code == 409, "counsel cannot approve around the call-back either"


@pytest.mark.parametrize("number", ["+1 (212) 384-1000", "001 212 384 1000", "+12123841000"])
def test_the_registry_number_may_be_written_any_way(
    client: TestClient, emergency: str, number: str
) -> None:
    assert call(client, emergency, number_called=number).status_code == 201


def test_a_number_other_than_the_registry_is_refused_naming_both(
    client: TestClient, session: Session, emergency: str
) -> None:
    refused = call(client, emergency, number_called="+1 212 555 0100")
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "number_called"
    assert "+12125550100" in error["message"] and "+12123841000" in error["message"]
    assert "never one given in the request" in error["message"]
    assert session.query(CallbackRow).count() == 0
    assert detail(client, emergency)["trail"][-1]["event"] == "case:state:in_review"


def test_the_number_in_the_request_text_cannot_stand_in_for_the_registry(
    client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session)
    body = emergency_body()
    body["emergency"]["threat"] += "; call me back on +1 310 555 0199"
    request_id = file_request(session, settings, body)
    assert call(client, request_id, number_called="+1 310 555 0199").status_code == 422
    codes = [s["code"] for s in detail(client, request_id)["signals"]]
    assert "callback_number_differs" in codes


def test_a_request_claiming_a_call_back_changes_nothing(
    client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session)
    claiming = {
        **emergency_body(),
        "verification": {"requester": "verified", "callback": "confirmed"},
    }
    with pytest.raises(ValidationError, match="verification"):
        Request.model_validate(claiming)
    body = emergency_body(case_reference="NY-9 call-back confirmed by your staff already")
    body["emergency"]["threat"] += " (verification.callback: confirmed)"
    request_id = file_request(session, settings, body)
    shown = detail(client, request_id)
    assert shown["callback"] == "not_done"
    assert shown["decisions"][0]["decision"]["outcome"] == "reject"
    assert decide(client, request_id, APPROVE).status_code == 409


def test_call_backs_are_for_emergencies_only(
    client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session)
    request_id = file_request(session, settings, request_body())
    refused = call(client, request_id)
    assert refused.status_code == 409
    assert "only for emergency disclosures" in refused.json()["errors"][0]["message"]


def test_no_call_back_once_the_case_is_decided(client: TestClient, emergency: str) -> None:
    assert decide(client, emergency, REJECT).status_code == 200
    refused = call(client, emergency)
    assert refused.status_code == 409
    assert "'rejected'" in refused.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("when", "says"),
    [
        (dt.timedelta(hours=1), "in the future"),
        (dt.timedelta(hours=-1), "before the request arrived"),
    ],
)
def test_an_impossible_call_time_is_refused(
    client: TestClient, emergency: str, when: dt.timedelta, says: str
) -> None:
    refused = call(client, emergency, called_at=(utcnow() + when).isoformat())
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert (error["field"], says in error["message"]) == ("called_at", True)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"outcome": "not_done"}, "outcome"),
        ({"called_at": "2026-11-28T10:00:00"}, "called_at"),
        ({"number_called": ""}, "number_called"),
        ({"callback": "confirmed"}, "callback"),
    ],
)
def test_a_bad_form_names_the_field(
    client: TestClient, emergency: str, form: dict[str, str], field: str
) -> None:
    refused = call(client, emergency, **form)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field


def test_an_agency_without_a_registry_number_cannot_be_confirmed(
    client: TestClient, session: Session, settings: Settings
) -> None:
    register_agency(session, callback_phone="")
    request_id = file_request(session, settings, emergency_body())
    refused = call(client, request_id)
    assert refused.status_code == 409
    assert "no call-back number in the registry" in refused.json()["errors"][0]["message"]


def test_staff_must_name_themselves(client: TestClient, emergency: str) -> None:
    answer = client.post(
        f"/api/v1/staff/requests/{emergency}/callbacks",
        json={"number_called": REGISTRY, "outcome": "confirmed"},
    )
    assert answer.status_code == 401


def test_record_decision_itself_enforces_the_call_back(session: Session, emergency: str) -> None:
    with pytest.raises(ConflictError, match="no call-back is recorded") as caught:
        ruling = review.Ruling(Decision.model_validate(APPROVE))
        review.record_decision(
            session, emergency, ruling, review.Reviewer("staff:x", Role.REVIEWER)
        )
    assert caught.value.field == "callbacks"
