"""Notification use cases: a user's notifications, and the worker's task reminders and
overdue notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from domain.activities.model import Notification
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NotFound, PermissionDenied


class NotificationService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        *,
        unread: bool | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Notification]:
        user_id = _signed_in(principal)
        async with self._uow as uow:
            return await uow.notifications.list(
                principal.organisation_scope, user_id, unread=unread, limit=limit, after=after
            )

    async def backlog(
        self, principal: Principal, *, since_id: UUID | None, limit: int = 100
    ) -> Sequence[Notification]:
        """What a (re)connecting stream sends first: unread notifications after ``since_id``."""
        user_id = _signed_in(principal)
        async with self._uow as uow:
            return await uow.notifications.list_unread_since(
                principal.organisation_scope, user_id, since_id=since_id, limit=limit
            )

    async def mark_read(self, principal: Principal, notification_id: UUID) -> Notification:
        user_id = _signed_in(principal)
        scope = principal.organisation_scope
        async with self._uow as uow:
            if not await uow.notifications.mark_read(
                scope, user_id, notification_id, self._clock.now()
            ):
                raise NotFound("Notification", notification_id)
            found = await uow.notifications.get(scope, user_id, notification_id)
            assert found is not None
            await uow.commit()
            return found

    async def mark_all_read(self, principal: Principal) -> int:
        user_id = _signed_in(principal)
        async with self._uow as uow:
            count = await uow.notifications.mark_all_read(
                principal.organisation_scope, user_id, self._clock.now()
            )
            await uow.commit()
            return count


def _signed_in(principal: Principal) -> UUID:
    if principal.user_id is None:
        raise PermissionDenied("Notifications belong to users; an API key has none")
    return principal.user_id


async def send_due_reminders(uow: UnitOfWork, clock: Clock, *, limit: int = 500) -> int:
    """Reminders whose time has come, once each; then overdue tasks, once per due time. The
    tasks record the events (task.reminder_due, task.overdue); the notifications subscriber
    tells the assignees after commit."""
    async with uow:
        now = clock.now()
        due = await uow.tasks.due_reminders(now, limit)
        for task in due:
            task.remind(now)
        await uow.tasks.mark_reminded(due, now)
        overdue = [
            task for task in await uow.tasks.overdue_unannounced(now, limit) if task.is_overdue(now)
        ]
        for task in overdue:
            task.announce_overdue(now)
        await uow.tasks.mark_overdue_announced(overdue)
        await uow.commit()
        return len(due) + len(overdue)
