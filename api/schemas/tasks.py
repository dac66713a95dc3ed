from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import AwareMoment, Name, Schema, Text
from domain.activities.model import TASK_DESCRIPTION_MAX, TASK_TITLE_MAX, Priority, Task
from domain.activities.ports import SubjectLabels


class TaskRead(Schema):
    id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    title: str
    description: str | None
    assignee_id: UUID
    due_at: datetime | None
    remind_at: datetime | None
    reminded_at: datetime | None
    priority: Priority
    done: bool
    done_at: datetime | None
    done_by: UUID | None
    origin: str
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int
    assignment_note: str | None = Field(
        default=None,
        description="Set when the task went to someone other than the requested assignee "
        "(e.g. the substitute of an absent employee)",
    )

    @classmethod
    def of(cls, task: Task, note: str | None = None) -> TaskRead:
        return cls.model_validate(
            {
                **{f: getattr(task, f) for f in cls.model_fields if f not in _DERIVED},
                "done": task.is_done,
                "assignment_note": note,
            }
        )


_DERIVED = {"done", "assignment_note"}


class TaskCreate(Schema):
    title: Name = Field(min_length=1, max_length=TASK_TITLE_MAX)
    client_id: UUID | None = Field(default=None, description="A client_id or a deal_id")
    deal_id: UUID | None = None
    description: Text | None = Field(default=None, max_length=TASK_DESCRIPTION_MAX)
    assignee_id: UUID | None = Field(
        default=None,
        description="Yourself when omitted; an absent employee's substitute takes new tasks",
    )
    due_at: AwareMoment | None = None
    remind_at: AwareMoment | None = None
    priority: Priority = Priority.NORMAL


class TaskUpdate(Schema):
    title: Name | None = Field(default=None, min_length=1, max_length=TASK_TITLE_MAX)
    description: Text | None = Field(default=None, max_length=TASK_DESCRIPTION_MAX)
    assignee_id: UUID | None = None
    due_at: AwareMoment | None = None
    remind_at: AwareMoment | None = None
    priority: Priority | None = None
    done: bool | None = None


class TaskListItem(TaskRead):
    """A task as lists show it: with its client's name, its deal's title and a phone to call."""

    client_name: str | None
    deal_title: str | None
    assignee_name: str | None = Field(description="The assignee's full name")
    phone: str | None = Field(
        description="E.164: the first phone of the client's primary contact (else its oldest)"
    )

    @classmethod
    def labelled(cls, task: Task, labels: SubjectLabels) -> TaskListItem:
        client = labels.clients.get(task.client_id) if task.client_id else None
        return cls.model_validate(
            {
                **TaskRead.of(task).model_dump(),
                "client_name": client.name if client else None,
                "deal_title": labels.deals.get(task.deal_id) if task.deal_id else None,
                "assignee_name": labels.assignees.get(task.assignee_id),
                "phone": client.phone if client else None,
            }
        )


class TaskPage(Schema):
    items: list[TaskListItem]
    next_cursor: str | None
