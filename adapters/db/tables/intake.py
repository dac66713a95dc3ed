"""Lead intake: website forms and the inbox of raw inbound requests."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import BYTEA, JSONB, UUID

from adapters.db.tables.base import created_at, metadata, tenant_pk, tenant_ref, version

intake_forms = sa.Table(
    "intake_forms",
    metadata,
    *tenant_pk(),
    # The public part of the form's URL; found before the organisation is known.
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("secret", sa.String(100), nullable=False),
    sa.Column("secret_field", sa.String(100), nullable=False),
    sa.Column("require_secret", sa.Boolean, nullable=False, server_default=sa.false()),
    # {"name": ["fio", ...], "phone": [...]}: the form's own names, tried before the defaults.
    sa.Column("field_map", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    *tenant_ref("funnel_id", "funnels", ondelete="SET NULL"),
    # {"kind": "round_robin", "user_ids": [...], "tag": null}
    sa.Column("distribution", JSONB, nullable=False),
    sa.Column("honeypot_field", sa.String(100), nullable=True),
    sa.Column("rate_limit_per_minute", sa.Integer, nullable=True),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    created_at(),
    version(),
    sa.UniqueConstraint("key", name="uq_intake_forms_key"),
    sa.Index("ix_intake_forms_organisation_id_created_at", "organisation_id", "created_at", "id"),
)

intake_inbox = sa.Table(
    "intake_inbox",
    metadata,
    *tenant_pk(),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("provider", sa.String(32), nullable=False),
    # The form or telephony integration; no foreign key: the request outlives its channel.
    sa.Column("channel_id", UUID(as_uuid=True), nullable=True),
    sa.Column("event_key", sa.String(400), nullable=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("remote_addr", sa.String(64), nullable=True),
    sa.Column("content_type", sa.String(255), nullable=True),
    sa.Column("headers", JSONB, nullable=False),
    sa.Column("body", BYTEA, nullable=False),
    sa.Column("body_size", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("lead", JSONB, nullable=True),
    # A redelivery (the same provider event id) is stored once.
    sa.UniqueConstraint(
        "organisation_id", "source", "event_key", name="uq_intake_inbox_organisation_id_event_key"
    ),
    sa.Index("ix_intake_inbox_organisation_id_received_at", "organisation_id", "received_at", "id"),
    sa.Index(
        "ix_intake_inbox_organisation_id_state_received_at",
        "organisation_id",
        "state",
        "received_at",
        "id",
    ),
    sa.Index(
        "ix_intake_inbox_organisation_id_source_received_at",
        "organisation_id",
        "source",
        "received_at",
        "id",
    ),
    # The processing sweep's query: pending items by due time.
    sa.Index(
        "ix_intake_inbox_next_attempt_at_pending",
        "next_attempt_at",
        postgresql_where=sa.text("state = 'pending'"),
    ),
)
