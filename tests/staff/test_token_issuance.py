"""Who may mint a staff API token: never the host's shell alone, always the owner's own code."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.api.status import http_status
from lawgate.auditlog.models import AuditEntryRow
from lawgate.config import Settings
from lawgate.errors import UnauthenticatedError
from lawgate.staff import factor, tokens
from lawgate.staff.models import StaffRow
from tests.conftest import StaffFactory
from tests.factories import CSRF_FIELD, bearer
from tests.staff.minting import code, printed_tokens, staff_token, wrong

QUEUE = "/api/v1/staff/requests"


def logged(session: Session, event: str) -> list[dict[str, Any]]:
    """The audit entries of one event, oldest first."""
    query = select(AuditEntryRow.canonical).where(AuditEntryRow.event == event)
    return [json.loads(text) for text in session.scalars(query.order_by(AuditEntryRow.index))]


def failures(session: Session, email: str) -> int:
    """The account's count of failed sign-ins and codes, as committed."""
    session.expire_all()
    return session.scalars(select(StaffRow.failed_logins).where(StaffRow.email == email)).one()


def test_a_bare_token_command_mints_nothing_and_explains_both_ways(
    settings: Settings, session: Session, staff_member: StaffFactory
) -> None:
    account, _, _ = staff_member("reviewer")
    refused = staff_token(settings, account.email)
    assert refused.exit_code == 2
    said = " ".join(refused.stderr.split())
    assert "/console/token" in said and "--by ADMIN_EMAIL" in said and "--confirm" in said
    session.expire_all()
    assert session.scalars(select(StaffRow.api_token_sha256)).all() == [None]
    assert logged(session, "staff:token:issued") == []


def test_an_admin_minted_token_opens_nothing_until_its_owner_confirms_with_their_code(
    settings: Settings, session: Session, client: TestClient, staff_member: StaffFactory
) -> None:
    owner, _, secret = staff_member("reviewer")
    admin, _, admin_secret = staff_member("admin")
    issued = staff_token(settings, owner.email, "--by", admin.email, "--code", code(admin_secret))
    assert issued.exit_code == 0, issued.output
    [token] = printed_tokens(issued)
    pending = client.get(QUEUE, headers=bearer(token))
    assert pending.status_code == 401
    assert "awaits its owner's confirmation" in pending.json()["errors"][0]["message"]
    expired = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3))
    attempts = {
        "wrong": wrong(secret),
        "expired": expired,
        "the admin's": code(admin_secret, 1),
    }
    for what, given in attempts.items():
        refused = staff_token(settings, owner.email, "--confirm", "--code", given)
        assert refused.exit_code == 2, what
        assert "wrong, expired or already used" in refused.stderr, what
    assert failures(session, owner.email) == 3, "each wrong code is counted, like a sign-in"
    assert client.get(QUEUE, headers=bearer(token)).status_code == 401
    right = code(secret)
    confirmed = staff_token(settings, owner.email, "--confirm", "--code", right)
    assert confirmed.exit_code == 0, confirmed.output
    assert client.get(QUEUE, headers=bearer(token)).status_code == 200
    assert failures(session, owner.email) == 0
    again = staff_token(settings, owner.email, "--confirm", "--code", right)
    assert again.exit_code == 2 and "no API token waiting for confirmation" in again.stderr


def test_audit_entries_name_the_issuer_the_owner_and_the_run(
    settings: Settings, session: Session, staff_member: StaffFactory
) -> None:
    owner, _, secret = staff_member("reviewer")
    other, _, _ = staff_member("reviewer")
    admin, _, admin_secret = staff_member("admin")
    emails = (owner.email, other.email)
    issued = staff_token(settings, *emails, "--by", admin.email, "--code", code(admin_secret))
    assert issued.exit_code == 0, issued.output
    assert len(printed_tokens(issued)) == 2
    assert staff_token(settings, owner.email, "--confirm", "--code", code(secret)).exit_code == 0
    entries = logged(session, "staff:token:issued")
    assert [(e["actor"], e["subject"]) for e in entries] == [
        (admin.actor, owner.actor),
        (admin.actor, other.actor),
    ]
    details = [e["details"] for e in entries]
    assert {(d["issuer"], d["owner"]) for d in details} == {
        (admin.actor, owner.actor),
        (admin.actor, other.actor),
    }
    assert all(d["pending"] is True and d["run_by"] == f"cli:{getpass.getuser()}" for d in details)
    assert details[0]["origin"] == details[1]["origin"] and details[0]["origin"].startswith("cli:")
    [confirmation] = logged(session, "staff:token:confirmed")
    assert (confirmation["actor"], confirmation["subject"]) == (owner.actor, owner.actor)
    assert confirmation["details"]["issuer"] == admin.actor
    assert confirmation["details"]["origin"] == details[0]["origin"]
    accepted = [e["details"]["purpose"] for e in logged(session, factor.ACCEPTED)]
    assert accepted == ["token:issue", "token:confirm"]


