from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import created_at, metadata, organisation_fk, uuid_pk


def _user_fk(name: str = "user_id", *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE" if not nullable else "SET NULL"),
        nullable=nullable,
    )


refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    uuid_pk(),
    organisation_fk(),
    _user_fk(),
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
    uuid_pk(),
    organisation_fk(),
    _user_fk(),
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
    uuid_pk(),
    organisation_fk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("prefix", sa.String(32), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(128), nullable=False),
    sa.Column("permissions", JSONB, nullable=False, server_default="[]"),
    _user_fk("created_by", nullable=True),
    created_at(),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_api_keys_organisation_id_created_at", "organisation_id", "created_at"),
)
