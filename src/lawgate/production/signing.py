"""OpenSSH SSHSIG signatures, so agencies can check a package with plain `ssh-keygen -Y verify`.

The format follows OpenSSH's PROTOCOL.sshsig: an armored blob holding the signer's public key,
the namespace, the hash algorithm and an Ed25519 signature over the "signed data" structure.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from lawgate import secretfiles
from lawgate.errors import LawgateError

DEFAULT_NAMESPACE = "lawgate-production"
KEY_TYPE = b"ssh-ed25519"
MAGIC = b"SSHSIG"
VERSION = 1
HASHES = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
WRAP = 70

SigningKey = Ed25519PrivateKey


class SigningKeyError(LawgateError):
    """The platform signing key cannot be created or used."""


class _MalformedError(Exception):
    """Internal: the signature blob does not parse; `verify` turns this into False."""


# --- SSH wire format -----------------------------------------------------------------------


def _string(value: bytes) -> bytes:
    """Encode an SSH `string` (uint32 length then bytes), the unit of every SSH structure."""
    return struct.pack(">I", len(value)) + value


class _Reader:
    """Read SSH wire fields from a blob, failing loudly on truncation."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        """Consume exactly `size` bytes, so short blobs are rejected rather than misread."""
        if size < 0 or self.pos + size > len(self.data):
            raise _MalformedError("truncated")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def uint32(self) -> int:
        """Consume a big-endian uint32, as SSH encodes lengths and versions."""
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        """Consume a length-prefixed SSH string."""
        return self.take(self.uint32())

    def done(self) -> bool:
        """Whether the blob was fully consumed, so trailing junk is refused."""
        return self.pos == len(self.data)


def _public_blob(public_key: Ed25519PublicKey) -> bytes:
    """The ssh-ed25519 public key in wire format, as embedded in signatures and .pub files."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _string(KEY_TYPE) + _string(raw)


def _signed_data(message: bytes, namespace: str, hash_name: str) -> bytes:
    """The structure actually signed, binding the digest to the namespace (PROTOCOL.sshsig)."""
    digest = HASHES[hash_name](message).digest()
    return (
        MAGIC
        + _string(namespace.encode())
        + _string(b"")
        + _string(hash_name.encode())
        + _string(digest)
    )


# --- keys ----------------------------------------------------------------------------------


def _write_new(path: Path, content: bytes, mode: int) -> None:
    """Write a file that must not exist yet, so an existing key is never clobbered."""
    if not secretfiles.write_new(path, content, mode):
        raise SigningKeyError(f"refusing to overwrite existing key file {path}")


def public_key_line(key: SigningKey, comment: str = "lawgate-production") -> str:
    """The key as an OpenSSH public key line, for `.pub` files and agency hand-over."""
    raw = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return f"{raw.decode()} {comment}".rstrip()


def create_signing_key(path: Path) -> None:
    """Create the platform's Ed25519 key (0600) and its `.pub`, refusing to replace a key."""
    pub_path = path.with_name(path.name + ".pub")
    for existing in (path, pub_path):
        if existing.exists():
            raise SigningKeyError(f"refusing to overwrite existing key file {existing}")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    try:
        _write_new(path, pem, 0o600)
        _write_new(pub_path, (public_key_line(key) + "\n").encode(), 0o644)
    except FileExistsError as exc:
        raise SigningKeyError(f"refusing to overwrite existing key file {exc.filename}") from exc
    except OSError as exc:
        raise SigningKeyError(f"cannot write signing key {path}: {exc.strerror}") from exc


def load_signing_key(path: Path) -> SigningKey:
    """Load the platform key, naming the file in every failure so operators can fix it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"cannot read signing key {path}: {exc.strerror}") from exc
    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SigningKeyError(f"signing key {path} is not an OpenSSH private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"signing key {path} is not an Ed25519 key")
    return key


def allowed_signers_line(principal: str, key: SigningKey) -> str:
    """One allowed_signers entry, restricted to our namespace, for `ssh-keygen -Y verify -f`."""
    if not principal or any(c.isspace() for c in principal):
        raise SigningKeyError(f"principal {principal!r} must be non-empty without spaces")
    raw = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return f'{principal} namespaces="{DEFAULT_NAMESPACE}" {raw.decode()}'


# --- sign and verify -----------------------------------------------------------------------


def _armor(blob: bytes) -> str:
    """Armor a blob exactly as ssh-keygen does: base64 wrapped at 70 columns."""
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + WRAP] for i in range(0, len(text), WRAP)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


def sign(data: bytes, key: SigningKey, namespace: str = DEFAULT_NAMESPACE) -> str:
    """Sign `data` as an armored SSHSIG signature that `ssh-keygen -Y verify` accepts."""
    if not namespace:
        raise SigningKeyError("the signature namespace must not be empty")
    raw_sig = key.sign(_signed_data(data, namespace, "sha512"))
    blob = (
        MAGIC
        + struct.pack(">I", VERSION)
        + _string(_public_blob(key.public_key()))
        + _string(namespace.encode())
        + _string(b"")
        + _string(b"sha512")
        + _string(_string(KEY_TYPE) + _string(raw_sig))
    )
    return _armor(blob)


def _dearmor(armored: str) -> bytes:
    """Strip the armor and decode the base64 body."""
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        raise _MalformedError("armor")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _MalformedError("base64") from exc


def _parse_public_line(public_key_openssh: str) -> Ed25519PublicKey:
    """Parse an `ssh-ed25519 AAAA...` line into a key, refusing other key types."""
    try:
        key = serialization.load_ssh_public_key(public_key_openssh.strip().encode())
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _MalformedError("public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise _MalformedError("public key type")
    return key


def _check(data: bytes, armored: str, public_key: Ed25519PublicKey, namespace: str) -> None:
    """Raise unless the armored signature is a valid SSHSIG by `public_key` in `namespace`."""
    reader = _Reader(_dearmor(armored))
    if reader.take(6) != MAGIC or reader.uint32() != VERSION:
        raise _MalformedError("magic or version")
    if reader.string() != _public_blob(public_key):
        raise _MalformedError("different signer")
    if reader.string() != namespace.encode():
        raise _MalformedError("namespace")
    reader.string()  # reserved, ignored as the spec says
    hash_name = reader.string().decode("ascii", "replace")
    sig = _Reader(reader.string())
    if not reader.done() or hash_name not in HASHES:
        raise _MalformedError("trailer or hash")
    if sig.string() != KEY_TYPE:
        raise _MalformedError("signature type")
    raw_sig = sig.string()
    if not sig.done():
        raise _MalformedError("signature trailer")
    public_key.verify(raw_sig, _signed_data(data, namespace, hash_name))


def verify(
    data: bytes, armored: str, public_key_openssh: str, namespace: str = DEFAULT_NAMESPACE
) -> bool:
    """Check a signature in pure Python, for `lawgate package verify`; never raises."""
    try:
        _check(data, armored, _parse_public_line(public_key_openssh), namespace)
    except (_MalformedError, InvalidSignature, ValueError, TypeError):
        return False
    return True
