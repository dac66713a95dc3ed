"""What the activities context needs from the outside world."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from domain.activities.model import Activity, ActivityKind, Comment, Notification, Task
from domain.shared.scope import Scope

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class SubjectScopes:
    """Activities and comments are seen by whoever sees their client or deal. Items of a deal
    (its activities, comments, stage moves) also need deals:read (``deal_items``), items of a
    client alone clients:read (``client_items``), and tasks in a timeline tasks:read
    (``tasks``): without the permission the caller sees none of them, in lists, timelines and
    single reads alike."""

    clients: Scope
    deals: Scope
    client_items: bool = True
    deal_items: bool = True
    tasks: bool = True
    complaints: bool = True

    @property
    def organisation_id(self) -> UUID:
        return self.clients.organisation_id


class NotificationRepository(Protocol):
    async def add_if_new(self, notification: Notification) -> bool:
        """Stores the notification unless the user already has one with its dedup_key; sets
        created_at. True when stored."""
        ...

    async def publish(self, notification: Notification) -> None:
        """Announce a stored notification to the user's live streams (after commit)."""
        ...

    async def get(
        self, scope: Scope, user_id: UUID, notification_id: UUID
    ) -> Notification | None: ...

    async def list(
        self,
        scope: Scope,
        user_id: UUID,
        *,
        unread: bool | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Notification]:
        """Newest first, after the keyset cursor (created_at, id)."""
        ...

    async def list_unread_since(
        self, scope: Scope, user_id: UUID, *, since_id: UUID | None, limit: int
    ) -> Sequence[Notification]:
        """Unread ones oldest first, created after the notification ``since_id`` (all unread
        when None); for the live stream's backlog."""
        ...

    async def mark_read(
        self, scope: Scope, user_id: UUID, notification_id: UUID, at: datetime
    ) -> bool: ...
    async def mark_all_read(self, scope: Scope, user_id: UUID, at: datetime) -> int: ...


class NotificationListener(Protocol):
    async def next(self, wait_seconds: float) -> Notification | None:
        """The next notification published for the user, or None after ``wait_seconds``."""
        ...


class NotificationFeed(Protocol):
    def listen(self, user_id: UUID) -> AbstractAsyncContextManager[NotificationListener]:
        """Subscribe to a user's notifications as they are published."""
        ...


class SubjectRepository(Protocol):
    """The clients and deals that tasks, activities and comments are attached to."""

    async def client_visible(self, scope: Scope, client_id: UUID) -> bool: ...
    async def deal_client(self, scope: Scope, deal_id: UUID) -> UUID | None:
        """The client of a deal visible in ``scope``; None when the deal is not visible."""
        ...

    async def labels(
        self,
        scope: Scope,
        *,
        client_ids: Sequence[UUID],
        deal_ids: Sequence[UUID],
        assignee_ids: Sequence[UUID] = (),
    ) -> SubjectLabels:
        """Names of these clients (with a number to call), titles of these deals and names of
        these assignees, in one round trip per kind whatever their number."""
        ...


@dataclass(frozen=True, slots=True)
class ClientLabel:
    name: str
    # E.164: the first phone of the client's primary contact (else of its oldest contact).
    phone: str | None


