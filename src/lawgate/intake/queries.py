"""What other packages read of stored requests and agencies: domain values, or SQL pieces.

The rows stay in intake. A caller that must filter, sort or count inside one query of its own
(the queue, the alerts, the reports) joins requests with `join_request` and names the columns
through `REQUEST`, so the SQL stays one query and the row classes stay here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from lawgate.domain import Agency, Request
from lawgate.errors import NotFoundError
from lawgate.intake import services
from lawgate.intake.models import AgencyRow, RequestCategoryRow, RequestRow, TargetRow
from lawgate.store.base import as_utc

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class RequestFacts:
    """What the later stages decide on of a stored request: its kind, origin, time and body."""

    id: str
    agency_id: str
    kind: str
    country: str
    received_at: dt.datetime
    preservation_ref: str | None
    body: dict[str, Any]
    submitted_via: str = "api"
    document_sha256: str | None = None
    """The hash of the document uploaded with the request (the portal keeps it), if any."""

    @property
    def request(self) -> Request:
        """The request as stored (intake.services.received_request also proves it unaltered)."""
        return Request.model_validate(self.body)


def _facts(row: RequestRow) -> RequestFacts:
    """The domain form of a request row."""
    return RequestFacts(
        id=row.id,
        agency_id=row.agency_id,
        kind=row.kind,
        country=row.country,
        received_at=as_utc(row.received_at),
        preservation_ref=row.preservation_ref,
        body=row.body,
        submitted_via=row.submitted_via,
        document_sha256=row.document_sha256,
    )


def find_request_facts(session: Session, request_id: str) -> RequestFacts | None:
    """A stored request's facts, or None when there is no such request."""
    row = session.get(RequestRow, request_id)
    return _facts(row) if row else None


def request_facts(session: Session, request_id: str) -> RequestFacts:
    """A stored request's facts, or a 404 naming it."""
    found = find_request_facts(session, request_id)
    if found is None:
        raise NotFoundError(f"no request with id {request_id!r}", "id")
    return found


def find_agency(session: Session, agency_id: str) -> Agency | None:
    """The registry's record of an agency, or None when it is not registered."""
    row = session.get(AgencyRow, agency_id)
    return services.agency_of(row) if row else None


def agency_count(session: Session) -> int:
    """How many agencies are registered: none is the sign of a first start."""
    return int(session.scalar(select(func.count()).select_from(AgencyRow)) or 0)


def requested_categories(session: Session, request_id: str) -> set[str]:
    """The legal categories a request asks for."""
    query = select(RequestCategoryRow.category).where(RequestCategoryRow.request_id == request_id)
    return set(session.scalars(query))


def target_counts(session: Session) -> dict[str, int]:
    """How many targets (accounts specified) each request named, for the whole store at once."""
    query = select(TargetRow.request_id, func.count()).group_by(TargetRow.request_id)
    return {request_id: count for request_id, count in session.execute(query)}


@dataclass(frozen=True)
class RequestColumns:
    """The columns of a request and its agency that other packages select, filter and sort on."""

    id: SQLColumnExpression[str]
    agency_id: SQLColumnExpression[str]
    kind: SQLColumnExpression[str]
    country: SQLColumnExpression[str]
    purpose: SQLColumnExpression[str]
    process_type: SQLColumnExpression[str]
    received_at: SQLColumnExpression[dt.datetime]
    signal_score: SQLColumnExpression[int]
    signals: SQLColumnExpression[list[Any]]
    body: SQLColumnExpression[dict[str, Any]]
    agency_name: SQLColumnExpression[str]
    """Needs the agency joined: `join_request(..., agency=True)`."""
    agency_country: SQLColumnExpression[str]
    """Needs the agency joined: `join_request(..., agency=True)`."""

    @property
    def target_count(self) -> ColumnElement[int]:
        """How many targets the request names, counted inside the caller's query."""
        return (
            select(func.count(TargetRow.id))
            .where(TargetRow.request_id == RequestRow.id)
            .scalar_subquery()
        )


REQUEST = RequestColumns(
    id=RequestRow.id,
    agency_id=RequestRow.agency_id,
    kind=RequestRow.kind,
    country=RequestRow.country,
    purpose=RequestRow.purpose,
    process_type=RequestRow.process_type,
    received_at=RequestRow.received_at,
    signal_score=RequestRow.signal_score,
    signals=RequestRow.signals,
    body=RequestRow.body,
    agency_name=AgencyRow.name,
    agency_country=AgencyRow.country,
)


def join_request(
    query: Select[*Ts], request_id: SQLColumnExpression[str], *, agency: bool = False
) -> Select[*Ts]:
    """A caller's query joined to the request each of its rows names (and that request's agency)."""
    joined = query.join(RequestRow, RequestRow.id == request_id)
    return joined.join(AgencyRow, AgencyRow.id == RequestRow.agency_id) if agency else joined


def case_references(session: Session, request_ids: list[str]) -> dict[str, str]:
    """The agencies' own case references of these requests, by request id."""
    query = select(RequestRow.id, RequestRow.case_reference).where(RequestRow.id.in_(request_ids))
    return {row.id: row.case_reference for row in session.execute(query)}
