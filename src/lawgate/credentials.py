"""Sign-in shared by officers and staff: argon2 passwords, TOTP, lockouts and session tokens.

Each kind of account is a `Realm` (how its audit events and subjects read) and keeps its own
tables; the rules, and so their audit trail, are the same for every kind.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawgate.auditlog import log
from lawgate.errors import ForbiddenError, InvalidInputError, UnauthenticatedError
from lawgate.passwords import check_not_breached
from lawgate.store.base import Base, as_utc, utcnow

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_NAME = 200
ISSUER = "lawgate"
EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")
REFUSED = "the email, password or code is wrong"
CSRF_FIELD = "csrf_token"
HASHER = PasswordHasher()


class LoginRefusedError(UnauthenticatedError):
    """Wrong email, password or code: one message for all, so nobody learns which was wrong."""


class AccountLockedError(LoginRefusedError):
    """Too many failures in a row: no password is even checked until the lockout ends."""


class CsrfRefusedError(ForbiddenError):
    """A form post that does not carry this session's token: possibly forged by another site."""


@dataclass(frozen=True)
class Realm:
    """One kind of account: the prefix of its audit events, its subjects, who unlocks it."""

    prefix: str
    kind: str
    unlocker: str

    def subject(self, account_id: int) -> str:
        """The audit-log subject (and actor) of an account: an id, never personal data."""
        return f"{self.kind}:{account_id}"

    def event(self, name: str) -> str:
        """An audit event of this realm, e.g. 'portal:login:failed'."""
        return f"{self.prefix}:{name}"

    @property
    def subject_unknown(self) -> str:
        """The subject of a sign-in attempt with an email nobody has."""
        return f"{self.kind}:unknown"

    @property
    def login_actor(self) -> str:
        """The actor of a sign-in attempt, before anyone is proven."""
        return f"{self.prefix}:login"


class AccountColumns(Base):
    """The columns of every account table: who, how they sign in, and their failures."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SessionColumns(Base):
    """The columns of every session table but the account's own foreign key."""

    __abstract__ = True

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


@dataclass(frozen=True, kw_only=True)
class PublicAccount:
    """What lawgate may know of any account: never its password hash or TOTP secret."""

    id: int
    email: str
    name: str
    failed_logins: int
    locked_until: dt.datetime | None
    disabled: bool

    def locked(self, now: dt.datetime) -> bool:
        """True while a lockout runs."""
        return self.locked_until is not None and self.locked_until > now

    def status(self, now: dt.datetime) -> str:
        """'active', 'disabled' or 'locked until …', as account lists show it."""
        if self.locked(now) and self.locked_until is not None:
            return f"locked until {self.locked_until:%Y-%m-%d %H:%M} UTC"
        return "disabled" if self.disabled else "active"


Account = TypeVar("Account", bound=PublicAccount)
Row = TypeVar("Row", bound=AccountColumns)


def public_account(kind: type[Account], row: AccountColumns, **own: Any) -> Account:
    """The public form of an account row; `own` are the fields of its kind (role, agency)."""
    return kind(
        id=row.id,
        email=row.email,
        name=row.name,
        failed_logins=row.failed_logins,
        locked_until=as_utc(row.locked_until) if row.locked_until else None,
        disabled=row.disabled,
        **own,
    )


@dataclass(frozen=True)
class Enrolment(Generic[Account]):
    """A new account and its TOTP secret, shown once to be put in an authenticator app."""

    account: Account
    totp_secret: str
    provisioning_uri: str


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively; the stored form is lower case."""
    return email.strip().lower()


def check_email(email: str) -> None:
    """Refuse what is not an email address."""
    if EMAIL.fullmatch(email) is None:
        raise InvalidInputError(f"{email!r} is not an email address", "email")


def check_name(name: str) -> None:
    """A display name that exists and fits its column."""
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(f"the name must have 1 to {MAX_NAME} characters", "name")


def check_password(password: str) -> None:
    """A password long enough to resist guessing, short enough not to be a hashing DoS, unleaked."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInputError(
            f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters", "password"
        )
    check_not_breached(password)


