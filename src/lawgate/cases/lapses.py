"""The law on the day: the policy re-run at every decision point, and what lost its basis stopped.

A ruling is made against the policy's advice at one moment, but warrants expire, emergency orders
lapse unvalidated and authorisations run out. So each step that brings data closer to the agency
(ruling, confirmation, production start, sealing, delivery) and the job worker re-run the policy
at their own moment. A category that is granted (by a ruling, a proposal or the advice) and that
the policy then refuses, for a reason of time or because its answer changed, has lapsed: the
ruling stops being in force, the case goes back to review, and the lapse is recorded, named and
shown. The refusal is raised as `PolicyLapsedError`, whose transaction keeps the record.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log
from lawgate.cases import services as cases
from lawgate.cases.lapse_text import describe
from lawgate.cases.models import CaseRow, DecisionRow
from lawgate.cases.schemas import Lapse
from lawgate.cases.workflow import GRANTED, CaseState
from lawgate.domain import (
    PRESERVATION_KINDS,
    Category,
    Decision,
    Outcome,
    Reason,
    ReasonCode,
    RequesterStatus,
    Verdict,
    Verification,
)
from lawgate.errors import ConflictError, LawgateError
from lawgate.intake import queries as requests
from lawgate.intake.services import received
from lawgate.policy import engine
from lawgate.policy.config import PolicyConfig
from lawgate.policy.facts import PolicyInput
from lawgate.store.session import transaction

LOGGER = logging.getLogger("lawgate.cases")
SWEEP_ACTOR = "system:policy"

TIME_BOUND = frozenset({ReasonCode.PROCESS_EXPIRED, ReasonCode.MISSING_VALIDATION})
"""Refusals that come with the passing of time: no ruling may grant past them."""
LAPSED = "lapsed"
"""A ruling row's status once the policy no longer supports what it granted."""
REVIEW_STATES = frozenset({CaseState.IN_REVIEW, CaseState.ESCALATED})
REOPENABLE = frozenset(
    {
        CaseState.IN_REVIEW,
        CaseState.ESCALATED,
        CaseState.SECOND_REVIEW,
        CaseState.APPROVED,
        CaseState.PARTIALLY_APPROVED,
        CaseState.PRODUCING,
    }
)
"""States a lapse can send back to review: before the agency has its package."""


@dataclass(frozen=True)
class Moment:
    """When and at which step the policy is re-run, and who is acting."""

    at: dt.datetime
    step: str
    actor: str


class PolicyLapsedError(ConflictError):
    """The policy at this moment refuses what was granted: nothing moves; the lapse is kept."""

    keeps_work = True

    def __init__(self, request_id: str, lapse: Lapse) -> None:
        categories = ", ".join(lapse.categories)
        super().__init__(
            f"request {request_id}: {lapse.fact}, so {categories} may no longer be disclosed "
            f"(rule {lapse.rule}, {lapse.citation}); the case is back in review and the agency "
            f"must send {lapse.remedy}",
            "lapse",
        )
        self.lapse = lapse


def policy_input(session: Session, request_id: str, at: dt.datetime) -> PolicyInput:
    """The facts the policy decides on, as stored, with the call-back as recorded, at `at`."""
    stored = received(session, request_id)
    verification = Verification(
        requester=RequesterStatus.VERIFIED, callback=cases.callback_status(session, request_id)
    )
    return PolicyInput(stored.agency, stored.request, verification, at, stored.prior_extensions)


def allowed(decision: Decision) -> set[Category]:
    """The categories a decision grants."""
    return {c for c, v in decision.categories.items() if v is Verdict.ALLOW}


def lapsed_reasons(
    now: Decision, granted: Iterable[Category], advised: Decision | None
) -> dict[Category, Reason | None]:
    """Granted categories the policy now refuses by time, or that its advice allowed before.

    The reason is the rule that refuses (a time-bound one first); None when no rule names one.
    """
    found: dict[Category, Reason | None] = {}
    for category in sorted(set(granted) - allowed(now)):
        reasons = [r for r in now.reasons if r.category is category]
        timed = [r for r in reasons if r.code in TIME_BOUND]
        if timed or (advised is not None and category in allowed(advised)):
            found[category] = (timed or reasons)[0] if timed or reasons else None
    return found


def escalated(explanation: engine.Explanation) -> dict[Category, engine.Fired]:
    """Categories the policy escalates (political, national security, emergency content...)."""
    return {c: fired for fired in explanation.held for c in fired.categories}


def check(
    session: Session,
    request_id: str,
    granted: Iterable[Category],
    moment: Moment,
    config: PolicyConfig,
) -> engine.Explanation:
    """Re-run the policy at the moment; a lapse of anything granted is recorded and raised.

    A lapse that stands was found at a moment the clock has passed: a clock set back since
    (or a stale moment) is read as that moment, so nothing lapsed becomes lawful again.
    """
    standing = cases.current_lapse(session, request_id)
    if standing is not None and standing.found_at > moment.at:
        moment = replace(moment, at=standing.found_at)
    explanation = engine.explain(policy_input(session, request_id, moment.at), config)
    advised = cases.latest_advice(session, request_id)
    lapsed = lapsed_reasons(explanation.decision, granted, advised)
    if lapsed:
        lapse = record(session, request_id, explanation.decision, lapsed, moment)
        raise PolicyLapsedError(request_id, lapse)
    if advised is None or _differs(advised, explanation.decision):
        store_advice(session, request_id, explanation.decision, moment)
    return explanation


