from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema


class FieldChange(Schema):
    before: Any = None
    after: Any = None


class AuditEntryRead(Schema):
    id: UUID
    entity_type: str
    entity_id: UUID
    action: str = Field(description="create, update, delete, merge, reassign, attach, ...")
    changes: dict[str, FieldChange] = Field(description="Per field: its value before and after")
    actor_user_id: UUID | None
    actor_api_key_id: UUID | None
    request_id: str | None
    at: datetime


class AuditPage(Schema):
    items: list[AuditEntryRead]
    next_cursor: str | None
