from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import ActivityServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.activities import ActivityCreate, ActivityPage, ActivityRead, ActivityUpdate
from api.schemas.base import AwareMoment
from domain.activities.model import ActivityKind
from domain.activities.ports import ActivityFilter

router = APIRouter(prefix="/activities", tags=["activities"])


@router.get("", response_model=ActivityPage, responses=problems(401, 403, 422))
async def list_activities(
    principal: CurrentPrincipal,
    service: ActivityServiceDep,
    client_id: UUID | None = None,
    deal_id: UUID | None = None,
    kind: ActivityKind | None = None,
    author_id: UUID | None = None,
    occurred_from: AwareMoment | None = None,
    occurred_to: AwareMoment | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ActivityPage:
    """Calls, meetings, e-mails and notes on clients and deals you see, newest first."""
    found = await service.list(
        principal,
        ActivityFilter(
            client_id=client_id,
            deal_id=deal_id,
            kind=kind,
            author_id=author_id,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
        ),
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1] if len(found) > limit else None
    return ActivityPage(
        items=[ActivityRead.model_validate(a) for a in found[:limit]],
        next_cursor=encode_cursor(last.occurred_at, last.id) if last else None,
    )


@router.post(
    "",
    response_model=ActivityRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def create_activity(
    body: ActivityCreate,
    principal: CurrentPrincipal,
    service: ActivityServiceDep,
    response: Response,
) -> ActivityRead:
    """Record a call, meeting, e-mail or note; you are its author."""
    activity = await service.create(principal, **body.model_dump())
    set_etag(response, activity.version)
    return ActivityRead.model_validate(activity)


@router.get("/{activity_id}", response_model=ActivityRead, responses=problems(401, 403, 404))
async def get_activity(
    activity_id: UUID,
    principal: CurrentPrincipal,
    service: ActivityServiceDep,
    response: Response,
) -> ActivityRead:
    activity = await service.get(principal, activity_id)
    set_etag(response, activity.version)
    return ActivityRead.model_validate(activity)


@router.patch(
    "/{activity_id}", response_model=ActivityRead, responses=problems(401, 403, 404, 412, 422)
)
async def update_activity(
    activity_id: UUID,
    body: ActivityUpdate,
    principal: CurrentPrincipal,
    service: ActivityServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityRead:
    """Only the author (or an administrator) changes an activity."""
    activity = await service.update(
        principal,
        activity_id,
        body.to_command(),
        expected_version=expected_version(if_match),
    )
    set_etag(response, activity.version)
    return ActivityRead.model_validate(activity)


@router.delete(
    "/{activity_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_activity(
    activity_id: UUID,
    principal: CurrentPrincipal,
    service: ActivityServiceDep,
    if_match: IfMatch = None,
) -> None:
    await service.delete(principal, activity_id, expected_version=expected_version(if_match))
