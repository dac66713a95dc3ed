"""Reading the audit log of one record. Who may read it follows the record: the history of a
client, contact or deal is shown to whoever may see that record; the history of settings
(roles, departments, the organisation, funnels, stages, document types, ...) needs
audit:read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.audit import AuditEntry
from domain.platform.ports import UnitOfWork
from domain.shared.errors import NotFound
from domain.staff.permissions import Permission, Resource

# Entity types whose history is as visible as the record itself.
RECORD_TYPES = frozenset({"client", "contact", "deal"})


class AuditLogService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def list(
        self,
        principal: Principal,
        *,
        entity_type: str,
        entity_id: UUID,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[AuditEntry]:
        """Newest first."""
        async with self._uow as uow:
            if entity_type in RECORD_TYPES:
                if not await self._record_visible(uow, principal, entity_type, entity_id):
                    raise NotFound(entity_type.capitalize(), entity_id)
            else:
                principal.require(Permission.AUDIT_READ)
            return await uow.audit.list_for(
                principal.organisation_scope,
                entity_type=entity_type,
                entity_id=entity_id,
                limit=limit,
                after=after,
            )

    @staticmethod
    async def _record_visible(
        uow: UnitOfWork, principal: Principal, entity_type: str, entity_id: UUID
    ) -> bool:
        # Without the read permission the answer is 403, as for the record itself; a record
        # beyond the caller's visibility is simply not found.
        if entity_type == "deal":
            principal.require(Permission.DEALS_READ)
            return await uow.audit.deal_visible(principal.scope_for(Resource.DEALS), entity_id)
        principal.require(Permission.CLIENTS_READ)
        client_id = entity_id
        if entity_type == "contact":
            found = await uow.audit.contact_client(principal.organisation_scope, entity_id)
            if found is None:
                return False
            client_id = found
        return await uow.audit.client_visible(principal.scope_for(Resource.CLIENTS), client_id)