def sweep(session: Session, request_id: str, moment: Moment, config: PolicyConfig) -> Lapse | None:
    """The job worker's check of one open case: record a lapse of what stands granted, if any."""
    state = cases.locked_state(session, request_id)
    if state not in REOPENABLE or state is CaseState.PRODUCING:
        return None  # a running production checks itself before it seals
    try:
        check(session, request_id, standing_grant(session, request_id), moment, config)
    except PolicyLapsedError as lapse:
        return lapse.lapse
    return None


def open_cases(session: Session) -> list[str]:
    """The cases whose grant could still lapse, oldest deadline first.

    A granted preservation is answered: its holds run and end on their own clock (holds jobs).
    """
    states = sorted(REOPENABLE - {CaseState.PRODUCING})
    held = requests.REQUEST.kind.in_(PRESERVATION_KINDS) & CaseRow.state.in_(GRANTED)
    query = requests.join_request(select(CaseRow.request_id), CaseRow.request_id)
    query = query.where(CaseRow.state.in_(states), ~held)
    return list(session.scalars(query.order_by(CaseRow.deadline, CaseRow.request_id)))


def sweep_open(
    factory: sessionmaker[Session], moment: Moment, config: PolicyConfig
) -> list[tuple[str, Lapse]]:
    """Re-run the policy on every open case, each in its own transaction; the lapses found."""
    with transaction(factory) as session:
        ids = open_cases(session)
    found: list[tuple[str, Lapse]] = []
    for request_id in ids:
        try:
            with transaction(factory) as session:
                lapse = sweep(session, request_id, moment, config)
        except LawgateError as exc:  # one case the policy cannot judge must not stop the rest
            LOGGER.warning("could not recheck %s: %s", request_id, exc.message)
            continue
        if lapse is not None:
            found.append((request_id, lapse))
    return found


def standing_grant(session: Session, request_id: str) -> set[Category]:
    """What is granted now: the ruling in force, else the proposal, else the policy's advice."""
    for status in (("final", "confirmed"), ("proposed",)):
        row = _latest_reviewer_row(session, request_id, status)
        if row is not None:
            return allowed(cases.stored_decision(row))
    advice = cases.latest_advice(session, request_id)
    return allowed(advice) if advice and advice.outcome is not Outcome.ESCALATE else set()


def _latest_reviewer_row(
    session: Session, request_id: str, statuses: tuple[str, ...]
) -> DecisionRow | None:
    """The newest reviewer row with one of these statuses."""
    query = select(DecisionRow).where(
        DecisionRow.request_id == request_id,
        DecisionRow.source == "reviewer",
        DecisionRow.status.in_(statuses),
    )
    return session.scalars(query.order_by(DecisionRow.id.desc())).first()


def _differs(before: Decision, after: Decision) -> bool:
    """True when the advice changed in a way a reviewer must see."""
    return before.outcome is not after.outcome or before.categories != after.categories


def store_advice(session: Session, request_id: str, decision: Decision, moment: Moment) -> None:
    """Keep the advice as it stands at this moment, so the console shows the truth."""
    session.add(cases.policy_row(request_id, decision))
    session.flush()
    details = {"outcome": decision.outcome, "step": moment.step, "at": moment.at.isoformat()}
    log.append(session, "request:policy:reevaluated", cases.POLICY_ACTOR, request_id, details)


def record(
    session: Session,
    request_id: str,
    now: Decision,
    lapsed: dict[Category, Reason | None],
    moment: Moment,
) -> Lapse:
    """Store the lapse: fresh advice, rulings set aside, the case back in review, an entry."""
    stored = received(session, request_id)
    first = next((r for r in lapsed.values() if r is not None), None)
    said = describe(stored.request, stored.received_at, first, moment.at)
    lapse = Lapse(
        rule=said.rule,
        code=said.code,
        citation=said.citation,
        categories=[c.value for c in lapsed],
        fact=said.fact,
        since=said.since,
        found_at=moment.at,
        remedy=said.remedy,
    )
    store_advice(session, request_id, now, moment)
    _set_aside_rulings(session, request_id)
    case = session.get(CaseRow, request_id)
    if case is not None:
        case.lapse = lapse.model_dump(mode="json")
    _back_to_review(session, request_id, now, moment.actor)
    details: dict[str, log.Scalar] = {
        "rule": lapse.rule,
        "code": lapse.code,
        "categories": ",".join(lapse.categories),
        "fact": lapse.fact,
        "since": lapse.since.isoformat(),
        "step": moment.step,
        "at": moment.at.isoformat(),
    }
    log.append(session, "request:policy:lapsed", moment.actor, request_id, details)
    return lapse


def _set_aside_rulings(session: Session, request_id: str) -> None:
    """Rulings in force and proposals stop counting: they granted what may no longer go."""
    query = select(DecisionRow).where(
        DecisionRow.request_id == request_id,
        DecisionRow.source == "reviewer",
        DecisionRow.status.in_(("final", "confirmed", "proposed")),
    )
    for row in session.scalars(query):
        row.status = LAPSED
    session.flush()


def _back_to_review(session: Session, request_id: str, now: Decision, actor: str) -> None:
    """Return the case to the desk the current advice calls for, unless it is there already."""
    state = cases.locked_state(session, request_id)
    target = CaseState.ESCALATED if now.outcome is Outcome.ESCALATE else CaseState.IN_REVIEW
    if state in REVIEW_STATES or state not in REOPENABLE:
        return
    cases.transition(session, request_id, target, actor)


def clear(session: Session, request_id: str) -> None:
    """A new ruling in force answers the lapse; it stays in the audit log."""
    case = session.get(CaseRow, request_id)
    if case is not None and case.lapse is not None:
        case.lapse = None
        session.flush()
