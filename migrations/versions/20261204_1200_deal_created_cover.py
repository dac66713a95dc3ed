"""deals: the deals created in a period with what the analytics count of them, index-only

The marketing effectiveness (leads, won deals and revenue per source and campaign) and plan
fulfilment's qualified leads read the deals created in a period. Through
ix_deals_organisation_id_created_at_id each of those deals cost a heap page of its own (a
period's deals are spread over the table): 42,765 pages for a quarter's 72,000 deals, 160 ms of
the effectiveness' 220 ms at 1,000,000 deals (bench/analytics.py), 80 ms of fulfilment's. This
index carries the columns they read, so both are index-only scans over a few hundred pages.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-04 12:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_created_cover",
        "deals",
        ["organisation_id", "created_at"],
        postgresql_include=[
            "responsible_id",
            "created_by",
            "status",
            "source_channel",
            "source_campaign",
            "currency",
            "amount",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_deals_created_cover", table_name="deals")
