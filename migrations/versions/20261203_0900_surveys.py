"""loyalty: a survey per closed deal, answered through a link without signing in

One survey per deal (unique per organisation and deal). Its link's token is kept as a SHA-256
digest; a live link is unique across organisations, as a link is presented without its
organisation (the sign-in directory's kind of uniqueness, docs/scaling.md). Two partial
indexes serve NPS per account manager over a period: answers by when they came, surveys by
when the deal closed.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column("responsible_id", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name=op.f("ck_surveys_score_range")),
        sa.CheckConstraint(
            "(score IS NULL) = (answered_at IS NULL)", name=op.f("ck_surveys_answered_with_score")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name=op.f("fk_surveys_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_surveys_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "responsible_id"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_surveys_responsible_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_surveys_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_surveys")),
    )
    op.create_index("uq_surveys_deal", "surveys", ["organisation_id", "deal_id"], unique=True)
    op.create_index(
        "uq_surveys_token_hash",
        "surveys",
        ["token_hash"],
        unique=True,
        postgresql_where=sa.text("token_hash IS NOT NULL"),
    )
    op.create_index(
        "ix_surveys_organisation_id_answered_at",
        "surveys",
        ["organisation_id", "answered_at"],
        postgresql_include=["responsible_id", "score"],
        postgresql_where=sa.text("answered_at IS NOT NULL"),
    )
    op.create_index(
        "ix_surveys_organisation_id_created_at",
        "surveys",
        ["organisation_id", "created_at"],
        postgresql_include=["responsible_id"],
    )


def downgrade() -> None:
    op.drop_table("surveys")
