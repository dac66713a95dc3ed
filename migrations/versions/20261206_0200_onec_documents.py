"""onec: documents and payments from 1C

A sale exchange's documents (orders, invoices, payments) are kept per integration by 1C's Ид
(``onec_documents``) with the deal and the invoice they became and the fingerprint of the
content last applied, so a second identical exchange changes nothing. An integration may name
the funnel its new deals open in (``onec_integrations.deal_funnel_id``) and whether a status
of one of the CRM's own orders saying it is shipped or done wins the deal (``win_on_status``);
an exchange counts
what its documents did (``onec_exchanges.documents``).

Revision ID: 0044_onec_documents
Revises: 0043_onec_orders
Create Date: 2026-12-06 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0044_onec_documents"
down_revision: str | None = "0043_onec_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("onec_integrations", sa.Column("deal_funnel_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_onec_integrations_deal_funnel_id_funnels"),
        "onec_integrations",
        "funnels",
        ["organisation_id", "deal_funnel_id"],
        ["organisation_id", "id"],
        ondelete="SET NULL (deal_funnel_id)",
    )
    op.add_column(
        "onec_integrations",
        sa.Column("win_on_status", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "onec_exchanges",
        sa.Column(
            "documents",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.create_table(
        "onec_documents",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("integration_id", sa.UUID(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("invoice_id", sa.UUID(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_documents_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "integration_id"],
            ["onec_integrations.organisation_id", "onec_integrations.id"],
            name=op.f("fk_onec_documents_integration_id_onec_integrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_onec_documents_deal_id_deals"),
            ondelete="SET NULL (deal_id)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "invoice_id"],
            ["invoices.organisation_id", "invoices.id"],
            name=op.f("fk_onec_documents_invoice_id_invoices"),
            ondelete="SET NULL (invoice_id)",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "integration_id", "external_id", name=op.f("pk_onec_documents")
        ),
    )
    op.create_index(
        "ix_onec_documents_organisation_id_deal_id",
        "onec_documents",
        ["organisation_id", "deal_id"],
    )
    op.create_index(
        "ix_onec_documents_organisation_id_invoice_id",
        "onec_documents",
        ["organisation_id", "invoice_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_onec_documents_organisation_id_invoice_id", table_name="onec_documents")
    op.drop_index("ix_onec_documents_organisation_id_deal_id", table_name="onec_documents")
    op.drop_table("onec_documents")
    op.drop_column("onec_exchanges", "documents")
    op.drop_column("onec_integrations", "win_on_status")
    op.drop_constraint(
        op.f("fk_onec_integrations_deal_funnel_id_funnels"),
        "onec_integrations",
        type_="foreignkey",
    )
    op.drop_column("onec_integrations", "deal_funnel_id")
