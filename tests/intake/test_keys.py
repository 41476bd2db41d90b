"""The API key registry: keys in the formats agencies have, added, listed, rotated and revoked,
each change audited; the CLI run as an operator runs it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import tests.test_cli as cli
from lawgate.auditlog.models import AuditEntryRow
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.errors import ConflictError, InvalidInputError, NotFoundError
from lawgate.intake import keys
from lawgate.intake.signatures import HttpMessage, sign
from tests.factories import FBI, agency_key, agency_key_id, register, request_body

REQUESTS = "http://testserver/api/v1/requests"


def raw_of(key: Ed25519PrivateKey) -> bytes:
    """A private key's raw public half."""
    return key.public_key().public_bytes_raw()


def test_public_keys_are_read_in_the_formats_agencies_have() -> None:
    key = Ed25519PrivateKey.generate()
    raw = raw_of(key)
    ssh = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert keys.parse_public_key(base64.b64encode(raw).decode()) == raw
    assert keys.parse_public_key(ssh.decode() + " officer@fbi.gov\n") == raw
    assert keys.parse_public_key(pem.decode()) == raw


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (base64.b64encode(b"x" * 31).decode(), "holds 31"),
        ("not a key at all!", "neither an ssh-ed25519 line"),
        ("ssh-ed25519 AAAAbroken", "cannot be read"),
        (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
            .decode(),
            "not Ed25519",
        ),
    ],
    ids=["short", "garbage", "broken-ssh", "ecdsa"],
)
def test_anything_else_is_refused_naming_the_field(text: str, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words) as caught:
        keys.parse_public_key(text)
    assert caught.value.field == "public_key"


def test_ids_and_keys_are_never_reused(session: Session) -> None:
    register(session)
    register(session, {**FBI, "id": "us-ca-lasd", "name": "LASD", "domains": ["lasd.org"]})
    fresh = raw_of(Ed25519PrivateKey.generate())
    with pytest.raises(ConflictError, match="already registered"):
        keys.add_key(session, FBI["id"], agency_key_id(FBI["id"]), fresh, "test")
    taken = keys.find_key(session, agency_key_id(FBI["id"]))
    assert taken is not None
    with pytest.raises(ConflictError, match="already registered as 'us-doj-fbi-nyfo-test'"):
        keys.add_key(session, "us-ca-lasd", "lasd-2", base64.b64decode(taken.public_key), "test")
    with pytest.raises(NotFoundError, match="no agency"):
        keys.add_key(session, "xx-nobody", "nobody-1", fresh, "test")
    with pytest.raises(InvalidInputError, match="key id"):
        keys.add_key(session, FBI["id"], "has spaces", fresh, "test")


def post_with(client: TestClient, key: Ed25519PrivateKey, key_id: str) -> int:
    """Submit the standard request signed with this key; returns the status code."""
    body = json.dumps(request_body()).encode()
    message = HttpMessage("POST", REQUESTS, {"content-type": "application/json"}, body)
    sign(message, key, key_id)
    return client.post(REQUESTS, content=body, headers=dict(message.headers)).status_code


def test_rotation_adds_the_new_key_then_revokes_the_old(
    client: TestClient, session: Session
) -> None:
    register(session)
    old_id = agency_key_id(FBI["id"])
    old, new = agency_key(FBI["id"]), Ed25519PrivateKey.generate()
    keys.add_key(session, FBI["id"], "fbi-2027", raw_of(new), "cli:ops")
    session.commit()
    assert post_with(client, old, old_id) == 201
    assert post_with(client, new, "fbi-2027") == 201
    keys.revoke_key(session, old_id, "cli:ops")
    session.commit()
    assert post_with(client, old, old_id) == 401
    assert post_with(client, new, "fbi-2027") == 201
    with pytest.raises(ConflictError, match="already revoked"):
        keys.revoke_key(session, old_id, "cli:ops")
    listed = {k.key_id: k.revoked for k in keys.list_keys(session, FBI["id"])}
    assert listed == {old_id: True, "fbi-2027": False}


def audit_events(session: Session, subject: str) -> list[tuple[str, str]]:
    """(event, key id) of the audit entries about an agency."""
    session.rollback()
    query = select(AuditEntryRow).where(AuditEntryRow.subject == subject)
    rows = session.scalars(query.order_by(AuditEntryRow.index))
    return [(r.event, json.loads(r.canonical)["details"].get("key_id", "")) for r in rows]


def lawgate(settings: Settings, *args: str) -> Result:
    """Run the CLI in this process against the test's store."""
    env = {"LAWGATE_HOME": str(settings.home), "LAWGATE_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(app, list(args), env=env)


def test_the_key_commands_as_an_operator_runs_them(
    settings: Settings, session: Session, tmp_path: Path
) -> None:
    register(session, {**FBI, "id": "us-ca-lasd", "name": "LASD", "domains": ["lasd.org"]})
    assert (
        lawgate(settings, "agencies", "add", str(cli.write(tmp_path / "fbi.json", FBI))).exit_code
        == 0
    )
    key_file = tmp_path / "fbi-2026.pem"
    made = lawgate(
        settings, "agencies", "key", "generate", "--key-id", "fbi-2026", "--out", str(key_file)
    )
    assert made.exit_code == 0, made.output
    assert key_file.stat().st_mode & 0o777 == 0o600
    public = made.stdout.split("public key: ", 1)[1].split()[0]
    assert keys.parse_public_key(public) == raw_of(keys.load_private_key(key_file))
    again = lawgate(
        settings, "agencies", "key", "generate", "--key-id", "x", "--out", str(key_file)
    )
    assert again.exit_code == 2 and "already exists" in again.stderr

    add = ("agencies", "key", "add", FBI["id"], "--key-id", "fbi-2026", "--public-key", public)
    added = lawgate(settings, *add)
    assert added.exit_code == 0, added.output
    assert "added key fbi-2026 for us-doj-fbi-nyfo" in added.stdout
    twice = lawgate(settings, *add)
    assert (
        twice.exit_code == 2 and "key_id: key id 'fbi-2026' is already registered" in twice.stderr
    )
    bad = lawgate(
        settings, "agencies", "key", "add", FBI["id"], "--key-id", "k2", "--public-key", "nope"
    )
    assert bad.exit_code == 2 and "public_key:" in bad.stderr

    listed = lawgate(settings, "agencies", "key", "list", FBI["id"])
    assert "fbi-2026" in listed.stdout and "us-ca-lasd-test" not in listed.stdout
    revoked = lawgate(settings, "agencies", "key", "revoke", "fbi-2026")
    assert revoked.exit_code == 0 and "revoked key fbi-2026" in revoked.stdout
    assert lawgate(settings, "agencies", "key", "revoke", "fbi-2026").exit_code == 2
    missing = lawgate(settings, "agencies", "key", "revoke", "nope-1")
    assert missing.exit_code == 2 and "no key with id 'nope-1'" in missing.stderr
    assert audit_events(session, FBI["id"])[-2:] == [
        ("agency:key:added", "fbi-2026"),
        ("agency:key:revoked", "fbi-2026"),
    ]
