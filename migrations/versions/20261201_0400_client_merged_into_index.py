"""index clients.merged_into_id, which ON DELETE SET NULL looks up for every deleted client

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_clients_merged_into_id",
        "clients",
        ["merged_into_id"],
        unique=False,
        postgresql_where=sa.text("merged_into_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_clients_merged_into_id",
        table_name="clients",
        postgresql_where=sa.text("merged_into_id IS NOT NULL"),
    )
