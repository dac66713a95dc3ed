from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
import structlog

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.visibility import visible
from adapters.db.tables.clients import clients, contacts
from adapters.db.tables.deals import deals
from adapters.db.tables.records import audit_entries
from domain.platform.audit import AuditEntry
from domain.shared.scope import Scope


class SqlAuditRepository(SqlRepository):
    async def add(self, entry: AuditEntry) -> None:
        # The request id the HTTP middleware bound, so an entry leads to its log lines.
        request_id = entry.request_id or structlog.contextvars.get_contextvars().get("request_id")
        await self._conn.execute(
            sa.insert(audit_entries).values(
                id=entry.id,
                organisation_id=entry.organisation_id,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                action=entry.action,
                changes=entry.changes,
                actor_user_id=entry.actor_user_id,
                actor_api_key_id=entry.actor_api_key_id,
                request_id=request_id,
                at=entry.at,
            )
        )

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        if not entries:
            return
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        await self._conn.execute(
            sa.insert(audit_entries),
            [
                {
                    "id": e.id,
                    "organisation_id": e.organisation_id,
                    "entity_type": e.entity_type,
                    "entity_id": e.entity_id,
                    "action": e.action,
                    "changes": e.changes,
                    "actor_user_id": e.actor_user_id,
                    "actor_api_key_id": e.actor_api_key_id,
                    "request_id": e.request_id or request_id,
                    "at": e.at,
                }
                for e in entries
            ],
        )

    async def list_for(
        self,
        scope: Scope,
        *,
        entity_type: str,
        entity_id: UUID,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[AuditEntry]:
        query = sa.select(audit_entries).where(
            in_organisation(audit_entries, scope),
            audit_entries.c.entity_type == entity_type,
            audit_entries.c.entity_id == entity_id,
        )
        if after is not None:
            query = query.where(
                sa.tuple_(audit_entries.c.at, audit_entries.c.id) < sa.tuple_(*after)
            )
        query = query.order_by(audit_entries.c.at.desc(), audit_entries.c.id.desc()).limit(limit)
        return [AuditEntry(**dict(r._mapping)) for r in await self._conn.execute(query)]

    async def client_visible(self, scope: Scope, client_id: UUID) -> bool:
        return await self._exists(clients, scope, client_id)

    async def deal_visible(self, scope: Scope, deal_id: UUID) -> bool:
        return await self._exists(deals, scope, deal_id)

    async def _exists(self, table: sa.Table, scope: Scope, ident: UUID) -> bool:
        found = await self._conn.scalar(
            sa.select(sa.literal(1)).where(
                in_organisation(table, scope),
                table.c.id == ident,
                visible(table.c.responsible_id, scope),
            )
        )
        return found is not None

    async def contact_client(self, scope: Scope, contact_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(contacts.c.client_id).where(
                in_organisation(contacts, scope), contacts.c.id == contact_id
            )
        )
        return found
