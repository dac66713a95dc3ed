"""Use cases of the activities context: tasks, activities, discussions, timelines,
notifications, absence hand-over and bulk reassignment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.activities.model import (
    Activity,
    ActivityKind,
    Comment,
    Direction,
    Notification,
    NotificationKind,
    Priority,
    Task,
    overdue_dedup_key,
)
from domain.activities.notify import notify
from domain.activities.ports import (
    ActivityFilter,
    SubjectScopes,
    TaskFilter,
    TimelineItem,
    TimelineKind,
)
from domain.auth.principal import Principal
from domain.clients.relationship import recompute_relationship
from domain.platform.audit import entry
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from domain.shared.patch import UNSET, Patch
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource


def subject_scopes(principal: Principal) -> SubjectScopes:
    return SubjectScopes(
        clients=principal.scope_for(Resource.CLIENTS), deals=principal.scope_for(Resource.DEALS)
    )


def _require_any(principal: Principal, *permissions: Permission) -> None:
    if not any(principal.can(p) for p in permissions):
        raise PermissionDenied(
            "This requires one of the permissions " + ", ".join(p.value for p in permissions)
        )


async def resolve_subject(
    uow: UnitOfWork, principal: Principal, client_id: UUID | None, deal_id: UUID | None
) -> tuple[UUID | None, UUID | None]:
    """The (client, deal) a record is attached to, both visible to the caller. A deal brings
    its client, so the client's timeline shows it."""
    if client_id is None and deal_id is None:
        raise InvalidInput("client_id", "give a client_id or a deal_id")
    if deal_id is not None:
        deal_client = await uow.activity_subjects.deal_client(
            principal.scope_for(Resource.DEALS), deal_id
        )
        if deal_client is None:
            raise NotFound("Deal", deal_id)
        if client_id is not None and client_id != deal_client:
            raise InvalidInput("client_id", "is not the client of the deal")
        return deal_client, deal_id
    assert client_id is not None
    if not await uow.activity_subjects.client_visible(
        principal.scope_for(Resource.CLIENTS), client_id
    ):
        raise NotFound("Client", client_id)
    return client_id, None


async def _require_active_user(
    uow: UnitOfWork, principal: Principal, user_id: UUID, field_name: str | tuple[str, ...]
) -> None:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(field_name, "must be an active user of this organisation")


