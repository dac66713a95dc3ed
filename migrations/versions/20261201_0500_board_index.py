"""the funnel board's index: open deals per (organisation, stage), most recently entered first

Each column of the board is a top-N of one stage's open deals by (stage_entered_at, id), read
as a LATERAL per stage; the next page of a column is a keyset on the same key. The included
columns let the per-stage totals (count, amount, weighted amount per currency) and the
visibility condition on responsible_id be answered from the index alone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 06:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_board_open",
        "deals",
        ["organisation_id", "stage_id", "stage_entered_at", "id"],
        unique=False,
        postgresql_include=["responsible_id", "currency", "amount"],
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("ix_deals_board_open", table_name="deals")
