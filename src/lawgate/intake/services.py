"""Service functions of intake: register agencies and accept requests, storing all or nothing."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.auditlog.log import canonical_json
from lawgate.config import Settings
from lawgate.domain import (
    Agency,
    Request,
    RequestKind,
)
from lawgate.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from lawgate.intake import ratelimit, signals
from lawgate.intake.history import History, history_of
from lawgate.intake.models import AgencyRow, RequestCategoryRow, RequestRow, TargetRow
from lawgate.intake.signals import Assessment, Channel, Submission
from lawgate.store.base import as_utc, utcnow


def new_request_id() -> str:
    """A short, unguessable, human-readable id such as LG-7KQ2M9XA."""
    return "LG-" + base64.b32encode(secrets.token_bytes(5)).decode("ascii")


def register_agency(session: Session, agency: Agency, actor: str) -> None:
    """Add an agency to the registry; an existing id is a conflict, not an overwrite."""
    if session.get(AgencyRow, agency.id) is not None:
        raise ConflictError(f"agency {agency.id!r} is already registered", "id")
    session.add(AgencyRow(**agency.model_dump()))
    session.flush()
    log.append(session, "agency:registered", actor, agency.id, {"country": agency.country})


def get_agency(session: Session, agency_id: str) -> Agency:
    """The registry's record of an agency."""
    row = session.get(AgencyRow, agency_id)
    if row is None:
        raise NotFoundError(f"no agency with id {agency_id!r}", "agency_id")
    return agency_of(row)


def agency_of(row: AgencyRow) -> Agency:
    """The domain form of a registry row."""
    return Agency(
        id=row.id,
        name=row.name,
        country=row.country,
        kind=row.kind,
        level=row.level,
        domains=list(row.domains),
        callback_phone=row.callback_phone,
        age_recipient=row.age_recipient,
    )


def list_agencies(session: Session) -> list[Agency]:
    """Every registered agency, by id."""
    return [agency_of(row) for row in session.scalars(select(AgencyRow).order_by(AgencyRow.id))]


@dataclasses.dataclass(frozen=True)
class Filed:
    """A request intake has stored and logged: what the next stages need to know of it."""

    request_id: str
    received_at: dt.datetime
    prior_extensions: int


def file_request(
    session: Session,
    request: Request,
    sender: Agency,
    settings: Settings,
    received_at: dt.datetime | None = None,
    actor: str | None = None,
    *,
    submitted_via: Channel = "api",
    officer_id: int | None = None,
    document_sha256: str | None = None,
) -> Filed:
    """Store a request from an authenticated agency and log its receipt; nothing is decided yet.

    Every channel files through here, so the rate limit and the fraud signals apply to all.
    """
    if request.agency_id != sender.id:
        raise ForbiddenError(
            f"agency_id {request.agency_id!r} differs from the authenticated agency {sender.id!r}",
            "agency_id",
        )
    if submitted_via not in ratelimit.EXEMPT_CHANNELS:
        ratelimit.check(session, sender.id, settings.rate_limit_per_hour, utcnow())
    _check_preservation_ref(session, request, sender.id)
    request_id = new_request_id()
    received_at = received_at or utcnow()
    body = request.model_dump(mode="json", by_alias=True)
    digest = body_digest(body)
    submission = Submission(request, sender, History(), received_at, document_sha256, submitted_via)
    row = _request_row(request_id, request, body, digest, received_at)
    screened = _screen(session, submission, row, officer_id)
    session.add(row)
    session.flush()
    log.append(
        session,
        "request:received",
        actor or f"agency:{sender.id}",
        request_id,
        {
            "body_sha256": digest,
            "kind": request.kind,
            "country": request.country,
            "via": submitted_via,
            "signal_score": screened.score,
        },
    )
    return Filed(request_id, received_at, prior_extensions(session, row))


def _screen(
    session: Session, submission: Submission, row: RequestRow, officer_id: int | None
) -> Assessment:
    """Weigh a new request's fraud signals against its history and note them, with its channel."""
    uploaded = submission.document_sha256
    if uploaded is not None and not signals.SHA256_HEX.fullmatch(uploaded):
        raise InvalidInputError(
            f"the uploaded document's hash {uploaded!r} is not 64 lowercase hex digits", "document"
        )
    email = submission.request.officer.email
    history = history_of(session, submission.agency.id, email, submission.received_at)
    screened = signals.assess(dataclasses.replace(submission, history=history))
    row.submitted_via = submission.submitted_via
    row.officer_id = officer_id
    row.document_sha256 = uploaded
    row.signals = screened.as_json()
    row.signal_score = screened.score
    return screened


