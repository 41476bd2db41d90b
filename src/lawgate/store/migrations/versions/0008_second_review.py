"""second review: a ruling's status, departure, narrowing and confirmation

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision: rulings made before it stand as final, departing from nothing."""
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="final", nullable=False)
        )
        batch_op.add_column(
            sa.Column("departs", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("second_review", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("narrowing", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirm_note", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        for column in (
            "confirm_note",
            "confirmed_at",
            "confirmed_by",
            "narrowing",
            "second_review",
            "departs",
            "status",
        ):
            batch_op.drop_column(column)
