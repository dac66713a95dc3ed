"""intake: website forms and the inbox of raw inbound requests

Every form post (later call events and API leads) is stored as it came before it is answered,
then processed by the worker; ``intake_inbox`` keeps the raw request, its processing state,
attempts and reason, and the lead read from it. A provider's event id is unique per
organisation and source, so a redelivery is stored once. The form key is unique across
organisations: a post is routed by the key in its URL before the organisation is known.

The ``intake:manage`` permission needs no data step: the built-in administrator role holds
every permission by its code, other roles get it when an admin edits them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_forms",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("secret_field", sa.String(length=100), nullable=False),
        sa.Column("require_secret", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "field_map",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("funnel_id", sa.UUID(), nullable=True),
        sa.Column("distribution", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("honeypot_field", sa.String(length=100), nullable=True),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_intake_forms_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "funnel_id"],
            ["funnels.organisation_id", "funnels.id"],
            name="fk_intake_forms_funnel_id_funnels",
            ondelete="SET NULL (funnel_id)",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_intake_forms"),
        sa.UniqueConstraint("key", name="uq_intake_forms_key"),
    )
    op.create_index(
        "ix_intake_forms_organisation_id_created_at",
        "intake_forms",
        ["organisation_id", "created_at", "id"],
    )
    op.create_table(
        "intake_inbox",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.UUID(), nullable=True),
        sa.Column("event_key", sa.String(length=400), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("body", postgresql.BYTEA(), nullable=False),
        sa.Column("body_size", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lead", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_intake_inbox_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_intake_inbox"),
        sa.UniqueConstraint(
            "organisation_id",
            "source",
            "event_key",
            name="uq_intake_inbox_organisation_id_event_key",
        ),
    )
    for name, columns in (
        ("ix_intake_inbox_organisation_id_received_at", ["received_at", "id"]),
        ("ix_intake_inbox_organisation_id_state_received_at", ["state", "received_at", "id"]),
        ("ix_intake_inbox_organisation_id_source_received_at", ["source", "received_at", "id"]),
    ):
        op.create_index(name, "intake_inbox", ["organisation_id", *columns])
    op.create_index(
        "ix_intake_inbox_next_attempt_at_pending",
        "intake_inbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("state = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table("intake_inbox")
    op.drop_table("intake_forms")
