"""An agency's record of requests before a new one: what volume and new-officer signals compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lawgate.intake.models import RequestRow

DAY = dt.timedelta(days=1)
BASELINE_DAYS = 30


@dataclass(frozen=True)
class History:
    """What lawgate's own records say of the agency and officer before this request."""

    prior_requests: int = 0
    officer_prior_requests: int = 0
    last_day: int = 0
    """The agency's requests received in the 24 hours before this one."""
    daily_mean: float = 0.0
    """The agency's requests per day over the 30 days before those 24 hours."""


def history_of(
    session: Session, agency_id: str, officer_email: str, received_at: dt.datetime
) -> History:
    """The agency's and officer's record before this request, from stored requests."""
    day_start = received_at - DAY
    base_start = day_start - BASELINE_DAYS * DAY
    at = RequestRow.received_at
    same_officer = func.lower(RequestRow.officer_email) == officer_email.lower()
    query = select(
        func.count(),
        func.sum(case((same_officer, 1), else_=0)),
        func.sum(case(((at > day_start) & (at <= received_at), 1), else_=0)),
        func.sum(case(((at > base_start) & (at <= day_start), 1), else_=0)),
    ).where(RequestRow.agency_id == agency_id)
    prior, officer, last_day, baseline = session.execute(query).one()
    return History(
        prior_requests=int(prior or 0),
        officer_prior_requests=int(officer or 0),
        last_day=int(last_day or 0),
        daily_mean=int(baseline or 0) / BASELINE_DAYS,
    )
