"""Officer accounts: made under an agency's verified domains, signed in with argon2 and TOTP."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import secrets
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UnauthenticatedError,
)
from lawgate.intake import services as intake
from lawgate.intake import webmail
from lawgate.intake.models import OfficerRow
from lawgate.store.base import as_utc, utcnow

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_NAME = 200
ISSUER = "lawgate"
LOGIN_ACTOR = "portal:login"
EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")
REFUSED = "the email, password or code is wrong"
HASHER = PasswordHasher()


@dataclass(frozen=True)
class OfficerAccount:
    """What the rest of lawgate may know of an officer: never the hash or the TOTP secret."""

    id: int
    agency_id: str
    email: str
    name: str
    failed_logins: int
    locked_until: dt.datetime | None
    disabled: bool

    def locked(self, now: dt.datetime) -> bool:
        """True while a lockout runs."""
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class Enrolment:
    """A new account and its TOTP secret, shown once to be put in an authenticator app."""

    officer: OfficerAccount
    totp_secret: str
    provisioning_uri: str


class LoginRefusedError(UnauthenticatedError):
    """Wrong email, password or code: one message for all, so nobody learns which was wrong."""


class AccountLockedError(LoginRefusedError):
    """Too many failures in a row: no password is even checked until the lockout ends."""

    status = 423


def _account(row: OfficerRow) -> OfficerAccount:
    """The public form of an officer row."""
    return OfficerAccount(
        id=row.id,
        agency_id=row.agency_id,
        email=row.email,
        name=row.name,
        failed_logins=row.failed_logins,
        locked_until=as_utc(row.locked_until) if row.locked_until else None,
        disabled=row.disabled,
    )


def subject(officer_id: int) -> str:
    """The audit-log subject of an officer."""
    return f"officer:{officer_id}"


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively; the stored form is lower case."""
    return email.strip().lower()


def domain_allowed(email: str, domains: list[str]) -> bool:
    """True when the email's domain is one of the domains, or a subdomain of one."""
    return EMAIL.match(normalise_email(email)) is not None and webmail.on_domains(email, domains)


def _check_password(password: str) -> None:
    """A password long enough to resist guessing, short enough not to be a hashing DoS."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInputError(
            f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters", "password"
        )


def _check_new_account(session: Session, agency_id: str, email: str, name: str) -> None:
    """Refuse an account outside the agency's verified domains, nameless, or already taken."""
    agency = intake.get_agency(session, agency_id)
    if EMAIL.match(email) is None:
        raise InvalidInputError(f"{email!r} is not an email address", "email")
    if not agency.domains:
        raise InvalidInputError(
            f"agency {agency_id!r} has no verified domains; add one before adding officers",
            "email",
        )
    if not domain_allowed(email, agency.domains):
        listed = ", ".join(agency.domains)
        raise InvalidInputError(
            f"{email!r} is not on a verified domain of agency {agency_id!r} ({listed})", "email"
        )
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(f"the name must have 1 to {MAX_NAME} characters", "name")
    if session.scalar(select(OfficerRow.id).where(OfficerRow.email == email)) is not None:
        raise ConflictError(f"an officer with email {email!r} already exists", "email")


def create_officer(
    session: Session, agency_id: str, email: str, name: str, password: str, actor: str
) -> Enrolment:
    """Add an officer under a registered agency whose verified domains include the email's."""
    email, name = normalise_email(email), name.strip()
    _check_new_account(session, agency_id, email, name)
    _check_password(password)
    secret = pyotp.random_base32()
    row = OfficerRow(
        agency_id=agency_id,
        email=email,
        name=name,
        password_hash=HASHER.hash(password),
        totp_secret=secret,
        failed_logins=0,
        disabled=False,
    )
    session.add(row)
    session.flush()
    log.append(session, "portal:officer:created", actor, subject(row.id), {"agency_id": agency_id})
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return Enrolment(_account(row), secret, uri)


def list_officers(session: Session, agency_id: str | None = None) -> list[OfficerAccount]:
    """Officers of one agency (which must exist) or of all, by agency then email."""
    query = select(OfficerRow).order_by(OfficerRow.agency_id, OfficerRow.email)
    if agency_id is not None:
        intake.get_agency(session, agency_id)
        query = query.where(OfficerRow.agency_id == agency_id)
    return [_account(row) for row in session.scalars(query)]


def get_officer(session: Session, officer_id: int) -> OfficerAccount | None:
    """An officer by id, or None."""
    row = session.get(OfficerRow, officer_id)
    return _account(row) if row else None


