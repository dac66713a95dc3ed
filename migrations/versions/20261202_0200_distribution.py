"""distribution: rules that share leads out among staff on duty, and the leads they assign

``distribution_rules`` apply to a form, a lead source or a funnel (or every lead) and share
leads round-robin, to the least loaded or by a tag of the lead (region, language, product);
``distribution_counters`` hold each rule's round-robin position (an atomic UPDATE whose row
lock serialises the choices under one rule). ``intake_leads`` is one row per lead taken in:
who has it, since when and why, when an unassigned one escalates to a head, and when its
assignee first responded (issue 11, item 5).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 02:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "distribution_counters",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_distribution_counters_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_distribution_counters"),
    )
    op.create_table(
        "distribution_rules",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("form_id", sa.UUID(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("funnel_id", sa.UUID(), nullable=True),
        sa.Column(
            "user_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("tag", sa.String(length=64), nullable=True),
        sa.Column(
            "tag_routes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("department_id", sa.UUID(), nullable=True),
        sa.Column("escalate_after_minutes", sa.Integer(), nullable=True),
        sa.Column("to_responsible", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("priority", sa.Integer(), server_default="100", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "department_id"],
            ["departments.organisation_id", "departments.id"],
            name="fk_distribution_rules_department_id_departments",
            ondelete="SET NULL (department_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "form_id"],
            ["intake_forms.organisation_id", "intake_forms.id"],
            name="fk_distribution_rules_form_id_intake_forms",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "funnel_id"],
            ["funnels.organisation_id", "funnels.id"],
            name="fk_distribution_rules_funnel_id_funnels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_distribution_rules_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_distribution_rules"),
    )
    op.create_index(
        "ix_distribution_rules_organisation_id_priority",
        "distribution_rules",
        ["organisation_id", "priority", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "intake_leads",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("inbox_item_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.UUID(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("campaign", sa.String(length=200), nullable=True),
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee_id", sa.UUID(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rule_id", sa.UUID(), nullable=True),
        sa.Column("assignment", sa.String(length=16), nullable=True),
        sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "assignee_id"],
            ["users.organisation_id", "users.id"],
            name="fk_intake_leads_assignee_id_users",
            ondelete="SET NULL (assignee_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name="fk_intake_leads_client_id_clients",
            ondelete="SET NULL (client_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name="fk_intake_leads_deal_id_deals",
            ondelete="SET NULL (deal_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "rule_id"],
            ["distribution_rules.organisation_id", "distribution_rules.id"],
            name="fk_intake_leads_rule_id_distribution_rules",
            ondelete="SET NULL (rule_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_intake_leads_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_intake_leads"),
        sa.UniqueConstraint(
            "organisation_id", "inbox_item_id", name="uq_intake_leads_organisation_id_inbox_item_id"
        ),
    )
    op.create_index(
        "ix_intake_leads_escalate_at_due",
        "intake_leads",
        ["escalate_at"],
        unique=False,
        postgresql_where=sa.text(
            "assignee_id IS NULL AND escalated_at IS NULL AND status = 'open'"
        ),
    )
    op.create_index(
        "ix_intake_leads_organisation_id_assignee_id_status",
        "intake_leads",
        ["organisation_id", "assignee_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_intake_leads_organisation_id_deal_id",
        "intake_leads",
        ["organisation_id", "deal_id"],
        unique=False,
    )
    op.create_index(
        "ix_intake_leads_organisation_id_received_at",
        "intake_leads",
        ["organisation_id", "received_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_activities_organisation_id_author_id_occurred_at",
        "activities",
        ["organisation_id", "author_id", "occurred_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_activities_organisation_id_author_id_occurred_at", table_name="activities")
    op.drop_index("ix_intake_leads_organisation_id_received_at", table_name="intake_leads")
    op.drop_index("ix_intake_leads_organisation_id_deal_id", table_name="intake_leads")
    op.drop_index("ix_intake_leads_organisation_id_assignee_id_status", table_name="intake_leads")
    op.drop_index(
        "ix_intake_leads_escalate_at_due",
        table_name="intake_leads",
        postgresql_where=sa.text(
            "assignee_id IS NULL AND escalated_at IS NULL AND status = 'open'"
        ),
    )
    op.drop_table("intake_leads")
    op.drop_index("ix_distribution_rules_organisation_id_priority", table_name="distribution_rules")
    op.drop_table("distribution_rules")
    op.drop_table("distribution_counters")
