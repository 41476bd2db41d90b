"""staff API tokens

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision: staff accounts may hold one API token, kept as its SHA-256."""
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_token_sha256", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_staff_api_token_sha256"), ["api_token_sha256"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_staff_api_token_sha256"), type_="unique")
        batch_op.drop_column("api_token_sha256")
