"""Staff API tokens: what a script on the lawgate host proves itself with, one per account.

The token is shown once and stored only as its SHA-256, like console sessions; a new token
replaces the old one, and a disabled account's token opens nothing. A person gets a token only
with their own second factor: they issue it themselves on the console (password and code), or an
admin issues it with the admin's code and it opens nothing until its owner confirms it with
theirs. Each token keeps who issued it and where (its origin), so that the two-person rule can
tell two credentials one person could hold (review.Reviewer.credential).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import credentials
from lawgate.auditlog import log
from lawgate.credentials import normalise_email
from lawgate.errors import ConflictError, ForbiddenError, InvalidInputError, UnauthenticatedError
from lawgate.staff import accounts, factor
from lawgate.staff.accounts import REALM, StaffAccount, existing
from lawgate.staff.models import StaffRow
from lawgate.staff.roles import Role, may_administer
from lawgate.store.base import as_utc, utcnow

PREFIX = "lgs_"
MIN_LENGTH = 32
CONFIRM_HOW = (
    "its owner confirms it with their own authenticator code on the console's token page "
    "(/console/token) or with `lawgate staff token EMAIL --confirm`"
)


@dataclass(frozen=True)
class TokenHolder(StaffAccount):
    """A staff account as its API token proves it, with the token's origins (the credential)."""

    credential: str = ""


@dataclass(frozen=True)
class TokenStatus:
    """What an account's token page shows: none, pending or active, and who issued it when."""

    state: str
    issued_by: str | None = None
    issued_at: dt.datetime | None = None


@dataclass(frozen=True)
class Issuance:
    """Who issues a token, where (its origin), and who ran the command or owns the session."""

    issuer: str
    origin: str
    run_by: str


def new_origin(kind: str) -> str:
    """A fresh origin id: one CLI invocation ('cli') or one service call ('call')."""
    return f"{kind}:{secrets.token_hex(8)}"


def _new_token(token: str | None = None) -> str:
    """A random token, or a given one long enough to be one."""
    token = token or PREFIX + secrets.token_urlsafe(32)
    if len(token) < MIN_LENGTH:
        raise InvalidInputError(f"an API token has at least {MIN_LENGTH} characters", "token")
    return token


def _store(session: Session, row: StaffRow, how: Issuance, pending: bool, token: str) -> str:
    """Give the row its new token (replacing any earlier one) and log issuer and owner."""
    row.api_token_sha256 = credentials.digest(token)
    row.api_token_pending, row.api_token_issued_at = pending, utcnow()
    row.api_token_issued_by, row.api_token_origin = how.issuer, how.origin
    session.flush()
    owner = REALM.subject(row.id)
    details: dict[str, log.Scalar] = {
        "issuer": how.issuer,
        "owner": owner,
        "origin": how.origin,
        "run_by": how.run_by,
        "pending": pending,
    }
    log.append(session, "staff:token:issued", how.issuer, owner, details)
    return token


def issue(session: Session, email: str, actor: str, token: str | None = None) -> str:
    """Give an account an active token on trusted code's word (tests, seeding); no face calls it."""
    how = Issuance(actor, new_origin("call"), actor)
    return _store(session, existing(session, email), how, False, _new_token(token))


def issue_own(
    session: Session, login: tuple[str, str, str], origin: str, now: dt.datetime | None = None
) -> str:
    """Give a person a token after their password and current code (email, password, code).

    A wrong password or code raises LoginRefusedError after counting it: the caller commits.
    """
    account = accounts.authenticate(session, *login, now=now)
    how = Issuance(account.actor, origin, account.actor)
    return _store(session, existing(session, account.email), how, False, _new_token())


def _admin(session: Session, email: str) -> StaffRow:
    """The issuing admin's row, or ForbiddenError naming their role."""
    row = existing(session, email)
    if not may_administer(Role(row.role)):
        raise ForbiddenError(
            f"{row.email} is a {row.role.replace('_', ' ')}: only an admin issues tokens for "
            "others; everyone else issues their own on the console (/console/token)",
            "by",
        )
    return row


def issue_pending(
    session: Session, emails: list[str], by: str, code: str, origin: str, run_by: str
) -> dict[str, str]:
    """An admin issues tokens (their code checked once) that wait for their owners' confirmation.

    Returns each owner's email and token, shown once.
    """
    admin = _admin(session, by)
    factor.check_code(session, admin, code, "token:issue")
    how = Issuance(REALM.subject(admin.id), origin, run_by)
    owners = [existing(session, email) for email in dict.fromkeys(map(normalise_email, emails))]
    return {row.email: _store(session, row, how, True, _new_token()) for row in owners}


def confirm(session: Session, email: str, code: str, now: dt.datetime | None = None) -> None:
    """The owner makes a pending token usable with their own current code."""
    row = existing(session, email)
    if row.api_token_sha256 is None or not row.api_token_pending:
        raise ConflictError(f"{row.email} has no API token waiting for confirmation", "email")
    factor.check_code(session, row, code, "token:confirm", now)
    row.api_token_pending = False
    session.flush()
    owner = REALM.subject(row.id)
    details: dict[str, log.Scalar] = {
        "issuer": row.api_token_issued_by or "",
        "owner": owner,
        "origin": row.api_token_origin or "",
    }
    log.append(session, "staff:token:confirmed", owner, owner, details)


def revoke(session: Session, email: str, actor: str) -> None:
    """Take an account's API token (active or pending) away at once."""
    row = existing(session, email)
    row.api_token_sha256, row.api_token_pending = None, False
    row.api_token_issued_by = row.api_token_origin = None
    row.api_token_issued_at = None
    session.flush()
    log.append(session, "staff:token:revoked", actor, REALM.subject(row.id))


def _is_person(actor: str | None) -> bool:
    """True for a staff account's audit actor: someone who could review with what they saw."""
    return actor is not None and actor.startswith(f"{REALM.kind}:")


def credential_of(row: StaffRow) -> str:
    """A token's origins: where it was issued, and the staff member who issued it (who saw it)."""
    tags = [row.api_token_origin or ""]
    if _is_person(row.api_token_issued_by):
        tags.append(row.api_token_issued_by or "")
    return " ".join(tag for tag in tags if tag)


def holder(session: Session, token: str) -> TokenHolder:
    """The active account a token opens, or UnauthenticatedError saying why it opens nothing."""
    query = select(StaffRow).where(StaffRow.api_token_sha256 == credentials.digest(token))
    row = session.scalars(query).one_or_none() if token else None
    if row is None or row.disabled:
        raise UnauthenticatedError("this staff API token is unknown, replaced or disabled")
    if row.api_token_pending:
        raise UnauthenticatedError(
            f"this staff API token awaits its owner's confirmation: {CONFIRM_HOW}"
        )
    return _holder_of(row)


def _holder_of(row: StaffRow) -> TokenHolder:
    """The public form of a token's account, with the token's credential."""
    return credentials.public_account(
        TokenHolder, row, role=Role(row.role), demo=row.demo, credential=credential_of(row)
    )


def status(session: Session, account: StaffAccount) -> TokenStatus:
    """Whether the account holds a token, pending or active, and who issued it when."""
    row = existing(session, account.email)
    if row.api_token_sha256 is None:
        return TokenStatus("none")
    issued_at = as_utc(row.api_token_issued_at) if row.api_token_issued_at else None
    state = "pending" if row.api_token_pending else "active"
    return TokenStatus(state, row.api_token_issued_by, issued_at)
