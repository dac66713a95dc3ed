"""complaints (рекламации) and recurring deal follow-ups

Complaints on a client (and optionally one of its deals) with their status history; a karma
flag may name the complaint that recorded it; deals gain a follow-up interval (postponed deals)
and a warranty end date with its reminder. Existing roles get complaints:read where they read
deals and complaints:write where they change them, seeing complaints as far as they see
deals: a few rows per organisation, no job needed.

Revision ID: 0048_complaints
Revises: 0047_onec_gaps
Create Date: 2026-12-07 02:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0048_complaints"
down_revision: str | None = "0047_onec_gaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Every name below is a constant of this module: no outside text reaches the SQL.
def _grant(permission: str, held_with: str) -> None:
    held = f"'[\"{permission}\"]'::jsonb"
    op.execute(
        f"UPDATE roles SET permissions = permissions || {held}, version = version + 1 "  # noqa: S608
        f"WHERE permissions @> '[\"{held_with}\"]'::jsonb AND NOT permissions @> {held}"
    )


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="new", nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public_conflict", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("overdue_announced_for", sa.Date(), nullable=True),
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
        sa.CheckConstraint(
            "(status IN ('resolved', 'rejected')) = (resolved_at IS NOT NULL)",
            name=op.f("ck_complaints_closed_when"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name=op.f("fk_complaints_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_complaints_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_complaints_deal_id_deals"),
            ondelete="SET NULL (deal_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "owner_id"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_complaints_owner_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_complaints_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_complaints")),
    )
    op.create_index(
        "ix_complaints_organisation_id_client_id",
        "complaints",
        ["organisation_id", "client_id"],
        unique=False,
    )
    op.create_index(
        "ix_complaints_organisation_id_created_at",
        "complaints",
        ["organisation_id", "created_at"],
        unique=False,
        postgresql_include=["owner_id", "status", "resolved_at", "deadline"],
    )
    op.create_index(
        "ix_complaints_organisation_id_deadline_id",
        "complaints",
        ["organisation_id", "deadline", "id"],
        unique=False,
        postgresql_include=["owner_id", "status"],
    )
    op.create_index(
        "ix_complaints_organisation_id_deal_id",
        "complaints",
        ["organisation_id", "deal_id"],
        unique=False,
    )
    op.create_index(
        "ix_complaints_organisation_id_owner_id_deadline",
        "complaints",
        ["organisation_id", "owner_id", "deadline", "id"],
        unique=False,
    )
    op.create_index(
        "ix_complaints_overdue_unannounced",
        "complaints",
        ["deadline"],
        unique=False,
        postgresql_where=sa.text(
            "status IN ('new', 'in_work') AND overdue_announced_for IS DISTINCT FROM deadline"
        ),
    )
    op.create_table(
        "complaint_transitions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.UUID(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "actor_id"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_complaint_transitions_actor_id_users"),
            ondelete="SET NULL (actor_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name=op.f("fk_complaint_transitions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "complaint_id"],
            ["complaints.organisation_id", "complaints.id"],
            name=op.f("fk_complaint_transitions_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_complaint_transitions_deal_id_deals"),
            ondelete="SET NULL (deal_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_complaint_transitions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_complaint_transitions")),
    )
    op.create_index(
        "ix_complaint_transitions_organisation_id_client_id_at",
        "complaint_transitions",
        ["organisation_id", "client_id", "at"],
        unique=False,
    )
    op.create_index(
        "ix_complaint_transitions_organisation_id_complaint_id",
        "complaint_transitions",
        ["organisation_id", "complaint_id"],
        unique=False,
    )
    op.create_index(
        "ix_complaint_transitions_organisation_id_deal_id_at",
        "complaint_transitions",
        ["organisation_id", "deal_id", "at"],
        unique=False,
    )
    op.add_column("deals", sa.Column("follow_up_every_days", sa.SmallInteger(), nullable=True))
    op.add_column(
        "deals", sa.Column("follow_up_next_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("deals", sa.Column("warranty_ends_on", sa.Date(), nullable=True))
    op.add_column("deals", sa.Column("warranty_remind_days", sa.SmallInteger(), nullable=True))
    op.add_column("deals", sa.Column("warranty_reminded_for", sa.Date(), nullable=True))
    op.create_index(
        "ix_deals_follow_up_due",
        "deals",
        ["follow_up_next_at"],
        unique=False,
        postgresql_where=sa.text("follow_up_next_at IS NOT NULL AND status = 'open'"),
    )
    op.create_index(
        "ix_deals_warranty_unreminded",
        "deals",
        ["warranty_ends_on"],
        unique=False,
        postgresql_where=sa.text(
            "warranty_ends_on IS NOT NULL "
            "AND warranty_reminded_for IS DISTINCT FROM warranty_ends_on"
        ),
    )
    op.add_column("karma_flags", sa.Column("complaint_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_karma_flags_complaint_id_complaints"),
        "karma_flags",
        "complaints",
        ["organisation_id", "complaint_id"],
        ["organisation_id", "id"],
        ondelete="CASCADE",
    )

    op.create_check_constraint(
        "ck_deals_follow_up_every_days_range", "deals", "follow_up_every_days BETWEEN 1 AND 365"
    )
    op.create_check_constraint(
        "ck_deals_warranty_remind_days_range", "deals", "warranty_remind_days BETWEEN 1 AND 365"
    )
    _grant("complaints:read", "deals:read")
    _grant("complaints:write", "deals:write")
    op.execute(
        "UPDATE roles SET visibility = visibility || "
        "jsonb_build_object('complaints', visibility->'deals') "
        "WHERE visibility ? 'deals' AND NOT visibility ? 'complaints'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE roles SET permissions = permissions - 'complaints:read' - 'complaints:write', "
        "visibility = visibility - 'complaints'"
    )
    op.drop_constraint("ck_deals_warranty_remind_days_range", "deals", type_="check")
    op.drop_constraint("ck_deals_follow_up_every_days_range", "deals", type_="check")
    op.drop_constraint(
        op.f("fk_karma_flags_complaint_id_complaints"), "karma_flags", type_="foreignkey"
    )
    op.drop_column("karma_flags", "complaint_id")
    op.drop_index("ix_deals_warranty_unreminded", table_name="deals")
    op.drop_index("ix_deals_follow_up_due", table_name="deals")
    for column in (
        "warranty_reminded_for",
        "warranty_remind_days",
        "warranty_ends_on",
        "follow_up_next_at",
        "follow_up_every_days",
    ):
        op.drop_column("deals", column)
    op.drop_table("complaint_transitions")
    op.drop_table("complaints")
