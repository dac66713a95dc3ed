"""payments received in a period with their invoices and deals, index-only

Turnover on the paid-invoices basis (ABC by turnover, plan fulfilment; billing's
``payments_received``) joins the period's payments to their invoices (client, deal, currency)
and each invoice's deal (responsible). At 1,000,000 deals (bench/analytics.py) a quarter's
15,517 payments cost a heap page each through ix_invoice_payments_organisation_id_paid_on, the
invoices a parallel sequential scan of all 370,869 (90 ms), and the deals a heap page each for
the responsible (60 ms): ABC by turnover took 150–216 ms for the head of sales. These indexes
carry what the join reads, so it is index-only probes from the period's payments:

- the payments by date with their invoice and amount (replaces the plain index on the date,
  which it serves as well);
- the invoices by key with their client, deal and currency;
- the deals by key with their responsible (a narrow index, an eighth of the deals' heap).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-04 13:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_invoice_payments_paid_cover",
        "invoice_payments",
        ["organisation_id", "paid_on"],
        postgresql_include=["invoice_id", "amount"],
    )
    op.drop_index("ix_invoice_payments_organisation_id_paid_on", table_name="invoice_payments")
    op.create_index(
        "ix_invoices_key_cover",
        "invoices",
        ["organisation_id", "id"],
        postgresql_include=["client_id", "deal_id", "currency"],
    )
    op.create_index(
        "ix_deals_responsible_cover",
        "deals",
        ["organisation_id", "id"],
        postgresql_include=["responsible_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_deals_responsible_cover", table_name="deals")
    op.drop_index("ix_invoices_key_cover", table_name="invoices")
    op.create_index(
        "ix_invoice_payments_organisation_id_paid_on",
        "invoice_payments",
        ["organisation_id", "paid_on"],
    )
    op.drop_index("ix_invoice_payments_paid_cover", table_name="invoice_payments")
