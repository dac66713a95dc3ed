"""Retention: the organisation's settings (ABC shares, sleeping days), cross-sell rules, and
what the daily sweep already did (a sleep woken, a rule applied to a deal), so it does it once.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.tables.base import (
    created_at,
    metadata,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

retention_settings = sa.Table(
    "retention_settings",
    metadata,
    organisation_fk(),
    sa.Column("abc_a_share", sa.Numeric(5, 2), nullable=False),
    sa.Column("abc_b_share", sa.Numeric(5, 2), nullable=False),
    sa.Column("sleeping_days", sa.Integer, nullable=False),
    # {segment tag: days}; a client of several segments sleeps after the fewest days.
    sa.Column("sleeping_days_by_segment", JSONB, nullable=False, server_default="{}"),
    updated_at(),
    version(),
    sa.PrimaryKeyConstraint("organisation_id"),
    sa.CheckConstraint(
        "abc_a_share > 0 AND abc_b_share > 0 AND abc_a_share + abc_b_share < 100",
        name="abc_shares",
    ),
    sa.CheckConstraint("sleeping_days BETWEEN 1 AND 3650", name="sleeping_days_range"),
)

cross_sell_rules = sa.Table(
    "cross_sell_rules",
    metadata,
    *tenant_pk(),
    sa.Column("product_pattern", sa.String(200), nullable=False),
    # The pattern as product names are compared: lower case, ё as е.
    sa.Column("pattern_key", sa.String(200), nullable=False),
    sa.Column("after_days", sa.Integer, nullable=False),
    sa.Column("suggestion", sa.String(300), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint("after_days BETWEEN 1 AND 3650", name="after_days_range"),
    sa.Index("ix_cross_sell_rules_organisation_id_created_at", "organisation_id", "created_at"),
)

# A client's sleep is the time since its last purchase: one reactivation per sleep.
client_reactivations = sa.Table(
    "client_reactivations",
    metadata,
    organisation_fk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("last_purchase_at", sa.DateTime(timezone=True), nullable=False),
    created_at(),
    sa.PrimaryKeyConstraint("organisation_id", "client_id", "last_purchase_at"),
)

cross_sell_reminders = sa.Table(
    "cross_sell_reminders",
    metadata,
    organisation_fk(),
    *tenant_ref("rule_id", "cross_sell_rules", ondelete="CASCADE", nullable=False),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE", nullable=False),
    created_at(),
    sa.PrimaryKeyConstraint("organisation_id", "rule_id", "deal_id"),
)