async def _today(uow: UnitOfWork, clock: Clock, organisation_id: UUID) -> date:
    organisation = await uow.organisations.get(organisation_id)
    zone = ZoneInfo(organisation.time_zone if organisation else "UTC")
    return clock.now().astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who a task went to, and why it is not who was asked for."""

    assignee_id: UUID
    note: str | None = None


async def effective_assignee(
    uow: UnitOfWork, clock: Clock, organisation_id: UUID, wanted: UUID
) -> Assignment:
    """A new assignment to someone absent today goes to their substitute."""
    today = await _today(uow, clock, organisation_id)
    absent = await uow.absences.list(
        Scope.organisation_wide(organisation_id),
        user_id=wanted,
        overlapping=(today, today),
        limit=1,
    )
    if absent and absent[0].substitute_id is not None:
        absence = absent[0]
        assert absence.substitute_id is not None
        return Assignment(
            absence.substitute_id,
            f"The assignee is absent until {absence.ends_on.isoformat()}; "
            "the task went to their substitute",
        )
    return Assignment(wanted)


@dataclass(frozen=True, slots=True)
class TaskResult:
    task: Task
    note: str | None = None


class TaskService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        *,
        assignee_id: UUID | None = None,
        mine: bool | None = None,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        done: bool | None = None,
        overdue: bool = False,
        due_from: datetime | None = None,
        due_to: datetime | None = None,
        limit: int,
        after: tuple[datetime | None, UUID] | None = None,
    ) -> Sequence[Task]:
        """Without an assignee, client or deal filter: the caller's own tasks."""
        principal.require(Permission.TASKS_READ)
        if mine is None:
            mine = assignee_id is None and client_id is None and deal_id is None
        assignees: set[UUID] | None = None
        if assignee_id is not None:
            assignees = {assignee_id}
        if mine:
            if principal.user_id is None:
                raise InvalidInput("mine", "an API key has no tasks of its own")
            assignees = (
                {principal.user_id} if assignees is None else assignees & {principal.user_id}
            )
        task_filter = TaskFilter(
            assignee_ids=frozenset(assignees) if assignees is not None else None,
            client_id=client_id,
            deal_id=deal_id,
            done=done,
            overdue_at=self._clock.now() if overdue else None,
            due_from=due_from,
            due_to=due_to,
        )
        async with self._uow as uow:
            return await uow.tasks.list(
                principal.scope_for(Resource.TASKS), task_filter, limit=limit, after=after
            )

    async def get(self, principal: Principal, task_id: UUID) -> Task:
        principal.require(Permission.TASKS_READ)
        async with self._uow as uow:
            return await self._load(uow, principal, task_id)

    async def create(
        self,
        principal: Principal,
        *,
        title: str,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        description: str | None = None,
        assignee_id: UUID | None = None,
        due_at: datetime | None = None,
        remind_at: datetime | None = None,
        priority: Priority = Priority.NORMAL,
    ) -> TaskResult:
        principal.require(Permission.TASKS_WRITE)
        wanted = assignee_id or principal.user_id
        if wanted is None:
            raise InvalidInput("assignee_id", "is required when an API key creates a task")
        async with self._uow as uow:
            client_id, deal_id = await resolve_subject(uow, principal, client_id, deal_id)
            await _require_active_user(uow, principal, wanted, "assignee_id")
            assignment = await effective_assignee(
                uow, self._clock, principal.organisation_id, wanted
            )
            task = Task(
                organisation_id=principal.organisation_id,
                client_id=client_id,
                deal_id=deal_id,
                title=title,
                description=description,
                assignee_id=assignment.assignee_id,
                due_at=due_at,
                remind_at=remind_at,
                priority=priority,
                created_by=principal.user_id,
            )
            await uow.tasks.add(task)
            await self._tell_assignee(uow, principal, task)
            await uow.commit()
            return TaskResult(task, assignment.note)

    async def update(
        self,
        principal: Principal,
        task_id: UUID,
        *,
        title: str | None = None,
        description: Patch[str | None] = UNSET,
        assignee_id: UUID | None = None,
        due_at: Patch[datetime | None] = UNSET,
        remind_at: Patch[datetime | None] = UNSET,
        priority: Priority | None = None,
        done: bool | None = None,
        expected_version: int | None = None,
    ) -> TaskResult:
        principal.require(Permission.TASKS_WRITE)
        note = None
        async with self._uow as uow:
            task = await self._load(uow, principal, task_id)
            version = task.version if expected_version is None else expected_version
            given = {
                name
                for name, value in (
                    ("description", description),
                    ("due_at", due_at),
                    ("remind_at", remind_at),
                )
                if value is not UNSET
            }
            task.change(
                title=title,
                description=None if description is UNSET else description,
                due_at=None if due_at is UNSET else due_at,
                remind_at=None if remind_at is UNSET else remind_at,
                priority=priority,
                fields=given,
            )
            reassigned = False
            if assignee_id is not None and assignee_id != task.assignee_id:
                await _require_active_user(uow, principal, assignee_id, "assignee_id")
                assignment = await effective_assignee(
                    uow, self._clock, principal.organisation_id, assignee_id
                )
                reassigned = assignment.assignee_id != task.assignee_id
                task.assignee_id, note = assignment.assignee_id, assignment.note
            if done is True and not task.is_done:
                task.complete(principal.user_id, self._clock.now())
            elif done is False and task.is_done:
                task.reopen()
            await uow.tasks.update(task, version)
            if reassigned:
                await self._tell_assignee(uow, principal, task)
            await uow.commit()
            return TaskResult(task, note)

    async def complete(
        self, principal: Principal, task_id: UUID, *, expected_version: int | None = None
    ) -> Task:
        return await self._set_done(principal, task_id, True, expected_version)

    async def reopen(
        self, principal: Principal, task_id: UUID, *, expected_version: int | None = None
    ) -> Task:
        return await self._set_done(principal, task_id, False, expected_version)

    async def delete(
        self, principal: Principal, task_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            task = await self._load(uow, principal, task_id)
            check_version("Task", task.version, expected_version)
            await uow.tasks.delete(principal.scope_for(Resource.TASKS), task_id)
            await uow.commit()

    async def _set_done(
        self, principal: Principal, task_id: UUID, done: bool, expected_version: int | None
    ) -> Task:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            task = await self._load(uow, principal, task_id)
            version = task.version if expected_version is None else expected_version
            if done:
                task.complete(principal.user_id, self._clock.now())
            else:
                task.reopen()
            await uow.tasks.update(task, version)
            await uow.commit()
            return task

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, task_id: UUID) -> Task:
        task = await uow.tasks.get(principal.scope_for(Resource.TASKS), task_id)
        if task is None:
            raise NotFound("Task", task_id)
        return task

    @staticmethod
    async def _tell_assignee(uow: UnitOfWork, principal: Principal, task: Task) -> None:
        if task.assignee_id == principal.user_id:
            return
        await notify(
            uow,
            organisation_id=task.organisation_id,
            user_id=task.assignee_id,
            kind=NotificationKind.ASSIGNMENT,
            title=f"Новая задача: {task.title}",
            body=task.description,
            entity_type="task",
            entity_id=task.id,
        )


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
        _require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        async with self._uow as uow:
            return await uow.activities.list(
                subject_scopes(principal), activity_filter, limit=limit, after=after
            )

    async def get(self, principal: Principal, activity_id: UUID) -> Activity:
        _require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
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
            await uow.activities.add(activity)
            if client_id is not None:
                # An interaction with the client: its relationship type may depend on it.
                await recompute_relationship(
                    uow,
                    self._clock,
                    principal.organisation_id,
                    client_id,
                    reason=f"activity: {kind.value}",
                    actor_id=principal.user_id,
                    deal_id=deal_id,
                )
            await uow.commit()
            return activity

    async def update(
        self,
        principal: Principal,
        activity_id: UUID,
        *,
        expected_version: int | None = None,
        **changes: object,
    ) -> Activity:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            activity = await self._load_own(uow, principal, activity_id)
            version = activity.version if expected_version is None else expected_version
            activity.change(**changes)
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


