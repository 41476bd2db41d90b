"""Publishing the log: its Ed25519 key, its origin, and signed checkpoints (all kept).

The log key is separate from the platform's package-signing key: one key per protocol. It lives
at $LAWGATE_HOME/keys/log_ed25519 (PKCS#8 PEM, mode 0600) and is made on first use. Auditors
verify checkpoints with the verifier key (``name+keyid+key``) that ``lawgate audit checkpoint``
and ``GET /log/key`` print; the key name is the log's origin.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate import secretfiles
from lawgate.auditlog import note
from lawgate.auditlog.checkpoint import Checkpoint, sign_checkpoint
from lawgate.auditlog.log import HEAD_ID, Frontier
from lawgate.auditlog.models import AuditHeadRow, CheckpointRow
from lawgate.errors import ConfigError
from lawgate.store.base import utcnow

KEY_FILE = Path("keys") / "log_ed25519"


def log_key_path(home: Path) -> Path:
    """Where the log's private key lives."""
    return home / KEY_FILE


def ensure_log_key(home: Path) -> Ed25519PrivateKey:
    """The log key, created (readable by its owner only) on first use."""
    path = log_key_path(home)
    if not path.exists():
        _create_key_file(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 private key")
    return key


def _create_key_file(path: Path) -> None:
    """A new key, written whole; a racing process's key wins if it was first."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    secretfiles.write_new(path, pem)


def verifier_key(origin: str, key: Ed25519PrivateKey) -> str:
    """What auditors pin: the C2SP verifier key of the log."""
    return note.verifier_key(origin, note.public_key_bytes(key))


def make_checkpoint(session: Session, key: Ed25519PrivateKey, origin: str) -> CheckpointRow:
    """Sign the tree as it stands (head locked, so size and root agree) and keep the note."""
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).with_for_update()
    ).scalar_one()
    root = Frontier.unpack(head.size, head.frontier or b"").root()
    signed = sign_checkpoint(Checkpoint(origin, head.size, root), origin, key)
    row = CheckpointRow(size=head.size, root=root, note=signed, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def latest(session: Session) -> CheckpointRow | None:
    """The newest checkpoint, if any was made."""
    query = select(CheckpointRow).order_by(CheckpointRow.id.desc()).limit(1)
    return session.scalars(query).first()


def checkpoint_if_grown(
    session: Session, key: Ed25519PrivateKey, origin: str
) -> CheckpointRow | None:
    """A new checkpoint when the log grew since the last one (the periodic job)."""
    newest = latest(session)
    head = session.get(AuditHeadRow, HEAD_ID)
    if head is None or head.size == 0 or (newest is not None and newest.size >= head.size):
        return None
    return make_checkpoint(session, key, origin)
