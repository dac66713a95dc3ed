"""kpi: plans (a target per user or department, metric and period) and kpi:manage

A plan's subject is a user or a department (exactly one); it is unique per organisation,
subject, metric and period (two partial unique indexes, which also serve a subject's plans).
Indexes: a period's plans (fulfilment, leaderboard) and the list, latest period first.

``kpi:manage`` is the right to set plans for the people and departments one sees: the built-in
administrator and head of sales roles get it, as they do for new organisations. A role's
version moves on, so a role form opened before this answers 412 instead of writing the old
permission set back. The organisation's fulfilment basis (paid invoices or won deals) exists
since the first revision. A few rows per organisation: no job needed.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"kpi:manage\"]'::jsonb"


def upgrade() -> None:
    op.create_table(
        "kpi_plans",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("department_id", sa.UUID(), nullable=True),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("target", sa.Numeric(precision=18, scale=2), nullable=False),
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
            "(user_id IS NULL) <> (department_id IS NULL)", name=op.f("ck_kpi_plans_one_subject")
        ),
        sa.CheckConstraint("target >= 0", name=op.f("ck_kpi_plans_target_not_negative")),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_kpi_plans_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "department_id"],
            ["departments.organisation_id", "departments.id"],
            name=op.f("fk_kpi_plans_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "user_id"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_kpi_plans_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_kpi_plans_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_kpi_plans")),
    )
    op.create_index(
        "ix_kpi_plans_organisation_id_period_kind_period_start",
        "kpi_plans",
        ["organisation_id", "period_kind", "period_start"],
        unique=False,
    )
    op.create_index(
        "ix_kpi_plans_organisation_id_period_start_id",
        "kpi_plans",
        ["organisation_id", "period_start", "id"],
        unique=False,
    )
    op.create_index(
        "uq_kpi_plans_user_period",
        "kpi_plans",
        ["organisation_id", "user_id", "metric", "period_kind", "period_start"],
        unique=True,
        postgresql_where=sa.text("user_id IS NOT NULL"),
    )
    op.create_index(
        "uq_kpi_plans_department_period",
        "kpi_plans",
        ["organisation_id", "department_id", "metric", "period_kind", "period_start"],
        unique=True,
        postgresql_where=sa.text("department_id IS NOT NULL"),
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_HELD}, version = version + 1 "  # noqa: S608
        f"WHERE code IN ('admin', 'head_of_sales') AND NOT permissions @> {_HELD}"
    )


def downgrade() -> None:
    # kpi:manage meant nothing before this revision, so nobody can have held it on purpose.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'kpi:manage'")  # noqa: S608
    op.drop_index(
        "uq_kpi_plans_department_period",
        table_name="kpi_plans",
        postgresql_where=sa.text("department_id IS NOT NULL"),
    )
    op.drop_index(
        "uq_kpi_plans_user_period",
        table_name="kpi_plans",
        postgresql_where=sa.text("user_id IS NOT NULL"),
    )
    op.drop_index("ix_kpi_plans_organisation_id_period_start_id", table_name="kpi_plans")
    op.drop_index("ix_kpi_plans_organisation_id_period_kind_period_start", table_name="kpi_plans")
    op.drop_table("kpi_plans")
