"""Staff API tokens minted only through the ways a person can: with real TOTP codes."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from lawgate import cli
from lawgate.config import Settings
from tests.factories import CSRF_FIELD, console_login

TOKEN = re.compile(r"\blgs_[A-Za-z0-9_-]{20,}")
Person = tuple[str, str]
"""An account's email and TOTP secret."""


def code(secret: str, steps: int = 0) -> str:
    """The account's code `steps` time steps (30 s each) from now: 0 is the current one."""
    return pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30 * steps))


def wrong(secret: str) -> str:
    """A code the account's authenticator shows at no step lawgate accepts now (one either way)."""
    near = {code(secret, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def staff_token(settings: Settings, *args: str, stdin: str | None = None) -> Result:
    """`lawgate staff token ...` in this process, against the test's store."""
    env = {
        "LAWGATE_HOME": str(settings.home),
        "LAWGATE_DATABASE_URL": settings.database_url,
        "COLUMNS": "400",
    }
    return CliRunner().invoke(cli.app, ["staff", "token", *args], env=env, input=stdin)


def printed_tokens(result: Result) -> list[str]:
    """The tokens a run printed, in order."""
    return TOKEN.findall(result.stdout)


def admin_minted(settings: Settings, admin: Person, *owners: Person, later: int = 0) -> list[str]:
    """Tokens an admin issues in one CLI run, each then confirmed by its owner's own code.

    `later` runs take the admin's next codes: each code is spent once.
    """
    emails = [email for email, _ in owners]
    issued = staff_token(settings, *emails, "--by", admin[0], "--code", code(admin[1], later))
    assert issued.exit_code == 0, issued.output
    minted = printed_tokens(issued)
    assert len(minted) == len(owners), issued.output
    for email, secret in owners:
        confirmed = staff_token(settings, email, "--confirm", "--code", code(secret))
        assert confirmed.exit_code == 0, confirmed.output
    return minted


def self_issued(client: TestClient, email: str, password: str, secret: str) -> str:
    """Sign in to the console and issue one's own token there (a fresh code); returns it."""
    console_login(client, email, password, secret)
    page = client.get("/console/token")
    csrf = CSRF_FIELD.search(page.text)
    assert csrf, page.text
    form = {"csrf_token": csrf.group(1), "password": password, "code": code(secret, 1)}
    answer = client.post("/console/token", data=form)
    assert answer.status_code == 200, answer.text
    shown = TOKEN.findall(answer.text)
    assert len(shown) == 1, answer.text
    return shown[0]
