"""rule_firing (meeting_id, rule_id) index for the plan step's meeting rules

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rule_firing", schema=None) as batch_op:
        batch_op.create_index("ix_rule_firing_meeting", ["meeting_id", "rule_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rule_firing", schema=None) as batch_op:
        batch_op.drop_index("ix_rule_firing_meeting")
