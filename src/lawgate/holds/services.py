"""Hold lifecycle: placed on a granted preservation, extended once, expired, or converted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.cases.queries import case_state
from lawgate.cases.workflow import (
    GRANTED,
    RUNNING_HOLDS,
    HoldState,
    check_hold_transition,
)
from lawgate.config import Settings
from lawgate.datamap import shipped
from lawgate.datamap.model import DataMap
from lawgate.datamap.resolve import resolve_targets
from lawgate.datamap.sources import Source
from lawgate.domain import RequestKind
from lawgate.errors import ConflictError
from lawgate.holds.models import HoldRow
from lawgate.intake.queries import REQUEST, RequestFacts, join_request, request_facts
from lawgate.policy.deadlines import preservation_limit
from lawgate.store.base import as_utc, utcnow

SYSTEM_ACTOR = "system:holds"
RUNNING = tuple(sorted(RUNNING_HOLDS))
"""Statuses in which a hold still keeps data from deletion (until it expires)."""


class HoldSummary(BaseModel):
    """What the deletion pipeline needs to know about one hold on an account."""

    request_id: str
    expires_at: dt.datetime
    status: str


@dataclass(frozen=True)
class HoldGroup:
    """The holds of one request with one status, as the console and CLI list them."""

    request_id: str
    agency_name: str
    status: str
    accounts: int
    expires_at: dt.datetime
    extended_by: str | None


def _move(hold: HoldRow, new: HoldState) -> None:
    """Change a hold's state only along the lifecycle in lawgate.cases.workflow."""
    check_hold_transition(HoldState(hold.status), new)
    hold.status = new


def _requested_days(row: RequestFacts) -> int:
    """The days the agency asked the data to be kept (0 when it named none)."""
    preservation = row.request.preservation
    return preservation.days if preservation else 0


def preservation_days(row: RequestFacts, settings: Settings) -> int:
    """B9: the agency's days, never beyond its framework's preservation period."""
    limit = preservation_limit(row.country, settings.policy)
    return min(_requested_days(row), limit)


def extension_days(extension: RequestFacts, original: RequestFacts, settings: Settings) -> int:
    """B9: the extension's days, never beyond the original's framework extension length."""
    limit = preservation_limit(original.country, settings.policy, extension=True)
    asked = _requested_days(extension)
    return min(asked, limit) if asked else limit


def _holds_of(session: Session, request_id: str) -> list[HoldRow]:
    """Every hold placed for a request, locked for the change the caller makes."""
    query = select(HoldRow).where(HoldRow.request_id == request_id).order_by(HoldRow.id)
    return list(session.scalars(query.with_for_update()))


def place_holds(
    session: Session,
    marketplace: sa.Engine,
    request_id: str,
    settings: Settings,
    now: dt.datetime | None = None,
    actor: str = SYSTEM_ACTOR,
    datamap: DataMap | None = None,
) -> int:
    """Hold every account a granted preservation identifies, so deletion cannot destroy evidence."""
    row = request_facts(session, request_id)
    if row.kind != RequestKind.PRESERVATION:
        raise ConflictError(f"request {request_id} is a {row.kind}, not a preservation", "kind")
    existing = _holds_of(session, request_id)
    if existing:
        return len(existing)
    start = now or utcnow()
    days = preservation_days(row, settings)
    targets = row.request.targets
    accounts = resolve_targets(marketplace, datamap or shipped(), targets).account_ids
    expires = start + dt.timedelta(days=days)
    for account in accounts:
        session.add(
            HoldRow(
                request_id=request_id,
                account_id=account,
                status=HoldState.ACTIVE,
                starts_at=start,
                expires_at=expires,
            )
        )
    session.flush()
    details: dict[str, str | int] = {
        "count": len(accounts),
        "days": days,
        "expires_at": expires.isoformat(),
    }
    log.append(session, "hold:placed", actor, request_id, details)
    return len(accounts)


def extend_holds(
    session: Session, extension_id: str, settings: Settings, actor: str = SYSTEM_ACTOR
) -> int:
    """Extend a preservation's running holds once, as B9 allows one extension per framework."""
    extension = request_facts(session, extension_id)
    if extension.kind != RequestKind.PRESERVATION_EXTENSION or not extension.preservation_ref:
        raise ConflictError(f"request {extension_id} is not a preservation extension", "kind")
    original = request_facts(session, extension.preservation_ref)
    holds = _holds_of(session, original.id)
    first = next((h.extended_by for h in holds if h.extended_by), None)
    if first == extension_id:
        return sum(1 for h in holds if h.extended_by == extension_id)
    if first is not None:
        raise ConflictError(
            f"preservation {original.id} was already extended by {first}; "
            "only one extension is allowed",
            "preservation_ref",
        )
    running = [h for h in holds if h.status in RUNNING]
    if not running:
        raise ConflictError(f"preservation {original.id} has no running holds to extend")
    days = extension_days(extension, original, settings)
    for hold in running:
        hold.expires_at = as_utc(hold.expires_at) + dt.timedelta(days=days)
        _move(hold, HoldState.EXTENDED)
        hold.extended_by = extension_id
    session.flush()
    details: dict[str, str | int] = {"count": len(running), "days": days, "extension": extension_id}
    log.append(session, "hold:extended", actor, original.id, details)
    return len(running)


