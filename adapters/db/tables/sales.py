"""Derived data: the sales structure's won deals classified, and its days rolled up.

Kept exact by triggers on deals, deal_products and organisations, in the transaction that
changes them (migration 0033 holds them and says what counts; they are not part of this
metadata, so Alembic compares only the tables). ``sales_rebuild(org)`` recomputes an
organisation's rows from its deals. Rollup rows may stay at zero; readers skip them.

``day`` is the organisation's local calendar day (``organisations.time_zone``), so a period of
the API is one range of the key; a change of time zone rebuilds the organisation's rows. A deal
without a source is kept under ``source = ''``: a primary key holds no NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from adapters.db.tables.base import metadata, organisation_fk

# Plain columns, no foreign keys: the rows are derived from the deals, which hold the
# references (a classified deal's row must outlive its deal's deletion until the triggers have
# counted it out).

# One row per won deal (with a closing moment): what it was when it was won, from the client's
# other won deals. A repeat purchase: the client had won a deal closed earlier; a cross-sell: a
# repeat purchase with a product (by its name's search key) none of those earlier deals had.
sales_deals = sa.Table(
    "sales_deals",
    metadata,
    organisation_fk(),
    sa.Column("deal_id", UUID(as_uuid=True), nullable=False),
    sa.Column("client_id", UUID(as_uuid=True), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("responsible_id", UUID(as_uuid=True), nullable=False),
    sa.Column("funnel_id", UUID(as_uuid=True), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("repeat", sa.Boolean, nullable=False),
    sa.Column("cross_sell", sa.Boolean, nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "deal_id"),
    # A client's deals are reclassified together.
    sa.Index("ix_sales_deals_organisation_id_client_id", "organisation_id", "client_id"),
)

# The won deals per local day and everything the sales structure filters by.
sales_days = sa.Table(
    "sales_days",
    metadata,
    organisation_fk(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("responsible_id", UUID(as_uuid=True), nullable=False),
    sa.Column("funnel_id", UUID(as_uuid=True), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("won", sa.BigInteger, nullable=False),
    # Unbounded numeric: sums of numeric(18, 2) amounts outgrow numeric(18, 2).
    sa.Column("amount", sa.Numeric, nullable=False),
    sa.Column("repeat", sa.BigInteger, nullable=False),
    sa.Column("cross_sell", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint(
        "organisation_id", "day", "responsible_id", "funnel_id", "source", "currency"
    ),
)

# Product lines per day and product name: asked for on the deals created that day, sold on the
# deals won that day. A deal counts once per product search key, under the first (min) of its
# names for that key, so summing the rows of a key counts distinct deals.
sales_product_days = sa.Table(
    "sales_product_days",
    metadata,
    organisation_fk(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("responsible_id", UUID(as_uuid=True), nullable=False),
    sa.Column("funnel_id", UUID(as_uuid=True), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("product", sa.String(300), nullable=False),
    sa.Column("asked_deals", sa.BigInteger, nullable=False),
    sa.Column("asked_quantity", sa.Numeric, nullable=False),
    sa.Column("sold_deals", sa.BigInteger, nullable=False),
    sa.Column("sold_quantity", sa.Numeric, nullable=False),
    sa.Column("sold_amount", sa.Numeric, nullable=False),
    sa.PrimaryKeyConstraint(
        "organisation_id",
        "day",
        "responsible_id",
        "funnel_id",
        "source",
        "currency",
        "product",
    ),
)
