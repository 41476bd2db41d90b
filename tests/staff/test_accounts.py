"""Staff accounts on a real store: password and TOTP, replay, lockout, unlock, disable, roles."""

from __future__ import annotations

import datetime as dt
import json

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow
from lawgate.credentials import AccountLockedError, LoginRefusedError
from lawgate.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from lawgate.staff import accounts
from lawgate.staff.models import StaffRow
from lawgate.staff.roles import Role, may_administer, may_decide_escalated, may_review
from tests.conftest import StaffFactory

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def code(secret: str, at: dt.datetime = NOW, offset: int = 0) -> str:
    """The authenticator's code at a moment, `offset` steps away."""
    return pyotp.TOTP(secret).at(at, counter_offset=offset)


def events(session: Session, staff_id: int) -> list[dict[str, object]]:
    """The account's audit entries as logged."""
    query = select(AuditEntryRow.canonical).where(AuditEntryRow.subject == f"staff:{staff_id}")
    return [json.loads(text) for text in session.scalars(query.order_by(AuditEntryRow.index))]


def attempt(session: Session, email: str, password: str, given: str, now: dt.datetime) -> None:
    """One login attempt, committed whatever its outcome (as the console does)."""
    try:
        accounts.authenticate(session, email, password, given, now)
    finally:
        session.commit()


def test_any_valid_email_makes_an_account_with_a_role_and_an_argon2_hash(session: Session) -> None:
    made = accounts.create_staff(
        session, " Ada@Example.ORG ", "Ada Reviewer", "reviewer", "a long passphrase", "cli:ops"
    )
    session.commit()
    assert made.account.email == "ada@example.org"
    assert made.account.role is Role.REVIEWER and not made.account.demo
    assert made.account.actor == f"staff:{made.account.id}"
    assert made.provisioning_uri.startswith("otpauth://totp/lawgate:ada%40example.org?secret=")
    row = session.get(StaffRow, made.account.id)
    assert row is not None and row.password_hash.startswith("$argon2id$")
    logged = events(session, made.account.id)
    assert [e["event"] for e in logged] == ["staff:account:created"]
    assert "ada" not in json.dumps(logged).lower(), "no personal data in the public log"


@pytest.mark.parametrize(
    ("email", "name", "role", "password", "error"),
    [
        ("not-an-email", "A", "reviewer", "a long passphrase", InvalidInputError),
        ("a@example.org", "", "reviewer", "a long passphrase", InvalidInputError),
        ("a@example.org", "A", "judge", "a long passphrase", InvalidInputError),
        ("a@example.org", "A", "reviewer", "short", InvalidInputError),
        ("taken@example.org", "A", "admin", "a long passphrase", ConflictError),
    ],
)
def test_bad_accounts_are_refused_naming_the_problem(
    session: Session,
    staff_member: StaffFactory,
    email: str,
    name: str,
    role: str,
    password: str,
    error: type[Exception],
) -> None:
    staff_member(email="TAKEN@example.org")
    with pytest.raises(error):
        accounts.create_staff(session, email, name, role, password, "test")


def test_the_right_password_and_code_sign_in_once_per_code(
    session: Session, staff_member: StaffFactory
) -> None:
    account, password, secret = staff_member("senior_counsel")
    signed = accounts.authenticate(session, account.email, password, code(secret), NOW)
    session.commit()
    assert signed.role is Role.SENIOR_COUNSEL
    with pytest.raises(LoginRefusedError, match="the email, password or code is wrong"):
        attempt(session, account.email, password, code(secret), NOW)
    later = NOW + dt.timedelta(seconds=30)
    assert accounts.authenticate(session, account.email, password, code(secret, later), later)
    session.commit()
    assert {"reason": "code_reused", "failures": 1} in [
        e["details"] for e in events(session, account.id)
    ]


