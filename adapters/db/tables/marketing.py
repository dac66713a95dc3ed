"""Marketing costs: an amount per month, source and (optionally) campaign."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.tables.base import (
    created_at,
    metadata,
    money,
    tenant_pk,
    updated_at,
    user_ref,
    version,
)

marketing_costs = sa.Table(
    "marketing_costs",
    metadata,
    *tenant_pk(),
    sa.Column("month", sa.Date, nullable=False),  # its first day
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("campaign", sa.String(200), nullable=True),
    money("amount"),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("comment", sa.String(1000), nullable=True),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    sa.CheckConstraint("extract(day FROM month) = 1", name="month_start"),
    # One cost per month, source and campaign (no campaign counts as one); also the list,
    # latest month first, and a period's costs.
    sa.Index(
        "uq_marketing_costs_month_source_campaign",
        "organisation_id",
        "month",
        "source",
        "campaign",
        unique=True,
        postgresql_nulls_not_distinct=True,
    ),
)
