"""automation rules and their runs; the lawyer works their own tasks

Rules per organisation (trigger, conditions and actions as validated JSON) and one run per
(rule, event), the key that keeps a redelivered event from running a rule twice. The built-in
lawyer role gains tasks:read and tasks:write, seeing only their own tasks, so the task a rule
gives "the lawyer" reaches them, and heads of sales may manage rules (automation:manage): a few
rows per organisation, no job needed.

Revision ID: 0049_automation_rules
Revises: 0048_complaints
Create Date: 2026-12-07 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0049_automation_rules"
down_revision: str | None = "0048_complaints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LAWYER_TASKS = """
    UPDATE roles
    SET permissions = permissions || '["tasks:read", "tasks:write"]'::jsonb,
        visibility = visibility || '{"tasks": "own"}'::jsonb,
        version = version + 1
    WHERE code = 'lawyer' AND NOT permissions @> '["tasks:read"]'::jsonb
"""
_HEADS_MANAGE = """
    UPDATE roles
    SET permissions = permissions || '["automation:manage"]'::jsonb, version = version + 1
    WHERE code = 'head_of_sales' AND NOT permissions @> '["automation:manage"]'::jsonb
"""
_HEADS_NO_MANAGE = """
    UPDATE roles
    SET permissions = permissions - 'automation:manage', version = version + 1
    WHERE permissions @> '["automation:manage"]'::jsonb
"""
_LAWYER_NO_TASKS = """
    UPDATE roles
    SET permissions = permissions - 'tasks:read' - 'tasks:write',
        visibility = visibility || '{"tasks": "all"}'::jsonb,
        version = version + 1
    WHERE code = 'lawyer' AND permissions @> '["tasks:read"]'::jsonb
"""


def upgrade() -> None:
    op.create_table(
        "automation_rules",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("trigger_event", sa.String(length=100), nullable=False),
        sa.Column("trigger", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "conditions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("actions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_automation_rules_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_automation_rules_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_automation_rules")),
    )
    op.create_index(
        "ix_automation_rules_organisation_id_created_at",
        "automation_rules",
        ["organisation_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_automation_rules_organisation_id_trigger_event",
        "automation_rules",
        ["organisation_id", "trigger_event"],
        unique=False,
        postgresql_where=sa.text("is_enabled"),
    )
    op.create_table(
        "automation_rule_runs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("rule_id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("event_name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column(
            "actions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("depth", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('done', 'skipped', 'failed')",
            name=op.f("ck_automation_rule_runs_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "rule_id"],
            ["automation_rules.organisation_id", "automation_rules.id"],
            name=op.f("fk_automation_rule_runs_rule_id_automation_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_automation_rule_runs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_automation_rule_runs")),
        sa.UniqueConstraint(
            "organisation_id",
            "rule_id",
            "event_id",
            name=op.f("uq_automation_rule_runs_organisation_id_rule_id_event_id"),
        ),
    )
    op.create_index(
        "ix_automation_rule_runs_organisation_id_client_id_at",
        "automation_rule_runs",
        ["organisation_id", "client_id", "at"],
        unique=False,
        postgresql_where=sa.text("client_id IS NOT NULL"),
    )
    op.create_index(
        "ix_automation_rule_runs_organisation_id_deal_id_at",
        "automation_rule_runs",
        ["organisation_id", "deal_id", "at"],
        unique=False,
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    )
    op.create_index(
        "ix_automation_rule_runs_organisation_id_rule_id_at",
        "automation_rule_runs",
        ["organisation_id", "rule_id", "at"],
        unique=False,
    )
    op.execute(_LAWYER_TASKS)
    op.execute(_HEADS_MANAGE)


def downgrade() -> None:
    op.execute(_LAWYER_NO_TASKS)
    op.execute(_HEADS_NO_MANAGE)
    op.drop_index(
        "ix_automation_rule_runs_organisation_id_rule_id_at", table_name="automation_rule_runs"
    )
    op.drop_index(
        "ix_automation_rule_runs_organisation_id_deal_id_at",
        table_name="automation_rule_runs",
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_automation_rule_runs_organisation_id_client_id_at",
        table_name="automation_rule_runs",
        postgresql_where=sa.text("client_id IS NOT NULL"),
    )
    op.drop_table("automation_rule_runs")
    op.drop_index(
        "ix_automation_rules_organisation_id_trigger_event",
        table_name="automation_rules",
        postgresql_where=sa.text("is_enabled"),
    )
    op.drop_index("ix_automation_rules_organisation_id_created_at", table_name="automation_rules")
    op.drop_table("automation_rules")
