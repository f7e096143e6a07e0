"""callback_receipt (card-action callbacks handled once)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luodi.db

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('callback_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('received_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_receipt')),
    sa.UniqueConstraint('vendor', 'event_id', name='uq_callback_receipt_event')
    )


def downgrade() -> None:
    op.drop_table('callback_receipt')
