"""deal title key: the title as searched, lower-cased with ё as е, kept by PostgreSQL

A deal search checks the title of every deal it walks past (a frequent fragment walks the
newest deals in the list's order until a page is full). ``title ILIKE '%...%'`` lower-cases
each title on the way, several microseconds a row for Cyrillic text; ``title_key`` holds the
lower-cased title once, so the check is a byte-wise LIKE. It is a stored generated column, so
no writer can forget it and the bench's COPY load fills it too; ё is compared as е, as client
names are. Its trigram index replaces the title's: the search no longer reads ``title``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 02:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TITLE_KEY = "lower(translate(title, 'Ёё', 'Ее'))"


def upgrade() -> None:
    op.add_column(
        "deals",
        sa.Column("title_key", sa.Text(), sa.Computed(TITLE_KEY, persisted=True), nullable=True),
    )
    op.create_index(
        "ix_deals_title_key_trgm",
        "deals",
        ["title_key"],
        postgresql_using="gin",
        postgresql_ops={"title_key": "gin_trgm_ops"},
    )
    op.drop_index("ix_deals_title_trgm", table_name="deals")


def downgrade() -> None:
    op.create_index(
        "ix_deals_title_trgm",
        "deals",
        ["title"],
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
    )
    op.drop_index("ix_deals_title_key_trgm", table_name="deals")
    op.drop_column("deals", "title_key")
