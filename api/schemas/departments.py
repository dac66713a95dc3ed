from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.staff.model import DEPARTMENT_NAME_MAX


class DepartmentRead(Schema):
    id: UUID
    name: str
    parent_id: UUID | None
    head_id: UUID | None = Field(description="Manages the members and the sub-departments' heads")
    version: int


class DepartmentCreate(Schema):
    name: Name = Field(min_length=1, max_length=DEPARTMENT_NAME_MAX)
    parent_id: UUID | None = None
    head_id: UUID | None = None


class DepartmentUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=DEPARTMENT_NAME_MAX)
    parent_id: UUID | None = Field(default=None, description="null moves it to the top")
    head_id: UUID | None = Field(default=None, description="null leaves it without a head")
