"""onec: documents and payments from 1C (placeholder, filled by the documents work)

Revision ID: 0044_onec_documents
Revises: 0043_onec_orders
Create Date: 2026-12-06 00:00:00+00:00
"""

from collections.abc import Sequence

revision: str = "0044_onec_documents"
down_revision: str | None = "0043_onec_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
