from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, DiscussionServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.discussions import CommentCreate, CommentPage, CommentRead, CommentUpdate

router = APIRouter(prefix="/discussions", tags=["discussions"])


@router.get("", response_model=CommentPage, responses=problems(401, 403, 404, 422))
async def list_comments(
    principal: CurrentPrincipal,
    service: DiscussionServiceDep,
    client_id: UUID | None = None,
    deal_id: UUID | None = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> CommentPage:
    """The discussion of a client or deal, oldest first; replies name their parent_id."""
    found = await service.list(
        principal,
        client_id=client_id,
        deal_id=deal_id,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1] if len(found) > limit else None
    return CommentPage(
        items=[CommentRead.model_validate(c) for c in found[:limit]],
        next_cursor=encode_cursor(last.created_at, last.id) if last else None,
    )


@router.post(
    "",
    response_model=CommentRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def create_comment(
    body: CommentCreate,
    principal: CurrentPrincipal,
    service: DiscussionServiceDep,
    response: Response,
) -> CommentRead:
    """Comment or reply; every user mentioned as @[Name](id) is notified."""
    comment = await service.create(principal, **body.model_dump())
    set_etag(response, comment.version)
    return CommentRead.model_validate(comment)


@router.get("/{comment_id}", response_model=CommentRead, responses=problems(401, 403, 404))
async def get_comment(
    comment_id: UUID,
    principal: CurrentPrincipal,
    service: DiscussionServiceDep,
    response: Response,
) -> CommentRead:
    comment = await service.get(principal, comment_id)
    set_etag(response, comment.version)
    return CommentRead.model_validate(comment)


@router.patch(
    "/{comment_id}", response_model=CommentRead, responses=problems(401, 403, 404, 412, 422)
)
async def update_comment(
    comment_id: UUID,
    body: CommentUpdate,
    principal: CurrentPrincipal,
    service: DiscussionServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CommentRead:
    """Edit your own comment; newly mentioned users are notified."""
    comment = await service.edit(
        principal, comment_id, body=body.body, expected_version=expected_version(if_match)
    )
    set_etag(response, comment.version)
    return CommentRead.model_validate(comment)


@router.delete(
    "/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_comment(
    comment_id: UUID,
    principal: CurrentPrincipal,
    service: DiscussionServiceDep,
    if_match: IfMatch = None,
) -> None:
    """Delete your own comment (an administrator may delete any); its replies go with it."""
    await service.delete(principal, comment_id, expected_version=expected_version(if_match))
