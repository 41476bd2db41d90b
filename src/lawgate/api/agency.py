"""The agency API: submit a request and follow it."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel

from lawgate.api.deps import AppSettings, CallingAgency, DbSession
from lawgate.cases import services as cases
from lawgate.cases.schemas import AgencyStatus
from lawgate.domain import Request
from lawgate.intake import services as intake

router = APIRouter(prefix="/api/v1", tags=["agency"])


class Submitted(BaseModel):
    """The answer to a submission."""

    id: str
    state: str


@router.post("/requests", status_code=status.HTTP_201_CREATED)
def submit(request: Request, agency: CallingAgency, db: DbSession, cfg: AppSettings) -> Submitted:
    """Submit a request; it is stored whole or, on any error, not at all."""
    request_id = intake.submit_request(db, request, agency, cfg)
    return Submitted(id=request_id, state=cases.agency_status(db, request_id, agency.id).state)


@router.get("/requests/{request_id}")
def status_of(request_id: str, agency: CallingAgency, db: DbSession) -> AgencyStatus:
    """The state of one of the calling agency's requests and the decision once taken."""
    return cases.agency_status(db, request_id, agency.id)