class DiscussionService:
    """Threaded comments on a client or deal. Mentions are written in the body as
    ``@[Full Name](user id)``; each mentioned user is told once per comment."""

    MAX_MENTIONS = 20

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Comment]:
        _require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        if client_id is None and deal_id is None:
            raise InvalidInput(("query", "client_id"), "give a client_id or a deal_id")
        async with self._uow as uow:
            await resolve_subject(uow, principal, client_id, deal_id)
            return await uow.comments.list(
                subject_scopes(principal),
                client_id=client_id,
                deal_id=deal_id,
                limit=limit,
                after=after,
            )

    async def get(self, principal: Principal, comment_id: UUID) -> Comment:
        _require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        async with self._uow as uow:
            return await self._load(uow, principal, comment_id)

    async def create(
        self,
        principal: Principal,
        *,
        body: str,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        parent_id: UUID | None = None,
    ) -> Comment:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            if parent_id is not None:
                parent = await uow.comments.get(subject_scopes(principal), parent_id)
                if parent is None:
                    raise InvalidInput("parent_id", "no such comment")
                if (client_id is not None and client_id != parent.client_id) or (
                    deal_id is not None and deal_id != parent.deal_id
                ):
                    raise InvalidInput("parent_id", "belongs to another client or deal")
                client_id, deal_id = parent.client_id, parent.deal_id
            client_id, deal_id = await resolve_subject(uow, principal, client_id, deal_id)
            comment = Comment(
                organisation_id=principal.organisation_id,
                client_id=client_id,
                deal_id=deal_id,
                parent_id=parent_id,
                body=body,
                author_id=principal.user_id,
            )
            await self._check_mentions(uow, principal, comment.mentions)
            await uow.comments.add(comment)
            await self._tell_mentioned(uow, principal, comment, comment.mentions)
            await uow.commit()
            return comment

    async def edit(
        self,
        principal: Principal,
        comment_id: UUID,
        *,
        body: str,
        expected_version: int | None = None,
    ) -> Comment:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            comment = await self._load(uow, principal, comment_id)
            if comment.author_id != principal.user_id:
                raise PermissionDenied("Only the author edits a comment")
            version = comment.version if expected_version is None else expected_version
            added = comment.edit(body, self._clock.now())
            await self._check_mentions(uow, principal, comment.mentions)
            await uow.comments.update(comment, version)
            await self._tell_mentioned(uow, principal, comment, added)
            await uow.commit()
            return comment

    async def delete(
        self, principal: Principal, comment_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.TASKS_WRITE)
        async with self._uow as uow:
            comment = await self._load(uow, principal, comment_id)
            if comment.author_id != principal.user_id and not principal.is_admin:
                raise PermissionDenied("Only the author deletes a comment")
            check_version("Comment", comment.version, expected_version)
            await uow.comments.delete(subject_scopes(principal), comment_id)
            await uow.commit()

    async def _check_mentions(
        self, uow: UnitOfWork, principal: Principal, mentions: Sequence[UUID]
    ) -> None:
        if len(mentions) > self.MAX_MENTIONS:
            raise InvalidInput("body", f"mentions at most {self.MAX_MENTIONS} people")
        for user_id in mentions:
            user = await uow.users.get(principal.organisation_scope, user_id)
            if user is None or not user.is_active:
                raise InvalidInput("body", f"mentions {user_id}, not an active user here")

    @staticmethod
    async def _tell_mentioned(
        uow: UnitOfWork, principal: Principal, comment: Comment, users: Iterable[UUID]
    ) -> None:
        for user_id in users:
            if user_id == principal.user_id:
                continue
            await notify(
                uow,
                organisation_id=comment.organisation_id,
                user_id=user_id,
                kind=NotificationKind.MENTION,
                title="Вас упомянули в обсуждении",
                body=comment.body[:1000],
                entity_type="deal" if comment.deal_id else "client",
                entity_id=comment.deal_id or comment.client_id,
                dedup_key=f"mention:{comment.id}",
            )

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, comment_id: UUID) -> Comment:
        comment = await uow.comments.get(subject_scopes(principal), comment_id)
        if comment is None:
            raise NotFound("Comment", comment_id)
        return comment


