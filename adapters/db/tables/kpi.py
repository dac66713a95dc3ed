"""KPI plans: a target per subject (a user or a department), metric and period."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.tables.base import (
    created_at,
    metadata,
    money,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

kpi_plans = sa.Table(
    "kpi_plans",
    metadata,
    *tenant_pk(),
    # Exactly one subject. Users are never deleted (deactivated); a deleted department takes
    # its plans with it.
    *tenant_ref("user_id", "users", ondelete="CASCADE"),
    *tenant_ref("department_id", "departments", ondelete="CASCADE"),
    # turnover | margin | won_deals | deals_in_work | calls | meetings
    sa.Column("metric", sa.String(16), nullable=False),
    sa.Column("period_kind", sa.String(8), nullable=False),  # week | month | quarter | year
    sa.Column("period_start", sa.Date, nullable=False),
    money("target"),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint("(user_id IS NULL) <> (department_id IS NULL)", name="one_subject"),
    sa.CheckConstraint("target >= 0", name="target_not_negative"),
    # One plan per subject, metric and period; also a subject's plans.
    sa.Index(
        "uq_kpi_plans_user_period",
        "organisation_id",
        "user_id",
        "metric",
        "period_kind",
        "period_start",
        unique=True,
        postgresql_where=sa.text("user_id IS NOT NULL"),
    ),
    sa.Index(
        "uq_kpi_plans_department_period",
        "organisation_id",
        "department_id",
        "metric",
        "period_kind",
        "period_start",
        unique=True,
        postgresql_where=sa.text("department_id IS NOT NULL"),
    ),
    # A period's plans (fulfilment, leaderboard) and the list, latest period first.
    sa.Index(
        "ix_kpi_plans_organisation_id_period_kind_period_start",
        "organisation_id",
        "period_kind",
        "period_start",
    ),
    sa.Index(
        "ix_kpi_plans_organisation_id_period_start_id", "organisation_id", "period_start", "id"
    ),
)
