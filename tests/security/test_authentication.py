"""ASVS V2 and V4.3: passwords, hashes, one-time codes, and who may call the staff API."""

from __future__ import annotations

import base64
import datetime as dt

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import passwords as breached
from lawgate.credentials import LoginRefusedError
from lawgate.errors import InvalidInputError
from lawgate.portal import accounts as officers
from lawgate.portal.models import OfficerRow
from lawgate.staff import accounts
from lawgate.staff.models import StaffRow
from tests.conftest import StaffFactory
from tests.factories import FBI, STAFF, STAFF_EMAIL, post_request, register, request_body
from tests.portal.conftest import AGENCY, register_agency

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
PASSPHRASE_64 = "correct horse 🐴 battery staple, naïve café 東京 — with spaces!!".ljust(64, "x")


def stored_hash(session: Session, email: str) -> str:
    """The password hash the store keeps for a staff account."""
    return session.scalars(select(StaffRow.password_hash).where(StaffRow.email == email)).one()


def test_hashes_are_salted_argon2id_above_the_asvs_minimum(
    session: Session, staff_member: StaffFactory
) -> None:
    """ASVS 2.4.1, 2.4.2 and 2.4.5: argon2id, >= 15 MiB, >= 2 passes, unique salts >= 32 bits."""
    first, _, _ = staff_member()
    second, _, _ = staff_member()
    hashes = [stored_hash(session, a.email) for a in (first, second)]
    salts = set()
    for value in hashes:
        _, variant, _version, params, salt, _digest = value.split("$")
        cost = dict(p.split("=") for p in params.split(","))
        assert variant == "argon2id"
        assert int(cost["m"]) >= 15 * 1024 and int(cost["t"]) >= 2 and int(cost["p"]) >= 1
        assert len(base64.b64decode(salt + "==")) >= 4
        salts.add(salt)
    assert len(salts) == 2, "the same password must hash differently for two accounts"


def test_long_passphrases_of_any_characters_work_and_short_ones_do_not(
    session: Session,
) -> None:
    """ASVS 2.1.1, 2.1.2, 2.1.3, 2.1.4 and 2.1.9: 12+ characters, 64 of any kind, no truncation."""
    made = accounts.create_staff(
        session, "ada@staff.example", "Ada", "reviewer", PASSPHRASE_64, "t"
    )
    session.commit()
    code = pyotp.TOTP(made.totp_secret).at(NOW)
    with pytest.raises(LoginRefusedError):  # a truncated passphrase is not the passphrase
        accounts.authenticate(session, made.account.email, PASSPHRASE_64[:-1], code, NOW)
    assert accounts.authenticate(session, made.account.email, PASSPHRASE_64, code, NOW)
    for bad in ("eleven char", "x" * 1025):
        with pytest.raises(InvalidInputError):
            accounts.create_staff(session, "bob@staff.example", "Bob", "reviewer", bad, "t")


def test_a_commonly_breached_password_is_refused(session: Session) -> None:
    """ASVS 2.1.7: a password on every breach list is refused however long it is."""
    for common in ("password1234", "PassWord1234", " qwertyuiop123 "):
        with pytest.raises(InvalidInputError) as refused:
            accounts.create_staff(session, "eve@staff.example", "Eve", "reviewer", common, "t")
        assert refused.value.field == "password"
        assert "most common passwords in leaked-password lists" in refused.value.message
    assert session.scalar(select(StaffRow.id)) is None, "a refused account was stored"


def test_an_officer_password_on_the_list_is_refused_too(session: Session) -> None:
    """ASVS 2.1.7 for the portal: officers' passwords pass the same check as staff ones."""
    register_agency(session, AGENCY)
    with pytest.raises(InvalidInputError) as refused:
        officers.create_officer(session, AGENCY["id"], "dreyes@fbi.gov", "D", "qwerty123456", "t")
    assert refused.value.field == "password"
    assert session.scalar(select(OfficerRow.id)) is None, "a refused officer was stored"


def test_the_breached_list_ships_inside_and_loads_once() -> None:
    """ASVS 2.1.7 offline: Django's 20,000 lowercase leaked passwords, read into one frozenset."""
    listed = breached.common_passwords()
    assert len(listed) == 19_640
    assert all(p == p.lower() for p in listed)
    assert breached.common_passwords() is listed
    assert not breached.is_breached("a long staff passphrase")


def test_a_code_older_than_one_step_of_drift_is_refused(
    session: Session, staff_member: StaffFactory
) -> None:
    """ASVS 2.8.1 and 2.8.3: a TOTP code (RFC 6238, HMAC-SHA1) lives 30 s plus one step of drift."""
    account, password, secret = staff_member()
    stale = pyotp.TOTP(secret).at(NOW, counter_offset=-2)
    with pytest.raises(LoginRefusedError):
        accounts.authenticate(session, account.email, password, stale, NOW)
    session.commit()
    fresh = pyotp.TOTP(secret).at(NOW, counter_offset=-1)
    assert accounts.authenticate(session, account.email, password, fresh, NOW)


def test_the_totp_secret_has_at_least_128_bits(staff_member: StaffFactory) -> None:
    """ASVS 2.8.3 and 6.3.1: the shared secret is random base32 of 160 bits (RFC 4226's size)."""
    _, _, secret = staff_member()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) * 8 >= 128


def test_no_default_or_shared_accounts_exist_in_a_new_store(session: Session) -> None:
    """ASVS 2.5.4: a store that was not seeded as a demo has no account anyone could guess."""
    assert accounts.list_staff(session) == []


def test_the_staff_api_needs_a_credential_not_just_a_name(
    client: TestClient, session: Session, api_staff: object
) -> None:
    """ASVS 4.3.1, 1.2.4 and 2.2.1: naming a reviewer's e-mail must not be enough to act as one."""
    register(session, FBI)
    filed = post_request(client, request_body())
    assert filed.status_code == 201, filed.text
    named = client.get("/api/v1/staff/requests", headers={"X-Lawgate-Staff": STAFF_EMAIL})
    assert named.status_code == 401
    assert client.get("/api/v1/staff/requests", headers=STAFF).status_code == 200
    accounts.disable(session, STAFF_EMAIL, "test")
    session.commit()
    assert client.get("/api/v1/staff/requests", headers=STAFF).status_code == 401


def test_sign_in_forms_let_password_managers_fill_and_paste(client: TestClient) -> None:
    """ASVS 2.1.11: standard autocomplete names and no script that blocks pasting."""
    for path in ("/portal/login", "/console/login"):
        page = client.get(path).text
        assert 'autocomplete="current-password"' in page and 'autocomplete="username"' in page
        assert 'autocomplete="one-time-code"' in page
        assert "onpaste" not in page.lower() and 'autocomplete="off"' not in page
