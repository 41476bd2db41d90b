"""The registry console page: agencies, keys and officers shown; revoke and unlock from it."""

from __future__ import annotations

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.intake import keys
from lawgate.portal import accounts
from tests.factories import FBI, register

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


def test_the_registry_page_lists_keys_and_officers(client: TestClient, session: Session) -> None:
    """Domains, call-back number, the active key and the locked officer all show."""
    _seed(session)
    page = client.get("/console/agencies")
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


def test_revoke_and_unlock_from_the_console(client: TestClient, session: Session) -> None:
    """Both forms work from the console, need a name, and refuse another site's post."""
    _seed(session)
    key_id = keys.list_keys(session, FBI["id"])[0].key_id
    unnamed = client.post(f"/console/agencies/keys/{key_id}/revoke", data={}, headers=ORIGIN)
    assert unnamed.status_code == 422 and "name yourself" in unnamed.text
    forged = client.post(
        f"/console/agencies/keys/{key_id}/revoke",
        data={"reviewer": "Rita"},
        headers={"origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    done = client.post(
        f"/console/agencies/keys/{key_id}/revoke",
        data={"reviewer": "Rita"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    assert keys.find_key(session, key_id).revoked  # type: ignore[union-attr]
    unlocked = client.post(
        "/console/officers/unlock",
        data={"email": "dreyes@fbi.gov", "reviewer": "Rita"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert unlocked.status_code == 303
    session.expire_all()
    (officer,) = accounts.list_officers(session, FBI["id"])
    assert officer.failed_logins == 0 and officer.locked_until is None
