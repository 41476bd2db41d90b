"""The staff API cannot smuggle text to the agency: reasons are reworded, notes stay home.

A script may put anything in decision.reasons[].message, .rule, .citation and .findings: the
ruling is stored with each reason in public wording (the shipped rule's own, or its code's),
findings never leave, and only message_to_agency reaches the agency, checked like the console's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import public
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Category, ReasonCode
from lawgate.policy.packs import default_packs
from tests.demo.conftest import built
from tests.factories import SECOND, STAFF
from tests.web.test_public_reasons import (
    MESSAGE,
    SECRET,
    Agency,
    agency,
    assert_public,
    exits,
    filed,
    settings,
)

__all__ = ["agency", "built", "filed", "settings"]
pytestmark = pytest.mark.usefixtures("api_staff")

SMUGGLED = {
    "outcome": "partial",
    "categories": {"subscriber": "allow", "content": "deny"},
    "reasons": [
        {
            "code": "political_offence",
            "category": "content",
            "rule": "reviewer",
            "citation": SECRET,
            "message": SECRET,
        },
        {
            "code": "instrument_insufficient",
            "category": "content",
            "rule": "us.content.warrant",
            "citation": SECRET,
            "message": SECRET,
        },
    ],
    "findings": [{"code": "smuggled", "message": SECRET}],
}


def decide(client: TestClient, request_id: str, **body: Any) -> Any:
    """Post a ruling to the staff API as the first reviewer."""
    return client.post(
        f"/api/v1/staff/requests/{request_id}/decision",
        json={"decision": SMUGGLED, "note": SECRET, **body},
        headers=STAFF,
    )


def test_reasons_are_reworded_and_only_the_message_reaches_the_agency(
    client: TestClient, session: Session, settings: Settings, agency: Agency, filed: str
) -> None:
    """Every exit is read as the agency reads it; the staff record keeps the note apart."""
    answer = decide(client, filed, message_to_agency=MESSAGE)
    assert answer.status_code == 200, answer.text
    confirmed = client.post(
        f"/api/v1/staff/requests/{filed}/confirm", json={"note": SECRET}, headers=SECOND
    )
    assert confirmed.json()["state"] == "partially_approved", confirmed.text
    detail = client.get(f"/api/v1/staff/requests/{filed}", headers=STAFF).json()
    ruling = detail["decisions"][-1]
    assert (ruling["note"], ruling["agency_message"]) == (SECRET, MESSAGE)
    warrant = default_packs().rules["us.content.warrant"]
    assert ruling["decision"]["reasons"] == [
        public.reviewer_reason(ReasonCode.POLITICAL_OFFENCE, Category.CONTENT).model_dump(
            mode="json"
        ),
        {
            "code": "instrument_insufficient",
            "category": "content",
            "rule": warrant.id,
            "citation": warrant.citation,
            "message": warrant.message,
        },
    ]
    session.rollback()

    found = exits(client, settings, agency, filed)
    assert_public(found, MESSAGE)
    assert json.loads(found["status API"])["decision"]["findings"] == []


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("null\x00byte", "control character U+0000"),
        ("\x1b[2Jcleared", "control character U+001B"),
        ("abc \u2066hidden\u2069", "control character U+2066"),
        ("x" * (public.MESSAGE_MAX + 1), "at most 2000 characters"),
    ],
)
def test_a_bad_message_to_the_agency_is_refused_naming_the_field(
    client: TestClient, session: Session, filed: str, message: str, problem: str
) -> None:
    """A 422 names message_to_agency; nothing is recorded."""
    answer = decide(client, filed, message_to_agency=message)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["field"] == "message_to_agency" and problem in error["message"]
    assert cases.locked_state(session, filed) is CaseState.IN_REVIEW