def _by_email(session: Session, email: str) -> OfficerRow | None:
    """The officer row for an email, locked so concurrent logins count failures correctly."""
    query = select(OfficerRow).where(OfficerRow.email == normalise_email(email))
    return session.scalars(query.with_for_update()).one_or_none()


def unlock(session: Session, email: str, actor: str) -> OfficerAccount:
    """End a lockout and forget past failures."""
    row = _by_email(session, email)
    if row is None:
        raise NotFoundError(f"no officer with email {normalise_email(email)!r}", "email")
    row.failed_logins, row.locked_until = 0, None
    session.flush()
    log.append(session, "portal:officer:unlocked", actor, subject(row.id))
    return _account(row)


@functools.cache
def _decoy_hash() -> str:
    """A hash to verify against for unknown emails, so timing does not reveal who has an account."""
    return HASHER.hash(secrets.token_urlsafe(16))


def _password_ok(stored: str, password: str) -> bool:
    """Argon2 verification that answers False instead of raising."""
    if not password or len(password) > MAX_PASSWORD:
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _matched_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code was given (one step of clock drift either way), or None."""
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit()):
        return None
    for offset in (0, -1, 1):
        if secrets.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


def _last_used_step(session: Session, officer_id: int) -> int:
    """The time step of the officer's last successful login: its code and older ones are spent."""
    for entry in reversed(log.entries_for(session, subject(officer_id))):
        if entry.event == "portal:login:succeeded":
            step = json.loads(entry.canonical)["details"].get("totp_step")
            return int(step) if step is not None else -1
    return -1


def _failure(session: Session, row: OfficerRow, reason: str, now: dt.datetime) -> LoginRefusedError:
    """Count a failure, lock the account at the limit, and log both."""
    row.failed_logins += 1
    details: dict[str, log.Scalar] = {"reason": reason, "failures": row.failed_logins}
    log.append(session, "portal:login:failed", LOGIN_ACTOR, subject(row.id), details)
    if row.failed_logins < MAX_FAILURES:
        return LoginRefusedError(REFUSED)
    row.locked_until = now + LOCKOUT
    until = row.locked_until.isoformat()
    log.append(session, "portal:login:locked", LOGIN_ACTOR, subject(row.id), {"until": until})
    return _locked_error(row.locked_until)


def _locked_error(until: dt.datetime) -> AccountLockedError:
    """The error an officer sees while locked out."""
    return AccountLockedError(
        f"this account is locked after {MAX_FAILURES} failed sign-ins until "
        f"{until:%Y-%m-%d %H:%M} UTC; wait, or ask the platform to unlock it"
    )


def _refuse_early(
    session: Session, row: OfficerRow | None, now: dt.datetime
) -> LoginRefusedError | None:
    """Refuse unknown, disabled and locked accounts before any code is looked at."""
    if row is None:
        _password_ok(_decoy_hash(), "decoy")
        log.append(
            session,
            "portal:login:failed",
            LOGIN_ACTOR,
            "officer:unknown",
            {"reason": "unknown_email"},
        )
        return LoginRefusedError(REFUSED)
    reason = "disabled" if row.disabled else None
    if row.locked_until is not None and as_utc(row.locked_until) > now:
        reason = "locked"
    if reason is None:
        return None
    log.append(session, "portal:login:failed", LOGIN_ACTOR, subject(row.id), {"reason": reason})
    if reason == "locked" and row.locked_until is not None:
        return _locked_error(as_utc(row.locked_until))
    return LoginRefusedError(REFUSED)


def authenticate(
    session: Session, email: str, password: str, code: str, now: dt.datetime | None = None
) -> OfficerAccount:
    """Check password and current TOTP code; the caller commits so failures count and are logged."""
    now = now or utcnow()
    row = _by_email(session, email)
    refused = _refuse_early(session, row, now)
    if refused is not None:
        raise refused
    assert row is not None
    if row.locked_until is not None:  # a lockout that has run out starts a fresh count
        row.failed_logins, row.locked_until = 0, None
    if not _password_ok(row.password_hash, password):
        raise _failure(session, row, "bad_password", now)
    step = _matched_step(row.totp_secret, code, now)
    if step is None:
        raise _failure(session, row, "bad_code", now)
    if step <= _last_used_step(session, row.id):
        raise _failure(session, row, "code_reused", now)
    row.failed_logins = 0
    if HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = HASHER.hash(password)
    details: dict[str, log.Scalar] = {"agency_id": row.agency_id, "totp_step": step}
    log.append(session, "portal:login:succeeded", subject(row.id), subject(row.id), details)
    session.flush()
    return _account(row)
