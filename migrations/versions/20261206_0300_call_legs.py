"""calls: the legs seen (connected or hung up) and when the last hung up

A Mango Office call whose every leg was disconnected is over; when its summary does not come
the stale-call sweep ends it two minutes after the last hang-up instead of after the idle
time (30 minutes), so a missed call's callback task is not late by half an hour.

Revision ID: 0045_call_legs
Revises: 0044_onec_documents
Create Date: 2026-12-06 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0045_call_legs"
down_revision: str | None = "0044_onec_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "calls",
        sa.Column("legs", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.add_column("calls", sa.Column("legs_closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("calls", "legs_closed_at")
    op.drop_column("calls", "legs")
