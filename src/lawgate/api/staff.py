"""The staff API: the queue, one case, recording emergency call-backs and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from lawgate.api.deps import AppSettings, DbSession, Marketplace, StaffMember
from lawgate.api.responses import ERRORS
from lawgate.cases import callbacks, public, review
from lawgate.cases import queue as worklist
from lawgate.cases import services as cases
from lawgate.cases.schemas import CallbackRecord, CaseDetail, CaseSummary, Narrowing
from lawgate.cases.workflow import CaseState
from lawgate.domain import CallbackStatus, CountryCode, Decision, Outcome, RequestKind
from lawgate.errors import ForbiddenError, InvalidInputError
from lawgate.lifecycle import rulings
from lawgate.staff.roles import may_review
from lawgate.staff.tokens import TokenHolder
from lawgate.store.base import utcnow

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERRORS)


def _agency_message(text: str) -> str:
    """The message to the agency as the core checks it; a refusal becomes a 422 on the field."""
    try:
        return public.agency_message(text)
    except InvalidInputError as exc:
        raise ValueError(exc.message) from exc


class DecisionForm(BaseModel):
    """A reviewer's ruling: the decision, its narrowing, the note (kept) and a message (sent).

    What leaves is public by design. The agency sees the decision's outcome, verdicts and reason
    codes, each reason worded as the shipped policy rule it names (`rule`, when that rule gives
    the same `code`) or else in the fixed public wording of its code, under the reviewer rule:
    any other `rule`, `citation` or `message` is replaced when the ruling is stored, and
    `findings` never leave. The `note` stays on the record and is never sent. The only free text
    the agency reads is `message_to_agency`.
    """

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    note: Annotated[str, Field(max_length=5000)] = ""
    """Required when the decision departs from the policy's recommendation; never sent."""
    narrowing: Narrowing | None = None
    message_to_agency: Annotated[
        str, Field(max_length=public.MESSAGE_MAX), AfterValidator(_agency_message)
    ] = ""
    """Sent to the agency with the public reasons once the ruling is in force; plain text."""


class SecondReviewForm(BaseModel):
    """A second reviewer's word on a proposed ruling: required when sending it back."""

    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(max_length=5000)] = ""


class DecisionRecorded(BaseModel):
    """The case's state after the decision."""

    id: str
    state: CaseState


class CallbackForm(BaseModel):
    """A call made to the agency's registered number about an emergency request."""

    model_config = ConfigDict(extra="forbid")

    number_called: Annotated[str, Field(min_length=1, max_length=64)]
    outcome: Literal["confirmed", "failed"]
    called_at: AwareDatetime | None = None
    """When the call was made; now if omitted."""
    spoke_to: Annotated[str, Field(max_length=200)] = ""
    note: Annotated[str, Field(max_length=5000)] = ""


class CallbackRecorded(BaseModel):
    """The recorded call, the status the policy now sees, and its new recommendation."""

    id: str
    callback: CallbackRecord
    status: CallbackStatus
    recommendation: Outcome | None


@router.get("/requests")
def queue(
    db: DbSession,
    _staff: StaffMember,
    state: CaseState | None = None,
    country: Annotated[CountryCode | None, Query()] = None,
    kind: RequestKind | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    sort: Literal["deadline", "risk", "time_limit"] = "deadline",
    within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
) -> list[CaseSummary]:
    """The queue, open cases first, by deadline, risk or what runs out first; filtered.

    within_days keeps the open cases whose next time limit passes within that many days
    (lapsed ones included); `limit` counts cases in the order asked for.
    """
    runs_out_by = None if within_days is None else utcnow() + dt.timedelta(days=within_days)
    where = worklist.CaseFilter(
        state=state,
        country=country,
        kind=kind,
        limit=limit,
        by_risk=sort == "risk",
        by_time_limit=sort == "time_limit",
        runs_out_by=runs_out_by,
    )
    return worklist.list_cases(db, where)


@router.get("/requests/{request_id}")
def detail(request_id: str, db: DbSession, _staff: StaffMember) -> CaseDetail:
    """One request with its decisions and audit trail."""
    return cases.case_detail(db, request_id)


@router.post("/requests/{request_id}/callbacks", status_code=201)
def record_callback(
    request_id: str, form: CallbackForm, db: DbSession, staff: StaffMember, cfg: AppSettings
) -> CallbackRecorded:
    """Record a call to the registry's number; the policy is re-run with its outcome."""
    if not may_review(staff.role):
        raise ForbiddenError(f"a {staff.role} may not record call-backs; reviewers and counsel do")
    call = callbacks.Call(
        number_called=form.number_called,
        outcome=CallbackStatus(form.outcome),
        called_at=(form.called_at or utcnow()).astimezone(dt.UTC),
        spoke_to=form.spoke_to,
        note=form.note,
    )
    done = callbacks.record_callback(db, request_id, call, staff.actor, cfg.policy)
    outcome = done.recommendation.outcome if done.recommendation else None
    return CallbackRecorded(
        id=request_id,
        callback=done.callback,
        status=cases.callback_status(db, request_id),
        recommendation=outcome,
    )


def _reviewer(staff: TokenHolder) -> review.Reviewer:
    """The calling staff member as the review rules see them, with their token's origins."""
    return review.Reviewer(staff.actor, staff.role, staff.credential)


@router.post("/requests/{request_id}/decision")
def decide(
    request_id: str,
    form: DecisionForm,
    db: DbSession,
    staff: StaffMember,
    cfg: AppSettings,
    marketplace: Marketplace,
) -> DecisionRecorded:
    """Record a ruling: in force now (holds follow it), or 'second_review' until confirmed."""
    ruling = review.Ruling(form.decision, form.note, form.narrowing, form.message_to_agency)
    new_state = rulings.rule(db, request_id, ruling, _reviewer(staff), cfg, marketplace, utcnow())
    return DecisionRecorded(id=request_id, state=new_state)


@router.post("/requests/{request_id}/confirm")
def confirm(
    request_id: str,
    form: SecondReviewForm,
    db: DbSession,
    staff: StaffMember,
    cfg: AppSettings,
    marketplace: Marketplace,
) -> DecisionRecorded:
    """A second reviewer, a different person, confirms the proposed ruling."""
    new_state = rulings.confirm(
        db, request_id, _reviewer(staff), form.note, cfg, marketplace, utcnow()
    )
    return DecisionRecorded(id=request_id, state=new_state)


@router.post("/requests/{request_id}/return")
def send_back(
    request_id: str, form: SecondReviewForm, db: DbSession, staff: StaffMember
) -> DecisionRecorded:
    """A second reviewer sends the proposed ruling back, saying why."""
    new_state = review.send_back(db, request_id, _reviewer(staff), form.note)
    return DecisionRecorded(id=request_id, state=new_state)
