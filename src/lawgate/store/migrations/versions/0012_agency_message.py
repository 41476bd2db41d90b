"""a message to the agency kept apart from the reviewer's note

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision: rulings made before it sent the agency no message."""
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agency_message", sa.Text(), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("agency_message")
