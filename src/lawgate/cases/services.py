"""Service functions of the case workflow: open a case, move it, record decisions, read it back."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.cases.models import CallbackRow, CaseRow, DecisionRow
from lawgate.cases.public import agency_message, public_decision, with_public_reasons
from lawgate.cases.queue import summary_query, to_summary
from lawgate.cases.schemas import (
    AgencyStatus,
    CallbackRecord,
    CaseDetail,
    Lapse,
    Narrowing,
    RecordedDecision,
    TrailEntry,
)
from lawgate.cases.workflow import (
    STATE_AFTER_OUTCOME,
    CaseState,
    check_transition,
)
from lawgate.domain import (
    CallbackStatus,
    Decision,
    Outcome,
    Request,
)
from lawgate.errors import ConflictError, InvalidInputError, LawgateError, NotFoundError
from lawgate.intake import queries as requests
from lawgate.intake.signals import Signal
from lawgate.policy import engine
from lawgate.policy.config import PolicyConfig
from lawgate.policy.facts import PolicyInput
from lawgate.store.base import as_utc, utcnow

if TYPE_CHECKING:
    from lawgate.cases.review import Ruling

POLICY_ACTOR = "system:policy"


def open_case(session: Session, request_id: str, deadline: dt.datetime) -> CaseRow:
    """Start the workflow for a newly stored request."""
    case = CaseRow(request_id=request_id, state=CaseState.RECEIVED, deadline=deadline)
    session.add(case)
    session.flush()
    return case


def _case(session: Session, request_id: str, lock: bool = False) -> CaseRow:
    """Load a case, locking its row when the caller will change it."""
    query = select(CaseRow).where(CaseRow.request_id == request_id)
    case = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if case is None:
        raise NotFoundError(f"no request with id {request_id!r}", "id")
    return case


def transition(session: Session, request_id: str, new: CaseState, actor: str) -> None:
    """Move a case to a new state, refusing illegal moves, and log the move."""
    case = _case(session, request_id, lock=True)
    old = CaseState(case.state)
    check_transition(old, new)
    _check_ruled(session, request_id, new)
    case.state = new
    case.updated_at = utcnow()
    session.flush()
    log.append(session, f"case:state:{new}", actor, request_id, {"from": old, "to": new})


RULED = frozenset(STATE_AFTER_OUTCOME.values())


def _check_ruled(session: Session, request_id: str, new: CaseState) -> None:
    """A ruled state needs the ruling in force that implies it; second review needs a proposal."""
    if new is CaseState.SECOND_REVIEW:
        waiting = select(DecisionRow.id).where(
            DecisionRow.request_id == request_id, DecisionRow.status == "proposed"
        )
        if session.scalars(waiting.limit(1)).first() is None:
            raise ConflictError(f"request {request_id} has no proposed ruling to review")
    advice = latest_advice(session, request_id) if new is CaseState.ESCALATED else None
    if new not in RULED or (advice is not None and advice.outcome is Outcome.ESCALATE):
        return
    ruling = latest_ruling(session, request_id)
    if ruling is None or STATE_AFTER_OUTCOME[ruling.decision.outcome] is not new:
        raise ConflictError(
            f"request {request_id} cannot become '{new}' without a ruling in force that says so "
            "(a proposed ruling needs its second reviewer first)"
        )


def latest_advice(session: Session, request_id: str) -> Decision | None:
    """The policy's latest stored recommendation, if it could make one."""
    query = select(DecisionRow).where(
        DecisionRow.request_id == request_id, DecisionRow.source == "policy"
    )
    row = session.scalars(query.order_by(DecisionRow.id.desc())).first()
    return stored_decision(row) if row else None


def recommend(
    session: Session, request_id: str, source: PolicyInput, config: PolicyConfig
) -> Decision | None:
    """Store the policy's recommendation; if the policy cannot decide, say so and let people."""
    decision = _evaluate(session, request_id, source, config, "request:policy:evaluated")
    if decision is not None:
        transition(session, request_id, CaseState.EVALUATED, POLICY_ACTOR)
    return decision


