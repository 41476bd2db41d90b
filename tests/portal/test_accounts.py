"""Officer accounts on a real store: domain rule, password and TOTP, lockout, unlock, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow
from lawgate.errors import ConflictError, InvalidInputError, NotFoundError
from lawgate.portal import accounts
from lawgate.portal.accounts import AccountLockedError, LoginRefusedError
from lawgate.portal.models import OfficerRow
from tests.portal.conftest import AGENCY, PASSWORD, Officer, make_officer, register_agency

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def events(session: Session, officer_id: int) -> list[dict[str, object]]:
    """The officer's audit entries as logged (canonical JSON parsed)."""
    query = select(AuditEntryRow.canonical).where(AuditEntryRow.subject == f"officer:{officer_id}")
    return [json.loads(text) for text in session.scalars(query.order_by(AuditEntryRow.index))]


def attempt(session: Session, who: Officer, password: str, code: str, now: dt.datetime) -> None:
    """One login attempt, committed whatever its outcome (as the portal does)."""
    try:
        accounts.authenticate(session, who.email, password, code, now)
    finally:
        session.commit()


@pytest.mark.parametrize("email", ["dreyes@fbi.gov", "DReyes@FBI.GOV", "a.b@ny.fbi.gov"])
def test_an_email_on_a_verified_domain_or_subdomain_is_accepted(
    session: Session, email: str
) -> None:
    register_agency(session, AGENCY)
    made = accounts.create_officer(session, AGENCY["id"], email, "Dana Reyes", PASSWORD, "test")
    assert made.officer.email == email.lower()
    assert made.provisioning_uri.startswith("otpauth://totp/lawgate:")
    assert f"secret={made.totp_secret}" in made.provisioning_uri


@pytest.mark.parametrize("email", ["dreyes@gmail.com", "dreyes@evilfbi.gov", "x@fbi.gov.evil.io"])
def test_an_email_outside_the_agency_domains_is_refused_by_name(
    session: Session, email: str
) -> None:
    register_agency(session, AGENCY)
    with pytest.raises(InvalidInputError) as caught:
        accounts.create_officer(session, AGENCY["id"], email, "Dana Reyes", PASSWORD, "test")
    assert caught.value.field == "email"
    assert "not on a verified domain of agency 'us-doj-fbi-nyfo' (fbi.gov)" in caught.value.message


def test_accounts_need_a_registered_agency_with_domains_a_long_password_and_a_new_email(
    session: Session,
) -> None:
    with pytest.raises(NotFoundError, match="no agency with id 'us-nobody'"):
        accounts.create_officer(session, "us-nobody", "a@fbi.gov", "A", PASSWORD, "test")
    register_agency(session, {**AGENCY, "id": "us-no-domains", "domains": []})
    with pytest.raises(InvalidInputError, match="has no verified domains"):
        accounts.create_officer(session, "us-no-domains", "a@fbi.gov", "A", PASSWORD, "test")
    register_agency(session, AGENCY)
    with pytest.raises(InvalidInputError, match="12 to 1024 characters") as short:
        accounts.create_officer(session, AGENCY["id"], "a@fbi.gov", "A", "short", "test")
    assert short.value.field == "password"
    make_officer(session, AGENCY["id"], "a@fbi.gov")
    with pytest.raises(ConflictError, match="already exists"):
        accounts.create_officer(session, AGENCY["id"], "A@fbi.gov", "A", PASSWORD, "test")


def test_the_password_is_stored_as_argon2_and_the_login_needs_the_current_code(
    session: Session, officer: Officer
) -> None:
    row = session.get(OfficerRow, officer.id)
    assert row is not None and row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    with pytest.raises(LoginRefusedError, match="email, password or code is wrong"):
        attempt(session, officer, PASSWORD, "", NOW)
    with pytest.raises(LoginRefusedError):
        attempt(session, officer, PASSWORD, officer.code(offset=2, at=NOW), NOW)
    with pytest.raises(LoginRefusedError):
        attempt(session, officer, "wrong password!!", officer.code(at=NOW), NOW)
    with pytest.raises(LoginRefusedError):
        attempt(session, officer, PASSWORD, "12345a", NOW)
    signed_in = accounts.authenticate(session, officer.email, PASSWORD, officer.code(at=NOW), NOW)
    session.commit()
    assert signed_in.id == officer.id and signed_in.failed_logins == 0