def test_only_an_admin_with_a_fresh_code_of_their_own_issues_for_others(
    settings: Settings, session: Session, staff_member: StaffFactory
) -> None:
    owner, _, owner_secret = staff_member("reviewer")
    colleague, _, colleague_secret = staff_member("senior_counsel")
    admin, _, admin_secret = staff_member("admin")
    by_counsel = staff_token(
        settings, owner.email, "--by", colleague.email, "--code", code(colleague_secret)
    )
    assert (
        by_counsel.exit_code == 2 and "only an admin issues tokens for others" in by_counsel.stderr
    )
    with_owner_code = staff_token(
        settings, owner.email, "--by", admin.email, "--code", code(owner_secret)
    )
    assert with_owner_code.exit_code == 2 and "wrong, expired" in with_owner_code.stderr
    prompted = staff_token(
        settings, owner.email, "--by", admin.email, stdin=wrong(admin_secret) + "\n"
    )
    assert prompted.exit_code == 2 and f"Current code of {admin.email}" in prompted.output
    assert failures(session, admin.email) == 2
    spent = code(admin_secret)
    assert (
        staff_token(settings, owner.email, "--by", admin.email, stdin=spent + "\n").exit_code == 0
    )
    replayed = staff_token(settings, owner.email, "--by", admin.email, "--code", spent)
    assert replayed.exit_code == 2 and "already used" in replayed.stderr
    both = staff_token(settings, owner.email, "--by", admin.email, "--revoke")
    assert both.exit_code == 2 and "choose one of --by, --confirm and --revoke" in both.stderr


def test_revoking_needs_no_code_and_shuts_the_token(
    settings: Settings, session: Session, client: TestClient, staff_member: StaffFactory
) -> None:
    owner, _, _ = staff_member("reviewer")
    token = tokens.issue(session, owner.email, "test")
    session.commit()
    assert client.get(QUEUE, headers=bearer(token)).status_code == 200
    revoked = staff_token(settings, owner.email, "--revoke")
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    assert client.get(QUEUE, headers=bearer(token)).status_code == 401
    [entry] = logged(session, "staff:token:revoked")
    assert entry["actor"] == f"cli:{getpass.getuser()}"


def test_five_wrong_codes_lock_the_account_like_failed_sign_ins(
    session: Session, staff_member: StaffFactory
) -> None:
    owner, _, secret = staff_member("reviewer")
    admin, _, admin_secret = staff_member("admin")
    now = dt.datetime.now(dt.UTC)
    tokens.issue_pending(session, [owner.email], admin.email, code(admin_secret), "cli:t", "test")
    for _ in range(5):
        with pytest.raises(factor.CodeRefusedError):
            tokens.confirm(session, owner.email, wrong(secret))
    with pytest.raises(UnauthenticatedError, match="is locked") as locked:
        tokens.confirm(session, owner.email, pyotp.TOTP(secret).at(now))
    assert http_status(locked.value) == 423
    assert [e["details"]["failures"] for e in logged(session, factor.REFUSED)] == [1, 2, 3, 4, 5]


def test_a_code_spent_on_a_token_act_cannot_sign_in(
    settings: Settings, client: TestClient, staff_member: StaffFactory
) -> None:
    """One code, one act: the admin's code that minted a token is refused at the console."""
    owner, _, _ = staff_member("reviewer")
    admin, password, admin_secret = staff_member("admin")
    spent = code(admin_secret)
    issued = staff_token(settings, owner.email, "--by", admin.email, "--code", spent)
    assert issued.exit_code == 0, issued.output
    page = client.get("/console/login")
    form = {
        "email": admin.email,
        "password": password,
        "code": spent,
        "csrf_token": CSRF_FIELD.search(page.text).group(1),  # type: ignore[union-attr]
    }
    answer = client.post("/console/login", data=form, follow_redirects=False)
    assert answer.status_code != 303, "a spent code opened a session"
    assert "lawgate_console" not in answer.cookies
