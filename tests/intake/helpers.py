"""Filing requests straight through intake (no agency API), so these tests stand on their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.domain import Agency, Request
from lawgate.intake import services as intake
from lawgate.intake.signals import Channel
from lawgate.lifecycle import submission
from tests.factories import FBI, request_body

EMERGENCY = {
    "kind": "emergency_disclosure",
    "emergency": {
        "threat": "buyer wrote he will detonate a pipe bomb at a Queens school tomorrow",
        "harm": "death",
    },
    "categories": ["subscriber", "identification"],
    "non_disclosure": None,
}


def register_agency(session: Session, **changes: Any) -> Agency:
    """Put an agency (the FBI unless changed) in the registry and commit."""
    agency = Agency.model_validate({**FBI, **changes})
    intake.register_agency(session, agency, "test")
    session.commit()
    return agency


def file_request(
    session: Session,
    settings: Settings,
    body: dict[str, Any] | None = None,
    *,
    received_at: dt.datetime | None = None,
    via: Channel = "api",
    document_sha256: str | None = None,
) -> str:
    """Submit a request as its agency and commit; returns its id."""
    request = Request.model_validate(body or request_body())
    sender = intake.get_agency(session, request.agency_id)
    request_id = submission.submit_request(
        session,
        request,
        sender,
        settings,
        received_at,
        submitted_via=via,
        document_sha256=document_sha256,
    )
    session.commit()
    return request_id


def emergency_body(**changes: Any) -> dict[str, Any]:
    """A valid emergency disclosure request from the FBI."""
    return request_body(**{**EMERGENCY, **changes})
