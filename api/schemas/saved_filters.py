from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.platform.saved_filters import NAME_MAX, QUERY_MAX, SavedFilter

SavedFilterListName = Literal["clients", "deals", "tasks"]


class SavedFilterCreate(Schema):
    list: SavedFilterListName
    name: Name = Field(min_length=1, max_length=NAME_MAX)
    query: Name = Field(
        max_length=QUERY_MAX,
        description="The list's URL query string, e.g. q=ромашка&temperature=hot",
    )


class SavedFilterUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    query: Name | None = Field(default=None, max_length=QUERY_MAX)


class SavedFilterRead(Schema):
    id: UUID
    list: SavedFilterListName
    name: str
    query: str
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, saved: SavedFilter) -> SavedFilterRead:
        return cls(
            id=saved.id,
            list=saved.list.value,
            name=saved.name,
            query=saved.query,
            created_at=saved.created_at,
            version=saved.version,
        )
