"""item.next_check_at, plan_state, and meeting indexes for the plan step

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luodi.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_at", luodi.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_item_next_check", ["next_check_at"], unique=False,
                              sqlite_where=sa.text("status <> 'done'"),
                              postgresql_where=sa.text("status <> 'done'"))
    op.create_table(
        "plan_state",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_plan_state")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_starts", ["starts_at"], unique=False)
        batch_op.create_index("ix_meeting_confirm_deadline", ["confirm_deadline"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_confirm_deadline")
        batch_op.drop_index("ix_meeting_starts")
    op.drop_table("plan_state")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_next_check", sqlite_where=sa.text("status <> 'done'"),
                            postgresql_where=sa.text("status <> 'done'"))
        batch_op.drop_column("next_check_at")
