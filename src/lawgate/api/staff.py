"""The staff API: the queue, one case, recording emergency call-backs and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lawgate.api.deps import AppSettings, DbSession, StaffMember
from lawgate.cases import callbacks
from lawgate.cases import services as cases
from lawgate.cases.schemas import CallbackRecord, CaseDetail, CaseSummary
from lawgate.cases.workflow import CaseState
from lawgate.domain import CallbackStatus, CountryCode, Decision, Outcome, RequestKind
from lawgate.holds import services as holds
from lawgate.store.base import utcnow

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


class DecisionForm(BaseModel):
    """A reviewer's decision and the note that explains it."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
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
    call = callbacks.Call(
        number_called=form.number_called,
        outcome=CallbackStatus(form.outcome),
        called_at=(form.called_at or utcnow()).astimezone(dt.UTC),
        spoke_to=form.spoke_to,
        note=form.note,
    )
    done = callbacks.record_callback(db, request_id, call, staff, cfg.policy)
    outcome = done.recommendation.outcome if done.recommendation else None
    return CallbackRecorded(
        id=request_id,
        callback=done.callback,
        status=cases.callback_status(db, request_id),
        recommendation=outcome,
    )


@router.post("/requests/{request_id}/decision")
def decide(
    request_id: str, form: DecisionForm, db: DbSession, staff: StaffMember, cfg: AppSettings
) -> DecisionRecorded:
    """Record a reviewer's decision; the case moves to the state it implies (holds follow it)."""
    new_state = cases.record_decision(db, request_id, form.decision, staff, form.note)
    holds.after_decision(db, request_id, cfg, staff)
    return DecisionRecorded(id=request_id, state=new_state)
