"""What the complaints context needs from persistence."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.complaints.model import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    OwnerFigures,
)
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintFilter:
    statuses: frozenset[ComplaintStatus] = frozenset()
    owner_ids: frozenset[UUID] = frozenset()
    kinds: frozenset[ComplaintKind] = frozenset()
    client_id: UUID | None = None
    deal_id: UUID | None = None
    # Open with a deadline before ``today`` (the organisation's day); ``today`` is set by the
    # service from its clock.
    overdue: bool | None = None
    today: date | None = None


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """A complaint with the names a list shows."""

    complaint: Complaint
    client_name: str | None
    deal_title: str | None
    owner_name: str | None


@dataclass(frozen=True, slots=True)
class OverdueCandidate:
    """An open complaint past its deadline, unannounced for it, with its organisation's day."""

    organisation_id: UUID
    complaint_id: UUID
    today: date


class ComplaintRepository(Protocol):
    async def add(self, complaint: Complaint) -> None: ...
    async def get(
        self, scope: Scope, complaint_id: UUID, *, for_update: bool = False
    ) -> Complaint | None:
        """The complaint if the caller sees it (its owner within the scope)."""
        ...

    async def row(self, scope: Scope, complaint_id: UUID) -> ComplaintRow | None: ...
    async def update(self, complaint: Complaint, expected_version: int) -> None: ...
    async def save_overdue_mark(self, complaint: Complaint) -> None:
        """Store the announced deadline (and hand over the event) without moving the version:
        the sweep does not make an open edit form stale."""
        ...

    async def list(
        self,
        scope: Scope,
        filters: ComplaintFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[ComplaintRow]:
        """Earliest deadline first, by the keyset (deadline, id)."""
        ...

    async def overdue_candidates(
        self, now: datetime, *, limit: int
    ) -> builtins.list[OverdueCandidate]:
        """Across organisations: open complaints whose deadline lies before their organisation's
        day at ``now`` and whose deadline has not been announced."""
        ...

    async def report(
        self, scope: Scope, first_day: date, last_day: date, time_zone: str, today: date
    ) -> builtins.list[OwnerFigures]:
        """Per owner the caller sees: complaints created from ``first_day`` to ``last_day``
        (days in ``time_zone``), by status, overdue ones (open, deadline before ``today``), and
        the median and average time to resolve or reject."""
        ...
