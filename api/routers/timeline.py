from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, TimelineServiceDep
from api.errors import problems
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor, ident, moment, text
from api.schemas.timeline import TimelineItemRead, TimelinePage
from domain.activities.ports import TimelineItem, TimelineKind

router = APIRouter(tags=["timeline"])

Kinds = Annotated[
    list[TimelineKind] | None,
    Query(description="Only these kinds (repeat the parameter: ?kinds=task&kinds=comment)"),
]


def _kind(raw: object) -> str:
    return TimelineKind(text(raw)).value


def _after(cursor: str | None) -> tuple[datetime, str, UUID] | None:
    return decode_cursor(cursor, moment, _kind, ident)


def _page(items: list[TimelineItem], limit: int) -> TimelinePage:
    last = items[limit - 1] if len(items) > limit else None
    return TimelinePage(
        items=[TimelineItemRead.model_validate(i) for i in items[:limit]],
        next_cursor=encode_cursor(last.at, last.kind.value, last.id) if last else None,
    )


@router.get(
    "/clients/{client_id}/timeline", response_model=TimelinePage, responses=problems(401, 403, 404)
)
async def get_client_timeline(
    client_id: UUID,
    principal: CurrentPrincipal,
    service: TimelineServiceDep,
    kinds: Kinds = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TimelinePage:
    """Tasks, activities, comments, stage moves, relationship changes and phone calls of the
    client and of its deals you see, newest first."""
    items = await service.for_client(
        principal, client_id, kinds=frozenset(kinds or ()), limit=limit + 1, after=_after(cursor)
    )
    return _page(list(items), limit)


@router.get(
    "/deals/{deal_id}/timeline", response_model=TimelinePage, responses=problems(401, 403, 404)
)
async def get_deal_timeline(
    deal_id: UUID,
    principal: CurrentPrincipal,
    service: TimelineServiceDep,
    kinds: Kinds = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TimelinePage:
    """Tasks, activities, comments, stage moves and relationship changes of the deal."""
    items = await service.for_deal(
        principal, deal_id, kinds=frozenset(kinds or ()), limit=limit + 1, after=_after(cursor)
    )
    return _page(list(items), limit)
