"""relationship transitions by deal: the deal timeline's relationship items

A deal's timeline reads the client's relationship-type changes that deal caused; without this
index that was a scan of every transition of the organisation (174,000 at 1,000,000 deals, 20
ms). Partial: most transitions name no deal.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_relationship_transitions_organisation_id_deal_id_at",
        "relationship_transitions",
        ["organisation_id", "deal_id", "at"],
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_relationship_transitions_organisation_id_deal_id_at",
        table_name="relationship_transitions",
    )
