"""Builders of valid wire objects that tests then bend one field at a time."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pyotp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases.workflow import CaseState
from lawgate.cli.client import SignatureAuth
from lawgate.demo.samples import SAMPLE_AGENCY, WARRANT_REQUEST
from lawgate.domain import Agency, Decision
from lawgate.intake import keys, signatures
from lawgate.intake import services as intake
from lawgate.staff.roles import Role

FBI: dict[str, Any] = SAMPLE_AGENCY


def request_body(**changes: Any) -> dict[str, Any]:
    """A valid request with top-level fields replaced."""
    body = copy.deepcopy(WARRANT_REQUEST)
    body.update(changes)
    return body


def agency_key(agency_id: str) -> Ed25519PrivateKey:
    """The agency's API signing key in tests: fixed per agency, so runs are reproducible."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(agency_id.encode()).digest())


def agency_key_id(agency_id: str) -> str:
    """The key id `register` gives the agency's test key."""
    return f"{agency_id}-test"


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key, as the registry stores it."""
    return key.public_key().public_bytes_raw()


def register(session: Session, record: dict[str, Any] | None = None) -> Agency:
    """Register an agency (the FBI by default) with its test API key, and commit."""
    agency = Agency.model_validate(record or FBI)
    intake.register_agency(session, agency, "test")
    key = public_bytes(agency_key(agency.id))
    keys.add_key(session, agency.id, agency_key_id(agency.id), key, "test")
    session.commit()
    return agency


def write_key_file(path: Path, agency_id: str = FBI["id"]) -> Path:
    """Save the agency's test key as the PEM file `lawgate client --key` reads."""
    pem = agency_key(agency_id).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    return path


def signed(agency_id: str = FBI["id"]) -> httpx.Auth:
    """Sign calls with the agency's registered test key."""
    return SignatureAuth(agency_key(agency_id), agency_key_id(agency_id))


def signed_headers(
    method: str,
    url: str,
    body: bytes = b"",
    agency_id: str = FBI["id"],
    *,
    created: dt.datetime | None = None,
    nonce: str | None = None,
    key: Ed25519PrivateKey | None = None,
    key_id: str | None = None,
) -> dict[str, str]:
    """The headers of one signed call, for tests that then bend the call or replay it."""
    message = signatures.HttpMessage(method, url, {"content-type": "application/json"}, body)
    signatures.sign(
        message,
        key or agency_key(agency_id),
        key_id or agency_key_id(agency_id),
        created=created,
        nonce=nonce,
    )
    return dict(message.headers)


def load_case(path: Path) -> dict[str, Any]:
    """A corpus case file."""
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def post_request(client: TestClient, body: Any, agency_id: str = "us-doj-fbi-nyfo") -> Any:
    """Submit as an agency through the API, signed with its test key."""
    return client.post("/api/v1/requests", json=body, auth=signed(agency_id))


def get_status(client: TestClient, request_id: str, agency_id: str = "us-doj-fbi-nyfo") -> Any:
    """Ask for a request's state as an agency, signed with its test key."""
    return client.get(f"/api/v1/requests/{request_id}", auth=signed(agency_id))


STAFF_EMAIL = "rita@staff.lawgate.test"
SECOND_EMAIL = "sam@staff.lawgate.test"
STAFF_TOKEN = "lgs_test-token-of-rita-the-first-reviewer"
SECOND_TOKEN = "lgs_test-token-of-sam-the-second-reviewer"
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
"""The staff API's header for the account the `api_staff` fixture makes."""
SECOND = {"Authorization": f"Bearer {SECOND_TOKEN}"}
"""A second reviewer, a different person, for rulings that need one."""


def bearer(token: str) -> dict[str, str]:
    """The staff API's header for a token."""
    return {"Authorization": f"Bearer {token}"}


def rule(
    session: Session,
    request_id: str,
    decision: Decision,
    actor: str = "staff:rita",
    second: str = "staff:sam",
    note: str = "test ruling",
) -> CaseState:
    """Record a reviewer's ruling and, where a second reviewer is required, have one confirm it."""
    first = review.Reviewer(actor, Role.REVIEWER)
    state = review.record_decision(session, request_id, review.Ruling(decision, note), first)
    if state is CaseState.SECOND_REVIEW:
        state = review.confirm(session, request_id, review.Reviewer(second, Role.REVIEWER))
    return state


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_login(
    client: TestClient, email: str, password: str, secret: str, now: dt.datetime | None = None
) -> httpx.Response:
    """Sign a TestClient in to the console, replacing any session; `now` picks the TOTP step."""
    client.cookies.delete("lawgate_console")
    page = client.get("/console/login")
    token = CSRF_FIELD.search(page.text)
    assert token, "the console login page has no csrf_token field"
    code = pyotp.TOTP(secret).at(now or dt.datetime.now(dt.UTC))
    form = {"csrf_token": token.group(1), "email": email, "password": password, "code": code}
    answer = client.post("/console/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer
