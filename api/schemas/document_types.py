from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.attachments.model import DOCUMENT_TYPE_NAME_MAX


class DocumentTypeRead(Schema):
    id: UUID
    code: str = Field(description="Stable; stage requirements and attachments name it")
    name: str
    is_active: bool
    position: int
    version: int


class DocumentTypeCreate(Schema):
    code: Name = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    name: Name = Field(min_length=1, max_length=DOCUMENT_TYPE_NAME_MAX)
    position: int = Field(default=0, ge=0, le=1000)


class DocumentTypeUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=DOCUMENT_TYPE_NAME_MAX)
    is_active: bool | None = Field(default=None, description="false hides it from new uploads")
    position: int | None = Field(default=None, ge=0, le=1000)


class DocumentTypeOrder(Schema):
    type_ids: list[UUID] = Field(
        max_length=1000,
        description="Every document type of the organisation (deactivated ones too), in the "
        "new order",
    )
