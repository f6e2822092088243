"""case workflow: event log and flow state of a case

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Flow columns of case_. Server defaults keep the seeded rows valid: a stored case without
# history has no pending request, no counters and its step clock starts at reported_at.
_FLOW_COLUMNS = (
    ('pending', sa.String(length=30), None, True),
    ('pending_extension_hours', sa.Float(), None, True),
    ('rework_count', sa.Integer(), '0', False),
    ('misdispatch_count', sa.Integer(), '0', False),
    ('extension_hours', sa.Float(), '0', False),
    ('parked_since', sa.DateTime(), None, True),
    ('parked_total_s', sa.Float(), '0', False),
    ('step_started_at', sa.DateTime(), None, True),
    ('step_parks', sa.Text(), '[]', False),
    ('urge_count', sa.Integer(), '0', False),
    ('satisfied', sa.Boolean(), None, True),
    ('camera_id', sa.String(length=32), None, True),
)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite supports it for nullable or defaulted
    # columns, and a table copy of case_ at district scale would take long.
    for name, type_, default, nullable in _FLOW_COLUMNS:
        op.add_column('case_', sa.Column(
            name, type_, nullable=nullable,
            server_default=sa.text(f"'{default}'") if default is not None else None))
    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_login', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.Column('details', sa.Text(), server_default=sa.text("'{}'"), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    # Unique: two writers can never both append step n of one case.
    op.create_index('ix_case_event_case_seq', 'case_event', ['case_id', 'seq'], unique=True)
    op.create_index('ix_case__deadline', 'case_', ['state', 'deadline'])


def downgrade() -> None:
    op.drop_index('ix_case__deadline', table_name='case_')
    op.drop_index('ix_case_event_case_seq', table_name='case_event')
    op.drop_table('case_event')
    with op.batch_alter_table('case_', schema=None) as batch_op:
        for name, *_ in reversed(_FLOW_COLUMNS):
            batch_op.drop_column(name)