@pytest.mark.parametrize("wrong", ["password", "code", "email"])
def test_a_wrong_password_code_or_email_gets_one_message(
    session: Session, staff_member: StaffFactory, wrong: str
) -> None:
    account, password, secret = staff_member()
    email = "nobody@example.org" if wrong == "email" else account.email
    given_password = "not the password" if wrong == "password" else password
    given_code = code(secret, offset=5) if wrong == "code" else code(secret)
    with pytest.raises(LoginRefusedError, match=r"^the email, password or code is wrong$"):
        attempt(session, email, given_password, given_code, NOW)


def test_five_failures_lock_and_unlock_ends_the_lockout(
    session: Session, staff_member: StaffFactory
) -> None:
    account, password, secret = staff_member()
    for _ in range(4):
        with pytest.raises(LoginRefusedError):
            attempt(session, account.email, "wrong password!", code(secret), NOW)
    with pytest.raises(AccountLockedError, match="ask an admin to unlock it"):
        attempt(session, account.email, "wrong password!", code(secret), NOW)
    with pytest.raises(AccountLockedError):
        attempt(session, account.email, password, code(secret), NOW)
    assert accounts.list_staff(session)[0].locked(NOW)
    assert not accounts.unlock(session, account.email.upper(), "cli:ops").locked(NOW)
    session.commit()
    assert accounts.authenticate(session, account.email, password, code(secret), NOW)
    logged = [e["event"] for e in events(session, account.id)]
    assert "staff:login:locked" in logged and "staff:account:unlocked" in logged
    assert logged[-1] == "staff:login:succeeded"
    with pytest.raises(NotFoundError):
        accounts.unlock(session, "ghost@example.org", "cli:ops")


def test_a_disabled_account_cannot_sign_in(session: Session, staff_member: StaffFactory) -> None:
    account, password, secret = staff_member()
    assert accounts.disable(session, account.email, "staff:1").disabled
    session.commit()
    with pytest.raises(LoginRefusedError):
        attempt(session, account.email, password, code(secret), NOW)
    assert events(session, account.id)[-1]["details"] == {"reason": "disabled"}


def test_roles_say_who_may_do_what_and_changes_are_logged(
    session: Session, staff_member: StaffFactory
) -> None:
    assert [r for r in Role if may_review(r)] == [Role.REVIEWER, Role.SENIOR_COUNSEL]
    assert [r for r in Role if may_decide_escalated(r)] == [Role.SENIOR_COUNSEL]
    assert [r for r in Role if may_administer(r)] == [Role.ADMIN]
    account, _, _ = staff_member()
    assert accounts.set_role(session, account.email, "admin", "staff:9").role is Role.ADMIN
    session.commit()
    changed = events(session, account.id)[-1]
    assert changed["event"] == "staff:account:role_changed"
    assert changed["details"] == {"from": "reviewer", "to": "admin"}
    with pytest.raises(InvalidInputError, match="the roles are reviewer, senior_counsel, admin"):
        accounts.set_role(session, account.email, "boss", "staff:9")


def test_actor_names_map_audit_actors_to_display_names(
    session: Session, staff_member: StaffFactory
) -> None:
    first, _, _ = staff_member()
    second, _, _ = staff_member("admin")
    names = accounts.actor_names(session)
    assert names == {first.actor: first.name, second.actor: second.name}
    assert accounts.find_staff(session, first.email.upper()) == first
    assert accounts.get_staff(session, second.id) == second


def test_demo_codes_are_given_only_for_demo_accounts(
    session: Session, staff_member: StaffFactory
) -> None:
    real, _, _ = staff_member()
    with pytest.raises(ForbiddenError, match="not a demo account"):
        accounts.demo_code(session, real.email)
    made = accounts.create_staff(
        session, "demo@lawgate.example", "Demo", Role.REVIEWER, "a long passphrase", "t", demo=True
    )
    assert accounts.demo_code(session, "demo@lawgate.example", NOW) == code(made.totp_secret)
