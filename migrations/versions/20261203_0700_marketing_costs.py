"""marketing: costs per month, source and campaign, and marketing:manage

A cost is unique per organisation, month, source and campaign (no campaign counting as one:
NULLS NOT DISTINCT); that index also serves the list (latest month first) and a period's
costs. ``marketing:manage`` (enter costs) goes to the built-in administrator and marketer
roles, as it does for new organisations; those roles' versions move on, so a role form opened
before this answers 412 instead of writing the old permission set back.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 07:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"marketing:manage\"]'::jsonb"


def _moment(name: str) -> sa.Column[object]:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "marketing_costs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
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
        sa.CheckConstraint("amount >= 0", name=op.f("ck_marketing_costs_amount_not_negative")),
        sa.CheckConstraint(
            "extract(day FROM month) = 1", name=op.f("ck_marketing_costs_month_start")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_marketing_costs_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_marketing_costs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_marketing_costs")),
    )
    op.create_index(
        "uq_marketing_costs_month_source_campaign",
        "marketing_costs",
        ["organisation_id", "month", "source", "campaign"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_HELD}, version = version + 1 "  # noqa: S608
        f"WHERE code IN ('admin', 'marketer') AND NOT permissions @> {_HELD}"
    )


def downgrade() -> None:
    # marketing:manage meant nothing before this revision.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'marketing:manage'")  # noqa: S608
    op.drop_index("uq_marketing_costs_month_source_campaign", table_name="marketing_costs")
    op.drop_table("marketing_costs")