def prior_extensions(session: Session, row: RequestRow) -> int:
    """Extensions of the same preservation filed before this request (never itself)."""
    if row.preservation_ref is None:
        return 0
    query = select(func.count()).where(
        RequestRow.preservation_ref == row.preservation_ref,
        RequestRow.kind == RequestKind.PRESERVATION_EXTENSION,
        RequestRow.id != row.id,
        RequestRow.received_at <= row.received_at,
    )
    return int(session.scalar(query) or 0)


def _check_preservation_ref(session: Session, request: Request, agency_id: str) -> None:
    """A reference to an earlier request must name one of this agency's own requests."""
    if request.preservation_ref is None:
        return
    earlier = session.get(RequestRow, request.preservation_ref)
    if earlier is None or earlier.agency_id != agency_id:
        raise InvalidInputError(
            f"preservation_ref {request.preservation_ref!r} is not a request of this agency",
            "preservation_ref",
        )


def _request_row(
    request_id: str,
    request: Request,
    body: dict[str, object],
    digest: str,
    received_at: dt.datetime,
) -> RequestRow:
    """The stored form of a request, with its targets and categories."""
    process = request.legal_process
    span = request.date_range
    return RequestRow(
        id=request_id,
        agency_id=request.agency_id,
        kind=request.kind,
        country=request.country,
        purpose=request.purpose,
        case_reference=request.case_reference,
        officer_email=request.officer.email,
        process_type=process.type,
        issuer_role=process.issuer_role,
        issued_on=process.issued_on,
        expires_on=process.expires_on,
        date_from=span.from_ if span else None,
        date_to=span.to if span else None,
        preservation_ref=request.preservation_ref,
        body=body,
        body_sha256=digest,
        received_at=received_at,
        targets=[
            TargetRow(position=i, type=t.type, value=t.value, at=t.at)
            for i, t in enumerate(request.targets)
        ],
        categories=[RequestCategoryRow(category=c) for c in request.categories],
    )


def body_digest(body: dict[str, object]) -> str:
    """The SHA-256 of a request body's canonical JSON, as the audit log records it at receipt."""
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Received:
    """A request proven to be the one received, with what the policy weighs beside it."""

    request: Request
    agency: Agency
    received_at: dt.datetime
    prior_extensions: int


def received(session: Session, request_id: str) -> Received:
    """The received request, its agency and its earlier extensions, read from one row."""
    row = _row(session, request_id)
    agency = session.get(AgencyRow, row.agency_id)
    if agency is None:
        raise ConflictError(f"request {request_id} or its agency is missing from the store")
    request = _proven(session, row)
    return Received(
        request, agency_of(agency), as_utc(row.received_at), prior_extensions(session, row)
    )


def received_request(session: Session, request_id: str) -> Request:
    """The stored request, proven to be the one received: its digest is the audit log's.

    Decisions and productions read the request through here, so an edit of the stored body (a
    warrant's expiry moved, a target added) stops them instead of changing what they decide.
    """
    return _proven(session, _row(session, request_id))


def _proven(session: Session, row: RequestRow) -> Request:
    """A stored request's body, if its digest is the one the audit log recorded at receipt."""
    request_id = row.id
    logged = [
        json.loads(entry.canonical)["details"].get("body_sha256")
        for entry in log.entries_for(session, request_id)
        if entry.event == "request:received"
    ]
    if logged != [body_digest(row.body)]:
        raise ConflictError(
            f"request {request_id} as stored is not the request received: its SHA-256 differs "
            "from the one the audit log recorded at receipt; nothing is decided or disclosed "
            "on it until the stored request is restored",
            "id",
        )
    return Request.model_validate(row.body)


def _row(session: Session, request_id: str) -> RequestRow:
    """A stored request's row, or NotFoundError naming the id."""
    row = session.get(RequestRow, request_id)
    if row is None:
        raise NotFoundError(f"no request with id {request_id!r}", "id")
    return row


def get_request(session: Session, request_id: str) -> Request:
    """A stored request as the agency sent it."""
    return Request.model_validate(_row(session, request_id).body)
