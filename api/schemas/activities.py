from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import AwareMoment, Name, Schema, Text, given, given_not_null
from domain.activities.commands import UpdateActivity
from domain.activities.model import ACTIVITY_BODY_MAX, ACTIVITY_SUBJECT_MAX, ActivityKind, Direction


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
    subject: Name | None = Field(default=None, max_length=ACTIVITY_SUBJECT_MAX)
    body: Text | None = Field(default=None, max_length=ACTIVITY_BODY_MAX)
    direction: Direction | None = Field(default=None, description="For calls and e-mails")
    occurred_at: AwareMoment | None = Field(default=None, description="Now when omitted")
    duration_seconds: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)


class ActivityUpdate(Schema):
    kind: ActivityKind | None = None
    subject: Name | None = Field(default=None, max_length=ACTIVITY_SUBJECT_MAX)
    body: Text | None = Field(default=None, max_length=ACTIVITY_BODY_MAX)
    direction: Direction | None = None
    occurred_at: AwareMoment | None = None
    duration_seconds: int | None = Field(default=None, ge=0, le=7 * 24 * 3600)

    def to_command(self) -> UpdateActivity:
        return UpdateActivity(
            kind=given_not_null(self, "kind", self.kind),
            subject=given(self, "subject", self.subject),
            body=given(self, "body", self.body),
            direction=given(self, "direction", self.direction),
            occurred_at=given_not_null(self, "occurred_at", self.occurred_at),
            duration_seconds=given(self, "duration_seconds", self.duration_seconds),
        )


class ActivityPage(Schema):
    items: list[ActivityRead]
    next_cursor: str | None
