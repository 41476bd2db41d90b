"""The agency API: submit a request, follow it, download its sealed package; every call signed."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import FileResponse
from pydantic import BaseModel

from lawgate.api.deps import AppSettings, CallingAgency, DbSession, Sessions
from lawgate.api.responses import errors_with
from lawgate.cases import services as cases
from lawgate.cases.schemas import AgencyStatus
from lawgate.domain import Request
from lawgate.intake import services as intake
from lawgate.production import delivery
from lawgate.store.session import transaction

UNSIGNED: dict[int | str, dict[str, object]] = {
    401: {
        "description": "Unsigned, tampered, expired, replayed, unknown-key or revoked-key call; "
        "the message names the reason (RFC 9421 signature required, see the API description)"
    }
}
router = APIRouter(prefix="/api/v1", tags=["agency"], responses=errors_with(UNSIGNED))

PACKAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The sealed package (age-encrypted to the agency's recipient)",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


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


@router.get(
    "/requests/{request_id}/package", response_class=FileResponse, responses=PACKAGE_RESPONSES
)
def package(
    request_id: str, agency: CallingAgency, factory: Sessions, cfg: AppSettings
) -> FileResponse:
    """The sealed package of one of the agency's requests; audited before a byte is sent."""
    with transaction(factory) as db:
        cases.agency_status(db, request_id, agency.id)
        found = delivery.deliver(db, request_id, cfg.home, f"agency:{agency.id}")
    return FileResponse(
        found.path,
        media_type="application/octet-stream",
        filename=found.path.name,
        headers={"Repr-Digest": found.repr_digest},
    )
