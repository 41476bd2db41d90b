"""The two-person rule compares credentials: two that share an origin may be one person's."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases import services as cases
from lawgate.cases.models import DecisionRow
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Decision
from lawgate.errors import ForbiddenError
from lawgate.staff.roles import Role
from tests.factories import request_body
from tests.intake.helpers import file_request, register_agency

CONTENT = Decision.model_validate(
    {
        "outcome": "approve",
        "categories": {"subscriber": "allow", "traffic": "allow", "content": "allow"},
        "reasons": [],
    }
)
RULING = review.Ruling(CONTENT, "The warrant covers content.")


def reviewer(actor: str, credential: str) -> review.Reviewer:
    """A reviewer acting with a credential of the given origins."""
    return review.Reviewer(actor, Role.REVIEWER, credential)


@pytest.fixture
def proposed(session: Session, settings: Settings) -> str:
    """A request whose content ruling, made in Rita's console session, waits for a second person."""
    register_agency(session)
    request_id = file_request(session, settings, request_body())
    rita = reviewer("staff:1", "session:aaaa staff:1")
    assert review.record_decision(session, request_id, RULING, rita) is CaseState.SECOND_REVIEW
    return request_id


@pytest.mark.parametrize(
    "credential",
    [
        pytest.param("session:aaaa staff:2", id="the-same-console-session"),
        pytest.param("cli:bbbb staff:1", id="a-token-the-author-issued"),
    ],
)
def test_a_credential_sharing_an_origin_with_the_rulings_is_refused(
    session: Session, proposed: str, credential: str
) -> None:
    sam = reviewer("staff:2", credential)
    for act in (review.confirm, review.send_back):
        with pytest.raises(ForbiddenError, match="credential of their own") as refused:
            act(session, proposed, sam, "no")
        assert refused.value.field == "credential"
    assert cases.locked_state(session, proposed) is CaseState.SECOND_REVIEW


def test_the_ruling_keeps_its_credential_and_a_separate_one_confirms(
    session: Session, proposed: str
) -> None:
    query = select(DecisionRow.credential).where(
        DecisionRow.request_id == proposed, DecisionRow.source != "policy"
    )
    assert session.scalars(query).all() == ["session:aaaa staff:1"]
    sam = reviewer("staff:2", "session:cccc staff:2")
    assert review.confirm(session, proposed, sam, "Agreed.") is CaseState.APPROVED


def test_trusted_code_without_a_credential_is_judged_by_the_person_alone(
    session: Session, settings: Settings
) -> None:
    register_agency(session)
    request_id = file_request(session, settings, request_body())
    review.record_decision(session, request_id, RULING, review.Reviewer("staff:1", Role.REVIEWER))
    sam = review.Reviewer("staff:2", Role.REVIEWER)
    assert review.confirm(session, request_id, sam) is CaseState.APPROVED