ALL_TIMELINE_KINDS = frozenset(TimelineKind)


class TimelineService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def for_client(
        self,
        principal: Principal,
        client_id: UUID,
        *,
        kinds: frozenset[TimelineKind] = ALL_TIMELINE_KINDS,
        limit: int,
        after: tuple[datetime, str, UUID] | None = None,
    ) -> Sequence[TimelineItem]:
        principal.require(Permission.CLIENTS_READ)
        return await self._page(principal, client_id, None, kinds, limit, after)

    async def for_deal(
        self,
        principal: Principal,
        deal_id: UUID,
        *,
        kinds: frozenset[TimelineKind] = ALL_TIMELINE_KINDS,
        limit: int,
        after: tuple[datetime, str, UUID] | None = None,
    ) -> Sequence[TimelineItem]:
        principal.require(Permission.DEALS_READ)
        return await self._page(principal, None, deal_id, kinds, limit, after)

    async def _page(
        self,
        principal: Principal,
        client_id: UUID | None,
        deal_id: UUID | None,
        kinds: frozenset[TimelineKind],
        limit: int,
        after: tuple[datetime, str, UUID] | None,
    ) -> Sequence[TimelineItem]:
        async with self._uow as uow:
            # 404 unless the caller may see the client or deal itself.
            await resolve_subject(uow, principal, client_id, deal_id)
            return await uow.timeline.for_subject(
                subject_scopes(principal),
                client_id=client_id,
                deal_id=deal_id,
                kinds=kinds or ALL_TIMELINE_KINDS,
                limit=limit,
                after=after,
            )


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


@dataclass(frozen=True, slots=True)
class ReassignResult:
    clients: int = 0
    deals: int = 0
    tasks: int = 0


