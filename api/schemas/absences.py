from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from api.schemas.base import Day, Schema, Text
from domain.staff.model import ABSENCE_COMMENT_MAX, AbsenceKind


class AbsenceRead(Schema):
    id: UUID
    user_id: UUID
    kind: AbsenceKind
    starts_on: date
    ends_on: date = Field(description="Inclusive")
    substitute_id: UUID | None
    comment: str | None
    created_by: UUID | None
    version: int


class AbsenceCreate(Schema):
    user_id: UUID | None = Field(
        default=None,
        description="Whose absence; yourself when omitted (others need absences:manage)",
    )
    kind: AbsenceKind
    starts_on: Day
    ends_on: Day = Field(description="Inclusive")
    substitute_id: UUID | None = None
    comment: Text | None = Field(default=None, max_length=ABSENCE_COMMENT_MAX)


class AbsenceUpdate(Schema):
    kind: AbsenceKind | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    substitute_id: UUID | None = None
    comment: Text | None = Field(default=None, max_length=ABSENCE_COMMENT_MAX)


class AbsencePage(Schema):
    items: list[AbsenceRead]
    next_cursor: str | None
