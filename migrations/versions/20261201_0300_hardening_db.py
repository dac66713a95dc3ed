"""duplicate_candidates: pairs of clients that look like one, maintained on change and by a
rescan job, so GET /clients/duplicates is a keyset read

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 03:00:00+00:00

The table starts empty; existing organisations fill it by starting a rescan
(POST /api/v1/clients/duplicates/rescan), a job, as backfills are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_candidates",
        sa.Column("organisation_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("client_a_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("client_b_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("reasons", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "client_a_id < client_b_id", name=op.f("ck_duplicate_candidates_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["client_a_id"],
            ["clients.id"],
            name=op.f("fk_duplicate_candidates_client_a_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_b_id"],
            ["clients.id"],
            name=op.f("fk_duplicate_candidates_client_b_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_duplicate_candidates_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "client_a_id", "client_b_id", name=op.f("pk_duplicate_candidates")
        ),
    )
    op.create_index(
        "ix_duplicate_candidates_organisation_id_client_b_id",
        "duplicate_candidates",
        ["organisation_id", "client_b_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_duplicate_candidates_organisation_id_client_b_id", table_name="duplicate_candidates"
    )
    op.drop_table("duplicate_candidates")
