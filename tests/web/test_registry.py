"""The registry console page: agencies, keys and officers shown; revoke and unlock from it."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.intake import keys
from lawgate.portal import accounts
from tests.factories import CSRF_FIELD, FBI, console_login, register

ORIGIN = {"origin": "http://testserver"}


def _seed(session: Session) -> None:
    """The FBI with its test key and one officer locked out by wrong codes."""
    register(session)
    enrolment = accounts.create_officer(
        session, FBI["id"], "dreyes@fbi.gov", "Dana Reyes", "a long enough passphrase", "test"
    )
    session.commit()
    for _ in range(5):
        try:
            accounts.authenticate(session, "dreyes@fbi.gov", "wrong", "000000")
        except accounts.LoginRefusedError:
            session.commit()
    assert pyotp.TOTP(enrolment.totp_secret).now()


def _csrf(client: TestClient) -> str:
    """The CSRF token the registry page's forms carry for the signed-in staff member."""
    found = CSRF_FIELD.search(client.get("/console/agencies").text)
    assert found, "the registry page has no csrf_token field"
    return found.group(1)


def test_the_registry_page_needs_a_sign_in(client: TestClient, session: Session) -> None:
    """A stranger is sent to sign in and shown nothing; the forms refuse a post without session."""
    _seed(session)
    page = client.get("/console/agencies", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=%2Fconsole%2Fagencies"
    assert "Dana Reyes" not in page.text
    key_id = keys.list_keys(session, FBI["id"])[0].key_id
    revoke = client.post(f"/console/agencies/keys/{key_id}/revoke", data={}, headers=ORIGIN)
    unlock = client.post("/console/officers/unlock", data={"email": "dreyes@fbi.gov"})
    assert revoke.status_code == 401 and unlock.status_code == 401
    session.expire_all()
    assert not keys.find_key(session, key_id).revoked  # type: ignore[union-attr]


def test_the_registry_page_lists_keys_and_officers(
    console_client: TestClient, session: Session
) -> None:
    """Domains, call-back number, the active key and the locked officer all show."""
    _seed(session)
    page = console_client.get("/console/agencies")
    assert page.status_code == 200
    for text in (
        "FBI New York Field Office",
        "fbi.gov",
        "+1 212 384 1000",
        "Dana Reyes",
        "locked until",
    ):
        assert text in page.text
    (key,) = keys.list_keys(session, FBI["id"])
    assert key.key_id in page.text


def test_revoke_and_unlock_from_the_console(
    client: TestClient, session: Session, staff_member: Any
) -> None:
    """Both forms work, need the session's token, refuse another site; unlocking is for admins."""
    _seed(session)
    reviewer, password, secret = staff_member("reviewer")
    console_login(client, reviewer.email, password, secret)
    key_id = keys.list_keys(session, FBI["id"])[0].key_id
    tokenless = client.post(f"/console/agencies/keys/{key_id}/revoke", data={}, headers=ORIGIN)
    assert tokenless.status_code == 403 and "csrf_token" in tokenless.text
    token = _csrf(client)
    forged = client.post(
        f"/console/agencies/keys/{key_id}/revoke",
        data={"csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    session.expire_all()
    assert not keys.find_key(session, key_id).revoked  # type: ignore[union-attr]
    done = client.post(
        f"/console/agencies/keys/{key_id}/revoke",
        data={"csrf_token": token},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert done.status_code == 303, "any signed-in staff member may revoke a key"
    session.expire_all()
    assert keys.find_key(session, key_id).revoked  # type: ignore[union-attr]

    unlock = {"email": "dreyes@fbi.gov", "csrf_token": token}
    refused = client.post("/console/officers/unlock", data=unlock, headers=ORIGIN)
    assert refused.status_code == 403 and re.search(r"only admin\b", refused.text)
    session.expire_all()
    (officer,) = accounts.list_officers(session, FBI["id"])
    assert officer.failed_logins == 5

    admin, password, secret = staff_member("admin")
    console_login(client, admin.email, password, secret)
    token = _csrf(client)
    tokenless = client.post(
        "/console/officers/unlock", data={"email": "dreyes@fbi.gov"}, headers=ORIGIN
    )
    assert tokenless.status_code == 403 and "csrf_token" in tokenless.text
    forged = client.post(
        "/console/officers/unlock",
        data={"email": "dreyes@fbi.gov", "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    unlocked = client.post(
        "/console/officers/unlock",
        data={"email": "dreyes@fbi.gov", "csrf_token": token},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert unlocked.status_code == 303
    session.expire_all()
    (officer,) = accounts.list_officers(session, FBI["id"])
    assert officer.failed_logins == 0 and officer.locked_until is None
