"""Portal sessions: a random cookie token stored only as its SHA-256, with a CSRF token each."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.errors import ForbiddenError
from lawgate.intake.models import OfficerSessionRow
from lawgate.portal import accounts
from lawgate.portal.accounts import OfficerAccount
from lawgate.store.base import as_utc, utcnow

LIFETIME = dt.timedelta(hours=8)
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class PortalSession:
    """A signed-in officer and the CSRF token every form of this session must carry."""

    officer: OfficerAccount
    csrf_token: str
    expires_at: dt.datetime


class CsrfRefusedError(ForbiddenError):
    """A form post that does not carry this session's token: possibly forged by another site."""


def digest(token: str) -> str:
    """What the store keeps of a cookie token: a stolen database opens no session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A random, URL-safe token of 256 bits."""
    return secrets.token_urlsafe(32)


def start(
    session: Session, officer: OfficerAccount, now: dt.datetime | None = None
) -> tuple[str, PortalSession]:
    """Open a session for an authenticated officer; returns the cookie token and the session."""
    now = now or utcnow()
    session.execute(
        delete(OfficerSessionRow).where(
            OfficerSessionRow.officer_id == officer.id, OfficerSessionRow.expires_at <= now
        )
    )
    token, csrf = new_token(), new_token()
    expires = now + LIFETIME
    row = OfficerSessionRow(
        token_sha256=digest(token),
        officer_id=officer.id,
        csrf_token=csrf,
        created_at=now,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    return token, PortalSession(officer, csrf, expires)


def resume(
    session: Session, token: str | None, now: dt.datetime | None = None
) -> PortalSession | None:
    """The session a cookie token opens, or None when absent, expired or its officer disabled."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(OfficerSessionRow, digest(token))
    if row is None:
        return None
    officer = accounts.get_officer(session, row.officer_id)
    if as_utc(row.expires_at) <= now or officer is None or officer.disabled:
        session.delete(row)
        session.flush()
        return None
    return PortalSession(officer, row.csrf_token, as_utc(row.expires_at))


def end(session: Session, token: str | None) -> None:
    """Sign out: the token opens nothing any more."""
    if not token:
        return
    row = session.get(OfficerSessionRow, digest(token))
    if row is None:
        return
    session.delete(row)
    session.flush()
    officer = accounts.subject(row.officer_id)
    log.append(session, "portal:session:ended", officer, officer)


def check_csrf(expected: str | None, given: str | None) -> None:
    """Refuse a form post whose CSRF token is missing or differs from the expected one."""
    if not expected or not given or not secrets.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefusedError(
            "this form was refused: its security token (csrf_token) is missing or out of date. "
            "Go back, reload the page and submit it again.",
            CSRF_FIELD,
        )
