"""Outgoing webhooks: endpoints, deliveries (one per endpoint and event) and their attempts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import created_at, metadata, tenant_pk, tenant_ref, version

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    *tenant_pk(),
    sa.Column("url", sa.String(2000), nullable=False),
    # Event names, or ["*"] for every event.
    sa.Column("events", JSONB, nullable=False),
    # The Standard Webhooks HMAC secret (whsec_...): needed in clear to sign.
    sa.Column("secret", sa.String(100), nullable=False),
    sa.Column("description", sa.String(500), nullable=False, server_default=""),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("disabled_reason", sa.Text, nullable=True),
    sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
    created_at(),
    version(),
    sa.Index(
        "ix_webhook_endpoints_organisation_id_created_at", "organisation_id", "created_at", "id"
    ),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    *tenant_pk(),
    *tenant_ref("endpoint_id", "webhook_endpoints", ondelete="CASCADE", nullable=False),
    sa.Column("event_id", UUID(as_uuid=True), nullable=False),
    sa.Column("event_name", sa.String(100), nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    # The event's own fields, until the payload is built at the first attempt.
    sa.Column("event_fields", JSONB, nullable=False),
    # The exact JSON sent, fixed at the first attempt.
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempt_count", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("give_up_at", sa.DateTime(timezone=True), nullable=True),
    created_at(),
    sa.UniqueConstraint(
        "organisation_id",
        "endpoint_id",
        "event_id",
        name="uq_webhook_deliveries_organisation_id_endpoint_id_event_id",
    ),
    sa.Index(
        "ix_webhook_deliveries_organisation_id_endpoint_id_created_at",
        "organisation_id",
        "endpoint_id",
        "created_at",
        "id",
    ),
    # The retry sweep's query: pending deliveries by due time.
    sa.Index(
        "ix_webhook_deliveries_next_attempt_at_pending",
        "next_attempt_at",
        postgresql_where=sa.text("status = 'pending'"),
    ),
)

webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    *tenant_pk(),
    *tenant_ref("delivery_id", "webhook_deliveries", ondelete="CASCADE", nullable=False),
    sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
    sa.Column("status_code", sa.SmallInteger, nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=True),
    sa.Column("response_body", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index(
        "ix_webhook_attempts_organisation_id_delivery_id_attempted_at",
        "organisation_id",
        "delivery_id",
        "attempted_at",
    ),
)
