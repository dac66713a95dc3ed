"""onec: orders to 1C (placeholder, filled by the orders work)

Revision ID: 0043_onec_orders
Revises: 0042_deal_search
Create Date: 2026-12-06 00:00:00+00:00
"""

from collections.abc import Sequence

revision: str = "0043_onec_orders"
down_revision: str | None = "0042_deal_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
