"""Officer accounts: made under an agency's verified domains, signed in with argon2 and TOTP."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import credentials
from lawgate.auditlog import log
from lawgate.credentials import AccountLockedError as AccountLockedError
from lawgate.credentials import LoginRefusedError as LoginRefusedError
from lawgate.credentials import normalise_email as normalise_email
from lawgate.errors import ConflictError, InvalidInputError, NotFoundError
from lawgate.intake import services as intake
from lawgate.intake import webmail
from lawgate.portal.models import OfficerRow

MAX_FAILURES = credentials.MAX_FAILURES
REALM = credentials.Realm(prefix="portal", kind="officer", unlocker="the platform")


@dataclass(frozen=True)
class OfficerAccount(credentials.PublicAccount):
    """What the rest of lawgate may know of an officer: never the hash or the TOTP secret."""

    agency_id: str


class Enrolment(credentials.Enrolment[OfficerAccount]):
    """A new officer account and its TOTP secret, shown once."""

    @property
    def officer(self) -> OfficerAccount:
        """The new account, by the name the portal uses."""
        return self.account


def _account(row: OfficerRow) -> OfficerAccount:
    """The public form of an officer row."""
    return credentials.public_account(OfficerAccount, row, agency_id=row.agency_id)


def subject(officer_id: int) -> str:
    """The audit-log subject of an officer."""
    return REALM.subject(officer_id)


def domain_allowed(email: str, domains: list[str]) -> bool:
    """True when the email's domain is one of the domains, or a subdomain of one."""
    email = normalise_email(email)
    return credentials.EMAIL.fullmatch(email) is not None and webmail.on_domains(email, domains)


def _check_new_account(session: Session, agency_id: str, email: str, name: str) -> None:
    """Refuse an account outside the agency's verified domains, nameless, or already taken."""
    agency = intake.get_agency(session, agency_id)
    credentials.check_email(email)
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
    credentials.check_name(name)
    if session.scalar(select(OfficerRow.id).where(OfficerRow.email == email)) is not None:
        raise ConflictError(f"an officer with email {email!r} already exists", "email")


def create_officer(
    session: Session, agency_id: str, email: str, name: str, password: str, actor: str
) -> Enrolment:
    """Add an officer under a registered agency whose verified domains include the email's."""
    email, name = normalise_email(email), name.strip()
    _check_new_account(session, agency_id, email, name)
    credentials.check_password(password)
    secret, uri = credentials.new_totp(email)
    row = OfficerRow(
        agency_id=agency_id,
        email=email,
        name=name,
        password_hash=credentials.hash_password(password),
        totp_secret=secret,
        failed_logins=0,
        disabled=False,
    )
    session.add(row)
    session.flush()
    log.append(session, "portal:officer:created", actor, subject(row.id), {"agency_id": agency_id})
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


def unlock(session: Session, email: str, actor: str) -> OfficerAccount:
    """End a lockout and forget past failures."""
    row = credentials.by_email(session, OfficerRow, email)
    if row is None:
        raise NotFoundError(f"no officer with email {normalise_email(email)!r}", "email")
    row.failed_logins, row.locked_until = 0, None
    session.flush()
    log.append(session, "portal:officer:unlocked", actor, subject(row.id))
    return _account(row)


def authenticate(
    session: Session, email: str, password: str, code: str, now: dt.datetime | None = None
) -> OfficerAccount:
    """Check password and current TOTP code; the caller commits so failures count and are logged."""
    login = (email, password, code)
    return _account(credentials.sign_in(session, REALM, OfficerRow, login, now, _logged))


def _logged(row: OfficerRow) -> dict[str, log.Scalar]:
    """What a successful login logs besides the TOTP step: the officer's agency."""
    return {"agency_id": row.agency_id}
