"""RFC 9421 signatures on the agency API: the RFC's Ed25519 example verifies, and every way of
bending a signed call (body, method, path, covered header, replay, age, key) is refused with 401,
a reason, and an audit entry."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from fastapi.testclient import TestClient
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    MappingKeyResolver,
    algorithms,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow
from lawgate.intake import keys
from lawgate.intake.models import NonceRow, RequestRow
from lawgate.intake.signatures import HttpMessage, sign, verify_signature
from lawgate.store.base import utcnow
from tests.factories import (
    FBI,
    agency_key,
    agency_key_id,
    get_status,
    post_request,
    register,
    request_body,
    signed_headers,
)
from tests.web.conftest import live_server

__all__ = ["live_server"]

# RFC 9421 Appendix B.1.4 (test-key-ed25519) and B.2 (test-request), B.2.6 (sig-b26).
RFC_PRIVATE_KEY = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
RFC_HEADERS = {
    "Host": "example.com",
    "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNN"
    "yealdVLvRwEmTHWXvJwew==:",
    "Content-Length": "18",
    "Signature-Input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
    '"content-length");created=1618884473;keyid="test-key-ed25519"',
    "Signature": "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vu"
    "Qv5lIp5WPpBKRCw==:",
}
RFC_URL = "http://example.com/foo?param=Value&Pet=dog"
RFC_BODY = b'{"hello": "world"}'
RFC_BASE = (
    '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
    '"@method": POST\n'
    '"@path": /foo\n'
    '"@authority": example.com\n'
    '"content-type": application/json\n'
    '"content-length": 18\n'
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" '
    '"content-length");created=1618884473;keyid="test-key-ed25519"'
)
REQUESTS = "http://testserver/api/v1/requests"
LASD = {**FBI, "id": "us-ca-lasd", "name": "LASD", "domains": ["lasd.org"]}


def rfc_key() -> Ed25519PrivateKey:
    """The RFC's test-key-ed25519."""
    key = load_pem_private_key(RFC_PRIVATE_KEY, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def rfc_message(**changes: str) -> HttpMessage:
    """The RFC's test request, with headers (or 'method' and 'url') replaced."""
    method = changes.pop("method", "POST")
    url = changes.pop("url", RFC_URL)
    return HttpMessage(method, url, {**RFC_HEADERS, **changes}, RFC_BODY)


def verify_rfc(message: HttpMessage) -> Any:
    """Our verification path on the RFC example: no tag, nonce or age policy (it has none)."""
    public = Ed25519PublicKey.from_public_bytes(keys.parse_public_key(RFC_PUBLIC_KEY))
    return verify_signature(
        message, "test-key-ed25519", public, tag=None, max_age=None, required=()
    )


def test_the_rfc_9421_ed25519_example_verifies() -> None:
    result = verify_rfc(rfc_message())
    assert result.parameters == {"created": 1618884473, "keyid": "test-key-ed25519"}
    base = "\n".join(f"{name}: {value}" for name, value in result.covered_components.items())
    assert base == RFC_BASE
    expected = RFC_HEADERS["Signature"].removeprefix("sig-b26=:").removesuffix(":")
    assert base64.b64encode(rfc_key().sign(base.encode())).decode() == expected


@pytest.mark.parametrize(
    "change",
    [
        {"method": "PUT"},
        {"url": "http://example.com/bar?param=Value&Pet=dog"},
        {"url": "http://example.org/foo?param=Value&Pet=dog"},
        {"Date": "Tue, 20 Apr 2021 02:07:56 GMT"},
        {"Content-Type": "text/plain"},
        {"Content-Length": "19"},
    ],
    ids=["method", "path", "authority", "date", "content-type", "content-length"],
)
def test_the_rfc_example_fails_when_a_covered_component_changes(change: dict[str, str]) -> None:
    with pytest.raises(HTTPMessageSignaturesException):
        verify_rfc(rfc_message(**change))


def test_the_rfc_example_fails_under_another_key() -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(HTTPMessageSignaturesException):
        verify_signature(
            rfc_message(), "test-key-ed25519", other, tag=None, max_age=None, required=()
        )


def refusals(session: Session) -> list[dict[str, Any]]:
    """Every audited signature refusal, oldest first, as its canonical JSON."""
    session.rollback()
    query = select(AuditEntryRow).where(AuditEntryRow.event == "api:signature:refused")
    rows = session.scalars(query.order_by(AuditEntryRow.index))
    return [{**json.loads(r.canonical), "actor": r.actor, "subject": r.subject} for r in rows]


def stored(session: Session) -> int:
    """How many requests are stored."""
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(RequestRow)) or 0)


def refused(answer: Any, session: Session, code: str, words: str) -> dict[str, Any]:
    """Assert a 401 naming the reason, audited as one refusal with that code; returns the entry."""
    assert answer.status_code == 401, answer.text
    message = answer.json()["errors"][0]["message"]
    assert words in message, message
    entry = refusals(session)[-1]
    assert entry["details"]["code"] == code, entry
    assert entry["details"]["reason"] == message
    return entry