def _running_groups(session: Session, query: sa.Select[HoldRow]) -> dict[str, list[HoldRow]]:
    """Holds by request id, locked, so each request's change is audited once."""
    groups: dict[str, list[HoldRow]] = {}
    for hold in session.scalars(query.with_for_update()):
        groups.setdefault(hold.request_id, []).append(hold)
    return groups


def expire_holds(session: Session, now: dt.datetime | None = None) -> int:
    """End holds whose time is up, so the deletion pipeline may delete again."""
    moment = now or utcnow()
    query = select(HoldRow).where(HoldRow.status.in_(RUNNING), HoldRow.expires_at <= moment)
    groups = _running_groups(session, query.order_by(HoldRow.id))
    for request_id, holds in sorted(groups.items()):
        for hold in holds:
            _move(hold, HoldState.EXPIRED)
        session.flush()
        log.append(session, "hold:expired", SYSTEM_ACTOR, request_id, {"count": len(holds)})
    return sum(len(h) for h in groups.values())


def convert_holds(session: Session, production_id: str, actor: str = SYSTEM_ACTOR) -> int:
    """Mark a preservation's holds converted once the production following it is produced."""
    production = request_facts(session, production_id)
    if production.kind != RequestKind.PRODUCTION or not production.preservation_ref:
        raise ConflictError(f"request {production_id} does not follow a preservation", "kind")
    original = production.preservation_ref
    running = [h for h in _holds_of(session, original) if h.status in RUNNING]
    for hold in running:
        _move(hold, HoldState.CONVERTED)
    session.flush()
    details: dict[str, str | int] = {"count": len(running), "production": production_id}
    log.append(session, "hold:converted", actor, original, details)
    return len(running)


def is_held(
    session: Session, account_ids: Iterable[str], now: dt.datetime | None = None
) -> dict[str, list[HoldSummary]]:
    """The running, unexpired holds on each account: what forbids deleting its data now."""
    wanted = list(dict.fromkeys(account_ids))
    found: dict[str, list[HoldSummary]] = {account: [] for account in wanted}
    if not wanted:
        return found
    query = select(HoldRow).where(
        HoldRow.account_id.in_(wanted),
        HoldRow.status.in_(RUNNING),
        HoldRow.expires_at > (now or utcnow()),
    )
    for hold in session.scalars(query.order_by(HoldRow.expires_at, HoldRow.id)):
        summary = HoldSummary(
            request_id=hold.request_id, expires_at=as_utc(hold.expires_at), status=hold.status
        )
        found[hold.account_id].append(summary)
    return found


def list_holds(session: Session) -> list[HoldGroup]:
    """Holds grouped by request and status, running ones first, soonest expiry first."""
    query = select(
        HoldRow.request_id,
        REQUEST.agency_name,
        HoldRow.status,
        func.count(HoldRow.id),
        func.max(HoldRow.expires_at),
        func.max(HoldRow.extended_by),
    )
    query = join_request(query, HoldRow.request_id, agency=True)
    query = query.group_by(HoldRow.request_id, REQUEST.agency_name, HoldRow.status)
    groups = [
        HoldGroup(request_id, name, status, count, as_utc(expires), extended_by)
        for request_id, name, status, count, expires, extended_by in session.execute(query)
    ]
    return sorted(groups, key=lambda g: (g.status not in RUNNING, g.expires_at, g.request_id))


def after_decision(
    session: Session,
    request_id: str,
    settings: Settings,
    marketplace: Source,
    actor: str = SYSTEM_ACTOR,
) -> int:
    """Call after recording a decision: a granted preservation places holds, an extension extends.

    Returns the number of holds placed or extended (0 when the decision needs none).
    The marketplace's engine is used only when a preservation's targets must be resolved.
    """
    row = request_facts(session, request_id)
    state = case_state(session, request_id)
    if state is None or state not in GRANTED:
        return 0
    if row.kind == RequestKind.PRESERVATION_EXTENSION:
        return extend_holds(session, request_id, settings, actor)
    if row.kind != RequestKind.PRESERVATION:
        return 0
    engine, described = marketplace.engine, marketplace.datamap
    return place_holds(session, engine, request_id, settings, actor=actor, datamap=described)
