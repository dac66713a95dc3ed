"""The audit entry of a change to organisation settings (the organisation itself, roles,
departments)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock


async def audit_settings(
    uow: UnitOfWork,
    principal: Principal,
    clock: Clock,
    *,
    entity_type: str,
    entity_id: UUID,
    action: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
) -> None:
    """An audit entry for a change of organisation settings (roles, departments, the
    organisation itself), in the change's transaction."""
    await record_change(
        uow.audit,
        principal,
        organisation_id=principal.organisation_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        at=clock.now(),
    )
