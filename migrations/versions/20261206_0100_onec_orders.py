"""onec: orders to 1C, and catalogue products on deal product lines

A deal's product line may name a product of the catalogue (``deal_products.product_id``; a
deleted product leaves the line with its name and price). An integration names the funnel
stages whose deals are orders for 1C (``onec_order_stages``); ``type=sale&mode=query`` answers
them and ``mode=success`` records per deal the version 1C received (``onec_exported_orders``),
so a deal goes again only once it changed. The exchange keeps the last answer's deals and
versions until 1C confirms it (``pending_orders``) and counts the orders 1C received.

Revision ID: 0043_onec_orders
Revises: 0042_deal_search
Create Date: 2026-12-06 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0043_onec_orders"
down_revision: str | None = "0042_deal_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deal_products", sa.Column("product_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_deal_products_product_id_products"),
        "deal_products",
        "products",
        ["organisation_id", "product_id"],
        ["organisation_id", "id"],
        ondelete="SET NULL (product_id)",
    )
    # A product's lines (the SET NULL on its deletion, demand by product).
    op.create_index(
        "ix_deal_products_organisation_id_product_id",
        "deal_products",
        ["organisation_id", "product_id"],
        postgresql_where=sa.text("product_id IS NOT NULL"),
    )

    op.create_table(
        "onec_order_stages",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("integration_id", sa.UUID(), nullable=False),
        sa.Column("stage_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_order_stages_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "integration_id"],
            ["onec_integrations.organisation_id", "onec_integrations.id"],
            name=op.f("fk_onec_order_stages_integration_id_onec_integrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "stage_id"],
            ["stages.organisation_id", "stages.id"],
            name=op.f("fk_onec_order_stages_stage_id_stages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "integration_id", "stage_id", name=op.f("pk_onec_order_stages")
        ),
    )
    op.create_index(
        "ix_onec_order_stages_organisation_id_stage_id",
        "onec_order_stages",
        ["organisation_id", "stage_id"],
    )

    op.create_table(
        "onec_exported_orders",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("integration_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column("deal_version", sa.Integer(), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_exported_orders_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "integration_id"],
            ["onec_integrations.organisation_id", "onec_integrations.id"],
            name=op.f("fk_onec_exported_orders_integration_id_onec_integrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_onec_exported_orders_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "integration_id", "deal_id", name=op.f("pk_onec_exported_orders")
        ),
    )
    op.create_index(
        "ix_onec_exported_orders_organisation_id_deal_id",
        "onec_exported_orders",
        ["organisation_id", "deal_id"],
    )

    op.add_column(
        "onec_exchanges",
        sa.Column("orders_sent", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "onec_exchanges",
        sa.Column(
            "pending_orders",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("onec_exchanges", "pending_orders")
    op.drop_column("onec_exchanges", "orders_sent")
    op.drop_index(
        "ix_onec_exported_orders_organisation_id_deal_id", table_name="onec_exported_orders"
    )
    op.drop_table("onec_exported_orders")
    op.drop_index("ix_onec_order_stages_organisation_id_stage_id", table_name="onec_order_stages")
    op.drop_table("onec_order_stages")
    op.drop_index("ix_deal_products_organisation_id_product_id", table_name="deal_products")
    op.drop_constraint(
        op.f("fk_deal_products_product_id_products"), "deal_products", type_="foreignkey"
    )
    op.drop_column("deal_products", "product_id")
