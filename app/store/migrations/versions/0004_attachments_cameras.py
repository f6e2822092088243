"""Attachments, cameras, hotline callers and the overdue index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

* ``attachment``: photos of a case, each recorded with the timeline event that brought it
  (bytes in the database, so every seat of a centre sees them).
* ``camera``: heading, field of view, range and snapshot/stream of each video camera part
  (01050 监控电子眼), for video supervision.
* ``case_.caller`` / ``caller_phone``: the hotline caller, for the callback (回访).
* ``ix_case_open_deadline``: a partial index of open cases by deadline. The overdue queue's
  first page (most overdue first) is the head of this index instead of a sort of every
  overdue case (benchmarks §7).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN_DEADLINE_WHERE = ("state IN ('reported', 'verifying', 'registered', 'filed', "
                       "'dispatched', 'handled', 'checking', 'checked')")


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("case_.id"), nullable=False),
        sa.Column("event_seq", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("mime", sa.String(50), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("added_by", sa.String(50), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_attachment_case_id", "attachment", ["case_id"])
    op.create_table(
        "camera",
        sa.Column("part_id", sa.String(17), primary_key=True),
        sa.Column("heading", sa.Float, nullable=False),
        sa.Column("fov", sa.Float, nullable=False),
        sa.Column("range_m", sa.Float, nullable=False),
        sa.Column("snapshot", sa.String(500), nullable=False, server_default=""),
        sa.Column("stream_url", sa.String(500), nullable=False, server_default=""),
    )
    op.add_column("case_", sa.Column("caller", sa.String(50)))
    op.add_column("case_", sa.Column("caller_phone", sa.String(20)))
    op.create_index("ix_case_open_deadline", "case_", ["deadline"],
                    sqlite_where=sa.text(OPEN_DEADLINE_WHERE),
                    postgresql_where=sa.text(OPEN_DEADLINE_WHERE))


def downgrade() -> None:
    op.drop_index("ix_case_open_deadline", table_name="case_")
    with op.batch_alter_table("case_") as batch:
        batch.drop_column("caller_phone")
        batch.drop_column("caller")
    op.drop_table("camera")
    op.drop_index("ix_attachment_case_id", table_name="attachment")
    op.drop_table("attachment")
