"""`lawgate audit verify`: recompute the whole tree from the entries and check everything stored.

One pass over the entries in index order (bounded batches, so memory does not grow with the
log): every entry's index, columns and leaf hash against its canonical JSON; every stored tree
node against the one recomputed from the entries below it; the head; then every checkpoint's
signature, its size and root against the recomputed tree, and consistency between consecutive
checkpoints. The first problem found in the entries names the entry (or node) and stops the
pass, because everything after it would differ too; checkpoints are each checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lawgate.auditlog import merkle, tree
from lawgate.auditlog.checkpoint import open_checkpoint
from lawgate.auditlog.log import HEAD_ID, Frontier
from lawgate.auditlog.models import AuditHeadRow, AuditNodeRow, CheckpointRow
from lawgate.store.base import as_utc

BATCH = 10_000
ZERO = dt.timedelta(0)
_quote: Callable[[str], str] = json.encoder.encode_basestring
"""JSON string quoting exactly as json.dumps(ensure_ascii=False) does it (C-accelerated)."""
OnProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """Where the log is wrong and how."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Report:
    """What was checked and every problem found (empty when the log is intact)."""

    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True only when nothing is wrong."""
        return not self.problems


class _StopError(Exception):
    """Raised inside the pass at the first bad entry or node."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _iso(at: dt.datetime | str) -> str:
    """A stored time as the entry wrote it (UTC, ISO 8601 with offset); SQLite gives text."""
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is None:
        return at.isoformat() + "+00:00"
    return at.isoformat() if at.utcoffset() == ZERO else as_utc(at).isoformat()


def _entry_problem(row: Sequence[Any], expected: int) -> str | None:
    """What is wrong with one stored entry, if anything (fast path: no JSON parsing)."""
    index, event, actor, subject, at, canonical, stored = row
    if index != expected:
        return f"missing: the next stored entry has index {index}"
    if hashlib.sha256(b"\x00" + canonical.encode()).digest() != stored:
        return "its stored leaf hash does not match its content"
    # Canonical JSON has sorted keys: actor, at, details, event, index, subject. The columns
    # and the index are proven equal to the hashed content by its exact head and tail.
    head = f'{{"actor":{_quote(actor)},"at":{_quote(_iso(at))},"details":'
    tail = f',"event":{_quote(event)},"index":{index},"subject":{_quote(subject)}}}'
    if canonical.startswith(head) and canonical.endswith(tail):
        return None
    return _explain(row)


def _explain(row: Sequence[Any]) -> str:
    """Say which part of an entry disagrees with its content (the slow path)."""
    index, event, actor, subject, at, canonical, _ = row
    try:
        body = json.loads(canonical)
    except ValueError:
        return "its content is not JSON"
    if not isinstance(body, dict):
        return "its content is not a JSON object"
    if body.get("index") != index:
        return f"its content says index {body.get('index')!r}: entries were moved"
    columns = {"event": event, "actor": actor, "subject": subject, "at": _iso(at)}
    changed = [name for name, value in columns.items() if body.get(name) != value]
    if changed:
        return f"column {', '.join(changed)} differs from its content"
    return "its content is not in canonical form"


ENTRIES = sa.text(
    'SELECT "index", event, actor, subject, at, canonical, leaf_hash FROM audit_entries '
    'WHERE "index" > :last ORDER BY "index" LIMIT :batch'
)
"""Raw columns, no type conversion: times come as the database gives them (see _iso)."""


def _batches(session: Session) -> Iterator[list[Sequence[Any]]]:
    """Entries in index order, BATCH at a time (keyset pagination: flat memory)."""
    last = -1
    while True:
        result = session.execute(ENTRIES, {"last": last, "batch": BATCH})
        rows: list[Sequence[Any]] = list(result)
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _nodes(session: Session, first: int, end: int) -> list[tuple[int, bytes]]:
    """Stored internal nodes with creation numbers in [first, end)."""
    query = sa.select(AuditNodeRow.seq, AuditNodeRow.hash).where(
        AuditNodeRow.seq >= first, AuditNodeRow.seq < end
    )
    return [(seq, bytes(h)) for seq, h in session.execute(query.order_by(AuditNodeRow.seq))]


