"""staff API tokens confirmed by their owner

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LEGACY_ORIGIN = "legacy:0011"
"""The one origin of every token issued before this revision: nobody can tell who minted it."""


def upgrade() -> None:
    """Apply this revision: who issued each token, where, whether its owner confirmed it.

    Tokens issued before could have been minted by anyone on the host for anyone: they wait for
    their owner's confirmation, and share one origin so that no two of them rule and confirm.
    """
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("api_token_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("api_token_issued_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("api_token_origin", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("api_token_issued_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credential", sa.String(length=200), nullable=True))
    staff = sa.table(
        "staff",
        sa.column("api_token_sha256", sa.String()),
        sa.column("api_token_pending", sa.Boolean()),
        sa.column("api_token_origin", sa.String()),
    )
    op.execute(
        staff.update()
        .where(staff.c.api_token_sha256.is_not(None))
        .values(api_token_pending=True, api_token_origin=LEGACY_ORIGIN)
    )


def downgrade() -> None:
    """Revert this revision (tokens still pending are revoked: 0010 knew no pending token)."""
    staff = sa.table(
        "staff",
        sa.column("api_token_sha256", sa.String()),
        sa.column("api_token_pending", sa.Boolean()),
    )
    op.execute(
        staff.update().where(staff.c.api_token_pending.is_(True)).values(api_token_sha256=None)
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("credential")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("api_token_issued_at")
        batch_op.drop_column("api_token_origin")
        batch_op.drop_column("api_token_issued_by")
        batch_op.drop_column("api_token_pending")
