"""Relationship follow-up use cases: the tasks configured for a client's responsible on
entering a relationship type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.model import RelationshipFollowUp, RelationshipType
from domain.platform.audit import diff, entry
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import NotFound
from domain.staff.permissions import Permission


class FollowUpService:
    """Tasks created for a client's responsible on entering a relationship type."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(self, principal: Principal) -> Sequence[RelationshipFollowUp]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            return await uow.relationship_follow_ups.list(principal.organisation_scope)

    async def create(
        self,
        principal: Principal,
        *,
        relationship_type: RelationshipType,
        task_title: str,
        due_in_days: int = 1,
        priority: str = "normal",
        is_active: bool = True,
    ) -> RelationshipFollowUp:
        principal.require(Permission.ORGANISATION_MANAGE)
        follow_up = RelationshipFollowUp(
            organisation_id=principal.organisation_id,
            relationship_type=relationship_type,
            task_title=task_title,
            due_in_days=due_in_days,
            priority=priority,
            is_active=is_active,
        )
        async with self._uow as uow:
            await uow.relationship_follow_ups.add(follow_up)
            await self._audit(
                uow, principal, follow_up, "create", {}, _follow_up_snapshot(follow_up)
            )
            await uow.commit()
            return follow_up

    async def update(
        self,
        principal: Principal,
        follow_up_id: UUID,
        *,
        expected_version: int | None = None,
        **changes: Any,
    ) -> RelationshipFollowUp:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            follow_up = await self._load(uow, principal, follow_up_id)
            version = check_version("Follow-up", follow_up.version, expected_version)
            before = _follow_up_snapshot(follow_up)
            updated = RelationshipFollowUp(
                **{**{k: getattr(follow_up, k) for k in before}, **changes},
                id=follow_up.id,
                organisation_id=follow_up.organisation_id,
                created_at=follow_up.created_at,
                version=follow_up.version,
            )
            await uow.relationship_follow_ups.update(updated, version)
            await self._audit(
                uow, principal, updated, "update", before, _follow_up_snapshot(updated)
            )
            await uow.commit()
            return updated

    async def delete(
        self, principal: Principal, follow_up_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            follow_up = await self._load(uow, principal, follow_up_id)
            check_version("Follow-up", follow_up.version, expected_version)
            await uow.relationship_follow_ups.delete(principal.organisation_scope, follow_up_id)
            await self._audit(
                uow, principal, follow_up, "delete", _follow_up_snapshot(follow_up), {}
            )
            await uow.commit()

    @staticmethod
    async def _load(
        uow: UnitOfWork, principal: Principal, follow_up_id: UUID
    ) -> RelationshipFollowUp:
        follow_up = await uow.relationship_follow_ups.get(
            principal.organisation_scope, follow_up_id
        )
        if follow_up is None:
            raise NotFound("Follow-up", follow_up_id)
        return follow_up

    async def _audit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        follow_up: RelationshipFollowUp,
        action: str,
        before: Mapping[str, object],
        after: Mapping[str, object],
    ) -> None:
        await uow.audit.add(
            entry(
                principal,
                organisation_id=principal.organisation_id,
                entity_type="relationship_follow_up",
                entity_id=follow_up.id,
                action=action,
                changes=diff(before, after),
                at=self._clock.now(),
            )
        )


def _follow_up_snapshot(f: RelationshipFollowUp) -> dict[str, object]:
    return {
        "relationship_type": f.relationship_type,
        "task_title": f.task_title,
        "due_in_days": f.due_in_days,
        "priority": f.priority,
        "is_active": f.is_active,
    }
