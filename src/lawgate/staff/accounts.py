"""Staff accounts: a role each, signed in with argon2 and TOTP like officers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import credentials
from lawgate.auditlog import log
from lawgate.credentials import normalise_email
from lawgate.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from lawgate.staff.models import StaffRow
from lawgate.staff.roles import Role
from lawgate.store.base import utcnow

REALM = credentials.Realm(prefix="staff", kind="staff", unlocker="an admin")


@dataclass(frozen=True)
class StaffAccount(credentials.PublicAccount):
    """What the rest of lawgate may know of a staff member: never the hash or the TOTP secret."""

    role: Role
    demo: bool

    @property
    def actor(self) -> str:
        """The audit actor: an id, so no personal data goes into the public log."""
        return REALM.subject(self.id)


Enrolment = credentials.Enrolment[StaffAccount]
"""A new staff account and its TOTP secret, shown once to be put in an authenticator app."""


def account_of(row: StaffRow) -> StaffAccount:
    """The public form of a staff row."""
    return credentials.public_account(StaffAccount, row, role=Role(row.role), demo=row.demo)


def parse_role(value: str) -> Role:
    """A role by its name, or an error listing the roles there are."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInputError(f"{value!r} is not a role; the roles are {known}", "role") from None


def create_staff(
    session: Session,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    actor: str,
    demo: bool = False,
) -> Enrolment:
    """Add a staff member; any valid email will do (staff are not bound to a domain)."""
    email, name, role = normalise_email(email), name.strip(), parse_role(role)
    credentials.check_email(email)
    credentials.check_name(name)
    credentials.check_password(password)
    if session.scalar(select(StaffRow.id).where(StaffRow.email == email)) is not None:
        raise ConflictError(f"a staff member with email {email!r} already exists", "email")
    secret, uri = credentials.new_totp(email)
    row = StaffRow(
        email=email,
        name=name,
        role=role.value,
        password_hash=credentials.hash_password(password),
        totp_secret=secret,
        failed_logins=0,
        disabled=False,
        demo=demo,
    )
    session.add(row)
    session.flush()
    details: dict[str, log.Scalar] = {"role": role.value, "demo": demo}
    log.append(session, "staff:account:created", actor, REALM.subject(row.id), details)
    return Enrolment(account_of(row), secret, uri)


def get_staff(session: Session, staff_id: int) -> StaffAccount | None:
    """A staff member by id, or None."""
    row = session.get(StaffRow, staff_id)
    return account_of(row) if row else None


def find_staff(session: Session, email: str) -> StaffAccount | None:
    """A staff member by email (any case), or None."""
    row = session.scalars(select(StaffRow).where(StaffRow.email == normalise_email(email)))
    found = row.one_or_none()
    return account_of(found) if found else None


def has_demo_accounts(session: Session) -> bool:
    """True on a demo store, whose sign-in page explains how to try it."""
    query = select(StaffRow.id).where(StaffRow.demo.is_(True), StaffRow.disabled.is_(False))
    return session.scalars(query.limit(1)).first() is not None


def list_staff(session: Session) -> list[StaffAccount]:
    """Every staff account, by email."""
    return [account_of(row) for row in session.scalars(select(StaffRow).order_by(StaffRow.email))]


def actor_names(session: Session) -> dict[str, str]:
    """Audit actor → display name, so trails can name people the public log keeps anonymous."""
    rows = session.execute(select(StaffRow.id, StaffRow.name))
    return {REALM.subject(staff_id): name for staff_id, name in rows}


def existing(session: Session, email: str) -> StaffRow:
    """The staff row for an email, or NotFoundError naming it."""
    row = credentials.by_email(session, StaffRow, email)
    if row is None:
        raise NotFoundError(f"no staff member with email {normalise_email(email)!r}", "email")
    return row


def unlock(session: Session, email: str, actor: str) -> StaffAccount:
    """End a lockout and forget past failures."""
    row = existing(session, email)
    row.failed_logins, row.locked_until = 0, None
    session.flush()
    log.append(session, "staff:account:unlocked", actor, REALM.subject(row.id))
    return account_of(row)


def disable(session: Session, email: str, actor: str) -> StaffAccount:
    """Stop an account signing in; its open sessions stop working at their next request."""
    row = existing(session, email)
    row.disabled = True
    session.flush()
    log.append(session, "staff:account:disabled", actor, REALM.subject(row.id))
    return account_of(row)


def set_role(session: Session, email: str, role: Role | str, actor: str) -> StaffAccount:
    """Give a staff member another role; the change is logged with the old and new role."""
    row, new = existing(session, email), parse_role(role)
    details: dict[str, log.Scalar] = {"from": row.role, "to": new.value}
    row.role = new.value
    session.flush()
    log.append(session, "staff:account:role_changed", actor, REALM.subject(row.id), details)
    return account_of(row)


def demo_code(session: Session, email: str, now: dt.datetime | None = None) -> str:
    """The current TOTP code of a demo account, so the demo works without an authenticator."""
    row = existing(session, email)
    if not row.demo:
        raise ForbiddenError(
            f"{row.email} is not a demo account: its codes come only from its authenticator app",
            "email",
        )
    return pyotp.TOTP(row.totp_secret).at(now or utcnow())


def authenticate(
    session: Session, email: str, password: str, code: str, now: dt.datetime | None = None
) -> StaffAccount:
    """Check password and current TOTP code; the caller commits so failures count and are logged."""
    row = credentials.sign_in(
        session, REALM, StaffRow, (email, password, code), now, lambda r: {"role": r.role}
    )
    return account_of(row)
