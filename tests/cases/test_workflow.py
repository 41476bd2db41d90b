"""The case state machine refuses every move it does not list, and says what is allowed."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases import services as cases
from lawgate.cases.services import RULED
from lawgate.cases.workflow import (
    GRANTED,
    HOLD_TRANSITIONS,
    TRANSITIONS,
    CaseState,
    HoldState,
    check_hold_transition,
    check_transition,
)
from lawgate.config import Settings
from lawgate.domain import Decision, Request
from lawgate.errors import ConflictError
from lawgate.policy.config import PolicyConfig
from lawgate.policy.deadlines import deadline_for
from lawgate.staff.roles import Role
from tests.factories import request_body
from tests.intake.helpers import file_request, register_agency

PAIRS = list(itertools.product(CaseState, CaseState))
HOLD_PAIRS = list(itertools.product(HoldState, HoldState))
ROLE = Role.REVIEWER


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_only_listed_transitions_pass(old: CaseState, new: CaseState) -> None:
    if new in TRANSITIONS[old]:
        check_transition(old, new)
        return
    with pytest.raises(ConflictError, match=f"cannot become '{new}'"):
        check_transition(old, new)


def test_a_closed_case_goes_nowhere() -> None:
    with pytest.raises(ConflictError, match="the case is closed"):
        check_transition(CaseState.CLOSED, CaseState.IN_REVIEW)


def test_every_state_can_reach_closed_except_closed_itself() -> None:
    for start in CaseState:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert CaseState.CLOSED in seen


@pytest.mark.parametrize(
    ("country", "emergency", "expected"),
    [
        ("DE", False, dt.timedelta(days=10)),
        ("DE", True, dt.timedelta(hours=8)),
        ("US", False, dt.timedelta(days=7)),
        ("US", True, dt.timedelta(hours=4)),
    ],
)
def test_deadlines_follow_the_eu_rule_and_configuration(
    settings: Settings, country: str, emergency: bool, expected: dt.timedelta
) -> None:
    configured = Settings(
        home=settings.home,
        database_url=settings.database_url,
        marketplace_url=settings.marketplace_url,
        policy=PolicyConfig(deadline_days=7, emergency_deadline_hours=4),
    )
    changes: dict[str, object] = {"country": country}
    if emergency:
        changes |= {
            "kind": "emergency_disclosure",
            "emergency": {"threat": "hostage", "harm": "death"},
        }
    received = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    request = Request.model_validate(request_body(**changes))
    assert deadline_for(request, received, configured.policy) - received == expected


def reachable(start: CaseState, without: frozenset[CaseState]) -> set[CaseState]:
    """States reachable from start when the states in `without` are taken out of the graph."""
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()] - without:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


@pytest.mark.parametrize(
    ("step", "later"),
    [
        (frozenset({CaseState.IN_REVIEW, CaseState.ESCALATED}), CaseState.APPROVED),
        (GRANTED, CaseState.PRODUCING),
        (frozenset({CaseState.PRODUCING}), CaseState.DELIVERED),
        (frozenset({CaseState.ESCALATED, CaseState.IN_REVIEW}), CaseState.SECOND_REVIEW),
    ],
)
def test_no_path_skips_a_required_step(step: frozenset[CaseState], later: CaseState) -> None:
    """Every path to `later` passes through `step` (a review desk, a grant, production)."""
    assert later in reachable(CaseState.RECEIVED, frozenset())
    assert later not in reachable(CaseState.RECEIVED, step)


@pytest.mark.parametrize(("old", "new"), HOLD_PAIRS, ids=[f"{a}->{b}" for a, b in HOLD_PAIRS])
def test_hold_lifecycle_refuses_unlisted_moves(old: HoldState, new: HoldState) -> None:
    """active → extended → expired or converted; a second extension or a revival is refused."""
    if new in HOLD_TRANSITIONS[old]:
        check_hold_transition(old, new)
        return
    with pytest.raises(ConflictError, match=f"cannot become '{new}'"):
        check_hold_transition(old, new)


@pytest.fixture
def in_review(session: Session, settings: Settings) -> str:
    """A warrant for subscriber and content data, in review."""
    register_agency(session)
    return file_request(session, settings, request_body(categories=["subscriber", "content"]))


def proposal(session: Session, request_id: str) -> None:
    """A reviewer allows content: the ruling waits for a second reviewer."""
    decision = Decision.model_validate(
        {"outcome": "approve", "categories": {"subscriber": "allow", "content": "allow"}}
    )
    ruling = review.Ruling(decision, "The warrant covers content.")
    state = review.record_decision(session, request_id, ruling, review.Reviewer("staff:1", ROLE))
    assert state is CaseState.SECOND_REVIEW


@pytest.mark.parametrize("target", sorted(RULED))
def test_no_ruled_state_without_a_ruling_in_force(
    session: Session, in_review: str, target: CaseState
) -> None:
    """Moving a case by hand into a ruled state is refused, before and during second review."""
    with pytest.raises(ConflictError, match="without a ruling in force"):
        cases.transition(session, in_review, target, "staff:1")
    proposal(session, in_review)
    if target in TRANSITIONS[CaseState.SECOND_REVIEW]:
        with pytest.raises(ConflictError, match="second reviewer first"):
            cases.transition(session, in_review, target, "staff:1")
    assert cases.locked_state(session, in_review) is CaseState.SECOND_REVIEW


def test_second_review_needs_a_proposal(session: Session, in_review: str) -> None:
    """A case cannot be parked in second review without a ruling to confirm."""
    with pytest.raises(ConflictError, match="no proposed ruling"):
        cases.transition(session, in_review, CaseState.SECOND_REVIEW, "staff:1")
