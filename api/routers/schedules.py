from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.deps import ContainerDep, CurrentPrincipal, UowDep
from api.errors import problems
from api.schemas.schedules import ScheduleRead, ScheduleWrite
from domain.staff.services.schedules import ScheduleService

router = APIRouter(prefix="/users/{user_id}/schedule", tags=["schedules"])


@router.get("", response_model=ScheduleRead, responses=problems(401, 403, 404))
async def get_user_schedule(
    user_id: UUID, principal: CurrentPrincipal, uow: UowDep, container: ContainerDep
) -> ScheduleRead:
    """The user's working hours; the standard Mon-Fri 9-18 week when none is set."""
    view = await ScheduleService(uow, container.clock).get(principal, user_id)
    return ScheduleRead.of(view)


@router.put("", response_model=ScheduleRead, responses=problems(401, 403, 404, 422))
async def put_user_schedule(
    user_id: UUID,
    body: ScheduleWrite,
    principal: CurrentPrincipal,
    uow: UowDep,
    container: ContainerDep,
) -> ScheduleRead:
    """Replace the working hours: your own, or anyone's with schedules:manage."""
    view = await ScheduleService(uow, container.clock).put(
        principal, user_id, time_zone=body.time_zone, days=body.days.as_times()
    )
    return ScheduleRead.of(view)
