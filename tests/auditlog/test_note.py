"""C2SP signed notes: the Go reference example, tampering, unknown keys and malformed input."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawgate.auditlog import note

# The example in the documentation of Go's golang.org/x/mod/sumdb/note, the reference
# implementation of c2sp.org/signed-note. The signer key is a published test vector.
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_B64 = (
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)
PETER_LINE = f"\u2014 PeterNeumann {PETER_B64}\n"
NOTE = f"{TEXT}\n{PETER_LINE}"
# The second signature of the doubly-signed example in the same documentation.
ENOCH_LINE = (
    "\u2014 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)


def peter_public_key() -> bytes:
    """The example's raw public key, taken from its verifier key by hand."""
    return base64.b64decode(VKEY.split("+", 2)[2])[1:]


def fresh_key(name: str = "example.com/log") -> tuple[Ed25519PrivateKey, str]:
    """A new private key and its verifier key, so tests do not depend on the example alone."""
    private_key = Ed25519PrivateKey.generate()
    return private_key, note.verifier_key(name, note.public_key_bytes(private_key))


def flip(text: str, index: int) -> str:
    """Change one ASCII character to another ASCII character, keeping the note decodable."""
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_the_go_example_verifies() -> None:
    """The reference example must verify, or we do not interoperate with Go."""
    assert note.verify(NOTE, VKEY)


def test_the_example_vkey_is_reproduced_from_its_public_key() -> None:
    """key_id and verifier_key must match Go's encoding byte for byte."""
    public = peter_public_key()
    assert len(public) == 32
    assert note.key_id("PeterNeumann", public) == bytes.fromhex("c74f20a3")
    assert note.verifier_key("PeterNeumann", public) == VKEY


def test_the_example_vkey_parses() -> None:
    """parse_verifier_key returns the pieces verify relies on."""
    assert note.parse_verifier_key(VKEY) == (
        "PeterNeumann",
        bytes.fromhex("c74f20a3"),
        peter_public_key(),
    )


def test_signing_with_the_example_key_reproduces_the_example_note() -> None:
    """Ed25519 is deterministic, so our signer must emit exactly Go's note."""
    parsed = note.parse_signer_key(SKEY)
    assert parsed is not None
    name, private_key = parsed
    assert name == "PeterNeumann"
    assert note.sign(TEXT, name, private_key) == NOTE
    assert note.signer_key(name, private_key) == SKEY


@pytest.mark.parametrize("index", range(len(TEXT)))
def test_changing_any_byte_of_the_text_breaks_verification(index: int) -> None:
    """Every byte of the text is covered by the signature."""
    tampered = TEXT[:index] + chr(ord(TEXT[index]) ^ 1) + TEXT[index + 1 :]
    assert tampered != TEXT
    assert not note.verify(f"{tampered}\n{PETER_LINE}", VKEY)


@pytest.mark.parametrize("index", [0, 1, 3, 4, 5, 10, 30, 50, 70, 85, 89, 90])
def test_changing_the_signature_breaks_verification(index: int) -> None:
    """Changing the key id hides our signature; changing the signature makes it invalid."""
    assert not note.verify(f"{TEXT}\n\u2014 PeterNeumann {flip(PETER_B64, index)}\n", VKEY)


def test_an_extra_signature_by_an_unknown_key_is_ignored() -> None:
    """Witnesses and rotated keys add lines that a verifier must skip, before or after ours."""
    assert note.verify(f"{TEXT}\n{PETER_LINE}{ENOCH_LINE}", VKEY)
    assert note.verify(f"{TEXT}\n{ENOCH_LINE}{PETER_LINE}", VKEY)


def test_a_note_signed_only_by_another_key_fails() -> None:
    """Without a signature by the trusted key the note means nothing."""
    assert not note.verify(f"{TEXT}\n{ENOCH_LINE}", VKEY)
    other, other_vkey = fresh_key("PeterNeumann")
    assert not note.verify(note.sign(TEXT, "PeterNeumann", other), VKEY)
    assert not note.verify(NOTE, other_vkey)


