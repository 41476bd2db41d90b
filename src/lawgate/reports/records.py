"""Reading the facts a report counts from lawgate's own store, a few grouped queries in all."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.cases.queries import CASE, join_case, rulings_in_force
from lawgate.intake.queries import REQUEST, target_counts
from lawgate.notices.services import status_counts
from lawgate.production.records import sealed_requests
from lawgate.reports.aggregate import Record
from lawgate.store.base import as_utc


def load_records(session: Session, before: dt.date) -> list[Record]:
    """Every request received before `before` (UTC), as the facts a report counts."""
    cutoff = dt.datetime.combine(before, dt.time(), tzinfo=dt.UTC)
    query = select(
        REQUEST.id,
        REQUEST.received_at,
        REQUEST.country,
        REQUEST.kind,
        REQUEST.process_type,
        CASE.state,
    )
    query = join_case(query, REQUEST.id).where(REQUEST.received_at < cutoff)
    targets, rulings = target_counts(session), rulings_in_force(session)
    sealed, notices = sealed_requests(session), status_counts(session)
    records = []
    for row in session.execute(query.order_by(REQUEST.received_at, REQUEST.id)):
        request_id, received, country, kind, process, state = row
        ruling = rulings.get(request_id)
        counts = notices.get(request_id, Counter())
        records.append(
            Record(
                received=as_utc(received).date(),
                country=country,
                kind=kind,
                process=process,
                accounts=targets.get(request_id, 0),
                state=state,
                ruling=ruling.outcome if ruling else None,
                content_allowed=ruling.content_allowed if ruling else False,
                sealed=request_id in sealed,
                no_data=sealed.get(request_id, False),
                reasons=ruling.reasons if ruling else (),
                notices_sent=counts["sent"],
                notices_delayed=counts["delayed"],
            )
        )
    return records
