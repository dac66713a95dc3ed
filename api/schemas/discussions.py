from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema, Text
from domain.activities.model import COMMENT_BODY_MAX

_BODY = (
    "Markdown text. Mention a colleague as @[Full Name](user id), e.g. "
    "@[Анна Петрова](2f1c9a4e-8a51-4a4f-9a43-8c1f0b6f2d10); each mentioned user must be an "
    "active user of the organisation and is notified once."
)


class CommentRead(Schema):
    id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    parent_id: UUID | None
    body: str
    mentions: list[UUID] = Field(description="Users mentioned in the body, in order")
    author_id: UUID | None
    created_at: datetime | None
    edited_at: datetime | None
    version: int


class CommentCreate(Schema):
    body: Text = Field(min_length=1, max_length=COMMENT_BODY_MAX, description=_BODY)
    client_id: UUID | None = Field(
        default=None, description="A client_id or a deal_id; a reply takes its parent's"
    )
    deal_id: UUID | None = None
    parent_id: UUID | None = Field(default=None, description="The comment this one answers")


class CommentUpdate(Schema):
    body: Text = Field(min_length=1, max_length=COMMENT_BODY_MAX, description=_BODY)


class CommentPage(Schema):
    items: list[CommentRead]
    next_cursor: str | None
