"""The staff API: the queue, one case, recording emergency call-backs and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lawgate.api.deps import AppSettings, DbSession, StaffMember
from lawgate.api.responses import ERRORS
from lawgate.cases import callbacks, review
from lawgate.cases import services as cases
from lawgate.cases.schemas import CallbackRecord, CaseDetail, CaseSummary, Narrowing
from lawgate.cases.workflow import CaseState
from lawgate.domain import CallbackStatus, CountryCode, Decision, Outcome, RequestKind
from lawgate.errors import ForbiddenError
from lawgate.holds import services as holds
from lawgate.staff.accounts import StaffAccount
from lawgate.staff.roles import may_review
from lawgate.store.base import utcnow

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERRORS)


class DecisionForm(BaseModel):
    """A reviewer's decision, what it narrows, and the note that explains it."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    note: Annotated[str, Field(max_length=5000)] = ""
    """Required when the decision departs from the policy's recommendation."""
    narrowing: Narrowing | None = None


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
    sort: Literal["deadline", "risk"] = "deadline",
) -> list[CaseSummary]:
    """The queue, open cases first, by deadline or by fraud-signal score; optionally filtered."""
    where = cases.CaseFilter(
        state=state, country=country, kind=kind, limit=limit, by_risk=sort == "risk"
    )
    return cases.list_cases(db, where)


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


def _reviewer(staff: StaffAccount) -> review.Reviewer:
    """The calling staff member as the review rules see them."""
    return review.Reviewer(staff.actor, staff.role)


@router.post("/requests/{request_id}/decision")
def decide(
    request_id: str, form: DecisionForm, db: DbSession, staff: StaffMember, cfg: AppSettings
) -> DecisionRecorded:
    """Record a ruling: in force now (holds follow it), or 'second_review' until confirmed."""
    ruling = review.Ruling(form.decision, form.note, form.narrowing)
    new_state = review.record_decision(db, request_id, ruling, _reviewer(staff))
    holds.after_decision(db, request_id, cfg, staff.actor)
    return DecisionRecorded(id=request_id, state=new_state)


@router.post("/requests/{request_id}/confirm")
def confirm(
    request_id: str, form: SecondReviewForm, db: DbSession, staff: StaffMember, cfg: AppSettings
) -> DecisionRecorded:
    """A second reviewer, a different person, confirms the proposed ruling."""
    new_state = review.confirm(db, request_id, _reviewer(staff), form.note)
    holds.after_decision(db, request_id, cfg, staff.actor)
    return DecisionRecorded(id=request_id, state=new_state)


@router.post("/requests/{request_id}/return")
def send_back(
    request_id: str, form: SecondReviewForm, db: DbSession, staff: StaffMember
) -> DecisionRecorded:
    """A second reviewer sends the proposed ruling back, saying why."""
    new_state = review.send_back(db, request_id, _reviewer(staff), form.note)
    return DecisionRecorded(id=request_id, state=new_state)