def body_bytes(**changes: Any) -> bytes:
    """A valid request as the bytes that are signed and sent."""
    return json.dumps(request_body(**changes)).encode()


def send(client: TestClient, headers: dict[str, str], body: bytes, method: str = "POST") -> Any:
    """Send a call with exactly these headers and body."""
    return client.request(method, REQUESTS, content=body, headers=headers)


@pytest.fixture
def fbi(session: Session) -> None:
    """The FBI registered with its test key."""
    register(session)


@pytest.mark.usefixtures("fbi")
def test_a_correctly_signed_call_is_accepted(client: TestClient, session: Session) -> None:
    body = body_bytes()
    answer = send(client, signed_headers("POST", REQUESTS, body), body)
    assert answer.status_code == 201, answer.text
    assert get_status(client, answer.json()["id"]).json()["state"] == "in_review"
    assert refusals(session) == []


@pytest.mark.usefixtures("fbi")
def test_a_changed_body_is_refused(client: TestClient, session: Session) -> None:
    headers = signed_headers("POST", REQUESTS, body_bytes())
    answer = send(client, headers, body_bytes(case_reference="NY-2026-99999"))
    entry = refused(answer, session, "digest_mismatch", "Content-Digest does not match the body")
    assert entry["actor"] == f"key:{agency_key_id(FBI['id'])}"
    assert entry["subject"] == "/api/v1/requests"
    assert stored(session) == 0


@pytest.mark.usefixtures("fbi")
def test_a_changed_digest_header_breaks_the_signature(client: TestClient, session: Session) -> None:
    other = body_bytes(case_reference="NY-2026-99999")
    headers = signed_headers("POST", REQUESTS, body_bytes())
    headers["Content-Digest"] = signed_headers("POST", REQUESTS, other)["Content-Digest"]
    refused(send(client, headers, other), session, "bad_signature", "does not verify")
    assert stored(session) == 0


@pytest.mark.usefixtures("fbi")
def test_a_changed_method_is_refused(client: TestClient, session: Session) -> None:
    body = body_bytes()
    answer = send(client, signed_headers("PUT", REQUESTS, body), body)
    refused(answer, session, "bad_signature", "does not verify")


@pytest.mark.usefixtures("fbi")
def test_a_changed_path_is_refused(client: TestClient, session: Session) -> None:
    headers = signed_headers("GET", f"{REQUESTS}/LG-AAAAAAAA")
    answer = client.get(f"{REQUESTS}/LG-BBBBBBBB", headers=headers)
    entry = refused(answer, session, "bad_signature", "does not verify")
    assert entry["subject"] == "/api/v1/requests/LG-BBBBBBBB"


@pytest.mark.usefixtures("fbi")
def test_a_changed_covered_header_is_refused(client: TestClient, session: Session) -> None:
    body = body_bytes()
    headers = signed_headers("POST", REQUESTS, body)
    headers["content-type"] = "application/json; charset=utf-8"
    refused(send(client, headers, body), session, "bad_signature", "does not verify")


@pytest.mark.usefixtures("fbi")
def test_a_replayed_call_is_refused(client: TestClient, session: Session) -> None:
    body = body_bytes()
    headers = signed_headers("POST", REQUESTS, body)
    assert send(client, headers, body).status_code == 201
    refused(send(client, headers, body), session, "replayed", "already used")
    assert stored(session) == 1


@pytest.mark.usefixtures("fbi")
def test_replays_racing_the_original_are_refused(live_server: str, session: Session) -> None:
    body = body_bytes()
    url = f"{live_server}/api/v1/requests"
    headers = signed_headers("POST", url, body)

    def post(_: int) -> int:
        return httpx.post(url, content=body, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(post, range(6)))
    assert codes == [201, 401, 401, 401, 401, 401]
    assert stored(session) == 1
    assert [e["details"]["code"] for e in refusals(session)] == ["replayed"] * 5


@pytest.mark.usefixtures("fbi")
def test_a_signature_older_than_five_minutes_is_refused(
    client: TestClient, session: Session
) -> None:
    body = body_bytes()
    old = utcnow() - dt.timedelta(seconds=331)
    answer = send(client, signed_headers("POST", REQUESTS, body, created=old), body)
    refused(answer, session, "expired", "up to 300 s old")
    recent = utcnow() - dt.timedelta(seconds=290)
    assert (
        send(client, signed_headers("POST", REQUESTS, body, created=recent), body).status_code
        == 201
    )


@pytest.mark.usefixtures("fbi")
def test_a_signature_from_the_future_is_refused(client: TestClient, session: Session) -> None:
    body = body_bytes()
    ahead = utcnow() + dt.timedelta(minutes=2)
    answer = send(client, signed_headers("POST", REQUESTS, body, created=ahead), body)
    refused(answer, session, "future", "in the future")


