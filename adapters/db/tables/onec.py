"""1C:Enterprise exchange: the integrations, the exchange log with its files, and the product
catalogue 1C sends (groups, products, price types, prices, warehouses, stock).

Catalogue rows carry 1C's Ид (``external_id``), unique per organisation, so an import is an
upsert; a product made in the CRM itself has none."""

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

onec_integrations = sa.Table(
    "onec_integrations",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("login", sa.String(100), nullable=False),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("exchange_catalog", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("exchange_sale", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    # Who new clients from 1C's counterparties go to (None: the first active administrator).
    *user_ref("responsible_id"),
    # The funnel deals made from 1C's orders open in (None: the default funnel) (0044).
    *tenant_ref("deal_funnel_id", "funnels", ondelete="SET NULL"),
    sa.Column("win_on_status", sa.Boolean, nullable=False, server_default=sa.false()),
    created_at(),
    version(),
    sa.Index(
        "ix_onec_integrations_organisation_id_created_at", "organisation_id", "created_at", "id"
    ),
)

onec_exchanges = sa.Table(
    "onec_exchanges",
    metadata,
    *tenant_pk(),
    *tenant_ref("integration_id", "onec_integrations", ondelete="CASCADE", nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    # SHA-256 of the session cookie's value.
    sa.Column("token_digest", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("bytes_received", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("files_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("errors", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("progress", sa.String(500), nullable=False, server_default=""),
    # Counterparties (Контрагенты) to clients: what they did, and the first flagged ones
    # ({"external_id", "name", "reason", "candidates": [client ids]}).
    sa.Column("counterparties_created", sa.Integer, nullable=False, server_default="0"),
    sa.Column("counterparties_updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("counterparties_unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("counterparties_flagged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("flagged", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # Orders to 1C (0043): how many 1C confirmed (success), and the last query's answer
    # ([{"deal_id", "version", "fingerprint"}]) until it does.
    sa.Column("orders_sent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pending_orders", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    # Documents from 1C (0044): {"created": n, "updated": n, "invoices_issued": n, ...}.
    sa.Column("documents", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    version(),
    sa.UniqueConstraint(
        "organisation_id", "token_digest", name="uq_onec_exchanges_organisation_id_token_digest"
    ),
    sa.Index("ix_onec_exchanges_organisation_id_started_at", "organisation_id", "started_at", "id"),
    sa.Index(
        "ix_onec_exchanges_organisation_id_integration_id_started_at",
        "organisation_id",
        "integration_id",
        "started_at",
        "id",
    ),
    # The sessions still open, for the sweep that fails abandoned ones (0047): a few rows.
    sa.Index(
        "ix_onec_exchanges_organisation_id_last_seen_at_open",
        "organisation_id",
        "last_seen_at",
        postgresql_where=sa.text("status IN ('open', 'importing')"),
    ),
)

onec_exchange_files = sa.Table(
    "onec_exchange_files",
    metadata,
    *tenant_pk(),
    *tenant_ref("exchange_id", "onec_exchanges", ondelete="CASCADE", nullable=False),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("items_done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.String(500), nullable=True),
    created_at(),
    sa.UniqueConstraint(
        "organisation_id",
        "exchange_id",
        "name",
        name="uq_onec_exchange_files_organisation_id_exchange_id_name",
    ),
)

product_groups = sa.Table(
    "product_groups",
    metadata,
    *tenant_pk(),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("name", sa.String(300), nullable=False),
    # 1C's Ид of the parent group: groups arrive in any order, so the parent is by Ид.
    sa.Column("parent_external_id", sa.String(100), nullable=True),
    created_at(),
    updated_at(),
    sa.UniqueConstraint(
        "organisation_id", "external_id", name="uq_product_groups_organisation_id_external_id"
    ),
)

products = sa.Table(
    "products",
    metadata,
    *tenant_pk(),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("article", sa.String(100), nullable=True),
    sa.Column("barcode", sa.String(100), nullable=True),
    sa.Column("unit", sa.String(50), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("group_external_id", sa.String(100), nullable=True),
    # {"Страна производства": "КОРЕЯ, РЕСПУБЛИКА", ...} and 1C's requisites likewise.
    sa.Column("properties", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("requisites", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("is_deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    # The total in stock (offers' Количество), the warehouses' in product_stock.
    sa.Column("quantity", sa.Numeric(18, 3), nullable=True),
    created_at(),
    updated_at(),
    sa.UniqueConstraint(
        "organisation_id", "external_id", name="uq_products_organisation_id_external_id"
    ),
    # The list: by name, then id (keyset).
    sa.Index("ix_products_organisation_id_name", "organisation_id", "name", "id"),
    sa.Index("ix_products_organisation_id_article", "organisation_id", "article"),
)

price_types = sa.Table(
    "price_types",
    metadata,
    *tenant_pk(),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.UniqueConstraint(
        "organisation_id", "external_id", name="uq_price_types_organisation_id_external_id"
    ),
)

warehouses = sa.Table(
    "warehouses",
    metadata,
    *tenant_pk(),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.UniqueConstraint(
        "organisation_id", "external_id", name="uq_warehouses_organisation_id_external_id"
    ),
)

product_prices = sa.Table(
    "product_prices",
    metadata,
    organisation_fk(),
    *tenant_ref("product_id", "products", ondelete="CASCADE", nullable=False),
    *tenant_ref("price_type_id", "price_types", ondelete="CASCADE", nullable=False),
    sa.Column("price", sa.Numeric(18, 2), nullable=False),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("unit", sa.String(50), nullable=True),
    sa.PrimaryKeyConstraint("organisation_id", "product_id", "price_type_id"),
    sa.CheckConstraint("price >= 0", name="price_not_negative"),
)

product_stock = sa.Table(
    "product_stock",
    metadata,
    organisation_fk(),
    *tenant_ref("product_id", "products", ondelete="CASCADE", nullable=False),
    *tenant_ref("warehouse_id", "warehouses", ondelete="CASCADE", nullable=False),
    sa.Column("quantity", sa.Numeric(18, 3), nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "product_id", "warehouse_id"),
)

# A 1C counterparty (its Ид, per integration) and the client it became or was matched to: a
# re-exchange finds the same client here; ``fingerprint`` (SHA-256 of the record as last
# applied) tells that nothing changed.
onec_counterparties = sa.Table(
    "onec_counterparties",
    metadata,
    organisation_fk(),
    *tenant_ref("integration_id", "onec_integrations", ondelete="CASCADE", nullable=False),
    sa.Column("external_id", sa.String(100), nullable=False),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    created_at(),
    updated_at(),
    sa.PrimaryKeyConstraint("organisation_id", "integration_id", "external_id"),
    sa.Index("ix_onec_counterparties_organisation_id_client_id", "organisation_id", "client_id"),
)

# The funnel stages whose deals are orders for 1C, per integration (0043).
onec_order_stages = sa.Table(
    "onec_order_stages",
    metadata,
    organisation_fk(),
    *tenant_ref("integration_id", "onec_integrations", ondelete="CASCADE", nullable=False),
    *tenant_ref("stage_id", "stages", ondelete="CASCADE", nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "integration_id", "stage_id"),
    sa.Index("ix_onec_order_stages_organisation_id_stage_id", "organisation_id", "stage_id"),
)

# The version of each deal 1C confirmed receiving as an order (mode=success), per integration,
# and the fingerprint of what it was sent (buyer, lines, amount, currency, stage and status;
# 0047): a deal whose version moved on is an order to send again only when that changed.
onec_exported_orders = sa.Table(
    "onec_exported_orders",
    metadata,
    organisation_fk(),
    *tenant_ref("integration_id", "onec_integrations", ondelete="CASCADE", nullable=False),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE", nullable=False),
    sa.Column("deal_version", sa.Integer, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=True),
    sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "integration_id", "deal_id"),
    sa.Index("ix_onec_exported_orders_organisation_id_deal_id", "organisation_id", "deal_id"),
)

# A document from 1C (its Ид, per integration: an order, an invoice or a payment) and what it
# became: the deal and the invoice. ``fingerprint`` (SHA-256 of the document as last applied
# in full) tells that a re-exchange has nothing to apply; None: apply it again (0044).
onec_documents = sa.Table(
    "onec_documents",
    metadata,
    organisation_fk(),
    *tenant_ref("integration_id", "onec_integrations", ondelete="CASCADE", nullable=False),
    sa.Column("external_id", sa.String(100), nullable=False),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    *tenant_ref("invoice_id", "invoices", ondelete="SET NULL"),
    sa.Column("fingerprint", sa.String(64), nullable=True),
    created_at(),
    updated_at(),
    sa.PrimaryKeyConstraint("organisation_id", "integration_id", "external_id"),
    sa.Index("ix_onec_documents_organisation_id_deal_id", "organisation_id", "deal_id"),
    sa.Index("ix_onec_documents_organisation_id_invoice_id", "organisation_id", "invoice_id"),
)
