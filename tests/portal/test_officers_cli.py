"""`lawgate officers` as an operator runs it: a real process on the test's store."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.portal import accounts
from lawgate.portal.accounts import AccountLockedError, LoginRefusedError
from tests.portal.conftest import AGENCY, PASSWORD, register_agency

LAWGATE = str(Path(sys.executable).with_name("lawgate"))


def run(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run lawgate against the test's store."""
    env = {
        **os.environ,
        "LAWGATE_HOME": str(settings.home),
        "LAWGATE_DATABASE_URL": settings.database_url,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [LAWGATE, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,  # no controlling terminal: getpass reads the piped input
    )


def test_add_prints_the_secret_once_and_list_and_unlock_work(
    settings: Settings, session: Session, tmp_path: Path
) -> None:
    register_agency(session, AGENCY)
    secret_file = tmp_path / "password"
    secret_file.write_text(PASSWORD + "\n", encoding="utf-8")
    added = run(
        settings, "officers", "add", AGENCY["id"], "DReyes@fbi.gov", "--name", "Dana Reyes",
        "--password-file", str(secret_file),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    found = re.search(r"TOTP secret: ([A-Z2-7]{32})", added.stdout)
    assert found, added.stdout
    assert "otpauth://totp/lawgate:dreyes%40fbi.gov?secret=" + found.group(1) in added.stdout
    now = dt.datetime.now(dt.UTC)
    code = pyotp.TOTP(found.group(1)).at(now)
    assert accounts.authenticate(session, "dreyes@fbi.gov", PASSWORD, code, now).name == (
        "Dana Reyes"
    )
    session.commit()

    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(LoginRefusedError):
            accounts.authenticate(session, "dreyes@fbi.gov", "wrong password", code, now)
        session.commit()
    listed = run(settings, "officers", "list", AGENCY["id"])
    assert listed.returncode == 0, listed.stderr
    assert "dreyes@fbi.gov" in listed.stdout and "locked until" in listed.stdout
    unlocked = run(settings, "officers", "unlock", "dreyes@fbi.gov")
    assert unlocked.returncode == 0 and "unlocked dreyes@fbi.gov" in unlocked.stdout
    assert "active" in run(settings, "officers", "list").stdout
    session.expire_all()
    later = now + dt.timedelta(seconds=30)
    nxt = pyotp.TOTP(found.group(1)).at(later)
    try:
        accounts.authenticate(session, "dreyes@fbi.gov", PASSWORD, nxt, later)
    except AccountLockedError:
        pytest.fail("the account is still locked after `lawgate officers unlock`")


def test_add_refuses_an_email_off_the_agency_domains_and_differing_passwords(
    settings: Settings, session: Session
) -> None:
    register_agency(session, AGENCY)
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    refused = run(
        settings, "officers", "add", AGENCY["id"], "dana@gmail.com", "--name", "Dana", stdin=typed
    )
    assert refused.returncode == 2
    assert "email: 'dana@gmail.com' is not on a verified domain of agency" in refused.stderr
    differ = run(
        settings, "officers", "add", AGENCY["id"], "d@fbi.gov", "--name", "D", stdin="a\nb\n"
    )
    assert differ.returncode == 2 and "the two passwords differ" in differ.stderr
    unknown = run(settings, "officers", "list", "us-nobody")
    assert unknown.returncode == 2 and "no agency with id 'us-nobody'" in unknown.stderr
