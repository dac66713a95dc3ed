"""Tasks, activities, comments and notifications."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
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
from domain.shared.errors import NEGATIVE_CODE, InvalidInput, InvalidTransition
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.patch import UNSET
from domain.shared.text import clean_text

if TYPE_CHECKING:
    from domain.activities.commands import UpdateActivity

# Field limits, shared with the API schemas (api/schemas/tasks.py, activities.py,
# discussions.py).
TASK_TITLE_MAX = 300
TASK_DESCRIPTION_MAX = 10_000
ACTIVITY_SUBJECT_MAX = 300
ACTIVITY_BODY_MAX = 50_000
COMMENT_BODY_MAX = 10_000


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
    """What a notification tells; the SPA has a template per kind in each language, filled
    from the notification's ``params``."""

    ASSIGNMENT = "assignment"  # task_id, task_title, due_at, assigned_by (user id or None)
    HAND_OVER = "hand_over"  # task_id, task_title, due_at, from_user_id
    REMINDER = "reminder"  # task_id, task_title, due_at, remind_at
    OVERDUE = "overdue"  # task_id, task_title, due_at
    MENTION = "mention"  # comment_id, author_id, author_name, client_id, deal_id
    STALE_DEAL = "stale_deal"  # deal_id, deal_title, stage_name, days_in_stage, max_days
    STALE_DEAL_CLOSE = "stale_deal_close"  # as stale_deal
    # absence_id, user_id (the absent), user_name, absence_kind, starts_on, ends_on
    ABSENCE_SUBSTITUTE = "absence_substitute"
    WORK_HANDED_OVER = "work_handed_over"  # from_user_id, from_user_name, clients, deals, tasks
    WEBHOOK_DISABLED = "webhook_disabled"  # endpoint_id, url, failing_since
    # An automation rule's notice: rule_id, rule_name, text, deal_id, deal_title, client_id
    AUTOMATION = "automation"
    # Notifications stored before kinds had parameters: their text is in legacy_title.
    LEGACY = "legacy"


# Small JSON values only: ids as strings, moments as ISO 8601, counts, short names.
NotificationParams = dict[str, str | int | bool | None]


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
    # The due time whose overdue notice went out (once per due time).
    overdue_announced_for: datetime | None = None
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
        self.title = clean_text(self.title, "title", max_length=TASK_TITLE_MAX)
        self.description = clean_text(
            self.description,
            "description",
            max_length=TASK_DESCRIPTION_MAX,
            required=False,
            multiline=True,
        )
        self._check_times()

    def _ids(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "task_id": self.id,
            "client_id": self.client_id,
            "deal_id": self.deal_id,
        }

    def record_creation(
        self,
        *,
        at: datetime,
        by: UUID | None,
        reason: AssignmentReason = AssignmentReason.CREATED,
    ) -> None:
        """A new task: created, and assigned to its first assignee (``reason`` says why: a
        person's task, or one a scheduled job made)."""
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
                reason=reason,
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
        """The due time passed with the task open (announced once per due time: moving the
        due time announces again)."""
        if self.due_at is None or not self.is_overdue(at):
            return
        if self.overdue_announced_for == self.due_at:
            return
        self.overdue_announced_for = self.due_at
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
            self.title = clean_text(title, "title", max_length=TASK_TITLE_MAX)
        if "description" in given:
            self.description = clean_text(
                description,
                "description",
                max_length=TASK_DESCRIPTION_MAX,
                required=False,
                multiline=True,
            )
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
        self.subject = clean_text(
            self.subject, "subject", max_length=ACTIVITY_SUBJECT_MAX, required=False
        )
        self.body = clean_text(
            self.body, "body", max_length=ACTIVITY_BODY_MAX, required=False, multiline=True
        )
        if self.duration_seconds is not None and self.duration_seconds < 0:
            raise InvalidInput("duration_seconds", "must not be negative", code=NEGATIVE_CODE)
        if self.direction is not None and self.kind not in (ActivityKind.CALL, ActivityKind.EMAIL):
            raise InvalidInput("direction", "only calls and e-mails have a direction")
        if self.occurred_at.tzinfo is None:
            raise InvalidInput("occurred_at", "must carry a time zone")
        if self.kind is ActivityKind.NOTE and self.body is None and self.subject is None:
            raise InvalidInput("body", "a note needs a subject or a body")

    def change(self, update: UpdateActivity) -> None:
        """Set the fields ``update`` gives (UNSET ones stay), then check the whole again."""
        if update.kind is not UNSET:
            self.kind = update.kind
        if update.subject is not UNSET:
            self.subject = update.subject
        if update.body is not UNSET:
            self.body = update.body
        if update.direction is not UNSET:
            self.direction = update.direction
        if update.occurred_at is not UNSET:
            self.occurred_at = update.occurred_at
        if update.duration_seconds is not UNSET:
            self.duration_seconds = update.duration_seconds
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
        self.body = clean_text(self.body, "body", max_length=COMMENT_BODY_MAX, multiline=True)
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
        self.body = clean_text(body, "body", max_length=COMMENT_BODY_MAX, multiline=True)
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
    kind: NotificationKind
    params: NotificationParams = field(default_factory=dict)
    entity_type: str | None = None
    entity_id: UUID | None = None
    dedup_key: str | None = None
    created_at: datetime | None = None
    read_at: datetime | None = None
