"""board: accounts (users, roles, sessions, API tokens), comments, milestones; item indexes for the board

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 13:39:49.473635
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luodi.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('failed_since', luodi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked_until', luodi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deactivated_at', luodi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_user_account_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('name', name=op.f('uq_user_account_name')),
    sa.UniqueConstraint('person_id', name=op.f('uq_user_account_person_id'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('read_only', sa.Boolean(), nullable=False),
    sa.Column('created_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', luodi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', luodi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    op.create_index('ix_api_token_user', 'api_token', ['user_id'])
    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('created_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_milestone_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone'))
    )
    op.create_index('ix_milestone_project_due', 'milestone', ['project_id', 'due'])
    op.create_table('user_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_user_role_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_role_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_role')),
    sa.UniqueConstraint('user_id', 'project_id', 'role', name=op.f('uq_user_role_user_id_project_id_role'))
    )
    op.create_table('web_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', luodi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_web_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session'))
    )
    op.create_index('ix_web_session_user', 'web_session', ['user_id'])
    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', luodi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_comment_author_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_comment_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    op.create_index('ix_comment_item', 'comment', ['item_id', 'id'])
    op.create_table('milestone_item',
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_milestone_item_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_milestone_item_milestone_id_milestone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('milestone_id', 'item_id', name=op.f('pk_milestone_item'))
    )
    op.create_index('ix_milestone_item_item', 'milestone_item', ['item_id'])
    op.create_index('ix_item_project_due', 'item', ['project_id', 'due', 'id'])
    op.create_index('ix_item_project_status_due', 'item', ['project_id', 'status', 'due', 'id'])


def downgrade() -> None:
    op.drop_index('ix_item_project_status_due', table_name='item')
    op.drop_index('ix_item_project_due', table_name='item')
    op.drop_index('ix_milestone_item_item', table_name='milestone_item')
    op.drop_table('milestone_item')
    op.drop_index('ix_comment_item', table_name='comment')
    op.drop_table('comment')
    op.drop_index('ix_web_session_user', table_name='web_session')
    op.drop_table('web_session')
    op.drop_table('user_role')
    op.drop_index('ix_milestone_project_due', table_name='milestone')
    op.drop_table('milestone')
    op.drop_index('ix_api_token_user', table_name='api_token')
    op.drop_table('api_token')
    op.drop_table('user_account')
