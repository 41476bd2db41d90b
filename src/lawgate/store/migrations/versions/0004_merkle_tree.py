"""audit log Merkle tree: internal nodes, the head's frontier, signed checkpoints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lawgate.auditlog import merkle

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_nodes", "audit_checkpoints")


def upgrade() -> None:
    """Create the tree tables, build the tree of any existing entries, forbid rewrites."""
    op.create_table(
        "audit_nodes",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_nodes")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoints_size"), ["size"], unique=False)
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frontier", sa.LargeBinary(), nullable=True))
    _build_existing_tree()
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("frontier", existing_type=sa.LargeBinary(), nullable=False)
    _forbid_rewrites()


def _build_existing_tree() -> None:
    """Compute the nodes and frontier of entries logged before the tree existed."""
    bind = op.get_bind()
    leaves = bind.execute(sa.text('SELECT leaf_hash FROM audit_entries ORDER BY "index"'))
    frontier: list[tuple[int, bytes]] = []
    nodes: list[dict[str, object]] = []
    for (leaf,) in leaves:
        level, digest = 0, bytes(leaf)
        while frontier and frontier[-1][0] == level:
            _, left = frontier.pop()
            digest, level = merkle.node_hash(left, digest), level + 1
            nodes.append({"seq": len(nodes), "hash": digest})
        frontier.append((level, digest))
    if nodes:
        bind.execute(sa.text("INSERT INTO audit_nodes (seq, hash) VALUES (:seq, :hash)"), nodes)
    packed = b"".join(digest for _, digest in frontier)
    bind.execute(sa.text("UPDATE audit_head SET frontier = :f WHERE id = 1"), {"f": packed})


def _forbid_rewrites() -> None:
    """The database refuses UPDATE and DELETE on tree nodes and checkpoints, as on entries."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION lawgate_tree_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION lawgate_tree_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    """Drop the tree tables and the frontier."""
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION lawgate_tree_append_only()")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("frontier")
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoints_size"))
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_nodes")
