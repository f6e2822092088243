"""External ids of cases taken in from other systems.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

``case_.external_id`` holds the id a case has in the system it came from (an Open311
``service_request_id``, a hotline ticket number), namespaced by that system, e.g.
``open311:citizen-app:638344``; the unique index makes a second import of the same request
impossible (NULLs, i.e. cases reported here, are not constrained).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case_", sa.Column("external_id", sa.String(100)))
    op.create_index("ix_case_external_id", "case_", ["external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_case_external_id", table_name="case_")
    with op.batch_alter_table("case_") as batch:
        batch.drop_column("external_id")
