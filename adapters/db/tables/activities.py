"""Tasks, activities (calls, meetings, e-mails, notes), threaded comments and notifications."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from adapters.db.tables.base import (
    created_at,
    metadata,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)


def _client_ref() -> tuple[sa.Column[Any], sa.ForeignKeyConstraint]:
    return tenant_ref("client_id", "clients", ondelete="CASCADE")


def _deal_ref() -> tuple[sa.Column[Any], sa.ForeignKeyConstraint]:
    return tenant_ref("deal_id", "deals", ondelete="CASCADE")


_ON_SOMETHING = "client_id IS NOT NULL OR deal_id IS NOT NULL"

tasks = sa.Table(
    "tasks",
    metadata,
    *tenant_pk(),
    *_client_ref(),
    *_deal_ref(),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    *user_ref("assignee_id", nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
    # The due time whose overdue notice went out: announced once per due time.
    sa.Column("overdue_announced_for", sa.DateTime(timezone=True), nullable=True),
    sa.Column("priority", sa.String(8), nullable=False, server_default="normal"),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    *user_ref("done_by"),
    # Where the task came from: manual | follow_up | callback | stale_deal ...
    sa.Column("origin", sa.String(32), nullable=False, server_default="manual"),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint(_ON_SOMETHING, name="on_client_or_deal"),
    sa.Index(
        "ix_tasks_organisation_id_assignee_id_done_at_due_at",
        "organisation_id",
        "assignee_id",
        "done_at",
        "due_at",
    ),
    sa.Index(
        "ix_tasks_organisation_id_client_id_created_at",
        "organisation_id",
        "client_id",
        "created_at",
    ),
    sa.Index(
        "ix_tasks_organisation_id_deal_id_created_at", "organisation_id", "deal_id", "created_at"
    ),
    # Tasks done in a period and by whom (the work-time map).
    sa.Index(
        "ix_tasks_organisation_id_done_at",
        "organisation_id",
        "done_at",
        postgresql_include=["done_by"],
        postgresql_where=sa.text("done_at IS NOT NULL"),
    ),
    sa.Index(
        "ix_tasks_pending_reminders",
        "remind_at",
        postgresql_where=sa.text(
            "reminded_at IS NULL AND done_at IS NULL AND remind_at IS NOT NULL"
        ),
    ),
    sa.Index(
        "ix_tasks_overdue_unannounced",
        "due_at",
        postgresql_where=sa.text(
            "done_at IS NULL AND due_at IS NOT NULL "
            "AND overdue_announced_for IS DISTINCT FROM due_at"
        ),
    ),
)

activities = sa.Table(
    "activities",
    metadata,
    *tenant_pk(),
    *_client_ref(),
    *_deal_ref(),
    sa.Column("kind", sa.String(16), nullable=False),  # call | meeting | email | note
    sa.Column("subject", sa.String(300), nullable=True),
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("direction", sa.String(8), nullable=True),  # inbound | outbound, for calls/mail
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration_seconds", sa.Integer, nullable=True),
    *user_ref("author_id"),
    created_at(),
    version(),
    sa.CheckConstraint(_ON_SOMETHING, name="on_client_or_deal"),
    sa.Index(
        "ix_activities_organisation_id_client_id_occurred_at",
        "organisation_id",
        "client_id",
        "occurred_at",
    ),
    sa.Index(
        "ix_activities_organisation_id_deal_id_occurred_at",
        "organisation_id",
        "deal_id",
        "occurred_at",
    ),
    # A manager's calls of the day (the workload view).
    sa.Index(
        "ix_activities_organisation_id_author_id_occurred_at",
        "organisation_id",
        "author_id",
        "occurred_at",
    ),
    # Everyone's activities of a period (the work-time map), read from the index alone.
    sa.Index(
        "ix_activities_organisation_id_occurred_at",
        "organisation_id",
        "occurred_at",
        postgresql_include=["author_id", "kind"],
    ),
)

comments = sa.Table(
    "comments",
    metadata,
    *tenant_pk(),
    *_client_ref(),
    *_deal_ref(),
    *tenant_ref("parent_id", "comments", ondelete="CASCADE"),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("mentions", ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"),
    *user_ref("author_id"),
    created_at(),
    sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
    version(),
    sa.CheckConstraint(_ON_SOMETHING, name="on_client_or_deal"),
    sa.Index(
        "ix_comments_organisation_id_client_id_created_at",
        "organisation_id",
        "client_id",
        "created_at",
    ),
    sa.Index(
        "ix_comments_organisation_id_deal_id_created_at", "organisation_id", "deal_id", "created_at"
    ),
    sa.Index("ix_comments_parent_id", "parent_id"),
)

notifications = sa.Table(
    "notifications",
    metadata,
    *tenant_pk(),
    *tenant_ref("user_id", "users", ondelete="CASCADE", nullable=False),
    # What happened (domain.activities.model.NotificationKind) and its parameters: ids and
    # values the SPA renders in the reader's language; no text is stored.
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("params", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("entity_type", sa.String(32), nullable=True),
    sa.Column("entity_id", UUID(as_uuid=True), nullable=True),
    # Makes "notify once" idempotent, e.g. "stale:<deal>:<stage_entered_at>".
    sa.Column("dedup_key", sa.String(200), nullable=True),
    created_at(),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(
        "ix_notifications_organisation_id_user_id_created_at_id",
        "organisation_id",
        "user_id",
        "created_at",
        "id",
    ),
    sa.Index(
        "uq_notifications_organisation_id_user_id_dedup_key",
        "organisation_id",
        "user_id",
        "dedup_key",
        unique=True,
        postgresql_where=sa.text("dedup_key IS NOT NULL"),
    ),
)
