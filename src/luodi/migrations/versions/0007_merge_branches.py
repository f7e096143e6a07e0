"""merge the board (0002), follow-up (0003) and worker (0004-0006) branches into one head

Revision ID: 0007
Revises: 0002, 0003, 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

revision = "0007"
down_revision = ("0002", "0003", "0006")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
