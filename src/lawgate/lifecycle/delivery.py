"""Delivery as the request's owner runs it: the first download delivers the case, and no package
leaves once the policy basis of its ruling has lapsed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from lawgate.cases import lapses
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.errors import ConflictError
from lawgate.policy.config import PolicyConfig
from lawgate.production import delivery
from lawgate.production.delivery import Package
from lawgate.store.base import utcnow

RELEASABLE = frozenset({CaseState.PRODUCING, CaseState.DELIVERED, CaseState.CLOSED})
"""States in which a sealed package may be handed over (not after a lapse sent it back)."""


def _check_release(
    session: Session, request_id: str, actor: str, config: PolicyConfig
) -> CaseState:
    """Before data first leaves, the policy at this moment must still allow the ruling."""
    state = cases.locked_state(session, request_id)
    if state not in RELEASABLE:
        raise ConflictError(
            f"the package of {request_id} is withheld: the case is '{state}'"
            + (", its policy basis lapsed" if cases.current_lapse(session, request_id) else "")
        )
    if state is CaseState.PRODUCING:
        moment = lapses.Moment(utcnow(), "delivery", actor)
        granted = lapses.standing_grant(session, request_id)
        lapses.check(session, request_id, granted, moment, config)
    return state


def deliver(
    session: Session, request_id: str, home: Path, actor: str, config: PolicyConfig
) -> Package:
    """The request's sealed package; the first download moves the case to 'delivered'."""
    package = delivery.sealed_package(session, request_id, home)
    state = _check_release(session, request_id, actor, config)
    first = state is CaseState.PRODUCING
    if first:
        cases.transition(session, request_id, CaseState.DELIVERED, actor)
    delivery.audit_handover(
        session, "production:delivered" if first else "production:downloaded", actor, package
    )
    return package


def staff_copy(
    session: Session, request_id: str, home: Path, actor: str, config: PolicyConfig
) -> Package:
    """Staff fetch the sealed package (encrypted to the agency) to hand it over another way."""
    package = delivery.sealed_package(session, request_id, home)
    _check_release(session, request_id, actor, config)
    delivery.audit_handover(session, "production:downloaded", actor, package)
    return package


def mark_delivered(
    session: Session, request_id: str, home: Path, actor: str, how: str, config: PolicyConfig
) -> None:
    """Record a package handed over outside the API (portal, secure mail, in person)."""
    package = delivery.sealed_package(session, request_id, home)
    _check_release(session, request_id, actor, config)
    cases.transition(session, request_id, CaseState.DELIVERED, actor)
    delivery.audit_handover(session, "production:delivered", actor, package, channel=how[:200])
