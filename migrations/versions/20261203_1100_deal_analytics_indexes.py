"""deals: the open deals expected to close in a period, and a client's won deals by date

Two partial indexes the analytics bench showed missing at 1,000,000 deals:
- open deals by (organisation, expected close date) with the responsible, stage, currency and
  amount: the weighted forecast of plan fulfilment reads a period's open deals from the index
  alone (it read every open deal of the people shown: 1.1 s);
- won deals by (organisation, client, closed_at): "had the client bought before?" (upsells in
  employee karma, repeat purchases in the sales structure, a client's last purchase) is one
  index probe per deal (200 ms for a month's won deals before).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_open_expected_close",
        "deals",
        ["organisation_id", "expected_close_date"],
        postgresql_include=["responsible_id", "stage_id", "currency", "amount"],
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_deals_client_won",
        "deals",
        ["organisation_id", "client_id", "closed_at"],
        postgresql_where=sa.text("status = 'won'"),
    )


def downgrade() -> None:
    op.drop_index("ix_deals_client_won", table_name="deals")
    op.drop_index("ix_deals_open_expected_close", table_name="deals")
