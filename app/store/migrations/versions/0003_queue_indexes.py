"""Indexes for the queue counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Counting a queue under a source/urgency filter read ~100 k table rows through the
(state, deadline) index (~300–450 ms with 100 k open cases, benchmarks §7). With
(state, source, urgency, deadline) the counts and the overdue test are answered from the
index alone; closed_today ranges over closed_at instead of every closed case.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_queue", "case_", ["state", "source", "urgency", "deadline"])
    op.create_index("ix_case_closed_at", "case_", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_case_closed_at", table_name="case_")
    op.drop_index("ix_case_queue", table_name="case_")
