"""Reviewers' rulings: who may decide, when a second person must confirm, and what is narrowed.

A reviewer rules on each requested category (allow or deny) and may narrow the targets or the
dates. A written reason is required whenever the ruling departs from the policy's recommendation.
Content, granted emergencies, escalated cases and departures need a second reviewer, a different
person, before the case moves on: until then the ruling is a proposal and the case waits in
'second_review'. Nothing can be produced from a proposal (see `latest_ruling`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.cases import lapses
from lawgate.cases import services as cases
from lawgate.cases.models import DecisionRow
from lawgate.cases.schemas import Narrowing
from lawgate.cases.workflow import DECIDABLE, STATE_AFTER_OUTCOME, CaseState
from lawgate.domain import (
    CallbackStatus,
    Category,
    Decision,
    Outcome,
    Request,
    RequestKind,
    Verdict,
)
from lawgate.errors import ConflictError, ForbiddenError, InvalidInputError
from lawgate.intake import queries as requests
from lawgate.intake import services as intake
from lawgate.policy.config import PolicyConfig
from lawgate.policy.engine import DEFAULT_CONFIG, Explanation
from lawgate.staff.roles import Role, may_decide_escalated, may_review
from lawgate.store.base import as_utc, utcnow

PROPOSED, CONFIRMED, RETURNED, FINAL = "proposed", "confirmed", "returned", "final"
"""A reviewer row's status: only confirmed and final rulings count (cases.services)."""
NOTE_MAX = 5000


@dataclass(frozen=True)
class Reviewer:
    """The staff member acting, as the audit log names them, their role, and their credential."""

    actor: str
    role: Role
    credential: str = ""
    """The origins of the credential used, space-separated (opaque ids: the console session, or
    the API token's issuance and issuer); two credentials sharing one may be in one person's hands.
    Empty for trusted code acting on a person's behalf."""


@dataclass(frozen=True)
class Ruling:
    """What a reviewer decided: verdicts, narrowing, the note (kept), a message (sent)."""

    decision: Decision
    note: str = ""
    narrowing: Narrowing | None = None
    message_to_agency: str = ""


def departs(ruling: Decision, recommended: Decision | None) -> bool:
    """True when a verdict differs from the policy's, or the policy gave none to follow."""
    if recommended is None:
        return True
    return ruling.categories != recommended.categories or (
        recommended.outcome is Outcome.ESCALATE and ruling.outcome is not Outcome.ESCALATE
    )


def second_review_reasons(
    request: Request, state: CaseState, ruling: Decision, departure: bool, escalated: bool = False
) -> list[str]:
    """Why this ruling needs a second reviewer; empty when one person may decide it."""
    if ruling.outcome is Outcome.ESCALATE:
        return []  # escalating asks for more review; senior counsel decides next
    grants = ruling.outcome in (Outcome.APPROVE, Outcome.PARTIAL)
    reasons = []
    if ruling.categories.get(Category.CONTENT) is Verdict.ALLOW:
        reasons.append("content")
    if grants and request.kind is RequestKind.EMERGENCY_DISCLOSURE:
        reasons.append("emergency")
    if state is CaseState.ESCALATED or escalated:
        reasons.append("escalation")
    if departure:
        reasons.append("departure")
    return reasons


def _check_may_decide(reviewer: Reviewer, state: CaseState, request_id: str) -> None:
    """Reviewers decide cases in review; only senior counsel decides escalated ones."""
    if state not in DECIDABLE:
        allowed = " or ".join(sorted(DECIDABLE))
        raise ConflictError(f"request {request_id} is '{state}'; decisions need {allowed}")
    if not may_review(reviewer.role):
        raise ForbiddenError(f"a {reviewer.role} may not decide requests; reviewers and counsel do")
    if state is CaseState.ESCALATED and not may_decide_escalated(reviewer.role):
        raise ForbiddenError(f"request {request_id} is escalated: only senior counsel decides it")


