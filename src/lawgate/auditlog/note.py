"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, as in Go's sumdb/note.

A signed note is a text ending in a newline, a blank line, then one or more lines
"— <key name> base64(4-byte key id || signature)". A verifier key is
"<name>+<8 hex digits of key id>+base64(0x01 || 32-byte Ed25519 public key)".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
"""The signature type byte the spec assigns to Ed25519."""

MAX_SIGNATURES = 100
"""Notes with more signature lines are refused (the spec asks for at least 16; Go uses 100)."""

SIGNATURE_PREFIX = "\u2014 "
"""Every signature line starts with an em dash and a space."""

_KEY_ID_SIZE = 4
_PUBLIC_KEY_SIZE = 32
_SIGNATURE_SIZE = 64
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def decode_base64(text: str) -> bytes | None:
    """Decode standard padded base64 only when canonical, so each value has one spelling."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def is_valid_name(name: str) -> bool:
    """Key names must be non-empty without spaces or '+', so lines and keys split unambiguously."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _has_bad_characters(text: str) -> bool:
    """Notes must be UTF-8 without control characters other than newline, per the spec."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return any(ord(c) < 0x20 and c != "\n" for c in text)


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte id that lets a verifier pick its key: SHA-256(name \\n 0x01 key)[:4]."""
    material = name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key
    return hashlib.sha256(material).digest()[:_KEY_ID_SIZE]


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key, the form key ids and verifier keys are computed over."""
    return private_key.public_key().public_bytes_raw()


def verifier_key(name: str, public_key: bytes) -> str:
    """Encode the public half of a key in the form verifiers are configured with."""
    if not is_valid_name(name):
        raise ValueError(f"invalid key name {name!r}: must be non-empty, no spaces and no '+'")
    if len(public_key) != _PUBLIC_KEY_SIZE:
        raise ValueError(f"an Ed25519 public key has 32 bytes, not {len(public_key)}")
    encoded = base64.b64encode(bytes([ED25519]) + public_key).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def _split_key(key: str) -> tuple[str, bytes, bytes] | None:
    """Split "name+hex8+base64" into name, key id and decoded key data, or None if malformed."""
    name, _, rest = key.partition("+")
    id_hex, _, data = rest.partition("+")
    decoded = decode_base64(data)
    if not is_valid_name(name) or _HEX8.fullmatch(id_hex) is None or decoded is None:
        return None
    if len(decoded) != 1 + _PUBLIC_KEY_SIZE or decoded[0] != ED25519:
        return None
    return name, bytes.fromhex(id_hex), decoded[1:]


def parse_verifier_key(vkey: str) -> tuple[str, bytes, bytes] | None:
    """Read a verifier key as (name, key id, public key), refusing any whose id does not match."""
    if not isinstance(vkey, str) or _has_bad_characters(vkey):
        return None
    parts = _split_key(vkey)
    if parts is None or parts[1] != key_id(parts[0], parts[2]):
        return None
    return parts


def signer_key(name: str, private_key: Ed25519PrivateKey) -> str:
    """Encode a private key as Go's note.NewSigner reads it, for tools that share key files."""
    if not is_valid_name(name):
        raise ValueError(f"invalid key name {name!r}: must be non-empty, no spaces and no '+'")
    identifier = key_id(name, public_key_bytes(private_key)).hex()
    seed = base64.b64encode(bytes([ED25519]) + private_key.private_bytes_raw()).decode("ascii")
    return f"{_PRIVATE_PREFIX}{name}+{identifier}+{seed}"


def parse_signer_key(skey: str) -> tuple[str, Ed25519PrivateKey] | None:
    """Read a Go-format signer key as (name, private key), or None if malformed or mismatched."""
    if not isinstance(skey, str) or not skey.startswith(_PRIVATE_PREFIX):
        return None
    if _has_bad_characters(skey):
        return None
    parts = _split_key(skey.removeprefix(_PRIVATE_PREFIX))
    if parts is None:
        return None
    name, expected_id, seed = parts
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    if key_id(name, public_key_bytes(private_key)) != expected_id:
        return None
    return name, private_key


def sign(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign a text into a note with one Ed25519 signature line, refusing texts the spec forbids."""
    if not text or not text.endswith("\n"):
        raise ValueError("a note text must be non-empty and end in a newline")
    if _has_bad_characters(text):
        raise ValueError("a note text must be UTF-8 without control characters other than newline")
    if not is_valid_name(name):
        raise ValueError(f"invalid key name {name!r}: must be non-empty, no spaces and no '+'")
    signature = private_key.sign(text.encode("utf-8"))
    blob = key_id(name, public_key_bytes(private_key)) + signature
    return f"{text}\n{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode('ascii')}\n"


def _split_note(note: str) -> tuple[str, list[str]] | None:
    """Separate a note's text from its signature lines at the last blank line, or None."""
    if not isinstance(note, str) or _has_bad_characters(note):
        return None
    split = note.rfind("\n\n")
    if split < 0:
        return None
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        return None
    lines = block[:-1].split("\n")
    return (text, lines) if len(lines) <= MAX_SIGNATURES else None


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes] | None:
    """Read "— name base64" as (name, key id, signature), or None if the line is malformed."""
    if not line.startswith(SIGNATURE_PREFIX):
        return None
    name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
    blob = decode_base64(encoded)
    if not is_valid_name(name) or blob is None or len(blob) <= _KEY_ID_SIZE:
        return None
    return name, blob[:_KEY_ID_SIZE], blob[_KEY_ID_SIZE:]


def _parse_signatures(lines: list[str]) -> list[tuple[str, bytes, bytes]] | None:
    """Parse every signature line, failing as a whole if any one is malformed."""
    parsed = [_parse_signature_line(line) for line in lines]
    if any(entry is None for entry in parsed):
        return None
    return [entry for entry in parsed if entry is not None]


def note_text(note: str) -> str | None:
    """The text of a well-formed signed note, WITHOUT checking any signature; None if malformed."""
    split = _split_note(note)
    if split is None or _parse_signatures(split[1]) is None:
        return None
    return split[0]


def _ed25519_verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Check one Ed25519 signature, treating any key or length problem as a failure."""
    if len(signature) != _SIGNATURE_SIZE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(note: str, vkey: str) -> bool:
    """True when vkey validly signed the note and no signature line claiming vkey is bad."""
    key = parse_verifier_key(vkey)
    split = _split_note(note)
    if key is None or split is None:
        return False
    signatures = _parse_signatures(split[1])
    if signatures is None:
        return False
    name, wanted_id, public_key = key
    message = split[0].encode("utf-8")
    ours = [sig for sig_name, sig_id, sig in signatures if (sig_name, sig_id) == (name, wanted_id)]
    return bool(ours) and all(_ed25519_verifies(public_key, message, sig) for sig in ours)
