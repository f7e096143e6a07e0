"""outbox indexes shaped like the two claim queries (due pending rows; expired leases)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at", "id"], unique=False)
        batch_op.create_index("ix_outbox_lease", ["status", "lease_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_lease")
        batch_op.drop_index("ix_outbox_due")
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
