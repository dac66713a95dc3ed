"""Automation: the organisation's rules (trigger, conditions and actions as validated JSON)
and their runs, one per (rule, event): the key that keeps a redelivered event from running a
rule twice."""

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

automation_rules = sa.Table(
    "automation_rules",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("is_enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    # The domain event the trigger waits for (domain.automation.model.TRIGGER_EVENTS).
    sa.Column("trigger_event", sa.String(100), nullable=False),
    sa.Column("trigger", JSONB, nullable=False),
    sa.Column("conditions", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("actions", JSONB, nullable=False),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.Index("ix_automation_rules_organisation_id_created_at", "organisation_id", "created_at"),
    sa.Index(
        "ix_automation_rules_organisation_id_trigger_event",
        "organisation_id",
        "trigger_event",
        postgresql_where=sa.text("is_enabled"),
    ),
)

automation_rule_runs = sa.Table(
    "automation_rule_runs",
    metadata,
    sa.Column("id", UUID(as_uuid=True), nullable=False),
    organisation_fk(),
    *tenant_ref("rule_id", "automation_rules", ondelete="CASCADE", nullable=False),
    sa.Column("event_id", UUID(as_uuid=True), nullable=False),
    sa.Column("event_name", sa.String(100), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # done | skipped | failed
    sa.Column("reason", sa.String(1000), nullable=True),
    sa.Column("actions", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # The record the event was about; plain ids, so the log outlives a deleted deal.
    sa.Column("deal_id", UUID(as_uuid=True), nullable=True),
    sa.Column("client_id", UUID(as_uuid=True), nullable=True),
    sa.Column("depth", sa.SmallInteger, nullable=False, server_default="0"),
    # The stay in a stage a time-based run was for.
    sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "id"),
    sa.UniqueConstraint("organisation_id", "rule_id", "event_id"),
    sa.CheckConstraint("status IN ('done', 'skipped', 'failed')", name="status_known"),
    sa.Index(
        "ix_automation_rule_runs_organisation_id_rule_id_at", "organisation_id", "rule_id", "at"
    ),
    sa.Index(
        "ix_automation_rule_runs_organisation_id_deal_id_at",
        "organisation_id",
        "deal_id",
        "at",
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    ),
    sa.Index(
        "ix_automation_rule_runs_organisation_id_client_id_at",
        "organisation_id",
        "client_id",
        "at",
        postgresql_where=sa.text("client_id IS NOT NULL"),
    ),
)
