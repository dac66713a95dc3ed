from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.deps import CurrentPrincipal, ScheduleServiceDep
from api.errors import problems
from api.schemas.schedules import ScheduleRead, ScheduleWrite

router = APIRouter(prefix="/users/{user_id}/schedule", tags=["schedules"])


@router.get("", response_model=ScheduleRead, responses=problems(401, 403, 404))
async def get_user_schedule(
    user_id: UUID, principal: CurrentPrincipal, service: ScheduleServiceDep
) -> ScheduleRead:
    """The user's working hours; the standard Mon-Fri 9-18 week when none is set."""
    view = await service.get(principal, user_id)
    return ScheduleRead.of(view)


@router.put("", response_model=ScheduleRead, responses=problems(401, 403, 404, 422))
async def put_user_schedule(
    user_id: UUID,
    body: ScheduleWrite,
    principal: CurrentPrincipal,
    service: ScheduleServiceDep,
) -> ScheduleRead:
    """Replace the working hours: your own, or anyone's with schedules:manage."""
    view = await service.put(
        principal, user_id, time_zone=body.time_zone, days=body.days.as_times()
    )
    return ScheduleRead.of(view)
