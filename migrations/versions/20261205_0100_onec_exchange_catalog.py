"""1C:Enterprise exchange and the product catalogue

The integrations 1C signs in with (the password hashed), the exchange log (one row per
session from checkauth on: files, counts, errors, progress) with its files, and the catalogue
1C sends: product groups, products, price types, prices per product and type, warehouses and
stock per product and warehouse. Catalogue rows are keyed by 1C's Ид per organisation, so an
import is an upsert. No products table existed (deal product lines are free text).

Revision ID: 0039_onec_exchange
Revises: 0038_call_recordings
Create Date: 2026-12-05 01:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0039_onec_exchange"
down_revision: str | None = "0038_call_recordings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "onec_integrations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("exchange_catalog", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("exchange_sale", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_integrations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_onec_integrations")),
    )
    op.create_index(
        "ix_onec_integrations_organisation_id_created_at",
        "onec_integrations",
        ["organisation_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "price_types",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_price_types_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_price_types")),
        sa.UniqueConstraint(
            "organisation_id", "external_id", name="uq_price_types_organisation_id_external_id"
        ),
    )
    op.create_table(
        "product_groups",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("parent_external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_product_groups_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_product_groups")),
        sa.UniqueConstraint(
            "organisation_id", "external_id", name="uq_product_groups_organisation_id_external_id"
        ),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("article", sa.String(length=100), nullable=True),
        sa.Column("barcode", sa.String(length=100), nullable=True),
        sa.Column("unit", sa.String(length=50), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("group_external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "properties",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "requisites",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_products_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_products")),
        sa.UniqueConstraint(
            "organisation_id", "external_id", name="uq_products_organisation_id_external_id"
        ),
    )
    op.create_index(
        "ix_products_organisation_id_article",
        "products",
        ["organisation_id", "article"],
        unique=False,
    )
    op.create_index(
        "ix_products_organisation_id_name",
        "products",
        ["organisation_id", "name", "id"],
        unique=False,
    )
    op.create_table(
        "warehouses",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_warehouses_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_warehouses")),
        sa.UniqueConstraint(
            "organisation_id", "external_id", name="uq_warehouses_organisation_id_external_id"
        ),
    )
    op.create_table(
        "onec_exchanges",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("integration_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bytes_received", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("files_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unchanged", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "errors",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("progress", sa.String(length=500), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "integration_id"],
            ["onec_integrations.organisation_id", "onec_integrations.id"],
            name=op.f("fk_onec_exchanges_integration_id_onec_integrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_exchanges_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_onec_exchanges")),
        sa.UniqueConstraint(
            "organisation_id", "token_digest", name="uq_onec_exchanges_organisation_id_token_digest"
        ),
    )
    op.create_index(
        "ix_onec_exchanges_organisation_id_integration_id_started_at",
        "onec_exchanges",
        ["organisation_id", "integration_id", "started_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_onec_exchanges_organisation_id_started_at",
        "onec_exchanges",
        ["organisation_id", "started_at", "id"],
        unique=False,
    )
    op.create_table(
        "product_prices",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("price_type_id", sa.UUID(), nullable=False),
        sa.Column("price", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("unit", sa.String(length=50), nullable=True),
        sa.CheckConstraint("price >= 0", name=op.f("ck_product_prices_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["organisation_id", "price_type_id"],
            ["price_types.organisation_id", "price_types.id"],
            name=op.f("fk_product_prices_price_type_id_price_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "product_id"],
            ["products.organisation_id", "products.id"],
            name=op.f("fk_product_prices_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_product_prices_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "product_id", "price_type_id", name=op.f("pk_product_prices")
        ),
    )
    op.create_table(
        "product_stock",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("warehouse_id", sa.UUID(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "product_id"],
            ["products.organisation_id", "products.id"],
            name=op.f("fk_product_stock_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "warehouse_id"],
            ["warehouses.organisation_id", "warehouses.id"],
            name=op.f("fk_product_stock_warehouse_id_warehouses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_product_stock_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "product_id", "warehouse_id", name=op.f("pk_product_stock")
        ),
    )
    op.create_table(
        "onec_exchange_files",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("exchange_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("items_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unchanged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "exchange_id"],
            ["onec_exchanges.organisation_id", "onec_exchanges.id"],
            name=op.f("fk_onec_exchange_files_exchange_id_onec_exchanges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_exchange_files_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_onec_exchange_files")),
        sa.UniqueConstraint(
            "organisation_id",
            "exchange_id",
            "name",
            name="uq_onec_exchange_files_organisation_id_exchange_id_name",
        ),
    )


def downgrade() -> None:
    op.drop_table("onec_exchange_files")
    op.drop_table("product_stock")
    op.drop_table("product_prices")
    op.drop_index("ix_onec_exchanges_organisation_id_started_at", table_name="onec_exchanges")
    op.drop_index(
        "ix_onec_exchanges_organisation_id_integration_id_started_at", table_name="onec_exchanges"
    )
    op.drop_table("onec_exchanges")
    op.drop_table("warehouses")
    op.drop_index("ix_products_organisation_id_name", table_name="products")
    op.drop_index("ix_products_organisation_id_article", table_name="products")
    op.drop_table("products")
    op.drop_table("product_groups")
    op.drop_table("price_types")
    op.drop_index("ix_onec_integrations_organisation_id_created_at", table_name="onec_integrations")
    op.drop_table("onec_integrations")
