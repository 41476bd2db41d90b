"""Reading the facts a report counts from lawgate's own tables, a few grouped queries in all."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.cases.models import CaseRow, DecisionRow
from lawgate.domain import Category, Verdict
from lawgate.intake.models import RequestRow, TargetRow
from lawgate.notices.models import NoticeRow
from lawgate.production.models import ProductionRow
from lawgate.reports.aggregate import Record
from lawgate.store.base import as_utc

IN_FORCE = ("final", "confirmed")


def _targets(session: Session) -> dict[str, int]:
    """How many targets (accounts specified) each request named."""
    query = select(TargetRow.request_id, func.count()).group_by(TargetRow.request_id)
    return {request_id: count for request_id, count in session.execute(query)}


def _rulings(session: Session) -> dict[str, DecisionRow]:
    """The reviewers' ruling in force on each request (the latest final or confirmed one)."""
    latest = (
        select(func.max(DecisionRow.id))
        .where(DecisionRow.source == "reviewer", DecisionRow.status.in_(IN_FORCE))
        .group_by(DecisionRow.request_id)
    )
    rows = session.scalars(select(DecisionRow).where(DecisionRow.id.in_(latest)))
    return {row.request_id: row for row in rows}


def _productions(session: Session) -> dict[str, bool]:
    """Each request with a sealed package, and whether that package found no data."""
    query = select(ProductionRow.request_id, ProductionRow.no_data).order_by(ProductionRow.id)
    return {request_id: no_data for request_id, no_data in session.execute(query)}


def _notices(session: Session) -> dict[str, Counter[str]]:
    """Notice counts per request and status (sent, delayed, pending, failed)."""
    query = select(NoticeRow.request_id, NoticeRow.status, func.count()).group_by(
        NoticeRow.request_id, NoticeRow.status
    )
    found: dict[str, Counter[str]] = {}
    for request_id, status, count in session.execute(query):
        found.setdefault(request_id, Counter())[status] = count
    return found


def _reason_codes(ruling: DecisionRow | None) -> tuple[str, ...]:
    """The reason codes a ruling cites."""
    reasons: list[dict[str, Any]] = ruling.reasons if ruling else []
    return tuple(sorted({str(r["code"]) for r in reasons}))


def _content_allowed(ruling: DecisionRow | None) -> bool:
    """True when the ruling in force allows content."""
    return ruling is not None and ruling.categories.get(Category.CONTENT) == Verdict.ALLOW


def load_records(session: Session, before: dt.date) -> list[Record]:
    """Every request received before `before` (UTC), as the facts a report counts."""
    cutoff = dt.datetime.combine(before, dt.time(), tzinfo=dt.UTC)
    query = (
        select(RequestRow.id, RequestRow.received_at, RequestRow.country, RequestRow.kind)
        .add_columns(RequestRow.process_type, CaseRow.state)
        .join(CaseRow, CaseRow.request_id == RequestRow.id)
        .where(RequestRow.received_at < cutoff)
        .order_by(RequestRow.received_at, RequestRow.id)
    )
    targets, rulings = _targets(session), _rulings(session)
    sealed, notices = _productions(session), _notices(session)
    records = []
    for request_id, received, country, kind, process, state in session.execute(query):
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
                content_allowed=_content_allowed(ruling),
                sealed=request_id in sealed,
                no_data=sealed.get(request_id, False),
                reasons=_reason_codes(ruling),
                notices_sent=counts["sent"],
                notices_delayed=counts["delayed"],
            )
        )
    return records
