"""Telephony (lead intake): the PBX integrations an organisation set up and the calls their
events report. The events themselves are inbox items (``intake_inbox``, source telephony)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import (
    created_at,
    metadata,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

telephony_integrations = sa.Table(
    "telephony_integrations",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    # zadarma, mango, generic: how events are read and signed.
    sa.Column("provider", sa.String(32), nullable=False),
    # Zadarma's API key / Mango's vpbx_api_key (Mango signs with it), and the signing secret
    # (Zadarma's secret, Mango's salt, the generic API's HMAC key).
    sa.Column("api_key", sa.String(200), nullable=False, server_default=""),
    sa.Column("secret", sa.String(200), nullable=False),
    # The company's numbers (E.164), ["+74994509495", ...].
    sa.Column("numbers", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # {"100": "<user id>"}: the PBX's extensions and the people behind them.
    sa.Column("extensions", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    # [{"number": "+7...", "source": "yandex", "campaign": "spring"}]: call tracking.
    sa.Column("tracking", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    *user_ref("default_user_id"),
    *tenant_ref("funnel_id", "funnels", ondelete="SET NULL"),
    sa.Column("callback_minutes", sa.Integer, nullable=False, server_default="15"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    created_at(),
    version(),
    sa.Index(
        "ix_telephony_integrations_organisation_id_created_at",
        "organisation_id",
        "created_at",
        "id",
    ),
)

calls = sa.Table(
    "calls",
    metadata,
    *tenant_pk(),
    # The call outlives its integration (deleted: the call stays, without it).
    *tenant_ref("integration_id", "telephony_integrations", ondelete="SET NULL"),
    sa.Column("provider", sa.String(32), nullable=False),
    # The PBX's id of the whole call (Zadarma pbx_call_id, Mango entry_id).
    sa.Column("provider_call_id", sa.String(200), nullable=False),
    sa.Column("direction", sa.String(16), nullable=False),
    # The outside party in E.164 when it reads as a number, else as sent.
    sa.Column("client_number", sa.String(64), nullable=True),
    # The company's number that was called (or called from): the tracking number.
    sa.Column("company_number", sa.String(64), nullable=True),
    sa.Column("source", sa.String(100), nullable=True),
    sa.Column("campaign", sa.String(200), nullable=True),
    sa.Column("extension", sa.String(64), nullable=True),
    *user_ref("employee_id"),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("result", sa.String(16), nullable=False),
    sa.Column("duration_seconds", sa.Integer, nullable=True),
    sa.Column("talk_seconds", sa.Integer, nullable=True),
    sa.Column("recording_id", sa.String(300), nullable=True),
    sa.Column("recording_url", sa.String(2000), nullable=True),
    sa.Column("disconnect_reason", sa.String(64), nullable=True),
    # The recording fetched into file storage: pending, stored, failed (None: none announced).
    sa.Column("recording_status", sa.String(16), nullable=True),
    sa.Column("recording_error", sa.String(500), nullable=True),
    sa.Column("recording_attempts", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("recording_next_attempt_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("recording_key", sa.String(500), nullable=True),
    sa.Column("recording_size", sa.BigInteger, nullable=True),
    sa.Column("recording_content_type", sa.String(100), nullable=True),
    # The latest time an event of the call speaks of (the PBX's clock), when the last event
    # came (ours), the inbox item of the last event folded (inbox items are purged: no
    # foreign key), and when the stale-call sweep ended it.
    sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_heard_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_item_id", UUID(as_uuid=True), nullable=True),
    sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True),
    # The legs seen (Mango's call ids within the call: true while connected) and when the
    # last hung up.
    sa.Column("legs", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("legs_closed_at", sa.DateTime(timezone=True), nullable=True),
    *tenant_ref("client_id", "clients", ondelete="SET NULL"),
    *tenant_ref("contact_id", "contacts", ondelete="SET NULL"),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    *tenant_ref("callback_task_id", "tasks", ondelete="SET NULL"),
    # The provider's event names seen for this call, in arrival order (capped).
    sa.Column("events", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    created_at(),
    updated_at(),
    sa.UniqueConstraint(
        "organisation_id",
        "integration_id",
        "provider_call_id",
        name="uq_calls_organisation_id_integration_id_provider_call_id",
    ),
    sa.Index("ix_calls_organisation_id_started_at", "organisation_id", "started_at", "id"),
    # A later answered call finds the missed ones of the same number.
    sa.Index(
        "ix_calls_organisation_id_client_number_started_at",
        "organisation_id",
        "client_number",
        "started_at",
    ),
    # The timelines of clients and deals.
    sa.Index(
        "ix_calls_organisation_id_client_id_started_at",
        "organisation_id",
        "client_id",
        "started_at",
        "id",
    ),
    sa.Index(
        "ix_calls_organisation_id_deal_id_started_at",
        "organisation_id",
        "deal_id",
        "started_at",
        "id",
    ),
    # The recording fetch's claim: pending recordings by due time, across organisations.
    sa.Index(
        "ix_calls_recording_next_attempt_at_pending",
        "recording_next_attempt_at",
        postgresql_where=sa.text("recording_status = 'pending'"),
    ),
    # The stale-call sweep: the calls still in progress (few), oldest first.
    sa.Index(
        "ix_calls_started_at_in_progress",
        "started_at",
        postgresql_where=sa.text("result = 'in_progress'"),
    ),
)


# A head's review of a call (issue 14, call review): one per call, the latest word; who changed
# it and how is in the audit log.
call_reviews = sa.Table(
    "call_reviews",
    metadata,
    organisation_fk(),
    *tenant_ref("call_id", "calls", ondelete="CASCADE", nullable=False),
    *user_ref("reviewer_id"),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    updated_at(),
    sa.PrimaryKeyConstraint("organisation_id", "call_id"),
    sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    sa.CheckConstraint("char_length(comment) <= 2000", name="comment_length"),
    # Who reviewed what, newest first (a head's own reviews).
    sa.Index(
        "ix_call_reviews_organisation_id_reviewer_id_reviewed_at",
        "organisation_id",
        "reviewer_id",
        "reviewed_at",
    ),
)


# Click-to-call: each request to a PBX to ring an employee's extension, then a client; the
# call the PBX then reports is attached to it (and through it to the record it came from).
call_originations = sa.Table(
    "call_originations",
    metadata,
    *tenant_pk(),
    *user_ref("user_id", nullable=False),
    *tenant_ref("integration_id", "telephony_integrations", ondelete="SET NULL"),
    sa.Column("extension", sa.String(64), nullable=True),
    sa.Column("number", sa.String(20), nullable=False),
    *tenant_ref("client_id", "clients", ondelete="SET NULL"),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    # A call list's item (no foreign key: call lists may purge their items).
    sa.Column("call_list_item_id", UUID(as_uuid=True), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.String(300), nullable=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    *tenant_ref("call_id", "calls", ondelete="SET NULL"),
    # A user's own attempts, newest first (and the per-minute limit).
    sa.Index(
        "ix_call_originations_organisation_id_user_id_requested_at",
        "organisation_id",
        "user_id",
        "requested_at",
        "id",
    ),
    # The PBX's report of the call finds its request.
    sa.Index(
        "ix_call_originations_unclaimed",
        "organisation_id",
        "user_id",
        "number",
        "requested_at",
        postgresql_where=sa.text("call_id IS NULL AND status = 'accepted'"),
    ),
)
