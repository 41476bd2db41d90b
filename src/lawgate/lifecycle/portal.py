"""Filing a request through the portal, and what the portal shows an officer about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.cases import queue
from lawgate.cases import services as cases
from lawgate.cases.schemas import AgencyStatus, CaseSummary
from lawgate.config import Settings
from lawgate.domain import Agency, Request
from lawgate.intake import queries as requests
from lawgate.lifecycle import submission
from lawgate.portal.accounts import OfficerAccount, subject
from lawgate.portal.documents import Document

VIA_PORTAL: Final = "portal"


@dataclass(frozen=True)
class PortalStatus:
    """One request as its agency's officers see it: status, what was asked, the document kept."""

    status: AgencyStatus
    request: Request
    uploaded_sha256: str | None
    via: str

    @property
    def document_mismatch(self) -> bool:
        """True when the uploaded file's hash is not the hash the request states."""
        stated = self.request.legal_process.document_sha256
        return self.uploaded_sha256 is not None and stated != self.uploaded_sha256


@dataclass(frozen=True)
class ListedRequest:
    """A row of the officer's list: the queue summary and the agency's own case reference."""

    summary: CaseSummary
    case_reference: str


def file_request(
    session: Session,
    request: Request,
    agency: Agency,
    officer: OfficerAccount,
    document: Document | None,
    settings: Settings,
) -> str:
    """Store a request an officer filed, recording who filed it and the uploaded file's hash."""
    actor = subject(officer.id)
    uploaded = document.sha256 if document else None
    request_id = submission.submit_request(
        session,
        request,
        agency,
        settings,
        actor=actor,
        submitted_via=VIA_PORTAL,
        officer_id=officer.id,
        document_sha256=uploaded,
    )
    if document is not None:
        stated = request.legal_process.document_sha256
        details: dict[str, log.Scalar] = {
            "sha256": document.sha256,
            "bytes": document.size,
            "matches_stated": stated == document.sha256,
        }
        log.append(session, "request:document:uploaded", actor, request_id, details)
    return request_id


def agency_requests(session: Session, agency_id: str) -> list[ListedRequest]:
    """The agency's requests, open ones first by deadline, with their case references."""
    summaries = queue.list_cases(session, queue.CaseFilter(agency_id=agency_id))
    references = requests.case_references(session, [s.id for s in summaries])
    return [ListedRequest(s, references.get(s.id, "")) for s in summaries]


def status_for(session: Session, request_id: str, agency_id: str) -> PortalStatus:
    """A request of the officer's agency; another agency's request does not exist to them."""
    status = cases.agency_status(session, request_id, agency_id)
    stored = requests.request_facts(session, request_id)
    return PortalStatus(status, stored.request, stored.document_sha256, stored.submitted_via)
