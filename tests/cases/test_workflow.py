"""The case state machine refuses every move it does not list, and says what is allowed."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from lawgate.cases.deadlines import deadline_for
from lawgate.cases.workflow import TRANSITIONS, CaseState, check_transition
from lawgate.config import Settings
from lawgate.domain import Request
from lawgate.errors import ConflictError
from lawgate.policy.config import PolicyConfig
from tests.factories import request_body

PAIRS = list(itertools.product(CaseState, CaseState))


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
