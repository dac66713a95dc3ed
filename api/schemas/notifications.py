from __future__ import annotations

from datetime import datetime
from uuid import UUID

from api.schemas.base import Schema


class NotificationRead(Schema):
    id: UUID
    kind: str
    title: str
    body: str | None
    entity_type: str | None
    entity_id: UUID | None
    created_at: datetime | None
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationRead]
    next_cursor: str | None


class ReadAllResult(Schema):
    marked: int
