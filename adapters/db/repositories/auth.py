"""SQL repositories for credentials."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.auth import action_tokens, api_keys, refresh_tokens
from domain.auth.model import ActionPurpose, ActionToken, ApiKey, RefreshToken
from domain.shared.scope import Scope
from domain.staff.permissions import Permission


class SqlRefreshTokenRepository(SqlRepository):
    async def add(self, token: RefreshToken) -> None:
        await self._conn.execute(sa.insert(refresh_tokens).values(**_refresh_values(token)))

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        row = (
            await self._conn.execute(
                sa.select(refresh_tokens)
                .where(refresh_tokens.c.token_hash == token_hash)
                .with_for_update()
            )
        ).one_or_none()
        return RefreshToken(**dict(row._mapping)) if row else None

    async def save(self, token: RefreshToken) -> None:
        await self._conn.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.organisation_id == token.organisation_id,
                refresh_tokens.c.id == token.id,
            )
            .values(revoked_at=token.revoked_at, replaced_by=token.replaced_by)
        )

    async def revoke_family(self, organisation_id: UUID, family_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.organisation_id == organisation_id,
                refresh_tokens.c.family_id == family_id,
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )

    async def revoke_all_for_user(self, organisation_id: UUID, user_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            sa.update(refresh_tokens)
            .where(
                refresh_tokens.c.organisation_id == organisation_id,
                refresh_tokens.c.user_id == user_id,
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )

    async def family_is_active(self, organisation_id: UUID, family_id: UUID, now: datetime) -> bool:
        usable = sa.exists().where(
            refresh_tokens.c.organisation_id == organisation_id,
            refresh_tokens.c.family_id == family_id,
            refresh_tokens.c.revoked_at.is_(None),
            refresh_tokens.c.expires_at > now,
        )
        return bool(await self._conn.scalar(sa.select(usable)))


def _refresh_values(t: RefreshToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "organisation_id": t.organisation_id,
        "user_id": t.user_id,
        "family_id": t.family_id,
        "token_hash": t.token_hash,
        "expires_at": t.expires_at,
        "created_at": t.created_at,
        "revoked_at": t.revoked_at,
        "replaced_by": t.replaced_by,
    }


class SqlActionTokenRepository(SqlRepository):
    async def add(self, token: ActionToken) -> None:
        await self._conn.execute(
            sa.insert(action_tokens).values(
                id=token.id,
                organisation_id=token.organisation_id,
                user_id=token.user_id,
                purpose=token.purpose.value,
                token_hash=token.token_hash,
                expires_at=token.expires_at,
                created_at=token.created_at,
                used_at=token.used_at,
            )
        )

    async def get_by_hash(self, token_hash: str) -> ActionToken | None:
        row = (
            await self._conn.execute(
                sa.select(action_tokens)
                .where(action_tokens.c.token_hash == token_hash)
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            return None
        m = dict(row._mapping)
        m["purpose"] = ActionPurpose(m["purpose"])
        return ActionToken(**m)

    async def save(self, token: ActionToken) -> None:
        await self._conn.execute(
            sa.update(action_tokens)
            .where(
                action_tokens.c.organisation_id == token.organisation_id,
                action_tokens.c.id == token.id,
            )
            .values(used_at=token.used_at)
        )

    async def spend_all_for_user(self, organisation_id: UUID, user_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            sa.update(action_tokens)
            .where(
                action_tokens.c.organisation_id == organisation_id,
                action_tokens.c.user_id == user_id,
                action_tokens.c.used_at.is_(None),
            )
            .values(used_at=at)
        )


class SqlApiKeyRepository(SqlRepository):
    async def add(self, key: ApiKey) -> None:
        await self._conn.execute(
            sa.insert(api_keys).values(
                id=key.id,
                organisation_id=key.organisation_id,
                name=key.name,
                prefix=key.prefix,
                key_hash=key.key_hash,
                permissions=sorted(p.value for p in key.permissions),
                created_by=key.created_by,
                created_at=key.created_at,
                expires_at=key.expires_at,
                revoked_at=key.revoked_at,
                last_used_at=key.last_used_at,
            )
        )

    async def get(self, scope: Scope, key_id: UUID) -> ApiKey | None:
        row = (
            await self._conn.execute(
                sa.select(api_keys).where(in_organisation(api_keys, scope), api_keys.c.id == key_id)
            )
        ).one_or_none()
        return _api_key(row._mapping) if row else None

    async def get_by_prefix(self, prefix: str) -> ApiKey | None:
        row = (
            await self._conn.execute(sa.select(api_keys).where(api_keys.c.prefix == prefix))
        ).one_or_none()
        return _api_key(row._mapping) if row else None

    async def list(self, scope: Scope) -> Sequence[ApiKey]:
        rows = await self._conn.execute(
            sa.select(api_keys)
            .where(in_organisation(api_keys, scope))
            .order_by(api_keys.c.created_at.desc(), api_keys.c.id)
        )
        return [_api_key(r._mapping) for r in rows]

    async def save(self, key: ApiKey) -> None:
        await self._conn.execute(
            sa.update(api_keys)
            .where(api_keys.c.organisation_id == key.organisation_id, api_keys.c.id == key.id)
            .values(name=key.name, revoked_at=key.revoked_at, last_used_at=key.last_used_at)
        )


_PERMISSIONS = {p.value for p in Permission}


def _api_key(m: Any) -> ApiKey:
    return ApiKey(
        id=m["id"],
        organisation_id=m["organisation_id"],
        name=m["name"],
        prefix=m["prefix"],
        key_hash=m["key_hash"],
        permissions=frozenset(Permission(p) for p in m["permissions"] if p in _PERMISSIONS),
        created_by=m["created_by"],
        created_at=m["created_at"],
        expires_at=m["expires_at"],
        revoked_at=m["revoked_at"],
        last_used_at=m["last_used_at"],
    )
