"""deals: lost deals by reason and close time, for the deal list's loss reason filter

The deal list filters by loss reason (the dashboard's loss reasons widget opens the lost deals
behind each count). A partial index of the deals that have a reason (lost ones only, a small
share of the table) by (organisation, reason, closed_at) finds them without walking the
organisation's deals, narrows a closed-in period too, and serves the foreign key's check when
a loss reason is deleted (ON DELETE RESTRICT looked through every deal of the organisation).
The closed-in period alone needs no index of its own: ix_deals_organisation_id_status_closed_at
(migration 0024) serves it, the list saying that closed deals are won or lost.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_loss_reason",
        "deals",
        ["organisation_id", "loss_reason_id", "closed_at"],
        postgresql_where=sa.text("loss_reason_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_deals_loss_reason", table_name="deals")
