"""The agency API key registry: Ed25519 public keys by key id, added, listed and revoked.

Rotation is adding the new key, moving the agency's client to it, then revoking the old one;
both keys verify in between. Every change is an audit entry.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import secretfiles
from lawgate.auditlog import log
from lawgate.errors import ConflictError, InvalidInputError, NotFoundError
from lawgate.intake.models import AgencyKeyRow, AgencyRow
from lawgate.store.base import as_utc, utcnow

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")
RAW_KEY_BYTES = 32
OPENSSH_LINE = re.compile(r"^[a-z0-9]+(-[a-z0-9@.]+)+\s")
"""An authorized_keys-style line: `ssh-ed25519 AAAA... comment` (or another type, refused)."""


@dataclass(frozen=True)
class ApiKey:
    """One registered key: who it belongs to and whether it still verifies."""

    key_id: str
    agency_id: str
    public_key: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def revoked(self) -> bool:
        """A revoked key never verifies again."""
        return self.revoked_at is not None

    def verifier(self) -> Ed25519PublicKey:
        """The key as cryptography's public key object."""
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))


def check_key_id(key_id: str) -> str:
    """Key ids go into headers and audit entries, so they are short and plain."""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise InvalidInputError(
            f"key id {key_id!r} must be 1 to 128 letters, digits or . _ : @ -, "
            "starting with a letter or digit",
            "key_id",
        )
    return key_id


def parse_public_key(text: str) -> bytes:
    """The raw 32-byte key from an `ssh-ed25519 AAAA...` line, a PEM key or base64 of 32 bytes."""
    text = text.strip()
    if OPENSSH_LINE.match(text):
        return _raw(_load(lambda: serialization.load_ssh_public_key(text.encode("ascii"))))
    if text.startswith("-----BEGIN"):
        return _raw(_load(lambda: serialization.load_pem_public_key(text.encode("ascii"))))
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError(
            "the public key is neither an ssh-ed25519 line, a PEM key, nor base64", "public_key"
        ) from exc
    if len(raw) != RAW_KEY_BYTES:
        raise InvalidInputError(
            f"a raw Ed25519 public key is {RAW_KEY_BYTES} bytes; this base64 holds {len(raw)}",
            "public_key",
        )
    return raw


def _load(loader: Callable[[], object]) -> object:
    """Run a cryptography loader, turning its errors into one that names the field."""
    try:
        return loader()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise InvalidInputError(f"the public key cannot be read: {exc}", "public_key") from exc


def _raw(key: object) -> bytes:
    """The raw bytes of an Ed25519 public key; any other kind of key is refused."""
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInputError(
            f"the public key is {type(key).__name__}, not Ed25519", "public_key"
        )
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def read_public_key(value: str) -> bytes:
    """The key given on the command line: a file holding one, or the key itself."""
    path = Path(value)
    if len(value) < 4096 and path.is_file():
        try:
            return parse_public_key(path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{path}: cannot be read ({exc})", "public_key") from exc
    return parse_public_key(value)


def _api_key(row: AgencyKeyRow) -> ApiKey:
    """The domain form of a key row."""
    return ApiKey(
        key_id=row.key_id,
        agency_id=row.agency_id,
        public_key=row.public_key,
        created_at=as_utc(row.created_at),
        revoked_at=as_utc(row.revoked_at) if row.revoked_at else None,
    )


def add_key(session: Session, agency_id: str, key_id: str, raw: bytes, actor: str) -> ApiKey:
    """Register a public key for an agency; ids and keys are never reused or reassigned."""
    check_key_id(key_id)
    if session.get(AgencyRow, agency_id) is None:
        raise NotFoundError(f"no agency with id {agency_id!r}", "agency_id")
    if session.get(AgencyKeyRow, key_id) is not None:
        raise ConflictError(f"key id {key_id!r} is already registered", "key_id")
    encoded = base64.b64encode(raw).decode("ascii")
    same = session.scalars(select(AgencyKeyRow).where(AgencyKeyRow.public_key == encoded)).first()
    if same is not None:
        raise ConflictError(
            f"this public key is already registered as {same.key_id!r} of {same.agency_id!r}",
            "public_key",
        )
    row = AgencyKeyRow(key_id=key_id, agency_id=agency_id, public_key=encoded, created_at=utcnow())
    session.add(row)
    session.flush()
    log.append(session, "agency:key:added", actor, agency_id, {"key_id": key_id})
    return _api_key(row)


def revoke_key(session: Session, key_id: str, actor: str) -> ApiKey:
    """Revoke a key at once: signatures by it are refused from now on."""
    row = session.get(AgencyKeyRow, key_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no key with id {key_id!r}", "key_id")
    if row.revoked_at is not None:
        raise ConflictError(f"key {key_id!r} was already revoked at {as_utc(row.revoked_at)}")
    row.revoked_at = utcnow()
    session.flush()
    log.append(session, "agency:key:revoked", actor, row.agency_id, {"key_id": key_id})
    return _api_key(row)


def list_keys(session: Session, agency_id: str | None = None) -> list[ApiKey]:
    """Registered keys, of one agency or all, by agency and date."""
    query = select(AgencyKeyRow).order_by(AgencyKeyRow.agency_id, AgencyKeyRow.created_at)
    if agency_id is not None:
        query = query.where(AgencyKeyRow.agency_id == agency_id)
    return [_api_key(row) for row in session.scalars(query)]


def find_key(session: Session, key_id: str) -> ApiKey | None:
    """A key by id, revoked or not; None when no such key was ever registered."""
    row = session.get(AgencyKeyRow, key_id)
    return _api_key(row) if row is not None else None


def public_key_text(raw: bytes) -> str:
    """The base64 form the registry stores and `lawgate agencies key add` accepts."""
    return base64.b64encode(raw).decode("ascii")


def generate_key_file(path: Path) -> bytes:
    """Write a new Ed25519 private key (PKCS#8 PEM, mode 0600); returns its raw public key."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        written = secretfiles.write_new(path, pem)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be created ({exc})", "out") from exc
    if not written:
        raise ConflictError(f"{path} already exists; choose another file", "out")
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An agency's signing key from a PEM file (as `generate_key_file` or openssl writes it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc})", "key") from exc
    try:
        if data.startswith(b"-----BEGIN OPENSSH PRIVATE KEY"):
            key: object = serialization.load_ssh_private_key(data, password=None)
        else:
            key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InvalidInputError(f"{path}: not an unencrypted private key ({exc})", "key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInputError(f"{path}: holds a {type(key).__name__}, not Ed25519", "key")
    return key
