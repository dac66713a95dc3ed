"""What employee karma needs from persistence: its settings, the month's facts per person
counted by the database, the staffing, and the closed months with their frozen scores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.karma.employees import (
    EmployeeFacts,
    EmployeeKarma,
    EmployeeKarmaSettings,
    KarmaPeriod,
    Staffing,
)
from domain.shared.events import EventSource
from domain.shared.scope import Scope


class EmployeeKarmaRepository(Protocol):
    async def settings(self, organisation_id: UUID) -> EmployeeKarmaSettings | None: ...
    async def save_settings(self, settings: EmployeeKarmaSettings, expected_version: int) -> None:
        """Insert at version 0, else update at the expected version; PreconditionFailed when
        another save came first."""
        ...

    async def people(self, organisation_id: UUID) -> Sequence[tuple[UUID, str, UUID | None]]:
        """Active users: id, name, department."""
        ...

    async def staffing(self, organisation_id: UUID) -> Staffing: ...
    async def visible_people(self, scope: Scope) -> set[UUID] | None:
        """Whose karma the caller sees (as owners of deals); None: everyone."""
        ...

    async def facts(
        self, organisation_id: UUID, starts_at: datetime, ends_at: datetime, now: datetime
    ) -> dict[UUID, EmployeeFacts]:
        """Won deals, upsells, promoter and detractor answers and overdue tasks per person in
        [starts_at, ends_at), tasks counted as overdue only once due before ``now``."""
        ...

    async def period(self, organisation_id: UUID, start: date) -> KarmaPeriod | None: ...
    async def periods(self, organisation_id: UUID) -> Sequence[KarmaPeriod]: ...
    async def closed_months(self, organisation_id: UUID, first: date, end: date) -> set[date]:
        """The first days of the closed months that start in [first, end)."""
        ...

    async def close(self, period: KarmaPeriod, rows: Sequence[EmployeeKarma]) -> None:
        """Store the closed month and its rows; PeriodAlreadyClosed when it was closed first."""
        ...

    async def frozen(self, organisation_id: UUID, start: date) -> Sequence[EmployeeKarma]: ...
    def record(self, entity: EventSource) -> None:
        """Hand the events ``entity`` recorded to the unit of work."""
        ...
