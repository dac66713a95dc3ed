"""Lead distribution: the rules that share leads out, their round-robin counters, and the leads
themselves (who got each, when, why, and when they first answered it)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import created_at, metadata, tenant_pk, tenant_ref, user_ref, version

distribution_rules = sa.Table(
    "distribution_rules",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    # round_robin | least_loaded | by_tag
    sa.Column("kind", sa.String(16), nullable=False),
    # What the rule applies to: a form, a lead source, a funnel (none of them: every lead).
    *tenant_ref("form_id", "intake_forms", ondelete="CASCADE"),
    sa.Column("source", sa.String(100), nullable=True),
    *tenant_ref("funnel_id", "funnels", ondelete="CASCADE"),
    # The people it shares leads among, in their order (users are never deleted).
    sa.Column("user_ids", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # by_tag: the lead's field (region, language, product) and [{"value", "user_ids"}].
    sa.Column("tag", sa.String(64), nullable=True),
    sa.Column("tag_routes", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # Whose head takes a lead nobody on duty took, after escalate_after_minutes.
    *tenant_ref("department_id", "departments", ondelete="SET NULL"),
    sa.Column("escalate_after_minutes", sa.Integer, nullable=True),
    # A known client's lead goes to their responsible manager (or the substitute).
    sa.Column("to_responsible", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("priority", sa.Integer, nullable=False, server_default="100"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    created_at(),
    version(),
    sa.Index(
        "ix_distribution_rules_organisation_id_priority",
        "organisation_id",
        "priority",
        "created_at",
        "id",
    ),
)

# One row per rule (or form with an inline rule): the round-robin position, moved by an atomic
# UPDATE ... RETURNING whose row lock also serialises the choices made under one rule.
distribution_counters = sa.Table(
    "distribution_counters",
    metadata,
    *tenant_pk(),
    sa.Column("position", sa.BigInteger, nullable=False, server_default="0"),
)

intake_leads = sa.Table(
    "intake_leads",
    metadata,
    *tenant_pk(),
    # The inbox item it came from (no foreign key needed: both live forever; unique per item).
    sa.Column("inbox_item_id", UUID(as_uuid=True), nullable=False),
    # form | telephony | api
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("channel_id", UUID(as_uuid=True), nullable=True),
    sa.Column("source", sa.String(100), nullable=True),
    sa.Column("campaign", sa.String(200), nullable=True),
    sa.Column("person_name", sa.String(200), nullable=True),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("email", sa.String(320), nullable=True),
    *tenant_ref("client_id", "clients", ondelete="SET NULL"),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    # open | closed | spam
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    # Who has it (None: nobody on duty could take it yet), since when, by which rule and why.
    *user_ref("assignee_id"),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
    *tenant_ref("rule_id", "distribution_rules", ondelete="SET NULL"),
    sa.Column("assignment", sa.String(16), nullable=True),
    # An unassigned lead goes to a head at escalate_at (once: escalated_at).
    sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
    # The assignee's first activity, stage move or call on the lead's deal after assignment.
    sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
    created_at(),
    version(),
    sa.UniqueConstraint(
        "organisation_id", "inbox_item_id", name="uq_intake_leads_organisation_id_inbox_item_id"
    ),
    sa.Index("ix_intake_leads_organisation_id_received_at", "organisation_id", "received_at", "id"),
    sa.Index(
        "ix_intake_leads_organisation_id_assignee_id_status",
        "organisation_id",
        "assignee_id",
        "status",
    ),
    sa.Index("ix_intake_leads_organisation_id_deal_id", "organisation_id", "deal_id"),
    # The escalation sweep's query: open, unassigned, not escalated, by due time.
    sa.Index(
        "ix_intake_leads_escalate_at_due",
        "escalate_at",
        postgresql_where=sa.text(
            "assignee_id IS NULL AND escalated_at IS NULL AND status = 'open'"
        ),
    ),
)
