"""one production per request; a case remembers why its basis lapsed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _refuse_duplicates() -> None:
    """Two packages for one request need a person to decide which stands: never drop one here."""
    doubled = op.get_bind().execute(
        sa.text("SELECT request_id FROM productions GROUP BY request_id HAVING COUNT(*) > 1")
    )
    ids = [row[0] for row in doubled]
    if ids:
        raise RuntimeError(
            "these requests have more than one sealed package; keep one record each "
            f"(and say why in the audit log) before upgrading: {', '.join(ids)}"
        )


def upgrade() -> None:
    """Apply this revision: productions.request_id unique; cases.lapse."""
    _refuse_duplicates()
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_productions_request_id"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_productions_request_id"), ["request_id"]
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lapse", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("lapse")
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_productions_request_id"), type_="unique")
        batch_op.create_index(batch_op.f("ix_productions_request_id"), ["request_id"], unique=False)
