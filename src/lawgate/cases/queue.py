"""The reviewer's queue: cases with their request, agency, advice and time limits, in order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Select, case, select
from sqlalchemy.orm import Session

from lawgate.cases import clocks
from lawgate.cases.models import CaseRow, DecisionRow
from lawgate.cases.schemas import CaseSummary
from lawgate.cases.workflow import ANSWERED, GRANTED, CaseState, is_answered
from lawgate.domain import PRESERVATION_KINDS, Outcome, Request
from lawgate.intake.queries import REQUEST, join_request
from lawgate.store.base import as_utc


@dataclass(frozen=True)
class CaseFilter:
    """What the queue may be narrowed to; None means any."""

    state: CaseState | None = None
    country: str | None = None
    kind: str | None = None
    agency_id: str | None = None
    limit: int = 500
    by_risk: bool = False
    """Order open cases by fraud-signal score, highest first, instead of by deadline."""
    by_time_limit: bool = False
    """Order open cases by what runs out first, lapsed first (wins over by_risk)."""
    runs_out_by: dt.datetime | None = None
    """Only open cases with a time limit at or before this moment, lapsed ones included."""


def summary_query() -> Select[*tuple[Any, ...]]:
    """Cases joined with their request and agency, a count of targets, the recommendation."""
    recommendation = (
        select(DecisionRow.outcome)
        .where(DecisionRow.request_id == CaseRow.request_id, DecisionRow.source == "policy")
        .order_by(DecisionRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query: Select[*tuple[Any, ...]] = select(
        CaseRow.request_id,
        CaseRow.state,
        CaseRow.deadline,
        REQUEST.agency_id,
        REQUEST.agency_name.label("agency_name"),
        REQUEST.country,
        REQUEST.kind,
        REQUEST.purpose,
        REQUEST.received_at,
        REQUEST.signal_score,
        REQUEST.body,
        REQUEST.target_count.label("target_count"),
        recommendation.label("recommendation"),
    )
    return join_request(query, CaseRow.request_id, agency=True)


def to_summary(row: RowMapping) -> CaseSummary:
    """Shape one joined row for the queue, with the time limits its request sets running."""
    state = CaseState(row["state"])
    deadline = as_utc(row["deadline"])
    received_at = as_utc(row["received_at"])
    request = Request.model_validate(row["body"])
    limits = clocks.time_limits(request, received_at)
    answered = is_answered(state, row["kind"])
    recommended = row["recommendation"]
    return CaseSummary(
        id=row["request_id"],
        agency_id=row["agency_id"],
        agency_name=row["agency_name"],
        country=row["country"],
        kind=row["kind"],
        purpose=row["purpose"],
        state=state,
        deadline=deadline,
        received_at=received_at,
        target_count=row["target_count"],
        categories=sorted(str(c) for c in request.categories),
        recommendation=Outcome(recommended) if recommended else None,
        signal_score=row["signal_score"],
        time_limits=limits,
        next_limit=None if answered else clocks.next_limit(limits, deadline),
    )


def _answered_last() -> ColumnElement[int]:
    """A sort key putting cases that still need work before answered ones."""
    granted_preservation = REQUEST.kind.in_(PRESERVATION_KINDS) & CaseRow.state.in_(GRANTED)
    return case((CaseRow.state.in_(ANSWERED) | granted_preservation, 1), else_=0)


def list_cases(session: Session, where: CaseFilter | None = None) -> list[CaseSummary]:
    """The queue, open cases first, by deadline, by risk or by what runs out first.

    Time limits are computed in Python from each request, so sorting or filtering by them reads
    every case the other filters match before keeping the first `limit`: the limit still counts
    cases in the order asked for, never a deadline-ordered page sorted afterwards.
    """
    where = where or CaseFilter()
    query = summary_query()
    if where.state is not None:
        query = query.where(CaseRow.state == where.state)
    if where.country is not None:
        query = query.where(REQUEST.country == where.country)
    if where.kind is not None:
        query = query.where(REQUEST.kind == where.kind)
    if where.agency_id is not None:
        query = query.where(REQUEST.agency_id == where.agency_id)
    first = REQUEST.signal_score.desc() if where.by_risk else CaseRow.deadline
    query = query.order_by(_answered_last(), first, CaseRow.deadline, CaseRow.request_id)
    if not where.by_time_limit and where.runs_out_by is None:
        query = query.limit(where.limit)
    rows = [to_summary(row) for row in session.execute(query).mappings()]
    if where.runs_out_by is not None:
        rows = [r for r in rows if clocks.runs_out_by(r.next_limit, where.runs_out_by)]
    if where.by_time_limit:
        rows.sort(key=lambda r: clocks.soonest_first(r.next_limit))
    return rows[: where.limit]
