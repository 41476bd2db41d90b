"""The agency API: submit a request, follow it, download its sealed package; every call signed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import BaseModel, ValidationError

from lawgate.api.deps import AppSettings, CallingAgency, DbSession, Sessions, raw_body
from lawgate.api.responses import errors_with
from lawgate.api.status import FaceStatus
from lawgate.cases import services as cases
from lawgate.cases.schemas import AgencyStatus
from lawgate.domain import Request
from lawgate.errors import InvalidInputError
from lawgate.lifecycle import delivery as handover
from lawgate.lifecycle import submission
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


REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Request"}}},
    }
}
"""The body is read only after the signature is checked, so its schema is declared here."""


class UnsupportedMediaError(FaceStatus, InvalidInputError):
    """A body declared as something other than JSON is not parsed at all."""

    http_status = 415


def parse_request(body: bytes, content_type: str | None) -> Request:
    """The submitted request from the signed body; errors read as any 422 does."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json":
        message = f"the body must be sent as application/json, not {media or 'undeclared'}"
        raise UnsupportedMediaError(message, "content-type")
    try:
        return Request.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


@router.post("/requests", status_code=status.HTTP_201_CREATED, openapi_extra=REQUEST_BODY)
def submit(
    body: Annotated[bytes, Depends(raw_body)],
    agency: CallingAgency,
    db: DbSession,
    cfg: AppSettings,
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Submitted:
    """Submit a request (the signature is checked before the body is read); stored whole or not."""
    request_id = submission.submit_request(db, parse_request(body, content_type), agency, cfg)
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
        found = handover.deliver(db, request_id, cfg.home, f"agency:{agency.id}", cfg.policy)
    return FileResponse(
        found.path,
        media_type="application/octet-stream",
        filename=found.path.name,
        headers={"Repr-Digest": found.repr_digest},
    )
