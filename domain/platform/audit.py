"""The audit log: who changed which field of which record, from what to what."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol
from uuid import UUID

from domain.auth.principal import Principal
from domain.shared.ids import new_id
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    entity_type: str  # client | contact | deal | stage | funnel | settings | user ...
    entity_id: UUID
    action: str  # create | update | delete | merge | reassign | move | close | reopen ...
    changes: dict[str, dict[str, Any]]  # {"field": {"before": ..., "after": ...}}
    actor_user_id: UUID | None
    actor_api_key_id: UUID | None
    at: datetime
    request_id: str | None = None


def plain(value: object) -> object:
    """A JSON-friendly form of a field value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (UUID, date, datetime)):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, dict[str, Any]]:
    """Field-level changes between two snapshots (missing keys count as None)."""
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = plain(before.get(key)), plain(after.get(key))
        if old != new:
            changes[key] = {"before": old, "after": new}
    return changes


def entry(
    principal: Principal | None,
    *,
    organisation_id: UUID,
    entity_type: str,
    entity_id: UUID,
    action: str,
    changes: dict[str, dict[str, Any]],
    at: datetime,
) -> AuditEntry:
    return AuditEntry(
        organisation_id=organisation_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        changes=changes,
        actor_user_id=principal.user_id if principal else None,
        actor_api_key_id=principal.api_key_id if principal else None,
        at=at,
    )


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def list_for(
        self,
        scope: Scope,
        *,
        entity_type: str,
        entity_id: UUID,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[AuditEntry]:
        """Newest first."""
        ...

    async def client_visible(self, scope: Scope, client_id: UUID) -> bool: ...
    async def deal_visible(self, scope: Scope, deal_id: UUID) -> bool: ...
    async def contact_client(self, scope: Scope, contact_id: UUID) -> UUID | None:
        """The client of a contact of the scope's organisation."""
        ...


async def record_change(
    audit: AuditRepository,
    principal: Principal | None,
    *,
    organisation_id: UUID,
    entity_type: str,
    entity_id: UUID,
    action: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
    at: datetime,
) -> None:
    """Audit a change in the change's own transaction; an update that changed nothing leaves
    no entry."""
    changes = diff(before, after)
    if not changes and action == "update":
        return
    await audit.add(
        entry(
            principal,
            organisation_id=organisation_id,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            changes=changes,
            at=at,
        )
    )