def hash_password(password: str) -> str:
    """The argon2 hash stored instead of the password."""
    return HASHER.hash(password)


def new_totp(email: str) -> tuple[str, str]:
    """A fresh TOTP secret and its otpauth:// URI for an authenticator app."""
    secret = pyotp.random_base32()
    return secret, pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


@functools.cache
def _decoy_hash() -> str:
    """A hash to verify against for unknown emails, so timing does not reveal who has an account."""
    return HASHER.hash(secrets.token_urlsafe(16))


def password_ok(stored: str, password: str) -> bool:
    """Argon2 verification that answers False instead of raising."""
    if not password or len(password) > MAX_PASSWORD:
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def matched_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code was given (one step of clock drift either way), or None."""
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit()):
        return None
    for offset in (0, -1, 1):
        if secrets.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


SPENDING_EVENTS = ("login:succeeded", "code:accepted")
"""A code opens one sign-in or one one-off act (issuing a staff API token), never two."""


def last_used_step(session: Session, realm: Realm, account_id: int) -> int:
    """The newest time step spent on a sign-in or a one-off act: its code and older are spent."""
    spent = {realm.event(name) for name in SPENDING_EVENTS}
    steps = [
        json.loads(entry.canonical)["details"].get("totp_step")
        for entry in log.entries_for(session, realm.subject(account_id))
        if entry.event in spent
    ]
    return max((int(step) for step in steps if step is not None), default=-1)


def _locked_error(realm: Realm, until: dt.datetime) -> AccountLockedError:
    """The error a person sees while locked out."""
    return AccountLockedError(
        f"this account is locked after {MAX_FAILURES} failed sign-ins until "
        f"{until:%Y-%m-%d %H:%M} UTC; wait, or ask {realm.unlocker} to unlock it"
    )


def count_failure(
    session: Session,
    realm: Realm,
    row: AccountColumns,
    reason: str,
    now: dt.datetime,
    event: str = "login:failed",
) -> bool:
    """Count a failed sign-in or code, lock the account at the limit, log both; True if locked."""
    row.failed_logins += 1
    subject = realm.subject(row.id)
    details: dict[str, log.Scalar] = {"reason": reason, "failures": row.failed_logins}
    log.append(session, realm.event(event), realm.login_actor, subject, details)
    if row.failed_logins < MAX_FAILURES:
        return False
    row.locked_until = now + LOCKOUT
    until = {"until": row.locked_until.isoformat()}
    log.append(session, realm.event("login:locked"), realm.login_actor, subject, until)
    return True


def _failure(
    session: Session, realm: Realm, row: AccountColumns, reason: str, now: dt.datetime
) -> LoginRefusedError:
    """A failed sign-in, counted: the refusal, or the lockout once the limit is reached."""
    if count_failure(session, realm, row, reason, now) and row.locked_until is not None:
        return _locked_error(realm, row.locked_until)
    return LoginRefusedError(REFUSED)


def _refuse_early(
    session: Session, realm: Realm, row: AccountColumns | None, now: dt.datetime
) -> LoginRefusedError | None:
    """Refuse unknown, disabled and locked accounts before any code is looked at."""
    failed, actor = realm.event("login:failed"), realm.login_actor
    if row is None:
        password_ok(_decoy_hash(), "decoy")
        log.append(session, failed, actor, realm.subject_unknown, {"reason": "unknown_email"})
        return LoginRefusedError(REFUSED)
    until = as_utc(row.locked_until) if row.locked_until is not None else None
    reason = "locked" if until and until > now else "disabled" if row.disabled else None
    if reason is None:
        return None
    log.append(session, failed, actor, realm.subject(row.id), {"reason": reason})
    if reason == "locked" and until is not None:
        return _locked_error(realm, until)
    return LoginRefusedError(REFUSED)


def by_email(session: Session, model: type[Row], email: str) -> Row | None:
    """The account row for an email, locked so concurrent logins count failures correctly."""
    query = select(model).where(model.email == normalise_email(email))
    return session.scalars(query.with_for_update()).one_or_none()


def sign_in(
    session: Session,
    realm: Realm,
    model: type[Row],
    login: tuple[str, str, str],
    now: dt.datetime | None,
    details: Callable[[Row], dict[str, log.Scalar]],
) -> Row:
    """The row whose (email, password, TOTP code) `login` names; else LoginRefusedError.

    Failures are counted and logged, so the caller commits even when this raises.
    """
    email, password, code = login
    now = now or utcnow()
    row = by_email(session, model, email)
    refused = _refuse_early(session, realm, row, now)
    if refused is not None:
        raise refused
    assert row is not None
    if row.locked_until is not None:  # a lockout that has run out starts a fresh count
        row.failed_logins, row.locked_until = 0, None
    if not password_ok(row.password_hash, password):
        raise _failure(session, realm, row, "bad_password", now)
    step = matched_step(row.totp_secret, code, now)
    if step is None:
        raise _failure(session, realm, row, "bad_code", now)
    if step <= last_used_step(session, realm, row.id):
        raise _failure(session, realm, row, "code_reused", now)
    row.failed_logins = 0
    if HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = HASHER.hash(password)
    subject = realm.subject(row.id)
    logged = {**details(row), "totp_step": step}
    log.append(session, realm.event("login:succeeded"), subject, subject, logged)
    session.flush()
    return row


def digest(token: str) -> str:
    """What the store keeps of a cookie token: a stolen database opens no session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A random, URL-safe token of 256 bits."""
    return secrets.token_urlsafe(32)


def check_csrf(expected: str | None, given: str | None) -> None:
    """Refuse a form post whose CSRF token is missing or differs from the expected one."""
    if not expected or not given or not secrets.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefusedError(
            "this form was refused: its security token (csrf_token) is missing or out of date. "
            "Go back, reload the page and submit it again.",
            CSRF_FIELD,
        )


@dataclass(frozen=True)
class SignedIn(Generic[Account]):
    """A signed-in account and the CSRF token every form of its session must carry."""

    account: Account
    csrf_token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class SessionKind(Generic[Account]):
    """A realm's sessions: their table, the column naming the account, how long they last."""

    realm: Realm
    row: type[SessionColumns]
    owner: str
    lifetime: dt.timedelta
    load: Callable[[Session, int], Account | None]

    def start(
        self, session: Session, account: Account, now: dt.datetime | None = None
    ) -> tuple[str, SignedIn[Account]]:
        """Open a session for an authenticated account; returns the cookie token and session."""
        now = now or utcnow()
        owner = getattr(self.row, self.owner)
        session.execute(delete(self.row).where(owner == account.id, self.row.expires_at <= now))
        token, csrf = new_token(), new_token()
        expires = now + self.lifetime
        fields = {self.owner: account.id, "created_at": now, "expires_at": expires}
        row = self.row(token_sha256=digest(token), csrf_token=csrf, **fields)
        session.add(row)
        session.flush()
        return token, SignedIn(account, csrf, expires)

    def resume(
        self, session: Session, token: str | None, now: dt.datetime | None = None
    ) -> SignedIn[Account] | None:
        """The session a cookie token opens; None when absent, expired or its account disabled."""
        row = session.get(self.row, digest(token)) if token else None
        if row is None:
            return None
        account = self.load(session, getattr(row, self.owner))
        expires = as_utc(row.expires_at)
        if expires <= (now or utcnow()) or account is None or account.disabled:
            session.delete(row)
            session.flush()
            return None
        return SignedIn(account, row.csrf_token, expires)

    def end(self, session: Session, token: str | None) -> None:
        """Sign out: the token opens nothing any more."""
        row = session.get(self.row, digest(token)) if token else None
        if row is None:
            return
        session.delete(row)
        session.flush()
        who = self.realm.subject(getattr(row, self.owner))
        log.append(session, self.realm.event("session:ended"), who, who)
