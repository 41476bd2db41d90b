"""A staff member's authenticator code asked again for one act: current, once, failures counted.

Issuing and confirming API tokens ask for it, so that holding a host shell or a console cookie is
not enough to mint a credential: the person whose code it is must be there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from lawgate import credentials
from lawgate.auditlog import log
from lawgate.credentials import AccountLockedError
from lawgate.errors import ForbiddenError, UnauthenticatedError
from lawgate.staff.accounts import REALM
from lawgate.staff.models import StaffRow
from lawgate.store.base import as_utc, utcnow

ACCEPTED = REALM.event("code:accepted")
REFUSAL = "code:refused"
REFUSED = REALM.event(REFUSAL)


class CodeRefusedError(UnauthenticatedError):
    """A wrong, expired or reused code: the failure is counted, so its transaction commits."""

    keeps_work = True


def _failed(session: Session, row: StaffRow, reason: str, now: dt.datetime) -> CodeRefusedError:
    """Count a failure like a failed sign-in (the same lockout), and log it."""
    credentials.count_failure(session, REALM, row, reason, now, REFUSAL)
    return CodeRefusedError(
        f"the authenticator code of {row.email} is wrong, expired or already used: "
        "give the code the app shows now (a new one comes every 30 seconds)",
        "code",
    )


def _check_usable(row: StaffRow, now: dt.datetime) -> None:
    """Refuse a disabled or locked account before its code is looked at."""
    if row.disabled:
        raise ForbiddenError(f"the staff account {row.email} is disabled", "email")
    until = as_utc(row.locked_until) if row.locked_until is not None else None
    if until is not None and until > now:
        raise AccountLockedError(
            f"{row.email} is locked after {credentials.MAX_FAILURES} failures until "
            f"{until:%Y-%m-%d %H:%M} UTC; wait, or ask an admin to unlock it"
        )


def check_code(
    session: Session, row: StaffRow, code: str, purpose: str, now: dt.datetime | None = None
) -> int:
    """Accept the account's current code once for `purpose`; returns its TOTP time step."""
    now = now or utcnow()
    _check_usable(row, now)
    step = credentials.matched_step(row.totp_secret, code, now)
    if step is None:
        raise _failed(session, row, "bad_code", now)
    if step <= credentials.last_used_step(session, REALM, row.id):
        raise _failed(session, row, "code_reused", now)
    row.failed_logins, row.locked_until = 0, None
    subject = REALM.subject(row.id)
    details: dict[str, log.Scalar] = {"purpose": purpose, "totp_step": step}
    log.append(session, ACCEPTED, subject, subject, details)
    return step