def test_another_agencys_key_is_refused(client: TestClient, session: Session) -> None:
    register(session)
    register(session, LASD)
    body = body_bytes()
    posing = signed_headers(
        "POST", REQUESTS, body, key=agency_key(LASD["id"]), key_id=agency_key_id(FBI["id"])
    )
    refused(send(client, posing, body), session, "bad_signature", "does not verify")
    own_key = post_request(client, request_body(), LASD["id"])
    assert own_key.status_code == 403, "a genuine LASD call may not file in the FBI's name"
    assert own_key.json()["errors"][0]["field"] == "agency_id"
    assert stored(session) == 0


@pytest.mark.usefixtures("fbi")
def test_a_random_key_is_refused(client: TestClient, session: Session) -> None:
    body = body_bytes()
    stranger = Ed25519PrivateKey.generate()
    unknown = signed_headers("POST", REQUESTS, body, key=stranger, key_id="stranger-1")
    entry = refused(
        send(client, unknown, body), session, "unknown_key", "'stranger-1' is not registered"
    )
    assert entry["actor"] == "anonymous"
    posing = signed_headers("POST", REQUESTS, body, key=stranger)
    refused(send(client, posing, body), session, "bad_signature", "does not verify")
    assert stored(session) == 0


@pytest.mark.usefixtures("fbi")
def test_a_revoked_key_is_refused(client: TestClient, session: Session) -> None:
    keys.revoke_key(session, agency_key_id(FBI["id"]), "test")
    session.commit()
    answer = post_request(client, request_body())
    refused(answer, session, "revoked_key", "was revoked")
    refused(get_status(client, "LG-AAAAAAAA"), session, "revoked_key", "was revoked")


@pytest.mark.usefixtures("fbi")
def test_an_unsigned_call_is_refused(client: TestClient, session: Session) -> None:
    entry = refused(client.post(REQUESTS, json=request_body()), session, "unsigned", "not signed")
    assert entry["actor"] == "anonymous"
    refused(client.get(f"{REQUESTS}/LG-AAAAAAAA"), session, "unsigned", "not signed")
    refused(client.get(f"{REQUESTS}/LG-AAAAAAAA/package"), session, "unsigned", "not signed")


def library_signed(body: bytes, **options: Any) -> dict[str, str]:
    """A call signed directly with the library, to make signatures our signer never makes."""
    headers = {"content-type": "application/json"}
    message = HttpMessage("POST", REQUESTS, headers, body)
    key_id = agency_key_id(FBI["id"])
    resolver = MappingKeyResolver(public_keys={}, private_keys={key_id: agency_key(FBI["id"])})
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=resolver)
    settings: dict[str, Any] = {
        "created": utcnow(),
        "nonce": "n" * 24,
        "tag": "lawgate",
        "covered_component_ids": ("@method", "@target-uri", "content-digest"),
        "body": body,
        **options,
    }
    signer.sign(message, key_id=key_id, **settings)
    return headers


@pytest.mark.parametrize(
    ("options", "code", "words"),
    [
        ({"tag": "other-app"}, "wrong_tag", 'tag="lawgate"'),
        ({"covered_component_ids": ("@method", "content-digest")}, "not_covered", "@target-uri"),
        ({"nonce": None}, "nonce_missing", "no nonce"),
        ({"nonce": "short"}, "nonce_missing", "16 to 128"),
    ],
    ids=["tag", "coverage", "no-nonce", "short-nonce"],
)
@pytest.mark.usefixtures("fbi")
def test_signatures_outside_lawgate_policy_are_refused(
    options: dict[str, Any], code: str, words: str, client: TestClient, session: Session
) -> None:
    body = body_bytes()
    refused(send(client, library_signed(body, **options), body), session, code, words)


@pytest.mark.usefixtures("fbi")
def test_a_missing_content_digest_is_refused(client: TestClient, session: Session) -> None:
    body = body_bytes()
    headers = library_signed(body)
    del headers["Content-Digest"]
    answer = send(client, headers, body)
    refused(answer, session, "digest_missing", "no Content-Digest")
    assert answer.json()["errors"][0]["field"] == "content-digest"


@pytest.mark.usefixtures("fbi")
def test_a_sha512_content_digest_is_accepted(client: TestClient, session: Session) -> None:
    body = body_bytes()
    digest = base64.b64encode(hashlib.sha512(body).digest()).decode()
    message = HttpMessage(
        "POST",
        REQUESTS,
        {"content-type": "application/json", "content-digest": f"sha-512=:{digest}:"},
        body,
    )
    sign(message, agency_key(FBI["id"]), agency_key_id(FBI["id"]))
    assert send(client, dict(message.headers), body).status_code == 201


@pytest.mark.usefixtures("fbi")
def test_old_nonces_are_forgotten(client: TestClient, session: Session) -> None:
    stale = NonceRow(nonce="s" * 20, key_id="x", seen_at=utcnow() - dt.timedelta(hours=1))
    session.add(stale)
    session.commit()
    assert post_request(client, request_body()).status_code == 201
    session.rollback()
    remaining = list(session.scalars(select(NonceRow.nonce)))
    assert "s" * 20 not in remaining
    assert len(remaining) == 1
