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


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def add_many(self, entries: Sequence[AuditEntry]) -> None: ...
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


# Actions that are nothing but their field changes: one that changed no field leaves no entry.
# Other actions (create, delete, merge, deactivate...) are facts of their own and always do.
EDITS = frozenset({"update", "reorder"})


class HasAudit(Protocol):
    """What recording needs of a unit of work."""

    @property
    def audit(self) -> AuditRepository: ...


async def record_change(
    uow: HasAudit,
    actor: Principal | UUID | None,
    *,
    organisation_id: UUID | None = None,
    entity_type: str,
    entity_id: UUID,
    action: str,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    at: datetime,
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> None:
    """The one way to audit a change, in the change's own transaction.

    ``actor``: the caller; the id of the user when only that is known (an event's actor); None
    for the system. ``organisation_id`` defaults to the calling principal's.
    ``before``/``after``: snapshots of the record (None: it did not exist / no longer does);
    the entry keeps the fields that differ. ``extra``: changes that are not a field going from
    one value to another (a merge's absorbed record, the ids a bulk move touched), added as
    given. An edit (``EDITS``) that changed nothing leaves no entry."""
    if organisation_id is None:
        if not isinstance(actor, Principal):
            raise ValueError("record_change needs the organisation when the actor is no principal")
        organisation_id = actor.organisation_id
    changes = diff(before or {}, after or {})
    for key, change in (extra or {}).items():
        changes[key] = {str(k): plain(v) for k, v in change.items()}
    if not changes and action in EDITS:
        return
    user_id, api_key_id = (
        (actor.user_id, actor.api_key_id) if isinstance(actor, Principal) else (actor, None)
    )
    await uow.audit.add(
        AuditEntry(
            organisation_id=organisation_id,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            changes=changes,
            actor_user_id=user_id,
            actor_api_key_id=api_key_id,
            at=at,
        )
    )


async def record_creations(
    uow: HasAudit,
    actor: Principal,
    created: Sequence[tuple[str, UUID, Mapping[str, object]]],
    *,
    at: datetime,
) -> None:
    """``record_change(action="create")`` for many new records at once (a bulk import):
    ``created`` holds each one's entity type, id and snapshot; one statement for them all."""
    await uow.audit.add_many(
        [
            AuditEntry(
                organisation_id=actor.organisation_id,
                entity_type=entity_type,
                entity_id=entity_id,
                action="create",
                changes=diff({}, after),
                actor_user_id=actor.user_id,
                actor_api_key_id=actor.api_key_id,
                at=at,
            )
            for entity_type, entity_id, after in created
        ]
    )
