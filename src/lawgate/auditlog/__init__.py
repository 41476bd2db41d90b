"""The audit log: append-only entries whose RFC 9162 leaf hashes a Merkle tree will commit to."""