def reevaluate(
    session: Session, request_id: str, source: PolicyInput, config: PolicyConfig
) -> Decision | None:
    """Store a fresh recommendation once a fact lawgate checks itself (a call-back) has changed."""
    return _evaluate(session, request_id, source, config, "request:policy:reevaluated")


def _evaluate(
    session: Session, request_id: str, source: PolicyInput, config: PolicyConfig, event: str
) -> Decision | None:
    """Evaluate and store a recommendation, or log that the policy could not decide."""
    try:
        decision = engine.evaluate(source, config)
    except (LawgateError, ValidationError) as exc:
        log.append(
            session,
            "request:policy:failed",
            POLICY_ACTOR,
            request_id,
            {"error": type(exc).__name__},
        )
        return None
    session.add(policy_row(request_id, decision))
    session.flush()
    details = {"outcome": decision.outcome, "callback": source.verification.callback}
    log.append(session, event, POLICY_ACTOR, request_id, details)
    return decision


def check_categories(session: Session, request_id: str, decision: Decision) -> None:
    """A decision must rule on exactly the categories requested, no more and no fewer."""
    asked = requests.requested_categories(session, request_id)
    ruled = {str(c) for c in decision.categories}
    if ruled != asked:
        missing = ", ".join(sorted(asked - ruled)) or "none"
        extra = ", ".join(sorted(ruled - asked)) or "none"
        raise InvalidInputError(
            f"the decision must rule on exactly the requested categories "
            f"(missing: {missing}; not requested: {extra})",
            "categories",
        )


def latest_callback(session: Session, request_id: str) -> CallbackRow | None:
    """The most recent call made about a request: only it speaks for the agency now."""
    query = select(CallbackRow).where(CallbackRow.request_id == request_id)
    query = query.order_by(CallbackRow.called_at.desc(), CallbackRow.id.desc()).limit(1)
    return session.scalars(query).first()


def callback_status(session: Session, request_id: str) -> CallbackStatus:
    """The policy's verification.callback: from the latest recorded call, never the request."""
    latest = latest_callback(session, request_id)
    return CallbackStatus(latest.outcome) if latest else CallbackStatus.NOT_DONE


def callback_record(row: CallbackRow) -> CallbackRecord:
    """The API and console form of a stored call-back."""
    return CallbackRecord(
        called_by=row.called_by,
        number_called=row.number_called,
        called_at=as_utc(row.called_at),
        outcome=CallbackStatus(row.outcome),
        spoke_to=row.spoke_to,
        note=row.note,
        recorded_at=as_utc(row.recorded_at),
    )


def _callbacks(session: Session, request_id: str) -> list[CallbackRecord]:
    """Every call-back recorded for a request, in the order the calls were made."""
    query = select(CallbackRow).where(CallbackRow.request_id == request_id)
    order = query.order_by(CallbackRow.called_at, CallbackRow.id)
    return [callback_record(row) for row in session.scalars(order)]


def _decision_row(
    request_id: str, decision: Decision, source: str, actor: str, note: str
) -> DecisionRow:
    """The stored form of a decision."""
    data = decision.model_dump(mode="json")
    return DecisionRow(
        request_id=request_id,
        source=source,
        outcome=decision.outcome,
        categories=data["categories"],
        reasons=data["reasons"],
        findings=data["findings"],
        deadline=decision.deadline,
        decided_by=actor,
        note=note,
        status="final",
        departs=False,
        second_review=[],
    )


def policy_row(request_id: str, decision: Decision) -> DecisionRow:
    """The stored form of the policy's advice."""
    return _decision_row(request_id, decision, "policy", POLICY_ACTOR, "")


def reviewer_row(request_id: str, ruling: Ruling, actor: str, note: str) -> DecisionRow:
    """The stored form of a reviewer's ruling: reasons in public wording, the note kept apart."""
    decision = with_public_reasons(ruling.decision)
    row = _decision_row(request_id, decision, "reviewer", actor, note)
    narrowing = ruling.narrowing
    row.narrowing = narrowing.model_dump(mode="json", by_alias=True) if narrowing else None
    row.agency_message = agency_message(ruling.message_to_agency)
    return row


