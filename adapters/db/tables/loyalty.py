"""Loyalty surveys: one per closed deal; its link's token is kept as a digest only."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.tables.base import created_at, metadata, tenant_pk, tenant_ref, user_ref

surveys = sa.Table(
    "surveys",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE", nullable=False),
    # The account manager whose score the answer counts for (the deal's responsible).
    *user_ref("responsible_id", nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=True),
    sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("score", sa.SmallInteger, nullable=True),
    sa.Column("comment", sa.String(2000), nullable=True),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    created_at(),
    sa.CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
    sa.CheckConstraint("(score IS NULL) = (answered_at IS NULL)", name="answered_with_score"),
    sa.Index("uq_surveys_deal", "organisation_id", "deal_id", unique=True),
    # A link is presented without its organisation: the directory of live links.
    sa.Index(
        "uq_surveys_token_hash",
        "token_hash",
        unique=True,
        postgresql_where=sa.text("token_hash IS NOT NULL"),
    ),
    # A period's answers and surveys per account manager (NPS).
    sa.Index(
        "ix_surveys_organisation_id_answered_at",
        "organisation_id",
        "answered_at",
        postgresql_include=["responsible_id", "score"],
        postgresql_where=sa.text("answered_at IS NOT NULL"),
    ),
    sa.Index(
        "ix_surveys_organisation_id_created_at",
        "organisation_id",
        "created_at",
        postgresql_include=["responsible_id"],
    ),
)