@dataclass(frozen=True, slots=True)
class SubjectLabels:
    """What a list of tasks shows of their subjects, by id."""

    clients: dict[UUID, ClientLabel] = field(default_factory=dict)
    deals: dict[UUID, str] = field(default_factory=dict)
    assignees: dict[UUID, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskFilter:
    assignee_ids: frozenset[UUID] | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    done: bool | None = None
    overdue_at: datetime | None = None  # only tasks open and due before this moment
    due_from: datetime | None = None
    due_to: datetime | None = None


class TaskRepository(Protocol):
    async def add(self, task: Task) -> None: ...
    async def get(self, scope: Scope, task_id: UUID) -> Task | None:
        """A task the caller sees (by assignee)."""
        ...

    async def update(self, task: Task, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, task_id: UUID) -> None: ...
    async def list(
        self,
        scope: Scope,
        task_filter: TaskFilter,
        *,
        limit: int,
        after: tuple[datetime | None, UUID] | None = None,
    ) -> Sequence[Task]:
        """Ordered by due_at (tasks without one last), then id."""
        ...

    async def due_reminders(self, now: datetime, limit: int) -> Sequence[Task]:
        """Unscoped, for the worker: open tasks whose reminder time has come."""
        ...

    async def mark_reminded(self, reminded: Sequence[Task], at: datetime) -> None:
        """Store the tasks' reminded_at and hand their events over (no version change)."""
        ...

    async def overdue_unannounced(self, now: datetime, limit: int) -> Sequence[Task]:
        """Unscoped, for the worker: open tasks past due whose current due time was not
        announced yet (locked, skipping tasks another worker holds)."""
        ...

    async def mark_overdue_announced(self, announced: Sequence[Task]) -> None:
        """Store the tasks' overdue_announced_for and hand their events over."""
        ...

    async def has_open(self, organisation_id: UUID, deal_id: UUID, origin: str) -> bool:
        """Whether the deal has a task of ``origin`` not yet done."""
        ...

    async def due_for_hand_over(self, organisation_id: UUID | None) -> Sequence[tuple[Task, UUID]]:
        """Open tasks of people absent today that fall due up to the end of their absence,
        each with the substitute named on the absence, locked for the hand-over; None means
        every organisation (the worker)."""
        ...

    async def save_assignees(self, moved: Sequence[Task]) -> None:
        """Store the new assignees of ``moved`` in one statement (a version step each) and
        hand their events over."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityFilter:
    client_id: UUID | None = None
    deal_id: UUID | None = None
    kind: ActivityKind | None = None
    author_id: UUID | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


class ActivityRepository(Protocol):
    async def add(self, activity: Activity) -> None: ...
    async def get(self, scopes: SubjectScopes, activity_id: UUID) -> Activity | None: ...
    async def update(self, activity: Activity, expected_version: int) -> None: ...
    async def delete(self, scopes: SubjectScopes, activity_id: UUID) -> None: ...
    async def list(
        self,
        scopes: SubjectScopes,
        activity_filter: ActivityFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Activity]:
        """Newest first by (occurred_at, id)."""
        ...


class CommentRepository(Protocol):
    async def add(self, comment: Comment) -> None: ...
    async def get(self, scopes: SubjectScopes, comment_id: UUID) -> Comment | None: ...
    async def update(self, comment: Comment, expected_version: int) -> None: ...
    async def delete(self, scopes: SubjectScopes, comment_id: UUID) -> None: ...
    async def list(
        self,
        scopes: SubjectScopes,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Comment]:
        """Oldest first by (created_at, id), replies included (each names its parent)."""
        ...


class TimelineKind(enum.StrEnum):
    TASK = "task"
    ACTIVITY = "activity"
    COMMENT = "comment"
    STAGE_MOVE = "stage_move"
    RELATIONSHIP = "relationship"
    # A phone call a PBX reported (lead intake's telephony).
    CALL = "call"
    # A complaint recorded, taken in work, resolved or rejected (domain/complaints).
    COMPLAINT = "complaint"
    # A call made with a call script: its path and outcome (domain/callscripts).
    CALL_SCRIPT = "call_script"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineItem:
    at: datetime
    kind: TimelineKind
    id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    actor_id: UUID | None
    title: str | None
    body: str | None
    data: dict[str, object] = field(default_factory=dict)
    deal_title: str | None = None
    actor_name: str | None = None


class TimelineQueries(Protocol):
    async def for_subject(
        self,
        scopes: SubjectScopes,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        kinds: frozenset[TimelineKind],
        limit: int,
        after: tuple[datetime, str, UUID] | None = None,
    ) -> Sequence[TimelineItem]:
        """Newest first by (at, kind, id). A client's timeline includes its deals' items."""
        ...


@dataclass(frozen=True, slots=True)
class Reassigned:
    entity_type: str  # client | deal | task
    ids: list[UUID]


class ReassignmentRepository(Protocol):
    async def move(
        self,
        scope: Scope,
        *,
        entity_type: str,
        from_user_id: UUID,
        to_user_id: UUID,
        only_open: bool,
    ) -> Reassigned:
        """UPDATE the owner column of every record of ``entity_type`` owned by ``from_user_id``
        in the organisation; returns the ids moved."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class DealDigest:
    """A deal as a summary lists it."""

    id: UUID
    title: str
    client_id: UUID
    client_name: str
    stage_id: UUID
    stage_name: str
    stage_entered_at: datetime
    amount: Decimal
    currency: str
    responsible_id: UUID


@dataclass(frozen=True, slots=True)
class Counted(Generic[T]):
    """The first items of a list and how many it holds: exact up to a cap, "more than
    ``count``" when ``capped``, so a summary never counts a million rows."""

    count: int
    capped: bool
    items: Sequence[T]


class TodayQueries(Protocol):
    """The today screen's read model."""

    async def count_tasks(self, scope: Scope, task_filter: TaskFilter, *, cap: int) -> int:
        """Tasks of ``list``'s filter, counted up to ``cap`` + 1."""
        ...

    async def stale_deals(
        self, scope: Scope, *, now: datetime, limit: int, cap: int
    ) -> Counted[DealDigest]:
        """Open deals the caller sees past their stage's day limit, longest stuck first."""
        ...

    async def deals_without_next_task(
        self, scope: Scope, *, limit: int, cap: int
    ) -> Counted[DealDigest]:
        """Open deals the caller sees with no open task, longest in their stage first."""
        ...

    async def count_unread_notifications(self, scope: Scope, user_id: UUID, *, cap: int) -> int:
        """Counted up to ``cap`` + 1."""
        ...
