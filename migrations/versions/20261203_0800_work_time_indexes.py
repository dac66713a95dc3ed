"""work-time map: everyone's activities and done tasks of a period, from the index alone

The work-time map counts a period's calls and meetings and tasks done by every employee the
caller sees. The existing indexes lead with a client, a deal, an author or an assignee; these
two read a period of the whole organisation: activities by (organisation, occurred_at) with
the author and kind, done tasks by (organisation, done_at) with who did them.

At a million deals each builds in seconds, as the other indexes of these tables did.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_activities_organisation_id_occurred_at",
        "activities",
        ["organisation_id", "occurred_at"],
        postgresql_include=["author_id", "kind"],
    )
    op.create_index(
        "ix_tasks_organisation_id_done_at",
        "tasks",
        ["organisation_id", "done_at"],
        postgresql_include=["done_by"],
        postgresql_where=sa.text("done_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_organisation_id_done_at", table_name="tasks")
    op.drop_index("ix_activities_organisation_id_occurred_at", table_name="activities")
