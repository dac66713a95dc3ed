"""employee karma: criteria and bonus rate, closed months and their frozen scores

``employee_karma_settings`` holds an organisation's weights per criterion and the bonus per
point (the defaults stand until it is saved). Closing a month writes ``karma_periods`` (one
row per organisation and month) and a ``karma_period_scores`` row per employee as they were
then; nothing changes them afterwards.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _organisation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    weight = sa.Numeric(precision=12, scale=2)
    op.create_table(
        "employee_karma_settings",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        *(
            sa.Column(name, weight, nullable=False)
            for name in (
                "won_deal",
                "upsell",
                "promoter",
                "detractor",
                "plan_fulfilment",
                "overdue_task",
            )
        ),
        sa.Column("bonus_per_point", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _organisation_fk("employee_karma_settings"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_employee_karma_settings")),
    )
    op.create_table(
        "karma_periods",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.UUID(), nullable=True),
        sa.Column("bonus_per_point", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "closed_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_karma_periods_closed_by_users"),
            ondelete="SET NULL (closed_by)",
        ),
        _organisation_fk("karma_periods"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "period_start", name=op.f("pk_karma_periods")
        ),
    )
    op.create_table(
        "karma_period_scores",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.UUID(), nullable=True),
        sa.Column("is_head", sa.Boolean(), nullable=False),
        sa.Column("facts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("own_score", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("score", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("bonus", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "period_start"],
            ["karma_periods.organisation_id", "karma_periods.period_start"],
            name=op.f("fk_karma_period_scores_organisation_id_karma_periods"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "user_id"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_karma_period_scores_user_id_users"),
            ondelete="RESTRICT",
        ),
        _organisation_fk("karma_period_scores"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "period_start", "user_id", name=op.f("pk_karma_period_scores")
        ),
    )


def downgrade() -> None:
    op.drop_table("karma_period_scores")
    op.drop_table("karma_periods")
    op.drop_table("employee_karma_settings")
