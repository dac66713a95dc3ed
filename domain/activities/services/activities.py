"""Activity use cases: calls, meetings, letters and notes recorded on a client or deal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from domain.activities.commands import UpdateActivity
from domain.activities.model import Activity, ActivityKind, Direction
from domain.activities.ports import ActivityFilter
from domain.activities.services.subjects import require_any, resolve_subject, subject_scopes
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import NotFound, PermissionDenied
from domain.staff.permissions import Permission


class ActivityService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        activity_filter: ActivityFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Activity]:
        require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        async with self._uow as uow:
            return await uow.activities.list(
                subject_scopes(principal), activity_filter, limit=limit, after=after
            )

    async def get(self, principal: Principal, activity_id: UUID) -> Activity:
        require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        async with self._uow as uow:
            return await self._load(uow, principal, activity_id)

    async def create(
        self,
        principal: Principal,
        *,
        kind: ActivityKind,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        subject: str | None = None,
        body: str | None = None,
        direction: Direction | None = None,
        occurred_at: datetime | None = None,
        duration_seconds: int | None = None,
    ) -> Activity:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            client_id, deal_id = await resolve_subject(uow, principal, client_id, deal_id)
            activity = Activity(
                organisation_id=principal.organisation_id,
                client_id=client_id,
                deal_id=deal_id,
                kind=kind,
                subject=subject,
                body=body,
                direction=direction,
                occurred_at=occurred_at or self._clock.now(),
                duration_seconds=duration_seconds,
                author_id=principal.user_id,
            )
            activity.record_logged(at=self._clock.now())
            await uow.activities.add(activity)
            await uow.commit()
            return activity

    async def update(
        self,
        principal: Principal,
        activity_id: UUID,
        update: UpdateActivity,
        *,
        expected_version: int | None = None,
    ) -> Activity:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            activity = await self._load_own(uow, principal, activity_id)
            version = activity.version if expected_version is None else expected_version
            activity.change(update)
            await uow.activities.update(activity, version)
            await uow.commit()
            return activity

    async def delete(
        self, principal: Principal, activity_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            activity = await self._load_own(uow, principal, activity_id)
            check_version("Activity", activity.version, expected_version)
            await uow.activities.delete(subject_scopes(principal), activity_id)
            await uow.commit()

    async def _load_own(self, uow: UnitOfWork, principal: Principal, ident: UUID) -> Activity:
        activity = await self._load(uow, principal, ident)
        if activity.author_id != principal.user_id and not principal.is_admin:
            raise PermissionDenied("Only the author changes an activity")
        return activity

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, activity_id: UUID) -> Activity:
        activity = await uow.activities.get(subject_scopes(principal), activity_id)
        if activity is None:
            raise NotFound("Activity", activity_id)
        return activity
