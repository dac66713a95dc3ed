from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.activities.ports import TimelineKind


class TimelineItemRead(Schema):
    at: datetime
    kind: TimelineKind
    id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    actor_id: UUID | None
    title: str | None
    body: str | None
    data: dict[str, Any]
    deal_title: str | None = Field(default=None, description="The title of the deal named")
    actor_name: str | None = Field(default=None, description="Who did it, by full name")


class TimelinePage(Schema):
    items: list[TimelineItemRead]
    next_cursor: str | None
