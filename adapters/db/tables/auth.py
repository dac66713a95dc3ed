"""Credentials. Each row belongs to its user's organisation, but a token's hash and an API key's
prefix are unique across organisations: they are how a request is matched to its credential
before anyone knows the organisation (the sign-in directory, see docs/scaling.md)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import created_at, metadata, tenant_pk, tenant_ref


def _user_fk(
    name: str = "user_id", *, nullable: bool = False
) -> tuple[sa.Column[Any], sa.ForeignKeyConstraint]:
    return tenant_ref(
        name, "users", ondelete="CASCADE" if not nullable else "SET NULL", nullable=nullable
    )


refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    *tenant_pk(),
    *_user_fk(),
    sa.Column("family_id", UUID(as_uuid=True), nullable=False),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("replaced_by", UUID(as_uuid=True), nullable=True),
    created_at(),
    sa.Index("ix_refresh_tokens_family_id", "family_id"),
    sa.Index("ix_refresh_tokens_user_id", "user_id"),
)

action_tokens = sa.Table(
    "action_tokens",
    metadata,
    *tenant_pk(),
    *_user_fk(),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    created_at(),
    sa.Index("ix_action_tokens_user_id", "user_id"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("prefix", sa.String(32), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(128), nullable=False),
    sa.Column("permissions", JSONB, nullable=False, server_default="[]"),
    *_user_fk("created_by", nullable=True),
    created_at(),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_api_keys_organisation_id_created_at", "organisation_id", "created_at"),
)
