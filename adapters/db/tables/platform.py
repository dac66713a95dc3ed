from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import created_at, metadata, tenant_pk, user_ref, version

jobs = sa.Table(
    "jobs",
    metadata,
    *tenant_pk(),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("params", JSONB, nullable=False, server_default="{}"),
    sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
    sa.Column("progress", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("message", sa.String(1000), nullable=True),
    sa.Column("result", JSONB, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    *user_ref("created_by"),
    created_at(),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.SmallInteger, nullable=False, server_default="0"),
    sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    sa.Index(
        "ix_jobs_organisation_id_created_by_created_at_id",
        "organisation_id",
        "created_by",
        "created_at",
        "id",
    ),
    sa.Index("ix_jobs_organisation_id_created_at_id", "organisation_id", "created_at", "id"),
)

# Every domain event, written in the transaction that raised it, read back by the worker's
# dispatcher after commit (and by its sweeper when the direct hand-off was lost).
outbox_events = sa.Table(
    "outbox_events",
    metadata,
    *tenant_pk(),  # id: the event's own id
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_user_id", UUID(as_uuid=True), nullable=True),
    created_at(),
    # When the dispatcher may next claim the row: now for a new event, a lease while it is
    # being dispatched, a backoff after a failed subscriber.
    sa.Column(
        "next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("attempts", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(
        "ix_outbox_events_next_attempt_at_pending",
        "next_attempt_at",
        postgresql_where=sa.text("dispatched_at IS NULL"),
    ),
    sa.Index(
        "ix_outbox_events_organisation_id_name_occurred_at",
        "organisation_id",
        "name",
        "occurred_at",
    ),
)

# A user's named filters of a list (the list's URL query string), per list.
saved_filters = sa.Table(
    "saved_filters",
    metadata,
    *tenant_pk(),
    *user_ref("user_id", nullable=False),
    sa.Column("list", sa.String(16), nullable=False),  # clients | deals | tasks
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("query", sa.String(2000), nullable=False),
    created_at(),
    version(),
    sa.Index(
        "ux_saved_filters_organisation_id_user_id_list_name",
        "organisation_id",
        "user_id",
        "list",
        sa.text("lower(name)"),
        unique=True,
    ),
)
