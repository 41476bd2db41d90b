"""The staff API: the queue, one case, and recording a decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from lawgate.api.deps import DbSession, StaffMember
from lawgate.cases import services as cases
from lawgate.cases.schemas import CaseDetail, CaseSummary
from lawgate.cases.workflow import CaseState
from lawgate.domain import CountryCode, Decision, RequestKind

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


@router.get("/requests")
def queue(
    db: DbSession,
    _staff: StaffMember,
    state: CaseState | None = None,
    country: Annotated[CountryCode | None, Query()] = None,
    kind: RequestKind | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[CaseSummary]:
    """The queue, soonest deadline first, optionally filtered."""
    where = cases.CaseFilter(state=state, country=country, kind=kind, limit=limit)
    return cases.list_cases(db, where)


@router.get("/requests/{request_id}")
def detail(request_id: str, db: DbSession, _staff: StaffMember) -> CaseDetail:
    """One request with its decisions and audit trail."""
    return cases.case_detail(db, request_id)


@router.post("/requests/{request_id}/decision")
def decide(
    request_id: str, form: DecisionForm, db: DbSession, staff: StaffMember
) -> DecisionRecorded:
    """Record a reviewer's decision; the case moves to the state it implies."""
    new_state = cases.record_decision(db, request_id, form.decision, staff, form.note)
    return DecisionRecorded(id=request_id, state=new_state)
