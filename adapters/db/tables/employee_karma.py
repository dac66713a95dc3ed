"""Employee karma: the organisation's criteria and bonus rate, closed months and the scores
frozen in them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.tables.base import metadata, money, organisation_fk, updated_at, user_ref, version

WEIGHT = sa.Numeric(12, 2)

employee_karma_settings = sa.Table(
    "employee_karma_settings",
    metadata,
    organisation_fk(),
    sa.Column("won_deal", WEIGHT, nullable=False),
    sa.Column("upsell", WEIGHT, nullable=False),
    sa.Column("promoter", WEIGHT, nullable=False),
    sa.Column("detractor", WEIGHT, nullable=False),
    sa.Column("plan_fulfilment", WEIGHT, nullable=False),
    sa.Column("overdue_task", WEIGHT, nullable=False),
    money("bonus_per_point"),
    updated_at(),
    version(),
    sa.PrimaryKeyConstraint("organisation_id"),
)

karma_periods = sa.Table(
    "karma_periods",
    metadata,
    organisation_fk(),
    sa.Column("period_start", sa.Date, nullable=False),  # a month's first day
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
    *user_ref("closed_by"),
    money("bonus_per_point"),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "period_start"),
)

karma_period_scores = sa.Table(
    "karma_period_scores",
    metadata,
    organisation_fk(),
    sa.Column("period_start", sa.Date, nullable=False),
    *user_ref("user_id", nullable=False),
    # As they were at closing: a renamed or moved employee keeps the statement's line.
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("department_id", sa.UUID, nullable=True),
    sa.Column("is_head", sa.Boolean, nullable=False),
    sa.Column("facts", JSONB, nullable=False),
    sa.Column("own_score", sa.Numeric(14, 2), nullable=False),
    sa.Column("score", sa.Numeric(14, 2), nullable=False),
    money("bonus"),
    sa.PrimaryKeyConstraint("organisation_id", "period_start", "user_id"),
    sa.ForeignKeyConstraint(
        ["organisation_id", "period_start"],
        ["karma_periods.organisation_id", "karma_periods.period_start"],
        ondelete="CASCADE",
    ),
)
