"""The agency API: corpus requests are stored; malformed ones store nothing and name the field."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow
from lawgate.intake.models import RequestRow, TargetRow
from tests.conftest import corpus_params
from tests.factories import (
    FBI,
    get_status,
    load_case,
    post_request,
    register,
    request_body,
    signed,
)
from tests.test_domain import REQUIRED


def stored_requests(session: Session) -> int:
    """How many requests the store holds, seen from a fresh transaction."""
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(RequestRow)) or 0)


def audit_size(session: Session) -> int:
    """How many audit entries exist."""
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0)


@pytest.mark.parametrize("path", corpus_params())
def test_every_corpus_request_is_stored_and_answers_its_state(
    path: Path, client: TestClient, session: Session
) -> None:
    case = load_case(path)
    register(session, case["agency"])
    answer = post_request(client, case["request"], case["agency"]["id"])
    assert answer.status_code == 201, answer.text
    request_id = answer.json()["id"]
    assert re.fullmatch(r"LG-[A-Z2-7]{8}", request_id)
    status = get_status(client, request_id, case["agency"]["id"])
    assert status.status_code == 200
    desk = "escalated" if case["expect"]["outcome"] == "escalate" else "in_review"
    assert status.json()["state"] == desk  # what the policy escalates goes to counsel at once
    assert status.json()["decision"] is None
    assert stored_requests(session) == 1
    targets = session.scalars(select(TargetRow.value).where(TargetRow.request_id == request_id))
    assert sorted(targets) == sorted(t["value"] for t in case["request"]["targets"])


def base_with(path: str) -> dict[str, Any]:
    """A valid request that contains the field at `path` (emergency and preservation blocks too)."""
    if path.startswith("emergency"):
        return request_body(
            kind="emergency_disclosure",
            emergency={"threat": "hostage taken tonight", "harm": "death"},
        )
    if path.startswith("preservation"):
        return request_body(kind="preservation", preservation={"days": 90})
    if path.startswith("legal_process.validated_by"):
        process = {
            **request_body()["legal_process"],
            "validated_by": {"role": "judge", "on": "2026-11-21"},
        }
        return request_body(legal_process=process)
    return request_body()


def remove(body: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy of the body without the field at a path such as 'targets[0].type'."""
    result = copy.deepcopy(body)
    parts = re.findall(r"[^.\[\]]+", path)
    holder: Any = result
    for part in parts[:-1]:
        holder = holder[int(part)] if part.isdigit() else holder[part]
    del holder[parts[-1]]
    return result


@pytest.mark.parametrize("path", REQUIRED)
def test_a_missing_required_field_is_named_and_nothing_is_stored(
    path: str, client: TestClient, session: Session
) -> None:
    register(session)
    before = audit_size(session)
    answer = post_request(client, remove(base_with(path), path))
    assert answer.status_code == 422, answer.text
    named = {e["field"] for e in answer.json()["errors"]}
    assert path in named or any(n.startswith(path.split("[")[0]) for n in named), named
    assert stored_requests(session) == 0
    assert audit_size(session) == before


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("kind", "subpoena_request", "kind"),
        ("purpose", "curiosity", "purpose"),
        ("categories", ["subscriber", "location"], "categories[1]"),
        ("targets", [{"type": "imei", "value": "35209900176148"}], "targets[0].type"),
        (
            "legal_process",
            {**request_body()["legal_process"], "issuer_role": "mayor"},
            "legal_process.issuer_role",
        ),
        ("emergency", {"threat": "bomb", "harm": "embarrassment"}, "emergency.harm"),
        ("country", 840, "country"),
        ("extra_field", "x", "extra_field"),
    ],
)
def test_a_bad_enum_or_type_is_named_and_nothing_is_stored(
    field: str, value: Any, named: str, client: TestClient, session: Session
) -> None:
    register(session)
    answer = post_request(client, request_body(**{field: value}))
    assert answer.status_code == 422
    assert named in {e["field"] for e in answer.json()["errors"]}
    assert stored_requests(session) == 0


def test_a_body_that_is_not_json_is_refused(client: TestClient, session: Session) -> None:
    register(session)
    answer = client.post(
        "/api/v1/requests",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
        auth=signed(),
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body"
    assert stored_requests(session) == 0


def test_an_unsigned_call_or_an_unregistered_key_gets_401(
    client: TestClient, session: Session
) -> None:
    register(session)
    anonymous = client.post("/api/v1/requests", json=request_body())
    assert anonymous.status_code == 401
    assert "not signed" in anonymous.json()["errors"][0]["message"]
    unknown = post_request(client, request_body(), "xx-nobody")
    assert unknown.status_code == 401
    assert "'xx-nobody-test' is not registered" in unknown.json()["errors"][0]["message"]
    assert stored_requests(session) == 0


def test_an_agency_cannot_submit_in_another_agencys_name(
    client: TestClient, session: Session
) -> None:
    register(session)
    register(session, {**FBI, "id": "us-ca-lasd", "name": "LASD", "domains": ["lasd.org"]})
    answer = post_request(client, request_body(), "us-ca-lasd")
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["field"] == "agency_id"
    assert stored_requests(session) == 0


def test_an_agency_sees_only_its_own_requests(client: TestClient, session: Session) -> None:
    register(session)
    register(session, {**FBI, "id": "us-ca-lasd", "name": "LASD", "domains": ["lasd.org"]})
    request_id = post_request(client, request_body()).json()["id"]
    other = get_status(client, request_id, "us-ca-lasd")
    assert other.status_code == 404
    missing = get_status(client, "LG-AAAAAAAA")
    assert missing.status_code == 404


def test_a_preservation_reference_must_be_the_agencys_own_request(
    client: TestClient, session: Session
) -> None:
    register(session)
    body = request_body(
        kind="preservation_extension", preservation={"days": 90}, preservation_ref="LG-AAAAAAAA"
    )
    answer = post_request(client, body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "preservation_ref"
    first = post_request(client, request_body(kind="preservation", preservation={"days": 90}))
    body["preservation_ref"] = first.json()["id"]
    assert post_request(client, body).status_code == 201


def test_the_openapi_document_describes_the_request(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/requests" in schema["paths"]
    assert "Request" in schema["components"]["schemas"]
    assert client.get("/docs").status_code == 200
