"""RFC 9162 Merkle tree hashing, proofs, and their verification, independent of any storage.

A tree of ``size`` leaves is stored as its *perfect* subtrees: node (level, index) covers leaves
[index * 2**level, (index + 1) * 2**level). Any range the RFC's recursion needs decomposes into
at most log2(n) such nodes (``perfect_nodes``), so roots and proofs need O(log n) stored hashes.
Internal nodes (level >= 1) are created in post-order as leaves are appended; ``node_seq`` gives
that creation number, which is how the store keys them.

The verifiers follow RFC 9162 section 2.1.3.2 and 2.1.4.2 (as transparency-dev/merkle does) and
return False, never raise, on malformed input.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
"""(level, index) of a perfect subtree."""


def encode(digest: bytes) -> str:
    """A hash as checkpoints, the public API and manifests write it: standard base64."""
    return base64.b64encode(digest).decode("ascii")


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry): leaves and nodes can never be confused."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2): where the RFC splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, straight from the RFC's definition (a reference for tests)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def perfect_nodes(start: int, end: int) -> list[NodeId]:
    """The perfect subtrees that tile leaves [start, end), largest first, left to right."""
    nodes: list[NodeId] = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while (1 << level) > end - start:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its perfect subtrees' hashes (right to left, as MTH nests)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PATH(index, D[0:size]), leaf side first."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PROOF(size1, D[0:size2]) (RFC 9162 2.1.4.1)."""
    ranges: list[tuple[int, int]] = []
    start, end, complete = 0, size2, True
    m = size1
    while True:
        n = end - start
        if m == n:
            if not complete:
                ranges.append((start, end))
            return ranges[::-1]
        k = _split(n)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False


def hash_ranges(
    ranges: Sequence[tuple[int, int]], fetch: Callable[[list[NodeId]], dict[NodeId, bytes]]
) -> list[bytes]:
    """Hashes of leaf ranges from stored perfect nodes, fetched in one call."""
    tiles = [perfect_nodes(start, end) for start, end in ranges]
    found = fetch(sorted({node for tile in tiles for node in tile}))
    return [fold([found[node] for node in tile]) for tile in tiles]


def node_seq(level: int, index: int) -> int:
    """Creation number of internal node (level >= 1): nodes made before its last leaf, plus."""
    last_leaf = ((index + 1) << level) - 1
    return nodes_before(last_leaf) + level - 1


def nodes_before(leaves: int) -> int:
    """How many internal nodes the first `leaves` appends created (m - popcount(m))."""
    return leaves - bin(leaves).count("1")


# --- verification (RFC 9162 2.1.3.2, 2.1.4.2) -------------------------------------------------


def _is_hashes(values: Sequence[object]) -> bool:
    """Every element is a 32-byte hash."""
    return all(isinstance(v, bytes) and len(v) == HASH_SIZE for v in values)


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof implies, or None when the proof cannot be one."""
    if not (0 <= index < size) or len(leaf) != HASH_SIZE or not _is_hashes(proof):
        return None
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1
    return result if sn == 0 else None


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """Whether `leaf_hash` is leaf `index` of the tree of `size` leaves with `root`."""
    try:
        found = root_from_inclusion(leaf_hash, index, size, proof)
    except (TypeError, ValueError):
        return False
    return found is not None and found == root


def verify_consistency(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> bool:
    """Whether the tree with root2 (size2) extends the tree with root1 (size1)."""
    try:
        return _consistent(size1, size2, proof, root1, root2)
    except (TypeError, ValueError):
        return False


def _consistent(size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes) -> bool:
    """RFC 9162 2.1.4.2; a proof from the empty tree proves nothing and is refused."""
    if size1 <= 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof or not _is_hashes(proof):
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2
