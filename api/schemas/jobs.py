from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema


class JobRead(Schema):
    id: UUID
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(ge=0, le=100)
    message: str | None
    result: dict[str, Any] | None
    error: str | None
    created_by: UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobPage(Schema):
    items: list[JobRead]
    next_cursor: str | None
