"""Staff API tokens: what a script on the lawgate host proves itself with, one per account.

The token is shown once and stored only as its SHA-256, like console sessions; a new token
replaces the old one, and a disabled account's token opens nothing.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import credentials
from lawgate.auditlog import log
from lawgate.errors import InvalidInputError
from lawgate.staff.accounts import REALM, StaffAccount, account_of, existing
from lawgate.staff.models import StaffRow

PREFIX = "lgs_"
MIN_LENGTH = 32


def issue(session: Session, email: str, actor: str, token: str | None = None) -> str:
    """Give an account a new API token (replacing any earlier one); returns it, shown once."""
    token = token or PREFIX + secrets.token_urlsafe(32)
    if len(token) < MIN_LENGTH:
        raise InvalidInputError(f"an API token has at least {MIN_LENGTH} characters", "token")
    row = existing(session, email)
    row.api_token_sha256 = credentials.digest(token)
    session.flush()
    log.append(session, "staff:token:issued", actor, REALM.subject(row.id))
    return token


def revoke(session: Session, email: str, actor: str) -> None:
    """Take an account's API token away at once."""
    row = existing(session, email)
    row.api_token_sha256 = None
    session.flush()
    log.append(session, "staff:token:revoked", actor, REALM.subject(row.id))


def holder(session: Session, token: str) -> StaffAccount | None:
    """The active account a token belongs to, or None (unknown, replaced or disabled)."""
    if not token:
        return None
    query = select(StaffRow).where(StaffRow.api_token_sha256 == credentials.digest(token))
    row = session.scalars(query).one_or_none()
    return None if row is None or row.disabled else account_of(row)
