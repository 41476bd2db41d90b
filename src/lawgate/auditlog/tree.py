"""Reading the stored Merkle tree: roots, inclusion and consistency proofs, entries.

Every answer needs O(log n) stored hashes: leaves come from audit_entries.leaf_hash, internal
perfect-subtree nodes from audit_nodes by their creation number; each request fetches all the
hashes it needs in at most two indexed queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog import merkle
from lawgate.auditlog.log import HEAD_ID
from lawgate.auditlog.models import AuditEntryRow, AuditHeadRow, AuditNodeRow
from lawgate.errors import InvalidInputError, NotFoundError

MAX_ENTRIES = 1000


@dataclass(frozen=True)
class InclusionProof:
    """Leaf `index` of the tree of `size` leaves, with the hashes that lead to `root`."""

    index: int
    size: int
    leaf_hash: bytes
    proof: list[bytes]
    root: bytes


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of `size2` leaves extends the tree of `size1` leaves."""

    size1: int
    size2: int
    proof: list[bytes]
    root1: bytes
    root2: bytes


def size(session: Session) -> int:
    """How many entries the log holds."""
    head = session.get(AuditHeadRow, HEAD_ID)
    return head.size if head else 0


def _fetch(session: Session, nodes: Sequence[merkle.NodeId]) -> dict[merkle.NodeId, bytes]:
    """Stored hashes of perfect nodes: leaves by entry index, internal nodes by creation number."""
    leaves = [index for level, index in nodes if level == 0]
    internal = {merkle.node_seq(level, index): (level, index) for level, index in nodes if level}
    found: dict[merkle.NodeId, bytes] = {}
    if leaves:
        query = select(AuditEntryRow.index, AuditEntryRow.leaf_hash)
        for index, digest in session.execute(query.where(AuditEntryRow.index.in_(leaves))):
            found[(0, index)] = bytes(digest)
    if internal:
        query_nodes = select(AuditNodeRow.seq, AuditNodeRow.hash)
        for seq, digest in session.execute(query_nodes.where(AuditNodeRow.seq.in_(internal))):
            found[internal[seq]] = bytes(digest)
    missing = [node for node in nodes if node not in found]
    if missing:
        raise NotFoundError(f"the audit tree is missing node(s) {missing[:3]}", "tree")
    return found


def _check_size(session: Session, tree_size: int, name: str) -> None:
    """A tree size must be one the log has reached."""
    current = size(session)
    if not 0 <= tree_size <= current:
        raise InvalidInputError(f"{name} must be between 0 and the log size {current}", name)


def root(session: Session, tree_size: int) -> bytes:
    """The root hash of the first `tree_size` entries."""
    _check_size(session, tree_size, "size")
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    (digest,) = merkle.hash_ranges([(0, tree_size)], lambda ids: _fetch(session, ids))
    return digest


def inclusion(session: Session, index: int, tree_size: int) -> InclusionProof:
    """The inclusion proof of entry `index` in the tree of `tree_size` entries."""
    _check_size(session, tree_size, "size")
    if not 0 <= index < tree_size:
        raise InvalidInputError(f"index must be between 0 and {tree_size - 1}", "index")
    ranges = [*merkle.inclusion_ranges(index, tree_size), (index, index + 1), (0, tree_size)]
    *proof, leaf, top = merkle.hash_ranges(ranges, lambda ids: _fetch(session, ids))
    return InclusionProof(index, tree_size, leaf, proof, top)


def consistency(session: Session, size1: int, size2: int) -> ConsistencyProof:
    """The consistency proof between two sizes the log has reached (size1 >= 1)."""
    _check_size(session, size2, "to")
    if not 1 <= size1 <= size2:
        raise InvalidInputError(f"from must be between 1 and {size2}", "from")
    ranges = [*merkle.consistency_ranges(size1, size2), (0, size1), (0, size2)]
    *proof, first, second = merkle.hash_ranges(ranges, lambda ids: _fetch(session, ids))
    return ConsistencyProof(size1, size2, proof, first, second)


def entries(session: Session, start: int, end: int) -> list[AuditEntryRow]:
    """Entries [start, end), at most MAX_ENTRIES at a time."""
    _check_size(session, end, "end")
    if not 0 <= start < end:
        raise InvalidInputError("start must be at least 0 and below end", "start")
    if end - start > MAX_ENTRIES:
        raise InvalidInputError(f"at most {MAX_ENTRIES} entries per call", "end")
    query = select(AuditEntryRow).where(AuditEntryRow.index >= start, AuditEntryRow.index < end)
    return list(session.scalars(query.order_by(AuditEntryRow.index)))
