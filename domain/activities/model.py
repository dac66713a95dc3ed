"""Tasks, activities, comments and notifications."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.activities.events import (
    ActivityLogged,
    AssignmentReason,
    CommentAdded,
    CommentEdited,
    TaskAssigned,
    TaskCompleted,
    TaskCreated,
    TaskOverdue,
    TaskReminderDue,
)
from domain.shared.errors import InvalidInput, InvalidTransition
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class ActivityKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    NOTE = "note"


class Direction(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class NotificationKind(enum.StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ASSIGNMENT = "assignment"
    MENTION = "mention"
    STALE_DEAL = "stale_deal"
    HAND_OVER = "hand_over"


def require_text(value: str, field_name: str, max_length: int) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(field_name, "must not be blank")
    if len(cleaned) > max_length:
        raise InvalidInput(field_name, f"must be at most {max_length} characters")
    return cleaned


def optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    return cleaned or None


@dataclass(frozen=True, slots=True)
class Subject:
    """What a task, activity or comment is about: a client, a deal, or a deal of a client."""

    client_id: UUID | None = None
    deal_id: UUID | None = None

    def __post_init__(self) -> None:
        if self.client_id is None and self.deal_id is None:
            raise InvalidInput("client_id", "give a client_id or a deal_id")


@dataclass(slots=True, kw_only=True)
class Task:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID | None = None
    deal_id: UUID | None = None
    title: str
    description: str | None = None
    assignee_id: UUID
    due_at: datetime | None = None
    remind_at: datetime | None = None
    reminded_at: datetime | None = None
    priority: Priority = Priority.NORMAL
    done_at: datetime | None = None
    done_by: UUID | None = None
    origin: str = "manual"
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        Subject(self.client_id, self.deal_id)
        self.title = require_text(self.title, "title", 300)
        self.description = optional_text(self.description)
        self._check_times()

    def _ids(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "task_id": self.id,
            "client_id": self.client_id,
            "deal_id": self.deal_id,
        }

    def record_creation(self, *, at: datetime, by: UUID | None) -> None:
        """A new task: created, and assigned to its first assignee."""
        ids = self._ids()
        self.events.append(
            TaskCreated(
                **ids, occurred_at=at, actor_id=by, assignee_id=self.assignee_id, origin=self.origin
            )
        )
        self.events.append(
            TaskAssigned(
                **ids,
                occurred_at=at,
                actor_id=by,
                assignee_id=self.assignee_id,
                previous_assignee_id=None,
                reason=AssignmentReason.CREATED,
            )
        )

    def assign(
        self,
        assignee_id: UUID,
        *,
        at: datetime,
        by: UUID | None,
        reason: AssignmentReason = AssignmentReason.REASSIGNED,
    ) -> bool:
        """Give the task to someone else; returns whether the assignee changed."""
        if assignee_id == self.assignee_id:
            return False
        previous, self.assignee_id = self.assignee_id, assignee_id
        self.updated_at = at
        self.events.append(
            TaskAssigned(
                **self._ids(),
                occurred_at=at,
                actor_id=by,
                assignee_id=assignee_id,
                previous_assignee_id=previous,
                reason=reason,
            )
        )
        return True

    def remind(self, at: datetime) -> None:
        """The reminder time came: the assignee is reminded once per reminder time."""
        if self.remind_at is None or self.reminded_at is not None:
            return
        self.reminded_at = at
        self.events.append(
            TaskReminderDue(
                **self._ids(),
                occurred_at=at,
                assignee_id=self.assignee_id,
                remind_at=self.remind_at,
                due_at=self.due_at,
            )
        )

    def announce_overdue(self, at: datetime) -> None:
        """The due time passed with the task open (announced once per due time)."""
        if self.due_at is None or not self.is_overdue(at):
            return
        self.events.append(
            TaskOverdue(
                **self._ids(), occurred_at=at, assignee_id=self.assignee_id, due_at=self.due_at
            )
        )

    def _check_times(self) -> None:
        for name in ("due_at", "remind_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise InvalidInput(name, "must carry a time zone")

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, now: datetime) -> bool:
        return not self.is_done and self.due_at is not None and self.due_at < now

    def change(
        self,
        *,
        title: str | None = None,
        description: str | None = None,
        due_at: datetime | None = None,
        remind_at: datetime | None = None,
        priority: Priority | None = None,
        fields: Iterable[str] = (),
    ) -> None:
        """``fields`` names the ones given (so None can clear description, due_at, remind_at)."""
        given = set(fields)
        if title is not None:
            self.title = require_text(title, "title", 300)
        if "description" in given:
            self.description = optional_text(description)
        if "due_at" in given:
            self.due_at = due_at
        if "remind_at" in given and remind_at != self.remind_at:
            self.remind_at = remind_at
            self.reminded_at = None  # a new reminder time reminds again
        if priority is not None:
            self.priority = priority
        self._check_times()

    def complete(self, by: UUID | None, at: datetime) -> None:
        if self.is_done:
            raise InvalidTransition("The task is already done")
        self.done_at = at
        self.done_by = by
        self.events.append(
            TaskCompleted(**self._ids(), occurred_at=at, actor_id=by, assignee_id=self.assignee_id)
        )

    def reopen(self) -> None:
        if not self.is_done:
            raise InvalidTransition("The task is not done")
        self.done_at = None
        self.done_by = None


def overdue_dedup_key(task_id: UUID, due_at: datetime) -> str:
    """Overdue is announced once per due time (moving the due time announces again). The SQL
    repository mirrors this format to skip tasks already announced."""
    return f"overdue:{task_id}:{int(due_at.timestamp())}"


@dataclass(slots=True, kw_only=True)
class Activity:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID | None = None
    deal_id: UUID | None = None
    kind: ActivityKind
    subject: str | None = None
    body: str | None = None
    direction: Direction | None = None
    occurred_at: datetime
    duration_seconds: int | None = None
    author_id: UUID | None = None
    created_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        Subject(self.client_id, self.deal_id)
        self._check()

    def record_logged(self, *, at: datetime) -> None:
        """A new call, meeting, e-mail or note: an interaction with the client."""
        self.events.append(
            ActivityLogged(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=self.author_id,
                activity_id=self.id,
                client_id=self.client_id,
                deal_id=self.deal_id,
                kind=self.kind.value,
                direction=self.direction.value if self.direction else None,
            )
        )

    def _check(self) -> None:
        self.subject = optional_text(self.subject)
        if self.subject is not None and len(self.subject) > 300:
            raise InvalidInput("subject", "must be at most 300 characters")
        self.body = optional_text(self.body)
        if self.duration_seconds is not None and self.duration_seconds < 0:
            raise InvalidInput("duration_seconds", "must not be negative")
        if self.direction is not None and self.kind not in (ActivityKind.CALL, ActivityKind.EMAIL):
            raise InvalidInput("direction", "only calls and e-mails have a direction")
        if self.occurred_at.tzinfo is None:
            raise InvalidInput("occurred_at", "must carry a time zone")
        if self.kind is ActivityKind.NOTE and self.body is None and self.subject is None:
            raise InvalidInput("body", "a note needs a subject or a body")

    EDITABLE = ("kind", "subject", "body", "direction", "occurred_at", "duration_seconds")

    def change(self, **values: object) -> None:
        for name, value in values.items():
            if name not in self.EDITABLE:
                raise InvalidInput(name, "cannot be changed")
            if value is None and name in ("kind", "occurred_at"):
                raise InvalidInput(name, "must not be null")
            setattr(self, name, value)
        self._check()


# @[Full Name](user-uuid): the display text is for people, the id is what counts.
MENTION = re.compile(
    r"@\[(?P<name>[^\]\n]{1,200})\]\((?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\)"
)


def mentioned_user_ids(body: str) -> list[UUID]:
    """Users mentioned in a comment body, in order of first appearance."""
    found: list[UUID] = []
    for match in MENTION.finditer(body):
        ident = UUID(match.group("id"))
        if ident not in found:
            found.append(ident)
    return found


@dataclass(slots=True, kw_only=True)
class Comment:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID | None = None
    deal_id: UUID | None = None
    parent_id: UUID | None = None
    body: str
    mentions: list[UUID] = field(default_factory=list)
    author_id: UUID | None = None
    created_at: datetime | None = None
    edited_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        Subject(self.client_id, self.deal_id)
        self.body = require_text(self.body, "body", 10_000)
        self.mentions = mentioned_user_ids(self.body)

    def record_creation(self, *, at: datetime) -> None:
        self.events.append(
            CommentAdded(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=self.author_id,
                comment_id=self.id,
                client_id=self.client_id,
                deal_id=self.deal_id,
                parent_id=self.parent_id,
                author_id=self.author_id,
                mentioned_user_ids=tuple(self.mentions),
            )
        )

    def edit(self, body: str, at: datetime) -> list[UUID]:
        """Changes the text; returns the users mentioned now who were not before."""
        before = set(self.mentions)
        self.body = require_text(body, "body", 10_000)
        self.mentions = mentioned_user_ids(self.body)
        self.edited_at = at
        added = [m for m in self.mentions if m not in before]
        self.events.append(
            CommentEdited(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=self.author_id,
                comment_id=self.id,
                client_id=self.client_id,
                deal_id=self.deal_id,
                author_id=self.author_id,
                newly_mentioned_user_ids=tuple(added),
            )
        )
        return added


@dataclass(slots=True, kw_only=True)
class Notification:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID
    kind: str
    title: str
    body: str | None = None
    entity_type: str | None = None
    entity_id: UUID | None = None
    dedup_key: str | None = None
    created_at: datetime | None = None
    read_at: datetime | None = None
