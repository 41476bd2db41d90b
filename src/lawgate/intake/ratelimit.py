"""Per-agency rate limits: how many requests one agency may file per hour, over every channel.

The count comes from stored requests (received in the last hour, demo seeding excluded), so the
limit holds across processes and restarts with no counter of its own. Going over it is refused
with 429 and Retry-After; the refusal is logged at most once per agency and window, so a client
that keeps retrying cannot flood the permanent audit log.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.auditlog.queries import was_logged
from lawgate.errors import RateLimitedError
from lawgate.intake.models import AgencyRow, RequestRow
from lawgate.store.base import as_utc

WINDOW = dt.timedelta(hours=1)
EXEMPT_CHANNELS = ("demo",)
"""Seeded demo requests are history, not traffic."""
REFUSED_EVENT = "request:rate_limited"
ACTOR = "system:ratelimit"


def check(session: Session, agency_id: str, limit: int, now: dt.datetime) -> None:
    """Refuse a new request when the agency already filed `limit` within the last hour."""
    _lock_agency(session, agency_id)
    since = now - WINDOW
    window = select(func.count(), func.min(RequestRow.received_at)).where(
        RequestRow.agency_id == agency_id,
        RequestRow.received_at > since,
        RequestRow.received_at <= now,
        RequestRow.submitted_via.not_in(EXEMPT_CHANNELS),
    )
    count, oldest = session.execute(window).one()
    if int(count) < limit:
        return
    wait = max(1, math.ceil((as_utc(oldest) + WINDOW - now).total_seconds()))
    raise RateLimitedError(
        f"agency {agency_id!r} has filed {count} requests in the last hour, its limit is "
        f"{limit} (LAWGATE_RATE_LIMIT_PER_HOUR); retry in {wait} seconds",
        agency_id,
        limit,
        wait,
    )


def _lock_agency(session: Session, agency_id: str) -> None:
    """Serialise an agency's submissions so two at the limit cannot both pass."""
    session.execute(select(AgencyRow.id).where(AgencyRow.id == agency_id).with_for_update())


def record_refusal(session: Session, error: RateLimitedError, now: dt.datetime) -> bool:
    """Log a refusal unless this agency's last one is within the window; True when logged."""
    if was_logged(session, REFUSED_EVENT, error.agency_id, since=now - WINDOW):
        return False
    details = {"limit_per_hour": error.limit, "retry_after_seconds": error.retry_after}
    log.append(session, REFUSED_EVENT, ACTOR, error.agency_id, details)
    return True
