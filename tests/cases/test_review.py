"""Rulings: who may decide, the written reason for departures, and the second reviewer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases import services as cases
from lawgate.cases.schemas import Narrowing
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Category, DateRange, Decision, Outcome, Verdict
from lawgate.errors import ConflictError, ForbiddenError, InvalidInputError
from lawgate.staff.roles import Role
from tests.factories import request_body
from tests.intake.helpers import emergency_body, file_request, register_agency

RITA = review.Reviewer("staff:1", Role.REVIEWER)
SAM = review.Reviewer("staff:2", Role.REVIEWER)
GRACE = review.Reviewer("staff:3", Role.SENIOR_COUNSEL)
ALAN = review.Reviewer("staff:4", Role.ADMIN)
DENY_REASON = {
    "code": "overbroad",
    "rule": "reviewer",
    "citation": "company.b4",
    "message": "Not needed for the investigation.",
}


@pytest.fixture
def filed(session: Session, settings: Settings) -> str:
    """A warrant for subscriber and traffic data, in review."""
    register_agency(session)
    return file_request(session, settings, request_body(categories=["subscriber", "traffic"]))


@pytest.fixture
def with_content(session: Session, settings: Settings) -> str:
    """A warrant for subscriber, traffic and content data, in review."""
    register_agency(session)
    return file_request(session, settings, request_body())


def advice(session: Session, request_id: str) -> Decision:
    """The policy's recommendation on a request."""
    return [d for d in cases.case_detail(session, request_id).decisions if d.source == "policy"][
        -1
    ].decision


def ruling(verdicts: dict[str, str], outcome: str | None = None) -> Decision:
    """A decision with a reason for each denied category."""
    denied = [c for c, v in verdicts.items() if v == "deny"]
    allowed = [c for c, v in verdicts.items() if v == "allow"]
    chosen = outcome or ("reject" if not allowed else ("partial" if denied else "approve"))
    reasons = [{**DENY_REASON, "category": c} for c in denied]
    if chosen == "escalate":
        reasons.append({**DENY_REASON, "code": "national_security_review"})
    return Decision.model_validate({"outcome": chosen, "categories": verdicts, "reasons": reasons})


def agreeing(session: Session, request_id: str) -> Decision:
    """A ruling with the policy's verdicts."""
    recommended = advice(session, request_id)
    return ruling({str(c): str(v) for c, v in recommended.categories.items()})


def test_a_ruling_that_follows_the_advice_and_gives_no_content_is_final(
    session: Session, filed: str
) -> None:
    """One reviewer suffices: the case moves at once and the ruling is in force."""
    decision = agreeing(session, filed)
    assert Category.CONTENT not in decision.categories
    state = review.record_decision(session, filed, review.Ruling(decision), RITA)
    assert state in (CaseState.APPROVED, CaseState.PARTIALLY_APPROVED, CaseState.REJECTED)
    in_force = cases.latest_ruling(session, filed)
    assert in_force is not None and in_force.status == "final" and not in_force.departs


def test_content_waits_for_a_different_person(session: Session, with_content: str) -> None:
    """Allowing content makes a proposal; its author cannot confirm it, a colleague can."""
    decision = ruling({"subscriber": "allow", "traffic": "allow", "content": "allow"})
    note = "Warrant covers content; the policy's advice is too narrow here."
    state = review.record_decision(session, with_content, review.Ruling(decision, note), RITA)
    assert state is CaseState.SECOND_REVIEW
    assert cases.latest_ruling(session, with_content) is None, "a proposal is never in force"
    with pytest.raises(ForbiddenError, match="different person"):
        review.confirm(session, with_content, RITA)
    with pytest.raises(ForbiddenError, match="admin"):
        review.confirm(session, with_content, ALAN)
    assert review.confirm(session, with_content, SAM, "Agreed.") is CaseState.APPROVED
    in_force = cases.latest_ruling(session, with_content)
    assert in_force is not None
    assert (in_force.status, in_force.confirmed_by) == ("confirmed", SAM.actor)
    assert "content" in in_force.second_review
    events = [e.event for e in cases.case_detail(session, with_content).trail]
    order = [
        "request:decision:proposed",
        "case:state:second_review",
        "request:decision:confirmed",
        "case:state:approved",
    ]
    assert [e for e in events if e in order] == order


def test_a_departure_needs_a_written_reason_and_a_second_reviewer(
    session: Session, with_content: str
) -> None:
    """Verdicts unlike the advice are refused without a reason, then go to a second reviewer."""
    recommended = advice(session, with_content)
    flipped = {
        str(c): ("deny" if v is Verdict.ALLOW else "allow")
        for c, v in recommended.categories.items()
    }
    flipped["content"] = "deny"
    if "allow" not in flipped.values():
        flipped["subscriber"] = "allow"
    decision = ruling(flipped)
    assert review.departs(decision, recommended)
    with pytest.raises(InvalidInputError, match="departs") as refused:
        review.record_decision(session, with_content, review.Ruling(decision, "  "), RITA)
    assert refused.value.field == "note"
    assert cases.locked_state(session, with_content) is CaseState.IN_REVIEW, "nothing was recorded"
    reason = "The subscriber data alone identifies the seller; the rest is not needed."
    state = review.record_decision(session, with_content, review.Ruling(decision, reason), RITA)
    assert state is CaseState.SECOND_REVIEW
    proposal = cases.case_detail(session, with_content).decisions[-1]
    assert proposal.departs and "departure" in proposal.second_review


