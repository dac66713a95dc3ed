"""calls: click-to-call requests to the PBX (call_originations)

Revision ID: 0052_call_originations
Revises: 0051_call_reviews
Create Date: 2026-12-07 06:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0052_call_originations"
down_revision: str | None = "0051_call_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", name],
        [f"{table}.organisation_id", f"{table}.id"],
        ondelete=f"SET NULL ({name})" if nullable else "RESTRICT",
        name=f"fk_call_originations_{name}_{table}",
    )


def upgrade() -> None:
    op.create_table(
        "call_originations",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "organisation_id",
            UUID(as_uuid=True),
            sa.ForeignKey(
                "organisations.id",
                ondelete="CASCADE",
                name="fk_call_originations_organisation_id_organisations",
            ),
            nullable=False,
        ),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("integration_id", UUID(as_uuid=True), nullable=True),
        sa.Column("extension", sa.String(64), nullable=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("client_id", UUID(as_uuid=True), nullable=True),
        sa.Column("deal_id", UUID(as_uuid=True), nullable=True),
        sa.Column("call_list_item_id", UUID(as_uuid=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("call_id", UUID(as_uuid=True), nullable=True),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_call_originations"),
        _ref("user_id", "users", nullable=False),
        _ref("integration_id", "telephony_integrations"),
        _ref("client_id", "clients"),
        _ref("deal_id", "deals"),
        _ref("call_id", "calls"),
    )
    op.create_index(
        "ix_call_originations_organisation_id_user_id_requested_at",
        "call_originations",
        ["organisation_id", "user_id", "requested_at", "id"],
    )
    op.create_index(
        "ix_call_originations_unclaimed",
        "call_originations",
        ["organisation_id", "user_id", "number", "requested_at"],
        postgresql_where=sa.text("call_id IS NULL AND status = 'accepted'"),
    )


def downgrade() -> None:
    op.drop_table("call_originations")