def check_senior(
    explanation: Explanation, ruling: Decision, reviewer: Reviewer, request_id: str
) -> bool:
    """B7 and kin: what the policy escalates is released only by senior counsel; True if any."""
    held = lapses.escalated(explanation)
    if ruling.outcome is Outcome.ESCALATE:
        return False  # passing it on to counsel releases nothing
    released = sorted(c for c in lapses.allowed(ruling) if c in held)
    if released and not may_decide_escalated(reviewer.role):
        rule = held[released[0]].rule
        raise ForbiddenError(
            f"request {request_id}: {', '.join(released)} is escalated by rule {rule.id} "
            f"({rule.citation}): {rule.message} Only senior counsel may release it."
        )
    return bool(released)


DEPARTURE_NOTE = (
    "this ruling departs from the policy's recommendation (or there is none): write the reason"
)
RETURN_NOTE = "say why the ruling is sent back, so its author can rule again"


def _check_note(note: str, required: str | None = None) -> str:
    """A written reason of bounded length, demanded (with why) where the law wants one."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInputError(f"the reason may have at most {NOTE_MAX} characters", "note")
    if required and not note:
        raise InvalidInputError(required, "note")
    return note


def check_narrowing(request: Request, narrowing: Narrowing | None) -> None:
    """Narrowing may only keep some of the request's targets and a part of its period."""
    if narrowing is None:
        return
    if narrowing.targets is not None:
        count = len(request.targets)
        if any(not 0 <= i < count for i in narrowing.targets):
            raise InvalidInputError(f"targets: positions must be 0 to {count - 1}", "targets")
    asked, kept = request.date_range, narrowing.date_range
    if asked is not None and kept is not None and (kept.from_ < asked.from_ or kept.to > asked.to):
        raise InvalidInputError(
            f"date_range: {kept.from_} to {kept.to} is outside the requested "
            f"{asked.from_} to {asked.to}; narrowing may only shorten it",
            "date_range",
        )


def check_callback(session: Session, request_id: str, decision: Decision) -> None:
    """B8: an emergency disclosure is granted only after a confirmed call-back to the registry."""
    if decision.outcome not in (Outcome.APPROVE, Outcome.PARTIAL):
        return
    stored = requests.find_request_facts(session, request_id)
    if stored is None or stored.kind != RequestKind.EMERGENCY_DISCLOSURE:
        return
    latest = cases.latest_callback(session, request_id)
    needed = (
        f"request {request_id} is an emergency disclosure: it can be granted only after a "
        "confirmed call-back to the agency's registered number"
    )
    if latest is None:
        raise ConflictError(f"{needed}, and no call-back is recorded", "callbacks")
    if latest.outcome != CallbackStatus.CONFIRMED:
        raise ConflictError(
            f"{needed}; the latest call-back ({latest.called_by}, "
            f"{as_utc(latest.called_at):%Y-%m-%d %H:%M} UTC) {latest.outcome}",
            "callbacks",
        )


def record_decision(
    session: Session,
    request_id: str,
    ruling: Ruling,
    reviewer: Reviewer,
    *,
    config: PolicyConfig = DEFAULT_CONFIG,
    at: dt.datetime | None = None,
) -> CaseState:
    """Record a ruling: final now, or a proposal waiting for a second reviewer.

    The policy is re-run at the ruling's moment first: what it now refuses by time cannot be
    granted (a recorded lapse), and what it escalates only senior counsel may release.
    """
    state = cases.locked_state(session, request_id)
    _check_may_decide(reviewer, state, request_id)
    request = intake.get_request(session, request_id)
    cases.check_categories(session, request_id, ruling.decision)
    moment = lapses.Moment(at or utcnow(), "ruling", reviewer.actor)
    granted = lapses.allowed(ruling.decision)
    explanation = lapses.check(session, request_id, granted, moment, config)
    escalated = check_senior(explanation, ruling.decision, reviewer, request_id)
    check_callback(session, request_id, ruling.decision)
    check_narrowing(request, ruling.narrowing)
    departure = departs(ruling.decision, cases.latest_advice(session, request_id))
    note = _check_note(ruling.note, DEPARTURE_NOTE if departure else None)
    needs = second_review_reasons(request, state, ruling.decision, departure, escalated)
    status = PROPOSED if needs else FINAL
    row = cases.reviewer_row(request_id, ruling, reviewer.actor, note)
    row.status, row.departs, row.second_review = status, departure, needs
    row.credential = reviewer.credential or None
    session.add(row)
    session.flush()
    event = "request:decision:proposed" if needs else "request:decision:recorded"
    details: dict[str, log.Scalar] = {
        "outcome": ruling.decision.outcome,
        "departs": departure,
        "needs": ",".join(needs),
    }
    log.append(session, event, reviewer.actor, request_id, details)
    new_state = CaseState.SECOND_REVIEW if needs else STATE_AFTER_OUTCOME[ruling.decision.outcome]
    cases.transition(session, request_id, new_state, reviewer.actor)
    if not needs:
        lapses.clear(session, request_id)
    return new_state


