"""Console sessions: a random cookie token stored only as its SHA-256, with a CSRF token each."""

from __future__ import annotations

import datetime as dt

from lawgate.credentials import SessionKind, SignedIn, digest
from lawgate.staff.accounts import REALM, StaffAccount, get_staff
from lawgate.staff.models import StaffSessionRow

LIFETIME = dt.timedelta(hours=12)
StaffSession = SignedIn[StaffAccount]
KIND = SessionKind(REALM, StaffSessionRow, "staff_id", LIFETIME, get_staff)
start, resume, end = KIND.start, KIND.resume, KIND.end


def origin(me: StaffSession) -> str:
    """An opaque id of this session, from the CSRF token it keeps for life (and not reversible)."""
    return f"session:{digest(me.csrf_token)[:16]}"


def credential(me: StaffSession) -> str:
    """The session's origins for the two-person rule: the session, and the person signed in."""
    return f"{origin(me)} {me.account.actor}"
