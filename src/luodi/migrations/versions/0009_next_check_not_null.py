"""item.next_check_at never NULL: the epoch means "at the next pass" (one index range scan)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luodi.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _epoch() -> sa.TextClause:
    # How each dialect stores the aware UTC datetime of luodi.db.UTCDateTime.
    if op.get_bind().dialect.name == "sqlite":
        return sa.text("'1970-01-01 00:00:00.000000'")
    return sa.text("'1970-01-01 00:00:00+00'")


def upgrade() -> None:
    op.execute(sa.text(f"UPDATE item SET next_check_at = {_epoch().text} WHERE next_check_at IS NULL"))
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.alter_column("next_check_at", existing_type=luodi.db.UTCDateTime(timezone=True), nullable=False,
                              server_default=_epoch())


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.alter_column("next_check_at", existing_type=luodi.db.UTCDateTime(timezone=True), nullable=True,
                              server_default=None)
