from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import StreamingResponse

from api.deps import CurrentPrincipal, TaskServiceDep, UowDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.export import (
    DelimiterQuery,
    FormatQuery,
    batched,
    export_openapi_responses,
    export_response,
)
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor, ident, moment, nullable
from api.schemas.base import AwareMoment
from api.schemas.tasks import TaskCreate, TaskListItem, TaskPage, TaskRead, TaskUpdate
from domain.activities.model import Task
from domain.activities.services.tasks import TaskQuery
from domain.staff.services.users import user_names

router = APIRouter(prefix="/tasks", tags=["tasks"])


def _after(cursor: str | None) -> tuple[datetime | None, UUID] | None:
    return decode_cursor(cursor, nullable(moment), ident)


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """The list's filters, shared by the list and its export."""

    assignee_id: UUID | None = None
    mine: bool | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    done: bool | None = None
    overdue: bool = False
    due_from: AwareMoment | None = None
    due_to: AwareMoment | None = None


TaskFiltersDep = Annotated[TaskFilters, Depends()]


@router.get("", response_model=TaskPage, responses=problems(401, 403, 422))
async def list_tasks(
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    filters: TaskFiltersDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TaskPage:
    """Tasks by due time (undated last), each with its client's name, its deal's title and a
    phone to call. Without assignee_id, client_id or deal_id: your own ("my tasks");
    mine=false lists every task you may see. due_from/due_to make a day or week window."""
    found = await service.list_labelled(
        principal, TaskQuery(**asdict(filters)), limit=limit + 1, after=_after(cursor)
    )
    tasks = found.tasks
    last = tasks[limit - 1] if len(tasks) > limit else None
    return TaskPage(
        items=[TaskListItem.labelled(t, found.labels) for t in tasks[:limit]],
        next_cursor=encode_cursor(last.due_at, last.id) if last else None,
    )


EXPORT_COLUMNS = (
    ("id", "ID"),
    ("title", "Задача"),
    ("priority", "Приоритет"),
    ("assignee", "Исполнитель"),
    ("due_at", "Срок"),
    ("done_at", "Выполнена"),
    ("client_id", "Клиент (ID)"),
    ("deal_id", "Сделка (ID)"),
    ("created_at", "Создана"),
)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={**export_openapi_responses(), **problems(401, 403, 422)},
)
async def export_tasks(
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    uow: UowDep,
    filters: TaskFiltersDep,
    format: FormatQuery = "csv",
    delimiter: DelimiterQuery = ",",
) -> StreamingResponse:
    """The filtered task list as CSV or XLSX, streamed; the same filters as the list."""
    names = await user_names(uow, principal)

    async def page(after: Task | None, size: int) -> Sequence[Task]:
        return await service.list(
            principal,
            TaskQuery(**asdict(filters)),
            limit=size,
            after=(after.due_at, after.id) if after else None,
        )

    rows = (
        (
            t.id,
            t.title,
            t.priority,
            names.get(t.assignee_id, str(t.assignee_id)),
            t.due_at,
            t.done_at,
            t.client_id,
            t.deal_id,
            t.created_at,
        )
        async for t in batched(page, 500)
    )
    return await export_response(
        rows, EXPORT_COLUMNS, fmt=format, filename="tasks", delimiter=delimiter, sheet_name="Задачи"
    )


@router.post(
    "",
    response_model=TaskRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def create_task(
    body: TaskCreate,
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    response: Response,
) -> TaskRead:
    """A task on a client or deal; assigning it to someone else notifies them."""
    result = await service.create(principal, **body.model_dump())
    set_etag(response, result.task.version)
    return TaskRead.of(result.task, result.note)


@router.get("/{task_id}", response_model=TaskRead, responses=problems(401, 403, 404))
async def get_task(
    task_id: UUID,
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    response: Response,
) -> TaskRead:
    task = await service.get(principal, task_id)
    set_etag(response, task.version)
    return TaskRead.of(task)


@router.patch(
    "/{task_id}", response_model=TaskRead, responses=problems(401, 403, 404, 409, 412, 422)
)
async def update_task(
    task_id: UUID,
    body: TaskUpdate,
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> TaskRead:
    result = await service.update(
        principal,
        task_id,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, result.task.version)
    return TaskRead.of(result.task, result.note)


@router.post(
    "/{task_id}/complete", response_model=TaskRead, responses=problems(401, 403, 404, 409, 412)
)
async def complete_task(
    task_id: UUID,
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> TaskRead:
    task = await service.complete(principal, task_id, expected_version=expected_version(if_match))
    set_etag(response, task.version)
    return TaskRead.of(task)


@router.post(
    "/{task_id}/reopen", response_model=TaskRead, responses=problems(401, 403, 404, 409, 412)
)
async def reopen_task(
    task_id: UUID,
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> TaskRead:
    task = await service.reopen(principal, task_id, expected_version=expected_version(if_match))
    set_etag(response, task.version)
    return TaskRead.of(task)


@router.delete(
    "/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 404, 412)
)
async def delete_task(
    task_id: UUID,
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    if_match: IfMatch = None,
) -> None:
    await service.delete(principal, task_id, expected_version=expected_version(if_match))
