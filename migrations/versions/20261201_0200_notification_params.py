"""notifications store a kind and its parameters, rendered in the reader's language by the
SPA; tasks remember the due time their overdue notice went out for

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 02:00:00+00:00

Existing notifications keep their old text under ``params.legacy_title`` / ``legacy_body`` so
they still render. Tasks whose overdue notice was already sent (found by the old dedup key
``overdue:<task id>:<due epoch>``) get ``overdue_announced_for`` so they are not told again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "notifications",
        sa.Column(
            "params",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.execute(
        "UPDATE notifications SET params = jsonb_strip_nulls("
        "jsonb_build_object('legacy_title', title, 'legacy_body', body))"
    )
    op.drop_column("notifications", "body")
    op.drop_column("notifications", "title")

    op.add_column(
        "tasks",
        sa.Column("overdue_announced_for", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE tasks SET overdue_announced_for = due_at FROM notifications n "
        "WHERE tasks.due_at IS NOT NULL AND n.user_id = tasks.assignee_id "
        "AND n.dedup_key = 'overdue:' || tasks.id::text || ':' "
        "|| floor(extract(epoch FROM tasks.due_at))::bigint::text"
    )
    op.create_index(
        "ix_tasks_overdue_unannounced",
        "tasks",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text(
            "done_at IS NULL AND due_at IS NOT NULL "
            "AND overdue_announced_for IS DISTINCT FROM due_at"
        ),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_tasks_overdue_unannounced",
        table_name="tasks",
        postgresql_where=sa.text(
            "done_at IS NULL AND due_at IS NOT NULL "
            "AND overdue_announced_for IS DISTINCT FROM due_at"
        ),
    )
    op.drop_column("tasks", "overdue_announced_for")
    op.add_column("notifications", sa.Column("body", sa.Text(), nullable=True))
    op.add_column(
        "notifications",
        sa.Column("title", sa.String(length=300), server_default="", nullable=False),
    )
    op.execute(
        "UPDATE notifications SET title = left(coalesce(params->>'legacy_title', kind), 300), "
        "body = params->>'legacy_body'"
    )
    op.alter_column("notifications", "title", server_default=None)
    op.drop_column("notifications", "params")
