from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema


class ReassignRequest(Schema):
    to_user_id: UUID
    clients: bool = Field(default=True, description="Move clients (responsible)")
    deals: bool = Field(default=True, description="Move deals (responsible)")
    tasks: bool = Field(default=True, description="Move tasks (assignee)")
    only_open: bool = Field(default=True, description="Only open deals and tasks not done")


class ReassignResultRead(Schema):
    clients: int
    deals: int
    tasks: int
