"""deals: the search's window and walk in the default order, index-only

A deal list search (title or client-name fragment) reads the newest deals in the list's order
and checks the fragment on each: the window of the first 2,000, then, for a frequent fragment,
the walk on from it. Through ix_deals_organisation_id_created_at_id every deal it looked at cost
a heap page (the title key and the client live in the row): 2,000 pages for the window, 7,600
for the walk of a client-name fragment matching 1,453 of 200,000 clients, half of the request
at 1,000,000 deals (bench/scale.py). This index has the same keys and carries what the search
checks (and the visibility's responsible), so both are index-only scans and only the page's
rows are read from the heap; it replaces the plain index, which it serves as well.

Revision ID: 0042_deal_search
Revises: 0041_onec_counterparties
Create Date: 2026-12-05 05:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0042_deal_search"
down_revision: str | None = "0041_onec_counterparties"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_created_search",
        "deals",
        ["organisation_id", "created_at", "id"],
        postgresql_include=["client_id", "responsible_id", "title_key"],
    )
    op.drop_index("ix_deals_organisation_id_created_at_id", table_name="deals")


def downgrade() -> None:
    op.create_index(
        "ix_deals_organisation_id_created_at_id", "deals", ["organisation_id", "created_at", "id"]
    )
    op.drop_index("ix_deals_created_search", table_name="deals")
