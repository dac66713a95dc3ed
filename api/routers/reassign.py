from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.deps import CurrentPrincipal, ReassignServiceDep
from api.errors import problems
from api.schemas.reassign import ReassignRequest, ReassignResultRead

router = APIRouter(prefix="/users", tags=["users"])


@router.post(
    "/{user_id}/reassign",
    response_model=ReassignResultRead,
    responses=problems(401, 403, 404, 422),
)
async def reassign_user_work(
    user_id: UUID,
    body: ReassignRequest,
    principal: CurrentPrincipal,
    service: ReassignServiceDep,
) -> ReassignResultRead:
    """Move the user's clients, deals and tasks to a colleague in one transaction, with an
    audit record per kind of record moved. Needs users:manage."""
    result = await service.reassign(principal, user_id, **body.model_dump())
    return ReassignResultRead.model_validate(result)
