"""onec: documents keyed per integration, order fingerprints, abandoned exchanges

- An invoice or a payment from 1C names its integration in its external reference
  (``external_source`` "1c:<integration id>", the id 1C's Ид), so two 1C integrations of one
  organisation sending the same document Ид keep apart; the existing ones take the integration
  of the document they came from (a payment, the integration of its invoice's document; a
  few rows per organisation, no job needed).
- ``onec_exported_orders.fingerprint``: what 1C was sent of a deal as an order (buyer, lines,
  amount, currency, stage and status); a deal is an order again only when that changes.
- A partial index over the exchanges still open, for the sweep that fails abandoned ones.
- A spreadsheet import's row issue keeps its reason as a stable code and its parameters
  (``import_issues.code``, ``params``), so the wizard words it in the reader's language; the
  rows kept before say "invalid_input" and keep their English reason.

Revision ID: 0047_onec_gaps
Revises: 0046_client_name_gin
Create Date: 2026-12-07 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0047_onec_gaps"
down_revision: str | None = "0046_client_name_gin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "onec_exported_orders", sa.Column("fingerprint", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "import_issues",
        sa.Column("code", sa.String(length=50), server_default="invalid_input", nullable=False),
    )
    op.add_column(
        "import_issues",
        sa.Column(
            "params",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_onec_exchanges_organisation_id_last_seen_at_open",
        "onec_exchanges",
        ["organisation_id", "last_seen_at"],
        postgresql_where=sa.text("status IN ('open', 'importing')"),
    )
    op.execute(
        """
        UPDATE invoices AS i
           SET external_source = '1c:' || d.integration_id::text
          FROM onec_documents AS d
         WHERE d.organisation_id = i.organisation_id
           AND d.invoice_id = i.id
           AND d.external_id = i.external_id
           AND i.external_source = '1c'
        """
    )
    op.execute(
        """
        UPDATE invoice_payments AS p
           SET external_source = '1c:' || d.integration_id::text
          FROM (
                SELECT DISTINCT ON (organisation_id, invoice_id)
                       organisation_id, invoice_id, integration_id
                  FROM onec_documents
                 WHERE invoice_id IS NOT NULL
                 ORDER BY organisation_id, invoice_id, created_at
               ) AS d
         WHERE d.organisation_id = p.organisation_id
           AND d.invoice_id = p.invoice_id
           AND p.external_source = '1c'
        """
    )


def downgrade() -> None:
    # Fails on the unique external reference when two integrations sent the same Ид since.
    op.execute(
        "UPDATE invoice_payments SET external_source = '1c' WHERE external_source LIKE '1c:%'"
    )
    op.execute("UPDATE invoices SET external_source = '1c' WHERE external_source LIKE '1c:%'")
    op.drop_index(
        "ix_onec_exchanges_organisation_id_last_seen_at_open", table_name="onec_exchanges"
    )
    op.drop_column("onec_exported_orders", "fingerprint")
    op.drop_column("import_issues", "params")
    op.drop_column("import_issues", "code")