def test_a_code_from_the_next_step_is_accepted_but_a_used_code_is_not(
    session: Session, officer: Officer
) -> None:
    attempt(session, officer, PASSWORD, officer.code(at=NOW), NOW)
    with pytest.raises(LoginRefusedError):
        attempt(session, officer, PASSWORD, officer.code(at=NOW), NOW + dt.timedelta(seconds=5))
    later = NOW + dt.timedelta(seconds=10)
    attempt(session, officer, PASSWORD, officer.code(offset=1, at=NOW), later)
    reasons = [e["details"].get("reason") for e in events(session, officer.id)]  # type: ignore[union-attr]
    assert "code_reused" in reasons


def test_an_unknown_email_is_refused_like_a_wrong_password(
    session: Session, officer: Officer
) -> None:
    with pytest.raises(LoginRefusedError, match="email, password or code is wrong"):
        accounts.authenticate(session, "someone@fbi.gov", PASSWORD, officer.code(at=NOW), NOW)


def test_five_failures_lock_the_account_for_fifteen_minutes(
    session: Session, officer: Officer
) -> None:
    for _ in range(4):
        with pytest.raises(LoginRefusedError) as caught:
            attempt(session, officer, PASSWORD, "000000", NOW)
        assert not isinstance(caught.value, AccountLockedError)
    with pytest.raises(AccountLockedError, match="locked after 5 failed sign-ins until"):
        attempt(session, officer, PASSWORD, "000000", NOW)
    row = session.get(OfficerRow, officer.id)
    assert row is not None and row.failed_logins == 5
    almost = NOW + dt.timedelta(minutes=14, seconds=59)
    with pytest.raises(AccountLockedError):
        attempt(session, officer, PASSWORD, officer.code(at=almost), almost)
    after = NOW + dt.timedelta(minutes=15, seconds=1)
    back = accounts.authenticate(session, officer.email, PASSWORD, officer.code(at=after), after)
    session.commit()
    assert back.failed_logins == 0 and back.locked_until is None


def test_unlock_ends_a_lockout_at_once(session: Session, officer: Officer) -> None:
    for _ in range(5):
        with pytest.raises(LoginRefusedError):
            attempt(session, officer, "not the password", officer.code(at=NOW), NOW)
    locked = accounts.list_officers(session, AGENCY["id"])[0]
    assert locked.locked(NOW) and locked.failed_logins == 5
    assert not accounts.unlock(session, "DREYES@fbi.gov", "cli:ops").locked(NOW)
    session.commit()
    accounts.authenticate(session, officer.email, PASSWORD, officer.code(at=NOW), NOW)
    with pytest.raises(NotFoundError, match=r"no officer with email 'x@fbi\.gov'"):
        accounts.unlock(session, "x@fbi.gov", "cli:ops")


def test_every_attempt_is_logged_without_password_or_code(
    session: Session, officer: Officer
) -> None:
    wrong = officer.code(offset=3, at=NOW)
    for _ in range(5):
        with pytest.raises(LoginRefusedError):
            attempt(session, officer, PASSWORD, wrong, NOW)
    accounts.unlock(session, officer.email, "cli:ops")
    right = officer.code(at=NOW)
    accounts.authenticate(session, officer.email, PASSWORD, right, NOW)
    session.commit()
    logged = events(session, officer.id)
    tags = [e["event"] for e in logged]
    assert tags[0] == "portal:officer:created"
    assert tags.count("portal:login:failed") == 5
    assert tags.count("portal:login:locked") == 1
    assert tags[-2:] == ["portal:officer:unlocked", "portal:login:succeeded"]
    allowed = {"reason", "failures", "until", "agency_id", "totp_step"}
    details = [e["details"] for e in logged]
    assert all(isinstance(d, dict) and set(d) <= allowed for d in details)
    values = {str(v) for d in details if isinstance(d, dict) for v in d.values()}
    assert not values & {PASSWORD, wrong, right, officer.secret}
    assert PASSWORD not in json.dumps(logged) and officer.secret not in json.dumps(logged)
