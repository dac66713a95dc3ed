"""After-commit subscribers of the activities context (run by the worker from the outbox)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.activities.services.reassignment import hand_over_absent_tasks
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.events import DomainEvent
from domain.staff.events import AbsenceStarted


@dataclass(frozen=True, slots=True)
class AbsenceHandOver:
    """When an absence with a substitute begins, the absent person's due tasks go to the
    substitute at once (the every-minute sweep catches tasks that fall due later).
    Idempotent: only tasks still assigned to the absent person move."""

    uow: Callable[[], UnitOfWork]
    clock: Clock

    @property
    def name(self) -> str:
        return "activities.absence_hand_over"

    async def __call__(self, event: DomainEvent) -> None:
        if not isinstance(event, AbsenceStarted) or event.substitute_id is None:
            return
        await hand_over_absent_tasks(self.uow(), self.clock, event.organisation_id)
