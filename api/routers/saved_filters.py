"""A user's saved filters of the client, deal and task lists. Each user sees and changes only
their own; another user's answer 404."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, SavedFilterServiceDep
from api.errors import problems
from api.schemas.saved_filters import (
    SavedFilterCreate,
    SavedFilterListName,
    SavedFilterRead,
    SavedFilterUpdate,
)
from domain.platform.saved_filters import SavedFilterList

router = APIRouter(prefix="/saved-filters", tags=["saved-filters"])


@router.get("", response_model=list[SavedFilterRead], responses=problems(401, 403, 422))
async def list_saved_filters(
    list: SavedFilterListName, principal: CurrentPrincipal, service: SavedFilterServiceDep
) -> list[SavedFilterRead]:
    """The caller's saved filters of one list, by name."""
    return [SavedFilterRead.of(f) for f in await service.list(principal, SavedFilterList(list))]


@router.post(
    "",
    response_model=SavedFilterRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_saved_filter(
    body: SavedFilterCreate, principal: CurrentPrincipal, service: SavedFilterServiceDep
) -> SavedFilterRead:
    """Names are unique per user and list (409 otherwise); at most 50 per list."""
    saved = await service.create(
        principal, SavedFilterList(body.list), name=body.name, query=body.query
    )
    return SavedFilterRead.of(saved)


@router.patch(
    "/{filter_id}", response_model=SavedFilterRead, responses=problems(401, 403, 404, 409, 422)
)
async def update_saved_filter(
    filter_id: UUID,
    body: SavedFilterUpdate,
    principal: CurrentPrincipal,
    service: SavedFilterServiceDep,
) -> SavedFilterRead:
    saved = await service.update(principal, filter_id, name=body.name, query=body.query)
    return SavedFilterRead.of(saved)


@router.delete(
    "/{filter_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 404)
)
async def delete_saved_filter(
    filter_id: UUID, principal: CurrentPrincipal, service: SavedFilterServiceDep
) -> Response:
    await service.delete(principal, filter_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
