"""deals: (organisation, responsible, created, id) for a seller's list in its default order

A seller's deals newest first, and a search's newest matches among them, walk this index in
order instead of the organisation's created_at index filtered by the responsible (a quarter of
a big organisation's deals can be one seller's, so the filter skipped most of what it read).
It keeps the (organisation_id, responsible_id) prefix of the index it replaces.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_organisation_id_responsible_id_created_at_id",
        "deals",
        ["organisation_id", "responsible_id", "created_at", "id"],
    )
    op.drop_index("ix_deals_organisation_id_responsible_id", table_name="deals")


def downgrade() -> None:
    op.create_index(
        "ix_deals_organisation_id_responsible_id", "deals", ["organisation_id", "responsible_id"]
    )
    op.drop_index("ix_deals_organisation_id_responsible_id_created_at_id", table_name="deals")
