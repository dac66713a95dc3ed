"""Complaints (рекламации) on a client or one of its deals, and every change of their status."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.tables.base import (
    created_at,
    metadata,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

complaints = sa.Table(
    "complaints",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    # quality | delivery | billing | service | other
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    # The employee who answers it; visibility follows them, as deals follow their responsible.
    *user_ref("owner_id", nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    # new | in_work | resolved | rejected
    sa.Column("status", sa.String(16), nullable=False, server_default="new"),
    sa.Column("resolution", sa.Text, nullable=True),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("public_conflict", sa.Boolean, nullable=False, server_default=sa.false()),
    # The deadline whose complaint.overdue went out: once per complaint and deadline.
    sa.Column("overdue_announced_for", sa.Date, nullable=True),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint(
        "(status IN ('resolved', 'rejected')) = (resolved_at IS NOT NULL)", name="closed_when"
    ),
    # The list sorted by deadline, per owner and overall (visibility: owner = ANY(:ids)).
    sa.Index(
        "ix_complaints_organisation_id_deadline_id",
        "organisation_id",
        "deadline",
        "id",
        postgresql_include=["owner_id", "status"],
    ),
    sa.Index(
        "ix_complaints_organisation_id_owner_id_deadline",
        "organisation_id",
        "owner_id",
        "deadline",
        "id",
    ),
    sa.Index("ix_complaints_organisation_id_client_id", "organisation_id", "client_id"),
    sa.Index("ix_complaints_organisation_id_deal_id", "organisation_id", "deal_id"),
    # The report's period: complaints created in it.
    sa.Index(
        "ix_complaints_organisation_id_created_at",
        "organisation_id",
        "created_at",
        postgresql_include=["owner_id", "status", "resolved_at", "deadline"],
    ),
    # The overdue sweep: open complaints whose deadline's notice has not gone out.
    sa.Index(
        "ix_complaints_overdue_unannounced",
        "deadline",
        postgresql_where=sa.text(
            "status IN ('new', 'in_work') AND overdue_announced_for IS DISTINCT FROM deadline"
        ),
    ),
)

# Created, and every status change after: who did it, when, with which resolution. The
# client's and the deal's timelines show them.
complaint_transitions = sa.Table(
    "complaint_transitions",
    metadata,
    *tenant_pk(),
    *tenant_ref("complaint_id", "complaints", ondelete="CASCADE", nullable=False),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    sa.Column("from_status", sa.String(16), nullable=True),
    sa.Column("to_status", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("resolution", sa.Text, nullable=True),
    *user_ref("actor_id"),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(
        "ix_complaint_transitions_organisation_id_client_id_at",
        "organisation_id",
        "client_id",
        "at",
    ),
    sa.Index(
        "ix_complaint_transitions_organisation_id_deal_id_at", "organisation_id", "deal_id", "at"
    ),
    sa.Index(
        "ix_complaint_transitions_organisation_id_complaint_id",
        "organisation_id",
        "complaint_id",
    ),
)
