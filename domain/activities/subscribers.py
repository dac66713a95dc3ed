"""After-commit subscribers of the activities context (run by the worker from the outbox)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.activities.events import (
    AssignmentReason,
    CommentAdded,
    CommentEdited,
    TaskAssigned,
    TaskEvent,
    TaskOverdue,
    TaskReminderDue,
)
from domain.activities.model import NotificationKind, NotificationParams, Task
from domain.activities.notify import notify
from domain.activities.services.reassignment import hand_over_absent_tasks
from domain.deals.events import DealBecameStale
from domain.deals.model import DealStatus
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.events import DomainEvent
from domain.shared.scope import Scope
from domain.staff.events import AbsenceStarted
from domain.staff.model import DepartmentTree
from domain.webhooks.events import WebhookEndpointDisabled


@dataclass(frozen=True, slots=True)
class AbsenceHandOver:
    """When an absence with a substitute begins, the absent person's due tasks go to the
    substitute at once (the every-minute sweep catches tasks that fall due later).
    Idempotent: only tasks still assigned to the absent person move."""

    uow: Callable[[], UnitOfWork]
    clock: Clock

    @property
    def name(self) -> str:
        return "activities.absence_hand_over"

    async def __call__(self, event: DomainEvent) -> None:
        if not isinstance(event, AbsenceStarted) or event.substitute_id is None:
            return
        await hand_over_absent_tasks(self.uow(), self.clock, event.organisation_id)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to store: who is told what, about which record."""

    user_id: UUID
    kind: NotificationKind
    params: NotificationParams
    entity_type: str | None = None
    entity_id: UUID | None = None


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _id(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


# The events the notifications subscriber is registered for (adapters/bootstrap.py).
NOTIFIED_EVENTS: tuple[type[DomainEvent], ...] = (
    TaskAssigned,
    TaskReminderDue,
    TaskOverdue,
    CommentAdded,
    CommentEdited,
    DealBecameStale,
    AbsenceStarted,
    WebhookEndpointDisabled,
)


@dataclass(frozen=True, slots=True)
class NotificationSubscriber:
    """Turns events into notifications: a kind and small parameters per recipient, which the
    SPA renders in the reader's language.

    Idempotent: each notification's dedup key is ``<event id>:<user id>`` (unique per user in
    the table), so an event delivered twice stores nothing new. Records read here (a task's
    title, a deal's stage) are read when the event is handled; a notice whose subject is gone
    or has moved on (a deleted task, a deal that left the stage) is not sent."""

    uow: Callable[[], UnitOfWork]

    @property
    def name(self) -> str:
        return "activities.notifications"

    async def __call__(self, event: DomainEvent) -> None:
        async with self.uow() as uow:
            notices = await self._notices(uow, event)
            for notice in notices:
                await notify(
                    uow,
                    organisation_id=event.organisation_id,
                    user_id=notice.user_id,
                    kind=notice.kind,
                    params=notice.params,
                    entity_type=notice.entity_type,
                    entity_id=notice.entity_id,
                    dedup_key=f"{event.event_id}:{notice.user_id}",
                )
            if notices:
                await uow.commit()

    async def _notices(self, uow: UnitOfWork, event: DomainEvent) -> list[Notice]:
        scope = Scope.organisation_wide(event.organisation_id)
        match event:
            case TaskAssigned() | TaskReminderDue() | TaskOverdue():
                task = await uow.tasks.get(scope, event.task_id)
                return _task_notices(event, task)
            case CommentAdded() | CommentEdited():
                return await _mention_notices(uow, scope, event)
            case DealBecameStale():
                return await _stale_notices(uow, scope, event)
            case AbsenceStarted():
                if event.substitute_id is None:
                    return []
                absent = await uow.users.get(scope, event.user_id)
                params: NotificationParams = {
                    "absence_id": str(event.absence_id),
                    "user_id": str(event.user_id),
                    "user_name": absent.full_name if absent else None,
                    "absence_kind": event.kind,
                    "starts_on": event.starts_on.isoformat(),
                    "ends_on": event.ends_on.isoformat(),
                }
                return [
                    Notice(
                        event.substitute_id,
                        NotificationKind.ABSENCE_SUBSTITUTE,
                        params,
                        "user",
                        event.user_id,
                    )
                ]
            case WebhookEndpointDisabled():
                params = {
                    "endpoint_id": str(event.endpoint_id),
                    "url": event.url,
                    "failing_since": event.failing_since.isoformat(),
                }
                return [
                    Notice(
                        user_id,
                        NotificationKind.WEBHOOK_DISABLED,
                        params,
                        "webhook_endpoint",
                        event.endpoint_id,
                    )
                    for user_id in await uow.webhooks.active_admin_ids(event.organisation_id)
                ]
        return []


def _task_notices(event: TaskEvent, task: Task | None) -> list[Notice]:
    if task is None or task.is_done:
        return []
    params: NotificationParams = {
        "task_id": str(task.id),
        "task_title": task.title,
        "due_at": _iso(task.due_at),
    }
    match event:
        case TaskAssigned():
            # Told only if the task is still theirs; nobody is told what they did themself,
            # a bulk move is summed up in one notice by the reassignment itself, and the tasks
            # of the daily retention sweep wait on the today screen (dozens would bury the rest).
            if (
                task.assignee_id != event.assignee_id
                or event.actor_id == event.assignee_id
                or event.reason in (AssignmentReason.BULK, AssignmentReason.SCHEDULED)
            ):
                return []
            assignee = event.assignee_id
            if event.reason is AssignmentReason.HAND_OVER:
                kind = NotificationKind.HAND_OVER
                params["from_user_id"] = _id(event.previous_assignee_id)
            else:
                kind = NotificationKind.ASSIGNMENT
                params["assigned_by"] = _id(event.actor_id)
        case TaskReminderDue():
            assignee, kind = event.assignee_id, NotificationKind.REMINDER
            params["remind_at"] = event.remind_at.isoformat()
        case TaskOverdue():
            # Announced for this due time; a due time moved since announces itself again.
            if task.due_at != event.due_at:
                return []
            assignee, kind = event.assignee_id, NotificationKind.OVERDUE
        case _:
            return []
    return [Notice(assignee, kind, params, "task", task.id)]


async def _mention_notices(
    uow: UnitOfWork, scope: Scope, event: CommentAdded | CommentEdited
) -> list[Notice]:
    mentioned = (
        event.mentioned_user_ids
        if isinstance(event, CommentAdded)
        else event.newly_mentioned_user_ids
    )
    recipients = [user_id for user_id in mentioned if user_id != event.author_id]
    if not recipients:
        return []
    author = await uow.users.get(scope, event.author_id) if event.author_id else None
    params: NotificationParams = {
        "comment_id": str(event.comment_id),
        "author_id": _id(event.author_id),
        "author_name": author.full_name if author else None,
        "client_id": _id(event.client_id),
        "deal_id": _id(event.deal_id),
    }
    on_deal = event.deal_id is not None
    entity_type, entity_id = ("deal", event.deal_id) if on_deal else ("client", event.client_id)
    return [
        Notice(user_id, NotificationKind.MENTION, params, entity_type, entity_id)
        for user_id in recipients
    ]


async def _stale_notices(uow: UnitOfWork, scope: Scope, event: DealBecameStale) -> list[Notice]:
    deal = await uow.deals.get(scope, event.deal_id)
    # The stay the alert is about has ended (moved on, closed): nothing to tell any more.
    if (
        deal is None
        or deal.status is not DealStatus.OPEN
        or deal.stage_entered_at != event.stage_entered_at
    ):
        return []
    stage = await uow.funnels.get_stage(scope, event.stage_id)
    recipients = [event.responsible_id]
    responsible = await uow.users.get(scope, event.responsible_id)
    tree = DepartmentTree(await uow.departments.list(scope))
    head = tree.manager_of(event.responsible_id, responsible.department_id if responsible else None)
    if head is not None and head != event.responsible_id:
        recipients.append(head)
    params: NotificationParams = {
        "deal_id": str(deal.id),
        "deal_title": deal.title,
        "stage_name": stage.name if stage else None,
        "days_in_stage": event.days_in_stage,
        "max_days": stage.max_days if stage else None,
    }
    kind = (
        NotificationKind.STALE_DEAL_CLOSE if event.close_proposed else NotificationKind.STALE_DEAL
    )
    return [Notice(user_id, kind, params, "deal", deal.id) for user_id in recipients]