class ReassignService:
    """Moves a user's clients, deals and tasks to a colleague in one transaction."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def reassign(
        self,
        principal: Principal,
        from_user_id: UUID,
        *,
        to_user_id: UUID,
        clients: bool = True,
        deals: bool = True,
        tasks: bool = True,
        only_open: bool = True,
    ) -> ReassignResult:
        principal.require(Permission.USERS_MANAGE)
        if from_user_id == to_user_id:
            raise InvalidInput("to_user_id", "must be someone else")
        scope = principal.organisation_scope
        counts: dict[str, int] = {}
        async with self._uow as uow:
            if await uow.users.get(scope, from_user_id) is None:
                raise NotFound("User", from_user_id)
            await _require_active_user(uow, principal, to_user_id, "to_user_id")
            now = self._clock.now()
            wanted = [("client", clients), ("deal", deals), ("task", tasks)]
            for entity_type, include in wanted:
                if not include:
                    continue
                moved = await uow.reassignment.move(
                    scope,
                    entity_type=entity_type,
                    from_user_id=from_user_id,
                    to_user_id=to_user_id,
                    only_open=only_open,
                )
                counts[entity_type] = len(moved.ids)
                if not moved.ids:
                    continue
                await uow.audit.add(
                    entry(
                        principal,
                        organisation_id=principal.organisation_id,
                        entity_type="user",
                        entity_id=from_user_id,
                        action="reassign",
                        changes={
                            f"{entity_type}s": {
                                "before": str(from_user_id),
                                "after": str(to_user_id),
                                "count": len(moved.ids),
                                "ids": [str(i) for i in moved.ids],
                            }
                        },
                        at=now,
                    )
                )
            if any(counts.values()):
                await notify(
                    uow,
                    organisation_id=principal.organisation_id,
                    user_id=to_user_id,
                    kind=NotificationKind.ASSIGNMENT,
                    title="Вам передана работа коллеги",
                    body=(
                        f"Клиентов: {counts.get('client', 0)}, сделок: {counts.get('deal', 0)}, "
                        f"задач: {counts.get('task', 0)}"
                    ),
                    entity_type="user",
                    entity_id=from_user_id,
                )
            await uow.commit()
        return ReassignResult(
            clients=counts.get("client", 0),
            deals=counts.get("deal", 0),
            tasks=counts.get("task", 0),
        )


# --- worker entry points -------------------------------------------------------------------


async def send_due_reminders(uow: UnitOfWork, clock: Clock, *, limit: int = 500) -> int:
    """Reminders whose time has come, once each; then overdue tasks, once per due time."""
    async with uow:
        now = clock.now()
        due = await uow.tasks.due_reminders(now, limit)
        for task in due:
            assert task.remind_at is not None
            await notify(
                uow,
                organisation_id=task.organisation_id,
                user_id=task.assignee_id,
                kind=NotificationKind.REMINDER,
                title=f"Напоминание: {task.title}",
                body=task.description,
                entity_type="task",
                entity_id=task.id,
                dedup_key=f"reminder:{task.id}:{int(task.remind_at.timestamp())}",
            )
        await uow.tasks.mark_reminded([t.id for t in due], now)
        overdue = await uow.tasks.overdue_unnotified(now, limit)
        for task in overdue:
            assert task.due_at is not None
            await notify(
                uow,
                organisation_id=task.organisation_id,
                user_id=task.assignee_id,
                kind=NotificationKind.OVERDUE,
                title=f"Просрочена задача: {task.title}",
                entity_type="task",
                entity_id=task.id,
                dedup_key=overdue_dedup_key(task.id, task.due_at),
            )
        await uow.commit()
        return len(due) + len(overdue)


async def hand_over_absent_tasks(
    uow: UnitOfWork, clock: Clock, organisation_id: UUID | None = None
) -> int:
    """Open tasks of people absent today, due up to the end of their absence, go to the
    substitute named on the absence; each move is audited and the substitute told."""
    async with uow:
        moved = await uow.tasks.hand_over_to_substitutes(organisation_id)
        now = clock.now()
        for item in moved:
            await uow.audit.add(
                entry(
                    None,
                    organisation_id=item.organisation_id,
                    entity_type="task",
                    entity_id=item.task_id,
                    action="hand_over",
                    changes={
                        "assignee_id": {
                            "before": str(item.from_user_id),
                            "after": str(item.to_user_id),
                        }
                    },
                    at=now,
                )
            )
            await notify(
                uow,
                organisation_id=item.organisation_id,
                user_id=item.to_user_id,
                kind=NotificationKind.HAND_OVER,
                title=f"Вам передана задача отсутствующего коллеги: {item.title}",
                entity_type="task",
                entity_id=item.task_id,
                dedup_key=f"handover:{item.task_id}:{item.to_user_id}",
            )
        await uow.commit()
        return len(moved)
