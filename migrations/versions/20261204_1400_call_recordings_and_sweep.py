"""calls: recordings fetched into file storage, and the stale-call sweep

- the recording's fetch state on the call (pending / stored / failed with the reason, the
  attempts and the next one, the storage key, size and content type), and a partial index by
  due time for the worker's claim of pending ones;
- the latest event time of a call (the PBX's clock), when its last event came (ours), its
  last inbox item and when the sweep ended it, and a partial
  index of the calls still in progress for the sweep that ends those whose end never came.

Revision ID: 0038_call_recordings
Revises: 0037
Create Date: 2026-12-04 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0038_call_recordings"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("recording_status", sa.String(16), nullable=True))
    op.add_column("calls", sa.Column("recording_error", sa.String(500), nullable=True))
    op.add_column(
        "calls",
        sa.Column("recording_attempts", sa.SmallInteger, nullable=False, server_default="0"),
    )
    op.add_column(
        "calls",
        sa.Column("recording_next_attempt_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("calls", sa.Column("recording_key", sa.String(500), nullable=True))
    op.add_column("calls", sa.Column("recording_size", sa.BigInteger, nullable=True))
    op.add_column("calls", sa.Column("recording_content_type", sa.String(100), nullable=True))
    op.add_column("calls", sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("calls", sa.Column("last_heard_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("calls", sa.Column("last_item_id", UUID(as_uuid=True), nullable=True))
    op.add_column("calls", sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_calls_recording_next_attempt_at_pending",
        "calls",
        ["recording_next_attempt_at"],
        postgresql_where=sa.text("recording_status = 'pending'"),
    )
    op.create_index(
        "ix_calls_started_at_in_progress",
        "calls",
        ["started_at"],
        postgresql_where=sa.text("result = 'in_progress'"),
    )


def downgrade() -> None:
    op.drop_index("ix_calls_started_at_in_progress", table_name="calls")
    op.drop_index("ix_calls_recording_next_attempt_at_pending", table_name="calls")
    for column in (
        "swept_at",
        "last_item_id",
        "last_heard_at",
        "last_event_at",
        "recording_content_type",
        "recording_size",
        "recording_key",
        "recording_next_attempt_at",
        "recording_attempts",
        "recording_error",
        "recording_status",
    ):
        op.drop_column("calls", column)
