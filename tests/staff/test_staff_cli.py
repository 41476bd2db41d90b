"""`lawgate staff` as an operator runs it, and the demo's staff accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import stat
import subprocess
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.errors import UnauthenticatedError
from lawgate.staff import accounts, tokens
from lawgate.staff.demo import credentials_path, seed_demo_staff
from lawgate.staff.models import StaffRow
from lawgate.staff.roles import Role
from tests.conftest import STAFF_PASSWORD, StaffFactory
from tests.portal.test_officers_cli import run
from tests.staff.minting import code


def enrolled_secret(added: subprocess.CompletedProcess[str]) -> str:
    """The TOTP secret `staff add` printed, checked against the otpauth URI beside it."""
    assert added.returncode == 0, added.stderr
    secret = dict(re.findall(r"^(TOTP secret|authenticator URI): (\S+)$", added.stdout, re.M))
    uri = secret["authenticator URI"]
    assert uri.startswith("otpauth://totp/lawgate:grace%40example.org?secret=")
    assert f"secret={secret['TOTP secret']}&" in uri
    return secret["TOTP secret"]


def test_add_prints_the_secret_once_and_list_role_disable_unlock_work(
    settings: Settings, session: Session, tmp_path: Path
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(STAFF_PASSWORD + "\n", encoding="utf-8")
    added = run(
        settings, "staff", "add", "Grace@Example.org", "--name", "Grace Counsel",
        "--role", "senior_counsel", "--password-file", str(password_file),
    )  # fmt: skip
    secret = enrolled_secret(added)
    signed = accounts.authenticate(
        session, "grace@example.org", STAFF_PASSWORD, pyotp.TOTP(secret).now()
    )
    session.commit()
    assert signed.role is Role.SENIOR_COUNSEL
    listed = run(settings, "staff", "list")
    assert "grace@example.org" in listed.stdout and "senior_counsel" in listed.stdout
    assert secret not in listed.stdout
    assert "is now admin" in run(settings, "staff", "role", "grace@example.org", "admin").stdout
    assert run(settings, "staff", "disable", "grace@example.org").returncode == 0
    assert "disabled" in run(settings, "staff", "list").stdout
    unlocked = run(settings, "staff", "unlock", "GRACE@example.org")
    assert "unlocked grace@example.org" in unlocked.stdout


def test_a_typed_password_must_be_repeated_and_bad_input_is_named(settings: Settings) -> None:
    typed = f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n"
    made = run(settings, "staff", "add", "a@example.org", "--name", "A", "--role", "reviewer",
               stdin=typed)  # fmt: skip
    assert made.returncode == 0, made.stderr
    differ = run(settings, "staff", "add", "b@example.org", "--name", "B", "--role", "reviewer",
                 stdin=f"{STAFF_PASSWORD}\nsomething else entirely\n")  # fmt: skip
    assert differ.returncode == 2 and "the two passwords differ" in differ.stderr
    bad_role = run(settings, "staff", "add", "c@example.org", "--name", "C", "--role", "judge")
    assert bad_role.returncode == 2
    assert "the roles are reviewer, senior_counsel, admin" in bad_role.stderr
    taken = run(settings, "staff", "add", "a@example.org", "--name", "A", "--role", "admin",
                stdin=typed)  # fmt: skip
    assert taken.returncode == 2 and "already exists" in taken.stderr
    missing = run(settings, "staff", "unlock", "nobody@example.org")
    assert missing.returncode == 2 and "no staff member with email" in missing.stderr


def test_code_is_printed_for_demo_accounts_only(
    settings: Settings, session: Session, staff_member: StaffFactory
) -> None:
    real, _, _ = staff_member()
    refused = run(settings, "staff", "code", real.email)
    assert refused.returncode == 2 and "is not a demo account" in refused.stderr
    lines = seed_demo_staff(session, settings.home)
    session.commit()
    assert len(lines) == 4
    printed = run(settings, "staff", "code", "reviewer@lawgate.example")
    assert printed.returncode == 0, printed.stderr
    password = re.search(r"reviewer@lawgate\.example\s+reviewer\s+password: (\S+)", lines[0])
    assert password, lines[0]
    now = dt.datetime.now(dt.UTC)
    signed = accounts.authenticate(
        session, "reviewer@lawgate.example", password.group(1), printed.stdout.strip(), now
    )
    assert signed.demo and signed.name == "Ada Reviewer"


def test_the_demo_staff_are_made_once_with_an_owner_only_credentials_file(
    session: Session, tmp_path: Path
) -> None:
    lines = seed_demo_staff(session, tmp_path)
    session.commit()
    path = credentials_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_text(encoding="utf-8")
    assert all(line in written for line in lines)
    roles = {a.email: a.role for a in accounts.list_staff(session)}
    assert roles == {
        "reviewer@lawgate.example": Role.REVIEWER,
        "reviewer2@lawgate.example": Role.REVIEWER,
        "counsel@lawgate.example": Role.SENIOR_COUNSEL,
        "admin@lawgate.example": Role.ADMIN,
    }
    assert all(a.demo for a in accounts.list_staff(session))
    assert seed_demo_staff(session, tmp_path) == []
    assert path.read_text(encoding="utf-8") == written


def test_a_staff_api_token_is_shown_once_stored_hashed_confirmed_and_revocable(
    session: Session, settings: Settings, staff_member: StaffFactory
) -> None:
    """An admin's token prints once, opens the API once its owner confirms; revoking shuts it."""
    account, _, secret = staff_member("reviewer")
    admin, _, admin_secret = staff_member("admin")
    issued = run(settings, "staff", "token", account.email, "--by", admin.email,
                 "--code", code(admin_secret))  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip().splitlines()[1]
    assert token.startswith("lgs_") and len(token) > 40
    session.expire_all()
    stored = session.scalars(select(StaffRow.api_token_sha256).where(StaffRow.id == account.id))
    assert stored.one() == hashlib.sha256(token.encode()).hexdigest()
    with pytest.raises(UnauthenticatedError, match="awaits its owner's confirmation"):
        tokens.holder(session, token)
    confirmed = run(settings, "staff", "token", account.email, "--confirm", "--code", code(secret))
    assert confirmed.returncode == 0, confirmed.stderr
    session.expire_all()
    held = tokens.holder(session, token)
    assert (held.id, held.actor, held.role) == (account.id, account.actor, Role.REVIEWER)
    revoked = run(settings, "staff", "token", account.email, "--revoke")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    session.expire_all()
    with pytest.raises(UnauthenticatedError, match="unknown, replaced or disabled"):
        tokens.holder(session, token)
    unknown = run(settings, "staff", "token", "nobody@example.org", "--by", admin.email,
                  "--code", code(admin_secret, 1))  # fmt: skip
    assert unknown.returncode == 2 and "nobody@example.org" in unknown.stderr
