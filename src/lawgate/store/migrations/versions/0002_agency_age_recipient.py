"""agencies: the age X25519 recipient productions are encrypted to

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 02:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable recipient column; agencies without one cannot receive productions."""
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_recipient", sa.String(length=100), nullable=True))


def downgrade() -> None:
    """Drop the recipient column."""
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("age_recipient")
