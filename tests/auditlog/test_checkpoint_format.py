"""C2SP tlog-checkpoint bodies: exact format, strict parsing, and signing through signed notes."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawgate.auditlog import note
from lawgate.auditlog.checkpoint import (
    Checkpoint,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)

ORIGIN = "example.com/behind-the-sofa"
ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
EMPTY_ROOT = hashlib.sha256(b"").digest()
SPEC_BODY = f"{ORIGIN}\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def keypair(name: str = ORIGIN) -> tuple[Ed25519PrivateKey, str]:
    """A fresh log key and its verifier key, named after the origin as the spec suggests."""
    private_key = Ed25519PrivateKey.generate()
    return private_key, note.verifier_key(name, note.public_key_bytes(private_key))


def test_the_body_matches_the_spec_example() -> None:
    """The body is origin, decimal size and base64 root, one per line."""
    assert Checkpoint(ORIGIN, 20852163, ROOT).body() == SPEC_BODY
    assert parse_checkpoint(SPEC_BODY) == Checkpoint(ORIGIN, 20852163, ROOT)


def test_extensions_follow_the_root_one_per_line() -> None:
    """Extension lines are kept in order, each ending in a newline."""
    checkpoint = Checkpoint(ORIGIN, 5, ROOT, ("ext one", "— two"))
    assert checkpoint.body() == f"{SPEC_BODY.replace('20852163', '5')}ext one\n— two\n"
    assert parse_checkpoint(checkpoint.body()) == checkpoint


@pytest.mark.parametrize(
    "checkpoint",
    [
        Checkpoint(ORIGIN, 0, EMPTY_ROOT),
        Checkpoint(ORIGIN, 1, ROOT),
        Checkpoint("lawgate.example/audit", 2**64 - 1, ROOT, ("x",)),
        Checkpoint("übersicht log", 10, bytes(32)),
    ],
)
def test_body_parse_and_sign_open_round_trip(checkpoint: Checkpoint) -> None:
    """A checkpoint survives writing, parsing, signing and opening unchanged."""
    assert parse_checkpoint(checkpoint.body()) == checkpoint
    private_key, vkey = keypair(checkpoint.origin.replace(" ", "_"))
    signed = sign_checkpoint(checkpoint, checkpoint.origin.replace(" ", "_"), private_key)
    assert signed.startswith(checkpoint.body() + "\n\u2014 ")
    assert open_checkpoint(signed, vkey) == checkpoint
    assert parse_checkpoint(signed) == checkpoint


def test_the_empty_tree_is_size_zero_with_the_hash_of_nothing() -> None:
    """RFC 9162's empty tree root is SHA-256 of the empty string."""
    body = Checkpoint(ORIGIN, 0, EMPTY_ROOT).body()
    assert body == f"{ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"


def long_size() -> str:
    """One more than the largest uint64, which no tree size may exceed."""
    return str(2**64)


BAD_BODIES = {
    "empty": "",
    "only newlines": "\n\n\n",
    "two lines": f"{ORIGIN}\n1\n",
    "no final newline": SPEC_BODY[:-1],
    "empty origin": SPEC_BODY.replace(ORIGIN, ""),
    "leading zero": SPEC_BODY.replace("20852163", "020852163"),
    "double zero": SPEC_BODY.replace("20852163", "00"),
    "plus sign": SPEC_BODY.replace("20852163", "+20852163"),
    "minus sign": SPEC_BODY.replace("20852163", "-1"),
    "underscore": SPEC_BODY.replace("20852163", "20_852_163"),
    "spaces around size": SPEC_BODY.replace("20852163", " 20852163"),
    "non-ASCII digits": SPEC_BODY.replace("20852163", "\u0662\u0660"),
    "hex size": SPEC_BODY.replace("20852163", "0x10"),
    "size beyond uint64": SPEC_BODY.replace("20852163", long_size()),
    "empty size": SPEC_BODY.replace("20852163", ""),
    "root of 31 bytes": f"{ORIGIN}\n1\n{base64.b64encode(bytes(31)).decode()}\n",
    "root of 33 bytes": f"{ORIGIN}\n1\n{base64.b64encode(bytes(33)).decode()}\n",
    "root unpadded": SPEC_BODY.replace("q2I=", "q2I"),
    "root in hex": f"{ORIGIN}\n1\n{ROOT.hex()}\n",
    "root non-canonical": SPEC_BODY.replace("q2I=", "q2J="),
    "empty extension line": f"{SPEC_BODY}\nextension\n",
    "trailing blank line": f"{SPEC_BODY}\n",
    "carriage returns": SPEC_BODY.replace("\n", "\r\n"),
    "control character in origin": SPEC_BODY.replace("example", "exa\x00mple"),
    "note with malformed signature block": f"{SPEC_BODY}\nnot a signature\n",
}


@pytest.mark.parametrize("text", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_the_parser_refuses_malformed_bodies(text: str) -> None:
    """Anything but the exact format yields None, never an exception."""
    assert parse_checkpoint(text) is None


@pytest.mark.parametrize(
    ("origin", "size", "root", "extensions"),
    [
        ("", 1, ROOT, ()),
        ("two\nlines", 1, ROOT, ()),
        (ORIGIN, -1, ROOT, ()),
        (ORIGIN, 2**64, ROOT, ()),
        (ORIGIN, 1, ROOT[:31], ()),
        (ORIGIN, 1, ROOT, ("",)),
        (ORIGIN, 1, ROOT, ("a\nb",)),
    ],
)
def test_a_checkpoint_that_cannot_round_trip_cannot_be_built(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    """Refusing bad fields up front means a log can never sign a malformed body."""
    with pytest.raises(ValueError):
        Checkpoint(origin, size, root, extensions)


def test_a_checkpoint_signed_by_one_key_does_not_open_with_another() -> None:
    """Only the trusted log key makes a checkpoint count."""
    checkpoint = Checkpoint(ORIGIN, 7, ROOT)
    private_key, vkey = keypair()
    _, other_vkey = keypair()
    signed = sign_checkpoint(checkpoint, ORIGIN, private_key)
    assert open_checkpoint(signed, vkey) == checkpoint
    assert open_checkpoint(signed, other_vkey) is None
    assert open_checkpoint(signed, "not a vkey") is None


def test_changing_size_or_root_of_a_signed_checkpoint_fails_to_open() -> None:
    """The signature binds the size and the root, so neither can be swapped."""
    private_key, vkey = keypair()
    signed = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), ORIGIN, private_key)
    other_root = base64.b64encode(EMPTY_ROOT).decode()
    for tampered in [
        signed.replace("\n7\n", "\n8\n", 1),
        signed.replace("\n7\n", "\n70\n", 1),
        signed.replace(base64.b64encode(ROOT).decode(), other_root, 1),
    ]:
        assert tampered != signed
        assert parse_checkpoint(tampered) is not None
        assert open_checkpoint(tampered, vkey) is None


def test_a_valid_signature_over_a_malformed_body_does_not_open() -> None:
    """Verification alone is not enough: the signed text must also be a checkpoint."""
    private_key, vkey = keypair()
    signed = note.sign(f"{ORIGIN}\n007\n{base64.b64encode(ROOT).decode()}\n", ORIGIN, private_key)
    assert note.verify(signed, vkey)
    assert open_checkpoint(signed, vkey) is None
