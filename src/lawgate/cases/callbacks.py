"""Emergency call-backs: staff call the agency's registered number, and only that record confirms.

Rule B8 (spec legal-rules §1): an emergency disclosure needs an out-of-band call-back to the number
in the agency registry, never a number from the request. The policy's `verification.callback`
is therefore read from the latest call recorded here, and each recording re-runs the
recommendation with it; `cases.services.record_decision` refuses to grant an emergency request
whose latest call-back is not confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.cases import lapses
from lawgate.cases import services as cases
from lawgate.cases.models import CallbackRow
from lawgate.cases.schemas import CallbackRecord
from lawgate.cases.workflow import DECIDABLE
from lawgate.domain import (
    CallbackStatus,
    Decision,
    RequestKind,
)
from lawgate.errors import ConflictError, InvalidInputError
from lawgate.intake import phones
from lawgate.intake import queries as requests
from lawgate.intake import services as intake
from lawgate.policy.config import PolicyConfig
from lawgate.store.base import utcnow

OUTCOMES = frozenset({CallbackStatus.CONFIRMED, CallbackStatus.FAILED})
CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far ahead of the server's clock a reported call time may be."""
TEXT_LIMITS = {"number_called": 64, "spoke_to": 200, "note": 5000}


@dataclass(frozen=True)
class Call:
    """What a staff member reports about one call to the agency."""

    number_called: str
    outcome: CallbackStatus
    called_at: dt.datetime
    spoke_to: str = ""
    note: str = ""


@dataclass(frozen=True)
class Recorded:
    """The recorded call and the recommendation re-run with it (None if the policy failed)."""

    callback: CallbackRecord
    recommendation: Decision | None


def record_callback(
    session: Session, request_id: str, call: Call, actor: str, config: PolicyConfig
) -> Recorded:
    """Record a call-back on an open emergency request, then re-run the policy with it."""
    row = requests.request_facts(session, request_id)
    state = cases.locked_state(session, request_id)
    if row.kind != RequestKind.EMERGENCY_DISCLOSURE:
        raise ConflictError(
            f"request {request_id} is a {row.kind.replace('_', ' ')} request; call-backs are "
            "recorded only for emergency disclosures",
            "kind",
        )
    if state not in DECIDABLE:
        raise ConflictError(
            f"request {request_id} is '{state}'; call-backs are recorded while it is "
            f"{' or '.join(sorted(DECIDABLE))}"
        )
    agency = intake.get_agency(session, row.agency_id)
    _check_call(call, agency.callback_phone, agency.id, row.received_at)
    stored = CallbackRow(
        request_id=request_id,
        called_by=actor,
        number_called=call.number_called.strip(),
        called_at=call.called_at,
        outcome=call.outcome.value,
        spoke_to=call.spoke_to.strip(),
        note=call.note.strip(),
        recorded_at=utcnow(),
    )
    session.add(stored)
    session.flush()
    details = {"outcome": call.outcome.value, "called_at": call.called_at.isoformat()}
    log.append(session, "request:callback:recorded", actor, request_id, details)
    return Recorded(cases.callback_record(stored), _rerun(session, request_id, config))


def _check_call(call: Call, registered: str, agency_id: str, received_at: dt.datetime) -> None:
    """Refuse a call that cannot confirm the agency: wrong number, bad outcome, impossible time."""
    for field, limit in TEXT_LIMITS.items():
        if len(getattr(call, field)) > limit:
            raise InvalidInputError(f"{field} is longer than {limit} characters", field)
    if call.outcome not in OUTCOMES:
        raise InvalidInputError(
            f"outcome {call.outcome.value!r} is not a call's result; use confirmed or failed",
            "outcome",
        )
    _check_number(call.number_called, registered, agency_id)
    _check_time(call.called_at, received_at)


def _check_number(number: str, registered: str, agency_id: str) -> None:
    """The call must go to the registry's number: a number from the request proves nothing."""
    if not registered.strip():
        raise ConflictError(
            f"agency {agency_id!r} has no call-back number in the registry; record one there "
            "before an emergency can be confirmed",
            "number_called",
        )
    if not phones.same_number(number, registered):
        dialled = phones.normalise(number) or "no digits"
        raise InvalidInputError(
            f"number_called {number.strip()!r} ({dialled}) is not agency {agency_id!r}'s "
            f"registered call-back number {registered!r} ({phones.normalise(registered)}); "
            "call the registry's number, never one given in the request",
            "number_called",
        )


def _check_time(called_at: dt.datetime, received_at: dt.datetime) -> None:
    """A call confirms a request only if made after it arrived, and not in the future."""
    if called_at.tzinfo is None:
        raise InvalidInputError(
            "called_at needs a time zone (e.g. 2026-11-28T10:15:00Z)", "called_at"
        )
    if called_at > utcnow() + CLOCK_SKEW:
        raise InvalidInputError(f"called_at {called_at.isoformat()} is in the future", "called_at")
    if called_at < received_at:
        raise InvalidInputError(
            f"called_at {called_at.isoformat()} is before the request arrived "
            f"({received_at.isoformat()}); only a call made after it can confirm it",
            "called_at",
        )


def _rerun(session: Session, request_id: str, config: PolicyConfig) -> Decision | None:
    """The recommendation now, with the call-back as now recorded (the law on this day)."""
    source = lapses.policy_input(session, request_id, utcnow())
    return cases.reevaluate(session, request_id, source, config)
