"""Task use cases: create, edit, complete and reopen tasks (the assignee is told by the
notifications subscriber of task.assigned)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.activities.model import Priority, Task
from domain.activities.ports import SubjectLabels, TaskFilter
from domain.activities.services.assignees import effective_assignee
from domain.activities.services.subjects import resolve_subject
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.patch import UNSET, Patch
from domain.staff.permissions import Permission, Resource
from domain.staff.services.colleagues import require_active_colleague


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """What a task list asks for. Without an assignee, client or deal: the caller's own tasks
    (``mine`` unset); mine=False lists every task the caller may see."""

    assignee_id: UUID | None = None
    mine: bool | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    done: bool | None = None
    overdue: bool = False
    due_from: datetime | None = None
    due_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class LabelledTasks:
    tasks: Sequence[Task]
    labels: SubjectLabels


async def task_labels(
    uow: UnitOfWork, principal: Principal, tasks: Sequence[Task]
) -> SubjectLabels:
    """The names of these tasks' clients, deals and assignees: the caller sees the tasks (as
    their assignee's), so they may see what the tasks are about and whose they are."""
    return await uow.activity_subjects.labels(
        principal.organisation_scope,
        client_ids=[t.client_id for t in tasks if t.client_id is not None],
        deal_ids=[t.deal_id for t in tasks if t.deal_id is not None],
        assignee_ids=[t.assignee_id for t in tasks],
    )


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
        query: TaskQuery,
        *,
        limit: int,
        after: tuple[datetime | None, UUID] | None = None,
    ) -> Sequence[Task]:
        task_filter = self._filter(principal, query)
        async with self._uow as uow:
            return await uow.tasks.list(
                principal.scope_for(Resource.TASKS), task_filter, limit=limit, after=after
            )

    async def list_labelled(
        self,
        principal: Principal,
        query: TaskQuery,
        *,
        limit: int,
        after: tuple[datetime | None, UUID] | None = None,
    ) -> LabelledTasks:
        """``list``, with the names of the tasks' clients and deals and a phone to call."""
        task_filter = self._filter(principal, query)
        async with self._uow as uow:
            found = await uow.tasks.list(
                principal.scope_for(Resource.TASKS), task_filter, limit=limit, after=after
            )
            return LabelledTasks(found, await task_labels(uow, principal, found))

    def _filter(self, principal: Principal, query: TaskQuery) -> TaskFilter:
        principal.require(Permission.TASKS_READ)
        mine = query.mine
        if mine is None:
            mine = query.assignee_id is None and query.client_id is None and query.deal_id is None
        assignees: set[UUID] | None = None
        if query.assignee_id is not None:
            assignees = {query.assignee_id}
        if mine:
            if principal.user_id is None:
                raise InvalidInput("mine", "an API key has no tasks of its own")
            assignees = (
                {principal.user_id} if assignees is None else assignees & {principal.user_id}
            )
        return TaskFilter(
            assignee_ids=frozenset(assignees) if assignees is not None else None,
            client_id=query.client_id,
            deal_id=query.deal_id,
            done=query.done,
            overdue_at=self._clock.now() if query.overdue else None,
            due_from=query.due_from,
            due_to=query.due_to,
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
            await require_active_colleague(uow, principal, wanted, "assignee_id")
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
            task.record_creation(at=self._clock.now(), by=principal.user_id)
            await uow.tasks.add(task)
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
            if assignee_id is not None and assignee_id != task.assignee_id:
                await require_active_colleague(uow, principal, assignee_id, "assignee_id")
                assignment = await effective_assignee(
                    uow, self._clock, principal.organisation_id, assignee_id
                )
                note = assignment.note
                task.assign(assignment.assignee_id, at=self._clock.now(), by=principal.user_id)
            if done is True and not task.is_done:
                task.complete(principal.user_id, self._clock.now())
            elif done is False and task.is_done:
                task.reopen()
            await uow.tasks.update(task, version)
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
