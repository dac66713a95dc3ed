"""Cross-cutting records: attachments, the audit log and idempotency keys."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import (
    created_at,
    metadata,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    user_ref,
)

attachments = sa.Table(
    "attachments",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE"),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE"),
    sa.Column("document_type", sa.String(64), nullable=False),  # document_types.code
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(200), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(500), nullable=False),
    *user_ref("uploaded_by"),
    created_at(),
    sa.CheckConstraint("client_id IS NOT NULL OR deal_id IS NOT NULL", name="on_client_or_deal"),
    sa.Index(
        "ix_attachments_organisation_id_deal_id_document_type",
        "organisation_id",
        "deal_id",
        "document_type",
    ),
    sa.Index("ix_attachments_organisation_id_client_id", "organisation_id", "client_id"),
)

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    *tenant_pk(),
    sa.Column("entity_type", sa.String(32), nullable=False),
    sa.Column("entity_id", UUID(as_uuid=True), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),  # create|update|delete|merge|reassign|...
    # {"field": {"before": ..., "after": ...}}
    sa.Column("changes", JSONB, nullable=False, server_default="{}"),
    *user_ref("actor_user_id"),
    sa.Column("actor_api_key_id", UUID(as_uuid=True), nullable=True),
    sa.Column("request_id", sa.String(128), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(
        "ix_audit_entries_organisation_id_entity_type_entity_id_at",
        "organisation_id",
        "entity_type",
        "entity_id",
        "at",
    ),
    sa.Index("ix_audit_entries_organisation_id_at", "organisation_id", "at"),
)

idempotency_records = sa.Table(
    "idempotency_records",
    metadata,
    organisation_fk(),
    # The caller: a user id or "key:<api key id>", so two callers never share a key.
    sa.Column("principal", sa.String(64), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.String(500), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.SmallInteger, nullable=True),  # NULL while in progress
    sa.Column("response_body", JSONB, nullable=True),
    sa.Column("response_headers", JSONB, nullable=False, server_default="{}"),
    created_at(),
    sa.PrimaryKeyConstraint("organisation_id", "principal", "key", name="pk_idempotency_records"),
    sa.Index("ix_idempotency_records_created_at", "created_at"),
)
