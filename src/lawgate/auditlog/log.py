"""Appending entries: canonical JSON, RFC 9162 leaf hashes, one gap-free sequence."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lawgate.auditlog import merkle
from lawgate.auditlog.models import AuditEntryRow, AuditHeadRow, AuditNodeRow
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


@dataclass(frozen=True)
class Event:
    """One thing to log: an event tag, who did it, what it is about, and hashes or counts."""

    event: str
    actor: str
    subject: str
    details: Mapping[str, Scalar] | None = None


def append(
    session: Session,
    event: str,
    actor: str,
    subject: str,
    details: Mapping[str, Scalar] | None = None,
) -> AppendedEntry:
    """Add one entry at the next index; the head row lock keeps indexes gap-free and unique."""
    (appended,) = append_many(session, [Event(event, actor, subject, details)])
    return appended


def append_many(session: Session, events: Sequence[Event]) -> list[AppendedEntry]:
    """Add entries in order under one head lock, growing the Merkle tree with them."""
    for item in events:
        if not EVENT_PATTERN.fullmatch(item.event):
            raise InvalidInputError(
                f"audit event tag {item.event!r} is not of the form 'noun:verb'", "event"
            )
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).with_for_update()
    ).scalar_one()
    tree = Frontier.unpack(head.size, head.frontier or b"")
    at = utcnow()
    entries: list[dict[str, object]] = []
    nodes: list[dict[str, object]] = []
    appended: list[AppendedEntry] = []
    for item in events:
        index = head.size + len(entries)
        text = canonical_json(_body(index, item, at))
        digest = leaf_hash(text)
        entries.append(_row(index, item, at, text, digest))
        appended.append(AppendedEntry(index, digest))
        first = merkle.nodes_before(index)
        nodes += [{"seq": first + n, "hash": h} for n, h in enumerate(tree.add(digest))]
    if not entries:
        return []
    session.execute(insert(AuditEntryRow), entries)
    if nodes:
        session.execute(insert(AuditNodeRow), nodes)
    head.size += len(entries)
    head.last_hash = appended[-1].leaf_hash
    head.frontier = tree.pack()
    session.flush()
    return appended


def _body(index: int, item: Event, at: dt.datetime) -> dict[str, object]:
    """The entry as it is hashed: no data, only tags, ids, counts and hashes."""
    return {
        "index": index,
        "event": item.event,
        "actor": item.actor,
        "subject": item.subject,
        "at": at.isoformat(),
        "details": dict(item.details or {}),
    }


def _row(index: int, item: Event, at: dt.datetime, text: str, digest: bytes) -> dict[str, object]:
    """The stored row of an entry."""
    return {
        "index": index,
        "event": item.event,
        "actor": item.actor,
        "subject": item.subject,
        "at": at,
        "canonical": text,
        "leaf_hash": digest,
    }


@dataclass
class Frontier:
    """The perfect subtrees tiling the tree (a compact range): enough to append and take roots."""

    levels: list[int]
    hashes: list[bytes]

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> Frontier:
        """From the head row: levels follow from the size's bits, hashes are 32 bytes each."""
        levels = [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]
        hashes = [packed[i : i + merkle.HASH_SIZE] for i in range(0, len(packed), merkle.HASH_SIZE)]
        if len(hashes) != len(levels):
            raise ValueError(f"the audit head's frontier does not fit size {size}")
        return cls(levels, hashes)

    def pack(self) -> bytes:
        """For the head row."""
        return b"".join(self.hashes)

    def add(self, leaf: bytes) -> list[bytes]:
        """Append a leaf; returns the internal nodes it completed, in creation order."""
        made: list[bytes] = []
        level, digest = 0, leaf
        while self.levels and self.levels[-1] == level:
            self.levels.pop()
            digest, level = merkle.node_hash(self.hashes.pop(), digest), level + 1
            made.append(digest)
        self.levels.append(level)
        self.hashes.append(digest)
        return made

    def root(self) -> bytes:
        """The tree's root hash (SHA-256 of nothing for the empty tree)."""
        return merkle.fold(self.hashes) if self.hashes else merkle.EMPTY_ROOT


@dataclass(frozen=True)
class LoggedEntry:
    """One entry as other packages read it: the row stays in auditlog."""

    index: int
    event: str
    actor: str
    subject: str
    at: dt.datetime
    canonical: str
    """The signed canonical JSON, whose `details` hold what the entry recorded."""

    @property
    def details(self) -> dict[str, object]:
        """The details the entry recorded, read from its canonical JSON."""
        found: dict[str, object] = json.loads(self.canonical)["details"]
        return found


def entries_for(session: Session, subject: str) -> list[LoggedEntry]:
    """The trail of one subject (a request id), oldest first."""
    query = select(AuditEntryRow).where(AuditEntryRow.subject == subject)
    return [
        LoggedEntry(row.index, row.event, row.actor, row.subject, row.at, row.canonical)
        for row in session.scalars(query.order_by(AuditEntryRow.index))
    ]
