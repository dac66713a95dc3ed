from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header
from fastapi.responses import StreamingResponse

from api.deps import (
    CurrentPrincipal,
    NotificationFeedDep,
    NotificationServiceDep,
    StreamPrincipal,
)
from api.errors import problems
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.notifications import NotificationPage, NotificationRead, ReadAllResult
from domain.activities.model import Notification
from domain.activities.ports import NotificationFeed
from domain.activities.services.notifications import NotificationService
from domain.auth.principal import Principal

router = APIRouter(prefix="/notifications", tags=["notifications"])

# A comment line this often keeps proxies and the browser from closing an idle stream.
HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 5000


@router.get("", response_model=NotificationPage, responses=problems(401, 403, 422))
async def list_notifications(
    principal: CurrentPrincipal,
    service: NotificationServiceDep,
    unread: bool | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> NotificationPage:
    """Your notifications, newest first; unread=true for the unread ones only."""
    found = await service.list(
        principal, unread=unread, limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    last = found[limit - 1] if len(found) > limit else None
    return NotificationPage(
        items=[NotificationRead.model_validate(n) for n in found[:limit]],
        next_cursor=encode_cursor(last.created_at, last.id) if last else None,
    )


@router.post("/read-all", response_model=ReadAllResult, responses=problems(401, 403))
async def read_all_notifications(
    principal: CurrentPrincipal, service: NotificationServiceDep
) -> ReadAllResult:
    marked = await service.mark_all_read(principal)
    return ReadAllResult(marked=marked)


@router.post(
    "/{notification_id}/read", response_model=NotificationRead, responses=problems(401, 403, 404)
)
async def read_notification(
    notification_id: UUID, principal: CurrentPrincipal, service: NotificationServiceDep
) -> NotificationRead:
    found = await service.mark_read(principal, notification_id)
    return NotificationRead.model_validate(found)


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": (
                "Server-Sent Events: `event: notification` with the notification as JSON in "
                "`data` and its id as the event id; `event: ready` once the unread backlog is "
                "sent (what follows is live); comment lines as heartbeats"
            ),
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **problems(401, 403),
    },
)
async def stream_notifications(
    principal: StreamPrincipal,
    service: NotificationServiceDep,
    feed: NotificationFeedDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    """Live notifications. Sends your unread notifications first (those after Last-Event-ID
    when reconnecting), then each new one as it is created, and a heartbeat every 15 s.
    Authenticate with the Bearer header or, for EventSource, ?access_token=."""
    since = _uuid_or_none(last_event_id)
    # Validates the caller before the stream starts, so a bad caller gets a problem response.
    await service.list(principal, unread=True, limit=1)
    return StreamingResponse(
        _events(service, feed, principal, since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(
    service: NotificationService,
    feed: NotificationFeed,
    principal: Principal,
    since: UUID | None,
) -> AsyncIterator[str]:
    assert principal.user_id is not None
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    # Subscribe before reading the backlog, so nothing created in between is lost.
    async with feed.listen(principal.user_id) as listener:
        sent: set[UUID] = set()
        for notification in await service.backlog(principal, since_id=since):
            sent.add(notification.id)
            yield _event(notification)
        # Everything after this is news: the SPA toasts those, never the backlog.
        yield "event: ready\ndata: {}\n\n"
        while True:
            live = await listener.next(wait_seconds=HEARTBEAT_SECONDS)
            if live is None:
                yield ": heartbeat\n\n"
            elif live.id not in sent:
                yield _event(live)


def _event(notification: Notification) -> str:
    data = NotificationRead.model_validate(notification).model_dump(mode="json")
    return f"id: {notification.id}\nevent: notification\ndata: {json.dumps(data)}\n\n"


def _uuid_or_none(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None
