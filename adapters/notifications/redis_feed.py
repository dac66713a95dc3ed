"""Live notifications over Redis pub/sub: one channel per user. Publishing is best effort;
the rows in ``notifications`` are the record, and streams send the unread backlog first."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from domain.activities.model import Notification, NotificationKind

log = structlog.get_logger(__name__)


def channel_for(user_id: UUID) -> str:
    return f"crm:notifications:{user_id}"


def encode(n: Notification) -> str:
    return json.dumps(
        {
            "id": str(n.id),
            "organisation_id": str(n.organisation_id),
            "user_id": str(n.user_id),
            "kind": n.kind.value,
            "params": n.params,
            "entity_type": n.entity_type,
            "entity_id": str(n.entity_id) if n.entity_id else None,
            "dedup_key": n.dedup_key,
            "created_at": n.created_at.isoformat() if n.created_at else None,
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
    )


def decode(raw: str | bytes) -> Notification:
    data: dict[str, Any] = json.loads(raw)
    return Notification(
        id=UUID(data["id"]),
        organisation_id=UUID(data["organisation_id"]),
        user_id=UUID(data["user_id"]),
        kind=NotificationKind(data["kind"]),
        params=dict(data["params"]),
        entity_type=data["entity_type"],
        entity_id=UUID(data["entity_id"]) if data["entity_id"] else None,
        dedup_key=data["dedup_key"],
        created_at=datetime.fromisoformat(data["created_at"]) if data["created_at"] else None,
        read_at=datetime.fromisoformat(data["read_at"]) if data["read_at"] else None,
    )


class RedisNotificationPublisher:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, notification: Notification) -> None:
        await self._redis.publish(channel_for(notification.user_id), encode(notification))


class _Listener:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def next(self, wait_seconds: float) -> Notification | None:
        message = await self._pubsub.get_message(
            ignore_subscribe_messages=True, timeout=wait_seconds
        )
        if message is None or message.get("type") != "message":
            return None
        try:
            return decode(message["data"])
        except (ValueError, KeyError) as exc:
            log.warning("notifications.bad_message", error=str(exc))
            return None


class RedisNotificationFeed:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @asynccontextmanager
    async def listen(self, user_id: UUID) -> AsyncIterator[_Listener]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(channel_for(user_id))
        try:
            yield _Listener(pubsub)
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]
