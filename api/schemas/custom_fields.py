from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema, given_unless_null
from domain.clients.commands import CreateCustomField, UpdateCustomField
from domain.clients.custom_fields import LABEL_MAX, CustomFieldDefinition, FieldEntity, FieldType

FieldTypeName = Literal["string", "number", "date", "enum", "money"]
EntityName = Literal["client", "deal"]


class CustomFieldCreate(Schema):
    entity: EntityName
    key: Name = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Used in custom_fields and in ?cf.<key>= filters; cannot change later",
    )
    label: Name = Field(min_length=1, max_length=LABEL_MAX)
    type: FieldTypeName = Field(
        description='money values are {"amount": "123.45", "currency": "RUB"}; dates YYYY-MM-DD'
    )
    options: list[Name] = Field(default_factory=list, max_length=200, description="enum values")
    required: bool = False
    position: int = Field(default=0, ge=0, le=1000)

    def to_command(self) -> CreateCustomField:
        return CreateCustomField(
            entity=FieldEntity(self.entity),
            key=self.key,
            label=self.label,
            type=FieldType(self.type),
            options=list(self.options),
            required=self.required,
            position=self.position,
        )


class CustomFieldUpdate(Schema):
    label: Name | None = Field(default=None, min_length=1, max_length=LABEL_MAX)
    options: list[Name] | None = Field(default=None, max_length=200)
    required: bool | None = None
    position: int | None = Field(default=None, ge=0, le=1000)

    def to_command(self) -> UpdateCustomField:
        """Null changes nothing."""
        return UpdateCustomField(
            label=given_unless_null(self, "label", self.label),
            options=given_unless_null(self, "options", self.options),
            required=given_unless_null(self, "required", self.required),
            position=given_unless_null(self, "position", self.position),
        )


class CustomFieldRead(Schema):
    id: UUID
    entity: EntityName
    key: str
    label: str
    type: FieldTypeName
    options: list[str]
    required: bool
    position: int
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, d: CustomFieldDefinition) -> CustomFieldRead:
        return cls(
            id=d.id,
            entity=d.entity.value,
            key=d.key,
            label=d.label,
            type=d.type.value,
            options=list(d.options),
            required=d.required,
            position=d.position,
            created_at=d.created_at,
            version=d.version,
        )
