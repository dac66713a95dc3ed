"""The today screen: what the caller has to do now, in one read. Their own overdue and today's
tasks; the stale deals and the deals without a next task among those they may see (their own,
their team's or all, by role); their unread notifications. Each list is its first few rows and
a count capped at COUNT_CAP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.activities.model import Notification, Task
from domain.activities.ports import Counted, DealDigest, SubjectLabels, TaskFilter
from domain.activities.services.tasks import task_labels
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput
from domain.staff.permissions import Permission, Resource

COUNT_CAP = 999
SECTION_LIMIT = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class TodaySummary:
    day: date
    overdue_tasks: Counted[Task] | None
    today_tasks: Counted[Task] | None
    labels: SubjectLabels
    stale_deals: Counted[DealDigest] | None
    deals_without_next_task: Counted[DealDigest] | None
    notifications: Counted[Notification]


class TodayService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def summary(self, principal: Principal, *, limit: int = SECTION_LIMIT) -> TodaySummary:
        """Sections the caller has no permission for are None (tasks without tasks:read,
        deals without deals:read)."""
        user_id = principal.user_id
        if user_id is None:
            raise InvalidInput("principal", "an API key has no day of its own")
        now = self._clock.now()
        async with self._uow as uow:
            organisation = await uow.organisations.get(principal.organisation_id)
            zone = ZoneInfo(organisation.time_zone if organisation else "UTC")
            day = now.astimezone(zone).date()
            day_end = datetime.combine(day + timedelta(days=1), time(), zone)
            overdue = today = None
            tasks: list[Task] = []
            if principal.can(Permission.TASKS_READ):
                scope = principal.scope_for(Resource.TASKS)
                mine = frozenset({user_id})

                async def section(task_filter: TaskFilter) -> Counted[Task]:
                    items = await uow.tasks.list(scope, task_filter, limit=limit)
                    count = await uow.today.count_tasks(scope, task_filter, cap=COUNT_CAP)
                    tasks.extend(items)
                    return Counted(min(count, COUNT_CAP), count > COUNT_CAP, items)

                overdue = await section(TaskFilter(assignee_ids=mine, done=False, overdue_at=now))
                today = await section(
                    TaskFilter(assignee_ids=mine, done=False, due_from=now, due_to=day_end)
                )
            labels = await task_labels(uow, principal, tasks)
            stale = without_task = None
            if principal.can(Permission.DEALS_READ):
                deals_scope = principal.scope_for(Resource.DEALS)
                stale = await uow.today.stale_deals(
                    deals_scope, now=now, limit=limit, cap=COUNT_CAP
                )
                without_task = await uow.today.deals_without_next_task(
                    deals_scope, limit=limit, cap=COUNT_CAP
                )
            scope = principal.organisation_scope
            unread = await uow.notifications.list(scope, user_id, unread=True, limit=limit)
            unread_count = await uow.today.count_unread_notifications(scope, user_id, cap=COUNT_CAP)
            return TodaySummary(
                day=day,
                overdue_tasks=overdue,
                today_tasks=today,
                labels=labels,
                stale_deals=stale,
                deals_without_next_task=without_task,
                notifications=Counted(
                    min(unread_count, COUNT_CAP), unread_count > COUNT_CAP, unread
                ),
            )
