"""The person the law names: what the policy escalates (B7 political offences, national-security
process) goes to senior counsel at intake, and only senior counsel's ruling releases it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases import services as cases
from lawgate.cases.models import CaseRow
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Agency, Decision, Request
from lawgate.errors import ForbiddenError
from lawgate.intake import services as intake
from lawgate.lifecycle import submission
from lawgate.staff.roles import Role
from tests.conftest import shared_dir
from tests.factories import STAFF, load_case, register, request_body

REVIEWER = review.Reviewer("staff:11", Role.REVIEWER)
OTHER_REVIEWER = review.Reviewer("staff:12", Role.REVIEWER)
COUNSEL = review.Reviewer("staff:13", Role.SENIOR_COUNSEL)
GRANT = Decision.model_validate({"outcome": "approve", "categories": {"subscriber": "allow"}})
NSL = {
    "type": "national_security_letter",
    "issuer_role": "fbi_designee",
    "issuer_name": "SAC, New York",
    "issued_on": "2026-11-20",
    "expires_on": None,
    "validated_by": None,
    "document_sha256": "cd" * 32,
    "document_name": "nsl.pdf",
}


def picking_quarrels(session: Session, settings: Settings) -> str:
    """The corpus case of a PRC Art 293 request, filed as the Hangzhou PSB."""
    case = load_case(shared_dir("corpus") / "cn-psb-picking-quarrels.json")
    intake.register_agency(session, Agency.model_validate(case["agency"]), "test")
    request = Request.model_validate(case["request"])
    received = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    return submission.submit_request(
        session, request, intake.get_agency(session, request.agency_id), settings, received
    )


def nsl(session: Session, settings: Settings) -> str:
    """A national security letter for subscriber data: national-security review."""
    register(session)
    body = request_body(
        purpose="national_security",
        legal_process=NSL,
        categories=["subscriber"],
        date_range=None,
        non_disclosure={"until": None, "basis": "NSL certification"},
    )
    sender = intake.get_agency(session, "us-doj-fbi-nyfo")
    return submission.submit_request(session, Request.model_validate(body), sender, settings)


@pytest.mark.parametrize("filed", [picking_quarrels, nsl], ids=["political", "nsl"])
def test_escalated_advice_goes_straight_to_counsel_and_only_counsel_releases(
    filed: Any, session: Session, settings: Settings
) -> None:
    request_id = filed(session, settings)
    assert cases.locked_state(session, request_id) is CaseState.ESCALATED
    with pytest.raises(ForbiddenError, match="only senior counsel"):
        review.record_decision(session, request_id, review.Ruling(GRANT, "fine"), REVIEWER)
    state = review.record_decision(session, request_id, review.Ruling(GRANT, "ok"), COUNSEL)
    assert state is CaseState.SECOND_REVIEW  # counsel's release still needs a second person
    with pytest.raises(ForbiddenError, match="not its author"):
        review.confirm(session, request_id, COUNSEL)
    assert review.confirm(session, request_id, OTHER_REVIEWER) is CaseState.APPROVED


def test_whatever_the_state_a_reviewer_cannot_release_it(
    session: Session, settings: Settings
) -> None:
    """The case moved back to 'in_review' (by hand in the database): the advice still rules."""
    request_id = picking_quarrels(session, settings)
    session.get(CaseRow, request_id).state = CaseState.IN_REVIEW  # type: ignore[union-attr]
    session.flush()
    with pytest.raises(ForbiddenError, match=r"baseline\.political"):
        review.record_decision(session, request_id, review.Ruling(GRANT, "x"), REVIEWER)
    assert cases.latest_ruling(session, request_id) is None


@pytest.mark.usefixtures("api_staff")
def test_the_staff_api_answers_403_naming_the_rule(
    client: TestClient, session: Session, settings: Settings
) -> None:
    request_id = nsl(session, settings)
    session.commit()
    answer = client.post(
        f"/api/v1/staff/requests/{request_id}/decision",
        json={"decision": GRANT.model_dump(mode="json"), "note": "departing"},
        headers=STAFF,
    )
    assert answer.status_code == 403, answer.text
    assert "senior counsel" in answer.json()["errors"][0]["message"]