def test_sending_back_needs_a_reason_and_returns_the_case(
    session: Session, with_content: str
) -> None:
    """The second reviewer may disagree, in writing; the case goes back to review."""
    decision = ruling({"subscriber": "allow", "traffic": "allow", "content": "allow"})
    review.record_decision(
        session, with_content, review.Ruling(decision, "content is needed"), RITA
    )
    with pytest.raises(InvalidInputError, match="why"):
        review.send_back(session, with_content, SAM, "")
    assert review.send_back(session, with_content, SAM, "Content is not proportionate.") is (
        CaseState.IN_REVIEW
    )
    assert cases.case_detail(session, with_content).decisions[-1].status == "returned"
    with pytest.raises(ConflictError, match="no ruling waits"):
        review.confirm(session, with_content, GRACE)


def test_escalated_cases_are_decided_by_senior_counsel_and_confirmed_by_another(
    session: Session, filed: str
) -> None:
    """A reviewer escalates; only counsel rules; the ruling on an escalation needs a second look."""
    recommended = advice(session, filed)
    escalation = ruling({"subscriber": "allow", "traffic": "deny"}, "escalate")
    note = "" if not review.departs(escalation, recommended) else "National-security angle."
    state = review.record_decision(session, filed, review.Ruling(escalation, note), RITA)
    assert state is CaseState.ESCALATED
    decision = ruling({"subscriber": "allow", "traffic": "deny"})
    with pytest.raises(ForbiddenError, match="senior counsel"):
        review.record_decision(session, filed, review.Ruling(decision, "ok"), SAM)
    state = review.record_decision(
        session, filed, review.Ruling(decision, "Subscriber only."), GRACE
    )
    assert state is CaseState.SECOND_REVIEW
    assert "escalation" in cases.case_detail(session, filed).decisions[-1].second_review
    assert review.send_back(session, filed, SAM, "Ask the agency first.") is CaseState.ESCALATED


def test_admins_do_not_decide(session: Session, filed: str) -> None:
    """Administration and legal judgement are kept apart."""
    with pytest.raises(ForbiddenError, match="admin"):
        review.record_decision(session, filed, review.Ruling(agreeing(session, filed)), ALAN)


def test_a_granted_emergency_needs_a_second_reviewer(session: Session, settings: Settings) -> None:
    """Emergencies are granted by two people (after the confirmed call-back)."""
    register_agency(session)
    received = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    request_id = file_request(session, settings, emergency_body(), received_at=received)
    decision = ruling({"subscriber": "allow", "identification": "allow"})
    request = cases.case_detail(session, request_id).request
    needs = review.second_review_reasons(request, CaseState.IN_REVIEW, decision, False)
    assert needs == ["emergency"]


@pytest.mark.parametrize(
    ("narrowing", "field"),
    [
        ({"targets": [3]}, "targets"),
        ({"date_range": {"from": "2025-12-01", "to": "2026-02-01"}}, "date_range"),
        ({"date_range": {"from": "2026-03-01", "to": "2026-11-30"}}, "date_range"),
    ],
)
def test_narrowing_only_keeps_part_of_what_was_asked(
    session: Session, filed: str, narrowing: dict[str, Any], field: str
) -> None:
    """Targets outside the request or a period beyond it are refused, naming the field."""
    kept = Narrowing.model_validate(narrowing)
    with pytest.raises(InvalidInputError) as refused:
        review.record_decision(
            session, filed, review.Ruling(agreeing(session, filed), "", kept), RITA
        )
    assert refused.value.field == field


def test_a_narrowed_ruling_is_what_production_reads(session: Session, filed: str) -> None:
    """The ruling in force carries the narrowing, and applying it shortens the request."""
    kept = Narrowing(date_range=DateRange(from_=dt.date(2026, 3, 1), to=dt.date(2026, 3, 31)))
    decision = agreeing(session, filed)
    state = review.record_decision(session, filed, review.Ruling(decision, "", kept), RITA)
    if state is CaseState.SECOND_REVIEW:
        review.confirm(session, filed, SAM)
    in_force = cases.latest_ruling(session, filed)
    assert in_force is not None and in_force.narrowing == kept
    request = in_force.narrowing.apply(cases.case_detail(session, filed).request)
    assert request.date_range == kept.date_range


def test_outcomes_map_to_states() -> None:
    """Every outcome has the state it leads to (a guard against a new outcome slipping by)."""
    from lawgate.cases.workflow import STATE_AFTER_OUTCOME

    assert set(STATE_AFTER_OUTCOME) == set(Outcome)
