"""A call list and its items.

A list (draft, active, paused, done) is worked by the telemarketers assigned to it. Its items
are numbers, one per distinct E.164 phone in the list, each maybe a known client's. Asking for
the next number leases an open, due item to the caller for ``LEASE`` (no one else gets it
meanwhile); the outcome the caller records closes it or makes it due again: a no-answer after
the list's retry interval until its attempts run out, a call-back at the time agreed, for the
same telemarketer only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.calllists.events import CallListItemOutcome
from domain.shared.errors import (
    AT_LEAST_CODE,
    AT_MOST_CODE,
    Conflict,
    InvalidInput,
    InvalidTransition,
)
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.text import clean_name, clean_text

NAME_MAX = 200
DESCRIPTION_MAX = 2000
ITEM_NAME_MAX = 200
MAX_ASSIGNEES = 50
MAX_ITEMS = 50_000
ATTEMPTS_MIN, ATTEMPTS_MAX = 1, 10
INTERVAL_MIN, INTERVAL_MAX = 1, 30 * 24 * 60  # minutes
# How long a number handed out by "next" stays the caller's without an outcome.
LEASE = timedelta(minutes=15)
# A call-back at most this far ahead.
CALL_BACK_MAX = timedelta(days=366)
# Bad rows an import reports by number (the rest are only counted).
REPORTED_MAX = 100


class CallListStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"


_MOVES: dict[CallListStatus, frozenset[CallListStatus]] = {
    CallListStatus.DRAFT: frozenset({CallListStatus.ACTIVE, CallListStatus.DONE}),
    CallListStatus.ACTIVE: frozenset({CallListStatus.PAUSED, CallListStatus.DONE}),
    CallListStatus.PAUSED: frozenset({CallListStatus.ACTIVE, CallListStatus.DONE}),
    CallListStatus.DONE: frozenset({CallListStatus.ACTIVE}),
}


class Outcome(enum.StrEnum):
    NO_ANSWER = "no_answer"
    CALL_BACK = "call_back"
    WRONG_NUMBER = "wrong_number"
    NOT_INTERESTED = "not_interested"
    INTERESTED = "interested"


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """A no-answer is called again ``interval_minutes`` later, ``max_attempts`` calls in all."""

    max_attempts: int = 3
    interval_minutes: int = 120

    def __post_init__(self) -> None:
        if not ATTEMPTS_MIN <= self.max_attempts <= ATTEMPTS_MAX:
            code = AT_LEAST_CODE if self.max_attempts < ATTEMPTS_MIN else AT_MOST_CODE
            raise InvalidInput(
                "max_attempts", f"must be from {ATTEMPTS_MIN} to {ATTEMPTS_MAX}", code=code
            )
        if not INTERVAL_MIN <= self.interval_minutes <= INTERVAL_MAX:
            code = AT_LEAST_CODE if self.interval_minutes < INTERVAL_MIN else AT_MOST_CODE
            raise InvalidInput(
                "retry_interval_minutes",
                f"must be from {INTERVAL_MIN} to {INTERVAL_MAX} minutes",
                code=code,
            )

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.interval_minutes)


def _assignees(user_ids: tuple[UUID, ...] | list[UUID]) -> tuple[UUID, ...]:
    unique = tuple(dict.fromkeys(user_ids))
    if len(unique) > MAX_ASSIGNEES:
        raise InvalidInput(
            "assignee_ids", f"at most {MAX_ASSIGNEES} telemarketers", code=AT_MOST_CODE
        )
    return unique


@dataclass(slots=True, kw_only=True)
class CallList:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    description: str | None = None
    status: CallListStatus = CallListStatus.DRAFT
    assignee_ids: tuple[UUID, ...] = ()
    funnel_id: UUID | None = None
    # The call script its telemarketers follow (domain/callscripts; checked on save).
    script_id: UUID | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # The last build's counts (added, duplicates, invalid, ...), its job while it runs.
    build: dict[str, Any] | None = None
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, "name", max_length=NAME_MAX)
        self.description = clean_text(
            self.description, "description", max_length=DESCRIPTION_MAX, required=False
        )
        self.assignee_ids = _assignees(self.assignee_ids)

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "status": self.status.value,
            "assignee_ids": [str(u) for u in self.assignee_ids],
            "funnel_id": str(self.funnel_id) if self.funnel_id else None,
            "script_id": str(self.script_id) if self.script_id else None,
            "max_attempts": self.retry.max_attempts,
            "retry_interval_minutes": self.retry.interval_minutes,
        }

    def assign(self, user_ids: list[UUID] | tuple[UUID, ...]) -> None:
        self.assignee_ids = _assignees(user_ids)

    def move_to(self, status: CallListStatus) -> None:
        if status is self.status:
            return
        if status not in _MOVES[self.status]:
            raise InvalidTransition(f"A {self.status.value} call list cannot become {status.value}")
        if status is CallListStatus.ACTIVE and not self.assignee_ids:
            raise InvalidInput("assignee_ids", "assign at least one telemarketer first")
        self.status = status

    def is_worked_by(self, user_id: UUID | None) -> bool:
        return user_id is not None and user_id in self.assignee_ids

    def require_active(self) -> None:
        if self.status is not CallListStatus.ACTIVE:
            raise Conflict(f"The call list is {self.status.value}, not active")

    def require_buildable(self) -> None:
        if self.status is CallListStatus.DONE:
            raise Conflict("The call list is done; reopen it to add numbers")


@dataclass(slots=True, kw_only=True)
class CallItem:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    call_list_id: UUID
    phone: str
    name: str | None = None
    client_id: UUID | None = None
    status: ItemStatus = ItemStatus.OPEN
    outcome: Outcome | None = None
    attempts: int = 0
    due_at: datetime
    # A call-back keeps the item for the telemarketer who agreed it.
    assignee_id: UUID | None = None
    locked_by: UUID | None = None
    locked_until: datetime | None = None
    last_called_at: datetime | None = None
    last_called_by: UUID | None = None
    lead_id: UUID | None = None
    deal_id: UUID | None = None
    created_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def require_held_by(self, user_id: UUID) -> None:
        """Only the telemarketer the item was handed to records its outcome (their lease
        may have run out, as long as nobody else took it since)."""
        if self.status is ItemStatus.CLOSED:
            raise Conflict("This number is done already")
        if self.locked_by != user_id:
            raise Conflict("Take this number with 'next' first: it is not yours to call")

    def record(
        self,
        outcome: Outcome,
        *,
        by: UUID,
        at: datetime,
        retry: RetryPolicy,
        call_back_at: datetime | None = None,
        activity_id: UUID | None = None,
    ) -> None:
        self.require_held_by(by)
        if outcome is Outcome.CALL_BACK:
            if call_back_at is None:
                raise InvalidInput("call_back_at", "say when to call back")
            if call_back_at <= at or call_back_at > at + CALL_BACK_MAX:
                raise InvalidInput("call_back_at", "must be in the future, within a year")
        elif call_back_at is not None:
            raise InvalidInput("call_back_at", "only a call-back has a time")
        self.attempts += 1
        self.outcome = outcome
        self.last_called_at = at
        self.last_called_by = by
        self.locked_by = None
        self.locked_until = None
        self.assignee_id = None
        if outcome is Outcome.NO_ANSWER and self.attempts < retry.max_attempts:
            self.due_at = at + retry.interval
        elif outcome is Outcome.CALL_BACK:
            self.due_at = call_back_at  # type: ignore[assignment]  # checked above
            self.assignee_id = by
        else:
            self.status = ItemStatus.CLOSED
        closed = self.status is ItemStatus.CLOSED
        self.events.append(
            CallListItemOutcome(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                call_list_id=self.call_list_id,
                item_id=self.id,
                outcome=outcome.value,
                phone=self.phone,
                attempts=self.attempts,
                closed=closed,
                due_at=None if closed else self.due_at,
                client_id=self.client_id,
                activity_id=activity_id,
            )
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """A number to add, as read from an upload (``row``: its row or array position)."""

    row: int
    phone: str
    name: str | None = None


@dataclass(slots=True)
class BuildReport:
    """What adding numbers did: how many were added, already in the list (or twice in the
    upload), and not phone numbers (the first ``REPORTED_MAX`` of them by row)."""

    added: int = 0
    duplicates: int = 0
    invalid: int = 0
    invalid_rows: list[dict[str, Any]] = field(default_factory=list)
    truncated: int = 0  # beyond MAX_ITEMS

    def bad(self, row: int, value: str, reason: str) -> None:
        self.invalid += 1
        if len(self.invalid_rows) < REPORTED_MAX:
            self.invalid_rows.append({"row": row, "value": value[:100], "reason": reason})

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "invalid_rows": list(self.invalid_rows),
            "truncated": self.truncated,
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """A list's or a telemarketer's figures."""

    total: int = 0
    done: int = 0
    due: int = 0
    waiting: int = 0
    in_progress: int = 0
    calls: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    qualified: int = 0


@dataclass(frozen=True, slots=True)
class AgentProgress:
    user_id: UUID
    calls: int
    done: int
    by_outcome: dict[str, int]
    qualified: int


@dataclass(frozen=True, slots=True)
class ActivityLine:
    kind: str
    subject: str | None
    occurred_at: datetime
    author_id: UUID | None


@dataclass(frozen=True, slots=True)
class ItemCard:
    """What the work screen shows for the number being called."""

    item: CallItem
    client_name: str | None
    activities: tuple[ActivityLine, ...]
