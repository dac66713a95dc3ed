"""the deal list's range filters: covering indexes on amount and expected close date

A page of deals filtered by an amount range or an expected-close period and sorted by another
column (created, updated, amount, expected close) reads its keys from the range's index alone
(index-only: the other sort columns and the visibility owner are included), sorts them bounded
by the page size, then fetches only the page's rows. They replace the plain
(organisation_id, amount, id) and (organisation_id, expected_close_date, id) indexes, whose
keys they keep, so the sorts by amount and by expected close date still walk them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 07:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_amount_cover",
        "deals",
        ["organisation_id", "amount", "id"],
        unique=False,
        postgresql_include=["created_at", "updated_at", "expected_close_date", "responsible_id"],
    )
    op.create_index(
        "ix_deals_expected_close_date_cover",
        "deals",
        ["organisation_id", "expected_close_date", "id"],
        unique=False,
        postgresql_include=["created_at", "updated_at", "amount", "responsible_id"],
    )
    op.drop_index("ix_deals_organisation_id_amount_id", table_name="deals")
    op.drop_index("ix_deals_organisation_id_expected_close_date_id", table_name="deals")


def downgrade() -> None:
    op.create_index(
        "ix_deals_organisation_id_expected_close_date_id",
        "deals",
        ["organisation_id", "expected_close_date", "id"],
        unique=False,
    )
    op.create_index(
        "ix_deals_organisation_id_amount_id", "deals", ["organisation_id", "amount", "id"]
    )
    op.drop_index("ix_deals_expected_close_date_cover", table_name="deals")
    op.drop_index("ix_deals_amount_cover", table_name="deals")
