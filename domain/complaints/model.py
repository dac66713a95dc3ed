"""A complaint (рекламация): a client's (or a deal's) grievance with a kind, a description, the
employee who answers it (the owner) and a deadline; new -> in_work -> resolved | rejected, the
last two with a resolution. Every status change is kept as a transition for the timelines."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.complaints.events import (
    ComplaintCreated,
    ComplaintOverdue,
    ComplaintPublicConflictChanged,
    ComplaintStatusChanged,
    ComplaintUpdated,
)
from domain.shared.errors import InvalidInput, InvalidTransition
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.text import clean_text

# Field limits, shared with the API schema (api/schemas/complaints.py).
DESCRIPTION_MAX = 5000
RESOLUTION_MAX = 5000
# A deadline lies from today up to this many days ahead.
DEADLINE_MAX_DAYS = 366


class ComplaintKind(enum.StrEnum):
    QUALITY = "quality"
    DELIVERY = "delivery"
    BILLING = "billing"
    SERVICE = "service"
    OTHER = "other"


class ComplaintStatus(enum.StrEnum):
    NEW = "new"
    IN_WORK = "in_work"
    RESOLVED = "resolved"
    REJECTED = "rejected"


OPEN_STATUSES = frozenset({ComplaintStatus.NEW, ComplaintStatus.IN_WORK})

# Working days to answer, by kind, when no deadline is given.
DEFAULT_DEADLINE_DAYS: dict[ComplaintKind, int] = {
    ComplaintKind.QUALITY: 5,
    ComplaintKind.DELIVERY: 3,
    ComplaintKind.BILLING: 3,
    ComplaintKind.SERVICE: 3,
    ComplaintKind.OTHER: 5,
}


def add_working_days(day: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``day``."""
    current = day
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def default_deadline(kind: ComplaintKind, today: date) -> date:
    return add_working_days(today, DEFAULT_DEADLINE_DAYS[kind])


def check_deadline(deadline: date, today: date) -> date:
    if not today <= deadline <= today + timedelta(days=DEADLINE_MAX_DAYS):
        raise InvalidInput(
            ("deadline",), f"must be from today up to {DEADLINE_MAX_DAYS} days ahead"
        )
    return deadline


def _description(value: str) -> str:
    return clean_text(value, ("description",), max_length=DESCRIPTION_MAX, multiline=True)


def _resolution(value: str | None) -> str:
    cleaned = clean_text(
        value, ("resolution",), max_length=RESOLUTION_MAX, required=False, multiline=True
    )
    if not cleaned:
        raise InvalidInput(("resolution",), "is required to resolve or reject a complaint")
    return cleaned


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintTransition:
    """Created (``from_status`` None) or a status change, as the timelines show it."""

    id: UUID = field(default_factory=new_id)
    complaint_id: UUID
    client_id: UUID
    deal_id: UUID | None
    from_status: ComplaintStatus | None
    to_status: ComplaintStatus
    kind: ComplaintKind
    resolution: str | None
    actor_id: UUID | None
    at: datetime


