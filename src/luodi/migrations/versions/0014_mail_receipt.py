"""mail_receipt (each message of the replies mailbox handled once)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luodi.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=300), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('handled_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_receipt')),
    sa.UniqueConstraint('mailbox', 'uidvalidity', 'uid', name='uq_mail_receipt_message')
    )


def downgrade() -> None:
    op.drop_table('mail_receipt')
