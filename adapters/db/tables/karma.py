"""Client karma: the organisation's rules, the entries (derived from source rows, or manual),
each client's cached score, and the flags recorded for karma on won deals and clients."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from adapters.db.tables.base import (
    created_at,
    metadata,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
)

POINTS = sa.Numeric(14, 2)

# One row per kind once the rules were first saved (the defaults in domain/karma/model.py
# stand until then); they move to the next version together.
karma_rules = sa.Table(
    "karma_rules",
    metadata,
    organisation_fk(),
    # turnover | profit | lost_tender | loss_making | public_conflict
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("weight", sa.Numeric(12, 2), nullable=False),
    # Money rules: the weight is per this many units of the organisation's currency.
    sa.Column("per_unit", sa.Numeric(18, 2), nullable=True),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    updated_at(),
    sa.PrimaryKeyConstraint("organisation_id", "kind"),
)

karma_entries = sa.Table(
    "karma_entries",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    # a rule kind, or manual
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("points", POINTS, nullable=False),
    sa.Column("reason", sa.String(500), nullable=True),
    # deal | invoice | flag | manual (a manual entry is its own source)
    sa.Column("source_kind", sa.String(16), nullable=False),
    sa.Column("source_id", UUID(as_uuid=True), nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    *user_ref("created_by"),
    created_at(),
    # The idempotency key: a source row is worth at most one entry per rule.
    sa.UniqueConstraint("organisation_id", "source_kind", "source_id", "kind"),
    # A client's entries and history, newest first.
    sa.Index(
        "ix_karma_entries_organisation_id_client_id_occurred_at",
        "organisation_id",
        "client_id",
        "occurred_at",
        "id",
    ),
)

# Each client's karma = the sum of its entries, kept in the transaction that writes them, so
# lists and sector averages read one row per client. No row: no entries.
karma_scores = sa.Table(
    "karma_scores",
    metadata,
    organisation_fk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("score", POINTS, nullable=False),
    sa.Column("entries", sa.Integer, nullable=False),
    updated_at(),
    sa.PrimaryKeyConstraint("organisation_id", "client_id"),
)

karma_flags = sa.Table(
    "karma_flags",
    metadata,
    *tenant_pk(),
    sa.Column("kind", sa.String(16), nullable=False),  # loss_making | public_conflict
    *tenant_ref("client_id", "clients", ondelete="CASCADE"),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE"),
    sa.Column("note", sa.String(1000), nullable=True),
    # The complaint that recorded a client's public conflict (its flag goes when the complaint
    # drops it); None for a flag set by hand.
    *tenant_ref("complaint_id", "complaints", ondelete="CASCADE"),
    *user_ref("created_by"),
    created_at(),
    sa.CheckConstraint("(client_id IS NULL) <> (deal_id IS NULL)", name="one_subject"),
    sa.Index(
        "uq_karma_flags_client_kind",
        "organisation_id",
        "client_id",
        "kind",
        unique=True,
        postgresql_where=sa.text("client_id IS NOT NULL"),
    ),
    sa.Index(
        "uq_karma_flags_deal_kind",
        "organisation_id",
        "deal_id",
        "kind",
        unique=True,
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    ),
)
