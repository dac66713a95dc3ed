"""billing: invoices on deals, their payments, and per-organisation invoice numbers

An invoice belongs to a deal and the deal's client; its number is unique in the organisation,
and ``invoice_number_sequences`` hands out the next automatic one (its row is locked while a
number is taken). Invoices and payments carry an optional reference from another system (1C),
unique per organisation and source where given. Indexes: a deal's invoices, the list by
(status, invoice date) and by date, a client's invoices, and payments by date, for the paid
turnover that KPI will sum.

``invoices:write`` is the right to issue invoices and record payments on the deals one sees:
every role and API key that holds ``deals:write`` gets it, as the built-in roles that work deals
do for new organisations. A role's version moves on, so a role form opened before this answers
412 instead of writing the old permission set back. A few rows per organisation: no job needed.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 01:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"invoices:write\"]'::jsonb"
_WORKS_DEALS = "permissions @> '[\"deals:write\"]'::jsonb"


def upgrade() -> None:
    op.create_table(
        "invoice_number_sequences",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invoice_number_sequences_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_invoice_number_sequences")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="issued", nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("external_source", sa.String(length=50), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
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
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "(external_id IS NULL) = (external_source IS NULL)",
            name=op.f("ck_invoices_external_ref_whole"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_invoices_amount_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name=op.f("fk_invoices_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_invoices_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_invoices_deal_id_deals"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invoices_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "organisation_id", "number", name=op.f("uq_invoices_organisation_id_number")
        ),
    )
    op.create_index(
        "ix_invoices_organisation_id_client_id",
        "invoices",
        ["organisation_id", "client_id"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_organisation_id_deal_id_issued_on",
        "invoices",
        ["organisation_id", "deal_id", "issued_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_organisation_id_issued_on_id",
        "invoices",
        ["organisation_id", "issued_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_organisation_id_status_issued_on",
        "invoices",
        ["organisation_id", "status", "issued_on", "id"],
        unique=False,
    )
    op.create_index(
        "uq_invoices_organisation_id_external_source_external_id",
        "invoices",
        ["organisation_id", "external_source", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.create_table(
        "invoice_payments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("external_source", sa.String(length=50), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(external_id IS NULL) = (external_source IS NULL)",
            name=op.f("ck_invoice_payments_external_ref_whole"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_invoice_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_invoice_payments_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "invoice_id"],
            ["invoices.organisation_id", "invoices.id"],
            name=op.f("fk_invoice_payments_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invoice_payments_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_invoice_payments")),
    )
    op.create_index(
        "ix_invoice_payments_organisation_id_invoice_id",
        "invoice_payments",
        ["organisation_id", "invoice_id"],
        unique=False,
    )
    op.create_index(
        "ix_invoice_payments_organisation_id_paid_on",
        "invoice_payments",
        ["organisation_id", "paid_on"],
        unique=False,
    )
    op.create_index(
        "uq_invoice_payments_organisation_id_external_source_external_id",
        "invoice_payments",
        ["organisation_id", "external_source", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    for table in ("roles", "api_keys"):
        version = ", version = version + 1" if table == "roles" else ""
        op.execute(
            f"UPDATE {table} SET permissions = permissions || {_HELD}{version} "  # noqa: S608
            f"WHERE {_WORKS_DEALS} AND NOT permissions @> {_HELD}"
        )


def downgrade() -> None:
    # invoices:write meant nothing before this revision, so nobody can have held it on purpose.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'invoices:write'")  # noqa: S608
    op.drop_index(
        "uq_invoice_payments_organisation_id_external_source_external_id",
        table_name="invoice_payments",
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.drop_index("ix_invoice_payments_organisation_id_paid_on", table_name="invoice_payments")
    op.drop_index("ix_invoice_payments_organisation_id_invoice_id", table_name="invoice_payments")
    op.drop_table("invoice_payments")
    op.drop_index(
        "uq_invoices_organisation_id_external_source_external_id",
        table_name="invoices",
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.drop_index("ix_invoices_organisation_id_status_issued_on", table_name="invoices")
    op.drop_index("ix_invoices_organisation_id_issued_on_id", table_name="invoices")
    op.drop_index("ix_invoices_organisation_id_deal_id_issued_on", table_name="invoices")
    op.drop_index("ix_invoices_organisation_id_client_id", table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("invoice_number_sequences")
