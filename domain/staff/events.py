"""What happened to staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.shared.events import DomainEvent, event


@event("user.absence_started")
@dataclass(frozen=True, slots=True, kw_only=True)
class AbsenceStarted(DomainEvent):
    """An absence began (or was recorded while it already runs): the absent person's due
    tasks go to the substitute, who is told."""

    absence_id: UUID
    user_id: UUID
    substitute_id: UUID | None
    kind: str
    starts_on: date
    ends_on: date
