from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, Field

from api.schemas.base import Schema
from domain.activities.model import ActivityKind, Direction


class ActivityRead(Schema):
    id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    kind: ActivityKind
    subject: str | None
    body: str | None
    direction: Direction | None
    occurred_at: datetime
    duration_seconds: int | None
    author_id: UUID | None
    created_at: datetime | None
    version: int


class ActivityCreate(Schema):
    kind: ActivityKind
    client_id: UUID | None = Field(default=None, description="A client_id or a deal_id")
    deal_id: UUID | None = None
    subject: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=50_000)
    direction: Direction | None = Field(default=None, description="For calls and e-mails")
    occurred_at: AwareDatetime | None = Field(default=None, description="Now when omitted")
    duration_seconds: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)


class ActivityUpdate(Schema):
    kind: ActivityKind | None = None
    subject: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=50_000)
    direction: Direction | None = None
    occurred_at: AwareDatetime | None = None
    duration_seconds: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)


class ActivityPage(Schema):
    items: list[ActivityRead]
    next_cursor: str | None
