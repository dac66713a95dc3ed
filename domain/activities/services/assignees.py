"""Who work goes to: an active colleague, or the substitute of someone absent today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.scope import Scope


async def _today(uow: UnitOfWork, clock: Clock, organisation_id: UUID) -> date:
    organisation = await uow.organisations.get(organisation_id)
    now = clock.now()
    return organisation.today(now) if organisation else now.date()


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who a task went to, and why it is not who was asked for."""

    assignee_id: UUID
    note: str | None = None


async def effective_assignee(
    uow: UnitOfWork, clock: Clock, organisation_id: UUID, wanted: UUID
) -> Assignment:
    """A new assignment to someone absent today goes to their substitute."""
    today = await _today(uow, clock, organisation_id)
    absent = await uow.absences.list(
        Scope.organisation_wide(organisation_id),
        user_id=wanted,
        overlapping=(today, today),
        limit=1,
    )
    if absent and absent[0].substitute_id is not None:
        absence = absent[0]
        assert absence.substitute_id is not None
        return Assignment(
            absence.substitute_id,
            f"The assignee is absent until {absence.ends_on.isoformat()}; "
            "the task went to their substitute",
        )
    return Assignment(wanted)
