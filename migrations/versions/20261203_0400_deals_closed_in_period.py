"""deals closed in a period: a covering index for plan fulfilment

The KPI facts (turnover and margin of won deals, won deals counted) select an organisation's
deals won between two instants and group them by responsible. Without an index on the close
time, PostgreSQL read every won deal of the organisation (1.6 s at 1,000,000 deals for one
month); this index orders them by status and close time, with the columns the sums read
(not partial: the status arrives as a parameter, which a generic plan cannot match to a
partial index's predicate).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 04:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_organisation_id_status_closed_at",
        "deals",
        ["organisation_id", "status", "closed_at"],
        postgresql_include=["responsible_id", "currency", "amount", "expected_margin"],
    )


def downgrade() -> None:
    op.drop_index("ix_deals_organisation_id_status_closed_at", table_name="deals")
