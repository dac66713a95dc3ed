"""Derived data: deal totals per organisation, responsible, funnel, stage, status and currency.

``deal_counters`` is kept exact by triggers on deals and stages, in the transaction that changes
a deal (migration 0011 holds them; they are not part of this metadata, so Alembic compares only
the table). Rows are never read for anything but totals, and ``deal_counters_rebuild(org)``
recomputes an organisation's rows from its deals.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from adapters.db.tables.base import metadata, organisation_fk

deal_counters = sa.Table(
    "deal_counters",
    metadata,
    organisation_fk(),
    # Plain columns, no foreign keys: a counter is derived from the deal rows, which hold the
    # references, and a row whose deals have all gone may stay (at zero).
    sa.Column("responsible_id", UUID(as_uuid=True), nullable=False),
    sa.Column("funnel_id", UUID(as_uuid=True), nullable=False),
    sa.Column("stage_id", UUID(as_uuid=True), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("deal_count", sa.BigInteger, nullable=False),
    # Unbounded numeric, not the deals' numeric(18, 2): two deals at the largest amount a deal
    # may have already add up to more than numeric(18, 2) holds, and an overflow here would
    # refuse the deal itself.
    sa.Column("amount", sa.Numeric, nullable=False),
    # Won: the amount; lost: 0; open: round(amount x stage probability / 100, 2), per deal.
    sa.Column("weighted", sa.Numeric, nullable=False),
    sa.PrimaryKeyConstraint(
        "organisation_id", "responsible_id", "funnel_id", "stage_id", "status", "currency"
    ),
)
