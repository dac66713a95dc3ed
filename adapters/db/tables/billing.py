"""Invoices on deals, their payments, and each organisation's invoice number sequence."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.tables.base import (
    created_at,
    metadata,
    money,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

_EXTERNAL_GIVEN = sa.text("external_id IS NOT NULL")

invoices = sa.Table(
    "invoices",
    metadata,
    *tenant_pk(),
    *tenant_ref("deal_id", "deals", ondelete="RESTRICT", nullable=False),
    *tenant_ref("client_id", "clients", ondelete="RESTRICT", nullable=False),
    sa.Column("number", sa.String(50), nullable=False),
    sa.Column("issued_on", sa.Date, nullable=False),
    money("amount"),
    sa.Column("currency", sa.String(3), nullable=False),
    # issued | partly_paid | paid (derived from the payments) | cancelled
    sa.Column("status", sa.String(12), nullable=False, server_default="issued"),
    sa.Column("due_on", sa.Date, nullable=True),
    sa.Column("comment", sa.String(2000), nullable=True),
    sa.Column("external_source", sa.String(50), nullable=True),
    sa.Column("external_id", sa.String(100), nullable=True),
    # The latest payment's date while paid: the day the turnover counts on.
    sa.Column("paid_on", sa.Date, nullable=True),
    sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint(
        "(external_id IS NULL) = (external_source IS NULL)", name="external_ref_whole"
    ),
    sa.UniqueConstraint("organisation_id", "number"),
    sa.Index(
        "uq_invoices_organisation_id_external_source_external_id",
        "organisation_id",
        "external_source",
        "external_id",
        unique=True,
        postgresql_where=_EXTERNAL_GIVEN,
    ),
    # A deal's invoices, newest first.
    sa.Index(
        "ix_invoices_organisation_id_deal_id_issued_on",
        "organisation_id",
        "deal_id",
        "issued_on",
        "id",
    ),
    # The list (newest first, by status) and, later, paid turnover by date.
    sa.Index(
        "ix_invoices_organisation_id_status_issued_on",
        "organisation_id",
        "status",
        "issued_on",
        "id",
    ),
    sa.Index("ix_invoices_organisation_id_issued_on_id", "organisation_id", "issued_on", "id"),
    sa.Index("ix_invoices_organisation_id_client_id", "organisation_id", "client_id"),
    # A period's payments reach their invoices index-only (paid turnover per client or
    # responsible, 0037): a probe per payment instead of a scan of every invoice.
    sa.Index(
        "ix_invoices_key_cover",
        "organisation_id",
        "id",
        postgresql_include=["client_id", "deal_id", "currency"],
    ),
)

invoice_payments = sa.Table(
    "invoice_payments",
    metadata,
    *tenant_pk(),
    *tenant_ref("invoice_id", "invoices", ondelete="CASCADE", nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    money("amount"),
    sa.Column("comment", sa.String(2000), nullable=True),
    sa.Column("external_source", sa.String(50), nullable=True),
    sa.Column("external_id", sa.String(100), nullable=True),
    *user_ref("created_by"),
    created_at(),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint(
        "(external_id IS NULL) = (external_source IS NULL)", name="external_ref_whole"
    ),
    sa.Index(
        "uq_invoice_payments_organisation_id_external_source_external_id",
        "organisation_id",
        "external_source",
        "external_id",
        unique=True,
        postgresql_where=_EXTERNAL_GIVEN,
    ),
    sa.Index("ix_invoice_payments_organisation_id_invoice_id", "organisation_id", "invoice_id"),
    # Payments by date: cash received in a period, with what turnover sums, index-only (0037).
    sa.Index(
        "ix_invoice_payments_paid_cover",
        "organisation_id",
        "paid_on",
        postgresql_include=["invoice_id", "amount"],
    ),
)

# The last invoice number handed out automatically, per organisation. Its row is locked by
# the UPDATE that takes the next number, so two invoices issued at once get two numbers.
invoice_number_sequences = sa.Table(
    "invoice_number_sequences",
    metadata,
    organisation_fk(),
    sa.Column("last_number", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint("organisation_id"),
)
