"""Appending entries: canonical JSON, RFC 9162 leaf hashes, one gap-free sequence."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow, AuditHeadRow
from lawgate.errors import InvalidInputError
from lawgate.store.base import utcnow

EVENT_PATTERN = re.compile(r"^[a-z_]+(:[a-z_]+){1,3}$")
HEAD_ID = 1

Scalar = str | int | bool | None


@dataclass(frozen=True)
class AppendedEntry:
    """What an append returns: where the entry sits and the hash that commits to it."""

    index: int
    leaf_hash: bytes


def canonical_json(value: Mapping[str, object]) -> str:
    """Sorted keys, no whitespace, UTF-8: one byte string per entry so hashes are reproducible."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def leaf_hash(canonical: str) -> bytes:
    """RFC 9162 section 2.1.1: SHA-256 over 0x00 followed by the entry."""
    return hashlib.sha256(b"\x00" + canonical.encode("utf-8")).digest()


def append(
    session: Session,
    event: str,
    actor: str,
    subject: str,
    details: Mapping[str, Scalar] | None = None,
) -> AppendedEntry:
    """Add one entry at the next index; the head row lock keeps indexes gap-free and unique."""
    if not EVENT_PATTERN.match(event):
        raise InvalidInputError(
            f"audit event tag {event!r} is not of the form 'noun:verb'", "event"
        )
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).with_for_update()
    ).scalar_one()
    at = utcnow()
    body = {
        "index": head.size,
        "event": event,
        "actor": actor,
        "subject": subject,
        "at": at.isoformat(),
        "details": dict(details or {}),
    }
    text = canonical_json(body)
    digest = leaf_hash(text)
    row = AuditEntryRow(
        index=head.size,
        event=event,
        actor=actor,
        subject=subject,
        at=at,
        canonical=text,
        leaf_hash=digest,
    )
    session.add(row)
    head.size += 1
    head.last_hash = digest
    session.flush()
    return AppendedEntry(index=row.index, leaf_hash=digest)


def entries_for(session: Session, subject: str) -> list[AuditEntryRow]:
    """The trail of one subject (a request id), oldest first."""
    query = select(AuditEntryRow).where(AuditEntryRow.subject == subject)
    return list(session.scalars(query.order_by(AuditEntryRow.index)))