@dataclass
class _Pass:
    """The state of the single pass: the recomputed frontier and the roots checkpoints need."""

    wanted: set[int]
    frontier: Frontier = field(default_factory=lambda: Frontier([], []))
    count: int = 0
    roots: dict[int, bytes] = field(default_factory=dict)

    def feed(self, rows: list[Sequence[Any]], stored: list[tuple[int, bytes]]) -> int:
        """Check a batch of entries and the nodes they complete; returns nodes checked."""
        expected = iter(stored)
        checked = 0
        for row in rows:
            problem = _entry_problem(row, self.count)
            if problem:
                raise _StopError(Problem(f"entry {self.count}", problem))
            first_seq = merkle.nodes_before(self.count)
            for level, digest in enumerate(self.frontier.add(bytes(row[6])), start=1):
                self._check_node(next(expected, None), digest, first_seq + level - 1, level)
                checked += 1
            self.count += 1
            if self.count in self.wanted:
                self.roots[self.count] = self.frontier.root()
        return checked

    def _check_node(
        self, stored: tuple[int, bytes] | None, digest: bytes, seq: int, level: int
    ) -> None:
        """A stored node must exist in its place and equal the recomputed one."""
        if stored is None or stored[0] != seq:
            raise _StopError(Problem(f"tree node {seq}", "missing or out of place"))
        if stored[1] != digest:
            first = self.count + 1 - (1 << level)
            message = f"does not match entries {first}..{self.count} below it"
            raise _StopError(Problem(f"tree node {seq}", message))


def _check_head(session: Session, state: _Pass, report: Report) -> None:
    """The head must describe exactly the entries stored."""
    head = session.get(AuditHeadRow, HEAD_ID)
    size = head.size if head else 0
    if size < state.count:
        report.problems.append(
            Problem(f"entry {size}", "stored beyond the head's size: added outside the log")
        )
    elif size > state.count:
        report.problems.append(
            Problem(f"entry {state.count}", f"missing: the head says {size} entries")
        )
    elif head is not None and head.frontier != state.frontier.pack():
        report.problems.append(Problem("head", "its frontier does not match the entries"))
    stored_nodes = session.scalar(sa.select(sa.func.count()).select_from(AuditNodeRow)) or 0
    if stored_nodes != merkle.nodes_before(state.count):
        extra = stored_nodes - merkle.nodes_before(state.count)
        report.problems.append(Problem("tree", f"{extra:+d} nodes beyond those of the entries"))


def _check_checkpoint(
    row: CheckpointRow, vkey: str, state: _Pass, previous: CheckpointRow | None
) -> str | None:
    """What is wrong with one stored checkpoint, if anything."""
    signed = open_checkpoint(row.note, vkey)
    if signed is None:
        return "its signature does not verify with the log key"
    if signed.size != row.size or signed.root != bytes(row.root):
        return "its stored size or root differs from its signed note"
    if signed.size > state.count:
        return f"signs {signed.size} entries but only {state.count} check out"
    root = state.roots.get(signed.size, merkle.EMPTY_ROOT if signed.size == 0 else None)
    if root != signed.root:
        return "its signed root does not match the entries: the log was rewritten"
    if previous is not None and previous.size > signed.size:
        return f"smaller than the checkpoint before it ({previous.size} entries)"
    return None


def _consistent_with(session: Session, previous: CheckpointRow, row: CheckpointRow) -> bool:
    """The stored tree proves the later checkpoint extends the earlier one."""
    if previous.size == 0 or previous.size == row.size:
        return True
    step = tree.consistency(session, previous.size, row.size)
    return merkle.verify_consistency(
        previous.size, row.size, step.proof, bytes(previous.root), bytes(row.root)
    )


def _check_checkpoints(
    session: Session, rows: list[CheckpointRow], state: _Pass, vkey: str, report: Report
) -> None:
    """Every checkpoint: signature, size, root, order and consistency with the one before."""
    previous: CheckpointRow | None = None
    for row in rows:
        problem = _check_checkpoint(row, vkey, state, previous)
        checkable = problem is None and previous is not None and report.ok
        if checkable and previous and not _consistent_with(session, previous, row):
            problem = f"no valid consistency proof from checkpoint {previous.id}"
        if problem:
            report.problems.append(Problem(f"checkpoint {row.id} (size {row.size})", problem))
        else:
            previous = row
        report.checkpoints += 1


def verify_log(session: Session, vkey: str, on_progress: OnProgress | None = None) -> Report:
    """Check the entire log against itself and its checkpoints; see the module docstring."""
    report = Report()
    checkpoints = list(session.scalars(sa.select(CheckpointRow).order_by(CheckpointRow.id)))
    total = tree.size(session)
    state = _Pass({c.size for c in checkpoints})
    try:
        for rows in _batches(session):
            start = state.count
            stored = _nodes(
                session, merkle.nodes_before(start), merkle.nodes_before(start + len(rows))
            )
            report.nodes += state.feed(rows, stored)
            report.entries = state.count
            if on_progress is not None:
                on_progress(state.count, total)
    except _StopError as stop:
        report.problems.append(stop.problem)
    else:
        _check_head(session, state, report)
    _check_checkpoints(session, checkpoints, state, vkey, report)
    return report
