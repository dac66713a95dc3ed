"""Funnels with ordered stages, and the editable list of loss reasons."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.tables.base import created_at, metadata, tenant_pk, tenant_ref, version

funnels = sa.Table(
    "funnels",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("template", sa.String(32), nullable=True),  # sales | b2b_project | simple_sale
    sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    created_at(),
    version(),
    sa.Index(
        "uq_funnels_organisation_id_lower_name",
        "organisation_id",
        sa.text("lower(name)"),
        unique=True,
    ),
)

stages = sa.Table(
    "stages",
    metadata,
    *tenant_pk(),
    *tenant_ref("funnel_id", "funnels", ondelete="CASCADE", nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("position", sa.SmallInteger, nullable=False),
    sa.Column("probability", sa.Numeric(5, 2), nullable=False),  # percent, 0..100
    sa.Column("expected_result", sa.String(500), nullable=True),
    # Deal fields that must be filled to enter: ["amount", "contact_id", "custom:budget"].
    sa.Column("required_fields", JSONB, nullable=False, server_default="[]"),
    # Document type codes that must be attached to the deal to enter: ["contract"].
    sa.Column("required_documents", JSONB, nullable=False, server_default="[]"),
    sa.Column("max_days", sa.SmallInteger, nullable=True),
    sa.Column("group", sa.String(16), nullable=False, server_default="sale"),
    created_at(),
    sa.CheckConstraint("probability >= 0 AND probability <= 100", name="probability_range"),
    sa.Index(
        "ix_stages_organisation_id_funnel_id_position", "organisation_id", "funnel_id", "position"
    ),
    sa.Index(
        "uq_stages_organisation_id_funnel_id_lower_name",
        "organisation_id",
        "funnel_id",
        sa.text("lower(name)"),
        unique=True,
    ),
)

loss_reasons = sa.Table(
    "loss_reasons",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    created_at(),
    version(),
    sa.Index(
        "uq_loss_reasons_organisation_id_lower_name",
        "organisation_id",
        sa.text("lower(name)"),
        unique=True,
    ),
)

document_types = sa.Table(
    "document_types",
    metadata,
    *tenant_pk(),
    sa.Column("code", sa.String(64), nullable=False),  # contract | invoice | act | proposal | other
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    created_at(),
    version(),
    sa.UniqueConstraint("organisation_id", "code", name="uq_document_types_organisation_id_code"),
)
