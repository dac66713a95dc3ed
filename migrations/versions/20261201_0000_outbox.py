"""transactional outbox of domain events; absences remember when their start was announced

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_outbox_events_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
    )
    op.create_index(
        "ix_outbox_events_next_attempt_at_pending",
        "outbox_events",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.create_index(
        "ix_outbox_events_organisation_id_name_occurred_at",
        "outbox_events",
        ["organisation_id", "name", "occurred_at"],
        unique=False,
    )


    op.add_column(
        "absences",
        sa.Column("start_announced_at", sa.DateTime(timezone=True), nullable=True),
    )
    # Absences recorded before events existed are not announced again.
    op.execute("UPDATE absences SET start_announced_at = created_at WHERE starts_on <= now()")
    op.create_index(
        "ix_absences_starts_on_unannounced",
        "absences",
        ["starts_on"],
        unique=False,
        postgresql_where=sa.text("start_announced_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_absences_starts_on_unannounced",
        table_name="absences",
        postgresql_where=sa.text("start_announced_at IS NULL"),
    )
    op.drop_column("absences", "start_announced_at")
    op.drop_index(
        "ix_outbox_events_organisation_id_name_occurred_at", table_name="outbox_events"
    )
    op.drop_index(
        "ix_outbox_events_next_attempt_at_pending",
        table_name="outbox_events",
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.drop_table("outbox_events")
