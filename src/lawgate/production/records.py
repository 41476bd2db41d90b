"""What other packages read of sealed packages: the record made at sealing, never the row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.production.models import ProductionRow
from lawgate.store.base import as_utc


@dataclass(frozen=True)
class SealedRecord:
    """A sealed package as recorded: its file, size, digest, rows, and who made it when."""

    request_id: str
    file_name: str
    sha256: str
    size_bytes: int
    rows: int
    no_data: bool
    created_by: str
    created_at: dt.datetime


def latest_sealed(session: Session, request_id: str) -> SealedRecord | None:
    """The request's latest sealed package, or None while none is sealed."""
    query = select(ProductionRow).where(ProductionRow.request_id == request_id)
    row = session.scalars(query.order_by(ProductionRow.id.desc())).first()
    if row is None:
        return None
    return SealedRecord(
        request_id=row.request_id,
        file_name=row.file_name,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        rows=row.rows,
        no_data=row.no_data,
        created_by=row.created_by,
        created_at=as_utc(row.created_at),
    )


def sealed_requests(session: Session) -> dict[str, bool]:
    """Each request with a sealed package, and whether that package found no data."""
    query = select(ProductionRow.request_id, ProductionRow.no_data).order_by(ProductionRow.id)
    return {request_id: no_data for request_id, no_data in session.execute(query)}