def _proposal(session: Session, request_id: str) -> DecisionRow:
    """The ruling waiting for a second reviewer, locked with its case."""
    state = cases.locked_state(session, request_id)
    query = select(DecisionRow).where(
        DecisionRow.request_id == request_id, DecisionRow.status == PROPOSED
    )
    row = session.scalars(query.order_by(DecisionRow.id.desc())).first()
    if state is not CaseState.SECOND_REVIEW or row is None:
        raise ConflictError(
            f"request {request_id} is '{state}': no ruling waits for a second review"
        )
    return row


def _check_second(row: DecisionRow, reviewer: Reviewer, request_id: str) -> None:
    """The second reviewer is a different person who may review, with a credential of their own."""
    if not may_review(reviewer.role):
        raise ForbiddenError(f"a {reviewer.role} may not confirm rulings; reviewers and counsel do")
    if reviewer.actor == row.decided_by:
        raise ForbiddenError(
            f"the ruling on {request_id} needs a second reviewer: a different person must "
            "confirm it, not its author"
        )
    shared = set((row.credential or "").split()) & set(reviewer.credential.split())
    if shared:
        raise ForbiddenError(
            f"the ruling on {request_id} needs a second reviewer with a credential of their own: "
            f"yours shares its origin ({', '.join(sorted(shared))}) with the one the ruling was "
            "made with, so one person may hold both; use your own console session or a token "
            "you issued yourself",
            "credential",
        )


def confirm(
    session: Session,
    request_id: str,
    reviewer: Reviewer,
    note: str = "",
    *,
    config: PolicyConfig = DEFAULT_CONFIG,
    at: dt.datetime | None = None,
) -> CaseState:
    """A second reviewer agrees: the proposal becomes the ruling and the case moves on.

    The policy is re-run at this moment too: a lapse sets the proposal aside, and an escalation
    that arose since the proposal needs senior counsel to confirm it.
    """
    row = _proposal(session, request_id)
    _check_second(row, reviewer, request_id)
    proposed = cases.stored_decision(row)
    moment = lapses.Moment(at or utcnow(), "confirmation", reviewer.actor)
    explanation = lapses.check(session, request_id, lapses.allowed(proposed), moment, config)
    if "escalation" not in row.second_review:
        check_senior(explanation, proposed, reviewer, request_id)
    row.status, row.confirmed_by, row.confirmed_at = CONFIRMED, reviewer.actor, utcnow()
    row.confirm_note = _check_note(note)
    session.flush()
    details = {"outcome": row.outcome, "proposed_by": row.decided_by}
    log.append(session, "request:decision:confirmed", reviewer.actor, request_id, details)
    new_state = STATE_AFTER_OUTCOME[Outcome(row.outcome)]
    cases.transition(session, request_id, new_state, reviewer.actor)
    lapses.clear(session, request_id)
    return new_state


def send_back(session: Session, request_id: str, reviewer: Reviewer, note: str) -> CaseState:
    """A second reviewer disagrees: the proposal is set aside, with why, for a new ruling."""
    row = _proposal(session, request_id)
    _check_second(row, reviewer, request_id)
    reason = _check_note(note, RETURN_NOTE)
    row.status, row.confirmed_by, row.confirmed_at = RETURNED, reviewer.actor, utcnow()
    row.confirm_note = reason
    session.flush()
    log.append(session, "request:decision:returned", reviewer.actor, request_id)
    back = CaseState.ESCALATED if "escalation" in row.second_review else CaseState.IN_REVIEW
    cases.transition(session, request_id, back, reviewer.actor)
    return back
