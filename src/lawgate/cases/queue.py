"""The reviewer's queue: cases with their request, agency, advice and time limits, in order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from lawgate.cases import clocks
from lawgate.cases.models import CaseRow, DecisionRow
from lawgate.cases.schemas import CaseSummary
from lawgate.cases.workflow import ANSWERED, GRANTED, CaseState, is_answered
from lawgate.domain import PRESERVATION_KINDS, Outcome, Request
from lawgate.intake.models import AgencyRow, RequestRow, TargetRow
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


def summary_query() -> Select[RequestRow, CaseRow, str, int, str | None]:
    """Cases joined with their request and agency, a count of targets, the recommendation."""
    targets = (
        select(func.count(TargetRow.id))
        .where(TargetRow.request_id == RequestRow.id)
        .scalar_subquery()
    )
    recommendation = (
        select(DecisionRow.outcome)
        .where(DecisionRow.request_id == RequestRow.id, DecisionRow.source == "policy")
        .order_by(DecisionRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(RequestRow, CaseRow, AgencyRow.name, targets, recommendation)
        .join(CaseRow, CaseRow.request_id == RequestRow.id)
        .join(AgencyRow, AgencyRow.id == RequestRow.agency_id)
    )


def to_summary(
    request: RequestRow, case: CaseRow, agency_name: str, count: int, recommended: str | None
) -> CaseSummary:
    """Shape one joined row for the queue, with the time limits its request sets running."""
    state = CaseState(case.state)
    deadline = as_utc(case.deadline)
    received_at = as_utc(request.received_at)
    limits = clocks.time_limits(Request.model_validate(request.body), received_at)
    answered = is_answered(state, request.kind)
    return CaseSummary(
        id=request.id,
        agency_id=request.agency_id,
        agency_name=agency_name,
        country=request.country,
        kind=request.kind,
        purpose=request.purpose,
        state=state,
        deadline=deadline,
        received_at=received_at,
        target_count=count,
        categories=sorted(c.category for c in request.categories),
        recommendation=Outcome(recommended) if recommended else None,
        signal_score=request.signal_score,
        time_limits=limits,
        next_limit=None if answered else clocks.next_limit(limits, deadline),
    )


def _answered_last() -> ColumnElement[int]:
    """A sort key putting cases that still need work before answered ones."""
    granted_preservation = RequestRow.kind.in_(PRESERVATION_KINDS) & CaseRow.state.in_(GRANTED)
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
        query = query.where(RequestRow.country == where.country)
    if where.kind is not None:
        query = query.where(RequestRow.kind == where.kind)
    if where.agency_id is not None:
        query = query.where(RequestRow.agency_id == where.agency_id)
    first = RequestRow.signal_score.desc() if where.by_risk else CaseRow.deadline
    query = query.order_by(_answered_last(), first, CaseRow.deadline, RequestRow.id)
    if not where.by_time_limit and where.runs_out_by is None:
        query = query.limit(where.limit)
    rows = [to_summary(*row) for row in session.execute(query)]
    if where.runs_out_by is not None:
        rows = [r for r in rows if clocks.runs_out_by(r.next_limit, where.runs_out_by)]
    if where.by_time_limit:
        rows.sort(key=lambda r: clocks.soonest_first(r.next_limit))
    return rows[: where.limit]
