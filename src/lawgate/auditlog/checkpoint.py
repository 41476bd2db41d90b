"""C2SP transparency-log checkpoints (c2sp.org/tlog-checkpoint) carried in signed notes.

A checkpoint body is "<origin>\\n<tree size>\\n<base64 root hash>\\n" followed by optional
non-empty extension lines; it is the text of a signed note.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawgate.auditlog.note import decode_base64, note_text, sign, verify

ROOT_SIZE = 32
"""RFC 6962 / RFC 9162 root hashes are SHA-256 digests."""

MAX_SIZE = 2**64 - 1
"""Tree sizes are unsigned 64-bit numbers, as in the Go and transparency-dev implementations."""

_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


def _is_valid_line(line: str) -> bool:
    """Body lines must be non-empty and hold no newline or other control character."""
    return isinstance(line, str) and bool(line) and all(ord(c) >= 0x20 for c in line)


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: who issued it, how many leaves, and the Merkle root over them."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse values that could not round-trip through a body, so none is ever signed."""
        if not _is_valid_line(self.origin):
            raise ValueError("a checkpoint origin must be one non-empty line")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise ValueError("a checkpoint size must be an integer")
        if not 0 <= self.size <= MAX_SIZE:
            raise ValueError(f"a checkpoint size must lie in 0..2**64-1, not {self.size}")
        if not isinstance(self.root, bytes) or len(self.root) != ROOT_SIZE:
            raise ValueError("a checkpoint root must be 32 bytes")
        if not all(_is_valid_line(line) for line in self.extensions):
            raise ValueError("checkpoint extension lines must be non-empty single lines")

    def body(self) -> str:
        """The exact note text that gets signed: origin, size, base64 root, extensions."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii")]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])


def _body_of(text: str) -> str | None:
    """The checkpoint body in text, which is either a bare body or a whole signed note."""
    if not isinstance(text, str):
        return None
    return note_text(text) if "\n\n" in text else text


def _parse_size(line: str) -> int | None:
    """Read a tree size written canonically: ASCII digits, no sign, no leading zeros."""
    if _SIZE.fullmatch(line) is None:
        return None
    size = int(line)
    return size if size <= MAX_SIZE else None


def _parse_root(line: str) -> bytes | None:
    """Read the root hash: canonical base64 of exactly 32 bytes."""
    root = decode_base64(line)
    return root if root is not None and len(root) == ROOT_SIZE else None


def parse_checkpoint(text: str) -> Checkpoint | None:
    """Read a checkpoint body (or a signed note's text) WITHOUT checking signatures; None if bad."""
    body = _body_of(text)
    if body is None or not body.endswith("\n"):
        return None
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not all(_is_valid_line(line) for line in lines):
        return None
    size, root = _parse_size(lines[1]), _parse_root(lines[2])
    if size is None or root is None:
        return None
    return Checkpoint(lines[0], size, root, tuple(lines[3:]))


def sign_checkpoint(checkpoint: Checkpoint, name: str, private_key: Ed25519PrivateKey) -> str:
    """Publish a checkpoint as a signed note; the key name should equal the origin by convention."""
    return sign(checkpoint.body(), name, private_key)


def open_checkpoint(note: str, vkey: str) -> Checkpoint | None:
    """The checkpoint in a note only if vkey signed it and the body is well formed, else None."""
    if not verify(note, vkey):
        return None
    text = note_text(note)
    return None if text is None else parse_checkpoint(text)
