"""The case state machine: which state may follow which, so no step is skipped or repeated."""

from __future__ import annotations

from enum import StrEnum

from lawgate.domain import PRESERVATION_KINDS, Outcome
from lawgate.errors import ConflictError


class CaseState(StrEnum):
    """Where a request stands, from receipt to closure."""

    RECEIVED = "received"
    VERIFIED = "verified"
    EVALUATED = "evaluated"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    PRODUCING = "producing"
    DELIVERED = "delivered"
    CLOSED = "closed"


S = CaseState
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.RECEIVED: frozenset({S.VERIFIED, S.REJECTED}),
    # IN_REVIEW directly from VERIFIED until policy evaluation (issue 3) slots in between.
    S.VERIFIED: frozenset({S.EVALUATED, S.IN_REVIEW, S.REJECTED}),
    S.EVALUATED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.ESCALATED}),
    S.ESCALATED: frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.PRODUCING, S.CLOSED}),
    S.PARTIALLY_APPROVED: frozenset({S.PRODUCING, S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.PRODUCING: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

DECIDABLE = frozenset({S.IN_REVIEW, S.ESCALATED})
ANSWERED = frozenset({S.CLOSED, S.DELIVERED, S.REJECTED})
"""States in which the agency has its answer and the deadline no longer runs."""
GRANTED = frozenset({S.APPROVED, S.PARTIALLY_APPROVED})


def is_answered(state: CaseState, kind: str) -> bool:
    """True once the agency has its answer: a granted preservation needs no production."""
    return state in ANSWERED or (kind in PRESERVATION_KINDS and state in GRANTED)


STATE_AFTER_OUTCOME: dict[Outcome, CaseState] = {
    Outcome.APPROVE: S.APPROVED,
    Outcome.PARTIAL: S.PARTIALLY_APPROVED,
    Outcome.REJECT: S.REJECTED,
    Outcome.ESCALATE: S.ESCALATED,
}


def check_transition(current: CaseState, new: CaseState) -> None:
    """Refuse a move the workflow does not allow, saying what is allowed instead."""
    allowed = TRANSITIONS[current]
    if new not in allowed:
        options = ", ".join(sorted(allowed)) or "nothing (the case is closed)"
        raise ConflictError(
            f"a case in state '{current}' cannot become '{new}'; it may become: {options}"
        )