def test_a_bad_signature_by_the_known_key_beside_a_good_one_fails() -> None:
    """A failing signature from a known key rejects the whole note (the spec's SHOULD)."""
    bad_sig = base64.b64decode(PETER_B64)
    bad = bytes(bad_sig[:4]) + bytes(64)
    bad_line = f"\u2014 PeterNeumann {base64.b64encode(bad).decode()}\n"
    assert not note.verify(f"{TEXT}\n{PETER_LINE}{bad_line}", VKEY)
    assert not note.verify(f"{TEXT}\n{bad_line}{PETER_LINE}", VKEY)


def test_same_name_other_key_id_and_same_id_other_name_are_ignored() -> None:
    """A key is the pair (name, id): sharing only one of them makes a line unknown, not bad."""
    blob = base64.b64decode(PETER_B64)
    other_id = base64.b64encode(b"\x00\x00\x00\x00" + blob[4:]).decode()
    assert note.verify(f"{TEXT}\n{PETER_LINE}\u2014 PeterNeumann {other_id}\n", VKEY)
    assert note.verify(f"{TEXT}\n{PETER_LINE}\u2014 PaulNeumann {PETER_B64}\n", VKEY)


def test_sign_then_verify_with_a_fresh_key() -> None:
    """Our own signer and verifier agree, including on texts with blank lines and non-ASCII."""
    private_key, vkey = fresh_key()
    text = "example.com/log\n\nübersicht — 3\n"
    signed = note.sign(text, "example.com/log", private_key)
    assert note.verify(signed, vkey)
    assert note.note_text(signed) == text
    assert not note.verify(signed, VKEY)


def test_a_fresh_signer_key_round_trips() -> None:
    """signer_key and parse_signer_key preserve the private key."""
    private_key, vkey = fresh_key()
    parsed = note.parse_signer_key(note.signer_key("example.com/log", private_key))
    assert parsed is not None
    assert note.verify(note.sign(TEXT, parsed[0], parsed[1]), vkey)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("no final newline", "n"),
        ("", "n"),
        ("text\n", ""),
        ("text\n", "two words"),
        ("text\n", "a+b"),
        ("text\n", "tab\there"),
        ("bell \a\n", "n"),
    ],
)
def test_sign_refuses_what_the_spec_forbids(text: str, name: str) -> None:
    """Signing must not produce a note no verifier could open."""
    with pytest.raises(ValueError):
        note.sign(text, name, Ed25519PrivateKey.generate())


def test_too_many_signatures_are_refused() -> None:
    """A bound on signature lines keeps verification cheap on hostile input."""
    unknown = [f"\u2014 other{i} {PETER_B64}\n" for i in range(note.MAX_SIGNATURES)]
    assert note.verify(f"{TEXT}\n{''.join(unknown[1:])}{PETER_LINE}", VKEY)
    assert not note.verify(f"{TEXT}\n{''.join(unknown)}{PETER_LINE}", VKEY)


