"""The case state machine: which state may follow which, so no step is skipped or repeated."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

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
    SECOND_REVIEW = "second_review"
    """A decision waits for a second reviewer, a different person, to confirm or return it."""
    PRODUCING = "producing"
    DELIVERED = "delivered"
    CLOSED = "closed"


S = CaseState
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.RECEIVED: frozenset({S.VERIFIED, S.REJECTED}),
    # IN_REVIEW directly from VERIFIED until policy evaluation (issue 3) slots in between.
    S.VERIFIED: frozenset({S.EVALUATED, S.IN_REVIEW, S.REJECTED}),
    # Advice to escalate (political offence, national security...) goes to senior counsel at once.
    S.EVALUATED: frozenset({S.IN_REVIEW, S.ESCALATED}),
    S.IN_REVIEW: frozenset(
        {S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.ESCALATED, S.SECOND_REVIEW}
    ),
    S.ESCALATED: frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.SECOND_REVIEW}),
    # Confirmed: the state the decision implies; returned: back to the desk it came from.
    S.SECOND_REVIEW: frozenset(
        {S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.ESCALATED, S.IN_REVIEW}
    ),
    # Back to a reviewer's desk when the policy, re-run later, refuses what was granted (a lapse).
    S.APPROVED: frozenset({S.PRODUCING, S.CLOSED, S.IN_REVIEW, S.ESCALATED}),
    S.PARTIALLY_APPROVED: frozenset({S.PRODUCING, S.CLOSED, S.IN_REVIEW, S.ESCALATED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.PRODUCING: frozenset({S.DELIVERED, S.IN_REVIEW, S.ESCALATED}),
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


class HoldState(StrEnum):
    """Where a preservation hold on one account stands."""

    ACTIVE = "active"
    EXTENDED = "extended"
    EXPIRED = "expired"
    CONVERTED = "converted"
    """Its data went into the production that followed the preservation."""


H = HoldState
HOLD_TRANSITIONS: dict[HoldState, frozenset[HoldState]] = {
    H.ACTIVE: frozenset({H.EXTENDED, H.EXPIRED, H.CONVERTED}),
    # B9: one extension per framework, so an extended hold is never extended again.
    H.EXTENDED: frozenset({H.EXPIRED, H.CONVERTED}),
    H.EXPIRED: frozenset(),
    H.CONVERTED: frozenset(),
}
RUNNING_HOLDS = frozenset({H.ACTIVE, H.EXTENDED})
"""Hold states that still keep data from deletion (until the hold expires)."""


def check_hold_transition(current: HoldState, new: HoldState) -> None:
    """Refuse a hold move the lifecycle does not allow (e.g. a second extension)."""
    _refuse_unlisted("a hold", current, new, HOLD_TRANSITIONS[current], "the hold has ended")


def check_transition(current: CaseState, new: CaseState) -> None:
    """Refuse a move the workflow does not allow, saying what is allowed instead."""
    _refuse_unlisted("a case", current, new, TRANSITIONS[current], "the case is closed")


def _refuse_unlisted(
    what: str, current: StrEnum, new: StrEnum, allowed: frozenset[Any], ended: str
) -> None:
    """One refusal for both lifecycles: name the move and what is allowed instead."""
    if new not in allowed:
        options = ", ".join(sorted(allowed)) or f"nothing ({ended})"
        raise ConflictError(
            f"{what} in state '{current}' cannot become '{new}'; it may become: {options}"
        )
