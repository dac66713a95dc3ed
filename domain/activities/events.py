"""What happened to tasks, activities and discussions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


class AssignmentReason(enum.StrEnum):
    CREATED = "created"  # a new task
    REASSIGNED = "reassigned"  # someone gave it to another person
    HAND_OVER = "hand_over"  # the assignee is away; their substitute takes it
    BULK = "bulk"  # an administrator moved a leaver's records
    # A daily job made it (a sleeping client's reactivation, a cross-sell offer): such tasks come
    # by the dozen at once and wait on the today screen, so nobody is notified of each one.
    SCHEDULED = "scheduled"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskEvent(DomainEvent):
    task_id: UUID
    client_id: UUID | None
    deal_id: UUID | None


@webhook_only
@event("task.created")
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCreated(TaskEvent):
    assignee_id: UUID
    origin: str


@event("task.assigned")
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskAssigned(TaskEvent):
    assignee_id: UUID
    previous_assignee_id: UUID | None
    reason: AssignmentReason


@webhook_only
@event("task.completed")
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCompleted(TaskEvent):
    assignee_id: UUID


@event("task.overdue")
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskOverdue(TaskEvent):
    assignee_id: UUID
    due_at: datetime


@event("task.reminder_due")
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskReminderDue(TaskEvent):
    assignee_id: UUID
    remind_at: datetime
    due_at: datetime | None


@event("activity.logged")
@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityLogged(DomainEvent):
    activity_id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    kind: str
    direction: str | None


@event("comment.added")
@dataclass(frozen=True, slots=True, kw_only=True)
class CommentAdded(DomainEvent):
    comment_id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    parent_id: UUID | None
    author_id: UUID | None
    mentioned_user_ids: tuple[UUID, ...]


@event("comment.edited")
@dataclass(frozen=True, slots=True, kw_only=True)
class CommentEdited(DomainEvent):
    comment_id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    author_id: UUID | None
    # Only the users mentioned by the edit who were not mentioned before.
    newly_mentioned_user_ids: tuple[UUID, ...]