MALFORMED_NOTES = {
    "empty": "",
    "text only": TEXT,
    "no blank line": TEXT + PETER_LINE,
    "no signatures": TEXT + "\n",
    "signature line without final newline": NOTE[:-1],
    "hyphen instead of em dash": f"{TEXT}\n- PeterNeumann {PETER_B64}\n",
    "em dash without space": f"{TEXT}\n\u2014PeterNeumann {PETER_B64}\n",
    "no space before signature": f"{TEXT}\n\u2014 PeterNeumann{PETER_B64}\n",
    "two spaces before signature": f"{TEXT}\n\u2014 PeterNeumann  {PETER_B64}\n",
    "empty name": f"{TEXT}\n\u2014  {PETER_B64}\n",
    "plus in name": f"{TEXT}\n{PETER_LINE}\u2014 a+b {PETER_B64}\n",
    "bad base64": f"{TEXT}\n\u2014 PeterNeumann {PETER_B64[:-2]}!!\n",
    "unpadded base64": f"{TEXT}\n\u2014 PeterNeumann {PETER_B64.rstrip('=')}\n",
    "empty signature": f"{TEXT}\n\u2014 PeterNeumann \n",
    "signature of only a key id": f"{TEXT}\n\u2014 PeterNeumann xw8gow==\n",
    "short signature": f"{TEXT}\n\u2014 PeterNeumann {PETER_B64[:-8]}AAAA\n",
    "long signature": f"{TEXT}\n\u2014 PeterNeumann {PETER_B64[:-4]}AAAAAAAA\n",
    "malformed unknown line beside a good one": f"{NOTE}\u2014 other !!!!\n",
    "blank line among signatures": f"{NOTE}\n{ENOCH_LINE}",
    "trailing blank line": NOTE + "\n",
    "carriage return": NOTE.replace("\n", "\r\n"),
    "control character in text": "\x00" + NOTE,
    "lone surrogate (not UTF-8)": "\udcff" + NOTE,
    "text missing (begins with blank line)": f"\n{PETER_LINE}",
}


@pytest.mark.parametrize("bad", MALFORMED_NOTES.values(), ids=MALFORMED_NOTES.keys())
def test_malformed_notes_are_rejected_without_raising(bad: str) -> None:
    """Hostile input yields False, never an exception."""
    assert note.verify(bad, VKEY) is False


MALFORMED_VKEYS = {
    "empty": "",
    "name only": "PeterNeumann",
    "no key": "PeterNeumann+c74f20a3",
    "empty key": "PeterNeumann+c74f20a3+",
    "wrong key id": "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "other name": "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "short key id": "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "prefixed key id": "PeterNeumann+0xc74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "wrong algorithm": "PeterNeumann+c74f20a3+Anpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "short key": "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy",
    "bad base64": "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T*",
    "trailing newline": VKEY + "\n",
    "not a string": b"PeterNeumann",
}


@pytest.mark.parametrize("vkey", MALFORMED_VKEYS.values(), ids=MALFORMED_VKEYS.keys())
def test_malformed_vkeys_are_rejected_without_raising(vkey: str) -> None:
    """A bad verifier key can neither parse nor verify anything."""
    assert note.parse_verifier_key(vkey) is None
    assert note.verify(NOTE, vkey) is False


def test_every_truncation_and_byte_change_of_the_vkey_is_rejected() -> None:
    """As in Go's own test, no proper substring or one-byte change of the vkey is valid."""
    for start in range(len(VKEY)):
        for end in range(start + 1, len(VKEY) + 1):
            if (start, end) != (0, len(VKEY)):
                assert note.parse_verifier_key(VKEY[start:end]) is None
    for index in range(len(VKEY)):
        changed = VKEY[:index] + chr(ord(VKEY[index]) + 1) + VKEY[index + 1 :]
        assert note.parse_verifier_key(changed) is None


def test_malformed_signer_keys_are_rejected() -> None:
    """A signer key with a wrong prefix, id or length must not load."""
    assert note.parse_signer_key(SKEY.replace("PRIVATE", "PUBLIC")) is None
    assert note.parse_signer_key(SKEY.replace("c74f20a3", "c74f20a4")) is None
    assert note.parse_signer_key(SKEY[:-4]) is None
    assert note.parse_signer_key(VKEY) is None


def test_verifier_key_refuses_bad_names_and_lengths() -> None:
    """Encoding a key must not produce a vkey nobody can parse."""
    with pytest.raises(ValueError):
        note.verifier_key("a b", peter_public_key())
    with pytest.raises(ValueError):
        note.verifier_key("PeterNeumann", peter_public_key()[:31])