@dataclass(slots=True, kw_only=True)
class Complaint:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID
    deal_id: UUID | None = None
    kind: ComplaintKind
    description: str
    owner_id: UUID
    deadline: date
    status: ComplaintStatus = ComplaintStatus.NEW
    resolution: str | None = None
    resolved_at: datetime | None = None
    public_conflict: bool = False
    # The deadline whose complaint.overdue went out: once per complaint and deadline.
    overdue_announced_for: date | None = None
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)
    # Transitions not yet stored (the repository takes them with the events).
    transitions: list[ComplaintTransition] = field(default_factory=list, repr=False)

    @classmethod
    def record(
        cls,
        *,
        organisation_id: UUID,
        client_id: UUID,
        deal_id: UUID | None,
        kind: ComplaintKind,
        description: str,
        owner_id: UUID,
        deadline: date,
        public_conflict: bool,
        today: date,
        at: datetime,
        by: UUID | None,
    ) -> Complaint:
        complaint = cls(
            organisation_id=organisation_id,
            client_id=client_id,
            deal_id=deal_id,
            kind=kind,
            description=_description(description),
            owner_id=owner_id,
            deadline=check_deadline(deadline, today),
            public_conflict=public_conflict,
            created_by=by,
            created_at=at,
            updated_at=at,
        )
        complaint.events.append(
            ComplaintCreated(
                **complaint._ids(),
                occurred_at=at,
                actor_id=by,
                kind=kind.value,
                deadline=complaint.deadline,
                public_conflict=public_conflict,
            )
        )
        if public_conflict:
            complaint._record_conflict(at, by)
        complaint._transition(None, at, by)
        return complaint

    def _ids(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "complaint_id": self.id,
            "client_id": self.client_id,
            "deal_id": self.deal_id,
            "owner_id": self.owner_id,
        }

    def _record_conflict(self, at: datetime, by: UUID | None) -> None:
        self.events.append(
            ComplaintPublicConflictChanged(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                complaint_id=self.id,
                client_id=self.client_id,
                public_conflict=self.public_conflict,
            )
        )

    def _transition(self, previous: ComplaintStatus | None, at: datetime, by: UUID | None) -> None:
        self.transitions.append(
            ComplaintTransition(
                complaint_id=self.id,
                client_id=self.client_id,
                deal_id=self.deal_id,
                from_status=previous,
                to_status=self.status,
                kind=self.kind,
                resolution=self.resolution if self.status not in OPEN_STATUSES else None,
                actor_id=by,
                at=at,
            )
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Still open after its deadline's day."""
        return self.is_open and self.deadline < today

    # --- editing -----------------------------------------------------------------------

    def edit(
        self,
        *,
        today: date,
        at: datetime,
        by: UUID | None,
        kind: ComplaintKind | None = None,
        description: str | None = None,
        owner_id: UUID | None = None,
        deadline: date | None = None,
        public_conflict: bool | None = None,
    ) -> tuple[str, ...]:
        """Change what is given; a closed complaint keeps its facts (only its public-conflict
        flag may still change). Returns the names of the fields that changed."""
        before = self.snapshot()
        if not self.is_open and (kind or description or owner_id or deadline):
            raise InvalidTransition(f"The complaint is {self.status.value}; it no longer changes")
        if kind is not None:
            self.kind = kind
        if description is not None:
            self.description = _description(description)
        if owner_id is not None:
            self.owner_id = owner_id
        if deadline is not None and deadline != self.deadline:
            self.deadline = check_deadline(deadline, today)
        conflict_changed = public_conflict is not None and public_conflict != self.public_conflict
        if public_conflict is not None:
            self.public_conflict = public_conflict
        after = self.snapshot()
        changed = tuple(name for name in after if after[name] != before[name])
        if changed:
            self.updated_at = at
            self.events.append(
                ComplaintUpdated(**self._ids(), occurred_at=at, actor_id=by, changed=changed)
            )
        if conflict_changed:
            self._record_conflict(at, by)
        return changed

    # --- status ------------------------------------------------------------------------

    def take_in_work(self, *, at: datetime, by: UUID | None) -> None:
        if self.status is not ComplaintStatus.NEW:
            raise InvalidTransition(f"Only a new complaint is taken in work, not {self.status}")
        self._move(ComplaintStatus.IN_WORK, at, by)

    def resolve(self, resolution: str | None, *, at: datetime, by: UUID | None) -> None:
        self._close(ComplaintStatus.RESOLVED, resolution, at, by)

    def reject(self, resolution: str | None, *, at: datetime, by: UUID | None) -> None:
        self._close(ComplaintStatus.REJECTED, resolution, at, by)

    def _close(
        self, status: ComplaintStatus, resolution: str | None, at: datetime, by: UUID | None
    ) -> None:
        if not self.is_open:
            raise InvalidTransition(f"The complaint is {self.status.value} already")
        self.resolution = _resolution(resolution)
        self.resolved_at = at
        self._move(status, at, by)

    def _move(self, status: ComplaintStatus, at: datetime, by: UUID | None) -> None:
        previous = self.status
        self.status = status
        self.updated_at = at
        self.events.append(
            ComplaintStatusChanged(
                **self._ids(),
                occurred_at=at,
                actor_id=by,
                from_status=previous.value,
                to_status=status.value,
                resolution=self.resolution if not self.is_open else None,
            )
        )
        self._transition(previous, at, by)

    # --- the overdue sweep -------------------------------------------------------------

    def mark_overdue(self, today: date, at: datetime) -> bool:
        """complaint.overdue once per deadline: False when it is not overdue or its deadline
        was announced already."""
        if not self.is_overdue(today) or self.overdue_announced_for == self.deadline:
            return False
        self.overdue_announced_for = self.deadline
        self.events.append(
            ComplaintOverdue(
                **self._ids(),
                occurred_at=at,
                kind=self.kind.value,
                status=self.status.value,
                deadline=self.deadline,
            )
        )
        return True

    def snapshot(self) -> dict[str, Any]:
        """The fields the audit log compares."""
        return {
            "client_id": self.client_id,
            "deal_id": self.deal_id,
            "kind": self.kind,
            "description": self.description,
            "owner_id": self.owner_id,
            "deadline": self.deadline,
            "status": self.status,
            "resolution": self.resolution,
            "public_conflict": self.public_conflict,
        }


@dataclass(frozen=True, slots=True)
class OwnerFigures:
    """The report's row: one owner's complaints created in the period."""

    owner_id: UUID
    owner_name: str
    total: int
    open: int
    overdue: int
    resolved: int
    rejected: int
    # Hours from recording to resolving or rejecting, of those closed; None when none is.
    median_hours_to_resolve: float | None
    average_hours_to_resolve: float | None