def stored_decision(row: DecisionRow) -> Decision:
    """A stored decision row as the domain's Decision."""
    return Decision.model_validate(
        {
            "outcome": row.outcome,
            "categories": row.categories,
            "reasons": row.reasons,
            "findings": row.findings,
            "deadline": as_utc(row.deadline) if row.deadline else None,
        }
    )


def _decisions(session: Session, request_id: str) -> list[RecordedDecision]:
    """Every decision on a request, oldest first."""
    query = select(DecisionRow).where(DecisionRow.request_id == request_id)
    return [_recorded(row) for row in session.scalars(query.order_by(DecisionRow.id))]


def _recorded(row: DecisionRow) -> RecordedDecision:
    """A stored decision with who took it, who confirmed it and what it narrowed."""
    return RecordedDecision(
        source=row.source,
        decided_by=row.decided_by,
        decided_at=as_utc(row.decided_at),
        note=row.note,
        decision=stored_decision(row),
        status=row.status,
        departs=row.departs,
        second_review=row.second_review,
        narrowing=Narrowing.model_validate(row.narrowing) if row.narrowing else None,
        confirmed_by=row.confirmed_by,
        confirmed_at=as_utc(row.confirmed_at) if row.confirmed_at else None,
        confirm_note=row.confirm_note,
        agency_message=row.agency_message,
    )


def latest_ruling(session: Session, request_id: str) -> RecordedDecision | None:
    """The reviewers' last word in force (never a proposal, never the policy's advice)."""
    in_force = [d for d in _decisions(session, request_id) if d.in_force]
    return in_force[-1] if in_force else None


def locked_state(session: Session, request_id: str) -> CaseState:
    """A case's state, with its row locked until the transaction ends."""
    return CaseState(_case(session, request_id, lock=True).state)


def case_detail(session: Session, request_id: str) -> CaseDetail:
    """The request, its state, its decisions and its audit trail."""
    query = summary_query().add_columns(requests.REQUEST.signals.label("signals"))
    row = session.execute(query.where(CaseRow.request_id == request_id)).mappings().one_or_none()
    if row is None:
        raise NotFoundError(f"no request with id {request_id!r}", "id")
    trail = [
        TrailEntry(index=e.index, event=e.event, actor=e.actor, at=as_utc(e.at))
        for e in log.entries_for(session, request_id)
    ]
    agency = requests.find_agency(session, row["agency_id"])
    return CaseDetail(
        summary=to_summary(row),
        request=Request.model_validate(row["body"]),
        decisions=_decisions(session, request_id),
        trail=trail,
        signals=[Signal.model_validate(s) for s in row["signals"]],
        callbacks=_callbacks(session, request_id),
        callback=callback_status(session, request_id),
        registry_callback_phone=agency.callback_phone if agency else "",
        lapse=current_lapse(session, request_id),
    )


def current_lapse(session: Session, request_id: str) -> Lapse | None:
    """The lapse that stands on a case (see cases.lapses), as shown to reviewers and agency."""
    case = session.get(CaseRow, request_id)
    return Lapse.model_validate(case.lapse) if case is not None and case.lapse else None


def agency_status(session: Session, request_id: str, agency_id: str) -> AgencyStatus:
    """What an agency may see of its own request; another agency's request does not exist to it."""
    request = requests.find_request_facts(session, request_id)
    if request is None or request.agency_id != agency_id:
        raise NotFoundError(f"no request with id {request_id!r} for agency {agency_id!r}", "id")
    case = _case(session, request_id)
    ruling = latest_ruling(session, request_id)
    return AgencyStatus(
        id=request_id,
        state=CaseState(case.state),
        received_at=request.received_at,
        deadline=as_utc(case.deadline),
        decision=public_decision(ruling.decision) if ruling else None,
        message=ruling.agency_message if ruling else "",
        lapse=current_lapse(session, request_id),
    )
