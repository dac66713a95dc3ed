"""Relationship follow-up use cases: the tasks configured for a client's responsible on
entering a relationship type."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import CreateFollowUp, UpdateFollowUp
from domain.clients.model import RelationshipFollowUp
from domain.platform.audit import record_change
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

    async def create(self, principal: Principal, command: CreateFollowUp) -> RelationshipFollowUp:
        principal.require(Permission.ORGANISATION_MANAGE)
        follow_up = RelationshipFollowUp.create(command, organisation_id=principal.organisation_id)
        async with self._uow as uow:
            await uow.relationship_follow_ups.add(follow_up)
            await record_change(
                uow,
                principal,
                entity_type="relationship_follow_up",
                entity_id=follow_up.id,
                action="create",
                after=_follow_up_snapshot(follow_up),
                at=self._clock.now(),
            )
            await uow.commit()
            return follow_up

    async def update(
        self,
        principal: Principal,
        follow_up_id: UUID,
        update: UpdateFollowUp,
        *,
        expected_version: int | None = None,
    ) -> RelationshipFollowUp:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            follow_up = await self._load(uow, principal, follow_up_id)
            version = check_version("Follow-up", follow_up.version, expected_version)
            before = _follow_up_snapshot(follow_up)
            follow_up.apply(update)
            await uow.relationship_follow_ups.update(follow_up, version)
            await record_change(
                uow,
                principal,
                entity_type="relationship_follow_up",
                entity_id=follow_up.id,
                action="update",
                before=before,
                after=_follow_up_snapshot(follow_up),
                at=self._clock.now(),
            )
            await uow.commit()
            return follow_up

    async def delete(
        self, principal: Principal, follow_up_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            follow_up = await self._load(uow, principal, follow_up_id)
            check_version("Follow-up", follow_up.version, expected_version)
            await uow.relationship_follow_ups.delete(principal.organisation_scope, follow_up_id)
            await record_change(
                uow,
                principal,
                entity_type="relationship_follow_up",
                entity_id=follow_up.id,
                action="delete",
                before=_follow_up_snapshot(follow_up),
                at=self._clock.now(),
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


def _follow_up_snapshot(f: RelationshipFollowUp) -> dict[str, object]:
    return {
        "relationship_type": f.relationship_type,
        "task_title": f.task_title,
        "due_in_days": f.due_in_days,
        "priority": f.priority,
        "is_active": f.is_active,
    }
